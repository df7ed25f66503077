/* SPDX-License-Identifier: MIT */
/* Fuzz harness for src/json_parse.c: lt_json_parse and lt_json_value_end on any bytes. The
 * two must agree: whatever lt_json_parse accepts is one object, so lt_json_value_end must
 * find a value that, with trailing whitespace, consumes the whole input; and no accepted
 * event's slice may point outside the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lt_parse.h"

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_json_parse: invariant broken: %s\n", what);
    abort();
}

static void check_slice(lt_slice_t s, const char *p, size_t n, const char *name)
{
    if (s.n == 0)
        return;
    if (s.p == NULL || s.p < p || s.n > n || s.p + s.n > p + n)
        fail(name);
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p = malloc(size > 0 ? size : 1);
    memcpy(p, data, size);

    size_t end = (size_t)-1;
    int vrc = lt_json_value_end(p, size, &end);
    if (vrc != 0 && vrc != -1)
        fail("lt_json_value_end returned neither 0 nor -1");
    if (end > size)
        fail("lt_json_value_end offset past the input");
    if (vrc == 0 && end == 0)
        fail("lt_json_value_end accepted an empty value");

    lt_event_t ev;
    memset(&ev, 0, sizeof(ev));
    int rc = lt_json_parse(p, size, &ev);
    if (rc == 0) {
        if (vrc != 0)
            fail("lt_json_parse accepted what lt_json_value_end refuses");
        size_t i = end;
        while (i < size && is_ws(p[i]))
            i++;
        if (i != size)
            fail("lt_json_parse accepted more than one value");
        size_t first = 0;
        while (first < size && is_ws(p[first]))
            first++;
        if (first == size || p[first] != '{')
            fail("lt_json_parse accepted something that is not an object");
        if ((int)ev.level < 0 || ev.level >= LT_LEVEL_COUNT)
            fail("level out of range");
        check_slice(ev.host, p, size, "host outside the input");
        check_slice(ev.app, p, size, "app outside the input");
        check_slice(ev.msg, p, size, "msg outside the input");
        check_slice(ev.timestamp, p, size, "timestamp outside the input");
    } else if (LT_PARSE_REJECT(rc) != LT_REJECT_BAD_JSON) {
        fail("lt_json_parse rejected for an unexpected reason");
    }
    free(p);
    return 0;
}
