/* SPDX-License-Identifier: MIT */
/* Tests for src/web.c: HTML escaping, and the page filled from /api/v1/stats and
 * /api/v1/events documents (every marker replaced, values escaped, the ranking of top apps). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lt_level.h"
#include "lt_ring.h"
#include "lt_web.h"
#include "check_run.h"

static char *escape(const char *p, size_t n)
{
    static lt_strbuf_t out;
    lt_strbuf_free(&out);
    lt_strbuf_puts(&out, "");
    lt_web_append_html(&out, p, n);
    return out.p;
}

#define ASSERT_HAS(text, needle)                                                                   \
    ck_assert_msg(strstr((text), (needle)) != NULL, "missing '%s' in:\n%.3000s", (needle), (text))
#define ASSERT_LACKS(text, needle)                                                                 \
    ck_assert_msg(strstr((text), (needle)) == NULL, "unexpected '%s' in:\n%.3000s", (needle), (text))

START_TEST(test_web_escapes_markup_and_quotes)
{
    const char *in = "<script>alert('x')</script> & \"q\"";
    ck_assert_str_eq(escape(in, strlen(in)),
                     "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    ck_assert_str_eq(escape("plain ok", 8), "plain ok");
    ck_assert_str_eq(escape("", 0), "");
}
END_TEST

START_TEST(test_web_escapes_controls_and_bad_utf8)
{
    /* NUL, ESC and DEL become U+FFFD; tab and newline stay; an invalid byte becomes U+FFFD;
     * valid UTF-8 passes through. */
    const char in[] = "a\0b\x1b[31m\tc\nd\x7f\xff\xc3\xa9";
    ck_assert_str_eq(escape(in, sizeof(in) - 1),
                     "a\xef\xbf\xbd"
                     "b\xef\xbf\xbd[31m\tc\nd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9");
}
END_TEST

static const char *stats_json =
    "{\"version\":\"0.1.0<x>\",\"start_time\":1764040485.000,\"uptime_s\":10.500,"
    "\"events_total\":7,\"levels\":{\"emerg\":0,\"alert\":0,\"crit\":1,\"err\":4,\"warning\":0,"
    "\"notice\":0,\"info\":2,\"debug\":0,\"unknown\":0},"
    "\"rates\":{\"1m\":{\"err\":0.4},\"5m\":{\"err\":0.125},\"15m\":{}},"
    "\"rejected_total\":3,\"rejected\":{\"tcp\":{\"bad_frame\":2},\"http\":{\"bad_json\":1}},"
    "\"udp\":{\"dropped\":5},\"series\":{\"overflow_events\":6},\"ring\":{\"overwritten\":8},"
    "\"by\":{\"app\":{\"<script>evil</script>\":{\"err\":4},\"cron\":{\"info\":2},"
    "\"db\":{\"crit\":1,\"info\":0}}}}";

static const char *events_json =
    "{\"events\":[{\"seq\":9,\"received\":\"2025-11-25T03:14:45.123Z\",\"level\":\"err\","
    "\"host\":\"<b>h</b>\",\"app\":\"a&b\",\"message\":\"<img src=x onerror=alert(1)>\","
    "\"truncated\":true}],\"count\":1}";

static char *render(const char *stats, const char *events, const lt_ring_filter_t *f)
{
    static lt_strbuf_t out;
    lt_strbuf_free(&out);
    lt_web_render_page(stats, events, f, &out);
    ck_assert_ptr_nonnull(out.p);
    return out.p;
}

