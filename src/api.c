/* SPDX-License-Identifier: MIT */
/* The HTTP routes: picks the route from method and path, and renders /api/v1/stats and
 * /api/v1/events as JSON (cJSON, with counts printed as exact integers); POST /api/v1/ingest
 * is counted in api_ingest.c. */
#include "lt_api.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <llhttp.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api_internal.h"
#include "lt_alloc.h"
#include "lt_parse.h"
#include "lt_web.h"

#define CT_HTML        "text/html; charset=utf-8"
#define CT_PROMETHEUS  "text/plain; version=0.0.4; charset=utf-8"
#define CT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

#define EVENTS_DEFAULT_LIMIT 100

/* Labels that /api/v1/stats breaks counts down by ("by"), from the same X-macro as the enum. */
static const char *const label_names[LT_API_LABEL_COUNT] = {
#define LABEL_NAME(e, s, bit) s,
    LT_LABEL_MAP(LABEL_NAME)
#undef LABEL_NAME
};

static const unsigned label_bits[LT_API_LABEL_COUNT] = {
#define LABEL_BIT(e, s, bit) bit,
    LT_LABEL_MAP(LABEL_BIT)
#undef LABEL_BIT
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool slice_is(lt_slice_t s, const char *text)
{
    size_t n = strlen(text);
    return s.n == n && (n == 0 || memcmp(s.p, text, n) == 0);
}

/* ---- JSON helpers ------------------------------------------------------------------------ */

/* cJSON keeps numbers as doubles and prints integers above INT_MAX with %g, which turns
 * 1e15 and up into exponent form; counts are printed here as exact decimal integers. */
void lt_api_json_add_u64(cJSON *obj, const char *name, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    cJSON_AddRawToObject(obj, name, buf);
}

static void add_fixed3(cJSON *obj, const char *name, double v)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%.3f", isfinite(v) ? v : 0.0);
    cJSON_AddRawToObject(obj, name, buf);
}

/* Bytes from the table or the ring as a JSON string: valid UTF-8, NUL-terminated in tmp. */
static const char *utf8_cstr(lt_strbuf_t *tmp, const char *p, size_t n)
{
    lt_strbuf_reset(tmp);
    lt_api_append_utf8(tmp, n > 0 ? p : "", n);
    return tmp->p;
}

static void add_text(cJSON *obj, const char *name, lt_strbuf_t *tmp, const char *p, size_t n)
{
    cJSON_AddStringToObject(obj, name, utf8_cstr(tmp, p, n));
}

void lt_api_json_print(cJSON *root, lt_strbuf_t *out)
{
    char *text = cJSON_PrintUnformatted(root);
    lt_strbuf_puts(out, text);
    cJSON_free(text);
}

/* A 4xx/5xx answer with body {"error":message}. */
void lt_api_json_error(lt_http_response_t *res, int status, const char *message)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "error", message);
    res->status = status;
    res->content_type = CT_JSON;
    lt_strbuf_reset(&res->body);
    lt_api_json_print(root, &res->body);
    cJSON_Delete(root);
}

/* ---- /api/v1/stats ----------------------------------------------------------------------- */

static cJSON *level_doubles(const double v[LT_LEVEL_COUNT])
{
    cJSON *obj = cJSON_CreateObject();
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        cJSON_AddNumberToObject(obj, lt_level_name((lt_level_t)l), v[l]);
    return obj;
}

