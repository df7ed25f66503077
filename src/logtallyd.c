/* SPDX-License-Identifier: MIT */
/* logtallyd: the daemon's main. Reads the configuration, starts the ingest workers, and runs
 * the HTTP server, the rates tick and the signal handlers on the main thread's own loop, so
 * that scrapes never wait behind ingest. Stays in the foreground (systemd style). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <uv.h>

#include "lt_activation.h"
#include "lt_alloc.h"
#include "lt_api.h"
#include "lt_checkpoint.h"
#include "lt_config.h"
#include "lt_config_reload.h"
#include "lt_http_server.h"
#include "lt_log.h"
#include "lt_notify.h"
#include "lt_rates.h"
#include "lt_ring.h"
#include "lt_slice.h"
#include "lt_stats.h"
#include "lt_table.h"
#include "lt_worker.h"

#define RATES_HISTORY_S 960
#define RETIRED_RINGS 8 /* rings replaced by reloads that workers may still push into */

typedef struct {
    uv_loop_t *loop;
    lt_config_t config;
    lt_stats_t stats;
    lt_table_t table;
    lt_ring_t *ring;
    lt_rates_t *rates;
    lt_api_t api;
    lt_workers_t *workers;
    lt_http_server_t *http;
    lt_state_metrics_t state;     /* counter persistence, for /metrics */
    lt_checkpoint_t checkpoint;   /* running when state.file is set and writable */
    uv_signal_t sigterm, sigint, sighup;
    uv_timer_t tick;
    uv_timer_t watchdog;      /* running only when systemd set WATCHDOG_USEC */
    lt_activation_t inherited; /* sockets systemd passed, until handed to their owners */
    bool is_ready;            /* every listener bound: READY=1 was sent */
    bool is_inherited[3];     /* tcp, udp, http sockets came from systemd: kept on reload */
    uint64_t last_events;     /* events total at the previous tick, for STATUS= */
    int argc;                 /* kept to re-read the configuration on SIGHUP */
    char **argv;
    struct {
        lt_ring_t *ring;      /* replaced by a reload; freed once every worker moved on */
        uint64_t generation;  /* the lt_workers_reload that moved them */
    } retired[RETIRED_RINGS];
} daemon_t;

static void usage(FILE *out)
{
    fputs("Usage: logtallyd [OPTIONS]\n"
          "Counts syslog and JSON-lines events per level and serves them over HTTP.\n\n"
          "  -c, --config FILE     read FILE (JSON with comments) over the embedded defaults\n"
          "      --tcp ADDR:PORT   listen for syslog over TCP (repeatable; replaces the file's list)\n"
          "      --udp ADDR:PORT   listen for syslog over UDP (repeatable; replaces the file's list)\n"
          "      --http ADDR:PORT  serve /metrics and the API here (\"\" turns HTTP off)\n"
          "      --workers N       ingest threads (0: one per CPU)\n"
          "      --check-config    validate, print the effective config as JSON, and exit\n"
          "  -V, --version         print the version and exit\n"
          "  -h, --help            print this help and exit\n\n"
          "Defaults: tcp and udp 127.0.0.1:5514, http 127.0.0.1:9514. Port 0 picks a free port.\n"
          "Under systemd: Type=notify, socket activation (FileDescriptorName= syslog-tcp,\n"
          "syslog-udp, http replace the addresses of that kind), SIGHUP re-reads FILE.\n",
          out);
}

enum { OPT_TCP = 256, OPT_UDP, OPT_HTTP, OPT_WORKERS, OPT_CHECK };

