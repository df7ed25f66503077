/* SPDX-License-Identifier: MIT */
/* Tests of src/config.c: defaults, a file that sets every key, comments, every kind of bad
 * value with the exact line it logs (captured through lt_log_set_sink) and the caller's
 * struct left untouched, addresses, command-line listeners and the to_json round trip. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "lt_alloc.h"
#include "lt_config.h"
#include "lt_log.h"

#define MAX_LINES 8

typedef struct {
    char lines[MAX_LINES][1024];
    int prios[MAX_LINES];
    size_t count;
} captured_t;

static captured_t captured;

static void capture(void *arg, int prio, const char *line)
{
    captured_t *cap = arg;
    if (cap->count < MAX_LINES) {
        snprintf(cap->lines[cap->count], sizeof(cap->lines[0]), "%s", line);
        cap->prios[cap->count] = prio;
    }
    cap->count++;
}

static void setup(void)
{
    memset(&captured, 0, sizeof(captured));
    lt_log_set_sink(capture, &captured);
}

static void teardown(void)
{
    lt_log_set_sink(NULL, NULL);
}

static int load(lt_config_t *c, const char *text)
{
    return lt_config_load_string(c, text, strlen(text), "test.json");
}

/* A file of the source tree: `make check` exports LT_SRCDIR; by hand, run from the top. */
static const char *data_path(char *buf, size_t n, const char *name)
{
    const char *top = getenv("LT_SRCDIR");
    snprintf(buf, n, "%s/%s", top != NULL && top[0] != '\0' ? top : ".", name);
    return buf;
}

/* Names the first field where a and b differ, or NULL when they are the same config. */
static const char *config_diff(const lt_config_t *a, const lt_config_t *b)
{
#define SAME(f)                                                                                    \
    if (a->f != b->f)                                                                              \
        return #f;
    SAME(tcp_count)
    SAME(udp_count)
    for (size_t i = 0; i < a->tcp_count; i++)
        if (strcmp(a->tcp[i].text, b->tcp[i].text) != 0 ||
            memcmp(&a->tcp[i].sa, &b->tcp[i].sa, sizeof(a->tcp[i].sa)) != 0)
            return "tcp[]";
    for (size_t i = 0; i < a->udp_count; i++)
        if (strcmp(a->udp[i].text, b->udp[i].text) != 0 ||
            memcmp(&a->udp[i].sa, &b->udp[i].sa, sizeof(a->udp[i].sa)) != 0)
            return "udp[]";
    SAME(is_http_enabled)
    if (strcmp(a->http.text, b->http.text) != 0 ||
        memcmp(&a->http.sa, &b->http.sa, sizeof(a->http.sa)) != 0)
        return "http";
    SAME(workers)
    SAME(max_message_bytes)
    SAME(labels)
    SAME(max_connections)
    SAME(idle_timeout_s)
    SAME(max_series)
    SAME(udp_rcvbuf_bytes)
    SAME(ring_slots)
    SAME(ring_max_message_bytes)
    SAME(ring_min_level)
    SAME(http_max_connections)
    SAME(http_max_header_bytes)
    SAME(http_max_body_bytes)
    SAME(http_request_timeout_s)
    SAME(is_http_ingest_enabled)
    if (strcmp(a->http_auth_token_file, b->http_auth_token_file) != 0)
        return "http_auth_token_file";
    if (strcmp(a->state_file, b->state_file) != 0)
        return "state_file";
    SAME(state_interval_s)
#undef SAME
    return NULL;
}

static void assert_ipv4(const lt_addr_t *a, const char *text, const char *ip, unsigned port)
{
    const struct sockaddr_in *sin = (const struct sockaddr_in *)&a->sa;
    struct in_addr want;
    ck_assert_int_eq(inet_pton(AF_INET, ip, &want), 1);
    ck_assert_str_eq(a->text, text);
    ck_assert_msg(sin->sin_family == AF_INET, "%s: family %d", text, sin->sin_family);
    ck_assert_msg(ntohs(sin->sin_port) == port, "%s: port %u", text, ntohs(sin->sin_port));
    ck_assert_msg(sin->sin_addr.s_addr == want.s_addr, "%s: wrong address", text);
}

static void assert_ipv6(const lt_addr_t *a, const char *text, const char *ip, unsigned port)
{
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a->sa;
    struct in6_addr want;
    ck_assert_int_eq(inet_pton(AF_INET6, ip, &want), 1);
    ck_assert_str_eq(a->text, text);
    ck_assert_msg(sin6->sin6_family == AF_INET6, "%s: family %d", text, sin6->sin6_family);
    ck_assert_msg(ntohs(sin6->sin6_port) == port, "%s: port %u", text, ntohs(sin6->sin6_port));
    ck_assert_msg(memcmp(&sin6->sin6_addr, &want, sizeof(want)) == 0, "%s: wrong address", text);
}

