/* SPDX-License-Identifier: MIT */
/* Tests for src/syslog_parse.c (and the shared helpers and dispatch of src/parse.c): every
 * captured sample of docs/protocols.md and the RFC examples with every field asserted, then
 * each real-world deviation, malformed PRIs, NILVALUEs, SD escapes, BOMs and binary input.
 * Tables of cases; a failing row prints its input. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_parse.h"
#include "prefix_copies.h"
#include "show_bytes.h"
#include "check_run.h"

#define NOW_S 1795579200LL /* 2026-11-25T04:00:00Z: BSD stamps land in 2026 */
#define NONE  LT_TIME_NONE
#define R5424 LT_FORMAT_RFC5424
#define R3164 LT_FORMAT_RFC3164
#define PLAIN LT_FORMAT_PLAIN

typedef struct {
    const char *in;
    size_t len; /* 0: strlen(in) */
    int format;
    int facility;
    lt_level_t level;
    int64_t time_ms;
    const char *timestamp, *host, *app, *procid, *msgid, *sd, *msg; /* NULL: empty */
} case_t;

static void expect_slice(const char *in, size_t n, const char *field, lt_slice_t got,
                         const char *want)
{
    size_t wn = want ? strlen(want) : 0;
    char got_shown[8192];

    snprintf(got_shown, sizeof(got_shown), "%s", got.n ? show_bytes(got.p, got.n) : "");
    ck_assert_msg(got.n == wn && (wn == 0 || memcmp(got.p, want, wn) == 0),
                  "input \"%s\": %s is \"%s\", want \"%s\"", show_bytes(in, n), field, got_shown,
                  want ? want : "");
    /* Zero-copy: a slice points into the input. */
    if (got.n > 0)
        ck_assert_msg(got.p >= in && got.p + got.n <= in + n, "input \"%s\": %s not in input",
                      show_bytes(in, n), field);
}

static void check_case(const case_t *c)
{
    size_t n = c->len ? c->len : strlen(c->in);
    lt_event_t ev;
    int rc = lt_syslog_parse(c->in, n, NOW_S, &ev);

    ck_assert_msg(rc == 0, "input \"%s\": rc %d (%s)", show_bytes(c->in, n), rc,
                  rc ? lt_reject_name(LT_PARSE_REJECT(rc)) : "");
    ck_assert_msg((int)ev.format == c->format, "input \"%s\": format %d, want %d",
                  show_bytes(c->in, n), ev.format, c->format);
    ck_assert_msg(ev.facility == c->facility, "input \"%s\": facility %d, want %d",
                  show_bytes(c->in, n), ev.facility, c->facility);
    ck_assert_msg(ev.level == c->level, "input \"%s\": level %s, want %s", show_bytes(c->in, n),
                  lt_level_name(ev.level), lt_level_name(c->level));
    ck_assert_msg(ev.time_ms == c->time_ms, "input \"%s\": time_ms %lld, want %lld",
                  show_bytes(c->in, n), (long long)ev.time_ms, (long long)c->time_ms);
    expect_slice(c->in, n, "timestamp", ev.timestamp, c->timestamp);
    expect_slice(c->in, n, "host", ev.host, c->host);
    expect_slice(c->in, n, "app", ev.app, c->app);
    expect_slice(c->in, n, "procid", ev.procid, c->procid);
    expect_slice(c->in, n, "msgid", ev.msgid, c->msgid);
    expect_slice(c->in, n, "sd", ev.sd, c->sd);
    expect_slice(c->in, n, "msg", ev.msg, c->msg);
}

#define TQ "[timeQuality tzKnown=\"1\" isSynced=\"0\"]"

/* docs/protocols.md 2: captured from logger 2.38.1 and rsyslog, and the RFC 5424 6.5
 * examples. */
