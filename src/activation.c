/* SPDX-License-Identifier: MIT */
/* Socket activation through sd_listen_fds_with_names: each passed descriptor is sorted by its
 * name and checked with sd_is_socket, so a unit that passes a datagram socket as
 * "syslog-tcp" stops the daemon with one clear line instead of a confusing libuv error. */
#include "config.h"

#include "lt_activation.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "lt_log.h"

#ifdef HAVE_SYSTEMD
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#endif

static void empty(lt_activation_t *a)
{
    a->tcp_count = 0;
    a->udp_count = 0;
    a->http_fd = -1;
}

int lt_activation_any(const lt_activation_t *a)
{
    return a->tcp_count > 0 || a->udp_count > 0 || a->http_fd >= 0;
}

void lt_activation_close(lt_activation_t *a)
{
    for (size_t i = 0; i < a->tcp_count; i++)
        close(a->tcp_fds[i]);
    for (size_t i = 0; i < a->udp_count; i++)
        close(a->udp_fds[i]);
    if (a->http_fd >= 0)
        close(a->http_fd);
    empty(a);
}

#ifdef HAVE_SYSTEMD

/* Files one descriptor under its name. Returns 0 or UV_EINVAL / UV_E2BIG after logging. */
static int sort_one(lt_activation_t *a, int fd, const char *name)
{
    bool is_udp = strcmp(name, LT_ACTIVATION_UDP) == 0;
    bool is_tcp = strcmp(name, LT_ACTIVATION_TCP) == 0;
    bool is_http = strcmp(name, LT_ACTIVATION_HTTP) == 0;

    if (!is_udp && !is_tcp && !is_http) {
        lt_log(LT_LOG_ERR,
               "inherited socket fd %d is named '%s'; FileDescriptorName= must be %s, %s or %s",
               fd, name, LT_ACTIVATION_TCP, LT_ACTIVATION_UDP, LT_ACTIVATION_HTTP);
        return UV_EINVAL;
    }
    /* Listening stream sockets for TCP and HTTP; any datagram socket for UDP. */
    if (sd_is_socket(fd, AF_UNSPEC, is_udp ? SOCK_DGRAM : SOCK_STREAM, is_udp ? -1 : 1) <= 0
        || (sd_is_socket_inet(fd, AF_UNSPEC, 0, -1, 0) <= 0)) {
        lt_log(LT_LOG_ERR, "inherited socket fd %d ('%s') is not %s", fd, name,
               is_udp ? "an IP datagram socket" : "a listening IP stream socket");
        return UV_EINVAL;
    }
    if (is_http) {
        if (a->http_fd >= 0) {
            lt_log(LT_LOG_ERR, "more than one inherited socket is named '%s'", name);
            return UV_E2BIG;
        }
        a->http_fd = fd;
        return 0;
    }
    size_t *count = is_udp ? &a->udp_count : &a->tcp_count;
    if (*count == LT_CONFIG_MAX_LISTENERS) {
        lt_log(LT_LOG_ERR, "more than %d inherited sockets are named '%s'",
               LT_CONFIG_MAX_LISTENERS, name);
        return UV_E2BIG;
    }
    (is_udp ? a->udp_fds : a->tcp_fds)[(*count)++] = fd;
    return 0;
}

int lt_activation_take(lt_activation_t *a)
{
    char **names = NULL;
    int rc = 0;
    int n;

    empty(a);
    n = sd_listen_fds_with_names(1, &names);
    if (n < 0) {
        lt_log(LT_LOG_ERR, "cannot read the sockets passed by systemd: %s", lt_strerror(n));
        return n;
    }
    int i;
    for (i = 0; i < n; i++)
        if ((rc = sort_one(a, SD_LISTEN_FDS_START + i, names != NULL ? names[i] : "unknown")) != 0)
            break;
    if (rc != 0) {
        /* Filed ones go with the struct; the failing one and the rest are closed here. */
        lt_activation_close(a);
        for (int j = i; j < n; j++)
            close(SD_LISTEN_FDS_START + j);
    }
    for (i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

#else

int lt_activation_take(lt_activation_t *a)
{
    empty(a);
    if (getenv("LISTEN_FDS") != NULL)
        lt_log(LT_LOG_WARNING, "LISTEN_FDS is set but this logtallyd is built without "
                               "libsystemd; opening the configured addresses instead");
    return 0;
}

#endif