static const struct option long_options[] = {
    {"config", required_argument, NULL, 'c'},
    {"tcp", required_argument, NULL, OPT_TCP},
    {"udp", required_argument, NULL, OPT_UDP},
    {"http", required_argument, NULL, OPT_HTTP},
    {"workers", required_argument, NULL, OPT_WORKERS},
    {"check-config", no_argument, NULL, OPT_CHECK},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Parses the command line: the file first, then the overrides in the order given.
 * Returns 0 to run, 1 on a usage or config error (logged), or -1 when done (help/version/check). */
static int load_config(lt_config_t *c, int argc, char **argv, int *exit_code)
{
    const char *file = NULL;
    bool is_check = false;
    int opt;

    /* Pass 1: options that decide what to do; pass 2 applies overrides over the file. */
    while ((opt = getopt_long(argc, argv, "c:Vh", long_options, NULL)) != -1) {
        switch (opt) {
        case 'c': file = optarg; break;
        case OPT_CHECK: is_check = true; break;
        case 'V': printf("logtallyd %s\n", LT_VERSION); *exit_code = 0; return -1;
        case 'h': usage(stdout); *exit_code = 0; return -1;
        case OPT_TCP: case OPT_UDP: case OPT_HTTP: case OPT_WORKERS: break;
        default: usage(stderr); *exit_code = 2; return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "logtallyd: unexpected argument '%s' (see --help)\n", argv[optind]);
        *exit_code = 2;
        return -1;
    }

    lt_config_defaults(c);
    if (file != NULL && lt_config_load_file(c, file) != 0)
        goto bad;

    bool is_first_tcp = true, is_first_udp = true;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "c:Vh", long_options, NULL)) != -1) {
        char *end;
        switch (opt) {
        case OPT_TCP:
            if (lt_config_add_listener(c, "tcp", optarg, is_first_tcp) != 0)
                goto bad;
            is_first_tcp = false;
            break;
        case OPT_UDP:
            if (lt_config_add_listener(c, "udp", optarg, is_first_udp) != 0)
                goto bad;
            is_first_udp = false;
            break;
        case OPT_HTTP:
            if (optarg[0] == '\0') {
                c->is_http_enabled = false;
            } else if (lt_config_parse_addr(optarg, &c->http) != 0) {
                lt_log(LT_LOG_ERR, "--http: '%s' is not ADDR:PORT", optarg);
                goto bad;
            } else {
                c->is_http_enabled = true;
            }
            break;
        case OPT_WORKERS: {
            unsigned long n = strtoul(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || n > 256) {
                lt_log(LT_LOG_ERR, "--workers: '%s' is not a number from 0 to 256", optarg);
                goto bad;
            }
            c->workers = (unsigned)n;
            break;
        }
        default: break;
        }
    }

    if (is_check) {
        char *json = lt_config_to_json(c);
        printf("%s\n", json);
        lt_free(json);
        *exit_code = 0;
        return -1;
    }
    return 0;
bad:
    *exit_code = 1;
    return -1;
}

static double wall_seconds(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Frees the rings no worker can push into any more. */
static void free_retired_rings(daemon_t *d)
{
    for (int i = 0; i < RETIRED_RINGS; i++) {
        if (d->retired[i].ring != NULL
            && lt_workers_reloaded(d->workers, d->retired[i].generation)) {
            lt_ring_free(d->retired[i].ring);
            d->retired[i].ring = NULL;
        }
    }
}

static void on_tick(uv_timer_t *t)
{
    daemon_t *d = t->data;
    free_retired_rings(d);
    uint64_t totals[LT_LEVEL_COUNT];
    lt_table_level_totals(&d->table, totals);
    lt_rates_tick(d->rates, (int64_t)time(NULL), totals);

    uint64_t sum = 0;
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        sum += totals[l];
    char status[160];
    snprintf(status, sizeof(status), "%llu events/s, %lld tcp + %lld http connections, %llu events",
             (unsigned long long)(sum - d->last_events),
             (long long)lt_gauge_get(&d->stats.connections[LT_TRANSPORT_TCP]),
             (long long)lt_gauge_get(&d->stats.connections[LT_TRANSPORT_HTTP]),
             (unsigned long long)sum);
    d->last_events = sum;
    if (d->is_ready)
        lt_notify_status(status);
}

/* /readyz and the watchdog ask the same question. */
static const char *not_ready(void *arg)
{
    const daemon_t *d = arg;
    if (!d->is_ready)
        return "starting";
    if (!lt_workers_alive(d->workers))
        return "an ingest worker loop is not turning";
    return NULL;
}

static void on_watchdog(uv_timer_t *t)
{
    /* A stuck worker stops the pings, and systemd restarts the daemon after WatchdogSec. */
    if (not_ready(t->data) == NULL)
        lt_notify_watchdog();
}

static void log_totals(daemon_t *d)
{
    uint64_t totals[LT_LEVEL_COUNT], sum = 0;
    char line[512];
    size_t off = 0;
    lt_table_level_totals(&d->table, totals);
    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        sum += totals[l];
        off += (size_t)snprintf(line + off, sizeof(line) - off, " %s=%llu",
                                lt_level_name((lt_level_t)l), (unsigned long long)totals[l]);
    }
    uint64_t bytes = 0;
    for (int t = 0; t < LT_TRANSPORT_COUNT; t++)
        bytes += lt_counter_get(&d->stats.received_bytes[t]);
    lt_log(LT_LOG_INFO, "final totals: events=%llu%s rejected=%llu bytes=%llu",
           (unsigned long long)sum, line, (unsigned long long)lt_stats_rejected_total(&d->stats),
           (unsigned long long)bytes);
}

