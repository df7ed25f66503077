/* SPDX-License-Identifier: MIT */
/* The ingest threads. Every configured address is bound once per worker with SO_REUSEPORT
 * (the kernel then spreads connections and datagrams across the workers' sockets), each
 * worker runs its own uv_loop on its own thread over its own sockets, and the only ways in
 * from another thread are the stop async and the reload async (with its mailbox). */
#include "lt_worker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lt_alloc.h"
#include "lt_log.h"
#include "worker_internal.h"

_Static_assert(LT_STATS_MAX_WORKERS == LT_CONFIG_MAX_WORKERS, "one gauge per possible worker");

#define TICK_MS 1000
#define ALIVE_WITHIN_MS 5000

int64_t lt_worker_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lt_worker_format_addr(const struct sockaddr *sa, char *out, size_t n)
{
    char host[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
        snprintf(out, n, "[%s]:%u", host, ntohs(s6->sin6_port));
    } else if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
        snprintf(out, n, "%s:%u", host, ntohs(s4->sin_port));
    } else {
        snprintf(out, n, "?");
    }
}

static socklen_t sa_len(const struct sockaddr *sa)
{
    return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* A plain bind without SO_REUSEPORT tells whether anyone else holds the port (another
 * logtallyd with SO_REUSEPORT would otherwise silently share it), and resolves port 0. */
static int probe_bind(const struct sockaddr *sa, int type, struct sockaddr_storage *bound)
{
    int rc = 0;
    int fd = socket(sa->sa_family, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (bind(fd, sa, sa_len(sa)) != 0) {
        rc = -errno;
        goto out;
    }
    socklen_t len = sizeof(*bound);
    if (getsockname(fd, (struct sockaddr *)bound, &len) != 0)
        rc = -errno;
out:
    close(fd);
    return rc;
}

static int open_shared_socket(const struct sockaddr_storage *sa, int type, int *out)
{
    int rc;
    int on = 1;
    int fd = socket(sa->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0
        || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0
        || bind(fd, (const struct sockaddr *)sa, sa_len((const struct sockaddr *)sa)) != 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    if (type == SOCK_STREAM && listen(fd, SOMAXCONN) != 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    *out = fd;
    return 0;
}

static void set_receive_buffer(int fd, size_t bytes)
{
    if (bytes == 0)
        return;
    int v = bytes > (size_t)INT32_MAX / 2 ? INT32_MAX / 2 : (int)bytes;
    /* SO_RCVBUFFORCE passes net.core.rmem_max when we have CAP_NET_ADMIN; else the kernel
     * caps SO_RCVBUF at rmem_max, and the effective size shows in the metrics. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

/* SO_REUSEPORT picks a group's socket by hashing a datagram's addresses, so all of one
 * sender's datagrams go to one worker, and two senders often to the same one. A classic BPF
 * program attached to the group picks a socket at random for each datagram instead (the
 * index is the order the workers' sockets were bound in); counting does not care which worker
 * reads a datagram. Best effort: without it the hash still spreads the senders. */
static void spread_datagrams(int fd, unsigned workers)
{
    if (workers < 2)
        return;
    struct sock_filter code[] = {
        {BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)(SKF_AD_OFF + SKF_AD_RANDOM)},
        {BPF_ALU | BPF_MOD | BPF_K, 0, 0, workers},
        {BPF_RET | BPF_A, 0, 0, 0},
    };
    struct sock_fprog prog = {sizeof(code) / sizeof(code[0]), code};
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog)) != 0)
        lt_log(LT_LOG_WARNING, "udp: cannot spread datagrams over the workers (%s); the "
                               "kernel's hash of each sender's address picks one",
               lt_strerror(-errno));
}

/* Binds address a (of count) once per worker into fds[w * count + a], after a plain bind that
 * resolves it into *bound; UDP sockets get their receive buffer and the random spread. On
 * error the sockets opened so far stay in fds, for the caller's clean-up. */
static int bind_group(lt_workers_t *ws, const lt_addr_t *addr, int type, size_t a, size_t count,
                      struct sockaddr_storage *bound, int *fds, size_t rcvbuf_bytes)
{
    int rc = probe_bind((const struct sockaddr *)&addr->sa, type, bound);
    for (unsigned w = 0; rc == 0 && w < ws->count; w++) {
        rc = open_shared_socket(bound, type, &fds[w * count + a]);
        if (rc == 0 && type == SOCK_DGRAM)
            set_receive_buffer(fds[w * count + a], rcvbuf_bytes);
    }
    if (rc == 0 && type == SOCK_DGRAM)
        spread_datagrams(fds[a], ws->count);
    return rc;
}

/* Binds kind's addresses for every worker. Logs the failing address. */
static int bind_all(lt_workers_t *ws, const lt_addr_t *addrs, size_t count, int type,
                    struct sockaddr_storage *bound, int *fds, const char *kind)
{
    for (size_t a = 0; a < count; a++) {
        int rc = bind_group(ws, &addrs[a], type, a, count, &bound[a], fds,
                            ws->config->udp_rcvbuf_bytes);
        if (rc != 0) {
            lt_log(LT_LOG_ERR, "cannot listen on %s %s: %s", kind, addrs[a].text, lt_strerror(rc));
            return rc;
        }
        char text[80];
        lt_worker_format_addr((const struct sockaddr *)&bound[a], text, sizeof(text));
        lt_log(LT_LOG_INFO, "listening on %s %s", kind, text);
    }
    return 0;
}

/* Adopts sockets systemd passed (already in fds' worker-0 row): every other worker gets a
 * dup of each, so all loops poll the same socket and queue. libuv forbids one handle on two
 * loops, not two descriptors of one socket: a connection or datagram wakes several loops and
 * one wins; the losers' accept or recvmmsg gets EAGAIN, which libuv treats as "nothing". */
static int adopt_all(lt_workers_t *ws, size_t count, int type, struct sockaddr_storage *bound,
                     int *fds, const char *kind)
{
    for (size_t a = 0; a < count; a++) {
        int rc = 0;
        socklen_t len = sizeof(bound[a]);
        if (getsockname(fds[a], (struct sockaddr *)&bound[a], &len) != 0)
            rc = -errno;
        if (rc == 0 && type == SOCK_DGRAM)
            set_receive_buffer(fds[a], ws->config->udp_rcvbuf_bytes);
        for (unsigned w = 1; rc == 0 && w < ws->count; w++)
            if ((fds[w * count + a] = fcntl(fds[a], F_DUPFD_CLOEXEC, 3)) < 0)
                rc = -errno;
        if (rc != 0) {
            lt_log(LT_LOG_ERR, "cannot use the inherited %s socket fd %d: %s", kind, fds[a],
                   lt_strerror(rc));
            return rc;
        }
        char text[80];
        lt_worker_format_addr((const struct sockaddr *)&bound[a], text, sizeof(text));
        lt_log(LT_LOG_INFO, "listening on %s %s", kind, text);
    }
    return 0;
}

static void on_tick(uv_timer_t *t)
{
    lt_worker_t *w = t->data;
    w->now_ms = lt_worker_wall_ms();
    atomic_store_explicit(&w->last_tick_ms, w->now_ms, memory_order_relaxed);
    lt_ingest_tcp_sweep_idle(w);
    lt_table_batch_flush(w->settings.tally.table, &w->batch);
}

lt_worker_settings_t lt_worker_settings(const lt_config_t *c, const lt_tally_t *tally)
{
    return (lt_worker_settings_t){
        .tally = *tally,
        .max_connections = c->max_connections,
        .max_message_bytes = c->max_message_bytes,
        .idle_timeout_s = c->idle_timeout_s,
    };
}

/* Takes worker index's listener plan out of the mailbox (lock held). */
static bool take_plan(lt_workers_t *ws, unsigned index, lt_listen_plan_t plan[2])
{
    if (!ws->has_plan[index])
        return false;
    plan[0] = ws->plans[index][0];
    plan[1] = ws->plans[index][1];
    ws->has_plan[index] = false;
    return true;
}

/* How adopt_plan opens and closes one kind of listener. */
typedef struct {
    void *(*open)(lt_worker_t *w, int fd);
    void (*close)(void *listener);
} listener_ops_t;

static void *open_tcp(lt_worker_t *w, int fd)
{
    return lt_ingest_tcp_listen(w, fd);
}

/* A paused listener closes too: its timer goes with it, so it never listens again. */
static void close_tcp(void *listener)
{
    lt_listener_close(listener, NULL);
}

static void *open_udp(lt_worker_t *w, int fd)
{
    return lt_ingest_udp_open(w, fd);
}

static void close_udp(void *udp)
{
    lt_ingest_close_handle(udp);
}

static const listener_ops_t TCP_OPS = {open_tcp, close_tcp};
static const listener_ops_t UDP_OPS = {open_udp, close_udp};

/* Keeps the listeners the plan keeps, opens the new ones, closes the rest. Connections
 * accepted earlier are not listeners: they stay open whatever happens here. */
static void adopt_plan(lt_worker_t *w, void ***handles, size_t *count, const lt_listen_plan_t *p,
                       const listener_ops_t *ops)
{
    if (!p->is_changed)
        return;
    void **next = lt_calloc(p->count + 1, sizeof(*next));
    bool is_kept[LT_CONFIG_MAX_LISTENERS] = {false};
    for (size_t i = 0; i < p->count; i++) {
        if (p->from[i] >= 0) {
            next[i] = (*handles)[p->from[i]];
            is_kept[p->from[i]] = true;
        } else {
            next[i] = ops->open(w, p->fds[i]);
        }
    }
    for (size_t a = 0; a < *count; a++)
        if (!is_kept[a] && (*handles)[a] != NULL)
            ops->close((*handles)[a]);
    lt_free(*handles);
    *handles = next;
    *count = p->count;
}

/* Closes the new sockets of a plan no worker will adopt. */
static void drop_plan(const lt_listen_plan_t plan[2])
{
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; plan[k].is_changed && i < plan[k].count; i++)
            if (plan[k].from[i] < 0)
                close(plan[k].fds[i]);
}

