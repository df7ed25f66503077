/* SPDX-License-Identifier: MIT */
/* The counter table: a fixed-capacity, open-addressing hash map from a series key (level and
 * the optional labels) to an atomic 64-bit count, shared by every ingest thread and read by
 * the HTTP thread without locks.
 *
 * Memory ordering (the argument the code relies on):
 * - A slot's state word goes EMPTY (0) -> BUSY (CAS, by the one inserting thread) -> READY
 *   (release store after the key and its copied strings are written). A reader acts on a
 *   slot's key only after an acquire load sees READY, so it never sees a half-written key; a
 *   key, once READY, never changes, and a slot never becomes EMPTY again, so a probe sequence
 *   stays valid while others insert.
 * - The state word also carries 30 bits of the key's hash (the tag), set by the same CAS. A
 *   looker skips BUSY and READY slots whose tag differs without touching the key, and waits
 *   only on a BUSY slot with its own tag, because the key there may be its own key (the owner
 *   copies at most 2 * LT_TABLE_MAX_LABEL_BYTES bytes: it spins briefly, then yields the CPU
 *   in case the owner was preempted). Two inserters of one key therefore meet at the first
 *   slot either of them claims, and a key is never in two slots.
 * - The series cap is a CAS loop on nseries (never past max_series, not even for a moment);
 *   an inserter reserves before it claims a slot and gives the reservation back when the
 *   key turns out to be there already. Label bytes go into one arena allocated at init, at
 *   an offset reserved with an atomic add; the slot's READY store publishes them too.
 * - Counts are relaxed atomic adds and loads: each is exact and monotonic on its own; a
 *   scrape is not a cross-series snapshot, and need not be.
 * The table never grows: its capacity is fixed at init (a power of two >= 2 * (max_series +
 * LT_LEVEL_COUNT), linear probing) and the nine overflow series live after it, so lookups
 * never wait for a resize and nothing is allocated after init. */
#ifndef LT_TABLE_H
#define LT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lt_atomic.h"
#include "lt_event.h"

#define LT_LABEL_UNSET (-1) /* facility/transport that is not a label of the series */

/* A series key. Labels that are not configured are left unset: facility and transport
 * LT_LABEL_UNSET, host and app empty. When is_overflow is set, only level matters: the
 * series counts events that arrived after max_series was reached. */
typedef struct {
    lt_level_t level;
    int facility;       /* 0-23, LT_FACILITY_NONE (label on, event had none), or LT_LABEL_UNSET */
    int transport;      /* lt_transport_t, or LT_LABEL_UNSET */
    lt_slice_t host;    /* copied into the table on insert; at most LT_TABLE_MAX_LABEL_BYTES */
    lt_slice_t app;
    bool is_overflow;
} lt_series_key_t;

#define LT_TABLE_MAX_LABEL_BYTES 255 /* longer host/app values are cut to this many bytes */

typedef struct lt_table_slot_s lt_table_slot_t;

#define LT_TABLE_MAX_SERIES 10000000 /* largest max_series lt_table_init accepts */

typedef struct {
    lt_table_slot_t *slots;   /* capacity hashed slots, then LT_LEVEL_COUNT overflow slots */
    uint32_t mask;            /* capacity - 1; capacity is a power of two */
    size_t max_series;        /* as at init: what the slots and the arena were sized for */
    _Atomic uint32_t series_limit; /* the cap in force, 1..max_series (lowered by a reload) */
    _Atomic uint32_t nseries; /* series inserted, overflow series excluded */
    lt_counter_t overflow_total; /* events counted into an overflow series */
    char *arena;              /* host and app bytes of every series, max_series * 2 * 255 */
    size_t arena_bytes;
    lt_counter_t arena_used;  /* bytes of the arena handed out */
} lt_table_t;

/* Allocates a table for max_series series (1..LT_TABLE_MAX_SERIES). Returns 0, UV_EINVAL for
 * max_series out of range, or UV_ENOMEM when the slots cannot be allocated. */
int lt_table_init(lt_table_t *t, size_t max_series);
void lt_table_free(lt_table_t *t);

