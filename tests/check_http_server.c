/* SPDX-License-Identifier: MIT */
/* Tests of src/http_server.c over real loopback sockets. The server runs on the test's loop;
 * each test's client is a script of blocking socket calls (every receive bounded by
 * SO_RCVTIMEO) on a second thread, which records what it got and wakes the loop with
 * uv_async_send when done. Assertions run on the main thread after the loop has drained. */
#include "lt_http_server.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <llhttp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "lt_alloc.h"
#include "check_run.h"

#define RCV_TIMEOUT_S    5
#define GUARD_TIMEOUT_MS 30000
#define MAX_RESPONSES    24
#define RESPONSE_BYTES   4096
#define BIG_BODY_BYTES   200000

typedef struct fixture_s fixture_t;
typedef void (*script_fn)(fixture_t *f);

/* What the handler saw last (written on the loop thread, read after the loop ends). */
typedef struct {
    int method;
    bool is_head;
    char path[256];
    char query[256];
    char accept[256];
    char content_type[256];
    char body[512];
    char peer[64];
} seen_t;

struct fixture_s {
    uv_loop_t loop;
    uv_async_t done;
    uv_timer_t guard;
    lt_http_server_t *server;
    lt_stats_t stats;
    lt_http_limits_t limits;
    int port;
    script_fn script;
    const char *const *requests; /* script_requests' input, NULL-terminated */
    pthread_t thread;
    bool is_server_closed;
    bool is_done_sent;
    bool is_guard_fired;

    int handled;
    int64_t gauge_at_handler; /* connections open when the handler last ran */
    seen_t seen;

    /* Client results. */
    char resp[MAX_RESPONSES][RESPONSE_BYTES]; /* responses, NUL-terminated (bodies cut) */
    size_t resp_len[MAX_RESPONSES];           /* full length, head + body */
    int n_resp;
    int closed[8]; /* wait_closed() results, in call order */
    int n_closed;
    char note[256]; /* first client failure, empty when none */
    int fds[8];     /* sockets the script leaves for the main thread to close */
    int n_fds;
    int big_ok; /* /big responses whose bodies were exactly right */
};

/* ---- handler ------------------------------------------------------------------------------- */

static void copy_slice(char *dst, size_t cap, lt_slice_t s)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    if (n > 0)
        memcpy(dst, s.p, n);
    dst[n] = '\0';
}

static bool slice_is(lt_slice_t s, const char *z)
{
    return s.n == strlen(z) && memcmp(s.p, z, s.n) == 0;
}

static void handler(void *arg, const lt_http_request_t *req, lt_http_response_t *res)
{
    fixture_t *f = arg;
    f->handled++;
    f->gauge_at_handler = lt_gauge_get(&f->stats.connections[LT_TRANSPORT_HTTP]);
    f->seen.method = req->method;
    f->seen.is_head = req->is_head;
    copy_slice(f->seen.path, sizeof(f->seen.path), req->path);
    copy_slice(f->seen.query, sizeof(f->seen.query), req->query);
    copy_slice(f->seen.accept, sizeof(f->seen.accept), req->accept);
    copy_slice(f->seen.content_type, sizeof(f->seen.content_type), req->content_type);
    copy_slice(f->seen.body, sizeof(f->seen.body), req->body);
    snprintf(f->seen.peer, sizeof(f->seen.peer), "%s", req->peer);

    if (slice_is(req->path, "/fixed")) {
        lt_strbuf_puts(&res->body, "hello world\n");
    } else if (slice_is(req->path, "/missing")) {
        res->status = 404;
        lt_strbuf_puts(&res->body, "not found\n");
    } else if (slice_is(req->path, "/only-get")) {
        res->status = 405;
        res->allow = "GET, HEAD";
        lt_strbuf_puts(&res->body, "method not allowed\n");
    } else if (slice_is(req->path, "/extra")) {
        res->extra_headers = "X-One: 1\r\nCache-Control: no-store\r\n";
        lt_strbuf_puts(&res->body, "extra\n");
    } else if (slice_is(req->path, "/json")) {
        res->content_type = "application/json";
        lt_strbuf_puts(&res->body, "{}");
    } else if (slice_is(req->path, "/big")) {
        for (int i = 0; i < BIG_BODY_BYTES; i++)
            lt_strbuf_append(&res->body, &"abcdefghij"[i % 10], 1);
    } else {
        lt_strbuf_printf(&res->body, "%s %.*s ?%.*s accept=[%.*s] ct=[%.*s] body=[%.*s]",
                         llhttp_method_name((llhttp_method_t)req->method), (int)req->path.n,
                         req->path.p, (int)req->query.n, req->query.p, (int)req->accept.n,
                         req->accept.p, (int)req->content_type.n, req->content_type.p,
                         (int)req->body.n, req->body.p);
    }
}

