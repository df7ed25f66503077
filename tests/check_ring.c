/* SPDX-License-Identifier: MIT */
/* Tests for src/ring.c: argument validation, round-tripping every field, each query filter,
 * truncation, wraparound with exact overwritten counts, and concurrent writers with a reader
 * that must never see a torn entry. */
#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lt_ring.h"
#include "check_run.h"

static lt_slice_t S(const char *s)
{
    return (lt_slice_t){s, s ? strlen(s) : 0};
}

static lt_event_t make_event(lt_level_t level, const char *host, const char *app, const char *msg)
{
    lt_event_t ev = {
        .level = level,
        .facility = 1,
        .format = LT_FORMAT_RFC5424,
        .time_ms = LT_TIME_NONE,
        .host = S(host),
        .app = S(app),
        .msg = S(msg),
    };
    return ev;
}

/* What a query returned, copied out of the callback. */
#define MAX_GOT 64
typedef struct {
    size_t n;
    lt_ring_entry_t e[MAX_GOT];
    char msg[MAX_GOT][128];
} got_t;

static void collect(void *arg, const lt_ring_entry_t *entry)
{
    got_t *g = arg;
    ck_assert_msg(g->n < MAX_GOT, "more than %d entries", MAX_GOT);
    g->e[g->n] = *entry;
    ck_assert_msg(entry->msg_len < sizeof(g->msg[0]), "msg_len %zu", entry->msg_len);
    memcpy(g->msg[g->n], entry->msg, entry->msg_len + 1);
    g->e[g->n].msg = g->msg[g->n];
    g->n++;
}

static got_t *query(const lt_ring_t *r, const lt_ring_filter_t *f)
{
    static got_t g;
    memset(&g, 0, sizeof(g));
    size_t n = lt_ring_query(r, f, collect, &g);
    ck_assert_uint_eq(n, g.n);
    return &g;
}

/* Asserts that the query returned exactly the seqs listed, in that order. */
static void assert_seqs(const got_t *g, const uint64_t *want, size_t nwant, const char *what)
{
    ck_assert_msg(g->n == nwant, "%s: %zu entries, want %zu", what, g->n, nwant);
    for (size_t i = 0; i < nwant; i++)
        ck_assert_msg(g->e[i].seq == want[i], "%s: entry %zu has seq %" PRIu64 ", want %" PRIu64,
                      what, i, g->e[i].seq, want[i]);
}

