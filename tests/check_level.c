/* SPDX-License-Identifier: MIT */
/* Tests for src/level.c: the names, the string table row by row in three spellings, and
 * every number scheme value by value. The expected table is written out here, not taken from
 * the X-macro, so a change to the mapping has to be made twice on purpose. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_level.h"
#include "check_run.h"

static const struct {
    const char *s;
    lt_level_t level;
} table[] = {
    {"emerg", LT_LEVEL_EMERG},      {"emergency", LT_LEVEL_EMERG},    {"panic", LT_LEVEL_EMERG},
    {"alert", LT_LEVEL_ALERT},      {"crit", LT_LEVEL_CRIT},          {"critical", LT_LEVEL_CRIT},
    {"fatal", LT_LEVEL_CRIT},       {"dpanic", LT_LEVEL_CRIT},        {"err", LT_LEVEL_ERR},
    {"error", LT_LEVEL_ERR},        {"eror", LT_LEVEL_ERR},           {"warn", LT_LEVEL_WARNING},
    {"warning", LT_LEVEL_WARNING},  {"notice", LT_LEVEL_NOTICE},      {"info", LT_LEVEL_INFO},
    {"information", LT_LEVEL_INFO}, {"informational", LT_LEVEL_INFO}, {"default", LT_LEVEL_INFO},
    {"debug", LT_LEVEL_DEBUG},      {"trace", LT_LEVEL_DEBUG},        {"verbose", LT_LEVEL_DEBUG},
    {"fine", LT_LEVEL_DEBUG},       {"finer", LT_LEVEL_DEBUG},        {"finest", LT_LEVEL_DEBUG},
};
#define TABLE_ROWS ((int)(sizeof(table) / sizeof(table[0])))

static void check_spelling(const char *s, lt_level_t want)
{
    lt_level_t got = lt_level_from_string(s, strlen(s));
    ck_assert_msg(got == want, "lt_level_from_string(\"%s\") = %s, want %s", s, lt_level_name(got),
                  lt_level_name(want));
}

/* One loop iteration per row of the table: lower, UPPER and Capitalised. */
START_TEST(test_level_from_string_row)
{
    char buf[32];
    const char *s = table[_i].s;
    size_t n = strlen(s);

    check_spelling(s, table[_i].level);
    for (size_t k = 0; k <= n; k++)
        buf[k] = (s[k] >= 'a' && s[k] <= 'z') ? (char)(s[k] - 'a' + 'A') : s[k];
    check_spelling(buf, table[_i].level);
    memcpy(buf, s, n + 1);
    buf[0] = (char)(buf[0] - 'a' + 'A');
    check_spelling(buf, table[_i].level);
}
END_TEST

START_TEST(test_level_from_string_table_is_complete)
{
    int aliases = 0;
#define COUNT(e, s) aliases++;
    LT_LEVEL_ALIAS_MAP(COUNT)
#undef COUNT
    ck_assert_int_eq(aliases, TABLE_ROWS);
    check_spelling("wArNiNg", LT_LEVEL_WARNING);
}
END_TEST

START_TEST(test_level_from_string_unknown)
{
    static const char *const unknown[] = {
        "",
        "e",
        "warnings",
        "informationall",
        "informationalx",
        " info",
        "info ",
        "err\n",
        "unknown",
        "notset",
        "success",
        "3",
        "debug2",
        "inf",
        "informationalinformational",
    };
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        check_spelling(unknown[i], LT_LEVEL_UNKNOWN);
    ck_assert_int_eq(lt_level_from_string(NULL, 0), LT_LEVEL_UNKNOWN);
    /* The length is what counts, not a NUL: "errorX" cut to 5 bytes is "error". */
    ck_assert_int_eq(lt_level_from_string("errorX", 5), LT_LEVEL_ERR);
    ck_assert_int_eq(lt_level_from_string("err", 2), LT_LEVEL_UNKNOWN);
}
END_TEST

START_TEST(test_level_names)
{
    static const char *const names[] = {"emerg",  "alert", "crit",  "err",    "warning",
                                        "notice", "info",  "debug", "unknown"};
    ck_assert_int_eq(LT_LEVEL_COUNT, 9);
    for (int l = 0; l < LT_LEVEL_COUNT; l++) {
        ck_assert_str_eq(lt_level_name((lt_level_t)l), names[l]);
        ck_assert_int_eq(lt_level_parse(names[l], strlen(names[l])), l);
    }
}
END_TEST

