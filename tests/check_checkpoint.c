/* SPDX-License-Identifier: MIT */
/* Tests for src/checkpoint.c on a real loop, threadpool and file system (a temporary directory
 * per case): what each write, failure and restore does to the file and to lt_state_metrics_t,
 * that a reader always finds a whole checkpoint, and that a tick never touches a write in
 * flight. Failures come from real conditions (a directory in the way, a read-only or full
 * tmpfs), never from mocks; the tmpfs cases need root and say so when they cannot run. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "lt_alloc.h"
#include "lt_checkpoint.h"
#include "lt_config.h"
#include "lt_log.h"
#include "lt_state.h"
#include "series_dump.h"
#include "check_run.h"

#define ALL_LABELS (LT_LABEL_HOST | LT_LABEL_APP | LT_LABEL_FACILITY | LT_LABEL_TRANSPORT)
#define HOUR_MS 3600000u

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- log capture: the checkpointer logs at the edge, once per streak of failures --------- */

static char logged[4096];

static void capture(void *arg, int prio, const char *line)
{
    (void)arg;
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof(logged) - n, "%d %s\n", prio, line);
}

static size_t count_lines_with(const char *needle)
{
    size_t n = 0;
    for (const char *p = logged; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* ---- the fixture: a loop, a table, a checkpointer writing DIR/state.json ------------------ */

typedef struct {
    uv_loop_t loop;
    lt_table_t table;
    lt_stats_t stats;
    lt_state_metrics_t metrics;
    lt_checkpoint_t cp;
    char dir[64];
    char path[96];
    bool is_mounted; /* dir is a private tmpfs (mount_tmpfs) */
} fixture_t;

static void fixture_open(fixture_t *f, uint64_t interval_ms)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/lt-check-checkpoint.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/state.json", f->dir);
    ck_assert_int_eq(uv_loop_init(&f->loop), 0);
    ck_assert_int_eq(lt_table_init(&f->table, 4096), 0);
    lt_table_precreate_levels(&f->table);
    lt_stats_init(&f->stats);
    ck_assert_int_eq(lt_checkpoint_start(&f->cp, &f->loop, f->path, interval_ms, &f->table,
                                         &f->stats, &f->metrics),
                     0);
    logged[0] = '\0';
    lt_log_set_sink(capture, NULL);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Stops the checkpointer, lets the loop run dry (a write in flight completes), checks that
 * every handle closed, and removes the directory. */
static void fixture_close(fixture_t *f)
{
    lt_checkpoint_close(&f->cp);
    ck_assert_int_eq(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
    ck_assert_int_eq(uv_loop_close(&f->loop), 0);
    lt_strbuf_free(&f->cp.snapshot);
    lt_table_free(&f->table);
    lt_log_set_sink(NULL, NULL);
    if (f->is_mounted)
        ck_assert_int_eq(umount(f->dir), 0);
    chmod(f->dir, 0700);
    ck_assert_int_eq(nftw(f->dir, remove_one, 8, FTW_DEPTH | FTW_PHYS), 0);
}

static void count(lt_table_t *t, lt_level_t level, const char *host, uint64_t n)
{
    lt_series_key_t k = key_of(level, LT_LABEL_UNSET, LT_LABEL_UNSET, host, NULL);
    lt_table_incr(t, &k, n);
}

static uint64_t written(const fixture_t *f)
{
    return lt_counter_get(&f->metrics.writes);
}

/* Turns the loop until f has written at least n checkpoints; false after timeout_ms. */
static bool run_until_written(fixture_t *f, uint64_t n, int timeout_ms)
{
    int64_t end = mono_ms() + timeout_ms;
    while (written(f) < n) {
        if (mono_ms() > end)
            return false;
        uv_run(&f->loop, UV_RUN_ONCE);
    }
    return true;
}

/* Names in dir other than . and .., joined by ' ' in readdir order (one name: no space). */
static const char *dir_names(const char *dir)
{
    static char names[512];
    DIR *d = opendir(dir);
    struct dirent *e;
    names[0] = '\0';
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(names);
        snprintf(names + n, sizeof(names) - n, "%s%s", n > 0 ? " " : "", e->d_name);
    }
    closedir(d);
    return names;
}

/* The whole file, NUL-terminated; the caller frees it. */
static char *slurp(const char *path)
{
    lt_strbuf_t out = LT_STRBUF_INIT;
    char buf[4096];
    ssize_t got;
    int fd = open(path, O_RDONLY);
    ck_assert_msg(fd >= 0, "cannot open %s: %s", path, strerror(errno));
    while ((got = read(fd, buf, sizeof(buf))) > 0)
        lt_strbuf_append(&out, buf, (size_t)got);
    close(fd);
    lt_strbuf_puts(&out, "");
    return out.p;
}

/* What a restart would restore from path: every series as dump() text, through
 * lt_checkpoint_restore and so through src/state.c's reader and decoder. */
static char *restored(const char *path, lt_stats_t *stats, lt_state_metrics_t *m)
{
    lt_table_t back;
    ck_assert_int_eq(lt_table_init(&back, 4096), 0);
    lt_table_precreate_levels(&back);
    lt_stats_init(stats);
    memset(m, 0, sizeof(*m));
    ck_assert(lt_checkpoint_restore(path, &back, stats, ALL_LABELS, m));
    char *text = dump(&back);
    lt_table_free(&back);
    return text;
}

/* restored() for one series' count, asserting that the restore worked. */
static void assert_restored_count(const char *path, lt_level_t level, const char *host,
                                  uint64_t want, const char *what)
{
    lt_stats_t s;
    lt_state_metrics_t m;
    char *text = restored(path, &s, &m);
    char line[160];
    snprintf(line, sizeof(line), "%d|-1|-1|%s||0|%llu;", (int)level, host,
             (unsigned long long)want);
    ck_assert_msg(strstr(text, line) != NULL, "%s: no '%s' in %s", what, line, text);
    ck_assert_int_eq(lt_gauge_get(&m.is_restored), 1);
    ck_assert_uint_eq(lt_counter_get(&m.load_failures), 0);
    lt_free(text);
}

/* ---- a write that holds the threadpool: the one thread (UV_THREADPOOL_SIZE=1, set in main)
 * waits on a semaphore, so a checkpoint queued behind it stays in flight until released. */

typedef struct {
    uv_work_t req;
    uv_sem_t sem;
    bool is_done;
} blocker_t;

static void block_work(uv_work_t *w)
{
    blocker_t *b = w->data;
    uv_sem_wait(&b->sem);
}

static void block_done(uv_work_t *w, int status)
{
    blocker_t *b = w->data;
    ck_assert_int_eq(status, 0);
    b->is_done = true;
}

/* Queues b on the threadpool: it holds the one thread, once there, until uv_sem_post(&b->sem). */
static void block_pool(fixture_t *f, blocker_t *b)
{
    memset(b, 0, sizeof(*b));
    ck_assert_int_eq(uv_sem_init(&b->sem, 0), 0);
    b->req.data = b;
    ck_assert_int_eq(uv_queue_work(&f->loop, &b->req, block_work, block_done), 0);
}

/* Holds the threadpool with b and turns the loop until a tick has queued a checkpoint behind
 * it; uv_sem_post(&b->sem) lets it go. */
static void hold_a_write(fixture_t *f, blocker_t *b)
{
    block_pool(f, b);
    int64_t end = mono_ms() + 5000;
    while (!f->cp.is_writing && mono_ms() < end)
        uv_run(&f->loop, UV_RUN_ONCE);
    ck_assert_msg(f->cp.is_writing, "no write queued within 5 s");
    ck_assert_uint_eq(written(f), 0);
}

/* ---- a private tmpfs over the fixture's directory, for EROFS and ENOSPC as root ---------- */

/* Mounts a tmpfs of size_kib over f->dir in a mount namespace of this process only (Check
 * runs each case in a child), so nothing leaks into the host even when a case dies. Returns
 * false, after printing why, when the process may not mount (not root, or no CAP_SYS_ADMIN). */
static bool mount_tmpfs(fixture_t *f, unsigned size_kib, const char *test_fn)
{
    char opts[64], test[128];
    /* START_TEST names the function NAME_fn: print NAME, as Check's own reports do. */
    snprintf(test, sizeof(test), "%.*s", (int)(strlen(test_fn) - 3), test_fn);
    if (geteuid() != 0) {
        printf("# %s: skipped, mounting a tmpfs needs root\n", test);
        return false;
    }
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        printf("# %s: skipped, root but cannot make a mount namespace: %s\n", test,
               strerror(errno));
        return false;
    }
    snprintf(opts, sizeof(opts), "size=%uk,mode=0700", size_kib);
    ck_assert_msg(mount("tmpfs", f->dir, "tmpfs", 0, opts) == 0, "mount tmpfs on %s: %s",
                  f->dir, strerror(errno));
    f->is_mounted = true;
    return true;
}

/* ---- cases ------------------------------------------------------------------------------- */

START_TEST(test_checkpoint_final_write_round_trips)
{
    fixture_t f;
    lt_stats_t s;
    lt_state_metrics_t m;
    lt_state_t st;

    fixture_open(&f, HOUR_MS);
    count(&f.table, LT_LEVEL_ERR, "web-1", 5);
    count(&f.table, LT_LEVEL_INFO, "web-2", 9007199254740993ull); /* 2^53 + 1 */
    lt_series_key_t k = key_of(LT_LEVEL_CRIT, 3, LT_TRANSPORT_UDP, "db", "postgres");
    lt_table_incr(&f.table, &k, 2);
    lt_counter_add(&f.stats.received_bytes[LT_TRANSPORT_TCP], 1234);
    lt_counter_add(&f.stats.http_requests, 4);
    lt_counter_add(&f.stats.rejected[LT_TRANSPORT_UDP][LT_REJECT_BINARY], 3);

    uint64_t before = wall_ms();
    ck_assert_int_eq(lt_checkpoint_write_final(&f.cp), 0);
    uint64_t after = wall_ms();

    ck_assert_uint_eq(lt_counter_get(&f.metrics.writes), 1);
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 0);
    uint64_t last = lt_counter_get(&f.metrics.last_write_unix_ms);
    ck_assert_msg(last >= before && last <= after, "last write %llu not in [%llu, %llu]",
                  (unsigned long long)last, (unsigned long long)before,
                  (unsigned long long)after);
    ck_assert_int_eq(lt_gauge_get(&f.metrics.is_restored), 0);
    ck_assert_ptr_null(f.cp.snapshot.p); /* the final write frees its buffer */
    ck_assert_str_eq(dir_names(f.dir), "state.json"); /* no temporary file left */
    ck_assert_int_eq(count_lines_with("state: wrote the final checkpoint to "), 1);

    /* The file as src/state.c reads it. */
    ck_assert_int_eq(lt_state_read_file(f.path, &st), 0);
    ck_assert_uint_eq(st.series_count, 3);
    ck_assert_int_ge(st.written_unix_s, (int64_t)(before / 1000));
    ck_assert_int_le(st.written_unix_s, (int64_t)(after / 1000));
    lt_state_free(&st);

    /* What a restart restores: the same series and counters. */
    char *want = dump(&f.table), *got = restored(f.path, &s, &m);
    ck_assert_str_eq(got, want);
    ck_assert_uint_eq(lt_counter_get(&s.received_bytes[LT_TRANSPORT_TCP]), 1234);
    ck_assert_uint_eq(lt_counter_get(&s.http_requests), 4);
    ck_assert_uint_eq(lt_counter_get(&s.rejected[LT_TRANSPORT_UDP][LT_REJECT_BINARY]), 3);
    ck_assert_int_eq(lt_gauge_get(&m.is_restored), 1);
    ck_assert_uint_eq(lt_counter_get(&m.load_failures), 0);
    ck_assert_int_eq(count_lines_with("state: restored 3 series and the daemon counters from "), 1);
    lt_free(want);
    lt_free(got);
    fixture_close(&f);
}
END_TEST