START_TEST(test_ring_new_validates)
{
    lt_ring_t *r = (lt_ring_t *)1;
    ck_assert_int_eq(lt_ring_new(&r, 0, 64, LT_LEVEL_DEBUG), UV_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(lt_ring_new(&r, LT_RING_MAX_SLOTS + 1, 64, LT_LEVEL_DEBUG), UV_EINVAL);
    ck_assert_int_eq(lt_ring_new(&r, 8, 15, LT_LEVEL_DEBUG), UV_EINVAL);
    ck_assert_int_eq(lt_ring_new(&r, 8, 1024 * 1024 + 1, LT_LEVEL_DEBUG), UV_EINVAL);
    ck_assert_int_eq(lt_ring_new(&r, 8, 64, (lt_level_t)LT_LEVEL_COUNT), UV_EINVAL);
    ck_assert_int_eq(lt_ring_new(&r, 8, 64, (lt_level_t)-1), UV_EINVAL);

    ck_assert_int_eq(lt_ring_new(&r, 1, 16, LT_LEVEL_UNKNOWN), 0);
    ck_assert_uint_eq(lt_ring_slots(r), 1);
    ck_assert_uint_eq(lt_ring_max_message_bytes(r), 16);
    ck_assert_int_eq(lt_ring_min_level(r), LT_LEVEL_UNKNOWN);
    lt_ring_free(r);
    ck_assert_int_eq(lt_ring_new(&r, 2, 1024 * 1024, LT_LEVEL_ERR), 0);
    ck_assert_uint_eq(lt_ring_max_message_bytes(r), 1024 * 1024);
    lt_ring_free(r);
    lt_ring_free(NULL);
}
END_TEST

START_TEST(test_ring_push_query_round_trip)
{
    lt_ring_t *r;
    ck_assert_int_eq(lt_ring_new(&r, 8, 64, LT_LEVEL_DEBUG), 0);
    ck_assert_uint_eq(query(r, NULL)->n, 0);

    lt_event_t ev = make_event(LT_LEVEL_ERR, "web1", "nginx", "disk full");
    ev.facility = 23;
    ev.time_ms = 1700000000123;
    lt_ring_push(r, &ev, LT_TRANSPORT_UDP, "[2001:db8::1]:514", 1700000000456);
    ev = make_event(LT_LEVEL_WARNING, "", "", "");
    ev.facility = LT_FACILITY_NONE;
    lt_ring_push(r, &ev, LT_TRANSPORT_HTTP, NULL, -5);
    ev = make_event(LT_LEVEL_DEBUG, "h", "a", "third");
    ev.facility = 0;
    lt_ring_push(r, &ev, LT_TRANSPORT_TCP, "10.0.0.1:9", 7);
    ck_assert_uint_eq(lt_ring_pushed_total(r), 3);
    ck_assert_uint_eq(lt_ring_overwritten_total(r), 0);

    got_t *g = query(r, NULL);
    assert_seqs(g, (uint64_t[]){3, 2, 1}, 3, "all");
    const lt_ring_entry_t *e = &g->e[2];
    ck_assert_int_eq(e->received_ms, 1700000000456);
    ck_assert_int_eq(e->event_ms, 1700000000123);
    ck_assert_int_eq(e->level, LT_LEVEL_ERR);
    ck_assert_int_eq(e->facility, 23);
    ck_assert_int_eq(e->transport, LT_TRANSPORT_UDP);
    ck_assert_str_eq(e->host, "web1");
    ck_assert_str_eq(e->app, "nginx");
    ck_assert_str_eq(e->peer, "[2001:db8::1]:514");
    ck_assert_uint_eq(e->msg_len, 9);
    ck_assert_str_eq(e->msg, "disk full");
    ck_assert(!e->is_truncated);

    e = &g->e[1];
    ck_assert_int_eq(e->received_ms, -5);
    ck_assert_int_eq(e->event_ms, LT_TIME_NONE);
    ck_assert_int_eq(e->level, LT_LEVEL_WARNING);
    ck_assert_int_eq(e->facility, LT_FACILITY_NONE);
    ck_assert_int_eq(e->transport, LT_TRANSPORT_HTTP);
    ck_assert_str_eq(e->host, "");
    ck_assert_str_eq(e->app, "");
    ck_assert_str_eq(e->peer, "");
    ck_assert_uint_eq(e->msg_len, 0);
    ck_assert_str_eq(e->msg, "");

    e = &g->e[0];
    ck_assert_int_eq(e->facility, 0);
    ck_assert_int_eq(e->transport, LT_TRANSPORT_TCP);
    ck_assert_str_eq(e->peer, "10.0.0.1:9");
    ck_assert_str_eq(e->msg, "third");
    lt_ring_free(r);
}
END_TEST

START_TEST(test_ring_min_level_at_push)
{
    lt_ring_t *r;
    ck_assert_int_eq(lt_ring_new(&r, 8, 64, LT_LEVEL_WARNING), 0);
    ck_assert(lt_ring_wants(r, LT_LEVEL_EMERG));
    ck_assert(lt_ring_wants(r, LT_LEVEL_WARNING));
    ck_assert(!lt_ring_wants(r, LT_LEVEL_NOTICE));
    ck_assert(!lt_ring_wants(r, LT_LEVEL_UNKNOWN));
    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        lt_event_t ev = make_event((lt_level_t)l, "h", "a", "m");
        lt_ring_push(r, &ev, LT_TRANSPORT_TCP, NULL, l);
    }
    ck_assert_uint_eq(lt_ring_pushed_total(r), LT_LEVEL_WARNING + 1);
    got_t *g = query(r, NULL);
    ck_assert_uint_eq(g->n, LT_LEVEL_WARNING + 1);
    for (size_t i = 0; i < g->n; i++)
        ck_assert_msg((int)g->e[i].level == LT_LEVEL_WARNING - (int)i, "entry %zu level %d", i,
                      g->e[i].level);
    lt_ring_free(r);
}
END_TEST

