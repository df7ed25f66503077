/* SPDX-License-Identifier: MIT */
/* The daemon's configuration: embedded defaults, a JSON-with-comments file and command-line
 * listener overrides. One table of keys (name, type, range, field) drives validation, the key
 * paths in error messages and lt_config_to_json, so the three cannot drift apart. */
#include "lt_config.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lt_alloc.h"
#include "lt_file.h"
#include "lt_log.h"

/* A config file is a few kilobytes; the cap only stops a wrong path (a log, a device) from
 * being slurped whole. */
#define CONFIG_MAX_FILE_BYTES (1u << 20)

#define ADDR_EXPECTED "IPv4:PORT or [IPv6]:PORT, e.g. 127.0.0.1:5514 or [::1]:5514"

typedef enum {
    KEY_SECTION,     /* an object holding further keys */
    KEY_UINT,        /* an integer stored in an unsigned */
    KEY_SIZE,        /* an integer stored in a size_t */
    KEY_BOOL,        /* true or false stored in a bool */
    KEY_LEVEL,       /* a canonical level name stored in an lt_level_t */
    KEY_LABELS,      /* an array of label names stored as LT_LABEL_* bits */
    KEY_ADDRS,       /* an array of "ADDR:PORT" stored in lt_addr_t[] plus a count */
    KEY_ADDR_OR_OFF, /* "ADDR:PORT" stored in an lt_addr_t plus a flag; "" clears the flag */
    KEY_PATH,        /* "" or an absolute path stored in a char[LT_CONFIG_PATH_BYTES] */
} key_type_t;

typedef struct conf_key_s {
    const char *name;
    key_type_t type;
    size_t offset;                 /* of the field in lt_config_t */
    size_t aux_offset;             /* KEY_ADDRS: the count; KEY_ADDR_OR_OFF: the flag */
    uint64_t min, max;             /* KEY_UINT, KEY_SIZE */
    const struct conf_key_s *keys; /* KEY_SECTION */
    size_t key_count;
} conf_key_t;

#define FIELD(f) offsetof(lt_config_t, f)

/* Tables read best one key per line, so clang-format keeps its hands off them. */
/* clang-format off */
#define INTEGER(n, t, f, lo, hi) {.name = n, .type = t, .offset = FIELD(f), .min = lo, .max = hi}
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define SECTION(n, k) {.name = n, .type = KEY_SECTION, .keys = k, .key_count = COUNT(k)}

/* The ranges below are documented in conf/logtally.json and conf/KEYS.md; keep them in step. */
static const conf_key_t listen_keys[] = {
    {.name = "tcp", .type = KEY_ADDRS, .offset = FIELD(tcp), .aux_offset = FIELD(tcp_count)},
    {.name = "udp", .type = KEY_ADDRS, .offset = FIELD(udp), .aux_offset = FIELD(udp_count)},
    {.name = "http", .type = KEY_ADDR_OR_OFF, .offset = FIELD(http),
     .aux_offset = FIELD(is_http_enabled)},
};

static const conf_key_t limits_keys[] = {
    INTEGER("max_connections", KEY_UINT, max_connections, 1, 1048576),
    INTEGER("idle_timeout_s", KEY_UINT, idle_timeout_s, 1, 86400),
    INTEGER("max_series", KEY_SIZE, max_series, 1, 10000000),
};

static const conf_key_t udp_keys[] = {
    INTEGER("rcvbuf_bytes", KEY_SIZE, udp_rcvbuf_bytes, 0, 1073741824),
};

static const conf_key_t ring_keys[] = {
    INTEGER("slots", KEY_SIZE, ring_slots, 1, 1000000),
    INTEGER("max_message_bytes", KEY_SIZE, ring_max_message_bytes, 16, 65536),
    {.name = "min_level", .type = KEY_LEVEL, .offset = FIELD(ring_min_level)},
};

static const conf_key_t http_keys[] = {
    INTEGER("max_connections", KEY_UINT, http_max_connections, 1, 65536),
    INTEGER("max_header_bytes", KEY_SIZE, http_max_header_bytes, 1024, 1048576),
    INTEGER("max_body_bytes", KEY_SIZE, http_max_body_bytes, 1024, 268435456),
    INTEGER("request_timeout_s", KEY_UINT, http_request_timeout_s, 1, 3600),
    {.name = "ingest", .type = KEY_BOOL, .offset = FIELD(is_http_ingest_enabled)},
    {.name = "auth_token_file", .type = KEY_PATH, .offset = FIELD(http_auth_token_file)},
};

