/* SPDX-License-Identifier: MIT */
/* JSON log lines to events: a validating RFC 8259 scanner that never allocates. It walks the
 * whole object once with an explicit state machine and a one-bit-per-level container stack,
 * and on the way remembers where the few members that matter (level, message, time, host,
 * app) are, as slices of the input; the event is assembled from them at the end. */
#include "lt_parse.h"

#include <stdbool.h>
#include <string.h>

/* The members read, X(ENUM, key). Nested members ("log":{"level":..}) share the entry of
 * their dotted spelling. */
/* clang-format off */
#define KEY_MAP(X)                                                                              \
    X(LEVEL, "level") X(SEVERITY, "severity") X(LVL, "lvl") X(LEVELNAME, "levelname")          \
    X(LOGLEVEL, "loglevel") X(LOG_LEVEL, "log.level") X(AT_L, "@l")                             \
    X(SEVERITY_TEXT, "severity_text") X(SEVERITY_TEXT_OTLP, "SeverityText")                      \
    X(SEVERITY_NUMBER, "SeverityNumber") X(LEVELNO, "levelno") X(PRIORITY, "PRIORITY")          \
    X(MESSAGE, "message") X(MSG, "msg") X(LOG, "log") X(MESSAGE_JOURNAL, "MESSAGE")             \
    X(AT_M, "@m") X(AT_MT, "@mt")                                                               \
    X(TIMESTAMP, "timestamp") X(TIME, "time") X(TS, "ts") X(AT_TIMESTAMP, "@timestamp")         \
    X(DATE, "date") X(AT_T, "@t")                                                               \
    X(HOST, "host") X(HOSTNAME, "hostname") X(HOST_NAME, "host.name")                           \
    X(APP, "app") X(SERVICE, "service") X(SERVICE_NAME, "service.name") X(LOGGER, "logger")     \
    X(IDENT, "ident") X(SYSLOG_IDENTIFIER, "SYSLOG_IDENTIFIER")
/* clang-format on */

enum {
#define KEY_ENUM(e, s) K_##e,
    KEY_MAP(KEY_ENUM)
#undef KEY_ENUM
        K_COUNT
};

static const struct {
    const char *s;
    size_t len;
} keys[K_COUNT] = {
#define KEY_NAME(e, s) {s, sizeof(s) - 1},
    KEY_MAP(KEY_NAME)
#undef KEY_NAME
};

/* How a level key's numbers read. NUM_LEVEL is pino/bunyan's 10-60, and also GELF's syslog
 * 0-7 under the same key: the two ranges do not overlap. */
typedef enum { NUM_NONE, NUM_SYSLOG, NUM_LEVEL, NUM_PYTHON, NUM_OTEL } num_scheme_t;

/* docs/protocols.md 6: the first of these that is present gives the level. */
static const struct {
    unsigned char key;
    unsigned char scheme;
} level_keys[] = {
    {K_LEVEL, NUM_LEVEL},
    {K_SEVERITY, NUM_SYSLOG},
    {K_LVL, NUM_NONE},
    {K_LEVELNAME, NUM_NONE},
    {K_LOGLEVEL, NUM_NONE},
    {K_LOG_LEVEL, NUM_NONE},
    {K_AT_L, NUM_NONE},
    {K_SEVERITY_TEXT, NUM_NONE},
    {K_SEVERITY_TEXT_OTLP, NUM_NONE},
    {K_SEVERITY_NUMBER, NUM_OTEL},
    {K_LEVELNO, NUM_PYTHON},
    /* Not in the list: journald's JSON export ("journalctl -o json") writes the
     * syslog severity as a string here; last, so it never overrides a listed key. */
    {K_PRIORITY, NUM_SYSLOG},
};

static const unsigned char msg_keys[] = {K_MESSAGE,         K_MSG,  K_LOG,
                                         K_MESSAGE_JOURNAL, K_AT_M, K_AT_MT};
static const unsigned char time_keys[] = {K_TIMESTAMP,    K_TIME, K_TS,
                                          K_AT_TIMESTAMP, K_DATE, K_AT_T};
static const unsigned char host_keys[] = {K_HOST, K_HOSTNAME, K_HOST_NAME};
static const unsigned char app_keys[] = {K_APP,    K_SERVICE, K_SERVICE_NAME,
                                         K_LOGGER, K_IDENT,   K_SYSLOG_IDENTIFIER};

/* A remembered member value: only strings (p, n between the quotes) and numbers (the number
 * as written) are kept; other values count as absent. */
typedef struct {
    const char *p;
    size_t n;
    bool is_string;
    bool has_escape;
} jvalue_t;

