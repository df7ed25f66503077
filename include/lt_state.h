/* SPDX-License-Identifier: MIT */
/* Counter persistence: the checkpoint format that carries every series count and the daemon's
 * counters across a restart. The text is one JSON object that names itself
 * ("format":"logtally-state", "version") and ends in its own length and a CRC-32 of every byte
 * before them, so a truncated, foreign or bit-flipped file is refused as a whole before any of
 * it is used. Encoding and decoding work on memory; the file functions at the end are the thin
 * I/O part (read, atomic write, move aside). */
#ifndef LT_STATE_H
#define LT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lt_atomic.h"
#include "lt_stats.h"
#include "lt_strbuf.h"
#include "lt_table.h"

#define LT_STATE_FORMAT "logtally-state"
#define LT_STATE_FORMAT_VERSION 1

/* Why a checkpoint was refused. X(ENUM, phrase): the phrase follows "FILE: " in the log. */
#define LT_STATE_PROBLEM_MAP(X)                                                                 \
    X(NONE, "no problem")                                                                       \
    X(EMPTY, "the file is empty")                                                               \
    X(FOREIGN, "not a logtally state file (it does not start with {\"format\":\"logtally-state\")") \
    X(VERSION, "unsupported format version")                                                    \
    X(TRUNCATED, "truncated: the length and checksum at the end are missing")                   \
    X(LENGTH, "length mismatch: bytes were added or removed")                                   \
    X(CHECKSUM, "checksum mismatch: the content is corrupt")                                    \
    X(SYNTAX, "invalid JSON under a valid checksum")                                            \
    X(CONTENT, "unexpected content under a valid checksum")

typedef enum {
#define LT_STATE_PROBLEM_ENUM(e, s) LT_STATE_##e,
    LT_STATE_PROBLEM_MAP(LT_STATE_PROBLEM_ENUM)
#undef LT_STATE_PROBLEM_ENUM
} lt_state_problem_t;

/* One restored series; the key's slices point into the lt_state_t that holds it. */
typedef struct {
    lt_series_key_t key;
    uint64_t count;
} lt_state_series_t;

/* A decoded checkpoint, not yet applied. */
typedef struct {
    lt_state_problem_t problem; /* why lt_state_decode refused; LT_STATE_NONE after success */
    long version;               /* the version the file names (see LT_STATE_VERSION) */
    int64_t written_unix_s;     /* when the checkpoint was taken */
    lt_state_series_t *series;
    size_t series_count;
    lt_stats_t stats;           /* the persisted counters; gauges stay 0 */
    struct cJSON *root;         /* owns the label strings the series point into */
} lt_state_t;

/* What /metrics shows about persistence. Updated on the main thread, read by the HTTP
 * thread (the same loop in logtallyd); atomics anyway so that a reader elsewhere is safe. */
typedef struct {
    lt_gauge_t is_restored;          /* 1 when this process started from a checkpoint */
    lt_counter_t load_failures;      /* checkpoints refused or unreadable at start */
    lt_counter_t writes;             /* checkpoints written */
    lt_counter_t write_failures;     /* checkpoints that could not be written */
    lt_counter_t last_write_unix_ms; /* end of the last successful write; 0 before the first */
} lt_state_metrics_t;

/* Appends the checkpoint of every series with a non-zero count and of the persisted counters
 * of s (bytes, rejections, connections accepted/refused, idle closes, HTTP requests and
 * responses; never gauges) to out. now_s is recorded as the time written. Safe while other
 * threads count: each value is one the counter had during the call. */
void lt_state_encode(const lt_table_t *t, const lt_stats_t *s, int64_t now_s, lt_strbuf_t *out);

/* Checks and parses a checkpoint in memory into st. Returns 0, or UV_EINVAL with st->problem
 * saying why, in which case st holds nothing (free it anyway; lt_state_free is safe). Nothing
 * is ever partly decoded. */
int lt_state_decode(lt_state_t *st, const char *p, size_t n);

/* Adds the decoded counts to t and s, each series projected onto the labels configured now
 * (LT_LABEL_* bits): a label not configured any more is dropped, so series that then match
 * are summed; a label configured since is empty. A series that finds the table full goes
 * into its level's overflow series, like a live event would. Call before other threads count. */
void lt_state_apply(const lt_state_t *st, lt_table_t *t, lt_stats_t *s, unsigned labels);

/* Releases what lt_state_decode allocated and zeroes st. */
void lt_state_free(lt_state_t *st);

/* Short text for a problem ("checksum mismatch: ..."). */
const char *lt_state_problem_text(lt_state_problem_t problem);

/* Reads and decodes path. Returns 0; UV_ENOENT when there is no file; another negative code
 * when it cannot be read; or UV_EINVAL with st->problem set when it is refused. A file that
 * does not start like a checkpoint is refused after its first bytes, without reading it all. */
int lt_state_read_file(const char *path, lt_state_t *st);

/* Replaces path atomically with p[0..n): writes "path.tmp" (same directory), fsyncs it, renames
 * it over path and fsyncs the directory, so that path is always either the old or the new
 * checkpoint. Returns 0 or a negative errno-style code (the temporary file is removed). Safe on
 * any thread; two writers of one path must not overlap. */
int lt_state_write_file(const char *path, const char *p, size_t n);

/* Renames a refused path to "path.refused" (replacing an older one), so the next checkpoint
 * does not overwrite the evidence. Returns 0 or a negative errno-style code. */
int lt_state_move_aside(const char *path);

#endif
