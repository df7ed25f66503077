/* SPDX-License-Identifier: MIT */
/* Turns one message (already framed) into an lt_event_t: RFC 5424, RFC 3164 as real senders
 * write it, plain text, or a JSON object. Pure functions: no I/O, no allocation; the event's
 * slices point into the input. */
#ifndef LT_PARSE_H
#define LT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "lt_event.h"

/* Tells the format from the first non-blank byte ('{' JSON, else syslog) and parses; a UTF-8
 * BOM at the very start is skipped first.
 * now_s (seconds since the epoch) is used only to place BSD timestamps, which have no year,
 * in the right year. Returns 0 with *ev filled, or LT_PARSE_ERR(reason) naming why the
 * message was rejected; LT_PARSE_REJECT(rc) gives the reason back. */
int lt_parse_message(const char *p, size_t n, int64_t now_s, lt_event_t *ev);

/* Syslog only (RFC 5424, RFC 3164, no PRI). Same return convention. The rules for what real
 * senders bend (src/syslog_parse.c says why):
 * - A valid PRI always gives the event its facility and level, whatever follows: binary bytes,
 *   a broken RFC 5424 header (the fields parsed before the broken one are kept and msg is
 *   the rest from the broken field on), an RFC 3164 body with no header at all.
 * - No PRI: LT_FORMAT_PLAIN, user.notice, msg is the whole input. If the line starts with a
 *   syslog timestamp (a file written by a syslog daemon), time, host, app and procid are
 *   filled as for RFC 3164. A line with NUL or other C0 control bytes (TAB, LF and CR are
 *   text) or invalid UTF-8 is LT_REJECT_BINARY.
 * - Malformed PRI (starts with '<' but not '<' 0-191 without leading zero '>'): the prefix is
 *   '<' through a '>' within the next five bytes, else '<' and the digits after it. If only
 *   blanks follow the prefix, or the line has bytes that are not text, LT_REJECT_BAD_PRI;
 *   otherwise the line is plain text as above, msg including the bogus prefix.
 * - An RFC 6587 octet count in front of the message ("256 <38>1 ...", syslog-ng loggen -P
 *   over UDP) is skipped when it equals the length of the rest and a valid PRI follows.
 * - RFC 3164 timestamps have no year and no zone: the year is the one that puts the stamp
 *   at most 31 days after now_s, and the time is UTC. */
int lt_syslog_parse(const char *p, size_t n, int64_t now_s, lt_event_t *ev);

/* One JSON object (surrounding whitespace allowed). Same return convention; anything that is
 * not a single valid JSON object (RFC 8259, UTF-8, nesting at most LT_JSON_MAX_DEPTH) is
 * LT_REJECT_BAD_JSON. Only top-level members are read, plus "level" in a "log" object and
 * "name" in "host" and "service" objects; the keys and their priority are in
 * docs/protocols.md section 6, plus two extensions: "level" 0-7 is a syslog severity (GELF),
 * and journald's "PRIORITY" comes last. "@t"/"@mt" without any level key is info (Serilog
 * leaves "@l" out for Information). When a key appears twice the first one counts; a member
 * whose value is null, a boolean, an object or an array counts as absent, and msg, host and
 * app take strings only. Text fields are the raw bytes between the quotes: escapes are left
 * as written, and a level string with an escape maps to unknown. With no message key, msg is
 * the whole object. Epoch times are seconds, or ms/us/ns when above 1e11/1e14/1e17.
 * facility is LT_FACILITY_NONE. */
int lt_json_parse(const char *p, size_t n, lt_event_t *ev);

/* Containers deeper than this are invalid JSON here: it bounds the scanner's stack (one bit
 * per level). */
#define LT_JSON_MAX_DEPTH 64

/* Finds the end of the one JSON value (object, array, string, number, literal) that starts
 * at p after optional whitespace. Returns 0 and sets *end to the offset just past it, or -1
 * and sets *end to the offset of the first byte that makes the input invalid JSON. Used to
 * walk HTTP ingest bodies (arrays of records). */
int lt_json_value_end(const char *p, size_t n, size_t *end);

/* Helpers the parsers share, exported because other modules parse timestamps too. */

/* Parses an RFC 3339 date-time, all of p..p+n: "YYYY-MM-DD" "T" (or "t" or one space)
 * "hh:mm:ss", an optional fraction of any length (milliseconds kept, the rest truncated), and
 * "Z", "+hh:mm", "-hh:mm", "+hhmm" or nothing (then UTC). Returns 0 and sets *ms (since the
 * epoch), or -EINVAL. */
int lt_parse_rfc3339(const char *p, size_t n, int64_t *ms);

/* Milliseconds since the epoch of a UTC civil time; fields are not range-checked. */
int64_t lt_parse_utc_ms(int year, int month, int day, int hour, int min, int sec, int ms);

/* Length (1-4) of the well-formed UTF-8 sequence that starts at p (n > 0), or 0 when there is
 * none; then *bad is the offset from p of the first byte that breaks it, n when the input ends
 * inside the sequence. Overlong forms, surrogates and code points past U+10FFFF break it. */
size_t lt_parse_utf8_seq(const char *p, size_t n, size_t *bad);

#define LT_PARSE_ERR(reason) (-1 - (int)(reason))
#define LT_PARSE_REJECT(rc) ((lt_reject_t)(-1 - (rc)))

#endif
