/* SPDX-License-Identifier: MIT */
/* Tests for src/json_parse.c: the sample lines of docs/protocols.md 6, the level keys in
 * their priority order, each number scheme, the message/time/host/app keys, invalid JSON of
 * every kind, lt_json_value_end's offsets, and the shared UTF-8 check. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_parse.h"
#include "prefix_copies.h"
#include "show_bytes.h"
#include "check_run.h"

#define NONE LT_TIME_NONE

static void expect_slice(const char *in, const char *field, lt_slice_t got, const char *want)
{
    size_t wn = want ? strlen(want) : 0;
    char got_shown[8192];

    snprintf(got_shown, sizeof(got_shown), "%s", got.n ? show_bytes(got.p, got.n) : "");
    ck_assert_msg(got.n == wn && (wn == 0 || memcmp(got.p, want, wn) == 0),
                  "input %s: %s is \"%s\", want \"%s\"", in, field, got_shown, want ? want : "");
    if (got.n > 0)
        ck_assert_msg(got.p >= in && got.p + got.n <= in + strlen(in), "input %s: %s not in input",
                      in, field);
}

static lt_event_t parse_ok(const char *in)
{
    lt_event_t ev;
    int rc = lt_json_parse(in, strlen(in), &ev);

    ck_assert_msg(rc == 0, "input %s: rc %d (%s)", show_bytes(in, strlen(in)), rc,
                  rc ? lt_reject_name(LT_PARSE_REJECT(rc)) : "");
    ck_assert_int_eq(ev.format, LT_FORMAT_JSON);
    ck_assert_int_eq(ev.facility, LT_FACILITY_NONE);
    /* syslog-only fields stay empty */
    ck_assert_msg(ev.procid.n == 0 && ev.msgid.n == 0 && ev.sd.n == 0, "input %s", in);
    return ev;
}

typedef struct {
    const char *in;
    lt_level_t level;
    int64_t time_ms;
    const char *timestamp, *host, *app, *msg; /* NULL: empty; msg NULL: the whole line */
} case_t;

static void check_case(const case_t *c)
{
    lt_event_t ev = parse_ok(c->in);

    ck_assert_msg(ev.level == c->level, "input %s: level %s, want %s", c->in,
                  lt_level_name(ev.level), lt_level_name(c->level));
    ck_assert_msg(ev.time_ms == c->time_ms, "input %s: time_ms %lld, want %lld", c->in,
                  (long long)ev.time_ms, (long long)c->time_ms);
    expect_slice(c->in, "timestamp", ev.timestamp, c->timestamp);
    expect_slice(c->in, "host", ev.host, c->host);
    expect_slice(c->in, "app", ev.app, c->app);
    expect_slice(c->in, "msg", ev.msg, c->msg ? c->msg : c->in);
}

