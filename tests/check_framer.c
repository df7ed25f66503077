/* SPDX-License-Identifier: MIT */
/* Tests of src/framer.c: every frame shape of RFC 6587 and the deviations real senders use,
 * fed whole, split at every point, split at every pair of points and byte by byte, must give
 * the same messages and rejects, byte for byte. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_framer.h"
#include "check_run.h"

#define MAX_EVENTS 64
#define MAX_BYTES 16384

/* One callback as recorded: a message (with its bytes) or a reject reason. */
typedef struct {
    char kind; /* 'M' message, 'R' reject */
    lt_reject_t reason;
    size_t off; /* message bytes in rec_t.bytes */
    size_t n;
    bool in_place; /* pointed into the buffer being fed */
} event_t;

typedef struct {
    event_t ev[MAX_EVENTS];
    size_t nev;
    char bytes[MAX_BYTES];
    size_t nbytes;
    const char *cur; /* the buffer being fed, to tell zero-copy deliveries */
    size_t cur_n;
    const lt_framer_t *f;
    bool bad_pointer; /* a message pointed neither into the fed buffer nor into f->buf */
    bool overflow;
} rec_t;

/* An expected callback. */
typedef struct {
    char kind;
    lt_reject_t reason;
    const char *p;
    size_t n;
} want_t;

#define M(lit) {'M', 0, (lit), sizeof(lit) - 1}
#define R(reason) {'R', LT_REJECT_##reason, NULL, 0}
#define NWANT(a) (sizeof(a) / sizeof((a)[0]))

static void on_message(void *arg, const char *p, size_t n)
{
    rec_t *r = arg;
    if (r->nev == MAX_EVENTS || r->nbytes + n > MAX_BYTES) {
        r->overflow = true;
        return;
    }
    bool in_place = r->cur != NULL && p >= r->cur && p + n <= r->cur + r->cur_n;
    bool in_buf = r->f->buf != NULL && p >= r->f->buf &&
                  p + n <= r->f->buf + r->f->max_message_bytes + 1;
    if (!in_place && !in_buf)
        r->bad_pointer = true;
    memcpy(r->bytes + r->nbytes, p, n);
    r->ev[r->nev++] = (event_t){'M', 0, r->nbytes, n, in_place};
    r->nbytes += n;
}

static void on_reject(void *arg, lt_reject_t reason)
{
    rec_t *r = arg;
    if (r->nev == MAX_EVENTS) {
        r->overflow = true;
        return;
    }
    r->ev[r->nev++] = (event_t){'R', reason, 0, 0, false};
}

/* Feeds one piece from its own exactly-sized heap copy, poisoned and freed afterwards, so a
 * framer that kept a pointer into an earlier feed reads garbage (or trips ASan). */
static void feed_piece(lt_framer_t *f, rec_t *r, const char *p, size_t n)
{
    char *copy = malloc(n > 0 ? n : 1);
    ck_assert_ptr_nonnull(copy);
    if (n > 0)
        memcpy(copy, p, n);
    r->cur = copy;
    r->cur_n = n;
    lt_framer_feed(f, copy, n);
    memset(copy, 'X', n);
    r->cur = NULL;
    r->cur_n = 0;
    free(copy);
}

/* Feeds data split at the given sorted offsets, then finishes the stream. */
static void run_split(lt_framer_t *f, rec_t *r, const char *data, size_t len, const size_t *cuts,
                      size_t ncuts)
{
    size_t at = 0;
    for (size_t c = 0; c < ncuts; c++) {
        feed_piece(f, r, data + at, cuts[c] - at);
        at = cuts[c];
    }
    feed_piece(f, r, data + at, len - at);
    lt_framer_finish(f);
}

/* Prints bytes with escapes, for failure messages; rotates buffers so that one message can
 * show several inputs. */
static const char *escape(const char *p, size_t n)
{
    static char bufs[3][4096];
    static unsigned next;
    char *out = bufs[next++ % 3];
    size_t o = 0;
    for (size_t i = 0; i < n && o + 8 < sizeof(bufs[0]); i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, sizeof(bufs[0]) - o, "\\x%02x", c);
    }
    out[o] = '\0';
    return out;
}

