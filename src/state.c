/* SPDX-License-Identifier: MIT */
/* Checkpoints of the counters: written by hand as JSON (one series per line, counts as
 * decimal strings so 64-bit values survive any JSON reader), read back with cJSON only after
 * the header, the version, the length and the CRC-32 at the end have all checked out, and
 * applied only after every value has been validated, so a refused file loads nothing. */
#include "lt_state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lt_alloc.h"
#include "lt_config.h"

/* Every checkpoint starts with these bytes, then the version digits and a comma. */
#define HEADER "{\"format\":\"" LT_STATE_FORMAT "\",\"version\":"
#define HEADER_LEN (sizeof(HEADER) - 1)
/* ...and ends with these, then the length, the checksum and the closing brace. */
#define TRAILER_LENGTH ",\"length\":"
#define TRAILER_CRC ",\"crc32\":\""
#define TRAILER_END "\"}\n"
/* The longest trailer: 20 length digits and 8 hex digits. */
#define TRAILER_MAX (sizeof(TRAILER_LENGTH) - 1 + 20 + sizeof(TRAILER_CRC) - 1 + 8 + 3)

/* The per-transport counter arrays that persist, by their name in the file. rejected,
 * http_requests and http_responses have shapes of their own. Gauges never persist. */
static const struct {
    const char *name;
    size_t offset;
} per_transport[] = {
    {"received_bytes", offsetof(lt_stats_t, received_bytes)},
    {"connections_accepted", offsetof(lt_stats_t, connections_accepted)},
    {"connections_refused", offsetof(lt_stats_t, connections_refused)},
    {"idle_closed", offsetof(lt_stats_t, idle_closed)},
};
#define PER_TRANSPORT_COUNT (sizeof(per_transport) / sizeof(per_transport[0]))

static lt_counter_t *transport_array(lt_stats_t *s, size_t i)
{
    return (lt_counter_t *)((char *)s + per_transport[i].offset);
}

/* CRC-32 (IEEE 802.3, reflected, as zlib and Python's zlib.crc32 compute it). The table is
 * built per call: 2 KiB of work against megabytes of checkpoint, and no shared state. */