static const conf_key_t state_keys[] = {
    {.name = "file", .type = KEY_PATH, .offset = FIELD(state_file)},
    INTEGER("interval_s", KEY_UINT, state_interval_s, 1, 86400),
};

static const conf_key_t root_keys[] = {
    SECTION("listen", listen_keys),
    INTEGER("workers", KEY_UINT, workers, 0, LT_CONFIG_MAX_WORKERS),
    INTEGER("max_message_bytes", KEY_SIZE, max_message_bytes, 64, 16777216),
    {.name = "labels", .type = KEY_LABELS, .offset = FIELD(labels)},
    SECTION("limits", limits_keys),
    SECTION("udp", udp_keys),
    SECTION("ring", ring_keys),
    SECTION("http", http_keys),
    SECTION("state", state_keys),
};

static const conf_key_t root = SECTION("", root_keys);

/* "level" is always on, so it has no bit; it is still accepted so that the file can list
 * every label a series carries. */
static const struct {
    const char *name;
    unsigned bit;
} label_names[] = {
    {"level", 0},
#define LT_LABEL_NAME(e, s, bit) {s, bit},
    LT_LABEL_MAP(LT_LABEL_NAME)
#undef LT_LABEL_NAME
};
/* clang-format on */

#define LABEL_COUNT COUNT(label_names)

/* One load in progress: where the text came from (for messages) and the copy being filled,
 * which replaces the caller's struct only when everything is valid. */
typedef struct {
    const char *origin;
    lt_config_t *c;
} load_t;

#define PATH_BYTES 192

/* Copies s for a log line: at most max bytes, control and non-ASCII bytes as '?', so that a
 * hostile file cannot put escape sequences or newlines into the daemon's log. */
static void put_safe(char *out, size_t cap, const char *s, size_t max)
{
    size_t i = 0, n = 0;
    for (; s[i] != '\0' && n + 4 < cap && i < max; i++)
        out[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (s[i] != '\0' && n + 3 < cap) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

/* The shortest text that reads back as v: integers without exponent, fractions exactly. */
static void format_number(char *out, size_t cap, double v)
{
    /* Range first: converting a double outside int64_t's range is undefined behaviour. */
    if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v) {
        snprintf(out, cap, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* Names a JSON value the way a person would quote it in a message. */
static void describe(char *out, size_t cap, const cJSON *item)
{
    char text[48];

    if (cJSON_IsString(item)) {
        put_safe(text, sizeof(text), item->valuestring, 40);
        snprintf(out, cap, "\"%s\"", text);
    } else if (cJSON_IsNumber(item)) {
        format_number(out, cap, item->valuedouble);
    } else if (cJSON_IsTrue(item)) {
        snprintf(out, cap, "true");
    } else if (cJSON_IsFalse(item)) {
        snprintf(out, cap, "false");
    } else if (cJSON_IsNull(item)) {
        snprintf(out, cap, "null");
    } else if (cJSON_IsArray(item)) {
        snprintf(out, cap, "an array");
    } else {
        snprintf(out, cap, "an object");
    }
}

/* Logs "ORIGIN: PATH: message" and returns UV_EINVAL: every validation error is one line. */
__attribute__((format(printf, 3, 4))) static int fail(const load_t *ld, const char *path,
                                                      const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    lt_log(LT_LOG_ERR, "%s: %s: %s", ld->origin, path, msg);
    return UV_EINVAL;
}

static void join_key_names(char *out, size_t cap, const conf_key_t *section)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < section->key_count && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? ", " : "", section->keys[i].name);
}

static void join_label_names(char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < LABEL_COUNT && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? ", " : "", label_names[i].name);
}

static void join_level_names(char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < LT_LEVEL_COUNT && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? ", " : "", lt_level_name(i));
}

static bool looks_like_hostname(const char *p, size_t n)
{
    bool has_letter = false;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
            has_letter = true;
        else if (!(ch >= '0' && ch <= '9') && ch != '-' && ch != '.')
            return false;
    }
    return has_letter;
}