START_TEST(test_config_defaults)
{
    lt_config_t c;
    memset(&c, 0xa5, sizeof(c));
    lt_config_defaults(&c);

    ck_assert_uint_eq(c.tcp_count, 1);
    assert_ipv4(&c.tcp[0], "127.0.0.1:5514", "127.0.0.1", 5514);
    ck_assert_uint_eq(c.udp_count, 1);
    assert_ipv4(&c.udp[0], "127.0.0.1:5514", "127.0.0.1", 5514);
    ck_assert(c.is_http_enabled);
    assert_ipv4(&c.http, "127.0.0.1:9514", "127.0.0.1", 9514);
    ck_assert_uint_eq(c.workers, 0);
    ck_assert_uint_eq(c.max_message_bytes, 65536);
    ck_assert_uint_eq(c.labels, 0);
    ck_assert_uint_eq(c.max_connections, 4096);
    ck_assert_uint_eq(c.idle_timeout_s, 300);
    ck_assert_uint_eq(c.max_series, 10000);
    ck_assert_uint_eq(c.udp_rcvbuf_bytes, 4194304);
    ck_assert_uint_eq(c.ring_slots, 10000);
    ck_assert_uint_eq(c.ring_max_message_bytes, 1024);
    ck_assert_int_eq(c.ring_min_level, LT_LEVEL_WARNING);
    ck_assert_uint_eq(c.http_max_connections, 256);
    ck_assert_uint_eq(c.http_max_header_bytes, 16384);
    ck_assert_uint_eq(c.http_max_body_bytes, 16777216);
    ck_assert_uint_eq(c.http_request_timeout_s, 30);
    ck_assert(c.is_http_ingest_enabled);
    ck_assert_str_eq(c.state_file, "");
    ck_assert_uint_eq(c.state_interval_s, 60);
    ck_assert_uint_eq(captured.count, 0);
}
END_TEST

static void assert_full(const lt_config_t *c)
{
    ck_assert_uint_eq(c->tcp_count, 2);
    assert_ipv4(&c->tcp[0], "0.0.0.0:6514", "0.0.0.0", 6514);
    assert_ipv6(&c->tcp[1], "[::1]:6515", "::1", 6515);
    ck_assert_uint_eq(c->udp_count, 0);
    ck_assert(c->is_http_enabled);
    assert_ipv6(&c->http, "[::]:9600", "::", 9600);
    ck_assert_uint_eq(c->workers, 3);
    ck_assert_uint_eq(c->max_message_bytes, 8192);
    ck_assert_uint_eq(c->labels,
                      LT_LABEL_HOST | LT_LABEL_APP | LT_LABEL_FACILITY | LT_LABEL_TRANSPORT);
    ck_assert_uint_eq(c->max_connections, 100);
    ck_assert_uint_eq(c->idle_timeout_s, 60);
    ck_assert_uint_eq(c->max_series, 500);
    ck_assert_uint_eq(c->udp_rcvbuf_bytes, 0);
    ck_assert_uint_eq(c->ring_slots, 64);
    ck_assert_uint_eq(c->ring_max_message_bytes, 512);
    ck_assert_int_eq(c->ring_min_level, LT_LEVEL_DEBUG);
    ck_assert_uint_eq(c->http_max_connections, 8);
    ck_assert_uint_eq(c->http_max_header_bytes, 4096);
    ck_assert_uint_eq(c->http_max_body_bytes, 1048576);
    ck_assert_uint_eq(c->http_request_timeout_s, 5);
    ck_assert(!c->is_http_ingest_enabled);
    ck_assert_str_eq(c->state_file, "/var/lib/logtally/state.json");
    ck_assert_uint_eq(c->state_interval_s, 15);
}

START_TEST(test_config_full_file)
{
    char path[512];
    lt_config_t c;
    lt_config_defaults(&c);
    data_path(path, sizeof(path), "tests/data/config/full.json");
    ck_assert_msg(lt_config_load_file(&c, path) == 0, "%s: %s", path, captured.lines[0]);
    ck_assert_msg(captured.count == 0, "unexpected log: %s", captured.lines[0]);
    assert_full(&c);
}
END_TEST

/* The shipped example documents the defaults: loading it must change nothing. */
START_TEST(test_config_example_is_defaults)
{
    char path[512];
    lt_config_t c, defaults;
    lt_config_defaults(&c);
    lt_config_defaults(&defaults);
    data_path(path, sizeof(path), "conf/logtally.json");
    ck_assert_msg(lt_config_load_file(&c, path) == 0, "%s: %s", path, captured.lines[0]);
    ck_assert_msg(captured.count == 0, "unexpected log: %s", captured.lines[0]);
    const char *diff = config_diff(&c, &defaults);
    ck_assert_msg(diff == NULL, "conf/logtally.json differs from the defaults in %s", diff);
}
END_TEST

/* Keys the file leaves out keep whatever the struct held, not the defaults. */
START_TEST(test_config_absent_keys_kept)
{
    lt_config_t c, before;
    lt_config_defaults(&c);
    c.max_series = 77;
    c.workers = 5;
    before = c;
    ck_assert_int_eq(load(&c, "{\"limits\": {\"idle_timeout_s\": 9}}"), 0);
    ck_assert_uint_eq(c.idle_timeout_s, 9);
    c.idle_timeout_s = before.idle_timeout_s;
    const char *diff = config_diff(&c, &before);
    ck_assert_msg(diff == NULL, "field %s changed", diff);

    ck_assert_int_eq(load(&c, "{}"), 0);
    ck_assert_msg(config_diff(&c, &before) == NULL, "{} changed something");
}
END_TEST

