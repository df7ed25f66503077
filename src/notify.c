/* SPDX-License-Identifier: MIT */
/* sd_notify messages through libsystemd when configure found it; otherwise each function
 * compiles to nothing, so the daemon runs the same under any init or none. */
#include "config.h"

#include "lt_notify.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#include <time.h>

bool lt_notify_is_supported(void)
{
    return true;
}

void lt_notify_ready(void)
{
    sd_notify(0, "READY=1");
}

void lt_notify_status(const char *line)
{
    sd_notifyf(0, "STATUS=%s", line);
}

void lt_notify_reloading(void)
{
    /* systemd 253's Type=notify-reload wants the monotonic time of the reload request;
     * older managers ignore the field. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
               (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000);
}

void lt_notify_stopping(void)
{
    sd_notify(0, "STOPPING=1");
}

void lt_notify_watchdog(void)
{
    sd_notify(0, "WATCHDOG=1");
}

uint64_t lt_notify_watchdog_usec(void)
{
    uint64_t usec = 0;
    return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

#else

bool lt_notify_is_supported(void)
{
    return false;
}

void lt_notify_ready(void) {}
void lt_notify_status(const char *line) {}
void lt_notify_reloading(void) {}
void lt_notify_stopping(void) {}
void lt_notify_watchdog(void) {}

uint64_t lt_notify_watchdog_usec(void)
{
    return 0;
}

#endif