/* Runs on the worker's thread, between reads: nothing of the old settings is in use. */
static void on_reload(uv_async_t *a)
{
    lt_worker_t *w = a->data;
    lt_workers_t *ws = w->owner;
    lt_listen_plan_t plan[2];
    uv_mutex_lock(&ws->mailbox_lock);
    w->settings = ws->pending;
    uint64_t generation = ws->pending_generation;
    bool has_plan = take_plan(ws, w->index, plan);
    uv_mutex_unlock(&ws->mailbox_lock);
    if (has_plan) {
        adopt_plan(w, (void ***)&w->tcp_listeners, &w->tcp_listener_count, &plan[0], &TCP_OPS);
        adopt_plan(w, (void ***)&w->udp_sockets, &w->udp_socket_count, &plan[1], &UDP_OPS);
    }
    /* Counts batched under the old labels go to their series before new keys are built. */
    lt_table_batch_flush(w->settings.tally.table, &w->batch);
    lt_ingest_tcp_apply_limits(w);
    /* Release: main, reading the acknowledgement with acquire, may free the old ring. */
    lt_publish_u64(&w->adopted_generation, generation);
}

static void on_stop(uv_async_t *a)
{
    lt_worker_t *w = a->data;
    lt_listen_plan_t plan[2];
    uv_mutex_lock(&w->owner->mailbox_lock);
    bool has_plan = take_plan(w->owner, w->index, plan);
    uv_mutex_unlock(&w->owner->mailbox_lock);
    if (has_plan)
        drop_plan(plan);
    lt_ingest_tcp_close_listeners(w);
    lt_ingest_udp_close(w);
    lt_ingest_tcp_close_all(w);
    lt_ingest_tcp_handoff_close(w);
    uv_close((uv_handle_t *)&w->tick, NULL);
    uv_close((uv_handle_t *)&w->stop_async, NULL);
    uv_close((uv_handle_t *)&w->reload_async, NULL);
}

