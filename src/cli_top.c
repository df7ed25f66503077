/* SPDX-License-Identifier: MIT */
/* `logtally top`: a full-screen per-level view (counts, 1m rate, and a sparkline of events
 * per second) redrawn every second with plain ANSI escapes. The sparkline comes from the
 * daemon's /api/v1/history when it has one, else from the differences between successive
 * /api/v1/stats polls. When stdout is not a terminal it prints one snapshot and exits. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lt_alloc.h"
#include "lt_cli.h"
#include "lt_cli_daemon.h"
#include "lt_level.h"

#define SPARK_MAX 240 /* seconds of history kept and drawn at most */
#define SPARK_MIN 10

static const char usage[] =
    "Usage: logtally top [--url URL]\n"
    "Full-screen view of a running logtallyd, refreshed every second: per-level counts, the\n"
    "1-minute rate and a sparkline of events per second. Ctrl-C quits. When standard output\n"
    "is not a terminal, prints one snapshot and exits.\n"
    "\n"
    "  -u, --url URL   the daemon's HTTP address (default " LT_CLI_DEFAULT_URL ")\n"
    "  -h, --help      show this help\n";

/* Events per second of each level, oldest first; n of them valid. */
typedef struct {
    unsigned long long v[LT_LEVEL_COUNT][SPARK_MAX];
    size_t n;
    unsigned long long last_counts[LT_LEVEL_COUNT]; /* for the polling fallback */
    bool has_last;
    bool has_history_endpoint; /* false once /api/v1/history answered 404 */
} spark_t;

/* Reads {"seconds":[{"t":..,"counts":{"err":3,..}},..]} into s (the newest `width`). */
static void from_history(spark_t *s, const cJSON *h, size_t width)
{
    const cJSON *secs = cJSON_GetObjectItemCaseSensitive(h, "seconds");
    int total = cJSON_GetArraySize(secs);
    int first = total > (int)width ? total - (int)width : 0;

    s->n = 0;
    for (int i = first; i < total && s->n < SPARK_MAX; i++) {
        const cJSON *counts = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(secs, i), "counts");
        for (int l = 0; l < LT_LEVEL_COUNT; l++)
            s->v[l][s->n] = lt_cli_json_u64(counts, lt_level_name((lt_level_t)l));
        s->n++;
    }
}

/* Fallback: one more column from the difference with the previous poll. */
static void from_poll(spark_t *s, const cJSON *levels, size_t width)
{
    unsigned long long now[LT_LEVEL_COUNT];
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        now[l] = lt_cli_json_u64(levels, lt_level_name((lt_level_t)l));
    if (s->has_last) {
        if (s->n == width || s->n == SPARK_MAX) {
            for (int l = 0; l < LT_LEVEL_COUNT; l++)
                memmove(s->v[l], s->v[l] + 1, (s->n - 1) * sizeof(s->v[l][0]));
            s->n--;
        }
        for (int l = 0; l < LT_LEVEL_COUNT; l++)
            s->v[l][s->n] = now[l] >= s->last_counts[l] ? now[l] - s->last_counts[l] : 0;
        s->n++;
    }
    memcpy(s->last_counts, now, sizeof(now));
    s->has_last = true;
}

static void sparkline(FILE *f, const unsigned long long *v, size_t n)
{
    static const char *const bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    unsigned long long max = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > max)
            max = v[i];
    for (size_t i = 0; i < n; i++) {
        /* Zero is the lowest bar; any event at all shows at least the second one. */
        size_t k = v[i] == 0 ? 0 : 1 + (size_t)((v[i] * 6 + max - 1) / max);
        fputs(bars[k > 7 ? 7 : k], f);
    }
}