START_TEST(test_ring_filters)
{
    lt_ring_t *r;
    ck_assert_int_eq(lt_ring_new(&r, 16, 64, LT_LEVEL_UNKNOWN), 0);
    /* seq: level, host, app, received_ms */
    struct {
        lt_level_t level;
        const char *host, *app;
        int64_t received_ms;
    } in[] = {
        {LT_LEVEL_ERR, "web1", "nginx", 100},     /* 1 */
        {LT_LEVEL_INFO, "web2", "nginx", 200},    /* 2 */
        {LT_LEVEL_CRIT, "web1", "sshd", 300},     /* 3 */
        {LT_LEVEL_DEBUG, "web10", "nginxx", 400}, /* 4 */
        {LT_LEVEL_ERR, "web2", "sshd", 500},      /* 5 */
        {LT_LEVEL_UNKNOWN, "", "", 600},          /* 6 */
    };
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        lt_event_t ev = make_event(in[i].level, in[i].host, in[i].app, "m");
        lt_ring_push(r, &ev, LT_TRANSPORT_TCP, NULL, in[i].received_ms);
    }
    lt_ring_filter_t f;
    lt_ring_filter_init(&f);
    assert_seqs(query(r, &f), (uint64_t[]){6, 5, 4, 3, 2, 1}, 6, "none");

    f.min_level = LT_LEVEL_ERR;
    assert_seqs(query(r, &f), (uint64_t[]){5, 3, 1}, 3, "min_level err");
    f.min_level = LT_LEVEL_EMERG;
    assert_seqs(query(r, &f), NULL, 0, "min_level emerg");

    lt_ring_filter_init(&f);
    f.level = LT_LEVEL_ERR;
    assert_seqs(query(r, &f), (uint64_t[]){5, 1}, 2, "level err");
    f.level = LT_LEVEL_UNKNOWN;
    assert_seqs(query(r, &f), (uint64_t[]){6}, 1, "level unknown");

    lt_ring_filter_init(&f);
    f.host = S("web1");
    assert_seqs(query(r, &f), (uint64_t[]){3, 1}, 2, "host web1 (not web10)");
    f.host = S("");
    assert_seqs(query(r, &f), (uint64_t[]){6}, 1, "host empty");

    lt_ring_filter_init(&f);
    f.app = S("nginx");
    assert_seqs(query(r, &f), (uint64_t[]){2, 1}, 2, "app nginx (not nginxx)");
    f.app = (lt_slice_t){"nginxx", 5}; /* a slice, not a C string */
    assert_seqs(query(r, &f), (uint64_t[]){2, 1}, 2, "app slice nginx");

    lt_ring_filter_init(&f);
    f.since_ms = 300;
    assert_seqs(query(r, &f), (uint64_t[]){6, 5, 4, 3}, 4, "since 300");
    f.since_ms = 601;
    assert_seqs(query(r, &f), NULL, 0, "since 601");

    lt_ring_filter_init(&f);
    f.after_seq = 4;
    assert_seqs(query(r, &f), (uint64_t[]){6, 5}, 2, "after_seq 4");
    f.after_seq = 6;
    assert_seqs(query(r, &f), NULL, 0, "after_seq 6");

    lt_ring_filter_init(&f);
    f.limit = 2;
    assert_seqs(query(r, &f), (uint64_t[]){6, 5}, 2, "limit 2");

    /* Combined: the limit counts matches, not slots looked at. */
    lt_ring_filter_init(&f);
    f.min_level = LT_LEVEL_ERR;
    f.host = S("web1");
    f.limit = 1;
    assert_seqs(query(r, &f), (uint64_t[]){3}, 1, "err web1 limit 1");
    f.limit = 0;
    f.app = S("nginx");
    f.since_ms = 100;
    f.after_seq = 0;
    assert_seqs(query(r, &f), (uint64_t[]){1}, 1, "err web1 nginx since 100");
    f.after_seq = 1;
    assert_seqs(query(r, &f), NULL, 0, "... after 1");
    lt_ring_free(r);
}
END_TEST

