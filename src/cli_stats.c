/* SPDX-License-Identifier: MIT */
/* `logtally stats`: one GET of /api/v1/stats, printed as a per-level table with the 1m, 5m
 * and 15m rates; --watch redraws it in place every N seconds on a terminal (and appends a
 * new table each time otherwise). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lt_cli.h"
#include "lt_cli_daemon.h"
#include "lt_level.h"

static const char usage[] =
    "Usage: logtally stats [--url URL] [--watch SECONDS]\n"
    "Prints a running logtallyd's per-level counts and event rates (events/s over the last\n"
    "1, 5 and 15 minutes) from its /api/v1/stats.\n"
    "\n"
    "  -u, --url URL        the daemon's HTTP address (default " LT_CLI_DEFAULT_URL ")\n"
    "  -w, --watch SECONDS  refresh every SECONDS (1-3600) until Ctrl-C\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0, or 1 when the daemon cannot be read (one line on stderr says why).\n";

static double rate_of(const cJSON *rates, const char *window, const char *level)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(rates, window);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(w, level);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void render(FILE *f, const cJSON *st, bool is_color)
{
    const cJSON *levels = cJSON_GetObjectItemCaseSensitive(st, "levels");
    const cJSON *rates = cJSON_GetObjectItemCaseSensitive(st, "rates");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(st, "version");

    fprintf(f, "%-8s %14s %10s %10s %10s\n", "level", "count", "1m/s", "5m/s", "15m/s");
    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        const char *name = lt_level_name((lt_level_t)l);
        const char *color = is_color ? lt_cli_level_color(l) : "";
        fprintf(f, "%s%-8s %14llu %10.3f %10.3f %10.3f%s\n", color, name,
                lt_cli_json_u64(levels, name), rate_of(rates, "1m", name),
                rate_of(rates, "5m", name), rate_of(rates, "15m", name),
                *color != '\0' ? LT_CLI_COLOR_RESET : "");
    }
    fprintf(f, "%-8s %14llu\n", "total", lt_cli_json_u64(st, "events_total"));
    fprintf(f, "%-8s %14llu\n", "rejected", lt_cli_json_u64(st, "rejected_total"));
    const cJSON *up = cJSON_GetObjectItemCaseSensitive(st, "uptime_s");
    fprintf(f, "logtallyd %s, up %.0f s\n", cJSON_IsString(version) ? version->valuestring : "?",
            cJSON_IsNumber(up) ? up->valuedouble : 0);
}

int lt_cli_stats(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"url", required_argument, NULL, 'u'},
        {"watch", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *url_text = LT_CLI_DEFAULT_URL;
    unsigned long long watch_s = 0;
    lt_http_url_t url;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "u:w:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'u':
            url_text = optarg;
            break;
        case 'w':
            if (!lt_cli_parse_uint(optarg, 1, 3600, &watch_s))
                return lt_cli_usage_error("stats", "--watch takes 1 to 3600 seconds, not '%s'",
                                          optarg);
            break;
        case 'h':
            fputs(usage, stdout);
            return LT_CLI_OK;
        default:
            fprintf(stderr, "Try 'logtally stats --help'.\n");
            return LT_CLI_USAGE;
        }
    }
    if (optind < argc)
        return lt_cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
    if (lt_http_url_parse(url_text, &url) != 0)
        return lt_cli_usage_error("stats", "'%s' is not an http://HOST:PORT URL with a numeric "
                                           "host or localhost", url_text);

    bool is_tty = isatty(STDOUT_FILENO);
    lt_cli_daemon_catch_signals();
    for (bool is_first = true;; is_first = false) {
        cJSON *st;
        int rc = lt_cli_daemon_get(&url, "/api/v1/stats", &st);
        if (rc != 0) {
            lt_cli_daemon_report("stats", url_text, "/api/v1/stats", rc);
            return LT_CLI_FAILED;
        }
        if (watch_s > 0 && is_tty)
            fputs("\033[H\033[2J", stdout); /* home, clear screen: redraw in place */
        else if (!is_first)
            fputc('\n', stdout);
        render(stdout, st, is_tty);
        fflush(stdout);
        cJSON_Delete(st);
        if (watch_s == 0 || !lt_cli_sleep_ms((unsigned)watch_s * 1000))
            break;
    }
    return LT_CLI_OK;
}