/* ---- loop side ----------------------------------------------------------------------------- */

static void close_server(fixture_t *f)
{
    if (!f->is_server_closed) {
        f->is_server_closed = true;
        lt_http_server_close(f->server);
        uv_close((uv_handle_t *)&f->guard, NULL);
    }
}

static void on_done(uv_async_t *a)
{
    fixture_t *f = a->data;
    close_server(f);
    uv_close((uv_handle_t *)&f->done, NULL);
}

/* Only when a client script is stuck: the server closes, which ends the script's waits. */
static void on_guard(uv_timer_t *t)
{
    fixture_t *f = t->data;
    f->is_guard_fired = true;
    close_server(f);
}

static void *client_main(void *arg)
{
    fixture_t *f = arg;
    f->script(f);
    if (!f->is_done_sent)
        uv_async_send(&f->done);
    return NULL;
}

static lt_http_limits_t default_limits(void)
{
    return (lt_http_limits_t){
        .max_connections = 16,
        .max_header_bytes = 1024,
        .max_body_bytes = 256,
        .request_timeout_s = 1,
    };
}

/* Runs script against a fresh server until both are done; returns with the loop closed.
 * is_stats_given false starts the server with stats NULL. */
static void run_with(fixture_t *f, const lt_http_limits_t *limits, script_fn script,
                     bool is_stats_given)
{
    struct sockaddr_in sin;
    struct sockaddr_storage bound;

    const char *const *requests = f->requests; /* the caller's input survives the reset */
    memset(f, 0, sizeof(*f));
    f->requests = requests;
    lt_stats_init(&f->stats);
    f->limits = *limits;
    f->script = script;
    ck_assert_int_eq(uv_loop_init(&f->loop), 0);
    ck_assert_int_eq(uv_ip4_addr("127.0.0.1", 0, &sin), 0);
    ck_assert_int_eq(lt_http_server_start(&f->server, &f->loop, (const struct sockaddr *)&sin,
                                          limits, is_stats_given ? &f->stats : NULL, handler, f),
                     0);
    ck_assert_int_eq(lt_http_server_address(f->server, &bound), 0);
    f->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
    ck_assert_int_ne(f->port, 0);
    ck_assert_int_eq(uv_async_init(&f->loop, &f->done, on_done), 0);
    f->done.data = f;
    ck_assert_int_eq(uv_timer_init(&f->loop, &f->guard), 0);
    f->guard.data = f;
    ck_assert_int_eq(uv_timer_start(&f->guard, on_guard, GUARD_TIMEOUT_MS, 0), 0);

    ck_assert_int_eq(pthread_create(&f->thread, NULL, client_main, f), 0);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    ck_assert_int_eq(pthread_join(f->thread, NULL), 0);
    for (int i = 0; i < f->n_fds; i++)
        close(f->fds[i]);
    ck_assert_msg(!f->is_guard_fired, "client script did not finish: %s", f->note);
    ck_assert_int_eq(uv_loop_close(&f->loop), 0);
    ck_assert_msg(f->note[0] == '\0', "client: %s", f->note);
}

static void run_limited(fixture_t *f, const lt_http_limits_t *limits, script_fn script)
{
    run_with(f, limits, script, true);
}

/* run_limited with default_limits(). */
static void run(fixture_t *f, script_fn script)
{
    lt_http_limits_t limits = default_limits();
    run_with(f, &limits, script, true);
}

/* ---- client side (runs on the client thread) ----------------------------------------------- */

typedef struct {
    int fd;
    char buf[BIG_BODY_BYTES + RESPONSE_BYTES];
    size_t len; /* buffered, not yet returned */
} client_t;

static void note(fixture_t *f, const char *what)
{
    if (f->note[0] == '\0')
        snprintf(f->note, sizeof(f->note), "%s (errno %d, response %d)", what, errno, f->n_resp);
}

static client_t *client_open(fixture_t *f)
{
    client_t *c = lt_calloc(1, sizeof(*c));
    struct sockaddr_in sin;
    struct timeval tv = {RCV_TIMEOUT_S, 0};

    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)f->port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
        note(f, "connect");
    return c;
}

static void client_free(client_t *c)
{
    close(c->fd);
    lt_free(c);
}

