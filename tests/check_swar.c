/* SPDX-License-Identifier: MIT */
/* Tests for src/swar.h: each word-at-a-time search must give the byte loop's answer at every
 * start offset and length, over bytes that put every class at every position of a word. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "../src/swar.h" /* internal to the parsers, not in include/ */

typedef size_t (*search_fn)(const char *p, size_t n, size_t i);

static size_t naive_field_end(const char *p, size_t n, size_t i)
{
    while (i < n && (unsigned char)p[i] > ' ' && p[i] != 127)
        i++;
    return i;
}

static size_t naive_sd_name_end(const char *p, size_t n, size_t i)
{
    while (i < n && (unsigned char)p[i] > ' ' && (unsigned char)p[i] < 127 && p[i] != '=' &&
           p[i] != ']' && p[i] != '"')
        i++;
    return i;
}

static size_t naive_quote_or_backslash(const char *p, size_t n, size_t i)
{
    while (i < n && p[i] != '"' && p[i] != '\\')
        i++;
    return i;
}

static size_t naive_find_space(const char *p, size_t n, size_t i)
{
    while (i < n && p[i] != ' ')
        i++;
    return i;
}

static size_t find_space(const char *p, size_t n, size_t i)
{
    return lt_swar_find(p, n, i, ' ');
}

static const struct {
    const char *name;
    search_fn fast, naive;
} searches[] = {
    {"field_end", lt_swar_field_end, naive_field_end},
    {"sd_name_end", lt_swar_sd_name_end, naive_sd_name_end},
    {"quote_or_backslash", lt_swar_quote_or_backslash, naive_quote_or_backslash},
    {"find ' '", find_space, naive_find_space},
};

/* Bytes at and around each class boundary: a match may sit next to bytes that make the
 * subtraction borrow, and UTF-8 bytes (>= 0x80) must never match by accident. */
static const unsigned char edge_bytes[] = {
    0x00, 0x01, 0x1f, ' ',  '!',  '"',  '#',  '<',  '=',  '>',  '[',  '\\', ']',
    '^',  'a',  'z',  0x7e, 0x7f, 0x80, 0x81, 0xa0, 0xbc, 0xc2, 0xdd, 0xe2, 0xfe, 0xff,
};

/* A plain name byte: matches no class. */
#define FILL 'k'

START_TEST(test_swar_every_byte_at_every_position)
{
    char buf[40];
    for (size_t s = 0; s < sizeof(searches) / sizeof(searches[0]); s++) {
        for (size_t b = 0; b < 256; b++) {
            for (size_t pos = 0; pos < 24; pos++) {
                memset(buf, FILL, sizeof(buf));
                buf[pos] = (char)b;
                for (size_t i = 0; i <= 16; i++) {
                    for (size_t n = i; n <= 32; n += 3) {
                        size_t want = searches[s].naive(buf, n, i);
                        size_t got = searches[s].fast(buf, n, i);
                        ck_assert_msg(got == want, "%s: byte 0x%02zx at %zu, i %zu n %zu: %zu, want %zu",
                                      searches[s].name, b, pos, i, n, got, want);
                    }
                }
            }
        }
    }
}
END_TEST

/* Random strings drawn from the edge bytes: several matches per word, in any order. */
START_TEST(test_swar_random_mixes)
{
    char buf[64];
    unsigned seed = 12345;
    for (int round = 0; round < 20000; round++) {
        for (size_t k = 0; k < sizeof(buf); k++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) & 0x7fff;
            buf[k] = (r % 3 == 0) ? (char)edge_bytes[r % sizeof(edge_bytes)] : FILL;
        }
        size_t i = (size_t)round % 9, n = i + (size_t)round % 55;
        for (size_t s = 0; s < sizeof(searches) / sizeof(searches[0]); s++)
            ck_assert_msg(searches[s].fast(buf, n, i) == searches[s].naive(buf, n, i),
                          "%s: round %d", searches[s].name, round);
    }
}
END_TEST

static Suite *swar_suite(void)
{
    Suite *s = suite_create("swar");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_swar_every_byte_at_every_position);
    tcase_add_test(tc, test_swar_random_mixes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(swar_suite());
}
