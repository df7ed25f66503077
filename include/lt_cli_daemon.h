/* SPDX-License-Identifier: MIT */
/* What the stats, top and tail subcommands share about talking to a running logtallyd: the
 * --url, one GET that returns parsed JSON, the one-line report when the daemon cannot be
 * read, level colours, and a Ctrl-C flag for the commands that loop. */
#ifndef LT_CLI_DAEMON_H
#define LT_CLI_DAEMON_H

#include <signal.h>
#include <stdbool.h>

#include "lt_http_client.h"

struct cJSON;

#define LT_CLI_TIMEOUT_MS 3000
#define LT_CLI_MAX_BODY_BYTES (16 * 1024 * 1024)

/* Set by the SIGINT/SIGTERM handler that lt_cli_daemon_catch_signals installs. */
extern volatile sig_atomic_t lt_cli_is_interrupted;

/* Installs handlers that set lt_cli_is_interrupted (without SA_RESTART, so a sleep or poll
 * returns early). */
void lt_cli_daemon_catch_signals(void);

/* GETs path from the daemon and parses the body as JSON into *out (the caller cJSON_Deletes
 * it). Returns 0; the http_client's negative codes; -ENOENT for a 404 (so callers can fall
 * back); -EPROTO for another non-200 status or a body that is not JSON. */
int lt_cli_daemon_get(const lt_http_url_t *url, const char *path, struct cJSON **out);

/* Prints the one line saying why the daemon at url_text could not be read. */
void lt_cli_daemon_report(const char *sub, const char *url_text, const char *path, int err);

/* ANSI colour that starts a level's text ("" for the levels shown plainly). */
const char *lt_cli_level_color(int level);
#define LT_CLI_COLOR_RESET "\033[0m"

/* Level index of a level name, or -1. */
int lt_cli_level_index(const char *name);

/* A JSON number member as an unsigned integer (0 when absent or not a number). */
unsigned long long lt_cli_json_u64(const struct cJSON *obj, const char *name);

/* Sleeps up to ms milliseconds; returns early (false) when interrupted. */
bool lt_cli_sleep_ms(unsigned ms);

/* Appends text to a query string, percent-encoded (RFC 3986 unreserved kept). */
void lt_cli_query_append(lt_strbuf_t *q, const char *key, const char *value);

#endif
