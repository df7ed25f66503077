/* SPDX-License-Identifier: MIT */
/* The bearer token that guards POST /api/v1/ingest and the event texts when
 * http.auth_token_file is set: loading it from its file and checking a request's
 * Authorization header against it in time that does not depend on where they differ. */
#ifndef LT_AUTH_H
#define LT_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "lt_event.h"

#define LT_AUTH_MAX_TOKEN_BYTES 4096

typedef struct {
    char *token; /* NUL-terminated; NULL when no token is required */
    size_t len;
} lt_auth_t;

/* Reads the token from path: the file's text with trailing whitespace (the newline an editor
 * adds) removed. Returns 0; UV_E* from open/read (UV_ENOENT, UV_EACCES, ...); UV_EINVAL when
 * the token is empty or holds a space, control byte or NUL (it must fit one header field);
 * UV_E2BIG when the file exceeds LT_AUTH_MAX_TOKEN_BYTES. *is_exposed is set when group or
 * others may read the file. On error auth is unchanged. Caller frees with lt_auth_free. */
int lt_auth_load(lt_auth_t *auth, const char *path, bool *is_exposed);

/* Releases the token: afterwards nothing is required. */
void lt_auth_free(lt_auth_t *auth);

/* True when no token is required, or authorization (an Authorization header value, empty
 * when absent) is "Bearer TOKEN" with the scheme in any case. The comparison reads every byte
 * of the token whatever the header holds, so its time tells nothing of the token but its
 * length. */
bool lt_auth_allows(const lt_auth_t *auth, lt_slice_t authorization);

#endif
