/* SPDX-License-Identifier: MIT */
/* Tests for src/api.c and src/metrics.c: a real lt_api_t over a real table, ring and stats,
 * driven with synthesized requests; responses are checked to the exact status, content type
 * and body line (and, when promtool is installed, /metrics is checked by promtool). */
#include <check.h>
#include <cjson/cJSON.h>
#include <llhttp.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lt_alloc.h"
#include "lt_api.h"
#include "lt_config.h"
#include "lt_parse.h"
#include "lt_rates.h"
#include "lt_ring.h"
#include "lt_stats.h"
#include "lt_table.h"
#include "check_run.h"

#define CT_PROM "text/plain; version=0.0.4; charset=utf-8"
#define CT_JSON "application/json"

typedef struct {
    lt_config_t config;
    lt_table_t table;
    lt_ring_t *ring;
    lt_stats_t stats;
    lt_api_t api;
} fixture_t;

/* A daemon-like setup: level-only series pre-created, a ring when ring_slots > 0. */
static void fx_init(fixture_t *fx, unsigned labels, size_t max_series, size_t ring_slots)
{
    memset(fx, 0, sizeof(*fx));
    lt_config_defaults(&fx->config);
    fx->config.labels = labels;
    fx->config.max_series = max_series;
    ck_assert_int_eq(lt_table_init(&fx->table, max_series), 0);
    lt_table_precreate_levels(&fx->table);
    if (ring_slots > 0) {
        fx->config.ring_slots = ring_slots;
        ck_assert_int_eq(lt_ring_new(&fx->ring, ring_slots, 64, LT_LEVEL_DEBUG), 0);
    }
    lt_stats_init(&fx->stats);
    fx->api.config = &fx->config;
    fx->api.version = "0.1.0";
    fx->api.start_time_s = 1764040485.123;
    fx->api.tally = (lt_tally_t){&fx->table, fx->ring, &fx->stats, labels};
    fx->api.ingest_batch = (lt_table_batch_t)LT_TABLE_BATCH_INIT;
}

static void fx_free(fixture_t *fx)
{
    lt_api_free_caches(&fx->api);
    lt_ring_free(fx->ring);
    lt_table_free(&fx->table);
}

static lt_slice_t sl(const char *s)
{
    return s != NULL ? (lt_slice_t){s, strlen(s)} : LT_SLICE_NULL;
}

static lt_http_request_t request(int method, const char *path, const char *query, const char *body)
{
    lt_http_request_t req;
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.is_head = method == HTTP_HEAD;
    req.path = sl(path);
    req.query = sl(query != NULL ? query : "");
    req.accept = sl("");
    req.content_type = sl("");
    req.body = sl(body != NULL ? body : "");
    req.peer = "127.0.0.1:40000";
    return req;
}

/* Calls the handler as the server would: a fresh response with the server's defaults. */
static lt_http_response_t handle(fixture_t *fx, const lt_http_request_t *req)
{
    lt_http_response_t res = {200, "text/plain; charset=utf-8", NULL, LT_STRBUF_INIT, NULL};
    lt_api_handle(&fx->api, req, &res);
    if (res.body.p == NULL)
        lt_strbuf_puts(&res.body, "");
    return res;
}

static lt_http_response_t get(fixture_t *fx, const char *path, const char *query)
{
    lt_http_request_t req = request(HTTP_GET, path, query, NULL);
    return handle(fx, &req);
}

static lt_http_response_t post(fixture_t *fx, const char *path, const char *body)
{
    lt_http_request_t req = request(HTTP_POST, path, NULL, body);
    return handle(fx, &req);
}

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; p != NULL && *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        if (len == n && memcmp(p, line, n) == 0)
            return true;
        p = nl != NULL ? nl + 1 : NULL;
    }
    return false;
}

#define ASSERT_LINE(body, line)                                                                    \
    ck_assert_msg(has_line((body), (line)), "missing line '%s' in:\n%.2500s", (line), (body))

/* ASSERT_LINE for each line of a NULL-terminated list. */
static void assert_lines(const char *body, const char *const *lines)
{
    for (const char *const *l = lines; *l != NULL; l++)
        ASSERT_LINE(body, *l);
}

/* ASSERT_LINE for every line given: ASSERT_LINES(body, "a 1", "b 2"). */
#define ASSERT_LINES(body, ...) assert_lines((body), (const char *const[]){__VA_ARGS__, NULL})

/* The lines of text that start with prefix, each followed by '\n'. */
static void lines_with_prefix(const char *text, const char *prefix, lt_strbuf_t *out)
{
    size_t k = strlen(prefix);
    for (const char *p = text; p != NULL && *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
        if (strncmp(p, prefix, k) == 0)
            lt_strbuf_append(out, p, len);
        p = nl != NULL ? nl + 1 : NULL;
    }
    if (out->p == NULL)
        lt_strbuf_puts(out, "");
}

static void assert_events_block(const char *body, const char *want)
{
    lt_strbuf_t got = LT_STRBUF_INIT;
    lines_with_prefix(body, "logtally_events_total{", &got);
    ck_assert_msg(strcmp(got.p, want) == 0, "events block:\n%.1800s\nwanted:\n%.1800s", got.p,
                  want);
    lt_strbuf_free(&got);
}

/* The same with the metric name left out of want's lines: "{level=\"err\"} 3\n"... */
static void assert_events_labels(const char *body, const char *labels)
{
    lt_strbuf_t want = LT_STRBUF_INIT;
    for (const char *p = labels; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        ck_assert_ptr_nonnull(nl);
        lt_strbuf_puts(&want, "logtally_events_total");
        lt_strbuf_append(&want, p, (size_t)(nl - p) + 1);
        p = nl + 1;
    }
    assert_events_block(body, want.p);
    lt_strbuf_free(&want);
}

/* Adds n to the series (level, host, app, facility, transport) straight in the table. */
static void table_add(fixture_t *fx, lt_level_t level, const char *host, const char *app,
                      int facility, int transport, uint64_t n)
{
    lt_series_key_t key = {level, facility, transport, sl(host), sl(app), false};
    lt_table_incr(&fx->table, &key, n);
}

static void tally(fixture_t *fx, const char *msg, lt_transport_t transport)
{
    int rc = lt_tally_message(&fx->api.tally, &fx->api.ingest_batch, transport, "10.0.0.1:514", msg,
                              strlen(msg), 1764040485123);
    ck_assert_msg(rc == 0, "lt_tally_message(%s) = %d", msg, rc);
    lt_table_batch_flush(&fx->table, &fx->api.ingest_batch);
}

static void ring_push(fixture_t *fx, lt_level_t level, const char *host, const char *app,
                      const char *msg, int64_t received_ms, int64_t time_ms)
{
    lt_event_t ev;
    memset(&ev, 0, sizeof(ev));
    ev.level = level;
    ev.facility = 1;
    ev.format = LT_FORMAT_RFC5424;
    ev.time_ms = time_ms;
    ev.host = sl(host);
    ev.app = sl(app);
    ev.msg = sl(msg);
    lt_ring_push(fx->ring, &ev, LT_TRANSPORT_TCP, "127.0.0.1:40000", received_ms);
}

static cJSON *parse_json(const lt_http_response_t *res)
{
    cJSON *root = cJSON_Parse(res->body.p);
    ck_assert_msg(root != NULL, "not JSON: %.2500s", res->body.p);
    return root;
}

/* The number at a path like "levels.err" (keys separated by '.'). */
static double json_at(cJSON *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    cJSON *node = root;
    for (char *save = NULL, *key = strtok_r(buf, ".", &save); key != NULL;
         key = strtok_r(NULL, ".", &save)) {
        node = cJSON_GetObjectItemCaseSensitive(node, key);
        ck_assert_msg(node != NULL, "no %s in JSON", path);
    }
    ck_assert_msg(cJSON_IsNumber(node), "%s is not a number", path);
    return node->valuedouble;
}

#define ASSERT_JSON_NUM(root, path, want)                                                          \
    do {                                                                                           \
        double got_ = json_at((root), (path));                                                     \
        ck_assert_msg(got_ == (double)(want), "%s = %.17g, wanted %.17g", (path), got_,            \
                      (double)(want));                                                             \
    } while (0)

static const char *json_error_text(const lt_http_response_t *res, cJSON **root)
{
    *root = parse_json(res);
    cJSON *err = cJSON_GetObjectItemCaseSensitive(*root, "error");
    ck_assert_msg(cJSON_IsString(err), "no error string in %.2500s", res->body.p);
    return err->valuestring;
}

static void free_res(lt_http_response_t *res)
{
    lt_strbuf_free(&res->body);
}

/* ---- /metrics ---------------------------------------------------------------------------- */

