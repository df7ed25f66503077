/* SPDX-License-Identifier: MIT */
/* The event ring: one array of fixed-size slots, each a sequence word followed by the event
 * packed into relaxed atomic 64-bit words. A ticket from one atomic add picks the slot, and
 * the sequence word both locks the slot for its writer and tells readers which ticket the
 * slot holds. The protocol is described in lt_ring.h. */
#include "lt_ring.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lt_alloc.h"

#define WORDS(bytes) (((bytes) + 7) / 8)

/* Word offsets inside a slot. */
enum {
    W_SEQ,
    W_RECEIVED_MS,
    W_EVENT_MS,
    W_META, /* level | (facility + 1) << 8 | transport << 16 | is_truncated << 24 | msg_len << 32 */
    W_LENS, /* host_len | app_len << 16 | peer_len << 32 */
    W_HOST,
    W_APP = W_HOST + WORDS(LT_RING_HOST_BYTES),
    W_PEER = W_APP + WORDS(LT_RING_APP_BYTES),
    W_MSG = W_PEER + WORDS(LT_RING_PEER_BYTES),
};

/* How often a writer retries its claim when other writers keep storing older tickets into
 * its slot between its load and its CAS. Each retry needs yet another lapped writer to
 * finish, so this is never reached in practice; it keeps the push wait-free. */
#define CLAIM_ATTEMPTS 8

struct lt_ring_s {
    _Atomic uint64_t *words; /* slots * stride words */
    size_t slots;
    size_t stride; /* words per slot, a multiple of 8 (a 64-byte cache line) */
    size_t max_message_bytes;
    lt_level_t min_level;
    char pad[64];         /* keep the writers' hot counters off the line read above */
    lt_counter_t head;    /* next ticket = events pushed */
    lt_counter_t dropped; /* newer events dropped because a lapped writer held the slot */
    uint64_t overwritten_base; /* carried over from the ring this one replaced */
};

static inline uint64_t seq_writing(uint64_t ticket)
{
    return 2 * ticket + 1;
}

static inline uint64_t seq_stored(uint64_t ticket)
{
    return 2 * ticket + 2;
}

/* The ticket a non-zero sequence word belongs to, written or being written. */
static inline uint64_t seq_ticket(uint64_t seq)
{
    return (seq - 1) / 2;
}

static inline _Atomic uint64_t *slot_of(const lt_ring_t *r, uint64_t ticket)
{
    return r->words + (size_t)(ticket % r->slots) * r->stride;
}

/* Cuts s to at most max bytes without splitting a UTF-8 sequence, so that the query's JSON
 * output stays valid text. */
static size_t utf8_cut(const char *p, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t cut = max;
    /* Back up over continuation bytes (10xxxxxx) to the lead byte, at most three. */
    while (cut > 0 && cut > max - 3 && ((unsigned char)p[cut] & 0xc0) == 0x80)
        cut--;
    return cut;
}

int lt_ring_new(lt_ring_t **ring, size_t slots, size_t max_message_bytes, lt_level_t min_level)
{
    *ring = NULL;
    if (slots < 1 || slots > LT_RING_MAX_SLOTS || max_message_bytes < LT_RING_MIN_MESSAGE_BYTES ||
        max_message_bytes > LT_RING_MAX_MESSAGE_BYTES || (unsigned)min_level >= LT_LEVEL_COUNT)
        return UV_EINVAL;

    size_t stride = (W_MSG + WORDS(max_message_bytes) + 7) / 8 * 8;
    /* The size comes from the configuration: refuse what cannot be allocated with an error
     * the caller can report, rather than aborting as lt_calloc would. Zeroed memory is the
     * empty ring (every sequence word 0). At most 10^7 * 2^17 words: no overflow. */
    _Atomic uint64_t *words = calloc(slots * stride, sizeof(*words));
    if (words == NULL)
        return UV_ENOMEM;

    lt_ring_t *r = lt_calloc(1, sizeof(*r));
    r->words = words;
    r->slots = slots;
    r->stride = stride;
    r->max_message_bytes = max_message_bytes;
    r->min_level = min_level;
    *ring = r;
    return 0;
}

