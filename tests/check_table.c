/* SPDX-License-Identifier: MIT */
/* Tests for src/table.c: series identity, label cutting, the max_series cap and its overflow
 * series, the pre-created level series, exact counts under concurrent inserts and increments,
 * and per-thread batches. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lt_table.h"
#include "series_dump.h"
#include "check_run.h"

/* The number after a label's prefix (labels in the table are not NUL-terminated). */
static int label_number(lt_slice_t label, size_t prefix_n)
{
    char buf[32] = "";
    if (label.n > prefix_n && label.n - prefix_n < sizeof(buf))
        memcpy(buf, label.p + prefix_n, label.n - prefix_n);
    return buf[0] ? atoi(buf) : -1;
}

/* Everything foreach reported, for the assertions. */
typedef struct {
    size_t nseries;
    size_t noverflow;
    uint64_t sum;
    uint64_t overflow_sum;
    unsigned level_seen[LT_LEVEL_COUNT];
    size_t last_host_n;
    size_t last_app_n;
} visit_t;

static void visit(void *arg, const lt_series_key_t *key, uint64_t count)
{
    visit_t *v = arg;
    if (key->is_overflow) {
        v->noverflow++;
        v->overflow_sum += count;
    } else {
        v->nseries++;
    }
    v->sum += count;
    v->level_seen[key->level]++;
    v->last_host_n = key->host.n;
    v->last_app_n = key->app.n;
}

START_TEST(test_table_init_rejects)
{
    lt_table_t t;
    ck_assert_int_eq(lt_table_init(&t, 0), UV_EINVAL);
    ck_assert_int_eq(lt_table_init(&t, LT_TABLE_MAX_SERIES + 1), UV_EINVAL);
    ck_assert_int_eq(lt_table_init(&t, 1), 0);
    ck_assert_uint_eq(lt_table_series_count(&t), 0);
    lt_table_free(&t);
}
END_TEST

START_TEST(test_table_insert_lookup)
{
    lt_table_t t;
    ck_assert_int_eq(lt_table_init(&t, 100), 0);
    /* Keys that differ in exactly one field each. */
    lt_series_key_t keys[] = {
        key_of(LT_LEVEL_ERR, LT_LABEL_UNSET, LT_LABEL_UNSET, NULL, NULL),
        key_of(LT_LEVEL_INFO, LT_LABEL_UNSET, LT_LABEL_UNSET, NULL, NULL),
        key_of(LT_LEVEL_ERR, 3, LT_LABEL_UNSET, NULL, NULL),
        key_of(LT_LEVEL_ERR, 4, LT_LABEL_UNSET, NULL, NULL),
        key_of(LT_LEVEL_ERR, 3, LT_TRANSPORT_TCP, NULL, NULL),
        key_of(LT_LEVEL_ERR, 3, LT_TRANSPORT_UDP, NULL, NULL),
        key_of(LT_LEVEL_ERR, 3, LT_TRANSPORT_UDP, "web1", NULL),
        key_of(LT_LEVEL_ERR, 3, LT_TRANSPORT_UDP, "web2", NULL),
        key_of(LT_LEVEL_ERR, 3, LT_TRANSPORT_UDP, "web2", "nginx"),
        key_of(LT_LEVEL_ERR, 3, LT_TRANSPORT_UDP, "web2n", "ginx"), /* same bytes, split */
        key_of(LT_LEVEL_ERR, 3, LT_TRANSPORT_UDP, NULL, "web2"),
    };
    size_t nkeys = sizeof(keys) / sizeof(keys[0]);
    uint32_t ids[sizeof(keys) / sizeof(keys[0])];
    for (size_t i = 0; i < nkeys; i++) {
        bool is_overflow = true;
        ids[i] = lt_table_lookup(&t, &keys[i], &is_overflow);
        ck_assert_msg(!is_overflow, "key %zu went to overflow", i);
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(ids[i] != ids[j], "keys %zu and %zu share id %u", i, j, ids[i]);
        lt_table_add(&t, ids[i], i + 1);
    }
    ck_assert_uint_eq(lt_table_series_count(&t), nkeys);

    /* Lookups of equal keys (other storage for the strings) return the same id. */
    char host[] = "web2", app[] = "nginx";
    lt_series_key_t again = key_of(LT_LEVEL_ERR, 3, LT_TRANSPORT_UDP, host, app);
    ck_assert_uint_eq(lt_table_lookup(&t, &again, NULL), ids[8]);
    for (size_t i = 0; i < nkeys; i++)
        ck_assert_msg(lt_table_lookup(&t, &keys[i], NULL) == ids[i], "key %zu changed id", i);
    ck_assert_uint_eq(lt_table_series_count(&t), nkeys);

    lt_table_incr(&t, &again, 100);
    visit_t v = {0};
    lt_table_foreach(&t, visit, &v);
    ck_assert_uint_eq(v.nseries, nkeys);
    ck_assert_uint_eq(v.noverflow, 0);
    ck_assert_uint_eq(v.sum, nkeys * (nkeys + 1) / 2 + 100);

    uint64_t totals[LT_LEVEL_COUNT];
    lt_table_level_totals(&t, totals);
    ck_assert_uint_eq(totals[LT_LEVEL_INFO], 2);
    ck_assert_uint_eq(totals[LT_LEVEL_ERR], nkeys * (nkeys + 1) / 2 + 100 - 2);
    ck_assert_uint_eq(lt_table_overflow_total(&t), 0);
    lt_table_free(&t);
}
END_TEST