/* Parses "ADDR:PORT" into out. Returns NULL, or what is wrong as a phrase that follows the
 * quoted text in a message. Only numeric addresses: a daemon that resolves names at startup
 * binds somewhere different whenever DNS changes its mind. */
static const char *parse_addr(const char *text, lt_addr_t *out)
{
    size_t len = strlen(text);
    const char *host, *port;
    size_t host_len;
    int family;
    char host_text[LT_ADDR_TEXT_BYTES];

    if (len == 0)
        return "is empty";
    if (len >= LT_ADDR_TEXT_BYTES)
        return "is too long";
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL)
            return "has no closing ']'";
        if (close[1] != ':' && close[1] != '\0')
            return "has text between ']' and the ':PORT'";
        family = AF_INET6;
        host = text + 1;
        host_len = (size_t)(close - host);
        port = close[1] == ':' ? close + 2 : close + 1;
    } else {
        const char *colon = strrchr(text, ':');
        if (colon == NULL)
            return "has no port";
        if (memchr(text, ':', (size_t)(colon - text)) != NULL)
            return "is an IPv6 address without brackets";
        family = AF_INET;
        host = text;
        host_len = (size_t)(colon - text);
        port = colon + 1;
    }
    if (*port == '\0')
        return "has no port";
    if (host_len == 0)
        return "has no address (0.0.0.0 or [::] means all addresses)";

    unsigned long port_value = 0;
    for (const char *p = port; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return "has a port that is not a number";
        if (p - port >= 5)
            return "has a port above 65535";
        port_value = port_value * 10 + (unsigned long)(*p - '0');
    }
    if (port_value > 65535)
        return "has a port above 65535";

    memcpy(host_text, host, host_len);
    host_text[host_len] = '\0';
    memset(out, 0, sizeof(*out));
    if (family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&out->sa;
        if (inet_pton(AF_INET, host_text, &sin->sin_addr) != 1)
            return looks_like_hostname(host, host_len) ? "names a host; use a numeric address"
                                                       : "is not a valid IPv4 address";
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port_value);
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->sa;
        if (inet_pton(AF_INET6, host_text, &sin6->sin6_addr) != 1)
            return looks_like_hostname(host, host_len) ? "names a host; use a numeric address"
                                                       : "is not a valid IPv6 address";
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port_value);
    }
    memcpy(out->text, text, len + 1);
    return NULL;
}

/* Two listeners on one address would both bind (SO_REUSEPORT) and silently share traffic;
 * port 0 is exempt because each gets its own free port. */
static bool is_same_addr(const lt_addr_t *a, const lt_addr_t *b)
{
    if (a->sa.ss_family != b->sa.ss_family)
        return false;
    if (a->sa.ss_family == AF_INET) {
        const struct sockaddr_in *x = (const struct sockaddr_in *)&a->sa;
        const struct sockaddr_in *y = (const struct sockaddr_in *)&b->sa;
        return x->sin_port != 0 && x->sin_port == y->sin_port &&
               x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)&a->sa;
    const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)&b->sa;
    return x->sin6_port != 0 && x->sin6_port == y->sin6_port &&
           memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

static int apply_section(load_t *ld, const cJSON *obj, const conf_key_t *section, char *path);

static int apply_integer(load_t *ld, const cJSON *item, const conf_key_t *k, const char *path)
{
    char what[64];
    describe(what, sizeof(what), item);

    /* cJSON keeps numbers as doubles; an integral double is the integer the file wrote
     * (beyond 2^53 everything is out of every range anyway). */
    double v = item->valuedouble;
    bool is_integral = cJSON_IsNumber(item) && (v <= -9e15 || v >= 9e15 || v == (double)(int64_t)v);
    if (!is_integral)
        return fail(ld, path, "%s is not an integer (expected an integer %ju..%ju)", what,
                    (uintmax_t)k->min, (uintmax_t)k->max);
    if (!(v >= (double)k->min && v <= (double)k->max))
        return fail(ld, path, "%s is out of range (%ju..%ju)", what, (uintmax_t)k->min,
                    (uintmax_t)k->max);

    char *field = (char *)ld->c + k->offset;
    if (k->type == KEY_UINT)
        *(unsigned *)field = (unsigned)v;
    else
        *(size_t *)field = (size_t)v;
    return 0;
}

