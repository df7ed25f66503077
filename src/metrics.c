/* SPDX-License-Identifier: MIT */
/* The /metrics body: Prometheus text 0.0.4 (or OpenMetrics 1.0 on request), rendered from the
 * counter table and the daemon-wide stats. The fixed families are one X-macro list, so every
 * family gets its HELP and TYPE from the same place; series are collected, sorted and merged
 * first, so samples never repeat a label set and scrapes diff cleanly. */
#include "lt_api.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lt_alloc.h"

/* X(ENUM, name, type, help). Counters end in _total (Prometheus naming); the OpenMetrics
 * family name drops that suffix. HELP texts hold no backslash or newline, so need no escape. */
#define FAMILY_MAP(X)                                                                              \
    X(EVENTS, "logtally_events_total", COUNTER,                                                    \
      "Events accepted, by level and the configured labels.")                                      \
    X(RECEIVED_BYTES, "logtally_received_bytes_total", COUNTER,                                    \
      "Bytes received by the ingest listeners and in HTTP ingest bodies, by transport.")           \
    X(REJECTED, "logtally_rejected_total", COUNTER,                                                \
      "Messages not counted as events, by transport and reason.")                                  \
    X(CONNECTIONS, "logtally_connections", GAUGE, "Connections open now, by transport.")           \
    X(WORKER_TCP, "logtally_worker_tcp_connections", GAUGE,                                        \
      "TCP ingest connections each ingest worker serves now (new ones go to the one with fewest).")\
    X(WORKER_UDP, "logtally_worker_udp_datagrams_total", COUNTER,                                 \
      "UDP datagrams each ingest worker has read.")                                                \
    X(CONNECTIONS_ACCEPTED, "logtally_connections_accepted_total", COUNTER,                        \
      "Connections accepted, by transport.")                                                       \
    X(CONNECTIONS_REFUSED, "logtally_connections_refused_total", COUNTER,                          \
      "Connections closed at once because the connection limit was reached, by transport.")        \
    X(IDLE_CLOSED, "logtally_idle_closed_total", COUNTER,                                          \
      "Connections closed by a timeout, by transport.")                                            \
    X(FD_LIMIT_REFUSED, "logtally_fd_limit_refused_total", COUNTER,                                \
      "Connections closed at once because the process neared its open files limit, by transport.")\
    X(ACCEPT_ERRORS, "logtally_accept_errors_total", COUNTER,                                      \
      "Failed accepts of a listener (out of descriptors or memory), by transport.")               \
    X(LISTENER_PAUSES, "logtally_listener_pauses_total", COUNTER,                                  \
      "Back-offs (100 ms doubling to 1 s) in which a listener accepted nothing because "          \
      "descriptors or memory ran out, by transport.")                                              \
    X(UDP_DROPPED, "logtally_udp_dropped_total", COUNTER,                                          \
      "Datagrams the kernel dropped because a UDP receive buffer was full.")                       \
    X(UDP_RCVBUF, "logtally_udp_receive_buffer_bytes", GAUGE,                                      \
      "Effective receive buffer size (SO_RCVBUF) of the UDP sockets.")                             \
    X(SERIES, "logtally_series", GAUGE, "Series in the counter table, overflow series excluded.")  \
    X(SERIES_LIMIT, "logtally_series_limit", GAUGE, "Most series the counter table holds.")        \
    X(SERIES_OVERFLOW, "logtally_series_overflow_total", COUNTER,                                  \
      "Events counted in an overflow series because the series limit was reached.")                \
    X(RING_EVENTS, "logtally_ring_events_total", COUNTER, "Events stored in the event ring.")      \
    X(RING_OVERWRITTEN, "logtally_ring_overwritten_total", COUNTER,                                \
      "Ring events overwritten by newer ones.")                                                    \
    X(RING_SLOTS, "logtally_ring_slots", GAUGE, "Capacity of the event ring.")                     \
    X(HTTP_REQUESTS, "logtally_http_requests_total", COUNTER, "HTTP requests answered.")           \
    X(HTTP_RESPONSES, "logtally_http_responses_total", COUNTER,                                    \
      "HTTP responses sent, by status code (the server's own 400/408/413/431 included).")          \
    X(STATE_RESTORED, "logtally_state_restored", GAUGE,                                           \
      "1 when this process started from the counter checkpoint (state.file), else 0.")             \
    X(STATE_LOAD_FAILURES, "logtally_state_load_failures_total", COUNTER,                          \
      "Counter checkpoints refused (corrupt, foreign, other version) or unreadable at start.")     \
    X(STATE_WRITES, "logtally_state_writes_total", COUNTER, "Counter checkpoints written.")        \
    X(STATE_WRITE_FAILURES, "logtally_state_write_failures_total", COUNTER,                        \
      "Counter checkpoints that could not be written.")                                            \
    X(STATE_LAST_WRITE, "logtally_state_last_write_timestamp_seconds", GAUGE,                      \
      "When the last counter checkpoint was written, since the Unix epoch; 0 before the first.")   \
    X(BUILD_INFO, "logtally_build_info", GAUGE,                                                    \
      "Always 1; the version label names the running logtally.")                                   \
    X(START_TIME, "process_start_time_seconds", GAUGE,                                             \
      "Start time of the process since the Unix epoch in seconds.")                               \
    X(RELOAD_OK, "logtally_config_last_reload_successful", GAUGE,                                  \
      "1 when the last configuration load (start-up or SIGHUP) succeeded, else 0.")              \
    X(RELOAD_OK_TIME, "logtally_config_last_reload_success_timestamp_seconds", GAUGE,              \
      "When the configuration last loaded successfully, since the Unix epoch in seconds.")