/* Checks the one series foreach reports. */
typedef struct {
    char host[512];
    char app[512];
    size_t host_n;
    size_t app_n;
    uint64_t count;
} one_series_t;

static void visit_one(void *arg, const lt_series_key_t *key, uint64_t count)
{
    one_series_t *o = arg;
    memcpy(o->host, key->host.p, key->host.n);
    memcpy(o->app, key->app.p, key->app.n);
    o->host_n = key->host.n;
    o->app_n = key->app.n;
    o->count = count;
}

START_TEST(test_table_label_cut)
{
    lt_table_t t;
    ck_assert_int_eq(lt_table_init(&t, 10), 0);
    char host[301], app[301];
    memset(host, 'h', 300);
    memset(app, 'a', 300);
    host[300] = app[300] = '\0';

    /* 300, 256 and 255 bytes with one prefix are one series, stored as 255 bytes. */
    lt_series_key_t full = {LT_LEVEL_ERR, 1, 1, {host, 300}, {app, 300}, false};
    uint32_t id = lt_table_lookup(&t, &full, NULL);
    size_t lens[] = {256, 255};
    for (size_t i = 0; i < 2; i++) {
        lt_series_key_t k = {LT_LEVEL_ERR, 1, 1, {host, lens[i]}, {app, lens[i]}, false};
        ck_assert_msg(lt_table_lookup(&t, &k, NULL) == id, "len %zu is another series", lens[i]);
    }
    lt_series_key_t shorter = {LT_LEVEL_ERR, 1, 1, {host, 254}, {app, 255}, false};
    ck_assert_uint_ne(lt_table_lookup(&t, &shorter, NULL), id);
    lt_table_add(&t, id, 7);
    ck_assert_uint_eq(lt_table_series_count(&t), 2);

    lt_table_t t2;
    ck_assert_int_eq(lt_table_init(&t2, 10), 0);
    lt_table_incr(&t2, &full, 7);
    one_series_t o = {0};
    lt_table_foreach(&t2, visit_one, &o);
    ck_assert_uint_eq(o.host_n, LT_TABLE_MAX_LABEL_BYTES);
    ck_assert_uint_eq(o.app_n, LT_TABLE_MAX_LABEL_BYTES);
    ck_assert_int_eq(memcmp(o.host, host, 255), 0);
    ck_assert_int_eq(memcmp(o.app, app, 255), 0);
    ck_assert_uint_eq(o.count, 7);
    lt_table_free(&t2);

    /* A two-byte character across the cut is dropped whole, never split. */
    ck_assert_int_eq(lt_table_init(&t2, 10), 0);
    memcpy(host + 254, "\xc3\xa9", 2); /* U+00E9 at bytes 254-255 */
    full.app = LT_SLICE_NULL;
    lt_table_incr(&t2, &full, 1);
    memset(&o, 0, sizeof(o));
    lt_table_foreach(&t2, visit_one, &o);
    ck_assert_uint_eq(o.host_n, 254);
    ck_assert_uint_eq(o.app_n, 0);
    lt_table_free(&t2);
    lt_table_free(&t);
}
END_TEST

