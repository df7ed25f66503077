/* SPDX-License-Identifier: MIT */
/* A small HTTP/1.1 server on a libuv loop, with llhttp parsing each connection's bytes.
 * It knows nothing of routes: every complete request goes to one handler, which fills a
 * response. Keep-alive, HEAD (the handler's body is measured, not sent), and the limits
 * (connections, header bytes -> 431, body bytes -> 413, request timeout -> 408) live here;
 * a request llhttp cannot parse gets 400 and the connection is closed. */
#ifndef LT_HTTP_SERVER_H
#define LT_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <uv.h>

#include "lt_event.h"
#include "lt_stats.h"
#include "lt_strbuf.h"

typedef struct {
    int method;              /* llhttp_method_t (HTTP_GET, HTTP_HEAD, HTTP_POST, ...) */
    bool is_head;            /* method is HEAD: the server will not send the body */
    lt_slice_t path;         /* target up to '?' */
    lt_slice_t query;        /* after '?', empty when none */
    lt_slice_t accept;       /* Accept header, empty when none */
    lt_slice_t content_type; /* Content-Type header, empty when none */
    lt_slice_t authorization; /* Authorization header, empty when none */
    lt_slice_t body;         /* whole body (bounded by max_body_bytes) */
    const char *peer;        /* "127.0.0.1:40000" */
} lt_http_request_t;

typedef struct {
    int status;               /* defaults to 200 */
    const char *content_type; /* static string; defaults to "text/plain; charset=utf-8" */
    const char *allow;        /* static string for an Allow header (405), or NULL */
    lt_strbuf_t body;
    const char *extra_headers; /* static string of whole header lines, each ending in "\r\n"
                                * ("Cache-Control: no-store\r\n"), sent as they are; or NULL */
} lt_http_response_t;

/* Fills res for req. Runs on the server's loop thread; must not block. */
typedef void (*lt_http_handler_cb)(void *arg, const lt_http_request_t *req,
                                   lt_http_response_t *res);

typedef struct {
    unsigned max_connections;   /* further connections are closed at once and counted */
    size_t max_header_bytes;    /* request line + headers; over it: 431 and close */
    size_t max_body_bytes;      /* over it (declared or received): 413 and close */
    unsigned request_timeout_s; /* a request not complete this long after its first byte:
                                 * 408 and close; an idle keep-alive connection, or a response
                                 * the client leaves unread, this long: close. 0: no timeout */
} lt_http_limits_t;

typedef struct lt_http_server_s lt_http_server_t;

/* Binds addr and listens on loop. stats (may be NULL) gets connection counts for
 * LT_TRANSPORT_HTTP (idle_closed counts every close by the timeout) and http_requests, one
 * per response sent, the server's own 4xx included. Returns 0, or a UV_E* code with nothing
 * left open (a handle already made is closed; its memory goes when the loop next runs); on
 * error the handler is never called. */
int lt_http_server_start(lt_http_server_t **server, uv_loop_t *loop, const struct sockaddr *addr,
                         const lt_http_limits_t *limits, lt_stats_t *stats,
                         lt_http_handler_cb handler, void *arg);

/* The same on fd, a TCP socket already bound and listening (socket activation). Takes
 * ownership of fd whether it succeeds or not. */
int lt_http_server_open(lt_http_server_t **server, uv_loop_t *loop, int fd,
                        const lt_http_limits_t *limits, lt_stats_t *stats,
                        lt_http_handler_cb handler, void *arg);

/* Replaces the limits (a reload). Applies to connections accepted and requests begun after
 * the call; call it on the server's loop thread. */
void lt_http_server_set_limits(lt_http_server_t *server, const lt_http_limits_t *limits);

/* The bound address (with the port chosen when addr had port 0). Returns 0 or UV_E*. */
int lt_http_server_address(const lt_http_server_t *server, struct sockaddr_storage *out);

/* Closes the listener and every connection; memory is released in the close callbacks, so
 * run the loop until it has no more handles after this. */
void lt_http_server_close(lt_http_server_t *server);

#endif
