/* SPDX-License-Identifier: MIT */
/* logtally scan's pipeline. The calling thread reads: it fills a free chunk buffer with the
 * carry of the last block plus new bytes, cuts it after its last LF (lt_chunker) and queues
 * it with a sequence number. Workers parse and count whole chunks with thread-local batches
 * and totals. A collector thread takes finished chunks in sequence order, writes their
 * selected lines, and puts the buffers back in the pool; so at most `nchunks` buffers exist
 * and printed lines keep the input order whatever the number of threads. */
#include "lt_scan.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lt_alloc.h"
#include "lt_chunker.h"
#include "lt_parse.h"
#include "lt_scan_input.h"
#include "lt_scan_output.h"
#include "lt_stats.h"
#include "lt_strbuf.h"
#include "lt_tally.h"

#define CHUNK_MAX_BYTES (1024 * 1024)
#define POOL_BUDGET_BYTES (16 * 1024 * 1024) /* chunk buffers, not counting --print copies */
#define PROGRESS_INTERVAL_NS 500000000L

typedef enum { CHUNK_FREE, CHUNK_QUEUED, CHUNK_DONE } chunk_state_t;

typedef struct {
    char *data;
    size_t start, end;  /* whole lines are data[start..end) */
    uint64_t seq;
    chunk_state_t state;
    lt_strbuf_t out;    /* the selected lines, for --print */
} chunk_t;

/* What one worker saw; merged into the result once the workers have joined. */
typedef struct {
    uint64_t lines, events, filtered_out;
    uint64_t rejected[LT_REJECT_COUNT];
    int64_t first_ms[LT_LEVEL_COUNT];
    int64_t last_ms[LT_LEVEL_COUNT];
} tally_local_t;

typedef struct scan_s scan_t;

typedef struct {
    scan_t *scan;
    pthread_t thread;
    tally_local_t local;
} worker_t;

struct scan_s {
    const lt_scan_options_t *opt;
    lt_tally_t tally;
    lt_stats_t stats;
    size_t chunk_bytes;

    pthread_mutex_t mu;
    pthread_cond_t cv_work;  /* a chunk was queued, or the reader finished */
    pthread_cond_t cv_free;  /* a chunk went back to the pool */
    pthread_cond_t cv_done;  /* a chunk was processed */
    chunk_t *chunks;
    size_t nchunks;
    chunk_t **queue;         /* FIFO of queued chunks, nchunks entries */
    size_t queue_head, queue_len;
    uint64_t next_seq;       /* sequence number of the next chunk queued */
    uint64_t next_write;     /* sequence number the collector waits for */
    bool is_reader_done;

    worker_t *workers;
    pthread_t collector;

    /* Progress, read by the collector while the others update it. */
    _Atomic uint64_t progress_raw;   /* bytes read, over every input so far */
    _Atomic uint64_t progress_lines;
    uint64_t total_size;             /* sum of the regular inputs' sizes; 0 when unknown */
    struct timespec started;
    int write_error;                 /* first errno of a failed --print write */
};

