/* SPDX-License-Identifier: MIT */
/* The process's diagnostics: one line per call on stderr, with a syslog-style <N> prefix
 * when stderr is connected to journald. The sink is the only global mutable state. */
#ifndef LT_LOG_H
#define LT_LOG_H

#include <stdarg.h>

enum {
    LT_LOG_ERR = 3,
    LT_LOG_WARNING = 4,
    LT_LOG_NOTICE = 5,
    LT_LOG_INFO = 6,
    LT_LOG_DEBUG = 7,
};

/* Receives each formatted line (without trailing newline). */
typedef void (*lt_log_sink_cb)(void *arg, int prio, const char *line);

/* Writes one line at priority prio (LT_LOG_*). Thread-safe. */
void lt_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Replaces the sink (NULL restores stderr). Tests use this to capture messages. */
void lt_log_set_sink(lt_log_sink_cb cb, void *arg);

/* Message for a negative errno-style code (libuv's UV_E* pass through). */
const char *lt_strerror(int err);

#endif