void lt_ring_free(lt_ring_t *ring)
{
    if (ring == NULL)
        return;
    free(ring->words);
    lt_free(ring);
}

bool lt_ring_wants(const lt_ring_t *ring, lt_level_t level)
{
    return (unsigned)level <= (unsigned)ring->min_level;
}

/* Makes the slot this writer's (odd sequence), or decides to drop the event. */
static bool claim(lt_ring_t *r, _Atomic uint64_t *seq, uint64_t ticket)
{
    uint64_t cur = lt_acquire_u64(seq);
    for (int attempt = 0;; attempt++) {
        if (cur != 0 && seq_ticket(cur) > ticket)
            return false; /* newer there already: this event counts in pushed - slots */
        if ((cur & 1) != 0 || attempt == CLAIM_ATTEMPTS) {
            lt_counter_add(&r->dropped, 1); /* a lapped older writer holds the slot */
            return false;
        }
        if (lt_cas_u64(seq, &cur, seq_writing(ticket))) {
            lt_fence_release();
            return true;
        }
    }
}

/* The strings of a slot, already cut to fit. */
typedef struct {
    const char *host;
    size_t host_n;
    const char *app;
    size_t app_n;
    const char *peer;
    size_t peer_n;
    const char *msg;
    size_t msg_n;
} slot_text_t;

static uint64_t slot_meta(lt_level_t level, int facility, lt_transport_t transport,
                          bool is_truncated, size_t msg_n)
{
    return (uint64_t)level | (uint64_t)(uint8_t)(facility + 1) << 8 |
           (uint64_t)(uint8_t)transport << 16 | (uint64_t)is_truncated << 24 |
           (uint64_t)msg_n << 32;
}

/* Fills a slot its writer holds (or no one else sees yet) and publishes ticket in it. */
static void store_slot(_Atomic uint64_t *w, uint64_t ticket, int64_t received_ms,
                       int64_t event_ms, uint64_t meta, const slot_text_t *t)
{
    lt_word_set(&w[W_RECEIVED_MS], (uint64_t)received_ms);
    lt_word_set(&w[W_EVENT_MS], (uint64_t)event_ms);
    lt_word_set(&w[W_META], meta);
    lt_word_set(&w[W_LENS], t->host_n | t->app_n << 16 | (uint64_t)t->peer_n << 32);
    lt_words_store(&w[W_HOST], t->host, t->host_n);
    lt_words_store(&w[W_APP], t->app, t->app_n);
    lt_words_store(&w[W_PEER], t->peer, t->peer_n);
    lt_words_store(&w[W_MSG], t->msg, t->msg_n);
    lt_publish_u64(&w[W_SEQ], seq_stored(ticket));
}

void lt_ring_push(lt_ring_t *ring, const lt_event_t *ev, lt_transport_t transport, const char *peer,
                  int64_t received_ms)
{
    /* Hot path: no malloc, no locks, no syscalls, no waiting. */
    if (!lt_ring_wants(ring, ev->level))
        return;
    uint64_t ticket = lt_counter_take(&ring->head, 1);
    _Atomic uint64_t *w = slot_of(ring, ticket);
    if (!claim(ring, &w[W_SEQ], ticket))
        return;

    size_t msg_n = utf8_cut(ev->msg.p, ev->msg.n, ring->max_message_bytes);
    size_t host_n = utf8_cut(ev->host.p, ev->host.n, LT_RING_HOST_BYTES);
    size_t app_n = utf8_cut(ev->app.p, ev->app.n, LT_RING_APP_BYTES);
    size_t peer_n = 0;
    if (peer != NULL)
        peer_n = utf8_cut(peer, strnlen(peer, LT_RING_PEER_BYTES + 1), LT_RING_PEER_BYTES);
    bool is_truncated = ev->msg.n > ring->max_message_bytes;
    slot_text_t text = {ev->host.p, host_n, ev->app.p, app_n, peer, peer_n, ev->msg.p, msg_n};
    store_slot(w, ticket, received_ms, ev->time_ms,
               slot_meta(ev->level, ev->facility, transport, is_truncated, msg_n), &text);
}