START_TEST(test_config_comments)
{
    lt_config_t c;
    lt_config_defaults(&c);
    const char *text = "// leading line comment\n"
                       "/* block */ { /* inside */ \"workers\" /* between */ : // after colon\n"
                       "  7, /* multi\n"
                       "  line */ \"ring\": {\"min_level\": \"err\"/**/}, // a\"quote\n"
                       "  \"labels\": [\"host\" /* * / ** */, \"app\"] /***/\n"
                       "} // trailing\n";
    ck_assert_msg(load(&c, text) == 0, "input: %s / log: %s", text, captured.lines[0]);
    ck_assert_uint_eq(c.workers, 7);
    ck_assert_int_eq(c.ring_min_level, LT_LEVEL_ERR);
    ck_assert_uint_eq(c.labels, LT_LABEL_HOST | LT_LABEL_APP);

    /* Comment markers inside strings are text: they reach the key and value checks whole. */
    ck_assert_int_eq(load(&c, "{\"x//y\": 1}"), UV_EINVAL);
    ck_assert_uint_eq(captured.count, 1);
    ck_assert_str_eq(captured.lines[0],
                     "test.json: x//y: unknown key (expected one of listen, workers, "
                     "max_message_bytes, labels, limits, udp, ring, http, state)");
    ck_assert_int_eq(load(&c, "{\"ring\": {\"min_level\": \"/* e\\\" */ // \"}}"), UV_EINVAL);
    ck_assert_uint_eq(captured.count, 2);
    ck_assert_str_eq(captured.lines[1],
                     "test.json: ring.min_level: \"/* e\" */ // \" is not a level (expected one "
                     "of emerg, alert, crit, err, warning, notice, info, debug, unknown)");
}
END_TEST

typedef struct {
    const char *input;
    const char *line; /* the one line logged, after "test.json: " */
} bad_case_t;

#define ADDR_EXP "(expected IPv4:PORT or [IPv6]:PORT, e.g. 127.0.0.1:5514 or [::1]:5514)"
#define LEVELS   "emerg, alert, crit, err, warning, notice, info, debug, unknown"
#define LABELS   "level, host, app, facility, transport"
#define SEVENTEEN                                                                                  \
    "\"1.0.0.1:1\", \"1.0.0.1:2\", \"1.0.0.1:3\", \"1.0.0.1:4\", \"1.0.0.1:5\", \"1.0.0.1:6\", "   \
    "\"1.0.0.1:7\", \"1.0.0.1:8\", \"1.0.0.1:9\", \"1.0.0.1:10\", \"1.0.0.1:11\", "                \
    "\"1.0.0.1:12\", \"1.0.0.1:13\", \"1.0.0.1:14\", \"1.0.0.1:15\", \"1.0.0.1:16\", "             \
    "\"1.0.0.1:17\""