START_TEST(test_web_page_fills_every_marker)
{
    lt_ring_filter_t f;
    lt_ring_filter_init(&f);
    f.min_level = LT_LEVEL_ERR;
    const char *page = render(stats_json, events_json, &f);

    ASSERT_LACKS(page, "<!--lt:");
    ck_assert_msg(strncmp(page, "<!DOCTYPE html>", 15) == 0, "page starts %.40s", page);
    ASSERT_HAS(page, "</html>");
    ASSERT_HAS(page, "<span id=\"version\">0.1.0&lt;x&gt;</span>");
    ASSERT_HAS(page, "snapshot at 2025-11-25T03:14:55.500Z");
    ASSERT_HAS(page, "<tr data-level=\"err\" class=\"lv-err\"><th><span class=\"sw\"></span>err</th>"
                     "<td class=\"n total\">4</td><td class=\"n r1m\">0.40</td>"
                     "<td class=\"n r5m\">0.12</td><td class=\"n r15m\">0.00</td></tr>");
    ASSERT_HAS(page, "id=\"events-total\">7<");
    ASSERT_HAS(page, "id=\"udp-dropped\">5<");
    ASSERT_HAS(page, "id=\"rejected-total\">3<");
    ASSERT_HAS(page, "id=\"rejected-detail\">tcp bad_frame 2, http bad_json 1<");
    ASSERT_HAS(page, "id=\"ring-overwritten\">8<");
    ASSERT_HAS(page, "id=\"series-overflow\">6<");
    ASSERT_HAS(page, "<option value=\"err\" selected>err and worse</option>");
    ASSERT_HAS(page, "<option value=\"unknown\">unknown (all)</option>");
    ASSERT_HAS(page, "value=\"\" size=\"14\"");
}
END_TEST

START_TEST(test_web_page_escapes_values_from_logs)
{
    lt_ring_filter_t f;
    lt_ring_filter_init(&f);
    f.app = (lt_slice_t){"\"><script>", 10};
    const char *page = render(stats_json, events_json, &f);

    ASSERT_HAS(page, "<tr class=\"lv-err\" data-seq=\"9\"><td class=\"t\">2025-11-25T03:14:45.123Z"
                     "</td><td class=\"lv\"><span class=\"sw\"></span>err</td><td>&lt;b&gt;h&lt;/b&gt;"
                     "</td><td>a&amp;b</td><td class=\"msg\">&lt;img src=x onerror=alert(1)&gt; [cut]"
                     "</td></tr>");
    ASSERT_HAS(page, "<td class=\"name\">&lt;script&gt;evil&lt;/script&gt;</td>");
    ASSERT_HAS(page, "value=\"&quot;&gt;&lt;script&gt;\"");
    ASSERT_LACKS(page, "<script>evil");
    ASSERT_LACKS(page, "<img");
    ASSERT_LACKS(page, "<b>h");
}
END_TEST

START_TEST(test_web_page_top_ranking_and_label_off)
{
    lt_ring_filter_t f;
    lt_ring_filter_init(&f);
    const char *page = render(stats_json, events_json, &f);

    /* Most events first; equal totals by name. err-and-worse counts crit and err. */
    const char *evil = strstr(page, "&lt;script&gt;evil");
    const char *cron = strstr(page, "<td class=\"name\">cron</td><td class=\"n\">2</td>"
                                    "<td class=\"n\">0</td>");
    const char *db = strstr(page, "<td class=\"name\">db</td><td class=\"n\">1</td>"
                                  "<td class=\"n\">1</td>");
    ck_assert_msg(evil != NULL && cron != NULL && db != NULL && evil < cron && cron < db,
                  "top apps out of order:\n%.3000s", strstr(page, "top-app"));
    ASSERT_HAS(page, "the host label is off");
}
END_TEST

START_TEST(test_web_page_survives_bad_documents)
{
    lt_ring_filter_t f;
    lt_ring_filter_init(&f);
    const char *page = render("not json", "{\"events\":5}", &f);

    ASSERT_LACKS(page, "<!--lt:");
    ASSERT_HAS(page, "<td class=\"n total\">0</td>");
    ASSERT_HAS(page, "no events match");
    ASSERT_HAS(page, "the app label is off");
}
END_TEST

static Suite *web_suite(void)
{
    Suite *s = suite_create("web");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_web_escapes_markup_and_quotes);
    tcase_add_test(tc, test_web_escapes_controls_and_bad_utf8);
    tcase_add_test(tc, test_web_page_fills_every_marker);
    tcase_add_test(tc, test_web_page_escapes_values_from_logs);
    tcase_add_test(tc, test_web_page_top_ranking_and_label_off);
    tcase_add_test(tc, test_web_page_survives_bad_documents);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(web_suite());
}