START_TEST(test_api_metrics_levels)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    tally(&fx, "<11>1 2026-11-25T03:14:45Z web1 app1 - - - one", LT_TRANSPORT_TCP);
    tally(&fx, "<11>1 2026-11-25T03:14:45Z web1 app1 - - - two", LT_TRANSPORT_TCP);
    tally(&fx, "<11>1 2026-11-25T03:14:45Z web2 app2 - - - three", LT_TRANSPORT_UDP);
    tally(&fx, "<12>1 2026-11-25T03:14:45Z web2 app2 - - - warn", LT_TRANSPORT_UDP);

    lt_http_response_t res = get(&fx, "/metrics", NULL);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, CT_PROM);
    assert_events_block(res.body.p, "logtally_events_total{level=\"emerg\"} 0\n"
                                    "logtally_events_total{level=\"alert\"} 0\n"
                                    "logtally_events_total{level=\"crit\"} 0\n"
                                    "logtally_events_total{level=\"err\"} 3\n"
                                    "logtally_events_total{level=\"warning\"} 1\n"
                                    "logtally_events_total{level=\"notice\"} 0\n"
                                    "logtally_events_total{level=\"info\"} 0\n"
                                    "logtally_events_total{level=\"debug\"} 0\n"
                                    "logtally_events_total{level=\"unknown\"} 0\n");
    ASSERT_LINES(res.body.p, "logtally_series 9", "logtally_series_limit 100",
                 "logtally_series_overflow_total 0", "logtally_ring_slots 0",
                 "logtally_build_info{version=\"0.1.0\"} 1",
                 "process_start_time_seconds 1764040485.123");
    free_res(&res);
    fx_free(&fx);
}
END_TEST

static void udp_info(void *arg, lt_udp_info_t *out)
{
    *(int *)arg += 1;
    out->dropped = 17;
    out->rcvbuf_bytes = 425984;
}

