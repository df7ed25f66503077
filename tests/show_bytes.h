/* SPDX-License-Identifier: MIT */
/* For failure messages in tests: bytes as printable ASCII, so that a failing case shows the
 * input that broke it (STYLE.md). Header-only: each test program includes its own copy. */
#ifndef LT_TESTS_SHOW_BYTES_H
#define LT_TESTS_SHOW_BYTES_H

#include <stddef.h>
#include <stdio.h>

/* p[0..n) with backslash doubled and every byte outside 0x20..0x7e as \xNN, cut at about 8 KiB.
 * Returns a static buffer that the next call overwrites. */
static inline const char *show_bytes(const char *p, size_t n)
{
    static char buf[8192];
    size_t o = 0;

    for (size_t i = 0; i < n && o < sizeof(buf) - 8; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\\')
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\\\");
        else if (c >= 0x20 && c < 0x7f)
            buf[o++] = (char)c;
        else
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
    }
    buf[o] = '\0';
    return buf;
}

#endif
