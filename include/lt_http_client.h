/* SPDX-License-Identifier: MIT */
/* A minimal blocking HTTP/1.1 GET client for the logtally CLI: numeric IPv4/IPv6 hosts or
 * "localhost", one request per connection, an overall deadline, Content-Length, chunked and
 * close-delimited bodies, and a bound on the response size. Enough to read a logtallyd; not
 * a general client (no TLS, no redirects, no DNS). */
#ifndef LT_HTTP_CLIENT_H
#define LT_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lt_strbuf.h"

#define LT_HTTP_CLIENT_MAX_HEADER_BYTES 16384

/* A parsed "http://HOST[:PORT][/PREFIX]" (port 80 by default). */
typedef struct {
    struct sockaddr_storage sa;
    socklen_t sa_len;
    char authority[80]; /* HOST:PORT as written, for the Host header and messages */
    char prefix[256];   /* path prefix without a trailing '/', "" for none */
} lt_http_url_t;

/* Parses url. Returns 0, or -EINVAL (not http://, a host that is not numeric or
 * "localhost", a bad port, too long). */
int lt_http_url_parse(const char *url, lt_http_url_t *out);

/* GETs prefix + path (path starts with '/') with the whole exchange bounded by timeout_ms.
 * On 0, *status is the HTTP status and body holds the decoded body (appended, NUL-terminated).
 * Errors: the connect errno (-ECONNREFUSED, ...), -ETIMEDOUT, -EMSGSIZE when the body would
 * exceed max_body_bytes or the header LT_HTTP_CLIENT_MAX_HEADER_BYTES, -EPROTO for a response
 * that is not HTTP/1.x or ends early. */
int lt_http_get(const lt_http_url_t *url, const char *path, unsigned timeout_ms,
                size_t max_body_bytes, int *status, lt_strbuf_t *body);

/* The response parser lt_http_get uses, exposed for tests: looks at the bytes received so
 * far, p[0..n), with is_eof when the peer closed. Returns 1 with *status and body filled when
 * the response is complete, 0 when more bytes are needed, or -EPROTO / -EMSGSIZE. */
int lt_http_client_parse(const char *p, size_t n, bool is_eof, size_t max_body_bytes,
                         int *status, lt_strbuf_t *body);

#endif
