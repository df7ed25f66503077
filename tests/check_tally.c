/* SPDX-License-Identifier: MIT */
/* Tests for src/tally.c: a message becomes exactly one count under the series its labels
 * select, a rejection becomes exactly one count under its reason, and severe events reach
 * the ring. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_config.h"
#include "lt_parse.h"
#include "lt_tally.h"
#include "check_run.h"

typedef struct {
    lt_table_t table;
    lt_ring_t *ring;
    lt_stats_t stats;
    lt_tally_t tally;
    lt_table_batch_t batch;
} fixture_t;

static void fixture_init(fixture_t *f, unsigned labels, size_t max_series)
{
    memset(f, 0, sizeof(*f));
    ck_assert_int_eq(lt_table_init(&f->table, max_series), 0);
    lt_table_precreate_levels(&f->table); /* as logtallyd does */
    ck_assert_int_eq(lt_ring_new(&f->ring, 16, 64, LT_LEVEL_WARNING), 0);
    lt_stats_init(&f->stats);
    f->tally = (lt_tally_t){&f->table, f->ring, &f->stats, labels};
}

static void fixture_free(fixture_t *f)
{
    lt_ring_free(f->ring);
    lt_table_free(&f->table);
}

typedef struct {
    lt_level_t level;
    const char *host, *app;
    int facility, transport;
    bool is_overflow;
    uint64_t count;
    int found;
} want_t;

static void find_series(void *arg, const lt_series_key_t *key, uint64_t count)
{
    want_t *w = arg;
    size_t hn = w->host ? strlen(w->host) : 0, an = w->app ? strlen(w->app) : 0;
    if (key->level == w->level && key->facility == w->facility
        && key->transport == w->transport && key->is_overflow == w->is_overflow
        && key->host.n == hn && (hn == 0 || memcmp(key->host.p, w->host, hn) == 0)
        && key->app.n == an && (an == 0 || memcmp(key->app.p, w->app, an) == 0)) {
        w->count = count;
        w->found++;
    }
}

static uint64_t series_count(fixture_t *f, want_t w)
{
    lt_table_foreach(&f->table, find_series, &w);
    ck_assert_int_le(w.found, 1);
    return w.count;
}

static int tally(fixture_t *f, lt_transport_t tr, const char *msg)
{
    int rc = lt_tally_message(&f->tally, &f->batch, tr, "127.0.0.1:1", msg, strlen(msg),
                              1764040485000);
    lt_table_batch_flush(&f->table, &f->batch);
    return rc;
}

START_TEST(test_tally_counts_by_level_only)
{
    fixture_t f;
    fixture_init(&f, 0, 100);
    ck_assert_int_eq(tally(&f, LT_TRANSPORT_TCP, "<11>Nov 25 03:14:45 vm app: a"), 0);
    ck_assert_int_eq(tally(&f, LT_TRANSPORT_UDP, "<11>1 - vm other - - - b"), 0);
    ck_assert_int_eq(tally(&f, LT_TRANSPORT_HTTP, "{\"level\":\"error\",\"host\":\"x\"}"), 0);
    want_t err = {LT_LEVEL_ERR, NULL, NULL, LT_LABEL_UNSET, LT_LABEL_UNSET, false, 0, 0};
    ck_assert_uint_eq(series_count(&f, err), 3);
    uint64_t totals[LT_LEVEL_COUNT];
    lt_table_level_totals(&f.table, totals);
    ck_assert_uint_eq(totals[LT_LEVEL_ERR], 3);
    fixture_free(&f);
}
END_TEST

START_TEST(test_tally_labels_select_series)
{
    fixture_t f;
    fixture_init(&f, LT_LABEL_HOST | LT_LABEL_APP | LT_LABEL_FACILITY | LT_LABEL_TRANSPORT, 100);
    tally(&f, LT_TRANSPORT_TCP, "<11>Nov 25 03:14:45 web1 nginx[12]: a");
    tally(&f, LT_TRANSPORT_TCP, "<11>Nov 25 03:14:45 web1 nginx[13]: b");
    tally(&f, LT_TRANSPORT_UDP, "<11>Nov 25 03:14:45 web1 nginx[13]: c");
    tally(&f, LT_TRANSPORT_TCP, "{\"level\":\"warn\",\"host\":\"web2\",\"app\":\"api\"}");
    ck_assert_uint_eq(series_count(&f, (want_t){LT_LEVEL_ERR, "web1", "nginx", 1,
                                                LT_TRANSPORT_TCP, false, 0, 0}), 2);
    ck_assert_uint_eq(series_count(&f, (want_t){LT_LEVEL_ERR, "web1", "nginx", 1,
                                                LT_TRANSPORT_UDP, false, 0, 0}), 1);
    ck_assert_uint_eq(series_count(&f, (want_t){LT_LEVEL_WARNING, "web2", "api",
                                                LT_FACILITY_NONE, LT_TRANSPORT_TCP, false, 0, 0}),
                      1);
    fixture_free(&f);
}
END_TEST