START_TEST(test_checkpoint_each_interval_writes_a_new_snapshot)
{
    fixture_t f;
    fixture_open(&f, 20);
    count(&f.table, LT_LEVEL_ERR, "a", 5);
    ck_assert_msg(run_until_written(&f, 1, 5000), "no checkpoint within 5 s");
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 0);
    ck_assert_uint_gt(lt_counter_get(&f.metrics.last_write_unix_ms), 0);
    assert_restored_count(f.path, LT_LEVEL_ERR, "a", 5, "first checkpoint");

    /* Counted after that write. The tick that ended the same turn of the loop may already have
     * queued a write of the older snapshot; the write after that one has the new count. */
    uint64_t first = lt_counter_get(&f.metrics.last_write_unix_ms);
    count(&f.table, LT_LEVEL_ERR, "a", 7);
    uint64_t n = written(&f) + (f.cp.is_writing ? 2 : 1);
    ck_assert_msg(run_until_written(&f, n, 5000), "no checkpoint after the count within 5 s");
    assert_restored_count(f.path, LT_LEVEL_ERR, "a", 12, "second checkpoint");
    ck_assert_uint_ge(lt_counter_get(&f.metrics.last_write_unix_ms), first);
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 0);
    ck_assert_str_eq(dir_names(f.dir), "state.json");
    /* Success is not logged tick by tick (the two restores above logged theirs). */
    ck_assert_int_eq(count_lines_with("state: "), count_lines_with("state: restored "));
    fixture_close(&f);
}
END_TEST

