/* SPDX-License-Identifier: MIT */
/* The HTTP/1.1 server: one libuv listener, and per connection a socket, an llhttp parser, a
 * timer and one bounded request buffer. llhttp is paused at the end of every request, so a
 * connection holds at most one request and one response at a time: pipelined requests wait,
 * unparsed, in the read buffer, and reading stops while a response is in flight. */
#include "lt_http_server.h"

#include <llhttp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lt_alloc.h"
#include "lt_listener.h"
#include "lt_log.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* One read's worth of input. Reading only resumes once the previous read is fully parsed, so
 * this is all the input a connection ever buffers. */
#define READ_BUFFER_BYTES 16384
/* Request and response buffers grown past this are released after each request, so an idle
 * keep-alive connection that once carried a large body does not keep the memory. */
#define KEEP_BUFFER_BYTES 65536
/* How long the final response of a closing connection may wait for the client's FIN while
 * its further input is read and discarded (at most request_timeout_s). */
#define LINGER_MS 2000
/* Bytes of framing around the data llhttp reports: "SP SP HTTP/ CRLF" on the request line,
 * ": " and CRLF per header line, and the CRLF that ends the headers. */
#define REQUEST_LINE_OVERHEAD 9
#define HEADER_LINE_OVERHEAD  4
#define HEADERS_END_OVERHEAD  2

typedef enum {
    CONN_READING,   /* parsing; reading from the socket whenever the read buffer is consumed */
    CONN_WRITING,   /* one response in flight; not reading (backpressure) */
    CONN_LINGERING, /* final response sent, write side shut: discarding input until EOF */
    CONN_CLOSING,   /* uv_close called on both handles; freed when both callbacks ran */
} conn_state_t;

/* The headers a handler gets to see; every other header is only counted. */
typedef enum {
    HDR_OTHER,
    HDR_ACCEPT,
    HDR_CONTENT_TYPE,
    HDR_AUTHORIZATION,
    HDR_EXPECT,
} hdr_t;

/* Where something lies in a connection's request buffer (offsets survive its growth). */
typedef struct {
    size_t off;
    size_t len;
} span_t;

typedef struct conn_s conn_t;

struct lt_http_server_s {
    lt_listener_t *listener;
    uv_loop_t *loop;
    lt_http_limits_t limits;
    lt_stats_t *stats;
    lt_http_handler_cb handler;
    void *arg;
    llhttp_settings_t settings; /* outlives every parser: the server outlives its conns */
    conn_t *conns;              /* open and closing connections */
    unsigned n_conns;
    unsigned refs; /* listener + connections + refused sockets not yet closed */
    bool is_closing;
};

struct conn_s {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_write_t write_req;
    uv_write_t continue_req;
    uv_shutdown_t shutdown_req;
    llhttp_t parser;
    lt_http_server_t *server;
    conn_t *prev;
    conn_t *next;
    conn_state_t state;
    int handles_open;
    bool is_counted; /* accepted: counted in the connections gauge */
    bool is_reading;
    bool is_in_request; /* a request has begun and is not answered yet */
    bool is_keep_alive;
    bool is_http10;
    bool is_head;
    bool is_expect_continue;
    int error_status; /* set by a parser callback before it returns HPE_USER */

    /* The request: URL, the kept header values and the body, each a span of req. */
    char *req;
    size_t req_len;
    size_t req_cap;
    span_t url;
    span_t accept;
    span_t content_type;
    span_t authorization;
    span_t body;
    span_t *value; /* the kept header whose value is being received, or NULL */
    size_t header_bytes;
    hdr_t hdr;
    char field[16]; /* lowercased header name, when short enough to be one we keep */
    size_t field_len;
    char expect[16]; /* Expect value, lowercased, when short enough to matter */
    size_t expect_len;

    lt_strbuf_t head;       /* response status line and headers */
    lt_http_response_t res; /* what the handler filled; its body is sent after head */

