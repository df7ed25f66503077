/* SPDX-License-Identifier: MIT */
/* Blocking HTTP/1.1 GET over a plain socket: a non-blocking connect and poll() against one
 * deadline, "Connection: close", and a parser that is re-run on the bytes received so far
 * until the response is complete (responses here are small, so re-parsing costs nothing and
 * keeps the parser free of state). */
#include "lt_http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lt_alloc.h"

int lt_http_url_parse(const char *url, lt_http_url_t *out)
{
    static const char scheme[] = "http://";
    char host[64];
    unsigned long port = 80;
    const char *p, *host_end, *path;

    memset(out, 0, sizeof(*out));
    if (strncmp(url, scheme, sizeof(scheme) - 1) != 0)
        return -EINVAL;
    p = url + sizeof(scheme) - 1;
    path = p + strcspn(p, "/");
    if (*p == '[') { /* RFC 3986 3.2.2: an IPv6 literal in brackets */
        host_end = memchr(p, ']', (size_t)(path - p));
        if (host_end == NULL)
            return -EINVAL;
        p++;
    } else {
        host_end = memchr(p, ':', (size_t)(path - p));
        if (host_end == NULL)
            host_end = path;
    }
    size_t host_len = (size_t)(host_end - p);
    if (host_len == 0 || host_len >= sizeof(host))
        return -EINVAL;
    memcpy(host, p, host_len);
    host[host_len] = '\0';
    const char *after = host_end + (*host_end == ']');
    if (*after == ':') {
        char *end;
        if (after[1] < '0' || after[1] > '9')
            return -EINVAL;
        port = strtoul(after + 1, &end, 10);
        if (end != path || port == 0 || port > 65535)
            return -EINVAL;
    } else if (after != path) {
        return -EINVAL;
    }

    struct sockaddr_in *sin = (struct sockaddr_in *)&out->sa;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->sa;
    if (strcmp(host, "localhost") == 0 || inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        if (strcmp(host, "localhost") == 0)
            sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        out->sa_len = sizeof(*sin);
    } else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        out->sa_len = sizeof(*sin6);
    } else {
        return -EINVAL;
    }
    size_t alen = (size_t)(path - (url + sizeof(scheme) - 1));
    size_t plen = strlen(path);
    while (plen > 0 && path[plen - 1] == '/')
        plen--;
    if (alen >= sizeof(out->authority) || plen >= sizeof(out->prefix))
        return -EINVAL;
    memcpy(out->authority, url + sizeof(scheme) - 1, alen);
    memcpy(out->prefix, path, plen);
    return 0;
}

/* ---- response parsing --------------------------------------------------------------------- */

static const char *find(const char *p, size_t n, const char *needle)
{
    return memmem(p, n, needle, strlen(needle));
}

/* The value of header name (case-insensitive) within the header block, or NULL. */
static const char *header(const char *h, size_t n, const char *name, size_t *len)
{
    size_t k = strlen(name);
    const char *line = memchr(h, '\n', n); /* skip the status line */
    while (line != NULL && (size_t)(line + 1 - h) < n) {
        line++;
        const char *eol = memchr(line, '\n', n - (size_t)(line - h));
        size_t ll = eol != NULL ? (size_t)(eol - line) : n - (size_t)(line - h);
        if (ll > k && line[k] == ':' && strncasecmp(line, name, k) == 0) {
            const char *v = line + k + 1;
            const char *e = line + ll;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                e--;
            *len = (size_t)(e - v);
            return v;
        }
        line = eol;
    }
    return NULL;
}

/* Decodes a chunked body (RFC 9112 7.1) from p[0..n). Returns 1 when the last chunk was
 * seen, 0 when more is needed, or an error. Trailers are ignored. */
static int dechunk(const char *p, size_t n, size_t max_body_bytes, lt_strbuf_t *body)
{
    size_t i = 0;
    for (;;) {
        const char *eol = find(p + i, n - i, "\r\n");
        if (eol == NULL)
            return n - i > 64 ? -EPROTO : 0;
        char *end;
        errno = 0;
        unsigned long long size = strtoull(p + i, &end, 16);
        if (end == p + i || errno != 0 || (end != eol && *end != ';' && *end != ' '))
            return -EPROTO;
        i = (size_t)(eol - p) + 2;
        if (size == 0)
            return find(p + i, n - i, "\r\n") != NULL ? 1 : 0;
        if (size > max_body_bytes || body->len + size > max_body_bytes)
            return -EMSGSIZE;
        if (n - i < size + 2)
            return 0;
        if (p[i + size] != '\r' || p[i + size + 1] != '\n')
            return -EPROTO;
        lt_strbuf_append(body, p + i, (size_t)size);
        i += (size_t)size + 2;
    }
}

