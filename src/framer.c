/* SPDX-License-Identifier: MIT */
/* RFC 6587 framer: an explicit state machine that can stop at any byte, so a TCP stream may be
 * split anywhere. Messages that lie inside one fed buffer are delivered in place (zero-copy);
 * only a message split across feeds is copied, into one buffer of max_message_bytes + 1 bytes
 * allocated on first need. Frames over the limit are skipped, never buffered. */
#include "lt_framer.h"

#include <stdint.h>
#include <string.h>

#include "lt_alloc.h"

/* Longest MSG-LEN accepted: ten digits is far above any sane limit and still fits size_t on
 * 64-bit targets, so an oversize frame can be skipped exactly. */
#define MAX_LEN_DIGITS 10

enum framer_state {
    ST_IDLE,       /* between frames: skip LF, CR, NUL; the next byte picks the method */
    ST_LEN,        /* octet counting: reading MSG-LEN digits up to the SP */
    ST_COUNTED,    /* octet counting: collecting frame_len more bytes of message */
    ST_SKIP_COUNT, /* octet counting: oversize frame, skipping frame_len more bytes */
    ST_LINE,       /* non-transparent: collecting a message up to LF or NUL */
    ST_SKIP_LINE,  /* non-transparent: oversize message, skipping up to LF or NUL */
    ST_RESYNC,     /* after a bad MSG-LEN: discarding up to and including the next LF */
};

static void set_state(lt_framer_t *f, enum framer_state st)
{
    f->state = st;
    f->discarding = st == ST_SKIP_COUNT || st == ST_SKIP_LINE || st == ST_RESYNC;
}

static void reject(lt_framer_t *f, lt_reject_t reason)
{
    if (f->on_reject != NULL)
        f->on_reject(f->arg, reason);
}

/* Delivers a message whose trailer is already stripped: empty ones are dropped, long ones are
 * oversize. The length check happens here, after stripping, so that the limit means the same
 * for both methods. */
static void deliver(lt_framer_t *f, const char *p, size_t n)
{
    if (n > f->max_message_bytes)
        reject(f, LT_REJECT_OVERSIZE);
    else if (n > 0 && f->on_message != NULL)
        f->on_message(f->arg, p, n);
}

/* Appends to the split-message buffer. Callers have checked that the total stays within
 * max_message_bytes + 1, the room a message plus one CR (or a counted frame plus one trailer
 * byte) needs; that bound is why the buffer never grows. */
static void buffer_reserve(lt_framer_t *f, size_t bytes)
{
    if (f->buf_cap >= bytes)
        return;
    f->buf = lt_realloc(f->buf, bytes);
    f->buf_cap = bytes;
}

static void buffer_append(lt_framer_t *f, const char *p, size_t n)
{
    buffer_reserve(f, f->max_message_bytes + 1);
    memcpy(f->buf + f->buf_len, p, n);
    f->buf_len += n;
}

/* Index of the first c in p[i..n), or n, remembered in *cached for the rest of this feed: a
 * later call from a position not past it answers without scanning. That keeps a feed linear
 * even when one of LF and NUL is rare (NUL-terminated streams have no LF to find). */
static size_t next_byte(const char *p, size_t i, size_t n, char c, size_t *cached)
{
    if (*cached == SIZE_MAX || *cached < i) {
        const char *q = memchr(p + i, c, n - i);
        *cached = q != NULL ? (size_t)(q - p) : n;
    }
    return *cached;
}

/* Index of the first LF or NUL in p[i..n), or n. seen[] caches both searches for one feed;
 * memchr is why this is fast: it looks at 32 bytes per step where a byte loop looks at one. */