static int apply_labels(load_t *ld, const cJSON *item, const char *path)
{
    char what[64], names[128], item_path[PATH_BYTES];
    unsigned bits = 0;
    int i = 0;

    join_label_names(names, sizeof(names));
    if (!cJSON_IsArray(item)) {
        describe(what, sizeof(what), item);
        return fail(ld, path, "%s is not an array (expected an array of label names: %s)", what,
                    names);
    }
    for (const cJSON *e = item->child; e != NULL; e = e->next, i++) {
        size_t j = 0;
        snprintf(item_path, sizeof(item_path), "%s[%d]", path, i);
        describe(what, sizeof(what), e);
        if (!cJSON_IsString(e))
            return fail(ld, item_path, "%s is not a string (expected one of %s)", what, names);
        while (j < LABEL_COUNT && strcmp(e->valuestring, label_names[j].name) != 0)
            j++;
        if (j == LABEL_COUNT)
            return fail(ld, item_path, "%s is not a label (expected one of %s)", what, names);
        bits |= label_names[j].bit;
    }
    ld->c->labels = bits;
    return 0;
}

static int apply_addrs(load_t *ld, const cJSON *item, const conf_key_t *k, const char *path)
{
    lt_addr_t *list = (lt_addr_t *)((char *)ld->c + k->offset);
    size_t *count = (size_t *)((char *)ld->c + k->aux_offset);
    char what[64], item_path[PATH_BYTES];
    size_t n = 0;

    describe(what, sizeof(what), item);
    if (!cJSON_IsArray(item))
        return fail(ld, path,
                    "%s is not an array (expected an array of up to %d addresses "
                    "" ADDR_EXPECTED ")",
                    what, LT_CONFIG_MAX_LISTENERS);
    int size = cJSON_GetArraySize(item);
    if (size > LT_CONFIG_MAX_LISTENERS)
        return fail(ld, path, "%d addresses are too many (expected at most %d)", size,
                    LT_CONFIG_MAX_LISTENERS);
    for (const cJSON *e = item->child; e != NULL; e = e->next, n++) {
        const char *why;
        snprintf(item_path, sizeof(item_path), "%s[%zu]", path, n);
        describe(what, sizeof(what), e);
        if (!cJSON_IsString(e))
            return fail(ld, item_path, "%s is not a string (expected " ADDR_EXPECTED ")", what);
        if ((why = parse_addr(e->valuestring, &list[n])) != NULL)
            return fail(ld, item_path, "%s %s (expected " ADDR_EXPECTED ")", what, why);
        for (size_t j = 0; j < n; j++)
            if (is_same_addr(&list[j], &list[n]))
                return fail(ld, item_path, "%s is listed twice (expected distinct addresses)",
                            what);
    }
    *count = n;
    return 0;
}