/* Asserts that r holds exactly the wanted callbacks; how says how the input was fed. */
static void expect(const rec_t *r, const want_t *want, size_t nwant, const char *data, size_t len,
                   const char *how)
{
    ck_assert_msg(!r->overflow, "recorder overflow for input \"%s\" (%s)", escape(data, len), how);
    ck_assert_msg(!r->bad_pointer,
                  "message pointer outside fed buffer and f->buf, input \"%s\" (%s)",
                  escape(data, len), how);
    ck_assert_msg(r->nev == nwant, "%zu callbacks, want %zu, input \"%s\" (%s)", r->nev, nwant,
                  escape(data, len), how);
    for (size_t i = 0; i < nwant; i++) {
        const event_t *e = &r->ev[i];
        ck_assert_msg(e->kind == want[i].kind, "callback %zu is %c, want %c, input \"%s\" (%s)", i,
                      e->kind, want[i].kind, escape(data, len), how);
        if (e->kind == 'R') {
            ck_assert_msg(e->reason == want[i].reason,
                          "callback %zu reject %s, want %s, input \"%s\" (%s)", i,
                          lt_reject_name(e->reason), lt_reject_name(want[i].reason),
                          escape(data, len), how);
            continue;
        }
        bool same = e->n == want[i].n && memcmp(r->bytes + e->off, want[i].p, e->n) == 0;
        if (!same)
            ck_abort_msg("message %zu is \"%s\", want \"%s\", input \"%s\" (%s)", i,
                         escape(r->bytes + e->off, e->n), escape(want[i].p, want[i].n),
                         escape(data, len), how);
    }
}

static void check_fed(size_t max, const char *data, size_t len, const size_t *cuts, size_t ncuts,
                      const want_t *want, size_t nwant, const char *how)
{
    static rec_t r;
    lt_framer_t f;
    memset(&r, 0, sizeof(r));
    lt_framer_init(&f, max, on_message, on_reject, &r);
    r.f = &f;
    run_split(&f, &r, data, len, cuts, ncuts);
    expect(&r, want, nwant, data, len, how);
    ck_assert_msg(!lt_framer_is_mid_message(&f), "mid message after finish (%s)", how);
    lt_framer_free(&f);
}

/* Whole, every single split point, and byte by byte. */
static void check_all_splits(size_t max, const char *data, size_t len, const want_t *want,
                             size_t nwant)
{
    char how[64];
    check_fed(max, data, len, NULL, 0, want, nwant, "whole");
    for (size_t s = 0; s <= len; s++) {
        snprintf(how, sizeof(how), "split at %zu", s);
        check_fed(max, data, len, &s, 1, want, nwant, how);
    }
    size_t *cuts = malloc((len + 1) * sizeof(*cuts));
    ck_assert_ptr_nonnull(cuts);
    for (size_t s = 0; s < len; s++)
        cuts[s] = s + 1;
    check_fed(max, data, len, cuts, len > 0 ? len - 1 : 0, want, nwant, "byte by byte");
    free(cuts);
}

/* ---- the mixed stream ---------------------------------------------------------------------- */

#define MIXED_MAX 256

static char mixed[4096];
static size_t mixed_len;

static void put(const char *p, size_t n)
{
    ck_assert(mixed_len + n <= sizeof(mixed));
    memcpy(mixed + mixed_len, p, n);
    mixed_len += n;
}

#define PUT(lit) put((lit), sizeof(lit) - 1)

/* Appends "MSG-LEN SP" and the frame. */
static void put_counted(const char *p, size_t n)
{
    char hdr[32];
    int h = snprintf(hdr, sizeof(hdr), "%zu ", n);
    put(hdr, (size_t)h);
    put(p, n);
}

#define PUT_COUNTED(lit) put_counted((lit), sizeof(lit) - 1)

#define MIXED_TAIL "<17>partial at end"
#define MSG_5424 "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - An event"
#define MSG_3164 "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"
#define MSG_TRACE "<11>1 - h app - - - boom\n  at f (a.c:1)\n  at main (a.c:9)"
#define MSG_LOGGEN                                                                              \
    "<38>1 2026-11-25T03:20:21+00:00 localhost prg00000 1234 - - \xEF\xBB\xBFseq: 0000000000"