START_TEST(test_table_overflow_at_max_series)
{
    enum { MAX = 5 };
    lt_table_t t;
    ck_assert_int_eq(lt_table_init(&t, MAX), 0);
    char host[16];
    uint64_t added = 0, to_overflow = 0;
    uint32_t err_overflow_id = 0;
    for (int i = 0; i < MAX + 4; i++) {
        snprintf(host, sizeof(host), "h%d", i);
        lt_level_t level = i % 2 ? LT_LEVEL_ERR : LT_LEVEL_WARNING;
        lt_series_key_t k = key_of(level, LT_LABEL_UNSET, LT_LABEL_UNSET, host, NULL);
        bool is_overflow = true;
        uint32_t id = lt_table_lookup(&t, &k, &is_overflow);
        ck_assert_msg(is_overflow == (i >= MAX), "series %d: is_overflow %d", i, is_overflow);
        ck_assert_uint_eq(lt_table_series_count(&t), i < MAX ? (size_t)i + 1 : MAX);
        lt_table_add(&t, id, (uint64_t)i + 10);
        added += (uint64_t)i + 10;
        if (i >= MAX) {
            to_overflow += (uint64_t)i + 10;
            if (level == LT_LEVEL_ERR && err_overflow_id == 0)
                err_overflow_id = id;
            else if (level == LT_LEVEL_ERR)
                ck_assert_msg(id == err_overflow_id, "series %d: second err overflow id", i);
        }
    }
    /* An existing series is still found after the cap is reached. */
    bool is_overflow = true;
    lt_series_key_t h1 = key_of(LT_LEVEL_ERR, LT_LABEL_UNSET, LT_LABEL_UNSET, "h1", NULL);
    lt_table_lookup(&t, &h1, &is_overflow);
    ck_assert(!is_overflow);
    /* A key asking for the overflow series directly gets it. */
    lt_series_key_t ov = key_of(LT_LEVEL_ERR, LT_LABEL_UNSET, LT_LABEL_UNSET, NULL, NULL);
    ov.is_overflow = true;
    ck_assert_uint_eq(lt_table_lookup(&t, &ov, NULL), err_overflow_id);

    ck_assert_uint_eq(lt_table_series_count(&t), MAX);
    ck_assert_uint_eq(lt_table_overflow_total(&t), to_overflow);
    visit_t v = {0};
    lt_table_foreach(&t, visit, &v);
    ck_assert_uint_eq(v.nseries, MAX);
    ck_assert_uint_eq(v.noverflow, 2); /* err and warning */
    ck_assert_uint_eq(v.overflow_sum, to_overflow);
    ck_assert_uint_eq(v.sum, added);
    lt_table_free(&t);
}
END_TEST

