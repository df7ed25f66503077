/* SPDX-License-Identifier: MIT */
/* `logtally tail`: the daemon's recent ring events from /api/v1/events, oldest first, one
 * line each (TIME LEVEL HOST APP: MESSAGE), coloured by level on a terminal. With -f it
 * polls /api/v1/events?after=SEQ for the events that arrived since the last one it printed. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lt_cli.h"
#include "lt_cli_daemon.h"
#include "lt_level.h"
#include "lt_strbuf.h"

#define FOLLOW_INTERVAL_MS 500
#define FOLLOW_LIMIT 10000 /* the daemon caps it to its ring size */

static const char usage[] =
    "Usage: logtally tail [--url URL] [-f] [--min-level LEVEL] [--app APP] [--host HOST]\n"
    "Prints the recent events a running logtallyd keeps in its ring (those at or above its\n"
    "ring.min_level), oldest first: TIME LEVEL HOST APP: MESSAGE.\n"
    "\n"
    "  -u, --url URL          the daemon's HTTP address (default " LT_CLI_DEFAULT_URL ")\n"
    "  -f, --follow           keep printing new events as they arrive (polls every 0.5 s)\n"
    "  -n, --lines N          print at most the last N recent events first (default 100)\n"
    "      --min-level LEVEL  only this level or more severe\n"
    "      --app APP          only events of this app\n"
    "      --host HOST        only events of this host\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 (also after Ctrl-C), 1 when the daemon cannot be read.\n";

enum { OPT_MIN_LEVEL = 256, OPT_APP, OPT_HOST };

static const char *str_of(const cJSON *obj, const char *name, const char *none)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring : none;
}

/* Prints the events of one answer oldest first (the daemon lists them newest first) and
 * returns the highest seq seen. */
static unsigned long long print_events(const cJSON *answer, unsigned long long after, bool is_tty)
{
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(answer, "events");
    unsigned long long max_seq = after;

    for (int i = cJSON_GetArraySize(events) - 1; i >= 0; i--) {
        const cJSON *e = cJSON_GetArrayItem(events, i);
        unsigned long long seq = lt_cli_json_u64(e, "seq");
        if (seq <= after)
            continue;
        if (seq > max_seq)
            max_seq = seq;
        const char *level = str_of(e, "level", "unknown");
        const char *color = is_tty ? lt_cli_level_color(lt_cli_level_index(level)) : "";
        /* The time the message carries, else when the daemon received it. */
        const char *t = str_of(e, "time", str_of(e, "received", "-"));
        printf("%s %s%-7s%s %s %s: %s\n", t, color, level, *color ? LT_CLI_COLOR_RESET : "",
               str_of(e, "host", "-"), str_of(e, "app", "-"), str_of(e, "message", ""));
    }
    fflush(stdout);
    return max_seq;
}

int lt_cli_tail(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"url", required_argument, NULL, 'u'},
        {"follow", no_argument, NULL, 'f'},
        {"lines", required_argument, NULL, 'n'},
        {"min-level", required_argument, NULL, OPT_MIN_LEVEL},
        {"app", required_argument, NULL, OPT_APP},
        {"host", required_argument, NULL, OPT_HOST},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *url_text = LT_CLI_DEFAULT_URL;
    lt_strbuf_t filter = LT_STRBUF_INIT, path = LT_STRBUF_INIT;
    unsigned long long lines = 100;
    bool is_follow = false;
    lt_http_url_t url;
    int c, rc = LT_CLI_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "u:fn:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'u':
            url_text = optarg;
            break;
        case 'f':
            is_follow = true;
            break;
        case 'n':
            if (!lt_cli_parse_uint(optarg, 1, 1000000, &lines)) {
                rc = lt_cli_usage_error("tail", "--lines takes 1 to 1000000, not '%s'", optarg);
                goto out;
            }
            break;
        case OPT_MIN_LEVEL:
            if (lt_cli_level_index(optarg) < 0) {
                rc = lt_cli_usage_error("tail", "'%s' is not a level (emerg alert crit err "
                                                "warning notice info debug unknown)", optarg);
                goto out;
            }
            lt_cli_query_append(&filter, "min_level", optarg);
            break;
        case OPT_APP:
            lt_cli_query_append(&filter, "app", optarg);
            break;
        case OPT_HOST:
            lt_cli_query_append(&filter, "host", optarg);
            break;
        case 'h':
            fputs(usage, stdout);
            goto out;
        default:
            fprintf(stderr, "Try 'logtally tail --help'.\n");
            rc = LT_CLI_USAGE;
            goto out;
        }
    }
    if (optind < argc) {
        rc = lt_cli_usage_error("tail", "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (lt_http_url_parse(url_text, &url) != 0) {
        rc = lt_cli_usage_error("tail", "'%s' is not an http://HOST:PORT URL with a numeric "
                                        "host or localhost", url_text);
        goto out;
    }

    bool is_tty = isatty(STDOUT_FILENO);
    unsigned long long after = 0;
    lt_cli_daemon_catch_signals();
    for (bool is_first = true;; is_first = false) {
        cJSON *answer;
        lt_strbuf_reset(&path);
        lt_strbuf_printf(&path, "/api/v1/events%s%s", filter.len > 0 ? filter.p : "",
                         filter.len > 0 ? "&" : "?");
        if (is_first)
            lt_strbuf_printf(&path, "limit=%llu", lines);
        else
            lt_strbuf_printf(&path, "limit=%d&after=%llu", FOLLOW_LIMIT, after);
        int err = lt_cli_daemon_get(&url, path.p, &answer);
        if (err != 0) {
            if (lt_cli_is_interrupted)
                break;
            lt_cli_daemon_report("tail", url_text, "/api/v1/events", err);
            rc = LT_CLI_FAILED;
            break;
        }
        after = print_events(answer, after, is_tty);
        cJSON_Delete(answer);
        if (!is_follow || !lt_cli_sleep_ms(FOLLOW_INTERVAL_MS))
            break;
    }
out:
    lt_strbuf_free(&filter);
    lt_strbuf_free(&path);
    return rc;
}
