/* SPDX-License-Identifier: MIT */
/* Tests for src/fdlimit.c: the limit check against a lowered RLIMIT_NOFILE (each test runs in
 * its own forked process), and the report's one line a second with the count of the rest. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

#include "lt_fdlimit.h"
#include "lt_log.h"
#include "check_run.h"

static void set_limit(rlim_t n)
{
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = n;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

START_TEST(test_fdlimit_near_the_soft_limit)
{
    set_limit(64);
    ck_assert(!lt_fdlimit_is_near(3, LT_FDLIMIT_RESERVE_INGEST));
    ck_assert(!lt_fdlimit_is_near(47, 16)); /* 47 + 16 = 63: one descriptor to spare */
    ck_assert(lt_fdlimit_is_near(48, 16));
    ck_assert(!lt_fdlimit_is_near(55, 8));
    ck_assert(lt_fdlimit_is_near(56, 8));
    ck_assert(lt_fdlimit_is_near(63, 8));
    set_limit(1024); /* read at every call: a raised limit counts at once */
    ck_assert(!lt_fdlimit_is_near(48, 16));
}
END_TEST

typedef struct {
    int lines;
    char last[512];
} sink_t;

static void capture(void *arg, int prio, const char *line)
{
    sink_t *s = arg;
    ck_assert_int_eq(prio, LT_LOG_WARNING);
    s->lines++;
    strncpy(s->last, line, sizeof(s->last) - 1);
}

START_TEST(test_fdlimit_report_once_a_second)
{
    sink_t sink = {0};
    lt_fdlimit_log_t log = {0};
    set_limit(64);
    lt_log_set_sink(capture, &sink);
    for (int i = 0; i < 5; i++)
        lt_fdlimit_report(&log, "tcp", 48 + i, 16, 1000);
    ck_assert_int_eq(sink.lines, 1);
    ck_assert_str_eq(sink.last, "tcp: connection closed: descriptor 48 is within 16 of the open "
                                "files limit 64 (0 more closed since the last report)");
    lt_fdlimit_report(&log, "http", 60, 8, 1000);
    ck_assert_int_eq(sink.lines, 1);
    lt_fdlimit_report(&log, "http", 61, 8, 1001); /* a new second: one line for the five */
    ck_assert_int_eq(sink.lines, 2);
    ck_assert_str_eq(sink.last, "http: connection closed: descriptor 61 is within 8 of the open "
                                "files limit 64 (5 more closed since the last report)");
    lt_fdlimit_report(&log, "tcp", 50, 16, 1001);
    lt_fdlimit_report(&log, "tcp", 50, 16, 1005);
    ck_assert_int_eq(sink.lines, 3);
    ck_assert_ptr_nonnull(strstr(sink.last, "(1 more closed"));
    lt_log_set_sink(NULL, NULL);
}
END_TEST

START_TEST(test_fdlimit_report_error_once_a_second)
{
    sink_t sink = {0};
    lt_fdlimit_log_t log = {0};
    lt_log_set_sink(capture, &sink);
    for (int i = 0; i < 4; i++)
        lt_fdlimit_report_error(&log, "tcp", UV_EMFILE, 2000);
    ck_assert_int_eq(sink.lines, 1);
    ck_assert_str_eq(sink.last, "tcp: accept failed: too many open files (0 more failures since "
                                "the last report)");
    lt_fdlimit_report_error(&log, "http", UV_ENFILE, 2001); /* a new second: the three */
    ck_assert_int_eq(sink.lines, 2);
    ck_assert_str_eq(sink.last, "http: accept failed: file table overflow (3 more failures since "
                                "the last report)");
    lt_log_set_sink(NULL, NULL);
}
END_TEST

static Suite *fdlimit_suite(void)
{
    Suite *s = suite_create("fdlimit");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fdlimit_near_the_soft_limit);
    tcase_add_test(tc, test_fdlimit_report_once_a_second);
    tcase_add_test(tc, test_fdlimit_report_error_once_a_second);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(fdlimit_suite());
}