START_TEST(test_table_precreated_levels)
{
    lt_table_t t;
    ck_assert_int_eq(lt_table_init(&t, 20), 0);
    lt_table_precreate_levels(&t);
    lt_table_precreate_levels(&t); /* idempotent */
    ck_assert_uint_eq(lt_table_series_count(&t), LT_LEVEL_COUNT);
    visit_t v = {0};
    lt_table_foreach(&t, visit, &v);
    ck_assert_uint_eq(v.nseries, LT_LEVEL_COUNT);
    ck_assert_uint_eq(v.noverflow, 0);
    ck_assert_uint_eq(v.sum, 0);
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        ck_assert_msg(v.level_seen[l] == 1, "level %d seen %u times", l, v.level_seen[l]);

    /* Counting the level-only key lands in the pre-created series. */
    lt_series_key_t debug = key_of(LT_LEVEL_DEBUG, LT_LABEL_UNSET, LT_LABEL_UNSET, NULL, "");
    lt_table_incr(&t, &debug, 3);
    ck_assert_uint_eq(lt_table_series_count(&t), LT_LEVEL_COUNT);
    uint64_t totals[LT_LEVEL_COUNT];
    lt_table_level_totals(&t, totals);
    ck_assert_uint_eq(totals[LT_LEVEL_DEBUG], 3);
    lt_table_free(&t);

    /* With max_series below nine the levels are still all there, and nothing else fits. */
    ck_assert_int_eq(lt_table_init(&t, 2), 0);
    lt_table_precreate_levels(&t);
    ck_assert_uint_eq(lt_table_series_count(&t), LT_LEVEL_COUNT);
    bool is_overflow = false;
    lt_series_key_t facility = key_of(LT_LEVEL_ERR, 1, LT_LABEL_UNSET, NULL, NULL);
    lt_table_lookup(&t, &facility, &is_overflow);
    ck_assert(is_overflow);
    lt_table_free(&t);
}
END_TEST

START_TEST(test_table_batch_flushes_exactly)
{
    lt_table_t t;
    ck_assert_int_eq(lt_table_init(&t, 100), 0);
    uint32_t ids[LT_TABLE_BATCH_SLOTS + 1];
    char host[16];
    for (int i = 0; i <= LT_TABLE_BATCH_SLOTS; i++) {
        snprintf(host, sizeof(host), "h%d", i);
        lt_series_key_t k = key_of(LT_LEVEL_INFO, 0, 0, host, NULL);
        ids[i] = lt_table_lookup(&t, &k, NULL);
    }
    lt_table_batch_t b = LT_TABLE_BATCH_INIT;
    /* Same id merges into one entry. */
    lt_table_batch_add(&t, &b, ids[0], 1);
    lt_table_batch_add(&t, &b, ids[0], 2);
    ck_assert_uint_eq(b.n, 1);
    ck_assert_uint_eq(b.counts[0], 3);
    for (int i = 1; i < LT_TABLE_BATCH_SLOTS; i++)
        lt_table_batch_add(&t, &b, ids[i], (uint64_t)i);
    ck_assert_uint_eq(b.n, LT_TABLE_BATCH_SLOTS);
    visit_t v = {0};
    lt_table_foreach(&t, visit, &v);
    ck_assert_uint_eq(v.sum, 0); /* nothing applied yet */

    /* A 33rd id flushes the 32 queued first. */
    lt_table_batch_add(&t, &b, ids[LT_TABLE_BATCH_SLOTS], 1000);
    ck_assert_uint_eq(b.n, 1);
    uint64_t queued = 3 + (LT_TABLE_BATCH_SLOTS - 1) * LT_TABLE_BATCH_SLOTS / 2;
    memset(&v, 0, sizeof(v));
    lt_table_foreach(&t, visit, &v);
    ck_assert_uint_eq(v.sum, queued);

    lt_table_batch_flush(&t, &b);
    ck_assert_uint_eq(b.n, 0);
    lt_table_batch_flush(&t, &b); /* empty flush changes nothing */
    memset(&v, 0, sizeof(v));
    lt_table_foreach(&t, visit, &v);
    ck_assert_uint_eq(v.sum, queued + 1000);
    uint64_t totals[LT_LEVEL_COUNT];
    lt_table_level_totals(&t, totals);
    ck_assert_uint_eq(totals[LT_LEVEL_INFO], queued + 1000);
    lt_table_free(&t);
}
END_TEST