static size_t spark_width(bool is_tty)
{
    struct winsize ws;
    size_t w = 60;
    if (is_tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        w = ws.ws_col > 50 ? (size_t)ws.ws_col - 46 : SPARK_MIN;
    return w < SPARK_MIN ? SPARK_MIN : w > SPARK_MAX ? SPARK_MAX : w;
}

static void draw(FILE *f, const char *url_text, const cJSON *st, const spark_t *s, bool is_tty)
{
    const cJSON *levels = cJSON_GetObjectItemCaseSensitive(st, "levels");
    const cJSON *m1 = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(st, "rates"), "1m");
    time_t now = time(NULL);
    struct tm tm;
    char clock[16];

    localtime_r(&now, &tm);
    strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
    if (is_tty)
        fputs("\033[H\033[2J", f);
    fprintf(f, "logtally top  %s  %s%s\n\n", url_text, clock, is_tty ? "  (Ctrl-C quits)" : "");
    fprintf(f, "%-8s %14s %10s  events/s, last %zu s%s\n", "level", "count", "1m/s", s->n,
            s->has_history_endpoint ? "" : " (polled)");
    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        const char *name = lt_level_name((lt_level_t)l);
        const char *color = is_tty ? lt_cli_level_color(l) : "";
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(m1, name);
        fprintf(f, "%s%-8s %14llu %10.3f  ", color, name, lt_cli_json_u64(levels, name),
                cJSON_IsNumber(r) ? r->valuedouble : 0.0);
        sparkline(f, s->v[l], s->n);
        fprintf(f, "%s\n", *color != '\0' ? LT_CLI_COLOR_RESET : "");
    }
    fprintf(f, "\n%-8s %14llu\n%-8s %14llu\n", "total", lt_cli_json_u64(st, "events_total"),
            "rejected", lt_cli_json_u64(st, "rejected_total"));
    fflush(f);
}

int lt_cli_top(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"url", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *url_text = LT_CLI_DEFAULT_URL;
    lt_http_url_t url;
    int c, rc = LT_CLI_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "u:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'u':
            url_text = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return LT_CLI_OK;
        default:
            fprintf(stderr, "Try 'logtally top --help'.\n");
            return LT_CLI_USAGE;
        }
    }
    if (optind < argc)
        return lt_cli_usage_error("top", "unexpected argument '%s'", argv[optind]);
    if (lt_http_url_parse(url_text, &url) != 0)
        return lt_cli_usage_error("top", "'%s' is not an http://HOST:PORT URL with a numeric "
                                         "host or localhost", url_text);

    bool is_tty = isatty(STDOUT_FILENO);
    spark_t *s = lt_calloc(1, sizeof(*s));
    s->has_history_endpoint = true;
    lt_cli_daemon_catch_signals();
    if (is_tty)
        fputs("\033[?1049h\033[?25l", stdout); /* alternate screen, hide the cursor */

    for (;;) {
        size_t width = spark_width(is_tty);
        cJSON *st, *h = NULL;
        int err = lt_cli_daemon_get(&url, "/api/v1/stats", &st);
        if (err != 0) {
            if (is_tty)
                fputs("\033[?25h\033[?1049l", stdout);
            lt_cli_daemon_report("top", url_text, "/api/v1/stats", err);
            rc = LT_CLI_FAILED;
            break;
        }
        if (s->has_history_endpoint) {
            char path[64];
            snprintf(path, sizeof(path), "/api/v1/history?window=%zu", width);
            err = lt_cli_daemon_get(&url, path, &h);
            if (err == -ENOENT)
                s->has_history_endpoint = false;
            else if (err == 0)
                from_history(s, h, width);
        }
        if (!s->has_history_endpoint)
            from_poll(s, cJSON_GetObjectItemCaseSensitive(st, "levels"), width);
        draw(stdout, url_text, st, s, is_tty);
        cJSON_Delete(h);
        cJSON_Delete(st);
        if (!is_tty || !lt_cli_sleep_ms(1000)) {
            if (is_tty)
                fputs("\033[?25h\033[?1049l", stdout); /* cursor back, main screen back */
            break;
        }
    }
    fflush(stdout);
    lt_free(s);
    return rc;
}