/* A disk slower than the interval: ticks during a write neither queue a second write nor
 * retake the snapshot that the threadpool is writing; the write in flight writes the counts of
 * its own tick, and the next tick after it the newer ones. */
START_TEST(test_checkpoint_skips_ticks_while_a_write_is_in_flight)
{
    fixture_t f;
    blocker_t b;
    fixture_open(&f, 10);
    count(&f.table, LT_LEVEL_ERR, "a", 1);
    hold_a_write(&f, &b);
    count(&f.table, LT_LEVEL_ERR, "a", 100);

    /* Ten intervals or more with the write held: nothing written, nothing half-written. */
    int64_t end = mono_ms() + 120;
    while (mono_ms() < end) {
        uv_run(&f.loop, UV_RUN_ONCE);
        ck_assert(f.cp.is_writing);
    }
    ck_assert_uint_eq(written(&f), 0);
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 0);
    ck_assert_str_eq(dir_names(f.dir), "");

    /* A second blocker behind the held write: the write the next tick queues waits for it, so
     * the file read below is the held write's. */
    blocker_t b2;
    block_pool(&f, &b2);
    uv_sem_post(&b.sem);
    ck_assert_msg(run_until_written(&f, 1, 5000), "the held write did not complete");
    ck_assert_uint_eq(written(&f), 1);
    ck_assert_msg(lt_counter_get(&f.metrics.write_failures) == 0, "the held write failed: %s",
                  logged);
    ck_assert(b.is_done);
    assert_restored_count(f.path, LT_LEVEL_ERR, "a", 1, "the held write (its own tick's snapshot)");
    uv_sem_post(&b2.sem);
    ck_assert_msg(run_until_written(&f, 2, 5000), "no write after the held one");
    assert_restored_count(f.path, LT_LEVEL_ERR, "a", 101, "the next write");
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 0);
    fixture_close(&f);
    uv_sem_destroy(&b.sem);
    uv_sem_destroy(&b2.sem);
}
END_TEST

