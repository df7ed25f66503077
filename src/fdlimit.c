/* SPDX-License-Identifier: MIT */
/* The file-descriptor guard of the listeners (see lt_fdlimit.h): a limit check per accepted
 * connection, and reports (of those closings, and of failed accepts) that one compare-and-swap
 * per second keeps to one line a second. */
#include "lt_fdlimit.h"

#include <sys/resource.h>
#include <uv.h>

#include "lt_log.h"

bool lt_fdlimit_is_near(int fd, int reserve)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return false;
    return (rlim_t)fd + (rlim_t)reserve >= rl.rlim_cur;
}

/* True for the one caller per second that writes the line; sets *more to the calls left
 * unreported since the previous line. */
static bool is_reporter(lt_fdlimit_log_t *log, int64_t now_s, uint64_t *more)
{
    int64_t last = atomic_load_explicit(&log->last_log_s, memory_order_relaxed);
    /* One thread per second wins the swap and writes the line; the others only count. */
    if (last == now_s
        || !atomic_compare_exchange_strong_explicit(&log->last_log_s, &last, now_s,
                                                    memory_order_relaxed, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&log->suppressed, 1, memory_order_relaxed);
        return false;
    }
    *more = atomic_exchange_explicit(&log->suppressed, 0, memory_order_relaxed);
    return true;
}

void lt_fdlimit_report(lt_fdlimit_log_t *log, const char *transport, int fd, int reserve,
                       int64_t now_s)
{
    uint64_t more;
    if (!is_reporter(log, now_s, &more))
        return;
    struct rlimit rl = {0, 0};
    getrlimit(RLIMIT_NOFILE, &rl);
    lt_log(LT_LOG_WARNING,
           "%s: connection closed: descriptor %d is within %d of the open files limit %llu "
           "(%llu more closed since the last report)",
           transport, fd, reserve, (unsigned long long)rl.rlim_cur,
           (unsigned long long)more);
}

void lt_fdlimit_report_error(lt_fdlimit_log_t *log, const char *transport, int err,
                             int64_t now_s)
{
    uint64_t more;
    if (!is_reporter(log, now_s, &more))
        return;
    lt_log(LT_LOG_WARNING, "%s: accept failed: %s (%llu more failures since the last report)",
           transport, uv_strerror(err), (unsigned long long)more);
}
