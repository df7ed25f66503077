/* SPDX-License-Identifier: MIT */
/* The benchmark's load generator and helpers, one binary with subcommands: `send` blasts
 * pre-formatted syslog or JSON lines over TCP (one thread per connection, large writes) or UDP
 * (sendmmsg) and times from the first byte until the target says it processed the last one;
 * `gen` writes the same messages to a file; `sink` is the loopback ceiling (counts newlines);
 * `scrape` measures HTTP GET latency. Messages come from one seeded pool, so the per-level
 * totals of any run are known exactly and printed. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define POOL_MAX 65536         /* distinct messages; sends cycle through them */
#define WRITE_MSGS 1024        /* messages per write(): about 200 KiB of RFC 3164 */
#define UDP_BATCH 32           /* datagrams per sendmmsg */
#define NSEV 8

static const char *const sev_names[NSEV] = {"emerg", "alert", "crit", "err",
                                            "warning", "notice", "info", "debug"};

typedef struct {
    const char *format;  /* "3164", "5424", "json" */
    bool is_octet;       /* RFC 6587 octet counting instead of a trailing LF */
    bool is_datagram;    /* no trailer at all (UDP) */
    unsigned hosts, apps;
    uint64_t seed;
} pool_opts_t;

typedef struct {
    char *buf;
    size_t *off;          /* message j is buf[off[j] .. off[j+1]) */
    unsigned char *sev;   /* severity of message j */
    size_t n;
} pool_t;

static void die(const char *what)
{
    fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL)
        die("malloc");
    return p;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* splitmix64: a tiny, well-mixed PRNG; the same seed gives the same pool everywhere. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The fixed level mix: 70 % info, 15 % debug, 10 % warning, 4 % err, 1 % crit. */
static int pick_severity(uint64_t r)
{
    unsigned p = (unsigned)(r % 100);
    return p < 70 ? 6 : p < 85 ? 7 : p < 95 ? 4 : p < 99 ? 3 : 2;
}

static const char *const words[] = {"GET", "POST", "request", "served", "user", "session",
                                    "cache", "miss", "upstream", "timeout", "retry", "ok"};

/* Formats message j (without framing) into out; returns its length. */
static int format_message(const pool_opts_t *o, uint64_t *rng, size_t j, int sev, char *out,
                          size_t cap)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    unsigned host = (unsigned)(j % o->hosts), app = (unsigned)((j / o->hosts) % o->apps);
    int pri = (16 + (int)(j % 8)) * 8 + sev;
    unsigned pid = 1000 + (unsigned)(rng_next(rng) % 60000);
    int len;
    if (strcmp(o->format, "5424") == 0) {
        len = snprintf(out, cap,
                       "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%06uZ web-%03u app%03u %u ID%u "
                       "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
                       "eventID=\"%u\"][meta@32473 seq=\"%zu\"] ",
                       pri, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                       tm.tm_sec, (unsigned)(rng_next(rng) % 1000000), host, app, pid,
                       (unsigned)(j % 100), (unsigned)(rng_next(rng) % 10000), j);
    } else if (strcmp(o->format, "json") == 0) {
        len = snprintf(out, cap,
                       "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02dZ\",\"level\":\"%s\","
                       "\"host\":\"web-%03u\",\"app\":\"app%03u\",\"pid\":%u,\"msg\":\"",
                       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                       tm.tm_sec, sev_names[sev], host, app, pid);
    } else {
        len = snprintf(out, cap, "<%d>%s %2d %02d:%02d:%02d web-%03u app%03u[%u]: ", pri,
                       mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, host, app,
                       pid);
    }
    /* A text body of words, so that every message is about 200 bytes (190-210). */
    size_t want = 190 + (size_t)(rng_next(rng) % 21);
    while ((size_t)len < want - 8 && (size_t)len < cap - 16) {
        const char *w = words[rng_next(rng) % (sizeof(words) / sizeof(words[0]))];
        len += snprintf(out + len, cap - (size_t)len, "%s ", w);
    }
    len += snprintf(out + len, cap - (size_t)len, "id=%04u", (unsigned)(j % 10000));
    if (strcmp(o->format, "json") == 0)
        len += snprintf(out + len, cap - (size_t)len, "\"}");
    return len;
}

