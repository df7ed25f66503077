/* SPDX-License-Identifier: MIT */
/* The parser entry point: picks JSON or syslog from the first byte that is not blank, and the
 * helpers both parsers share (RFC 3339 times, civil dates, UTF-8 well-formedness). Pure code:
 * no I/O, no allocation, no locks. */
#include "lt_parse.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int lt_parse_message(const char *p, size_t n, int64_t now_s, lt_event_t *ev)
{
    size_t i = 0;

    /* Some Windows forwarders and HTTP clients put a BOM before the first byte. */
    if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        i = 3;
    while (i < n && is_blank(p[i]))
        i++;
    if (i < n && p[i] == '{')
        return lt_json_parse(p + i, n - i, ev);
    return lt_syslog_parse(p + i, n - i, now_s, ev);
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): pure
 * arithmetic, where timegm() may take the libc time zone lock on the hot path. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t lt_parse_utc_ms(int year, int month, int day, int hour, int min, int sec, int ms)
{
    int64_t days = days_from_civil(year, month, day);
    return ((days * 24 + hour) * 60 + min) * 60000 + (int64_t)sec * 1000 + ms;
}

/* Reads exactly `digits` decimal digits at p[*i]; returns the value or -1. */
static int read_digits(const char *p, size_t n, size_t *i, int digits)
{
    int v = 0;
    if (n - *i < (size_t)digits)
        return -1;
    for (int k = 0; k < digits; k++) {
        char c = p[*i + (size_t)k];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)digits;
    return v;
}

static bool expect(const char *p, size_t n, size_t *i, char c)
{
    if (*i >= n || p[*i] != c)
        return false;
    (*i)++;
    return true;
}

/* RFC 3339 up to the minute, "YYYY-MM-DDTHH:MM": the bytes a stamp shares with the ones
 * before and after it in a busy log. */
#define MINUTE_PREFIX 16

/* The last minute prefix this thread parsed, and its time. Stamps come nearly in order, so
 * most repeat the previous prefix, and the date checks and day arithmetic then run once a
 * minute rather than once a message. Per thread, so workers never share or lock it. */
static _Thread_local struct {
    bool is_set;
    char prefix[MINUTE_PREFIX];
    int64_t minute_ms;
} last_minute;

/* Reads "YYYY-MM-DDTHH:MM" at p and sets *minute_ms to its time (UTC, before any offset). */
static int parse_minute(const char *p, size_t n, size_t *i, int64_t *minute_ms)
{
    int year, month, day, hour, min;

    year = read_digits(p, n, i, 4);
    if (year < 0 || !expect(p, n, i, '-'))
        return -EINVAL;
    month = read_digits(p, n, i, 2);
    if (month < 1 || month > 12 || !expect(p, n, i, '-'))
        return -EINVAL;
    day = read_digits(p, n, i, 2);
    if (day < 1 || day > days_in_month(year, month))
        return -EINVAL;
    /* RFC 3339 5.6 allows a lowercase "t"; its note allows a space, which Python and SQL
     * write. */
    if (*i >= n || (p[*i] != 'T' && p[*i] != 't' && p[*i] != ' '))
        return -EINVAL;
    (*i)++;
    hour = read_digits(p, n, i, 2);
    if (hour < 0 || hour > 23 || !expect(p, n, i, ':'))
        return -EINVAL;
    min = read_digits(p, n, i, 2);
    if (min < 0 || min > 59)
        return -EINVAL;
    *minute_ms = lt_parse_utc_ms(year, month, day, hour, min, 0, 0);
    return 0;
}

int lt_parse_rfc3339(const char *p, size_t n, int64_t *ms)
{
    size_t i = 0;
    int sec, frac_ms = 0, off_min = 0;
    int64_t minute_ms;

    if (n >= MINUTE_PREFIX && last_minute.is_set &&
        memcmp(p, last_minute.prefix, MINUTE_PREFIX) == 0) {
        i = MINUTE_PREFIX;
        minute_ms = last_minute.minute_ms;
    } else {
        if (parse_minute(p, n, &i, &minute_ms) != 0)
            return -EINVAL;
        memcpy(last_minute.prefix, p, MINUTE_PREFIX); /* i == MINUTE_PREFIX <= n here */
        last_minute.minute_ms = minute_ms;
        last_minute.is_set = true;
    }
    if (!expect(p, n, &i, ':'))
        return -EINVAL;
    sec = read_digits(p, n, &i, 2);
    if (sec < 0 || sec > 60) /* 60: a leap second, counted into the next minute */
        return -EINVAL;
    if (i < n && p[i] == '.') {
        size_t start = ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9') {
            if (i - start < 3)
                frac_ms = frac_ms * 10 + (p[i] - '0');
            i++;
        }
        if (i == start)
            return -EINVAL;
        for (size_t k = i - start; k < 3; k++)
            frac_ms *= 10;
    }
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
        i++;
    } else if (i < n && (p[i] == '+' || p[i] == '-')) {
        int sign = p[i++] == '-' ? -1 : 1;
        int oh = read_digits(p, n, &i, 2);
        if (oh < 0 || oh > 23)
            return -EINVAL;
        expect(p, n, &i, ':'); /* "+0100" is common enough to accept */
        int om = read_digits(p, n, &i, 2);
        if (om < 0 || om > 59)
            return -EINVAL;
        off_min = sign * (oh * 60 + om);
    }
    if (i != n)
        return -EINVAL;
    *ms = minute_ms + (int64_t)sec * 1000 + frac_ms - (int64_t)off_min * 60000;
    return 0;
}

size_t lt_parse_utf8_seq(const char *p, size_t n, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)p;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    size_t len;

    if (s[0] < 0x80)
        return 1;
    /* Unicode 15, table 3-7: the second byte's range depends on the first; that is what
     * excludes overlong forms, surrogates and values past U+10FFFF. */
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        if (s[0] == 0xE0)
            lo = 0xA0;
        else if (s[0] == 0xED)
            hi = 0x9F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        if (s[0] == 0xF0)
            lo = 0x90;
        else if (s[0] == 0xF4)
            hi = 0x8F;
    } else {
        *bad = 0;
        return 0;
    }
    for (size_t k = 1; k < len; k++) {
        if (k >= n) {
            *bad = n;
            return 0;
        }
        if (s[k] < lo || s[k] > hi) {
            *bad = k;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return len;
}