typedef struct {
    uint64_t present; /* bit k: values[k] is set */
    jvalue_t values[K_COUNT];
} jfields_t;

_Static_assert(K_COUNT <= 64, "present is a 64-bit mask");

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r'; /* RFC 8259 2 */
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Each scan_* starts at *pos on the value's first byte. On success *pos is just past the
 * value; on failure it is the first byte that makes the input invalid (n when it ends too
 * early). */

/* RFC 8259 7: no unescaped control characters, only the listed escapes, UTF-8 text. */
static int scan_string(const char *p, size_t n, size_t *pos, bool *has_escape)
{
    size_t i = *pos + 1, bad, len;

    *has_escape = false;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"') {
            *pos = i + 1;
            return 0;
        }
        if (c >= 0x20 && c < 0x80 && c != '\\') {
            i++;
        } else if (c == '\\') {
            *has_escape = true;
            if (++i >= n)
                break;
            switch (p[i]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                i++;
                break;
            case 'u':
                /* Lone surrogates are let through: they are well-formed JSON text. */
                for (int k = 0; k < 4; k++)
                    if (++i >= n || !is_hex(p[i]))
                        goto fail;
                i++;
                break;
            default:
                goto fail;
            }
        } else if (c < 0x20) {
            goto fail;
        } else {
            len = lt_parse_utf8_seq(p + i, n - i, &bad);
            if (len == 0) {
                i += bad;
                goto fail;
            }
            i += len;
        }
    }
fail:
    *pos = i < n ? i : n;
    return -1;
}

/* RFC 8259 6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int scan_number(const char *p, size_t n, size_t *pos)
{
    size_t i = *pos;

    if (p[i] == '-')
        i++;
    if (i < n && p[i] == '0') {
        i++;
    } else if (i < n && is_digit(p[i])) {
        while (i < n && is_digit(p[i]))
            i++;
    } else {
        goto fail;
    }
    if (i < n && p[i] == '.') {
        if (++i >= n || !is_digit(p[i]))
            goto fail;
        while (i < n && is_digit(p[i]))
            i++;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        if (++i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        if (i >= n || !is_digit(p[i]))
            goto fail;
        while (i < n && is_digit(p[i]))
            i++;
    }
    *pos = i;
    return 0;
fail:
    *pos = i < n ? i : n;
    return -1;
}

static int scan_literal(const char *p, size_t n, size_t *pos, const char *lit)
{
    size_t i = *pos;

    for (; *lit != '\0'; lit++, i++) {
        if (i >= n || p[i] != *lit) {
            *pos = i < n ? i : n;
            return -1;
        }
    }
    *pos = i;
    return 0;
}

static int find_key(const char *p, size_t n)
{
    for (int k = 0; k < K_COUNT; k++)
        if (keys[k].len == n && keys[k].s[0] == p[0] && memcmp(keys[k].s, p, n) == 0)
            return k;
    return -1;
}

/* The member of an object under a top-level key that stands for a dotted key. */
static int find_nested_key(int parent, const char *p, size_t n)
{
    if (parent == K_LOG && n == 5 && memcmp(p, "level", 5) == 0)
        return K_LOG_LEVEL;
    if ((parent == K_HOST || parent == K_SERVICE) && n == 4 && memcmp(p, "name", 4) == 0)
        return parent == K_HOST ? K_HOST_NAME : K_SERVICE_NAME;
    return -1;
}

static void remember(jfields_t *f, int k, const char *p, size_t n, bool is_string, bool has_escape)
{
    /* A duplicate key: the first one counts. */
    if (k < 0 || (f->present & (1ULL << k)))
        return;
    f->present |= 1ULL << k;
    f->values[k] = (jvalue_t){p, n, is_string, has_escape};
}

/* Scans one JSON value starting at *pos (after optional whitespace); see lt_json_value_end.
 * When f is not NULL, the value is an object and the members of interest at depth 1 (and 2,
 * under "log", "host", "service") are remembered in f. Iterative, so the depth limit is the
 * only bound on the stack: bit d of is_object says whether the container at depth d + 1 is an
 * object. Hot path: no allocation, no locks, no system calls. */