/* Every family once with HELP and TYPE before its samples, samples of a family together. */
START_TEST(test_api_metrics_families)
{
    static const struct {
        const char *name;
        const char *type;
    } want[] = {
        {"logtally_events_total", "counter"},
        {"logtally_received_bytes_total", "counter"},
        {"logtally_rejected_total", "counter"},
        {"logtally_connections", "gauge"},
        {"logtally_worker_tcp_connections", "gauge"},
        {"logtally_worker_udp_datagrams_total", "counter"},
        {"logtally_connections_accepted_total", "counter"},
        {"logtally_connections_refused_total", "counter"},
        {"logtally_idle_closed_total", "counter"},
        {"logtally_fd_limit_refused_total", "counter"},
        {"logtally_accept_errors_total", "counter"},
        {"logtally_listener_pauses_total", "counter"},
        {"logtally_udp_dropped_total", "counter"},
        {"logtally_udp_receive_buffer_bytes", "gauge"},
        {"logtally_series", "gauge"},
        {"logtally_series_limit", "gauge"},
        {"logtally_series_overflow_total", "counter"},
        {"logtally_ring_events_total", "counter"},
        {"logtally_ring_overwritten_total", "counter"},
        {"logtally_ring_slots", "gauge"},
        {"logtally_http_requests_total", "counter"},
        {"logtally_http_responses_total", "counter"},
        {"logtally_state_restored", "gauge"},
        {"logtally_state_load_failures_total", "counter"},
        {"logtally_state_writes_total", "counter"},
        {"logtally_state_write_failures_total", "counter"},
        {"logtally_state_last_write_timestamp_seconds", "gauge"},
        {"logtally_build_info", "gauge"},
        {"process_start_time_seconds", "gauge"},
        {"logtally_config_last_reload_successful", "gauge"},
        {"logtally_config_last_reload_success_timestamp_seconds", "gauge"},
    };
    size_t nwant = sizeof(want) / sizeof(want[0]);
    fixture_t fx;
    int calls = 0;
    fx_init(&fx, 0, 100, 8);
    fx.api.udp_info = udp_info;
    fx.api.udp_info_arg = &calls;
    lt_counter_add(&fx.stats.received_bytes[LT_TRANSPORT_UDP], 1234);
    lt_counter_add(&fx.stats.rejected[LT_TRANSPORT_TCP][LT_REJECT_BAD_FRAME], 2);
    lt_gauge_add(&fx.stats.connections[LT_TRANSPORT_TCP], 3);
    lt_gauge_add(&fx.stats.workers, 3);
    lt_gauge_add(&fx.stats.worker_tcp[0], 2);
    lt_gauge_add(&fx.stats.worker_tcp[2], 1);
    lt_gauge_add(&fx.stats.worker_tcp[3], 5); /* past the workers running: not shown */
    lt_counter_add(&fx.stats.worker_udp[1], 12);
    lt_counter_add(&fx.stats.connections_accepted[LT_TRANSPORT_HTTP], 4);
    lt_counter_add(&fx.stats.connections_refused[LT_TRANSPORT_TCP], 5);
    lt_counter_add(&fx.stats.idle_closed[LT_TRANSPORT_TCP], 6);
    lt_counter_add(&fx.stats.fd_limit_refused[LT_TRANSPORT_TCP], 9);
    lt_counter_add(&fx.stats.listener_pauses[LT_TRANSPORT_TCP], 13);
    lt_counter_add(&fx.stats.accept_errors[LT_TRANSPORT_HTTP], 11);
    lt_counter_add(&fx.stats.http_requests, 7);
    lt_counter_add(&fx.stats.http_responses[lt_stats_http_code_index(408)], 2);
    lt_counter_add(&fx.stats.http_responses[lt_stats_http_code_index(418)], 1);
    for (int i = 0; i < 10; i++)
        ring_push(&fx, LT_LEVEL_ERR, "h", "a", "m", 1000, LT_TIME_NONE);
    lt_state_metrics_t state = {0};
    lt_gauge_add(&state.is_restored, 1);
    lt_counter_add(&state.load_failures, 2);
    lt_counter_add(&state.writes, 9);
    lt_counter_add(&state.write_failures, 3);
    lt_counter_add(&state.last_write_unix_ms, 1764054000042);
    fx.api.state = &state;

    lt_http_response_t res = get(&fx, "/metrics", NULL);
    const char *body = res.body.p;
    ck_assert_int_eq(calls, 1);

    /* Walk the body: each TYPE opens a family, and every sample belongs to the open one. */
    bool seen[sizeof(want) / sizeof(want[0])] = {false};
    size_t fam = nwant;
    char line[512];
    for (const char *p = body; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        ck_assert_msg(nl != NULL, "body does not end in a newline:\n%.2500s", body);
        snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
        p = nl + 1;
        if (strncmp(line, "# HELP ", 7) == 0) {
            size_t i;
            for (i = 0; i < nwant; i++) {
                size_t k = strlen(want[i].name);
                if (strncmp(line + 7, want[i].name, k) == 0 && line[7 + k] == ' ')
                    break;
            }
            ck_assert_msg(i < nwant, "unexpected family: %s", line);
            ck_assert_msg(!seen[i], "family twice: %s", line);
            seen[i] = true;
            fam = i;
            char type[256];
            ck_assert_msg(nl[1] != '\0', "HELP without TYPE: %s", line);
            snprintf(type, sizeof(type), "# TYPE %s %s", want[i].name, want[i].type);
            ck_assert_msg(strncmp(p, type, strlen(type)) == 0 && p[strlen(type)] == '\n',
                          "after '%s' wanted '%s'", line, type);
            p = strchr(p, '\n') + 1;
            continue;
        }
        ck_assert_msg(line[0] != '#', "stray comment: %s", line);
        ck_assert_msg(fam < nwant, "sample before any family: %s", line);
        size_t k = strlen(want[fam].name);
        ck_assert_msg(strncmp(line, want[fam].name, k) == 0 && (line[k] == '{' || line[k] == ' '),
                      "sample '%s' outside its family (open: %s)", line, want[fam].name);
    }
    for (size_t i = 0; i < nwant; i++)
        ck_assert_msg(seen[i], "family %s missing:\n%.2500s", want[i].name, body);

    ASSERT_LINES(body, "logtally_received_bytes_total{transport=\"tcp\"} 0",
                 "logtally_received_bytes_total{transport=\"udp\"} 1234",
                 "logtally_received_bytes_total{transport=\"http\"} 0");
    /* Every transport x reason, zeros included. */
    lt_strbuf_t rejected = LT_STRBUF_INIT;
    lines_with_prefix(body, "logtally_rejected_total{", &rejected);
    int nrej = 0;
    for (const char *q = rejected.p; (q = strchr(q, '\n')) != NULL; q++)
        nrej++;
    ck_assert_int_eq(nrej, LT_TRANSPORT_COUNT * LT_REJECT_COUNT);
    lt_strbuf_free(&rejected);
    ASSERT_LINES(body, "logtally_rejected_total{transport=\"tcp\",reason=\"bad_frame\"} 2",
                 "logtally_rejected_total{transport=\"udp\",reason=\"oversize\"} 0",
                 "logtally_rejected_total{transport=\"http\",reason=\"binary\"} 0",
                 "logtally_connections{transport=\"tcp\"} 3",
                 "logtally_connections{transport=\"http\"} 0",
                 "logtally_worker_tcp_connections{worker=\"0\"} 2",
                 "logtally_worker_tcp_connections{worker=\"1\"} 0",
                 "logtally_worker_tcp_connections{worker=\"2\"} 1",
                 "logtally_worker_udp_datagrams_total{worker=\"0\"} 0",
                 "logtally_worker_udp_datagrams_total{worker=\"1\"} 12",
                 "logtally_connections_accepted_total{transport=\"http\"} 4",
                 "logtally_connections_refused_total{transport=\"tcp\"} 5",
                 "logtally_idle_closed_total{transport=\"tcp\"} 6",
                 "logtally_fd_limit_refused_total{transport=\"tcp\"} 9",
                 "logtally_accept_errors_total{transport=\"http\"} 11",
                 "logtally_accept_errors_total{transport=\"tcp\"} 0",
                 "logtally_listener_pauses_total{transport=\"http\"} 0",
                 "logtally_listener_pauses_total{transport=\"tcp\"} 13",
                 "logtally_http_requests_total 7", "logtally_http_responses_total{code=\"200\"} 0",
                 "logtally_http_responses_total{code=\"408\"} 2",
                 "logtally_http_responses_total{code=\"other\"} 1", "logtally_udp_dropped_total 17",
                 "logtally_udp_receive_buffer_bytes 425984", "logtally_ring_events_total 10",
                 "logtally_ring_overwritten_total 2", "logtally_ring_slots 8",
                 "logtally_state_restored 1", "logtally_state_load_failures_total 2",
                 "logtally_state_writes_total 9", "logtally_state_write_failures_total 3",
                 "logtally_state_last_write_timestamp_seconds 1764054000.042");
    ck_assert_msg(strstr(body, "logtally_connections{transport=\"udp\"}") == NULL,
                  "UDP has no connections:\n%.2500s", body);
    ck_assert_msg(strstr(body, "logtally_worker_tcp_connections{worker=\"3\"}") == NULL,
                  "only the workers running:\n%.2500s", body);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_metrics_udp_info_absent)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_http_response_t res = get(&fx, "/metrics", NULL);
    ASSERT_LINE(res.body.p, "logtally_udp_dropped_total 0");
    /* No persistence: its families are there, all zero. */
    ASSERT_LINES(res.body.p, "logtally_state_restored 0", "logtally_state_writes_total 0",
                 "logtally_state_last_write_timestamp_seconds 0.000",
                 "logtally_udp_receive_buffer_bytes 0", "logtally_ring_events_total 0");
    free_res(&res);
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_metrics_label_escaping)
{
    fixture_t fx;
    fx_init(&fx, LT_LABEL_HOST | LT_LABEL_APP, 100, 0);
    table_add(&fx, LT_LEVEL_ERR, "a\"b\\c\nd", "x", LT_LABEL_UNSET, LT_LABEL_UNSET, 2);
    /* Bytes that are not UTF-8 render as U+FFFD, so the exposition stays valid UTF-8. */
    table_add(&fx, LT_LEVEL_ERR, "caf\xc3", "\xff", LT_LABEL_UNSET, LT_LABEL_UNSET, 1);
    lt_http_response_t res = get(&fx, "/metrics", NULL);
    ASSERT_LINE(res.body.p,
                "logtally_events_total{level=\"err\",host=\"a\\\"b\\\\c\\nd\",app=\"x\"} 2");
    ASSERT_LINE(
        res.body.p,
        "logtally_events_total{level=\"err\",host=\"caf\xef\xbf\xbd\",app=\"\xef\xbf\xbd\"} 1");
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* Level-only series made at startup merge with label-less series of events (host=""), every
 * level appears, and the order is level, then label values bytewise. */
START_TEST(test_api_metrics_labels_sorted_merged)
{
    fixture_t fx;
    fx_init(&fx, LT_LABEL_HOST | LT_LABEL_APP | LT_LABEL_FACILITY | LT_LABEL_TRANSPORT, 100, 0);
    table_add(&fx, LT_LEVEL_ERR, "web2", "api", 16, LT_TRANSPORT_UDP, 1);
    table_add(&fx, LT_LEVEL_ERR, "web1", "api", 1, LT_TRANSPORT_TCP, 2);
    table_add(&fx, LT_LEVEL_ERR, "web1", "api", LT_FACILITY_NONE, LT_TRANSPORT_HTTP, 3);
    table_add(&fx, LT_LEVEL_ERR, "", "", LT_FACILITY_NONE, LT_TRANSPORT_HTTP, 4);
    table_add(&fx, LT_LEVEL_CRIT, "web1", "db", 3, LT_TRANSPORT_TCP, 5);
    /* The same rendered label set as the pre-created err series: summed into one sample. */
    table_add(&fx, LT_LEVEL_ERR, NULL, NULL, LT_FACILITY_NONE, LT_LABEL_UNSET, 6);

    lt_http_response_t res = get(&fx, "/metrics", NULL);
    /* clang-format off */
    assert_events_labels(res.body.p,
        "{level=\"emerg\",host=\"\",app=\"\",facility=\"\",transport=\"\"} 0\n"
        "{level=\"alert\",host=\"\",app=\"\",facility=\"\",transport=\"\"} 0\n"
        "{level=\"crit\",host=\"\",app=\"\",facility=\"\",transport=\"\"} 0\n"
        "{level=\"crit\",host=\"web1\",app=\"db\",facility=\"daemon\",transport=\"tcp\"} 5\n"
        "{level=\"err\",host=\"\",app=\"\",facility=\"\",transport=\"\"} 6\n"
        "{level=\"err\",host=\"\",app=\"\",facility=\"\",transport=\"http\"} 4\n"
        "{level=\"err\",host=\"web1\",app=\"api\",facility=\"\",transport=\"http\"} 3\n"
        "{level=\"err\",host=\"web1\",app=\"api\",facility=\"user\",transport=\"tcp\"} 2\n"
        "{level=\"err\",host=\"web2\",app=\"api\",facility=\"local0\",transport=\"udp\"} 1\n"
        "{level=\"warning\",host=\"\",app=\"\",facility=\"\",transport=\"\"} 0\n"
        "{level=\"notice\",host=\"\",app=\"\",facility=\"\",transport=\"\"} 0\n"
        "{level=\"info\",host=\"\",app=\"\",facility=\"\",transport=\"\"} 0\n"
        "{level=\"debug\",host=\"\",app=\"\",facility=\"\",transport=\"\"} 0\n"
        "{level=\"unknown\",host=\"\",app=\"\",facility=\"\",transport=\"\"} 0\n");
    /* clang-format on */
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* A scrape reuses the previous scrape's order and label text while the table holds the same
 * series: counts move, new series (a new level, a new label set, one rendering like an old
 * one) and a label change each show exactly as a scrape without that cache renders them. */
static void assert_render_uncached(fixture_t *fx, const char *cached)
{
    lt_api_free_caches(&fx->api);
    lt_strbuf_t fresh = LT_STRBUF_INIT;
    lt_api_render_metrics(&fx->api, &fresh);
    ck_assert_str_eq(cached, fresh.p);
    lt_strbuf_free(&fresh);
}

START_TEST(test_api_metrics_rescrape_cached)
{
    fixture_t fx;
    fx_init(&fx, LT_LABEL_HOST | LT_LABEL_APP, 100, 0);
    table_add(&fx, LT_LEVEL_ERR, "web2", "api", LT_LABEL_UNSET, LT_LABEL_UNSET, 1);
    table_add(&fx, LT_LEVEL_INFO, "web1", "api", LT_LABEL_UNSET, LT_LABEL_UNSET, 2);
    lt_http_response_t res = get(&fx, "/metrics", NULL);
    free_res(&res);

    table_add(&fx, LT_LEVEL_INFO, "web1", "api", LT_LABEL_UNSET, LT_LABEL_UNSET, 5);
    res = get(&fx, "/metrics", NULL);
    ASSERT_LINE(res.body.p, "logtally_events_total{level=\"info\",host=\"web1\",app=\"api\"} 7");
    assert_render_uncached(&fx, res.body.p);
    free_res(&res);

    table_add(&fx, LT_LEVEL_CRIT, "web0", "db", LT_LABEL_UNSET, LT_LABEL_UNSET, 3);
    table_add(&fx, LT_LEVEL_ERR, "web1", "api", LT_LABEL_UNSET, LT_LABEL_UNSET, 4);
    /* Renders like the pre-created err series: one sample, summed. */
    table_add(&fx, LT_LEVEL_ERR, "", "", LT_FACILITY_NONE, LT_LABEL_UNSET, 6);
    res = get(&fx, "/metrics", NULL);
    /* clang-format off */
    assert_events_labels(res.body.p,
        "{level=\"emerg\",host=\"\",app=\"\"} 0\n"
        "{level=\"alert\",host=\"\",app=\"\"} 0\n"
        "{level=\"crit\",host=\"\",app=\"\"} 0\n"
        "{level=\"crit\",host=\"web0\",app=\"db\"} 3\n"
        "{level=\"err\",host=\"\",app=\"\"} 6\n"
        "{level=\"err\",host=\"web1\",app=\"api\"} 4\n"
        "{level=\"err\",host=\"web2\",app=\"api\"} 1\n"
        "{level=\"warning\",host=\"\",app=\"\"} 0\n"
        "{level=\"notice\",host=\"\",app=\"\"} 0\n"
        "{level=\"info\",host=\"\",app=\"\"} 0\n"
        "{level=\"info\",host=\"web1\",app=\"api\"} 7\n"
        "{level=\"debug\",host=\"\",app=\"\"} 0\n"
        "{level=\"unknown\",host=\"\",app=\"\"} 0\n");
    /* clang-format on */
    assert_render_uncached(&fx, res.body.p);
    free_res(&res);

    /* A reload that drops the app label: same series, new text. */
    fx.config.labels = LT_LABEL_HOST;
    res = get(&fx, "/metrics", NULL);
    ASSERT_LINE(res.body.p, "logtally_events_total{level=\"info\",host=\"web1\"} 7");
    ck_assert_ptr_null(strstr(res.body.p, "app=\""));
    assert_render_uncached(&fx, res.body.p);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* A table without the pre-created series still shows all nine levels. */
START_TEST(test_api_metrics_missing_levels_filled)
{
    fixture_t fx;
    memset(&fx, 0, sizeof(fx));
    lt_config_defaults(&fx.config);
    fx.config.labels = LT_LABEL_APP;
    ck_assert_int_eq(lt_table_init(&fx.table, 10), 0);
    lt_stats_init(&fx.stats);
    fx.api.config = &fx.config;
    fx.api.version = "0.1.0";
    fx.api.tally = (lt_tally_t){&fx.table, NULL, &fx.stats, fx.config.labels};
    table_add(&fx, LT_LEVEL_INFO, NULL, "cron", LT_LABEL_UNSET, LT_LABEL_UNSET, 9);

    lt_http_response_t res = get(&fx, "/metrics", NULL);
    assert_events_block(res.body.p, "logtally_events_total{level=\"emerg\",app=\"\"} 0\n"
                                    "logtally_events_total{level=\"alert\",app=\"\"} 0\n"
                                    "logtally_events_total{level=\"crit\",app=\"\"} 0\n"
                                    "logtally_events_total{level=\"err\",app=\"\"} 0\n"
                                    "logtally_events_total{level=\"warning\",app=\"\"} 0\n"
                                    "logtally_events_total{level=\"notice\",app=\"\"} 0\n"
                                    "logtally_events_total{level=\"info\",app=\"cron\"} 9\n"
                                    "logtally_events_total{level=\"debug\",app=\"\"} 0\n"
                                    "logtally_events_total{level=\"unknown\",app=\"\"} 0\n");
    free_res(&res);
    lt_api_free_caches(&fx.api);
    lt_table_free(&fx.table);
}
END_TEST

START_TEST(test_api_metrics_overflow)
{
    fixture_t fx;
    /* Nine pre-created series plus two labelled ones fill max_series = 11. */
    fx_init(&fx, LT_LABEL_HOST | LT_LABEL_TRANSPORT, 11, 0);
    table_add(&fx, LT_LEVEL_ERR, "a", NULL, LT_LABEL_UNSET, LT_TRANSPORT_TCP, 1);
    table_add(&fx, LT_LEVEL_ERR, "b", NULL, LT_LABEL_UNSET, LT_TRANSPORT_TCP, 1);
    table_add(&fx, LT_LEVEL_ERR, "c", NULL, LT_LABEL_UNSET, LT_TRANSPORT_TCP, 1);
    table_add(&fx, LT_LEVEL_WARNING, "d", NULL, LT_LABEL_UNSET, LT_TRANSPORT_UDP, 2);

    lt_http_response_t res = get(&fx, "/metrics", NULL);
    const char *body = res.body.p;
    ASSERT_LINE(
        body,
        "logtally_events_total{level=\"err\",host=\"__overflow__\",transport=\"__overflow__\"} 1");
    ASSERT_LINES(body, "logtally_events_total{level=\"err\",host=\"a\",transport=\"tcp\"} 1",
                 "logtally_events_total{level=\"err\",host=\"b\",transport=\"tcp\"} 1");
    ASSERT_LINE(body, "logtally_events_total{level=\"warning\",host=\"__overflow__\",transport=\"__"
                      "overflow__\"} 2");
    ASSERT_LINES(body, "logtally_events_total{level=\"warning\",host=\"\",transport=\"\"} 0",
                 "logtally_series 11", "logtally_series_limit 11",
                 "logtally_series_overflow_total 3");
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* promtool is the referee for the exposition format. */
START_TEST(test_api_metrics_promtool)
{
    const char *promtool = getenv("PROMTOOL");
    if (promtool == NULL || promtool[0] == '\0')
        promtool = "promtool";
    char probe[512];
    snprintf(probe, sizeof(probe), "command -v '%s' >/dev/null 2>&1", promtool);
    if (system(probe) != 0) {
        fprintf(stderr, "test_api_metrics_promtool: skipped, %s not on PATH\n", promtool);
        return;
    }

    fixture_t fx;
    fx_init(&fx, LT_LABEL_HOST | LT_LABEL_APP | LT_LABEL_FACILITY | LT_LABEL_TRANSPORT, 12, 4);
    table_add(&fx, LT_LEVEL_ERR, "we\"b\\1\n", "api", 1, LT_TRANSPORT_TCP, 3);
    table_add(&fx, LT_LEVEL_ERR, "", "", LT_FACILITY_NONE, LT_TRANSPORT_HTTP, 2);
    table_add(&fx, LT_LEVEL_ERR, "web3", "x", 1, LT_TRANSPORT_TCP, 1);  /* overflow */
    table_add(&fx, LT_LEVEL_INFO, "web4", "y", 2, LT_TRANSPORT_UDP, 1); /* overflow */
    table_add(&fx, LT_LEVEL_ERR, NULL, NULL, LT_FACILITY_NONE, LT_LABEL_UNSET, 6);
    lt_counter_add(&fx.stats.rejected[LT_TRANSPORT_UDP][LT_REJECT_BINARY], 1);
    fx.api.version = "0.1.0-\"dev\"";

    lt_strbuf_t out = LT_STRBUF_INIT;
    lt_api_render_metrics(&fx.api, &out);
    char path[] = "/tmp/check_api_metrics_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, out.p, out.len), (ssize_t)out.len);
    close(fd);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "'%s' check metrics < '%s'", promtool, path);
    int status = system(cmd);
    unlink(path);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "promtool check metrics failed (status %d) on:\n%.2500s", status, out.p);
    lt_strbuf_free(&out);
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_metrics_openmetrics)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_http_request_t req = request(HTTP_GET, "/metrics", NULL, NULL);
    req.accept = sl("application/openmetrics-text; version=1.0.0,text/plain;q=0.5");
    lt_http_response_t res = handle(&fx, &req);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type,
                     "application/openmetrics-text; version=1.0.0; charset=utf-8");
    ASSERT_LINES(res.body.p, "# TYPE logtally_events counter",
                 "logtally_events_total{level=\"err\"} 0", "# TYPE logtally_series gauge");
    size_t n = strlen(res.body.p);
    ck_assert_msg(n > 6 && strcmp(res.body.p + n - 6, "# EOF\n") == 0,
                  "no # EOF at the end:\n%.2500s", res.body.p);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* ---- /api/v1/stats ----------------------------------------------------------------------- */

START_TEST(test_api_stats_counts)
{
    fixture_t fx;
    lt_rates_t *rates;
    fx_init(&fx, 0, 100, 4);
    ck_assert_int_eq(lt_rates_new(&rates, 900), 0);
    fx.api.rates = rates;

    tally(&fx, "<11>1 2026-11-25T03:14:45Z web1 app1 - - - e1", LT_TRANSPORT_TCP);
    tally(&fx, "<11>1 2026-11-25T03:14:45Z web1 app1 - - - e2", LT_TRANSPORT_TCP);
    tally(&fx, "<14>1 2026-11-25T03:14:45Z web1 app1 - - - i1", LT_TRANSPORT_UDP);
    lt_counter_add(&fx.stats.received_bytes[LT_TRANSPORT_TCP], 100);
    lt_counter_add(&fx.stats.received_bytes[LT_TRANSPORT_HTTP], 7);
    lt_counter_add(&fx.stats.rejected[LT_TRANSPORT_UDP][LT_REJECT_BAD_PRI], 2);
    lt_counter_add(&fx.stats.rejected[LT_TRANSPORT_HTTP][LT_REJECT_BAD_JSON], 1);
    lt_gauge_add(&fx.stats.connections[LT_TRANSPORT_HTTP], 1);
    lt_counter_add(&fx.stats.connections_accepted[LT_TRANSPORT_TCP], 9);
    lt_counter_add(&fx.stats.connections_refused[LT_TRANSPORT_TCP], 2);
    lt_counter_add(&fx.stats.idle_closed[LT_TRANSPORT_HTTP], 3);

    uint64_t totals[LT_LEVEL_COUNT] = {0};
    lt_rates_tick(rates, 1000, totals);
    totals[LT_LEVEL_ERR] = 240;
    lt_rates_tick(rates, 1240, totals);
    totals[LT_LEVEL_ERR] = 360;
    lt_rates_tick(rates, 1300, totals);

    lt_http_response_t res = get(&fx, "/api/v1/stats", NULL);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, CT_JSON);
    cJSON *root = parse_json(&res);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(root, "version")->valuestring, "0.1.0");
    ASSERT_JSON_NUM(root, "start_time", 1764040485.123);
    ck_assert_msg(json_at(root, "uptime_s") >= 0, "uptime_s negative: %.2500s", res.body.p);
    ASSERT_JSON_NUM(root, "events_total", 3);
    static const char *const levels[] = {"emerg",  "alert", "crit",  "err",    "warning",
                                         "notice", "info",  "debug", "unknown"};
    const int want_levels[] = {0, 0, 0, 2, 0, 0, 1, 0, 0};
    cJSON *lv = cJSON_GetObjectItemCaseSensitive(root, "levels");
    int i = 0;
    for (cJSON *it = lv->child; it != NULL; it = it->next, i++) {
        ck_assert_int_lt(i, 9);
        ck_assert_str_eq(it->string, levels[i]); /* in level order */
        ck_assert_msg(it->valuedouble == want_levels[i], "levels.%s = %g", levels[i],
                      it->valuedouble);
    }
    ck_assert_int_eq(i, 9);
    ASSERT_JSON_NUM(root, "rates.1m.err", 2.0);
    ASSERT_JSON_NUM(root, "rates.5m.err", 1.2);
    ASSERT_JSON_NUM(root, "rates.15m.err", 1.2);
    ASSERT_JSON_NUM(root, "rates.15m.info", 0);
    ASSERT_JSON_NUM(root, "received_bytes.tcp", 100);
    ASSERT_JSON_NUM(root, "received_bytes.udp", 0);
    ASSERT_JSON_NUM(root, "received_bytes.http", 7);
    ASSERT_JSON_NUM(root, "rejected_total", 3);
    ASSERT_JSON_NUM(root, "rejected.udp.bad_pri", 2);
    ASSERT_JSON_NUM(root, "rejected.http.bad_json", 1);
    ASSERT_JSON_NUM(root, "rejected.tcp.oversize", 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetObjectItemCaseSensitive(root, "rejected"), "tcp")),
                     LT_REJECT_COUNT);
    ASSERT_JSON_NUM(root, "connections.tcp.open", 0);
    ASSERT_JSON_NUM(root, "connections.tcp.accepted", 9);
    ASSERT_JSON_NUM(root, "connections.tcp.refused", 2);
    ASSERT_JSON_NUM(root, "connections.http.open", 1);
    ASSERT_JSON_NUM(root, "connections.http.idle_closed", 3);
    ASSERT_JSON_NUM(root, "udp.dropped", 0);
    ASSERT_JSON_NUM(root, "udp.receive_buffer_bytes", 0);
    ASSERT_JSON_NUM(root, "series.count", 9);
    ASSERT_JSON_NUM(root, "series.limit", 100);
    ASSERT_JSON_NUM(root, "series.overflow_events", 0);
    ASSERT_JSON_NUM(root, "ring.slots", 4);
    ASSERT_JSON_NUM(root, "ring.events", 3);
    ASSERT_JSON_NUM(root, "ring.overwritten", 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetObjectItemCaseSensitive(root, "ring"), "min_level")
                         ->valuestring,
                     "debug");
    cJSON *labels = cJSON_GetObjectItemCaseSensitive(root, "labels");
    ck_assert_int_eq(cJSON_GetArraySize(labels), 1);
    ck_assert_str_eq(cJSON_GetArrayItem(labels, 0)->valuestring, "level");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "by")), 0);
    cJSON_Delete(root);
    free_res(&res);
    lt_rates_free(rates);
    fx_free(&fx);
}
END_TEST

