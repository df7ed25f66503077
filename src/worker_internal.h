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
#include "lt_table.h"
#include "lt_worker.h"

#define LT_TCP_READ_BYTES (64 * 1024)
/* libuv 1.44 cuts a recvmmsg buffer into 64 KiB slots and reads at most 20 datagrams. */
#define LT_UDP_SLOT_BYTES (64 * 1024)
#define LT_UDP_BATCH 20

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
    uv_tcp_t *tcp_listeners;      /* one per configured TCP address */
    uv_udp_t *udp_sockets;        /* one per configured UDP address */
    lt_table_batch_t batch;       /* counts of the current read, flushed at its end */
    char *read_buf;               /* TCP reads: one buffer, reused by every connection */
    char *udp_buf;                /* UDP recvmmsg buffer: LT_UDP_BATCH slots */
    lt_tcp_conn_t *conns;         /* open connections (doubly linked) */
    int64_t now_ms;               /* wall clock of the read being handled */
    char udp_peer[64];            /* the last UDP peer, formatted once per change */
    struct sockaddr_storage udp_peer_sa;
} lt_worker_t;

struct lt_workers_s {
    const lt_config_t *config; /* read only while starting, on main's thread */
    lt_worker_settings_t initial;
    uv_mutex_t mailbox_lock;   /* guards pending and pending_generation */
    lt_worker_settings_t pending;
    uint64_t pending_generation;
    unsigned count;
    lt_worker_t *workers;
    size_t tcp_count, udp_count;
    int *tcp_fds; /* [worker * tcp_count + address] */
    int *udp_fds; /* [worker * udp_count + address] */
    bool is_udp_shared; /* the UDP sockets are inherited: each worker holds a dup of one */
    struct sockaddr_storage *tcp_bound; /* resolved addresses, one per configured address */
    struct sockaddr_storage *udp_bound;
};

/* Wall-clock milliseconds (coarse clock: one vDSO call per read, not per message). */
int64_t lt_worker_wall_ms(void);


/* ingest_tcp.c: start listening on the worker's TCP sockets; close them; close every
 * connection (counting partial messages as truncated); close connections idle too long;
 * give every open connection the worker's current max_message_bytes. */
int lt_ingest_tcp_start(lt_worker_t *w);
void lt_ingest_tcp_apply_limits(lt_worker_t *w);
void lt_ingest_tcp_close_listeners(lt_worker_t *w);
void lt_ingest_tcp_close_all(lt_worker_t *w);
void lt_ingest_tcp_sweep_idle(lt_worker_t *w);

/* ingest_udp.c: start receiving on the worker's UDP sockets; close them. */
int lt_ingest_udp_start(lt_worker_t *w);
void lt_ingest_udp_close(lt_worker_t *w);

#endif
