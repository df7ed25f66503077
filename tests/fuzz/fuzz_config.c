/* SPDX-License-Identifier: MIT */
/* Fuzz harness for src/config.c: lt_config_load_string over the defaults with any bytes.
 * A config that loads must survive the round trip the daemon promises (--print-config output
 * loads back to the same settings): its lt_config_to_json loads into fresh defaults and
 * prints identically. A config that fails must leave the struct unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lt_alloc.h"
#include "lt_config.h"
#include "lt_log.h"

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_config: invariant broken: %s\n", what);
    abort();
}

/* The loader logs one line per error; the fuzzer would spend its time printing them. */
static void quiet(void *arg, int prio, const char *line)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    lt_alloc_install();
    lt_log_set_sink(quiet, NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lt_config_t c, before;
    lt_config_defaults(&c);
    memcpy(&before, &c, sizeof(c));
    int rc = lt_config_load_string(&c, (const char *)data, size, "fuzz");
    if (rc != 0) {
        if (rc > 0)
            fail("positive error code");
        if (memcmp(&c, &before, sizeof(c)) != 0)
            fail("a failed load changed the config");
        return 0;
    }
    char *json = lt_config_to_json(&c);
    lt_config_t back;
    lt_config_defaults(&back);
    if (lt_config_load_string(&back, json, strlen(json), "round trip") != 0) {
        fprintf(stderr, "%s\n", json);
        fail("lt_config_to_json output does not load");
    }
    char *json2 = lt_config_to_json(&back);
    if (strcmp(json, json2) != 0) {
        fprintf(stderr, "%s\n---\n%s\n", json, json2);
        fail("lt_config_to_json output does not load back to the same config");
    }
    lt_free(json2);
    lt_free(json);
    return 0;
}