START_TEST(test_ring_truncation)
{
    lt_ring_t *r;
    ck_assert_int_eq(lt_ring_new(&r, 8, 16, LT_LEVEL_DEBUG), 0);
    char host[301], app[101], peer[101];
    memset(host, 'h', 300);
    memset(app, 'a', 100);
    memset(peer, 'p', 100);
    host[300] = app[100] = peer[100] = '\0';

    lt_event_t ev = make_event(LT_LEVEL_ERR, host, app, "0123456789abcdef"); /* exactly 16 */
    lt_ring_push(r, &ev, LT_TRANSPORT_TCP, peer, 1);
    ev.msg = S("0123456789abcdefX");
    lt_ring_push(r, &ev, LT_TRANSPORT_TCP, peer, 2);
    ev.msg = S("0123456789abcd\xc3\xa9XYZ"); /* U+00E9 at bytes 14-15 fits */
    lt_ring_push(r, &ev, LT_TRANSPORT_TCP, peer, 3);
    ev.msg = S("0123456789abcde\xc3\xa9XYZ"); /* U+00E9 at bytes 15-16 is dropped whole */
    lt_ring_push(r, &ev, LT_TRANSPORT_TCP, peer, 4);

    got_t *g = query(r, NULL);
    ck_assert_uint_eq(g->n, 4);
    const lt_ring_entry_t *e = &g->e[3];
    ck_assert_uint_eq(strlen(e->host), LT_RING_HOST_BYTES);
    ck_assert_uint_eq(strlen(e->app), LT_RING_APP_BYTES);
    ck_assert_uint_eq(strlen(e->peer), LT_RING_PEER_BYTES);
    ck_assert_int_eq(memcmp(e->host, host, LT_RING_HOST_BYTES), 0);
    ck_assert_uint_eq(e->msg_len, 16);
    ck_assert_str_eq(e->msg, "0123456789abcdef");
    ck_assert(!e->is_truncated);

    e = &g->e[2];
    ck_assert_uint_eq(e->msg_len, 16);
    ck_assert_str_eq(e->msg, "0123456789abcdef");
    ck_assert(e->is_truncated);

    e = &g->e[1];
    ck_assert_uint_eq(e->msg_len, 16);
    ck_assert_str_eq(e->msg, "0123456789abcd\xc3\xa9");
    ck_assert(e->is_truncated);

    e = &g->e[0];
    ck_assert_uint_eq(e->msg_len, 15);
    ck_assert_str_eq(e->msg, "0123456789abcde");
    ck_assert(e->is_truncated);

    /* A host filter matches the stored, cut value. */
    lt_ring_filter_t f;
    lt_ring_filter_init(&f);
    f.host = (lt_slice_t){host, LT_RING_HOST_BYTES};
    ck_assert_uint_eq(query(r, &f)->n, 4);
    f.host = (lt_slice_t){host, 300};
    ck_assert_uint_eq(query(r, &f)->n, 0);
    lt_ring_free(r);
}
END_TEST

