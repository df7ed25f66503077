/* SPDX-License-Identifier: MIT */
/* The libFuzzer entry points every harness in tests/fuzz/ defines, declared once for the
 * harnesses and for replay.c, the plain main() that replays the corpus without libFuzzer. */
#ifndef LT_FUZZ_H
#define LT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input; aborts (or trips a sanitizer) when an invariant breaks. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Optional one-time setup; harnesses that need none do not define it. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#endif
