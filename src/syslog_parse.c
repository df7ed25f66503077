/* SPDX-License-Identifier: MIT */
/* Syslog messages to events: RFC 5424, RFC 3164 as real senders write it (logger, rsyslog,
 * syslog-ng, Cisco, appliances) and plain text. The rule is that a valid PRI is never lost:
 * whatever follows it, the event counts under the PRI's level, and the header fields are
 * filled as far as they can be told. Fields are slices of the input; no I/O, no allocation. */
#include "lt_parse.h"
#include "swar.h"

#include <stdbool.h>

#define PLAIN_FACILITY  1 /* RFC 3164 4.3.3: a message without PRI is user.notice */
#define FUTURE_SLACK_MS (31LL * 86400 * 1000)

static lt_slice_t slice(const char *p, size_t from, size_t to)
{
    return (lt_slice_t){p + from, to - from};
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One pass over the bytes: text is well-formed UTF-8 without C0 controls other than TAB, LF
 * and CR (octet-counted frames legitimately carry multi-line messages such as stack traces). */
static bool is_text(const char *p, size_t n)
{
    size_t i = 0, bad;

    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x80) {
            i++;
        } else if (c < 0x20) {
            if (c != '\t' && c != '\n' && c != '\r')
                return false;
            i++;
        } else {
            size_t len = lt_parse_utf8_seq(p + i, n - i, &bad);
            if (len == 0)
                return false;
            i += len;
        }
    }
    return true;
}

/* RFC 5424 6.2.1, RFC 3164 4.1.1: "<" 1-3 digits ">", 0-191, no leading zero unless the value
 * is 0. Returns the PRI and sets *len to the bytes through '>', or returns -1. */
static int parse_pri(const char *p, size_t n, size_t *len)
{
    size_t i = 1;
    int v = 0;

    if (n < 3 || p[0] != '<')
        return -1;
    while (i < n && i <= 3 && is_digit(p[i]))
        v = v * 10 + (p[i++] - '0');
    if (i == 1 || i >= n || p[i] != '>' || (p[1] == '0' && i > 2) || v > 191)
        return -1;
    *len = i + 1;
    return v;
}

static bool is_leap(int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static bool valid_day(int64_t year, int month, int day)
{
    static const unsigned char days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && day == 29)
        return year < 0 || is_leap(year); /* year < 0: not known yet */
    return day >= 1 && day <= days[month - 1];
}

/* The calendar year of a time in seconds since the epoch (H. Hinnant's civil_from_days). */
static int64_t year_of(int64_t s)
{
    int64_t z = (s >= 0 ? s : s - 86399) / 86400 + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10); /* months Jan and Feb belong to the next year */
}

/* A BSD stamp has no year: take the latest year that puts it no more than a month after
 * now (clocks drift, and a stamp from late December read in January is last year's). Walking
 * back up to eight years always finds a leap year for "Feb 29". */
static int64_t bsd_year_ms(int month, int day, int hour, int min, int sec, int ms, int64_t now_s)
{
    int64_t now_year = year_of(now_s);
    int64_t limit = now_s * 1000 + FUTURE_SLACK_MS;

    for (int64_t y = now_year + 1; y >= now_year - 8; y--) {
        if (!valid_day(y, month, day))
            continue;
        int64_t t = lt_parse_utc_ms((int)y, month, day, hour, min, sec, ms);
        if (t <= limit)
            return t;
    }
    return LT_TIME_NONE;
}

/* The last BSD minute this thread resolved to a year. The year search above costs more than
 * the rest of a message's parse, and stamps come nearly in order, so it runs once a minute
 * (and once a second of now_s) rather than once a message. Per thread, never shared. */
static _Thread_local struct {
    bool is_set;
    int64_t now_s;
    int month, day, hour, min;
    int64_t minute_ms;
} last_bsd_minute;

/* bsd_year_ms through the cache. A minute is cached only when its first and its last
 * millisecond land in the same year: the search picks a later year only for times at most
 * now + FUTURE_SLACK_MS, so every time between those two then lands in that year too. */
