/* SPDX-License-Identifier: MIT */
/* The HTTP routes: the live page at /, /metrics (Prometheus text 0.0.4), /api/v1/stats,
 * /api/v1/events, /api/v1/history, POST /api/v1/ingest, /healthz, /readyz. Everything here renders from shared state into a response
 * buffer; the sockets belong to http_server. Runs on the HTTP thread. */
#ifndef LT_API_H
#define LT_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lt_auth.h"
#include "lt_config.h"
#include "lt_http_server.h"
#include "lt_rates.h"
#include "lt_ring.h"
#include "lt_state.h"
#include "lt_stats.h"
#include "lt_table.h"
#include "lt_tally.h"

/* What the UDP sockets report at scrape time (gathered by the listeners' owner). */
typedef struct {
    uint64_t dropped;      /* kernel drops summed over the UDP sockets */
    uint64_t rcvbuf_bytes; /* effective SO_RCVBUF of one socket (they all ask the same) */
} lt_udp_info_t;

typedef void (*lt_api_udp_info_cb)(void *arg, lt_udp_info_t *out);

/* Whether the daemon can serve ingest now (every listener bound, every worker loop turning):
 * NULL when ready, else a short static reason for the 503 body. Runs on the HTTP thread. */
typedef const char *(*lt_api_not_ready_cb)(void *arg);

typedef struct lt_api_metrics_cache_s lt_api_metrics_cache_t;

typedef struct {
    const lt_config_t *config;
    const char *version;
    double start_time_s;         /* process_start_time_seconds */
    bool is_last_reload_ok;      /* logtally_config_last_reload_successful (start-up counts) */
    double last_reload_ok_s;     /* logtally_config_last_reload_success_timestamp_seconds */
    lt_tally_t tally;            /* table, ring, stats, labels: shared with the listeners */
    const lt_rates_t *rates;     /* may be NULL */
    lt_api_udp_info_cb udp_info; /* may be NULL */
    void *udp_info_arg;
    const lt_state_metrics_t *state; /* may be NULL: counter persistence shows as 0 */
    lt_api_not_ready_cb not_ready; /* may be NULL: always ready */
    void *not_ready_arg;
    lt_table_batch_t ingest_batch; /* HTTP ingest counts through its own batch */
    lt_auth_t auth;                /* bearer token for ingest and event texts; none: open.
                                    * A reload replaces it on the HTTP thread. */
    lt_api_metrics_cache_t *metrics_cache; /* NULL until the first /metrics; lt_api_free_caches */
} lt_api_t;

/* Frees what the renderers keep in api between requests (the /metrics series order and label
 * text) and sets it back to NULL. Call before the table is freed. */
void lt_api_free_caches(lt_api_t *api);

/* The lt_http_handler_cb of the daemon; arg is an lt_api_t. Routes: GET/HEAD / (the page,
 * see lt_web.h; it takes the /api/v1/events filters), /metrics, /api/v1/stats, /api/v1/events,
 * /api/v1/history (?window=1..lt_api_history_max_window_s, else 400), /healthz (200 "ok" while
 * the process serves HTTP), /readyz (200 "ready", or 503 "not ready: REASON" from
 * api->not_ready); POST /api/v1/ingest (403 when http.ingest is off;
 * 204 when every record counted, else 400 with {"error","accepted","rejected"}: an array or
 * single-object body counts nothing unless all of it is valid, NDJSON counts line by line).
 * A known path with another method gets 405 and an Allow header; any other path 404. It does
 * not count stats->http_requests: the server does, since it also answers requests that never
 * reach the handler. Runs on the HTTP thread only (api->ingest_batch is not shared). */
void lt_api_handle(void *arg, const lt_http_request_t *req, lt_http_response_t *res);

/* The /metrics body in Prometheus text 0.0.4 (exposed for tests and the CLI). */
void lt_api_render_metrics(lt_api_t *api, lt_strbuf_t *out);

/* The same families in OpenMetrics 1.0 text, ending in "# EOF" (served when the request's
 * Accept asks for application/openmetrics-text). */
void lt_api_render_openmetrics(lt_api_t *api, lt_strbuf_t *out);

/* The /api/v1/stats body: the same counts as /metrics, plus rates and per-label breakdowns. */
void lt_api_render_stats(lt_api_t *api, lt_strbuf_t *out);

/* The same document as a cJSON tree the caller owns (cJSON_Delete), so that logtally scan
 * prints the daemon's shape and keys from the same code. rates and udp_info may be NULL. */
struct cJSON;
struct cJSON *lt_api_stats_json(const lt_api_t *api);

/* The /api/v1/events body for filter: {"events":[...newest first],"count":N}. */
void lt_api_render_events(lt_api_t *api, const lt_ring_filter_t *filter, lt_strbuf_t *out);

/* The window /api/v1/history uses when the request names none (capped at the maximum). */
#define LT_API_HISTORY_DEFAULT_WINDOW_S 900

/* The longest window /api/v1/history accepts: the rates history, or the default without one. */
size_t lt_api_history_max_window_s(const lt_api_t *api);

/* The /api/v1/history body: {"window":W,"levels":[the nine names],"seconds":[{"t":unix second,
 * "counts":{"err":3}}...]}, oldest first, one entry per recorded second of the last window_s
 * (lt_rates_history), each with only the levels that had events in it. */
void lt_api_render_history(lt_api_t *api, unsigned window_s, lt_strbuf_t *out);

/* "2026-11-25T03:14:45.123Z" (UTC) into buf; false when the time does not fit a calendar. */
bool lt_api_format_time_ms(int64_t ms, char buf[40]);

/* Index of each extra label a series can carry (LT_API_HOST, LT_API_APP, LT_API_FACILITY,
 * LT_API_TRANSPORT), in LT_LABEL_MAP order, which is also the order they follow level in. */
enum {
#define LT_API_LABEL_ENUM(e, s, bit) LT_API_##e,
    LT_LABEL_MAP(LT_API_LABEL_ENUM)
#undef LT_API_LABEL_ENUM
    LT_API_LABEL_COUNT
};

/* Value of a series' extra labels in overflow series. */
#define LT_API_OVERFLOW_VALUE "__overflow__"

/* One series as the renderers see it. labels[] holds each configured label's value as text
 * (slices into the table or static strings; "" when the event had none, LT_API_OVERFLOW_VALUE
 * in overflow series, empty for labels that are not configured). */
typedef struct {
    lt_level_t level;
    lt_slice_t labels[LT_API_LABEL_COUNT];
    uint64_t count;
} lt_api_series_t;

/* Reads every series of the table, sorted by level then label values (bytewise), with series
 * whose rendered labels are equal merged into one, and a zero series (extra labels "") added
 * for each level that has none, so all nine levels always appear. Sets *out to an array the
 * caller frees with lt_free, valid until lt_table_free; returns its length. */
size_t lt_api_collect_series(const lt_api_t *api, lt_api_series_t **out);

/* The same series in table order: not sorted, not merged, no zero series added. For sums
 * that do not need an order (/api/v1/stats "by"). */
size_t lt_api_collect_series_unsorted(const lt_api_t *api, lt_api_series_t **out);

/* "2026-11-25T03:14:45.123Z" (UTC) into buf; false when the time does not fit a calendar. */
bool lt_api_format_time_ms(int64_t ms, char buf[40]);

/* Appends p[0..n) to out with each invalid UTF-8 sequence replaced by U+FFFD, so that label
 * values and JSON strings stay valid UTF-8 whatever bytes a sender put in a host or app. */
void lt_api_append_utf8(lt_strbuf_t *out, const char *p, size_t n);

#endif
