/* SPDX-License-Identifier: MIT */
/* The counter table: fixed-capacity open addressing with linear probing, where a slot is
 * claimed once with a CAS and published with a release store, so lookups and counting never
 * take a lock. The memory-ordering argument is in lt_table.h. */
#include "lt_table.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

/* The low two bits of a slot's state word; the other 30 are the key's hash tag. */
enum slot_state {
    SLOT_EMPTY = 0,
    SLOT_BUSY = 1,
    SLOT_READY = 2,
};

#define STATE_BITS 3u
#define TAG_BITS   (~STATE_BITS)

/* Spins before a waiter on a BUSY slot starts yielding the CPU. Copying a key takes far less
 * than this many pauses unless the owner was preempted. */
#define BUSY_SPINS 1024

struct lt_table_slot_s {
    _Atomic uint32_t state; /* hash tag | enum slot_state */
    uint8_t level;
    bool is_overflow;
    uint8_t host_len; /* <= LT_TABLE_MAX_LABEL_BYTES */
    uint8_t app_len;
    int16_t facility;
    int16_t transport;
    lt_counter_t count;
    const char *labels; /* host bytes then app bytes, in the arena */
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Cuts s to at most max bytes without splitting a UTF-8 sequence, so that a cut label is
 * still valid text in /metrics and JSON. */
static size_t utf8_cut(const char *p, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t cut = max;
    /* Back up over continuation bytes (10xxxxxx) to the lead byte, at most three. */
    while (cut > 0 && cut > max - 3 && ((unsigned char)p[cut] & 0xc0) == 0x80)
        cut--;
    return cut;
}

/* Eight bytes at a time: one multiply per word rather than one per byte (a byte loop was a
 * tenth of the time per message). The splitmix64 finaliser in hash_key mixes both the low
 * bits (the probe start) and the high bits (the tag). */
static uint64_t mix_word(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 32);
}

static uint64_t hash_bytes(uint64_t h, const char *p, size_t n)
{
    uint64_t w;

    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&w, p, 8);
        h = mix_word(h, w);
    }
    if (n > 0) {
        w = 0;
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)(unsigned char)p[i] << (8 * i);
        h = mix_word(h, w);
    }
    return h;
}