static uint32_t crc32_of(const char *p, size_t n)
{
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ (unsigned char)p[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

const char *lt_state_problem_text(lt_state_problem_t problem)
{
    static const char *const texts[] = {
#define LT_STATE_PROBLEM_TEXT(e, s) s,
        LT_STATE_PROBLEM_MAP(LT_STATE_PROBLEM_TEXT)
#undef LT_STATE_PROBLEM_TEXT
    };
    return (unsigned)problem < sizeof(texts) / sizeof(texts[0]) ? texts[problem] : "unknown";
}

/* ---- encoding ---------------------------------------------------------------------------- */

static void put_count(lt_strbuf_t *out, const char *name, uint64_t v)
{
    lt_strbuf_append(out, "\"", 1);
    lt_strbuf_puts(out, name);
    lt_strbuf_append(out, "\":\"", 3);
    lt_strbuf_append_u64(out, v);
    lt_strbuf_append(out, "\"", 1);
}

/* A JSON string with the bytes as they are, except what JSON requires escaped. */
static void put_string(lt_strbuf_t *out, const char *p, size_t n)
{
    size_t run = 0;
    lt_strbuf_append(out, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        char esc[8];
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof(esc), "\\%c", c);
        else if (c < 0x20)
            snprintf(esc, sizeof(esc), "\\u%04x", c);
        else
            continue;
        lt_strbuf_append(out, p + run, i - run);
        lt_strbuf_puts(out, esc);
        run = i + 1;
    }
    lt_strbuf_append(out, p + run, n - run);
    lt_strbuf_append(out, "\"", 1);
}

static void encode_stats(const lt_stats_t *cs, lt_strbuf_t *out)
{
    lt_stats_t *s = (lt_stats_t *)cs; /* only read, through relaxed loads */
    lt_strbuf_puts(out, "\"stats\":{");
    for (size_t i = 0; i < PER_TRANSPORT_COUNT; i++) {
        const lt_counter_t *a = transport_array(s, i);
        lt_strbuf_printf(out, "\"%s\":{", per_transport[i].name);
        for (int t = 0; t < LT_TRANSPORT_COUNT; t++) {
            if (t > 0)
                lt_strbuf_append(out, ",", 1);
            put_count(out, lt_transport_name((lt_transport_t)t), lt_counter_get(&a[t]));
        }
        lt_strbuf_puts(out, "},");
    }
    lt_strbuf_puts(out, "\"rejected\":{");
    for (int t = 0; t < LT_TRANSPORT_COUNT; t++) {
        lt_strbuf_printf(out, "%s\"%s\":{", t > 0 ? "," : "", lt_transport_name((lt_transport_t)t));
        for (int r = 0; r < LT_REJECT_COUNT; r++) {
            if (r > 0)
                lt_strbuf_append(out, ",", 1);
            put_count(out, lt_reject_name((lt_reject_t)r), lt_counter_get(&s->rejected[t][r]));
        }
        lt_strbuf_append(out, "}", 1);
    }
    lt_strbuf_puts(out, "},");
    put_count(out, "http_requests", lt_counter_get(&s->http_requests));
    lt_strbuf_puts(out, ",\"http_responses\":{");
    for (int i = 0; i < LT_HTTP_CODE_COUNT; i++) {
        if (i > 0)
            lt_strbuf_append(out, ",", 1);
        put_count(out, lt_stats_http_code_name(i), lt_counter_get(&s->http_responses[i]));
    }
    lt_strbuf_puts(out, "}},\n");
}

typedef struct {
    lt_strbuf_t *out;
    size_t n;
} encode_series_t;

static void encode_one(void *arg, const lt_series_key_t *key, uint64_t count)
{
    encode_series_t *e = arg;
    lt_strbuf_t *out = e->out;
    /* Zero series are the level-only ones made at start; they are made again. */
    if (count == 0)
        return;
    lt_strbuf_puts(out, e->n > 0 ? ",\n{\"level\":\"" : "{\"level\":\"");
    lt_strbuf_puts(out, lt_level_name(key->level));
    lt_strbuf_append(out, "\"", 1);
    if (key->is_overflow) {
        lt_strbuf_puts(out, ",\"overflow\":true");
    } else {
        const char *facility = lt_facility_name(key->facility);
        if (facility != NULL)
            lt_strbuf_printf(out, ",\"facility\":\"%s\"", facility);
        if ((unsigned)key->transport < LT_TRANSPORT_COUNT)
            lt_strbuf_printf(out, ",\"transport\":\"%s\"",
                             lt_transport_name((lt_transport_t)key->transport));
        if (key->host.n > 0) {
            lt_strbuf_puts(out, ",\"host\":");
            put_string(out, key->host.p, key->host.n);
        }
        if (key->app.n > 0) {
            lt_strbuf_puts(out, ",\"app\":");
            put_string(out, key->app.p, key->app.n);
        }
    }
    lt_strbuf_append(out, ",", 1);
    put_count(out, "count", count);
    lt_strbuf_append(out, "}", 1);
    e->n++;
}

void lt_state_encode(const lt_table_t *t, const lt_stats_t *s, int64_t now_s, lt_strbuf_t *out)
{
    size_t start = out->len;
    encode_series_t e = {out, 0};

    lt_strbuf_printf(out, HEADER "%d,\"logtally_version\":", LT_STATE_FORMAT_VERSION);
    put_string(out, LT_VERSION, strlen(LT_VERSION));
    lt_strbuf_printf(out, ",\"written_unix_s\":%" PRId64 ",\n", now_s);
    encode_stats(s, out);
    lt_strbuf_puts(out, "\"series\":[\n");
    lt_table_foreach(t, encode_one, &e);
    lt_strbuf_printf(out, "\n],\"series_count\":%zu", e.n);
    size_t covered = out->len - start;
    uint32_t crc = crc32_of(out->p + start, covered);
    lt_strbuf_printf(out, TRAILER_LENGTH "%zu" TRAILER_CRC "%08" PRIx32 TRAILER_END, covered, crc);
}

/* ---- decoding ---------------------------------------------------------------------------- */

/* A count: a decimal string without sign or leading zeros that fits 64 bits. */
static bool get_count(const cJSON *item, uint64_t *out)
{
    if (!cJSON_IsString(item))
        return false;
    const char *p = item->valuestring;
    size_t n = strlen(p);
    if (n == 0 || n > 20 || (p[0] == '0' && n > 1))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* Adds a count item to a counter of the staging stats (each name appears once). */
static bool take_count(const cJSON *item, lt_counter_t *c)
{
    uint64_t v;
    if (!get_count(item, &v) || lt_counter_get(c) != 0)
        return false;
    lt_counter_add(c, v);
    return true;
}

static int name_index(const char *name, const char *(*name_of)(int), int count)
{
    for (int i = 0; i < count; i++)
        if (strcmp(name, name_of(i)) == 0)
            return i;
    return -1;
}

static const char *transport_name_of(int i)
{
    return lt_transport_name((lt_transport_t)i);
}

static const char *reject_name_of(int i)
{
    return lt_reject_name((lt_reject_t)i);
}

/* {"tcp":"1",...} into a per-transport array. */
static bool decode_per_transport(const cJSON *obj, lt_counter_t *a)
{
    const cJSON *item;
    if (!cJSON_IsObject(obj))
        return false;
    cJSON_ArrayForEach(item, obj)
    {
        int t = name_index(item->string, transport_name_of, LT_TRANSPORT_COUNT);
        if (t < 0 || !take_count(item, &a[t]))
            return false;
    }
    return true;
}

static bool decode_stats(const cJSON *obj, lt_stats_t *s)
{
    const cJSON *item, *sub, *leaf;
    if (!cJSON_IsObject(obj))
        return false;
    cJSON_ArrayForEach(item, obj)
    {
        size_t i = 0;
        while (i < PER_TRANSPORT_COUNT && strcmp(item->string, per_transport[i].name) != 0)
            i++;
        if (i < PER_TRANSPORT_COUNT) {
            if (!decode_per_transport(item, transport_array(s, i)))
                return false;
        } else if (strcmp(item->string, "rejected") == 0) {
            if (!cJSON_IsObject(item))
                return false;
            cJSON_ArrayForEach(sub, item)
            {
                int t = name_index(sub->string, transport_name_of, LT_TRANSPORT_COUNT);
                if (t < 0 || !cJSON_IsObject(sub))
                    return false;
                cJSON_ArrayForEach(leaf, sub)
                {
                    int r = name_index(leaf->string, reject_name_of, LT_REJECT_COUNT);
                    if (r < 0 || !take_count(leaf, &s->rejected[t][r]))
                        return false;
                }
            }
        } else if (strcmp(item->string, "http_requests") == 0) {
            if (!take_count(item, &s->http_requests))
                return false;
        } else if (strcmp(item->string, "http_responses") == 0) {
            if (!cJSON_IsObject(item))
                return false;
            cJSON_ArrayForEach(sub, item)
            {
                int c = name_index(sub->string, lt_stats_http_code_name, LT_HTTP_CODE_COUNT);
                if (c < 0 || !take_count(sub, &s->http_responses[c]))
                    return false;
            }
        } else {
            return false;
        }
    }
    return true;
}

static bool get_label(const cJSON *item, lt_slice_t *out)
{
    if (!cJSON_IsString(item))
        return false;
    size_t n = strlen(item->valuestring);
    if (n == 0 || n > LT_TABLE_MAX_LABEL_BYTES)
        return false;
    *out = (lt_slice_t){item->valuestring, n};
    return true;
}

static bool decode_series(const cJSON *obj, lt_state_series_t *out)
{
    const cJSON *item;
    bool has_level = false, has_count = false;
    lt_series_key_t *key = &out->key;

    *key = (lt_series_key_t){.level = LT_LEVEL_UNKNOWN, .facility = LT_LABEL_UNSET,
                             .transport = LT_LABEL_UNSET, .host = LT_SLICE_NULL,
                             .app = LT_SLICE_NULL, .is_overflow = false};
    if (!cJSON_IsObject(obj))
        return false;
    cJSON_ArrayForEach(item, obj)
    {
        const char *k = item->string;
        const char *v = cJSON_IsString(item) ? item->valuestring : NULL;
        if (strcmp(k, "level") == 0) {
            int level = v != NULL ? lt_level_parse(v, strlen(v)) : -1;
            if (level < 0)
                return false;
            key->level = (lt_level_t)level;
            has_level = true;
        } else if (strcmp(k, "count") == 0) {
            if (!get_count(item, &out->count))
                return false;
            has_count = true;
        } else if (strcmp(k, "overflow") == 0) {
            if (!cJSON_IsTrue(item))
                return false;
            key->is_overflow = true;
        } else if (strcmp(k, "facility") == 0) {
            int f = 0;
            while (f < LT_FACILITY_COUNT && (v == NULL || strcmp(v, lt_facility_name(f)) != 0))
                f++;
            if (f == LT_FACILITY_COUNT)
                return false;
            key->facility = f;
        } else if (strcmp(k, "transport") == 0) {
            int t = v != NULL ? lt_transport_parse(v, strlen(v)) : -1;
            if (t < 0)
                return false;
            key->transport = t;
        } else if (strcmp(k, "host") == 0) {
            if (!get_label(item, &key->host))
                return false;
        } else if (strcmp(k, "app") == 0) {
            if (!get_label(item, &key->app))
                return false;
        } else {
            return false;
        }
    }
    return has_level && has_count;
}

/* The top level once the checksum held: every member known, every value valid. */
static bool decode_root(lt_state_t *st, const cJSON *root)
{
    const cJSON *item, *series = NULL, *count = NULL;
    bool has_stats = false;

    if (!cJSON_IsObject(root))
        return false;
    cJSON_ArrayForEach(item, root)
    {
        const char *k = item->string;
        if (strcmp(k, "format") == 0 || strcmp(k, "version") == 0 || strcmp(k, "length") == 0 ||
            strcmp(k, "crc32") == 0) {
            continue; /* checked on the raw bytes already */
        } else if (strcmp(k, "logtally_version") == 0) {
            if (!cJSON_IsString(item))
                return false;
        } else if (strcmp(k, "written_unix_s") == 0) {
            if (!cJSON_IsNumber(item))
                return false;
            st->written_unix_s = (int64_t)item->valuedouble;
        } else if (strcmp(k, "stats") == 0) {
            if (!decode_stats(item, &st->stats))
                return false;
            has_stats = true;
        } else if (strcmp(k, "series") == 0) {
            if (!cJSON_IsArray(item))
                return false;
            series = item;
        } else if (strcmp(k, "series_count") == 0) {
            if (!cJSON_IsNumber(item))
                return false;
            count = item;
        } else {
            return false;
        }
    }
    if (!has_stats || series == NULL || count == NULL)
        return false;
    size_t n = (size_t)cJSON_GetArraySize(series);
    if (count->valuedouble != (double)n)
        return false;
    st->series = n > 0 ? lt_calloc(n, sizeof(*st->series)) : NULL;
    size_t i = 0;
    cJSON_ArrayForEach(item, series)
    {
        if (!decode_series(item, &st->series[i]))
            return false;
        i++;
    }
    st->series_count = n;
    return true;
}

/* Parses the digits at p[*at..n) as a decimal number, advancing *at. */
static bool scan_number(const char *p, size_t n, size_t *at, uint64_t *out)
{
    size_t start = *at;
    uint64_t v = 0;
    while (*at < n && p[*at] >= '0' && p[*at] <= '9' && *at - start < 19)
        v = v * 10 + (uint64_t)(p[(*at)++] - '0');
    *out = v;
    return *at > start;
}

/* Checks the raw bytes: header, version, trailer, length, checksum. */
static lt_state_problem_t check_envelope(lt_state_t *st, const char *p, size_t n)
{
    size_t at = HEADER_LEN;
    uint64_t version, length;

    if (n == 0)
        return LT_STATE_EMPTY;
    if (memcmp(p, HEADER, n < HEADER_LEN ? n : HEADER_LEN) != 0)
        return LT_STATE_FOREIGN;
    if (n <= HEADER_LEN || !scan_number(p, n, &at, &version) || at == n)
        return LT_STATE_TRUNCATED;
    if (p[at] != ',')
        return LT_STATE_FOREIGN;
    st->version = (long)version;
    if (version != LT_STATE_FORMAT_VERSION)
        return LT_STATE_VERSION;

    /* The trailer: the last ",\"length\":" in the final TRAILER_MAX bytes. */
    size_t from = n > TRAILER_MAX ? n - TRAILER_MAX : 0, mark = n;
    for (size_t i = from; i + sizeof(TRAILER_LENGTH) - 1 <= n; i++)
        if (memcmp(p + i, TRAILER_LENGTH, sizeof(TRAILER_LENGTH) - 1) == 0)
            mark = i;
    if (mark == n)
        return LT_STATE_TRUNCATED;
    at = mark + sizeof(TRAILER_LENGTH) - 1;
    if (!scan_number(p, n, &at, &length))
        return LT_STATE_TRUNCATED;
    size_t crc_len = sizeof(TRAILER_CRC) - 1, end_len = sizeof(TRAILER_END) - 1;
    if (n - at != crc_len + 8 + end_len || memcmp(p + at, TRAILER_CRC, crc_len) != 0 ||
        memcmp(p + n - end_len, TRAILER_END, end_len) != 0)
        return LT_STATE_TRUNCATED;
    uint32_t crc = 0;
    for (size_t i = at + crc_len; i < at + crc_len + 8; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return LT_STATE_TRUNCATED;
        crc = crc << 4 | (uint32_t)d;
    }
    if (length != mark)
        return LT_STATE_LENGTH;
    if (crc32_of(p, mark) != crc)
        return LT_STATE_CHECKSUM;
    return LT_STATE_NONE;
}

int lt_state_decode(lt_state_t *st, const char *p, size_t n)
{
    const char *end = NULL;
    memset(st, 0, sizeof(*st));
    lt_stats_init(&st->stats);

    st->problem = check_envelope(st, p, n);
    if (st->problem != LT_STATE_NONE)
        goto refuse;
    st->root = cJSON_ParseWithLengthOpts(p, n, &end, false);
    if (st->root == NULL || (size_t)(end - p) != n - 1) { /* only the final newline after it */
        st->problem = LT_STATE_SYNTAX;
        goto refuse;
    }
    if (!decode_root(st, st->root)) {
        st->problem = LT_STATE_CONTENT;
        goto refuse;
    }
    return 0;
refuse: {
    /* Publish nothing: a refused file leaves st as empty as it found it, problem aside. */
    lt_state_problem_t problem = st->problem;
    long version = st->version;
    lt_state_free(st);
    st->problem = problem;
    st->version = version;
    return UV_EINVAL;
}
}

static void add_counter(lt_counter_t *dst, const lt_counter_t *src)
{
    uint64_t v = lt_counter_get(src);
    if (v > 0)
        lt_counter_add(dst, v);
}

void lt_state_apply(const lt_state_t *st, lt_table_t *t, lt_stats_t *s, unsigned labels)
{
    for (size_t i = 0; i < st->series_count; i++) {
        lt_series_key_t key = st->series[i].key;
        if (st->series[i].count == 0)
            continue;
        if (!(labels & LT_LABEL_HOST))
            key.host = LT_SLICE_NULL;
        if (!(labels & LT_LABEL_APP))
            key.app = LT_SLICE_NULL;
        if (!(labels & LT_LABEL_FACILITY))
            key.facility = LT_LABEL_UNSET;
        if (!(labels & LT_LABEL_TRANSPORT))
            key.transport = LT_LABEL_UNSET;
        lt_table_incr(t, &key, st->series[i].count);
    }
    lt_stats_t *src = (lt_stats_t *)&st->stats;
    for (size_t i = 0; i < PER_TRANSPORT_COUNT; i++)
        for (int tr = 0; tr < LT_TRANSPORT_COUNT; tr++)
            add_counter(&transport_array(s, i)[tr], &transport_array(src, i)[tr]);
    for (int tr = 0; tr < LT_TRANSPORT_COUNT; tr++)
        for (int r = 0; r < LT_REJECT_COUNT; r++)
            add_counter(&s->rejected[tr][r], &src->rejected[tr][r]);
    add_counter(&s->http_requests, &src->http_requests);
    for (int c = 0; c < LT_HTTP_CODE_COUNT; c++)
        add_counter(&s->http_responses[c], &src->http_responses[c]);
}

void lt_state_free(lt_state_t *st)
{
    lt_free(st->series);
    cJSON_Delete(st->root);
    memset(st, 0, sizeof(*st));
}

/* ---- files ------------------------------------------------------------------------------- */

int lt_state_read_file(const char *path, lt_state_t *st)
{
    size_t cap = 4096, len = 0;
    char *buf = NULL;
    int fd, rc = 0;

    memset(st, 0, sizeof(*st));
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -errno;
    buf = lt_malloc(cap);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = lt_realloc(buf, cap);
        }
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = -errno;
            goto out;
        }
        if (got == 0)
            break;
        len += (size_t)got;
        /* Not ours (a log, a config file): refuse it on its first bytes. */
        if (len >= HEADER_LEN && memcmp(buf, HEADER, HEADER_LEN) != 0)
            break;
    }
    rc = lt_state_decode(st, buf, len);
