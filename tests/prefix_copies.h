/* SPDX-License-Identifier: MIT */
/* For bounds tests of parsers: every prefix of an input, each in a heap block of exactly its
 * length, so that AddressSanitizer reports a parser that reads one byte past what it was given
 * (a prefix inside the whole input's buffer would hide that). Header-only: each test program
 * includes its own copy. */
#ifndef LT_TESTS_PREFIX_COPIES_H
#define LT_TESTS_PREFIX_COPIES_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Checks one prefix p[0..cut) of in. */
typedef void (*prefix_check_fn)(const char *p, size_t cut, const char *in);

/* Calls check on each prefix of in[0..n): cut from 0 to n - 1, and n too when is_whole. */
static inline void each_prefix_copy(const char *in, size_t n, bool is_whole, prefix_check_fn check)
{
    for (size_t cut = 0; cut < n + (is_whole ? 1 : 0); cut++) {
        char *copy = malloc(cut > 0 ? cut : 1);
        if (copy == NULL)
            abort();
        memcpy(copy, in, cut);
        check(copy, cut, in);
        free(copy);
    }
}

#endif