static lt_http_limits_t http_limits(const lt_config_t *c)
{
    return (lt_http_limits_t){
        .max_connections = c->http_max_connections,
        .max_header_bytes = c->http_max_header_bytes,
        .max_body_bytes = c->http_max_body_bytes,
        .request_timeout_s = c->http_request_timeout_s,
    };
}

/* limits.max_series applies only up to what the table was sized for at start. */
static const char *const listen_keys[] = {"listen.tcp", "listen.udp", "listen.http"};

/* The listener keys of the kinds systemd passed sockets for. */
static bool is_inherited_key(const daemon_t *d, const char *key)
{
    for (int i = 0; i < 3; i++)
        if (d->is_inherited[i] && strcmp(key, listen_keys[i]) == 0)
            return true;
    return false;
}

static bool is_applied(const daemon_t *d, const lt_config_t *next, const char *key)
{
    if (strcmp(key, "limits.max_series") == 0 && next->max_series > d->table.max_series)
        return false;
    return lt_config_is_reloadable(key) && !is_inherited_key(d, key);
}

typedef struct {
    const daemon_t *d;
    const lt_config_t *next;
} diff_ctx_t;

static void log_diff(void *arg, const char *key, const char *old_value, const char *new_value)
{
    const diff_ctx_t *ctx = arg;
    const char *verdict = "applied";
    if (is_inherited_key(ctx->d, key))
        verdict = "not applied: the sockets come from systemd";
    else if (!is_applied(ctx->d, ctx->next, key))
        verdict = lt_config_is_reloadable(key)
                      ? "not applied: above the start-up value, needs a restart"
                      : "not applied: needs a restart";
    lt_log(LT_LOG_NOTICE, "reload: %s: %s -> %s (%s)", key, old_value, new_value, verdict);
}

static bool is_ring_changed(const lt_config_t *a, const lt_config_t *b)
{
    return a->ring_slots != b->ring_slots || a->ring_max_message_bytes != b->ring_max_message_bytes
           || a->ring_min_level != b->ring_min_level;
}

static int retired_slot(const daemon_t *d)
{
    for (int i = 0; i < RETIRED_RINGS; i++)
        if (d->retired[i].ring == NULL)
            return i;
    return -1;
}

static bool is_http_changed(const lt_config_t *a, const lt_config_t *b)
{
    return a->is_http_enabled != b->is_http_enabled
           || (b->is_http_enabled && strcmp(a->http.text, b->http.text) != 0);
}

/* Binds the new HTTP address when listen.http changed (not the old one's job to close yet). */
static int prepare_http(daemon_t *d, const lt_config_t *applied, lt_http_server_t **out)
{
    *out = NULL;
    if (!is_http_changed(&d->config, applied) || !applied->is_http_enabled)
        return 0;
    lt_http_limits_t limits = http_limits(applied);
    int rc = lt_http_server_start(out, d->loop, (const struct sockaddr *)&applied->http.sa,
                                  &limits, &d->stats, lt_api_handle, &d->api);
    if (rc != 0)
        lt_log(LT_LOG_ERR, "reload: cannot listen on http %s: %s", applied->http.text,
               lt_strerror(rc));
    return rc;
}

/* http.auth_token_file of c read into *auth, which is left empty when HTTP is off or the path
 * is "" (open). Runs at start, where a bad file stops the daemon (running open when the
 * operator asked for a token would be worse), and on every reload, even under the same path
 * (a rotated token), where a bad file refuses the whole reload. A failure is logged as one
 * line naming the file and what is wrong with it, after prefix. */
