/* SPDX-License-Identifier: MIT */
/* Allocation wrappers shared by the whole process: they abort with a message instead of
 * returning NULL, and lt_alloc_install() registers them with libuv and cJSON so that every
 * allocation in logtally fails the same way. */
#ifndef LT_ALLOC_H
#define LT_ALLOC_H

#include <stddef.h>

/* Like malloc/calloc/realloc/strdup, but never return NULL: out of memory aborts. */
void *lt_malloc(size_t n);
void *lt_calloc(size_t count, size_t n);
void *lt_realloc(void *p, size_t n);
char *lt_strndup(const char *s, size_t n);
void lt_free(void *p);

/* Registers the wrappers with uv_replace_allocator() and cJSON_InitHooks(). Call once from
 * main before any libuv or cJSON use. */
void lt_alloc_install(void);

#endif
