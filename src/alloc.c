/* SPDX-License-Identifier: MIT */
/* Allocation that cannot return NULL: a daemon that runs out of memory says so and aborts
 * rather than limping on with a half-built structure. */
#include "lt_alloc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static void out_of_memory(size_t n)
{
    fprintf(stderr, "logtallyd: out of memory allocating %zu bytes\n", n);
    abort();
}

void *lt_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        out_of_memory(n);
    return p;
}

void *lt_calloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (p == NULL)
        out_of_memory(count * n);
    return p;
}

void *lt_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        out_of_memory(n);
    return q;
}

char *lt_strndup(const char *s, size_t n)
{
    char *p = lt_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void lt_free(void *p)
{
    free(p);
}

/* cJSON's hook table wants malloc's exact signature. */
static void *cjson_malloc(size_t n)
{
    return lt_malloc(n);
}

void lt_alloc_install(void)
{
    cJSON_Hooks hooks = {cjson_malloc, lt_free};
    uv_replace_allocator(lt_malloc, lt_realloc, lt_calloc, lt_free);
    cJSON_InitHooks(&hooks);
}