/* ---- threads ------------------------------------------------------------------------------ */

enum {
    NTHREADS = 6,
    NINCR = 200000, /* increments of the shared key and of the thread's own key, each */
    NNEW = 400,     /* new keys each thread inserts while the others count */
};

typedef struct {
    lt_table_t *table;
    int id;
    pthread_barrier_t *start;
    size_t max_seen; /* largest series count the thread observed */
} worker_t;

static void *count_worker(void *arg)
{
    worker_t *w = arg;
    char own[32], fresh[32];
    snprintf(own, sizeof(own), "own-%d", w->id);
    lt_series_key_t shared = key_of(LT_LEVEL_INFO, 1, LT_TRANSPORT_TCP, "shared", "app");
    lt_series_key_t mine = key_of(LT_LEVEL_ERR, 1, LT_TRANSPORT_TCP, own, "app");
    uint32_t mine_id = lt_table_lookup(w->table, &mine, NULL);
    lt_table_batch_t b = LT_TABLE_BATCH_INIT;
    pthread_barrier_wait(w->start);
    for (int i = 0; i < NINCR; i++) {
        /* Three paths to the same counters: lookup+add, incr, and a batch. */
        if (i % 3 == 0) {
            lt_table_incr(w->table, &shared, 1);
            lt_table_add(w->table, mine_id, 1);
        } else if (i % 3 == 1) {
            lt_table_add(w->table, lt_table_lookup(w->table, &shared, NULL), 1);
            lt_table_incr(w->table, &mine, 1);
        } else {
            lt_table_batch_add(w->table, &b, lt_table_lookup(w->table, &shared, NULL), 1);
            lt_table_batch_add(w->table, &b, mine_id, 1);
            if (i % 64 == 2)
                lt_table_batch_flush(w->table, &b);
        }
        if (i % (NINCR / NNEW) == 0) {
            /* Every thread inserts the same fresh keys, racing for each. */
            snprintf(fresh, sizeof(fresh), "fresh-%d", i / (NINCR / NNEW));
            lt_series_key_t k = key_of(LT_LEVEL_NOTICE, 2, LT_TRANSPORT_UDP, fresh, NULL);
            lt_table_incr(w->table, &k, 1);
        }
    }
    lt_table_batch_flush(w->table, &b);
    return NULL;
}

typedef struct {
    uint64_t shared;
    uint64_t own[NTHREADS];
    uint64_t fresh_min, fresh_max;
    size_t nfresh, nown, nshared;
    uint64_t sum;
} tally_t;

static void visit_threads(void *arg, const lt_series_key_t *key, uint64_t count)
{
    tally_t *c = arg;
    c->sum += count;
    if (key->host.n == 6 && memcmp(key->host.p, "shared", 6) == 0) {
        c->shared = count;
        c->nshared++;
    } else if (key->host.n > 4 && memcmp(key->host.p, "own-", 4) == 0) {
        int id = label_number(key->host, 4);
        ck_assert_msg(id >= 0 && id < NTHREADS, "bad own key %.*s", (int)key->host.n, key->host.p);
        c->own[id] = count;
        c->nown++;
    } else {
        ck_assert_msg(key->host.n > 6 && memcmp(key->host.p, "fresh-", 6) == 0,
                      "unexpected key %.*s", (int)key->host.n, key->host.p);
        c->fresh_min = c->nfresh == 0 || count < c->fresh_min ? count : c->fresh_min;
        c->fresh_max = count > c->fresh_max ? count : c->fresh_max;
        c->nfresh++;
    }
}