static const bad_case_t bad_cases[] = {
    /* out of range */
    {"{\"limits\": {\"max_series\": 0}}", "limits.max_series: 0 is out of range (1..10000000)"},
    {"{\"workers\": 257}", "workers: 257 is out of range (0..256)"},
    {"{\"workers\": -1}", "workers: -1 is out of range (0..256)"},
    {"{\"max_message_bytes\": 63}", "max_message_bytes: 63 is out of range (64..16777216)"},
    {"{\"max_message_bytes\": 1e300}", "max_message_bytes: 1e+300 is out of range (64..16777216)"},
    {"{\"limits\": {\"max_connections\": 0}}",
     "limits.max_connections: 0 is out of range (1..1048576)"},
    {"{\"limits\": {\"idle_timeout_s\": 86401}}",
     "limits.idle_timeout_s: 86401 is out of range (1..86400)"},
    {"{\"udp\": {\"rcvbuf_bytes\": 1073741825}}",
     "udp.rcvbuf_bytes: 1073741825 is out of range (0..1073741824)"},
    {"{\"ring\": {\"slots\": 1000001}}", "ring.slots: 1000001 is out of range (1..1000000)"},
    {"{\"ring\": {\"max_message_bytes\": 15}}",
     "ring.max_message_bytes: 15 is out of range (16..65536)"},
    {"{\"http\": {\"max_connections\": 65537}}",
     "http.max_connections: 65537 is out of range (1..65536)"},
    {"{\"http\": {\"max_header_bytes\": 1023}}",
     "http.max_header_bytes: 1023 is out of range (1024..1048576)"},
    {"{\"http\": {\"max_body_bytes\": 268435457}}",
     "http.max_body_bytes: 268435457 is out of range (1024..268435456)"},
    {"{\"http\": {\"request_timeout_s\": 0}}",
     "http.request_timeout_s: 0 is out of range (1..3600)"},
    {"{\"state\": {\"interval_s\": 0}}", "state.interval_s: 0 is out of range (1..86400)"},
    {"{\"state\": {\"file\": \"state.json\"}}",
     "state.file: \"state.json\" is not an absolute path (expected one starting with /)"},
    {"{\"state\": {\"file\": \"/var/lib/logtally/\"}}",
     "state.file: \"/var/lib/logtally/\" names a directory (expected a file path)"},
    {"{\"state\": {\"file\": 1}}",
     "state.file: 1 is not a string (expected an absolute path, or \"\" for off)"},
    /* wrong types */
    {"{\"workers\": 1.5}", "workers: 1.5 is not an integer (expected an integer 0..256)"},
    {"{\"workers\": \"4\"}", "workers: \"4\" is not an integer (expected an integer 0..256)"},
    {"{\"workers\": true}", "workers: true is not an integer (expected an integer 0..256)"},
    {"{\"workers\": null}", "workers: null is not an integer (expected an integer 0..256)"},
    {"{\"limits\": {\"max_series\": [1]}}",
     "limits.max_series: an array is not an integer (expected an integer 1..10000000)"},
    {"{\"ring\": {\"slots\": 0.1}}",
     "ring.slots: 0.1 is not an integer (expected an integer 1..1000000)"},
    {"{\"http\": {\"ingest\": \"yes\"}}",
     "http.ingest: \"yes\" is not a boolean (expected true or false)"},
    {"{\"http\": {\"ingest\": 1}}", "http.ingest: 1 is not a boolean (expected true or false)"},
    {"{\"limits\": []}",
     "limits: an array is not an object (expected an object with keys max_connections, "
     "idle_timeout_s, max_series)"},
    {"[]", "(top level): an array is not an object (expected an object with keys listen, workers, "
           "max_message_bytes, labels, limits, udp, ring, http, state)"},
    {"\"x\"", "(top level): \"x\" is not an object (expected an object with keys listen, workers, "
              "max_message_bytes, labels, limits, udp, ring, http, state)"},
    /* unknown and repeated keys, at every level */
    {"{\"wrokers\": 2}",
     "wrokers: unknown key (expected one of listen, workers, max_message_bytes, labels, "
     "limits, udp, ring, http, state)"},
    {"{\"limits\": {\"max_seriez\": 5}}",
     "limits.max_seriez: unknown key (expected one of max_connections, idle_timeout_s, "
     "max_series)"},
    {"{\"listen\": {\"tls\": []}}", "listen.tls: unknown key (expected one of tcp, udp, http)"},
    {"{\"udp\": {\"rcvbuf\": 1}}", "udp.rcvbuf: unknown key (expected one of rcvbuf_bytes)"},
    {"{\"ring\": {\"Slots\": 1}}",
     "ring.Slots: unknown key (expected one of slots, max_message_bytes, min_level)"},
    {"{\"http\": {\"timeout\": 1}}",
     "http.timeout: unknown key (expected one of max_connections, max_header_bytes, "
     "max_body_bytes, request_timeout_s, ingest, auth_token_file)"},
    {"{\"a\\nb\\u001b[31m\": 1}",
     "a?b?[31m: unknown key (expected one of listen, workers, max_message_bytes, labels, "
     "limits, udp, ring, http, state)"},
    {"{\"workers\": 1, \"workers\": 2}", "workers: key appears twice (expected each key once)"},
    /* addresses */
    {"{\"listen\": {\"tcp\": [\"127.0.0.1:5514\", \"localhost:5514\"]}}",
     "listen.tcp[1]: \"localhost:5514\" names a host; use a numeric address " ADDR_EXP},
    {"{\"listen\": {\"udp\": [\"1.2.3.4\"]}}", "listen.udp[0]: \"1.2.3.4\" has no port " ADDR_EXP},
    {"{\"listen\": {\"udp\": [\"1.2.3.4:65536\"]}}",
     "listen.udp[0]: \"1.2.3.4:65536\" has a port above 65535 " ADDR_EXP},
    {"{\"listen\": {\"tcp\": [\"1.2.3:80\"]}}",
     "listen.tcp[0]: \"1.2.3:80\" is not a valid IPv4 address " ADDR_EXP},
    {"{\"listen\": {\"tcp\": [\"::1:80\"]}}",
     "listen.tcp[0]: \"::1:80\" is an IPv6 address without brackets " ADDR_EXP},
    {"{\"listen\": {\"tcp\": [5514]}}", "listen.tcp[0]: 5514 is not a string " ADDR_EXP},
    {"{\"listen\": {\"tcp\": \"127.0.0.1:5514\"}}",
     "listen.tcp: \"127.0.0.1:5514\" is not an array (expected an array of up to 16 addresses "
     "IPv4:PORT or [IPv6]:PORT, e.g. 127.0.0.1:5514 or [::1]:5514)"},
    {"{\"listen\": {\"tcp\": [" SEVENTEEN "]}}",
     "listen.tcp: 17 addresses are too many (expected at most 16)"},
    {"{\"listen\": {\"udp\": [\"[::1]:5514\", \"[0::1]:5514\"]}}",
     "listen.udp[1]: \"[0::1]:5514\" is listed twice (expected distinct addresses)"},
    {"{\"listen\": {\"http\": \"1.2.3.4:http\"}}",
     "listen.http: \"1.2.3.4:http\" has a port that is not a number (expected IPv4:PORT or "
     "[IPv6]:PORT, e.g. 127.0.0.1:5514 or [::1]:5514, or \"\" for off)"},
    {"{\"listen\": {\"http\": false}}",
     "listen.http: false is not a string (expected IPv4:PORT or [IPv6]:PORT, e.g. "
     "127.0.0.1:5514 or [::1]:5514, or \"\" for off)"},
    /* level and label names */
    {"{\"ring\": {\"min_level\": \"error\"}}",
     "ring.min_level: \"error\" is not a level (expected one of " LEVELS ")"},
    {"{\"ring\": {\"min_level\": 3}}",
     "ring.min_level: 3 is not a string (expected one of " LEVELS ")"},
    {"{\"labels\": [\"level\", \"pid\"]}",
     "labels[1]: \"pid\" is not a label (expected one of " LABELS ")"},
    {"{\"labels\": [\"Host\"]}", "labels[0]: \"Host\" is not a label (expected one of " LABELS ")"},
    {"{\"labels\": [null]}", "labels[0]: null is not a string (expected one of " LABELS ")"},
    {"{\"labels\": \"host\"}",
     "labels: \"host\" is not an array (expected an array of label names: " LABELS ")"},
    /* numbers beyond int64_t (found by tests/fuzz/fuzz_config.c: formatting them for the
     * message converted the double to int64_t, which is undefined behaviour) */
    {"{\"workers\": 1e43}", "workers: 1e+43 is out of range (0..256)"},
    {"{\"limits\": {\"max_series\": -1e300}}",
     "limits.max_series: -1e+300 is out of range (1..10000000)"},
    {" \r999999999999999999999999999999999999999999999",
     "(top level): 1e+45 is not an object (expected an object with keys listen, workers, "
     "max_message_bytes, labels, limits, udp, ring, http, state)"},
    /* between keys */
    {"{\"max_message_bytes\": 1024, \"ring\": {\"max_message_bytes\": 2048}}",
     "ring.max_message_bytes: 2048 is larger than max_message_bytes (expected at most 1024)"},
    {"{\"max_message_bytes\": 512}",
     "max_message_bytes: 512 is smaller than ring.max_message_bytes (expected at least 1024)"},
};