/* docs/protocols.md 6, as written there. */
static const case_t sample_cases[] = {
    {"{\"level\":50,\"time\":1700000000000,\"pid\":7,\"hostname\":\"web1\",\"msg\":\"db down\"}",
     LT_LEVEL_ERR, 1700000000000, "1700000000000", "web1", NULL, "db down"},
    {"{\"level\":\"warning\",\"msg\":\"disk 91%\",\"time\":\"2026-11-25T03:14:45Z\"}",
     LT_LEVEL_WARNING, 1795576485000, "2026-11-25T03:14:45Z", NULL, NULL, "disk 91%"},
    {"{\"@t\":\"2026-11-25T03:14:45.1Z\",\"@mt\":\"Started "
     "{App}\",\"@l\":\"Error\",\"App\":\"api\"}",
     LT_LEVEL_ERR, 1795576485100, "2026-11-25T03:14:45.1Z", NULL, NULL, "Started {App}"},
    {"{\"severity\":\"ERROR\",\"message\":\"boom\",\"logging.googleapis.com/trace\":\"t\"}",
     LT_LEVEL_ERR, NONE, NULL, NULL, NULL, "boom"},
    {"{\"log\":{\"level\":\"error\"},\"message\":\"x\",\"@timestamp\":\"2026-11-25T03:14:45Z\"}",
     LT_LEVEL_ERR, 1795576485000, "2026-11-25T03:14:45Z", NULL, NULL, "x"},
    {"{\"date\":1764040485.409917,\"level\":\"info\",\"log\":\"started\",\"host\":\"h1\"}",
     LT_LEVEL_INFO, 1764040485409, "1764040485.409917", "h1", NULL, "started"},
    /* and the loggers behind them, as they really print */
    {"{\"level\":30,\"time\":1764040485409,\"pid\":4242,\"hostname\":\"api-7\",\"name\":\"api\","
     "\"msg\":\"request completed\"}",
     LT_LEVEL_INFO, 1764040485409, "1764040485409", "api-7", NULL, "request completed"},
    {"{\"level\":\"error\",\"ts\":1764040485.4091,\"caller\":\"main.go:42\",\"msg\":\"dial "
     "failed\",\"logger\":\"db\"}",
     LT_LEVEL_ERR, 1764040485409, "1764040485.4091", NULL, "db", "dial failed"},
    {"{\"asctime\":\"2026-11-25 03:14:45,409\",\"levelname\":\"WARNING\",\"levelno\":30,"
     "\"name\":\"app\",\"message\":\"slow\"}",
     LT_LEVEL_WARNING, NONE, NULL, NULL, NULL, "slow"},
    {"{\"@timestamp\":\"2026-11-25T03:14:45.409Z\",\"log.level\":\"warn\",\"message\":\"m\","
     "\"ecs.version\":\"1.6.0\",\"service.name\":\"billing\",\"host.name\":\"node-3\"}",
     LT_LEVEL_WARNING, 1795576485409, "2026-11-25T03:14:45.409Z", "node-3", "billing", "m"},
    {"{\"Timestamp\":\"1764040485409000000\",\"SeverityText\":\"WARN\",\"SeverityNumber\":13,"
     "\"Body\":\"otel\"}",
     LT_LEVEL_WARNING, NONE, NULL, NULL, NULL, NULL},
    {"{\"MESSAGE\":\"Started Session 3.\",\"PRIORITY\":\"6\",\"SYSLOG_IDENTIFIER\":\"systemd\","
     "\"_HOSTNAME\":\"vm\"}",
     LT_LEVEL_INFO, NONE, NULL, NULL, "systemd", "Started Session 3."},
};

/* One row per level key: the key present with a level, every later key with another;
 * the earlier key wins whatever the order in the object. */
