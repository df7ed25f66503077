/* SPDX-License-Identifier: MIT */
/* The daemon's side of counter persistence (lt_state.h has the format): restore a checkpoint
 * at start, take a snapshot on the loop's thread every interval and write it on libuv's
 * threadpool so that the loop (HTTP) never waits on the disk, and write a last one at a clean
 * stop. Every outcome is logged by the edge here and counted in lt_state_metrics_t. */
#ifndef LT_CHECKPOINT_H
#define LT_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "lt_state.h"
#include "lt_stats.h"
#include "lt_strbuf.h"
#include "lt_table.h"

typedef struct {
    uv_loop_t *loop;
    const char *path;          /* not owned; lives as long as the checkpointer */
    const lt_table_t *table;
    const lt_stats_t *stats;
    lt_state_metrics_t *metrics;
    uv_timer_t timer;
    uv_work_t work;
    lt_strbuf_t snapshot;      /* the text being written; the threadpool's while is_writing */
    int write_rc;              /* the threadpool's result, read in the after-work callback */
    bool is_writing;
    bool is_failing;           /* the last write failed: log again only once it works */
    bool is_started;
} lt_checkpoint_t;

/* Reads path and, when it is a valid checkpoint, adds its counts to t and s (projected onto
 * labels, see lt_state_apply); call before any other thread counts. A missing file is a first
 * start. A refused file is logged with what is wrong, counted in m->load_failures and renamed
 * to path.refused; the daemon then counts from zero. Returns true when checkpoints may be
 * written to path, false when that would destroy a file that could not be read or moved aside
 * (logged). */
bool lt_checkpoint_restore(const char *path, lt_table_t *t, lt_stats_t *s, unsigned labels,
                           lt_state_metrics_t *m);

/* Starts writing a checkpoint of t and s to path every interval_ms on loop. Returns 0 or a
 * libuv error (nothing started). */
int lt_checkpoint_start(lt_checkpoint_t *cp, uv_loop_t *loop, const char *path,
                        uint64_t interval_ms, const lt_table_t *t, const lt_stats_t *s,
                        lt_state_metrics_t *m);

/* Stops the timer (closing its handle). A write in flight still completes: the loop keeps
 * running until its after-work callback has run. No-op when not started. */
void lt_checkpoint_close(lt_checkpoint_t *cp);

/* Writes a checkpoint now, on the calling thread, and logs the outcome: the final one, after
 * the workers have stopped and the loop has run dry (no write in flight). Returns 0 or a
 * negative errno-style code. Frees the snapshot buffer. */
int lt_checkpoint_write_final(lt_checkpoint_t *cp);

#endif
