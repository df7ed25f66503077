/* SPDX-License-Identifier: MIT */
/* Where a framed message becomes counts: parse it, count it under its series (level plus the
 * configured labels) through the calling thread's batch, keep it in the ring when it is
 * severe enough, or count why it was rejected. Shared by every listener (TCP, UDP, HTTP
 * ingest) so that each transport counts the same way. No I/O, no allocation, no locks. */
#ifndef LT_TALLY_H
#define LT_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "lt_event.h"
#include "lt_ring.h"
#include "lt_stats.h"
#include "lt_table.h"

typedef struct {
    lt_table_t *table;
    lt_ring_t *ring;     /* may be NULL: no ring */
    lt_stats_t *stats;
    unsigned labels;     /* LT_LABEL_* bits from the config */
} lt_tally_t;

/* Parses and counts one message that arrived over transport from peer (text, may be NULL).
 * now_s/now_ms: the time of the read. Returns 0 when counted as an event, or
 * LT_PARSE_ERR(reason) when counted as a rejection. */
int lt_tally_message(const lt_tally_t *t, lt_table_batch_t *batch, lt_transport_t transport,
                     const char *peer, const char *p, size_t n, int64_t now_ms);

/* Counts an event already parsed (the second half of lt_tally_message), for callers that look
 * at the event first: logtally scan filters and tracks event times. */
void lt_tally_event(const lt_tally_t *t, lt_table_batch_t *batch, const lt_event_t *ev,
                    lt_transport_t transport, const char *peer, int64_t now_ms);

/* Counts a rejection that happened before parsing (framing, oversize datagram). */
void lt_tally_reject(const lt_tally_t *t, lt_transport_t transport, lt_reject_t reason);

/* Builds the series key for ev as the configured labels ask (exposed for tests). */
void lt_tally_series_key(const lt_tally_t *t, const lt_event_t *ev, lt_transport_t transport,
                         lt_series_key_t *key);

#endif