START_TEST(test_ring_wraparound)
{
    enum { N = 8, PUSHES = 21 };
    lt_ring_t *r;
    ck_assert_int_eq(lt_ring_new(&r, N, 32, LT_LEVEL_DEBUG), 0);
    char msg[32];
    for (int i = 1; i <= PUSHES; i++) {
        snprintf(msg, sizeof(msg), "event %d", i);
        lt_event_t ev = make_event(LT_LEVEL_INFO, "h", "a", msg);
        lt_ring_push(r, &ev, LT_TRANSPORT_TCP, NULL, i);
        ck_assert_uint_eq(lt_ring_pushed_total(r), (uint64_t)i);
        ck_assert_msg(lt_ring_overwritten_total(r) == (uint64_t)(i > N ? i - N : 0),
                      "after %d pushes: overwritten %" PRIu64, i, lt_ring_overwritten_total(r));
    }
    got_t *g = query(r, NULL);
    assert_seqs(g, (uint64_t[]){21, 20, 19, 18, 17, 16, 15, 14}, N, "wrapped");
    for (size_t i = 0; i < g->n; i++) {
        snprintf(msg, sizeof(msg), "event %" PRIu64, g->e[i].seq);
        ck_assert_str_eq(g->e[i].msg, msg);
        ck_assert_int_eq(g->e[i].received_ms, (int64_t)g->e[i].seq);
    }

    lt_ring_filter_t f;
    lt_ring_filter_init(&f);
    f.limit = 3;
    assert_seqs(query(r, &f), (uint64_t[]){21, 20, 19}, 3, "limit 3");
    f.limit = 100;
    assert_seqs(query(r, &f), (uint64_t[]){21, 20, 19, 18, 17, 16, 15, 14}, N, "limit 100");
    lt_ring_filter_init(&f);
    f.after_seq = 17;
    assert_seqs(query(r, &f), (uint64_t[]){21, 20, 19, 18}, 4, "after_seq 17");
    f.after_seq = 3; /* older than anything kept */
    ck_assert_uint_eq(query(r, &f)->n, N);
    lt_ring_free(r);

    /* One slot: every push but the first overwrites. */
    ck_assert_int_eq(lt_ring_new(&r, 1, 16, LT_LEVEL_DEBUG), 0);
    for (int i = 1; i <= 5; i++) {
        lt_event_t ev = make_event(LT_LEVEL_INFO, "h", "a", "m");
        lt_ring_push(r, &ev, LT_TRANSPORT_TCP, NULL, i);
    }
    ck_assert_uint_eq(lt_ring_overwritten_total(r), 4);
    assert_seqs(query(r, NULL), (uint64_t[]){5}, 1, "one slot");
    lt_ring_free(r);
}
END_TEST

/* ---- concurrency -------------------------------------------------------------------------- */

enum { WRITERS = 4, PUSHES_PER_WRITER = 50000, RING_SLOTS = 64, MAX_QUERIES = 1000000 };
#define FILLER "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" /* 64 */

typedef struct {
    lt_ring_t *ring;
    int id;
    pthread_barrier_t *start;
} writer_t;

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    char host[64], app[64], msg[128];
    pthread_barrier_wait(w->start);
    for (int n = 0; n < PUSHES_PER_WRITER; n++) {
        /* Every field encodes (writer, n), with lengths that vary so that a torn copy of
         * two events cannot agree with itself. */
        snprintf(host, sizeof(host), "host-%d-%d%.*s", w->id, n, n % 17, "................");
        snprintf(app, sizeof(app), "app-%d-%d", w->id, n);
        snprintf(msg, sizeof(msg), "writer %d event %d %.*s", w->id, n, (n * 7) % 60, FILLER);
        lt_event_t ev = make_event((lt_level_t)(n % LT_LEVEL_COUNT), host, app, msg);
        ev.facility = w->id;
        ev.time_ms = (int64_t)w->id * 1000000 + n;
        lt_ring_push(w->ring, &ev, (lt_transport_t)(n % LT_TRANSPORT_COUNT), host, n);
    }
    return NULL;
}

typedef struct {
    lt_ring_t *ring;
    _Atomic int *writers_left;
    size_t entries; /* entries checked */
    size_t queries;
    uint64_t last_seq; /* of the previous entry in the current query */
    char bad[512];     /* the first inconsistent entry, described */
} reader_t;