static size_t find_line_end(const char *p, size_t i, size_t n, size_t seen[2])
{
    size_t lf = next_byte(p, i, n, '\n', &seen[0]);
    size_t nul = next_byte(p, i, n, '\0', &seen[1]);
    return lf < nul ? lf : nul;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Whether finishing now would leave a real partial message: a started length header or counted
 * frame always does, a line only if it holds more than whitespace. */
static bool pending_is_truncated(const lt_framer_t *f)
{
    switch ((enum framer_state)f->state) {
    case ST_LEN:
    case ST_COUNTED:
        return true;
    case ST_LINE:
        for (size_t i = 0; i < f->buf_len; i++)
            if (!is_blank(f->buf[i]))
                return true;
        return false;
    case ST_IDLE:
    case ST_SKIP_COUNT:
    case ST_SKIP_LINE:
    case ST_RESYNC:
        break;
    }
    return false;
}

static void reset(lt_framer_t *f)
{
    set_state(f, ST_IDLE);
    f->frame_len = 0;
    f->digits = 0;
    f->buf_len = 0;
}

void lt_framer_init(lt_framer_t *f, size_t max_message_bytes, lt_framer_message_cb on_message,
                    lt_framer_reject_cb on_reject, void *arg)
{
    memset(f, 0, sizeof(*f));
    f->max_message_bytes = max_message_bytes;
    f->on_message = on_message;
    f->on_reject = on_reject;
    f->arg = arg;
    reset(f);
}

/* A MSG-LEN that is not a length: report it once and drop the rest of the line. If the byte
 * that broke it is the LF itself, the line is already over. */
static void bad_frame(lt_framer_t *f, char c)
{
    f->frame_len = 0;
    f->digits = 0;
    set_state(f, c == '\n' ? ST_IDLE : ST_RESYNC);
    reject(f, LT_REJECT_BAD_FRAME);
}

void lt_framer_feed(lt_framer_t *f, const char *p, size_t n)
{
    /* Hot loop: no malloc (bar the one lazy buffer allocation), no locks, no syscalls. Every
     * state either consumes at least one byte or changes state without consuming (IDLE handing
     * its byte to LINE), so the loop ends. */
    size_t i = 0;
    size_t seen[2] = {SIZE_MAX, SIZE_MAX};
    while (i < n) {
        switch ((enum framer_state)f->state) {
        case ST_IDLE: {
            char c = p[i];
            if (c == '\n' || c == '\r' || c == '\0') {
                i++;
            } else if (c >= '1' && c <= '9') {
                f->frame_len = (size_t)(c - '0');
                f->digits = 1;
                set_state(f, ST_LEN);
                i++;
            } else if (c == '0') {
                /* RFC 6587 3.4.1: MSG-LEN has no leading zero, and a zero length is no frame. */
                i++;
                bad_frame(f, c);
            } else {
                /* Not consumed: the byte is the first of the message. */
                set_state(f, ST_LINE);
            }
            break;
        }

        case ST_LEN: {
            char c = p[i++];
            if (c >= '0' && c <= '9') {
                size_t d = (size_t)(c - '0');
                /* The overflow test only matters where size_t is 32 bits. */
                if (f->digits == MAX_LEN_DIGITS || f->frame_len > (SIZE_MAX - d) / 10) {
                    bad_frame(f, c);
                    break;
                }
                f->frame_len = f->frame_len * 10 + d;
                f->digits++;
            } else if (c == ' ') {
                f->digits = 0;
                /* A frame one byte over the limit may still end in a trailer that brings the
                 * message within it; anything longer is skipped without buffering a byte. */
                if (f->frame_len > f->max_message_bytes + 1) {
                    set_state(f, ST_SKIP_COUNT);
                    reject(f, LT_REJECT_OVERSIZE);
                } else {
                    set_state(f, ST_COUNTED);
                }
            } else {
                bad_frame(f, c);
            }
            break;
        }

        case ST_COUNTED: {
            size_t avail = n - i;
            if (f->buf_len == 0 && avail >= f->frame_len) {
                /* The whole frame is in this buffer: deliver in place. */
                const char *m = p + i;
                size_t len = f->frame_len;
                i += len;
                f->frame_len = 0;
                set_state(f, ST_IDLE);
                deliver(f, m, lt_framer_strip_trailer(m, len));
                break;
            }
            size_t k = avail < f->frame_len ? avail : f->frame_len;
            buffer_append(f, p + i, k);
            i += k;
            f->frame_len -= k;
            if (f->frame_len == 0) {
                size_t len = f->buf_len;
                f->buf_len = 0;
                set_state(f, ST_IDLE);
                deliver(f, f->buf, lt_framer_strip_trailer(f->buf, len));
            }
            break;
        }

        case ST_SKIP_COUNT: {
            size_t avail = n - i;
            size_t k = avail < f->frame_len ? avail : f->frame_len;
            i += k;
            f->frame_len -= k;
            if (f->frame_len == 0)
                set_state(f, ST_IDLE);
            break;
        }

        case ST_LINE: {
            size_t start = i;
            size_t end = find_line_end(p, i, n, seen);
            size_t total = f->buf_len + (end - start);
            if (end == n) {
                /* No trailer yet: keep what fits. max + 1 bytes still fit when the last is a
                 * CR that a following LF would strip; otherwise the message is already too
                 * long, whatever comes next. */
                if (total > f->max_message_bytes + 1 ||
                    (total == f->max_message_bytes + 1 && p[n - 1] != '\r')) {
                    f->buf_len = 0;
                    set_state(f, ST_SKIP_LINE);
                    reject(f, LT_REJECT_OVERSIZE);
                } else {
                    buffer_append(f, p + start, end - start);
                }
                i = n;
                break;
            }
            char term = p[end];
            i = end + 1;
            set_state(f, ST_IDLE);
            if (total > f->max_message_bytes + 1) {
                f->buf_len = 0;
                reject(f, LT_REJECT_OVERSIZE);
                break;
            }
            const char *m = p + start;
            if (f->buf_len > 0) {
                buffer_append(f, p + start, end - start);
                m = f->buf;
                f->buf_len = 0;
            }
            size_t len = total;
            if (term == '\n' && len > 0 && m[len - 1] == '\r')
                len--;
            deliver(f, m, len);
            break;
        }

        case ST_SKIP_LINE: {
            size_t end = find_line_end(p, i, n, seen);
            if (end < n)
                set_state(f, ST_IDLE);
            i = end < n ? end + 1 : n;
            break;
        }

        case ST_RESYNC: {
            const char *lf = memchr(p + i, '\n', n - i);
            if (lf != NULL) {
                set_state(f, ST_IDLE);
                i = (size_t)(lf - p) + 1;
            } else {
                i = n;
            }
            break;
        }
        }
    }
}

void lt_framer_finish(lt_framer_t *f)
{
    bool truncated = pending_is_truncated(f);
    reset(f);
    if (truncated)
        reject(f, LT_REJECT_TRUNCATED);
}

bool lt_framer_is_mid_message(const lt_framer_t *f)
{
    return pending_is_truncated(f);
}

void lt_framer_free(lt_framer_t *f)
{
    lt_free(f->buf);
    f->buf = NULL;
    f->buf_cap = 0;
    reset(f);
}

size_t lt_framer_strip_trailer(const char *p, size_t n)
{
    if (n > 0 && p[n - 1] == '\n') {
        n--;
        if (n > 0 && p[n - 1] == '\r')
            n--;
    } else if (n > 0 && p[n - 1] == '\0') {
        n--;
    }
    return n;
}

void lt_framer_set_max_message_bytes(lt_framer_t *f, size_t max_message_bytes)
{
    /* ST_COUNTED checked frame_len against the old limit when its header ended: the rest of
     * that frame must still fit, whatever the new limit says (deliver then judges it). */
    if (f->state == ST_COUNTED)
        buffer_reserve(f, f->buf_len + f->frame_len);
    f->max_message_bytes = max_message_bytes;
    if (f->buf != NULL)
        buffer_reserve(f, max_message_bytes + 1);
}
