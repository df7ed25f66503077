/* SPDX-License-Identifier: MIT */
/* Word-at-a-time byte searches ("SIMD within a register") for the parsers' hot loops: eight
 * bytes are tested with a few integer operations instead of one compare chain per byte. Each
 * search returns the offset of the first byte of a class at or after i, or n. */
#ifndef LT_SWAR_H
#define LT_SWAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
#define LT_SWAR 1
#else
#define LT_SWAR 0 /* the byte loops below give the same answers */
#endif

#define LT_SWAR_ONES 0x0101010101010101ull
#define LT_SWAR_HIGH 0x8080808080808080ull

/* The high bit of each byte of w that is below b (b <= 0x80; bytes from 0x80 up never are).
 * A borrow may also set the bit of a byte above a true match, never below one: the lowest
 * set bit is always exact, and that is the only one read. */
static inline uint64_t lt_swar_below(uint64_t w, unsigned char b)
{
    return (w - LT_SWAR_ONES * b) & ~w & LT_SWAR_HIGH;
}

/* The high bit of each byte of w equal to b (lowest set bit exact, as above). */
static inline uint64_t lt_swar_equal(uint64_t w, unsigned char b)
{
    return lt_swar_below(w ^ (LT_SWAR_ONES * b), 1);
}

static inline uint64_t lt_swar_load(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    return w;
}

/* The first byte equal to c at or after i: memchr for the short tokens of a syslog header,
 * without a library call per token. */
static inline size_t lt_swar_find(const char *p, size_t n, size_t i, char c)
{
#if LT_SWAR
    for (; n - i >= 8; i += 8) {
        uint64_t m = lt_swar_equal(lt_swar_load(p + i), (unsigned char)c);
        if (m != 0)
            return i + (size_t)(__builtin_ctzll(m) >> 3);
    }
#endif
    while (i < n && p[i] != c)
        i++;
    return i;
}

/* The first byte at or after i that ends an RFC 5424 header field: a control byte, space or
 * DEL (UTF-8 bytes are let through). */
static inline size_t lt_swar_field_end(const char *p, size_t n, size_t i)
{
#if LT_SWAR
    for (; n - i >= 8; i += 8) {
        uint64_t w = lt_swar_load(p + i);
        uint64_t m = lt_swar_below(w, 0x21) | lt_swar_equal(w, 0x7f);
        if (m != 0)
            return i + (size_t)(__builtin_ctzll(m) >> 3);
    }
#endif
    while (i < n && (unsigned char)p[i] > ' ' && p[i] != 127)
        i++;
    return i;
}

/* RFC 5424 6: SD-NAME is PRINTUSASCII except '=', SP, ']' and '"'. */
static inline bool lt_swar_is_sd_name_char(char c)
{
    return c > ' ' && c < 127 && c != '=' && c != ']' && c != '"';
}

/* The first byte at or after i that cannot be in an SD-NAME. */
static inline size_t lt_swar_sd_name_end(const char *p, size_t n, size_t i)
{
#if LT_SWAR
    for (; n - i >= 8; i += 8) {
        uint64_t w = lt_swar_load(p + i);
        uint64_t m = lt_swar_below(w, 0x21) | (w & LT_SWAR_HIGH) | lt_swar_equal(w, 0x7f) |
                     lt_swar_equal(w, '=') | lt_swar_equal(w, ']') | lt_swar_equal(w, '"');
        if (m != 0)
            return i + (size_t)(__builtin_ctzll(m) >> 3);
    }
#endif
    while (i < n && lt_swar_is_sd_name_char(p[i]))
        i++;
    return i;
}

/* The first '"' or '\\' at or after i: where an SD PARAM-VALUE ends or has an escape. */
static inline size_t lt_swar_quote_or_backslash(const char *p, size_t n, size_t i)
{
#if LT_SWAR
    for (; n - i >= 8; i += 8) {
        uint64_t w = lt_swar_load(p + i);
        uint64_t m = lt_swar_equal(w, '"') | lt_swar_equal(w, '\\');
        if (m != 0)
            return i + (size_t)(__builtin_ctzll(m) >> 3);
    }
#endif
    while (i < n && p[i] != '"' && p[i] != '\\')
        i++;
    return i;
}

#endif