static void pool_build(pool_t *p, const pool_opts_t *o, size_t n)
{
    uint64_t rng = o->seed;
    char msg[1024];
    p->n = n;
    p->buf = xmalloc(n * 300);
    p->off = xmalloc((n + 1) * sizeof(size_t));
    p->sev = xmalloc(n);
    size_t at = 0;
    for (size_t j = 0; j < n; j++) {
        int sev = pick_severity(rng_next(&rng));
        int len = format_message(o, &rng, j, sev, msg, sizeof(msg));
        p->off[j] = at;
        p->sev[j] = (unsigned char)sev;
        if (o->is_octet)
            at += (size_t)sprintf(p->buf + at, "%d ", len);
        memcpy(p->buf + at, msg, (size_t)len);
        at += (size_t)len;
        if (!o->is_octet && !o->is_datagram)
            p->buf[at++] = '\n';
    }
    p->off[n] = at;
}

static void pool_free(pool_t *p)
{
    free(p->buf);
    free(p->off);
    free(p->sev);
}

/* Bytes and per-severity totals of global messages [lo, hi): message i is pool[i % n]. */
static uint64_t range_totals(const pool_t *p, uint64_t lo, uint64_t hi, uint64_t sev[NSEV])
{
    uint64_t bytes = 0;
    for (uint64_t i = lo; i < hi; i++) {
        size_t j = (size_t)(i % p->n);
        bytes += p->off[j + 1] - p->off[j];
        sev[p->sev[j]]++;
    }
    return bytes;
}

static int parse_addr(const char *text, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    if (colon == NULL || (size_t)(colon - text) >= sizeof(host))
        return -1;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)atoi(colon + 1));
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int tcp_connect(const struct sockaddr_in *sa)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0)
        die("connect");
    return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            die("write");
        p += k;
        n -= (size_t)k;
    }
}

