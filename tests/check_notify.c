/* SPDX-License-Identifier: MIT */
/* Tests for src/notify.c: each call sends exactly its sd_notify message to NOTIFY_SOCKET (a
 * datagram socket of the test's own), the watchdog interval follows WATCHDOG_USEC and
 * WATCHDOG_PID, and a build without libsystemd sends nothing. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lt_notify.h"
#include "check_run.h"

typedef struct {
    char dir[64];
    char path[96];
    int fd;
} receiver_t;

static void receiver_open(receiver_t *r)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(r->dir, sizeof(r->dir), "/tmp/lt-notify.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(r->dir));
    snprintf(r->path, sizeof(r->path), "%s/notify", r->dir);
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", r->path);
    r->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(r->fd, 0);
    ck_assert_int_eq(bind(r->fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    setenv("NOTIFY_SOCKET", r->path, 1);
}

/* The next message, or "" when none is queued. */
static const char *receive(receiver_t *r)
{
    static char buf[512];
    ssize_t n = recv(r->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void receiver_close(receiver_t *r)
{
    unsetenv("NOTIFY_SOCKET");
    close(r->fd);
    unlink(r->path);
    rmdir(r->dir);
}

START_TEST(test_notify_messages)
{
    receiver_t r;
    receiver_open(&r);
    lt_notify_ready();
    lt_notify_status("12 events/s, 3 tcp + 1 http connections, 400 events");
    lt_notify_reloading();
    lt_notify_stopping();
    lt_notify_watchdog();
    if (lt_notify_is_supported()) {
        ck_assert_str_eq(receive(&r), "READY=1");
        ck_assert_str_eq(receive(&r), "STATUS=12 events/s, 3 tcp + 1 http connections, 400 events");
        const char *reloading = receive(&r);
        ck_assert_msg(strncmp(reloading, "RELOADING=1\nMONOTONIC_USEC=", 27) == 0
                          && strlen(reloading) > 27,
                      "got '%s'", reloading);
        ck_assert_str_eq(receive(&r), "STOPPING=1");
        ck_assert_str_eq(receive(&r), "WATCHDOG=1");
    }
    ck_assert_str_eq(receive(&r), "");
    receiver_close(&r);
}
END_TEST

START_TEST(test_notify_silent_without_socket)
{
    unsetenv("NOTIFY_SOCKET");
    lt_notify_ready(); /* must neither fail nor block */
    lt_notify_status("x");
    lt_notify_stopping();
}
END_TEST

START_TEST(test_notify_watchdog_usec)
{
    char pid[32];
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    ck_assert_uint_eq(lt_notify_watchdog_usec(), 0);

    setenv("WATCHDOG_USEC", "3000000", 1);
    ck_assert_uint_eq(lt_notify_watchdog_usec(), lt_notify_is_supported() ? 3000000 : 0);
    snprintf(pid, sizeof(pid), "%d", (int)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    ck_assert_uint_eq(lt_notify_watchdog_usec(), lt_notify_is_supported() ? 3000000 : 0);
    /* Meant for another process (a parent that did not unset it): not ours. */
    snprintf(pid, sizeof(pid), "%d", (int)getpid() + 1);
    setenv("WATCHDOG_PID", pid, 1);
    ck_assert_uint_eq(lt_notify_watchdog_usec(), 0);
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
}
END_TEST

START_TEST(test_notify_supported_matches_build)
{
#ifdef HAVE_SYSTEMD
    ck_assert(lt_notify_is_supported());
#else
    ck_assert(!lt_notify_is_supported());
#endif
}
END_TEST

static Suite *notify_suite(void)
{
    Suite *s = suite_create("notify");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_notify_messages);
    tcase_add_test(tc, test_notify_silent_without_socket);
    tcase_add_test(tc, test_notify_watchdog_usec);
    tcase_add_test(tc, test_notify_supported_matches_build);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(notify_suite());
}