out:
    lt_free(buf);
    close(fd);
    return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t put = write(fd, p, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put < 0)
            return -errno;
        p += put;
        n -= (size_t)put;
    }
    return 0;
}

/* fsync of the directory that holds path, so that a rename into it survives a crash. */
static int sync_dir_of(const char *path)
{
    char *copy = lt_strndup(path, strlen(path));
    int rc = 0;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0)
        rc = -errno;
    if (fd >= 0)
        close(fd);
    lt_free(copy);
    return rc;
}

int lt_state_write_file(const char *path, const char *p, size_t n)
{
    size_t path_len = strlen(path);
    char *tmp = lt_malloc(path_len + sizeof(".tmp"));
    int fd, rc;

    memcpy(tmp, path, path_len);
    memcpy(tmp + path_len, ".tmp", sizeof(".tmp"));
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = -errno;
        goto out;
    }
    if ((rc = write_all(fd, p, n)) != 0 || (fsync(fd) != 0 && (rc = -errno) != 0)) {
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) != 0 && (rc = -errno) != 0) {
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        rc = -errno;
        unlink(tmp);
        goto out;
    }
    rc = sync_dir_of(path);
out:
    lt_free(tmp);
    return rc;
}

int lt_state_move_aside(const char *path)
{
    size_t path_len = strlen(path);
    char *aside = lt_malloc(path_len + sizeof(".refused"));
    int rc = 0;

    memcpy(aside, path, path_len);
    memcpy(aside + path_len, ".refused", sizeof(".refused"));
    if (rename(path, aside) != 0)
        rc = -errno;
    else
        rc = sync_dir_of(path);
    lt_free(aside);
    return rc;
}