static int64_t bsd_time_ms(int month, int day, int hour, int min, int sec, int ms, int64_t now_s)
{
    if (last_bsd_minute.is_set && last_bsd_minute.now_s == now_s &&
        last_bsd_minute.month == month && last_bsd_minute.day == day &&
        last_bsd_minute.hour == hour && last_bsd_minute.min == min)
        return last_bsd_minute.minute_ms + (int64_t)sec * 1000 + ms;

    int64_t first = bsd_year_ms(month, day, hour, min, 0, 0, now_s);
    int64_t last = bsd_year_ms(month, day, hour, min, 60, 999, now_s);
    if (first == LT_TIME_NONE || last != first + 60999) /* the minute straddles a year change */
        return bsd_year_ms(month, day, hour, min, sec, ms, now_s);
    last_bsd_minute.is_set = true;
    last_bsd_minute.now_s = now_s;
    last_bsd_minute.month = month;
    last_bsd_minute.day = day;
    last_bsd_minute.hour = hour;
    last_bsd_minute.min = min;
    last_bsd_minute.minute_ms = first;
    return first + (int64_t)sec * 1000 + ms;
}

/* The text of the last plain "Mmm dd hh:mm" this thread resolved through the minute cache
 * above. Most stamps repeat their minute's twelve bytes, and comparing those is cheaper than
 * reading a month name, day, hour and minute again. Per thread, never shared. */
static _Thread_local struct {
    bool is_set;
    int64_t now_s;
    char text[12];
    int64_t minute_ms;
} last_bsd_text;

/* A plain "Mmm dd hh:mm:ss" at p[i] whose first twelve bytes are the remembered ones, under
 * the same now_s: only the seconds and what follows them are left to check. */
static bool bsd_stamp_seen(const char *p, size_t n, size_t i, int64_t now_s, size_t *end,
                           int64_t *ms)
{
    if (!last_bsd_text.is_set || last_bsd_text.now_s != now_s || n - i < 15 ||
        memcmp(p + i, last_bsd_text.text, sizeof(last_bsd_text.text)) != 0 || p[i + 12] != ':' ||
        !is_digit(p[i + 13]) || !is_digit(p[i + 14]))
        return false;
    int sec = (p[i + 13] - '0') * 10 + (p[i + 14] - '0');
    size_t e = i + 15;
    if (sec > 60 || (e < n && p[e] != ' ' && p[e] != ':')) /* a fraction takes the long way */
        return false;
    *ms = last_bsd_text.minute_ms + (int64_t)sec * 1000;
    *end = e;
    return true;
}

/* Remembers the twelve bytes at p when the minute cache now holds their minute (it does not
 * for a minute that straddles a year change). */
static void remember_bsd_text(const char *p, int64_t now_s, int month, int day, int hour, int min)
{
    if (!last_bsd_minute.is_set || last_bsd_minute.now_s != now_s ||
        last_bsd_minute.month != month || last_bsd_minute.day != day ||
        last_bsd_minute.hour != hour || last_bsd_minute.min != min)
        return;
    memcpy(last_bsd_text.text, p, sizeof(last_bsd_text.text));
    last_bsd_text.now_s = now_s;
    last_bsd_text.minute_ms = last_bsd_minute.minute_ms;
    last_bsd_text.is_set = true;
}

/* Reads 1 to max digits at p[*i]; returns the value, or -1 when there is no digit. */
static int read_number(const char *p, size_t n, size_t *i, size_t max)
{
    size_t start = *i;
    int v = 0;

    while (*i < n && *i - start < max && is_digit(p[*i]))
        v = v * 10 + (p[(*i)++] - '0');
    return *i == start ? -1 : v;
}

static bool read_2digits(const char *p, size_t n, size_t *i, int *v)
{
    if (n - *i < 2 || !is_digit(p[*i]) || !is_digit(p[*i + 1]))
        return false;
    *v = (p[*i] - '0') * 10 + (p[*i + 1] - '0');
    *i += 2;
    return true;
}

/* The month of a three-letter English name in any case, or -1. The letters are folded to
 * lower case and packed into one word, so a name is told with at most 12 integer compares. */
