/* SPDX-License-Identifier: MIT */
/* Tests of src/chunker.c: a simulated reader cuts streams into blocks at every possible
 * position, with the smallest block the contract allows, and the lines it hands out must be
 * exactly the stream's lines, whole, with oversize lines counted once and never carried. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_chunker.h"
#include "check_run.h"

#define MAX_LINE 8
#define MAX_OUT 4096

typedef struct {
    char text[MAX_OUT]; /* the accepted lines, each followed by '|' */
    size_t len;
    size_t oversize;
    size_t max_carry;
} lines_t;

static void take_line(lines_t *out, const char *p, size_t n)
{
    size_t len = lt_chunker_line_len(p, n);
    if (len == 0)
        return;
    if (len > MAX_LINE) {
        out->oversize++;
        return;
    }
    ck_assert_uint_lt(out->len + len + 1, MAX_OUT);
    memcpy(out->text + out->len, p, len);
    out->len += len;
    out->text[out->len++] = '|';
}

/* What the chunker must produce: the stream split on LF, empty lines skipped. */
static void expected(const char *s, size_t n, lines_t *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n;) {
        const char *lf = memchr(s + i, '\n', n - i);
        size_t whole = lf != NULL ? (size_t)(lf - (s + i)) + 1 : n - i;
        take_line(out, s + i, whole);
        i += whole;
    }
}

/* Reads s in blocks of block_bytes as logtally scan does (carry first, then new bytes), the
 * first read cut short at first_read bytes. */
static void simulate(const char *s, size_t n, size_t block_bytes, size_t first_read, lines_t *out)
{
    char *buf = malloc(block_bytes);
    char *carry = malloc(block_bytes);
    size_t ncarry = 0, pos = 0;
    lt_chunker_t ck;
    bool is_eof = false;

    memset(out, 0, sizeof(*out));
    lt_chunker_init(&ck, MAX_LINE);
    for (int guard = 0; !is_eof; guard++) {
        ck_assert_int_lt(guard, 100000);
        memcpy(buf, carry, ncarry);
        size_t want = block_bytes - ncarry;
        if (pos == 0 && first_read < want)
            want = first_read;
        size_t k = n - pos < want ? n - pos : want;
        memcpy(buf + ncarry, s + pos, k);
        pos += k;
        size_t len = ncarry + k;
        is_eof = k == 0;
        lt_chunk_cut_t cut;
        lt_chunker_cut(&ck, buf, len, is_eof, &cut);
        ck_assert_uint_le(cut.skip, cut.end);
        ck_assert_uint_le(cut.end + cut.carry, len);
        out->oversize += cut.oversize;
        for (size_t i = cut.skip; i < cut.end;) {
            const char *lf = memchr(buf + i, '\n', cut.end - i);
            size_t whole = lf != NULL ? (size_t)(lf - (buf + i)) + 1 : cut.end - i;
            /* Only the last line of the stream may lack its LF. */
            ck_assert_msg(lf != NULL || is_eof, "a line without LF was cut at %zu", pos);
            take_line(out, buf + i, whole);
            i += whole;
        }
        memmove(carry, buf + cut.end, cut.carry);
        ncarry = cut.carry;
        if (ncarry > out->max_carry)
            out->max_carry = ncarry;
    }
    free(buf);
    free(carry);
}

static void check_every_split(const char *s, size_t n)
{
    lines_t want, got;
    expected(s, n, &want);
    size_t blocks[] = {LT_CHUNKER_MIN_BLOCK(MAX_LINE), LT_CHUNKER_MIN_BLOCK(MAX_LINE) + 7, 64};
    for (size_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
        for (size_t first = 1; first <= n + 1; first++) {
            simulate(s, n, blocks[b], first, &got);
            ck_assert_msg(got.len == want.len && memcmp(got.text, want.text, got.len) == 0,
                          "block %zu, first read %zu of \"%.*s\": got \"%.*s\", want \"%.*s\"",
                          blocks[b], first, (int)n, s, (int)got.len, got.text, (int)want.len,
                          want.text);
            ck_assert_msg(got.oversize == want.oversize,
                          "block %zu, first read %zu: %zu oversize, want %zu", blocks[b], first,
                          got.oversize, want.oversize);
            ck_assert_uint_le(got.max_carry, MAX_LINE + 1);
        }
    }
}

START_TEST(test_chunker_short_lines_every_split)
{
    static const char s[] = "a\nbb\n\nccc\r\n12345678\nend";
    check_every_split(s, sizeof(s) - 1);
}
END_TEST

START_TEST(test_chunker_oversize_lines_every_split)
{
    /* 9 bytes is one too many; 8 + CR fits; 40 spans several blocks; oversize at the end. */
    static const char s[] = "ok\n123456789\n12345678\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
                            "after\n\n123456789012";
    check_every_split(s, sizeof(s) - 1);
}
END_TEST

START_TEST(test_chunker_random_streams)
{
    unsigned seed = 12345;
    char s[300];
    for (int round = 0; round < 16; round++) {
        size_t n = 0;
        while (n < 120) {
            seed = seed * 1103515245u + 12345u;
            size_t len = (seed >> 16) % 24; /* 0..23: short, max, oversize */
            for (size_t i = 0; i < len && n < sizeof(s) - 2; i++)
                s[n++] = (char)('a' + (i % 26));
            if ((seed >> 8) % 5 == 0)
                s[n++] = '\r';
            s[n++] = '\n';
        }
        if (round % 2 == 1)
            n--; /* some streams end without LF */
        check_every_split(s, n);
    }
}
END_TEST

START_TEST(test_chunker_skip_spans_blocks)
{
    lt_chunker_t ck;
    lt_chunk_cut_t cut;
    char block[20];

    lt_chunker_init(&ck, MAX_LINE);
    memset(block, 'x', sizeof(block));
    lt_chunker_cut(&ck, block, sizeof(block), false, &cut);
    ck_assert_uint_eq(cut.oversize, 1);
    ck_assert_uint_eq(cut.carry, 0);
    ck_assert(ck.is_skipping);
    lt_chunker_cut(&ck, block, sizeof(block), false, &cut); /* still inside: nothing */
    ck_assert_uint_eq(cut.oversize, 0);
    ck_assert_uint_eq(cut.skip, sizeof(block));
    memcpy(block + 5, "\nab\n", 4);
    lt_chunker_cut(&ck, block, 9, false, &cut); /* the LF ends it; "ab\n" is a line */
    ck_assert_uint_eq(cut.skip, 6);
    ck_assert_uint_eq(cut.end, 9);
    ck_assert(!ck.is_skipping);
}
END_TEST

START_TEST(test_chunker_line_len)
{
    ck_assert_uint_eq(lt_chunker_line_len("ab\r\n", 4), 2);
    ck_assert_uint_eq(lt_chunker_line_len("ab\n", 3), 2);
    ck_assert_uint_eq(lt_chunker_line_len("ab", 2), 2);
    ck_assert_uint_eq(lt_chunker_line_len("\r\n", 2), 0);
    ck_assert_uint_eq(lt_chunker_line_len("", 0), 0);
}
END_TEST

static Suite *chunker_suite(void)
{
    Suite *s = suite_create("chunker");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_chunker_short_lines_every_split);
    tcase_add_test(tc, test_chunker_oversize_lines_every_split);
    tcase_add_test(tc, test_chunker_random_streams);
    tcase_add_test(tc, test_chunker_skip_spans_blocks);
    tcase_add_test(tc, test_chunker_line_len);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(chunker_suite());
}
