/* SPDX-License-Identifier: MIT */
/* Tests of src/http_client.c against a tiny server thread on a loopback port that answers one
 * connection with a canned response, sent in pieces: Content-Length, chunked and
 * close-delimited bodies, oversize bodies, broken responses, a refused port and a server that
 * never answers. Also the URL parser and the response parser at every split position. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lt_http_client.h"
#include "check_run.h"

typedef struct {
    int listen_fd;
    uint16_t port;
    const char *pieces[4]; /* written one after the other, 20 ms apart */
    bool is_silent;        /* read the request, then say nothing until the client leaves */
    char request[2048];
    pthread_t thread;
} server_t;

static void *serve(void *arg)
{
    server_t *s = arg;
    int fd = accept(s->listen_fd, NULL, NULL);
    size_t n = 0;

    if (fd < 0)
        return NULL;
    while (n < sizeof(s->request) - 1 && strstr(s->request, "\r\n\r\n") == NULL) {
        ssize_t r = read(fd, s->request + n, sizeof(s->request) - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        s->request[n] = '\0';
    }
    if (s->is_silent) {
        char c;
        while (read(fd, &c, 1) > 0) /* until the client gives up and closes */
            ;
    }
    for (int i = 0; i < 4 && s->pieces[i] != NULL; i++) {
        struct timespec ts = {0, 20 * 1000000L};
        if (i > 0)
            nanosleep(&ts, NULL);
        if (write(fd, s->pieces[i], strlen(s->pieces[i])) < 0)
            break;
    }
    close(fd);
    return NULL;
}

static void server_start(server_t *s)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sin);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s->listen_fd, 0);
    ck_assert_int_eq(bind(s->listen_fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    ck_assert_int_eq(listen(s->listen_fd, 4), 0);
    ck_assert_int_eq(getsockname(s->listen_fd, (struct sockaddr *)&sin, &len), 0);
    s->port = ntohs(sin.sin_port);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(server_t *s)
{
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
}

/* GETs /api/v1/stats from a server answering with pieces; returns the client's code. */
static int get(server_t *s, const char *prefix, size_t max_body, unsigned timeout_ms,
               int *status, lt_strbuf_t *body)
{
    char text[128];
    lt_http_url_t url;
    server_start(s);
    snprintf(text, sizeof(text), "http://127.0.0.1:%u%s", s->port, prefix);
    ck_assert_int_eq(lt_http_url_parse(text, &url), 0);
    int rc = lt_http_get(&url, "/api/v1/stats", timeout_ms, max_body, status, body);
    server_stop(s);
    return rc;
}

/* Responses the client reads: the pieces the server writes, and what the client returns. */
static const struct {
    const char *what;
    const char *prefix; /* the URL's path prefix */
    const char *pieces[4];
    int status;
    const char *body;
    const char *request_line; /* what the server must have been asked */
} body_rows[] = {
    {"Content-Length, header name and value split",
     "/base/",
     {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length:", " 11\r\n\r\n{\"a\":",
      "12345}"},
     200,
     "{\"a\":12345}",
     "GET /base/api/v1/stats HTTP/1.1\r\n"},
    {"chunked, with a chunk extension",
     "",
     {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
      "lo\r\n6;ext=1\r\n, worl\r\n", "1\r\nd\r\n0\r\n\r\n"},
     200,
     "hello, world",
     "GET /api/v1/stats HTTP/1.1\r\n"},
    {"HTTP/1.0 404, close-delimited",
     "",
     {"HTTP/1.0 404 Not Found\r\n\r\nnot ", "found\n"},
     404,
     "not found\n",
     "GET /api/v1/stats HTTP/1.1\r\n"},
};

START_TEST(test_http_client_bodies)
{
    server_t s = {.pieces = {0}};
    lt_strbuf_t body = LT_STRBUF_INIT;
    int status = 0;
    const char *what = body_rows[_i].what;

    memcpy(s.pieces, body_rows[_i].pieces, sizeof(s.pieces));
    ck_assert_msg(get(&s, body_rows[_i].prefix, 1024, 2000, &status, &body) == 0, "%s", what);
    ck_assert_msg(status == body_rows[_i].status, "%s: status %d", what, status);
    ck_assert_msg(strcmp(body.p, body_rows[_i].body) == 0, "%s: body '%s'", what, body.p);
    ck_assert_msg(
        strncmp(s.request, body_rows[_i].request_line, strlen(body_rows[_i].request_line)) == 0,
        "%s: request: %s", what, s.request);
    ck_assert_ptr_nonnull(strstr(s.request, "\r\nHost: 127.0.0.1:"));
    lt_strbuf_free(&body);
}
END_TEST

/* Responses the client refuses, whole: too large for max_body, or not HTTP as it must be. */
static const struct {
    const char *what;
    const char *pieces[4];
    size_t max_body;
    int rc;
} refusal_rows[] = {
    {"Content-Length above max_body",
     {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"},
     99,
     -EMSGSIZE},
    {"chunks adding up above max_body",
     {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n",
      "8\r\n12345678\r\n0\r\n\r\n"},
     12,
     -EMSGSIZE},
    {"not HTTP", {"SSH-2.0-OpenSSH\r\n\r\n"}, 1024, -EPROTO},
    {"body shorter than Content-Length",
     {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"},
     1024,
     -EPROTO},
    {"closed inside the head", {"HTTP/1.1 200 OK\r\nContent-"}, 1024, -EPROTO},
};

START_TEST(test_http_client_refused_responses)
{
    server_t s = {.pieces = {0}};
    lt_strbuf_t body = LT_STRBUF_INIT;
    int status = 0;

    memcpy(s.pieces, refusal_rows[_i].pieces, sizeof(s.pieces));
    int rc = get(&s, "", refusal_rows[_i].max_body, 2000, &status, &body);
    ck_assert_msg(rc == refusal_rows[_i].rc, "%s: rc %d, want %d", refusal_rows[_i].what, rc,
                  refusal_rows[_i].rc);
    lt_strbuf_free(&body);
}
END_TEST

START_TEST(test_http_client_refused)
{
    server_t s = {.pieces = {NULL}};
    lt_http_url_t url;
    char text[64];
    lt_strbuf_t body = LT_STRBUF_INIT;
    int status;

    /* A port that was just listening and is closed now refuses. */
    server_start(&s);
    shutdown(s.listen_fd, SHUT_RDWR); /* wakes the accept: the server thread returns */
    close(s.listen_fd);
    pthread_join(s.thread, NULL);
    snprintf(text, sizeof(text), "http://localhost:%u", s.port);
    ck_assert_int_eq(lt_http_url_parse(text, &url), 0);
    ck_assert_int_eq(lt_http_get(&url, "/", 2000, 1024, &status, &body), -ECONNREFUSED);
    lt_strbuf_free(&body);
}
END_TEST

START_TEST(test_http_client_timeout)
{
    server_t s = {.is_silent = true};
    lt_strbuf_t body = LT_STRBUF_INIT;
    struct timespec t0, t1;
    int status;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(get(&s, "", 1024, 200, &status, &body), -ETIMEDOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    ck_assert_msg(took >= 0.19 && took < 2.0, "timed out after %.3f s", took);
    lt_strbuf_free(&body);
}
END_TEST

START_TEST(test_http_client_url_parse)
{
    lt_http_url_t u;
    ck_assert_int_eq(lt_http_url_parse("http://127.0.0.1:9514", &u), 0);
    ck_assert_str_eq(u.authority, "127.0.0.1:9514");
    ck_assert_str_eq(u.prefix, "");
    ck_assert_int_eq(lt_http_url_parse("http://[::1]:80/x/", &u), 0);
    ck_assert_int_eq(u.sa.ss_family, AF_INET6);
    ck_assert_str_eq(u.prefix, "/x");
    ck_assert_int_eq(lt_http_url_parse("http://localhost/", &u), 0);
    ck_assert_int_eq(ntohs(((struct sockaddr_in *)&u.sa)->sin_port), 80);
    ck_assert_int_eq(lt_http_url_parse("https://127.0.0.1", &u), -EINVAL);
    ck_assert_int_eq(lt_http_url_parse("http://example.com", &u), -EINVAL);
    ck_assert_int_eq(lt_http_url_parse("http://127.0.0.1:0", &u), -EINVAL);
    ck_assert_int_eq(lt_http_url_parse("http://127.0.0.1:70000", &u), -EINVAL);
    ck_assert_int_eq(lt_http_url_parse("http://127.0.0.1:12x", &u), -EINVAL);
    ck_assert_int_eq(lt_http_url_parse("http://:80", &u), -EINVAL);
}
END_TEST

START_TEST(test_http_client_parse_every_split)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    size_t n = sizeof(resp) - 1;
    for (size_t k = 0; k <= n; k++) {
        lt_strbuf_t body = LT_STRBUF_INIT;
        int status = 0;
        int rc = lt_http_client_parse(resp, k, false, 1024, &status, &body);
        if (k < n) {
            ck_assert_msg(rc == 0, "prefix of %zu bytes gave %d", k, rc);
        } else {
            ck_assert_int_eq(rc, 1);
            ck_assert_str_eq(body.p, "abcde");
        }
        lt_strbuf_free(&body);
    }
}
END_TEST

static Suite *http_client_suite(void)
{
    Suite *s = suite_create("http_client");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 20);
    tcase_add_loop_test(tc, test_http_client_bodies, 0, ROWS(body_rows));
    tcase_add_loop_test(tc, test_http_client_refused_responses, 0, ROWS(refusal_rows));
    tcase_add_test(tc, test_http_client_refused);
    tcase_add_test(tc, test_http_client_timeout);
    tcase_add_test(tc, test_http_client_url_parse);
    tcase_add_test(tc, test_http_client_parse_every_split);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(http_client_suite());
}
