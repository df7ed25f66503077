/* SPDX-License-Identifier: MIT */
/* One message in, one count out: parse, pick the series from the configured labels, count
 * through the caller's batch, and keep severe events in the ring. Every transport calls
 * this, so a line counts the same whether it came over TCP, UDP or HTTP. */
#include "lt_tally.h"

#include "lt_config.h"
#include "lt_parse.h"

void lt_tally_series_key(const lt_tally_t *t, const lt_event_t *ev, lt_transport_t transport,
                         lt_series_key_t *key)
{
    key->level = ev->level;
    key->is_overflow = false;
    key->facility = (t->labels & LT_LABEL_FACILITY) ? ev->facility : LT_LABEL_UNSET;
    key->transport = (t->labels & LT_LABEL_TRANSPORT) ? (int)transport : LT_LABEL_UNSET;
    key->host = (t->labels & LT_LABEL_HOST) ? ev->host : LT_SLICE_NULL;
    key->app = (t->labels & LT_LABEL_APP) ? ev->app : LT_SLICE_NULL;
}

/* Hot path: no allocation, no locks, no system calls below this line. */
int lt_tally_message(const lt_tally_t *t, lt_table_batch_t *batch, lt_transport_t transport,
                     const char *peer, const char *p, size_t n, int64_t now_ms)
{
    lt_event_t ev;

    int rc = lt_parse_message(p, n, now_ms / 1000, &ev);
    if (rc != 0) {
        lt_tally_reject(t, transport, LT_PARSE_REJECT(rc));
        return rc;
    }
    lt_tally_event(t, batch, &ev, transport, peer, now_ms);
    return 0;
}

void lt_tally_event(const lt_tally_t *t, lt_table_batch_t *batch, const lt_event_t *ev,
                    lt_transport_t transport, const char *peer, int64_t now_ms)
{
    lt_series_key_t key;

    lt_tally_series_key(t, ev, transport, &key);
    lt_table_batch_add(t->table, batch, lt_table_batch_lookup(t->table, batch, &key), 1);
    if (t->ring != NULL && lt_ring_wants(t->ring, ev->level))
        lt_ring_push(t->ring, ev, transport, peer, now_ms);
}

void lt_tally_reject(const lt_tally_t *t, lt_transport_t transport, lt_reject_t reason)
{
    lt_counter_add(&t->stats->rejected[transport][reason], 1);
}
