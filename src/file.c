/* SPDX-License-Identifier: MIT */
/* Whole-file reads (see lt_file.h): a buffer that doubles from 4 KiB up to the cap plus one
 * byte, the byte that tells a file of exactly max_bytes from a longer one. */
#include "lt_file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <uv.h>

#include "lt_alloc.h"

int lt_file_read(const char *path, size_t max_bytes, char **out, size_t *out_len)
{
    size_t cap = 4096, len = 0;
    int rc = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    char *buf = lt_malloc(cap);
    for (;;) {
        if (len > max_bytes) {
            rc = UV_EFBIG;
            goto out;
        }
        if (len + 1 >= cap) { /* room for one more byte than the cap, and the NUL */
            cap *= 2;
            buf = lt_realloc(buf, cap);
        }
        ssize_t got = read(fd, buf + len, cap - 1 - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = -errno;
            goto out;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    buf = NULL;
out:
    lt_free(buf);
    close(fd);
    return rc;
}