static int read_token(const lt_config_t *c, const char *prefix, lt_auth_t *auth,
                      bool *is_exposed)
{
    const char *path = c->http_auth_token_file;
    *auth = (lt_auth_t){NULL, 0};
    *is_exposed = false;
    if (!c->is_http_enabled || path[0] == '\0')
        return 0;
    int rc = lt_auth_load(auth, path, is_exposed);
    if (rc == UV_EINVAL)
        lt_log(LT_LOG_ERR, "%shttp.auth_token_file %s: empty, or holds spaces or control bytes",
               prefix, path);
    else if (rc == UV_E2BIG)
        lt_log(LT_LOG_ERR, "%shttp.auth_token_file %s: longer than %d bytes", prefix, path,
               LT_AUTH_MAX_TOKEN_BYTES);
    else if (rc != 0)
        lt_log(LT_LOG_ERR, "%shttp.auth_token_file %s: %s", prefix, path, lt_strerror(rc));
    return rc;
}

static void warn_exposed_token(const char *path)
{
    lt_log(LT_LOG_WARNING, "http.auth_token_file %s: group or others may read it (chmod 600)",
           path);
}

/* Puts token in force in place of d->api.auth and says what changed. The HTTP server runs on
 * this same loop (the main thread's), and lt_api_handle checks a request's token within one
 * callback: a swap between callbacks is seen whole by every later request, and no request
 * holds the old token's memory across it, so no lock or handoff is needed. */
static void swap_token(daemon_t *d, const lt_config_t *applied, lt_auth_t token,
                       bool is_exposed)
{
    const char *path = applied->http_auth_token_file;
    bool was_guarded = d->api.auth.token != NULL;
    bool is_same = token.len == d->api.auth.len
                   && (token.len == 0 || memcmp(token.token, d->api.auth.token, token.len) == 0);
    lt_auth_free(&d->api.auth);
    d->api.auth = token;
    if (token.token == NULL) {
        if (was_guarded && applied->is_http_enabled)
            lt_log(LT_LOG_WARNING,
                   "http.auth_token_file removed: ingest and event texts are open");
        return;
    }
    if (is_exposed)
        warn_exposed_token(path);
    if (!was_guarded)
        lt_log(LT_LOG_NOTICE, "reload: http.auth_token_file %s: ingest and event texts now "
                              "need the token", path);
    else if (!is_same)
        lt_log(LT_LOG_NOTICE, "reload: http.auth_token_file %s: a new token is in force", path);
    else
        lt_log(LT_LOG_INFO, "reload: http.auth_token_file %s: read again, the token is unchanged",
               path);
}

/* Applies next's reloadable keys, all or nothing: what can fail (the token file, a new ring,
 * new listening sockets) is prepared first; then the token, the table limit, labels, ring and
 * HTTP server change on this thread (the HTTP ingest and the API) and the workers get their own
 * copies and their listener changes through lt_workers_reload. Counters are never reset and no
 * ingest connection is closed. */