static int apply_value(load_t *ld, const cJSON *item, const conf_key_t *k, char *path)
{
    char *field = (char *)ld->c + k->offset;
    char what[64], names[128];
    const char *why;

    switch (k->type) {
    case KEY_SECTION:
        return apply_section(ld, item, k, path);
    case KEY_UINT:
    case KEY_SIZE:
        return apply_integer(ld, item, k, path);
    case KEY_BOOL:
        describe(what, sizeof(what), item);
        if (!cJSON_IsBool(item))
            return fail(ld, path, "%s is not a boolean (expected true or false)", what);
        *(bool *)field = cJSON_IsTrue(item);
        return 0;
    case KEY_LEVEL: {
        describe(what, sizeof(what), item);
        join_level_names(names, sizeof(names));
        if (!cJSON_IsString(item))
            return fail(ld, path, "%s is not a string (expected one of %s)", what, names);
        int level = lt_level_parse(item->valuestring, strlen(item->valuestring));
        if (level < 0)
            return fail(ld, path, "%s is not a level (expected one of %s)", what, names);
        *(lt_level_t *)field = (lt_level_t)level;
        return 0;
    }
    case KEY_LABELS:
        return apply_labels(ld, item, path);
    case KEY_ADDRS:
        return apply_addrs(ld, item, k, path);
    case KEY_ADDR_OR_OFF:
        describe(what, sizeof(what), item);
        if (!cJSON_IsString(item))
            return fail(ld, path,
                        "%s is not a string (expected " ADDR_EXPECTED ", or \"\" for "
                        "off)",
                        what);
        if (item->valuestring[0] == '\0') {
            /* Cleared too, so that a disabled listener compares equal however it got so. */
            memset(field, 0, sizeof(lt_addr_t));
            *(bool *)((char *)ld->c + k->aux_offset) = false;
            return 0;
        }
        if ((why = parse_addr(item->valuestring, (lt_addr_t *)field)) != NULL)
            return fail(ld, path, "%s %s (expected " ADDR_EXPECTED ", or \"\" for off)", what, why);
        *(bool *)((char *)ld->c + k->aux_offset) = true;
        return 0;
    case KEY_PATH: {
        describe(what, sizeof(what), item);
        if (!cJSON_IsString(item))
            return fail(ld, path, "%s is not a string (expected an absolute path, or \"\" for off)",
                        what);
        size_t len = strlen(item->valuestring);
        if (len > 0 && item->valuestring[0] != '/')
            return fail(ld, path, "%s is not an absolute path (expected one starting with /)",
                        what);
        if (len > 0 && item->valuestring[len - 1] == '/')
            return fail(ld, path, "%s names a directory (expected a file path)", what);
        if (len >= LT_CONFIG_PATH_BYTES)
            return fail(ld, path, "%s is too long (expected at most %d bytes)", what,
                        LT_CONFIG_PATH_BYTES - 1);
        /* The whole field, so that equal settings compare equal byte for byte. */
        memset(field, 0, LT_CONFIG_PATH_BYTES);
        memcpy(field, item->valuestring, len);
        return 0;
    }
    }
    return UV_EINVAL;
}

/* path holds the section's own path on entry and is extended in place for each key. */
static int apply_section(load_t *ld, const cJSON *obj, const conf_key_t *section, char *path)
{
    size_t path_len = strlen(path);
    char what[64], names[256], key[64];
    int rc;

    if (!cJSON_IsObject(obj)) {
        describe(what, sizeof(what), obj);
        join_key_names(names, sizeof(names), section);
        return fail(ld, path_len ? path : "(top level)",
                    "%s is not an object (expected an object with keys %s)", what, names);
    }
    for (const cJSON *item = obj->child; item != NULL; item = item->next) {
        const conf_key_t *k = NULL;
        for (size_t i = 0; i < section->key_count && k == NULL; i++)
            if (strcmp(item->string, section->keys[i].name) == 0)
                k = &section->keys[i];
        put_safe(key, sizeof(key), item->string, 48);
        snprintf(path + path_len, PATH_BYTES - path_len, "%s%s", path_len ? "." : "", key);
        if (k == NULL) {
            join_key_names(names, sizeof(names), section);
            return fail(ld, path, "unknown key (expected one of %s)", names);
        }
        /* cJSON keeps both copies of a repeated key; which one wins would be a guess. */
        for (const cJSON *prev = obj->child; prev != item; prev = prev->next)
            if (strcmp(prev->string, item->string) == 0)
                return fail(ld, path, "key appears twice (expected each key once)");
        if ((rc = apply_value(ld, item, k, path)) != 0)
            return rc;
        path[path_len] = '\0';
    }
    return 0;
}

/* Checks between keys, run on the merged result so that a file that sets only one side is
 * checked against the other side's default. The message names a key the file wrote. */
static int check_cross(load_t *ld, const cJSON *json)
{
    const lt_config_t *c = ld->c;
    char path[] = "ring.max_message_bytes";

    if (c->ring_max_message_bytes > c->max_message_bytes) {
        const cJSON *ring = cJSON_GetObjectItemCaseSensitive(json, "ring");
        if (cJSON_GetObjectItemCaseSensitive(ring, "max_message_bytes") != NULL)
            return fail(ld, path, "%zu is larger than max_message_bytes (expected at most %zu)",
                        c->ring_max_message_bytes, c->max_message_bytes);
        return fail(ld, "max_message_bytes",
                    "%zu is smaller than ring.max_message_bytes (expected at least %zu)",
                    c->max_message_bytes, c->ring_max_message_bytes);
    }
    return 0;
}

