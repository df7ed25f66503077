/* SPDX-License-Identifier: MIT */
/* Tests of src/strbuf.c: appends keep the buffer NUL-terminated, printf output longer than its
 * 256-byte stack buffer still lands whole, reset keeps the memory, free releases it. */
#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lt_strbuf.h"
#include "check_run.h"

START_TEST(test_strbuf_append)
{
    lt_strbuf_t sb = LT_STRBUF_INIT;
    lt_strbuf_append(&sb, "abc", 3);
    lt_strbuf_append(&sb, "de\0f", 4); /* bytes, not a C string: the NUL is kept */
    lt_strbuf_puts(&sb, "gh");
    lt_strbuf_append(&sb, NULL, 0);
    ck_assert_uint_eq(sb.len, 9);
    ck_assert_msg(memcmp(sb.p, "abcde\0fgh", 10) == 0, "buffer is not \"abcde\\0fgh\" + NUL");
    ck_assert_uint_ge(sb.cap, sb.len + 1);
    lt_strbuf_free(&sb);
}
END_TEST

START_TEST(test_strbuf_empty_append_terminates)
{
    /* Even an empty append leaves a valid empty C string behind. */
    lt_strbuf_t sb = LT_STRBUF_INIT;
    lt_strbuf_append(&sb, "", 0);
    ck_assert_ptr_nonnull(sb.p);
    ck_assert_uint_eq(sb.len, 0);
    ck_assert_str_eq(sb.p, "");
    lt_strbuf_free(&sb);
}
END_TEST

START_TEST(test_strbuf_growth)
{
    /* Many appends across several doublings keep every byte in order. */
    lt_strbuf_t sb = LT_STRBUF_INIT;
    for (int i = 0; i < 5000; i++) {
        char c = (char)('a' + i % 26);
        lt_strbuf_append(&sb, &c, 1);
    }
    ck_assert_uint_eq(sb.len, 5000);
    ck_assert_uint_ge(sb.cap, 5001);
    for (size_t i = 0; i < 5000; i++)
        ck_assert_msg(sb.p[i] == (char)('a' + i % 26), "byte %zu is '%c'", i, sb.p[i]);
    ck_assert_int_eq(sb.p[5000], '\0');
    lt_strbuf_free(&sb);
}
END_TEST

START_TEST(test_strbuf_printf)
{
    lt_strbuf_t sb = LT_STRBUF_INIT;
    lt_strbuf_printf(&sb, "%s=%d", "err", 42);
    lt_strbuf_printf(&sb, " %llu", 18446744073709551615ULL);
    ck_assert_str_eq(sb.p, "err=42 18446744073709551615");
    ck_assert_uint_eq(sb.len, strlen("err=42 18446744073709551615"));
    lt_strbuf_free(&sb);
}
END_TEST

START_TEST(test_strbuf_append_u64)
{
    /* The same digits as printf's PRIu64 at the edges: zero, each power of ten, the maximum. */
    static const uint64_t values[] = {0, 1, 9, 10, 99, 100, 1234567890123ull, UINT64_MAX};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        lt_strbuf_t sb = LT_STRBUF_INIT, want = LT_STRBUF_INIT;
        lt_strbuf_puts(&sb, "x=");
        lt_strbuf_append_u64(&sb, values[i]);
        lt_strbuf_printf(&want, "x=%" PRIu64, values[i]);
        ck_assert_msg(strcmp(sb.p, want.p) == 0, "value %" PRIu64 ": got '%s'", values[i], sb.p);
        ck_assert_uint_eq(sb.len, want.len);
        lt_strbuf_free(&sb);
        lt_strbuf_free(&want);
    }
}
END_TEST

START_TEST(test_strbuf_printf_longer_than_256)
{
    /* 255, 256 and 1000 formatted bytes: either side of the stack buffer's limit, after some
     * existing content so the second path has to grow an existing buffer. */
    static const size_t sizes[] = {255, 256, 257, 1000};
    char want[1200];
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k];
        lt_strbuf_t sb = LT_STRBUF_INIT;
        lt_strbuf_puts(&sb, "head:");
        lt_strbuf_printf(&sb, "%0*d|%s", (int)n - 2, 7, "x");
        memcpy(want, "head:", 5);
        memset(want + 5, '0', n - 3);
        memcpy(want + 5 + n - 3, "7|x", 4);
        ck_assert_msg(sb.len == 5 + n, "printf of %zu bytes: len %zu, want %zu", n, sb.len, 5 + n);
        ck_assert_msg(strcmp(sb.p, want) == 0, "printf of %zu bytes: wrong content", n);
        lt_strbuf_printf(&sb, "%s", "!");
        ck_assert_msg(sb.len == 6 + n && sb.p[5 + n] == '!' && sb.p[6 + n] == '\0',
                      "append after a %zu-byte printf", n);
        lt_strbuf_free(&sb);
    }
}
END_TEST

START_TEST(test_strbuf_reset)
{
    lt_strbuf_t sb = LT_STRBUF_INIT;
    lt_strbuf_reset(&sb); /* on a never-used buffer: nothing to do */
    ck_assert_ptr_null(sb.p);
    lt_strbuf_puts(&sb, "some text");
    char *mem = sb.p;
    size_t cap = sb.cap;
    lt_strbuf_reset(&sb);
    ck_assert_uint_eq(sb.len, 0);
    ck_assert_str_eq(sb.p, "");
    ck_assert_ptr_eq(sb.p, mem);
    ck_assert_uint_eq(sb.cap, cap);
    lt_strbuf_puts(&sb, "again");
    ck_assert_str_eq(sb.p, "again");
    ck_assert_ptr_eq(sb.p, mem);
    lt_strbuf_free(&sb);
}
END_TEST

START_TEST(test_strbuf_free)
{
    lt_strbuf_t sb = LT_STRBUF_INIT;
    lt_strbuf_puts(&sb, "x");
    lt_strbuf_free(&sb);
    ck_assert_ptr_null(sb.p);
    ck_assert_uint_eq(sb.len, 0);
    ck_assert_uint_eq(sb.cap, 0);
    lt_strbuf_free(&sb); /* twice is harmless */
    lt_strbuf_puts(&sb, "reused");
    ck_assert_str_eq(sb.p, "reused");
    lt_strbuf_free(&sb);
}
END_TEST

static Suite *strbuf_suite(void)
{
    Suite *s = suite_create("strbuf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_strbuf_append);
    tcase_add_test(tc, test_strbuf_empty_append_terminates);
    tcase_add_test(tc, test_strbuf_growth);
    tcase_add_test(tc, test_strbuf_append_u64);
    tcase_add_test(tc, test_strbuf_printf);
    tcase_add_test(tc, test_strbuf_printf_longer_than_256);
    tcase_add_test(tc, test_strbuf_reset);
    tcase_add_test(tc, test_strbuf_free);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(strbuf_suite());
}
