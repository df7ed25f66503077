/* SPDX-License-Identifier: MIT */
/* Level and facility names, and the mapping from what senders write (strings in any case,
 * numbers in several schemes) to the nine levels. Everything is expanded from the X-macros of
 * lt_level.h, so adding a string there is the whole change. */
#include "lt_level.h"

#include <string.h>

static const char *const level_names[] = {
#define NAME(e, s) s,
    LT_LEVEL_MAP(NAME)
#undef NAME
};

static const struct {
    const char *s;
    unsigned char len;
    unsigned char level;
} aliases[] = {
#define ALIAS(e, s) {s, sizeof(s) - 1, LT_LEVEL_##e},
    LT_LEVEL_ALIAS_MAP(ALIAS)
#undef ALIAS
};

static const char *const facility_names[LT_FACILITY_COUNT] = {
#define NAME(num, s) [num] = s,
    LT_FACILITY_MAP(NAME)
#undef NAME
};

const char *lt_level_name(lt_level_t level)
{
    return (unsigned)level < LT_LEVEL_COUNT ? level_names[level] : "?";
}

int lt_level_parse(const char *p, size_t n)
{
    for (int i = 0; i < LT_LEVEL_COUNT; i++)
        if (strlen(level_names[i]) == n && memcmp(level_names[i], p, n) == 0)
            return i;
    return -1;
}

lt_level_t lt_level_from_string(const char *p, size_t n)
{
    char lower[LT_LEVEL_ALIAS_MAX_LEN];

    /* Folding into a stack buffer keeps this allocation-free; nothing longer than the
     * longest alias can match, so long inputs stop here. */
    if (n == 0 || n > sizeof(lower))
        return LT_LEVEL_UNKNOWN;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (aliases[i].len == n && memcmp(aliases[i].s, lower, n) == 0)
            return (lt_level_t)aliases[i].level;
    return LT_LEVEL_UNKNOWN;
}

lt_level_t lt_level_from_severity(int severity)
{
    /* The level enum is in syslog severity order, so the severity is the index. */
    return (severity >= 0 && severity <= 7) ? (lt_level_t)severity : LT_LEVEL_UNKNOWN;
}

lt_level_t lt_level_from_number(lt_level_scheme_t scheme, int64_t value)
{
    switch (scheme) {
    case LT_LEVEL_NUM_SYSLOG:
        return (value >= 0 && value <= 7) ? (lt_level_t)value : LT_LEVEL_UNKNOWN;
    case LT_LEVEL_NUM_PINO:
        switch (value) {
        case 10: /* trace */
        case 20:
            return LT_LEVEL_DEBUG;
        case 30:
            return LT_LEVEL_INFO;
        case 40:
            return LT_LEVEL_WARNING;
        case 50:
            return LT_LEVEL_ERR;
        case 60:
            return LT_LEVEL_CRIT; /* fatal */
        default:
            return LT_LEVEL_UNKNOWN;
        }
    case LT_LEVEL_NUM_PYTHON:
        switch (value) {
        case 10:
            return LT_LEVEL_DEBUG;
        case 20:
            return LT_LEVEL_INFO;
        case 30:
            return LT_LEVEL_WARNING;
        case 40:
            return LT_LEVEL_ERR;
        case 50:
            return LT_LEVEL_CRIT;
        default:
            return LT_LEVEL_UNKNOWN;
        }
    case LT_LEVEL_NUM_OTEL:
        /* OpenTelemetry logs data model: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16,
         * ERROR 17-20, FATAL 21-24. */
        if (value >= 1 && value <= 8)
            return LT_LEVEL_DEBUG;
        if (value >= 9 && value <= 12)
            return LT_LEVEL_INFO;
        if (value >= 13 && value <= 16)
            return LT_LEVEL_WARNING;
        if (value >= 17 && value <= 20)
            return LT_LEVEL_ERR;
        if (value >= 21 && value <= 24)
            return LT_LEVEL_CRIT;
        return LT_LEVEL_UNKNOWN;
    }
    return LT_LEVEL_UNKNOWN;
}

const char *lt_facility_name(int facility)
{
    return (facility >= 0 && facility < LT_FACILITY_COUNT) ? facility_names[facility] : NULL;
}
