/* SPDX-License-Identifier: MIT */
/* Ingest threads. Each worker runs its own uv_loop on its own thread and owns a share of the
 * listening sockets: every TCP and UDP address is bound once per worker with SO_REUSEPORT,
 * so the kernel spreads connections and datagrams across workers and no socket is ever
 * touched by two loops. Other threads talk to a worker only through uv_async_send. */
#ifndef LT_WORKER_H
#define LT_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lt_activation.h"
#include "lt_api.h"
#include "lt_config.h"
#include "lt_tally.h"

typedef struct lt_workers_s lt_workers_t;

/* Everything a running worker reads: each worker holds its own copy, so that a reload can
 * replace it without any thread reading a value while another writes it. */
typedef struct {
    lt_tally_t tally;          /* table, ring (may be NULL), stats, labels */
    unsigned max_connections;  /* limits.max_connections, across all workers */
    size_t max_message_bytes;  /* max_message_bytes */
    unsigned idle_timeout_s;   /* limits.idle_timeout_s; 0 = never */
} lt_worker_settings_t;

/* The settings for config and tally (a convenience for main and the reload). */
lt_worker_settings_t lt_worker_settings(const lt_config_t *config, const lt_tally_t *tally);

/* Binds every configured TCP and UDP address (port 0 is resolved once, then shared by all
 * workers) and starts config->workers threads. Logs "listening on tcp ADDR" per address.
 * Returns 0, or a UV_E* code after logging which address failed; on error nothing is left
 * running. */
int lt_workers_start(lt_workers_t **workers, const lt_config_t *config, const lt_tally_t *tally);

/* The same, with sockets systemd passed: a kind with inherited sockets (tcp, udp) uses them
 * instead of its configured addresses, every worker polling a dup of each (see worker.c).
 * Takes ownership of inherited's TCP and UDP descriptors whether it succeeds or not; NULL
 * is the same as lt_workers_start. */
int lt_workers_start_inherited(lt_workers_t **workers, const lt_config_t *config,
                               const lt_tally_t *tally, const lt_activation_t *inherited);

/* Hands new settings to every worker: main puts them in a mutex-protected mailbox and wakes
 * each worker's reload async; a worker adopts them on its own thread between two reads
 * (open TCP connections get the new max_message_bytes for their next message) and then
 * acknowledges. Returns the reload's generation for lt_workers_reloaded. Sets the UDP
 * sockets' receive buffer to udp_rcvbuf_bytes when it is not 0. Main thread only. */
uint64_t lt_workers_reload(lt_workers_t *workers, const lt_worker_settings_t *settings,
                           size_t udp_rcvbuf_bytes);

/* True once every worker has adopted the settings of reload generation (or a later one):
 * from then on nothing reads what the settings before it pointed to (an old ring). */
bool lt_workers_reloaded(const lt_workers_t *workers, uint64_t generation);

/* A listener change being prepared by lt_workers_rebind_prepare. */
typedef struct lt_workers_rebind_s lt_workers_rebind_t;

/* First half of applying new listen.tcp and listen.udp lists: binds every address that is not
 * open already (for every worker, as lt_workers_start does) and leaves the running listeners
 * alone. A kind whose sockets came from systemd keeps them (its list is ignored). Sets *out
 * to NULL when nothing changes. Returns 0, UV_EBUSY when a worker has not yet taken the
 * previous change, or the bind error (logged; everything bound so far is closed again).
 * Main thread only. */
int lt_workers_rebind_prepare(lt_workers_t *workers, const lt_config_t *next,
                              lt_workers_rebind_t **out);

/* Second half: logs the changes and hands them to the workers with the next
 * lt_workers_reload, which wakes them: each opens the new sockets on its own loop and closes
 * the listeners no longer configured; accepted connections stay open. Frees rebind. */
void lt_workers_rebind_commit(lt_workers_t *workers, lt_workers_rebind_t *rebind);

/* Undoes lt_workers_rebind_prepare: closes what it bound and frees rebind (NULL is fine). */
void lt_workers_rebind_abort(lt_workers_t *workers, lt_workers_rebind_t *rebind);

/* Stops accepting, closes listeners and connections (counting what each had read), joins
 * the threads and frees everything. */
void lt_workers_stop(lt_workers_t *workers);

/* The bound addresses, resolved ports included: kind "tcp" or "udp". Returns the count. */
size_t lt_workers_addresses(const lt_workers_t *workers, const char *kind,
                            struct sockaddr_storage *out, size_t max);

/* lt_api_udp_info_cb: kernel drop counts and receive buffer of the UDP sockets. Thread-safe. */
void lt_workers_udp_info(void *workers, lt_udp_info_t *out);

/* Formats an IPv4 or IPv6 socket address as "addr:port" or "[addr]:port" into out. */
void lt_worker_format_addr(const struct sockaddr *sa, char *out, size_t n);

/* True while every worker loop has turned within the last few seconds. */
int lt_workers_alive(const lt_workers_t *workers);

#endif
