/* SPDX-License-Identifier: MIT */
/* Keeps accepting connections from running the process out of file descriptors. When
 * accept(2) fails with EMFILE, libuv quietly accepts and closes every waiting connection with
 * a spare descriptor, so nothing would count or report them. Instead each listener closes at
 * once any connection it accepted onto a descriptor too close to RLIMIT_NOFILE, counts it,
 * and reports it here at most once a second; accepting resumes by itself when descriptors free
 * up. Ingest stops LT_FDLIMIT_RESERVE_INGEST short of the limit and HTTP
 * LT_FDLIMIT_RESERVE_HTTP short, so /metrics still answers while ingest is at its limit, and
 * the last few stay for files and libuv's own spare. */
#ifndef LT_FDLIMIT_H
#define LT_FDLIMIT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define LT_FDLIMIT_RESERVE_INGEST 16
#define LT_FDLIMIT_RESERVE_HTTP 8

/* Rate limit of the report, shared by every thread that accepts. Zero-initialised. */
typedef struct {
    _Atomic int64_t last_log_s;  /* second of the last report line */
    _Atomic uint64_t suppressed; /* refusals since then, not yet reported */
} lt_fdlimit_log_t;

/* True when fd lies within reserve of the soft RLIMIT_NOFILE (descriptors are allocated
 * lowest first, so fd is at least the number open). Reads the limit each call: a `prlimit` on
 * the running process takes effect at once. */
bool lt_fdlimit_is_near(int fd, int reserve);

/* Reports one connection closed for that reason (fd within reserve) on transport ("tcp",
 * "http"): a warning line at most once per second (now_s) across all threads, with the number
 * left unreported since the previous line. Thread-safe. */
void lt_fdlimit_report(lt_fdlimit_log_t *log, const char *transport, int fd, int reserve,
                       int64_t now_s);

/* Reports one failed accept (err, a negative UV_E* code such as UV_EMFILE or UV_ENFILE that
 * libuv passed to a connection callback) on transport: a warning line at most once per second
 * (now_s) across all threads sharing log, with the number left unreported since the previous
 * line. Thread-safe. */
void lt_fdlimit_report_error(lt_fdlimit_log_t *log, const char *transport, int err,
                             int64_t now_s);

#endif
