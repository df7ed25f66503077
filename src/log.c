/* SPDX-License-Identifier: MIT */
/* Diagnostics to stderr, one line per call. When stderr is the journal stream systemd set up
 * (JOURNAL_STREAM names its device and inode) each line starts with a <N> priority prefix
 * that journald turns into the entry's priority. */
#include "lt_log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static lt_log_sink_cb sink_cb;
static void *sink_arg;

void lt_log_set_sink(lt_log_sink_cb cb, void *arg)
{
    pthread_mutex_lock(&sink_lock);
    sink_cb = cb;
    sink_arg = arg;
    pthread_mutex_unlock(&sink_lock);
}

/* sd_journal_stream_fd(3): JOURNAL_STREAM is "DEV:INODE" of the journal's stream; a stderr
 * redirected elsewhere by a script keeps the variable but is not the journal, so compare. */
static bool stderr_is_journal(void)
{
    const char *v = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (v == NULL || sscanf(v, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) != 0)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void lt_log(int prio, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);

    /* One lock keeps lines from different threads whole. */
    pthread_mutex_lock(&sink_lock);
    if (sink_cb != NULL)
        sink_cb(sink_arg, prio, line);
    else if (stderr_is_journal())
        fprintf(stderr, "<%d>%s\n", prio, line);
    else
        fprintf(stderr, "logtallyd: %s\n", line);
    pthread_mutex_unlock(&sink_lock);
}

const char *lt_strerror(int err)
{
    /* libuv's codes are negated errno values on Unix, so uv_strerror covers both. */
    return uv_strerror(err);
}