uint64_t lt_ring_pushed_total(const lt_ring_t *ring)
{
    return lt_counter_get(&ring->head);
}

uint64_t lt_ring_overwritten_total(const lt_ring_t *ring)
{
    uint64_t pushed = lt_counter_get(&ring->head);
    uint64_t lapped = pushed > ring->slots ? pushed - ring->slots : 0;
    return ring->overwritten_base + lapped + lt_counter_get(&ring->dropped);
}

size_t lt_ring_slots(const lt_ring_t *ring)
{
    return ring->slots;
}

size_t lt_ring_max_message_bytes(const lt_ring_t *ring)
{
    return ring->max_message_bytes;
}

lt_level_t lt_ring_min_level(const lt_ring_t *ring)
{
    return ring->min_level;
}

void lt_ring_filter_init(lt_ring_filter_t *f)
{
    f->min_level = -1;
    f->level = -1;
    f->app = LT_SLICE_NULL;
    f->host = LT_SLICE_NULL;
    f->since_ms = LT_TIME_NONE;
    f->after_seq = 0;
    f->limit = 0;
}

static bool slice_equals(lt_slice_t want, const char *s, size_t n)
{
    return want.n == n && memcmp(want.p, s, n) == 0;
}

/* Copies ticket's entry out of its slot into e (and msg) when it is still there and matches
 * f. Filtering on fields read before the final sequence check is sound: if the slot changed
 * under the reader, the ticket is gone and would be skipped anyway. */
static bool read_entry(const lt_ring_t *r, uint64_t ticket, const lt_ring_filter_t *f,
                       lt_ring_entry_t *e, char *msg)
{
    const _Atomic uint64_t *w = slot_of(r, ticket);
    uint64_t seq = lt_acquire_u64(&w[W_SEQ]);
    if (seq != seq_stored(ticket))
        return false;

    uint64_t meta = lt_word_get(&w[W_META]);
    e->seq = ticket + 1;
    e->received_ms = (int64_t)lt_word_get(&w[W_RECEIVED_MS]);
    e->event_ms = (int64_t)lt_word_get(&w[W_EVENT_MS]);
    e->level = (lt_level_t)(meta & 0xff);
    e->facility = (int)((meta >> 8) & 0xff) - 1;
    e->transport = (lt_transport_t)((meta >> 16) & 0xff);
    e->is_truncated = (meta >> 24) & 1;
    if (f->min_level >= 0 && (int)e->level > f->min_level)
        return false;
    if (f->level >= 0 && (int)e->level != f->level)
        return false;
    if (f->since_ms != LT_TIME_NONE && e->received_ms < f->since_ms)
        return false;

    /* A torn read can yield any lengths: clamp them before they size a copy. */
    uint64_t lens = lt_word_get(&w[W_LENS]);
    size_t host_n = lens & 0xffff, app_n = (lens >> 16) & 0xffff, peer_n = (lens >> 32) & 0xffff;
    size_t msg_n = meta >> 32;
    host_n = host_n < LT_RING_HOST_BYTES ? host_n : LT_RING_HOST_BYTES;
    app_n = app_n < LT_RING_APP_BYTES ? app_n : LT_RING_APP_BYTES;
    peer_n = peer_n < LT_RING_PEER_BYTES ? peer_n : LT_RING_PEER_BYTES;
    msg_n = msg_n < r->max_message_bytes ? msg_n : r->max_message_bytes;

    lt_words_load(e->host, &w[W_HOST], host_n);
    e->host[host_n] = '\0';
    if (f->host.p != NULL && !slice_equals(f->host, e->host, host_n))
        return false;
    lt_words_load(e->app, &w[W_APP], app_n);
    e->app[app_n] = '\0';
    if (f->app.p != NULL && !slice_equals(f->app, e->app, app_n))
        return false;
    lt_words_load(e->peer, &w[W_PEER], peer_n);
    e->peer[peer_n] = '\0';
    lt_words_load(msg, &w[W_MSG], msg_n);
    msg[msg_n] = '\0';
    e->msg = msg;
    e->msg_len = msg_n;

    lt_fence_acquire();
    return lt_acquire_u64(&w[W_SEQ]) == seq;
}