cJSON *lt_api_stats_json(const lt_api_t *api)
{
    const lt_config_t *cfg = api->config;
    const lt_stats_t *st = api->tally.stats;
    const lt_ring_t *ring = api->tally.ring;
    lt_strbuf_t tmp = LT_STRBUF_INIT;
    lt_udp_info_t udp = {0, 0};
    uint64_t totals[LT_LEVEL_COUNT];
    uint64_t events_total = 0;
    cJSON *root = cJSON_CreateObject();

    cJSON_AddStringToObject(root, "version", api->version != NULL ? api->version : "");
    add_fixed3(root, "start_time", api->start_time_s);
    double uptime = now_s() - api->start_time_s;
    add_fixed3(root, "uptime_s", uptime > 0 ? uptime : 0);

    lt_table_level_totals(api->tally.table, totals);
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        events_total += totals[l];
    lt_api_json_add_u64(root, "events_total", events_total);
    cJSON *levels = cJSON_AddObjectToObject(root, "levels");
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        lt_api_json_add_u64(levels, lt_level_name((lt_level_t)l), totals[l]);

    static const struct {
        const char *name;
        unsigned window_s;
    } windows[] = {{"1m", 60}, {"5m", 300}, {"15m", 900}};
    cJSON *rates = cJSON_AddObjectToObject(root, "rates");
    for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
        double r[LT_LEVEL_COUNT] = {0};
        if (api->rates != NULL)
            lt_rates_get(api->rates, windows[w].window_s, r);
        cJSON_AddItemToObject(rates, windows[w].name, level_doubles(r));
    }

    cJSON *bytes = cJSON_AddObjectToObject(root, "received_bytes");
    for (int t = 0; t < LT_TRANSPORT_COUNT; t++)
        lt_api_json_add_u64(bytes, lt_transport_name((lt_transport_t)t),
                lt_counter_get(&st->received_bytes[t]));

    /* The total is summed from the same loads as the breakdown, so the two always agree. */
    uint64_t rejected_total = 0;
    cJSON *rejected = cJSON_CreateObject();
    for (int t = 0; t < LT_TRANSPORT_COUNT; t++) {
        cJSON *by_reason = cJSON_AddObjectToObject(rejected, lt_transport_name((lt_transport_t)t));
        for (int r = 0; r < LT_REJECT_COUNT; r++) {
            uint64_t v = lt_counter_get(&st->rejected[t][r]);
            rejected_total += v;
            lt_api_json_add_u64(by_reason, lt_reject_name((lt_reject_t)r), v);
        }
    }
    lt_api_json_add_u64(root, "rejected_total", rejected_total);
    cJSON_AddItemToObject(root, "rejected", rejected);

    static const lt_transport_t connected[] = {LT_TRANSPORT_TCP, LT_TRANSPORT_HTTP};
    cJSON *conns = cJSON_AddObjectToObject(root, "connections");
    for (size_t i = 0; i < sizeof(connected) / sizeof(connected[0]); i++) {
        lt_transport_t t = connected[i];
        cJSON *c = cJSON_AddObjectToObject(conns, lt_transport_name(t));
        int64_t open = lt_gauge_get(&st->connections[t]);
        lt_api_json_add_u64(c, "open", open > 0 ? (uint64_t)open : 0);
        lt_api_json_add_u64(c, "accepted", lt_counter_get(&st->connections_accepted[t]));
        lt_api_json_add_u64(c, "refused", lt_counter_get(&st->connections_refused[t]));
        lt_api_json_add_u64(c, "idle_closed", lt_counter_get(&st->idle_closed[t]));
        lt_api_json_add_u64(c, "fd_limit_refused", lt_counter_get(&st->fd_limit_refused[t]));
    }

    if (api->udp_info != NULL)
        api->udp_info(api->udp_info_arg, &udp);
    cJSON *u = cJSON_AddObjectToObject(root, "udp");
    lt_api_json_add_u64(u, "dropped", udp.dropped);
    lt_api_json_add_u64(u, "receive_buffer_bytes", udp.rcvbuf_bytes);

    cJSON *series = cJSON_AddObjectToObject(root, "series");
    lt_api_json_add_u64(series, "count", lt_table_series_count(api->tally.table));
    lt_api_json_add_u64(series, "limit", cfg->max_series);
    lt_api_json_add_u64(series, "overflow_events", lt_table_overflow_total(api->tally.table));

    cJSON *rj = cJSON_AddObjectToObject(root, "ring");
    lt_api_json_add_u64(rj, "slots", ring != NULL ? lt_ring_slots(ring) : 0);
    lt_api_json_add_u64(rj, "events", ring != NULL ? lt_ring_pushed_total(ring) : 0);
    lt_api_json_add_u64(rj, "overwritten", ring != NULL ? lt_ring_overwritten_total(ring) : 0);
    cJSON_AddStringToObject(
        rj, "min_level",
        lt_level_name(ring != NULL ? lt_ring_min_level(ring) : cfg->ring_min_level));

    cJSON *labels = cJSON_AddArrayToObject(root, "labels");
    cJSON_AddItemToArray(labels, cJSON_CreateString("level"));
    for (int l = 0; l < LT_API_LABEL_COUNT; l++)
        if (cfg->labels & label_bits[l])
            cJSON_AddItemToArray(labels, cJSON_CreateString(label_names[l]));

    lt_api_series_t *v;
    size_t n = lt_api_collect_series_unsorted(api, &v);
    cJSON *by = cJSON_AddObjectToObject(root, "by");
    for (int l = 0; l < LT_API_LABEL_COUNT; l++)
        if (cfg->labels & label_bits[l])
            cJSON_AddItemToObject(by, label_names[l], lt_api_by_label_json(v, n, l, &tmp));
    lt_free(v);
    lt_strbuf_free(&tmp);
    return root;
}