static int apply_reload(daemon_t *d, const lt_config_t *next)
{
    lt_config_t applied = d->config;
    int rc;
    lt_config_apply_reloadable(&applied, next);
    if (!is_applied(d, next, "limits.max_series"))
        applied.max_series = d->config.max_series;
    if (d->is_inherited[0]) {
        memcpy(applied.tcp, d->config.tcp, sizeof(applied.tcp));
        applied.tcp_count = d->config.tcp_count;
    }
    if (d->is_inherited[1]) {
        memcpy(applied.udp, d->config.udp, sizeof(applied.udp));
        applied.udp_count = d->config.udp_count;
    }
    if (d->is_inherited[2]) {
        applied.http = d->config.http;
        applied.is_http_enabled = d->config.is_http_enabled;
    }

    lt_auth_t token;
    bool is_token_exposed;
    if ((rc = read_token(&applied, "reload: ", &token, &is_token_exposed)) != 0)
        return rc;
    lt_ring_t *ring = NULL;
    int slot = -1;
    if (is_ring_changed(&d->config, &applied)) {
        free_retired_rings(d);
        if ((slot = retired_slot(d)) < 0) {
            lt_log(LT_LOG_ERR, "reload: the previous reloads' rings are still in use");
            lt_auth_free(&token);
            return UV_EBUSY;
        }
        rc = lt_ring_new_from(&ring, d->ring, applied.ring_slots, applied.ring_max_message_bytes,
                              applied.ring_min_level);
        if (rc != 0) {
            lt_log(LT_LOG_ERR, "reload: cannot create the event ring: %s", lt_strerror(rc));
            lt_auth_free(&token);
            return rc;
        }
    }
    lt_workers_rebind_t *rebind = NULL;
    lt_http_server_t *http = NULL;
    if ((rc = lt_workers_rebind_prepare(d->workers, &applied, &rebind)) != 0
        || (rc = prepare_http(d, &applied, &http)) != 0) {
        lt_workers_rebind_abort(d->workers, rebind);
        lt_ring_free(ring);
        lt_auth_free(&token);
        return rc;
    }

    /* Nothing below fails: the limit is within the table (checked above). The token goes in
     * before a new HTTP server can take a request. */
    swap_token(d, &applied, token, is_token_exposed);
    if (rebind != NULL)
        lt_workers_rebind_commit(d->workers, rebind);
    if (is_http_changed(&d->config, &applied)) {
        if (d->http != NULL)
            lt_http_server_close(d->http); /* its open connections close with it */
        d->http = http;
        struct sockaddr_storage bound;
        char text[80];
        if (http != NULL && lt_http_server_address(http, &bound) == 0) {
            lt_worker_format_addr((const struct sockaddr *)&bound, text, sizeof(text));
            lt_log(LT_LOG_INFO, "listening on http %s", text);
        }
    }
    lt_table_set_series_limit(&d->table, applied.max_series);
    d->api.tally.labels = applied.labels;
    if (ring != NULL) {
        d->retired[slot].ring = d->ring;
        d->ring = ring;
        d->api.tally.ring = ring;
    }
    lt_worker_settings_t settings = lt_worker_settings(&applied, &d->api.tally);
    uint64_t generation = lt_workers_reload(d->workers, &settings, applied.udp_rcvbuf_bytes);
    if (ring != NULL)
        d->retired[slot].generation = generation;
    d->config = applied;
    if (d->http != NULL) {
        lt_http_limits_t limits = http_limits(&d->config);
        lt_http_server_set_limits(d->http, &limits);
    }
    return 0;
}

/* Applies, then logs every change against what ran before; nothing when it failed. */
static int apply_reload_logged(daemon_t *d, const lt_config_t *next)
{
    lt_config_t before = d->config;
    int rc = apply_reload(d, next);
    if (rc != 0)
        return rc;
    diff_ctx_t ctx = {d, next};
    size_t n = lt_config_diff(&before, next, log_diff, &ctx);
    lt_log(LT_LOG_INFO, "reload done: %zu setting%s changed", n, n == 1 ? "" : "s");
    return 0;
}

/* SIGHUP: re-reads the file and the command line, logs every change, and applies the
 * reloadable keys (lt_config_reload.h) or none of them. Nothing is restarted, so no count is
 * lost; an invalid file is logged, the running configuration stays, and
 * logtally_config_last_reload_successful reads 0 until a good one loads. */
static void on_sighup(uv_signal_t *s, int signum)
{
    daemon_t *d = s->data;
    lt_config_t next;
    int exit_code;

    lt_notify_reloading();
    lt_log(LT_LOG_INFO, "SIGHUP received, reloading the configuration");
    optind = 0; /* glibc: start getopt over */
    if (load_config(&next, d->argc, d->argv, &exit_code) != 0
        || apply_reload_logged(d, &next) != 0) {
        d->api.is_last_reload_ok = false;
        lt_log(LT_LOG_ERR, "reload failed: keeping the running configuration");
    } else {
        d->api.is_last_reload_ok = true;
        d->api.last_reload_ok_s = wall_seconds();
    }
    lt_notify_ready();
}

static void on_signal(uv_signal_t *s, int signum)
{
    daemon_t *d = s->data;
    lt_notify_stopping();
    lt_log(LT_LOG_INFO, "%s received, stopping", signum == SIGTERM ? "SIGTERM" : "SIGINT");
    uv_close((uv_handle_t *)&d->sigterm, NULL);
    uv_close((uv_handle_t *)&d->sigint, NULL);
    uv_close((uv_handle_t *)&d->sighup, NULL);
    uv_close((uv_handle_t *)&d->tick, NULL);
    lt_checkpoint_close(&d->checkpoint);
    if (uv_is_active((uv_handle_t *)&d->watchdog))
        uv_close((uv_handle_t *)&d->watchdog, NULL);
    if (d->http != NULL)
        lt_http_server_close(d->http);
    d->http = NULL;
}

