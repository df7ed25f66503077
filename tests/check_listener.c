/* SPDX-License-Identifier: MIT */
/* Tests for src/listener.c on a real loop and loopback: with RLIMIT_NOFILE lowered below the
 * descriptors held (each test runs in its own forked process) the listener pauses and backs
 * off instead of retrying accept, accepts the waiting client once the limit rises, and closes
 * cleanly while paused. */
#include <check.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "lt_listener.h"
#include "lt_log.h"
#include "check_run.h"

typedef struct {
    uv_loop_t loop;
    lt_stats_t stats;
    lt_listener_t *listener;
    int client;
    int accepted;
    int closed;
    int fds_with_loop; /* open descriptors once the loop is initialised */
    rlim_t limit;
} fixture_t;

static void set_limit(rlim_t n)
{
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = n;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

static int open_descriptors(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(d);
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

static void on_client_closed(uv_handle_t *h)
{
    free(h);
}

static void on_connection(void *arg, uv_stream_t *server)
{
    fixture_t *f = arg;
    uv_tcp_t *c = malloc(sizeof(*c));
    uv_tcp_init(&f->loop, c);
    ck_assert_int_eq(uv_accept(server, (uv_stream_t *)c), 0);
    uv_close((uv_handle_t *)c, on_client_closed);
    f->accepted++;
    uv_stop(&f->loop);
}

static void on_closed(void *arg)
{
    ((fixture_t *)arg)->closed++;
}

static void on_stopper(uv_timer_t *t)
{
    uv_stop(t->loop);
}

/* Runs the loop for ms, whatever is active. */
static void run_for(fixture_t *f, uint64_t ms)
{
    uv_timer_t t;
    uv_timer_init(&f->loop, &t);
    uv_timer_start(&t, on_stopper, ms, 0);
    uv_run(&f->loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&f->loop, UV_RUN_NOWAIT);
}

/* A listener on loopback and a client waiting in its backlog while the limit allows no new
 * descriptor: after 500 ms the listener has failed one accept and paused three times (at 0,
 * 100 and 300 ms), and accepted nothing. */
static void setup_paused(fixture_t *f)
{
    ck_assert_int_eq(uv_loop_init(&f->loop), 0);
    f->fds_with_loop = open_descriptors();
    const lt_listener_config_t cfg = {on_connection, f, &f->stats, LT_TRANSPORT_TCP};
    struct sockaddr_in sa;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    ck_assert_int_eq(lt_listener_bind(&f->listener, &f->loop, (struct sockaddr *)&sa, &cfg), 0);
    struct sockaddr_storage bound;
    ck_assert_int_eq(lt_listener_address(f->listener, &bound), 0);
    f->client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_eq(connect(f->client, (struct sockaddr *)&bound, sizeof(sa)), 0);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    f->limit = rl.rlim_cur;
    set_limit(4);
    run_for(f, 500);
    ck_assert_int_eq(f->accepted, 0);
    ck_assert(lt_listener_is_paused(f->listener));
    ck_assert_uint_eq(lt_counter_get(&f->stats.accept_errors[LT_TRANSPORT_TCP]), 1);
    ck_assert_uint_eq(lt_counter_get(&f->stats.listener_pauses[LT_TRANSPORT_TCP]), 3);
}

START_TEST(test_listener_pauses_and_accepts_when_the_limit_rises)
{
    fixture_t f = {0};
    setup_paused(&f);
    set_limit(f.limit);
    /* The next retry (at 700 ms) listens again; the client waited in the backlog. */
    run_for(&f, 5000);
    ck_assert_int_eq(f.accepted, 1);
    ck_assert(!lt_listener_is_paused(f.listener));
    ck_assert_uint_eq(lt_counter_get(&f.stats.accept_errors[LT_TRANSPORT_TCP]), 1);
    ck_assert_uint_eq(lt_counter_get(&f.stats.listener_pauses[LT_TRANSPORT_TCP]), 3);
    lt_listener_close(f.listener, on_closed);
    close(f.client);
    uv_run(&f.loop, UV_RUN_DEFAULT);
    ck_assert_int_eq(f.closed, 1);
    ck_assert_int_eq(uv_loop_close(&f.loop), 0);
}
END_TEST

START_TEST(test_listener_closes_while_paused)
{
    fixture_t f = {0};
    setup_paused(&f);
    set_limit(f.limit);
    lt_listener_close(f.listener, on_closed);
    /* Nothing is left active: the loop ends, and the retry never listens again. */
    uv_run(&f.loop, UV_RUN_DEFAULT);
    ck_assert_int_eq(f.closed, 1);
    ck_assert_int_eq(f.accepted, 0);
    close(f.client);
    /* The kept socket and every duplicate are closed (and libuv's spare, spent on the failed
     * accept, could not be opened again under the limit): as many as before the listener. */
    ck_assert_int_eq(open_descriptors(), f.fds_with_loop);
    ck_assert_int_eq(uv_loop_close(&f.loop), 0);
}
END_TEST

static Suite *listener_suite(void)
{
    Suite *s = suite_create("listener");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_listener_pauses_and_accepts_when_the_limit_rises);
    tcase_add_test(tc, test_listener_closes_while_paused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(listener_suite());
}
