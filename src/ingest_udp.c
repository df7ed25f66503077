/* SPDX-License-Identifier: MIT */
/* UDP syslog ingest (RFC 5426): one message per datagram, read in batches with recvmmsg
 * through libuv, into one per-worker buffer. Kernel drops are not visible here; they are
 * read from the sockets at scrape time (lt_workers_udp_info). */
#include <string.h>

#include "lt_alloc.h"
#include "lt_log.h"
#include "lt_tally.h"
#include "worker_internal.h"

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    lt_worker_t *w = h->data;
    /* libuv (1.44) splits a big buffer into 64 KiB slots for recvmmsg; nothing is freed per
     * batch since the buffer belongs to the worker. */
    buf->base = w->udp_buf;
    buf->len = (size_t)LT_UDP_SLOT_BYTES * LT_UDP_BATCH;
}

static const char *peer_text(lt_worker_t *w, const struct sockaddr *sa)
{
    size_t len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                           : sizeof(struct sockaddr_in);
    /* Senders send many datagrams in a row: format the peer once per change. */
    if (memcmp(&w->udp_peer_sa, sa, len) != 0) {
        memcpy(&w->udp_peer_sa, sa, len);
        lt_worker_format_addr(sa, w->udp_peer, sizeof(w->udp_peer));
    }
    return w->udp_peer;
}

static void on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *addr,
                    unsigned flags)
{
    lt_worker_t *w = h->data;
    const lt_tally_t *tally = &w->settings.tally;

    if (nread > 0 && addr != NULL) {
        if (!(flags & UV_UDP_MMSG_CHUNK) || w->now_ms == 0)
            w->now_ms = lt_worker_wall_ms();
        lt_counter_add(&tally->stats->received_bytes[LT_TRANSPORT_UDP], (uint64_t)nread);
        w->udp_unflushed++;
        size_t n = lt_framer_strip_trailer(buf->base, (size_t)nread);
        if ((flags & UV_UDP_PARTIAL) || n > w->settings.max_message_bytes)
            lt_tally_reject(tally, LT_TRANSPORT_UDP, LT_REJECT_OVERSIZE);
        else if (n > 0)
            lt_tally_message(tally, &w->batch, LT_TRANSPORT_UDP, peer_text(w, addr), buf->base, n,
                             w->now_ms);
    }
    /* A recvmmsg batch ends with a UV_UDP_MMSG_FREE call; a single read has no CHUNK flag. */
    if (!(flags & UV_UDP_MMSG_CHUNK)) {
        lt_table_batch_flush(tally->table, &w->batch);
        lt_counter_add(&tally->stats->worker_udp[w->index], w->udp_unflushed);
        w->udp_unflushed = 0;
        w->now_ms = 0;
    }
}

uv_udp_t *lt_ingest_udp_open(lt_worker_t *w, int fd)
{
    uv_udp_t *u = lt_malloc(sizeof(*u));
    /* AF_UNSPEC: libuv creates no socket of its own; we hand it the SO_REUSEPORT one. */
    int rc = uv_udp_init_ex(&w->loop, u, AF_UNSPEC | UV_UDP_RECVMMSG);
    if (rc != 0) {
        lt_free(u);
        lt_log(LT_LOG_ERR, "worker %u: cannot open udp fd %d: %s", w->index, fd, lt_strerror(rc));
        return NULL;
    }
    u->data = w;
    if (w->udp_buf == NULL) /* the first UDP socket, maybe added by a reload */
        w->udp_buf = lt_malloc((size_t)LT_UDP_SLOT_BYTES * LT_UDP_BATCH);
    if ((rc = uv_udp_open(u, fd)) != 0 || (rc = uv_udp_recv_start(u, on_alloc, on_recv)) != 0) {
        lt_log(LT_LOG_ERR, "worker %u: cannot open udp fd %d: %s", w->index, fd, lt_strerror(rc));
        lt_ingest_close_handle((uv_handle_t *)u);
        return NULL;
    }
    return u;
}

int lt_ingest_udp_start(lt_worker_t *w)
{
    const lt_workers_t *ws = w->owner;
    w->udp_sockets = lt_calloc(ws->udp_count + 1, sizeof(uv_udp_t *));
    for (size_t a = 0; a < ws->udp_count; a++) {
        w->udp_socket_count = a + 1;
        w->udp_sockets[a] = lt_ingest_udp_open(w, ws->udp_fds[w->index * ws->udp_count + a]);
        if (w->udp_sockets[a] == NULL)
            return UV_EINVAL;
    }
    return 0;
}

void lt_ingest_udp_close(lt_worker_t *w)
{
    for (size_t a = 0; a < w->udp_socket_count; a++)
        lt_ingest_close_handle((uv_handle_t *)w->udp_sockets[a]);
}
