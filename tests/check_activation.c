/* SPDX-License-Identifier: MIT */
/* Tests for src/activation.c. Socket activation hands sockets over as fds 3, 4, ..., which in
 * the test process belong to Check, so each case forks a child that moves its sockets there,
 * sets LISTEN_*, calls lt_activation_take and reports what it got through a pipe. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lt_activation.h"
#include "check_run.h"

#define REPORT_FD 100

static int make_socket(int type, bool is_listening)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, type, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    if (is_listening)
        ck_assert_int_eq(listen(fd, 8), 0);
    return fd;
}

/* Passes sockets of the given kinds ('t' listening TCP, 's' unlistening TCP, 'u' UDP) as
 * fds 3.. named names (NULL: no LISTEN_FDNAMES), or nothing at all when kinds is NULL.
 * Returns the child's report: "rc=.. tcp=.. udp=.. http=.. env=.. open=..". */
static const char *run_child(const char *kinds, const char *names)
{
    static char report[256];
    int fds[8], p[2];
    size_t n = kinds != NULL ? strlen(kinds) : 0;
    for (size_t i = 0; i < n; i++)
        fds[i] = make_socket(kinds[i] == 'u' ? SOCK_DGRAM : SOCK_STREAM, kinds[i] == 't');
    ck_assert_int_eq(pipe(p), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char buf[256], num[24];
        lt_activation_t a;
        dup2(p[1], REPORT_FD);
        /* Move the sockets out of the way first, then to 3.. in order. */
        for (size_t i = 0; i < n; i++)
            fds[i] = fcntl(fds[i], F_DUPFD, 50);
        for (size_t i = 0; i < n; i++)
            dup2(fds[i], 3 + (int)i);
        if (kinds != NULL) {
            snprintf(num, sizeof(num), "%zu", n);
            setenv("LISTEN_FDS", num, 1);
            snprintf(num, sizeof(num), "%d", (int)getpid());
            setenv("LISTEN_PID", num, 1);
            if (names != NULL)
                setenv("LISTEN_FDNAMES", names, 1);
        }
        int rc = lt_activation_take(&a);
        int open = 0;
        for (size_t i = 0; i < n; i++)
            open += fcntl(3 + (int)i, F_GETFD) >= 0;
        int off = snprintf(buf, sizeof(buf), "rc=%d tcp=", rc);
        for (size_t i = 0; rc == 0 && i < a.tcp_count; i++)
            off += snprintf(buf + off, sizeof(buf) - (size_t)off, "%d,", a.tcp_fds[i]);
        off += snprintf(buf + off, sizeof(buf) - (size_t)off, " udp=");
        for (size_t i = 0; rc == 0 && i < a.udp_count; i++)
            off += snprintf(buf + off, sizeof(buf) - (size_t)off, "%d,", a.udp_fds[i]);
        snprintf(buf + off, sizeof(buf) - (size_t)off, " http=%d env=%s open=%d",
                 rc == 0 ? a.http_fd : -1, getenv("LISTEN_FDS") != NULL ? "set" : "unset", open);
        ssize_t w = write(REPORT_FD, buf, strlen(buf));
        _exit(w > 0 ? 0 : 1);
    }
    close(p[1]);
    ssize_t got = read(p[0], report, sizeof(report) - 1);
    report[got > 0 ? got : 0] = '\0';
    close(p[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
    return report;
}

START_TEST(test_activation_sorts_by_name)
{
    const char *r = run_child("tutu", "syslog-tcp:syslog-udp:http:syslog-udp");
#ifdef HAVE_SYSTEMD
    ck_assert_str_eq(r, "rc=0 tcp=3, udp=4,6, http=5 env=unset open=4");
#else
    ck_assert_str_eq(r, "rc=0 tcp= udp= http=-1 env=set open=4");
#endif
}
END_TEST

START_TEST(test_activation_nothing_passed)
{
    ck_assert_str_eq(run_child(NULL, NULL), "rc=0 tcp= udp= http=-1 env=unset open=0");
}
END_TEST

#ifdef HAVE_SYSTEMD
START_TEST(test_activation_wrong_type_closes_all)
{
    /* A datagram socket named syslog-tcp: refused, and nothing passed stays open. */
    ck_assert_str_eq(run_child("tu", "syslog-tcp:syslog-tcp"),
                     "rc=-22 tcp= udp= http=-1 env=unset open=0");
    /* A TCP socket that does not listen cannot serve HTTP. */
    ck_assert_str_eq(run_child("s", "http"), "rc=-22 tcp= udp= http=-1 env=unset open=0");
}
END_TEST

START_TEST(test_activation_unknown_name)
{
    ck_assert_str_eq(run_child("tt", "syslog-tcp:metrics"),
                     "rc=-22 tcp= udp= http=-1 env=unset open=0");
    /* Without FileDescriptorName= systemd says "unknown": refused, not guessed. */
    ck_assert_str_eq(run_child("t", NULL), "rc=-22 tcp= udp= http=-1 env=unset open=0");
}
END_TEST

START_TEST(test_activation_two_http)
{
    ck_assert_str_eq(run_child("tt", "http:http"), "rc=-7 tcp= udp= http=-1 env=unset open=0");
}
END_TEST
#endif

static Suite *activation_suite(void)
{
    Suite *s = suite_create("activation");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_activation_sorts_by_name);
    tcase_add_test(tc, test_activation_nothing_passed);
#ifdef HAVE_SYSTEMD
    tcase_add_test(tc, test_activation_wrong_type_closes_all);
    tcase_add_test(tc, test_activation_unknown_name);
    tcase_add_test(tc, test_activation_two_http);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(activation_suite());
}
