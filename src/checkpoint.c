/* SPDX-License-Identifier: MIT */
/* Periodic checkpoints on the main loop: the snapshot is taken on the loop's thread (a pass
 * over the table, microseconds per series) and handed to uv_queue_work for the write and its
 * fsyncs, so a slow disk delays the next checkpoint, never a scrape. One write at a time. */
#include "lt_checkpoint.h"

#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "lt_log.h"

static int64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

bool lt_checkpoint_restore(const char *path, lt_table_t *t, lt_stats_t *s, unsigned labels,
                           lt_state_metrics_t *m)
{
    lt_state_t st;
    int rc = lt_state_read_file(path, &st);

    if (rc == UV_ENOENT) {
        lt_log(LT_LOG_INFO, "state: no checkpoint at %s yet; counting from zero", path);
        return true;
    }
    if (rc == 0) {
        lt_state_apply(&st, t, s, labels);
        lt_gauge_add(&m->is_restored, 1);
        char when[40] = "an unknown time";
        struct tm tm;
        time_t written = (time_t)st.written_unix_s;
        if (gmtime_r(&written, &tm) != NULL)
            strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        lt_log(LT_LOG_INFO, "state: restored %zu series and the daemon counters from %s (written %s)",
               st.series_count, path, when);
        lt_state_free(&st);
        return true;
    }
    lt_counter_add(&m->load_failures, 1);
    if (rc != UV_EINVAL) {
        lt_log(LT_LOG_ERR,
               "state: cannot read %s: %s; counting from zero, and not writing checkpoints "
               "over it",
               path, lt_strerror(rc));
        return false;
    }
    char version[64] = "";
    if (st.problem == LT_STATE_VERSION)
        snprintf(version, sizeof(version), " %ld (this logtally reads %d)", st.version,
                 LT_STATE_FORMAT_VERSION);
    int moved = lt_state_move_aside(path);
    if (moved != 0) {
        lt_log(LT_LOG_ERR,
               "state: %s refused: %s%s; counting from zero; cannot move it aside (%s), so not "
               "writing checkpoints over it",
               path, lt_state_problem_text(st.problem), version, lt_strerror(moved));
        return false;
    }
    lt_log(LT_LOG_ERR, "state: %s refused: %s%s; counting from zero; moved it to %s.refused", path,
           lt_state_problem_text(st.problem), version, path);
    return true;
}

/* Logs a failure once per streak of failures, and the recovery. */
static void count_result(lt_checkpoint_t *cp, int rc)
{
    if (rc == 0) {
        lt_counter_add(&cp->metrics->writes, 1);
        atomic_store_explicit(&cp->metrics->last_write_unix_ms, (uint64_t)now_ms(),
                              memory_order_relaxed);
        if (cp->is_failing)
            lt_log(LT_LOG_NOTICE, "state: writing %s works again", cp->path);
        cp->is_failing = false;
        return;
    }
    lt_counter_add(&cp->metrics->write_failures, 1);
    if (!cp->is_failing)
        lt_log(LT_LOG_ERR, "state: cannot write %s: %s (counting goes on; retrying)", cp->path,
               lt_strerror(rc));
    cp->is_failing = true;
}

static void take_snapshot(lt_checkpoint_t *cp)
{
    lt_strbuf_reset(&cp->snapshot);
    lt_state_encode(cp->table, cp->stats, (int64_t)time(NULL), &cp->snapshot);
}

static void on_work(uv_work_t *w)
{
    lt_checkpoint_t *cp = w->data;
    cp->write_rc = lt_state_write_file(cp->path, cp->snapshot.p, cp->snapshot.len);
}

static void on_work_done(uv_work_t *w, int status)
{
    lt_checkpoint_t *cp = w->data;
    cp->is_writing = false;
    count_result(cp, status != 0 ? status : cp->write_rc);
}

static void on_timer(uv_timer_t *t)
{
    lt_checkpoint_t *cp = t->data;
    int rc;
    /* A disk slower than the interval: skip this one, the next snapshot is newer anyway. */
    if (cp->is_writing)
        return;
    take_snapshot(cp);
    cp->work.data = cp;
    if ((rc = uv_queue_work(cp->loop, &cp->work, on_work, on_work_done)) != 0) {
        count_result(cp, rc);
        return;
    }
    cp->is_writing = true;
}

int lt_checkpoint_start(lt_checkpoint_t *cp, uv_loop_t *loop, const char *path,
                        uint64_t interval_ms, const lt_table_t *t, const lt_stats_t *s,
                        lt_state_metrics_t *m)
{
    int rc;
    memset(cp, 0, sizeof(*cp));
    cp->loop = loop;
    cp->path = path;
    cp->table = t;
    cp->stats = s;
    cp->metrics = m;
    if ((rc = uv_timer_init(loop, &cp->timer)) != 0)
        return rc;
    cp->timer.data = cp;
    if ((rc = uv_timer_start(&cp->timer, on_timer, interval_ms, interval_ms)) != 0) {
        uv_close((uv_handle_t *)&cp->timer, NULL);
        return rc;
    }
    cp->is_started = true;
    return 0;
}

void lt_checkpoint_close(lt_checkpoint_t *cp)
{
    if (!cp->is_started)
        return;
    cp->is_started = false;
    uv_close((uv_handle_t *)&cp->timer, NULL);
}

int lt_checkpoint_write_final(lt_checkpoint_t *cp)
{
    take_snapshot(cp);
    int rc = lt_state_write_file(cp->path, cp->snapshot.p, cp->snapshot.len);
    count_result(cp, rc);
    if (rc == 0)
        lt_log(LT_LOG_INFO, "state: wrote the final checkpoint to %s", cp->path);
    lt_strbuf_free(&cp->snapshot);
    return rc;
}
