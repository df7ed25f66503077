/* SPDX-License-Identifier: MIT */
/* Socket activation: the listening sockets systemd passes (LISTEN_FDS, LISTEN_PID,
 * LISTEN_FDNAMES), sorted by their FileDescriptorName into the daemon's three kinds. An
 * inherited kind replaces the configured addresses of that kind; the others are still opened
 * from the configuration. */
#ifndef LT_ACTIVATION_H
#define LT_ACTIVATION_H

#include <stddef.h>

#include "lt_config.h"

/* FileDescriptorName= values the daemon understands. */
#define LT_ACTIVATION_TCP "syslog-tcp"  /* SOCK_STREAM, listening: syslog over TCP */
#define LT_ACTIVATION_UDP "syslog-udp"  /* SOCK_DGRAM: syslog over UDP */
#define LT_ACTIVATION_HTTP "http"       /* SOCK_STREAM, listening: the HTTP API (at most one) */

typedef struct {
    int tcp_fds[LT_CONFIG_MAX_LISTENERS];
    size_t tcp_count;
    int udp_fds[LT_CONFIG_MAX_LISTENERS];
    size_t udp_count;
    int http_fd; /* -1 when none was passed */
} lt_activation_t;

/* Takes the sockets passed to this process, checks that each one's type fits its name, and
 * removes LISTEN_* from the environment so that children never see them. The caller owns the
 * descriptors in *a (lt_activation_close releases those it did not hand on). Returns 0, with
 * every count 0 and http_fd -1 when nothing was passed (or libsystemd is not compiled in), or
 * a negative errno-style code after logging the offending descriptor; then nothing is kept
 * open. */
int lt_activation_take(lt_activation_t *a);

/* True when any socket was inherited. */
int lt_activation_any(const lt_activation_t *a);

/* Closes every descriptor still in *a and empties it. */
void lt_activation_close(lt_activation_t *a);

#endif
