/* SPDX-License-Identifier: MIT */
/* The subcommands of the logtally command-line tool, each a main of its own that
 * src/logtally.c dispatches to, and the few conventions they share. */
#ifndef LT_CLI_H
#define LT_CLI_H

#include <stdbool.h>

/* Exit codes of every subcommand. */
enum {
    LT_CLI_OK = 0,      /* everything was read / the daemon answered */
    LT_CLI_FAILED = 1,  /* some input could not be read, or the daemon could not be reached */
    LT_CLI_USAGE = 2,   /* the command line was wrong */
};

#define LT_CLI_DEFAULT_URL "http://127.0.0.1:9514"

/* argv[0] is the subcommand's name; each returns the process exit code. */
int lt_cli_scan(int argc, char **argv);
int lt_cli_stats(int argc, char **argv);
int lt_cli_top(int argc, char **argv);
int lt_cli_tail(int argc, char **argv);

/* Parses a decimal integer in [min, max] from all of text. */
bool lt_cli_parse_uint(const char *text, unsigned long long min, unsigned long long max,
                       unsigned long long *out);

/* Prints "logtally SUB: message" and "Try 'logtally SUB --help'." on stderr; returns
 * LT_CLI_USAGE. */
int lt_cli_usage_error(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