static int month_of(const char *p)
{
#define MONTH(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))
    static const uint32_t names[12] = {
        MONTH('j', 'a', 'n'), MONTH('f', 'e', 'b'), MONTH('m', 'a', 'r'), MONTH('a', 'p', 'r'),
        MONTH('m', 'a', 'y'), MONTH('j', 'u', 'n'), MONTH('j', 'u', 'l'), MONTH('a', 'u', 'g'),
        MONTH('s', 'e', 'p'), MONTH('o', 'c', 't'), MONTH('n', 'o', 'v'), MONTH('d', 'e', 'c'),
    };
    unsigned char a = (unsigned char)p[0], b = (unsigned char)p[1], c = (unsigned char)p[2];
    if (!is_letter(a) || !is_letter(b) || !is_letter(c))
        return -1;
    uint32_t m = MONTH(a | 0x20, b | 0x20, c | 0x20); /* ASCII letters: | 0x20 lowers them */
#undef MONTH
    for (int k = 0; k < 12; k++)
        if (names[k] == m)
            return k + 1;
    return -1;
}

/* RFC 3164 4.1.2 "Mmm dd hh:mm:ss" (day space-padded; a single space or a zero pad is
 * accepted too), plus what appliances add: a year before the time ("Oct 11 2026 22:14:15",
 * Cisco ASA) and a fraction after it ("22:14:15.123", Cisco IOS "service timestamps msec").
 * It must end at the end of input, a space or a ':'. Sets *end past the stamp. */
static bool parse_bsd_stamp(const char *p, size_t n, size_t i, int64_t now_s, size_t *end,
                            int64_t *ms)
{
    int month, day, year = -1, hour, min, sec, frac = 0;
    size_t start = i;

    if (bsd_stamp_seen(p, n, i, now_s, end, ms))
        return true;
    if (n - i < 15 || p[i + 3] != ' ' || (month = month_of(p + i)) < 0)
        return false;
    i += 4;
    if (p[i] == ' ')
        i++;
    if ((day = read_number(p, n, &i, 2)) < 1 || day > 31 || i >= n || p[i] != ' ')
        return false;
    i++;
    if (n - i >= 5 && is_digit(p[i]) && is_digit(p[i + 1]) && is_digit(p[i + 2]) &&
        is_digit(p[i + 3]) && p[i + 4] == ' ') {
        year = read_number(p, n, &i, 4);
        i++;
    }
    if (!read_2digits(p, n, &i, &hour) || hour > 23 || i >= n || p[i++] != ':' ||
        !read_2digits(p, n, &i, &min) || min > 59 || i >= n || p[i++] != ':' ||
        !read_2digits(p, n, &i, &sec) || sec > 60)
        return false;
    if (i < n && p[i] == '.') {
        size_t digits = ++i;
        while (i < n && is_digit(p[i])) {
            if (i - digits < 3)
                frac = frac * 10 + (p[i] - '0');
            i++;
        }
        if (i == digits)
            return false;
        for (size_t k = i - digits; k < 3; k++)
            frac *= 10;
    }
    if ((i < n && p[i] != ' ' && p[i] != ':') || !valid_day(year, month, day))
        return false;
    if (year >= 0) {
        *ms = lt_parse_utc_ms(year, month, day, hour, min, sec, frac);
    } else {
        *ms = bsd_time_ms(month, day, hour, min, sec, frac, now_s);
        if (i == start + 15) /* "Mmm dd hh:mm:ss", nothing left out, nothing added */
            remember_bsd_text(p + start, now_s, month, day, hour, min);
    }
    *end = i;
    return true;
}

/* An RFC 3339 stamp in place of the BSD one (rsyslog RSYSLOG_ForwardFormat, loggen, and
 * rsyslog's own files); a ':' right after it is left for the caller, as for BSD stamps. */
static bool parse_3339_stamp(const char *p, size_t n, size_t i, size_t *end, int64_t *ms)
{
    size_t e = i;

    if (n - i < 19 || !is_digit(p[i]) || p[i + 4] != '-')
        return false;
    while (e < n && p[e] != ' ')
        e++;
    if (lt_parse_rfc3339(p + i, e - i, ms) == 0) {
        *end = e;
        return true;
    }
    if (p[e - 1] == ':' && lt_parse_rfc3339(p + i, e - 1 - i, ms) == 0) {
        *end = e - 1;
        return true;
    }
    return false;
}

