/* SPDX-License-Identifier: MIT */
/* For tests that compare counter tables: a series key from plain strings, and a table's
 * non-zero series as one sorted line of text, so two tables compare with one ck_assert_str_eq
 * and a failure prints every series. Header-only: each test program includes its own copy. */
#ifndef LT_TESTS_SERIES_DUMP_H
#define LT_TESTS_SERIES_DUMP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_alloc.h"
#include "lt_strbuf.h"
#include "lt_table.h"

/* A labelled key; NULL host or app is the unset label. */
static inline lt_series_key_t key_of(lt_level_t level, int facility, int transport,
                                     const char *host, const char *app)
{
    return (lt_series_key_t){
        .level = level,
        .facility = facility,
        .transport = transport,
        .host = {host, host ? strlen(host) : 0},
        .app = {app, app ? strlen(app) : 0},
        .is_overflow = false,
    };
}

typedef struct {
    char **lines;
    size_t n, cap;
} series_dump_t;

static inline void series_dump_one(void *arg, const lt_series_key_t *k, uint64_t count)
{
    series_dump_t *d = arg;
    char line[1200];
    if (count == 0)
        return;
    snprintf(line, sizeof(line), "%d|%d|%d|%.*s|%.*s|%d|%llu", (int)k->level, k->facility,
             k->transport, (int)k->host.n, k->host.p ? k->host.p : "", (int)k->app.n,
             k->app.p ? k->app.p : "", (int)k->is_overflow, (unsigned long long)count);
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->lines = lt_realloc(d->lines, d->cap * sizeof(char *));
    }
    d->lines[d->n++] = lt_strndup(line, strlen(line));
}

static inline int series_dump_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every non-zero series of t as sorted lines "level|facility|transport|host|app|overflow|count"
 * each ended by ';'. The caller frees the result with lt_free. */
static inline char *dump(const lt_table_t *t)
{
    series_dump_t d = {NULL, 0, 0};
    lt_strbuf_t out = LT_STRBUF_INIT;
    lt_table_foreach(t, series_dump_one, &d);
    qsort(d.lines, d.n, sizeof(char *), series_dump_cmp);
    lt_strbuf_puts(&out, "");
    for (size_t i = 0; i < d.n; i++) {
        lt_strbuf_puts(&out, d.lines[i]);
        lt_strbuf_puts(&out, ";");
        lt_free(d.lines[i]);
    }
    lt_free(d.lines);
    return out.p;
}

#endif