static const case_t rfc5424_cases[] = {
    {"<155>1 2026-11-25T03:14:45.409917+00:00 vm myapp - - " TQ " udp default", 0, R5424, 19,
     LT_LEVEL_ERR, 1795576485409, "2026-11-25T03:14:45.409917+00:00", "vm", "myapp", NULL, NULL, TQ,
     "udp default"},
    {"<30>1 2026-11-25T03:14:45.414072+00:00 vm myapp - ID1 " TQ
     "[ex@32473 k=\"v\"] udp rfc5424 sd",
     0, R5424, 3, LT_LEVEL_INFO, 1795576485414, "2026-11-25T03:14:45.414072+00:00", "vm", "myapp",
     NULL, "ID1", TQ "[ex@32473 k=\"v\"]", "udp rfc5424 sd"},
    {"<33>1 - vm root - - - tcp 5424 notime", 0, R5424, 4, LT_LEVEL_ALERT, NONE, NULL, "vm", "root",
     NULL, NULL, NULL, "tcp 5424 notime"},
    {"<33>1 - - myapp - - - udp 5424 notime nohost", 0, R5424, 4, LT_LEVEL_ALERT, NONE, NULL, NULL,
     "myapp", NULL, NULL, NULL, "udp 5424 notime nohost"},
    {"<79>1 2026-11-25T03:56:00.695842+00:00 vm cron 19415 - " TQ " with pid", 0, R5424, 9,
     LT_LEVEL_DEBUG, 1795578960695, "2026-11-25T03:56:00.695842+00:00", "vm", "cron", "19415", NULL,
     TQ, "with pid"},
    /* logger --rfc5424 over the local socket */
    {"<139>1 2026-11-25T03:56:48.274461+00:00 vm myapp - - " TQ " local 5424", 0, R5424, 17,
     LT_LEVEL_ERR, 1795579008274, "2026-11-25T03:56:48.274461+00:00", "vm", "myapp", NULL, NULL, TQ,
     "local 5424"},
    /* rsyslog RSYSLOG_SyslogProtocol23Format: the LF is part of the template */
    {"<28>1 2026-11-25T03:56:33.003595+00:00 vm worker 20870 M42 " TQ " rsyslog relayed 5424\n", 0,
     R5424, 3, LT_LEVEL_WARNING, 1795578993003, "2026-11-25T03:56:33.003595+00:00", "vm", "worker",
     "20870", "M42", TQ, "rsyslog relayed 5424\n"},
    /* ... and with a message that had a leading space in rsyslog: kept */
    {"<155>1 2026-11-25T03:56:32+00:00 vm myapp - - -  rsyslog relayed 3164\n", 0, R5424, 19,
     LT_LEVEL_ERR, 1795578992000, "2026-11-25T03:56:32+00:00", "vm", "myapp", NULL, NULL, NULL,
     " rsyslog relayed 3164\n"},
    /* loggen -P: a BOM before the message and a LF inside the frame */
    {"<38>1 2026-11-25T03:20:21+00:00 localhost prg00000 1234 - - \xEF\xBB\xBFseq: 0000000000, "
     "thread: 0000, runid: 1764040821\n",
     0, R5424, 4, LT_LEVEL_INFO, 1795576821000, "2026-11-25T03:20:21+00:00", "localhost",
     "prg00000", "1234", NULL, NULL, "seq: 0000000000, thread: 0000, runid: 1764040821\n"},
    /* RFC 5424 6.5 example 1 */
    {"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xEF\xBB\xBF'su root' "
     "failed for lonvick on /dev/pts/8",
     0, R5424, 4, LT_LEVEL_CRIT, 1065910455003, "2003-10-11T22:14:15.003Z", "mymachine.example.com",
     "su", NULL, "ID47", NULL, "'su root' failed for lonvick on /dev/pts/8"},
    /* example 2: a negative offset and microseconds */
    {"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the "
     "do-nuts.",
     0, R5424, 20, LT_LEVEL_NOTICE, 1061727255000, "2003-08-24T05:14:15.000003-07:00", "192.0.2.1",
     "myproc", "8710", NULL, NULL, "%% It's time to make the do-nuts."},
    /* example 3 (docs/protocols.md 2) */
    {"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
     "iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \xEF\xBB\xBF"
     "An application event",
     0, R5424, 20, LT_LEVEL_NOTICE, 1065910455003, "2003-10-11T22:14:15.003Z",
     "mymachine.example.com", "evntslog", NULL, "ID47",
     "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]",
     "An application event"},
    /* example 4: two elements, no MSG */
    {"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 "
     "iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 "
     "class=\"high\"]",
     0, R5424, 20, LT_LEVEL_NOTICE, 1065910455003, "2003-10-11T22:14:15.003Z",
     "mymachine.example.com", "evntslog", NULL, "ID47",
     "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
     "[examplePriority@32473 class=\"high\"]",
     NULL},
    /* every field NILVALUE, with and without MSG */
    {"<13>1 - - - - - -", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL},
    {"<13>1 - - - - - - msg", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL,
     NULL, "msg"},
    {"<13>1 - - - - - - ", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL},
    /* SD-PARAM escapes \" \\ \] and an unescaped ']' inside quotes */
    {"<13>1 - h a - - [x@1 q=\"say \\\"hi\\\"\" b=\"c:\\\\dir\" r=\"a\\]b\" u=\"x]y\"][y@2] m", 0,
     R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "h", "a", NULL, NULL,
     "[x@1 q=\"say \\\"hi\\\"\" b=\"c:\\\\dir\" r=\"a\\]b\" u=\"x]y\"][y@2]", "m"},
    /* an SD element with an empty value and no params */
    {"<13>1 - h a - - [a e=\"\"][b] m", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "h", "a", NULL,
     NULL, "[a e=\"\"][b]", "m"},
    /* time offsets, long fractions, lowercase t/z, no offset (UTC) */
    {"<14>1 2026-11-25T05:14:45.5+02:00 h a - - - x", 0, R5424, 1, LT_LEVEL_INFO, 1795576485500,
     "2026-11-25T05:14:45.5+02:00", "h", "a", NULL, NULL, NULL, "x"},
    {"<14>1 2026-11-25T03:14:45.999999999Z h a - - - x", 0, R5424, 1, LT_LEVEL_INFO, 1795576485999,
     "2026-11-25T03:14:45.999999999Z", "h", "a", NULL, NULL, NULL, "x"},
    {"<14>1 2026-11-25t03:14:45z h a - - - x", 0, R5424, 1, LT_LEVEL_INFO, 1795576485000,
     "2026-11-25t03:14:45z", "h", "a", NULL, NULL, NULL, "x"},
    {"<14>1 2026-11-25T03:14:45 h a - - - x", 0, R5424, 1, LT_LEVEL_INFO, 1795576485000,
     "2026-11-25T03:14:45", "h", "a", NULL, NULL, NULL, "x"},
    /* PRI extremes */
    {"<0>1 - h a - - - kern.emerg", 0, R5424, 0, LT_LEVEL_EMERG, NONE, NULL, "h", "a", NULL, NULL,
     NULL, "kern.emerg"},
    {"<191>1 - h a - - - local7.debug", 0, R5424, 23, LT_LEVEL_DEBUG, NONE, NULL, "h", "a", NULL,
     NULL, NULL, "local7.debug"},
    /* a BOM only at the start of MSG is removed, one only */
    {"<13>1 - h a - - - \xEF\xBB\xBF\xEF\xBB\xBFx", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "h",
     "a", NULL, NULL, NULL, "\xEF\xBB\xBFx"},
    /* UTF-8 in a header field is taken leniently */
    {"<13>1 - h\xC3\xA9te app - - - x", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "h\xC3\xA9te",
     "app", NULL, NULL, NULL, "x"},
};

/* A broken 5424 header after a valid PRI: the level counts, the fields before the broken
 * one are kept, msg is the rest from the broken field on. */
static const case_t rfc5424_malformed_cases[] = {
    {"<13>1 notatime host app - - - msg", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL,
     NULL, NULL, NULL, "notatime host app - - - msg"},
    {"<11>1 2026-13-01T00:00:00Z host app - - - msg", 0, R5424, 1, LT_LEVEL_ERR, NONE, NULL, NULL,
     NULL, NULL, NULL, NULL, "2026-13-01T00:00:00Z host app - - - msg"},
    {"<11>1 2026-02-29T00:00:00Z host app - - - msg", 0, R5424, 1, LT_LEVEL_ERR, NONE, NULL, NULL,
     NULL, NULL, NULL, NULL, "2026-02-29T00:00:00Z host app - - - msg"},
    {"<13>1 2026-11-25T03:14:45Z host app", 0, R5424, 1, LT_LEVEL_NOTICE, 1795576485000,
     "2026-11-25T03:14:45Z", "host", NULL, NULL, NULL, NULL, "app"},
    {"<13>1 - host app - -", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "host", "app", NULL, NULL,
     NULL, "-"},
    {"<13>1 - host app - - [broken msg", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "host", "app",
     NULL, NULL, NULL, "[broken msg"},
    {"<13>1 - host app - - [x@1]junk", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "host", "app",
     NULL, NULL, NULL, "[x@1]junk"},
    {"<13>1 - host app - - [x@1 k=\"unterminated]", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL,
     "host", "app", NULL, NULL, NULL, "[x@1 k=\"unterminated]"},
    {"<13>1 - host app - - [x@1 k=v]", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "host", "app",
     NULL, NULL, NULL, "[x@1 k=v]"},
    {"<13>1 - host app - - [] m", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "host", "app", NULL,
     NULL, NULL, "[] m"},
    {"<13>1 - host app - - -x", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, "host", "app", NULL, NULL,
     NULL, "-x"},
    {"<13>1 -  host app - - - m", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL,
     NULL, " host app - - - m"},
    {"<13>1 ", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"<13>1 - ho\x01st app - - - m", 0, R5424, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL,
     NULL, NULL, "ho\x01st app - - - m"},
};