static bool is_loopback(const struct sockaddr_storage *sa)
{
    if (sa->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->ss_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

/* The main thread runs the HTTP server: a short slice lets a scrape in ahead of ingest
 * workers that keep every core busy (lt_slice.h). Not having one changes nothing else. */
static void request_http_slice(void)
{
    int rc = lt_slice_request(LT_SLICE_HTTP_US);
    if (rc == 0)
        lt_log(LT_LOG_INFO, "http thread: scheduler slice %d us", LT_SLICE_HTTP_US);
    else
        lt_log(LT_LOG_INFO, "http thread: default scheduler slice (%s)",
               rc == -ENOTSUP ? "per-thread slices need Linux 6.12" : lt_strerror(rc));
}

static int start_http(daemon_t *d)
{
    const lt_config_t *c = &d->config;
    lt_http_limits_t limits = http_limits(c);
    struct sockaddr_storage bound;
    char text[80];
    bool is_exposed;
    int rc;
    if ((rc = read_token(c, "", &d->api.auth, &is_exposed)) != 0)
        return rc;
    if (is_exposed)
        warn_exposed_token(c->http_auth_token_file);
    if (d->inherited.http_fd >= 0) {
        int fd = d->inherited.http_fd;
        d->inherited.http_fd = -1; /* the server owns it now, even on error */
        rc = lt_http_server_open(&d->http, d->loop, fd, &limits, &d->stats, lt_api_handle,
                                 &d->api);
        if (rc != 0) {
            lt_log(LT_LOG_ERR, "cannot serve http on the inherited socket fd %d: %s", fd,
                   lt_strerror(rc));
            return rc;
        }
    } else if ((rc = lt_http_server_start(&d->http, d->loop, (const struct sockaddr *)&c->http.sa,
                                          &limits, &d->stats, lt_api_handle, &d->api))
               != 0) {
        lt_log(LT_LOG_ERR, "cannot listen on http %s: %s", c->http.text, lt_strerror(rc));
        return rc;
    }
    if (lt_http_server_address(d->http, &bound) == 0) {
        lt_worker_format_addr((const struct sockaddr *)&bound, text, sizeof(text));
        lt_log(LT_LOG_INFO, "listening on http %s", text);
        if (d->api.auth.token == NULL && !is_loopback(&bound))
            lt_log(LT_LOG_WARNING,
                   "http %s is reachable beyond loopback without http.auth_token_file: anyone "
                   "who reaches it can post events and read recent messages",
                   text);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static daemon_t d;
    int exit_code = 1;
    int rc;

    lt_alloc_install();
    if (load_config(&d.config, argc, argv, &exit_code) != 0)
        return exit_code;
    d.argc = argc;
    d.argv = argv;
    if (lt_activation_take(&d.inherited) != 0)
        return 1;
    d.is_inherited[0] = d.inherited.tcp_count > 0;
    d.is_inherited[1] = d.inherited.udp_count > 0;
    d.is_inherited[2] = d.inherited.http_fd >= 0;
    if (d.inherited.http_fd >= 0)
        d.config.is_http_enabled = true;

    lt_stats_init(&d.stats);
    if ((rc = lt_table_init(&d.table, d.config.max_series)) != 0) {
        lt_log(LT_LOG_ERR, "cannot create the counter table: %s", lt_strerror(rc));
        return 1;
    }
    lt_table_precreate_levels(&d.table);
    /* Restored before any thread counts, and before the rates baseline below. */
    bool is_state_writable = d.config.state_file[0] != '\0' &&
                             lt_checkpoint_restore(d.config.state_file, &d.table, &d.stats,
                                                   d.config.labels, &d.state);
    if ((rc = lt_ring_new(&d.ring, d.config.ring_slots, d.config.ring_max_message_bytes,
                          d.config.ring_min_level)) != 0
        || (rc = lt_rates_new(&d.rates, RATES_HISTORY_S)) != 0) {
        lt_log(LT_LOG_ERR, "cannot create the event ring: %s", lt_strerror(rc));
        goto out_table;
    }
    d.api.config = &d.config;
    d.api.version = LT_VERSION;
    d.api.start_time_s = wall_seconds();
    d.api.is_last_reload_ok = true;
    d.api.last_reload_ok_s = d.api.start_time_s;
    d.api.tally = (lt_tally_t){&d.table, d.ring, &d.stats, d.config.labels};
    d.api.rates = d.rates;
    d.api.state = &d.state;
    d.api.not_ready = not_ready;
    d.api.not_ready_arg = &d;
    /* The baseline (zero, or the counts a checkpoint restored, which are no events of this
     * second), recorded before any listener runs and a whole second before the first timer
     * tick (a tick in the same second would replace it): the oldest sample is never part of
     * the history, so events counted before it would be missing from history and rates. */
    uint64_t baseline[LT_LEVEL_COUNT];
    lt_table_level_totals(&d.table, baseline);
    lt_rates_tick(d.rates, (int64_t)time(NULL), baseline);
    for (int l = 0; l < LT_LEVEL_COUNT; l++)
        d.last_events += baseline[l];

    d.loop = uv_default_loop();
    /* The workers take the inherited TCP and UDP sockets, whatever happens. */
    rc = lt_workers_start_inherited(&d.workers, &d.config, &d.api.tally, &d.inherited);
    d.inherited.tcp_count = d.inherited.udp_count = 0;
    if (rc != 0)
        goto out_ring;
    d.api.udp_info = lt_workers_udp_info;
    d.api.udp_info_arg = d.workers;
    if (d.config.is_http_enabled && start_http(&d) != 0)
        goto out_workers;
    /* After the workers exist, so that they keep the default slice (threads inherit it). */
    request_http_slice();

    uv_signal_init(d.loop, &d.sigterm);
    uv_signal_init(d.loop, &d.sigint);
    d.sigterm.data = d.sigint.data = &d;
    uv_signal_start(&d.sigterm, on_signal, SIGTERM);
    uv_signal_start(&d.sigint, on_signal, SIGINT);
    uv_signal_init(d.loop, &d.sighup);
    d.sighup.data = &d;
    uv_signal_start(&d.sighup, on_sighup, SIGHUP);
    uv_timer_init(d.loop, &d.tick);
    d.tick.data = &d;
    uv_timer_start(&d.tick, on_tick, 1000, 1000);
    if (is_state_writable
        && (rc = lt_checkpoint_start(&d.checkpoint, d.loop, d.config.state_file,
                                     (uint64_t)d.config.state_interval_s * 1000, &d.table,
                                     &d.stats, &d.state))
               != 0) {
        lt_log(LT_LOG_ERR, "state: cannot start checkpoints: %s", lt_strerror(rc));
        is_state_writable = false;
    }
    uv_timer_init(d.loop, &d.watchdog);
    d.watchdog.data = &d;
    uint64_t watchdog_usec = lt_notify_watchdog_usec();
    if (watchdog_usec > 0) {
        /* Ping at half the interval, as sd_watchdog_enabled(3) advises. */
        uint64_t every_ms = watchdog_usec / 2000 > 0 ? watchdog_usec / 2000 : 1;
        uv_timer_start(&d.watchdog, on_watchdog, every_ms, every_ms);
        lt_log(LT_LOG_INFO, "systemd watchdog: pinging every %llu ms while every worker turns",
               (unsigned long long)every_ms);
    } else {
        uv_close((uv_handle_t *)&d.watchdog, NULL);
    }
    d.is_ready = true;
    lt_notify_ready();
    lt_log(LT_LOG_INFO, "version %s ready", LT_VERSION);

    uv_run(d.loop, UV_RUN_DEFAULT);
    exit_code = 0;

out_workers:
    if (d.http != NULL) {
        lt_http_server_close(d.http);
        uv_run(d.loop, UV_RUN_DEFAULT);
    }
    lt_workers_stop(d.workers);
    if (exit_code == 0)
        log_totals(&d);
    /* The loop has run dry (no write in flight) and the workers are gone: the final totals. */
    if (exit_code == 0 && is_state_writable)
        lt_checkpoint_write_final(&d.checkpoint);
out_ring:
    lt_activation_close(&d.inherited);
    uv_loop_close(d.loop);
    lt_rates_free(d.rates);
    lt_ring_free(d.ring);
    for (int i = 0; i < RETIRED_RINGS; i++)
        lt_ring_free(d.retired[i].ring);
out_table:
    lt_api_free_caches(&d.api);
    lt_auth_free(&d.api.auth);
    lt_table_free(&d.table);
    return exit_code;
}
