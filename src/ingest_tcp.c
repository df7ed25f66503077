/* SPDX-License-Identifier: MIT */
/* TCP syslog ingest: accept, read into the worker's one read buffer, frame (RFC 6587), and
 * count. A connection's only memory is its struct and the framer's buffer for a message split
 * across reads, both bounded; max_connections is enforced across all workers.
 *
 * Balance: SO_REUSEPORT picks a worker by hashing the connection's addresses, which for a few
 * long-lived connections (a handful of forwarders) often leaves one worker with three of four
 * and the other core idle. So a worker that accepts a connection while another worker serves
 * fewer hands the socket over (a duplicate through its mailbox, then an async wake) before
 * reading a byte from it; connections never move once they have been read. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lt_alloc.h"
#include "lt_log.h"
#include "lt_tally.h"
#include "worker_internal.h"

struct lt_tcp_conn_s {
    uv_tcp_t handle;
    lt_worker_t *worker;
    lt_framer_t framer;
    int64_t last_read_ms;
    bool is_closing;
    lt_tcp_conn_t *prev, *next;
    char peer[64];
};

static lt_stats_t *stats_of(lt_worker_t *w)
{
    return w->settings.tally.stats;
}

static void on_message(void *arg, const char *p, size_t n)
{
    lt_tcp_conn_t *c = arg;
    lt_worker_t *w = c->worker;
    lt_tally_message(&w->settings.tally, &w->batch, LT_TRANSPORT_TCP, c->peer, p, n, w->now_ms);
}

static void on_reject(void *arg, lt_reject_t reason)
{
    lt_tcp_conn_t *c = arg;
    lt_tally_reject(&c->worker->settings.tally, LT_TRANSPORT_TCP, reason);
}

static void conn_unlink(lt_tcp_conn_t *c)
{
    lt_worker_t *w = c->worker;
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    lt_gauge_add(w->tcp_open, -1);
}

static void conn_free(lt_tcp_conn_t *c)
{
    lt_framer_free(&c->framer);
    lt_free(c);
}

static void on_closed(uv_handle_t *h)
{
    lt_tcp_conn_t *c = h->data;
    lt_gauge_add(&stats_of(c->worker)->connections[LT_TRANSPORT_TCP], -1);
    conn_unlink(c);
    conn_free(c);
}

/* A connection handed to another worker: its socket lives on there, so nothing is counted
 * closed here. */
static void on_moved_closed(uv_handle_t *h)
{
    conn_free(h->data);
}

/* Ends the stream: a partial message is counted as truncated, never as an event. */
static void conn_close(lt_tcp_conn_t *c)
{
    if (c->is_closing)
        return;
    c->is_closing = true;
    lt_framer_finish(&c->framer);
    lt_table_batch_flush(c->worker->settings.tally.table, &c->worker->batch);
    uv_close((uv_handle_t *)&c->handle, on_closed);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    lt_tcp_conn_t *c = h->data;
    /* libuv calls the read callback before the next alloc on this loop, so one buffer per
     * worker serves every connection; the framer copies out what a read leaves unfinished. */
    buf->base = c->worker->read_buf;
    buf->len = LT_TCP_READ_BYTES;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    lt_tcp_conn_t *c = s->data;
    lt_worker_t *w = c->worker;

    if (nread > 0) {
        w->now_ms = lt_worker_wall_ms();
        c->last_read_ms = w->now_ms;
        lt_counter_add(&stats_of(w)->received_bytes[LT_TRANSPORT_TCP], (uint64_t)nread);
        lt_framer_feed(&c->framer, buf->base, (size_t)nread);
        lt_table_batch_flush(w->settings.tally.table, &w->batch);
    } else if (nread < 0) {
        conn_close(c);
    }
}

static void on_refused_closed(uv_handle_t *h)
{
    lt_free(h);
}

/* A connection on w's loop, linked into its list and counted in its gauge; the caller opens
 * or accepts its handle. */
static lt_tcp_conn_t *conn_new(lt_worker_t *w)
{
    lt_tcp_conn_t *c = lt_calloc(1, sizeof(*c));
    c->worker = w;
    c->handle.data = c;
    uv_tcp_init(&w->loop, &c->handle);
    c->next = w->conns;
    if (w->conns != NULL)
        w->conns->prev = c;
    w->conns = c;
    lt_gauge_add(w->tcp_open, 1);
    lt_framer_init(&c->framer, w->settings.max_message_bytes, on_message, on_reject, c);
    return c;
}