enum {
#define FAMILY_ENUM(e, name, type, help) FAMILY_##e,
    FAMILY_MAP(FAMILY_ENUM)
#undef FAMILY_ENUM
};

enum { COUNTER, GAUGE };

static const struct {
    const char *name;
    int type;
    const char *help;
} families[] = {
#define FAMILY_ROW(e, name, type, help) {name, type, help},
    FAMILY_MAP(FAMILY_ROW)
#undef FAMILY_ROW
};

static const char *const label_names[LT_API_LABEL_COUNT] = {
#define LABEL_NAME(e, s, bit) s,
    LT_LABEL_MAP(LABEL_NAME)
#undef LABEL_NAME
};

static const unsigned label_bits[LT_API_LABEL_COUNT] = {
#define LABEL_BIT(e, s, bit) bit,
    LT_LABEL_MAP(LABEL_BIT)
#undef LABEL_BIT
};

/* ---- UTF-8 ------------------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (RFC 3629 table 3: no overlongs, no surrogates,
 * nothing above U+10FFFF), or 0 when the bytes there are not one. */
static size_t utf8_seq_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return len;
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* Copies valid UTF-8 through; with is_label, also escapes as the exposition format asks
 * for label values: backslash, double quote and newline. */
static void append_text(lt_strbuf_t *out, const char *p, size_t n, bool is_label)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t run = 0; /* start of the bytes not yet copied */
    size_t i = 0;

    while (i < n) {
        const char *esc = NULL;
        size_t len = utf8_seq_len(s + i, n - i);
        if (len == 0)
            esc = REPLACEMENT;
        else if (is_label && s[i] == '\\')
            esc = "\\\\";
        else if (is_label && s[i] == '"')
            esc = "\\\"";
        else if (is_label && s[i] == '\n')
            esc = "\\n";
        if (esc == NULL) {
            i += len;
            continue;
        }
        lt_strbuf_append(out, p + run, i - run);
        lt_strbuf_puts(out, esc);
        i += len ? len : 1;
        run = i;
    }
    lt_strbuf_append(out, p + run, n - run);
}

void lt_api_append_utf8(lt_strbuf_t *out, const char *p, size_t n)
{
    append_text(out, p, n, false);
}

/* ---- series ------------------------------------------------------------------------------ */

typedef struct {
    lt_api_series_t *v;
    size_t n;
    size_t cap;
    unsigned labels;
    bool is_by_visit; /* v[i].count is i, the visit index; the counts go to counts[i] */
    uint64_t *counts;
} collect_t;

static lt_slice_t text_slice(const char *s)
{
    return (lt_slice_t){s, strlen(s)};
}

