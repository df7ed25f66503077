/* SPDX-License-Identifier: MIT */
/* Daemon-wide counters: zeroing and the sums that several renderers need. */
#include "lt_stats.h"

#include <string.h>

void lt_stats_init(lt_stats_t *s)
{
    /* Atomic objects of static layout: zero bytes are a valid zero value on every target
     * logtally supports (lock-free 64-bit atomics). */
    memset(s, 0, sizeof(*s));
}

uint64_t lt_stats_rejected_total(const lt_stats_t *s)
{
    uint64_t sum = 0;
    for (int t = 0; t < LT_TRANSPORT_COUNT; t++)
        for (int r = 0; r < LT_REJECT_COUNT; r++)
            sum += lt_counter_get(&s->rejected[t][r]);
    return sum;
}