START_TEST(test_table_threads_exact_counts)
{
    lt_table_t t;
    ck_assert_int_eq(lt_table_init(&t, 1000), 0);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, NTHREADS);
    pthread_t th[NTHREADS];
    worker_t w[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        w[i] = (worker_t){&t, i, &start, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, count_worker, &w[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);

    tally_t c = {0};
    lt_table_foreach(&t, visit_threads, &c);
    ck_assert_uint_eq(c.nshared, 1);
    ck_assert_uint_eq(c.shared, (uint64_t)NTHREADS * NINCR);
    ck_assert_uint_eq(c.nown, NTHREADS);
    for (int i = 0; i < NTHREADS; i++)
        ck_assert_msg(c.own[i] == NINCR, "thread %d own key: %llu", i,
                      (unsigned long long)c.own[i]);
    ck_assert_uint_eq(c.nfresh, NNEW);
    ck_assert_uint_eq(c.fresh_min, NTHREADS);
    ck_assert_uint_eq(c.fresh_max, NTHREADS);
    ck_assert_uint_eq(c.sum, (uint64_t)NTHREADS * (2 * NINCR + NNEW));
    ck_assert_uint_eq(lt_table_series_count(&t), 1 + NTHREADS + NNEW);
    ck_assert_uint_eq(lt_table_overflow_total(&t), 0);
    lt_table_free(&t);
}
END_TEST

enum { RACE_THREADS = 8, RACE_KEYS = 300, RACE_MAX = 100, RACE_ROUNDS = 40 };

static void *race_worker(void *arg)
{
    worker_t *w = arg;
    char host[32];
    pthread_barrier_wait(w->start);
    for (int i = 0; i < RACE_KEYS; i++) {
        /* Half the keys are this thread's own, half are shared with the others. */
        if (i % 2)
            snprintf(host, sizeof(host), "t%d-%d", w->id, i);
        else
            snprintf(host, sizeof(host), "all-%d", i);
        lt_series_key_t k = key_of(LT_LEVEL_ERR, 0, 0, host, NULL);
        lt_table_incr(w->table, &k, 1);
        size_t n = lt_table_series_count(w->table);
        w->max_seen = n > w->max_seen ? n : w->max_seen;
    }
    return NULL;
}

enum { SAME_KEYS = 50, SAME_ROUNDS = 150 };

static void *same_keys_worker(void *arg)
{
    worker_t *w = arg;
    char host[32];
    pthread_barrier_wait(w->start);
    for (int i = 0; i < SAME_KEYS; i++) {
        /* Every thread inserts the same new keys in the same order, at the same moment. */
        snprintf(host, sizeof(host), "same-%d", i);
        lt_series_key_t k = key_of(LT_LEVEL_ERR, 0, 0, host, NULL);
        lt_table_incr(w->table, &k, 1);
    }
    return NULL;
}

static void visit_same(void *arg, const lt_series_key_t *key, uint64_t count)
{
    unsigned *seen = arg;
    int i = label_number(key->host, 5);
    ck_assert_msg(i >= 0 && i < SAME_KEYS && seen[i] == 0, "key %.*s seen twice", (int)key->host.n,
                  key->host.p);
    ck_assert_msg(count == RACE_THREADS, "key %.*s: count %llu", (int)key->host.n, key->host.p,
                  (unsigned long long)count);
    seen[i]++;
}

static void *last_series_worker(void *arg)
{
    worker_t *w = arg;
    char host[32];
    snprintf(host, sizeof(host), "last-%d", w->id);
    pthread_barrier_wait(w->start);
    lt_series_key_t k = key_of(LT_LEVEL_ERR, 0, 0, host, NULL);
    lt_table_incr(w->table, &k, 1);
    return NULL;
}

/* Runs fn on RACE_THREADS threads released together; returns the largest series count any
 * of them observed. */
static size_t run_threads(lt_table_t *t, void *(*fn)(void *))
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, RACE_THREADS);
    pthread_t th[RACE_THREADS];
    worker_t w[RACE_THREADS];
    for (int i = 0; i < RACE_THREADS; i++) {
        w[i] = (worker_t){t, i, &start, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, fn, &w[i]), 0);
    }
    size_t max_seen = 0;
    for (int i = 0; i < RACE_THREADS; i++) {
        pthread_join(th[i], NULL);
        max_seen = w[i].max_seen > max_seen ? w[i].max_seen : max_seen;
    }
    pthread_barrier_destroy(&start);
    return max_seen;
}

