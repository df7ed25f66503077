/* SPDX-License-Identifier: MIT */
/* Rendering of logtally scan's results. The JSON comes from lt_api_stats_json, the daemon's
 * own /api/v1/stats renderer, fed with the scan's table, so the shapes cannot drift apart;
 * only the transport-keyed parts are replaced, and the scan's own figures added. */
#include "lt_scan_output.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lt_alloc.h"
#include "lt_api.h"
#include "lt_config.h"
#include "lt_stats.h"
#include "lt_strbuf.h"

/* "1.23 GB": decimal units, as disk and network speeds are given. */
static void human_bytes(char *buf, size_t n, double v)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    size_t u = 0;
    while (v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1000;
        u++;
    }
    snprintf(buf, n, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
}

static void human_count(char *buf, size_t n, double v)
{
    if (v >= 1e6)
        snprintf(buf, n, "%.2f M", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, n, "%.1f k", v / 1e3);
    else
        snprintf(buf, n, "%.0f ", v);
}

void lt_scan_output_progress(const lt_scan_progress_t *p, bool is_final)
{
    char done[32], rate[32], lines[32], pct[16] = "", eta[32] = "";
    double secs = p->seconds > 0.001 ? p->seconds : 0.001;
    double bps = (double)p->raw_bytes / secs;

    if (is_final) {
        fputs(LT_SCAN_OUTPUT_CLEAR_LINE, stderr);
        fflush(stderr);
        return;
    }
    human_bytes(done, sizeof(done), (double)p->raw_bytes);
    human_bytes(rate, sizeof(rate), bps);
    human_count(lines, sizeof(lines), (double)p->lines / secs);
    if (p->total_bytes > 0) {
        double frac = (double)p->raw_bytes / (double)p->total_bytes;
        snprintf(pct, sizeof(pct), " %5.1f%%", 100.0 * (frac > 1 ? 1 : frac));
        if (bps > 0 && p->raw_bytes < p->total_bytes) {
            unsigned left = (unsigned)((double)(p->total_bytes - p->raw_bytes) / bps);
            snprintf(eta, sizeof(eta), "  ETA %u:%02u:%02u", left / 3600, left / 60 % 60,
                     left % 60);
        }
    }
    fprintf(stderr, LT_SCAN_OUTPUT_CLEAR_LINE "scan: %s%s  %s/s  %slines/s%s", done, pct, rate,
            lines, eta);
    fflush(stderr);
}

/* ---- table -------------------------------------------------------------------------------- */

static const char *time_text(int64_t ms, char buf[40])
{
    if (ms == LT_TIME_NONE || !lt_api_format_time_ms(ms, buf))
        return "-";
    return buf;
}

/* The lt_api_t the shared renderers want, over the scan's table. */
static void api_for(const lt_scan_report_t *r, lt_config_t *cfg, lt_stats_t *st, lt_api_t *api)
{
    lt_config_defaults(cfg);
    cfg->labels = r->labels;
    cfg->max_series = r->max_series;
    lt_stats_init(st);
    for (int k = 0; k < LT_REJECT_COUNT; k++)
        lt_counter_add(&st->rejected[LT_TRANSPORT_TCP][k], r->res->rejected[k]);
    memset(api, 0, sizeof(*api));
    api->config = cfg;
    api->version = LT_VERSION;
    api->start_time_s = r->start_time_s;
    api->tally = (lt_tally_t){r->table, NULL, st, r->labels};
}

/* One row of a --by table: a label value and its counts per level. */
typedef struct {
    lt_slice_t value;
    uint64_t counts[LT_LEVEL_COUNT];
    uint64_t total;
} by_row_t;

/* qsort_r comparator: arg points to the label index to compare by. */
static int series_label_cmp(const void *va, const void *vb, void *arg)
{
    int label = *(const int *)arg;
    return lt_slice_cmp(((const lt_api_series_t *)va)->labels[label],
                     ((const lt_api_series_t *)vb)->labels[label]);
}

static int row_cmp(const void *va, const void *vb)
{
    const by_row_t *a = va, *b = vb;
    return (a->total < b->total) - (a->total > b->total); /* most events first */
}

static void by_table(FILE *f, lt_api_series_t *v, size_t n, int label, const char *name)
{
    by_row_t *rows = lt_calloc(n ? n : 1, sizeof(*rows));
    size_t nrows = 0;

    qsort_r(v, n, sizeof(*v), series_label_cmp, &label);
    for (size_t i = 0; i < n; i++) {
        if (v[i].count == 0)
            continue;
        if (nrows == 0 || lt_slice_cmp(v[i].labels[label], rows[nrows - 1].value) != 0)
            rows[nrows++].value = v[i].labels[label];
        rows[nrows - 1].counts[v[i].level] += v[i].count;
        rows[nrows - 1].total += v[i].count;
    }
    qsort(rows, nrows, sizeof(*rows), row_cmp);

    fprintf(f, "\n%-24s", name);
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        fprintf(f, " %9s", lt_level_name((lt_level_t)l));
    fprintf(f, " %11s\n", "total");
    for (size_t i = 0; i < nrows; i++) {
        lt_strbuf_t text = LT_STRBUF_INIT;
        lt_api_append_utf8(&text, rows[i].value.n > 0 ? rows[i].value.p : "", rows[i].value.n);
        fprintf(f, "%-24s", rows[i].value.n > 0 ? text.p : "(none)");
        for (int l = 0; l < LT_LEVEL_COUNT; l++)
            fprintf(f, " %9" PRIu64, rows[i].counts[l]);
        fprintf(f, " %11" PRIu64 "\n", rows[i].total);
        lt_strbuf_free(&text);
    }
    lt_free(rows);
}

