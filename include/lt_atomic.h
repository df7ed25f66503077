/* SPDX-License-Identifier: MIT */
/* The only place logtally names memory orders. Counters are independent monotonic values:
 * a relaxed add is atomic and loses nothing, and a reader wants some recent value of each,
 * not a consistent cut across them, so relaxed loads suffice. Publication of data that other
 * threads then read (a table key, a ring slot) pairs a release store with an acquire load. */
#ifndef LT_ATOMIC_H
#define LT_ATOMIC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef _Atomic uint64_t lt_counter_t;

/* Hot path: count n more. */
static inline void lt_counter_add(lt_counter_t *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static inline uint64_t lt_counter_get(const lt_counter_t *c)
{
    return atomic_load_explicit((lt_counter_t *)c, memory_order_relaxed);
}

/* Gauges (connections open) go up and down. */
typedef _Atomic int64_t lt_gauge_t;

static inline void lt_gauge_add(lt_gauge_t *g, int64_t d)
{
    atomic_fetch_add_explicit(g, d, memory_order_relaxed);
}

static inline int64_t lt_gauge_get(const lt_gauge_t *g)
{
    return atomic_load_explicit((lt_gauge_t *)g, memory_order_relaxed);
}

/* Publication: everything written before lt_publish_u32 is visible to a thread that reads
 * the new value with lt_acquire_u32. */
static inline void lt_publish_u32(_Atomic uint32_t *p, uint32_t v)
{
    atomic_store_explicit(p, v, memory_order_release);
}

static inline uint32_t lt_acquire_u32(const _Atomic uint32_t *p)
{
    return atomic_load_explicit((_Atomic uint32_t *)p, memory_order_acquire);
}

static inline void lt_publish_u64(_Atomic uint64_t *p, uint64_t v)
{
    atomic_store_explicit(p, v, memory_order_release);
}

static inline uint64_t lt_acquire_u64(const _Atomic uint64_t *p)
{
    return atomic_load_explicit((_Atomic uint64_t *)p, memory_order_acquire);
}

/* Reservations (a ring ticket, a range of a table's label arena): returns the value before
 * adding n. The add being atomic makes each reservation unique, which is all a reservation
 * needs; relaxed suffices because what the caller then writes into the reserved place is
 * published separately, by a release store of a slot's state or sequence. */
static inline uint64_t lt_counter_take(lt_counter_t *c, uint64_t n)
{
    return atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* A 32-bit count that publishes nothing (the number of series): relaxed, like counters. */
static inline uint32_t lt_u32_get(const _Atomic uint32_t *p)
{
    return atomic_load_explicit((_Atomic uint32_t *)p, memory_order_relaxed);
}

static inline void lt_u32_add(_Atomic uint32_t *p, uint32_t d)
{
    atomic_fetch_add_explicit(p, d, memory_order_relaxed);
}

/* Claims: compare-and-swap, acquire on success and on failure. A winner sees everything
 * published before the value it replaced (so its own writes to the claimed place come after
 * the previous owner's); a loser finds in *expected the value that beat it and may read what
 * that value published. Acquire is stronger than a bare count needs, and costs nothing on
 * the targets logtally runs on. */
static inline bool lt_cas_u32(_Atomic uint32_t *p, uint32_t *expected, uint32_t desired)
{
    return atomic_compare_exchange_strong_explicit(p, expected, desired, memory_order_acquire,
                                                   memory_order_acquire);
}

static inline bool lt_cas_u64(_Atomic uint64_t *p, uint64_t *expected, uint64_t desired)
{
    return atomic_compare_exchange_strong_explicit(p, expected, desired, memory_order_acquire,
                                                   memory_order_acquire);
}

/* Sequence locks (the ring; Boehm, "Can seqlocks get along with programming language memory
 * models?", 2012). Writer: make the sequence odd, lt_fence_release, store the data with
 * lt_words_store, publish the new even sequence with a release store. Reader: acquire-load
 * the sequence, copy with lt_words_load, lt_fence_acquire, load the sequence again. If the
 * reader copied any word of a later write, that write's release fence synchronises with the
 * reader's acquire fence, so the second load sees the writer's odd sequence (or a later one)
 * and the reader discards the copy; if both loads return the same even value, every word came
 * from the write that published it. The data words themselves need only relaxed atomics:
 * they make concurrent access race-free in the C11 sense, and the fences do the ordering. */
static inline void lt_fence_release(void)
{
    atomic_thread_fence(memory_order_release);
}

static inline void lt_fence_acquire(void)
{
    atomic_thread_fence(memory_order_acquire);
}

/* Stores n bytes from src into ceil(n / 8) words; the last word is zero-padded. */
static inline void lt_words_store(_Atomic uint64_t *dst, const void *src, size_t n)
{
    const unsigned char *s = src;
    for (; n >= 8; n -= 8, s += 8, dst++) {
        uint64_t w;
        memcpy(&w, s, 8);
        atomic_store_explicit(dst, w, memory_order_relaxed);
    }
    if (n > 0) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        atomic_store_explicit(dst, w, memory_order_relaxed);
    }
}

/* Copies n bytes out of words stored by lt_words_store (exactly n bytes are written). */
static inline void lt_words_load(void *dst, const _Atomic uint64_t *src, size_t n)
{
    unsigned char *d = dst;
    for (; n >= 8; n -= 8, d += 8, src++) {
        uint64_t w = atomic_load_explicit((_Atomic uint64_t *)src, memory_order_relaxed);
        memcpy(d, &w, 8);
    }
    if (n > 0) {
        uint64_t w = atomic_load_explicit((_Atomic uint64_t *)src, memory_order_relaxed);
        memcpy(d, &w, n);
    }
}

/* One word of a sequence-locked record (a timestamp, packed lengths). */
static inline void lt_word_set(_Atomic uint64_t *p, uint64_t v)
{
    atomic_store_explicit(p, v, memory_order_relaxed);
}

static inline uint64_t lt_word_get(const _Atomic uint64_t *p)
{
    return atomic_load_explicit((_Atomic uint64_t *)p, memory_order_relaxed);
}

#endif