START_TEST(test_config_bad_values)
{
    const bad_case_t *bc = &bad_cases[_i];
    lt_config_t c, before;
    char want[1024];

    lt_config_defaults(&c);
    c.workers = 2; /* something besides the defaults, to see that nothing is touched */
    c.tcp_count = 0;
    memcpy(&before, &c, sizeof(c));
    snprintf(want, sizeof(want), "test.json: %s", bc->line);

    int rc = load(&c, bc->input);
    ck_assert_msg(rc == UV_EINVAL, "input %s: rc %d", bc->input, rc);
    ck_assert_msg(captured.count == 1, "input %s: %zu lines logged", bc->input, captured.count);
    ck_assert_msg(captured.prios[0] == LT_LOG_ERR, "input %s: priority %d", bc->input,
                  captured.prios[0]);
    ck_assert_msg(strcmp(captured.lines[0], want) == 0, "input %s:\n got  %s\n want %s", bc->input,
                  captured.lines[0], want);
    ck_assert_msg(memcmp(&c, &before, sizeof(c)) == 0, "input %s: struct changed", bc->input);
}
END_TEST

typedef struct {
    const char *input;
    const char *line;
} syntax_case_t;

static const syntax_case_t syntax_cases[] = {
    {"{\n  \"workers\": 1\n  \"labels\": []\n}",
     "test.json:3:3: invalid JSON near \"\"labels\": []\""},
    {"{\"workers\": 1} x", "test.json:1:16: unexpected text after the top-level object near \"x\""},
    {"{\"workers\": 1}{}",
     "test.json:1:15: unexpected text after the top-level object near \"{}\""},
    {"{\"workers\": 1", "test.json:1:14: invalid JSON: the file ends too soon"},
    {"{\"workers\": 1\n", "test.json:2:1: invalid JSON: the file ends too soon"},
    {"{\"workers\": 1]", "test.json:1:14: invalid JSON near \"]\""},
    {"{\"workers\": 1 /", "test.json:1:16: invalid JSON: the file ends too soon"},
    /* An unterminated string is reported where it starts. */
    {"{\"a\": \"b\\\"", "test.json:1:8: invalid JSON near \"b\\\"\""},
    {"{\"workers\":\n\"x\"", "test.json:2:4: invalid JSON: the file ends too soon"},
    {"{\"workers\": 1 / 2}", "test.json:1:15: invalid JSON near \"/ 2}\""},
    {"{\n  /* never closed\n}", "test.json:2:3: unterminated /* comment"},
    {"{\"a\": \"b\0c\"}", "test.json:1:9: contains a NUL byte"},
    {"", "test.json: contains no JSON (expected an object, e.g. {})"},
    {"  // only a comment\n/* and another */\n",
     "test.json: contains no JSON (expected an object, e.g. {})"},
    {"{'workers': 1}", "test.json:1:3: invalid JSON near \"workers': 1}\""},
    {"{\"labels\": [\"host\", \"app\", \"facility\", \"transport\", oops]}",
     "test.json:1:53: invalid JSON near \"oops]}\""},
    {"{\"ring\": {\"min_level\": \"a very long string value that is never closed}}",
     "test.json:1:25: invalid JSON near \"a very long string value...\""},
    {"{\"workers\": 1,}", "test.json:1:15: invalid JSON near \"}\""},
};

