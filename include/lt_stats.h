/* SPDX-License-Identifier: MIT */
/* Daemon-wide counters and gauges that are not per-series: bytes, rejections, connections,
 * limits hit. One struct shared by every thread, updated with relaxed atomics (see
 * lt_atomic.h), read by the HTTP thread for /metrics and /api/v1/stats. */
#ifndef LT_STATS_H
#define LT_STATS_H

#include <stdint.h>

#include "lt_atomic.h"
#include "lt_event.h"
#include "lt_fdlimit.h"

/* The HTTP status codes counted one by one in logtally_http_responses_total{code}: every code
 * the server and the routes send. Any other code is counted under "other". X(code) */
#define LT_HTTP_CODE_MAP(X)                                                                     \
    X(200) X(204) X(400) X(401) X(403) X(404) X(405) X(406) X(408) X(411) X(413) X(415) X(429)  \
    X(431) X(500) X(501) X(503)

/* Room for one gauge per ingest worker: LT_CONFIG_MAX_WORKERS (worker.c asserts they agree). */
#define LT_STATS_MAX_WORKERS 256

enum {
#define LT_HTTP_CODE_ENUM(code) LT_HTTP_CODE_##code,
    LT_HTTP_CODE_MAP(LT_HTTP_CODE_ENUM)
#undef LT_HTTP_CODE_ENUM
    LT_HTTP_CODE_OTHER, /* the index of every code not in the list */
    LT_HTTP_CODE_COUNT
};

typedef struct {
    lt_counter_t received_bytes[LT_TRANSPORT_COUNT];
    lt_counter_t rejected[LT_TRANSPORT_COUNT][LT_REJECT_COUNT];
    lt_gauge_t connections[LT_TRANSPORT_COUNT];          /* open now (tcp, http) */
    lt_counter_t connections_accepted[LT_TRANSPORT_COUNT];
    lt_counter_t connections_refused[LT_TRANSPORT_COUNT]; /* over max_connections */
    lt_counter_t idle_closed[LT_TRANSPORT_COUNT];         /* closed by a timeout */
    lt_counter_t fd_limit_refused[LT_TRANSPORT_COUNT];    /* closed near RLIMIT_NOFILE */
    lt_fdlimit_log_t fd_limit_log;                        /* their report's rate limit */
    lt_counter_t accept_errors[LT_TRANSPORT_COUNT];       /* accept(2) failed (EMFILE, ...) */
    lt_fdlimit_log_t accept_error_log;                    /* their report's rate limit */
    lt_counter_t listener_pauses[LT_TRANSPORT_COUNT];     /* back-offs after such errors */
    lt_counter_t http_requests;                           /* HTTP requests answered */
    lt_counter_t http_responses[LT_HTTP_CODE_COUNT];      /* the same, by status code */
    lt_gauge_t workers;                                   /* ingest threads running */
    lt_gauge_t worker_tcp[LT_STATS_MAX_WORKERS];          /* TCP connections each one serves */
    lt_counter_t worker_udp[LT_STATS_MAX_WORKERS];        /* datagrams each one has read */
} lt_stats_t;

/* Zeroes everything. */
void lt_stats_init(lt_stats_t *s);

/* Total rejections over every transport and reason. */
uint64_t lt_stats_rejected_total(const lt_stats_t *s);

/* Index into http_responses of a status code: LT_HTTP_CODE_<code>, or LT_HTTP_CODE_OTHER. */
int lt_stats_http_code_index(int status);

/* The code at an index as text ("408"; "other" for LT_HTTP_CODE_OTHER). */
const char *lt_stats_http_code_name(int index);

#endif
