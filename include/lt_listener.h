/* SPDX-License-Identifier: MIT */
/* A TCP listener that steps back when descriptors run out. libuv retries a failing accept(2)
 * without returning to its loop for as long as the handle's descriptor is open, so EMFILE with
 * libuv's spare descriptor gone would spin the thread at 100 % CPU. Here the libuv handle holds
 * a duplicate of the listening socket, which the listener itself keeps: on an accept error of
 * the out-of-descriptors or out-of-memory kind the handle is closed (the one way out of libuv's
 * loop from inside its callback), and a timer listens again on a new duplicate after a back-off
 * of 100 ms doubling to 1 s. Connections wait in the kernel's backlog meanwhile. */
#ifndef LT_LISTENER_H
#define LT_LISTENER_H

#include <sys/socket.h>
#include <uv.h>

#include "lt_event.h"
#include "lt_stats.h"

#define LT_LISTENER_BACKOFF_MIN_MS 100
#define LT_LISTENER_BACKOFF_MAX_MS 1000

typedef struct lt_listener_s lt_listener_t;

/* A connection waits on server: take it with uv_accept. Called only for a successful accept;
 * failures are counted and reported by the listener. */
typedef void (*lt_listener_cb)(void *arg, uv_stream_t *server);

/* Every handle of a closed listener is closed and its memory released. */
typedef void (*lt_listener_close_cb)(void *arg);

typedef struct {
    lt_listener_cb on_connection;
    void *arg;                /* passed to both callbacks */
    lt_stats_t *stats;        /* accept_errors and listener_pauses go here; NULL: not counted */
    lt_transport_t transport; /* the label of those counts and the name in the report line */
} lt_listener_config_t;

/* Listens on fd, a TCP socket already bound (and possibly listening), on loop. Takes
 * ownership of fd whether it succeeds or not. Returns 0, or a UV_E* code with nothing left
 * open (the memory of a handle already made goes when the loop next runs); on error no
 * callback is ever called. */
int lt_listener_open(lt_listener_t **out, uv_loop_t *loop, int fd, const lt_listener_config_t *cfg);

/* The same on a new socket bound to addr (SO_REUSEADDR, as uv_tcp_bind does). */
int lt_listener_bind(lt_listener_t **out, uv_loop_t *loop, const struct sockaddr *addr,
                     const lt_listener_config_t *cfg);

/* The bound address (with the port chosen when addr had port 0). Returns 0 or UV_E*. */
int lt_listener_address(const lt_listener_t *l, struct sockaddr_storage *out);

/* True while the listener waits out a back-off and accepts nothing. */
bool lt_listener_is_paused(const lt_listener_t *l);

/* Stops listening (paused or not) and closes the socket; on_closed (may be NULL) runs once
 * the loop has closed every handle, after which the listener's memory is gone. NULL: no-op. */
void lt_listener_close(lt_listener_t *l, lt_listener_close_cb on_closed);

#endif
