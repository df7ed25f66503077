/* SPDX-License-Identifier: MIT */
/* RFC 6587 framing of a TCP byte stream into messages, as a resumable state machine: feed it
 * bytes as they arrive, split anywhere, and it calls back once per whole message. The method
 * is told per frame from its first byte: a digit starts an octet-counted frame
 * ("MSG-LEN SP MSG"), anything else a frame ended by LF, CRLF or NUL. */
#ifndef LT_FRAMER_H
#define LT_FRAMER_H

#include <stdbool.h>
#include <stddef.h>

#include "lt_event.h"

/* One whole message, trailer stripped (LF, CRLF, NUL; inside an octet-counted frame one
 * trailing LF, CRLF or NUL too). p points into the fed buffer when the message arrived in one
 * piece, else into the framer's own buffer; valid only during the call. Empty messages (a lone
 * trailer) are not reported. Callbacks must not feed, finish or free the framer that calls
 * them. */
typedef void (*lt_framer_message_cb)(void *arg, const char *p, size_t n);
/* A frame that is not a message: LT_REJECT_OVERSIZE, LT_REJECT_BAD_FRAME or LT_REJECT_TRUNCATED.
 * Called once per bad frame, in stream order with the messages. */
typedef void (*lt_framer_reject_cb)(void *arg, lt_reject_t reason);

typedef struct {
    /* Private: the state machine. */
    int state;
    size_t max_message_bytes;
    size_t frame_len;   /* octet counting: bytes of the current frame still expected */
    size_t digits;      /* octet counting: length digits seen so far */
    bool discarding;    /* skipping an oversize or broken frame to its end */
    char *buf;          /* holds a message split across feeds; max_message_bytes + 1 bytes,
                           allocated on first need and kept until lt_framer_free */
    size_t buf_len;
    size_t buf_cap;     /* bytes allocated at buf (a reload may have changed the limit) */
    lt_framer_message_cb on_message;
    lt_framer_reject_cb on_reject;
    void *arg;
} lt_framer_t;

/* Prepares f; allocates nothing. Messages longer than max_message_bytes (counted after the
 * trailer is stripped, so an octet-counted frame may be max_message_bytes + 1 long when its
 * last byte is LF or NUL) are reported as LT_REJECT_OVERSIZE and skipped to their end without
 * being buffered. Either callback may be NULL. */
void lt_framer_init(lt_framer_t *f, size_t max_message_bytes, lt_framer_message_cb on_message,
                    lt_framer_reject_cb on_reject, void *arg);

/* Changes the limit between two feeds (a configuration reload). Messages completed after the
 * call are held to the new limit; a counted frame already accepted under the old one keeps
 * the room it was promised, and a longer limit grows the buffer. */
void lt_framer_set_max_message_bytes(lt_framer_t *f, size_t max_message_bytes);

/* Consumes all n bytes, calling back for every message they complete. Never fails. A digit
 * that starts a frame commits it to octet counting: a length that is not 1-10 digits without
 * a leading zero followed by SP is LT_REJECT_BAD_FRAME, and the stream resynchronises after
 * the next LF. LF, CR and NUL between frames are skipped. */
void lt_framer_feed(lt_framer_t *f, const char *p, size_t n);

/* End of stream: a partial message left is reported as LT_REJECT_TRUNCATED, unless it is only
 * whitespace. A partial octet-count header is truncated too; the rest of a frame already
 * reported (oversize or bad frame) is not reported again. The framer is then ready for a new
 * stream and keeps its buffer. */
void lt_framer_finish(lt_framer_t *f);

/* True while part of a message is pending: exactly when lt_framer_finish would report
 * LT_REJECT_TRUNCATED (for idle accounting and tests). */
bool lt_framer_is_mid_message(const lt_framer_t *f);

/* Releases the buffer. */
void lt_framer_free(lt_framer_t *f);

/* For datagrams (RFC 5426): strips one trailing LF, CRLF or NUL from p[0..n) and returns the
 * new length. */
size_t lt_framer_strip_trailer(const char *p, size_t n);

#endif
