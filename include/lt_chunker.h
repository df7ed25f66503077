/* SPDX-License-Identifier: MIT */
/* Cuts a byte stream read in fixed-size blocks into chunks of whole lines, so that logtally
 * scan can hand each chunk to any worker thread: the bytes after the last LF of a block are
 * carried into the next one. A line too long to ever fit (longer than max_line_bytes) is not
 * carried: it is counted as oversize and skipped to its LF, which keeps every buffer bounded
 * whatever the input. Pure code: no I/O, no allocation. */
#ifndef LT_CHUNKER_H
#define LT_CHUNKER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    size_t max_line_bytes; /* longest line kept, CR and LF not counted */
    bool is_skipping;      /* inside an oversize line: drop bytes up to its LF */
} lt_chunker_t;

/* Where a block was cut: buf[skip..end) is whole lines (the last one may lack its LF only at
 * the end of the stream), buf[end..end + carry) is the start of a line to put in front of the
 * next block (empty at the end of the stream, or when that line was found to be oversize:
 * then buf[end..n) is dropped). */
typedef struct {
    size_t skip;     /* leading bytes that belong to an oversize line being skipped */
    size_t end;      /* end of the whole lines */
    size_t carry;    /* bytes at end to carry into the next block */
    size_t oversize; /* oversize lines detected by this cut (0 or 1) */
} lt_chunk_cut_t;

/* Smallest block a reader may use with max_line_bytes: a carry plus a whole line of the
 * longest length with CRLF always fit. */
#define LT_CHUNKER_MIN_BLOCK(max_line_bytes) (2 * ((max_line_bytes) + 2))

void lt_chunker_init(lt_chunker_t *c, size_t max_line_bytes);

/* Cuts buf[0..n): the carry of the previous cut followed by new bytes. is_eof says no bytes
 * follow, so a last line without LF is whole. A carry longer than max_line_bytes + 1 (a CR
 * may still end it) is counted in cut->oversize and skipped, together with the rest of its
 * line in the next blocks. Lines of the chunk that are longer than max_line_bytes but were
 * whole within the block are left for the caller to reject, so that one rule applies. */
void lt_chunker_cut(lt_chunker_t *c, const char *buf, size_t n, bool is_eof, lt_chunk_cut_t *cut);

/* Length of a line without its trailer (LF, CRLF, or a CR at the end of the stream). */
size_t lt_chunker_line_len(const char *line, size_t n);

#endif