/* Counts above 2^31 (where cJSON switches to %g) print as plain integers. */
START_TEST(test_api_stats_large_integers)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_counter_add(&fx.stats.received_bytes[LT_TRANSPORT_TCP], 12345678901234567ull);
    table_add(&fx, LT_LEVEL_INFO, NULL, NULL, LT_LABEL_UNSET, LT_LABEL_UNSET, 1000000000000000ull);
    lt_http_response_t res = get(&fx, "/api/v1/stats", NULL);
    ck_assert_msg(strstr(res.body.p, "\"received_bytes\":{\"tcp\":12345678901234567,") != NULL,
                  "bytes: %.2500s", res.body.p);
    ck_assert_msg(strstr(res.body.p, "\"events_total\":1000000000000000,") != NULL,
                  "events: %.2500s", res.body.p);
    ck_assert_msg(strstr(res.body.p, "\"start_time\":1764040485.123,") != NULL, "start: %.2500s",
                  res.body.p);
    ck_assert_msg(strstr(res.body.p, "e+") == NULL, "exponent form: %.2500s", res.body.p);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_stats_by_label)
{
    fixture_t fx;
    /* Nine pre-created series and four labelled ones fill max_series = 13. */
    fx_init(&fx, LT_LABEL_HOST | LT_LABEL_APP | LT_LABEL_TRANSPORT, 13, 0);
    table_add(&fx, LT_LEVEL_ERR, "web1", "api", LT_LABEL_UNSET, LT_TRANSPORT_TCP, 2);
    table_add(&fx, LT_LEVEL_ERR, "web1", "db", LT_LABEL_UNSET, LT_TRANSPORT_UDP, 1);
    table_add(&fx, LT_LEVEL_INFO, "web1", "api", LT_LABEL_UNSET, LT_TRANSPORT_TCP, 0);
    table_add(&fx, LT_LEVEL_WARNING, "web2", "api", LT_LABEL_UNSET, LT_TRANSPORT_TCP, 4);
    table_add(&fx, LT_LEVEL_CRIT, "web3", "x", LT_LABEL_UNSET, LT_TRANSPORT_HTTP, 5); /* overflow */

    lt_http_response_t res = get(&fx, "/api/v1/stats", NULL);
    cJSON *root = parse_json(&res);
    cJSON *labels = cJSON_GetObjectItemCaseSensitive(root, "labels");
    ck_assert_int_eq(cJSON_GetArraySize(labels), 4);
    ck_assert_str_eq(cJSON_GetArrayItem(labels, 1)->valuestring, "host");
    ck_assert_str_eq(cJSON_GetArrayItem(labels, 2)->valuestring, "app");
    ck_assert_str_eq(cJSON_GetArrayItem(labels, 3)->valuestring, "transport");
    ASSERT_JSON_NUM(root, "by.host.web1.err", 3);
    ASSERT_JSON_NUM(root, "by.host.web2.warning", 4);
    ASSERT_JSON_NUM(root, "by.host.__overflow__.crit", 5);
    ASSERT_JSON_NUM(root, "by.app.api.err", 2);
    ASSERT_JSON_NUM(root, "by.app.api.warning", 4);
    ASSERT_JSON_NUM(root, "by.app.db.err", 1);
    ASSERT_JSON_NUM(root, "by.transport.tcp.err", 2);
    ASSERT_JSON_NUM(root, "by.transport.udp.err", 1);
    ASSERT_JSON_NUM(root, "series.overflow_events", 5);
    cJSON *by = cJSON_GetObjectItemCaseSensitive(root, "by");
    ck_assert_int_eq(cJSON_GetArraySize(by), 3);
    /* Only nonzero levels; values with no events at all are left out. */
    cJSON *web1 =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(by, "host"), "web1");
    ck_assert_int_eq(cJSON_GetArraySize(web1), 1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(by, "host")), 3);
    ck_assert_ptr_null(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(by, "host"), ""));
    cJSON_Delete(root);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* "by" over many values (the value table grows several times), added in no order: each
 * value's per-level sums equal a direct count, keys come in bytewise order ("web" before
 * "web0" before "web1"), and levels in level order. */