static void client_send(fixture_t *f, client_t *c, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            note(f, "send");
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void client_puts(fixture_t *f, client_t *c, const char *s)
{
    client_send(f, c, s, strlen(s));
}

/* Receives more bytes: >0 read, 0 EOF, -1 error or timeout. */
static ssize_t client_fill(client_t *c)
{
    if (c->len == sizeof(c->buf))
        return -1;
    ssize_t r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
    if (r > 0)
        c->len += (size_t)r;
    return r;
}

static size_t content_length(const char *head, size_t n)
{
    static const char key[] = "\r\ncontent-length:";
    for (size_t i = 0; i + sizeof(key) - 1 <= n; i++) {
        if (strncasecmp(head + i, key, sizeof(key) - 1) == 0)
            return strtoul(head + i + sizeof(key) - 1, NULL, 10);
    }
    return 0;
}

static void consume(client_t *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
}

/* Reads one response (head, then Content-Length bytes unless is_head) into f->resp. The
 * 100 Continue interim response counts as one response of its own. */
static void read_response(fixture_t *f, client_t *c, bool is_head)
{
    char *end = NULL;
    for (int i = 0; i < 1000; i++) {
        end = memmem(c->buf, c->len, "\r\n\r\n", 4);
        if (end != NULL || client_fill(c) <= 0)
            break;
    }
    if (end == NULL || f->n_resp == MAX_RESPONSES) {
        note(f, "no response head");
        return;
    }
    size_t head_len = (size_t)(end - c->buf) + 4;
    size_t body_len =
        is_head || strncmp(c->buf, "HTTP/1.1 100 ", 13) == 0 ? 0 : content_length(c->buf, head_len);
    for (int i = 0; i < 100000 && c->len < head_len + body_len; i++) {
        if (client_fill(c) <= 0)
            break;
    }
    if (c->len < head_len + body_len) {
        note(f, "short response body");
        return;
    }
    size_t total = head_len + body_len;
    size_t keep = total < RESPONSE_BYTES - 1 ? total : RESPONSE_BYTES - 1;
    memcpy(f->resp[f->n_resp], c->buf, keep);
    f->resp[f->n_resp][keep] = '\0';
    f->resp_len[f->n_resp] = total;
    if (body_len == BIG_BODY_BYTES) {
        bool is_ok = true;
        for (size_t i = 0; i < body_len; i++)
            is_ok = is_ok && c->buf[head_len + i] == "abcdefghij"[i % 10];
        f->big_ok += is_ok;
    }
    f->n_resp++;
    consume(c, total);
}

/* Waits for the server to close: records 1 for EOF (or reset) with nothing else received,
 * 0 for more data, -1 for the receive timeout. */
static void wait_closed(fixture_t *f, client_t *c)
{
    int result = c->len > 0 ? 0 : -1;
    if (c->len == 0) {
        ssize_t r = client_fill(c);
        if (r == 0 || (r < 0 && errno == ECONNRESET))
            result = 1;
        else if (r > 0)
            result = 0;
    }
    if (f->n_closed < 8)
        f->closed[f->n_closed++] = result;
}

/* One request and its response. */
static void exchange(fixture_t *f, client_t *c, const char *request)
{
    client_puts(f, c, request);
    read_response(f, c, false);
}

/* The script of run_requests: f->requests in order on one connection, each answered. */
static void script_requests(fixture_t *f)
{
    client_t *c = client_open(f);
    for (const char *const *r = f->requests; *r != NULL; r++)
        exchange(f, c, *r);
    client_free(c);
}

/* run() with script_requests over requests (NULL-terminated). */
static void run_requests(fixture_t *f, const char *const *requests)
{
    f->requests = requests;
    run(f, script_requests);
}

/* One request on a connection of its own, its response, then the server's close. */
static void exchange_then_closed(fixture_t *f, const char *request)
{
    client_t *c = client_open(f);
    exchange(f, c, request);
    wait_closed(f, c);
    client_free(c);
}

/* ---- tests --------------------------------------------------------------------------------- */

static void assert_response(const fixture_t *f, int i, const char *want)
{
    ck_assert_msg(i < f->n_resp, "response %d missing (got %d)", i, f->n_resp);
    ck_assert_msg(strcmp(f->resp[i], want) == 0, "response %d:\n%s\nwanted:\n%s", i, f->resp[i],
                  want);
}

/* assert_response for a text/plain response: "HTTP/1.1 STATUS", its Content-Type, then rest. */
static void assert_text_response(const fixture_t *f, int i, const char *status, const char *rest)
{
    char want[RESPONSE_BYTES];
    snprintf(want, sizeof(want), "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n%s",
             status, rest);
    assert_response(f, i, want);
}

static const char *const get_requests[] = {
    "GET /fixed HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /only-get HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /json HTTP/1.1\r\nHost: x\r\n\r\n",
    NULL,
};

START_TEST(test_http_server_get_returns_body_and_status)
{
    static fixture_t f;
    run_requests(&f, get_requests);
    assert_text_response(&f, 0, "200 OK", "Content-Length: 12\r\n\r\nhello world\n");
    assert_text_response(&f, 1, "404 Not Found", "Content-Length: 10\r\n\r\nnot found\n");
    assert_text_response(&f, 2, "405 Method Not Allowed",
                         "Content-Length: 19\r\nAllow: GET, HEAD\r\n\r\nmethod not allowed\n");
    assert_response(&f, 3,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    "Content-Length: 2\r\n\r\n{}");
    ck_assert_int_eq(f.handled, 4);
    ck_assert_uint_eq(lt_counter_get(&f.stats.http_requests), 4);
    ck_assert_uint_eq(lt_counter_get(&f.stats.connections_accepted[LT_TRANSPORT_HTTP]), 1);
    ck_assert_int_eq(lt_gauge_get(&f.stats.connections[LT_TRANSPORT_HTTP]), 0);
    ck_assert_int_eq(f.gauge_at_handler, 1);
    ck_assert_msg(strncmp(f.seen.peer, "127.0.0.1:", 10) == 0, "peer %s", f.seen.peer);
}
END_TEST

static const char *const extra_requests[] = {
    "GET /extra HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /fixed HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /extra HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    NULL,
};

/* The handler's extra header lines go out after the server's own, and only with the response
 * that set them: the next request on the connection starts from none. */
START_TEST(test_http_server_extra_headers_only_where_set)
{
    static fixture_t f;
    run_requests(&f, extra_requests);
    assert_text_response(&f, 0, "200 OK",
                         "Content-Length: 6\r\nX-One: 1\r\nCache-Control: no-store\r\n\r\nextra\n");
    assert_text_response(&f, 1, "200 OK", "Content-Length: 12\r\n\r\nhello world\n");
    assert_text_response(&f, 2, "200 OK",
                         "Content-Length: 6\r\nX-One: 1\r\nCache-Control: no-store\r\n"
                         "Connection: close\r\n\r\nextra\n");
    ck_assert_int_eq(f.handled, 3);
}
END_TEST

static const char *const fields_requests[] = {
    "POST /api/v1/ingest?x=1&y=%20 HTTP/1.1\r\nHost: x\r\n"
    "ACCEPT: application/json  \r\nX-Other: 1\r\n"
    "content-type: application/x-ndjson\r\nContent-Length: 16\r\n\r\n"
    "{\"a\":1}\n{\"b\":2}\n",
    NULL,
};

START_TEST(test_http_server_handler_sees_request_fields)
{
    static fixture_t f;
    run_requests(&f, fields_requests);
    ck_assert_msg(f.handled == 1, "response: %s", f.resp[0]);
    ck_assert_int_eq(f.seen.method, HTTP_POST);
    ck_assert(!f.seen.is_head);
    ck_assert_str_eq(f.seen.path, "/api/v1/ingest");
    ck_assert_str_eq(f.seen.query, "x=1&y=%20");
    ck_assert_str_eq(f.seen.accept, "application/json");
    ck_assert_str_eq(f.seen.content_type, "application/x-ndjson");
    ck_assert_str_eq(f.seen.body, "{\"a\":1}\n{\"b\":2}\n");
}
END_TEST

/* Chunked body, a repeated Accept split by another kept header, no query, empty body. */
static const char *const fields_chunked_requests[] = {
    "POST /c HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\nContent-Type: a/b\r\n"
    "Accept: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    "GET /d HTTP/1.1\r\nHost: x\r\n\r\n",
    NULL,
};

START_TEST(test_http_server_handler_sees_chunked_body_and_joined_headers)
{
    static fixture_t f;
    run_requests(&f, fields_chunked_requests);
    ck_assert_int_eq(f.n_resp, 2);
    ck_assert_msg(strstr(f.resp[0], "\r\n\r\nPOST /c ? accept=[text/plain, application/json] "
                                    "ct=[a/b] body=[hello world]") != NULL,
                  "response: %s", f.resp[0]);
    /* The second request starts from a clean slate. */
    ck_assert_msg(strstr(f.resp[1], "\r\n\r\nGET /d ? accept=[] ct=[] body=[]") != NULL,
                  "response: %s", f.resp[1]);
    ck_assert_str_eq(f.seen.query, "");
}
END_TEST

static void script_head(fixture_t *f)
{
    client_t *c = client_open(f);
    client_puts(f, c, "HEAD /fixed HTTP/1.1\r\nHost: x\r\n\r\n");
    read_response(f, c, true);
    /* Had the HEAD response carried a body, this response would not parse. */
    exchange(f, c, "GET /fixed HTTP/1.1\r\nHost: x\r\n\r\n");
    client_free(c);
}

START_TEST(test_http_server_head_has_length_and_no_body)
{
    static fixture_t f;
    run(&f, script_head);
    assert_text_response(&f, 0, "200 OK", "Content-Length: 12\r\n\r\n");
    assert_text_response(&f, 1, "200 OK", "Content-Length: 12\r\n\r\nhello world\n");
    ck_assert(!f.seen.is_head); /* the last request was the GET */
}
END_TEST

static const char *const keep_alive_requests[] = {
    "GET /one HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /two HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /three HTTP/1.1\r\nHost: x\r\n\r\n",
    NULL,
};

START_TEST(test_http_server_keep_alive_serves_three_requests)
{
    static fixture_t f;
    run_requests(&f, keep_alive_requests);
    ck_assert_int_eq(f.n_resp, 3);
    ck_assert_msg(strstr(f.resp[0], "\r\n\r\nGET /one ?") != NULL, "%s", f.resp[0]);
    ck_assert_msg(strstr(f.resp[1], "\r\n\r\nGET /two ?") != NULL, "%s", f.resp[1]);
    ck_assert_msg(strstr(f.resp[2], "\r\n\r\nGET /three ?") != NULL, "%s", f.resp[2]);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(strstr(f.resp[i], "Connection:") == NULL, "%s", f.resp[i]);
    ck_assert_uint_eq(lt_counter_get(&f.stats.connections_accepted[LT_TRANSPORT_HTTP]), 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.http_requests), 3);
}
END_TEST