static void check_entry(void *arg, const lt_ring_entry_t *e)
{
    reader_t *rd = arg;
    if (rd->bad[0] != '\0')
        return;
    rd->entries++;
    int w = e->facility;
    int64_t n = e->event_ms - (int64_t)w * 1000000;
    char host[64], app[64], msg[128];
    snprintf(host, sizeof(host), "host-%d-%d%.*s", w, (int)n, (int)(n % 17), "................");
    snprintf(app, sizeof(app), "app-%d-%d", w, (int)n);
    snprintf(msg, sizeof(msg), "writer %d event %d %.*s", w, (int)n, (int)((n * 7) % 60), FILLER);
    bool is_ok = w >= 0 && w < WRITERS && n >= 0 && n < PUSHES_PER_WRITER && e->received_ms == n &&
                 (int)e->level == n % LT_LEVEL_COUNT &&
                 (int)e->transport == n % LT_TRANSPORT_COUNT && strcmp(e->host, host) == 0 &&
                 strcmp(e->app, app) == 0 && strcmp(e->peer, host) == 0 &&
                 e->msg_len == strlen(msg) && strcmp(e->msg, msg) == 0 && !e->is_truncated &&
                 e->seq >= 1 && e->seq <= (uint64_t)WRITERS * PUSHES_PER_WRITER;
    if (!is_ok)
        snprintf(rd->bad, sizeof(rd->bad),
                 "seq %" PRIu64 " w %d n %" PRId64 " host '%.64s' app '%.64s' msg '%.80s'", e->seq,
                 w, n, e->host, e->app, e->msg);
}

static void check_order(void *arg, const lt_ring_entry_t *e)
{
    reader_t *rd = arg;
    if (rd->last_seq != 0 && e->seq >= rd->last_seq && rd->bad[0] == '\0')
        snprintf(rd->bad, sizeof(rd->bad), "seq %" PRIu64 " after %" PRIu64, e->seq, rd->last_seq);
    rd->last_seq = e->seq;
    check_entry(arg, e);
}

static void *reader_main(void *arg)
{
    reader_t *rd = arg;
    while (atomic_load(rd->writers_left) > 0 && rd->queries < MAX_QUERIES && rd->bad[0] == '\0') {
        rd->last_seq = 0;
        lt_ring_query(rd->ring, NULL, check_order, rd);
        rd->queries++;
    }
    return NULL;
}

START_TEST(test_ring_concurrent_writers_consistent_reads)
{
    lt_ring_t *r;
    ck_assert_int_eq(lt_ring_new(&r, RING_SLOTS, 128, LT_LEVEL_UNKNOWN), 0);
    _Atomic int writers_left = WRITERS;
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, WRITERS);
    reader_t rd = {.ring = r, .writers_left = &writers_left};
    pthread_t reader, writers[WRITERS];
    writer_t w[WRITERS];
    ck_assert_int_eq(pthread_create(&reader, NULL, reader_main, &rd), 0);
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (writer_t){r, i, &start};
        ck_assert_int_eq(pthread_create(&writers[i], NULL, writer_main, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(writers[i], NULL);
        atomic_fetch_sub(&writers_left, 1);
    }
    pthread_join(reader, NULL);
    pthread_barrier_destroy(&start);
    ck_assert_msg(rd.bad[0] == '\0', "torn or misordered entry: %s", rd.bad);

    uint64_t pushed = (uint64_t)WRITERS * PUSHES_PER_WRITER;
    ck_assert_uint_eq(lt_ring_pushed_total(r), pushed);
    uint64_t overwritten = lt_ring_overwritten_total(r);
    /* Lapped writers add drops on top of pushed - slots; each drop is a writer that met
     * another writer's claim, so there are fewer than pushed of them. */
    ck_assert_msg(overwritten >= pushed - RING_SLOTS && overwritten < 2 * pushed,
                  "overwritten %" PRIu64 " of %" PRIu64, overwritten, pushed);

    /* Quiescent: the ring holds the newest tickets, less any dropped by a lapped writer. */
    uint64_t dropped = overwritten - (pushed - RING_SLOTS);
    reader_t final = {.ring = r, .writers_left = &writers_left};
    size_t n = lt_ring_query(r, NULL, check_order, &final);
    ck_assert_msg(final.bad[0] == '\0', "bad entry at rest: %s", final.bad);
    ck_assert_msg(n <= RING_SLOTS && n + dropped >= RING_SLOTS, "%zu entries, %" PRIu64 " dropped",
                  n, dropped);
    lt_ring_free(r);
}
END_TEST

