/* SPDX-License-Identifier: MIT */
/* Bearer-token check (see lt_auth.h). The comparison ORs together the differences of every
 * token byte with the presented byte at the same place (or a zero past its end), so a wrong
 * first byte costs the same time as a wrong last one. */
#include "lt_auth.h"

#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <uv.h>

#include "lt_alloc.h"
#include "lt_file.h"

int lt_auth_load(lt_auth_t *auth, const char *path, bool *is_exposed)
{
    char *buf = NULL;
    size_t n = 0;
    struct stat st;
    int rc = lt_file_read(path, LT_AUTH_MAX_TOKEN_BYTES, &buf, &n);
    if (rc == UV_EFBIG)
        return UV_E2BIG;
    if (rc != 0)
        return rc;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '
                     || buf[n - 1] == '\t'))
        n--;
    rc = n == 0 ? UV_EINVAL : 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)buf[i] <= ' ' || buf[i] == 0x7f)
            rc = UV_EINVAL;
    if (rc != 0) {
        lt_free(buf);
        return rc;
    }
    buf[n] = '\0';
    lt_auth_free(auth);
    auth->token = buf;
    auth->len = n;
    if (is_exposed != NULL)
        *is_exposed = stat(path, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
    return 0;
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
