/* SPDX-License-Identifier: MIT */
/* Fuzz harness for src/framer.c. The first input bytes choose max_message_bytes, the mode and
 * the split points; the rest is the stream. Every stream is framed three ways (one feed,
 * the chosen splits, and again on the same framer after lt_framer_finish) and the three
 * results must be identical; in LF-only mode (digits replaced, so no octet counting) they
 * must also equal a reference model written from the rules in lt_framer.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lt_framer.h"

#define HEADER_BYTES 6

/* What the framer reported: messages (bytes kept in one arena) and rejections, in order. */
typedef struct {
    char kind;   /* 'm' message, 'r' rejection */
    int reason;  /* lt_reject_t for 'r' */
    size_t off;  /* message bytes in arena */
    size_t len;
} item_t;

typedef struct {
    item_t *items;
    size_t count, cap;
    char *arena;
    size_t used, arena_cap;
    size_t max;
    bool is_lf_only;
} trace_t;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_framer: invariant broken: %s\n", what);
    abort();
}

static item_t *push(trace_t *t)
{
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->items = realloc(t->items, t->cap * sizeof(*t->items));
    }
    return &t->items[t->count++];
}

static void on_message(void *arg, const char *p, size_t n)
{
    trace_t *t = arg;
    if (n == 0)
        fail("empty message delivered");
    if (n > t->max)
        fail("message longer than max_message_bytes");
    /* A message ended by LF or NUL cannot hold its own trailer. */
    if (t->is_lf_only && (memchr(p, '\n', n) != NULL || memchr(p, '\0', n) != NULL))
        fail("LF-framed message contains LF or NUL");
    if (t->used + n > t->arena_cap)
        fail("messages hold more bytes than the stream");
    memcpy(t->arena + t->used, p, n);
    *push(t) = (item_t){'m', 0, t->used, n};
    t->used += n;
}

static void on_reject(void *arg, lt_reject_t reason)
{
    trace_t *t = arg;
    if (reason != LT_REJECT_OVERSIZE && reason != LT_REJECT_BAD_FRAME &&
        reason != LT_REJECT_TRUNCATED)
        fail("unexpected reject reason");
    *push(t) = (item_t){'r', (int)reason, 0, 0};
}

static void trace_init(trace_t *t, size_t max, bool is_lf_only, size_t stream_len)
{
    memset(t, 0, sizeof(*t));
    t->max = max;
    t->is_lf_only = is_lf_only;
    t->arena_cap = stream_len;
    t->arena = malloc(stream_len > 0 ? stream_len : 1);
}

static void trace_free(trace_t *t)
{
    free(t->items);
    free(t->arena);
}

static bool trace_equal(const trace_t *a, const trace_t *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const item_t *x = &a->items[i], *y = &b->items[i];
        if (x->kind != y->kind || x->reason != y->reason || x->len != y->len ||
            memcmp(a->arena + x->off, b->arena + y->off, x->len) != 0)
            return false;
    }
    return true;
}

/* xorshift32: split points from the header bytes, so that every input replays the same. */
static uint32_t next_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The LF-framing rules of lt_framer.h, written without a state machine: split at LF and
 * NUL, drop leading CRs (between frames), strip the CR of a CRLF, skip empty messages,
 * reject those over max; a partial last line is oversize when it can no longer fit, else
 * truncated when it holds more than blanks. */
static void reference_lf(trace_t *t, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (p[i] == '\r' || p[i] == '\n' || p[i] == '\0'))
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && p[i] != '\n' && p[i] != '\0')
            i++;
        size_t len = i - start;
        if (i == n) {
            if (len > t->max + 1 || (len == t->max + 1 && p[n - 1] != '\r')) {
                on_reject(t, LT_REJECT_OVERSIZE);
            } else {
                for (size_t k = start; k < n; k++)
                    if (!is_blank(p[k])) {
                        on_reject(t, LT_REJECT_TRUNCATED);
                        break;
                    }
            }
            break;
        }
        if (p[i] == '\n' && len > 0 && p[i - 1] == '\r')
            len--;
        i++;
        if (len > t->max)
            on_reject(t, LT_REJECT_OVERSIZE);
        else
            on_message(t, p + start, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER_BYTES)
        return 0;
    /* max_message_bytes 1..1024: small enough that oversize paths are common. */
    size_t max = 1 + ((size_t)data[0] | ((size_t)(data[1] & 0x03) << 8));
    bool is_lf_only = (data[1] & 0x80) != 0;
    uint32_t seed = (uint32_t)data[2] | (uint32_t)data[3] << 8 | (uint32_t)data[4] << 16 |
                    (uint32_t)data[5] << 24 | 1u;
    size_t n = size - HEADER_BYTES;
    char *stream = malloc(n > 0 ? n : 1);
    memcpy(stream, data + HEADER_BYTES, n);
    if (is_lf_only) {
        for (size_t i = 0; i < n; i++)
            if (stream[i] >= '0' && stream[i] <= '9')
                stream[i] = (char)('a' + stream[i] - '0');
    }

    trace_t whole, split, again;
    trace_init(&whole, max, is_lf_only, n);
    trace_init(&split, max, is_lf_only, n);
    trace_init(&again, max, is_lf_only, n);

    lt_framer_t f;
    lt_framer_init(&f, max, on_message, on_reject, &whole);
    lt_framer_feed(&f, stream, n);
    lt_framer_finish(&f);
    if (lt_framer_is_mid_message(&f))
        fail("mid-message after finish");

    /* Same stream, split at random points; each piece in its own buffer so that ASan sees
     * any read past a piece's end. */
    lt_framer_t g;
    lt_framer_init(&g, max, on_message, on_reject, &split);
    for (size_t i = 0; i < n;) {
        size_t k = 1 + next_rand(&seed) % (next_rand(&seed) % 4 == 0 ? 2 * max + 8 : 16);
        if (k > n - i)
            k = n - i;
        char *piece = malloc(k);
        memcpy(piece, stream + i, k);
        lt_framer_feed(&g, piece, k);
        free(piece);
        i += k;
    }
    size_t before = split.count;
    bool was_mid = lt_framer_is_mid_message(&g);
    lt_framer_finish(&g);
    bool truncated = split.count > before && split.items[split.count - 1].kind == 'r' &&
                     split.items[split.count - 1].reason == LT_REJECT_TRUNCATED;
    if (was_mid != truncated)
        fail("lt_framer_is_mid_message disagrees with lt_framer_finish");

    /* The framer is ready for a new stream after finish, buffer and all. */
    g.arg = &again;
    lt_framer_feed(&g, stream, n);
    lt_framer_finish(&g);

    if (!trace_equal(&whole, &split))
        fail("split feeding differs from one feed");
    if (!trace_equal(&whole, &again))
        fail("second stream on the same framer differs");
    if (is_lf_only) {
        trace_t ref;
        trace_init(&ref, max, true, n);
        reference_lf(&ref, stream, n);
        if (!trace_equal(&whole, &ref))
            fail("LF framing differs from the reference model");
        trace_free(&ref);
    }

    lt_framer_free(&f);
    lt_framer_free(&g);
    trace_free(&whole);
    trace_free(&split);
    trace_free(&again);
    free(stream);
    return 0;
}