/* docs/protocols.md 3: RFC 3164 as logger, rsyslog, syslog-ng and appliances send it. */
static const case_t rfc3164_cases[] = {
    {"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", 0, R3164, 4,
     LT_LEVEL_CRIT, 1791756855000, "Oct 11 22:14:15", "mymachine", "su", NULL, NULL, NULL,
     "'su root' failed for lonvick on /dev/pts/8"},
    {"<12>Nov 25 03:14:45 vm myapp: udp rfc3164", 0, R3164, 1, LT_LEVEL_WARNING, 1795576485000,
     "Nov 25 03:14:45", "vm", "myapp", NULL, NULL, NULL, "udp rfc3164"},
    {"<85>Nov 25 03:56:00 vm sshd[19416]: Accepted publickey for root from 10.0.0.1 port 5022 ssh2",
     0, R3164, 10, LT_LEVEL_NOTICE, 1795578960000, "Nov 25 03:56:00", "vm", "sshd", "19416", NULL,
     NULL, "Accepted publickey for root from 10.0.0.1 port 5022 ssh2"},
    {"<22>Nov 25 03:56:00 vm postfix/smtpd[4242]: connect from unknown[10.1.2.3]", 0, R3164, 2,
     LT_LEVEL_INFO, 1795578960000, "Nov 25 03:56:00", "vm", "postfix/smtpd", "4242", NULL, NULL,
     "connect from unknown[10.1.2.3]"},
    {"<191>Nov 25 03:56:00 vm app.svc: tcp 3164\n", 0, R3164, 23, LT_LEVEL_DEBUG, 1795578960000,
     "Nov 25 03:56:00", "vm", "app.svc", NULL, NULL, NULL, "tcp 3164\n"},
    /* logger over the local socket: no hostname */
    {"<14>Nov 25 03:56:48 myapp[21517]: local socket default", 0, R3164, 1, LT_LEVEL_INFO,
     1795579008000, "Nov 25 03:56:48", NULL, "myapp", "21517", NULL, NULL, "local socket default"},
    {"<13>Oct 11 22:14:15 myapp[42]: msg", 0, R3164, 1, LT_LEVEL_NOTICE, 1791756855000,
     "Oct 11 22:14:15", NULL, "myapp", "42", NULL, NULL, "msg"},
    {"<78>Nov 25 03:56:48 vm CRON[21518]: (root) CMD (run-parts /etc/cron.hourly)", 0, R3164, 9,
     LT_LEVEL_INFO, 1795579008000, "Nov 25 03:56:48", "vm", "CRON", "21518", NULL, NULL,
     "(root) CMD (run-parts /etc/cron.hourly)"},
    {"<13>Oct  1 02:03:04 host app: padded day", 0, R3164, 1, LT_LEVEL_NOTICE, 1790820184000,
     "Oct  1 02:03:04", "host", "app", NULL, NULL, NULL, "padded day"},
    {"<13>Oct 1 02:03:04 host app: one space", 0, R3164, 1, LT_LEVEL_NOTICE, 1790820184000,
     "Oct 1 02:03:04", "host", "app", NULL, NULL, NULL, "one space"},
    {"<13>Oct 01 02:03:04 host app: zero", 0, R3164, 1, LT_LEVEL_NOTICE, 1790820184000,
     "Oct 01 02:03:04", "host", "app", NULL, NULL, NULL, "zero"},
    /* rsyslog RSYSLOG_TraditionalForwardFormat and RSYSLOG_ForwardFormat (captured) */
    {"<155>Nov 25 03:56:32 vm myapp: rsyslog relayed 3164", 0, R3164, 19, LT_LEVEL_ERR,
     1795578992000, "Nov 25 03:56:32", "vm", "myapp", NULL, NULL, NULL, "rsyslog relayed 3164"},
    {"<155>2026-11-25T03:56:32+00:00 vm myapp: rsyslog relayed 3164", 0, R3164, 19, LT_LEVEL_ERR,
     1795578992000, "2026-11-25T03:56:32+00:00", "vm", "myapp", NULL, NULL, NULL,
     "rsyslog relayed 3164"},
    {"<13>2026-11-25T03:14:45.409917+00:00 host tag: msg", 0, R3164, 1, LT_LEVEL_NOTICE,
     1795576485409, "2026-11-25T03:14:45.409917+00:00", "host", "tag", NULL, NULL, NULL, "msg"},
    /* a tag with [pid] but no colon, and a tag cut at 32 bytes by %syslogtag:1:32% */
    {"<28>Nov 25 03:56:33 vm worker[20870] rsyslog relayed 5424", 0, R3164, 3, LT_LEVEL_WARNING,
     1795578993000, "Nov 25 03:56:33", "vm", "worker", "20870", NULL, NULL, "rsyslog relayed 5424"},
    {"<13>2026-11-25T03:56:33+00:00 vm averyveryverylongtagnamethatexce long tag", 0, R3164, 1,
     LT_LEVEL_NOTICE, 1795578993000, "2026-11-25T03:56:33+00:00", "vm",
     "averyveryverylongtagnamethatexce", NULL, NULL, NULL, "long tag"},
    {"<12>Nov 25 03:56:33 vm kernel: [12345.678] usb 1-1: new high-speed USB device", 0, R3164, 1,
     LT_LEVEL_WARNING, 1795578993000, "Nov 25 03:56:33", "vm", "kernel", NULL, NULL, NULL,
     "[12345.678] usb 1-1: new high-speed USB device"},
    /* syslog-ng loggen: RFC 3339 without fraction or offset, LF even over UDP */
    {"<38>2026-11-25T03:20:21 localhost prg00000[1234]: seq: 0000000000, thread: 0000, runid: "
     "1764040821, stamp: 2026-11-25T03:20:21 PADDPADDPADD\n",
     0, R3164, 4, LT_LEVEL_INFO, 1795576821000, "2026-11-25T03:20:21", "localhost", "prg00000",
     "1234", NULL, NULL,
     "seq: 0000000000, thread: 0000, runid: 1764040821, stamp: 2026-11-25T03:20:21 PADDPADDPADD\n"},
};