static void script_pipelined(fixture_t *f)
{
    client_t *c = client_open(f);
    client_puts(f, c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b?q HTTP/1.1\r\nHost: x\r\n\r\n");
    read_response(f, c, false);
    read_response(f, c, false);
    client_puts(f, c,
                "POST /c HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcHEAD /fixed HTTP/1.1\r\n\r\n"
                "GET /e HTTP/1.1\r\nConnection: close\r\n\r\n");
    read_response(f, c, false);
    read_response(f, c, true);
    read_response(f, c, false);
    wait_closed(f, c);
    client_free(c);
}

START_TEST(test_http_server_pipelined_requests_answered_in_order)
{
    static fixture_t f;
    run(&f, script_pipelined);
    ck_assert_int_eq(f.n_resp, 5);
    ck_assert_msg(strstr(f.resp[0], "\r\n\r\nGET /a ?") != NULL, "%s", f.resp[0]);
    ck_assert_msg(strstr(f.resp[1], "\r\n\r\nGET /b ?q ") != NULL, "%s", f.resp[1]);
    ck_assert_msg(strstr(f.resp[2], "\r\n\r\nPOST /c ? accept=[] ct=[] body=[abc]") != NULL, "%s",
                  f.resp[2]);
    assert_text_response(&f, 3, "200 OK", "Content-Length: 12\r\n\r\n");
    ck_assert_msg(strstr(f.resp[4], "Connection: close\r\n\r\nGET /e ?") != NULL, "%s", f.resp[4]);
    ck_assert_int_eq(f.closed[0], 1);
    ck_assert_int_eq(f.handled, 5);
}
END_TEST

static void script_connection_close(fixture_t *f)
{
    exchange_then_closed(f, "GET /fixed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
}

START_TEST(test_http_server_connection_close_closes)
{
    static fixture_t f;
    run(&f, script_connection_close);
    assert_text_response(&f, 0, "200 OK",
                         "Content-Length: 12\r\nConnection: close\r\n\r\nhello world\n");
    ck_assert_int_eq(f.closed[0], 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.idle_closed[LT_TRANSPORT_HTTP]), 0);
}
END_TEST

static void script_http10(fixture_t *f)
{
    exchange_then_closed(f, "GET /fixed HTTP/1.0\r\n\r\n");

    client_t *c = client_open(f);
    exchange(f, c, "GET /fixed HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    exchange(f, c, "GET /fixed HTTP/1.0\r\n\r\n");
    wait_closed(f, c);
    client_free(c);
}

START_TEST(test_http_server_http10_closes_unless_keep_alive)
{
    static fixture_t f;
    run(&f, script_http10);
    const char *closing = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                          "Content-Length: 12\r\nConnection: close\r\n\r\nhello world\n";
    assert_response(&f, 0, closing);
    assert_text_response(&f, 1, "200 OK",
                         "Content-Length: 12\r\nConnection: keep-alive\r\n\r\nhello world\n");
    assert_response(&f, 2, closing);
    ck_assert_int_eq(f.closed[0], 1);
    ck_assert_int_eq(f.closed[1], 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.connections_accepted[LT_TRANSPORT_HTTP]), 2);
}
END_TEST

static void script_malformed(fixture_t *f)
{
    exchange_then_closed(f, "GET /fixed HTTP/1.1\r\nHost x\r\n\r\n");

    client_t *c = client_open(f);
    client_puts(f, c, "GET /a HTTP/1.1\r\n\r\nBREW /pot HTCPCP/1.0\r\n\r\n");
    read_response(f, c, false);
    read_response(f, c, false);
    wait_closed(f, c);
    client_free(c);
}

START_TEST(test_http_server_malformed_request_gets_400_and_close)
{
    static fixture_t f;
    run(&f, script_malformed);
    assert_text_response(&f, 0, "400 Bad Request",
                         "Content-Length: 34\r\nConnection: close\r\n\r\n"
                         "bad request: Invalid header token\n");
    ck_assert_int_eq(f.closed[0], 1);
    /* The good request before the bad one is answered first. */
    ck_assert_msg(strstr(f.resp[1], "\r\n\r\nGET /a ?") != NULL, "%s", f.resp[1]);
    ck_assert_msg(strncmp(f.resp[2], "HTTP/1.1 400 Bad Request\r\n", 26) == 0, "%s", f.resp[2]);
    ck_assert_msg(strstr(f.resp[2], "\r\n\r\nbad request: ") != NULL, "%s", f.resp[2]);
    ck_assert_int_eq(f.closed[1], 1);
    ck_assert_int_eq(f.handled, 1);
}
END_TEST

static void script_header_limit(fixture_t *f)
{
    static char req[4096];
    char big[2001];
    memset(big, 'a', 2000);
    big[2000] = '\0';
    snprintf(req, sizeof(req), "GET /fixed HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", big);
    exchange_then_closed(f, req);

    /* Just under the limit passes. */
    client_t *c = client_open(f);
    memset(big, 'b', 900);
    big[900] = '\0';
    snprintf(req, sizeof(req), "GET /fixed HTTP/1.1\r\nX-Big: %s\r\n\r\n", big);
    exchange(f, c, req);
    client_free(c);
}

START_TEST(test_http_server_header_over_limit_gets_431)
{
    static fixture_t f;
    run(&f, script_header_limit);
    assert_response(&f, 0,
                    "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n"
                    "Content-Length: 32\r\nConnection: close\r\n\r\n"
                    "request header fields too large\n");
    ck_assert_int_eq(f.closed[0], 1);
    ck_assert_msg(strncmp(f.resp[1], "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", f.resp[1]);
    ck_assert_int_eq(f.handled, 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.http_responses[LT_HTTP_CODE_431]), 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.http_responses[LT_HTTP_CODE_200]), 1);
}
END_TEST