void lt_api_render_stats(lt_api_t *api, lt_strbuf_t *out)
{
    cJSON *root = lt_api_stats_json(api);
    lt_api_json_print(root, out);
    cJSON_Delete(root);
}

/* ---- query strings ----------------------------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes application/x-www-form-urlencoded text: '+' is a space, %XX a byte; a '%' not
 * followed by two hex digits is kept as it is. Writes at most n bytes plus a NUL. */
static size_t url_decode(const char *p, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (p[i] == '+')
            out[o++] = ' ';
        else if (p[i] == '%' && i + 2 < n && (hi = hex_digit(p[i + 1])) >= 0 &&
                 (lo = hex_digit(p[i + 2])) >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else
            out[o++] = p[i];
    }
    out[o] = '\0';
    return o;
}

/* Splits query strings "k=v&k=v" into decoded, NUL-terminated pairs. Each pair decodes into
 * the buffer at most its raw length plus two NULs, so 2 * query length + 4 always fits. */
typedef struct {
    const char *p;
    size_t n;
    size_t i;
    char *buf;
    size_t used;
} query_iter_t;

static bool query_next(query_iter_t *q, lt_slice_t *key, lt_slice_t *value)
{
    while (q->i < q->n) {
        const char *pair = q->p + q->i;
        const char *amp = memchr(pair, '&', q->n - q->i);
        size_t len = amp != NULL ? (size_t)(amp - pair) : q->n - q->i;
        q->i += len + (amp != NULL);
        if (len == 0)
            continue;
        const char *eq = memchr(pair, '=', len);
        size_t klen = eq != NULL ? (size_t)(eq - pair) : len;
        key->p = q->buf + q->used;
        key->n = url_decode(pair, klen, q->buf + q->used);
        q->used += key->n + 1;
        value->p = q->buf + q->used;
        value->n = eq != NULL ? url_decode(eq + 1, len - klen - 1, q->buf + q->used)
                              : url_decode("", 0, q->buf + q->used);
        q->used += value->n + 1;
        return true;
    }
    return false;
}