START_TEST(test_tally_overflow_keeps_every_event)
{
    fixture_t f;
    /* Room for the nine level-only series and two more. */
    fixture_init(&f, LT_LABEL_HOST, 11);
    char msg[64];
    for (int i = 0; i < 20; i++) {
        snprintf(msg, sizeof(msg), "<11>Nov 25 03:14:45 host%d app: x", i);
        ck_assert_int_eq(tally(&f, LT_TRANSPORT_TCP, msg), 0);
    }
    uint64_t totals[LT_LEVEL_COUNT];
    lt_table_level_totals(&f.table, totals);
    ck_assert_uint_eq(totals[LT_LEVEL_ERR], 20);
    ck_assert_uint_eq(lt_table_series_count(&f.table), 11);
    ck_assert_uint_eq(lt_table_overflow_total(&f.table), 18);
    ck_assert_uint_eq(series_count(&f, (want_t){LT_LEVEL_ERR, NULL, NULL, LT_LABEL_UNSET,
                                                LT_LABEL_UNSET, true, 0, 0}),
                      18);
    fixture_free(&f);
}
END_TEST

START_TEST(test_tally_rejects_by_reason)
{
    fixture_t f;
    fixture_init(&f, 0, 100);
    int rc = tally(&f, LT_TRANSPORT_TCP, "{\"level\": oops}");
    ck_assert_int_eq(rc, LT_PARSE_ERR(LT_REJECT_BAD_JSON));
    ck_assert_uint_eq(lt_counter_get(&f.stats.rejected[LT_TRANSPORT_TCP][LT_REJECT_BAD_JSON]), 1);
    lt_tally_reject(&f.tally, LT_TRANSPORT_UDP, LT_REJECT_OVERSIZE);
    ck_assert_uint_eq(lt_counter_get(&f.stats.rejected[LT_TRANSPORT_UDP][LT_REJECT_OVERSIZE]), 1);
    ck_assert_uint_eq(lt_stats_rejected_total(&f.stats), 2);
    uint64_t totals[LT_LEVEL_COUNT] = {0}, sum = 0;
    lt_table_level_totals(&f.table, totals);
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        sum += totals[l];
    ck_assert_uint_eq(sum, 0);
    fixture_free(&f);
}
END_TEST

static void collect(void *arg, const lt_ring_entry_t *e)
{
    char *out = arg;
    strncat(out, e->msg, e->msg_len);
    strcat(out, "|");
}

START_TEST(test_tally_ring_gets_severe_events)
{
    fixture_t f;
    fixture_init(&f, 0, 100);
    tally(&f, LT_TRANSPORT_TCP, "<14>Nov 25 03:14:45 vm app: info line");
    tally(&f, LT_TRANSPORT_TCP, "<11>Nov 25 03:14:45 vm app: error line");
    tally(&f, LT_TRANSPORT_TCP, "<12>Nov 25 03:14:45 vm app: warning line");
    ck_assert_uint_eq(lt_ring_pushed_total(f.ring), 2);
    lt_ring_filter_t filter;
    lt_ring_filter_init(&filter);
    char out[256] = "";
    ck_assert_uint_eq(lt_ring_query(f.ring, &filter, collect, out), 2);
    ck_assert_str_eq(out, "warning line|error line|");
    fixture_free(&f);
}
END_TEST

static Suite *tally_suite(void)
{
    Suite *s = suite_create("tally");
    TCase *tc = tcase_create("tally");
    tcase_add_test(tc, test_tally_counts_by_level_only);
    tcase_add_test(tc, test_tally_labels_select_series);
    tcase_add_test(tc, test_tally_overflow_keeps_every_event);
    tcase_add_test(tc, test_tally_rejects_by_reason);
    tcase_add_test(tc, test_tally_ring_gets_severe_events);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(tally_suite());
}