int lt_http_client_parse(const char *p, size_t n, bool is_eof, size_t max_body_bytes,
                         int *status, lt_strbuf_t *body)
{
    const char *end = find(p, n, "\r\n\r\n");
    if (end == NULL) {
        if (n > LT_HTTP_CLIENT_MAX_HEADER_BYTES)
            return -EMSGSIZE;
        return is_eof ? -EPROTO : 0;
    }
    size_t hlen = (size_t)(end - p) + 4;
    if (hlen > LT_HTTP_CLIENT_MAX_HEADER_BYTES)
        return -EMSGSIZE;
    int code;
    if (n < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' ||
        sscanf(p + 9, "%3d", &code) != 1 || code < 100 || code > 999)
        return -EPROTO;

    size_t te_len = 0, vlen = 0;
    const char *te = header(p, hlen, "Transfer-Encoding", &te_len);
    const char *cl = header(p, hlen, "Content-Length", &vlen);
    size_t before = body->len;
    int rc;
    if (te != NULL && te_len >= 7 && strncasecmp(te + te_len - 7, "chunked", 7) == 0) {
        rc = dechunk(p + hlen, n - hlen, max_body_bytes, body);
        if (rc != 1)
            body->len = before; /* decoded again from the start next time */
        if (rc == 0 && is_eof)
            rc = -EPROTO;
    } else if (cl != NULL) {
        char *e;
        unsigned long long want = strtoull(cl, &e, 10);
        if (e != cl + vlen || vlen == 0)
            return -EPROTO;
        if (want > max_body_bytes)
            return -EMSGSIZE;
        if (n - hlen < want)
            return is_eof ? -EPROTO : 0;
        lt_strbuf_append(body, p + hlen, (size_t)want);
        rc = 1;
    } else if (code == 204 || code == 304 || code < 200) {
        rc = 1;
    } else { /* RFC 9112 6.3: without either, the body runs to the close */
        if (n - hlen > max_body_bytes)
            return -EMSGSIZE;
        if (!is_eof)
            return 0;
        lt_strbuf_append(body, p + hlen, n - hlen);
        rc = 1;
    }
    if (rc == 1) {
        lt_strbuf_append(body, "", 0); /* NUL-terminated even when empty */
        *status = code;
    }
    return rc;
}

/* ---- the exchange ------------------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline. Returns 0 or -ETIMEDOUT. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return -ETIMEDOUT;
        struct pollfd pfd = {fd, events, 0};
        int r = poll(&pfd, 1, (int)left);
        if (r > 0)
            return 0;
        if (r < 0 && errno != EINTR)
            return -errno;
    }
}

int lt_http_get(const lt_http_url_t *url, const char *path, unsigned timeout_ms,
                size_t max_body_bytes, int *status, lt_strbuf_t *body)
{
    int64_t deadline = now_ms() + timeout_ms;
    lt_strbuf_t req = LT_STRBUF_INIT, in = LT_STRBUF_INIT;
    size_t max_in = LT_HTTP_CLIENT_MAX_HEADER_BYTES + max_body_bytes * 2 + 4096;
    int rc;

    int fd = socket(url->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (const struct sockaddr *)&url->sa, url->sa_len) != 0) {
        if (errno != EINPROGRESS) {
            rc = -errno;
            goto out;
        }
        if ((rc = wait_fd(fd, POLLOUT, deadline)) != 0)
            goto out;
        int err = 0;
        socklen_t len = sizeof(err);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            rc = -err;
            goto out;
        }
    }

    lt_strbuf_printf(&req,
                     "GET %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: logtally/" LT_VERSION
                     "\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
                     url->prefix, path, url->authority);
    for (size_t sent = 0; sent < req.len;) {
        ssize_t w = send(fd, req.p + sent, req.len - sent, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            if ((rc = wait_fd(fd, POLLOUT, deadline)) != 0)
                goto out;
            continue;
        }
        if (w < 0) {
            rc = -errno;
            goto out;
        }
        sent += (size_t)w;
    }

    char buf[16384];
    bool is_eof = false;
    for (;;) {
        ssize_t r = recv(fd, buf, sizeof(buf), 0);
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
            if ((rc = wait_fd(fd, POLLIN, deadline)) != 0)
                goto out;
            continue;
        }
        if (r < 0) {
            /* A reset after a complete response is still a response. */
            if (errno != ECONNRESET) {
                rc = -errno;
                goto out;
            }
            r = 0;
        }
        is_eof = r == 0;
        lt_strbuf_append(&in, buf, (size_t)r);
        if (in.len > max_in) {
            rc = -EMSGSIZE;
            goto out;
        }
        size_t before = body->len;
        rc = lt_http_client_parse(in.p != NULL ? in.p : "", in.len, is_eof, max_body_bytes,
                                  status, body);
        if (rc == 1) {
            rc = 0;
            goto out;
        }
        body->len = before;
        if (rc < 0)
            goto out;
    }
out:
    close(fd);
    lt_strbuf_free(&req);
    lt_strbuf_free(&in);
    return rc;
}
