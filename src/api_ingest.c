/* SPDX-License-Identifier: MIT */
/* POST /api/v1/ingest: counts the records of a request body through the same tally path as
 * TCP and UDP. An array or single-object body is validated whole before anything is counted,
 * so a client that retries a rejected body never counts a record twice; NDJSON counts line by
 * line, as a TCP JSON-lines stream would. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api_internal.h"
#include "lt_parse.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *p, size_t n, size_t i)
{
    while (i < n && is_ws(p[i]))
        i++;
    return i;
}

/* Walks a JSON array one element at a time with lt_json_value_end (no tree is built). */
typedef enum { ARRAY_FIRST, ARRAY_VALUE, ARRAY_SEPARATOR, ARRAY_END } array_state_t;

typedef struct {
    const char *p;
    size_t n;
    size_t i;
    array_state_t state;
} array_iter_t;

static void array_begin(array_iter_t *it, const char *p, size_t n, size_t open_bracket)
{
    *it = (array_iter_t){p, n, open_bracket + 1, ARRAY_FIRST};
}

/* Returns 1 with *start and *len set to the next element, 0 after the closing ']' when only
 * whitespace follows it, or -1 with *start set to the offset of the first invalid byte. */
static int array_next(array_iter_t *it, size_t *start, size_t *len)
{
    const char *p = it->p;
    size_t n = it->n;

    for (;;) {
        size_t i = skip_ws(p, n, it->i);
        switch (it->state) {
        case ARRAY_FIRST:
            if (i < n && p[i] == ']') {
                it->i = i + 1;
                it->state = ARRAY_END;
                break;
            }
            it->state = ARRAY_VALUE;
            break;
        case ARRAY_VALUE: {
            size_t end;
            if (lt_json_value_end(p + i, n - i, &end) != 0) {
                *start = i + end;
                return -1;
            }
            *start = i;
            *len = end;
            it->i = i + end;
            it->state = ARRAY_SEPARATOR;
            return 1;
        }
        case ARRAY_SEPARATOR:
            if (i < n && p[i] == ',') {
                it->i = i + 1;
                it->state = ARRAY_VALUE;
                break;
            }
            if (i < n && p[i] == ']') {
                it->i = i + 1;
                it->state = ARRAY_END;
                break;
            }
            *start = i;
            return -1;
        case ARRAY_END:
            if (i < n) {
                *start = i;
                return -1;
            }
            return 0;
        }
    }
}