/* docs/protocols.md 3 deviations, one or more rows each. */
static const case_t deviation_cases[] = {
    /* year in the BSD stamp; Cisco ASA puts a ':' after it and has no hostname */
    {"<13>Oct 11 2026 22:14:15 host app: with year", 0, R3164, 1, LT_LEVEL_NOTICE, 1791756855000,
     "Oct 11 2026 22:14:15", "host", "app", NULL, NULL, NULL, "with year"},
    {"<166>Nov 25 2025 03:14:45: %ASA-6-302013: Built outbound TCP connection 1 for outside", 0,
     R3164, 20, LT_LEVEL_INFO, 1764040485000, "Nov 25 2025 03:14:45", NULL, "%ASA-6-302013", NULL,
     NULL, NULL, "Built outbound TCP connection 1 for outside"},
    /* milliseconds */
    {"<13>Oct 11 22:14:15.123 host app: with ms", 0, R3164, 1, LT_LEVEL_NOTICE, 1791756855123,
     "Oct 11 22:14:15.123", "host", "app", NULL, NULL, NULL, "with ms"},
    /* Cisco IOS: sequence number, '*' (clock not synced) or '.', ':' after the time */
    {"<189>123: *Mar  1 18:46:11.123: %SYS-5-CONFIG_I: Configured from console by vty0 "
     "(10.0.0.1)",
     0, R3164, 23, LT_LEVEL_NOTICE, 1772390771123, "Mar  1 18:46:11.123", NULL, "%SYS-5-CONFIG_I",
     NULL, NULL, NULL, "Configured from console by vty0 (10.0.0.1)"},
    {"<187>58: .Mar  1 00:04:13: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to "
     "down",
     0, R3164, 23, LT_LEVEL_ERR, 1772323453000, "Mar  1 00:04:13", NULL, "%LINK-3-UPDOWN", NULL,
     NULL, NULL, "Interface GigabitEthernet0/1, changed state to down"},
    /* ... with "logging origin-id hostname" */
    {"<189>124: R1: *Mar  1 18:46:12.456: %SYS-5-CONFIG_I: Configured from console by admin on "
     "vty0",
     0, R3164, 23, LT_LEVEL_NOTICE, 1772390772456, "Mar  1 18:46:12.456", "R1", "%SYS-5-CONFIG_I",
     NULL, NULL, NULL, "Configured from console by admin on vty0"},
    {"<189>45: %SYS-5-CONFIG_I: Configured from console by console", 0, R3164, 23, LT_LEVEL_NOTICE,
     NONE, NULL, NULL, "%SYS-5-CONFIG_I", NULL, NULL, NULL, "Configured from console by console"},
    /* no timestamp */
    {"<13>tag: msg", 0, R3164, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, "tag", NULL, NULL, NULL,
     "msg"},
    {"<13>myapp[42]: msg", 0, R3164, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, "myapp", "42", NULL,
     NULL, "msg"},
    {"<13>hello world", 0, R3164, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "hello world"},
    /* a tag without a colon after the hostname */
    {"<13>Oct 11 22:14:15 host myapp message text", 0, R3164, 1, LT_LEVEL_NOTICE, 1791756855000,
     "Oct 11 22:14:15", "host", "myapp", NULL, NULL, NULL, "message text"},
    /* a space after the PRI (the RFC has none) */
    {"<13> Oct 11 22:14:15 host app: x", 0, R3164, 1, LT_LEVEL_NOTICE, 1791756855000,
     "Oct 11 22:14:15", "host", "app", NULL, NULL, NULL, "x"},
    /* Fortinet key=value body: a 3164 message without header, level from the PRI */
    {"<189>date=2026-11-25 time=03:14:45 devname=\"FG\" devid=\"FGT60E\" logid=\"0100032001\" "
     "type=\"event\" subtype=\"system\" level=\"warning\" vd=\"root\" msg=\"x\"",
     0, R3164, 23, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "date=2026-11-25 time=03:14:45 devname=\"FG\" devid=\"FGT60E\" logid=\"0100032001\" "
     "type=\"event\" subtype=\"system\" level=\"warning\" vd=\"root\" msg=\"x\""},
    /* Fortinet with a syslog header: the key=value word is not taken as a tag */
    {"<189>Nov 25 03:14:45 FG100E date=2026-11-25 level=\"warning\"", 0, R3164, 23, LT_LEVEL_NOTICE,
     1795576485000, "Nov 25 03:14:45", "FG100E", NULL, NULL, NULL, NULL,
     "date=2026-11-25 level=\"warning\""},
    /* Ubiquiti: UniFi gateway firewall log, UniFi AP whose "tag" is model,mac,version */
    {"<4>Nov 25 03:14:45 USG kernel: [WAN_LOCAL-default-D]IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 "
     "PROTO=TCP SPT=1 DPT=22",
     0, R3164, 0, LT_LEVEL_WARNING, 1795576485000, "Nov 25 03:14:45", "USG", "kernel", NULL, NULL,
     NULL, "[WAN_LOCAL-default-D]IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP SPT=1 DPT=22"},
    {"<30>Nov 25 03:14:45 U7PG2,788a20aabbcc,v4.3.28.11361: hostapd: ath0: STA associated", 0,
     R3164, 3, LT_LEVEL_INFO, 1795576485000, "Nov 25 03:14:45", NULL,
     "U7PG2,788a20aabbcc,v4.3.28.11361", NULL, NULL, NULL, "hostapd: ath0: STA associated"},
    /* only a PRI, or a PRI and a stamp: counted, empty message */
    {"<13>", 0, R3164, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"<13>Oct 11 22:14:15", 0, R3164, 1, LT_LEVEL_NOTICE, 1791756855000, "Oct 11 22:14:15", NULL,
     NULL, NULL, NULL, NULL, NULL},
    {"<13>Oct 11 22:14:15 host", 0, R3164, 1, LT_LEVEL_NOTICE, 1791756855000, "Oct 11 22:14:15",
     "host", NULL, NULL, NULL, NULL, NULL},
    /* an invalid stamp is not a stamp: no host is guessed, all of it is MSG */
    {"<13>Oct 32 22:14:15 host app: x", 0, R3164, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL,
     NULL, NULL, "Oct 32 22:14:15 host app: x"},
    {"<13>Feb 30 22:14:15 host app: x", 0, R3164, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL,
     NULL, NULL, "Feb 30 22:14:15 host app: x"},
    {"<13>Foo 11 22:14:15 host app: x", 0, R3164, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL,
     NULL, NULL, "Foo 11 22:14:15 host app: x"},
    /* a valid PRI with binary after it still counts */
    {"<11>\x01\x02\xff\xfe", 0, R3164, 1, LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "\x01\x02\xff\xfe"},
};