void lt_scan_output_table(FILE *f, const lt_scan_report_t *r)
{
    const lt_scan_result_t *res = r->res;
    uint64_t totals[LT_LEVEL_COUNT], sum = 0, rejected = 0;
    char first[40], last[40];

    lt_table_level_totals(r->table, totals);
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        sum += totals[l];
    fprintf(f, "%-8s %14s %7s  %-24s  %s\n", "level", "count", "share", "first", "last");
    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        double share = sum > 0 ? 100.0 * (double)totals[l] / (double)sum : 0;
        fprintf(f, "%-8s %14" PRIu64 " %6.2f%%  %-24s  %s\n", lt_level_name((lt_level_t)l),
                totals[l], share, time_text(res->first_ms[l], first),
                time_text(res->last_ms[l], last));
    }
    fprintf(f, "%-8s %14" PRIu64 "\n", "total", sum);

    for (int k = 0; k < LT_REJECT_COUNT; k++)
        rejected += res->rejected[k];
    fprintf(f, "%-8s %14" PRIu64, "rejected", rejected);
    const char *sep = "  (";
    for (int k = 0; k < LT_REJECT_COUNT; k++) {
        if (res->rejected[k] == 0)
            continue;
        fprintf(f, "%s%s %" PRIu64, sep, lt_reject_name((lt_reject_t)k), res->rejected[k]);
        sep = ", ";
    }
    fputs(*sep == ',' ? ")\n" : "\n", f);
    if (res->filtered_out > 0)
        fprintf(f, "%-8s %14" PRIu64 "  (events that did not match the filters)\n", "skipped",
                res->filtered_out);
    uint64_t overflow = lt_table_overflow_total(r->table);
    if (overflow > 0)
        fprintf(f, "series   %zu of at most %zu; %" PRIu64
                   " events counted in __overflow__ series\n",
                lt_table_series_count(r->table), r->max_series, overflow);

    if (r->labels != 0) {
        lt_config_t cfg;
        lt_stats_t st;
        lt_api_t api;
        lt_api_series_t *v;
        api_for(r, &cfg, &st, &api);
        size_t n = lt_api_collect_series(&api, &v);
        if (r->labels & LT_LABEL_HOST)
            by_table(f, v, n, LT_API_HOST, "host");
        if (r->labels & LT_LABEL_APP)
            by_table(f, v, n, LT_API_APP, "app");
        lt_free(v);
    }

    char bytes[32], rate[32], lps[32];
    double secs = res->seconds > 0.001 ? res->seconds : 0.001;
    human_bytes(bytes, sizeof(bytes), (double)res->bytes_read);
    human_bytes(rate, sizeof(rate), (double)res->bytes_read / secs);
    human_count(lps, sizeof(lps), (double)res->lines / secs);
    fprintf(f, "\n%" PRIu64 " lines, %s from %u input%s in %.2f s: %s/s, %slines/s\n",
            res->lines, bytes, res->inputs_read + res->inputs_failed,
            res->inputs_read + res->inputs_failed == 1 ? "" : "s", res->seconds, rate, lps);
    if (res->inputs_failed > 0)
        fprintf(f, "%u input%s could not be read to the end\n", res->inputs_failed,
                res->inputs_failed == 1 ? "" : "s");
}

/* ---- JSON --------------------------------------------------------------------------------- */

static void add_u64(cJSON *obj, const char *name, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    cJSON_AddRawToObject(obj, name, buf);
}

static cJSON *level_times(const int64_t ms[LT_LEVEL_COUNT])
{
    cJSON *obj = cJSON_CreateObject();
    char buf[40];
    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        if (ms[l] != LT_TIME_NONE && lt_api_format_time_ms(ms[l], buf))
            cJSON_AddStringToObject(obj, lt_level_name((lt_level_t)l), buf);
        else
            cJSON_AddNullToObject(obj, lt_level_name((lt_level_t)l));
    }
    return obj;
}

void lt_scan_output_json(FILE *f, const lt_scan_report_t *r)
{
    const lt_scan_result_t *res = r->res;
    lt_config_t cfg;
    lt_stats_t st;
    lt_api_t api;

    api_for(r, &cfg, &st, &api);
    cJSON *root = lt_api_stats_json(&api);

    /* A file is not a transport: the transport-keyed objects are keyed by "file" here. */
    cJSON *bytes = cJSON_CreateObject();
    add_u64(bytes, "file", res->bytes_read);
    cJSON_ReplaceItemInObjectCaseSensitive(root, "received_bytes", bytes);
    cJSON *rejected = cJSON_CreateObject();
    cJSON *by_reason = cJSON_AddObjectToObject(rejected, "file");
    for (int k = 0; k < LT_REJECT_COUNT; k++)
        add_u64(by_reason, lt_reject_name((lt_reject_t)k), res->rejected[k]);
    cJSON_ReplaceItemInObjectCaseSensitive(root, "rejected", rejected);

    cJSON *scan = cJSON_AddObjectToObject(root, "scan");
    add_u64(scan, "inputs_read", res->inputs_read);
    add_u64(scan, "inputs_failed", res->inputs_failed);
    add_u64(scan, "bytes_read", res->bytes_read);
    add_u64(scan, "bytes", res->bytes);
    add_u64(scan, "lines", res->lines);
    add_u64(scan, "events", res->events);
    add_u64(scan, "filtered_out", res->filtered_out);
    cJSON_AddNumberToObject(scan, "seconds", res->seconds);
    cJSON_AddItemToObject(scan, "first", level_times(res->first_ms));
    cJSON_AddItemToObject(scan, "last", level_times(res->last_ms));

    char *text = cJSON_PrintUnformatted(root);
    fprintf(f, "%s\n", text);
    cJSON_free(text);
    cJSON_Delete(root);
}