static int scan_value(const char *p, size_t n, size_t *pos, jfields_t *f)
{
    enum { S_VALUE, S_VALUE_OR_CLOSE, S_KEY, S_KEY_OR_CLOSE, S_COLON, S_AFTER } state = S_VALUE;
    uint64_t is_object = 0;
    unsigned depth = 0;
    size_t i = *pos, start = 0;
    int key1 = -1, key2 = -1; /* the remembered key being read at depth 1 and 2, or -1 */
    bool is_string = false, has_escape = false;

    for (;;) {
        while (i < n && is_ws(p[i]))
            i++;
        if (i >= n)
            goto fail;
        char c = p[i];
        switch (state) {
        case S_VALUE_OR_CLOSE:
            if (c == ']') {
                i++;
                goto close;
            }
            /* fall through */
        case S_VALUE:
            start = i;
            is_string = false;
            if (c == '{' || c == '[') {
                if (depth == LT_JSON_MAX_DEPTH)
                    goto fail;
                if (c == '{')
                    is_object |= 1ULL << depth;
                else
                    is_object &= ~(1ULL << depth);
                depth++;
                i++;
                state = c == '{' ? S_KEY_OR_CLOSE : S_VALUE_OR_CLOSE;
                continue;
            }
            if (c == '"') {
                if (scan_string(p, n, &i, &has_escape) != 0)
                    goto fail;
                is_string = true;
            } else if (c == '-' || is_digit(c)) {
                if (scan_number(p, n, &i) != 0)
                    goto fail;
                if (f != NULL && depth == 1 && key1 >= 0)
                    remember(f, key1, p + start, i - start, false, false);
                else if (f != NULL && depth == 2 && key2 >= 0)
                    remember(f, key2, p + start, i - start, false, false);
            } else if (scan_literal(p, n, &i, c == 't' ? "true" : c == 'f' ? "false" : "null")) {
                goto fail;
            }
            if (is_string && f != NULL) {
                /* The slice is what is between the quotes. */
                if (depth == 1 && key1 >= 0)
                    remember(f, key1, p + start + 1, i - start - 2, true, has_escape);
                else if (depth == 2 && key2 >= 0)
                    remember(f, key2, p + start + 1, i - start - 2, true, has_escape);
            }
            goto value_done;
        case S_KEY_OR_CLOSE:
            if (c == '}') {
                i++;
                goto close;
            }
            /* fall through */
        case S_KEY:
            if (c != '"')
                goto fail;
            start = i;
            if (scan_string(p, n, &i, &has_escape) != 0)
                goto fail;
            if (f != NULL && depth == 1) {
                key1 = find_key(p + start + 1, i - start - 2);
                key2 = -1;
            } else if (f != NULL && depth == 2) {
                key2 = find_nested_key(key1, p + start + 1, i - start - 2);
            }
            state = S_COLON;
            continue;
        case S_COLON:
            if (c != ':')
                goto fail;
            i++;
            state = S_VALUE;
            continue;
        case S_AFTER:
            if (c == ',') {
                i++;
                state = (is_object >> (depth - 1)) & 1 ? S_KEY : S_VALUE;
                continue;
            }
            if (c != ((is_object >> (depth - 1)) & 1 ? '}' : ']'))
                goto fail;
            i++;
            goto close;
        }
    close:
        depth--;
        if (depth == 1)
            key2 = -1; /* a container under key1 ended: nothing nested is being read */
    value_done:
        if (depth == 0) {
            *pos = i;
            return 0;
        }
        state = S_AFTER;
    }
fail:
    *pos = i;
    return -1;
}

int lt_json_value_end(const char *p, size_t n, size_t *end)
{
    size_t pos = 0;
    int rc = scan_value(p, n, &pos, NULL);

    *end = pos;
    return rc;
}

/* A JSON integer as written ("40", "-1"), no fraction or exponent. */
static bool to_int(const char *p, size_t n, int64_t *v)
{
    size_t i = 0;
    int64_t x = 0;
    bool neg = n > 0 && p[0] == '-';

    if (neg)
        i++;
    if (i == n || n - i > 18)
        return false;
    for (; i < n; i++) {
        if (!is_digit(p[i]))
            return false;
        x = x * 10 + (p[i] - '0');
    }
    *v = neg ? -x : x;
    return true;
}

/* An epoch number as written: seconds, possibly with a fraction (fluent-bit's "date", zap's
 * "ts"), or, by magnitude, milliseconds (pino's "time", > 1e11), microseconds (> 1e14) or
 * nanoseconds (> 1e17). Exponents are not read: no logger writes them for times. */