static void worker_main(void *arg)
{
    lt_worker_t *w = arg;
    /* A name per thread ("lt-worker-0") for top -H, /proc/PID/task and the watchdog test. */
    char name[16];
    snprintf(name, sizeof(name), "lt-worker-%u", w->index);
    pthread_setname_np(pthread_self(), name);
    uv_run(&w->loop, UV_RUN_DEFAULT);
    /* Every handle is closed: nothing can add to the batch any more. */
    lt_table_batch_flush(w->settings.tally.table, &w->batch);
    int rc = uv_loop_close(&w->loop);
    if (rc != 0)
        lt_log(LT_LOG_WARNING, "worker %u: loop still had handles at exit", w->index);
}

static int worker_prepare(lt_workers_t *ws, lt_worker_t *w, unsigned index)
{
    int rc;
    w->owner = ws;
    w->index = index;
    w->settings = ws->initial;
    w->read_buf = lt_malloc(LT_TCP_READ_BYTES);
    w->udp_buf = ws->udp_count ? lt_malloc((size_t)LT_UDP_SLOT_BYTES * LT_UDP_BATCH) : NULL;
    w->now_ms = lt_worker_wall_ms();
    atomic_store(&w->last_tick_ms, w->now_ms);
    if ((rc = uv_loop_init(&w->loop)) != 0)
        return rc;
    uv_async_init(&w->loop, &w->stop_async, on_stop);
    w->stop_async.data = w;
    uv_async_init(&w->loop, &w->reload_async, on_reload);
    w->reload_async.data = w;
    lt_ingest_tcp_handoff_open(w);
    uv_timer_init(&w->loop, &w->tick);
    w->tick.data = w;
    uv_timer_start(&w->tick, on_tick, TICK_MS, TICK_MS);
    if ((rc = lt_ingest_tcp_start(w)) != 0 || (rc = lt_ingest_udp_start(w)) != 0)
        return rc;
    return 0;
}