START_TEST(test_api_stats_by_label_many_values)
{
    enum { HOSTS = 41 };
    static const lt_level_t levels[] = {LT_LEVEL_CRIT, LT_LEVEL_ERR, LT_LEVEL_INFO};
    uint64_t want[HOSTS][LT_LEVEL_COUNT] = {{0}};
    char names[HOSTS][8];
    fixture_t fx;
    fx_init(&fx, LT_LABEL_HOST | LT_LABEL_APP, 4 * HOSTS * 3 + 9, 0);
    for (int h = 0; h < HOSTS; h++)
        snprintf(names[h], sizeof(names[h]), h == 0 ? "web" : "web%d", h - 1);
    for (int k = 0; k < HOSTS * 3 * 2; k++) {
        int h = (k * 17) % HOSTS; /* visits the hosts out of order */
        lt_level_t level = levels[k % 3];
        uint64_t n = (uint64_t)(k % 5 == 0 ? 0 : k + 1);
        table_add(&fx, level, names[h], k % 2 ? "api" : "db", LT_LABEL_UNSET, LT_TRANSPORT_TCP,
                  n);
        want[h][level] += n;
    }
    lt_http_response_t res = get(&fx, "/api/v1/stats", NULL);
    cJSON *root = parse_json(&res);
    cJSON *host = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "by"),
                                                   "host");
    const char *prev = NULL;
    int seen = 0;
    for (cJSON *v = host->child; v != NULL; v = v->next, seen++) {
        if (prev != NULL)
            ck_assert_msg(strcmp(prev, v->string) < 0, "\"%s\" after \"%s\"", v->string, prev);
        prev = v->string;
        int h = 0;
        while (h < HOSTS && strcmp(names[h], v->string) != 0)
            h++;
        ck_assert_msg(h < HOSTS, "unknown host %s", v->string);
        int last_level = -1, nlevels = 0;
        for (cJSON *l = v->child; l != NULL; l = l->next, nlevels++) {
            int level = lt_level_parse(l->string, strlen(l->string));
            ck_assert_int_ge(level, 0);
            ck_assert_int_gt((int)level, last_level);
            last_level = (int)level;
            ck_assert_msg((uint64_t)l->valuedouble == want[h][level], "%s %s: %g, want %llu",
                          v->string, l->string, l->valuedouble,
                          (unsigned long long)want[h][level]);
        }
        int want_levels = 0;
        for (int l = 0; l < LT_LEVEL_COUNT; l++)
            want_levels += want[h][l] > 0;
        ck_assert_int_eq(nlevels, want_levels);
    }
    ck_assert_int_eq(seen, HOSTS);
    ck_assert_str_eq(host->child->string, "web");
    ck_assert_str_eq(host->child->next->string, "web0");
    cJSON_Delete(root);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* ---- /api/v1/events ---------------------------------------------------------------------- */