/* Empty slices get a real pointer so that comparing them never hands NULL to memcmp. */
static lt_slice_t table_slice(lt_slice_t s)
{
    return s.n > 0 && s.p != NULL ? s : text_slice("");
}

static lt_api_series_t *collect_push(collect_t *c)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = lt_realloc(c->v, c->cap * sizeof(*c->v));
        if (c->is_by_visit)
            c->counts = lt_realloc(c->counts, c->cap * sizeof(*c->counts));
    }
    lt_api_series_t *s = &c->v[c->n++];
    for (int i = 0; i < LT_API_LABEL_COUNT; i++)
        s->labels[i] = text_slice("");
    s->count = 0;
    s->level = LT_LEVEL_UNKNOWN;
    return s;
}

static void collect_one(void *arg, const lt_series_key_t *key, uint64_t count)
{
    collect_t *c = arg;
    lt_api_series_t *s = collect_push(c);

    s->level = (unsigned)key->level < LT_LEVEL_COUNT ? key->level : LT_LEVEL_UNKNOWN;
    s->count = count;
    if (c->is_by_visit) {
        c->counts[c->n - 1] = count;
        s->count = c->n - 1;
    }
    for (int i = 0; i < LT_API_LABEL_COUNT; i++) {
        if (!(c->labels & label_bits[i]))
            continue;
        if (key->is_overflow) {
            s->labels[i] = text_slice(LT_API_OVERFLOW_VALUE);
            continue;
        }
        switch (i) {
        case LT_API_HOST:
            s->labels[i] = table_slice(key->host);
            break;
        case LT_API_APP:
            s->labels[i] = table_slice(key->app);
            break;
        case LT_API_FACILITY: {
            /* LT_FACILITY_NONE (a JSON event) and LT_LABEL_UNSET (a level-only series made
             * before the label was configured) both render as "". */
            const char *name = lt_facility_name(key->facility);
            s->labels[i] = text_slice(name != NULL ? name : "");
            break;
        }
        case LT_API_TRANSPORT:
            s->labels[i] = text_slice((unsigned)key->transport < LT_TRANSPORT_COUNT
                                          ? lt_transport_name((lt_transport_t)key->transport)
                                          : "");
            break;
        }
    }
}

/* qsort_r comparator; arg points to the configured LT_LABEL_* bits, the only labels that can
 * differ (the others are "" in every series). */
static int series_cmp(const void *va, const void *vb, void *arg)
{
    const lt_api_series_t *a = va, *b = vb;
    unsigned labels = *(const unsigned *)arg;
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    for (int i = 0; i < LT_API_LABEL_COUNT; i++) {
        if (!(labels & label_bits[i]))
            continue;
        int r = lt_slice_cmp(a->labels[i], b->labels[i]);
        if (r != 0)
            return r;
    }
    return 0;
}

/* Every READY series, sorted, not yet merged. */
static void collect_sorted(const lt_api_t *api, collect_t *c)
{
    lt_table_foreach(api->tally.table, collect_one, c);
    if (c->n > 0)
        qsort_r(c->v, c->n, sizeof(*c->v), series_cmp, &c->labels);
}

size_t lt_api_collect_series_unsorted(const lt_api_t *api, lt_api_series_t **out)
{
    collect_t c = {NULL, 0, 0, api->config->labels, false, NULL};
    lt_table_foreach(api->tally.table, collect_one, &c);
    *out = c.v;
    return c.n;
}

size_t lt_api_collect_series(const lt_api_t *api, lt_api_series_t **out)
{
    collect_t c = {NULL, 0, 0, api->config->labels, false, NULL};
    bool has_level[LT_LEVEL_COUNT] = {false};

    collect_sorted(api, &c);

    /* Different keys can render alike (a level-only series made at startup and a series of
     * events without host, both host=""; a host cut to LT_TABLE_MAX_LABEL_BYTES); the
     * exposition format forbids repeating a label set, so such series are summed. */
    size_t n = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (n > 0 && series_cmp(&c.v[n - 1], &c.v[i], &c.labels) == 0) {
            c.v[n - 1].count += c.v[i].count;
            continue;
        }
        c.v[n++] = c.v[i];
        has_level[c.v[i].level] = true;
    }
    c.n = n;

    bool is_added = false;
    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        if (!has_level[l]) {
            collect_push(&c)->level = (lt_level_t)l;
            is_added = true;
        }
    }
    if (is_added)
        qsort_r(c.v, c.n, sizeof(*c.v), series_cmp, &c.labels);
    *out = c.v;
    return c.n;
}