static void conn_start(lt_tcp_conn_t *c)
{
    struct sockaddr_storage sa;
    int len = sizeof(sa);
    if (uv_tcp_getpeername(&c->handle, (struct sockaddr *)&sa, &len) == 0)
        lt_worker_format_addr((struct sockaddr *)&sa, c->peer, sizeof(c->peer));
    c->last_read_ms = lt_worker_wall_ms();
    if (uv_read_start((uv_stream_t *)&c->handle, on_alloc, on_read) != 0)
        conn_close(c);
}

/* The worker serving the fewest TCP connections if it serves fewer than w did before its
 * newest one (ties stay: no move for nothing); NULL to keep it. A racy read is harmless: the
 * worst case is one connection more on a worker. */
static lt_worker_t *lighter_worker(const lt_worker_t *w)
{
    const lt_workers_t *ws = w->owner;
    int64_t fewest = lt_gauge_get(w->tcp_open) - 1;
    lt_worker_t *to = NULL;
    for (unsigned i = 0; i < ws->count; i++) {
        int64_t n = lt_gauge_get(ws->workers[i].tcp_open);
        if (i != w->index && n < fewest) {
            fewest = n;
            to = &ws->workers[i];
        }
    }
    return to;
}

/* Moves c, accepted and not yet read, to worker to: a duplicate of its socket goes into to's
 * mailbox, counted in to's gauge at once so that the next accept anywhere sees it, and c is
 * closed here without counting a closed connection. false (to is stopping, its mailbox is
 * full, no descriptor left) leaves c with its worker. */
static bool conn_move(lt_tcp_conn_t *c, lt_worker_t *to)
{
    uv_os_fd_t fd;
    bool is_moved = false;
    if (uv_fileno((uv_handle_t *)&c->handle, &fd) != 0)
        return false;
    uv_mutex_lock(&to->handoff_lock);
    if (to->is_taking_handoffs && to->handoff_count < LT_HANDOFF_SLOTS) {
        /* fcntl, not dup: ThreadSanitizer's dup treats the new number as closed first, and
         * libuv closes descriptors with a raw syscall it does not see, so a number reused
         * across threads would be reported as a race. */
        int moved = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (moved >= 0) {
            to->handoff_fds[to->handoff_count++] = moved;
            lt_gauge_add(to->tcp_open, 1);
            /* Under the lock: on_stop clears is_taking_handoffs under it before closing the
             * async, so the handle is alive here. */
            uv_async_send(&to->handoff_async);
            is_moved = true;
        }
    }
    uv_mutex_unlock(&to->handoff_lock);
    if (!is_moved)
        return false;
    conn_unlink(c);
    c->is_closing = true;
    uv_close((uv_handle_t *)&c->handle, on_moved_closed);
    return true;
}

static void on_handoff(uv_async_t *a)
{
    lt_worker_t *w = a->data;
    int fds[LT_HANDOFF_SLOTS];
    uv_mutex_lock(&w->handoff_lock);
    size_t n = w->handoff_count;
    memcpy(fds, w->handoff_fds, n * sizeof(fds[0]));
    w->handoff_count = 0;
    uv_mutex_unlock(&w->handoff_lock);
    for (size_t i = 0; i < n; i++) {
        lt_gauge_add(w->tcp_open, -1); /* conn_new counts it again */
        lt_tcp_conn_t *c = conn_new(w);
        if (uv_tcp_open(&c->handle, fds[i]) != 0) {
            close(fds[i]);
            conn_close(c);
            continue;
        }
        conn_start(c);
    }
}

void lt_ingest_tcp_handoff_open(lt_worker_t *w)
{
    uv_async_init(&w->loop, &w->handoff_async, on_handoff);
    w->handoff_async.data = w;
    uv_mutex_lock(&w->handoff_lock);
    w->is_taking_handoffs = true;
    uv_mutex_unlock(&w->handoff_lock);
}

void lt_ingest_tcp_handoff_close(lt_worker_t *w)
{
    uv_mutex_lock(&w->handoff_lock);
    w->is_taking_handoffs = false;
    uv_mutex_unlock(&w->handoff_lock);
    /* Nobody posts any more. The sockets still waiting are opened and closed at once like
     * every other connection of a stopping worker (nothing was read from them); through
     * libuv, so that they are closed the way libuv closes descriptors. */
    on_handoff(&w->handoff_async);
    lt_ingest_tcp_close_all(w);
    uv_close((uv_handle_t *)&w->handoff_async, NULL);
}