START_TEST(test_api_events_fields_and_order)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 16);
    ring_push(&fx, LT_LEVEL_ERR, "web1", "api", "first \"quoted\"", 1764040485123, 1764040400000);
    ring_push(&fx, LT_LEVEL_WARNING, "web2", "db", "second", 1764040486000, LT_TIME_NONE);

    lt_http_response_t res = get(&fx, "/api/v1/events", NULL);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, CT_JSON);
    ck_assert_str_eq(
        res.body.p, "{\"events\":["
                    "{\"seq\":2,\"received\":\"2025-11-25T03:14:46.000Z\",\"time\":null,"
                    "\"level\":\"warning\",\"facility\":\"user\",\"host\":\"web2\",\"app\":\"db\","
                    "\"transport\":\"tcp\",\"peer\":\"127.0.0.1:40000\",\"message\":\"second\","
                    "\"truncated\":false},"
                    "{\"seq\":1,\"received\":\"2025-11-25T03:14:45.123Z\","
                    "\"time\":\"2025-11-25T03:13:20.000Z\",\"level\":\"err\",\"facility\":\"user\","
                    "\"host\":\"web1\",\"app\":\"api\",\"transport\":\"tcp\","
                    "\"peer\":\"127.0.0.1:40000\",\"message\":\"first \\\"quoted\\\"\","
                    "\"truncated\":false}],\"count\":2}");
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* The seqs of an events response, newest first, as "5,3,1". */
static void event_seqs(fixture_t *fx, const char *query, char *out, size_t cap)
{
    lt_http_response_t res = get(fx, "/api/v1/events", query);
    ck_assert_msg(res.status == 200, "query %s: status %d %.2500s", query, res.status, res.body.p);
    cJSON *root = parse_json(&res);
    cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "events");
    size_t n = 0;
    out[0] = '\0';
    for (cJSON *e = events->child; e != NULL; e = e->next) {
        n += (size_t)snprintf(out + n, cap - n, "%s%d", n ? "," : "",
                              (int)cJSON_GetObjectItemCaseSensitive(e, "seq")->valuedouble);
    }
    ck_assert_int_eq((int)json_at(root, "count"), cJSON_GetArraySize(events));
    cJSON_Delete(root);
    free_res(&res);
}

#define ASSERT_SEQS(fx, query, want)                                                               \
    do {                                                                                           \
        char got_[256];                                                                            \
        event_seqs((fx), (query), got_, sizeof(got_));                                             \
        ck_assert_msg(strcmp(got_, (want)) == 0, "query '%s': seqs '%s', wanted '%s'", (query),    \
                      got_, (want));                                                               \
    } while (0)

START_TEST(test_api_events_filters)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 16);
    ring_push(&fx, LT_LEVEL_ERR, "web 1", "a/b", "m1", 1000000, LT_TIME_NONE);    /* seq 1 */
    ring_push(&fx, LT_LEVEL_WARNING, "web2", "api", "m2", 1000500, LT_TIME_NONE); /* seq 2 */
    ring_push(&fx, LT_LEVEL_CRIT, "web2", "api", "m3", 1001000, LT_TIME_NONE);    /* seq 3 */
    ring_push(&fx, LT_LEVEL_DEBUG, "web 1", "api", "m4", 1001500, LT_TIME_NONE);  /* seq 4 */

    ASSERT_SEQS(&fx, "", "4,3,2,1");
    ASSERT_SEQS(&fx, "min_level=err", "3,1");
    ASSERT_SEQS(&fx, "min_level=warning&foo=bar", "3,2,1");
    ASSERT_SEQS(&fx, "level=warning", "2");
    ASSERT_SEQS(&fx, "app=api", "4,3,2");
    ASSERT_SEQS(&fx, "app=a%2Fb", "1");
    ASSERT_SEQS(&fx, "host=web%201", "4,1");
    ASSERT_SEQS(&fx, "host=web+1&app=api", "4");
    ASSERT_SEQS(&fx, "host=web3", "");
    ASSERT_SEQS(&fx, "since=1000.5", "4,3,2");
    ASSERT_SEQS(&fx, "since=1000.4999", "4,3,2");
    ASSERT_SEQS(&fx, "since=1000.501", "4,3");
    ASSERT_SEQS(&fx, "since=1001", "4,3");
    ASSERT_SEQS(&fx, "after=2", "4,3");
    ASSERT_SEQS(&fx, "after=4", "");
    ASSERT_SEQS(&fx, "limit=2", "4,3");
    ASSERT_SEQS(&fx, "limit=1&min_level=err", "3");
    ASSERT_SEQS(&fx, "limit=1000", "4,3,2,1");
    ASSERT_SEQS(&fx, "limit=99999999999999999999999", "4,3,2,1");
    ASSERT_SEQS(&fx, "&&min_level=crit&", "3");
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_events_limit_clamped_to_ring)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 3);
    for (int i = 0; i < 5; i++)
        ring_push(&fx, LT_LEVEL_ERR, "h", "a", "m", 1000 + i, LT_TIME_NONE);
    ASSERT_SEQS(&fx, "limit=100", "5,4,3");
    ASSERT_SEQS(&fx, "", "5,4,3");
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_events_bad_params)
{
    static const struct {
        const char *query;
        const char *param;
    } cases[] = {
        {"min_level=error", "min_level"},
        {"min_level=", "min_level"},
        {"level=ERR", "level"},
        {"limit=0", "limit"},
        {"limit=-1", "limit"},
        {"limit=ten", "limit"},
        {"limit=", "limit"},
        {"limit", "limit"},
        {"since=yesterday", "since"},
        {"since=", "since"},
        {"since=nan", "since"},
        {"since=12abc", "since"},
        {"after=x", "after"},
        {"after=-3", "after"},
    };
    fixture_t fx;
    fx_init(&fx, 0, 100, 4);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lt_http_response_t res = get(&fx, "/api/v1/events", cases[i].query);
        ck_assert_msg(res.status == 400, "query %s: status %d", cases[i].query, res.status);
        ck_assert_str_eq(res.content_type, CT_JSON);
        cJSON *root;
        const char *err = json_error_text(&res, &root);
        ck_assert_msg(strstr(err, cases[i].param) != NULL, "query %s: error '%s' names no %s",
                      cases[i].query, err, cases[i].param);
        cJSON_Delete(root);
        free_res(&res);
    }
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_events_no_ring)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_http_response_t res = get(&fx, "/api/v1/events", "min_level=err&limit=5");
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.body.p, "{\"events\":[],\"count\":0}");
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* ---- POST /api/v1/ingest ----------------------------------------------------------------- */

static uint64_t level_total(fixture_t *fx, lt_level_t level)
{
    uint64_t totals[LT_LEVEL_COUNT];
    lt_table_level_totals(&fx->table, totals);
    return totals[level];
}

static uint64_t http_rejected(fixture_t *fx, lt_reject_t reason)
{
    return lt_counter_get(&fx->stats.rejected[LT_TRANSPORT_HTTP][reason]);
}

START_TEST(test_api_ingest_object)
{
    fixture_t fx;
    const char *body = " {\"level\":\"error\",\"msg\":\"db down\",\"host\":\"web1\"}\n";
    fx_init(&fx, LT_LABEL_HOST | LT_LABEL_TRANSPORT, 100, 8);
    lt_http_response_t res = post(&fx, "/api/v1/ingest", body);
    ck_assert_msg(res.status == 204, "status %d: %.2500s", res.status, res.body.p);
    ck_assert_uint_eq(res.body.len, 0);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_ERR), 1);
    ck_assert_uint_eq(lt_counter_get(&fx.stats.received_bytes[LT_TRANSPORT_HTTP]), strlen(body));
    free_res(&res);

    res = get(&fx, "/metrics", NULL);
    ASSERT_LINE(res.body.p,
                "logtally_events_total{level=\"err\",host=\"web1\",transport=\"http\"} 1");
    free_res(&res);
    res = get(&fx, "/api/v1/events", NULL);
    ck_assert_msg(strstr(res.body.p, "\"transport\":\"http\",\"peer\":\"127.0.0.1:40000\","
                                     "\"message\":\"db down\"") != NULL,
                  "events: %.2500s", res.body.p);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* fluent-bit format json / Logstash json_batch / Vector: an array of records. */
START_TEST(test_api_ingest_array)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_http_response_t res = post(
        &fx, "/api/v1/ingest",
        "[{\"date\":1764040485.409917,\"level\":\"info\",\"log\":\"started\",\"host\":\"h1\"},\n"
        " {\"date\":1764040485.5,\"level\":\"warn\",\"log\":\"slow\"} ,"
        "{\"date\":1764040486,\"level\":\"ERROR\",\"log\":\"[x]\"}]  \r\n");
    ck_assert_msg(res.status == 204, "status %d: %.2500s", res.status, res.body.p);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_INFO), 1);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_WARNING), 1);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_ERR), 1);
    free_res(&res);

    res = post(&fx, "/api/v1/ingest", "[ ]");
    ck_assert_int_eq(res.status, 204);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_INFO), 1);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* fluent-bit json_lines / Vector ndjson: one object per line, CRLF and blank lines allowed. */