/* ---- rendering --------------------------------------------------------------------------- */

static void family(lt_strbuf_t *out, int f, bool is_om)
{
    const char *name = families[f].name;
    int len = (int)strlen(name);

    /* OpenMetrics names a counter family without the _total of its samples. */
    if (is_om && families[f].type == COUNTER)
        len -= (int)strlen("_total");
    lt_strbuf_printf(out, "# HELP %.*s %s\n# TYPE %.*s %s\n", len, name, families[f].help, len,
                     name, families[f].type == COUNTER ? "counter" : "gauge");
}

static void sample(lt_strbuf_t *out, int f, uint64_t v)
{
    lt_strbuf_printf(out, "%s %" PRIu64 "\n", families[f].name, v);
}

static void sample_transport(lt_strbuf_t *out, int f, lt_transport_t t, uint64_t v)
{
    lt_strbuf_printf(out, "%s{transport=\"%s\"} %" PRIu64 "\n", families[f].name,
                     lt_transport_name(t), v);
}

/* Connection families exist for the transports that have connections. */
static const lt_transport_t connected[] = {LT_TRANSPORT_TCP, LT_TRANSPORT_HTTP};

/* Appends "logtally_events_total{level="info",host="web1"} " for s: what precedes the count. */
static void sample_prefix(lt_strbuf_t *out, const lt_api_series_t *s, unsigned labels)
{
    lt_strbuf_puts(out, families[FAMILY_EVENTS].name);
    lt_strbuf_append(out, "{level=\"", 8);
    lt_strbuf_puts(out, lt_level_name(s->level));
    lt_strbuf_append(out, "\"", 1);
    for (int l = 0; l < LT_API_LABEL_COUNT; l++) {
        if (!(labels & label_bits[l]))
            continue;
        lt_strbuf_append(out, ",", 1);
        lt_strbuf_puts(out, label_names[l]);
        lt_strbuf_append(out, "=\"", 2);
        append_text(out, s->labels[l].p, s->labels[l].n, true);
        lt_strbuf_append(out, "\"", 1);
    }
    lt_strbuf_append(out, "} ", 2);
}

/* The events family of the last scrape, kept because series are only ever added: while the
 * table holds the same series, a scrape reads the counts and copies each sample's label text
 * (escaped once, when built) instead of collecting, sorting and escaping them again. A
 * sample ("group") sums the series whose labels render alike. */
struct lt_api_metrics_cache_s {
    const lt_table_t *table; /* what the groups were built from */
    unsigned labels;
    size_t visits;           /* series lt_table_foreach visited then */
    size_t ngroups;
    uint32_t *first;         /* group g sums counts[members[first[g]..first[g + 1])] */
    uint32_t *members;
    size_t *text_end;        /* group g's text is text.p[text_end[g - 1] (0 for g 0)..text_end[g]) */
    lt_strbuf_t text;
    uint64_t *counts;        /* this scrape's counts, by visit */
    size_t ncounts;
    size_t counts_cap;
};

static void cache_count_one(void *arg, const lt_series_key_t *key, uint64_t count)
{
    lt_api_metrics_cache_t *m = arg;
    (void)key;
    if (m->ncounts == m->counts_cap) {
        m->counts_cap = m->counts_cap ? m->counts_cap * 2 : 64;
        m->counts = lt_realloc(m->counts, m->counts_cap * sizeof(*m->counts));
    }
    m->counts[m->ncounts++] = count;
}

static void cache_group(lt_api_metrics_cache_t *m, const lt_api_series_t *s, uint32_t nmembers)
{
    m->first[m->ngroups] = nmembers;
    sample_prefix(&m->text, s, m->labels);
    m->text_end[m->ngroups++] = m->text.len;
}

/* Collects and sorts every series, groups those that render alike, adds an empty group for
 * each level without a series (so all nine appear), renders each group's text, and leaves
 * the counts of that same visit in m->counts. */
