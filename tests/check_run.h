/* SPDX-License-Identifier: MIT */
/* The one main() every Check program shares: run its suite in the mode CK_FORK and friends
 * choose (make check sets fork mode and a timeout), and turn failures into the exit status.
 * Header-only: each test program includes its own copy. */
#ifndef LT_TESTS_CHECK_RUN_H
#define LT_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* The number of rows of a case table, for tcase_add_loop_test. */
#define ROWS(a) (int)(sizeof(a) / sizeof((a)[0]))

/* Runs s (and frees it); returns EXIT_SUCCESS when no case failed, else EXIT_FAILURE. */
static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
