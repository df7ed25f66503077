/* SPDX-License-Identifier: MIT */
/* A plain main() for the fuzz harnesses, so that every build (plain, ASan, TSan) replays the
 * checked-in corpus without libFuzzer: each file of $LT_FUZZ_CORPUS/<name>/ (name from the
 * program's own name, replay_<name>), or each file given as an argument, goes through
 * LLVMFuzzerTestOneInput once. The file about to run is printed, so a crash names its input. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Corpus files are minimized and small; anything larger is a wrong path. */
#define MAX_INPUT_BYTES (1u << 20)

static int replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    uint8_t *buf = malloc(MAX_INPUT_BYTES);
    size_t n = buf != NULL ? fread(buf, 1, MAX_INPUT_BYTES, fp) : 0;
    int bad = buf == NULL || ferror(fp) || !feof(fp);
    fclose(fp);
    if (bad) {
        fprintf(stderr, "replay: %s: unreadable or over %u bytes\n", path, MAX_INPUT_BYTES);
        free(buf);
        return -1;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
    /* A copy of exactly n bytes, so ASan sees any read past the input's end. */
    uint8_t *exact = malloc(n > 0 ? n : 1);
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of dir in name order; returns how many, or -1. */
static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof(*names));
        }
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof(*names), by_name);
    int rc = (int)count;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        snprintf(path, len, "%s/%s", dir, names[i]);
        if (replay_file(path) != 0)
            rc = -1;
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (replay_file(argv[i]) != 0)
                return 1;
        return 0;
    }
    const char *self = strrchr(argv[0], '/');
    self = self != NULL ? self + 1 : argv[0];
    if (strncmp(self, "replay_", 7) != 0) {
        fprintf(stderr, "replay: run as replay_<harness>, or pass input files\n");
        return 2;
    }
    const char *root = getenv("LT_FUZZ_CORPUS");
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/%s", root != NULL && *root ? root : "tests/fuzz/corpus",
             self + 7);
    int n = replay_dir(dir);
    if (n <= 0) {
        fprintf(stderr, "replay: %s: %s\n", dir, n == 0 ? "empty corpus" : "failed");
        return 1;
    }
    printf("replayed %d inputs from %s\n", n, dir);
    return 0;
}