static void free_workers(lt_workers_t *ws)
{
    for (unsigned i = 0; i < ws->count; i++) {
        lt_free(ws->workers[i].read_buf);
        lt_free(ws->workers[i].udp_buf);
        lt_free(ws->workers[i].tcp_listeners);
        lt_free(ws->workers[i].udp_sockets);
        uv_mutex_destroy(&ws->workers[i].handoff_lock);
    }
    lt_free(ws->workers);
    lt_free(ws->tcp_fds);
    lt_free(ws->udp_fds);
    lt_free(ws->tcp_bound);
    lt_free(ws->udp_bound);
    lt_free(ws->plans);
    lt_free(ws->has_plan);
    uv_mutex_destroy(&ws->mailbox_lock);
    lt_free(ws);
}

int lt_workers_start(lt_workers_t **out, const lt_config_t *config, const lt_tally_t *tally)
{
    return lt_workers_start_inherited(out, config, tally, NULL);
}

int lt_workers_start_inherited(lt_workers_t **out, const lt_config_t *config,
                               const lt_tally_t *tally, const lt_activation_t *inherited)
{
    int rc;
    unsigned started = 0;
    lt_workers_t *ws = lt_calloc(1, sizeof(*ws));
    bool is_tcp_inherited = inherited != NULL && inherited->tcp_count > 0;
    bool is_udp_inherited = inherited != NULL && inherited->udp_count > 0;
    ws->config = config;
    ws->initial = lt_worker_settings(config, tally);
    ws->initial_rcvbuf_bytes = config->udp_rcvbuf_bytes;
    ws->pending = ws->initial;
    uv_mutex_init(&ws->mailbox_lock);
    ws->count = lt_config_effective_workers(config);
    ws->tcp_count = is_tcp_inherited ? inherited->tcp_count : config->tcp_count;
    ws->udp_count = is_udp_inherited ? inherited->udp_count : config->udp_count;
    ws->is_udp_shared = is_udp_inherited;
    ws->is_tcp_inherited = is_tcp_inherited;
    for (size_t a = 0; !is_tcp_inherited && a < ws->tcp_count; a++)
        ws->tcp_addrs[a] = config->tcp[a];
    for (size_t a = 0; !is_udp_inherited && a < ws->udp_count; a++)
        ws->udp_addrs[a] = config->udp[a];
    ws->plans = lt_calloc(ws->count, sizeof(*ws->plans));
    ws->has_plan = lt_calloc(ws->count, sizeof(*ws->has_plan));
    ws->workers = lt_calloc(ws->count, sizeof(lt_worker_t));
    /* Any running worker may hand a connection to any other, even one not started yet. */
    for (unsigned i = 0; i < ws->count; i++) {
        uv_mutex_init(&ws->workers[i].handoff_lock);
        ws->workers[i].tcp_open = &tally->stats->worker_tcp[i];
    }
    atomic_store_explicit(&tally->stats->workers, (int64_t)ws->count, memory_order_relaxed);
    ws->tcp_fds = lt_calloc(ws->count * ws->tcp_count + 1, sizeof(int));
    ws->udp_fds = lt_calloc(ws->count * ws->udp_count + 1, sizeof(int));
    for (size_t i = 0; i < ws->count * ws->tcp_count; i++)
        ws->tcp_fds[i] = -1;
    for (size_t i = 0; i < ws->count * ws->udp_count; i++)
        ws->udp_fds[i] = -1;
    ws->tcp_bound = lt_calloc(ws->tcp_count + 1, sizeof(struct sockaddr_storage));
    ws->udp_bound = lt_calloc(ws->udp_count + 1, sizeof(struct sockaddr_storage));

    /* Inherited descriptors go into the arrays first, so every exit path below closes them. */
    for (size_t a = 0; is_tcp_inherited && a < ws->tcp_count; a++)
        ws->tcp_fds[a] = inherited->tcp_fds[a];
    for (size_t a = 0; is_udp_inherited && a < ws->udp_count; a++)
        ws->udp_fds[a] = inherited->udp_fds[a];

    rc = is_tcp_inherited
             ? adopt_all(ws, ws->tcp_count, SOCK_STREAM, ws->tcp_bound, ws->tcp_fds, "tcp")
             : bind_all(ws, config->tcp, ws->tcp_count, SOCK_STREAM, ws->tcp_bound, ws->tcp_fds,
                        "tcp");
    if (rc == 0)
        rc = is_udp_inherited
                 ? adopt_all(ws, ws->udp_count, SOCK_DGRAM, ws->udp_bound, ws->udp_fds, "udp")
                 : bind_all(ws, config->udp, ws->udp_count, SOCK_DGRAM, ws->udp_bound,
                            ws->udp_fds, "udp");
    if (rc != 0)
        goto fail_fds;

    for (started = 0; started < ws->count; started++) {
        lt_worker_t *w = &ws->workers[started];
        if ((rc = worker_prepare(ws, w, started)) != 0)
            goto fail;
        if ((rc = uv_thread_create(&w->thread, worker_main, w)) != 0)
            goto fail;
    }
    lt_log(LT_LOG_INFO, "%u ingest worker%s running", ws->count, ws->count == 1 ? "" : "s");
    *out = ws;
    return 0;

fail:
    /* The worker that failed owns a loop with handles; run its stop path inline. */
    lt_log(LT_LOG_ERR, "cannot start worker %u: %s", started, lt_strerror(rc));
    on_stop(&ws->workers[started].stop_async);
    worker_main(&ws->workers[started]);
    for (unsigned i = 0; i < started; i++) {
        uv_async_send(&ws->workers[i].stop_async);
        uv_thread_join(&ws->workers[i].thread);
    }
    free_workers(ws);
    return rc;
fail_fds:
    for (size_t i = 0; i < ws->count * ws->tcp_count; i++)
        if (ws->tcp_fds[i] >= 0)
            close(ws->tcp_fds[i]);
    for (size_t i = 0; i < ws->count * ws->udp_count; i++)
        if (ws->udp_fds[i] >= 0)
            close(ws->udp_fds[i]);
    free_workers(ws);
    return rc;
}