static void script_body_limit(fixture_t *f)
{
    /* Declared too large: answered before any of the body is sent. */
    exchange_then_closed(f, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");

    /* Chunked: refused at the chunk that would cross the limit. */
    client_t *c = client_open(f);
    client_puts(f, c,
                "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                "100\r\n");
    for (int i = 0; i < 256 / 16; i++)
        client_puts(f, c, "0123456789abcdef");
    exchange(f, c, "\r\n1\r\n");
    wait_closed(f, c);
    client_free(c);

    /* Exactly the limit passes. */
    c = client_open(f);
    client_puts(f, c, "POST /x HTTP/1.1\r\nContent-Length: 256\r\n\r\n");
    for (int i = 0; i < 256 / 16 - 1; i++)
        client_puts(f, c, "0123456789abcdef");
    exchange(f, c, "0123456789abcdef");
    client_free(c);
}

START_TEST(test_http_server_body_over_limit_gets_413)
{
    static fixture_t f;
    run(&f, script_body_limit);
    const char *want =
        "HTTP/1.1 413 Content Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: 18\r\nConnection: close\r\n\r\ncontent too large\n";
    assert_response(&f, 0, want);
    assert_response(&f, 1, want);
    ck_assert_msg(strncmp(f.resp[2], "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", f.resp[2]);
    ck_assert_int_eq(f.closed[0], 1);
    ck_assert_int_eq(f.closed[1], 1);
    ck_assert_int_eq(f.handled, 1);
    ck_assert_uint_eq(strlen(f.seen.body), 256);
    ck_assert_uint_eq(lt_counter_get(&f.stats.http_responses[LT_HTTP_CODE_413]), 2);
}
END_TEST

static void script_timeouts(fixture_t *f)
{
    /* Slowloris: part of the headers, then nothing. */
    exchange_then_closed(f, "GET /fixed HTTP/1.1\r\nHost: x\r\nX-Slow: ");

    /* Idle keep-alive: answered, then closed without a response. */
    exchange_then_closed(f, "GET /fixed HTTP/1.1\r\n\r\n");
}

START_TEST(test_http_server_slow_request_gets_408_and_idle_closes)
{
    static fixture_t f;
    run(&f, script_timeouts);
    assert_text_response(&f, 0, "408 Request Timeout",
                         "Content-Length: 16\r\nConnection: close\r\n\r\nrequest timeout\n");
    ck_assert_int_eq(f.closed[0], 1);
    ck_assert_msg(strncmp(f.resp[1], "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", f.resp[1]);
    ck_assert_int_eq(f.closed[1], 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.idle_closed[LT_TRANSPORT_HTTP]), 2);
    ck_assert_uint_eq(lt_counter_get(&f.stats.http_requests), 2);
    ck_assert_uint_eq(lt_counter_get(&f.stats.http_responses[LT_HTTP_CODE_408]), 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.http_responses[LT_HTTP_CODE_200]), 1);
}
END_TEST

static void script_max_connections(fixture_t *f)
{
    client_t *a = client_open(f);
    client_t *b = client_open(f);
    /* Answers prove both were accepted before the third arrives. */
    exchange(f, a, "GET /a HTTP/1.1\r\n\r\n");
    exchange(f, b, "GET /b HTTP/1.1\r\n\r\n");

    client_t *c = client_open(f);
    wait_closed(f, c);
    client_free(c);

    /* The first two still work. */
    exchange(f, a, "GET /a2 HTTP/1.1\r\n\r\n");
    client_free(b);
    client_free(a);
}

START_TEST(test_http_server_max_connections_refuses_the_next)
{
    static fixture_t f;
    lt_http_limits_t lim = default_limits();
    lim.max_connections = 2;
    run_limited(&f, &lim, script_max_connections);
    ck_assert_int_eq(f.closed[0], 1);
    ck_assert_int_eq(f.n_resp, 3);
    ck_assert_msg(strstr(f.resp[2], "GET /a2 ?") != NULL, "%s", f.resp[2]);
    ck_assert_int_eq(f.gauge_at_handler, 2);
    ck_assert_uint_eq(lt_counter_get(&f.stats.connections_refused[LT_TRANSPORT_HTTP]), 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.connections_accepted[LT_TRANSPORT_HTTP]), 2);
    ck_assert_int_eq(lt_gauge_get(&f.stats.connections[LT_TRANSPORT_HTTP]), 0);
}
END_TEST

static void script_close_open(fixture_t *f)
{
    client_t *a = client_open(f);
    client_t *b = client_open(f);
    client_t *c = client_open(f);
    exchange(f, a, "GET /a HTTP/1.1\r\n\r\n");
    exchange(f, b, "GET /b HTTP/1.1\r\n\r\n");
    client_puts(f, b, "POST /b HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"); /* half a request */
    exchange(f, c, "GET /c HTTP/1.1\r\n\r\n");
    /* Closing the server must close all three. */
    f->is_done_sent = true;
    uv_async_send(&f->done);
    wait_closed(f, a);
    wait_closed(f, b);
    wait_closed(f, c);
    client_free(a);
    client_free(b);
    client_free(c);
}

START_TEST(test_http_server_close_with_open_connections)
{
    static fixture_t f;
    lt_http_limits_t lim = default_limits();
    lim.request_timeout_s = 30; /* nothing may close by itself */
    run_limited(&f, &lim, script_close_open);
    ck_assert_int_eq(f.n_resp, 3);
    ck_assert_int_eq(f.closed[0], 1);
    ck_assert_int_eq(f.closed[1], 1);
    ck_assert_int_eq(f.closed[2], 1);
    ck_assert_int_eq(f.gauge_at_handler, 3);
    ck_assert_int_eq(lt_gauge_get(&f.stats.connections[LT_TRANSPORT_HTTP]), 0);
    ck_assert_uint_eq(lt_counter_get(&f.stats.idle_closed[LT_TRANSPORT_HTTP]), 0);
}
END_TEST

static const char *const expect_continue_requests[] = {
    "POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
    "hello",
    NULL,
};

START_TEST(test_http_server_expect_continue_gets_100)
{
    static fixture_t f;
    run_requests(&f, expect_continue_requests);
    assert_response(&f, 0, "HTTP/1.1 100 Continue\r\n\r\n");
    ck_assert_msg(strstr(f.resp[1], "\r\n\r\nPOST /e ? accept=[] ct=[] body=[hello]") != NULL, "%s",
                  f.resp[1]);
}
END_TEST

/* Many large responses requested at once and read only afterwards: the server holds one at a
 * time, and every one arrives whole and in order. */
#define UNREAD_REQUESTS 12
static void script_unread(fixture_t *f)
{
    client_t *c = client_open(f);
    char req[UNREAD_REQUESTS * 32] = "";
    for (int i = 0; i < UNREAD_REQUESTS; i++)
        strcat(req, "GET /big HTTP/1.1\r\n\r\n");
    client_puts(f, c, req);
    for (int i = 0; i < UNREAD_REQUESTS; i++)
        read_response(f, c, false);
    client_free(c);
}

START_TEST(test_http_server_unread_responses_arrive_whole)
{
    static fixture_t f;
    lt_http_limits_t lim = default_limits();
    lim.request_timeout_s = 30;
    run_limited(&f, &lim, script_unread);
    ck_assert_int_eq(f.n_resp, UNREAD_REQUESTS);
    ck_assert_int_eq(f.big_ok, UNREAD_REQUESTS);
    ck_assert_int_eq(f.handled, UNREAD_REQUESTS);
}
END_TEST

START_TEST(test_http_server_runs_without_stats)
{
    static fixture_t f;
    lt_http_limits_t lim = default_limits();
    lim.max_connections = 2;
    run_with(&f, &lim, script_max_connections, false);
    ck_assert_int_eq(f.n_resp, 3);
    ck_assert_int_eq(f.closed[0], 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.connections_refused[LT_TRANSPORT_HTTP]), 0);
}
END_TEST

