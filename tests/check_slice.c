/* SPDX-License-Identifier: MIT */
/* src/slice.c: a slice request is reported back by the kernel, a second value too (so it is
 * no constant), and a thread created afterwards inherits it. On kernels without per-thread
 * slices (before 6.12) the call must say so and the kernel reports none. Each case runs in
 * its own forked process (CK_FORK), so the test runner's threads keep their slices. */
#include <check.h>
#include <errno.h>
#include <pthread.h>

#include "check_run.h"
#include "lt_slice.h"

static void *read_slice(void *arg)
{
    *(int64_t *)arg = lt_slice_current_us();
    return NULL;
}

START_TEST(test_slice_request_reads_back)
{
    int rc = lt_slice_request(LT_SLICE_HTTP_US);
    if (rc == -ENOTSUP) {
        ck_assert_int_eq(lt_slice_current_us(), 0);
        return;
    }
    ck_assert_msg(rc == 0, "lt_slice_request: %d", rc);
    ck_assert_int_eq(lt_slice_current_us(), LT_SLICE_HTTP_US);

    ck_assert_int_eq(lt_slice_request(2500), 0);
    ck_assert_int_eq(lt_slice_current_us(), 2500);

    pthread_t t;
    int64_t inherited = -1;
    ck_assert_int_eq(pthread_create(&t, NULL, read_slice, &inherited), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_eq(inherited, 2500);
}
END_TEST

static Suite *slice_suite(void)
{
    Suite *s = suite_create("slice");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_slice_request_reads_back);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(slice_suite());
}
