/* SPDX-License-Identifier: MIT */
/* Fills the page template's <!--lt:NAME--> markers from the parsed /api/v1/stats and
 * /api/v1/events documents: the same data, element ids and ranking the page's script uses, so
 * the snapshot and the live page agree. Values from logs are escaped on the way out, never
 * trusted on the way in. */
#include "lt_web.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lt_alloc.h"
#include "lt_api.h"
#include "lt_level.h"

#define TOP_ROWS 10
#define MARKER_OPEN "<!--lt:"
#define MARKER_CLOSE "-->"

typedef struct {
    cJSON *stats;  /* may be NULL */
    cJSON *events; /* may be NULL */
    const lt_ring_filter_t *filter;
    lt_strbuf_t *out;
} page_t;

void lt_web_append_html(lt_strbuf_t *out, const char *p, size_t n)
{
    lt_strbuf_t utf8 = LT_STRBUF_INIT;

    lt_api_append_utf8(&utf8, n > 0 ? p : "", n);
    for (size_t i = 0; i < utf8.len; i++) {
        unsigned char c = (unsigned char)utf8.p[i];
        switch (c) {
        case '&': lt_strbuf_puts(out, "&amp;"); break;
        case '<': lt_strbuf_puts(out, "&lt;"); break;
        case '>': lt_strbuf_puts(out, "&gt;"); break;
        case '"': lt_strbuf_puts(out, "&quot;"); break;
        case '\'': lt_strbuf_puts(out, "&#39;"); break;
        default:
            /* HTML forbids most C0 controls (and NUL) in text; show that one was there. */
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                lt_strbuf_puts(out, "\xef\xbf\xbd");
            else
                lt_strbuf_append(out, &utf8.p[i], 1);
        }
    }
    lt_strbuf_free(&utf8);
}

static void put_html(lt_strbuf_t *out, const char *s)
{
    lt_web_append_html(out, s, strlen(s));
}

/* ---- reading the documents --------------------------------------------------------------- */

static cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key); /* NULL-safe */
}

static double num(const cJSON *obj, const char *key)
{
    const cJSON *v = get(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = get(obj, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Counts as the script shows them: JavaScript's String(n) of an integer-valued number. */
static void put_count(lt_strbuf_t *out, double v)
{
    lt_strbuf_printf(out, "%.0f", isfinite(v) ? v : 0.0);
}

/* ---- markers ------------------------------------------------------------------------------ */

static void fill_version(page_t *pg)
{
    put_html(pg->out, str(pg->stats, "version"));
}

static void fill_generated(page_t *pg)
{
    char buf[40];
    double at_s = num(pg->stats, "start_time") + num(pg->stats, "uptime_s");
    if (lt_api_format_time_ms(llround(at_s * 1000.0), buf))
        lt_strbuf_puts(pg->out, buf);
}

static void fill_levels(page_t *pg)
{
    static const char *const windows[] = {"1m", "5m", "15m"};
    const cJSON *levels = get(pg->stats, "levels");
    const cJSON *rates = get(pg->stats, "rates");

    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        const char *name = lt_level_name((lt_level_t)l);
        lt_strbuf_printf(pg->out,
                         "<tr data-level=\"%s\" class=\"lv-%s\"><th><span class=\"sw\"></span>%s"
                         "</th><td class=\"n total\">",
                         name, name, name);
        put_count(pg->out, num(levels, name));
        lt_strbuf_puts(pg->out, "</td>");
        for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++)
            lt_strbuf_printf(pg->out, "<td class=\"n r%s\">%.2f</td>", windows[w],
                             num(get(rates, windows[w]), name));
        lt_strbuf_puts(pg->out, "</tr>\n");
    }
    lt_strbuf_puts(pg->out, "<tr class=\"total\"><th>all</th><td class=\"n\" id=\"events-total\">");
    put_count(pg->out, num(pg->stats, "events_total"));
    lt_strbuf_puts(pg->out, "</td><td></td><td></td><td></td></tr>\n");
}

static void drop_row(page_t *pg, const char *id, const char *what, double v)
{
    lt_strbuf_printf(pg->out, "<tr><th>%s</th><td class=\"n\" id=\"%s\">", what, id);
    put_count(pg->out, v);
    lt_strbuf_puts(pg->out, "</td></tr>\n");
}

static void fill_drops(page_t *pg)
{
    const cJSON *s = pg->stats;
    drop_row(pg, "udp-dropped", "UDP datagrams dropped by the kernel",
             num(get(s, "udp"), "dropped"));
    drop_row(pg, "rejected-total", "messages rejected", num(s, "rejected_total"));
    /* "tcp bad_frame 2, http bad_json 1": the nonzero reasons, in the document's order. */
    lt_strbuf_puts(pg->out, "<tr><td colspan=\"2\" id=\"rejected-detail\">");
    const char *sep = "";
    const cJSON *transport, *reason;
    cJSON_ArrayForEach(transport, get(s, "rejected"))
    {
        cJSON_ArrayForEach(reason, transport)
        {
            if (!cJSON_IsNumber(reason) || reason->valuedouble <= 0)
                continue;
            lt_strbuf_puts(pg->out, sep);
            put_html(pg->out, transport->string);
            lt_strbuf_puts(pg->out, " ");
            put_html(pg->out, reason->string);
            lt_strbuf_puts(pg->out, " ");
            put_count(pg->out, reason->valuedouble);
            sep = ", ";
        }
    }
    lt_strbuf_puts(pg->out, "</td></tr>\n");
    drop_row(pg, "ring-overwritten", "ring events overwritten before being read",
             num(get(s, "ring"), "overwritten"));
    drop_row(pg, "series-overflow", "events in overflow series (max_series reached)",
             num(get(s, "series"), "overflow_events"));
}

typedef struct {
    const char *name;
    double total;
    double severe; /* err and worse */
} top_row_t;

/* Most events first, then by name (bytewise, as the script's string comparison of UTF-16 is
 * for the ASCII names that logs mostly carry). */
static int top_row_cmp(const void *va, const void *vb)
{
    const top_row_t *a = va, *b = vb;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->name, b->name);
}