START_TEST(test_level_parse_is_exact)
{
    static const char *const bad[] = {"error", "ERR",  "Err", "warn",
                                      "",      "errx", "er",  "information"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(lt_level_parse(bad[i], strlen(bad[i])) == -1, "lt_level_parse(\"%s\")",
                      bad[i]);
    ck_assert_int_eq(lt_level_parse("errx", 3), LT_LEVEL_ERR);
}
END_TEST

START_TEST(test_level_from_severity)
{
    for (int s = 0; s <= 7; s++)
        ck_assert_int_eq(lt_level_from_severity(s), s);
    ck_assert_int_eq(lt_level_from_severity(0), LT_LEVEL_EMERG);
    ck_assert_int_eq(lt_level_from_severity(3), LT_LEVEL_ERR);
    ck_assert_int_eq(lt_level_from_severity(7), LT_LEVEL_DEBUG);
    ck_assert_int_eq(lt_level_from_severity(-1), LT_LEVEL_UNKNOWN);
    ck_assert_int_eq(lt_level_from_severity(8), LT_LEVEL_UNKNOWN);
    ck_assert_int_eq(lt_level_from_severity(191), LT_LEVEL_UNKNOWN);
}
END_TEST

/* Expected level for every value from -2 to 70 in each scheme. */
static lt_level_t expected_number(lt_level_scheme_t scheme, int v)
{
    switch (scheme) {
    case LT_LEVEL_NUM_SYSLOG:
        return v >= 0 && v <= 7 ? (lt_level_t)v : LT_LEVEL_UNKNOWN;
    case LT_LEVEL_NUM_PINO:
        return v == 10 || v == 20 ? LT_LEVEL_DEBUG
               : v == 30          ? LT_LEVEL_INFO
               : v == 40          ? LT_LEVEL_WARNING
               : v == 50          ? LT_LEVEL_ERR
               : v == 60          ? LT_LEVEL_CRIT
                                  : LT_LEVEL_UNKNOWN;
    case LT_LEVEL_NUM_PYTHON:
        return v == 10   ? LT_LEVEL_DEBUG
               : v == 20 ? LT_LEVEL_INFO
               : v == 30 ? LT_LEVEL_WARNING
               : v == 40 ? LT_LEVEL_ERR
               : v == 50 ? LT_LEVEL_CRIT
                         : LT_LEVEL_UNKNOWN;
    case LT_LEVEL_NUM_OTEL:
        return v >= 1 && v <= 4     ? LT_LEVEL_DEBUG /* TRACE */
               : v >= 5 && v <= 8   ? LT_LEVEL_DEBUG
               : v >= 9 && v <= 12  ? LT_LEVEL_INFO
               : v >= 13 && v <= 16 ? LT_LEVEL_WARNING
               : v >= 17 && v <= 20 ? LT_LEVEL_ERR
               : v >= 21 && v <= 24 ? LT_LEVEL_CRIT
                                    : LT_LEVEL_UNKNOWN;
    }
    return LT_LEVEL_UNKNOWN;
}

START_TEST(test_level_from_number_schemes)
{
    static const char *const scheme_names[] = {"syslog", "pino", "python", "otel"};
    for (int s = LT_LEVEL_NUM_SYSLOG; s <= LT_LEVEL_NUM_OTEL; s++) {
        for (int v = -2; v <= 70; v++) {
            lt_level_t got = lt_level_from_number((lt_level_scheme_t)s, v);
            lt_level_t want = expected_number((lt_level_scheme_t)s, v);
            ck_assert_msg(got == want, "lt_level_from_number(%s, %d) = %s, want %s",
                          scheme_names[s], v, lt_level_name(got), lt_level_name(want));
        }
        ck_assert_int_eq(lt_level_from_number((lt_level_scheme_t)s, INT64_MAX), LT_LEVEL_UNKNOWN);
        ck_assert_int_eq(lt_level_from_number((lt_level_scheme_t)s, INT64_MIN), LT_LEVEL_UNKNOWN);
    }
    /* Spot checks written the way the docs say them. */
    ck_assert_int_eq(lt_level_from_number(LT_LEVEL_NUM_PINO, 20), LT_LEVEL_DEBUG);
    ck_assert_int_eq(lt_level_from_number(LT_LEVEL_NUM_PYTHON, 20), LT_LEVEL_INFO);
    ck_assert_int_eq(lt_level_from_number(LT_LEVEL_NUM_OTEL, 17), LT_LEVEL_ERR);
    ck_assert_int_eq(lt_level_from_number(LT_LEVEL_NUM_OTEL, 24), LT_LEVEL_CRIT);
    ck_assert_int_eq(lt_level_from_number(LT_LEVEL_NUM_OTEL, 0), LT_LEVEL_UNKNOWN);
    ck_assert_int_eq(lt_level_from_number(LT_LEVEL_NUM_OTEL, 25), LT_LEVEL_UNKNOWN);
}
END_TEST

START_TEST(test_level_facility_names)
{
    static const char *const names[] = {
        "kern",   "user",   "mail",     "daemon", "auth",   "syslog",   "lpr",     "news",
        "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "security", "console", "solaris-cron",
        "local0", "local1", "local2",   "local3", "local4", "local5",   "local6",  "local7",
    };
    ck_assert_int_eq(LT_FACILITY_COUNT, 24);
    for (int f = 0; f < LT_FACILITY_COUNT; f++)
        ck_assert_str_eq(lt_facility_name(f), names[f]);
    ck_assert_ptr_null(lt_facility_name(-1));
    ck_assert_ptr_null(lt_facility_name(LT_FACILITY_NONE));
    ck_assert_ptr_null(lt_facility_name(24));
}
END_TEST

static Suite *level_suite(void)
{
    Suite *s = suite_create("level");
    TCase *tc = tcase_create("level");

    tcase_add_loop_test(tc, test_level_from_string_row, 0, TABLE_ROWS);
    tcase_add_test(tc, test_level_from_string_table_is_complete);
    tcase_add_test(tc, test_level_from_string_unknown);
    tcase_add_test(tc, test_level_names);
    tcase_add_test(tc, test_level_parse_is_exact);
    tcase_add_test(tc, test_level_from_severity);
    tcase_add_test(tc, test_level_from_number_schemes);
    tcase_add_test(tc, test_level_facility_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(level_suite());
}
