/* SPDX-License-Identifier: MIT */
/* The nine levels logtally counts (the RFC 5424 severities plus "unknown") and the syslog
 * facilities, each declared once as an X-macro, plus the mapping from the names and numbers
 * that real senders use. */
#ifndef LT_LEVEL_H
#define LT_LEVEL_H

#include <stddef.h>
#include <stdint.h>

/* X(ENUM, name): order is the syslog severity, most severe first; UNKNOWN comes last. */
#define LT_LEVEL_MAP(X)                                                                         \
    X(EMERG, "emerg")                                                                           \
    X(ALERT, "alert")                                                                           \
    X(CRIT, "crit")                                                                             \
    X(ERR, "err")                                                                               \
    X(WARNING, "warning")                                                                       \
    X(NOTICE, "notice")                                                                         \
    X(INFO, "info")                                                                             \
    X(DEBUG, "debug")                                                                           \
    X(UNKNOWN, "unknown")

typedef enum {
#define LT_LEVEL_ENUM(e, s) LT_LEVEL_##e,
    LT_LEVEL_MAP(LT_LEVEL_ENUM)
#undef LT_LEVEL_ENUM
    LT_LEVEL_COUNT
} lt_level_t;

/* X(number, name): RFC 5424 section 6.2.1 facilities. */
#define LT_FACILITY_MAP(X)                                                                      \
    X(0, "kern") X(1, "user") X(2, "mail") X(3, "daemon") X(4, "auth") X(5, "syslog")          \
    X(6, "lpr") X(7, "news") X(8, "uucp") X(9, "cron") X(10, "authpriv") X(11, "ftp")           \
    X(12, "ntp") X(13, "security") X(14, "console") X(15, "solaris-cron") X(16, "local0")       \
    X(17, "local1") X(18, "local2") X(19, "local3") X(20, "local4") X(21, "local5")             \
    X(22, "local6") X(23, "local7")

#define LT_FACILITY_COUNT 24
#define LT_FACILITY_NONE (-1) /* the message carried no facility (JSON) */

/* X(ENUM, string): the level strings senders write (compared case-insensitively), the
 * table of README.md and docs/protocols.md section 6. Each string appears once. */
/* clang-format off */
#define LT_LEVEL_ALIAS_MAP(X)                                                                   \
    X(EMERG, "emerg") X(EMERG, "emergency") X(EMERG, "panic")                                   \
    X(ALERT, "alert")                                                                           \
    X(CRIT, "crit") X(CRIT, "critical") X(CRIT, "fatal") X(CRIT, "dpanic")                      \
    X(ERR, "err") X(ERR, "error") X(ERR, "eror")                                                \
    X(WARNING, "warn") X(WARNING, "warning")                                                    \
    X(NOTICE, "notice")                                                                         \
    X(INFO, "info") X(INFO, "information") X(INFO, "informational") X(INFO, "default")          \
    X(DEBUG, "debug") X(DEBUG, "trace") X(DEBUG, "verbose") X(DEBUG, "fine")                    \
    X(DEBUG, "finer") X(DEBUG, "finest")
/* clang-format on */

#define LT_LEVEL_ALIAS_MAX_LEN 13 /* strlen("informational") */

/* How a sender numbers its levels; in JSON the key tells which (docs/protocols.md 6). */
typedef enum {
    LT_LEVEL_NUM_SYSLOG, /* 0-7 syslog severity (JSON "severity") */
    LT_LEVEL_NUM_PINO,   /* 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal (pino,
                          * bunyan: JSON "level") */
    LT_LEVEL_NUM_PYTHON, /* 10 DEBUG, 20 INFO, 30 WARNING, 40 ERROR, 50 CRITICAL ("levelno") */
    LT_LEVEL_NUM_OTEL,   /* OpenTelemetry SeverityNumber 1-24, four per band */
} lt_level_scheme_t;

/* Canonical name ("err"); level must be < LT_LEVEL_COUNT. */
const char *lt_level_name(lt_level_t level);

/* Parses a canonical level name exactly ("err", not "error"); for config and query strings.
 * Returns the level, or -1 when the name is not one of the nine. */
int lt_level_parse(const char *p, size_t n);

/* Maps a level string as senders write it, in any case ("ERROR", "Warn", "fatal", "trace",
 * "Information", ...; the strings of LT_LEVEL_ALIAS_MAP). Returns LT_LEVEL_UNKNOWN when
 * unrecognised. No allocation. */
lt_level_t lt_level_from_string(const char *p, size_t n);

/* Syslog severity 0-7 to level; anything else is LT_LEVEL_UNKNOWN. */
lt_level_t lt_level_from_severity(int severity);

/* Maps a level number in the given scheme. Only the values listed for the scheme count (pino
 * 35 is not "between info and warning"): anything else is LT_LEVEL_UNKNOWN. TRACE bands map to
 * debug, the lowest level logtally has. */
lt_level_t lt_level_from_number(lt_level_scheme_t scheme, int64_t value);

/* Facility name ("local0"), or NULL when facility is outside 0-23. */
const char *lt_facility_name(int facility);

#endif