/* A decimal integer of digits only; saturates instead of wrapping. */
static bool parse_u64(lt_slice_t s, uint64_t *out)
{
    uint64_t v = 0;
    if (s.n == 0)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        unsigned d = (unsigned)(s.p[i] - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return true;
}

/* ---- /api/v1/events ---------------------------------------------------------------------- */

bool lt_api_format_time_ms(int64_t ms, char buf[40])
{
    int64_t sec = ms / 1000;
    int64_t frac = ms % 1000;
    struct tm tm;

    if (frac < 0) { /* C division truncates toward zero; times before 1970 round down */
        frac += 1000;
        sec -= 1;
    }
    time_t t = (time_t)sec;
    if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
        return false;
    size_t n = strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    if (n == 0)
        return false;
    snprintf(buf + n, 40 - n, ".%03dZ", (int)frac);
    return true;
}

typedef struct {
    cJSON *events;
    lt_strbuf_t tmp;
} events_ctx_t;

static void add_time(cJSON *obj, const char *name, int64_t ms)
{
    char buf[40];
    if (ms != LT_TIME_NONE && lt_api_format_time_ms(ms, buf))
        cJSON_AddStringToObject(obj, name, buf);
    else
        cJSON_AddNullToObject(obj, name);
}

static void events_one(void *arg, const lt_ring_entry_t *e)
{
    events_ctx_t *ctx = arg;
    cJSON *o = cJSON_CreateObject();
    const char *facility = lt_facility_name(e->facility);

    lt_api_json_add_u64(o, "seq", e->seq);
    add_time(o, "received", e->received_ms);
    add_time(o, "time", e->event_ms);
    cJSON_AddStringToObject(
        o, "level",
        lt_level_name((unsigned)e->level < LT_LEVEL_COUNT ? e->level : LT_LEVEL_UNKNOWN));
    if (facility != NULL)
        cJSON_AddStringToObject(o, "facility", facility);
    else
        cJSON_AddNullToObject(o, "facility");
    add_text(o, "host", &ctx->tmp, e->host, strnlen(e->host, sizeof(e->host)));
    add_text(o, "app", &ctx->tmp, e->app, strnlen(e->app, sizeof(e->app)));
    cJSON_AddStringToObject(o, "transport", lt_transport_name(e->transport));
    add_text(o, "peer", &ctx->tmp, e->peer, strnlen(e->peer, sizeof(e->peer)));
    add_text(o, "message", &ctx->tmp, e->msg, e->msg != NULL ? e->msg_len : 0);
    cJSON_AddBoolToObject(o, "truncated", e->is_truncated);
    cJSON_AddItemToArray(ctx->events, o);
}

/* Sets *err to a message naming the bad parameter and returns false on a bad value. */
static bool events_filter(const lt_http_request_t *req, size_t slots, lt_ring_filter_t *f,
                          char *buf, lt_strbuf_t *err)
{
    query_iter_t q = {req->query.p, req->query.n, 0, buf, 0};
    lt_slice_t key, value;

    lt_ring_filter_init(f);
    f->limit = EVENTS_DEFAULT_LIMIT;
    while (query_next(&q, &key, &value)) {
        const char *bad = NULL;
        if (slice_is(key, "min_level") || slice_is(key, "level")) {
            int level = lt_level_parse(value.p, value.n);
            if (level < 0)
                bad = "not a level name (emerg, alert, crit, err, warning, notice, info, debug, "
                      "unknown)";
            else if (slice_is(key, "level"))
                f->level = level;
            else
                f->min_level = level;
        } else if (slice_is(key, "app")) {
            f->app = value;
        } else if (slice_is(key, "host")) {
            f->host = value;
        } else if (slice_is(key, "since")) {
            char *end;
            double s = value.n > 0 ? strtod(value.p, &end) : NAN;
            if (value.n == 0 || end != value.p + value.n || !isfinite(s))
                bad = "not a Unix time in seconds";
            else /* the bound keeps the product within int64_t; it is past year 30 million */
                f->since_ms = llround(fmax(-1e15, fmin(1e15, s)) * 1000.0);
        } else if (slice_is(key, "after")) {
            if (!parse_u64(value, &f->after_seq))
                bad = "not a sequence number";
        } else if (slice_is(key, "limit")) {
            uint64_t limit;
            if (!parse_u64(value, &limit) || limit == 0)
                bad = "not a positive integer";
            else
                f->limit = limit > SIZE_MAX ? SIZE_MAX : (size_t)limit;
        }
        if (bad != NULL) {
            lt_strbuf_printf(err, "invalid %s \"", key.p);
            lt_api_append_utf8(err, value.p, value.n);
            lt_strbuf_printf(err, "\": %s", bad);
            return false;
        }
    }
    if (slots > 0 && f->limit > slots)
        f->limit = slots;
    return true;
}

void lt_api_render_events(lt_api_t *api, const lt_ring_filter_t *filter, lt_strbuf_t *out)
{
    const lt_ring_t *ring = api->tally.ring;
    events_ctx_t ctx = {cJSON_CreateArray(), LT_STRBUF_INIT};
    size_t count = ring != NULL ? lt_ring_query(ring, filter, events_one, &ctx) : 0;
    cJSON *root = cJSON_CreateObject();

    cJSON_AddItemToObject(root, "events", ctx.events);
    lt_api_json_add_u64(root, "count", count);
    lt_api_json_print(root, out);
    cJSON_Delete(root);
    lt_strbuf_free(&ctx.tmp);
}

/* Parses the /api/v1/events parameters of req into *f; on a bad one answers 400 and returns
 * false. buf holds the decoded strings f points to (2 * query length + 4 bytes). */
static bool parse_events_query(lt_api_t *api, const lt_http_request_t *req, lt_ring_filter_t *f,
                               char *buf, lt_http_response_t *res)
{
    const lt_ring_t *ring = api->tally.ring;
    lt_strbuf_t err = LT_STRBUF_INIT;
    bool is_ok = events_filter(req, ring != NULL ? lt_ring_slots(ring) : 0, f, buf, &err);

    if (!is_ok)
        lt_api_json_error(res, 400, err.p);
    lt_strbuf_free(&err);
    return is_ok;
}

static void handle_events(lt_api_t *api, const lt_http_request_t *req, lt_http_response_t *res)
{
    char *buf = lt_malloc(2 * req->query.n + 4);
    lt_ring_filter_t f;

    if (parse_events_query(api, req, &f, buf, res)) {
        res->content_type = CT_JSON;
        lt_api_render_events(api, &f, &res->body);
    }
    lt_free(buf);
}

/* ---- /api/v1/history --------------------------------------------------------------------- */

static void history_one(void *arg, int64_t second, const uint64_t counts[LT_LEVEL_COUNT])
{
    cJSON *o = cJSON_CreateObject();
    char t[24];

    snprintf(t, sizeof(t), "%" PRId64, second);
    cJSON_AddRawToObject(o, "t", t);
    /* Only the levels that had events: 900 seconds of nine zeros would be most of the body. */
    cJSON *counts_obj = cJSON_AddObjectToObject(o, "counts");
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        if (counts[l] > 0)
            lt_api_json_add_u64(counts_obj, lt_level_name((lt_level_t)l), counts[l]);
    cJSON_AddItemToArray(arg, o);
}

size_t lt_api_history_max_window_s(const lt_api_t *api)
{
    return api->rates != NULL ? lt_rates_history_s(api->rates) : LT_API_HISTORY_DEFAULT_WINDOW_S;
}

void lt_api_render_history(lt_api_t *api, unsigned window_s, lt_strbuf_t *out)
{
    cJSON *root = cJSON_CreateObject();
    char w[24];

    snprintf(w, sizeof(w), "%u", window_s);
    cJSON_AddRawToObject(root, "window", w);
    cJSON *levels = cJSON_AddArrayToObject(root, "levels");
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        cJSON_AddItemToArray(levels, cJSON_CreateString(lt_level_name((lt_level_t)l)));
    cJSON *seconds = cJSON_AddArrayToObject(root, "seconds");
    if (api->rates != NULL)
        lt_rates_history(api->rates, window_s, history_one, seconds);
    lt_api_json_print(root, out);
    cJSON_Delete(root);
}

static void handle_history(lt_api_t *api, const lt_http_request_t *req, lt_http_response_t *res)
{
    char *buf = lt_malloc(2 * req->query.n + 4);
    query_iter_t q = {req->query.p, req->query.n, 0, buf, 0};
    size_t max_s = lt_api_history_max_window_s(api);
    uint64_t window_s = LT_API_HISTORY_DEFAULT_WINDOW_S < max_s ? LT_API_HISTORY_DEFAULT_WINDOW_S
                                                                 : max_s;
    lt_slice_t key, value;

    while (query_next(&q, &key, &value)) {
        if (!slice_is(key, "window"))
            continue;
        if (!parse_u64(value, &window_s) || window_s == 0 || window_s > max_s) {
            lt_strbuf_t err = LT_STRBUF_INIT;
            lt_strbuf_puts(&err, "invalid window \"");
            lt_api_append_utf8(&err, value.p, value.n);
            lt_strbuf_printf(&err, "\": not a whole number of seconds from 1 to %zu", max_s);
            lt_api_json_error(res, 400, err.p);
            lt_strbuf_free(&err);
            goto out;
        }
    }
    res->content_type = CT_JSON;
    lt_api_render_history(api, (unsigned)window_s, &res->body);
out:
    lt_free(buf);
}

/* ---- GET / ------------------------------------------------------------------------------- */

/* The page's headers: a strict policy (nothing from elsewhere, only the page's own inline
 * script and style), no sniffing, and no caching of a snapshot that is stale a second later. */
#define PAGE_HEADERS                                                                               \
    "Content-Security-Policy: default-src 'self'; script-src 'self' 'unsafe-inline'; "           \
    "style-src 'self' 'unsafe-inline'\r\n"                                                        \
    "X-Content-Type-Options: nosniff\r\n"                                                         \
    "Cache-Control: no-store\r\n"

/* The page's filter form uses the /api/v1/events parameters; with none it shows err and
 * worse, as the live table does. */
static void handle_page(lt_api_t *api, const lt_http_request_t *req, lt_http_response_t *res,
                        bool is_authorized)
{
    char *buf = lt_malloc(2 * req->query.n + 4);
    lt_strbuf_t stats = LT_STRBUF_INIT, events = LT_STRBUF_INIT;
    lt_ring_filter_t f;

    if (!parse_events_query(api, req, &f, buf, res))
        goto out;
    if (f.min_level < 0 && f.level < 0)
        f.min_level = LT_LEVEL_ERR;
    lt_api_render_stats(api, &stats);
    if (is_authorized)
        lt_api_render_events(api, &f, &events);
    else
        lt_strbuf_puts(&events, "{\"events\":[]}");
    res->content_type = CT_HTML;
    res->extra_headers = PAGE_HEADERS;
    lt_web_render_page(stats.p, events.p, &f, &res->body);
out:
    lt_strbuf_free(&events);
    lt_strbuf_free(&stats);
    lt_free(buf);
}

/* ---- routing ----------------------------------------------------------------------------- */

typedef enum {
    ROUTE_PAGE,
    ROUTE_METRICS,
    ROUTE_STATS,
    ROUTE_EVENTS,
    ROUTE_HISTORY,
    ROUTE_HEALTHZ,
    ROUTE_READYZ,
    ROUTE_INGEST
} route_t;

static const struct {
    const char *path;
    route_t route;
    bool is_post; /* else GET and HEAD */
} routes[] = {
    /* clang-format off */
    {"/",              ROUTE_PAGE,    false},
    {"/metrics",       ROUTE_METRICS, false},
    {"/api/v1/stats",  ROUTE_STATS,   false},
    {"/api/v1/events", ROUTE_EVENTS,  false},
    {"/api/v1/history", ROUTE_HISTORY, false},
    {"/healthz",       ROUTE_HEALTHZ, false},
    {"/readyz",        ROUTE_READYZ,  false},
    {"/api/v1/ingest", ROUTE_INGEST,  true},
    /* clang-format on */
};

static bool wants_openmetrics(lt_slice_t accept)
{
    static const char needle[] = "application/openmetrics-text";
    size_t k = sizeof(needle) - 1;
    for (size_t i = 0; i + k <= accept.n; i++)
        if (strncasecmp(accept.p + i, needle, k) == 0)
            return true;
    return false;
}

void lt_api_handle(void *arg, const lt_http_request_t *req, lt_http_response_t *res)
{
    lt_api_t *api = arg;
    size_t i;

    res->status = 200;
    res->content_type = CT_TEXT;
    res->allow = NULL;
    lt_strbuf_reset(&res->body);

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (slice_is(req->path, routes[i].path))
            break;
    if (i == sizeof(routes) / sizeof(routes[0])) {
        res->status = 404;
        lt_strbuf_puts(&res->body, "not found\n");
        return;
    }
    bool is_read = req->is_head || req->method == HTTP_GET || req->method == HTTP_HEAD;
    bool is_allowed = routes[i].is_post ? req->method == HTTP_POST && !req->is_head : is_read;
    if (!is_allowed) {
        res->status = 405;
        res->allow = routes[i].is_post ? "POST" : "GET, HEAD";
        lt_strbuf_puts(&res->body, "method not allowed\n");
        return;
    }

    /* Without the token, ingest and the event texts answer 401; the page then leaves the
     * events out, and counts stay open (Prometheus scrapes /metrics without credentials). */
    bool is_authorized = lt_auth_allows(&api->auth, req->authorization);
    if (!is_authorized && (routes[i].route == ROUTE_INGEST || routes[i].route == ROUTE_EVENTS)) {
        res->status = 401;
        res->extra_headers = "WWW-Authenticate: Bearer realm=\"logtally\"\r\n";
        lt_strbuf_puts(&res->body, "a bearer token is required (http.auth_token_file)\n");
        return;
    }

    switch (routes[i].route) {
    case ROUTE_PAGE:
        handle_page(api, req, res, is_authorized);
        break;
    case ROUTE_METRICS:
        if (wants_openmetrics(req->accept)) {
            res->content_type = CT_OPENMETRICS;
            lt_api_render_openmetrics(api, &res->body);
        } else {
            res->content_type = CT_PROMETHEUS;
            lt_api_render_metrics(api, &res->body);
        }
        break;
    case ROUTE_STATS:
        res->content_type = CT_JSON;
        lt_api_render_stats(api, &res->body);
        break;
    case ROUTE_EVENTS:
        handle_events(api, req, res);
        break;
    case ROUTE_HISTORY:
        handle_history(api, req, res);
        break;
    case ROUTE_HEALTHZ:
        lt_strbuf_puts(&res->body, "ok\n");
        break;
    case ROUTE_READYZ: {
        const char *why = api->not_ready != NULL ? api->not_ready(api->not_ready_arg) : NULL;
        if (why == NULL) {
            lt_strbuf_puts(&res->body, "ready\n");
        } else {
            res->status = 503;
            lt_strbuf_printf(&res->body, "not ready: %s\n", why);
        }
        break;
    }
    case ROUTE_INGEST:
        lt_api_ingest(api, req, res);
        break;
    }
}