/* Sleeps until `sent` messages are due at `rate` per second since t0 (0: no limit). */
static void pace(double t0, uint64_t sent, double rate)
{
    if (rate <= 0)
        return;
    double due = t0 + (double)sent / rate, wait = due - now_s();
    if (wait > 0) {
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/* ---- send ------------------------------------------------------------------------------- */

typedef struct {
    const pool_t *pool;
    struct sockaddr_in sa;
    int fd;
    uint64_t lo, hi; /* global message indices this sender owns */
    double rate;     /* messages per second for this sender, 0 = unlimited */
    double t0;
} sender_t;

static void *tcp_sender(void *arg)
{
    sender_t *s = arg;
    const pool_t *p = s->pool;
    uint64_t i = s->lo;
    while (i < s->hi) {
        /* One write covers consecutive pool messages, never past the pool's end. */
        size_t j = (size_t)(i % p->n);
        uint64_t k = s->hi - i;
        if (k > WRITE_MSGS)
            k = WRITE_MSGS;
        if (k > p->n - j)
            k = p->n - j;
        write_all(s->fd, p->buf + p->off[j], p->off[j + k] - p->off[j]);
        i += k;
        pace(s->t0, i - s->lo, s->rate);
    }
    shutdown(s->fd, SHUT_WR);
    return NULL;
}

static void *udp_sender(void *arg)
{
    sender_t *s = arg;
    const pool_t *p = s->pool;
    struct mmsghdr msgs[UDP_BATCH];
    struct iovec iov[UDP_BATCH];
    uint64_t i = s->lo;
    while (i < s->hi) {
        unsigned k = 0;
        for (; k < UDP_BATCH && i + k < s->hi; k++) {
            size_t j = (size_t)((i + k) % p->n);
            iov[k].iov_base = p->buf + p->off[j];
            iov[k].iov_len = p->off[j + 1] - p->off[j];
            memset(&msgs[k], 0, sizeof(msgs[k]));
            msgs[k].msg_hdr.msg_iov = &iov[k];
            msgs[k].msg_hdr.msg_iovlen = 1;
        }
        unsigned done = 0;
        while (done < k) {
            int r = sendmmsg(s->fd, msgs + done, k - done, 0);
            if (r < 0 && (errno == EINTR || errno == ENOBUFS || errno == EAGAIN))
                continue;
            if (r < 0)
                die("sendmmsg");
            done += (unsigned)r;
        }
        i += k;
        pace(s->t0, i - s->lo, s->rate);
    }
    return NULL;
}

/* Progress of the target: "events_total + rejected_total" from logtally's /api/v1/stats. */
static long long http_get(const struct sockaddr_in *sa, const char *path, char *body, size_t cap,
                          size_t *len)
{
    char req[256];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n",
                     path);
    write_all(fd, req, (size_t)n);
    size_t at = 0;
    for (;;) {
        ssize_t k = read(fd, body + at, cap - 1 - at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        at += (size_t)k;
        if (at == cap - 1) /* keep reading so the server can finish, but keep the start */
            at = cap / 2;
    }
    body[at] = '\0';
    close(fd);
    *len = at;
    return 0;
}

static long long json_int(const char *body, const char *key)
{
    const char *k = strstr(body, key);
    return k == NULL ? -1 : atoll(k + strlen(key));
}

typedef struct {
    const char *http;       /* ADDR:PORT of logtally's API */
    const char *file;       /* a file that grows by bytes_per_msg per message */
    unsigned bytes_per_msg;
    const char *exists;     /* a file the target creates when done */
    double stall_s;         /* give up after this long without progress */
    double timeout_s;       /* give up after this long in total */
} wait_opts_t;

static long long progress(const wait_opts_t *w, uint64_t count)
{
    if (w->http != NULL) {
        static char body[65536];
        struct sockaddr_in sa;
        size_t len;
        if (parse_addr(w->http, &sa) != 0 || http_get(&sa, "/api/v1/stats", body, sizeof(body),
                                                      &len) != 0)
            return -1;
        long long e = json_int(body, "\"events_total\":"), r = json_int(body, "\"rejected_total\":");
        return e < 0 || r < 0 ? -1 : e + r;
    }
    if (w->file != NULL) {
        struct stat st;
        return stat(w->file, &st) == 0 ? (long long)(st.st_size / w->bytes_per_msg) : 0;
    }
    if (w->exists != NULL)
        return access(w->exists, F_OK) == 0 ? (long long)count : 0;
    return (long long)count;
}

/* CPU seconds (user + system, all threads) and peak RSS (KiB) of pid, from /proc. */
static double proc_cpu_s(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* comm may hold spaces */
    unsigned long long ut = 0, stt = 0;
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
                            &stt) != 2)
        return -1;
    return (double)(ut + stt) / (double)sysconf(_SC_CLK_TCK);
}