START_TEST(test_table_racing_inserters_respect_max_series)
{
    lt_table_t t;
    ck_assert_int_eq(lt_table_init(&t, RACE_MAX), 0);
    size_t max_seen = run_threads(&t, race_worker);
    ck_assert_uint_eq(max_seen, RACE_MAX);
    visit_t v = {0};
    lt_table_foreach(&t, visit, &v);
    ck_assert_uint_eq(lt_table_series_count(&t), RACE_MAX);
    ck_assert_uint_eq(v.nseries, RACE_MAX);
    ck_assert_uint_eq(v.sum, (uint64_t)RACE_THREADS * RACE_KEYS);
    ck_assert_uint_eq(v.overflow_sum, lt_table_overflow_total(&t));
    lt_table_free(&t);

    /* Many rounds of all threads racing for the one remaining place. */
    for (int round = 0; round < RACE_ROUNDS; round++) {
        ck_assert_int_eq(lt_table_init(&t, 3), 0);
        lt_series_key_t a = key_of(LT_LEVEL_ERR, 0, 0, "a", NULL);
        lt_series_key_t b = key_of(LT_LEVEL_ERR, 0, 0, "b", NULL);
        lt_table_incr(&t, &a, 1);
        lt_table_incr(&t, &b, 1);
        max_seen = run_threads(&t, last_series_worker);
        ck_assert_msg(max_seen <= 3, "round %d: a thread saw %zu series", round, max_seen);
        memset(&v, 0, sizeof(v));
        lt_table_foreach(&t, visit, &v);
        ck_assert_msg(lt_table_series_count(&t) == 3, "round %d: %zu series", round,
                      lt_table_series_count(&t));
        ck_assert_msg(v.nseries == 3, "round %d: foreach saw %zu series", round, v.nseries);
        ck_assert_uint_eq(lt_table_overflow_total(&t), RACE_THREADS - 1);
        ck_assert_uint_eq(v.sum, 2 + RACE_THREADS);
        lt_table_free(&t);
    }
}
END_TEST

START_TEST(test_table_racing_inserters_of_one_key_make_one_series)
{
    for (int round = 0; round < SAME_ROUNDS; round++) {
        lt_table_t t;
        ck_assert_int_eq(lt_table_init(&t, 1000), 0);
        run_threads(&t, same_keys_worker);
        unsigned seen[SAME_KEYS] = {0};
        lt_table_foreach(&t, visit_same, seen);
        ck_assert_msg(lt_table_series_count(&t) == SAME_KEYS, "round %d: %zu series", round,
                      lt_table_series_count(&t));
        lt_table_free(&t);
    }
}
END_TEST

/* A lower limit sends new series to overflow while existing ones keep counting; raising it
 * back up to the start-up value lets new series in again; above it is refused. */
START_TEST(test_table_set_series_limit)
{
    lt_table_t t;
    ck_assert_int_eq(lt_table_init(&t, 4), 0);
    ck_assert_uint_eq(lt_table_series_limit(&t), 4);
    ck_assert_int_eq(lt_table_set_series_limit(&t, 5), UV_EINVAL);
    ck_assert_int_eq(lt_table_set_series_limit(&t, 0), UV_EINVAL);
    ck_assert_uint_eq(lt_table_series_limit(&t), 4);

    lt_series_key_t a = key_of(LT_LEVEL_ERR, LT_LABEL_UNSET, LT_LABEL_UNSET, "a", NULL);
    lt_series_key_t b = key_of(LT_LEVEL_ERR, LT_LABEL_UNSET, LT_LABEL_UNSET, "b", NULL);
    lt_series_key_t c = key_of(LT_LEVEL_ERR, LT_LABEL_UNSET, LT_LABEL_UNSET, "c", NULL);
    bool is_overflow = true;
    uint32_t ida = lt_table_lookup(&t, &a, &is_overflow);
    ck_assert(!is_overflow);
    lt_table_lookup(&t, &b, &is_overflow);
    ck_assert(!is_overflow);

    ck_assert_int_eq(lt_table_set_series_limit(&t, 1), 0);
    ck_assert_uint_eq(lt_table_series_limit(&t), 1);
    ck_assert_uint_eq(lt_table_lookup(&t, &a, &is_overflow), ida);
    ck_assert(!is_overflow);
    lt_table_lookup(&t, &c, &is_overflow);
    ck_assert(is_overflow);
    ck_assert_uint_eq(lt_table_series_count(&t), 2);

    ck_assert_int_eq(lt_table_set_series_limit(&t, 4), 0);
    lt_table_lookup(&t, &c, &is_overflow);
    ck_assert(!is_overflow);
    ck_assert_uint_eq(lt_table_series_count(&t), 3);
    lt_table_free(&t);
}
END_TEST

