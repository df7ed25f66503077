/* SPDX-License-Identifier: MIT */
/* Tests of src/rates.c with synthetic timestamps: steady rates, a burst, windows longer than
 * the history, skipped and repeated seconds, and the exact per-second history. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lt_rates.h"
#include "check_run.h"

#define T0 INT64_C(1700000000)

/* Ticks at T0 + s with every level's total set from err and info (the rest zero). */
static void tick(lt_rates_t *r, int64_t s, uint64_t err, uint64_t info)
{
    uint64_t totals[LT_LEVEL_COUNT] = {0};
    totals[LT_LEVEL_ERR] = err;
    totals[LT_LEVEL_INFO] = info;
    lt_rates_tick(r, T0 + s, totals);
}

/* Asserts the err and info rates over window_s, and that every other level is 0. */
static void expect_rate(const lt_rates_t *r, unsigned window_s, double err, double info,
                        const char *what)
{
    double out[LT_LEVEL_COUNT];
    lt_rates_get(r, window_s, out);
    ck_assert_msg(out[LT_LEVEL_ERR] == err, "%s: err rate over %us is %g, want %g", what,
                  window_s, out[LT_LEVEL_ERR], err);
    ck_assert_msg(out[LT_LEVEL_INFO] == info, "%s: info rate over %us is %g, want %g", what,
                  window_s, out[LT_LEVEL_INFO], info);
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        if (l != LT_LEVEL_ERR && l != LT_LEVEL_INFO)
            ck_assert_msg(out[l] == 0.0, "%s: level %d rate over %us is %g, want 0", what, l,
                          window_s, out[l]);
}

/* What lt_rates_history visited. */
typedef struct {
    size_t n;
    int64_t second[64];
    uint64_t err[64];
    uint64_t info[64];
    bool others_nonzero;
} visits_t;

static void visit(void *arg, int64_t second, const uint64_t counts[LT_LEVEL_COUNT])
{
    visits_t *v = arg;
    ck_assert_msg(v->n < 64, "more than 64 seconds visited");
    v->second[v->n] = second - T0;
    v->err[v->n] = counts[LT_LEVEL_ERR];
    v->info[v->n] = counts[LT_LEVEL_INFO];
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        if (l != LT_LEVEL_ERR && l != LT_LEVEL_INFO && counts[l] != 0)
            v->others_nonzero = true;
    v->n++;
}

/* One second of history (relative to T0) and its err count. */
typedef struct {
    int64_t second;
    uint64_t err;
} second_t;

/* Asserts the visited seconds and their err counts, oldest first: want[0..n). */
static void expect_history(const lt_rates_t *r, unsigned window_s, const second_t *want, size_t n,
                           const char *what)
{
    visits_t v;
    memset(&v, 0, sizeof(v));
    size_t got = lt_rates_history(r, window_s, visit, &v);
    ck_assert_msg(got == n && v.n == n, "%s: history(%u) visited %zu (returned %zu), want %zu",
                  what, window_s, v.n, got, n);
    ck_assert_msg(!v.others_nonzero, "%s: history(%u) has counts at other levels", what,
                  window_s);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(v.second[i] == want[i].second,
                      "%s: history(%u) entry %zu is second %lld, want %lld", what, window_s, i,
                      (long long)v.second[i], (long long)want[i].second);
        ck_assert_msg(v.err[i] == want[i].err,
                      "%s: history(%u) second %lld has %llu err, want %llu", what, window_s,
                      (long long)want[i].second, (unsigned long long)v.err[i],
                      (unsigned long long)want[i].err);
    }
}

/* A rates history of history_s seconds (asserting it is made). */
static lt_rates_t *rates_new(unsigned history_s)
{
    lt_rates_t *r = NULL;
    ck_assert_int_eq(lt_rates_new(&r, history_s), 0);
    return r;
}

