/* SPDX-License-Identifier: MIT */
/* The "by" object of /api/v1/stats: per label value, the levels with a nonzero count. The
 * values of one label are few (hosts, apps) while the series are many (hosts x apps x levels),
 * so each series is added into a small hash table of values and only the distinct values are
 * sorted, instead of sorting every series: scripts poll /api/v1/stats, and a request that
 * sorted ten thousand series kept the HTTP thread from answering a scrape for milliseconds. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "lt_alloc.h"

typedef struct {
    lt_slice_t value; /* n == 0 and p == NULL: an empty place */
    bool is_used;
    uint64_t counts[LT_LEVEL_COUNT];
} by_value_t;

typedef struct {
    by_value_t *v;
    size_t cap; /* a power of two */
    size_t n;
} by_table_t;

static uint64_t hash_slice(lt_slice_t s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a: values are short */
    for (size_t i = 0; i < s.n; i++)
        h = (h ^ (unsigned char)s.p[i]) * 1099511628211ULL;
    return h;
}

static by_value_t *by_find(by_table_t *t, lt_slice_t value)
{
    size_t i = hash_slice(value) & (t->cap - 1);
    while (t->v[i].is_used && !lt_slice_eq(t->v[i].value, value))
        i = (i + 1) & (t->cap - 1);
    return &t->v[i];
}

static void by_grow(by_table_t *t)
{
    by_table_t next = {lt_calloc(t->cap * 2, sizeof(by_value_t)), t->cap * 2, t->n};
    for (size_t i = 0; i < t->cap; i++)
        if (t->v[i].is_used)
            *by_find(&next, t->v[i].value) = t->v[i];
    lt_free(t->v);
    *t = next;
}

static void by_add(by_table_t *t, lt_slice_t value, lt_level_t level, uint64_t count)
{
    if (2 * (t->n + 1) > t->cap)
        by_grow(t);
    by_value_t *b = by_find(t, value);
    if (!b->is_used) {
        b->is_used = true;
        b->value = value;
        t->n++;
    }
    b->counts[level] += count;
}

/* Bytewise (the order scripts have always seen). */
static int by_value_cmp(const void *va, const void *vb)
{
    return lt_slice_cmp(((const by_value_t *)va)->value, ((const by_value_t *)vb)->value);
}

cJSON *lt_api_by_label_json(const lt_api_series_t *series, size_t n, int label,
                            lt_strbuf_t *tmp)
{
    by_table_t t = {lt_calloc(16, sizeof(by_value_t)), 16, 0};
    for (size_t i = 0; i < n; i++)
        if (series[i].count > 0)
            by_add(&t, series[i].labels[label], series[i].level, series[i].count);

    /* Packed to the front, then sorted: only the distinct values. */
    size_t m = 0;
    for (size_t i = 0; i < t.cap; i++)
        if (t.v[i].is_used)
            t.v[m++] = t.v[i];
    if (m > 0)
        qsort(t.v, m, sizeof(*t.v), by_value_cmp);

    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; i < m; i++) {
        cJSON *levels = cJSON_CreateObject();
        for (int l = 0; l < LT_LEVEL_COUNT; l++)
            if (t.v[i].counts[l] > 0)
                lt_api_json_add_u64(levels, lt_level_name((lt_level_t)l), t.v[i].counts[l]);
        lt_strbuf_reset(tmp);
        lt_api_append_utf8(tmp, t.v[i].value.n > 0 ? t.v[i].value.p : "", t.v[i].value.n);
        cJSON_AddItemToObject(obj, tmp->p, levels);
    }
    lt_free(t.v);
    return obj;
}