static void build_mixed(void)
{
    char big[MIXED_MAX + 50];
    mixed_len = 0;
    PUT("\r\n\0\n");
    PUT_COUNTED(MSG_5424);
    PUT(MSG_3164 "\n");
    PUT("<13>crlf line\r\n");
    PUT("<13>nul ended");
    PUT("\0");
    PUT("<13>lf then nul\n");
    PUT("\0");
    PUT_COUNTED(MSG_TRACE);
    PUT_COUNTED(MSG_LOGGEN "\n");
    PUT_COUNTED("<14>counted crlf\r\n");
    PUT("12a bad length\n");
    memset(big, 'o', sizeof(big));
    put_counted(big, sizeof(big)); /* oversize, octet counted */
    PUT("<15>after counted oversize\n");
    put(big, sizeof(big));         /* oversize, LF framed */
    PUT("\n\n<15>after line oversize\r\n");
    PUT_COUNTED("<16>trailing nul\0");
    PUT(MIXED_TAIL);
}

static const want_t mixed_want[] = {
    M(MSG_5424),
    M(MSG_3164),
    M("<13>crlf line"),
    M("<13>nul ended"),
    M("<13>lf then nul"),
    M(MSG_TRACE),
    M(MSG_LOGGEN),
    M("<14>counted crlf"),
    R(BAD_FRAME),
    R(OVERSIZE),
    M("<15>after counted oversize"),
    R(OVERSIZE),
    M("<15>after line oversize"),
    M("<16>trailing nul"),
    R(TRUNCATED),
};

START_TEST(test_framer_mixed_whole)
{
    static rec_t r;
    lt_framer_t f;
    build_mixed();
    memset(&r, 0, sizeof(r));
    lt_framer_init(&f, MIXED_MAX, on_message, on_reject, &r);
    r.f = &f;
    feed_piece(&f, &r, mixed, mixed_len);
    ck_assert(lt_framer_is_mid_message(&f));
    lt_framer_finish(&f);
    expect(&r, mixed_want, NWANT(mixed_want), mixed, mixed_len, "whole");
    /* Fed in one piece, every message is a slice of the input: nothing was copied. */
    for (size_t i = 0; i < r.nev; i++)
        if (r.ev[i].kind == 'M')
            ck_assert_msg(r.ev[i].in_place, "message %zu was copied though fed whole", i);
    lt_framer_free(&f);

    /* Without the partial tail nothing is left over, so the split buffer is never allocated. */
    memset(&r, 0, sizeof(r));
    lt_framer_init(&f, MIXED_MAX, on_message, on_reject, &r);
    r.f = &f;
    feed_piece(&f, &r, mixed, mixed_len - (sizeof(MIXED_TAIL) - 1));
    ck_assert(!lt_framer_is_mid_message(&f));
    ck_assert_msg(f.buf == NULL, "whole feed of complete frames allocated the split buffer");
    lt_framer_free(&f);
}
END_TEST

START_TEST(test_framer_mixed_every_split)
{
    build_mixed();
    check_all_splits(MIXED_MAX, mixed, mixed_len, mixed_want, NWANT(mixed_want));
}
END_TEST

/* A short stream with every shape, small enough for every pair of split points. */
static const char short_stream[] = "\n3 abc\r\0<1>x\r\n4 a\nb\n\0<2>y\0007a z\n9 123456789"
                                   "<3>toolong!\n4 ok\r\n<4>tail";
static const want_t short_want[] = {
    M("abc"),    M("<1>x"),  M("a\nb"),    M("<2>y"), R(BAD_FRAME), R(OVERSIZE),
    R(OVERSIZE), M("ok"),    R(TRUNCATED),
};

START_TEST(test_framer_short_every_split_pair)
{
    const size_t len = sizeof(short_stream) - 1;
    char how[64];
    check_all_splits(8, short_stream, len, short_want, NWANT(short_want));
    for (size_t a = 0; a <= len; a++) {
        for (size_t b = a; b <= len; b++) {
            size_t cuts[2] = {a, b};
            snprintf(how, sizeof(how), "split at %zu and %zu", a, b);
            check_fed(8, short_stream, len, cuts, 2, short_want, NWANT(short_want), how);
        }
    }
}
END_TEST

START_TEST(test_framer_oversize_counted_then_good)
{
    static const char in[] = "20 aaaaaaaaaaaaaaaaaaaa5 hello\n11 <13>ok fram3 bye";
    static const want_t want[] = {R(OVERSIZE), M("hello"), R(OVERSIZE), M("bye")};
    check_all_splits(10, in, sizeof(in) - 1, want, NWANT(want));
}
END_TEST