static size_t token_end(const char *p, size_t n, size_t i)
{
    return lt_swar_find(p, n, i, ' ');
}

/* A TAG as senders write it: "name:", "name[pid]:" or "name[pid]" (RFC 3164 5.3; the name
 * may hold '/', '.', '-', '%' as in "postfix/smtpd[123]:" or Cisco's "%SYS-5-CONFIG_I:").
 * A trailing ':' or a [pid] is what tells a tag from a hostname. */
static bool split_tag(const char *p, size_t s, size_t e, lt_event_t *ev)
{
    bool has_colon = false;

    if (e > s && p[e - 1] == ':') {
        e--;
        has_colon = true;
    }
    if (e > s && p[e - 1] == ']') {
        size_t b = s;
        while (b < e - 1 && p[b] != '[')
            b++;
        if (b > s && b < e - 1) {
            ev->app = slice(p, s, b);
            ev->procid = slice(p, b + 1, e - 1);
            return true;
        }
    }
    if (!has_colon || e == s)
        return false;
    ev->app = slice(p, s, e);
    return true;
}

/* rsyslog takes a word after the hostname as the tag even without ':'; only a plausible tag
 * (RFC 3164 4.1.3: up to 32 alphanumerics; '/', '.', '-', '_' are common) is taken, so a
 * key=value body is not mistaken for one. */