static void fill_top(page_t *pg, const char *label)
{
    const cJSON *by_label = get(get(pg->stats, "by"), label);
    const cJSON *by = cJSON_IsObject(by_label) ? by_label : NULL;
    int n = by != NULL ? cJSON_GetArraySize(by) : 0;
    top_row_t *rows = lt_malloc(((size_t)n + 1) * sizeof(*rows));
    const cJSON *value, *count;
    int i = 0;

    cJSON_ArrayForEach(value, by)
    {
        top_row_t r = {value->string, 0, 0};
        cJSON_ArrayForEach(count, value)
        {
            r.total += count->valuedouble;
            int level = lt_level_parse(count->string, strlen(count->string));
            if (level >= 0 && level <= LT_LEVEL_ERR)
                r.severe += count->valuedouble;
        }
        rows[i++] = r;
    }
    qsort(rows, (size_t)n, sizeof(*rows), top_row_cmp);
    if (by == NULL)
        lt_strbuf_printf(pg->out,
                         "<tr class=\"off\"><td colspan=\"3\">the %s label is off (see \"labels\" "
                         "in the config)</td></tr>\n",
                         label);
    else if (n == 0)
        lt_strbuf_puts(pg->out, "<tr class=\"off\"><td colspan=\"3\">no events yet</td></tr>\n");
    for (i = 0; i < n && i < TOP_ROWS; i++) {
        lt_strbuf_puts(pg->out, "<tr><td class=\"name\">");
        put_html(pg->out, rows[i].name[0] != '\0' ? rows[i].name : "(none)");
        lt_strbuf_puts(pg->out, "</td><td class=\"n\">");
        put_count(pg->out, rows[i].total);
        lt_strbuf_puts(pg->out, "</td><td class=\"n\">");
        put_count(pg->out, rows[i].severe);
        lt_strbuf_puts(pg->out, "</td></tr>\n");
    }
    lt_free(rows);
}

static void fill_top_app(page_t *pg)
{
    fill_top(pg, "app");
}

static void fill_top_host(page_t *pg)
{
    fill_top(pg, "host");
}