START_TEST(test_checkpoint_close_lets_the_write_in_flight_finish)
{
    fixture_t f;
    blocker_t b;
    fixture_open(&f, 10);
    count(&f.table, LT_LEVEL_NOTICE, "a", 3);
    hold_a_write(&f, &b);

    lt_checkpoint_close(&f.cp);
    lt_checkpoint_close(&f.cp); /* a second close is a no-op */
    uv_sem_post(&b.sem);
    ck_assert_int_eq(uv_run(&f.loop, UV_RUN_DEFAULT), 0);
    ck_assert(!f.cp.is_writing);
    ck_assert_uint_eq(written(&f), 1);
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 0);
    assert_restored_count(f.path, LT_LEVEL_NOTICE, "a", 3, "the write that outlived close");
    fixture_close(&f);
    uv_sem_destroy(&b.sem);
}
END_TEST

/* A directory where the file should be: the rename fails, the failure is counted and logged
 * once however often it repeats, the temporary file is removed, and the first write that works
 * again is counted and logged as the recovery. */
START_TEST(test_checkpoint_target_is_a_directory)
{
    fixture_t f;
    fixture_open(&f, HOUR_MS);
    count(&f.table, LT_LEVEL_ERR, "a", 2);
    ck_assert_int_eq(mkdir(f.path, 0700), 0);

    ck_assert_int_eq(lt_checkpoint_write_final(&f.cp), UV_EISDIR);
    ck_assert_int_eq(lt_checkpoint_write_final(&f.cp), UV_EISDIR);
    ck_assert_uint_eq(written(&f), 0);
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 2);
    ck_assert_uint_eq(lt_counter_get(&f.metrics.last_write_unix_ms), 0);
    ck_assert(f.cp.is_failing);
    ck_assert_str_eq(dir_names(f.dir), "state.json");
    struct stat sb;
    ck_assert_int_eq(stat(f.path, &sb), 0);
    ck_assert(S_ISDIR(sb.st_mode));
    ck_assert_int_eq(count_lines_with("state: cannot write "), 1);
    ck_assert_int_eq(count_lines_with(": illegal operation on a directory (counting goes on; retrying)"), 1);

    /* A restart would not overwrite it either: unreadable, so no checkpoints over it. */
    lt_table_t back;
    lt_stats_t s;
    lt_state_metrics_t m = {0};
    ck_assert_int_eq(lt_table_init(&back, 16), 0);
    lt_stats_init(&s);
    ck_assert(!lt_checkpoint_restore(f.path, &back, &s, ALL_LABELS, &m));
    ck_assert_uint_eq(lt_counter_get(&m.load_failures), 1);
    ck_assert_int_eq(lt_gauge_get(&m.is_restored), 0);
    ck_assert_str_eq(dir_names(f.dir), "state.json"); /* not moved aside */
    ck_assert_int_eq(count_lines_with("not writing checkpoints over it"), 1);
    lt_table_free(&back);

    ck_assert_int_eq(rmdir(f.path), 0);
    ck_assert_int_eq(lt_checkpoint_write_final(&f.cp), 0);
    ck_assert_uint_eq(written(&f), 1);
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 2);
    ck_assert(!f.cp.is_failing);
    ck_assert_int_eq(count_lines_with("works again"), 1);
    assert_restored_count(f.path, LT_LEVEL_ERR, "a", 2, "after the directory went");
    fixture_close(&f);
}
END_TEST