static long proc_peak_rss_kib(int pid)
{
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "VmHWM: %ld", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

static void print_levels(FILE *out, const uint64_t sev[NSEV])
{
    fputs("{", out);
    bool first = true;
    for (int s = 0; s < NSEV; s++) {
        if (sev[s] == 0)
            continue;
        fprintf(out, "%s\"%s\":%llu", first ? "" : ",", sev_names[s], (unsigned long long)sev[s]);
        first = false;
    }
    fputs("}", out);
}

static const char usage_text[] =
    "Usage: loadgen send --addr A:P [--udp] [--conns N] [--count N] [--format 3164|5424|json]\n"
    "                    [--octet] [--rate MSGS_PER_S] [--seed S] [--hosts H] [--apps A]\n"
    "                    [--wait-http A:P | --wait-file PATH --bytes-per-msg B |\n"
    "                     --wait-exists PATH] [--stall-s S] [--pid PID] [--dry-run]\n"
    "       loadgen gen [--count N] [--format F] [--seed S] [--hosts H] [--apps A]  > FILE\n"
    "       loadgen sink [--port P] --expect-bytes B --done FILE   (port 0: any free port)\n"
    "       loadgen scrape --addr A:P [--path /metrics] [--duration-s S | --pid P (while P lives)]\n"
    "                      [--interval-ms MS]\n";

enum { OPT_ADDR = 256, OPT_UDP, OPT_CONNS, OPT_COUNT, OPT_FORMAT, OPT_OCTET, OPT_RATE, OPT_SEED, OPT_HOSTS,
       OPT_APPS, OPT_WHTTP, OPT_WFILE, OPT_BPM, OPT_WEXISTS, OPT_STALL, OPT_PID, OPT_DRY, OPT_PORT, OPT_EXPECT,
       OPT_DONE, OPT_PATH, OPT_DUR, OPT_IVAL };

static const struct option opts[] = {
    {"addr", required_argument, NULL, OPT_ADDR}, {"udp", no_argument, NULL, OPT_UDP},
    {"conns", required_argument, NULL, OPT_CONNS}, {"count", required_argument, NULL, OPT_COUNT},
    {"format", required_argument, NULL, OPT_FORMAT}, {"octet", no_argument, NULL, OPT_OCTET},
    {"rate", required_argument, NULL, OPT_RATE}, {"seed", required_argument, NULL, OPT_SEED},
    {"hosts", required_argument, NULL, OPT_HOSTS}, {"apps", required_argument, NULL, OPT_APPS},
    {"wait-http", required_argument, NULL, OPT_WHTTP}, {"wait-file", required_argument, NULL, OPT_WFILE},
    {"bytes-per-msg", required_argument, NULL, OPT_BPM},
    {"wait-exists", required_argument, NULL, OPT_WEXISTS},
    {"stall-s", required_argument, NULL, OPT_STALL}, {"pid", required_argument, NULL, OPT_PID},
    {"dry-run", no_argument, NULL, OPT_DRY}, {"port", required_argument, NULL, OPT_PORT},
    {"expect-bytes", required_argument, NULL, OPT_EXPECT}, {"done", required_argument, NULL, OPT_DONE},
    {"path", required_argument, NULL, OPT_PATH}, {"duration-s", required_argument, NULL, OPT_DUR},
    {"interval-ms", required_argument, NULL, OPT_IVAL}, {NULL, 0, NULL, 0},
};

typedef struct {
    const char *addr;
    bool is_udp, is_dry;
    unsigned conns;
    uint64_t count;
    double rate;
    pool_opts_t pool;
    wait_opts_t wait;
    int pid;
    int port;
    uint64_t expect_bytes;
    const char *done;
    const char *path;
    double duration_s, interval_ms;
} args_t;

static void parse_args(int argc, char **argv, args_t *a)
{
    *a = (args_t){.conns = 1, .count = 100000, .pool = {.format = "3164", .hosts = 20, .apps = 50,
                                                          .seed = 1},
                  .wait = {.bytes_per_msg = 1, .stall_s = 10, .timeout_s = 600},
                  .path = "/metrics", .duration_s = 5, .interval_ms = 100};
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_ADDR: a->addr = optarg; break;
        case OPT_UDP: a->is_udp = true; break;
        case OPT_CONNS: a->conns = (unsigned)atoi(optarg); break;
        case OPT_COUNT: a->count = strtoull(optarg, NULL, 10); break;
        case OPT_FORMAT: a->pool.format = optarg; break;
        case OPT_OCTET: a->pool.is_octet = true; break;
        case OPT_RATE: a->rate = atof(optarg); break;
        case OPT_SEED: a->pool.seed = strtoull(optarg, NULL, 10); break;
        case OPT_HOSTS: a->pool.hosts = (unsigned)atoi(optarg); break;
        case OPT_APPS: a->pool.apps = (unsigned)atoi(optarg); break;
        case OPT_WHTTP: a->wait.http = optarg; break;
        case OPT_WFILE: a->wait.file = optarg; break;
        case OPT_BPM: a->wait.bytes_per_msg = (unsigned)atoi(optarg); break;
        case OPT_WEXISTS: a->wait.exists = optarg; break;
        case OPT_STALL: a->wait.stall_s = atof(optarg); break;
        case OPT_PID: a->pid = atoi(optarg); break;
        case OPT_DRY: a->is_dry = true; break;
        case OPT_PORT: a->port = atoi(optarg); break;
        case OPT_EXPECT: a->expect_bytes = strtoull(optarg, NULL, 10); break;
        case OPT_DONE: a->done = optarg; break;
        case OPT_PATH: a->path = optarg; break;
        case OPT_DUR: a->duration_s = atof(optarg); break;
        case OPT_IVAL: a->interval_ms = atof(optarg); break;
        default: fputs(usage_text, stderr); exit(2);
        }
    }
    if (a->conns < 1 || a->pool.hosts < 1 || a->pool.apps < 1 || a->count < 1 ||
        a->wait.bytes_per_msg < 1) {
        fputs("loadgen: --conns, --count, --hosts, --apps and --bytes-per-msg must be >= 1\n", stderr);
        exit(2);
    }
}

