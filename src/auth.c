/* SPDX-License-Identifier: MIT */
/* Bearer-token check (see lt_auth.h). The comparison ORs together the differences of every
 * token byte with the presented byte at the same place (or a zero past its end), so a wrong
 * first byte costs the same time as a wrong last one. */
#include "lt_auth.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lt_alloc.h"

int lt_auth_load(lt_auth_t *auth, const char *path, bool *is_exposed)
{
    char buf[LT_AUTH_MAX_TOKEN_BYTES + 1];
    size_t n = 0;
    int rc = 0;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) != 0) {
        rc = -errno;
        goto out;
    }
    while (n < sizeof(buf)) {
        ssize_t got = read(fd, buf + n, sizeof(buf) - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = -errno;
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > LT_AUTH_MAX_TOKEN_BYTES) {
        rc = UV_E2BIG;
        goto out;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '
                     || buf[n - 1] == '\t'))
        n--;
    if (n == 0) {
        rc = UV_EINVAL;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)buf[i] <= ' ' || buf[i] == 0x7f) {
            rc = UV_EINVAL;
            goto out;
        }
    lt_auth_free(auth);
    auth->token = lt_malloc(n + 1);
    memcpy(auth->token, buf, n);
    auth->token[n] = '\0';
    auth->len = n;
    if (is_exposed != NULL)
        *is_exposed = (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
out:
    close(fd);
    return rc;
}

void lt_auth_free(lt_auth_t *auth)
{
    lt_free(auth->token);
    auth->token = NULL;
    auth->len = 0;
}

bool lt_auth_allows(const lt_auth_t *auth, lt_slice_t authorization)
{
    static const char scheme[] = "Bearer ";
    size_t k = sizeof(scheme) - 1;
    if (auth->token == NULL)
        return true;
    if (authorization.n < k || strncasecmp(authorization.p, scheme, k) != 0)
        return false;
    const char *p = authorization.p + k;
    size_t n = authorization.n - k;
    unsigned diff = n != auth->len;
    for (size_t i = 0; i < auth->len; i++)
        diff |= (unsigned char)auth->token[i] ^ (unsigned char)(i < n ? p[i] : 0);
    return diff == 0;
}
