/* SPDX-License-Identifier: MIT */
/* Fuzz harness for HTTP request handling: llhttp parses the input as a stream of requests
 * (pipelining included), and each complete one goes to the real router, lt_api_handle, over
 * a real table, ring and stats (so query strings, ingest bodies and the renderers all see
 * fuzzed bytes). The request is assembled the simple way (URL, Accept, Content-Type, body);
 * src/http_server.c's own assembly and limits are covered by tests/check_http_server.c and
 * tests/integration/90-hostile-clients.sh. Checked: a known status, and every JSON body is
 * valid UTF-8 that cJSON parses. */
#include <cjson/cJSON.h>
#include <llhttp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lt_alloc.h"
#include "lt_api.h"
#include "lt_config.h"
#include "lt_log.h"
#include "lt_parse.h"

/* Pipelined requests handled per input; the rest of the input is ignored. */
#define MAX_REQUESTS 8

typedef enum { FIELD_OTHER, FIELD_ACCEPT, FIELD_CONTENT_TYPE } field_t;

/* One request being assembled: each part grows in its own buffer. */
typedef struct {
    lt_strbuf_t url, accept, content_type, body, field;
    field_t field_kind;
    bool is_in_value;
    int requests;
} assembly_t;

static struct {
    lt_config_t config;
    lt_table_t table;
    lt_ring_t *ring;
    lt_stats_t stats;
    lt_api_t api;
    llhttp_settings_t settings;
} g;

static void fail(const char *what, const lt_http_response_t *res)
{
    fprintf(stderr, "fuzz_http_request: invariant broken: %s (status %d, body %.*s)\n", what,
            res->status, (int)(res->body.len < 400 ? res->body.len : 400),
            res->body.p != NULL ? res->body.p : "");
    abort();
}

static void quiet(void *arg, int prio, const char *line)
{
}