static void cache_build(const lt_api_t *api, lt_api_metrics_cache_t *m)
{
    collect_t c = {NULL, 0, 0, api->config->labels, true, NULL};
    collect_sorted(api, &c);

    lt_free(m->counts);
    m->counts = c.counts;
    m->ncounts = c.n;
    m->counts_cap = c.cap;
    m->table = api->tally.table;
    m->labels = c.labels;
    m->visits = c.n;
    m->ngroups = 0;
    m->first = lt_realloc(m->first, (c.n + LT_LEVEL_COUNT + 1) * sizeof(*m->first));
    m->text_end = lt_realloc(m->text_end, (c.n + LT_LEVEL_COUNT) * sizeof(*m->text_end));
    m->members = lt_realloc(m->members, (c.n + 1) * sizeof(*m->members));
    lt_strbuf_reset(&m->text);

    lt_api_series_t empty;
    for (int i = 0; i < LT_API_LABEL_COUNT; i++)
        empty.labels[i] = text_slice("");
    empty.count = 0;
    int next_level = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (i == 0 || series_cmp(&c.v[i - 1], &c.v[i], &c.labels) != 0) {
            for (; next_level < (int)c.v[i].level; next_level++) {
                empty.level = (lt_level_t)next_level;
                cache_group(m, &empty, (uint32_t)i);
            }
            next_level = (int)c.v[i].level + 1;
            cache_group(m, &c.v[i], (uint32_t)i);
        }
        m->members[i] = (uint32_t)c.v[i].count; /* the visit index */
    }
    for (; next_level < LT_LEVEL_COUNT; next_level++) {
        empty.level = (lt_level_t)next_level;
        cache_group(m, &empty, (uint32_t)c.n);
    }
    m->first[m->ngroups] = (uint32_t)c.n;
    lt_free(c.v);
}

void lt_api_free_caches(lt_api_t *api)
{
    lt_api_metrics_cache_t *m = api->metrics_cache;
    if (m == NULL)
        return;
    lt_free(m->first);
    lt_free(m->members);
    lt_free(m->text_end);
    lt_free(m->counts);
    lt_strbuf_free(&m->text);
    lt_free(m);
    api->metrics_cache = NULL;
}

static void render_events(lt_api_t *api, lt_strbuf_t *out, bool is_om)
{
    if (api->metrics_cache == NULL)
        api->metrics_cache = lt_calloc(1, sizeof(*api->metrics_cache));
    lt_api_metrics_cache_t *m = api->metrics_cache;

    /* Slots never empty and lt_table_foreach visits them in slot order, so a later visit sees
     * a superset of an earlier one, in the same order: the same number is the same series. */
    m->ncounts = 0;
    lt_table_foreach(api->tally.table, cache_count_one, m);
    if (m->table != api->tally.table || m->labels != api->config->labels ||
        m->ncounts != m->visits)
        cache_build(api, m);

    family(out, FAMILY_EVENTS, is_om);
    size_t text_start = 0;
    for (size_t g = 0; g < m->ngroups; g++) {
        uint64_t sum = 0;
        for (uint32_t k = m->first[g]; k < m->first[g + 1]; k++)
            sum += m->counts[m->members[k]];
        lt_strbuf_append(out, m->text.p + text_start, m->text_end[g] - text_start);
        lt_strbuf_append_u64(out, sum);
        lt_strbuf_append(out, "\n", 1);
        text_start = m->text_end[g];
    }
}

static void render_state(const lt_state_metrics_t *m, lt_strbuf_t *out, bool is_om)
{
    static const lt_state_metrics_t off;
    if (m == NULL)
        m = &off;
    family(out, FAMILY_STATE_RESTORED, is_om);
    int64_t restored = lt_gauge_get(&m->is_restored);
    sample(out, FAMILY_STATE_RESTORED, restored > 0 ? (uint64_t)restored : 0);
    family(out, FAMILY_STATE_LOAD_FAILURES, is_om);
    sample(out, FAMILY_STATE_LOAD_FAILURES, lt_counter_get(&m->load_failures));
    family(out, FAMILY_STATE_WRITES, is_om);
    sample(out, FAMILY_STATE_WRITES, lt_counter_get(&m->writes));
    family(out, FAMILY_STATE_WRITE_FAILURES, is_om);
    sample(out, FAMILY_STATE_WRITE_FAILURES, lt_counter_get(&m->write_failures));
    family(out, FAMILY_STATE_LAST_WRITE, is_om);
    uint64_t ms = lt_counter_get(&m->last_write_unix_ms);
    lt_strbuf_printf(out, "%s %" PRIu64 ".%03u\n", families[FAMILY_STATE_LAST_WRITE].name,
                     ms / 1000, (unsigned)(ms % 1000));
}

