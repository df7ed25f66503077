/* SPDX-License-Identifier: MIT */
/* Runs the real-world corpus of tests/data/ (format in tests/data/README.md) through
 * lt_parse_message: each line names the level (or rejection), app and host it must give.
 * Every mismatch is printed as file:line with the message before the test fails. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt_parse.h"
#include "show_bytes.h"
#include "check_run.h"

#define NOW_S            1795579200LL /* 2026-11-25T04:00:00Z, as tests/data/README.md says */
#define MIN_CORPUS_LINES 60

static const char *const files[] = {
    "logger.txt",   "rsyslog.txt",   "loggen.txt",         "cisco.txt",     "fortinet.txt",
    "ubiquiti.txt", "json-pino.txt", "json-fluentbit.txt", "json-misc.txt", "malformed.txt",
};
#define FILE_COUNT ((int)(sizeof(files) / sizeof(files[0])))

static const char *datadir(void)
{
    const char *d = getenv("LT_DATADIR");
    return d != NULL && *d != '\0' ? d : "tests/data";
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes the corpus escapes in place; returns the decoded length. */
static size_t unescape(char *s, size_t n)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            s[o++] = s[i];
            continue;
        }
        char c = s[i + 1];
        if (c == 't' || c == 'n' || c == 'r' || c == '\\') {
            s[o++] = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : '\\';
            i++;
        } else if (c == 'x' && i + 3 < n && hex(s[i + 2]) >= 0 && hex(s[i + 3]) >= 0) {
            s[o++] = (char)(hex(s[i + 2]) * 16 + hex(s[i + 3]));
            i += 3;
        } else {
            s[o++] = s[i];
        }
    }
    return o;
}

static bool slice_is(lt_slice_t s, const char *want, size_t wn)
{
    if (wn == 1 && want[0] == '-')
        wn = 0;
    return s.n == wn && (wn == 0 || memcmp(s.p, want, wn) == 0);
}

/* Checks one corpus line; prints and returns false on a mismatch. */
static bool check_line(const char *file, int lineno, char *line, size_t len)
{
    char *col[4];
    size_t coln[4];
    char *p = line, *end = line + len;
    lt_event_t ev;

    for (int c = 0; c < 3; c++) {
        char *tab = memchr(p, '\t', (size_t)(end - p));
        if (tab == NULL) {
            fprintf(stderr, "%s:%d: fewer than four TAB-separated columns\n", file, lineno);
            return false;
        }
        col[c] = p;
        coln[c] = unescape(p, (size_t)(tab - p));
        p = tab + 1;
    }
    col[3] = p;
    coln[3] = unescape(p, (size_t)(end - p));

    int rc = lt_parse_message(col[3], coln[3], NOW_S, &ev);
    char got[64], want[64];
    snprintf(want, sizeof(want), "%.*s", (int)coln[0], col[0]);
    if (rc != 0)
        snprintf(got, sizeof(got), "reject:%s", lt_reject_name(LT_PARSE_REJECT(rc)));
    else
        snprintf(got, sizeof(got), "%s", lt_level_name(ev.level));

    bool ok = strcmp(got, want) == 0;
    if (ok && rc == 0)
        ok = slice_is(ev.app, col[1], coln[1]) && slice_is(ev.host, col[2], coln[2]);
    if (!ok) {
        fprintf(stderr, "%s:%d: want %s app \"%.*s\" host \"%.*s\"; got %s", file, lineno, want,
                (int)coln[1], col[1], (int)coln[2], col[2], got);
        if (rc == 0)
            fprintf(stderr, " app \"%.*s\" host \"%.*s\"", (int)ev.app.n, ev.app.p ? ev.app.p : "",
                    (int)ev.host.n, ev.host.p ? ev.host.p : "");
        fprintf(stderr, "\n    message: %s\n", show_bytes(col[3], coln[3]));
    }
    return ok;
}

/* Returns the number of corpus lines in the file; when failures is not NULL, checks each
 * line and counts the mismatches there. */
static int run_file(const char *name, int *failures)
{
    char path[4096];
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, lines = 0;

    snprintf(path, sizeof(path), "%s/%s", datadir(), name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s (set LT_DATADIR to the tests/data directory)", path);
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (len == 0 || line[0] == '#')
            continue;
        lines++;
        if (failures != NULL && !check_line(path, lineno, line, (size_t)len))
            (*failures)++;
    }
    free(line);
    fclose(f);
    return lines;
}

START_TEST(test_corpus_file)
{
    int failures = 0;
    int lines = run_file(files[_i], &failures);

    ck_assert_msg(lines > 0, "%s/%s has no corpus lines", datadir(), files[_i]);
    ck_assert_msg(failures == 0, "%d of %d lines of %s/%s failed (see above)", failures, lines,
                  datadir(), files[_i]);
}
END_TEST

START_TEST(test_corpus_is_large_enough)
{
    int lines = 0;

    for (int i = 0; i < FILE_COUNT; i++)
        lines += run_file(files[i], NULL);
    ck_assert_msg(lines >= MIN_CORPUS_LINES, "only %d corpus lines, want at least %d", lines,
                  MIN_CORPUS_LINES);
}
END_TEST

static Suite *corpus_suite(void)
{
    Suite *s = suite_create("corpus");
    TCase *tc = tcase_create("corpus");

    tcase_add_loop_test(tc, test_corpus_file, 0, FILE_COUNT);
    tcase_add_test(tc, test_corpus_is_large_enough);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(corpus_suite());
}