uint64_t lt_workers_reload(lt_workers_t *ws, const lt_worker_settings_t *settings,
                           size_t udp_rcvbuf_bytes)
{
    uv_mutex_lock(&ws->mailbox_lock);
    ws->pending = *settings;
    uint64_t generation = ++ws->pending_generation;
    uv_mutex_unlock(&ws->mailbox_lock);
    if (udp_rcvbuf_bytes != 0)
        ws->initial_rcvbuf_bytes = udp_rcvbuf_bytes;
    for (unsigned i = 0; i < ws->count; i++)
        uv_async_send(&ws->workers[i].reload_async);
    /* setsockopt on a socket another thread polls is safe; the kernel orders the two. */
    size_t n = ws->is_udp_shared ? ws->udp_count : ws->count * ws->udp_count;
    for (size_t i = 0; i < n; i++)
        set_receive_buffer(ws->udp_fds[i], udp_rcvbuf_bytes);
    return generation;
}

bool lt_workers_reloaded(const lt_workers_t *ws, uint64_t generation)
{
    for (unsigned i = 0; i < ws->count; i++)
        if (lt_acquire_u64(&ws->workers[i].adopted_generation) < generation)
            return false;
    return true;
}

/* One kind's change: the new list, and where each place's sockets come from. */
typedef struct {
    bool is_changed;
    size_t count;
    lt_addr_t addrs[LT_CONFIG_MAX_LISTENERS];
    int from[LT_CONFIG_MAX_LISTENERS]; /* old place kept, or -1: newly bound */
    struct sockaddr_storage bound[LT_CONFIG_MAX_LISTENERS];
    int *fds; /* [worker * count + place]: every socket of the new list */
} rebind_kind_t;

