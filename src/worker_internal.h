/* SPDX-License-Identifier: MIT */
/* What worker.c, ingest_tcp.c and ingest_udp.c share: the per-thread worker state. Not part
 * of any public contract. */
#ifndef LT_WORKER_INTERNAL_H
#define LT_WORKER_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "lt_framer.h"
#include "lt_listener.h"
#include "lt_table.h"
#include "lt_worker.h"

#define LT_TCP_READ_BYTES (64 * 1024)
/* libuv 1.44 cuts a recvmmsg buffer into 64 KiB slots and reads at most 20 datagrams. */
#define LT_UDP_SLOT_BYTES (64 * 1024)
#define LT_UDP_BATCH 20
/* Accepted sockets that may wait in one worker's hand-off mailbox; beyond, the accepting
 * worker keeps the connection. */
#define LT_HANDOFF_SLOTS 64

typedef struct lt_tcp_conn_s lt_tcp_conn_t;

typedef struct lt_worker_s {
    struct lt_workers_s *owner;
    unsigned index;
    uv_thread_t thread;
    uv_loop_t loop;
    uv_async_t stop_async;
    uv_async_t reload_async;      /* new settings wait in the owner's mailbox */
    lt_worker_settings_t settings; /* this thread's own copy: read only here */
    _Atomic uint64_t adopted_generation; /* the last reload this worker applied */
    uv_timer_t tick;              /* each second: idle sweep, batch flush, liveness stamp */
    _Atomic int64_t last_tick_ms; /* read by lt_workers_alive from other threads */
    lt_listener_t **tcp_listeners; /* one per TCP address in force (NULL: failed to open) */
    size_t tcp_listener_count;
    uv_udp_t **udp_sockets;       /* one per UDP address in force (NULL: failed to open) */
    size_t udp_socket_count;
    lt_table_batch_t batch;       /* counts of the current read, flushed at its end */
    char *read_buf;               /* TCP reads: one buffer, reused by every connection */
    char *udp_buf;                /* UDP recvmmsg buffer: LT_UDP_BATCH slots */
    lt_tcp_conn_t *conns;         /* open connections (doubly linked) */
    lt_gauge_t *tcp_open;         /* its stats.worker_tcp gauge: held plus handed to it */
    uv_async_t handoff_async;     /* wakes the worker to open the sockets handed to it */
    uv_mutex_t handoff_lock;      /* guards the three fields below; initialised before any
                                   * worker runs, since any of them may hand to any other */
    bool is_taking_handoffs;      /* from worker_prepare until on_stop */
    int handoff_fds[LT_HANDOFF_SLOTS];
    size_t handoff_count;
    int64_t now_ms;               /* wall clock of the read being handled */
    char udp_peer[64];            /* the last UDP peer, formatted once per change */
    uint64_t udp_unflushed;       /* datagrams of this batch, not yet in stats.worker_udp */
    struct sockaddr_storage udp_peer_sa;
} lt_worker_t;

/* What one worker does to its listeners of one kind on a rebind: place i keeps the worker's
 * old listener from[i], or opens fds[i] when from[i] is -1. */
typedef struct {
    bool is_changed;
    size_t count;
    int from[LT_CONFIG_MAX_LISTENERS];
    int fds[LT_CONFIG_MAX_LISTENERS];
} lt_listen_plan_t;

struct lt_workers_s {
    const lt_config_t *config; /* read only while starting, on main's thread */
    lt_worker_settings_t initial;
    size_t initial_rcvbuf_bytes; /* udp.rcvbuf_bytes in force, for sockets a reload binds */
    uv_mutex_t mailbox_lock;   /* guards pending and pending_generation */
    lt_worker_settings_t pending;
    uint64_t pending_generation;
    lt_listen_plan_t (*plans)[2]; /* per worker, tcp and udp; mailbox too */
    bool *has_plan;               /* per worker: a plan waits to be taken */
    unsigned count;
    lt_worker_t *workers;
    size_t tcp_count, udp_count;
    int *tcp_fds; /* [worker * tcp_count + address] */
    int *udp_fds; /* [worker * udp_count + address] */
    bool is_udp_shared; /* the UDP sockets are inherited: each worker holds a dup of one */
    bool is_tcp_inherited;
    lt_addr_t tcp_addrs[LT_CONFIG_MAX_LISTENERS]; /* as configured, while not inherited */
    lt_addr_t udp_addrs[LT_CONFIG_MAX_LISTENERS];
    struct sockaddr_storage *tcp_bound; /* resolved addresses, one per configured address */
    struct sockaddr_storage *udp_bound;
};

/* Wall-clock milliseconds (coarse clock: one vDSO call per read, not per message). */
int64_t lt_worker_wall_ms(void);


/* ingest_tcp.c: start listening on the worker's TCP sockets; close them; close every
 * connection (counting partial messages as truncated); close connections idle too long;
 * give every open connection the worker's current max_message_bytes. */
int lt_ingest_tcp_start(lt_worker_t *w);
/* The hand-off mailbox (see ingest_tcp.c): opened in worker_prepare, and closed by on_stop,
 * which also closes the sockets still waiting in it. */
void lt_ingest_tcp_handoff_open(lt_worker_t *w);
void lt_ingest_tcp_handoff_close(lt_worker_t *w);
void lt_ingest_tcp_apply_limits(lt_worker_t *w);
void lt_ingest_tcp_close_listeners(lt_worker_t *w);

/* One listener on fd (ingest_tcp.c; lt_listener_close closes it) or one UDP socket
 * (ingest_udp.c; lt_ingest_close_handle closes and frees it) on the worker's loop; NULL on
 * error (logged). The TCP one takes ownership of fd either way. */
lt_listener_t *lt_ingest_tcp_listen(lt_worker_t *w, int fd);
uv_udp_t *lt_ingest_udp_open(lt_worker_t *w, int fd);
void lt_ingest_close_handle(uv_handle_t *h);
void lt_ingest_tcp_close_all(lt_worker_t *w);
void lt_ingest_tcp_sweep_idle(lt_worker_t *w);

/* ingest_udp.c: start receiving on the worker's UDP sockets; close them. */
int lt_ingest_udp_start(lt_worker_t *w);
void lt_ingest_udp_close(lt_worker_t *w);

#endif