typedef enum {
    SCAN_CODE,
    SCAN_SLASH, /* a '/' in code: the start of a comment, or a syntax error for cJSON */
    SCAN_STRING,
    SCAN_STRING_ESCAPE,
    SCAN_LINE_COMMENT,
    SCAN_BLOCK_COMMENT,
    SCAN_BLOCK_STAR, /* a '*' in a block comment: maybe its end */
} scan_state_t;

/* Blanks comments in out (a copy of the n bytes of text) with spaces, keeping newlines so
 * that offsets, lines and columns in out are those of the file. Returns -1, or the offset of
 * what makes the text unusable (a NUL byte, an unterminated block comment) with *why set. */
static ptrdiff_t strip_comments(char *out, size_t n, const char **why)
{
    scan_state_t state = SCAN_CODE;
    size_t comment_start = 0;

    for (size_t i = 0; i < n; i++) {
        char ch = out[i];
        if (ch == '\0') {
            *why = "contains a NUL byte";
            return (ptrdiff_t)i;
        }
        switch (state) {
        case SCAN_SLASH:
            if (ch == '/' || ch == '*') {
                out[i - 1] = out[i] = ' ';
                comment_start = i - 1;
                state = ch == '/' ? SCAN_LINE_COMMENT : SCAN_BLOCK_COMMENT;
                break;
            }
            state = SCAN_CODE;
            /* This byte is code after all. */
            /* fallthrough */
        case SCAN_CODE:
            if (ch == '"')
                state = SCAN_STRING;
            else if (ch == '/')
                state = SCAN_SLASH;
            break;
        case SCAN_STRING:
            if (ch == '\\')
                state = SCAN_STRING_ESCAPE;
            else if (ch == '"')
                state = SCAN_CODE;
            break;
        case SCAN_STRING_ESCAPE:
            state = SCAN_STRING;
            break;
        case SCAN_LINE_COMMENT:
            if (ch == '\n')
                state = SCAN_CODE;
            else
                out[i] = ' ';
            break;
        case SCAN_BLOCK_COMMENT:
        case SCAN_BLOCK_STAR:
            if (state == SCAN_BLOCK_STAR && ch == '/')
                state = SCAN_CODE;
            else
                state = ch == '*' ? SCAN_BLOCK_STAR : SCAN_BLOCK_COMMENT;
            if (ch != '\n')
                out[i] = ' ';
            break;
        }
    }
    if (state == SCAN_BLOCK_COMMENT || state == SCAN_BLOCK_STAR) {
        *why = "unterminated /* comment";
        return (ptrdiff_t)comment_start;
    }
    return -1;
}

/* Logs "ORIGIN:LINE:COLUMN: why" for a position in the text (columns count bytes). */
static int fail_at(const char *origin, const char *text, size_t n, size_t offset, const char *why)
{
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset && i < n; i++) {
        if (text[i] == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    lt_log(LT_LOG_ERR, "%s:%zu:%zu: %s", origin, line, column, why);
    return UV_EINVAL;
}

/* The rest of the line at p, at most 24 bytes of it, for "near ..." in syntax errors. */
static void snippet(char *out, size_t cap, const char *p, size_t left)
{
    char line[32];
    size_t n = 0;
    while (n < left && n < 25 && p[n] != '\n' && p[n] != '\r')
        n++;
    memcpy(line, p, n);
    line[n] = '\0';
    put_safe(out, cap, line, 24);
}

/* True when text (comments already blanked) ends inside a string or an open bracket. */
static bool is_unclosed(const char *text, size_t n)
{
    bool is_in_string = false;
    long depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_in_string) {
            if (text[i] == '\\')
                i++;
            else if (text[i] == '"')
                is_in_string = false;
        } else if (text[i] == '"') {
            is_in_string = true;
        } else if (text[i] == '{' || text[i] == '[') {
            depth++;
        } else if (text[i] == '}' || text[i] == ']') {
            depth--;
        }
    }
    return is_in_string || depth > 0;
}

static bool is_json_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