struct lt_workers_rebind_s {
    rebind_kind_t kind[2]; /* tcp, udp */
};

static bool same_list(const lt_addr_t *a, size_t na, const lt_addr_t *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i].text, b[i].text) != 0)
            return false;
    return true;
}

/* Plans one kind: keeps the places whose text is unchanged, binds the others. */
static int prepare_kind(lt_workers_t *ws, rebind_kind_t *k, const lt_addr_t *old, size_t nold,
                        const int *old_fds, const struct sockaddr_storage *old_bound,
                        const lt_addr_t *addrs, size_t count, int type, const char *kind)
{
    if (same_list(old, nold, addrs, count))
        return 0;
    k->is_changed = true;
    k->count = count;
    k->fds = lt_calloc(ws->count * count + 1, sizeof(int));
    for (size_t i = 0; i < ws->count * count; i++)
        k->fds[i] = -1;
    for (size_t b = 0; b < count; b++) {
        k->addrs[b] = addrs[b];
        k->from[b] = -1;
        for (size_t a = 0; a < nold; a++)
            if (strcmp(old[a].text, addrs[b].text) == 0)
                k->from[b] = (int)a;
        if (k->from[b] >= 0) {
            k->bound[b] = old_bound[k->from[b]];
            for (unsigned w = 0; w < ws->count; w++)
                k->fds[w * count + b] = old_fds[w * nold + (size_t)k->from[b]];
            continue;
        }
        int rc = bind_group(ws, &addrs[b], type, b, count, &k->bound[b], k->fds,
                            ws->initial_rcvbuf_bytes);
        if (rc != 0) {
            lt_log(LT_LOG_ERR, "reload: cannot listen on %s %s: %s", kind, addrs[b].text,
                   lt_strerror(rc));
            return rc;
        }
    }
    return 0;
}

