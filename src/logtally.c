/* SPDX-License-Identifier: MIT */
/* logtally, the command-line companion of logtallyd: dispatches to the subcommands (scan
 * counts log files with the daemon's parser; stats, top and tail read a running daemon) and
 * holds the small helpers they share. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_alloc.h"
#include "lt_cli.h"

static const char usage[] =
    "Usage: logtally COMMAND [OPTIONS] [ARGS]\n"
    "Counts log lines per level with the same parser as logtallyd, and shows a running daemon.\n"
    "\n"
    "Commands:\n"
    "  scan FILE...   count the events of log files (plain or gzip; '-' is standard input),\n"
    "                 filter them (--min-level err --print), in bounded memory on every core\n"
    "  stats          print a running daemon's per-level counts and rates (--watch to refresh)\n"
    "  top            full-screen per-level view with rates and sparklines\n"
    "  tail           print the daemon's recent severe events (-f to follow)\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help ('logtally COMMAND --help' for a command's options)\n"
    "  -V, --version  show the version\n"
    "\n"
    "Exit status: 0 when everything was read, 1 when some input or the daemon could not be\n"
    "read, 2 when the command line is wrong.\n";

bool lt_cli_parse_uint(const char *text, unsigned long long min, unsigned long long max,
                       unsigned long long *out)
{
    char *end;
    if (text == NULL || *text < '0' || *text > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

int lt_cli_usage_error(const char *sub, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "logtally %s: ", sub);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'logtally %s --help'.\n", sub);
    return LT_CLI_USAGE;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {
        {"scan", lt_cli_scan},
        {"stats", lt_cli_stats},
        {"top", lt_cli_top},
        {"tail", lt_cli_tail},
    };

    lt_alloc_install();
    if (argc < 2) {
        fputs(usage, stderr);
        return LT_CLI_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage, stdout);
        return LT_CLI_OK;
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("logtally %s\n", LT_VERSION);
        return LT_CLI_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "logtally: unknown command '%s'\nTry 'logtally --help'.\n", argv[1]);
    return LT_CLI_USAGE;
}