START_TEST(test_config_syntax_errors)
{
    const syntax_case_t *sc = &syntax_cases[_i];
    lt_config_t c, before;
    size_t n = strlen(sc->input);

    /* The NUL case is the only input with a byte past strlen. */
    if (strstr(sc->line, "NUL") != NULL)
        n = 12;
    lt_config_defaults(&c);
    memcpy(&before, &c, sizeof(c));
    int rc = lt_config_load_string(&c, sc->input, n, "test.json");
    ck_assert_msg(rc == UV_EINVAL, "input %s: rc %d", sc->input, rc);
    ck_assert_msg(captured.count == 1, "input %s: %zu lines logged", sc->input, captured.count);
    ck_assert_msg(strcmp(captured.lines[0], sc->line) == 0, "input %s:\n got  %s\n want %s",
                  sc->input, captured.lines[0], sc->line);
    ck_assert_msg(memcmp(&c, &before, sizeof(c)) == 0, "input %s: struct changed", sc->input);
}
END_TEST

START_TEST(test_config_file_errors)
{
    char path[512], want[1100];
    lt_config_t c, before;
    lt_config_defaults(&c);
    memcpy(&before, &c, sizeof(c));

    ck_assert_int_eq(lt_config_load_file(&c, "/nonexistent/logtally.json"), UV_ENOENT);
    ck_assert_uint_eq(captured.count, 1);
    ck_assert_str_eq(captured.lines[0],
                     "/nonexistent/logtally.json: cannot read: no such file or directory");

    /* A directory opens but cannot be read (root reads every file, so EACCES is untestable). */
    data_path(path, sizeof(path), "tests/data/config");
    ck_assert_int_eq(lt_config_load_file(&c, path), UV_EISDIR);
    ck_assert_uint_eq(captured.count, 2);
    snprintf(want, sizeof(want), "%s: cannot read: illegal operation on a directory", path);
    ck_assert_str_eq(captured.lines[1], want);

    data_path(path, sizeof(path), "tests/data/config/syntax-error.json");
    ck_assert_int_eq(lt_config_load_file(&c, path), UV_EINVAL);
    ck_assert_uint_eq(captured.count, 3);
    snprintf(want, sizeof(want), "%s:5:5: invalid JSON near \"\"labels\": [\"host\"]\"", path);
    ck_assert_str_eq(captured.lines[2], want);

    data_path(path, sizeof(path), "tests/data/config/bad-range.json");
    ck_assert_int_eq(lt_config_load_file(&c, path), UV_EINVAL);
    ck_assert_uint_eq(captured.count, 4);
    snprintf(want, sizeof(want), "%s: limits.max_series: 0 is out of range (1..10000000)", path);
    ck_assert_str_eq(captured.lines[3], want);

    ck_assert_msg(memcmp(&c, &before, sizeof(c)) == 0, "a failed load changed the struct");
}
END_TEST

static void assert_round_trip(const lt_config_t *c, const char *what)
{
    char *json = lt_config_to_json(c);
    lt_config_t back;
    lt_config_defaults(&back);
    /* Start far from c so that a key missing from the output shows up as a difference. */
    back.workers = 99;
    back.labels = LT_LABEL_APP;
    back.tcp_count = 0;
    back.is_http_ingest_enabled = !c->is_http_ingest_enabled;
    back.state_interval_s = c->state_interval_s + 1;
    snprintf(back.state_file, sizeof(back.state_file), "/not/%.900s", c->state_file);
    int rc = load(&back, json);
    ck_assert_msg(rc == 0, "%s: to_json output does not load (%s):\n%s", what, captured.lines[0],
                  json);
    const char *diff = config_diff(c, &back);
    ck_assert_msg(diff == NULL, "%s: %s differs after the round trip:\n%s", what, diff, json);
    lt_free(json);
}

START_TEST(test_config_round_trip)
{
    char path[512];
    lt_config_t c;

    lt_config_defaults(&c);
    assert_round_trip(&c, "defaults");

    data_path(path, sizeof(path), "tests/data/config/full.json");
    ck_assert_msg(lt_config_load_file(&c, path) == 0, "%s: %s", path, captured.lines[0]);
    assert_round_trip(&c, "full.json");

    lt_config_defaults(&c);
    ck_assert_int_eq(load(&c, "{\"listen\": {\"tcp\": [], \"udp\": [\"[fe80::1:2]:0\", "
                              "\"0.0.0.0:0\"], \"http\": \"\"}, \"labels\": [\"transport\"]}"),
                     0);
    ck_assert(!c.is_http_enabled);
    assert_round_trip(&c, "listeners off");
    ck_assert_uint_eq(captured.count, 0);
}
END_TEST