void lt_workers_rebind_abort(lt_workers_t *ws, lt_workers_rebind_t *r)
{
    if (r == NULL)
        return;
    for (int i = 0; i < 2; i++) {
        rebind_kind_t *k = &r->kind[i];
        for (size_t b = 0; k->is_changed && b < k->count; b++)
            for (unsigned w = 0; k->from[b] < 0 && w < ws->count; w++)
                if (k->fds[w * k->count + b] >= 0)
                    close(k->fds[w * k->count + b]);
        lt_free(k->fds);
    }
    lt_free(r);
}

int lt_workers_rebind_prepare(lt_workers_t *ws, const lt_config_t *next, lt_workers_rebind_t **out)
{
    int rc = 0;
    *out = NULL;
    lt_workers_rebind_t *r = lt_calloc(1, sizeof(*r));
    bool is_tcp = !ws->is_tcp_inherited, is_udp = !ws->is_udp_shared;
    if ((is_tcp && !same_list(ws->tcp_addrs, ws->tcp_count, next->tcp, next->tcp_count))
        || (is_udp && !same_list(ws->udp_addrs, ws->udp_count, next->udp, next->udp_count))) {
        uv_mutex_lock(&ws->mailbox_lock);
        for (unsigned w = 0; w < ws->count; w++)
            if (ws->has_plan[w])
                rc = UV_EBUSY;
        uv_mutex_unlock(&ws->mailbox_lock);
        if (rc != 0) {
            lt_log(LT_LOG_ERR, "reload: a worker has not yet applied the previous listener change");
            goto fail;
        }
    }
    if (is_tcp
        && (rc = prepare_kind(ws, &r->kind[0], ws->tcp_addrs, ws->tcp_count, ws->tcp_fds,
                              ws->tcp_bound, next->tcp, next->tcp_count, SOCK_STREAM, "tcp"))
               != 0)
        goto fail;
    if (is_udp
        && (rc = prepare_kind(ws, &r->kind[1], ws->udp_addrs, ws->udp_count, ws->udp_fds,
                              ws->udp_bound, next->udp, next->udp_count, SOCK_DGRAM, "udp"))
               != 0)
        goto fail;
    if (!r->kind[0].is_changed && !r->kind[1].is_changed) {
        lt_free(r);
        return 0;
    }
    *out = r;
    return 0;
fail:
    lt_workers_rebind_abort(ws, r);
    return rc;
}

/* Swaps one kind's shared arrays for the new list and logs what changed. */
static void commit_kind(lt_workers_t *ws, rebind_kind_t *k, lt_addr_t *addrs, size_t *count,
                        int **fds, struct sockaddr_storage **bound, const char *kind)
{
    char text[80];
    bool is_kept[LT_CONFIG_MAX_LISTENERS] = {false};
    for (size_t b = 0; b < k->count; b++) {
        if (k->from[b] >= 0) {
            is_kept[k->from[b]] = true;
            continue;
        }
        lt_worker_format_addr((const struct sockaddr *)&k->bound[b], text, sizeof(text));
        lt_log(LT_LOG_INFO, "listening on %s %s", kind, text);
    }
    for (size_t a = 0; a < *count; a++) {
        if (is_kept[a])
            continue;
        lt_worker_format_addr((const struct sockaddr *)&(*bound)[a], text, sizeof(text));
        lt_log(LT_LOG_INFO, "no longer listening on %s %s", kind, text);
    }
    lt_free(*fds);
    lt_free(*bound);
    *fds = k->fds;
    k->fds = NULL;
    *bound = lt_calloc(k->count + 1, sizeof(**bound));
    memcpy(*bound, k->bound, k->count * sizeof(**bound));
    memcpy(addrs, k->addrs, k->count * sizeof(*addrs));
    *count = k->count;
}

