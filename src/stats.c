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

int lt_stats_http_code_index(int status)
{
    switch (status) {
#define LT_HTTP_CODE_CASE(code)                                                                   \
    case code:                                                                                    \
        return LT_HTTP_CODE_##code;
        LT_HTTP_CODE_MAP(LT_HTTP_CODE_CASE)
#undef LT_HTTP_CODE_CASE
    default:
        return LT_HTTP_CODE_OTHER;
    }
}

const char *lt_stats_http_code_name(int index)
{
    static const char *const names[] = {
#define LT_HTTP_CODE_NAME(code) #code,
        LT_HTTP_CODE_MAP(LT_HTTP_CODE_NAME)
#undef LT_HTTP_CODE_NAME
        "other",
    };
    return index >= 0 && index < LT_HTTP_CODE_COUNT ? names[index] : "other";
}