static uint64_t hash_key(const lt_series_key_t *key, size_t host_n, size_t app_n)
{
    /* The lengths keep ("ab", "c") apart from ("a", "bc"). */
    uint64_t fields = (uint64_t)(uint8_t)key->level | (uint64_t)(uint16_t)key->facility << 8 |
                      (uint64_t)(uint16_t)key->transport << 24 | (uint64_t)host_n << 40 |
                      (uint64_t)app_n << 48;
    uint64_t h = mix_word(0xcbf29ce484222325ull, fields);
    h = hash_bytes(h, key->host.p, host_n);
    h = hash_bytes(h, key->app.p, app_n);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

/* Called only on a slot whose READY state was acquired (or that the caller owns). */
static bool key_equals(const lt_table_slot_t *s, const lt_series_key_t *key, size_t host_n,
                       size_t app_n)
{
    return s->level == (uint8_t)key->level && s->facility == key->facility &&
           s->transport == key->transport && s->host_len == host_n && s->app_len == app_n &&
           memcmp(s->labels, key->host.p ? key->host.p : "", host_n) == 0 &&
           memcmp(s->labels + host_n, key->app.p ? key->app.p : "", app_n) == 0;
}

static uint32_t wait_ready(const _Atomic uint32_t *state)
{
    for (unsigned spins = 0;; spins++) {
        uint32_t st = lt_acquire_u32(state);
        if ((st & STATE_BITS) == SLOT_READY)
            return st;
        if (spins < BUSY_SPINS)
            cpu_relax();
        else
            sched_yield(); /* the owner was preempted between its CAS and its READY store */
    }
}

/* Takes one of the max_series places, or fails when all are taken. A CAS loop rather than
 * add-then-undo, so nseries never reads above max_series. */
static bool reserve_series(lt_table_t *t, bool is_capped)
{
    if (!is_capped) {
        lt_u32_add(&t->nseries, 1);
        return true;
    }
    uint32_t limit = lt_u32_get(&t->series_limit);
    uint32_t n = lt_u32_get(&t->nseries);
    while (n < limit)
        if (lt_cas_u32(&t->nseries, &n, n + 1))
            return true;
    return false;
}

static uint32_t overflow_series(lt_table_t *t, lt_level_t level, bool *is_overflow)
{
    uint32_t id = t->mask + 1 + (uint32_t)level;
    lt_table_slot_t *s = &t->slots[id];
    /* Its key was written at init; READY only makes it visible to lt_table_foreach. The
     * check keeps the hot path from writing a shared line on every overflowing event. */
    if (lt_acquire_u32(&s->state) != SLOT_READY)
        lt_publish_u32(&s->state, SLOT_READY);
    if (is_overflow)
        *is_overflow = true;
    return id;
}

/* Writes the key into a slot this thread has just claimed (BUSY). */
static void fill_slot(lt_table_t *t, lt_table_slot_t *s, const lt_series_key_t *key, size_t host_n,
                      size_t app_n)
{
    size_t off = (size_t)lt_counter_take(&t->arena_used, host_n + app_n);
    /* Reservations bound the labelled series to max_series, each with at most two cut
     * labels, so the arena cannot run out. */
    if (off + host_n + app_n > t->arena_bytes)
        abort();
    char *labels = t->arena + off;
    if (host_n > 0)
        memcpy(labels, key->host.p, host_n);
    if (app_n > 0)
        memcpy(labels + host_n, key->app.p, app_n);
    s->level = (uint8_t)key->level;
    s->is_overflow = false;
    s->host_len = (uint8_t)host_n;
    s->app_len = (uint8_t)app_n;
    s->facility = (int16_t)key->facility;
    s->transport = (int16_t)key->transport;
    s->labels = labels;
}

static lt_level_t key_level(const lt_series_key_t *key)
{
    return (unsigned)key->level < LT_LEVEL_COUNT ? key->level : LT_LEVEL_UNKNOWN;
}

static uint32_t lookup(lt_table_t *t, const lt_series_key_t *key, bool *is_overflow, bool is_capped)
{
    /* Hot path: no malloc, no locks, no syscalls (except sched_yield while a preempted
     * inserter of a key with the same tag finishes). */
    lt_level_t level = key_level(key);
    if (key->is_overflow)
        return overflow_series(t, level, is_overflow);

    /* Normalise to what a slot stores, so that hashing and comparing agree with it. */
    lt_series_key_t k = *key;
    k.level = level;
    k.facility = (int16_t)key->facility;
    k.transport = (int16_t)key->transport;
    size_t host_n = utf8_cut(k.host.p, k.host.n, LT_TABLE_MAX_LABEL_BYTES);
    size_t app_n = utf8_cut(k.app.p, k.app.n, LT_TABLE_MAX_LABEL_BYTES);
    uint64_t h = hash_key(&k, host_n, app_n);
    uint32_t tag = (uint32_t)(h >> 32) & TAG_BITS;
    bool is_reserved = false;

    uint32_t idx = (uint32_t)h & t->mask;
    for (uint32_t probes = 0; probes <= t->mask; probes++, idx = (idx + 1) & t->mask) {
        lt_table_slot_t *s = &t->slots[idx];
        uint32_t st = lt_acquire_u32(&s->state);
        if (st == SLOT_EMPTY) {
            /* The key is not in the table (slots before this one are never emptied). */
            if (!is_reserved) {
                if (!reserve_series(t, is_capped))
                    return overflow_series(t, level, is_overflow);
                is_reserved = true;
            }
            if (lt_cas_u32(&s->state, &st, tag | SLOT_BUSY)) {
                fill_slot(t, s, &k, host_n, app_n);
                lt_publish_u32(&s->state, tag | SLOT_READY);
                if (is_overflow)
                    *is_overflow = false;
                return idx;
            }
            /* Lost the slot: st is the winner's state; its key may be ours. */
        }
        if ((st & TAG_BITS) != tag)
            continue;
        if ((st & STATE_BITS) == SLOT_BUSY)
            wait_ready(&s->state);
        if (key_equals(s, &k, host_n, app_n)) {
            if (is_reserved)
                lt_u32_add(&t->nseries, (uint32_t)-1);
            if (is_overflow)
                *is_overflow = false;
            return idx;
        }
    }
    /* Unreachable: capacity is at least twice the series that can be reserved. */
    if (is_reserved)
        lt_u32_add(&t->nseries, (uint32_t)-1);
    return overflow_series(t, level, is_overflow);
}

int lt_table_init(lt_table_t *t, size_t max_series)
{
    memset(t, 0, sizeof(*t));
    if (max_series < 1 || max_series > LT_TABLE_MAX_SERIES)
        return UV_EINVAL;

    size_t cap = 16;
    while (cap < 2 * (max_series + LT_LEVEL_COUNT))
        cap *= 2;
    /* Sizes come from the configuration: refuse what cannot be allocated with an error the
     * config loader can report, rather than aborting as lt_calloc would. calloc leaves the
     * pages untouched until used, so a generous max_series costs address space, not RAM. */
    lt_table_slot_t *slots = calloc(cap + LT_LEVEL_COUNT, sizeof(*slots));
    size_t arena_bytes = max_series * 2 * LT_TABLE_MAX_LABEL_BYTES;
    char *arena = calloc(arena_bytes, 1);
    if (slots == NULL || arena == NULL) {
        free(slots);
        free(arena);
        return UV_ENOMEM;
    }
    for (int level = 0; level < LT_LEVEL_COUNT; level++) {
        lt_table_slot_t *s = &slots[cap + (size_t)level];
        s->level = (uint8_t)level;
        s->is_overflow = true;
        s->facility = LT_LABEL_UNSET;
        s->transport = LT_LABEL_UNSET;
        s->labels = arena;
    }
    t->slots = slots;
    t->mask = (uint32_t)(cap - 1);
    t->max_series = max_series;
    atomic_init(&t->series_limit, (uint32_t)max_series);
    t->arena = arena;
    t->arena_bytes = arena_bytes;
    return 0;
}

int lt_table_set_series_limit(lt_table_t *t, size_t limit)
{
    if (limit < 1 || limit > t->max_series)
        return UV_EINVAL;
    /* Relaxed: an insert racing with the store may still see the old limit, as if it had
     * happened just before the reload; nseries never passes max_series either way. */
    atomic_store_explicit(&t->series_limit, (uint32_t)limit, memory_order_relaxed);
    return 0;
}

size_t lt_table_series_limit(const lt_table_t *t)
{
    return lt_u32_get(&t->series_limit);
}

void lt_table_free(lt_table_t *t)
{
    free(t->slots);
    free(t->arena);
    memset(t, 0, sizeof(*t));
}

void lt_table_precreate_levels(lt_table_t *t)
{
    for (int level = 0; level < LT_LEVEL_COUNT; level++) {
        lt_series_key_t key = {
            .level = (lt_level_t)level,
            .facility = LT_LABEL_UNSET,
            .transport = LT_LABEL_UNSET,
            .host = LT_SLICE_NULL,
            .app = LT_SLICE_NULL,
            .is_overflow = false,
        };
        lookup(t, &key, NULL, false);
    }
}

uint32_t lt_table_lookup(lt_table_t *t, const lt_series_key_t *key, bool *is_overflow)
{
    return lookup(t, key, is_overflow, true);
}

#define NO_SERIES UINT32_MAX

uint32_t lt_table_batch_lookup(lt_table_t *t, lt_table_batch_t *b, const lt_series_key_t *key)
{
    /* Keys with a host or app rarely repeat the last one of their level, and comparing them
     * costs more than it saves: those go straight to lookup. */
    if (key->is_overflow || key->host.n != 0 || key->app.n != 0)
        return lookup(t, key, NULL, true);
    if (b->memo_table != t) {
        for (int l = 0; l < LT_LEVEL_COUNT; l++)
            b->memo[l] = NO_SERIES;
        b->memo_table = t;
    }
    lt_level_t level = key_level(key);
    uint32_t id = b->memo[level];
    if (id != NO_SERIES) {
        /* This thread saw the slot READY when it stored id, and a READY slot never changes,
         * so its key is read without another acquire. */
        const lt_table_slot_t *s = &t->slots[id];
        if (s->level == (uint8_t)level && s->facility == (int16_t)key->facility &&
            s->transport == (int16_t)key->transport && s->host_len == 0 && s->app_len == 0)
            return id;
    }
    bool is_overflow;
    id = lookup(t, key, &is_overflow, true);
    b->memo[level] = is_overflow ? NO_SERIES : id;
    return id;
}

void lt_table_add(lt_table_t *t, uint32_t id, uint64_t n)
{
    lt_counter_add(&t->slots[id].count, n);
    if (id > t->mask)
        lt_counter_add(&t->overflow_total, n);
}

void lt_table_incr(lt_table_t *t, const lt_series_key_t *key, uint64_t n)
{
    lt_table_add(t, lt_table_lookup(t, key, NULL), n);
}

size_t lt_table_series_count(const lt_table_t *t)
{
    return lt_u32_get(&t->nseries);
}

uint64_t lt_table_overflow_total(const lt_table_t *t)
{
    return lt_counter_get(&t->overflow_total);
}

void lt_table_foreach(const lt_table_t *t, lt_table_visit_cb cb, void *arg)
{
    size_t nslots = (size_t)t->mask + 1 + LT_LEVEL_COUNT;
    for (size_t i = 0; i < nslots; i++) {
        const lt_table_slot_t *s = &t->slots[i];
        if ((lt_acquire_u32(&s->state) & STATE_BITS) != SLOT_READY)
            continue;
        lt_series_key_t key = {
            .level = (lt_level_t)s->level,
            .facility = s->facility,
            .transport = s->transport,
            .host = {s->labels, s->host_len},
            .app = {s->labels + s->host_len, s->app_len},
            .is_overflow = s->is_overflow,
        };
        cb(arg, &key, lt_counter_get(&s->count));
    }
}

void lt_table_level_totals(const lt_table_t *t, uint64_t totals[LT_LEVEL_COUNT])
{
    memset(totals, 0, LT_LEVEL_COUNT * sizeof(totals[0]));
    size_t nslots = (size_t)t->mask + 1 + LT_LEVEL_COUNT;
    for (size_t i = 0; i < nslots; i++) {
        const lt_table_slot_t *s = &t->slots[i];
        if ((lt_acquire_u32(&s->state) & STATE_BITS) == SLOT_READY)
            totals[s->level] += lt_counter_get(&s->count);
    }
}

void lt_table_batch_add(lt_table_t *t, lt_table_batch_t *b, uint32_t id, uint64_t n)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->ids[i] == id) {
            b->counts[i] += n;
            return;
        }
    }
    if (b->n == LT_TABLE_BATCH_SLOTS)
        lt_table_batch_flush(t, b);
    b->ids[b->n] = id;
    b->counts[b->n] = n;
    b->n++;
}

void lt_table_batch_flush(lt_table_t *t, lt_table_batch_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        lt_table_add(t, b->ids[i], b->counts[i]);
    b->n = 0;
}