/* printf into err when the caller wants the text (messages here are short). */
static void describe(lt_strbuf_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void describe(lt_strbuf_t *err, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    lt_strbuf_puts(err, buf);
}

typedef struct {
    uint64_t accepted;
    uint64_t rejected;
    lt_strbuf_t error; /* the first problem, for the 400 body */
} ingest_result_t;

/* Checks one record as the listeners would before counting it: size, a JSON object, and
 * parseable. Returns -1 and sets *reason (and describes the problem in err, when not NULL)
 * when it would be rejected. */
static int check_record(const lt_api_t *api, const char *body, size_t start, size_t len,
                        int64_t t_ms, lt_reject_t *reason, lt_strbuf_t *err)
{
    const char *p = body + start;
    lt_event_t ev;
    size_t end;

    if (len > api->config->max_message_bytes) {
        *reason = LT_REJECT_OVERSIZE;
        describe(err, "record at byte %zu is longer than max_message_bytes (%zu)", start,
                 api->config->max_message_bytes);
        return -1;
    }
    if (len == 0 || p[0] != '{') {
        *reason = LT_REJECT_BAD_JSON;
        describe(err, "expected a JSON object at byte %zu", start);
        return -1;
    }
    if (lt_json_value_end(p, len, &end) != 0 || skip_ws(p, len, end) != len) {
        *reason = LT_REJECT_BAD_JSON;
        describe(err, "invalid JSON at byte %zu", start + end);
        return -1;
    }
    int rc = lt_parse_message(p, len, t_ms / 1000, &ev);
    if (rc != 0) {
        *reason = LT_PARSE_REJECT(rc);
        describe(err, "record at byte %zu rejected: %s", start, lt_reject_name(*reason));
        return -1;
    }
    return 0;
}

static void count_record(lt_api_t *api, const lt_http_request_t *req, const char *p, size_t n,
                         int64_t t_ms, ingest_result_t *r)
{
    if (lt_tally_message(&api->tally, &api->ingest_batch, LT_TRANSPORT_HTTP, req->peer, p, n,
                         t_ms) == 0)
        r->accepted++;
    else
        r->rejected++;
}

/* An array of objects or one object: every record is checked first and nothing is counted
 * unless all pass; the body then counts as one rejection with the first record's reason. */
static void ingest_whole(lt_api_t *api, const lt_http_request_t *req, size_t first, bool is_array,
                         int64_t t_ms, ingest_result_t *r)
{
    const char *p = req->body.p;
    size_t n = req->body.n;
    array_iter_t it;
    size_t start, len;
    lt_reject_t reason;
    int rc;

    if (!is_array) {
        len = n;
        while (len > first && is_ws(p[len - 1]))
            len--;
        if (check_record(api, p, first, len - first, t_ms, &reason, &r->error) != 0)
            goto reject;
        count_record(api, req, p + first, len - first, t_ms, r);
        return;
    }

    array_begin(&it, p, n, first);
    while ((rc = array_next(&it, &start, &len)) == 1)
        if (check_record(api, p, start, len, t_ms, &reason, &r->error) != 0)
            goto reject;
    if (rc < 0) {
        reason = LT_REJECT_BAD_JSON;
        lt_strbuf_printf(&r->error, "invalid JSON at byte %zu", start);
        goto reject;
    }
    array_begin(&it, p, n, first);
    while (array_next(&it, &start, &len) == 1)
        count_record(api, req, p + start, len, t_ms, r);
    return;

reject:
    lt_tally_reject(&api->tally, LT_TRANSPORT_HTTP, reason);
    r->rejected = 1;
}

/* NDJSON: each line is a record on its own, as on a TCP JSON-lines stream; a bad line is
 * rejected and the others are counted. */
static void ingest_lines(lt_api_t *api, const lt_http_request_t *req, int64_t t_ms,
                         ingest_result_t *r)
{
    const char *p = req->body.p;
    size_t n = req->body.n;
    size_t line_no = 0;

    for (size_t i = 0; i < n;) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t line_end = nl != NULL ? (size_t)(nl - p) : n;
        size_t start = skip_ws(p, line_end, i);
        size_t end = line_end;
        lt_reject_t reason;

        line_no++;
        i = line_end + 1;
        while (end > start && is_ws(p[end - 1]))
            end--;
        if (start == end)
            continue;
        bool is_first_error = r->error.len == 0;
        if (check_record(api, p, start, end - start, t_ms, &reason,
                         is_first_error ? &r->error : NULL) != 0) {
            lt_tally_reject(&api->tally, LT_TRANSPORT_HTTP, reason);
            r->rejected++;
            if (is_first_error)
                lt_strbuf_printf(&r->error, " (line %zu)", line_no);
            continue;
        }
        count_record(api, req, p + start, end - start, t_ms, r);
    }
}

void lt_api_ingest(lt_api_t *api, const lt_http_request_t *req, lt_http_response_t *res)
{
    const char *p = req->body.p;
    size_t n = req->body.n;
    ingest_result_t r = {0, 0, LT_STRBUF_INIT};
    int64_t t_ms = now_ms();

    if (!api->config->is_http_ingest_enabled) {
        lt_api_json_error(res, 403, "HTTP ingest is disabled (http.ingest is false)");
        return;
    }
    lt_counter_add(&api->tally.stats->received_bytes[LT_TRANSPORT_HTTP], n);

    size_t first = n > 0 ? skip_ws(p, n, 0) : 0;
    if (first == n) {
        lt_api_json_error(res, 400, "empty body");
        return;
    }

    /* Shape: '[' is an array; one JSON value and only whitespace after it is one object;
     * otherwise, if the body has several lines, NDJSON; else it is invalid. */
    if (p[first] == '[') {
        ingest_whole(api, req, first, true, t_ms, &r);
    } else {
        size_t end;
        int rc = lt_json_value_end(p + first, n - first, &end);
        size_t after = skip_ws(p, n, first + end);
        size_t last = n;
        while (last > first && is_ws(p[last - 1]))
            last--;
        if (rc == 0 && after == n) {
            ingest_whole(api, req, first, false, t_ms, &r);
        } else if (memchr(p + first, '\n', last - first) != NULL) {
            ingest_lines(api, req, t_ms, &r);
        } else {
            lt_strbuf_printf(&r.error, "invalid JSON at byte %zu", rc == 0 ? after : first + end);
            lt_tally_reject(&api->tally, LT_TRANSPORT_HTTP, LT_REJECT_BAD_JSON);
            r.rejected = 1;
        }
    }
    lt_table_batch_flush(api->tally.table, &api->ingest_batch);

    if (r.rejected == 0) {
        res->status = 204;
        res->content_type = CT_TEXT;
        goto out;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "error", r.error.len > 0 ? r.error.p : "record rejected");
    lt_api_json_add_u64(root, "accepted", r.accepted);
    lt_api_json_add_u64(root, "rejected", r.rejected);
    res->status = 400;
    res->content_type = CT_JSON;
    lt_api_json_print(root, &res->body);
    cJSON_Delete(root);
out:
    lt_strbuf_free(&r.error);
}
