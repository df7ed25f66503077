/* SPDX-License-Identifier: MIT */
/* Reload support: two configurations are compared through lt_config_to_json, the one
 * serialisation that already names every key the way the file does, so the diff can never
 * miss a key that the loader knows. */
#include "lt_config_reload.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "lt_alloc.h"

static const char *const reloadable_keys[] = {
#define RELOADABLE_KEY(key, field) key,
    LT_CONFIG_RELOADABLE_MAP(RELOADABLE_KEY)
#undef RELOADABLE_KEY
#define LISTENER_KEY(key) key,
    LT_CONFIG_LISTENER_KEYS(LISTENER_KEY)
#undef LISTENER_KEY
};

bool lt_config_is_reloadable(const char *key)
{
    for (size_t i = 0; i < sizeof(reloadable_keys) / sizeof(reloadable_keys[0]); i++)
        if (strcmp(key, reloadable_keys[i]) == 0)
            return true;
    return false;
}

void lt_config_apply_reloadable(lt_config_t *dst, const lt_config_t *src)
{
/* memcpy, since a field may be an array (a path). */
#define APPLY_FIELD(key, field) memcpy(&dst->field, &src->field, sizeof(dst->field));
    LT_CONFIG_RELOADABLE_MAP(APPLY_FIELD)
#undef APPLY_FIELD
    memcpy(dst->tcp, src->tcp, sizeof(dst->tcp));
    dst->tcp_count = src->tcp_count;
    memcpy(dst->udp, src->udp, sizeof(dst->udp));
    dst->udp_count = src->udp_count;
    dst->http = src->http;
    dst->is_http_enabled = src->is_http_enabled;
}

static cJSON *parse_config(const lt_config_t *c)
{
    char *text = lt_config_to_json(c);
    cJSON *json = cJSON_Parse(text);
    lt_free(text);
    return json;
}

/* Walks both objects in a's key order; the shape is fixed, so b has the same keys. Objects
 * recurse with "prefix." added; anything else compares as compact JSON text. */
static size_t diff_object(const cJSON *a, const cJSON *b, const char *prefix,
                          lt_config_diff_cb cb, void *arg)
{
    size_t n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, a)
    {
        const cJSON *other = cJSON_GetObjectItemCaseSensitive(b, item->string);
        char key[128];
        snprintf(key, sizeof(key), "%s%s", prefix, item->string);
        if (cJSON_IsObject(item) && cJSON_IsObject(other)) {
            char sub[130];
            snprintf(sub, sizeof(sub), "%s.", key);
            n += diff_object(item, other, sub, cb, arg);
            continue;
        }
        char *old_text = cJSON_PrintUnformatted(item);
        char *new_text = other != NULL ? cJSON_PrintUnformatted(other) : NULL;
        if (new_text == NULL || strcmp(old_text, new_text) != 0) {
            n++;
            if (cb != NULL)
                cb(arg, key, old_text, new_text != NULL ? new_text : "(none)");
        }
        cJSON_free(old_text);
        cJSON_free(new_text);
    }
    return n;
}

size_t lt_config_diff(const lt_config_t *old, const lt_config_t *new, lt_config_diff_cb cb,
                      void *arg)
{
    cJSON *a = parse_config(old);
    cJSON *b = parse_config(new);
    size_t n = diff_object(a, b, "", cb, arg);
    cJSON_Delete(a);
    cJSON_Delete(b);
    return n;
}
