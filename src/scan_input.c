/* SPDX-License-Identifier: MIT */
/* Inputs of logtally scan: open, tell gzip from its magic bytes, and hand out decompressed
 * bytes. A pipe cannot be rewound, so the bytes read to look at the magic are kept in the
 * raw buffer and served (or inflated) first. */
#include "config.h"

#include "lt_scan_input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "lt_alloc.h"

#define RAW_BYTES (256 * 1024)

struct lt_scan_gzip_s {
#ifdef HAVE_ZLIB
    z_stream z;
    bool is_member_done; /* the last member ended cleanly (a clean end of input is then OK) */
#else
    int unused;
#endif
};

bool lt_scan_input_has_gzip(void)
{
#ifdef HAVE_ZLIB
    return true;
#else
    return false;
#endif
}

/* Reads more raw bytes into in->raw after moving what is left to its front. */
static ssize_t fill_raw(lt_scan_input_t *in)
{
    if (in->raw_pos > 0) {
        memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
        in->raw_len -= in->raw_pos;
        in->raw_pos = 0;
    }
    for (;;) {
        ssize_t r = in->is_regular
                        ? pread(in->fd, in->raw + in->raw_len, RAW_BYTES - in->raw_len,
                                (off_t)in->raw_offset)
                        : read(in->fd, in->raw + in->raw_len, RAW_BYTES - in->raw_len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            in->is_raw_eof = true;
        in->raw_len += (size_t)r;
        in->raw_offset += (uint64_t)r;
        return r;
    }
}

int lt_scan_input_open(lt_scan_input_t *in, const char *path)
{
    struct stat st;
    int rc;

    memset(in, 0, sizeof(*in));
    in->name = path;
    in->fd = -1;
    if (strcmp(path, "-") == 0) {
        in->fd = STDIN_FILENO;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0)
            return -errno;
    }
    if (fstat(in->fd, &st) != 0) {
        rc = -errno;
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = -EISDIR;
        goto fail;
    }
    if (S_ISREG(st.st_mode)) {
        in->is_regular = true;
        in->size = (uint64_t)st.st_size;
        posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    in->raw = lt_malloc(RAW_BYTES);
    while (in->raw_len < 2 && !in->is_raw_eof)
        if ((rc = (int)fill_raw(in)) < 0)
            goto fail;
    in->is_gzip = in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b;
    if (!in->is_gzip)
        return 0;
#ifdef HAVE_ZLIB
    in->gz = lt_calloc(1, sizeof(*in->gz));
    /* 16 + MAX_WBITS: gzip wrapper only, with its CRC and length checked at each member end. */
    if (inflateInit2(&in->gz->z, 16 + MAX_WBITS) != Z_OK) {
        rc = -ENOMEM;
        goto fail;
    }
    return 0;
#else
    in->why = "gzip input, but this logtally was built without zlib";
    rc = -ENOTSUP;
#endif
fail:
    lt_scan_input_close(in);
    in->fd = -1;
    return rc;
}

static ssize_t read_plain(lt_scan_input_t *in, char *buf, size_t n)
{
    if (in->raw_pos < in->raw_len) {
        size_t k = in->raw_len - in->raw_pos < n ? in->raw_len - in->raw_pos : n;
        memcpy(buf, in->raw + in->raw_pos, k);
        in->raw_pos += k;
        return (ssize_t)k;
    }
    if (in->is_raw_eof)
        return 0;
    for (;;) {
        ssize_t r = in->is_regular ? pread(in->fd, buf, n, (off_t)in->raw_offset)
                                   : read(in->fd, buf, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            in->is_raw_eof = true;
        in->raw_offset += (uint64_t)r;
        return r;
    }
}

#ifdef HAVE_ZLIB
static ssize_t read_gzip(lt_scan_input_t *in, char *buf, size_t n)
{
    z_stream *z = &in->gz->z;

    z->next_out = (unsigned char *)buf;
    z->avail_out = (uInt)n;
    while (z->avail_out == n) {
        if (in->raw_pos == in->raw_len) {
            if (in->is_raw_eof) {
                if (in->gz->is_member_done)
                    return 0;
                in->why = "truncated gzip stream";
                return -EBADMSG;
            }
            ssize_t r = fill_raw(in);
            if (r < 0)
                return r;
            continue;
        }
        z->next_in = in->raw + in->raw_pos;
        z->avail_in = (uInt)(in->raw_len - in->raw_pos);
        if (in->gz->is_member_done) {
            /* RFC 1952 2.2: a gzip file is a series of members; start the next one. */
            inflateReset(z);
            in->gz->is_member_done = false;
        }
        int zr = inflate(z, Z_NO_FLUSH);
        in->raw_pos = in->raw_len - z->avail_in;
        if (zr == Z_STREAM_END) {
            in->gz->is_member_done = true;
        } else if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT) {
            in->why = "corrupt gzip data";
            return -EBADMSG;
        } else if (zr == Z_MEM_ERROR) {
            return -ENOMEM;
        }
        if (in->gz->is_member_done && z->avail_out == n && in->raw_pos == in->raw_len &&
            in->is_raw_eof)
            return 0;
    }
    return (ssize_t)(n - z->avail_out);
}
#endif

ssize_t lt_scan_input_read(lt_scan_input_t *in, char *buf, size_t n)
{
#ifdef HAVE_ZLIB
    if (in->is_gzip)
        return read_gzip(in, buf, n);
#endif
    return read_plain(in, buf, n);
}

void lt_scan_input_close(lt_scan_input_t *in)
{
#ifdef HAVE_ZLIB
    if (in->gz != NULL)
        inflateEnd(&in->gz->z);
#endif
    lt_free(in->gz);
    in->gz = NULL;
    lt_free(in->raw);
    in->raw = NULL;
    if (in->fd > STDIN_FILENO)
        close(in->fd);
    in->fd = -1;
}
