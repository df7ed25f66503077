/* SPDX-License-Identifier: MIT */
/* The event ring: a bounded array of fixed-size slots holding the most recent events at or
 * above a minimum level. Writers (any number of threads) never block: each takes a ticket
 * with one atomic add and overwrites the oldest slot. Readers copy a slot out under a
 * per-slot sequence number and skip a slot that changed while they read it, so they
 * never return a torn entry. Slot contents are stored as relaxed atomic words, which keeps
 * the sequence-lock free of data races in the C11 sense (and under ThreadSanitizer).
 *
 * The protocol (the orders are argued in lt_atomic.h):
 * - Ticket t (from 0) goes to slot t % slots; the event's seq is t + 1. A slot's sequence word
 *   is 0 while empty, 2t + 1 while ticket t is being written, 2t + 2 once it is stored.
 * - A writer claims its slot with a CAS from the stored sequence of an older ticket to its own
 *   odd value, writes, and publishes 2t + 2. It never waits: when the slot holds or is being
 *   written with a newer ticket, its own event is older than anything the slot will show, so
 *   it drops it (that event is among the pushed - slots overwritten ones already); when an
 *   older writer, lapped while preempted, is still writing the slot, the older writer keeps
 *   the slot and the newer event is dropped and counted in overwritten_total. Taking the
 *   slot over instead would let the older writer's late stores tear the newer entry.
 * - A reader expects ticket t in slot t % slots: it skips the slot unless the sequence reads
 *   2t + 2 both before and after the copy. */
#ifndef LT_RING_H
#define LT_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lt_atomic.h"
#include "lt_event.h"

#define LT_RING_HOST_BYTES 255
#define LT_RING_APP_BYTES 64
#define LT_RING_PEER_BYTES 64 /* "[ipv6]:port" fits */

/* An event as it is stored and read back. Strings are NUL-terminated and cut to fit. */
typedef struct {
    uint64_t seq;         /* 1, 2, ... in the order events were pushed */
    int64_t received_ms;  /* when logtally read it */
    int64_t event_ms;     /* time in the message, or LT_TIME_NONE */
    lt_level_t level;
    int facility;         /* or LT_FACILITY_NONE */
    lt_transport_t transport;
    char host[LT_RING_HOST_BYTES + 1];
    char app[LT_RING_APP_BYTES + 1];
    char peer[LT_RING_PEER_BYTES + 1];
    size_t msg_len;       /* bytes in msg, after truncation */
    bool is_truncated;    /* the message was longer than max_message_bytes */
    char *msg;            /* points into storage owned by whoever holds the entry */
} lt_ring_entry_t;

typedef struct lt_ring_s lt_ring_t;

#define LT_RING_MAX_SLOTS 10000000
#define LT_RING_MIN_MESSAGE_BYTES 16
#define LT_RING_MAX_MESSAGE_BYTES (1024 * 1024)

/* Allocates a ring of `slots` slots (1..LT_RING_MAX_SLOTS) whose messages are cut to
 * max_message_bytes (LT_RING_MIN_MESSAGE_BYTES..LT_RING_MAX_MESSAGE_BYTES) and that keeps
 * events with level <= min_level (more severe or equal). Each slot takes about
 * max_message_bytes + 448 bytes, allocated once here. Returns 0 and sets *ring, or
 * UV_EINVAL for an argument out of range, or UV_ENOMEM when the slots cannot be allocated
 * (*ring is then NULL). */
int lt_ring_new(lt_ring_t **ring, size_t slots, size_t max_message_bytes, lt_level_t min_level);
void lt_ring_free(lt_ring_t *ring);

/* A new ring with other settings that carries on from old (a configuration reload): the
 * newest events of old that the new ring keeps (level <= min_level, at most `slots` of them)
 * are copied with their seq, messages cut to the new max_message_bytes, and the new ring's
 * tickets continue where old's were, so seq, lt_ring_pushed_total and
 * lt_ring_overwritten_total never go back. Events pushed into old after this call are not in
 * the new ring and not counted by it: callers swap writers over right after. old may be in
 * use by writers meanwhile (read as lt_ring_query reads it). Errors as lt_ring_new. */
int lt_ring_new_from(lt_ring_t **ring, const lt_ring_t *old, size_t slots,
                     size_t max_message_bytes, lt_level_t min_level);

/* True when ev's level is kept by this ring (cheap; call before lt_ring_push). */
bool lt_ring_wants(const lt_ring_t *ring, lt_level_t level);

/* Stores the event (when lt_ring_wants its level; otherwise does nothing); overwrites the
 * oldest when full. The message is cut to max_message_bytes, host, app and peer to their
 * fixed sizes, each back to a UTF-8 character boundary. peer may be NULL. Lock-free and
 * wait-free: no malloc, no locks, no syscalls, no spinning. */
void lt_ring_push(lt_ring_t *ring, const lt_event_t *ev, lt_transport_t transport,
                  const char *peer, int64_t received_ms);

/* Events pushed over the ring's life, and those overwritten before anyone could read them
 * (logtally_ring_overwritten_total): max(0, pushed - slots), every push into a full ring
 * overwriting the oldest entry, plus the events dropped because a lapped older writer still
 * held their slot (see above; it takes a writer preempted for a whole lap of the ring). Both
 * parts only grow, so the total is a proper counter. A dropped event is counted again once
 * `slots` more events follow it, so under lapping the total is an upper bound (it can even
 * exceed pushed); it is exact while no writer is lapped. */
uint64_t lt_ring_pushed_total(const lt_ring_t *ring);
uint64_t lt_ring_overwritten_total(const lt_ring_t *ring);
size_t lt_ring_slots(const lt_ring_t *ring);
size_t lt_ring_max_message_bytes(const lt_ring_t *ring);
lt_level_t lt_ring_min_level(const lt_ring_t *ring);

/* Which events a query wants. Unset fields match everything. */
typedef struct {
    int min_level;        /* keep level <= min_level; -1 for any */
    int level;            /* exactly this level; -1 for any */
    lt_slice_t app;       /* exact match when p != NULL */
    lt_slice_t host;
    int64_t since_ms;     /* received_ms >= since_ms; LT_TIME_NONE for any */
    uint64_t after_seq;   /* seq > after_seq; 0 for any */
    size_t limit;         /* at most this many; 0 means the ring size */
} lt_ring_filter_t;

/* Sets every field to "any". */
void lt_ring_filter_init(lt_ring_filter_t *f);

/* Calls cb for each matching event, newest first, looking at the newest `slots` tickets.
 * host and app match the stored (cut) values exactly. The entry (and its msg, NUL-terminated)
 * is valid only during the call; the message buffer is allocated once per query. An entry
 * being rewritten while the query reads it is skipped, never returned torn. filter may be
 * NULL (everything). Returns the number of events passed to cb. Lock-free; never blocks
 * writers. */
typedef void (*lt_ring_visit_cb)(void *arg, const lt_ring_entry_t *entry);
size_t lt_ring_query(const lt_ring_t *ring, const lt_ring_filter_t *filter, lt_ring_visit_cb cb,
                     void *arg);

#endif
