/* SPDX-License-Identifier: MIT */
/* Event rates from a ring of per-second cumulative totals: slot (second mod capacity) holds the
 * totals at that second, every second between the oldest and the latest has a slot (gaps are
 * filled), so a rate over any window is one subtraction of two slots. */
#include "lt_rates.h"

#include <stdbool.h>
#include <string.h>
#include <uv.h>

#include "lt_alloc.h"

typedef struct {
    uint64_t totals[LT_LEVEL_COUNT];
} sample_t;

struct lt_rates_s {
    size_t cap;        /* slots: history_s + 1 */
    bool empty;        /* no tick yet */
    int64_t first_s;   /* oldest second still in the ring */
    int64_t last_s;    /* latest recorded second; last_s - first_s < cap */
    sample_t *samples; /* cap slots, indexed by slot_of() */
};

static size_t slot_of(const lt_rates_t *r, int64_t s)
{
    int64_t cap = (int64_t)r->cap;
    int64_t m = s % cap;
    return (size_t)(m < 0 ? m + cap : m);
}

static const sample_t *sample_at(const lt_rates_t *r, int64_t s)
{
    return &r->samples[slot_of(r, s)];
}

/* Counters only go up; a total that went down (which should not happen) counts as none. */
static uint64_t delta(uint64_t now, uint64_t then)
{
    return now >= then ? now - then : 0;
}

int lt_rates_new(lt_rates_t **r, size_t history_s)
{
    if (history_s == 0 || history_s > LT_RATES_HISTORY_MAX_S)
        return UV_EINVAL;
    lt_rates_t *rates = lt_calloc(1, sizeof(*rates));
    rates->cap = history_s + 1;
    rates->empty = true;
    rates->samples = lt_calloc(rates->cap, sizeof(*rates->samples));
    *r = rates;
    return 0;
}

void lt_rates_free(lt_rates_t *r)
{
    if (r == NULL)
        return;
    lt_free(r->samples);
    lt_free(r);
}

size_t lt_rates_history_s(const lt_rates_t *r)
{
    return r->cap - 1;
}

void lt_rates_tick(lt_rates_t *r, int64_t now_s, const uint64_t totals[LT_LEVEL_COUNT])
{
    if (r->empty || now_s < r->last_s) {
        r->empty = false;
        r->first_s = r->last_s = now_s;
    } else if (now_s > r->last_s) {
        /* Fill the skipped seconds with the last known totals; only the newest cap - 1 of them
         * can still be in the ring, which bounds the loop after a long stall. The previous
         * sample is copied first because a long gap overwrites its slot. */
        sample_t prev = *sample_at(r, r->last_s);
        int64_t from = r->last_s + 1;
        if (now_s - from > (int64_t)r->cap - 1)
            from = now_s - ((int64_t)r->cap - 1);
        for (int64_t s = from; s < now_s; s++)
            r->samples[slot_of(r, s)] = prev;
        r->last_s = now_s;
        if (r->last_s - r->first_s >= (int64_t)r->cap)
            r->first_s = r->last_s - ((int64_t)r->cap - 1);
    }
    memcpy(r->samples[slot_of(r, now_s)].totals, totals, sizeof(r->samples[0].totals));
}

void lt_rates_get(const lt_rates_t *r, unsigned window_s, double out[LT_LEVEL_COUNT])
{
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        out[l] = 0.0;
    if (r->empty)
        return;
    /* Over the history there is, when it is shorter than the window. */
    int64_t span = r->last_s - r->first_s;
    if ((int64_t)window_s < span)
        span = (int64_t)window_s;
    if (span == 0)
        return;
    const sample_t *now = sample_at(r, r->last_s);
    const sample_t *then = sample_at(r, r->last_s - span);
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        out[l] = (double)delta(now->totals[l], then->totals[l]) / (double)span;
}

size_t lt_rates_history(const lt_rates_t *r, unsigned window_s, lt_rates_visit_cb cb, void *arg)
{
    if (r->empty)
        return 0;
    /* Each visited second needs the sample before it, so the oldest one is never visited. */
    int64_t from = r->last_s - (int64_t)window_s + 1;
    if (from < r->first_s + 1)
        from = r->first_s + 1;
    size_t visited = 0;
    for (int64_t s = from; s <= r->last_s; s++) {
        const sample_t *cur = sample_at(r, s);
        const sample_t *prev = sample_at(r, s - 1);
        uint64_t counts[LT_LEVEL_COUNT];
        for (int l = 0; l < LT_LEVEL_COUNT; l++)
            counts[l] = delta(cur->totals[l], prev->totals[l]);
        cb(arg, s, counts);
        visited++;
    }
    return visited;
}