static bool to_time_ms(const char *p, size_t n, int64_t *ms)
{
    size_t i = 0;
    uint64_t whole = 0;
    int64_t frac = 0, t;
    bool neg = n > 0 && p[0] == '-';

    if (neg)
        i++;
    size_t start = i;
    while (i < n && is_digit(p[i]) && i - start < 19)
        whole = whole * 10 + (uint64_t)(p[i++] - '0');
    if (i == start)
        return false;
    if (i < n && p[i] == '.') {
        size_t fs = ++i;
        while (i < n && is_digit(p[i])) {
            if (i - fs < 3)
                frac = frac * 10 + (p[i] - '0');
            i++;
        }
        if (i == fs)
            return false;
        for (size_t k = i - fs; k < 3; k++)
            frac *= 10;
    }
    if (i != n)
        return false;
    if (whole > 100000000000000000ULL)
        t = (int64_t)(whole / 1000000);
    else if (whole > 100000000000000ULL)
        t = (int64_t)(whole / 1000);
    else if (whole > 100000000000ULL)
        t = (int64_t)whole;
    else
        t = (int64_t)whole * 1000 + frac;
    *ms = neg ? -t : t;
    return true;
}

static lt_level_t level_of(const jvalue_t *v, num_scheme_t scheme)
{
    int64_t num;

    /* Escapes would need decoding to compare; no logger escapes a level name. */
    if (v->is_string && v->has_escape)
        return LT_LEVEL_UNKNOWN;
    /* A number written as a string ("severity":"3") reads as the number. */
    if (scheme == NUM_NONE || !to_int(v->p, v->n, &num)) {
        return v->is_string ? lt_level_from_string(v->p, v->n) : LT_LEVEL_UNKNOWN;
    }
    switch (scheme) {
    case NUM_SYSLOG:
        return lt_level_from_number(LT_LEVEL_NUM_SYSLOG, num);
    case NUM_LEVEL:
        return lt_level_from_number(num <= 7 ? LT_LEVEL_NUM_SYSLOG : LT_LEVEL_NUM_PINO, num);
    case NUM_PYTHON:
        return lt_level_from_number(LT_LEVEL_NUM_PYTHON, num);
    case NUM_OTEL:
        return lt_level_from_number(LT_LEVEL_NUM_OTEL, num);
    case NUM_NONE:
        break;
    }
    return LT_LEVEL_UNKNOWN;
}

static const jvalue_t *first_string(const jfields_t *f, const unsigned char *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if ((f->present & (1ULL << list[i])) && f->values[list[i]].is_string)
            return &f->values[list[i]];
    return NULL;
}

static void fill_event(const jfields_t *f, lt_event_t *ev)
{
    const jvalue_t *v;

    ev->level = LT_LEVEL_UNKNOWN;
    for (size_t i = 0; i < sizeof(level_keys) / sizeof(level_keys[0]); i++) {
        if (f->present & (1ULL << level_keys[i].key)) {
            ev->level = level_of(&f->values[level_keys[i].key], level_keys[i].scheme);
            goto have_level;
        }
    }
    /* Serilog compact: "@l" is left out for Information. Checked after every explicit key,
     * so an explicit level always wins over this guess. */
    if (f->present & ((1ULL << K_AT_T) | (1ULL << K_AT_MT)))
        ev->level = LT_LEVEL_INFO;
have_level:
    if ((v = first_string(f, msg_keys, sizeof(msg_keys))) != NULL)
        ev->msg = (lt_slice_t){v->p, v->n};
    for (size_t i = 0; i < sizeof(time_keys); i++) {
        if (f->present & (1ULL << time_keys[i])) {
            int64_t ms;
            v = &f->values[time_keys[i]];
            ev->timestamp = (lt_slice_t){v->p, v->n};
            if ((v->is_string && !v->has_escape && lt_parse_rfc3339(v->p, v->n, &ms) == 0) ||
                to_time_ms(v->p, v->n, &ms))
                ev->time_ms = ms;
            break;
        }
    }
    if ((v = first_string(f, host_keys, sizeof(host_keys))) != NULL)
        ev->host = (lt_slice_t){v->p, v->n};
    if ((v = first_string(f, app_keys, sizeof(app_keys))) != NULL)
        ev->app = (lt_slice_t){v->p, v->n};
}

int lt_json_parse(const char *p, size_t n, lt_event_t *ev)
{
    jfields_t f;
    size_t i = 0, start;

    lt_event_reset(ev, LT_FORMAT_JSON);
    f.present = 0;
    while (i < n && is_ws(p[i]))
        i++;
    if (i >= n || p[i] != '{')
        return LT_PARSE_ERR(LT_REJECT_BAD_JSON);
    start = i;
    if (scan_value(p, n, &i, &f) != 0)
        return LT_PARSE_ERR(LT_REJECT_BAD_JSON);
    ev->msg = (lt_slice_t){p + start, i - start}; /* unless a message key says otherwise */
    while (i < n && is_ws(p[i]))
        i++;
    if (i != n)
        return LT_PARSE_ERR(LT_REJECT_BAD_JSON);
    fill_event(&f, ev);
    return 0;
}