static void fill_level_options(page_t *pg)
{
    const lt_ring_filter_t *f = pg->filter;
    int selected = f->min_level >= 0 ? f->min_level : f->level >= 0 ? f->level : LT_LEVEL_ERR;

    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        const char *name = lt_level_name((lt_level_t)l);
        lt_strbuf_printf(pg->out, "<option value=\"%s\"%s>%s%s</option>\n", name,
                         l == selected ? " selected" : "", name,
                         l == 0 ? "" : l == LT_LEVEL_UNKNOWN ? " (all)" : " and worse");
    }
}

static void fill_filter_app(page_t *pg)
{
    if (pg->filter->app.p != NULL)
        lt_web_append_html(pg->out, pg->filter->app.p, pg->filter->app.n);
}

static void fill_filter_host(page_t *pg)
{
    if (pg->filter->host.p != NULL)
        lt_web_append_html(pg->out, pg->filter->host.p, pg->filter->host.n);
}

static void fill_events(page_t *pg)
{
    const cJSON *e;
    int n = 0;

    cJSON_ArrayForEach(e, get(pg->events, "events"))
    {
        char seq[32];
        const char *level = str(e, "level");
        /* The level comes from the server's own names; escaped all the same. */
        snprintf(seq, sizeof(seq), "%.0f", num(e, "seq"));
        lt_strbuf_puts(pg->out, "<tr class=\"lv-");
        put_html(pg->out, level);
        lt_strbuf_printf(pg->out, "\" data-seq=\"%s\"><td class=\"t\">", seq);
        put_html(pg->out, str(e, "received"));
        lt_strbuf_puts(pg->out, "</td><td class=\"lv\"><span class=\"sw\"></span>");
        put_html(pg->out, level);
        lt_strbuf_puts(pg->out, "</td><td>");
        put_html(pg->out, str(e, "host"));
        lt_strbuf_puts(pg->out, "</td><td>");
        put_html(pg->out, str(e, "app"));
        lt_strbuf_puts(pg->out, "</td><td class=\"msg\">");
        put_html(pg->out, str(e, "message"));
        if (cJSON_IsTrue(get(e, "truncated")))
            lt_strbuf_puts(pg->out, " [cut]");
        lt_strbuf_puts(pg->out, "</td></tr>\n");
        n++;
    }
    if (n == 0)
        lt_strbuf_puts(pg->out, "<tr class=\"empty\"><td colspan=\"5\">no events match</td></tr>\n");
}

static const struct {
    const char *name;
    void (*fill)(page_t *pg);
} markers[] = {
    {"version", fill_version},         {"generated", fill_generated},
    {"levels", fill_levels},           {"drops", fill_drops},
    {"top_app", fill_top_app},         {"top_host", fill_top_host},
    {"level_options", fill_level_options}, {"filter_app", fill_filter_app},
    {"filter_host", fill_filter_host}, {"events", fill_events},
};

void lt_web_render_page(const char *stats_json, const char *events_json,
                        const lt_ring_filter_t *filter, lt_strbuf_t *out)
{
    page_t pg = {cJSON_Parse(stats_json), cJSON_Parse(events_json), filter, out};
    const char *p = (const char *)lt_web_index_html;
    const char *end = p + lt_web_index_html_len;

    /* Copies the template up to each marker, then the marker's fill; a marker this code does
     * not know stays as it is (the unit tests check that none is left). */
    for (;;) {
        const char *m = strstr(p, MARKER_OPEN);
        const char *close = m != NULL ? strstr(m, MARKER_CLOSE) : NULL;
        if (close == NULL) {
            lt_strbuf_append(out, p, (size_t)(end - p));
            break;
        }
        lt_strbuf_append(out, p, (size_t)(m - p));
        const char *name = m + strlen(MARKER_OPEN);
        size_t name_len = (size_t)(close - name);
        size_t i = 0;
        while (i < sizeof(markers) / sizeof(markers[0]) &&
               !(strlen(markers[i].name) == name_len && memcmp(markers[i].name, name, name_len) == 0))
            i++;
        p = close + strlen(MARKER_CLOSE);
        if (i < sizeof(markers) / sizeof(markers[0]))
            markers[i].fill(&pg);
        else
            lt_strbuf_append(out, m, (size_t)(p - m));
    }
    cJSON_Delete(pg.events);
    cJSON_Delete(pg.stats);
}