/* A directory the daemon may not write to any more (as root, which ignores permissions, a
 * tmpfs remounted read-only; otherwise mode 0500): the old checkpoint stays whole. */
START_TEST(test_checkpoint_unwritable_directory_keeps_the_old_file)
{
    fixture_t f;
    fixture_open(&f, HOUR_MS);
    bool is_tmpfs = geteuid() == 0;
    if (is_tmpfs && !mount_tmpfs(&f, 1024, __func__)) {
        fixture_close(&f);
        return;
    }
    count(&f.table, LT_LEVEL_ERR, "a", 1);
    ck_assert_int_eq(lt_checkpoint_write_final(&f.cp), 0);
    char *old = slurp(f.path);

    count(&f.table, LT_LEVEL_ERR, "a", 1);
    if (is_tmpfs)
        ck_assert_int_eq(mount(NULL, f.dir, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
    else
        ck_assert_int_eq(chmod(f.dir, 0500), 0);
    int want = is_tmpfs ? UV_EROFS : UV_EACCES;
    ck_assert_int_eq(lt_checkpoint_write_final(&f.cp), want);
    ck_assert_uint_eq(written(&f), 1);
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 1);
    char *now = slurp(f.path);
    ck_assert_str_eq(now, old);
    ck_assert_str_eq(dir_names(f.dir), "state.json");
    assert_restored_count(f.path, LT_LEVEL_ERR, "a", 1, "the old checkpoint");

    if (is_tmpfs)
        ck_assert_int_eq(mount(NULL, f.dir, NULL, MS_REMOUNT, NULL), 0);
    else
        ck_assert_int_eq(chmod(f.dir, 0700), 0);
    ck_assert_int_eq(lt_checkpoint_write_final(&f.cp), 0);
    assert_restored_count(f.path, LT_LEVEL_ERR, "a", 2, "writable again");
    ck_assert_uint_eq(written(&f), 2);
    lt_free(old);
    lt_free(now);
    fixture_close(&f);
}
END_TEST

/* A full disk (a 64 KiB tmpfs; root only): the write fails with ENOSPC, the partial temporary
 * file is removed so the space comes back, and the old checkpoint stays whole. */
START_TEST(test_checkpoint_full_disk_keeps_the_old_file)
{
    fixture_t f;
    char host[64];
    fixture_open(&f, HOUR_MS);
    if (!mount_tmpfs(&f, 64, __func__)) {
        fixture_close(&f);
        return;
    }
    count(&f.table, LT_LEVEL_ERR, "small", 1);
    ck_assert_int_eq(lt_checkpoint_write_final(&f.cp), 0);
    char *old = slurp(f.path);

    /* About 100 bytes a series: 2000 of them do not fit beside the old file. */
    for (int i = 0; i < 2000; i++) {
        snprintf(host, sizeof(host), "host-%04d.a-rather-long-domain.example.org", i);
        count(&f.table, LT_LEVEL_INFO, host, (uint64_t)i + 1);
    }
    ck_assert_int_eq(lt_checkpoint_write_final(&f.cp), UV_ENOSPC);
    ck_assert_uint_eq(written(&f), 1);
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 1);
    ck_assert(f.cp.is_failing);
    char *now = slurp(f.path);
    ck_assert_str_eq(now, old);
    ck_assert_str_eq(dir_names(f.dir), "state.json");
    assert_restored_count(f.path, LT_LEVEL_ERR, "small", 1, "the old checkpoint");
    ck_assert_int_eq(count_lines_with(": no space left on device (counting goes on; retrying)"),
                     1);
    lt_free(old);
    lt_free(now);
    fixture_close(&f);
}
END_TEST