static bool is_valid_utf8(const char *p, size_t n)
{
    size_t bad;
    for (size_t i = 0; i < n;) {
        size_t k = lt_parse_utf8_seq(p + i, n - i, &bad);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

static void check_response(const lt_http_response_t *res)
{
    static const int known[] = {200, 204, 400, 403, 404, 405};
    bool is_known = false;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        is_known |= res->status == known[i];
    if (!is_known)
        fail("unexpected status", res);
    if (res->content_type == NULL)
        fail("no content type", res);
    if (strcmp(res->content_type, "application/json") == 0) {
        if (!is_valid_utf8(res->body.p, res->body.len))
            fail("JSON body is not valid UTF-8", res);
        cJSON *j = cJSON_ParseWithLength(res->body.p, res->body.len);
        if (j == NULL)
            fail("JSON body does not parse", res);
        cJSON_Delete(j);
    }
}

static lt_slice_t as_slice(const lt_strbuf_t *b)
{
    return b->len > 0 ? (lt_slice_t){b->p, b->len} : (lt_slice_t){"", 0};
}

static void assembly_reset(assembly_t *a)
{
    lt_strbuf_reset(&a->url);
    lt_strbuf_reset(&a->accept);
    lt_strbuf_reset(&a->content_type);
    lt_strbuf_reset(&a->body);
    lt_strbuf_reset(&a->field);
    a->field_kind = FIELD_OTHER;
    a->is_in_value = false;
}

static int on_url(llhttp_t *p, const char *at, size_t n)
{
    lt_strbuf_append(&((assembly_t *)p->data)->url, at, n);
    return 0;
}

static int on_header_field(llhttp_t *p, const char *at, size_t n)
{
    assembly_t *a = p->data;
    if (a->is_in_value) {
        lt_strbuf_reset(&a->field);
        a->is_in_value = false;
    }
    lt_strbuf_append(&a->field, at, n);
    return 0;
}

static int on_header_field_complete(llhttp_t *p)
{
    assembly_t *a = p->data;
    a->field_kind = FIELD_OTHER;
    if (a->field.len == 6 && strncasecmp(a->field.p, "accept", 6) == 0)
        a->field_kind = FIELD_ACCEPT;
    else if (a->field.len == 12 && strncasecmp(a->field.p, "content-type", 12) == 0)
        a->field_kind = FIELD_CONTENT_TYPE;
    return 0;
}

static int on_header_value(llhttp_t *p, const char *at, size_t n)
{
    assembly_t *a = p->data;
    a->is_in_value = true;
    if (a->field_kind == FIELD_ACCEPT)
        lt_strbuf_append(&a->accept, at, n);
    else if (a->field_kind == FIELD_CONTENT_TYPE)
        lt_strbuf_append(&a->content_type, at, n);
    return 0;
}

static int on_header_value_complete(llhttp_t *p)
{
    assembly_t *a = p->data;
    lt_strbuf_reset(&a->field);
    a->is_in_value = false;
    return 0;
}

static int on_body(llhttp_t *p, const char *at, size_t n)
{
    lt_strbuf_append(&((assembly_t *)p->data)->body, at, n);
    return 0;
}

/* A whole request: split the target at '?' as http_server.c does, and route it. */
static int on_message_complete(llhttp_t *p)
{
    assembly_t *a = p->data;
    lt_http_request_t req;
    lt_http_response_t res;
    lt_slice_t url = as_slice(&a->url);
    const char *q = memchr(url.p, '?', url.n);

    memset(&req, 0, sizeof(req));
    memset(&res, 0, sizeof(res));
    req.method = p->method;
    req.is_head = p->method == HTTP_HEAD;
    req.path = q != NULL ? (lt_slice_t){url.p, (size_t)(q - url.p)} : url;
    req.query = q != NULL ? (lt_slice_t){q + 1, url.n - (size_t)(q - url.p) - 1}
                          : (lt_slice_t){"", 0};
    req.accept = as_slice(&a->accept);
    req.content_type = as_slice(&a->content_type);
    req.body = as_slice(&a->body);
    req.peer = "127.0.0.1:40000";
    lt_api_handle(&g.api, &req, &res);
    check_response(&res);
    lt_strbuf_free(&res.body);
    assembly_reset(a);
    return ++a->requests == MAX_REQUESTS ? HPE_PAUSED : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    lt_alloc_install();
    lt_log_set_sink(quiet, NULL);
    lt_config_defaults(&g.config);
    g.config.labels = LT_LABEL_HOST | LT_LABEL_APP | LT_LABEL_FACILITY | LT_LABEL_TRANSPORT;
    g.config.max_series = 256; /* small, so that series overflow is reached too */
    g.config.ring_slots = 32;
    g.config.ring_min_level = LT_LEVEL_DEBUG;
    if (lt_table_init(&g.table, g.config.max_series) != 0 ||
        lt_ring_new(&g.ring, g.config.ring_slots, 128, LT_LEVEL_DEBUG) != 0)
        abort();
    lt_table_precreate_levels(&g.table);
    lt_stats_init(&g.stats);
    g.api.config = &g.config;
    g.api.version = "0.0.0-fuzz";
    g.api.start_time_s = 1764040485.0;
    g.api.tally = (lt_tally_t){&g.table, g.ring, &g.stats, g.config.labels};
    g.api.ingest_batch = (lt_table_batch_t)LT_TABLE_BATCH_INIT;

    llhttp_settings_init(&g.settings);
    g.settings.on_url = on_url;
    g.settings.on_header_field = on_header_field;
    g.settings.on_header_field_complete = on_header_field_complete;
    g.settings.on_header_value = on_header_value;
    g.settings.on_header_value_complete = on_header_value_complete;
    g.settings.on_body = on_body;
    g.settings.on_message_complete = on_message_complete;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    assembly_t a;
    llhttp_t parser;

    memset(&a, 0, sizeof(a));
    llhttp_init(&parser, HTTP_REQUEST, &g.settings);
    parser.data = &a;
    (void)llhttp_execute(&parser, (const char *)data, size);
    lt_strbuf_free(&a.url);
    lt_strbuf_free(&a.accept);
    lt_strbuf_free(&a.content_type);
    lt_strbuf_free(&a.body);
    lt_strbuf_free(&a.field);
    return 0;
}