void lt_workers_rebind_commit(lt_workers_t *ws, lt_workers_rebind_t *r)
{
    uv_mutex_lock(&ws->mailbox_lock);
    for (unsigned w = 0; w < ws->count; w++) {
        for (int i = 0; i < 2; i++) {
            const rebind_kind_t *k = &r->kind[i];
            lt_listen_plan_t *p = &ws->plans[w][i];
            p->is_changed = k->is_changed;
            p->count = k->count;
            for (size_t b = 0; k->is_changed && b < k->count; b++) {
                p->from[b] = k->from[b];
                p->fds[b] = k->from[b] < 0 ? k->fds[w * k->count + b] : -1;
            }
        }
        ws->has_plan[w] = true;
    }
    uv_mutex_unlock(&ws->mailbox_lock);
    if (r->kind[0].is_changed)
        commit_kind(ws, &r->kind[0], ws->tcp_addrs, &ws->tcp_count, &ws->tcp_fds, &ws->tcp_bound,
                    "tcp");
    if (r->kind[1].is_changed)
        commit_kind(ws, &r->kind[1], ws->udp_addrs, &ws->udp_count, &ws->udp_fds, &ws->udp_bound,
                    "udp");
    lt_free(r);
}

void lt_workers_stop(lt_workers_t *ws)
{
    for (unsigned i = 0; i < ws->count; i++)
        uv_async_send(&ws->workers[i].stop_async);
    for (unsigned i = 0; i < ws->count; i++)
        uv_thread_join(&ws->workers[i].thread);
    free_workers(ws);
}

size_t lt_workers_addresses(const lt_workers_t *ws, const char *kind,
                            struct sockaddr_storage *out, size_t max)
{
    bool is_tcp = strcmp(kind, "tcp") == 0;
    size_t n = is_tcp ? ws->tcp_count : ws->udp_count;
    const struct sockaddr_storage *src = is_tcp ? ws->tcp_bound : ws->udp_bound;
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = src[i];
    return n;
}

void lt_workers_udp_info(void *arg, lt_udp_info_t *out)
{
    const lt_workers_t *ws = arg;
    out->dropped = 0;
    out->rcvbuf_bytes = 0;
    /* getsockopt on a descriptor another thread polls is safe; the fds live until
     * lt_workers_stop, which main calls only after the HTTP server is closed. Dups of one
     * inherited socket share its drop counter: read worker 0's row only. */
    size_t n = ws->is_udp_shared ? ws->udp_count : ws->count * ws->udp_count;
    for (size_t i = 0; i < n; i++) {
        uint32_t mem[SK_MEMINFO_VARS];
        socklen_t len = sizeof(mem);
        if (getsockopt(ws->udp_fds[i], SOL_SOCKET, SO_MEMINFO, mem, &len) == 0
            && len > SK_MEMINFO_DROPS * sizeof(uint32_t)) {
            out->dropped += mem[SK_MEMINFO_DROPS];
            out->rcvbuf_bytes = mem[SK_MEMINFO_RCVBUF];
        }
    }
}

int lt_workers_alive(const lt_workers_t *ws)
{
    int64_t now = lt_worker_wall_ms();
    for (unsigned i = 0; i < ws->count; i++) {
        int64_t t = atomic_load_explicit(&ws->workers[i].last_tick_ms, memory_order_relaxed);
        if (now - t > ALIVE_WITHIN_MS)
            return 0;
    }
    return 1;
}
