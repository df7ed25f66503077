/* SPDX-License-Identifier: MIT */
/* Growable output buffer: doubles its capacity as needed, always NUL-terminated. */
#include "lt_strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lt_alloc.h"

static void reserve(lt_strbuf_t *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < need)
        cap *= 2;
    sb->p = lt_realloc(sb->p, cap);
    sb->cap = cap;
}

void lt_strbuf_append(lt_strbuf_t *sb, const char *p, size_t n)
{
    reserve(sb, n);
    if (n > 0)
        memcpy(sb->p + sb->len, p, n);
    sb->len += n;
    sb->p[sb->len] = '\0';
}

void lt_strbuf_puts(lt_strbuf_t *sb, const char *s)
{
    lt_strbuf_append(sb, s, strlen(s));
}

void lt_strbuf_append_u64(lt_strbuf_t *sb, uint64_t v)
{
    char digits[20]; /* UINT64_MAX has 20 digits */
    size_t i = sizeof(digits);
    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    lt_strbuf_append(sb, digits + i, sizeof(digits) - i);
}

void lt_strbuf_printf(lt_strbuf_t *sb, const char *fmt, ...)
{
    va_list ap;
    char small[256];

    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        lt_strbuf_append(sb, small, (size_t)n);
        return;
    }
    reserve(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void lt_strbuf_reset(lt_strbuf_t *sb)
{
    sb->len = 0;
    if (sb->p != NULL)
        sb->p[0] = '\0';
}

void lt_strbuf_free(lt_strbuf_t *sb)
{
    lt_free(sb->p);
    sb->p = NULL;
    sb->len = sb->cap = 0;
}