START_TEST(test_framer_oversize_line_then_good)
{
    static const char in[] = "<13>this line is too long\n<13>short\n<13>long and NUL ended\0"
                             "<13>fine\r\n<13>abcdefg\r\n<13>last\n";
    static const want_t want[] = {R(OVERSIZE), M("<13>short"), R(OVERSIZE), M("<13>fine"),
                                  R(OVERSIZE), M("<13>last")};
    check_all_splits(10, in, sizeof(in) - 1, want, NWANT(want));
}
END_TEST

START_TEST(test_framer_bad_lengths_then_good)
{
    /* Each bad header costs its line and only its line. "12\n" breaks on the LF itself, so
     * the next line is kept. */
    static const char in[] = "12a junk\n<13>one\n"
                             "012 <13>lead zero\n<13>two\n"
                             "12345678901 eleven digits\n<13>three\n"
                             "0 \n<13>four\n"
                             "12\n<13>five\n"
                             "7\t<13>tab\n7 <13>six"
                             "1234567890 ";
    static const want_t want[] = {R(BAD_FRAME), M("<13>one"),  R(BAD_FRAME), M("<13>two"),
                                  R(BAD_FRAME), M("<13>three"), R(BAD_FRAME), M("<13>four"),
                                  R(BAD_FRAME), M("<13>five"), R(BAD_FRAME), M("<13>six"),
                                  /* ten digits is a length, just a huge one */
                                  R(OVERSIZE)};
    check_all_splits(64, in, sizeof(in) - 1, want, NWANT(want));
}
END_TEST