static double elapsed_s(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

/* ---- workers ------------------------------------------------------------------------------ */

static bool is_match(const lt_scan_options_t *opt, const lt_event_t *ev)
{
    if (opt->min_level >= 0 && (int)ev->level > opt->min_level)
        return false;
    if (opt->level >= 0 && (int)ev->level != opt->level)
        return false;
    if (opt->app.p != NULL && !lt_slice_eq(opt->app, ev->app))
        return false;
    if (opt->host.p != NULL && !lt_slice_eq(opt->host, ev->host))
        return false;
    return true;
}

static int parse_line(const lt_scan_options_t *opt, const char *p, size_t n, lt_event_t *ev)
{
    switch (opt->format) {
    case LT_SCAN_FORMAT_SYSLOG:
        return lt_syslog_parse(p, n, opt->now_ms / 1000, ev);
    case LT_SCAN_FORMAT_JSON:
        return lt_json_parse(p, n, ev);
    case LT_SCAN_FORMAT_AUTO:
        break;
    }
    return lt_parse_message(p, n, opt->now_ms / 1000, ev);
}

/* Hot loop: no allocation (except growing the --print buffer), no locks, no system calls. */
static void process_chunk(scan_t *s, tally_local_t *loc, lt_table_batch_t *batch, chunk_t *c)
{
    const lt_scan_options_t *opt = s->opt;
    const char *p = c->data + c->start;
    size_t n = c->end - c->start;
    uint64_t lines = 0;

    lt_strbuf_reset(&c->out);
    for (size_t i = 0; i < n;) {
        const char *lf = memchr(p + i, '\n', n - i);
        size_t whole = lf != NULL ? (size_t)(lf - (p + i)) + 1 : n - i;
        const char *line = p + i;
        size_t len = lt_chunker_line_len(line, whole);
        lt_event_t ev;

        i += whole;
        if (len == 0) /* the daemon's framer skips empty frames too */
            continue;
        lines++;
        if (len > opt->max_line_bytes) {
            loc->rejected[LT_REJECT_OVERSIZE]++;
            continue;
        }
        int rc = parse_line(opt, line, len, &ev);
        if (rc != 0) {
            loc->rejected[LT_PARSE_REJECT(rc)]++;
            continue;
        }
        if (!is_match(opt, &ev)) {
            loc->filtered_out++;
            continue;
        }
        loc->events++;
        lt_tally_event(&s->tally, batch, &ev, LT_TRANSPORT_TCP, NULL, opt->now_ms);
        if (ev.time_ms != LT_TIME_NONE) {
            int64_t *first = &loc->first_ms[ev.level], *last = &loc->last_ms[ev.level];
            if (*first == LT_TIME_NONE || ev.time_ms < *first)
                *first = ev.time_ms;
            if (*last == LT_TIME_NONE || ev.time_ms > *last)
                *last = ev.time_ms;
        }
        if (opt->is_printing)
            lt_strbuf_append(&c->out, line, whole);
    }
    lt_table_batch_flush(s->tally.table, batch);
    loc->lines += lines;
    atomic_fetch_add_explicit(&s->progress_lines, lines, memory_order_relaxed);
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    scan_t *s = w->scan;
    lt_table_batch_t batch = LT_TABLE_BATCH_INIT;

    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (s->queue_len == 0 && !s->is_reader_done)
            pthread_cond_wait(&s->cv_work, &s->mu);
        if (s->queue_len == 0)
            break;
        chunk_t *c = s->queue[s->queue_head];
        s->queue_head = (s->queue_head + 1) % s->nchunks;
        s->queue_len--;
        pthread_mutex_unlock(&s->mu);

        process_chunk(s, &w->local, &batch, c);

        pthread_mutex_lock(&s->mu);
        c->state = CHUNK_DONE;
        pthread_cond_broadcast(&s->cv_done);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* ---- collector ---------------------------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void draw_progress(scan_t *s, bool is_final)
{
    lt_scan_progress_t pr = {
        atomic_load_explicit(&s->progress_raw, memory_order_relaxed),
        s->total_size,
        atomic_load_explicit(&s->progress_lines, memory_order_relaxed),
        elapsed_s(&s->started),
    };
    lt_scan_output_progress(&pr, is_final);
}

/* Chunk seq lives in slot seq % nchunks: at most nchunks chunks are out of the pool. */
static chunk_t *chunk_of_seq(scan_t *s, uint64_t seq)
{
    for (size_t i = 0; i < s->nchunks; i++)
        if (s->chunks[i].state != CHUNK_FREE && s->chunks[i].seq == seq)
            return &s->chunks[i];
    return NULL;
}

static void *collector_main(void *arg)
{
    scan_t *s = arg;
    struct timespec next_draw;

    clock_gettime(CLOCK_REALTIME, &next_draw);
    pthread_mutex_lock(&s->mu);
    for (;;) {
        chunk_t *c = chunk_of_seq(s, s->next_write);
        if (c == NULL || c->state != CHUNK_DONE) {
            if (c == NULL && s->is_reader_done && s->next_write == s->next_seq)
                break;
            if (s->opt->is_progress) {
                struct timespec now;
                clock_gettime(CLOCK_REALTIME, &now);
                if (now.tv_sec > next_draw.tv_sec ||
                    (now.tv_sec == next_draw.tv_sec && now.tv_nsec >= next_draw.tv_nsec)) {
                    pthread_mutex_unlock(&s->mu);
                    draw_progress(s, false);
                    pthread_mutex_lock(&s->mu);
                    next_draw = now;
                    next_draw.tv_nsec += PROGRESS_INTERVAL_NS;
                    if (next_draw.tv_nsec >= 1000000000L) {
                        next_draw.tv_sec++;
                        next_draw.tv_nsec -= 1000000000L;
                    }
                }
                pthread_cond_timedwait(&s->cv_done, &s->mu, &next_draw);
            } else {
                pthread_cond_wait(&s->cv_done, &s->mu);
            }
            continue;
        }
        pthread_mutex_unlock(&s->mu);
        if (c->out.len > 0 && s->write_error == 0)
            s->write_error = write_all(s->opt->out_fd, c->out.p, c->out.len);
        pthread_mutex_lock(&s->mu);
        c->state = CHUNK_FREE;
        s->next_write++;
        pthread_cond_signal(&s->cv_free);
    }
    pthread_mutex_unlock(&s->mu);
    if (s->opt->is_progress)
        draw_progress(s, true);
    return NULL;
}

/* ---- reader ------------------------------------------------------------------------------- */

static chunk_t *take_free_chunk(scan_t *s)
{
    pthread_mutex_lock(&s->mu);
    for (;;) {
        for (size_t i = 0; i < s->nchunks; i++) {
            if (s->chunks[i].state == CHUNK_FREE) {
                chunk_t *c = &s->chunks[i];
                c->state = CHUNK_QUEUED; /* reserved; queued for real in queue_chunk */
                c->seq = UINT64_MAX;
                pthread_mutex_unlock(&s->mu);
                return c;
            }
        }
        pthread_cond_wait(&s->cv_free, &s->mu);
    }
}

static void queue_chunk(scan_t *s, chunk_t *c)
{
    pthread_mutex_lock(&s->mu);
    c->seq = s->next_seq++;
    s->queue[(s->queue_head + s->queue_len) % s->nchunks] = c;
    s->queue_len++;
    pthread_cond_signal(&s->cv_work);
    pthread_mutex_unlock(&s->mu);
}

static void release_chunk(scan_t *s, chunk_t *c)
{
    pthread_mutex_lock(&s->mu);
    c->state = CHUNK_FREE;
    pthread_cond_signal(&s->cv_free);
    pthread_mutex_unlock(&s->mu);
}

static void report(const scan_t *s, const lt_scan_input_t *in, const char *path, int err)
{
    const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
    const char *why = err == -EISDIR ? "is a directory"
                      : in != NULL && in->why != NULL ? in->why
                                                      : strerror(-err);
    /* The progress line, if any, is cleared so the message starts at column 0. */
    fprintf(stderr, "%slogtally: %s: %s\n", s->opt->is_progress ? LT_SCAN_OUTPUT_CLEAR_LINE : "",
            name, why);
}

/* Reads one input to its end through the pipeline. Returns 0 or a negative errno code. */
static int scan_input(scan_t *s, const char *path, char *carry, uint64_t *raw_before,
                      lt_scan_result_t *res)
{
    lt_scan_input_t in;
    lt_chunker_t ck;
    size_t ncarry = 0;
    int rc = lt_scan_input_open(&in, path);

    if (rc != 0) {
        report(s, &in, path, rc);
        return rc;
    }
    lt_chunker_init(&ck, s->opt->max_line_bytes);
    for (bool is_eof = false; !is_eof;) {
        chunk_t *c = take_free_chunk(s);
        size_t n = ncarry;
        memcpy(c->data, carry, ncarry);
        while (n < s->chunk_bytes) {
            ssize_t r = lt_scan_input_read(&in, c->data + n, s->chunk_bytes - n);
            if (r < 0) {
                rc = (int)r;
                is_eof = true;
                break;
            }
            if (r == 0) {
                is_eof = true;
                break;
            }
            n += (size_t)r;
            res->bytes += (uint64_t)r;
        }
        atomic_store_explicit(&s->progress_raw, *raw_before + in.raw_offset,
                              memory_order_relaxed);
        lt_chunk_cut_t cut;
        lt_chunker_cut(&ck, c->data, n, is_eof, &cut);
        res->rejected[LT_REJECT_OVERSIZE] += cut.oversize;
        res->lines += cut.oversize;
        memcpy(carry, c->data + cut.end, cut.carry);
        ncarry = cut.carry;
        c->start = cut.skip;
        c->end = cut.end;
        if (c->end > c->start)
            queue_chunk(s, c);
        else
            release_chunk(s, c);
    }
    *raw_before += in.raw_offset;
    if (rc != 0)
        report(s, &in, path, rc);
    lt_scan_input_close(&in);
    return rc;
}

/* ---- the whole scan ----------------------------------------------------------------------- */

static void merge(lt_scan_result_t *res, const tally_local_t *loc)
{
    res->lines += loc->lines;
    res->events += loc->events;
    res->filtered_out += loc->filtered_out;
    for (int r = 0; r < LT_REJECT_COUNT; r++)
        res->rejected[r] += loc->rejected[r];
    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        if (loc->first_ms[l] != LT_TIME_NONE &&
            (res->first_ms[l] == LT_TIME_NONE || loc->first_ms[l] < res->first_ms[l]))
            res->first_ms[l] = loc->first_ms[l];
        if (loc->last_ms[l] != LT_TIME_NONE &&
            (res->last_ms[l] == LT_TIME_NONE || loc->last_ms[l] > res->last_ms[l]))
            res->last_ms[l] = loc->last_ms[l];
    }
}

static void clear_times(int64_t first[LT_LEVEL_COUNT], int64_t last[LT_LEVEL_COUNT])
{
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        first[l] = last[l] = LT_TIME_NONE;
}

int lt_scan_run(const lt_scan_options_t *opt, char *const *paths, size_t npaths,
                lt_table_t *table, lt_scan_result_t *res)
{
    scan_t s;
    size_t nstarted = 0;
    bool is_collector_started = false;
    int rc = 0;

    memset(res, 0, sizeof(*res));
    clear_times(res->first_ms, res->last_ms);
    memset(&s, 0, sizeof(s));
    s.opt = opt;
    lt_stats_init(&s.stats);
    s.tally = (lt_tally_t){table, NULL, &s.stats, opt->labels};
    clock_gettime(CLOCK_MONOTONIC, &s.started);

    /* Two chunks per worker keep each busy while the reader fills the next; the pool budget
     * bounds the total, and a chunk always holds a carry plus a longest line. */
    s.nchunks = 2 * (size_t)opt->threads + 2;
    s.chunk_bytes = POOL_BUDGET_BYTES / s.nchunks;
    if (s.chunk_bytes > CHUNK_MAX_BYTES)
        s.chunk_bytes = CHUNK_MAX_BYTES;
    if (s.chunk_bytes < LT_CHUNKER_MIN_BLOCK(opt->max_line_bytes))
        s.chunk_bytes = LT_CHUNKER_MIN_BLOCK(opt->max_line_bytes);
    s.chunks = lt_calloc(s.nchunks, sizeof(*s.chunks));
    s.queue = lt_calloc(s.nchunks, sizeof(*s.queue));
    for (size_t i = 0; i < s.nchunks; i++)
        s.chunks[i].data = lt_malloc(s.chunk_bytes);
    char *carry = lt_malloc(s.chunk_bytes);

    /* The percentage and ETA need the size of every input; a pipe among them hides it. */
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") == 0 || stat(paths[i], &st) != 0 || !S_ISREG(st.st_mode)) {
            s.total_size = 0;
            break;
        }
        s.total_size += (uint64_t)st.st_size;
    }

    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.cv_work, NULL);
    pthread_cond_init(&s.cv_free, NULL);
    pthread_cond_init(&s.cv_done, NULL);
    s.workers = lt_calloc(opt->threads, sizeof(*s.workers));
    for (; nstarted < opt->threads; nstarted++) {
        worker_t *w = &s.workers[nstarted];
        w->scan = &s;
        clear_times(w->local.first_ms, w->local.last_ms);
        if ((rc = -pthread_create(&w->thread, NULL, worker_main, w)) != 0)
            goto stop;
    }
    if ((rc = -pthread_create(&s.collector, NULL, collector_main, &s)) != 0)
        goto stop;
    is_collector_started = true;

    uint64_t raw = 0;
    for (size_t i = 0; i < npaths; i++) {
        if (scan_input(&s, paths[i], carry, &raw, res) == 0)
            res->inputs_read++;
        else
            res->inputs_failed++;
    }
    res->bytes_read = raw;

stop:
    pthread_mutex_lock(&s.mu);
    s.is_reader_done = true;
    pthread_cond_broadcast(&s.cv_work);
    pthread_cond_broadcast(&s.cv_done);
    pthread_mutex_unlock(&s.mu);
    for (size_t i = 0; i < nstarted; i++) {
        pthread_join(s.workers[i].thread, NULL);
        merge(res, &s.workers[i].local);
    }
    if (is_collector_started)
        pthread_join(s.collector, NULL);
    if (s.write_error != 0) {
        fprintf(stderr, "logtally: writing the selected lines: %s\n", strerror(-s.write_error));
        res->inputs_failed++;
    }
    res->seconds = elapsed_s(&s.started);

    pthread_cond_destroy(&s.cv_done);
    pthread_cond_destroy(&s.cv_free);
    pthread_cond_destroy(&s.cv_work);
    pthread_mutex_destroy(&s.mu);
    lt_free(s.workers);
    for (size_t i = 0; i < s.nchunks; i++) {
        lt_free(s.chunks[i].data);
        lt_strbuf_free(&s.chunks[i].out);
    }
    lt_free(carry);
    lt_free(s.queue);
    lt_free(s.chunks);
    return rc;
}
