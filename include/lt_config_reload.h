/* SPDX-License-Identifier: MIT */
/* What a reload (SIGHUP) may change: the keys that differ between the running and the newly
 * loaded configuration, which of them take effect at once, and copying those over. A key is
 * reloadable only when the main thread is its sole reader, so applying it needs no lock and
 * no worker ever sees a value change under it; everything else needs a restart. */
#ifndef LT_CONFIG_RELOAD_H
#define LT_CONFIG_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "lt_config.h"

/* The reloadable keys and their fields: the HTTP settings, read only on the main thread. */
#define LT_CONFIG_RELOADABLE_MAP(X)                                                             \
    X("http.ingest", is_http_ingest_enabled)                                                    \
    X("http.max_connections", http_max_connections)                                             \
    X("http.max_header_bytes", http_max_header_bytes)                                           \
    X("http.max_body_bytes", http_max_body_bytes)                                               \
    X("http.request_timeout_s", http_request_timeout_s)

/* Receives one differing key (dotted path as in conf/KEYS.md, e.g. "limits.max_series") with
 * its old and new values as compact JSON. The strings live until the callback returns. */
typedef void (*lt_config_diff_cb)(void *arg, const char *key, const char *old_value,
                                  const char *new_value);

/* Calls cb (may be NULL) for every key whose effective value differs between old and new, in
 * the file's key order. Returns the number of differing keys. */
size_t lt_config_diff(const lt_config_t *old, const lt_config_t *new, lt_config_diff_cb cb,
                      void *arg);

/* True when key (dotted path) takes effect on reload without a restart. */
bool lt_config_is_reloadable(const char *key);

/* Copies the reloadable settings of src into dst; the rest of dst stays as it is. */
void lt_config_apply_reloadable(lt_config_t *dst, const lt_config_t *src);

#endif