static int cmd_send(args_t *a)
{
    struct sockaddr_in sa;
    if (!a->is_dry && (a->addr == NULL || parse_addr(a->addr, &sa) != 0)) {
        fputs("loadgen: send needs --addr IPV4:PORT\n", stderr);
        return 2;
    }
    a->pool.is_datagram = a->is_udp;
    pool_t pool;
    pool_build(&pool, &a->pool, a->count < POOL_MAX ? (size_t)a->count : POOL_MAX);
    uint64_t sev[NSEV] = {0};
    uint64_t bytes = range_totals(&pool, 0, a->count, sev);

    double t0 = 0, t_sent = 0, t_done = 0, cpu0 = 0, cpu1 = 0;
    long long done = (long long)a->count;
    long rss = -1;
    if (!a->is_dry) {
        sender_t *s = xmalloc(a->conns * sizeof(*s));
        pthread_t *th = xmalloc(a->conns * sizeof(*th));
        for (unsigned c = 0; c < a->conns; c++) {
            s[c] = (sender_t){.pool = &pool, .sa = sa, .lo = a->count * c / a->conns,
                              .hi = a->count * (c + 1) / a->conns, .rate = a->rate / a->conns};
            if (a->is_udp) {
                s[c].fd = socket(AF_INET, SOCK_DGRAM, 0);
                if (s[c].fd < 0 || connect(s[c].fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
                    die("udp socket");
            } else {
                s[c].fd = tcp_connect(&sa);
            }
        }
        /* Counters may hold earlier runs: progress is what this run adds. */
        long long base = a->wait.exists != NULL ? 0 : progress(&a->wait, 0);
        if (base < 0) {
            fputs("loadgen: cannot read the target's progress\n", stderr);
            return 1;
        }
        if (a->pid > 0)
            cpu0 = proc_cpu_s(a->pid);
        t0 = now_s();
        for (unsigned c = 0; c < a->conns; c++) {
            s[c].t0 = t0;
            /* UDP too: one socket per sender, so SO_REUSEPORT receivers see several flows. */
            if (pthread_create(&th[c], NULL, a->is_udp ? udp_sender : tcp_sender, &s[c]) != 0)
                die("pthread_create");
        }
        for (unsigned c = 0; c < a->conns; c++)
            pthread_join(th[c], NULL);
        t_sent = now_s();

        /* The clock stops when the target has processed the last message: poll its counter,
         * giving up when it stops moving for stall_s (UDP loss, a stuck peer). */
        long long last = -1;
        double last_change = t_sent;
        for (;;) {
            done = progress(&a->wait, a->count);
            done = done < 0 ? last : done - base;
            double t = now_s();
            if (done >= (long long)a->count)
                break;
            if (done != last) {
                last = done;
                last_change = t;
            }
            if (t - last_change > a->wait.stall_s || t - t_sent > a->wait.timeout_s)
                break;
            struct timespec ts = {0, a->wait.http != NULL ? 2000000 : 1000000};
            nanosleep(&ts, NULL);
        }
        t_done = now_s();
        if (a->pid > 0) {
            cpu1 = proc_cpu_s(a->pid);
            rss = proc_peak_rss_kib(a->pid);
        }
        for (unsigned c = 0; c < a->conns; c++)
            close(s[c].fd);
        free(s);
        free(th);
        /* The elapsed time runs to the last poll that saw the total, not to the give-up. */
        if (done < (long long)a->count)
            t_done = last_change;
    }
    double el = t_done - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"proto\":\"%s\",\"format\":\"%s\",\"framing\":\"%s\",\"conns\":%u,\"count\":%llu,"
           "\"bytes\":%llu,\"levels\":",
           a->is_udp ? "udp" : "tcp", a->pool.format,
           a->is_udp ? "datagram" : a->pool.is_octet ? "octet" : "lf", a->conns,
           (unsigned long long)a->count, (unsigned long long)bytes);
    print_levels(stdout, sev);
    if (!a->is_dry) {
        printf(",\"rate_limit\":%.0f,\"send_s\":%.4f,\"elapsed_s\":%.4f,\"processed\":%lld,"
               "\"complete\":%s,\"msgs_per_s\":%.0f,\"mb_per_s\":%.1f,\"sender_cpu_s\":%.3f",
               a->rate, t_sent - t0, el, done, done >= (long long)a->count ? "true" : "false",
               el > 0 ? (double)done / el : 0, el > 0 ? (double)bytes / el / 1e6 : 0,
               (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                   (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
        if (a->pid > 0)
            printf(",\"target_cpu_s\":%.3f,\"target_peak_rss_kib\":%ld", cpu1 - cpu0, rss);
    }
    printf("}\n");
    fflush(stdout);
    pool_free(&pool);
    return 0;
}

/* ---- gen: the same messages into a file (LF framing) ------------------------------------ */

static int cmd_gen(args_t *a)
{
    pool_t pool;
    pool_build(&pool, &a->pool, a->count < POOL_MAX ? (size_t)a->count : POOL_MAX);
    uint64_t sev[NSEV] = {0};
    uint64_t bytes = range_totals(&pool, 0, a->count, sev);
    for (uint64_t i = 0; i < a->count;) {
        size_t j = (size_t)(i % pool.n);
        uint64_t k = a->count - i;
        if (k > pool.n - j)
            k = pool.n - j;
        write_all(STDOUT_FILENO, pool.buf + pool.off[j], pool.off[j + k] - pool.off[j]);
        i += k;
    }
    fprintf(stderr, "{\"format\":\"%s\",\"count\":%llu,\"bytes\":%llu,\"levels\":",
            a->pool.format, (unsigned long long)a->count, (unsigned long long)bytes);
    print_levels(stderr, sev);
    fputs("}\n", stderr);
    pool_free(&pool);
    return 0;
}

/* ---- sink: the loopback ceiling, a reader that only counts newlines --------------------- */

typedef struct {
    _Atomic uint64_t bytes, newlines;
    uint64_t expect;
    const char *done;
    pthread_mutex_t lock;
    bool is_done;
} sink_t;

typedef struct {
    sink_t *sink;
    int fd;
} sink_conn_t;

static void sink_finish(sink_t *k)
{
    pthread_mutex_lock(&k->lock);
    if (!k->is_done) {
        k->is_done = true;
        char tmp[4096];
        snprintf(tmp, sizeof(tmp), "%s.tmp", k->done);
        FILE *f = fopen(tmp, "w");
        if (f == NULL)
            die(tmp);
        fprintf(f, "{\"bytes\":%llu,\"newlines\":%llu}\n", (unsigned long long)k->bytes,
                (unsigned long long)k->newlines);
        fclose(f);
        if (rename(tmp, k->done) != 0)
            die("rename");
    }
    pthread_mutex_unlock(&k->lock);
}

static void *sink_reader(void *arg)
{
    sink_conn_t *c = arg;
    sink_t *k = c->sink;
    char *buf = xmalloc(1 << 18);
    for (;;) {
        ssize_t n = read(c->fd, buf, 1 << 18);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        uint64_t lines = 0;
        for (const char *p = buf, *end = buf + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL;
             p++)
            lines++;
        atomic_fetch_add(&k->newlines, lines);
        if (atomic_fetch_add(&k->bytes, (uint64_t)n) + (uint64_t)n >= k->expect)
            sink_finish(k);
    }
    close(c->fd);
    free(buf);
    free(c);
    return NULL;
}

static int cmd_sink(args_t *a)
{
    if (a->done == NULL || a->expect_bytes == 0) {
        fputs("loadgen: sink needs --port, --expect-bytes and --done\n", stderr);
        return 2;
    }
    static sink_t k;
    k.expect = a->expect_bytes;
    k.done = a->done;
    pthread_mutex_init(&k.lock, NULL);
    int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)a->port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 1024) != 0)
        die("sink listen");
    socklen_t len = sizeof(sa);
    if (getsockname(lfd, (struct sockaddr *)&sa, &len) != 0)
        die("getsockname");
    /* Port 0 picks a free port; this line tells the caller which. */
    fprintf(stderr, "loadgen: sink listening on 127.0.0.1:%d\n", ntohs(sa.sin_port));
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            die("accept");
        }
        sink_conn_t *c = xmalloc(sizeof(*c));
        *c = (sink_conn_t){&k, fd};
        pthread_t th;
        if (pthread_create(&th, NULL, sink_reader, c) != 0)
            die("pthread_create");
        pthread_detach(th);
    }
}