/* ---- a reader racing the writer: every read finds a whole checkpoint --------------------- */

typedef struct {
    const char *path;
    atomic_bool is_stopping;
    uint64_t reads, changes, bad;
    int first_bad_rc;
    lt_state_problem_t first_bad_problem;
} reader_t;

static void read_loop(void *arg)
{
    reader_t *r = arg;
    size_t last = 0;
    while (!atomic_load(&r->is_stopping)) {
        lt_state_t st;
        int rc = lt_state_read_file(r->path, &st);
        if (rc != 0) {
            if (r->bad++ == 0) {
                r->first_bad_rc = rc;
                r->first_bad_problem = st.problem;
            }
        } else {
            r->changes += r->reads > 0 && st.series_count != last;
            last = st.series_count;
            r->reads++;
        }
        lt_state_free(&st);
    }
}

static void add_series(uv_timer_t *t)
{
    fixture_t *f = t->data;
    char host[32];
    snprintf(host, sizeof(host), "h%zu", lt_table_series_count(&f->table));
    count(&f->table, LT_LEVEL_INFO, host, 1);
}

START_TEST(test_checkpoint_readers_always_find_a_whole_file)
{
    fixture_t f;
    uv_timer_t grow;
    uv_thread_t thread;
    fixture_open(&f, 1);
    reader_t r = {.path = f.path};
    atomic_init(&r.is_stopping, false);

    /* A new series every millisecond: each checkpoint is longer than the one it replaces. */
    ck_assert_int_eq(uv_timer_init(&f.loop, &grow), 0);
    grow.data = &f;
    ck_assert_int_eq(uv_timer_start(&grow, add_series, 1, 1), 0);
    ck_assert_msg(run_until_written(&f, 1, 5000), "no checkpoint within 5 s");
    ck_assert_int_eq(uv_thread_create(&thread, read_loop, &r), 0);
    bool is_done = run_until_written(&f, 101, 30000);
    atomic_store(&r.is_stopping, true);
    ck_assert_int_eq(uv_thread_join(&thread), 0);
    uv_close((uv_handle_t *)&grow, NULL);

    printf("# %llu checkpoints, %llu whole reads, %llu replacements seen\n",
           (unsigned long long)written(&f), (unsigned long long)r.reads,
           (unsigned long long)r.changes);
    ck_assert_msg(is_done, "only %llu checkpoints in 30 s", (unsigned long long)written(&f));
    ck_assert_msg(r.bad == 0, "%llu of %llu reads failed; the first: %s (%s)",
                  (unsigned long long)r.bad, (unsigned long long)(r.bad + r.reads),
                  lt_strerror(r.first_bad_rc), lt_state_problem_text(r.first_bad_problem));
    ck_assert_uint_gt(r.changes, 0); /* the reader did race the replacements */
    ck_assert_uint_eq(lt_counter_get(&f.metrics.write_failures), 0);
    fixture_close(&f);
}
END_TEST

