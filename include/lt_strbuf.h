/* SPDX-License-Identifier: MIT */
/* A growable byte buffer for building responses (metrics text, JSON). It owns its memory;
 * lt_strbuf_free releases it. Appends never fail (allocation failure aborts). */
#ifndef LT_STRBUF_H
#define LT_STRBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *p;    /* NUL-terminated after every append when cap > 0 */
    size_t len;
    size_t cap;
} lt_strbuf_t;

#define LT_STRBUF_INIT {NULL, 0, 0}

void lt_strbuf_append(lt_strbuf_t *sb, const char *p, size_t n);
void lt_strbuf_puts(lt_strbuf_t *sb, const char *s);
void lt_strbuf_printf(lt_strbuf_t *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends v in decimal: what printf("%" PRIu64) writes, without parsing a format (the
 * /metrics body has one number per series). */
void lt_strbuf_append_u64(lt_strbuf_t *sb, uint64_t v);
/* Empties the buffer, keeping its memory. */
void lt_strbuf_reset(lt_strbuf_t *sb);
void lt_strbuf_free(lt_strbuf_t *sb);

#endif