int lt_config_load_string(lt_config_t *c, const char *text, size_t n, const char *origin)
{
    load_t ld = {.origin = origin};
    lt_config_t copy = *c;
    char *buf = lt_malloc(n + 1);
    char path[PATH_BYTES] = "";
    cJSON *json = NULL;
    const char *end = NULL, *why = NULL;
    char msg[128], near[40];
    ptrdiff_t bad;
    size_t at;
    int rc = UV_EINVAL;

    memcpy(buf, text, n);
    buf[n] = '\0';
    if ((bad = strip_comments(buf, n, &why)) >= 0) {
        rc = fail_at(origin, text, n, (size_t)bad, why);
        goto out;
    }
    for (at = 0; at < n && is_json_space(buf[at]); at++)
        ;
    if (at == n) {
        lt_log(LT_LOG_ERR, "%s: contains no JSON (expected an object, e.g. {})", origin);
        goto out;
    }
    /* The Opts variant reports the error position through end rather than through cJSON's
     * process-wide error pointer, which another thread could overwrite. */
    json = cJSON_ParseWithLengthOpts(buf, n, &end, false);
    if (json == NULL) {
        /* cJSON puts a premature end at the last byte, like a real error there; an open
         * bracket or string tells them apart. */
        at = end != NULL && end >= buf && end < buf + n ? (size_t)(end - buf) : n - 1;
        if (at == n - 1 && is_unclosed(buf, n))
            at = n;
        snippet(near, sizeof(near), buf + at, n - at);
        if (at >= n)
            snprintf(msg, sizeof(msg), "invalid JSON: the file ends too soon");
        else if (near[0] == '\0')
            snprintf(msg, sizeof(msg), "invalid JSON at the end of the line");
        else
            snprintf(msg, sizeof(msg), "invalid JSON near \"%s\"", near);
        rc = fail_at(origin, text, n, at, msg);
        goto out;
    }
    /* Without require_null_terminated cJSON stops after the first value; anything else but
     * blanks is an error the user wants to hear about. */
    for (at = (size_t)(end - buf); at < n && is_json_space(buf[at]); at++)
        ;
    if (at < n) {
        snippet(near, sizeof(near), buf + at, n - at);
        snprintf(msg, sizeof(msg), "unexpected text after the top-level object near \"%s\"", near);
        rc = fail_at(origin, text, n, at, msg);
        goto out;
    }

    ld.c = &copy;
    if ((rc = apply_section(&ld, json, &root, path)) != 0)
        goto out;
    if ((rc = check_cross(&ld, json)) != 0)
        goto out;
    *c = copy;
out:
    cJSON_Delete(json);
    lt_free(buf);
    return rc;
}

int lt_config_load_file(lt_config_t *c, const char *path)
{
    char *text = NULL;
    size_t n = 0;
    int rc;

    if ((rc = lt_file_read(path, CONFIG_MAX_FILE_BYTES, &text, &n)) != 0) {
        lt_log(LT_LOG_ERR, "%s: cannot read: %s", path, lt_strerror(rc));
        return rc;
    }
    rc = lt_config_load_string(c, text, n, path);
    lt_free(text);
    return rc;
}

void lt_config_defaults(lt_config_t *c)
{
    memset(c, 0, sizeof(*c));
    parse_addr("127.0.0.1:5514", &c->tcp[0]);
    c->tcp_count = 1;
    parse_addr("127.0.0.1:5514", &c->udp[0]);
    c->udp_count = 1;
    parse_addr("127.0.0.1:9514", &c->http);
    c->is_http_enabled = true;

    c->workers = 0;
    c->max_message_bytes = 65536;
    c->labels = 0;

    c->max_connections = 4096;
    c->idle_timeout_s = 300;
    c->max_series = 10000;

    c->udp_rcvbuf_bytes = 4194304;

    c->ring_slots = 10000;
    c->ring_max_message_bytes = 1024;
    c->ring_min_level = LT_LEVEL_WARNING;

    c->http_max_connections = 256;
    c->http_max_header_bytes = 16384;
    c->http_max_body_bytes = 16777216;
    c->http_request_timeout_s = 30;
    c->is_http_ingest_enabled = true;
    c->http_auth_token_file[0] = '\0';

    c->state_file[0] = '\0';
    c->state_interval_s = 60;
}

int lt_config_parse_addr(const char *text, lt_addr_t *out)
{
    lt_addr_t addr;

    if (text == NULL || parse_addr(text, &addr) != NULL)
        return UV_EINVAL;
    *out = addr;
    return 0;
}

