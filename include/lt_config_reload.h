/* SPDX-License-Identifier: MIT */
/* What a reload (SIGHUP) may change: the keys that differ between the running and the newly
 * loaded configuration, which of them take effect at once, and copying those over. Main owns
 * the running struct; workers read their own copies of what they need, which main hands them
 * on reload (lt_workers_reload), so no thread ever sees a value change under it. */
#ifndef LT_CONFIG_RELOAD_H
#define LT_CONFIG_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "lt_config.h"

/* The reloadable keys and their fields. limits.max_series applies only up to the value the
 * daemon started with (the table cannot grow): main checks that before applying.
 * http.auth_token_file copies only the path; main reads the file again on every reload (a
 * rotated token under the same path) and refuses the whole reload when it cannot. */
#define LT_CONFIG_RELOADABLE_MAP(X)                                                             \
    X("max_message_bytes", max_message_bytes)                                                   \
    X("labels", labels)                                                                         \
    X("limits.max_connections", max_connections)                                                \
    X("limits.idle_timeout_s", idle_timeout_s)                                                  \
    X("limits.max_series", max_series)                                                          \
    X("udp.rcvbuf_bytes", udp_rcvbuf_bytes)                                                     \
    X("ring.slots", ring_slots)                                                                 \
    X("ring.max_message_bytes", ring_max_message_bytes)                                         \
    X("ring.min_level", ring_min_level)                                                         \
    X("http.ingest", is_http_ingest_enabled)                                                    \
    X("http.max_connections", http_max_connections)                                             \
    X("http.max_header_bytes", http_max_header_bytes)                                           \
    X("http.max_body_bytes", http_max_body_bytes)                                               \
    X("http.request_timeout_s", http_request_timeout_s)                                         \
    X("http.auth_token_file", http_auth_token_file)

/* The listener keys, reloadable too: the workers and the HTTP server rebind (new addresses
 * first). Kinds whose sockets came from systemd keep them: main checks that. */
#define LT_CONFIG_LISTENER_KEYS(X)                                                              \
    X("listen.tcp")                                                                             \
    X("listen.udp")                                                                             \
    X("listen.http")

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

/* Copies the reloadable settings of src into dst, listeners included; the rest of dst stays
 * as it is. */
void lt_config_apply_reloadable(lt_config_t *dst, const lt_config_t *src);

#endif
