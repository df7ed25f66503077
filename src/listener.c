/* SPDX-License-Identifier: MIT */
/* A TCP listener that steps back when descriptors run out (see lt_listener.h): the listener
 * owns the listening socket, its libuv handle only a duplicate, so closing the handle ends
 * libuv's accept loop without losing the socket or the connections queued on it. */
#include "lt_listener.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "lt_alloc.h"

struct lt_listener_s {
    uv_loop_t *loop;
    lt_listener_config_t cfg;
    int fd;                 /* the listening socket, owned here and closed by lt_listener_close */
    uv_tcp_t *handle;       /* listens on a duplicate of fd; NULL while paused or closing */
    uv_timer_t retry;       /* ends a pause */
    uint64_t backoff_ms;    /* the length of the next pause */
    unsigned handles_open;  /* retry, and every handle whose close callback has not run */
    bool is_closing;
    lt_listener_close_cb on_closed;
};

static void release(lt_listener_t *l)
{
    if (--l->handles_open > 0)
        return;
    if (l->on_closed != NULL)
        l->on_closed(l->cfg.arg);
    lt_free(l);
}

static void on_handle_closed(uv_handle_t *h)
{
    lt_listener_t *l = h->data;
    lt_free(h);
    release(l);
}

static void on_retry_closed(uv_handle_t *h)
{
    release(h->data);
}

/* The errors that the next accept would most likely repeat at once: only time (another thread
 * closing descriptors, the limit raised, memory freed) ends them. */
static bool is_out_of_resources(int err)
{
    return err == UV_EMFILE || err == UV_ENFILE || err == UV_ENOMEM || err == UV_ENOBUFS;
}

static void on_connection(uv_stream_t *server, int status);

/* Listens on a new duplicate of the kept socket. On error nothing new stays open. */
static int listen_again(lt_listener_t *l)
{
    /* fcntl, not dup: see conn_move in ingest_tcp.c (ThreadSanitizer and libuv's raw close). */
    int fd = fcntl(l->fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    uv_tcp_t *h = lt_malloc(sizeof(*h));
    uv_tcp_init(l->loop, h);
    h->data = l;
    l->handles_open++;
    int rc = uv_tcp_open(h, fd);
    if (rc != 0)
        close(fd); /* the handle never owned it; once it does, uv_close closes it */
    else
        rc = uv_listen((uv_stream_t *)h, SOMAXCONN, on_connection);
    if (rc != 0) {
        uv_close((uv_handle_t *)h, on_handle_closed);
        return rc;
    }
    l->handle = h;
    return 0;
}

static void on_retry(uv_timer_t *t);

/* Stops accepting for the current back-off, which doubles (up to the maximum) for the next. */
static void step_back(lt_listener_t *l)
{
    if (l->handle != NULL) {
        uv_close((uv_handle_t *)l->handle, on_handle_closed);
        l->handle = NULL;
    }
    if (l->cfg.stats != NULL)
        lt_counter_add(&l->cfg.stats->listener_pauses[l->cfg.transport], 1);
    uv_timer_start(&l->retry, on_retry, l->backoff_ms, 0);
    l->backoff_ms *= 2;
    if (l->backoff_ms > LT_LISTENER_BACKOFF_MAX_MS)
        l->backoff_ms = LT_LISTENER_BACKOFF_MAX_MS;
}

/* Still no descriptor for the duplicate: wait the next step. */
static void on_retry(uv_timer_t *t)
{
    lt_listener_t *l = t->data;
    if (listen_again(l) != 0)
        step_back(l);
}

static void on_connection(uv_stream_t *server, int status)
{
    lt_listener_t *l = server->data;
    if (status == 0) {
        l->backoff_ms = LT_LISTENER_BACKOFF_MIN_MS;
        l->cfg.on_connection(l->cfg.arg, server);
        return;
    }
    if (l->cfg.stats != NULL) {
        lt_counter_add(&l->cfg.stats->accept_errors[l->cfg.transport], 1);
        lt_fdlimit_report_error(&l->cfg.stats->accept_error_log,
                                lt_transport_name(l->cfg.transport), status, (int64_t)time(NULL));
    }
    /* libuv calls again at once, without polling, as long as the handle is open. */
    if (is_out_of_resources(status))
        step_back(l);
}

int lt_listener_open(lt_listener_t **out, uv_loop_t *loop, int fd, const lt_listener_config_t *cfg)
{
    lt_listener_t *l = lt_calloc(1, sizeof(*l));
    l->loop = loop;
    l->cfg = *cfg;
    l->fd = fd;
    l->backoff_ms = LT_LISTENER_BACKOFF_MIN_MS;
    uv_timer_init(loop, &l->retry);
    l->retry.data = l;
    l->handles_open = 1;
    int rc = listen_again(l);
    if (rc != 0) {
        lt_listener_close(l, NULL);
        return rc;
    }
    *out = l;
    return 0;
}

int lt_listener_bind(lt_listener_t **out, uv_loop_t *loop, const struct sockaddr *addr,
                     const lt_listener_config_t *cfg)
{
    int on = 1;
    socklen_t len = addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                : sizeof(struct sockaddr_in);
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 || bind(fd, addr, len) != 0) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    return lt_listener_open(out, loop, fd, cfg);
}

int lt_listener_address(const lt_listener_t *l, struct sockaddr_storage *out)
{
    socklen_t len = sizeof(*out);
    return getsockname(l->fd, (struct sockaddr *)out, &len) == 0 ? 0 : -errno;
}

bool lt_listener_is_paused(const lt_listener_t *l)
{
    return l->handle == NULL && !l->is_closing;
}

void lt_listener_close(lt_listener_t *l, lt_listener_close_cb on_closed)
{
    if (l == NULL || l->is_closing)
        return;
    l->is_closing = true;
    l->on_closed = on_closed;
    if (l->handle != NULL) {
        uv_close((uv_handle_t *)l->handle, on_handle_closed);
        l->handle = NULL;
    }
    /* Closing the timer also stops it: a paused listener never listens again. */
    uv_close((uv_handle_t *)&l->retry, on_retry_closed);
    close(l->fd);
    l->fd = -1;
}
