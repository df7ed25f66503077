/* SPDX-License-Identifier: MIT */
/* The CLI's side of the daemon's HTTP API: fetch and parse JSON, say in one line why it
 * failed, colour levels, and stop cleanly on Ctrl-C. */
#include "lt_cli_daemon.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lt_level.h"

volatile sig_atomic_t lt_cli_is_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    lt_cli_is_interrupted = 1;
}

void lt_cli_daemon_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int lt_cli_daemon_get(const lt_http_url_t *url, const char *path, cJSON **out)
{
    lt_strbuf_t body = LT_STRBUF_INIT;
    int status = 0;
    int rc = lt_http_get(url, path, LT_CLI_TIMEOUT_MS, LT_CLI_MAX_BODY_BYTES, &status, &body);

    *out = NULL;
    if (rc == 0 && status == 404)
        rc = -ENOENT;
    else if (rc == 0 && status != 200)
        rc = -EPROTO;
    else if (rc == 0 && (*out = cJSON_ParseWithLength(body.p, body.len)) == NULL)
        rc = -EPROTO;
    lt_strbuf_free(&body);
    return rc;
}

void lt_cli_daemon_report(const char *sub, const char *url_text, const char *path, int err)
{
    const char *why = err == -EPROTO    ? "the answer is not logtallyd's JSON"
                      : err == -ENOENT  ? "not found (404): is it logtallyd?"
                      : err == -EMSGSIZE ? "the answer is too large"
                                        : strerror(-err);
    fprintf(stderr, "logtally %s: cannot read logtallyd at %s%s: %s\n", sub, url_text, path, why);
}

const char *lt_cli_level_color(int level)
{
    switch (level) {
    case LT_LEVEL_EMERG:
    case LT_LEVEL_ALERT:
    case LT_LEVEL_CRIT:
        return "\033[1;31m"; /* bold red */
    case LT_LEVEL_ERR:
        return "\033[31m";
    case LT_LEVEL_WARNING:
        return "\033[33m";
    case LT_LEVEL_NOTICE:
        return "\033[36m";
    case LT_LEVEL_DEBUG:
    case LT_LEVEL_UNKNOWN:
        return "\033[2m"; /* dim */
    default:
        return "";
    }
}

int lt_cli_level_index(const char *name)
{
    return name != NULL ? lt_level_parse(name, strlen(name)) : -1;
}

unsigned long long lt_cli_json_u64(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(v) && v->valuedouble > 0 ? (unsigned long long)v->valuedouble : 0;
}

bool lt_cli_sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    if (lt_cli_is_interrupted)
        return false;
    nanosleep(&ts, NULL); /* returns early with EINTR on Ctrl-C: handlers have no SA_RESTART */
    return !lt_cli_is_interrupted;
}

void lt_cli_query_append(lt_strbuf_t *q, const char *key, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    lt_strbuf_printf(q, "%s%s=", q->len > 0 ? "&" : "?", key);
    for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            char c = (char)*p;
            lt_strbuf_append(q, &c, 1);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            lt_strbuf_append(q, e, 3);
        }
    }
}
