/* SPDX-License-Identifier: MIT */
/* A short scheduler slice for the calling thread. Since Linux 6.12 the fair scheduler (EEVDF)
 * takes a per-thread slice request (sched_attr.sched_runtime for SCHED_OTHER, 0.1-100 ms): a
 * thread with a short slice gets an earlier deadline, so when it wakes it runs ahead of
 * threads that use their whole, longer slices. The HTTP thread asks for one, so that a scrape
 * is answered while the ingest workers keep every core busy; its share of the CPU is the same
 * (the weight, from nice, is unchanged), it only waits less. */
#ifndef LT_SLICE_H
#define LT_SLICE_H

#include <stdint.h>

#define LT_SLICE_HTTP_US 100 /* the HTTP thread's request: the kernel's shortest */

/* Asks for a slice of slice_us microseconds for the calling thread, keeping its policy and
 * nice value. Returns 0 when the kernel reports that slice back, -ENOTSUP when the kernel
 * took the call but has no per-thread slices (before 6.12), or -errno (EPERM under a system
 * call filter, ENOSYS). Threads the caller creates afterwards inherit the slice. */
int lt_slice_request(uint32_t slice_us);

/* The calling thread's slice in microseconds as the kernel reports it (0 when the kernel has
 * no per-thread slices), or -errno. */
int64_t lt_slice_current_us(void);

#endif
