/* SPDX-License-Identifier: MIT */
/* Per-level event rates over the last 1, 5 and 15 minutes, from a one-second tick that
 * records the per-level totals in a bounded history of per-second samples. Used only by the
 * HTTP thread (the tick is a timer on its loop), so it needs no synchronisation. */
#ifndef LT_RATES_H
#define LT_RATES_H

#include <stddef.h>
#include <stdint.h>

#include "lt_level.h"

typedef struct lt_rates_s lt_rates_t;

/* Longest history lt_rates_new accepts: a week of seconds. */
#define LT_RATES_HISTORY_MAX_S (7 * 86400)

/* Keeps history_s seconds of samples (>= 900 for the 15-minute rate), that is history_s + 1
 * per-second totals so that a window of history_s seconds has both ends. Returns 0 and sets *r
 * (owned by the caller, released with lt_rates_free), or UV_EINVAL when history_s is 0 or
 * above LT_RATES_HISTORY_MAX_S. */
int lt_rates_new(lt_rates_t **r, size_t history_s);
/* Releases r; NULL is allowed. */
void lt_rates_free(lt_rates_t *r);

/* The history_s given to lt_rates_new: the longest window lt_rates_history can visit. */
size_t lt_rates_history_s(const lt_rates_t *r);

/* Records the totals at now_s. Ticks may be late or skip seconds; a tick for a second already
 * recorded replaces that sample. Skipped seconds are filled with the previous totals, so all
 * the events of a gap are counted in the second of the late tick. A tick earlier than the
 * latest recorded second (the clock stepped back) restarts the history. Totals are cumulative;
 * one that goes down counts as no events. */
void lt_rates_tick(lt_rates_t *r, int64_t now_s, const uint64_t totals[LT_LEVEL_COUNT]);

/* Events per second by level over the last window_s seconds (or over the history there is,
 * when the daemon is younger than that; 0 with fewer than two samples or a window_s of 0):
 * (latest totals - totals window_s seconds earlier) / window_s. */
void lt_rates_get(const lt_rates_t *r, unsigned window_s, double out[LT_LEVEL_COUNT]);

/* Per-second event counts by level for the last window_s seconds, oldest first: calls cb
 * once per recorded second, with the events counted between the previous second's sample and
 * this one (filled seconds visit with zeros). The oldest sample has no previous one and is
 * never visited, so at most history_s seconds are. Returns the number of seconds visited. */
typedef void (*lt_rates_visit_cb)(void *arg, int64_t second, const uint64_t counts[LT_LEVEL_COUNT]);
size_t lt_rates_history(const lt_rates_t *r, unsigned window_s, lt_rates_visit_cb cb, void *arg);

#endif
