/* SPDX-License-Identifier: MIT */
/* The live page served at GET /: src/web/index.html, embedded into the binary at build time,
 * with its markers filled from the /api/v1/stats and /api/v1/events documents, so that the
 * page without JavaScript is a snapshot of what its script shows live. No I/O. */
#ifndef LT_WEB_H
#define LT_WEB_H

#include <stddef.h>

#include "lt_ring.h"
#include "lt_strbuf.h"

/* The template, generated from src/web/index.html by make (NUL-terminated; len excludes it). */
extern const unsigned char lt_web_index_html[];
extern const size_t lt_web_index_html_len;

/* Appends p[0..n) as HTML text that is also safe inside a quoted attribute value: & < > " '
 * become character references, invalid UTF-8 and control characters other than tab, newline
 * and carriage return become U+FFFD. */
void lt_web_append_html(lt_strbuf_t *out, const char *p, size_t n);

/* Appends the page to out: stats_json and events_json are the bodies of /api/v1/stats and of
 * /api/v1/events for filter (whose min_level, app and host the filter form shows). Every
 * value is HTML-escaped. A document that does not parse leaves its parts of the page empty. */
void lt_web_render_page(const char *stats_json, const char *events_json,
                        const lt_ring_filter_t *filter, lt_strbuf_t *out);

#endif