    size_t in_off; /* rbuf[in_off, in_len) is read but not yet parsed */
    size_t in_len;
    char peer[64];
    char rbuf[READ_BUFFER_BYTES];
};

static const char CONTINUE_LINE[] = "HTTP/1.1 100 Continue\r\n\r\n";
static const char DEFAULT_CONTENT_TYPE[] = "text/plain; charset=utf-8";

static void conn_close(conn_t *c);
static void process_input(conn_t *c);
static void on_timeout(uv_timer_t *timer);

/* RFC 9110 15: the reason phrases of the codes the server and its handlers use. */
static const struct {
    int status;
    const char *reason;
} REASONS[] = {
    {100, "Continue"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {304, "Not Modified"},
    {400, "Bad Request"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {408, "Request Timeout"},
    {411, "Length Required"},
    {413, "Content Too Large"},
    {415, "Unsupported Media Type"},
    {422, "Unprocessable Content"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {503, "Service Unavailable"},
};

static const char *reason_phrase(int status)
{
    for (size_t i = 0; i < sizeof(REASONS) / sizeof(REASONS[0]); i++) {
        if (REASONS[i].status == status)
            return REASONS[i].reason;
    }
    /* RFC 9110 15: an unknown code is understood by its class. */
    switch (status / 100) {
    case 1:
        return "Informational";
    case 2:
        return "OK";
    case 3:
        return "Redirection";
    case 4:
        return "Client Error";
    default:
        return "Server Error";
    }
}

static uint64_t timeout_ms(const conn_t *c)
{
    return (uint64_t)c->server->limits.request_timeout_s * 1000;
}

/* (Re)arms the connection's one timer; a request_timeout_s of 0 means no timeout. */
static void arm_timer(conn_t *c, uint64_t ms)
{
    if (ms > 0)
        uv_timer_start(&c->timer, on_timeout, ms, 0);
    else
        uv_timer_stop(&c->timer);
}

static void server_unref(lt_http_server_t *s)
{
    if (--s->refs == 0)
        lt_free(s);
}

/* ---- request buffer ------------------------------------------------------------------------ */

/* The limits checked before every append bound req to about max_header_bytes +
 * max_body_bytes; growth happens only until the largest request seen fits. */
static void req_reserve(conn_t *c, size_t n)
{
    if (c->req_len + n > c->req_cap) {
        size_t cap = c->req_cap ? c->req_cap : 1024;
        while (cap < c->req_len + n)
            cap *= 2;
        c->req = lt_realloc(c->req, cap);
        c->req_cap = cap;
    }
}

static void req_append(conn_t *c, const char *p, size_t n)
{
    req_reserve(c, n);
    memcpy(c->req + c->req_len, p, n);
    c->req_len += n;
}

static void request_reset(conn_t *c)
{
    c->req_len = 0;
    if (c->req_cap > KEEP_BUFFER_BYTES) {
        lt_free(c->req);
        c->req = NULL;
        c->req_cap = 0;
    }
    c->url = c->accept = c->content_type = c->authorization = c->body = (span_t){0, 0};
    c->value = NULL;
    c->header_bytes = 0;
    c->hdr = HDR_OTHER;
    c->field_len = 0;
    c->expect_len = 0;
    c->is_expect_continue = false;
    c->is_head = false;
    c->error_status = 0;
}

static lt_slice_t span_slice(const conn_t *c, span_t sp)
{
    if (sp.len == 0)
        return (lt_slice_t){"", 0};
    return (lt_slice_t){c->req + sp.off, sp.len};
}

/* ---- llhttp callbacks ---------------------------------------------------------------------- */

static int fail(conn_t *c, int status, const char *reason)
{
    c->error_status = status;
    llhttp_set_error_reason(&c->parser, reason);
    return HPE_USER;
}

/* RFC 9110 5.4 / 6585 5: request line and headers over the limit get 431. */
static int count_header_bytes(conn_t *c, size_t n)
{
    c->header_bytes += n;
    if (c->header_bytes > c->server->limits.max_header_bytes)
        return fail(c, 431, "request header fields too large");
    return 0;
}

static int on_message_begin(llhttp_t *p)
{
    conn_t *c = p->data;
    c->is_in_request = true;
    /* The request timeout runs from the request's first byte, not from the idle time before. */
    arm_timer(c, timeout_ms(c));
    return 0;
}

static int on_method(llhttp_t *p, const char *at, size_t n)
{
    return count_header_bytes(p->data, n);
}

static int on_url(llhttp_t *p, const char *at, size_t n)
{
    conn_t *c = p->data;
    int err = count_header_bytes(c, n);
    if (err != 0)
        return err;
    if (c->url.len == 0)
        c->url.off = c->req_len;
    req_append(c, at, n);
    c->url.len += n;
    return 0;
}

static int on_version(llhttp_t *p, const char *at, size_t n)
{
    return count_header_bytes(p->data, n);
}

static int on_version_complete(llhttp_t *p)
{
    return count_header_bytes(p->data, REQUEST_LINE_OVERHEAD);
}

static int on_header_field(llhttp_t *p, const char *at, size_t n)
{
    conn_t *c = p->data;
    int err = count_header_bytes(c, n);
    if (err != 0)
        return err;
    /* The name may come in pieces; past the buffer it is no name we keep. */
    for (size_t i = 0; i < n; i++) {
        if (c->field_len < sizeof(c->field)) {
            char ch = at[i];
            c->field[c->field_len] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
        }
        c->field_len++;
    }
    return 0;
}

static bool field_is(const conn_t *c, const char *name)
{
    size_t n = strlen(name);
    return c->field_len == n && memcmp(c->field, name, n) == 0;
}

/* Points c->value at sp for the value that follows. A repeated header is a list (RFC 9110
 * 5.3): the values are joined with ", ", moved to the end of req first if something else
 * was appended after the earlier one. The copies count as header bytes, so req never holds
 * more than max_header_bytes before the body. */
static int begin_kept_value(conn_t *c, span_t *sp)
{
    int err = 0;
    if (sp->len == 0) {
        sp->off = c->req_len;
    } else {
        if (sp->off + sp->len != c->req_len) {
            err = count_header_bytes(c, sp->len);
            if (err != 0)
                return err;
            req_reserve(c, sp->len);
            memcpy(c->req + c->req_len, c->req + sp->off, sp->len);
            sp->off = c->req_len;
            c->req_len += sp->len;
        }
        err = count_header_bytes(c, 2);
        if (err != 0)
            return err;
        req_append(c, ", ", 2);
        sp->len += 2;
    }
    c->value = sp;
    return 0;
}

static int on_header_field_complete(llhttp_t *p)
{
    conn_t *c = p->data;
    int err = 0;
    c->value = NULL;
    c->hdr = HDR_OTHER;
    if (field_is(c, "accept")) {
        c->hdr = HDR_ACCEPT;
        err = begin_kept_value(c, &c->accept);
    } else if (field_is(c, "content-type")) {
        c->hdr = HDR_CONTENT_TYPE;
        err = begin_kept_value(c, &c->content_type);
    } else if (field_is(c, "authorization")) {
        c->hdr = HDR_AUTHORIZATION;
        err = begin_kept_value(c, &c->authorization);
    } else if (field_is(c, "expect")) {
        c->hdr = HDR_EXPECT;
        c->expect_len = 0;
    }
    c->field_len = 0;
    return err;
}

static int on_header_value(llhttp_t *p, const char *at, size_t n)
{
    conn_t *c = p->data;
    int err = count_header_bytes(c, n);
    if (err != 0)
        return err;
    if (c->value != NULL) {
        req_append(c, at, n);
        c->value->len += n;
    } else if (c->hdr == HDR_EXPECT) {
        for (size_t i = 0; i < n; i++) {
            if (c->expect_len < sizeof(c->expect)) {
                char ch = at[i];
                c->expect[c->expect_len] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
            }
            c->expect_len++;
        }
    }
    return 0;
}

static int on_header_value_complete(llhttp_t *p)
{
    conn_t *c = p->data;
    span_t *sp = c->value;
    if (sp != NULL) {
        /* RFC 9110 5.5: trailing whitespace is not part of the field value. */
        bool is_at_end = sp->off + sp->len == c->req_len;
        while (sp->len > 0 &&
               (c->req[sp->off + sp->len - 1] == ' ' || c->req[sp->off + sp->len - 1] == '\t'))
            sp->len--;
        if (is_at_end)
            c->req_len = sp->off + sp->len;
    } else if (c->hdr == HDR_EXPECT) {
        size_t n = c->expect_len;
        while (n > 0 && n <= sizeof(c->expect) &&
               (c->expect[n - 1] == ' ' || c->expect[n - 1] == '\t'))
            n--;
        c->is_expect_continue = n == 12 && memcmp(c->expect, "100-continue", 12) == 0;
    }
    c->value = NULL;
    c->hdr = HDR_OTHER;
    return count_header_bytes(c, HEADER_LINE_OVERHEAD);
}

static void on_continue_written(uv_write_t *req, int status)
{
    /* Nothing to release: the buffer is static, and a failed write shows up again on the
     * response's own write. */
}

static int on_headers_complete(llhttp_t *p)
{
    conn_t *c = p->data;
    const lt_http_limits_t *lim = &c->server->limits;
    int err = count_header_bytes(c, HEADERS_END_OVERHEAD);
    if (err != 0)
        return err;

    c->is_head = p->method == HTTP_HEAD;
    c->is_http10 = p->http_major == 1 && p->http_minor == 0;
    c->is_keep_alive = llhttp_should_keep_alive(p) != 0;
    if (p->upgrade)
        c->is_keep_alive = false; /* no protocol switch here: answer, then close */

    /* Refuse a declared body before reading any of it. */
    if ((p->flags & F_CONTENT_LENGTH) && p->content_length > lim->max_body_bytes)
        return fail(c, 413, "content too large");
    c->body.off = c->req_len;

    /* RFC 9110 10.1.1: a client waiting for 100 Continue gets it once the headers pass. */
    bool has_body = (p->flags & F_CHUNKED) || ((p->flags & F_CONTENT_LENGTH) && p->content_length);
    if (c->is_expect_continue && !c->is_http10 && has_body) {
        uv_buf_t buf = uv_buf_init((char *)CONTINUE_LINE, sizeof(CONTINUE_LINE) - 1);
        uv_write(&c->continue_req, (uv_stream_t *)&c->tcp, &buf, 1, on_continue_written);
    }
    return 0;
}

static int on_chunk_header(llhttp_t *p)
{
    conn_t *c = p->data;
    /* content_length holds this chunk's size: refuse before receiving it. */
    if (p->content_length > c->server->limits.max_body_bytes - c->body.len)
        return fail(c, 413, "content too large");
    return 0;
}

static int on_body(llhttp_t *p, const char *at, size_t n)
{
    conn_t *c = p->data;
    if (n > c->server->limits.max_body_bytes - c->body.len)
        return fail(c, 413, "content too large");
    req_append(c, at, n);
    c->body.len += n;
    return 0;
}

static int on_message_complete(llhttp_t *p)
{
    /* Pause so that llhttp_execute returns here: the request is answered, and the bytes after
     * it wait until the response has been written. */
    return HPE_PAUSED;
}

/* ---- responses ----------------------------------------------------------------------------- */

static void stop_reading(conn_t *c)
{
    if (c->is_reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->is_reading = false;
    }
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    conn_t *c = handle->data;
    *buf = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);

static void start_reading(conn_t *c)
{
    if (!c->is_reading) {
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
            conn_close(c);
            return;
        }
        c->is_reading = true;
    }
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    conn_t *c = container_of(req, conn_t, shutdown_req);
    if (status < 0 && c->state != CONN_CLOSING)
        conn_close(c);
}

/* After the last response: send FIN, then read and discard until the client closes too.
 * Closing at once with unread input would make the kernel send RST, which can destroy the
 * response before the client reads it (RFC 9112 9.6). */
static void linger(conn_t *c)
{
    c->state = CONN_LINGERING;
    if (uv_shutdown(&c->shutdown_req, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
        conn_close(c);
        return;
    }
    uint64_t ms = timeout_ms(c);
    if (ms == 0 || ms > LINGER_MS)
        ms = LINGER_MS;
    arm_timer(c, ms);
    c->in_off = c->in_len = 0;
    start_reading(c);
}

static void on_written(uv_write_t *req, int status)
{
    conn_t *c = container_of(req, conn_t, write_req);
    if (c->state == CONN_CLOSING)
        return; /* cancelled by uv_close: the close callbacks release everything */
    if (status < 0) {
        conn_close(c);
        return;
    }
    lt_strbuf_reset(&c->res.body);
    if (c->res.body.cap > KEEP_BUFFER_BYTES)
        lt_strbuf_free(&c->res.body);
    request_reset(c);
    c->is_in_request = false;
    if (!c->is_keep_alive || c->server->is_closing) {
        linger(c);
        return;
    }
    c->state = CONN_READING;
    /* Idle keep-alive from now until the next request's first byte. */
    arm_timer(c, timeout_ms(c));
    llhttp_resume(&c->parser);
    process_input(c);
}

/* Writes c->res as one uv_write: head and body as two buffers. While it is in flight the
 * connection neither reads nor parses, which bounds what a client that does not read its
 * responses can make us hold; the request timeout bounds how long. */
static void respond(conn_t *c)
{
    lt_http_response_t *res = &c->res;
    int status = res->status > 0 ? res->status : 200;
    /* RFC 9110 8.6: no Content-Length (and no body) on 1xx, 204 and 304. */
    bool has_body = !(status / 100 == 1 || status == 204 || status == 304);
    const char *ct = res->content_type != NULL ? res->content_type : DEFAULT_CONTENT_TYPE;

    lt_strbuf_reset(&c->head);
    lt_strbuf_printf(&c->head, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n", status,
                     reason_phrase(status), ct);
    if (has_body)
        lt_strbuf_printf(&c->head, "Content-Length: %zu\r\n", res->body.len);
    if (res->allow != NULL)
        lt_strbuf_printf(&c->head, "Allow: %s\r\n", res->allow);
    if (res->extra_headers != NULL)
        lt_strbuf_puts(&c->head, res->extra_headers);
    if (!c->is_keep_alive || c->server->is_closing)
        lt_strbuf_puts(&c->head, "Connection: close\r\n");
    else if (c->is_http10)
        lt_strbuf_puts(&c->head, "Connection: keep-alive\r\n"); /* RFC 9112 9.3 for 1.0 */
    lt_strbuf_puts(&c->head, "\r\n");

    uv_buf_t bufs[2];
    unsigned nbufs = 1;
    bufs[0] = uv_buf_init(c->head.p, (unsigned)c->head.len);
    if (has_body && !c->is_head && res->body.len > 0)
        bufs[nbufs++] = uv_buf_init(res->body.p, (unsigned)res->body.len);

    stop_reading(c);
    c->state = CONN_WRITING;
    arm_timer(c, timeout_ms(c)); /* bounds how long a client may leave the response unread */
    if (c->server->stats != NULL) {
        lt_counter_add(&c->server->stats->http_requests, 1);
        lt_counter_add(&c->server->stats->http_responses[lt_stats_http_code_index(status)], 1);
    }
    if (uv_write(&c->write_req, (uv_stream_t *)&c->tcp, bufs, nbufs, on_written) != 0)
        conn_close(c);
}

/* A response the server makes itself (4xx); the connection closes after it. */
static void respond_error(conn_t *c, int status, const char *text)
{
    c->res.status = status;
    c->res.content_type = NULL;
    c->res.allow = NULL;
    c->res.extra_headers = NULL;
    lt_strbuf_reset(&c->res.body);
    lt_strbuf_puts(&c->res.body, text);
    lt_strbuf_puts(&c->res.body, "\n");
    c->is_keep_alive = false;
    c->is_head = false;
    respond(c);
}

/* The request is complete in req: hand it to the handler and send what it filled. */
static void answer(conn_t *c)
{
    lt_http_server_t *s = c->server;
    lt_http_request_t req;
    lt_slice_t url = span_slice(c, c->url);
    const char *q = memchr(url.p, '?', url.n);

    memset(&req, 0, sizeof(req));
    req.method = c->parser.method;
    req.is_head = c->is_head;
    if (q != NULL) {
        req.path = (lt_slice_t){url.p, (size_t)(q - url.p)};
        req.query = (lt_slice_t){q + 1, url.n - (size_t)(q - url.p) - 1};
    } else {
        req.path = url;
        req.query = (lt_slice_t){"", 0};
    }
    req.accept = span_slice(c, c->accept);
    req.content_type = span_slice(c, c->content_type);
    req.authorization = span_slice(c, c->authorization);
    req.body = span_slice(c, c->body);
    req.peer = c->peer;

    c->res.status = 200;
    c->res.content_type = NULL;
    c->res.allow = NULL;
    c->res.extra_headers = NULL;
    lt_strbuf_reset(&c->res.body);
    s->handler(s->arg, &req, &c->res);
    respond(c);
}

/* Parses rbuf[in_off, in_len) until it is consumed (then reads more) or a request is
 * complete (then answers it; the rest waits for on_written) or the input is refused. */
static void process_input(conn_t *c)
{
    while (c->in_off < c->in_len) {
        const char *p = c->rbuf + c->in_off;
        llhttp_errno_t err = llhttp_execute(&c->parser, p, c->in_len - c->in_off);
        if (err == HPE_OK) {
            c->in_off = c->in_len;
            break;
        }
        if (err == HPE_PAUSED) {
            c->in_off += (size_t)(llhttp_get_error_pos(&c->parser) - p);
            answer(c);
            return;
        }
        /* A limit set error_status; llhttp reports it as HPE_USER, or as
         * HPE_CB_HEADERS_COMPLETE when refused from on_headers_complete. */
        if (c->error_status == 431) {
            respond_error(c, 431, "request header fields too large");
        } else if (c->error_status == 413) {
            respond_error(c, 413, "content too large");
        } else {
            char text[160];
            snprintf(text, sizeof(text), "bad request: %s", llhttp_get_error_reason(&c->parser));
            respond_error(c, 400, text);
        }
        return;
    }
    c->in_off = c->in_len = 0;
    start_reading(c);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    conn_t *c = stream->data;
    if (nread < 0) {
        /* EOF or error. A half-received request cannot be answered: RFC 9112 9.6 lets the
         * server close once the client has closed its side. */
        conn_close(c);
        return;
    }
    if (nread == 0 || c->state == CONN_LINGERING)
        return; /* lingering: input after the last response is discarded */
    c->in_off = 0;
    c->in_len = (size_t)nread;
    process_input(c);
}

static void on_timeout(uv_timer_t *timer)
{
    conn_t *c = timer->data;
    lt_stats_t *stats = c->server->stats;
    if (stats != NULL && (c->state == CONN_READING || c->state == CONN_WRITING))
        lt_counter_add(&stats->idle_closed[LT_TRANSPORT_HTTP], 1);
    switch (c->state) {
    case CONN_READING:
        if (c->is_in_request) {
            /* A request still incomplete (slowloris): RFC 9110 15.5.9. */
            respond_error(c, 408, "request timeout");
        } else {
            conn_close(c); /* idle keep-alive */
        }
        break;
    case CONN_WRITING:
        conn_close(c); /* the client does not read its response */
        break;
    case CONN_LINGERING:
        conn_close(c);
        break;
    case CONN_CLOSING:
        break;
    }
}

/* ---- connections --------------------------------------------------------------------------- */

static void on_conn_handle_closed(uv_handle_t *handle)
{
    conn_t *c = handle->data;
    if (--c->handles_open > 0)
        return;
    lt_http_server_t *s = c->server;
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    s->n_conns--;
    if (c->is_counted && s->stats != NULL)
        lt_gauge_add(&s->stats->connections[LT_TRANSPORT_HTTP], -1);
    lt_free(c->req);
    lt_strbuf_free(&c->head);
    lt_strbuf_free(&c->res.body);
    lt_free(c);
    server_unref(s);
}

static void conn_close(conn_t *c)
{
    if (c->state == CONN_CLOSING)
        return;
    c->state = CONN_CLOSING;
    c->is_reading = false;
    uv_close((uv_handle_t *)&c->tcp, on_conn_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_conn_handle_closed);
}

static void format_peer(conn_t *c)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;

    snprintf(c->peer, sizeof(c->peer), "?");
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0)
        return;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
        uv_ip4_name(sin, host, sizeof(host));
        port = ntohs(sin->sin_port);
        snprintf(c->peer, sizeof(c->peer), "%s:%d", host, port);
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
        uv_ip6_name(sin6, host, sizeof(host));
        port = ntohs(sin6->sin6_port);
        snprintf(c->peer, sizeof(c->peer), "[%s]:%d", host, port);
    }
}

