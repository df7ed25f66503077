/* SPDX-License-Identifier: MIT */
/* Block-to-chunk cutting for logtally scan: find the last LF, carry the rest, and skip lines
 * that can never fit. See lt_chunker.h for the contract. */
#include "lt_chunker.h"

#include <string.h>

void lt_chunker_init(lt_chunker_t *c, size_t max_line_bytes)
{
    c->max_line_bytes = max_line_bytes;
    c->is_skipping = false;
}

static const char *last_lf(const char *p, size_t n)
{
    return n > 0 ? memrchr(p, '\n', n) : NULL;
}

void lt_chunker_cut(lt_chunker_t *c, const char *buf, size_t n, bool is_eof, lt_chunk_cut_t *cut)
{
    size_t skip = 0;

    cut->oversize = 0;
    if (c->is_skipping) {
        const char *lf = n > 0 ? memchr(buf, '\n', n) : NULL;
        if (lf == NULL) {
            /* The whole block is the middle of the oversize line. */
            cut->skip = cut->end = n;
            cut->carry = 0;
            c->is_skipping = !is_eof;
            return;
        }
        skip = (size_t)(lf - buf) + 1;
        c->is_skipping = false;
    }
    cut->skip = skip;
    if (is_eof) {
        cut->end = n;
        cut->carry = 0;
        return;
    }
    const char *lf = last_lf(buf + skip, n - skip);
    cut->end = lf != NULL ? (size_t)(lf - buf) + 1 : skip;
    cut->carry = n - cut->end;
    if (n - cut->end > c->max_line_bytes + 1) {
        /* The carried line is already too long: count it now and drop it, so the carry
         * never grows past max_line_bytes + 1 bytes. */
        cut->oversize = 1;
        c->is_skipping = true;
        cut->carry = 0;
    }
}

size_t lt_chunker_line_len(const char *line, size_t n)
{
    if (n > 0 && line[n - 1] == '\n')
        n--;
    if (n > 0 && line[n - 1] == '\r')
        n--;
    return n;
}