/* Inserts the nine level-only series (facility and transport LT_LABEL_UNSET, host and app
 * empty, not overflow) with count 0, so that /metrics shows every level from the start. They
 * count as series; they are inserted even past max_series (so with max_series < 9 the series
 * count exceeds it). Idempotent. Call once after lt_table_init, before threads use the table,
 * when series carry no labels (or whenever level-only series are wanted). */
void lt_table_precreate_levels(lt_table_t *t);

/* Changes the series cap in force (a configuration reload): new series beyond limit go to
 * the overflow series, series already in the table keep counting even when there are more
 * than limit of them. Raising it back up to the max_series of lt_table_init works too; the
 * table cannot grow past that. Returns 0, or UV_EINVAL when limit is 0 or above max_series
 * (nothing changes). Safe while other threads look up (one relaxed store). */
int lt_table_set_series_limit(lt_table_t *t, size_t limit);

/* The series cap in force (max_series until lt_table_set_series_limit changes it). */
size_t lt_table_series_limit(const lt_table_t *t);

/* Finds the series for key, inserting it if new, and returns its id (stable for the table's
 * life). When the series limit is reached already, returns the overflow series of key->level
 * and sets *is_overflow (which may be NULL; it is set to false otherwise). A key with
 * is_overflow set maps straight to its level's overflow series. host and app are cut to
 * LT_TABLE_MAX_LABEL_BYTES (back to a UTF-8 character boundary) before hashing, so values
 * that differ only past the cut are one series. Lock-free except that a looker may wait for
 * a concurrent insert of a key with the same hash tag; never fails. */
uint32_t lt_table_lookup(lt_table_t *t, const lt_series_key_t *key, bool *is_overflow);

/* Adds n to series id (relaxed atomic add). Adds to an overflow series also count in
 * overflow_total. */
void lt_table_add(lt_table_t *t, uint32_t id, uint64_t n);

/* lt_table_lookup + lt_table_add. */
void lt_table_incr(lt_table_t *t, const lt_series_key_t *key, uint64_t n);

/* Number of series (overflow series excluded). */
size_t lt_table_series_count(const lt_table_t *t);
uint64_t lt_table_overflow_total(const lt_table_t *t);

/* Calls cb once for each READY series with its current count, in slot order; overflow
 * series come last and only once an event went to them. The key's slices point into the
 * table and stay valid until lt_table_free. Safe while other threads insert and count. */
typedef void (*lt_table_visit_cb)(void *arg, const lt_series_key_t *key, uint64_t count);
void lt_table_foreach(const lt_table_t *t, lt_table_visit_cb cb, void *arg);

/* Sum of all series (overflow series included), by level (convenience for stats and rates). */
void lt_table_level_totals(const lt_table_t *t, uint64_t totals[LT_LEVEL_COUNT]);

/* A per-thread batch of pending increments, so a hot series is touched with one atomic add
 * per read instead of one per message. Not shared between threads. */
#define LT_TABLE_BATCH_SLOTS 32
typedef struct {
    uint32_t ids[LT_TABLE_BATCH_SLOTS];
    uint64_t counts[LT_TABLE_BATCH_SLOTS];
    size_t n;
    /* lt_table_batch_lookup's memo: the last series found per level, in memo_table. */
    const lt_table_t *memo_table;
    uint32_t memo[LT_LEVEL_COUNT];
} lt_table_batch_t;

#define LT_TABLE_BATCH_INIT {{0}, {0}, 0, NULL, {0}}

/* lt_table_lookup, first trying the series this batch last found for the key's level when the
 * key has no host and no app: most messages then repeat it, and comparing one slot's key costs
 * far less than hashing and probing. The memo is only a hint, checked against the slot's key;
 * overflow results are not kept in it. */
uint32_t lt_table_batch_lookup(lt_table_t *t, lt_table_batch_t *b, const lt_series_key_t *key);

/* Queues n increments of series id, merged into the entry already queued for id if there is
 * one; flushes the batch first when it is full. */
void lt_table_batch_add(lt_table_t *t, lt_table_batch_t *b, uint32_t id, uint64_t n);
/* Applies and empties the batch. Call at the end of every read callback. */
void lt_table_batch_flush(lt_table_t *t, lt_table_batch_t *b);

#endif