START_TEST(test_api_ingest_ndjson)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_http_response_t res = post(&fx, "/api/v1/ingest",
                                  "{\"level\":\"info\",\"msg\":\"a\"}\r\n"
                                  "\n"
                                  "{\"severity\":\"ERROR\",\"message\":\"b\"}\n"
                                  "  {\"level\":50,\"msg\":\"c\"}");
    ck_assert_msg(res.status == 204, "status %d: %.2500s", res.status, res.body.p);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_INFO), 1);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_ERR), 2);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_ingest_ndjson_bad_line)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    /* Line 2 starts at byte 27; line 4 (an array, not an object) is rejected too. */
    const char *body = "{\"level\":\"info\",\"msg\":\"a\"}\n"
                       "not json at all\n"
                       "{\"level\":\"err\",\"msg\":\"b\"}\n"
                       "[1,2]\n";
    lt_http_response_t res = post(&fx, "/api/v1/ingest", body);
    ck_assert_int_eq(res.status, 400);
    ck_assert_str_eq(res.content_type, CT_JSON);
    ck_assert_str_eq(res.body.p, "{\"error\":\"expected a JSON object at byte 27 (line 2)\","
                                 "\"accepted\":2,\"rejected\":2}");
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_INFO), 1);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_ERR), 1);
    ck_assert_uint_eq(http_rejected(&fx, LT_REJECT_BAD_JSON), 2);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* An invalid array counts nothing but one bad_json, so a retry cannot count a record twice. */
START_TEST(test_api_ingest_bad_json)
{
    static const struct {
        const char *body;
        const char *error;
    } cases[] = {
        {"[{\"level\":\"err\"},{\"level\":\"info\"} x]", "invalid JSON at byte 34"},
        {"[{\"level\":\"err\"},]", "invalid JSON at byte 17"},
        {"[{\"level\":\"err\"}] ]", "invalid JSON at byte 18"},
        {"[{\"level\":\"err\"},42]", "expected a JSON object at byte 17"},
        {"[{\"level\":\"err\"},[{}]]", "expected a JSON object at byte 17"},
        {"{\"level\":\"err\"} {\"level\":\"err\"}", "invalid JSON at byte 16"},
        {"hello", "invalid JSON at byte 0"},
        {"\"just a string\"", "expected a JSON object at byte 0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture_t fx;
        fx_init(&fx, 0, 100, 0);
        lt_http_response_t res = post(&fx, "/api/v1/ingest", cases[i].body);
        ck_assert_msg(res.status == 400, "body %s: status %d", cases[i].body, res.status);
        cJSON *root;
        const char *err = json_error_text(&res, &root);
        ck_assert_msg(strcmp(err, cases[i].error) == 0, "body %s: error '%s', wanted '%s'",
                      cases[i].body, err, cases[i].error);
        ASSERT_JSON_NUM(root, "accepted", 0);
        ASSERT_JSON_NUM(root, "rejected", 1);
        ck_assert_msg(level_total(&fx, LT_LEVEL_ERR) == 0, "body %s counted", cases[i].body);
        ck_assert_msg(http_rejected(&fx, LT_REJECT_BAD_JSON) == 1, "body %s: bad_json %d",
                      cases[i].body, (int)http_rejected(&fx, LT_REJECT_BAD_JSON));
        ck_assert_uint_eq(lt_counter_get(&fx.stats.received_bytes[LT_TRANSPORT_HTTP]),
                          strlen(cases[i].body));
        cJSON_Delete(root);
        free_res(&res);
        fx_free(&fx);
    }
}
END_TEST

START_TEST(test_api_ingest_bad_json_inside_record)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    const char *body = "[{\"level\":\"err\"},{\"level\":tru}]";
    size_t end;
    /* The position is where lt_json_value_end stops; the response names it in the body. */
    ck_assert_int_eq(lt_json_value_end(body + 17, strlen(body) - 17, &end), -1);
    char want[64];
    snprintf(want, sizeof(want), "invalid JSON at byte %zu", 17 + end);
    lt_http_response_t res = post(&fx, "/api/v1/ingest", body);
    ck_assert_int_eq(res.status, 400);
    cJSON *root;
    ck_assert_str_eq(json_error_text(&res, &root), want);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_ERR), 0);
    ck_assert_uint_eq(http_rejected(&fx, LT_REJECT_BAD_JSON), 1);
    cJSON_Delete(root);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_ingest_oversize_record)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    fx.config.max_message_bytes = 40;
    lt_http_response_t res =
        post(&fx, "/api/v1/ingest",
             "[{\"level\":\"err\"},{\"level\":\"err\",\"msg\":\"this one is too long\"}]");
    ck_assert_int_eq(res.status, 400);
    cJSON *root;
    ck_assert_str_eq(json_error_text(&res, &root),
                     "record at byte 17 is longer than max_message_bytes (40)");
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_ERR), 0);
    ck_assert_uint_eq(http_rejected(&fx, LT_REJECT_OVERSIZE), 1);
    cJSON_Delete(root);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_ingest_empty_body)
{
    static const char *const bodies[] = {"", " \r\n\t"};
    for (size_t i = 0; i < 2; i++) {
        fixture_t fx;
        fx_init(&fx, 0, 100, 0);
        lt_http_response_t res = post(&fx, "/api/v1/ingest", bodies[i]);
        ck_assert_msg(res.status == 400, "body '%s': status %d", bodies[i], res.status);
        ck_assert_str_eq(res.body.p, "{\"error\":\"empty body\"}");
        free_res(&res);
        fx_free(&fx);
    }
}
END_TEST

START_TEST(test_api_ingest_disabled)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    fx.config.is_http_ingest_enabled = false;
    lt_http_response_t res = post(&fx, "/api/v1/ingest", "{\"level\":\"err\"}");
    ck_assert_int_eq(res.status, 403);
    ck_assert_str_eq(res.content_type, CT_JSON);
    ck_assert_uint_eq(level_total(&fx, LT_LEVEL_ERR), 0);
    ck_assert_uint_eq(lt_counter_get(&fx.stats.received_bytes[LT_TRANSPORT_HTTP]), 0);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* ---- routing ----------------------------------------------------------------------------- */

START_TEST(test_api_routing)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_http_response_t res;

    res = get(&fx, "/healthz", "verbose=1");
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, "text/plain; charset=utf-8");
    ck_assert_str_eq(res.body.p, "ok\n");
    free_res(&res);

    res = get(&fx, "/nope", NULL);
    ck_assert_int_eq(res.status, 404);
    ck_assert_str_eq(res.body.p, "not found\n");
    free_res(&res);
    res = get(&fx, "/metrics/", NULL);
    ck_assert_int_eq(res.status, 404);
    free_res(&res);

    lt_http_request_t req = request(HTTP_HEAD, "/metrics", NULL, NULL);
    res = handle(&fx, &req);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, CT_PROM);
    ck_assert_msg(res.body.len > 0, "HEAD renders the body so the server can measure it");
    free_res(&res);

    req = request(HTTP_HEAD, "/api/v1/stats", NULL, NULL);
    res = handle(&fx, &req);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, CT_JSON);
    free_res(&res);

    res = get(&fx, "/metrics", "x=1");
    ck_assert_int_eq(res.status, 200);
    ck_assert_ptr_null(res.allow);
    free_res(&res);

    res = post(&fx, "/metrics", "");
    ck_assert_int_eq(res.status, 405);
    ck_assert_str_eq(res.allow, "GET, HEAD");
    free_res(&res);

    req = request(HTTP_DELETE, "/api/v1/events", NULL, NULL);
    res = handle(&fx, &req);
    ck_assert_int_eq(res.status, 405);
    ck_assert_str_eq(res.allow, "GET, HEAD");
    free_res(&res);

    res = get(&fx, "/api/v1/ingest", NULL);
    ck_assert_int_eq(res.status, 405);
    ck_assert_str_eq(res.allow, "POST");
    free_res(&res);

    req = request(HTTP_HEAD, "/api/v1/ingest", NULL, NULL);
    res = handle(&fx, &req);
    ck_assert_int_eq(res.status, 405);
    ck_assert_str_eq(res.allow, "POST");
    free_res(&res);
    fx_free(&fx);
}
END_TEST

/* ---- GET / and /api/v1/history ----------------------------------------------------------- */