/* lt_table_batch_lookup gives lt_table_lookup's answer whatever came before: keys that share
 * a level but differ in other labels, labels cut at LT_TABLE_MAX_LABEL_BYTES, overflow once
 * the table is full, and a batch moved to another table. */
START_TEST(test_table_batch_lookup_matches_lookup)
{
    lt_table_t t1, t2;
    ck_assert_int_eq(lt_table_init(&t1, 40), 0);
    ck_assert_int_eq(lt_table_init(&t2, 1000), 0);
    lt_table_batch_t b = LT_TABLE_BATCH_INIT;
    char long_a[300], long_b[300];
    memset(long_a, 'h', sizeof(long_a) - 1);
    long_a[sizeof(long_a) - 1] = '\0';
    memcpy(long_b, long_a, sizeof(long_b));
    long_b[sizeof(long_b) - 2] = 'x'; /* differs only past the cut: the same series */
    const char *hosts[] = {NULL, "web1", "web2", "web10", long_a, long_b};
    const char *apps[] = {NULL, "sshd", "sshd2"};
    unsigned seed = 7;
    int overflowed = 0;

    for (int round = 0; round < 4000; round++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        lt_table_t *t = round < 3000 ? &t1 : &t2; /* t1 overflows: 40 series for 162 keys */
        lt_series_key_t k = key_of((lt_level_t)(r % 3), (int)(r / 3 % 2) - 1, LT_LABEL_UNSET,
                                   hosts[r / 7 % 6], apps[r / 43 % 3]);
        k.is_overflow = r % 97 == 0;
        bool is_overflow;
        uint32_t want = lt_table_lookup(t, &k, &is_overflow);
        overflowed += is_overflow;
        uint32_t got = lt_table_batch_lookup(t, &b, &k);
        ck_assert_msg(got == want, "round %d: id %u, want %u", round, got, want);
        /* Twice in a row: the memo's own answer. */
        ck_assert_uint_eq(lt_table_batch_lookup(t, &b, &k), want);
    }
    ck_assert_int_gt(overflowed, 0);
    ck_assert_uint_eq(lt_table_series_count(&t1), 40);
    lt_table_free(&t1);
    lt_table_free(&t2);
}
END_TEST

static Suite *table_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_table_init_rejects);
    tcase_add_test(tc, test_table_insert_lookup);
    tcase_add_test(tc, test_table_label_cut);
    tcase_add_test(tc, test_table_overflow_at_max_series);
    tcase_add_test(tc, test_table_precreated_levels);
    tcase_add_test(tc, test_table_batch_flushes_exactly);
    tcase_add_test(tc, test_table_threads_exact_counts);
    tcase_add_test(tc, test_table_racing_inserters_respect_max_series);
    tcase_add_test(tc, test_table_racing_inserters_of_one_key_make_one_series);
    tcase_add_test(tc, test_table_set_series_limit);
    tcase_add_test(tc, test_table_batch_lookup_matches_lookup);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(table_suite());
}