static bool is_bare_tag(const char *p, size_t s, size_t e)
{
    if (e == s || e - s > 32)
        return false;
    for (size_t i = s; i < e; i++) {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '/' ||
              c == '.' || c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* Skips the one space between a tag and its message. */
static size_t after_token(const char *p, size_t n, size_t e)
{
    return (e < n && p[e] == ' ') ? e + 1 : e;
}

/* A timestamp at p[i], BSD or RFC 3339, after Cisco's clock mark: '*' (never synchronised)
 * or '.' (synchronisation lost). Fills ev->timestamp and ev->time_ms and sets *after past
 * the stamp and the ':' Cisco puts after it ("18:46:11.123: %SYS-..."). */
static bool read_stamp(const char *p, size_t n, size_t i, int64_t now_s, lt_event_t *ev,
                       size_t *after)
{
    size_t end;
    int64_t ms;

    if (i < n && (p[i] == '*' || p[i] == '.'))
        i++;
    if (!parse_bsd_stamp(p, n, i, now_s, &end, &ms) && !parse_3339_stamp(p, n, i, &end, &ms))
        return false;
    ev->timestamp = slice(p, i, end);
    ev->time_ms = ms;
    *after = (end < n && p[end] == ':') ? end + 1 : end;
    return true;
}

/* Reads the RFC 3164 header at p[i] (after the PRI): optional Cisco sequence number, optional
 * timestamp, optional hostname, optional tag. Fills what it finds into ev and returns the
 * offset where MSG starts. need_stamp (plain lines) gives up unless a timestamp is there,
 * since a plain line's first word is rarely a tag. */
static size_t parse_3164_header(const char *p, size_t n, size_t i, int64_t now_s, bool need_stamp,
                                lt_event_t *ev)
{
    size_t start = i, e;
    bool has_stamp = false, has_host = false;

    /* Cisco IOS "service sequence-numbers": "123: " before the time. No tag is only
     * digits, so this cannot eat one. */
    e = i;
    while (e < n && e - i < 10 && is_digit(p[e]))
        e++;
    if (e > i && n - e >= 2 && p[e] == ':' && p[e + 1] == ' ')
        i = e + 2;
    if (read_stamp(p, n, i, now_s, ev, &i)) {
        has_stamp = true;
    } else if (need_stamp) {
        return start;
    } else {
        /* Cisco "logging origin-id hostname": "123: R1: *Mar  1 18:46:11.123: %SYS-..." */
        size_t after;
        e = token_end(p, n, i);
        if (e - i >= 2 && p[e - 1] == ':' &&
            read_stamp(p, n, after_token(p, n, e), now_s, ev, &after)) {
            ev->host = slice(p, i, e - 1);
            has_stamp = has_host = true;
            i = after;
        }
    }
    while (i < n && p[i] == ' ')
        i++;

    e = token_end(p, n, i);
    if (e == i)
        return i;
    if (split_tag(p, i, e, ev))
        return after_token(p, n, e);
    if (!has_stamp) /* "<13>hello world": no header, all of it is MSG (RFC 3164 4.3.3) */
        return i;
    if (!has_host) {
        ev->host = slice(p, i, e);
        i = after_token(p, n, e);
        e = token_end(p, n, i);
        if (e - i == 1 && p[i] == ':') { /* Cisco ASA "device-id": "asa1 : %ASA-3-..." */
            i = after_token(p, n, e);
            e = token_end(p, n, i);
        }
        if (split_tag(p, i, e, ev))
            return after_token(p, n, e);
    }
    if (is_bare_tag(p, i, e)) {
        ev->app = slice(p, i, e);
        return after_token(p, n, e);
    }
    return i;
}

/* RFC 5424 6.3: one or more SD-ELEMENTs starting at p[i]. Sets *end past the last ']'. */
static bool parse_sd(const char *p, size_t n, size_t i, size_t *end)
{
    size_t s;

    if (i >= n || p[i] != '[')
        return false;
    while (i < n && p[i] == '[') {
        s = ++i;
        i = lt_swar_sd_name_end(p, n, i);
        if (i == s) /* SD-ID is required */
            return false;
        for (;;) {
            if (i >= n)
                return false;
            if (p[i] == ']') {
                i++;
                break;
            }
            if (p[i] != ' ')
                return false;
            s = ++i;
            i = lt_swar_sd_name_end(p, n, i);
            if (i == s || n - i < 2 || p[i] != '=' || p[i + 1] != '"')
                return false;
            i += 2;
            /* RFC 5424 6.3.3: '"', '\' and ']' are escaped with '\' in PARAM-VALUE. An
             * unescaped ']' is tolerated: inside the quotes it cannot end the element. */
            for (;;) {
                i = lt_swar_quote_or_backslash(p, n, i);
                if (i >= n || p[i] == '"')
                    break;
                i += (i + 1 < n) ? 2 : 1; /* the '\\' and the byte it escapes */
            }
            if (i >= n)
                return false;
            i++;
        }
    }
    *end = i;
    return true;
}

static bool is_nil(const char *p, size_t s, size_t e)
{
    return e - s == 1 && p[s] == '-';
}

/* RFC 5424 6: VERSION SP (already read) TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID
 * SP STRUCTURED-DATA [SP MSG]. When a field is missing or invalid, the fields before it are
 * kept and MSG is everything from that field on: the event still counts under its PRI.
 * Field lengths are not enforced (a long APP-NAME is still the APP-NAME). */
static void parse_5424(const char *p, size_t n, size_t i, lt_event_t *ev)
{
    lt_slice_t *fields[] = {&ev->timestamp, &ev->host, &ev->app, &ev->procid, &ev->msgid};
    size_t e;
    int64_t ms;

    ev->format = LT_FORMAT_RFC5424;
    for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
        e = lt_swar_field_end(p, n, i); /* also UTF-8, leniently */
        if (e == i || e >= n || p[e] != ' ')
            goto malformed;
        if (!is_nil(p, i, e)) {
            if (f == 0) {
                if (lt_parse_rfc3339(p + i, e - i, &ms) != 0)
                    goto malformed;
                ev->time_ms = ms;
            }
            *fields[f] = slice(p, i, e);
        }
        i = e + 1;
    }
    if (i < n && p[i] == '-') {
        e = i + 1;
    } else if (parse_sd(p, n, i, &e)) {
        ev->sd = slice(p, i, e);
    } else {
        goto malformed;
    }
    if (e < n && p[e] != ' ') {
        ev->sd = LT_SLICE_NULL;
        goto malformed;
    }
    i = after_token(p, n, e);
    /* RFC 5424 6.4: MSG may start with a BOM to say it is UTF-8; it is not text. */
    if (n - i >= 3 && (unsigned char)p[i] == 0xEF && (unsigned char)p[i + 1] == 0xBB &&
        (unsigned char)p[i + 2] == 0xBF)
        i += 3;
malformed:
    ev->msg = slice(p, i, n);
}

/* No PRI: user.notice with the whole line as msg; a leading syslog timestamp (a line from a
 * syslog daemon's file) still gives time, host and app. */
static void parse_plain(const char *p, size_t n, int64_t now_s, lt_event_t *ev)
{
    ev->format = LT_FORMAT_PLAIN;
    ev->facility = PLAIN_FACILITY;
    ev->level = LT_LEVEL_NOTICE;
    ev->msg = slice(p, 0, n);
    parse_3164_header(p, n, 0, now_s, true, ev);
}

/* Starts with '<' but the PRI is not valid. The PRI-like prefix is '<' through a '>' within
 * the next five bytes (long enough for "<0123>" and "<1a>"), or else '<' and the digits after
 * it (a cut "<13"). With nothing but blanks after it, or bytes that are not text anywhere,
 * there is nothing to count: bad_pri. Otherwise it is a text line that happens to start with
 * '<' ("<html>", "<-- x", "<192>hello"), counted as plain. */
static int parse_bad_pri(const char *p, size_t n, int64_t now_s, lt_event_t *ev)
{
    size_t rest = 1;

    while (rest < n && rest <= 4 && is_digit(p[rest]))
        rest++;
    for (size_t k = 1; k <= 5 && k < n; k++) {
        if (p[k] == '>') {
            rest = k + 1;
            break;
        }
    }
    while (rest < n && is_blank(p[rest]))
        rest++;
    if (rest == n || !is_text(p, n))
        return LT_PARSE_ERR(LT_REJECT_BAD_PRI);
    parse_plain(p, n, now_s, ev);
    return 0;
}

/* syslog-ng's loggen -P puts an RFC 6587 octet count in front of each message even in UDP
 * datagrams ("256 <38>1 ..."). Returns the length of such a prefix, or 0. It is taken only
 * when the count is exactly the rest of the input (or one more: the trailing LF it counted
 * was stripped by the transport) and a valid PRI follows, so a text line that starts with a
 * number stays text. */
static size_t octet_count_prefix(const char *p, size_t n)
{
    size_t i = 0, len = 0;

    if (n == 0 || p[0] < '1' || p[0] > '9')
        return 0;
    while (i < n && i < 6 && is_digit(p[i]))
        len = len * 10 + (size_t)(p[i++] - '0');
    if (n - i < 2 || p[i] != ' ' || p[i + 1] != '<')
        return 0;
    i++;
    return (len == n - i || len == n - i + 1) ? i : 0;
}

/* Hot path: no allocation, no locks, no system calls. */
int lt_syslog_parse(const char *p, size_t n, int64_t now_s, lt_event_t *ev)
{
    size_t i, k;
    int pri;

    lt_event_reset(ev, LT_FORMAT_PLAIN);
    pri = parse_pri(p, n, &i);
    if (pri < 0 && (k = octet_count_prefix(p, n)) > 0 && (pri = parse_pri(p + k, n - k, &i)) >= 0) {
        p += k;
        n -= k;
    }
    if (pri < 0) {
        if (n > 0 && p[0] == '<')
            return parse_bad_pri(p, n, now_s, ev);
        /* Only text without PRI is checked: with a PRI the level is known, so it counts. */
        if (!is_text(p, n))
            return LT_PARSE_ERR(LT_REJECT_BINARY);
        parse_plain(p, n, now_s, ev);
        return 0;
    }
    ev->facility = pri >> 3;
    ev->level = lt_level_from_severity(pri & 7);
    if (n - i >= 2 && p[i] == '1' && p[i + 1] == ' ') {
        parse_5424(p, n, i + 2, ev);
        return 0;
    }
    ev->format = LT_FORMAT_RFC3164;
    while (i < n && p[i] == ' ') /* some senders put a space after the PRI */
        i++;
    ev->msg = slice(p, parse_3164_header(p, n, i, now_s, false, ev), n);
    return 0;
}
