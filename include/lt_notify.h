/* SPDX-License-Identifier: MIT */
/* Messages to the service manager (sd_notify): readiness, a status line, reload and stop
 * markers, and watchdog pings. Every call is a no-op when the daemon was built without
 * libsystemd or was not started by systemd (no NOTIFY_SOCKET), so callers never check. */
#ifndef LT_NOTIFY_H
#define LT_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* True when the build has libsystemd (sd_notify and socket activation are compiled in). */
bool lt_notify_is_supported(void);

/* READY=1: every listener is bound and the daemon serves. */
void lt_notify_ready(void);

/* STATUS=<line>: one line for `systemctl status`. */
void lt_notify_status(const char *line);

/* RELOADING=1 (with MONOTONIC_USEC) before a reload; lt_notify_ready() ends it. */
void lt_notify_reloading(void);

/* STOPPING=1: shutdown has begun. */
void lt_notify_stopping(void);

/* WATCHDOG=1: the daemon is healthy; systemd restarts it if pings stop for WatchdogSec. */
void lt_notify_watchdog(void);

/* The watchdog interval systemd asked for (WATCHDOG_USEC, and WATCHDOG_PID naming this
 * process when set), in microseconds; 0 when the watchdog is off. */
uint64_t lt_notify_watchdog_usec(void);

#endif