/* ---- scrape: HTTP GET latency ----------------------------------------------------------- */

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static int cmd_scrape(args_t *a)
{
    struct sockaddr_in sa;
    if (a->addr == NULL || parse_addr(a->addr, &sa) != 0) {
        fputs("loadgen: scrape needs --addr IPV4:PORT\n", stderr);
        return 2;
    }
    size_t cap = 64 << 20, len = 0, max = 100000, n = 0, series = 0;
    double first_ms = 0;
    char *body = xmalloc(cap);
    double *lat = xmalloc(max * sizeof(double));
    double end = now_s() + a->duration_s;
    while ((a->pid > 0 ? kill(a->pid, 0) == 0 : now_s() < end) && n < max) {
        double t = now_s();
        if (http_get(&sa, a->path, body, cap, &len) != 0)
            die("scrape connect");
        lat[n++] = (now_s() - t) * 1000;
        if (n == 1)
            first_ms = lat[0]; /* reported apart: it may build caches the later ones reuse */
        double wait = a->interval_ms / 1000 - (now_s() - t);
        if (wait > 0) {
            struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
    for (const char *p = body; (p = strstr(p, "\nlogtally_events_total{")) != NULL; p++)
        series++;
    qsort(lat, n, sizeof(double), cmp_double);
    printf("{\"requests\":%zu,\"body_bytes\":%zu,\"series\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
           "\"max_ms\":%.3f,\"first_ms\":%.3f}\n",
           n, len, series, n ? lat[n / 2] : 0.0, n ? lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] : 0.0,
           n ? lat[n - 1] : 0.0, first_ms);
    free(body);
    free(lat);
    return 0;
}

int main(int argc, char **argv)
{
    args_t a;
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    parse_args(argc, argv, &a);
    if (strcmp(argv[1], "send") == 0)
        return cmd_send(&a);
    if (strcmp(argv[1], "gen") == 0)
        return cmd_gen(&a);
    if (strcmp(argv[1], "sink") == 0)
        return cmd_sink(&a);
    if (strcmp(argv[1], "scrape") == 0)
        return cmd_scrape(&a);
    fputs(usage_text, stderr);
    return 2;
}