/* No PRI: user.notice, the whole line is msg. */
static const case_t plain_cases[] = {
    {"hello world", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "hello world"},
    {"", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
    {"ERROR something failed", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL,
     NULL, "ERROR something failed"},
    {"[2026-11-25 03:14:45] app.ERROR: x", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL,
     NULL, NULL, NULL, "[2026-11-25 03:14:45] app.ERROR: x"},
    {"key: value", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "key: value"},
    {"tab\tand crlf\r\n", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "tab\tand crlf\r\n"},
    {"stack trace\n\tat Foo.bar(Foo.java:1)", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL,
     NULL, NULL, NULL, "stack trace\n\tat Foo.bar(Foo.java:1)"},
    {"h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL,
     NULL, NULL, NULL, NULL, "h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80"},
    /* lines from syslog daemons' files: header fields are read, msg stays the whole line */
    {"Nov 25 03:56:33 vm postfix/qmgr[777]: 3A1B2C: removed", 0, PLAIN, 1, LT_LEVEL_NOTICE,
     1795578993000, "Nov 25 03:56:33", "vm", "postfix/qmgr", "777", NULL, NULL,
     "Nov 25 03:56:33 vm postfix/qmgr[777]: 3A1B2C: removed"},
    {"2026-11-25T03:56:33.003595+00:00 vm worker[20870] rsyslog relayed 5424", 0, PLAIN, 1,
     LT_LEVEL_NOTICE, 1795578993003, "2026-11-25T03:56:33.003595+00:00", "vm", "worker", "20870",
     NULL, NULL, "2026-11-25T03:56:33.003595+00:00 vm worker[20870] rsyslog relayed 5424"},
    /* malformed PRIs with text after them are plain text that starts with '<' */
    {"<192>hello", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "<192>hello"},
    {"<1a> text", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "<1a> text"},
    {"<0123>Oct 11 22:14:15 host app: x", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL,
     NULL, NULL, NULL, "<0123>Oct 11 22:14:15 host app: x"},
    {"<01>x", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL, "<01>x"},
    {"<13 no bracket", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "<13 no bracket"},
    {"<html><body>", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "<html><body>"},
    {"<-- arrow", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL,
     "<-- arrow"},
    {"<>x", 0, PLAIN, 1, LT_LEVEL_NOTICE, NONE, NULL, NULL, NULL, NULL, NULL, NULL, "<>x"},
};

START_TEST(test_syslog_parse_rfc5424)
{
    check_case(&rfc5424_cases[_i]);
}
END_TEST

START_TEST(test_syslog_parse_rfc5424_malformed_keeps_level)
{
    check_case(&rfc5424_malformed_cases[_i]);
}
END_TEST

START_TEST(test_syslog_parse_rfc3164)
{
    check_case(&rfc3164_cases[_i]);
}
END_TEST

START_TEST(test_syslog_parse_deviations)
{
    check_case(&deviation_cases[_i]);
}
END_TEST

START_TEST(test_syslog_parse_plain)
{
    check_case(&plain_cases[_i]);
}
END_TEST

static void expect_reject(const char *in, size_t n, lt_reject_t want)
{
    lt_event_t ev;
    int rc = lt_syslog_parse(in, n, NOW_S, &ev);

    ck_assert_msg(rc == LT_PARSE_ERR(want), "input \"%s\": rc %d (%s), want %s", show_bytes(in, n),
                  rc, rc ? lt_reject_name(LT_PARSE_REJECT(rc)) : "accepted", lt_reject_name(want));
    ck_assert_int_eq(LT_PARSE_REJECT(rc), want);
}

START_TEST(test_syslog_parse_bad_pri)
{
    static const char *const bad[] = {
        "<192>",  "<>",  "<1a>", "<0123>", "<",     "<192>   ", "<999>\r\n",
        "<1000>", "<13", "<-1>", "<00>",   "<013>", "< 13>",    "<256> \t ",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_reject(bad[i], strlen(bad[i]), LT_REJECT_BAD_PRI);
    /* what follows a malformed PRI is not text: nothing to count */
    expect_reject("<192>\x00\x01", 7, LT_REJECT_BAD_PRI);
    expect_reject("<1a>\xff\xfe text", 11, LT_REJECT_BAD_PRI);
    expect_reject("<\x01>hello", 8, LT_REJECT_BAD_PRI);
}
END_TEST

START_TEST(test_syslog_parse_binary)
{
    static const struct {
        const char *in;
        size_t n;
    } bin[] = {
        {"\x00\x01\x02", 3},
        {"abc\x00"
         "def",
         7},
        {"abc\xff", 4},
        {"\xc0\xaf", 2},
        {"\xed\xa0\x80", 3},
        {"\xf4\x90\x80\x80", 4},
        {"\x1b[31mred\x1b[0m", 13},
        {"abc\xe2\x82", 5},
        {"\x80", 1},
        {"\x7f\x01", 2},
        {"x\x0bx", 3},
        {"\xf8\x88\x80\x80\x80", 5},
    };
    lt_event_t ev;

    for (size_t i = 0; i < sizeof(bin) / sizeof(bin[0]); i++)
        expect_reject(bin[i].in, bin[i].n, LT_REJECT_BINARY);
    /* The same bytes after a valid PRI count: the level is known. */
    for (size_t i = 0; i < sizeof(bin) / sizeof(bin[0]); i++) {
        char buf[32] = "<11>";
        memcpy(buf + 4, bin[i].in, bin[i].n);
        ck_assert_msg(lt_syslog_parse(buf, 4 + bin[i].n, NOW_S, &ev) == 0 &&
                          ev.level == LT_LEVEL_ERR && ev.msg.n == bin[i].n &&
                          memcmp(ev.msg.p, bin[i].in, bin[i].n) == 0,
                      "input \"%s\" not counted as err", show_bytes(buf, 4 + bin[i].n));
    }
}
END_TEST

/* syslog-ng loggen -P over UDP: "256 <38>1 ..." (captured). */
START_TEST(test_syslog_parse_octet_count_prefix)
{
    const char *body = "<38>1 2026-11-25T04:03:06+00:00 localhost prg00000 1234 - - "
                       "\xEF\xBB\xBFseq: 0000000000, thread: 0000\n";
    char buf[256];
    lt_event_t ev;
    size_t n;

    /* the count covers the rest exactly, or one more (the LF was stripped) */
    for (int stripped = 0; stripped <= 1; stripped++) {
        n = (size_t)snprintf(buf, sizeof(buf), "%zu %s", strlen(body), body) - (size_t)stripped;
        ck_assert_int_eq(lt_syslog_parse(buf, n, NOW_S, &ev), 0);
        ck_assert_msg(ev.format == LT_FORMAT_RFC5424 && ev.level == LT_LEVEL_INFO &&
                          ev.facility == 4 && ev.app.n == 8 && memcmp(ev.app.p, "prg00000", 8) == 0,
                      "input \"%s\"", show_bytes(buf, n));
        expect_slice(buf, n, "msg", ev.msg,
                     stripped ? "seq: 0000000000, thread: 0000"
                              : "seq: 0000000000, thread: 0000\n");
    }
    /* any other count: a text line that starts with a number */
    static const char *const text[] = {"5 <13>hello", "100 <13>x", "12 apples", "0 <13>", "9 <1>"};
    for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
        n = strlen(text[i]);
        ck_assert_int_eq(lt_syslog_parse(text[i], n, NOW_S, &ev), 0);
        ck_assert_msg(ev.format == LT_FORMAT_PLAIN, "input \"%s\"", text[i]);
        expect_slice(text[i], n, "msg", ev.msg, text[i]);
    }
    /* a count must be followed by a PRI */
    ck_assert_int_eq(lt_syslog_parse("9 7 <13>abc", 11, NOW_S, &ev), 0);
    ck_assert_int_eq(ev.format, LT_FORMAT_PLAIN);
    expect_slice("9 7 <13>abc", 11, "msg", ev.msg, "9 7 <13>abc");
    /* with a malformed PRI after the count, the whole input is judged as it came */
    ck_assert_int_eq(lt_syslog_parse("5 <1a>x", 7, NOW_S, &ev), 0);
    ck_assert_int_eq(ev.format, LT_FORMAT_PLAIN);
    expect_slice("5 <1a>x", 7, "msg", ev.msg, "5 <1a>x");
    ck_assert_int_eq(lt_syslog_parse("3 <1>", 5, NOW_S, &ev), 0);
    ck_assert_int_eq(ev.format, LT_FORMAT_RFC3164);
    ck_assert_int_eq(ev.level, LT_LEVEL_ALERT);
}
END_TEST

/* RFC 3164 stamps have no year: the latest year that is at most 31 days ahead of now. */
START_TEST(test_syslog_parse_bsd_year)
{
    static const struct {
        int64_t now_s;
        const char *in;
        int64_t want_ms;
    } rows[] = {
        {NOW_S, "<13>Dec 31 23:59:59 h a: x", 1767225599000},      /* 2025: 36 days ahead */
        {NOW_S, "<13>Dec 26 03:00:00 h a: x", 1798254000000},      /* 2026: 30 days ahead */
        {NOW_S, "<13>Dec 27 00:00:00 h a: x", 1766793600000},      /* 2025 */
        {NOW_S, "<13>Nov 25 03:14:45 h a: x", 1795576485000},      /* 2026: the past hour */
        {NOW_S, "<13>Feb 29 12:00:00 h a: x", 1709208000000},      /* 2024: last leap year */
        {1798761600, "<13>Dec 31 23:59:59 h a: x", 1798761599000}, /* 2027-01-01: 2026 */
        {1798761599, "<13>Jan  1 00:00:05 h a: x", 1798761605000}, /* 2026-12-31: 2027 */
        {1835395200, "<13>Feb 29 00:00:00 h a: x", 1835395200000}, /* 2028-02-29 */
        {0, "<13>Jan  1 00:00:00 h a: x", 0},                      /* the epoch */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        lt_event_t ev;
        ck_assert_int_eq(lt_syslog_parse(rows[i].in, strlen(rows[i].in), rows[i].now_s, &ev), 0);
        ck_assert_msg(ev.time_ms == rows[i].want_ms,
                      "input \"%s\" now %lld: time_ms %lld, want %lld", rows[i].in,
                      (long long)rows[i].now_s, (long long)ev.time_ms, (long long)rows[i].want_ms);
    }
}
END_TEST

START_TEST(test_syslog_parse_message_dispatch)
{
    static const struct {
        const char *in;
        int rc;
        lt_format_t format;
        lt_level_t level;
        const char *msg;
    } rows[] = {
        {"  \t<11>Oct 11 22:14:15 h a: x", 0, LT_FORMAT_RFC3164, LT_LEVEL_ERR, "x"},
        {"\xEF\xBB\xBF<11>1 - h a - - - x", 0, LT_FORMAT_RFC5424, LT_LEVEL_ERR, "x"},
        {"\xEF\xBB\xBF {\"level\":\"warn\",\"msg\":\"m\"}", 0, LT_FORMAT_JSON, LT_LEVEL_WARNING,
         "m"},
        {"\r\n{\"level\":\"warn\",\"msg\":\"m\"} \n", 0, LT_FORMAT_JSON, LT_LEVEL_WARNING, "m"},
        {"{not json", LT_PARSE_ERR(LT_REJECT_BAD_JSON), 0, 0, NULL},
        {"[1,2]", 0, LT_FORMAT_PLAIN, LT_LEVEL_NOTICE, "[1,2]"},
        {"   plain text", 0, LT_FORMAT_PLAIN, LT_LEVEL_NOTICE, "plain text"},
        {"\xEF\xBB\xBFplain", 0, LT_FORMAT_PLAIN, LT_LEVEL_NOTICE, "plain"},
        {"   ", 0, LT_FORMAT_PLAIN, LT_LEVEL_NOTICE, ""},
        {" <192>", LT_PARSE_ERR(LT_REJECT_BAD_PRI), 0, 0, NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        lt_event_t ev;
        size_t n = strlen(rows[i].in);
        int rc = lt_parse_message(rows[i].in, n, NOW_S, &ev);
        ck_assert_msg(rc == rows[i].rc, "input \"%s\": rc %d, want %d", show_bytes(rows[i].in, n),
                      rc, rows[i].rc);
        if (rc != 0)
            continue;
        ck_assert_msg(ev.format == rows[i].format && ev.level == rows[i].level,
                      "input \"%s\": format %d level %s", show_bytes(rows[i].in, n), ev.format,
                      lt_level_name(ev.level));
        expect_slice(rows[i].in, n, "msg", ev.msg, rows[i].msg);
    }
}
END_TEST

START_TEST(test_syslog_parse_rfc3339)
{
    static const struct {
        const char *in;
        int64_t ms;
    } good[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"2026-11-25T03:14:45Z", 1795576485000},
        {"2026-11-25T03:14:45.409917+00:00", 1795576485409},
        {"2026-11-25T05:14:45.409+02:00", 1795576485409},
        {"2026-11-24T22:14:45.409-05:00", 1795576485409},
        {"2026-11-25T05:14:45.409+0200", 1795576485409},
        {"2026-11-25 03:14:45", 1795576485000},
        {"2026-11-25t03:14:45.1z", 1795576485100},
        {"2026-11-25T03:14:45.12Z", 1795576485120},
        {"2026-11-25T03:14:45.9999999999999Z", 1795576485999},
        {"2024-02-29T12:00:00Z", 1709208000000},
        {"2016-12-31T23:59:60Z", 1483228800000}, /* leap second: the next minute */
        {"1969-12-31T23:59:59Z", -1000},
    };
    static const char *const bad[] = {
        "",
        "2026-11-25",
        "2026-11-25T03:14",
        "2026-11-25T03:14:45.",
        "2026-11-25T03:14:45Zx",
        "2026-13-25T03:14:45Z",
        "2026-00-25T03:14:45Z",
        "2026-11-31T03:14:45Z",
        "2026-02-29T03:14:45Z",
        "2026-11-25T24:00:00Z",
        "2026-11-25T03:60:00Z",
        "2026-11-25T03:14:61Z",
        "2026-11-25X03:14:45Z",
        "2026-11-25T03:14:45+24:00",
        "2026-11-25T03:14:45+01:60",
        "2026-11-25T03:14:45+1",
        "26-11-25T03:14:45Z",
        "2026-1-25T03:14:45Z",
        "2026-11-25T03:14:45 Z",
        "Nov 25 03:14:45",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        int64_t ms = 42;
        int rc = lt_parse_rfc3339(good[i].in, strlen(good[i].in), &ms);
        ck_assert_msg(rc == 0 && ms == good[i].ms, "\"%s\": rc %d ms %lld, want %lld", good[i].in,
                      rc, (long long)ms, (long long)good[i].ms);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms = 42;
        ck_assert_msg(lt_parse_rfc3339(bad[i], strlen(bad[i]), &ms) == -EINVAL && ms == 42,
                      "\"%s\" accepted", bad[i]);
    }
    ck_assert_int_eq(lt_parse_utc_ms(2026, 11, 25, 3, 14, 45, 409), 1795576485409);
}
END_TEST

/* Month names in any case; anything else is not a BSD stamp (then no time is read). */
START_TEST(test_syslog_parse_month_names)
{
    static const char *const names[] = {"Jan", "feb", "MAR", "aPr", "May", "jun",
                                        "Jul", "aug", "Sep", "OCT", "nov", "Dec"};
    char in[64];
    for (int m = 0; m < 12; m++) {
        lt_event_t ev;
        snprintf(in, sizeof(in), "<13>%s  1 00:00:00 h a: x", names[m]);
        /* now is 2026-06-15: up to July 1st it is this year, from August 1st last year. */
        ck_assert_int_eq(lt_syslog_parse(in, strlen(in), 1781481600, &ev), 0);
        ck_assert_msg(ev.time_ms == lt_parse_utc_ms(m < 7 ? 2026 : 2025, m + 1, 1, 0, 0, 0, 0),
                      "\"%s\": time_ms %lld", in, (long long)ev.time_ms);
    }
    static const char *const bad[] = {"Jam", "J\xc3\xa1n", "Ja", "@an", "j@n", "ja\x0e", "1an", "Ju1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lt_event_t ev;
        snprintf(in, sizeof(in), "<13>%s 11 22:14:15 h a: x", bad[i]);
        ck_assert_int_eq(lt_syslog_parse(in, strlen(in), NOW_S, &ev), 0);
        ck_assert_msg(ev.time_ms == NONE, "\"%s\" read as a stamp", show_bytes(in, strlen(in)));
    }
}
END_TEST

/* The RFC 3339 and BSD stamp caches (per thread, keyed by the minute) must never show: each
 * stamp gives the same time whatever was parsed before it. */
START_TEST(test_syslog_parse_time_cache)
{
    static const char *const stamps[] = {
        "2026-11-25T03:14:45Z",      "2026-11-25T03:14:59.999+01:00", "2026-11-25T03:14:00-0130",
        "2026-11-25T03:15:00Z",      "2026-11-25 03:14:45",           "2026-11-25t03:14:45z",
        "2024-02-29T12:00:00Z",      "2016-12-31T23:59:60Z",          "1969-12-31T23:59:59Z",
    };
    static const char *const bad[] = {
        "2026-11-25T03:14", "2026-11-25T03:14:", "2026-11-25T03:14:61Z", "2026-11-25T03:14+00:00",
        "2026-02-29T03:14:45Z",
    };
    size_t ns = sizeof(stamps) / sizeof(stamps[0]);
    int64_t cold[sizeof(stamps) / sizeof(stamps[0])];

    /* Cold: a different minute parsed just before each. */
    for (size_t i = 0; i < ns; i++) {
        int64_t other;
        ck_assert_int_eq(lt_parse_rfc3339("2000-01-01T00:00:00Z", 20, &other), 0);
        ck_assert_int_eq(lt_parse_rfc3339(stamps[i], strlen(stamps[i]), &cold[i]), 0);
    }
    ck_assert(cold[0] == 1795576485000);
    /* Warm: every stamp right after every other one, then every bad one after each good. */
    for (size_t i = 0; i < ns; i++) {
        for (size_t j = 0; j < ns; j++) {
            int64_t a, b;
            ck_assert_int_eq(lt_parse_rfc3339(stamps[i], strlen(stamps[i]), &a), 0);
            ck_assert_int_eq(lt_parse_rfc3339(stamps[j], strlen(stamps[j]), &b), 0);
            ck_assert_msg(a == cold[i] && b == cold[j], "\"%s\" then \"%s\"", stamps[i],
                          stamps[j]);
        }
        for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
            int64_t a, b = 42;
            ck_assert_int_eq(lt_parse_rfc3339(stamps[i], strlen(stamps[i]), &a), 0);
            ck_assert_msg(lt_parse_rfc3339(bad[j], strlen(bad[j]), &b) == -EINVAL && b == 42,
                          "\"%s\" accepted after \"%s\"", bad[j], stamps[i]);
        }
    }

    /* BSD: now + 31 days falls at 04:00:30 on Dec 26, inside a minute, so that minute's
     * stamps go to two years; a cached minute must not carry one year to the other half. */
    static const struct {
        int64_t now_s;
        const char *in;
        int64_t want_ms;
    } rows[] = {
        {NOW_S + 30, "<13>Dec 26 04:00:10 h a: x", 1798257610000}, /* 2026 */
        {NOW_S + 30, "<13>Dec 26 04:00:50 h a: x", 1766721650000}, /* 2025 */
        {NOW_S + 30, "<13>Dec 26 04:00:30.000 h a: x", 1798257630000}, /* 2026, just */
        {NOW_S + 30, "<13>Dec 26 04:00:30.001 h a: x", 1766721630001}, /* 2025 */
        {NOW_S + 30, "<13>Dec 26 04:00:10 h a: x", 1798257610000},
        {NOW_S, "<13>Nov 25 03:14:45 h a: x", 1795576485000},
        {NOW_S, "<13>Nov 25 03:14:46 h a: x", 1795576486000}, /* the cached minute */
        /* The same twelve bytes of text: only what follows them decides. */
        {NOW_S, "<13>Nov 25 03:14:47.250 h a: x", 1795576487250},
        {NOW_S, "<13>Nov 25 03:14:61 h a: x", LT_TIME_NONE},
        {NOW_S, "<13>Nov 25 03:14:4x h a: x", LT_TIME_NONE},
        {NOW_S, "<13>Nov 25 03:14:48x h a: x", LT_TIME_NONE},
        {NOW_S, "<13>Nov 25 03:14:60", 1795576500000},
        {NOW_S, "<13>Nov 25 03:14:49: a: x", 1795576489000},
        {NOW_S, "<13>Nov 25 03:14", LT_TIME_NONE},
        {NOW_S, "<13>Nov 25 03:14:50 h a: x", 1795576490000},
        {NOW_S, "<13>Nov 25 03:14x45 h a: x", LT_TIME_NONE},
        {NOW_S, "<13>Nov 5 03:14:45 h a: x", 1793848485000}, /* 14 bytes: not remembered */
        {NOW_S, "<13>Nov 5 03:14::45 h a: x", LT_TIME_NONE},
        {NOW_S + 1, "<13>Nov 25 03:14:47 h a: x", 1795576487000}, /* another now */
        {1798761599, "<13>Jan  1 00:00:05 h a: x", 1798761605000}, /* 2027 */
        {NOW_S, "<13>Jan  1 00:00:05 h a: x", 1767225605000}, /* same minute, now in 2026 */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        lt_event_t ev;
        ck_assert_int_eq(lt_syslog_parse(rows[i].in, strlen(rows[i].in), rows[i].now_s, &ev), 0);
        ck_assert_msg(ev.time_ms == rows[i].want_ms, "row %zu \"%s\": time_ms %lld, want %lld", i,
                      rows[i].in, (long long)ev.time_ms, (long long)rows[i].want_ms);
    }
}
END_TEST

