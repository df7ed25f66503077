/* SPDX-License-Identifier: MIT */
/* Fuzz harness for src/syslog_parse.c and the format dispatch of src/parse.c: any bytes go
 * through lt_syslog_parse and lt_parse_message at three "now"s (epoch, the corpus date, far
 * future). Checked: the result is 0 or a known rejection, and every slice of an accepted
 * event lies inside the input (the parsers are zero-copy). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lt_parse.h"

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_syslog_parse: invariant broken: %s\n", what);
    abort();
}

/* Empty slices may point anywhere (often at a static ""); others must lie in p[0..n). */
static void check_slice(lt_slice_t s, const char *p, size_t n, const char *name)
{
    if (s.n == 0)
        return;
    if (s.p == NULL || s.p < p || s.n > n || s.p + s.n > p + n)
        fail(name);
}

static void check_result(int rc, const lt_event_t *ev, const char *p, size_t n)
{
    if (rc != 0) {
        if (rc > 0 || LT_PARSE_REJECT(rc) >= LT_REJECT_COUNT)
            fail("unknown return code");
        return;
    }
    if ((int)ev->level < 0 || ev->level >= LT_LEVEL_COUNT)
        fail("level out of range");
    check_slice(ev->timestamp, p, n, "timestamp outside the input");
    check_slice(ev->host, p, n, "host outside the input");
    check_slice(ev->app, p, n, "app outside the input");
    check_slice(ev->procid, p, n, "procid outside the input");
    check_slice(ev->msgid, p, n, "msgid outside the input");
    check_slice(ev->sd, p, n, "sd outside the input");
    check_slice(ev->msg, p, n, "msg outside the input");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t nows[] = {0, 1795579200LL, 253402300799LL};
    /* An exact-size copy: a read one past the end is an ASan report. */
    char *p = malloc(size > 0 ? size : 1);
    memcpy(p, data, size);
    for (size_t i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
        lt_event_t ev;
        memset(&ev, 0, sizeof(ev));
        check_result(lt_syslog_parse(p, size, nows[i], &ev), &ev, p, size);
        memset(&ev, 0, sizeof(ev));
        check_result(lt_parse_message(p, size, nows[i], &ev), &ev, p, size);
    }
    free(p);
    return 0;
}
