/* SPDX-License-Identifier: MIT */
/* Names of the transports and rejection reasons, expanded from their X-macros. */
#include "lt_event.h"

#include <string.h>

static const char *const transport_names[] = {
#define NAME(e, s) s,
    LT_TRANSPORT_MAP(NAME)
#undef NAME
};

static const char *const reject_names[] = {
#define NAME(e, s, h) s,
    LT_REJECT_MAP(NAME)
#undef NAME
};

static const char *const reject_helps[] = {
#define HELP(e, s, h) h,
    LT_REJECT_MAP(HELP)
#undef HELP
};

const char *lt_transport_name(lt_transport_t t)
{
    return (unsigned)t < LT_TRANSPORT_COUNT ? transport_names[t] : "?";
}

int lt_transport_parse(const char *p, size_t n)
{
    for (int i = 0; i < LT_TRANSPORT_COUNT; i++)
        if (strlen(transport_names[i]) == n && memcmp(transport_names[i], p, n) == 0)
            return i;
    return -1;
}

const char *lt_reject_name(lt_reject_t r)
{
    return (unsigned)r < LT_REJECT_COUNT ? reject_names[r] : "?";
}

const char *lt_reject_help(lt_reject_t r)
{
    return (unsigned)r < LT_REJECT_COUNT ? reject_helps[r] : "?";
}
