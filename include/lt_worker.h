/* SPDX-License-Identifier: MIT */
/* Ingest threads. Each worker runs its own uv_loop on its own thread and owns a share of the
 * listening sockets: every TCP and UDP address is bound once per worker with SO_REUSEPORT,
 * so the kernel spreads connections and datagrams across workers and no socket is ever
 * touched by two loops. Other threads talk to a worker only through uv_async_send. */
#ifndef LT_WORKER_H
#define LT_WORKER_H

#include <stddef.h>
#include <sys/socket.h>

#include "lt_activation.h"
#include "lt_api.h"
#include "lt_config.h"
#include "lt_tally.h"

typedef struct lt_workers_s lt_workers_t;

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
