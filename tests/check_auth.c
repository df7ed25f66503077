/* SPDX-License-Identifier: MIT */
/* Tests for src/auth.c: loading the token file (trailing newline dropped, empty, spaces,
 * oversize, missing, readable by others) and the Authorization check. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lt_auth.h"

static char path[64];

static void write_file(const char *text, size_t n, mode_t mode)
{
    snprintf(path, sizeof(path), "/tmp/lt-auth-%d", (int)getpid());
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, n, f), n);
    fclose(f);
    ck_assert_int_eq(chmod(path, mode), 0);
}

static lt_slice_t header(const char *s)
{
    return (lt_slice_t){s, strlen(s)};
}

START_TEST(test_auth_load_strips_the_newline)
{
    lt_auth_t auth = {0};
    bool is_exposed = true;
    write_file("s3cret-T0ken\n", 13, 0600);
    ck_assert_int_eq(lt_auth_load(&auth, path, &is_exposed), 0);
    ck_assert_str_eq(auth.token, "s3cret-T0ken");
    ck_assert_uint_eq(auth.len, 12);
    ck_assert(!is_exposed);
    write_file("other\r\n\n", 8, 0644); /* a reload replaces the token */
    ck_assert_int_eq(lt_auth_load(&auth, path, &is_exposed), 0);
    ck_assert_str_eq(auth.token, "other");
    ck_assert(is_exposed);
    lt_auth_free(&auth);
    ck_assert_ptr_null(auth.token);
    unlink(path);
}
END_TEST

START_TEST(test_auth_load_refuses_bad_files)
{
    lt_auth_t auth = {0};
    static char big[LT_AUTH_MAX_TOKEN_BYTES + 1];
    memset(big, 'a', sizeof(big));
    write_file("\n", 1, 0600);
    ck_assert_int_eq(lt_auth_load(&auth, path, NULL), UV_EINVAL);
    write_file("two words\n", 10, 0600);
    ck_assert_int_eq(lt_auth_load(&auth, path, NULL), UV_EINVAL);
    write_file("nul\0inside", 10, 0600);
    ck_assert_int_eq(lt_auth_load(&auth, path, NULL), UV_EINVAL);
    write_file(big, sizeof(big), 0600);
    ck_assert_int_eq(lt_auth_load(&auth, path, NULL), UV_E2BIG);
    write_file(big, sizeof(big) - 1, 0600); /* exactly the limit is fine */
    ck_assert_int_eq(lt_auth_load(&auth, path, NULL), 0);
    ck_assert_uint_eq(auth.len, LT_AUTH_MAX_TOKEN_BYTES);
    lt_auth_free(&auth);
    unlink(path);
    ck_assert_int_eq(lt_auth_load(&auth, path, NULL), UV_ENOENT);
    ck_assert_ptr_null(auth.token);
}
END_TEST

START_TEST(test_auth_allows)
{
    lt_auth_t none = {0};
    lt_auth_t auth = {.token = "s3cret", .len = 6};
    ck_assert(lt_auth_allows(&none, header("")));
    ck_assert(lt_auth_allows(&auth, header("Bearer s3cret")));
    ck_assert(lt_auth_allows(&auth, header("bearer s3cret")));
    ck_assert(lt_auth_allows(&auth, header("BEARER s3cret")));
    static const char *const refused[] = {
        "", "Bearer", "Bearer ", "Bearer s3cre", "Bearer s3cret2", "Bearer s3creT",
        "Bearer  s3cret", "Basic s3cret", "s3cret", "Bearer x3cret",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        ck_assert_msg(!lt_auth_allows(&auth, header(refused[i])), "allowed: '%s'", refused[i]);
}
END_TEST

static Suite *auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_auth_load_strips_the_newline);
    tcase_add_test(tc, test_auth_load_refuses_bad_files);
    tcase_add_test(tc, test_auth_allows);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(auth_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