static void on_refused_closed(uv_handle_t *handle)
{
    lt_http_server_t *s = handle->data;
    lt_free(handle);
    server_unref(s);
}

/* Over max_connections: accept (so the kernel queue does not fill and the client learns at
 * once) and close. */
static void refuse(lt_http_server_t *s, uv_stream_t *listener)
{
    uv_tcp_t *t = lt_malloc(sizeof(*t));
    uv_tcp_init(s->loop, t);
    t->data = s;
    s->refs++;
    (void)uv_accept(listener, (uv_stream_t *)t);
    uv_close((uv_handle_t *)t, on_refused_closed);
    if (s->stats != NULL)
        lt_counter_add(&s->stats->connections_refused[LT_TRANSPORT_HTTP], 1);
}

/* Failed accepts are counted, reported and waited out by the listener (lt_listener.h). */
static void on_connection(void *arg, uv_stream_t *listener)
{
    lt_http_server_t *s = arg;
    if (s->is_closing)
        return;
    if (s->n_conns >= s->limits.max_connections) {
        refuse(s, listener);
        return;
    }

    conn_t *c = lt_calloc(1, sizeof(*c));
    c->server = s;
    c->state = CONN_READING;
    uv_tcp_init(s->loop, &c->tcp);
    uv_timer_init(s->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->handles_open = 2;
    c->next = s->conns;
    if (s->conns != NULL)
        s->conns->prev = c;
    s->conns = c;
    s->n_conns++;
    s->refs++;

    int err = uv_accept(listener, (uv_stream_t *)&c->tcp);
    if (err != 0) {
        lt_log(LT_LOG_WARNING, "http: accept: %s", lt_strerror(err));
        conn_close(c);
        return;
    }
    uv_os_fd_t fd;
    if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0 &&
        lt_fdlimit_is_near(fd, LT_FDLIMIT_RESERVE_HTTP)) {
        if (s->stats != NULL) {
            lt_counter_add(&s->stats->fd_limit_refused[LT_TRANSPORT_HTTP], 1);
            lt_fdlimit_report(&s->stats->fd_limit_log, "http", fd, LT_FDLIMIT_RESERVE_HTTP,
                              (int64_t)time(NULL));
        }
        conn_close(c);
        return;
    }
    c->is_counted = true;
    if (s->stats != NULL) {
        lt_counter_add(&s->stats->connections_accepted[LT_TRANSPORT_HTTP], 1);
        lt_gauge_add(&s->stats->connections[LT_TRANSPORT_HTTP], 1);
    }
    uv_tcp_nodelay(&c->tcp, 1);
    format_peer(c);
    llhttp_init(&c->parser, HTTP_REQUEST, &s->settings);
    c->parser.data = c;
    arm_timer(c, timeout_ms(c)); /* idle until the first request begins */
    start_reading(c);
}

