/* SPDX-License-Identifier: MIT */
/* What a parsed message is: an lt_event_t whose text fields are slices of the bytes it was
 * parsed from (zero-copy; an event lives no longer than its input buffer). Also declares the
 * transports and the reasons a message can be rejected, each once as an X-macro. */
#ifndef LT_EVENT_H
#define LT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lt_level.h"

/* A view into someone else's bytes: never owns, never NUL-terminated. */
typedef struct {
    const char *p;
    size_t n;
} lt_slice_t;

#define LT_SLICE_NULL ((lt_slice_t){NULL, 0})

/* Same bytes (a NULL slice equals any empty one). */
static inline bool lt_slice_eq(lt_slice_t a, lt_slice_t b)
{
    if (a.n != b.n)
        return false;
    for (size_t i = 0; i < a.n; i++)
        if (a.p[i] != b.p[i])
            return false;
    return true;
}

/* Bytewise order, as memcmp would give with the shorter first on a common prefix. A byte loop:
 * label values are short, and sorting thousands of series called memcmp a hundred thousand
 * times per scrape. */
static inline int lt_slice_cmp(lt_slice_t a, lt_slice_t b)
{
    const unsigned char *x = (const unsigned char *)a.p, *y = (const unsigned char *)b.p;
    size_t n = a.n < b.n ? a.n : b.n;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return a.n < b.n ? -1 : a.n > b.n;
}

/* X(ENUM, name) */
#define LT_TRANSPORT_MAP(X)                                                                     \
    X(TCP, "tcp")                                                                               \
    X(UDP, "udp")                                                                               \
    X(HTTP, "http")

typedef enum {
#define LT_TRANSPORT_ENUM(e, s) LT_TRANSPORT_##e,
    LT_TRANSPORT_MAP(LT_TRANSPORT_ENUM)
#undef LT_TRANSPORT_ENUM
    LT_TRANSPORT_COUNT
} lt_transport_t;

/* Why a message was not counted as an event: the `reason` label of
 * logtally_rejected_total. X(ENUM, name, help) */
#define LT_REJECT_MAP(X)                                                                        \
    X(OVERSIZE, "oversize", "longer than max_message_bytes; skipped to its end")                \
    X(BAD_FRAME, "bad_frame", "RFC 6587 octet count that is not a valid length")                \
    X(TRUNCATED, "truncated", "connection closed in the middle of a message")                  \
    X(BAD_PRI, "bad_pri", "malformed or out-of-range <PRI> with nothing parseable after it")    \
    X(BAD_JSON, "bad_json", "line starting with '{' (or an HTTP ingest record) that is not one JSON object") \
    X(BINARY, "binary", "bytes that are not text (NUL or control characters, invalid UTF-8)")

typedef enum {
#define LT_REJECT_ENUM(e, s, h) LT_REJECT_##e,
    LT_REJECT_MAP(LT_REJECT_ENUM)
#undef LT_REJECT_ENUM
    LT_REJECT_COUNT
} lt_reject_t;

typedef enum {
    LT_FORMAT_RFC3164, /* <PRI> followed by anything that is not RFC 5424 */
    LT_FORMAT_RFC5424, /* <PRI>1 SP ... */
    LT_FORMAT_JSON,    /* one JSON object */
    LT_FORMAT_PLAIN,   /* text without PRI: user.notice (RFC 3164 4.3.3) */
} lt_format_t;

#define LT_TIME_NONE INT64_MIN

typedef struct {
    lt_level_t level;
    int facility;         /* 0-23, or LT_FACILITY_NONE */
    lt_format_t format;
    int64_t time_ms;      /* time written in the message, ms since the epoch, or LT_TIME_NONE */
    lt_slice_t timestamp; /* the time as written, empty when absent or "-" */
    lt_slice_t host;      /* empty when absent or "-" */
    lt_slice_t app;       /* RFC 5424 APP-NAME, RFC 3164 TAG without [pid], JSON app/service */
    lt_slice_t procid;
    lt_slice_t msgid;
    lt_slice_t sd;        /* RFC 5424 STRUCTURED-DATA as written, empty for "-" */
    lt_slice_t msg;       /* the message text (BOM removed); for JSON the raw value */
} lt_event_t;

/* An event with nothing parsed yet: unknown level, no facility, no time, empty fields. Field
 * by field on purpose: `*ev = (lt_event_t){...}` compiles to `rep stos`, whose start-up cost
 * was a tenth of the parser's time per message. */
static inline void lt_event_reset(lt_event_t *ev, lt_format_t format)
{
    ev->level = LT_LEVEL_UNKNOWN;
    ev->facility = LT_FACILITY_NONE;
    ev->format = format;
    ev->time_ms = LT_TIME_NONE;
    ev->timestamp = LT_SLICE_NULL;
    ev->host = LT_SLICE_NULL;
    ev->app = LT_SLICE_NULL;
    ev->procid = LT_SLICE_NULL;
    ev->msgid = LT_SLICE_NULL;
    ev->sd = LT_SLICE_NULL;
    ev->msg = LT_SLICE_NULL;
}

const char *lt_transport_name(lt_transport_t t);
/* Returns the transport for a name, or -1. */
int lt_transport_parse(const char *p, size_t n);
const char *lt_reject_name(lt_reject_t r);
const char *lt_reject_help(lt_reject_t r);

#endif