static const case_t priority_cases[] = {
    {"{\"severity\":\"debug\",\"level\":\"error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"lvl\":\"debug\",\"severity\":\"error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"levelname\":\"debug\",\"lvl\":\"error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"loglevel\":\"debug\",\"levelname\":\"error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL,
     NULL},
    {"{\"log.level\":\"debug\",\"loglevel\":\"error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL,
     NULL},
    {"{\"log\":{\"level\":\"debug\"},\"loglevel\":\"error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL,
     NULL},
    {"{\"@l\":\"debug\",\"log\":{\"level\":\"error\"}}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL,
     NULL},
    {"{\"@l\":\"debug\",\"log.level\":\"error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"severity_text\":\"debug\",\"@l\":\"Error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"SeverityText\":\"debug\",\"@l\":\"Error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"SeverityNumber\":5,\"severity_text\":\"ERROR\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL,
     NULL},
    {"{\"SeverityNumber\":5,\"SeverityText\":\"ERROR\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL,
     NULL},
    {"{\"levelno\":10,\"SeverityNumber\":17}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"PRIORITY\":\"7\",\"levelno\":40}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"PRIORITY\":\"3\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    /* Serilog: no "@l" means Information, but an explicit key beats the guess */
    {"{\"@t\":\"x\",\"levelno\":40}", LT_LEVEL_ERR, NONE, "x", NULL, NULL, NULL},
    {"{\"@t\":\"2026-11-25T03:14:45Z\",\"@m\":\"m\"}", LT_LEVEL_INFO, 1795576485000,
     "2026-11-25T03:14:45Z", NULL, NULL, "m"},
    {"{\"@mt\":\"Hello {Name}\",\"Name\":\"x\"}", LT_LEVEL_INFO, NONE, NULL, NULL, NULL,
     "Hello {Name}"},
    {"{\"@m\":\"no @t or @mt\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, "no @t or @mt"},
    /* the first present key decides even when its value is not a level */
    {"{\"level\":\"bogus\",\"severity\":\"error\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL,
     NULL},
    {"{\"level\":\"\",\"severity\":\"error\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    /* null, booleans, objects and arrays count as absent */
    {"{\"level\":null,\"severity\":\"error\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"level\":true,\"severity\":3}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"level\":{\"name\":\"debug\"},\"severity\":3}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    {"{\"level\":[\"debug\"],\"severity\":3}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    /* a duplicate key: the first one counts */
    {"{\"level\":\"error\",\"level\":\"debug\"}", LT_LEVEL_ERR, NONE, NULL, NULL, NULL, NULL},
    /* an escaped level string is not decoded */
    {"{\"level\":\"err\\u006fr\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    /* "level" only counts at the top and directly under "log" */
    {"{\"log\":{\"file\":{\"level\":\"error\"}}}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    {"{\"log\":[{\"level\":\"error\"}]}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    {"{\"x\":{\"level\":\"error\"}}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    {"{\"data\":{\"log\":{\"level\":\"error\"}}}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    {"{\"log\":{\"origin\":{\"file\":\"a.c\"},\"level\":\"error\"}}", LT_LEVEL_ERR, NONE, NULL,
     NULL, NULL, NULL},
    {"{}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    {"{\"Level\":\"error\",\"LEVEL\":\"error\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
};

/* The number each key's scheme gives, and numbers written as strings. */
static const struct {
    const char *in;
    lt_level_t level;
} number_cases[] = {
    /* "level": pino/bunyan 10-60, and GELF's syslog severity 0-7 */
    {"{\"level\":10}", LT_LEVEL_DEBUG},
    {"{\"level\":20}", LT_LEVEL_DEBUG},
    {"{\"level\":30}", LT_LEVEL_INFO},
    {"{\"level\":40}", LT_LEVEL_WARNING},
    {"{\"level\":50}", LT_LEVEL_ERR},
    {"{\"level\":60}", LT_LEVEL_CRIT},
    {"{\"level\":35}", LT_LEVEL_UNKNOWN},
    {"{\"level\":70}", LT_LEVEL_UNKNOWN},
    {"{\"level\":0}", LT_LEVEL_EMERG},
    {"{\"level\":3}", LT_LEVEL_ERR},
    {"{\"level\":7}", LT_LEVEL_DEBUG},
    {"{\"level\":8}", LT_LEVEL_UNKNOWN},
    {"{\"level\":-1}", LT_LEVEL_UNKNOWN},
    {"{\"level\":30.5}", LT_LEVEL_UNKNOWN},
    {"{\"level\":3e1}", LT_LEVEL_UNKNOWN},
    {"{\"level\":\"30\"}", LT_LEVEL_INFO},
    {"{\"level\":99999999999999999999}", LT_LEVEL_UNKNOWN},
    /* "severity": syslog 0-7 */
    {"{\"severity\":0}", LT_LEVEL_EMERG},
    {"{\"severity\":1}", LT_LEVEL_ALERT},
    {"{\"severity\":2}", LT_LEVEL_CRIT},
    {"{\"severity\":3}", LT_LEVEL_ERR},
    {"{\"severity\":4}", LT_LEVEL_WARNING},
    {"{\"severity\":5}", LT_LEVEL_NOTICE},
    {"{\"severity\":6}", LT_LEVEL_INFO},
    {"{\"severity\":7}", LT_LEVEL_DEBUG},
    {"{\"severity\":8}", LT_LEVEL_UNKNOWN},
    {"{\"severity\":10}", LT_LEVEL_UNKNOWN},
    {"{\"severity\":\"3\"}", LT_LEVEL_ERR},
    {"{\"severity\":\"Warning\"}", LT_LEVEL_WARNING},
    {"{\"severity\":3.0}", LT_LEVEL_UNKNOWN},
    /* "SeverityNumber": OpenTelemetry 1-24 */
    {"{\"SeverityNumber\":1}", LT_LEVEL_DEBUG},
    {"{\"SeverityNumber\":4}", LT_LEVEL_DEBUG},
    {"{\"SeverityNumber\":5}", LT_LEVEL_DEBUG},
    {"{\"SeverityNumber\":8}", LT_LEVEL_DEBUG},
    {"{\"SeverityNumber\":9}", LT_LEVEL_INFO},
    {"{\"SeverityNumber\":12}", LT_LEVEL_INFO},
    {"{\"SeverityNumber\":13}", LT_LEVEL_WARNING},
    {"{\"SeverityNumber\":16}", LT_LEVEL_WARNING},
    {"{\"SeverityNumber\":17}", LT_LEVEL_ERR},
    {"{\"SeverityNumber\":20}", LT_LEVEL_ERR},
    {"{\"SeverityNumber\":21}", LT_LEVEL_CRIT},
    {"{\"SeverityNumber\":24}", LT_LEVEL_CRIT},
    {"{\"SeverityNumber\":0}", LT_LEVEL_UNKNOWN},
    {"{\"SeverityNumber\":25}", LT_LEVEL_UNKNOWN},
    {"{\"SeverityNumber\":\"17\"}", LT_LEVEL_ERR},
    /* "levelno": Python logging */
    {"{\"levelno\":10}", LT_LEVEL_DEBUG},
    {"{\"levelno\":20}", LT_LEVEL_INFO},
    {"{\"levelno\":30}", LT_LEVEL_WARNING},
    {"{\"levelno\":40}", LT_LEVEL_ERR},
    {"{\"levelno\":50}", LT_LEVEL_CRIT},
    {"{\"levelno\":0}", LT_LEVEL_UNKNOWN},
    {"{\"levelno\":60}", LT_LEVEL_UNKNOWN},
    {"{\"levelno\":25}", LT_LEVEL_UNKNOWN},
    /* string-only keys do not read numbers */
    {"{\"lvl\":3}", LT_LEVEL_UNKNOWN},
    {"{\"levelname\":40}", LT_LEVEL_UNKNOWN},
    {"{\"@l\":3}", LT_LEVEL_UNKNOWN},
    {"{\"severity_text\":17}", LT_LEVEL_UNKNOWN},
    {"{\"lvl\":\"3\"}", LT_LEVEL_UNKNOWN},
    /* strings in every key, any case */
    {"{\"lvl\":\"WARN\"}", LT_LEVEL_WARNING},
    {"{\"levelname\":\"CRITICAL\"}", LT_LEVEL_CRIT},
    {"{\"loglevel\":\"Trace\"}", LT_LEVEL_DEBUG},
    {"{\"@l\":\"Fatal\"}", LT_LEVEL_CRIT},
    {"{\"@l\":\"Verbose\"}", LT_LEVEL_DEBUG},
    {"{\"severity\":\"DEFAULT\"}", LT_LEVEL_INFO},
    {"{\"severity_text\":\"Information\"}", LT_LEVEL_INFO},
    {"{\"level\":\"dpanic\"}", LT_LEVEL_CRIT},
    {"{\"level\":\"PANIC\"}", LT_LEVEL_EMERG},
    {"{\"level\":\"notice\"}", LT_LEVEL_NOTICE},
    {"{\"levelname\":\"FINEST\"}", LT_LEVEL_DEBUG},
    {"{\"level\":\"alert\"}", LT_LEVEL_ALERT},
};

/* Message, time, host and app keys in their priority order. */
static const case_t field_cases[] = {
    {"{\"msg\":\"b\",\"message\":\"a\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, "a"},
    {"{\"log\":\"c\",\"msg\":\"b\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, "b"},
    {"{\"MESSAGE\":\"d\",\"log\":\"c\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, "c"},
    {"{\"@m\":\"e\",\"MESSAGE\":\"d\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, "d"},
    {"{\"@mt\":\"f\",\"@m\":\"e\"}", LT_LEVEL_INFO, NONE, NULL, NULL, NULL, "e"},
    {"{\"log\":{\"level\":\"info\"},\"MESSAGE\":\"d\"}", LT_LEVEL_INFO, NONE, NULL, NULL, NULL,
     "d"},
    /* escapes are left as written */
    {"{\"msg\":\"say \\\"hi\\\"\\n\\u00e9\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL,
     "say \\\"hi\\\"\\n\\u00e9"},
    {"{\"msg\":\"\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, ""},
    /* a message that is not a string: the whole line is the message */
    {"{\"msg\":42}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    {"{\"message\":{\"text\":\"x\"}}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    /* time keys */
    {"{\"time\":\"2026-11-25T03:14:46Z\",\"timestamp\":\"2026-11-25T03:14:45Z\"}", LT_LEVEL_UNKNOWN,
     1795576485000, "2026-11-25T03:14:45Z", NULL, NULL, NULL},
    {"{\"ts\":1,\"time\":\"2026-11-25T03:14:45Z\"}", LT_LEVEL_UNKNOWN, 1795576485000,
     "2026-11-25T03:14:45Z", NULL, NULL, NULL},
    {"{\"@timestamp\":2,\"ts\":1.5}", LT_LEVEL_UNKNOWN, 1500, "1.5", NULL, NULL, NULL},
    {"{\"date\":3,\"@timestamp\":\"2026-11-25T05:14:45.409+02:00\"}", LT_LEVEL_UNKNOWN,
     1795576485409, "2026-11-25T05:14:45.409+02:00", NULL, NULL, NULL},
    {"{\"@t\":4,\"date\":1764040485.409917}", LT_LEVEL_INFO, 1764040485409, "1764040485.409917",
     NULL, NULL, NULL},
    {"{\"time\":1764040485}", LT_LEVEL_UNKNOWN, 1764040485000, "1764040485", NULL, NULL, NULL},
    {"{\"time\":100000000000}", LT_LEVEL_UNKNOWN, 100000000000000, "100000000000", NULL, NULL,
     NULL},
    {"{\"time\":100000000001}", LT_LEVEL_UNKNOWN, 100000000001, "100000000001", NULL, NULL, NULL},
    {"{\"time\":1764040485409123}", LT_LEVEL_UNKNOWN, 1764040485409, "1764040485409123", NULL, NULL,
     NULL},
    {"{\"time\":1764040485409123456}", LT_LEVEL_UNKNOWN, 1764040485409, "1764040485409123456", NULL,
     NULL, NULL},
    {"{\"time\":\"1764040485.5\"}", LT_LEVEL_UNKNOWN, 1764040485500, "1764040485.5", NULL, NULL,
     NULL},
    {"{\"time\":\"2026-11-25 03:14:45\"}", LT_LEVEL_UNKNOWN, 1795576485000, "2026-11-25 03:14:45",
     NULL, NULL, NULL},
    /* present but not a time: the text is kept, time_ms is none */
    {"{\"time\":\"yesterday\"}", LT_LEVEL_UNKNOWN, NONE, "yesterday", NULL, NULL, NULL},
    {"{\"time\":1.7e9}", LT_LEVEL_UNKNOWN, NONE, "1.7e9", NULL, NULL, NULL},
    {"{\"time\":null,\"ts\":1}", LT_LEVEL_UNKNOWN, 1000, "1", NULL, NULL, NULL},
    /* host keys, dotted and nested */
    {"{\"hostname\":\"b\",\"host\":\"a\"}", LT_LEVEL_UNKNOWN, NONE, NULL, "a", NULL, NULL},
    {"{\"host.name\":\"c\",\"hostname\":\"b\"}", LT_LEVEL_UNKNOWN, NONE, NULL, "b", NULL, NULL},
    {"{\"host\":{\"name\":\"c\",\"ip\":\"10.0.0.1\"}}", LT_LEVEL_UNKNOWN, NONE, NULL, "c", NULL,
     NULL},
    {"{\"host\":{\"ip\":\"10.0.0.1\"},\"hostname\":\"b\"}", LT_LEVEL_UNKNOWN, NONE, NULL, "b", NULL,
     NULL},
    {"{\"host\":7}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL, NULL},
    /* app keys */
    {"{\"service\":\"b\",\"app\":\"a\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, "a", NULL},
    {"{\"service.name\":\"c\",\"service\":\"b\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, "b", NULL},
    {"{\"service\":{\"name\":\"c\",\"version\":\"1\"}}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, "c",
     NULL},
    {"{\"logger\":\"d\",\"service.name\":\"c\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, "c", NULL},
    {"{\"ident\":\"e\",\"logger\":\"d\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, "d", NULL},
    {"{\"SYSLOG_IDENTIFIER\":\"f\",\"ident\":\"e\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, "e",
     NULL},
    {"{\"SYSLOG_IDENTIFIER\":\"f\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, "f", NULL},
    /* whitespace everywhere RFC 8259 allows it */
    {" \t\r\n{ \"level\" : \"warn\" , \"msg\" :\n\"m\" } \n", LT_LEVEL_WARNING, NONE, NULL, NULL,
     NULL, "m"},
    /* everything else that is valid JSON, skipped */
    {"{\"a\":[1,-2.5e-3,true,false,null,{\"b\":[[]]},\"\\ud800\"],\"level\":\"info\"}",
     LT_LEVEL_INFO, NONE, NULL, NULL, NULL, NULL},
    {"{\"k\\\"ey\":\"v\",\"\\u006cevel\":\"error\",\"level\":\"info\"}", LT_LEVEL_INFO, NONE, NULL,
     NULL, NULL, NULL},
    {"{\"msg\":\"h\xC3\xA9llo \xF0\x9F\x98\x80\"}", LT_LEVEL_UNKNOWN, NONE, NULL, NULL, NULL,
     "h\xC3\xA9llo \xF0\x9F\x98\x80"},
};

START_TEST(test_json_parse_samples)
{
    check_case(&sample_cases[_i]);
}
END_TEST

START_TEST(test_json_parse_level_key_priority)
{
    check_case(&priority_cases[_i]);
}
END_TEST

START_TEST(test_json_parse_level_numbers)
{
    lt_event_t ev = parse_ok(number_cases[_i].in);
    ck_assert_msg(ev.level == number_cases[_i].level, "input %s: level %s, want %s",
                  number_cases[_i].in, lt_level_name(ev.level),
                  lt_level_name(number_cases[_i].level));
}
END_TEST

START_TEST(test_json_parse_fields)
{
    check_case(&field_cases[_i]);
}
END_TEST

static void nest(char *buf, size_t depth, const char *open, const char *close)
{
    size_t o = 0;
    o += (size_t)sprintf(buf + o, "{\"a\":");
    for (size_t i = 1; i < depth; i++)
        o += (size_t)sprintf(buf + o, "%s", open);
    o += (size_t)sprintf(buf + o, "1");
    for (size_t i = 1; i < depth; i++)
        o += (size_t)sprintf(buf + o, "%s", close);
    sprintf(buf + o, "}");
}

START_TEST(test_json_parse_invalid)
{
    static const struct {
        const char *in;
        size_t n; /* 0: strlen */
    } bad[] = {
        {"", 0},
        {"   ", 0},
        {"{", 0},
        {"{\"a\"", 0},
        {"{\"a\":", 0},
        {"{\"a\":1", 0},
        {"{\"a\":1,}", 0},
        {"{,}", 0},
        {"{\"a\" 1}", 0},
        {"{a:1}", 0},
        {"{'a':1}", 0},
        {"[]", 0},
        {"[{\"a\":1}]", 0},
        {"\"str\"", 0},
        {"42", 0},
        {"true", 0},
        {"null", 0},
        {"{\"a\":1}x", 0},
        {"{\"a\":1}{\"b\":2}", 0},
        {"{\"a\":1},", 0},
        {"{\"a\":01}", 0},
        {"{\"a\":1.}", 0},
        {"{\"a\":.5}", 0},
        {"{\"a\":-}", 0},
        {"{\"a\":1e}", 0},
        {"{\"a\":+1}", 0},
        {"{\"a\":tru}", 0},
        {"{\"a\":nul}", 0},
        {"{\"a\":True}", 0},
        {"{\"a\":\"\\x\"}", 0},
        {"{\"a\":\"\\u12g4\"}", 0},
        {"{\"a\":\"\\u12\"}", 0},
        {"{\"a\":\"tab\there\"}", 0},
        {"{\"a\":\"nl\nhere\"}", 0},
        {"{\"a\":\"\xff\"}", 0},
        {"{\"a\":\"\xc0\xaf\"}", 0},
        {"{\"a\":\"\xed\xa0\x80\"}", 0},
        {"{\"a\":\"\xe2\x82\"}", 0},
        {"{\"a\":NaN}", 0},
        {"{\"a\":Infinity}", 0},
        {"{\"a\":[1,2}", 0},
        {"{\"a\":[1,2,]}", 0},
        {"{\"a\":{\"b\":1]}", 0},
        {"{\"a\":\"unterminated}", 0},
        {"{\"a\":1}}", 0},
        {"{\"a\":1\x00}", 8},
        {"{\"a\":1} \x00", 9},
        {"\x0b{\"a\":1}", 0},
        {"{\"a\"::1}", 0},
        {"{\"a\":1 \"b\":2}", 0},
        {"{\"level\":\"err\"", 0},
        {"{} {}", 0},
    };
    lt_event_t ev;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = bad[i].n ? bad[i].n : strlen(bad[i].in);
        int rc = lt_json_parse(bad[i].in, n, &ev);
        ck_assert_msg(rc == LT_PARSE_ERR(LT_REJECT_BAD_JSON), "input %s: rc %d, want bad_json",
                      show_bytes(bad[i].in, n), rc);
    }
}
END_TEST

START_TEST(test_json_parse_depth_limit)
{
    char buf[1024];
    lt_event_t ev;

    /* LT_JSON_MAX_DEPTH containers, the outer object included, are fine; one more is not. */
    nest(buf, LT_JSON_MAX_DEPTH, "[", "]");
    ck_assert_msg(lt_json_parse(buf, strlen(buf), &ev) == 0, "input %s", buf);
    nest(buf, LT_JSON_MAX_DEPTH + 1, "[", "]");
    ck_assert_msg(lt_json_parse(buf, strlen(buf), &ev) == LT_PARSE_ERR(LT_REJECT_BAD_JSON),
                  "input %s", buf);
    nest(buf, LT_JSON_MAX_DEPTH, "{\"b\":", "}");
    ck_assert_msg(lt_json_parse(buf, strlen(buf), &ev) == 0, "input %s", buf);
    nest(buf, LT_JSON_MAX_DEPTH + 1, "{\"b\":", "}");
    ck_assert_msg(lt_json_parse(buf, strlen(buf), &ev) == LT_PARSE_ERR(LT_REJECT_BAD_JSON),
                  "input %s", buf);
    /* a very deep input fails fast at the limit, without recursion */
    char *deep = malloc(100001);
    memset(deep, '[', 100000);
    deep[100000] = '\0';
    size_t end = 0;
    ck_assert_int_eq(lt_json_value_end(deep, 100000, &end), -1);
    ck_assert_uint_eq(end, LT_JSON_MAX_DEPTH);
    free(deep);
}
END_TEST

START_TEST(test_json_parse_value_end)
{
    static const struct {
        const char *in;
        size_t n; /* 0: strlen */
        int rc;
        size_t end;
    } rows[] = {
        {"{}", 0, 0, 2},
        {"  {\"a\":[1,2,{\"b\":null}]}  , next", 0, 0, 24},
        {"[{\"level\":\"info\"},{\"level\":\"err\"}]", 0, 0, 34},
        {"[1,2] [3]", 0, 0, 5},
        {"\"s\"x", 0, 0, 3},
        {"123 ", 0, 0, 3},
        {"-0.5e+3,", 0, 0, 7},
        {"0", 0, 0, 1},
        {"01", 0, 0, 1}, /* the value is "0"; what follows is the caller's */
        {"true", 0, 0, 4},
        {"nullx", 0, 0, 4},
        {"\n[ ]\n", 0, 0, 4},
        {"\"\\ud800\"", 0, 0, 8},
        /* errors: the offset of the first byte that makes it invalid */
        {"", 0, -1, 0},
        {"   ", 0, -1, 3},
        {"{", 0, -1, 1},
        {"}", 0, -1, 0},
        {"[", 0, -1, 1},
        {"{\"a\":1,}", 0, -1, 7},
        {"[1,]", 0, -1, 3},
        {"[01]", 0, -1, 2},
        {"[1 2]", 0, -1, 3},
        {"{\"a\" 1}", 0, -1, 5},
        {"{\"a\":1]", 0, -1, 6},
        {"[1}", 0, -1, 2},
        {"{1:2}", 0, -1, 1},
        {"tru", 0, -1, 3},
        {"trux", 0, -1, 3},
        {"fals", 0, -1, 4},
        {"nulL", 0, -1, 3},
        {"\"ab", 0, -1, 3},
        {"\"a\\qb\"", 0, -1, 3},
        {"\"a\\", 0, -1, 3},
        {"\"\\u12g4\"", 0, -1, 5},
        {"\"\\u12", 0, -1, 5},
        {"\"a\x01\"", 0, -1, 2},
        {"\"\xe2\x82x\"", 0, -1, 3},
        {"\"\xc0\"", 0, -1, 1},
        {"\"\xe2\x82", 0, -1, 3},
        {"-", 0, -1, 1},
        {"-x", 0, -1, 1},
        {"1.x", 0, -1, 2},
        {"1e+", 0, -1, 3},
        {"1E-x", 0, -1, 3},
        {"x", 0, -1, 0},
        {"[\x00]", 3, -1, 1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t n = rows[i].n ? rows[i].n : strlen(rows[i].in);
        size_t end = 999;
        int rc = lt_json_value_end(rows[i].in, n, &end);
        ck_assert_msg(rc == rows[i].rc && end == rows[i].end,
                      "input %s: rc %d end %zu, want %d %zu", show_bytes(rows[i].in, n), rc, end,
                      rows[i].rc, rows[i].end);
    }
}
END_TEST

START_TEST(test_json_parse_utf8_seq)
{
    static const struct {
        const char *in;
        size_t len, bad;
    } rows[] = {
        {"a", 1, 0},
        {"\xc3\xa9", 2, 0},
        {"\xe2\x9c\x93", 3, 0},
        {"\xf0\x9f\x98\x80", 4, 0},
        {"\xef\xbf\xbf", 3, 0},
        {"\xf4\x8f\xbf\xbf", 4, 0},
        {"\xee\x80\x80", 3, 0},
        {"\xc0\x80", 0, 0}, /* overlong NUL */
        {"\xc1\xbf", 0, 0},
        {"\xe0\x80\x80", 0, 1}, /* overlong */
        {"\xe0\x9f\xbf", 0, 1},
        {"\xed\xa0\x80", 0, 1}, /* surrogate */
        {"\xf0\x80\x80\x80", 0, 1},
        {"\xf4\x90\x80\x80", 0, 1}, /* past U+10FFFF */
        {"\xf5\x80\x80\x80", 0, 0},
        {"\xff", 0, 0},
        {"\x80", 0, 0},
        {"\xe2\x28\xa1", 0, 1},
        {"\xe2\x82\x28", 0, 2},
        {"\xf0\x9f\x98\x28", 0, 3},
        {"\xe2\x82", 0, 2}, /* ends inside the sequence */
        {"\xf0\x9f\x98", 0, 3},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        size_t n = strlen(rows[i].in), bad = 99;
        size_t len = lt_parse_utf8_seq(rows[i].in, n, &bad);
        ck_assert_msg(len == rows[i].len, "input %s: len %zu, want %zu", show_bytes(rows[i].in, n),
                      len, rows[i].len);
        if (len == 0)
            ck_assert_msg(bad == rows[i].bad, "input %s: bad %zu, want %zu",
                          show_bytes(rows[i].in, n), bad, rows[i].bad);
    }
}
END_TEST

static void check_json_prefix(const char *p, size_t cut, const char *in)
{
    lt_event_t ev;
    size_t end;
    int rc = lt_json_parse(p, cut, &ev);
    ck_assert_msg(rc == 0 || rc == LT_PARSE_ERR(LT_REJECT_BAD_JSON), "input %s",
                  show_bytes(in, cut));
    if (lt_json_value_end(p, cut, &end) != 0)
        ck_assert_msg(end <= cut, "input %s: end %zu", show_bytes(in, cut), end);
}

/* Every prefix of every valid case is read within bounds (ASan checks the copies) and is
 * either a valid object or bad_json. */
START_TEST(test_json_parse_prefixes_stay_in_bounds)
{
    for (int c = 0; c < ROWS(sample_cases); c++)
        each_prefix_copy(sample_cases[c].in, strlen(sample_cases[c].in), false, check_json_prefix);
    for (int c = 0; c < ROWS(field_cases); c++)
        each_prefix_copy(field_cases[c].in, strlen(field_cases[c].in), false, check_json_prefix);
}
END_TEST

static Suite *json_parse_suite(void)
{
    Suite *s = suite_create("json_parse");
    TCase *tc = tcase_create("json_parse");

    tcase_add_loop_test(tc, test_json_parse_samples, 0, ROWS(sample_cases));
    tcase_add_loop_test(tc, test_json_parse_level_key_priority, 0, ROWS(priority_cases));
    tcase_add_loop_test(tc, test_json_parse_level_numbers, 0, ROWS(number_cases));
    tcase_add_loop_test(tc, test_json_parse_fields, 0, ROWS(field_cases));
    tcase_add_test(tc, test_json_parse_invalid);
    tcase_add_test(tc, test_json_parse_depth_limit);
    tcase_add_test(tc, test_json_parse_value_end);
    tcase_add_test(tc, test_json_parse_utf8_seq);
    tcase_add_test(tc, test_json_parse_prefixes_stay_in_bounds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(json_parse_suite());
}
