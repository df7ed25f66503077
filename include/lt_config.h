/* SPDX-License-Identifier: MIT */
/* The daemon's configuration: embedded defaults, a JSON-with-comments file (comments are
 * stripped, then cJSON parses), and command-line overrides applied by main. Once loaded the
 * struct is immutable and passed around as const. Unknown keys, wrong types and values out
 * of range are errors that name the key path ("limits.max_series"). */
#ifndef LT_CONFIG_H
#define LT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lt_level.h"

#define LT_CONFIG_MAX_LISTENERS 16 /* per kind: listen.tcp, listen.udp */
#define LT_CONFIG_MAX_WORKERS 256  /* the largest "workers" (and --workers) accepted */
#define LT_ADDR_TEXT_BYTES 64
#define LT_CONFIG_PATH_BYTES 1024 /* longest file path a key holds, NUL included */

/* "ADDR:PORT" with ADDR an IPv4 address or an IPv6 address in brackets; port 0 = any free. */
typedef struct {
    char text[LT_ADDR_TEXT_BYTES]; /* as written, e.g. "127.0.0.1:5514", "[::1]:0" */
    struct sockaddr_storage sa;
} lt_addr_t;

/* Labels a series may carry in addition to level: bit flags. */
#define LT_LABEL_MAP(X)                                                                         \
    X(HOST, "host", 1u << 0)                                                                    \
    X(APP, "app", 1u << 1)                                                                      \
    X(FACILITY, "facility", 1u << 2)                                                            \
    X(TRANSPORT, "transport", 1u << 3)

enum {
#define LT_LABEL_ENUM(e, s, bit) LT_LABEL_##e = bit,
    LT_LABEL_MAP(LT_LABEL_ENUM)
#undef LT_LABEL_ENUM
};

typedef struct {
    lt_addr_t tcp[LT_CONFIG_MAX_LISTENERS];
    size_t tcp_count;
    lt_addr_t udp[LT_CONFIG_MAX_LISTENERS];
    size_t udp_count;
    lt_addr_t http;
    bool is_http_enabled;           /* false when listen.http is "" */

    unsigned workers;               /* ingest threads; 0 in the file means one per CPU */
    size_t max_message_bytes;       /* longest message accepted (TCP frame, datagram, JSON line) */
    unsigned labels;                /* LT_LABEL_* bits */

    unsigned max_connections;       /* limits.max_connections: open TCP ingest connections */
    unsigned idle_timeout_s;        /* limits.idle_timeout_s: silent TCP connections closed */
    size_t max_series;              /* limits.max_series */

    size_t udp_rcvbuf_bytes;        /* udp.rcvbuf_bytes: SO_RCVBUF asked for; 0 = kernel default */

    size_t ring_slots;              /* ring.slots */
    size_t ring_max_message_bytes;  /* ring.max_message_bytes */
    lt_level_t ring_min_level;      /* ring.min_level */

    unsigned http_max_connections;  /* http.max_connections */
    size_t http_max_header_bytes;   /* http.max_header_bytes */
    size_t http_max_body_bytes;     /* http.max_body_bytes (POST /api/v1/ingest) */
    unsigned http_request_timeout_s;/* http.request_timeout_s */
    bool is_http_ingest_enabled;    /* http.ingest */
    char http_auth_token_file[LT_CONFIG_PATH_BYTES]; /* http.auth_token_file; "" = no token */

    char state_file[LT_CONFIG_PATH_BYTES]; /* state.file: checkpoint path; "" = no persistence */
    unsigned state_interval_s;      /* state.interval_s: seconds between checkpoints */
} lt_config_t;

/* Fills c with the embedded defaults (TCP and UDP 127.0.0.1:5514, HTTP 127.0.0.1:9514, ...). */
void lt_config_defaults(lt_config_t *c);

/* Reads and applies a config file over c. Keys absent from the file keep their value.
 * Returns 0, or a negative errno-style code after logging one line naming the file, the key
 * and what is wrong. c is unchanged on error. */
int lt_config_load_file(lt_config_t *c, const char *path);

/* Same for text already in memory; origin names it in messages. */
int lt_config_load_string(lt_config_t *c, const char *text, size_t n, const char *origin);

/* Parses "ADDR:PORT" (IPv4, or IPv6 in brackets; numeric only, no DNS). Returns 0 or
 * UV_EINVAL; out is unchanged on error and nothing is logged. */
int lt_config_parse_addr(const char *text, lt_addr_t *out);

/* Command-line overrides: the first call for a kind replaces what the file said, later calls
 * append. kind is "tcp" or "udp". Returns 0, UV_EINVAL (bad or repeated address) or UV_E2BIG
 * (more than LT_CONFIG_MAX_LISTENERS); both errors are logged and leave c unchanged. */
int lt_config_add_listener(lt_config_t *c, const char *kind, const char *text, bool is_first);

/* Number of ingest threads to run: workers, or the online CPU count (1..LT_CONFIG_MAX_WORKERS)
 * when workers is 0. */
unsigned lt_config_effective_workers(const lt_config_t *c);

/* The effective configuration as pretty-printed JSON with every key of the file's shape
 * (workers as configured, 0 included), so the output is itself a valid config file that loads
 * back to an identical struct. Caller frees with lt_free. */
char *lt_config_to_json(const lt_config_t *c);

#endif