/* ---- restore at start: one row per kind of file found ------------------------------------ */

typedef enum { FILE_NONE, FILE_VALID, FILE_CORRUPT, FILE_FOREIGN, FILE_DIRECTORY } file_kind_t;

static void make_file(const char *path, file_kind_t kind)
{
    lt_table_t t;
    lt_stats_t s;
    lt_strbuf_t text = LT_STRBUF_INIT;
    ck_assert_int_eq(lt_table_init(&t, 16), 0);
    lt_stats_init(&s);
    count(&t, LT_LEVEL_WARNING, "w", 42);
    lt_counter_add(&s.http_requests, 6);
    lt_state_encode(&t, &s, 1764054000, &text);
    if (kind == FILE_CORRUPT)
        text.p[text.len / 2] ^= 0x01;
    if (kind == FILE_FOREIGN) {
        lt_strbuf_reset(&text);
        lt_strbuf_puts(&text, "Nov 25 07:00:00 host app: a log line, not a checkpoint\n");
    }
    if (kind == FILE_DIRECTORY)
        ck_assert_int_eq(mkdir(path, 0700), 0);
    else if (kind != FILE_NONE)
        ck_assert_int_eq(lt_state_write_file(path, text.p, text.len), 0);
    lt_strbuf_free(&text);
    lt_table_free(&t);
}

static const struct {
    file_kind_t kind;
    const char *what;
    bool may_write;         /* lt_checkpoint_restore's result */
    int is_restored;        /* the gauge */
    uint64_t load_failures; /* the counter */
    const char *files;      /* the directory afterwards */
    uint64_t warnings;      /* the count restored for level warning */
    const char *log;        /* a line logged */
} restore_rows[] = {
    {FILE_NONE, "no file (a first start)", true, 0, 0, "", 0, "no checkpoint at "},
    {FILE_VALID, "a valid checkpoint", true, 1, 0, "state.json", 42,
     "written 2025-11-25T07:00:00Z"},
    {FILE_CORRUPT, "a bit flipped", true, 0, 1, "state.json.refused", 0,
     "refused: checksum mismatch: the content is corrupt; counting from zero; moved it to "},
    {FILE_FOREIGN, "a log file", true, 0, 1, "state.json.refused", 0,
     "refused: not a logtally state file"},
    {FILE_DIRECTORY, "a directory", false, 0, 1, "state.json", 0,
     "cannot read "},
};