/* ---- server -------------------------------------------------------------------------------- */

static void on_listener_closed(void *arg)
{
    server_unref(arg);
}

/* Listens on addr (bound here) or on fd (already bound and listening) when addr is NULL. */
static int server_start(lt_http_server_t **server, uv_loop_t *loop, const struct sockaddr *addr,
                        int fd, const lt_http_limits_t *limits, lt_stats_t *stats,
                        lt_http_handler_cb handler, void *arg)
{
    lt_http_server_t *s = lt_calloc(1, sizeof(*s));
    int err;

    s->loop = loop;
    s->limits = *limits;
    s->stats = stats;
    s->handler = handler;
    s->arg = arg;
    llhttp_settings_init(&s->settings);
    s->settings.on_message_begin = on_message_begin;
    s->settings.on_method = on_method;
    s->settings.on_url = on_url;
    s->settings.on_version = on_version;
    s->settings.on_version_complete = on_version_complete;
    s->settings.on_header_field = on_header_field;
    s->settings.on_header_field_complete = on_header_field_complete;
    s->settings.on_header_value = on_header_value;
    s->settings.on_header_value_complete = on_header_value_complete;
    s->settings.on_headers_complete = on_headers_complete;
    s->settings.on_chunk_header = on_chunk_header;
    s->settings.on_body = on_body;
    s->settings.on_message_complete = on_message_complete;

    const lt_listener_config_t cfg = {
        .on_connection = on_connection,
        .arg = s,
        .stats = stats,
        .transport = LT_TRANSPORT_HTTP,
    };
    err = addr != NULL ? lt_listener_bind(&s->listener, loop, addr, &cfg)
                       : lt_listener_open(&s->listener, loop, fd, &cfg);
    if (err != 0) {
        /* The listener left nothing open that needs s; its memory goes on the loop's next run. */
        lt_free(s);
        return err;
    }
    s->refs = 1;
    *server = s;
    return 0;
}

int lt_http_server_start(lt_http_server_t **server, uv_loop_t *loop, const struct sockaddr *addr,
                         const lt_http_limits_t *limits, lt_stats_t *stats,
                         lt_http_handler_cb handler, void *arg)
{
    return server_start(server, loop, addr, -1, limits, stats, handler, arg);
}

int lt_http_server_open(lt_http_server_t **server, uv_loop_t *loop, int fd,
                        const lt_http_limits_t *limits, lt_stats_t *stats,
                        lt_http_handler_cb handler, void *arg)
{
    return server_start(server, loop, NULL, fd, limits, stats, handler, arg);
}

void lt_http_server_set_limits(lt_http_server_t *server, const lt_http_limits_t *limits)
{
    server->limits = *limits;
}

int lt_http_server_address(const lt_http_server_t *server, struct sockaddr_storage *out)
{
    return lt_listener_address(server->listener, out);
}

void lt_http_server_close(lt_http_server_t *server)
{
    if (server == NULL || server->is_closing)
        return;
    server->is_closing = true;
    /* Close callbacks run on a later loop iteration, so the list is stable during the walk. */
    for (conn_t *c = server->conns; c != NULL; c = c->next)
        conn_close(c);
    lt_listener_close(server->listener, on_listener_closed);
}
