/* SPDX-License-Identifier: MIT */
/* Whole-file reads for the small files the programs load at start (config, token), with a
 * size cap so that a wrong path (a log, a device) is refused rather than slurped whole. */
#ifndef LT_FILE_H
#define LT_FILE_H

#include <stddef.h>

/* Reads all of path into a new buffer, NUL-terminated (the NUL is not counted in *out_len). It
 * loops on read(2) rather than trusting st_size, so pipes and /proc files work too. Returns 0,
 * a negative errno from open or read, or UV_EFBIG when the file holds more than max_bytes;
 * on error *out is untouched. Caller frees *out with lt_free. */
int lt_file_read(const char *path, size_t max_bytes, char **out, size_t *out_len);

#endif