static void check_syslog_prefix(const char *p, size_t cut, const char *in)
{
    lt_event_t ev;
    int rc = lt_parse_message(p, cut, NOW_S, &ev);
    ck_assert_msg(rc == 0 || (LT_PARSE_REJECT(rc) < LT_REJECT_COUNT), "input \"%s\": rc %d",
                  show_bytes(in, cut), rc);
}

/* Every input prefix of every case: the parser must never read past n (ASan checks the
 * copies) and every prefix still parses or is rejected with a reason. */
START_TEST(test_syslog_parse_prefixes_stay_in_bounds)
{
    const case_t *tables[] = {rfc5424_cases, rfc3164_cases, deviation_cases};
    int counts[] = {ROWS(rfc5424_cases), ROWS(rfc3164_cases), ROWS(deviation_cases)};
    for (size_t t = 0; t < 3; t++) {
        for (int c = 0; c < counts[t]; c++) {
            const case_t *k = &tables[t][c];
            each_prefix_copy(k->in, k->len ? k->len : strlen(k->in), true, check_syslog_prefix);
        }
    }
}
END_TEST

static Suite *syslog_parse_suite(void)
{
    Suite *s = suite_create("syslog_parse");
    TCase *tc = tcase_create("syslog_parse");

    tcase_add_loop_test(tc, test_syslog_parse_rfc5424, 0, ROWS(rfc5424_cases));
    tcase_add_loop_test(tc, test_syslog_parse_rfc5424_malformed_keeps_level, 0,
                        ROWS(rfc5424_malformed_cases));
    tcase_add_loop_test(tc, test_syslog_parse_rfc3164, 0, ROWS(rfc3164_cases));
    tcase_add_loop_test(tc, test_syslog_parse_deviations, 0, ROWS(deviation_cases));
    tcase_add_loop_test(tc, test_syslog_parse_plain, 0, ROWS(plain_cases));
    tcase_add_test(tc, test_syslog_parse_bad_pri);
    tcase_add_test(tc, test_syslog_parse_binary);
    tcase_add_test(tc, test_syslog_parse_octet_count_prefix);
    tcase_add_test(tc, test_syslog_parse_bsd_year);
    tcase_add_test(tc, test_syslog_parse_message_dispatch);
    tcase_add_test(tc, test_syslog_parse_rfc3339);
    tcase_add_test(tc, test_syslog_parse_time_cache);
    tcase_add_test(tc, test_syslog_parse_month_names);
    tcase_add_test(tc, test_syslog_parse_prefixes_stay_in_bounds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(syslog_parse_suite());
}