/* Failed accepts are counted, reported and waited out by the listener (lt_listener.h). */
static void on_connection(void *arg, uv_stream_t *server)
{
    lt_worker_t *w = arg;
    lt_stats_t *st = stats_of(w);

    /* Reserve a place first, so that workers racing for the last one cannot both win. */
    int64_t open = atomic_fetch_add_explicit(&st->connections[LT_TRANSPORT_TCP], 1,
                                             memory_order_relaxed);
    if (open >= (int64_t)w->settings.max_connections) {
        lt_gauge_add(&st->connections[LT_TRANSPORT_TCP], -1);
        uv_tcp_t *refused = lt_malloc(sizeof(*refused));
        uv_tcp_init(&w->loop, refused);
        if (uv_accept(server, (uv_stream_t *)refused) == 0)
            lt_counter_add(&st->connections_refused[LT_TRANSPORT_TCP], 1);
        uv_close((uv_handle_t *)refused, on_refused_closed);
        return;
    }

    lt_tcp_conn_t *c = conn_new(w);
    if (uv_accept(server, (uv_stream_t *)&c->handle) != 0) {
        conn_close(c);
        return;
    }
    uv_os_fd_t fd;
    if (uv_fileno((uv_handle_t *)&c->handle, &fd) == 0 &&
        lt_fdlimit_is_near(fd, LT_FDLIMIT_RESERVE_INGEST)) {
        lt_counter_add(&st->fd_limit_refused[LT_TRANSPORT_TCP], 1);
        lt_fdlimit_report(&st->fd_limit_log, "tcp", fd, LT_FDLIMIT_RESERVE_INGEST,
                          lt_worker_wall_ms() / 1000);
        conn_close(c);
        return;
    }
    lt_counter_add(&st->connections_accepted[LT_TRANSPORT_TCP], 1);
    lt_worker_t *to = lighter_worker(w);
    if (to != NULL && conn_move(c, to))
        return;
    conn_start(c);
}

static void on_handle_closed(uv_handle_t *h)
{
    lt_free(h);
}

void lt_ingest_close_handle(uv_handle_t *h)
{
    if (h != NULL && !uv_is_closing(h))
        uv_close(h, on_handle_closed);
}

lt_listener_t *lt_ingest_tcp_listen(lt_worker_t *w, int fd)
{
    const lt_listener_config_t cfg = {
        .on_connection = on_connection,
        .arg = w,
        .stats = stats_of(w),
        .transport = LT_TRANSPORT_TCP,
    };
    lt_listener_t *l = NULL;
    int rc = lt_listener_open(&l, &w->loop, fd, &cfg);
    if (rc != 0) {
        lt_log(LT_LOG_ERR, "worker %u: cannot listen on tcp fd %d: %s", w->index, fd,
               lt_strerror(rc));
        return NULL;
    }
    return l;
}

int lt_ingest_tcp_start(lt_worker_t *w)
{
    const lt_workers_t *ws = w->owner;
    w->tcp_listeners = lt_calloc(ws->tcp_count + 1, sizeof(lt_listener_t *));
    for (size_t a = 0; a < ws->tcp_count; a++) {
        w->tcp_listener_count = a + 1;
        w->tcp_listeners[a] = lt_ingest_tcp_listen(w, ws->tcp_fds[w->index * ws->tcp_count + a]);
        if (w->tcp_listeners[a] == NULL)
            return UV_EINVAL;
    }
    return 0;
}

void lt_ingest_tcp_close_listeners(lt_worker_t *w)
{
    for (size_t a = 0; a < w->tcp_listener_count; a++)
        lt_listener_close(w->tcp_listeners[a], NULL);
}

void lt_ingest_tcp_close_all(lt_worker_t *w)
{
    for (lt_tcp_conn_t *c = w->conns; c != NULL; c = c->next)
        conn_close(c);
}

void lt_ingest_tcp_apply_limits(lt_worker_t *w)
{
    for (lt_tcp_conn_t *c = w->conns; c != NULL; c = c->next)
        lt_framer_set_max_message_bytes(&c->framer, w->settings.max_message_bytes);
}

void lt_ingest_tcp_sweep_idle(lt_worker_t *w)
{
    int64_t limit_ms = (int64_t)w->settings.idle_timeout_s * 1000;
    if (limit_ms <= 0)
        return;
    for (lt_tcp_conn_t *c = w->conns; c != NULL; c = c->next) {
        if (!c->is_closing && w->now_ms - c->last_read_ms >= limit_ms) {
            lt_counter_add(&stats_of(w)->idle_closed[LT_TRANSPORT_TCP], 1);
            conn_close(c);
        }
    }
}
