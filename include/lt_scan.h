/* SPDX-License-Identifier: MIT */
/* The engine of logtally scan: one reader cuts the inputs into chunks of whole lines
 * (lt_chunker), worker threads parse and count them through the daemon's own parser and
 * counter table (lt_tally), and a collector writes the lines that --print selects in input
 * order, recycles the chunk buffers and draws the progress line. A fixed pool of chunk
 * buffers bounds the memory whatever the size of the input. */
#ifndef LT_SCAN_H
#define LT_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lt_event.h"
#include "lt_table.h"

typedef enum {
    LT_SCAN_FORMAT_AUTO,   /* told per line, as the daemon does */
    LT_SCAN_FORMAT_SYSLOG, /* every line is syslog (a '{' line is plain text) */
    LT_SCAN_FORMAT_JSON,   /* every line must be a JSON object */
} lt_scan_format_t;

#define LT_SCAN_MAX_THREADS 256

typedef struct {
    lt_scan_format_t format;
    unsigned threads;         /* worker threads, 1..LT_SCAN_MAX_THREADS */
    size_t max_line_bytes;    /* longer lines are rejected as oversize */
    unsigned labels;          /* LT_LABEL_HOST and/or LT_LABEL_APP: the series' labels */
    int min_level;            /* count (and print) only levels this severe or worse; -1: all */
    int level;                /* only this level; -1: all */
    lt_slice_t app;           /* only this app; p == NULL: all */
    lt_slice_t host;          /* only this host; p == NULL: all */
    bool is_printing;         /* write matching lines unchanged to out_fd */
    int out_fd;
    bool is_progress;         /* draw the progress line on stderr */
    int64_t now_ms;           /* "now" for RFC 3164 timestamps, which have no year */
} lt_scan_options_t;

/* What a scan saw, besides the counts in the table. */
typedef struct {
    uint64_t bytes_read;      /* bytes read from the inputs (compressed bytes for gzip) */
    uint64_t bytes;           /* bytes of (decompressed) text */
    uint64_t lines;           /* non-empty lines */
    uint64_t events;          /* lines counted as events that matched the filters */
    uint64_t filtered_out;    /* events that did not match the filters */
    uint64_t rejected[LT_REJECT_COUNT];
    int64_t first_ms[LT_LEVEL_COUNT]; /* earliest event time per level, or LT_TIME_NONE */
    int64_t last_ms[LT_LEVEL_COUNT];  /* latest */
    unsigned inputs_read;     /* inputs read to their end */
    unsigned inputs_failed;   /* inputs that could not be opened or read to their end */
    double seconds;           /* wall time of the scan */
} lt_scan_result_t;

/* Scans the inputs (paths; "-" is standard input) one after the other, counting matching
 * events into table (initialised by the caller with its series cap). Failures of one input
 * are reported on stderr in one line each and counted in res->inputs_failed; the others are
 * still scanned. Returns 0, or a negative errno code when the scan could not run at all
 * (threads could not be started). */
int lt_scan_run(const lt_scan_options_t *opt, char *const *paths, size_t npaths,
                lt_table_t *table, lt_scan_result_t *res);

#endif