int lt_config_add_listener(lt_config_t *c, const char *kind, const char *text, bool is_first)
{
    lt_addr_t addr, *list;
    size_t *count, n;
    const char *why;
    char what[LT_ADDR_TEXT_BYTES + 8];

    if (strcmp(kind, "tcp") == 0) {
        list = c->tcp;
        count = &c->tcp_count;
    } else if (strcmp(kind, "udp") == 0) {
        list = c->udp;
        count = &c->udp_count;
    } else {
        lt_log(LT_LOG_ERR, "unknown listener kind \"%s\" (expected tcp or udp)", kind);
        return UV_EINVAL;
    }
    put_safe(what, sizeof(what), text, 48);
    if ((why = parse_addr(text, &addr)) != NULL) {
        lt_log(LT_LOG_ERR, "--%s: \"%s\" %s (expected " ADDR_EXPECTED ")", kind, what, why);
        return UV_EINVAL;
    }
    n = is_first ? 0 : *count;
    if (n >= LT_CONFIG_MAX_LISTENERS) {
        lt_log(LT_LOG_ERR, "--%s: \"%s\" is one address too many (expected at most %d)", kind, what,
               LT_CONFIG_MAX_LISTENERS);
        return UV_E2BIG;
    }
    for (size_t i = 0; i < n; i++) {
        if (is_same_addr(&list[i], &addr)) {
            lt_log(LT_LOG_ERR, "--%s: \"%s\" is listed twice (expected distinct addresses)", kind,
                   what);
            return UV_EINVAL;
        }
    }
    list[n] = addr;
    *count = n + 1;
    return 0;
}

unsigned lt_config_effective_workers(const lt_config_t *c)
{
    if (c->workers != 0)
        return c->workers;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    if (n > LT_CONFIG_MAX_WORKERS)
        return LT_CONFIG_MAX_WORKERS;
    return (unsigned)n;
}

static void emit_section(cJSON *obj, const lt_config_t *c, const conf_key_t *section)
{
    for (size_t i = 0; i < section->key_count; i++) {
        const conf_key_t *k = &section->keys[i];
        const char *field = (const char *)c + k->offset;
        cJSON *array;

        switch (k->type) {
        case KEY_SECTION:
            emit_section(cJSON_AddObjectToObject(obj, k->name), c, k);
            break;
        case KEY_UINT:
            cJSON_AddNumberToObject(obj, k->name, (double)*(const unsigned *)field);
            break;
        case KEY_SIZE:
            cJSON_AddNumberToObject(obj, k->name, (double)*(const size_t *)field);
            break;
        case KEY_BOOL:
            cJSON_AddBoolToObject(obj, k->name, *(const bool *)field);
            break;
        case KEY_LEVEL:
            cJSON_AddStringToObject(obj, k->name, lt_level_name(*(const lt_level_t *)field));
            break;
        case KEY_LABELS:
            array = cJSON_AddArrayToObject(obj, k->name);
            for (size_t j = 0; j < LABEL_COUNT; j++)
                if (label_names[j].bit == 0 || (c->labels & label_names[j].bit) != 0)
                    cJSON_AddItemToArray(array, cJSON_CreateString(label_names[j].name));
            break;
        case KEY_ADDRS: {
            const lt_addr_t *list = (const lt_addr_t *)field;
            size_t n = *(const size_t *)((const char *)c + k->aux_offset);
            array = cJSON_AddArrayToObject(obj, k->name);
            for (size_t j = 0; j < n; j++)
                cJSON_AddItemToArray(array, cJSON_CreateString(list[j].text));
            break;
        }
        case KEY_ADDR_OR_OFF: {
            bool is_on = *(const bool *)((const char *)c + k->aux_offset);
            cJSON_AddStringToObject(obj, k->name, is_on ? ((const lt_addr_t *)field)->text : "");
            break;
        }
        case KEY_PATH:
            cJSON_AddStringToObject(obj, k->name, field);
            break;
        }
    }
}

char *lt_config_to_json(const lt_config_t *c)
{
    cJSON *json = cJSON_CreateObject();
    emit_section(json, c, &root);
    char *text = cJSON_Print(json);
    /* Copied so that the caller's lt_free matches however cJSON's hooks are set. */
    char *out = lt_strndup(text, strlen(text));
    cJSON_free(text);
    cJSON_Delete(json);
    return out;
}