START_TEST(test_http_server_start_error_leaves_nothing_open)
{
    uv_loop_t loop;
    lt_http_server_t *a = NULL;
    lt_http_server_t *b = NULL;
    struct sockaddr_in sin;
    struct sockaddr_storage bound;
    lt_http_limits_t lim = default_limits();

    ck_assert_int_eq(uv_loop_init(&loop), 0);
    uv_ip4_addr("127.0.0.1", 0, &sin);
    ck_assert_int_eq(
        lt_http_server_start(&a, &loop, (struct sockaddr *)&sin, &lim, NULL, handler, NULL), 0);
    ck_assert_int_eq(lt_http_server_address(a, &bound), 0);
    int err = lt_http_server_start(&b, &loop, (struct sockaddr *)&bound, &lim, NULL, handler, NULL);
    ck_assert_int_eq(err, UV_EADDRINUSE);
    ck_assert_ptr_null(b);
    lt_http_server_close(a);
    ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
    ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

static Suite *http_server_suite(void)
{
    Suite *s = suite_create("http_server");
    TCase *tc = tcase_create("http_server");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_http_server_get_returns_body_and_status);
    tcase_add_test(tc, test_http_server_extra_headers_only_where_set);
    tcase_add_test(tc, test_http_server_handler_sees_request_fields);
    tcase_add_test(tc, test_http_server_handler_sees_chunked_body_and_joined_headers);
    tcase_add_test(tc, test_http_server_head_has_length_and_no_body);
    tcase_add_test(tc, test_http_server_keep_alive_serves_three_requests);
    tcase_add_test(tc, test_http_server_pipelined_requests_answered_in_order);
    tcase_add_test(tc, test_http_server_connection_close_closes);
    tcase_add_test(tc, test_http_server_http10_closes_unless_keep_alive);
    tcase_add_test(tc, test_http_server_malformed_request_gets_400_and_close);
    tcase_add_test(tc, test_http_server_header_over_limit_gets_431);
    tcase_add_test(tc, test_http_server_body_over_limit_gets_413);
    tcase_add_test(tc, test_http_server_slow_request_gets_408_and_idle_closes);
    tcase_add_test(tc, test_http_server_max_connections_refuses_the_next);
    tcase_add_test(tc, test_http_server_close_with_open_connections);
    tcase_add_test(tc, test_http_server_expect_continue_gets_100);
    tcase_add_test(tc, test_http_server_unread_responses_arrive_whole);
    tcase_add_test(tc, test_http_server_runs_without_stats);
    tcase_add_test(tc, test_http_server_start_error_leaves_nothing_open);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(http_server_suite());
}