static void render(lt_api_t *api, lt_strbuf_t *out, bool is_om)
{
    const lt_stats_t *st = api->tally.stats;
    const lt_ring_t *ring = api->tally.ring;
    lt_udp_info_t udp = {0, 0};

    if (api->udp_info != NULL)
        api->udp_info(api->udp_info_arg, &udp);

    render_events(api, out, is_om);

    family(out, FAMILY_RECEIVED_BYTES, is_om);
    for (int t = 0; t < LT_TRANSPORT_COUNT; t++)
        sample_transport(out, FAMILY_RECEIVED_BYTES, (lt_transport_t)t,
                         lt_counter_get(&st->received_bytes[t]));

    family(out, FAMILY_REJECTED, is_om);
    for (int t = 0; t < LT_TRANSPORT_COUNT; t++)
        for (int r = 0; r < LT_REJECT_COUNT; r++)
            lt_strbuf_printf(out, "%s{transport=\"%s\",reason=\"%s\"} %" PRIu64 "\n",
                             families[FAMILY_REJECTED].name, lt_transport_name((lt_transport_t)t),
                             lt_reject_name((lt_reject_t)r), lt_counter_get(&st->rejected[t][r]));

    family(out, FAMILY_CONNECTIONS, is_om);
    for (size_t i = 0; i < sizeof(connected) / sizeof(connected[0]); i++) {
        /* A gauge that went below zero would be a bookkeeping bug; show 0, not 2^64-1. */
        int64_t open = lt_gauge_get(&st->connections[connected[i]]);
        sample_transport(out, FAMILY_CONNECTIONS, connected[i], open > 0 ? (uint64_t)open : 0);
    }
    family(out, FAMILY_WORKER_TCP, is_om);
    for (int64_t i = 0; i < lt_gauge_get(&st->workers) && i < LT_STATS_MAX_WORKERS; i++) {
        int64_t open = lt_gauge_get(&st->worker_tcp[i]);
        lt_strbuf_printf(out, "%s{worker=\"%" PRId64 "\"} %" PRId64 "\n",
                         families[FAMILY_WORKER_TCP].name, i, open > 0 ? open : 0);
    }
    family(out, FAMILY_WORKER_UDP, is_om);
    for (int64_t i = 0; i < lt_gauge_get(&st->workers) && i < LT_STATS_MAX_WORKERS; i++)
        lt_strbuf_printf(out, "%s{worker=\"%" PRId64 "\"} %" PRIu64 "\n",
                         families[FAMILY_WORKER_UDP].name, i, lt_counter_get(&st->worker_udp[i]));
    family(out, FAMILY_CONNECTIONS_ACCEPTED, is_om);
    for (size_t i = 0; i < sizeof(connected) / sizeof(connected[0]); i++)
        sample_transport(out, FAMILY_CONNECTIONS_ACCEPTED, connected[i],
                         lt_counter_get(&st->connections_accepted[connected[i]]));
    family(out, FAMILY_CONNECTIONS_REFUSED, is_om);
    for (size_t i = 0; i < sizeof(connected) / sizeof(connected[0]); i++)
        sample_transport(out, FAMILY_CONNECTIONS_REFUSED, connected[i],
                         lt_counter_get(&st->connections_refused[connected[i]]));
    family(out, FAMILY_IDLE_CLOSED, is_om);
    for (size_t i = 0; i < sizeof(connected) / sizeof(connected[0]); i++)
        sample_transport(out, FAMILY_IDLE_CLOSED, connected[i],
                         lt_counter_get(&st->idle_closed[connected[i]]));

    family(out, FAMILY_FD_LIMIT_REFUSED, is_om);
    for (size_t i = 0; i < sizeof(connected) / sizeof(connected[0]); i++)
        sample_transport(out, FAMILY_FD_LIMIT_REFUSED, connected[i],
                         lt_counter_get(&st->fd_limit_refused[connected[i]]));
    family(out, FAMILY_ACCEPT_ERRORS, is_om);
    for (size_t i = 0; i < sizeof(connected) / sizeof(connected[0]); i++)
        sample_transport(out, FAMILY_ACCEPT_ERRORS, connected[i],
                         lt_counter_get(&st->accept_errors[connected[i]]));
    family(out, FAMILY_LISTENER_PAUSES, is_om);
    for (size_t i = 0; i < sizeof(connected) / sizeof(connected[0]); i++)
        sample_transport(out, FAMILY_LISTENER_PAUSES, connected[i],
                         lt_counter_get(&st->listener_pauses[connected[i]]));

    family(out, FAMILY_UDP_DROPPED, is_om);
    sample(out, FAMILY_UDP_DROPPED, udp.dropped);
    family(out, FAMILY_UDP_RCVBUF, is_om);
    sample(out, FAMILY_UDP_RCVBUF, udp.rcvbuf_bytes);

    family(out, FAMILY_SERIES, is_om);
    sample(out, FAMILY_SERIES, lt_table_series_count(api->tally.table));
    family(out, FAMILY_SERIES_LIMIT, is_om);
    sample(out, FAMILY_SERIES_LIMIT, api->config->max_series);
    family(out, FAMILY_SERIES_OVERFLOW, is_om);
    sample(out, FAMILY_SERIES_OVERFLOW, lt_table_overflow_total(api->tally.table));

    family(out, FAMILY_RING_EVENTS, is_om);
    sample(out, FAMILY_RING_EVENTS, ring != NULL ? lt_ring_pushed_total(ring) : 0);
    family(out, FAMILY_RING_OVERWRITTEN, is_om);
    sample(out, FAMILY_RING_OVERWRITTEN, ring != NULL ? lt_ring_overwritten_total(ring) : 0);
    family(out, FAMILY_RING_SLOTS, is_om);
    sample(out, FAMILY_RING_SLOTS, ring != NULL ? lt_ring_slots(ring) : 0);

    family(out, FAMILY_HTTP_REQUESTS, is_om);
    sample(out, FAMILY_HTTP_REQUESTS, lt_counter_get(&st->http_requests));
    family(out, FAMILY_HTTP_RESPONSES, is_om);
    for (int i = 0; i < LT_HTTP_CODE_COUNT; i++)
        lt_strbuf_printf(out, "%s{code=\"%s\"} %" PRIu64 "\n", families[FAMILY_HTTP_RESPONSES].name,
                         lt_stats_http_code_name(i), lt_counter_get(&st->http_responses[i]));

    render_state(api->state, out, is_om);

    family(out, FAMILY_BUILD_INFO, is_om);
    lt_strbuf_printf(out, "%s{version=\"", families[FAMILY_BUILD_INFO].name);
    const char *version = api->version != NULL ? api->version : "";
    append_text(out, version, strlen(version), true);
    lt_strbuf_puts(out, "\"} 1\n");

    family(out, FAMILY_START_TIME, is_om);
    lt_strbuf_printf(out, "%s %.3f\n", families[FAMILY_START_TIME].name, api->start_time_s);
    family(out, FAMILY_RELOAD_OK, is_om);
    sample(out, FAMILY_RELOAD_OK, api->is_last_reload_ok ? 1 : 0);
    family(out, FAMILY_RELOAD_OK_TIME, is_om);
    lt_strbuf_printf(out, "%s %.3f\n", families[FAMILY_RELOAD_OK_TIME].name,
                     api->last_reload_ok_s);

    if (is_om)
        lt_strbuf_puts(out, "# EOF\n");
}

void lt_api_render_metrics(lt_api_t *api, lt_strbuf_t *out)
{
    render(api, out, false);
}

void lt_api_render_openmetrics(lt_api_t *api, lt_strbuf_t *out)
{
    render(api, out, true);
}
