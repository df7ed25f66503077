/* SPDX-License-Identifier: MIT */
/* What logtally scan shows: the per-level table for people, the /api/v1/stats-shaped JSON
 * for scripts (built by the daemon's own renderer), and the progress line on stderr. */
#ifndef LT_SCAN_OUTPUT_H
#define LT_SCAN_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lt_scan.h"
#include "lt_table.h"

/* Returns the cursor to column 0 and clears the line (ANSI), before a message that would
 * otherwise be drawn over the progress line. */
#define LT_SCAN_OUTPUT_CLEAR_LINE "\r\033[K"

typedef struct {
    uint64_t raw_bytes;   /* read so far */
    uint64_t total_bytes; /* 0 when unknown (a pipe among the inputs) */
    uint64_t lines;       /* counted so far */
    double seconds;       /* since the scan started */
} lt_scan_progress_t;

/* Draws the progress line on stderr in place; is_final clears it. */
void lt_scan_output_progress(const lt_scan_progress_t *p, bool is_final);

/* What the renderers need besides the result. */
typedef struct {
    const lt_scan_result_t *res;
    lt_table_t *table;
    unsigned labels;          /* LT_LABEL_HOST/APP: the --by tables */
    size_t max_series;
    double start_time_s;      /* Unix time the scan started */
} lt_scan_report_t;

/* The per-level table (count, share, first and last event time), the --by tables, the
 * rejections by reason and a throughput line. */
void lt_scan_output_table(FILE *f, const lt_scan_report_t *r);

/* One JSON document with the keys of the daemon's /api/v1/stats (received_bytes and rejected
 * are keyed by "file" instead of a transport) plus a "scan" object. */
void lt_scan_output_json(FILE *f, const lt_scan_report_t *r);

#endif