START_TEST(test_rates_new_rejects_bad_history)
{
    lt_rates_t *r = NULL;
    ck_assert_int_eq(lt_rates_new(&r, 0), UV_EINVAL);
    ck_assert_int_eq(lt_rates_new(&r, LT_RATES_HISTORY_MAX_S + 1), UV_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(lt_rates_new(&r, 900), 0);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(lt_rates_history_s(r), 900);
    lt_rates_free(r);
    lt_rates_free(NULL);
}
END_TEST

START_TEST(test_rates_fewer_than_two_samples)
{
    lt_rates_t *r = rates_new(900);
    expect_rate(r, 60, 0.0, 0.0, "no sample");
    ck_assert_uint_eq(lt_rates_history(r, 60, visit, NULL), 0);
    tick(r, 0, 500, 70);
    expect_rate(r, 60, 0.0, 0.0, "one sample");
    expect_history(r, 60, NULL, 0, "one sample");
    tick(r, 1, 510, 72);
    expect_rate(r, 0, 0.0, 0.0, "window 0");
    expect_rate(r, 60, 10.0, 2.0, "two samples");
    lt_rates_free(r);
}
END_TEST

START_TEST(test_rates_steady)
{
    /* 10 err/s and 2 info/s for 1000 s, one tick a second, 900 s of history. */
    lt_rates_t *r = rates_new(900);
    for (int64_t s = 0; s <= 1000; s++)
        tick(r, s, 10 * (uint64_t)s, 2 * (uint64_t)s);
    expect_rate(r, 1, 10.0, 2.0, "steady");
    expect_rate(r, 60, 10.0, 2.0, "steady");
    expect_rate(r, 300, 10.0, 2.0, "steady");
    expect_rate(r, 900, 10.0, 2.0, "steady");
    expect_rate(r, 3600, 10.0, 2.0, "steady, window beyond history");
    static const second_t want[] = {{998, 10}, {999, 10}, {1000, 10}};
    expect_history(r, 3, want, 3, "steady");
    lt_rates_free(r);
}
END_TEST

START_TEST(test_rates_burst)
{
    /* 1 err/s for 200 s with 600 extra at second 150. */
    lt_rates_t *r = rates_new(900);
    for (int64_t s = 0; s <= 200; s++)
        tick(r, s, (uint64_t)s + (s >= 150 ? 600 : 0), 0);
    expect_rate(r, 10, 1.0, 0.0, "burst out of the 10 s window");
    expect_rate(r, 60, 11.0, 0.0, "burst inside the 60 s window"); /* (800 - 140) / 60 */
    expect_rate(r, 51, 651.0 / 51.0, 0.0, "burst at the window's edge"); /* (800 - 149) / 51 */
    expect_rate(r, 50, 1.0, 0.0, "burst just before the window");
    /* Younger than the window: over the 200 s there are. */
    expect_rate(r, 900, 4.0, 0.0, "burst, daemon younger than window");
    static const second_t want[] = {{149, 1}, {150, 601}, {151, 1}};
    visits_t v;
    memset(&v, 0, sizeof(v));
    ck_assert_uint_eq(lt_rates_history(r, 52, visit, &v), 52);
    ck_assert_int_eq(v.second[0], 149);
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(v.second[i] == want[i].second && v.err[i] == want[i].err,
                      "burst: entry %zu is second %lld with %llu err, want %lld with %llu", i,
                      (long long)v.second[i], (unsigned long long)v.err[i],
                      (long long)want[i].second, (unsigned long long)want[i].err);
    lt_rates_free(r);
}
END_TEST

START_TEST(test_rates_window_larger_than_history)
{
    /* 10 s of history: a 60 s window is computed over the 10 s kept. */
    lt_rates_t *r = rates_new(10);
    for (int64_t s = 0; s <= 100; s++)
        tick(r, s, 3 * (uint64_t)s + (s == 95 ? 20 : 0) + (s > 95 ? 20 : 0), 0);
    expect_rate(r, 60, 5.0, 0.0, "window 60, history 10"); /* (320 - 270) / 10 */
    expect_rate(r, 10, 5.0, 0.0, "window 10, history 10");
    expect_rate(r, 4, 3.0, 0.0, "window 4, history 10");
    static const second_t want[] = {{91, 3}, {92, 3}, {93, 3}, {94, 3}, {95, 23},
                                    {96, 3}, {97, 3}, {98, 3}, {99, 3}, {100, 3}};
    expect_history(r, 60, want, 10, "history 10, window 60");
    expect_history(r, 10, want, 10, "history 10, window 10");
    expect_history(r, 6, want + 4, 6, "history 10, window 6");
    lt_rates_free(r);
}
END_TEST

START_TEST(test_rates_skipped_seconds)
{
    /* Ticks at 0, 1, 4, 5: seconds 2 and 3 are filled with the totals of second 1, so the 15
     * events of the gap land in second 4. */
    lt_rates_t *r = rates_new(900);
    tick(r, 0, 0, 0);
    tick(r, 1, 5, 0);
    tick(r, 4, 20, 0);
    tick(r, 5, 25, 0);
    expect_rate(r, 5, 5.0, 0.0, "gap, whole span");
    expect_rate(r, 1, 5.0, 0.0, "gap, last second");
    expect_rate(r, 2, 10.0, 0.0, "gap, window ending in it"); /* (25 - T(3) = 5) / 2 */
    expect_rate(r, 4, 5.0, 0.0, "gap, window from a filled second"); /* (25 - 5) / 4 */
    static const second_t want[] = {{1, 5}, {2, 0}, {3, 0}, {4, 15}, {5, 5}};
    expect_history(r, 60, want, 5, "gap");
    lt_rates_free(r);
}
END_TEST

START_TEST(test_rates_long_stall)
{
    /* A stall longer than the history: the ring is refilled, and only its length is looped. */
    lt_rates_t *r = rates_new(10);
    tick(r, 0, 7, 0);
    tick(r, 1, 8, 0);
    tick(r, 1000, 58, 0);
    expect_rate(r, 60, 5.0, 0.0, "stall"); /* (58 - 8) over the 10 s kept */
    expect_rate(r, 1, 50.0, 0.0, "stall, last second");
    static const second_t want[] = {{991, 0}, {992, 0}, {993, 0}, {994, 0}, {995, 0},
                                    {996, 0}, {997, 0}, {998, 0}, {999, 0}, {1000, 50}};
    expect_history(r, 60, want, 10, "stall");
    lt_rates_free(r);
}
END_TEST

START_TEST(test_rates_repeated_second)
{
    /* A second tick in the same second replaces the first. */
    lt_rates_t *r = rates_new(900);
    tick(r, 10, 5, 1);
    tick(r, 10, 8, 3);
    expect_rate(r, 60, 0.0, 0.0, "one second, ticked twice");
    expect_history(r, 60, NULL, 0, "one second, ticked twice");
    tick(r, 11, 9, 4);
    tick(r, 12, 11, 4);
    tick(r, 12, 13, 6);
    expect_rate(r, 1, 4.0, 2.0, "repeated latest second");
    expect_rate(r, 2, 2.5, 1.5, "repeated first and latest second"); /* (13-8)/2, (6-3)/2 */
    static const second_t want[] = {{11, 1}, {12, 4}};
    expect_history(r, 60, want, 2, "repeated second");
    lt_rates_free(r);
}
END_TEST

/* Records every level of every visited second. */
typedef struct {
    size_t n;
    int64_t second[8];
    uint64_t counts[8][LT_LEVEL_COUNT];
} all_visits_t;

static void visit_all(void *arg, int64_t second, const uint64_t counts[LT_LEVEL_COUNT])
{
    all_visits_t *v = arg;
    ck_assert_msg(v->n < 8, "more than 8 seconds visited");
    v->second[v->n] = second - T0;
    memcpy(v->counts[v->n], counts, sizeof(v->counts[0]));
    v->n++;
}

START_TEST(test_rates_history_exact)
{
    /* Level l gets (s * (l + 1)) % 7 events in second s; history returns exactly those counts
     * for the last window_s seconds, oldest first. */
    lt_rates_t *r = rates_new(900);
    uint64_t totals[LT_LEVEL_COUNT] = {0};
    for (int64_t s = 0; s <= 20; s++) {
        for (int l = 0; l < LT_LEVEL_COUNT; l++)
            totals[l] += (uint64_t)(s * (l + 1)) % 7;
        lt_rates_tick(r, T0 + s, totals);
    }
    all_visits_t v;
    memset(&v, 0, sizeof(v));
    ck_assert_uint_eq(lt_rates_history(r, 5, visit_all, &v), 5);
    ck_assert_uint_eq(v.n, 5);
    for (size_t i = 0; i < 5; i++) {
        int64_t s = 16 + (int64_t)i;
        ck_assert_msg(v.second[i] == s, "entry %zu is second %lld, want %lld", i,
                      (long long)v.second[i], (long long)s);
        for (int l = 0; l < LT_LEVEL_COUNT; l++) {
            uint64_t want = (uint64_t)(s * (l + 1)) % 7;
            ck_assert_msg(v.counts[i][l] == want, "second %lld level %d: %llu events, want %llu",
                          (long long)s, l, (unsigned long long)v.counts[i][l],
                          (unsigned long long)want);
        }
    }
    memset(&v, 0, sizeof(v));
    ck_assert_uint_eq(lt_rates_history(r, 0, visit_all, &v), 0);
    ck_assert_uint_eq(v.n, 0);
    lt_rates_free(r);
}
END_TEST

START_TEST(test_rates_clock_steps_back)
{
    /* A tick before the latest second restarts the history instead of corrupting it. */
    lt_rates_t *r = rates_new(900);
    tick(r, 100, 0, 0);
    tick(r, 101, 10, 0);
    tick(r, 50, 12, 0);
    expect_rate(r, 60, 0.0, 0.0, "after the step back, one sample");
    tick(r, 51, 15, 0);
    expect_rate(r, 60, 3.0, 0.0, "after the step back, two samples");
    static const second_t want[] = {{51, 3}};
    expect_history(r, 60, want, 1, "after the step back");
    lt_rates_free(r);
}
END_TEST

START_TEST(test_rates_total_goes_down)
{
    lt_rates_t *r = rates_new(900);
    tick(r, 0, 10, 0);
    tick(r, 1, 4, 0);
    expect_rate(r, 60, 0.0, 0.0, "total went down");
    static const second_t want[] = {{1, 0}};
    expect_history(r, 60, want, 1, "total went down");
    lt_rates_free(r);
}
END_TEST

static Suite *rates_suite(void)
{
    Suite *s = suite_create("rates");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_rates_new_rejects_bad_history);
    tcase_add_test(tc, test_rates_fewer_than_two_samples);
    tcase_add_test(tc, test_rates_steady);
    tcase_add_test(tc, test_rates_burst);
    tcase_add_test(tc, test_rates_window_larger_than_history);
    tcase_add_test(tc, test_rates_skipped_seconds);
    tcase_add_test(tc, test_rates_long_stall);
    tcase_add_test(tc, test_rates_repeated_second);
    tcase_add_test(tc, test_rates_history_exact);
    tcase_add_test(tc, test_rates_clock_steps_back);
    tcase_add_test(tc, test_rates_total_goes_down);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(rates_suite());
}