START_TEST(test_api_page_status_type_and_escaping)
{
    fixture_t fx;
    fx_init(&fx, LT_LABEL_HOST | LT_LABEL_APP, 100, 16);
    table_add(&fx, LT_LEVEL_ERR, "<script>h</script>", "<script>a</script>", LT_LABEL_UNSET,
              LT_TRANSPORT_TCP, 3);
    ring_push(&fx, LT_LEVEL_ERR, "<script>h</script>", "<script>a</script>",
              "<script>alert(1)</script>", 1764040485123, LT_TIME_NONE);
    ring_push(&fx, LT_LEVEL_INFO, "web1", "api", "not severe", 1764040485124, LT_TIME_NONE);

    lt_http_response_t res = get(&fx, "/", NULL);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, "text/html; charset=utf-8");
    ck_assert_ptr_nonnull(res.extra_headers);
    ck_assert_msg(strstr(res.extra_headers,
                         "Content-Security-Policy: default-src 'self'; script-src 'self' "
                         "'unsafe-inline'; style-src 'self' 'unsafe-inline'\r\n") != NULL,
                  "headers: %s", res.extra_headers);
    const char *page = res.body.p;
    ck_assert_msg(strncmp(page, "<!DOCTYPE html>", 15) == 0, "page: %.200s", page);
    ck_assert_msg(strstr(page, "<script>alert") == NULL && strstr(page, "<script>h") == NULL &&
                      strstr(page, "<script>a") == NULL,
                  "raw markup from a log in:\n%s", page);
    ck_assert_msg(strstr(page, "<td class=\"msg\">&lt;script&gt;alert(1)&lt;/script&gt;</td>"),
                  "escaped message missing");
    ck_assert_msg(strstr(page, "<td class=\"name\">&lt;script&gt;h&lt;/script&gt;</td>"),
                  "escaped top host missing");
    ck_assert_msg(strstr(page, "<td class=\"name\">&lt;script&gt;a&lt;/script&gt;</td>"),
                  "escaped top app missing");
    ck_assert_msg(strstr(page, "not severe") == NULL, "the page lists err and worse by default");
    free_res(&res);

    res = get(&fx, "/", "min_level=info&app=api");
    ck_assert_int_eq(res.status, 200);
    ck_assert_msg(strstr(res.body.p, "not severe") != NULL, "filters apply to the snapshot");
    ck_assert_msg(strstr(res.body.p, "alert(1)") == NULL, "app filter applies to the snapshot");
    free_res(&res);

    res = get(&fx, "/", "min_level=bogus");
    ck_assert_int_eq(res.status, 400);
    ck_assert_str_eq(res.content_type, CT_JSON);
    ck_assert_ptr_null(res.extra_headers);
    free_res(&res);

    lt_http_request_t req = request(HTTP_HEAD, "/", NULL, NULL);
    res = handle(&fx, &req);
    ck_assert_int_eq(res.status, 200);
    ck_assert_msg(res.body.len > 0, "HEAD renders the body so the server can measure it");
    free_res(&res);

    res = post(&fx, "/", "");
    ck_assert_int_eq(res.status, 405);
    ck_assert_str_eq(res.allow, "GET, HEAD");
    free_res(&res);
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_history_shape)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_rates_t *rates;
    ck_assert_int_eq(lt_rates_new(&rates, 960), 0);
    fx.api.rates = rates;
    uint64_t totals[LT_LEVEL_COUNT] = {0};
    lt_rates_tick(rates, 1764040480, totals);
    totals[LT_LEVEL_ERR] = 3;
    lt_rates_tick(rates, 1764040481, totals);
    totals[LT_LEVEL_INFO] = 5;
    lt_rates_tick(rates, 1764040483, totals); /* 482 is a skipped second: zeros */

    lt_http_response_t res = get(&fx, "/api/v1/history", "window=900");
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, CT_JSON);
    ck_assert_str_eq(res.body.p,
                     "{\"window\":900,\"levels\":[\"emerg\",\"alert\",\"crit\",\"err\",\"warning\","
                     "\"notice\",\"info\",\"debug\",\"unknown\"],\"seconds\":["
                     "{\"t\":1764040481,\"counts\":{\"err\":3}},{\"t\":1764040482,\"counts\":{}},"
                     "{\"t\":1764040483,\"counts\":{\"info\":5}}]}");
    free_res(&res);

    /* The default window is 900; a window of 2 keeps the last two seconds. */
    res = get(&fx, "/api/v1/history", NULL);
    ck_assert_msg(strncmp(res.body.p, "{\"window\":900,", 14) == 0, "%s", res.body.p);
    free_res(&res);
    res = get(&fx, "/api/v1/history", "window=2");
    ck_assert_int_eq(res.status, 200);
    ck_assert_msg(strstr(res.body.p, "\"seconds\":[{\"t\":1764040482,\"counts\":{}},"
                                     "{\"t\":1764040483,\"counts\":{\"info\":5}}]") != NULL,
                  "%s", res.body.p);
    free_res(&res);
    res = get(&fx, "/api/v1/history", "window=960");
    ck_assert_int_eq(res.status, 200);
    free_res(&res);

    static const char *const bad[] = {"window=0", "window=961", "window=abc", "window=-1",
                                      "window=", "window=1e3", "window=99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        res = get(&fx, "/api/v1/history", bad[i]);
        ck_assert_msg(res.status == 400, "%s: status %d", bad[i], res.status);
        cJSON *root;
        const char *err = json_error_text(&res, &root);
        ck_assert_msg(strstr(err, "invalid window") != NULL && strstr(err, "1 to 960") != NULL,
                      "%s: %s", bad[i], err);
        cJSON_Delete(root);
        free_res(&res);
    }
    lt_rates_free(rates);
    fx_free(&fx);
}
END_TEST

START_TEST(test_api_history_without_rates)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_http_response_t res = get(&fx, "/api/v1/history", NULL);
    ck_assert_int_eq(res.status, 200);
    ck_assert_msg(strstr(res.body.p, "\"seconds\":[]") != NULL, "%s", res.body.p);
    free_res(&res);
    res = get(&fx, "/api/v1/history", "window=901");
    ck_assert_int_eq(res.status, 400);
    free_res(&res);
    fx_free(&fx);
}
END_TEST

static const char *not_ready_reason;
static int not_ready_calls;

static const char *fake_not_ready(void *arg)
{
    ck_assert_ptr_eq(arg, &not_ready_calls);
    not_ready_calls++;
    return not_ready_reason;
}

START_TEST(test_api_readyz)
{
    fixture_t fx;
    fx_init(&fx, 0, 100, 0);
    lt_http_response_t res;

    /* No callback: a server that answers is ready. */
    res = get(&fx, "/readyz", NULL);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.body.p, "ready\n");
    free_res(&res);

    fx.api.not_ready = fake_not_ready;
    fx.api.not_ready_arg = &not_ready_calls;
    not_ready_reason = NULL;
    res = get(&fx, "/readyz", NULL);
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.body.p, "ready\n");
    free_res(&res);

    not_ready_reason = "worker loop stalled";
    res = get(&fx, "/readyz", NULL);
    ck_assert_int_eq(res.status, 503);
    ck_assert_str_eq(res.content_type, "text/plain; charset=utf-8");
    ck_assert_str_eq(res.body.p, "not ready: worker loop stalled\n");
    free_res(&res);
    ck_assert_int_eq(not_ready_calls, 2);

    /* /healthz stays 200: the process is up even when it is not ready. */
    res = get(&fx, "/healthz", NULL);
    ck_assert_int_eq(res.status, 200);
    free_res(&res);

    res = post(&fx, "/readyz", "");
    ck_assert_int_eq(res.status, 405);
    ck_assert_str_eq(res.allow, "GET, HEAD");
    free_res(&res);
    fx_free(&fx);
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_api_metrics_levels);
    tcase_add_test(tc, test_api_metrics_rescrape_cached);
    tcase_add_test(tc, test_api_metrics_families);
    tcase_add_test(tc, test_api_metrics_udp_info_absent);
    tcase_add_test(tc, test_api_metrics_label_escaping);
    tcase_add_test(tc, test_api_metrics_labels_sorted_merged);
    tcase_add_test(tc, test_api_metrics_missing_levels_filled);
    tcase_add_test(tc, test_api_metrics_overflow);
    tcase_add_test(tc, test_api_metrics_promtool);
    tcase_add_test(tc, test_api_metrics_openmetrics);
    tcase_add_test(tc, test_api_stats_counts);
    tcase_add_test(tc, test_api_stats_large_integers);
    tcase_add_test(tc, test_api_stats_by_label);
    tcase_add_test(tc, test_api_stats_by_label_many_values);
    tcase_add_test(tc, test_api_events_fields_and_order);
    tcase_add_test(tc, test_api_events_filters);
    tcase_add_test(tc, test_api_events_limit_clamped_to_ring);
    tcase_add_test(tc, test_api_events_bad_params);
    tcase_add_test(tc, test_api_events_no_ring);
    tcase_add_test(tc, test_api_ingest_object);
    tcase_add_test(tc, test_api_ingest_array);
    tcase_add_test(tc, test_api_ingest_ndjson);
    tcase_add_test(tc, test_api_ingest_ndjson_bad_line);
    tcase_add_test(tc, test_api_ingest_bad_json);
    tcase_add_test(tc, test_api_ingest_bad_json_inside_record);
    tcase_add_test(tc, test_api_ingest_oversize_record);
    tcase_add_test(tc, test_api_ingest_empty_body);
    tcase_add_test(tc, test_api_ingest_disabled);
    tcase_add_test(tc, test_api_routing);
    tcase_add_test(tc, test_api_readyz);
    tcase_add_test(tc, test_api_page_status_type_and_escaping);
    tcase_add_test(tc, test_api_history_shape);
    tcase_add_test(tc, test_api_history_without_rates);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(api_suite());
}
