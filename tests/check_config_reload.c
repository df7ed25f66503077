/* SPDX-License-Identifier: MIT */
/* Tests for src/config_reload.c: the diff names exactly the keys that changed, with their old
 * and new values, and the reloadable list and the fields it copies agree with the key names
 * lt_config_to_json writes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_alloc.h"
#include "lt_config.h"
#include "lt_config_reload.h"

typedef struct {
    char text[2048];
    int calls;
} record_t;

static void record(void *arg, const char *key, const char *old_value, const char *new_value)
{
    record_t *r = arg;
    size_t off = strlen(r->text);
    snprintf(r->text + off, sizeof(r->text) - off, "%s: %s -> %s\n", key, old_value, new_value);
    r->calls++;
}

START_TEST(test_config_reload_identical_has_no_diff)
{
    lt_config_t a, b;
    record_t r = {"", 0};
    lt_config_defaults(&a);
    lt_config_defaults(&b);
    ck_assert_uint_eq(lt_config_diff(&a, &b, record, &r), 0);
    ck_assert_int_eq(r.calls, 0);
}
END_TEST

START_TEST(test_config_reload_diff_names_keys_and_values)
{
    lt_config_t a, b;
    record_t r = {"", 0};
    lt_config_defaults(&a);
    lt_config_defaults(&b);
    ck_assert_int_eq(lt_config_add_listener(&b, "tcp", "127.0.0.1:6000", true), 0);
    b.max_series = 42;
    b.is_http_ingest_enabled = false;
    b.ring_min_level = LT_LEVEL_ERR;
    ck_assert_uint_eq(lt_config_diff(&a, &b, record, &r), 4);
    ck_assert_int_eq(r.calls, 4);
    /* In the file's key order. */
    ck_assert_str_eq(r.text, "listen.tcp: [\"127.0.0.1:5514\"] -> [\"127.0.0.1:6000\"]\n"
                             "limits.max_series: 10000 -> 42\n"
                             "ring.min_level: \"warning\" -> \"err\"\n"
                             "http.ingest: true -> false\n");
    ck_assert_uint_eq(lt_config_diff(&a, &b, NULL, NULL), 4);
}
END_TEST

START_TEST(test_config_reload_reloadable_keys)
{
    ck_assert(lt_config_is_reloadable("http.ingest"));
    ck_assert(lt_config_is_reloadable("http.max_connections"));
    ck_assert(lt_config_is_reloadable("http.max_header_bytes"));
    ck_assert(lt_config_is_reloadable("http.max_body_bytes"));
    ck_assert(lt_config_is_reloadable("http.request_timeout_s"));
    ck_assert(lt_config_is_reloadable("http.auth_token_file"));
    ck_assert(lt_config_is_reloadable("limits.max_series"));
    ck_assert(lt_config_is_reloadable("limits.max_connections"));
    ck_assert(lt_config_is_reloadable("limits.idle_timeout_s"));
    ck_assert(lt_config_is_reloadable("max_message_bytes"));
    ck_assert(lt_config_is_reloadable("labels"));
    ck_assert(lt_config_is_reloadable("udp.rcvbuf_bytes"));
    ck_assert(lt_config_is_reloadable("ring.slots"));
    ck_assert(lt_config_is_reloadable("ring.max_message_bytes"));
    ck_assert(lt_config_is_reloadable("ring.min_level"));
    ck_assert(!lt_config_is_reloadable("limits"));
    ck_assert(lt_config_is_reloadable("listen.http"));
    ck_assert(lt_config_is_reloadable("listen.tcp"));
    ck_assert(lt_config_is_reloadable("listen.udp"));
    ck_assert(!lt_config_is_reloadable("listen"));
    ck_assert(!lt_config_is_reloadable("workers"));
    ck_assert(!lt_config_is_reloadable("http"));
    ck_assert(!lt_config_is_reloadable(""));
}
END_TEST

/* Every reloadable key is a key the diff reports, and applying copies exactly those fields. */
START_TEST(test_config_reload_apply_copies_only_reloadable)
{
    lt_config_t running, file;
    record_t r = {"", 0};
    lt_config_defaults(&running);
    lt_config_defaults(&file);
    file.is_http_ingest_enabled = false;
    file.http_max_connections = 7;
    file.http_max_header_bytes = 2048;
    file.http_max_body_bytes = 4096;
    file.http_request_timeout_s = 5;
    snprintf(file.http_auth_token_file, sizeof(file.http_auth_token_file), "/etc/logtally/token");
    file.max_series = 99;
    file.idle_timeout_s = 9;
    file.labels |= LT_LABEL_APP;
    file.ring_slots = 5;
    file.workers = 3;
    file.tcp_count = 0;
    ck_assert_uint_eq(lt_config_diff(&running, &file, record, &r), 12);
    ck_assert_msg(strstr(r.text, "http.auth_token_file: \"\" -> \"/etc/logtally/token\"\n") != NULL,
                  "diff: %s", r.text);

    lt_config_apply_reloadable(&running, &file);
    ck_assert(!running.is_http_ingest_enabled);
    ck_assert_uint_eq(running.http_max_connections, 7);
    ck_assert_uint_eq(running.http_max_header_bytes, 2048);
    ck_assert_uint_eq(running.http_max_body_bytes, 4096);
    ck_assert_uint_eq(running.http_request_timeout_s, 5);
    ck_assert_str_eq(running.http_auth_token_file, "/etc/logtally/token");
    ck_assert_uint_eq(running.max_series, 99);
    ck_assert_uint_eq(running.idle_timeout_s, 9);
    ck_assert_uint_eq(running.labels, file.labels);
    ck_assert_uint_eq(running.ring_slots, 5);
    ck_assert_uint_eq(running.workers, 0);
    ck_assert_uint_eq(running.tcp_count, 0);

    r = (record_t){"", 0};
    ck_assert_uint_eq(lt_config_diff(&running, &file, record, &r), 1);
    ck_assert_str_eq(r.text, "workers: 0 -> 3\n");
}
END_TEST

static Suite *config_reload_suite(void)
{
    Suite *s = suite_create("config_reload");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_config_reload_identical_has_no_diff);
    tcase_add_test(tc, test_config_reload_diff_names_keys_and_values);
    tcase_add_test(tc, test_config_reload_reloadable_keys);
    tcase_add_test(tc, test_config_reload_apply_copies_only_reloadable);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    lt_alloc_install();
    SRunner *sr = srunner_create(config_reload_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