/* The output's exact text, so that --check-config's format does not change by accident. */
START_TEST(test_config_to_json_text)
{
    lt_config_t c;
    lt_config_defaults(&c);
    c.labels = LT_LABEL_HOST | LT_LABEL_TRANSPORT;
    char *json = lt_config_to_json(&c);
    ck_assert_str_eq(json, "{\n"
                           "\t\"listen\":\t{\n"
                           "\t\t\"tcp\":\t[\"127.0.0.1:5514\"],\n"
                           "\t\t\"udp\":\t[\"127.0.0.1:5514\"],\n"
                           "\t\t\"http\":\t\"127.0.0.1:9514\"\n"
                           "\t},\n"
                           "\t\"workers\":\t0,\n"
                           "\t\"max_message_bytes\":\t65536,\n"
                           "\t\"labels\":\t[\"level\", \"host\", \"transport\"],\n"
                           "\t\"limits\":\t{\n"
                           "\t\t\"max_connections\":\t4096,\n"
                           "\t\t\"idle_timeout_s\":\t300,\n"
                           "\t\t\"max_series\":\t10000\n"
                           "\t},\n"
                           "\t\"udp\":\t{\n"
                           "\t\t\"rcvbuf_bytes\":\t4194304\n"
                           "\t},\n"
                           "\t\"ring\":\t{\n"
                           "\t\t\"slots\":\t10000,\n"
                           "\t\t\"max_message_bytes\":\t1024,\n"
                           "\t\t\"min_level\":\t\"warning\"\n"
                           "\t},\n"
                           "\t\"http\":\t{\n"
                           "\t\t\"max_connections\":\t256,\n"
                           "\t\t\"max_header_bytes\":\t16384,\n"
                           "\t\t\"max_body_bytes\":\t16777216,\n"
                           "\t\t\"request_timeout_s\":\t30,\n"
                           "\t\t\"ingest\":\ttrue,\n"
                           "\t\t\"auth_token_file\":\t\"\"\n"
                           "\t},\n"
                           "\t\"state\":\t{\n"
                           "\t\t\"file\":\t\"\",\n"
                           "\t\t\"interval_s\":\t60\n"
                           "\t}\n"
                           "}");
    lt_free(json);
}
END_TEST

START_TEST(test_config_addresses)
{
    static const char *const bad[] = {
        "",
        "1.2.3.4",
        "1.2.3.4:",
        ":5514",
        "1.2.3.4:65536",
        "1.2.3.4:-1",
        "1.2.3.4:+80",
        "1.2.3.4:8 0",
        "localhost:80",
        "example.com:514",
        "[::1]",
        "[::1]:",
        "[::1]x:80",
        "[::1:80",
        "::1:80",
        "[1.2.3.4]:80",
        "1.2.3.4:0080000",
        "256.0.0.1:80",
        " 1.2.3.4:80",
        "[]:80",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:1",
    };
    lt_addr_t a, sentinel;

    ck_assert_int_eq(lt_config_parse_addr("1.2.3.4:5514", &a), 0);
    assert_ipv4(&a, "1.2.3.4:5514", "1.2.3.4", 5514);
    ck_assert_int_eq(lt_config_parse_addr("[::1]:5514", &a), 0);
    assert_ipv6(&a, "[::1]:5514", "::1", 5514);
    ck_assert_int_eq(lt_config_parse_addr("0.0.0.0:0", &a), 0);
    assert_ipv4(&a, "0.0.0.0:0", "0.0.0.0", 0);
    ck_assert_int_eq(lt_config_parse_addr("255.255.255.255:65535", &a), 0);
    assert_ipv4(&a, "255.255.255.255:65535", "255.255.255.255", 65535);
    ck_assert_int_eq(lt_config_parse_addr("[2001:db8::7]:00514", &a), 0);
    assert_ipv6(&a, "[2001:db8::7]:00514", "2001:db8::7", 514);
    ck_assert_int_eq(lt_config_parse_addr("[::ffff:1.2.3.4]:1", &a), 0);
    assert_ipv6(&a, "[::ffff:1.2.3.4]:1", "::ffff:1.2.3.4", 1);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&sentinel, 0x5a, sizeof(sentinel));
        memcpy(&a, &sentinel, sizeof(a));
        int rc = lt_config_parse_addr(bad[i], &a);
        ck_assert_msg(rc == UV_EINVAL, "\"%s\" was accepted", bad[i]);
        ck_assert_msg(memcmp(&a, &sentinel, sizeof(a)) == 0, "\"%s\" changed out", bad[i]);
    }
    ck_assert_uint_eq(captured.count, 0);
}
END_TEST

