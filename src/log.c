/* SPDX-License-Identifier: MIT */
/* Diagnostics to stderr, one line per call. Under systemd (JOURNAL_STREAM set) each line
 * starts with a <N> priority prefix that journald turns into the entry's priority. */
#include "lt_log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    else if (getenv("JOURNAL_STREAM") != NULL)
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
