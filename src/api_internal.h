/* SPDX-License-Identifier: MIT */
/* What api.c and api_ingest.c share: the JSON response helpers and the ingest route. Not part
 * of any public contract. */
#ifndef LT_API_INTERNAL_H
#define LT_API_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "lt_api.h"

#define CT_JSON "application/json"
#define CT_TEXT "text/plain; charset=utf-8"

/* Adds v to obj as an exact decimal integer (cJSON would print large doubles with %g). */
void lt_api_json_add_u64(cJSON *obj, const char *name, uint64_t v);

/* Appends root, printed without whitespace, to out. */
void lt_api_json_print(cJSON *root, lt_strbuf_t *out);

/* Makes res a 4xx/5xx answer with body {"error":message}. */
void lt_api_json_error(lt_http_response_t *res, int status, const char *message);

/* api_by.c: the "by" object of /api/v1/stats for one label (an LT_API_* index) over n series
 * in any order: {"web1":{"err":3},...}, values in bytewise order, for each the levels with a
 * nonzero count (series of one value and level summed). tmp is scratch for the key text. */
cJSON *lt_api_by_label_json(const lt_api_series_t *series, size_t n, int label,
                            lt_strbuf_t *tmp);

/* POST /api/v1/ingest, routed and authorized by lt_api_handle: 403 when http.ingest is off,
 * 204 when every record counted, else 400 with {"error","accepted","rejected"}. */
void lt_api_ingest(lt_api_t *api, const lt_http_request_t *req, lt_http_response_t *res);

#endif
