/* SPDX-License-Identifier: MIT */
/* Daemon-wide counters and gauges that are not per-series: bytes, rejections, connections,
 * limits hit. One struct shared by every thread, updated with relaxed atomics (see
 * lt_atomic.h), read by the HTTP thread for /metrics and /api/v1/stats. */
#ifndef LT_STATS_H
#define LT_STATS_H

#include <stdint.h>

#include "lt_atomic.h"
#include "lt_event.h"

typedef struct {
    lt_counter_t received_bytes[LT_TRANSPORT_COUNT];
    lt_counter_t rejected[LT_TRANSPORT_COUNT][LT_REJECT_COUNT];
    lt_gauge_t connections[LT_TRANSPORT_COUNT];          /* open now (tcp, http) */
    lt_counter_t connections_accepted[LT_TRANSPORT_COUNT];
    lt_counter_t connections_refused[LT_TRANSPORT_COUNT]; /* over max_connections */
    lt_counter_t idle_closed[LT_TRANSPORT_COUNT];         /* closed by a timeout */
    lt_counter_t http_requests;                           /* HTTP requests answered */
} lt_stats_t;

/* Zeroes everything. */
void lt_stats_init(lt_stats_t *s);

/* Total rejections over every transport and reason. */
uint64_t lt_stats_rejected_total(const lt_stats_t *s);

#endif