/* A ring replaced on reload keeps the newest events that fit, with their seqs; tickets and
 * both counters go on from the old ring, never back. */
START_TEST(test_ring_new_from_carries_on)
{
    lt_ring_t *old, *r;
    char msg[32];
    ck_assert_int_eq(lt_ring_new(&old, 4, 64, LT_LEVEL_INFO), 0);
    for (int i = 1; i <= 6; i++) {
        snprintf(msg, sizeof(msg), "message %d", i);
        lt_event_t ev = make_event(i % 2 ? LT_LEVEL_ERR : LT_LEVEL_INFO, "h", "a", msg);
        lt_ring_push(old, &ev, LT_TRANSPORT_TCP, "peer", 1000 + i);
    }
    ck_assert_uint_eq(lt_ring_overwritten_total(old), 2);

    /* Larger, errors only, shorter messages: seqs 3..6 were in old, 3 and 5 are errors. */
    ck_assert_int_eq(lt_ring_new_from(&r, old, 10, 16, LT_LEVEL_ERR), 0);
    ck_assert_uint_eq(lt_ring_slots(r), 10);
    ck_assert_uint_eq(lt_ring_pushed_total(r), 6);
    ck_assert_uint_eq(lt_ring_overwritten_total(r), 2);
    got_t *g = query(r, NULL);
    static const uint64_t want[] = {5, 3};
    assert_seqs(g, want, 2, "copied");
    ck_assert_str_eq(g->e[0].msg, "message 5");
    ck_assert_str_eq(g->e[0].peer, "peer");
    ck_assert_int_eq(g->e[1].received_ms, 1003);

    lt_event_t ev = make_event(LT_LEVEL_ERR, "h", "a", "a message longer than sixteen bytes");
    lt_ring_push(r, &ev, LT_TRANSPORT_UDP, NULL, 2000);
    g = query(r, NULL);
    static const uint64_t want2[] = {7, 5, 3};
    assert_seqs(g, want2, 3, "after a push");
    ck_assert(g->e[0].is_truncated);
    ck_assert_uint_eq(g->e[0].msg_len, 16);
    ck_assert_uint_eq(lt_ring_pushed_total(r), 7);

    /* Smaller: only the newest 2 tickets (6, 7) fit; 6 is info, gone under min_level err. */
    lt_ring_t *small;
    ck_assert_int_eq(lt_ring_new_from(&small, r, 2, 16, LT_LEVEL_ERR), 0);
    static const uint64_t want3[] = {7};
    assert_seqs(query(small, NULL), want3, 1, "smaller");
    ck_assert_uint_eq(lt_ring_overwritten_total(small), 5);
    lt_ring_t *bad;
    ck_assert_int_eq(lt_ring_new_from(&bad, old, 0, 16, LT_LEVEL_ERR), UV_EINVAL);
    ck_assert_ptr_null(bad);
    lt_ring_free(small);
    lt_ring_free(r);
    lt_ring_free(old);
}
END_TEST

static Suite *ring_suite(void)
{
    Suite *s = suite_create("ring");
    TCase *tc = tcase_create("ring");
    tcase_add_test(tc, test_ring_new_validates);
    tcase_add_test(tc, test_ring_push_query_round_trip);
    tcase_add_test(tc, test_ring_min_level_at_push);
    tcase_add_test(tc, test_ring_filters);
    tcase_add_test(tc, test_ring_truncation);
    tcase_add_test(tc, test_ring_wraparound);
    tcase_add_test(tc, test_ring_concurrent_writers_consistent_reads);
    tcase_add_test(tc, test_ring_new_from_carries_on);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(ring_suite());
}