START_TEST(test_checkpoint_restore_outcomes)
{
    const char *what = restore_rows[_i].what;
    char dir[] = "/tmp/lt-check-checkpoint.XXXXXX", path[64];
    lt_table_t t;
    lt_stats_t s;
    lt_state_metrics_t m = {0};
    uint64_t totals[LT_LEVEL_COUNT];

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/state.json", dir);
    make_file(path, restore_rows[_i].kind);
    ck_assert_int_eq(lt_table_init(&t, 16), 0);
    lt_table_precreate_levels(&t);
    lt_stats_init(&s);
    logged[0] = '\0';
    lt_log_set_sink(capture, NULL);
    bool may_write = lt_checkpoint_restore(path, &t, &s, ALL_LABELS, &m);
    lt_log_set_sink(NULL, NULL);

    ck_assert_msg(may_write == restore_rows[_i].may_write, "%s: may write %d", what, may_write);
    ck_assert_msg(lt_gauge_get(&m.is_restored) == restore_rows[_i].is_restored,
                  "%s: restored gauge %lld", what, (long long)lt_gauge_get(&m.is_restored));
    ck_assert_msg(lt_counter_get(&m.load_failures) == restore_rows[_i].load_failures,
                  "%s: %llu load failures", what,
                  (unsigned long long)lt_counter_get(&m.load_failures));
    ck_assert_uint_eq(lt_counter_get(&m.writes), 0);
    ck_assert_msg(strcmp(dir_names(dir), restore_rows[_i].files) == 0, "%s: files '%s'", what,
                  dir_names(dir));
    lt_table_level_totals(&t, totals);
    ck_assert_msg(totals[LT_LEVEL_WARNING] == restore_rows[_i].warnings, "%s: %llu warnings",
                  what, (unsigned long long)totals[LT_LEVEL_WARNING]);
    ck_assert_uint_eq(lt_counter_get(&s.http_requests), restore_rows[_i].is_restored ? 6 : 0);
    ck_assert_msg(strstr(logged, restore_rows[_i].log) != NULL, "%s: no '%s' in the log: %s",
                  what, restore_rows[_i].log, logged);
    ck_assert_int_eq(count_lines_with("\n"), 1); /* one line, whatever happened */
    lt_table_free(&t);
    ck_assert_int_eq(nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS), 0);
}
END_TEST

static Suite *checkpoint_suite(void)
{
    Suite *s = suite_create("checkpoint");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_checkpoint_final_write_round_trips);
    tcase_add_test(tc, test_checkpoint_each_interval_writes_a_new_snapshot);
    tcase_add_test(tc, test_checkpoint_skips_ticks_while_a_write_is_in_flight);
    tcase_add_test(tc, test_checkpoint_close_lets_the_write_in_flight_finish);
    tcase_add_test(tc, test_checkpoint_target_is_a_directory);
    tcase_add_test(tc, test_checkpoint_unwritable_directory_keeps_the_old_file);
    tcase_add_test(tc, test_checkpoint_full_disk_keeps_the_old_file);
    tcase_add_test(tc, test_checkpoint_readers_always_find_a_whole_file);
    tcase_add_loop_test(tc, test_checkpoint_restore_outcomes, 0,
                        (int)(sizeof(restore_rows) / sizeof(restore_rows[0])));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* One threadpool thread, so that a blocker holds every write queued behind it. Set before
     * any uv_queue_work: the pool reads it once, when it starts. */
    setenv("UV_THREADPOOL_SIZE", "1", 1);
    lt_alloc_install();
    return run_suite(checkpoint_suite());
}
