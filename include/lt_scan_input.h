/* SPDX-License-Identifier: MIT */
/* One input of logtally scan: a file or standard input, plain or gzip (told from the magic
 * bytes, not the name), read as a stream of decompressed bytes. Regular files are read with
 * pread at a running offset; pipes with read. gzip goes through zlib when configure found
 * it, and is refused with a clear reason otherwise. */
#ifndef LT_SCAN_INPUT_H
#define LT_SCAN_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct lt_scan_gzip_s lt_scan_gzip_t;

typedef struct {
    const char *name;     /* as given; "-" is standard input */
    int fd;
    bool is_regular;      /* a regular file: size is known */
    bool is_gzip;
    uint64_t size;        /* bytes on disk of a regular file, else 0 */
    uint64_t raw_offset;  /* bytes read from the file so far (compressed bytes for gzip) */
    unsigned char *raw;   /* compressed bytes, or the bytes read to look for the magic */
    size_t raw_len;
    size_t raw_pos;
    bool is_raw_eof;
    lt_scan_gzip_t *gz;   /* zlib state when is_gzip */
    const char *why;      /* static text for the last failure that is not an errno */
} lt_scan_input_t;

/* True when this build can read gzip. */
bool lt_scan_input_has_gzip(void);

/* Opens path ("-" for standard input, which is not closed later) and looks at its first
 * bytes. Returns 0, or a negative errno code: -EISDIR for a directory, -ENOTSUP for gzip
 * input in a build without zlib (in->why says so). */
int lt_scan_input_open(lt_scan_input_t *in, const char *path);

/* Reads up to n decompressed bytes into buf. Returns the count, 0 at the end of the input,
 * or a negative errno code: -EBADMSG for a truncated or corrupt gzip stream (in->why says
 * which). Bytes returned before an error are good data. */
ssize_t lt_scan_input_read(lt_scan_input_t *in, char *buf, size_t n);

/* Releases what open acquired. */
void lt_scan_input_close(lt_scan_input_t *in);

#endif