START_TEST(test_config_add_listener)
{
    lt_config_t c, before;
    char text[32];

    lt_config_defaults(&c);
    ck_assert_int_eq(lt_config_add_listener(&c, "tcp", "10.0.0.1:1", true), 0);
    ck_assert_uint_eq(c.tcp_count, 1);
    assert_ipv4(&c.tcp[0], "10.0.0.1:1", "10.0.0.1", 1);
    ck_assert_int_eq(lt_config_add_listener(&c, "tcp", "[::]:2", false), 0);
    ck_assert_uint_eq(c.tcp_count, 2);
    assert_ipv4(&c.tcp[0], "10.0.0.1:1", "10.0.0.1", 1);
    assert_ipv6(&c.tcp[1], "[::]:2", "::", 2);
    /* UDP untouched by --tcp, and replaced by its own first --udp. */
    ck_assert_uint_eq(c.udp_count, 1);
    assert_ipv4(&c.udp[0], "127.0.0.1:5514", "127.0.0.1", 5514);
    ck_assert_int_eq(lt_config_add_listener(&c, "udp", "0.0.0.0:0", true), 0);
    ck_assert_int_eq(lt_config_add_listener(&c, "udp", "0.0.0.0:0", false), 0);
    ck_assert_uint_eq(c.udp_count, 2);
    ck_assert_uint_eq(captured.count, 0);

    /* Errors log one line each and leave the struct alone, even on a first call. */
    memcpy(&before, &c, sizeof(c));
    ck_assert_int_eq(lt_config_add_listener(&c, "tcp", "localhost:514", true), UV_EINVAL);
    ck_assert_uint_eq(captured.count, 1);
    ck_assert_str_eq(captured.lines[0], "--tcp: \"localhost:514\" names a host; use a numeric "
                                        "address " ADDR_EXP);
    ck_assert_int_eq(lt_config_add_listener(&c, "tcp", "[::]:2", false), UV_EINVAL);
    ck_assert_uint_eq(captured.count, 2);
    ck_assert_str_eq(captured.lines[1],
                     "--tcp: \"[::]:2\" is listed twice (expected distinct addresses)");
    ck_assert_int_eq(lt_config_add_listener(&c, "sctp", "1.2.3.4:5", true), UV_EINVAL);
    ck_assert_uint_eq(captured.count, 3);
    ck_assert_str_eq(captured.lines[2], "unknown listener kind \"sctp\" (expected tcp or udp)");
    ck_assert_msg(memcmp(&c, &before, sizeof(c)) == 0, "a failed add changed the struct");

    /* A first call after a file with several addresses replaces them all. */
    ck_assert_int_eq(lt_config_add_listener(&c, "tcp", "1.1.1.1:1", true), 0);
    ck_assert_uint_eq(c.tcp_count, 1);
    for (unsigned i = 2; i <= LT_CONFIG_MAX_LISTENERS; i++) {
        snprintf(text, sizeof(text), "1.1.1.1:%u", i);
        ck_assert_msg(lt_config_add_listener(&c, "tcp", text, false) == 0, "%s", text);
    }
    ck_assert_uint_eq(c.tcp_count, LT_CONFIG_MAX_LISTENERS);
    memcpy(&before, &c, sizeof(c));
    ck_assert_int_eq(lt_config_add_listener(&c, "tcp", "1.1.1.1:99", false), UV_E2BIG);
    ck_assert_uint_eq(captured.count, 4);
    ck_assert_str_eq(captured.lines[3],
                     "--tcp: \"1.1.1.1:99\" is one address too many (expected at most 16)");
    ck_assert_msg(memcmp(&c, &before, sizeof(c)) == 0, "E2BIG changed the struct");
    ck_assert_int_eq(lt_config_add_listener(&c, "tcp", "1.1.1.1:99", true), 0);
    ck_assert_uint_eq(c.tcp_count, 1);
}
END_TEST

START_TEST(test_config_effective_workers)
{
    lt_config_t c;
    lt_config_defaults(&c);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned want = cpus < 1                       ? 1
                    : cpus > LT_CONFIG_MAX_WORKERS ? LT_CONFIG_MAX_WORKERS
                                                   : (unsigned)cpus;
    ck_assert_uint_eq(lt_config_effective_workers(&c), want);
    c.workers = 3;
    ck_assert_uint_eq(lt_config_effective_workers(&c), 3);
    c.workers = LT_CONFIG_MAX_WORKERS;
    ck_assert_uint_eq(lt_config_effective_workers(&c), LT_CONFIG_MAX_WORKERS);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_config_defaults);
    tcase_add_test(tc, test_config_full_file);
    tcase_add_test(tc, test_config_example_is_defaults);
    tcase_add_test(tc, test_config_absent_keys_kept);
    tcase_add_test(tc, test_config_comments);
    tcase_add_loop_test(tc, test_config_bad_values, 0,
                        (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
    tcase_add_loop_test(tc, test_config_syntax_errors, 0,
                        (int)(sizeof(syntax_cases) / sizeof(syntax_cases[0])));
    tcase_add_test(tc, test_config_file_errors);
    tcase_add_test(tc, test_config_round_trip);
    tcase_add_test(tc, test_config_to_json_text);
    tcase_add_test(tc, test_config_addresses);
    tcase_add_test(tc, test_config_add_listener);
    tcase_add_test(tc, test_config_effective_workers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