START_TEST(test_framer_truncated_at_finish)
{
    static const struct {
        const char *in;
        size_t len;
        bool truncated;
    } cases[] = {
        {"<13>no trailer", 14, true},
        {"10 <13>abc", 10, true},  /* counted frame short of its length */
        {"10 ", 3, true},          /* header only */
        {"12", 2, true},           /* partial header */
        {"1", 1, true},
        {"   \t", 4, false},       /* only whitespace */
        {"\n\r\0\n", 4, false},    /* only separators */
        {"<13>done\n", 9, false},
        {"3 abc", 5, false},
        {"", 0, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        static const want_t trunc[] = {R(TRUNCATED)};
        rec_t *r = calloc(1, sizeof(*r));
        lt_framer_t f;
        ck_assert_ptr_nonnull(r);
        lt_framer_init(&f, 64, NULL, on_reject, r);
        r->f = &f;
        lt_framer_feed(&f, cases[i].in, cases[i].len);
        ck_assert_msg(lt_framer_is_mid_message(&f) == cases[i].truncated,
                      "is_mid_message wrong for input \"%s\"", escape(cases[i].in, cases[i].len));
        lt_framer_finish(&f);
        expect(r, trunc, cases[i].truncated ? 1 : 0, cases[i].in, cases[i].len, "finish");
        /* Reset for a new stream: a second finish reports nothing more. */
        lt_framer_finish(&f);
        expect(r, trunc, cases[i].truncated ? 1 : 0, cases[i].in, cases[i].len, "2nd finish");
        lt_framer_free(&f);
        free(r);
    }
}
END_TEST

START_TEST(test_framer_huge_claimed_length)
{
    /* The header claims 16 MB; a few bytes follow, then the peer closes. The oversize is
     * reported at the header and not again as truncated at finish: one frame, one reject. */
    static const char in[] = "16777216 <13>abc";
    static const want_t want[] = {R(OVERSIZE)};
    static rec_t r;
    lt_framer_t f;
    memset(&r, 0, sizeof(r));
    lt_framer_init(&f, 65536, on_message, on_reject, &r);
    r.f = &f;
    for (size_t i = 0; i < sizeof(in) - 1; i++)
        feed_piece(&f, &r, in + i, 1);
    ck_assert(!lt_framer_is_mid_message(&f));
    lt_framer_finish(&f);
    expect(&r, want, 1, in, sizeof(in) - 1, "byte by byte, then finish");
    ck_assert_msg(f.buf == NULL, "a skipped frame allocated the buffer");

    /* After finish the framer is fresh: a new stream frames normally. */
    static const want_t want2[] = {R(OVERSIZE), M("hello")};
    feed_piece(&f, &r, "5 hello", 7);
    lt_framer_finish(&f);
    expect(&r, want2, 2, "5 hello", 7, "after finish");
    lt_framer_free(&f);

    check_all_splits(65536, in, sizeof(in) - 1, want, NWANT(want));
}
END_TEST

START_TEST(test_framer_max_boundary)
{
    /* max 16: the limit counts the message after its trailer is stripped, in both methods. */
    static const char in[] = "abcdefghijklmnop\n"      /* 16 + LF: accepted */
                             "abcdefghijklmnopq\n"     /* 17 + LF: oversize */
                             "abcdefghijklmno\r\r\n"   /* 16 ending in CR, + CRLF: accepted */
                             "abcdefghijklmnop\r\n"    /* 16 + CRLF: accepted */
                             "abcdefghijklmnop\r\0"    /* 17 (CR kept before NUL): oversize */
                             "16 0123456789ABCDEF"     /* 16: accepted */
                             "17 0123456789ABCDEFG"    /* 17: oversize */
                             "17 0123456789ABCDEF\n"   /* 16 + LF inside: accepted */
                             "17 0123456789ABCDEF\0"   /* 16 + NUL inside: accepted */
                             "18 0123456789ABCDEF\r\n" /* beyond max + 1: oversize, unread */
                             "<13>end\n";
    static const want_t want[] = {
        M("abcdefghijklmnop"), R(OVERSIZE),           M("abcdefghijklmno\r"),
        M("abcdefghijklmnop"), R(OVERSIZE),           M("0123456789ABCDEF"),
        R(OVERSIZE),           M("0123456789ABCDEF"), M("0123456789ABCDEF"),
        R(OVERSIZE),           M("<13>end"),
    };
    check_all_splits(16, in, sizeof(in) - 1, want, NWANT(want));

    /* Cut off at max + 1 bytes: already too long, unless the last byte is a CR that an LF
     * could still strip. */
    static const char over[] = "abcdefghijklmnopq";
    static const want_t want_over[] = {R(OVERSIZE)};
    check_all_splits(16, over, sizeof(over) - 1, want_over, NWANT(want_over));
    static const char cr[] = "abcdefghijklmnop\r";
    static const want_t want_cr[] = {R(TRUNCATED)};
    check_all_splits(16, cr, sizeof(cr) - 1, want_cr, NWANT(want_cr));
}
END_TEST

START_TEST(test_framer_zero_copy)
{
    static rec_t r;
    lt_framer_t f;
    memset(&r, 0, sizeof(r));
    lt_framer_init(&f, 64, on_message, on_reject, &r);
    r.f = &f;

    /* A header in one feed and its whole message in the next: still in place. */
    feed_piece(&f, &r, "5 ", 2);
    feed_piece(&f, &r, "hello", 5);
    ck_assert_uint_eq(r.nev, 1);
    ck_assert(r.ev[0].in_place);
    ck_assert_ptr_null(f.buf);
    feed_piece(&f, &r, "<13>a", 5);

    /* Split messages are copied, into one buffer that is reused. */
    feed_piece(&f, &r, "bc\n5 wor", 8);
    ck_assert_uint_eq(r.nev, 2);
    ck_assert(!r.ev[1].in_place);
    char *buf = f.buf;
    ck_assert_ptr_nonnull(buf);
    feed_piece(&f, &r, "ld<13>x", 7);
    feed_piece(&f, &r, "y\n", 2);
    ck_assert_uint_eq(r.nev, 4);
    ck_assert(!r.ev[2].in_place && !r.ev[3].in_place);
    ck_assert_ptr_eq(f.buf, buf);
    lt_framer_finish(&f);
    ck_assert_ptr_eq(f.buf, buf);

    static const want_t want[] = {M("hello"), M("<13>abc"), M("world"), M("<13>xy")};
    expect(&r, want, NWANT(want), "5 hello<13>abc\n5 world<13>xy\n", 29, "zero copy");
    lt_framer_free(&f);
    ck_assert_ptr_null(f.buf);
}
END_TEST

START_TEST(test_framer_strip_trailer)
{
    static const struct {
        const char *in;
        size_t len;
        size_t want;
    } cases[] = {
        {"abc", 3, 3},     {"abc\n", 4, 3},   {"abc\r\n", 5, 3}, {"abc", 4, 3}, /* NUL */
        {"abc\n\n", 5, 4}, {"abc\r", 4, 4},   {"abc\n\0", 5, 4}, {"\n", 1, 0},
        {"\r\n", 2, 0},    {"", 1, 0},        {"", 0, 0},        {"a\r\r\n", 4, 2},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t got = lt_framer_strip_trailer(cases[i].in, cases[i].len);
        ck_assert_msg(got == cases[i].want, "strip_trailer(\"%s\") = %zu, want %zu",
                      escape(cases[i].in, cases[i].len), got, cases[i].want);
    }
}
END_TEST

START_TEST(test_framer_null_callbacks)
{
    /* With no callbacks the framer still runs through every state. */
    lt_framer_t f;
    lt_framer_init(&f, 8, NULL, NULL, NULL);
    lt_framer_feed(&f, short_stream, sizeof(short_stream) - 1);
    lt_framer_finish(&f);
    ck_assert(!lt_framer_is_mid_message(&f));
    lt_framer_free(&f);
}
END_TEST

/* A reload changes the limit between feeds: a longer limit grows the split-message buffer, a
 * counted frame accepted under the old limit is still held whole (then judged by the new one),
 * and later messages meet the new limit. ASan would catch a buffer that did not keep up. */
typedef struct {
    int messages, rejects;
    char last[64];
} limit_rec_t;

static void limit_message(void *arg, const char *p, size_t n)
{
    limit_rec_t *r = arg;
    r->messages++;
    snprintf(r->last, sizeof(r->last), "%.*s", (int)n, p);
}

static void limit_reject(void *arg, lt_reject_t reason)
{
    limit_rec_t *r = arg;
    ck_assert_int_eq(reason, LT_REJECT_OVERSIZE);
    r->rejects++;
}

static void feed_str(lt_framer_t *f, const char *s)
{
    char *copy = strdup(s); /* its own allocation, so ASan sees any read past it */
    lt_framer_feed(f, copy, strlen(copy));
    free(copy);
}

START_TEST(test_framer_set_max_message_bytes)
{
    limit_rec_t r = {0};
    lt_framer_t f;
    lt_framer_init(&f, 10, limit_message, limit_reject, &r);
    feed_str(&f, "<13>0123456789\n");
    ck_assert_int_eq(r.rejects, 1);
    feed_str(&f, "<13>abc"); /* buffered in 11 bytes */
    lt_framer_set_max_message_bytes(&f, 30);
    feed_str(&f, "defghijklmnopq\n");
    ck_assert_int_eq(r.messages, 1);
    ck_assert_str_eq(r.last, "<13>abcdefghijklmnopq");

    /* A 25-byte frame accepted under 30, then the limit drops to 5 mid-frame. */
    feed_str(&f, "25 <13>abcde");
    lt_framer_set_max_message_bytes(&f, 5);
    feed_str(&f, "fghijklmnopqrstu");
    ck_assert_int_eq(r.messages, 1);
    ck_assert_int_eq(r.rejects, 2);
    feed_str(&f, "3 abc<13>xy\n");
    ck_assert_int_eq(r.messages, 2);
    ck_assert_str_eq(r.last, "abc");
    ck_assert_int_eq(r.rejects, 3);
    lt_framer_free(&f);

    /* The same with nothing buffered yet when the limit drops: the header alone was read. */
    lt_framer_init(&f, 30, limit_message, limit_reject, &r);
    feed_str(&f, "25 ");
    lt_framer_set_max_message_bytes(&f, 5);
    feed_str(&f, "<13>abcdefghij");
    feed_str(&f, "klmnopqrstu");
    ck_assert_int_eq(r.rejects, 4);
    feed_str(&f, "<1>ok\n");
    ck_assert_int_eq(r.messages, 3);
    ck_assert_str_eq(r.last, "<1>ok");
    lt_framer_free(&f);
}
END_TEST

static Suite *framer_suite(void)
{
    Suite *s = suite_create("framer");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_framer_mixed_whole);
    tcase_add_test(tc, test_framer_mixed_every_split);
    tcase_add_test(tc, test_framer_short_every_split_pair);
    tcase_add_test(tc, test_framer_oversize_counted_then_good);
    tcase_add_test(tc, test_framer_oversize_line_then_good);
    tcase_add_test(tc, test_framer_bad_lengths_then_good);
    tcase_add_test(tc, test_framer_truncated_at_finish);
    tcase_add_test(tc, test_framer_huge_claimed_length);
    tcase_add_test(tc, test_framer_max_boundary);
    tcase_add_test(tc, test_framer_zero_copy);
    tcase_add_test(tc, test_framer_strip_trailer);
    tcase_add_test(tc, test_framer_null_callbacks);
    tcase_add_test(tc, test_framer_set_max_message_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(framer_suite());
}