size_t lt_ring_query(const lt_ring_t *ring, const lt_ring_filter_t *filter, lt_ring_visit_cb cb,
                     void *arg)
{
    lt_ring_filter_t any;
    if (filter == NULL) {
        lt_ring_filter_init(&any);
        filter = &any;
    }
    size_t limit = filter->limit ? filter->limit : ring->slots;
    char *msg = lt_malloc(ring->max_message_bytes + 1);
    lt_ring_entry_t e;
    size_t n = 0;

    uint64_t head = lt_counter_get(&ring->head);
    uint64_t oldest = head > ring->slots ? head - ring->slots : 0;
    /* Newest first; seq = ticket + 1 falls as we go, so after_seq ends the walk. */
    for (uint64_t ticket = head; ticket-- > oldest && n < limit;) {
        if (ticket + 1 <= filter->after_seq)
            break;
        if (read_entry(ring, ticket, filter, &e, msg)) {
            cb(arg, &e);
            n++;
        }
    }
    lt_free(msg);
    return n;
}

/* Writes e as ticket's entry into a ring no other thread sees yet. */
static void store_entry(lt_ring_t *r, uint64_t ticket, const lt_ring_entry_t *e)
{
    size_t msg_n = utf8_cut(e->msg, e->msg_len, r->max_message_bytes);
    bool is_truncated = e->is_truncated || msg_n < e->msg_len;
    slot_text_t text = {e->host, strlen(e->host), e->app, strlen(e->app),
                        e->peer, strlen(e->peer), e->msg, msg_n};
    store_slot(slot_of(r, ticket), ticket, e->received_ms, e->event_ms,
               slot_meta(e->level, e->facility, e->transport, is_truncated, msg_n), &text);
}

int lt_ring_new_from(lt_ring_t **ring, const lt_ring_t *old, size_t slots,
                     size_t max_message_bytes, lt_level_t min_level)
{
    lt_ring_t *r;
    int rc = lt_ring_new(&r, slots, max_message_bytes, min_level);
    *ring = NULL;
    if (rc != 0)
        return rc;
    /* Tickets go on from old's head; the copied ones keep their ticket, hence their seq, and
     * a ticket not copied (overwritten, torn, or below min_level) leaves its slot empty. */
    uint64_t head = lt_counter_get(&old->head);
    uint64_t oldest = head > old->slots ? head - old->slots : 0;
    if (head - oldest > slots)
        oldest = head - slots;
    lt_ring_filter_t any;
    lt_ring_filter_init(&any);
    lt_ring_entry_t e;
    char *msg = lt_malloc(old->max_message_bytes + 1);
    for (uint64_t ticket = oldest; ticket < head; ticket++)
        if (read_entry(old, ticket, &any, &e, msg) && lt_ring_wants(r, e.level))
            store_entry(r, ticket, &e);
    lt_free(msg);
    atomic_init(&r->head, head);
    /* The overwritten total must not fall: whatever the new size laps anew starts from what
     * old had counted. */
    uint64_t carried = lt_ring_overwritten_total(old);
    uint64_t lapped = head > slots ? head - slots : 0;
    r->overwritten_base = carried > lapped ? carried - lapped : 0;
    *ring = r;
    return 0;
}
