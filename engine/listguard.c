/* listguard.c - a paged listing that goes back or repeats itself is an
 * error, before any of its keys is handed on (listguard.h). */
#include "s3engine/listguard.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void s3e_list_guard_init(struct s3e_list_guard *g, int allow_equal)
{
    memset(g, 0, sizeof *g);
    s3e_buf_init(&g->last, 0);
    g->allow_equal = allow_equal;
}

void s3e_list_guard_free(struct s3e_list_guard *g)
{
    s3e_buf_free(&g->last);
    free(g->seen);
    g->seen = NULL;
    g->nseen = g->cap = 0;
}

int s3e_list_guard_after(struct s3e_list_guard *g, const char *key, size_t len)
{
    s3e_buf_reset(&g->last);
    int rc = s3e_buf_append(&g->last, key, len);
    g->have_last = rc == S3E_OK;
    return rc;
}

/* S3 lists keys in UTF-8 binary order: memcmp, the shorter first on a tie. */
static int key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c)
        return c;
    return an < bn ? -1 : an > bn;
}

int s3e_list_guard_key(struct s3e_list_guard *g, const char *key, size_t len)
{
    if (g->have_last) {
        int c = key_cmp(key, len, g->last.data, g->last.len);
        if (c < 0 || (c == 0 && !g->allow_equal)) {
            char k[96], l[96], kz[96], lz[96];
            snprintf(kz, sizeof kz, "%.*s", (int)(len < 95 ? len : 95), key);
            snprintf(lz, sizeof lz, "%.*s", (int)(g->last.len < 95 ? g->last.len : 95),
                     g->last.data);
            snprintf(g->why, sizeof g->why,
                     "key '%s' does not come after '%s' (the listing went back)",
                     s3e_escape_str(kz, k, sizeof k), s3e_escape_str(lz, l, sizeof l));
            return S3E_EPARSE;
        }
    }
    return s3e_list_guard_after(g, key, len);
}

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h ? h : 1; /* 0 marks an empty slot */
}

static int grow(struct s3e_list_guard *g)
{
    size_t cap = g->cap ? g->cap * 2 : 64;
    uint64_t *t = calloc(cap, sizeof *t);
    if (!t)
        return S3E_ENOMEM;
    for (size_t i = 0; i < g->cap; i++) {
        if (!g->seen[i])
            continue;
        size_t j = g->seen[i] & (cap - 1);
        while (t[j])
            j = (j + 1) & (cap - 1);
        t[j] = g->seen[i];
    }
    free(g->seen);
    g->seen = t;
    g->cap = cap;
    return S3E_OK;
}

/* Tokens are kept as 64-bit hashes (8 bytes a page): a false "seen" needs
 * two of a listing's tokens to collide, about 1 in 10^9 for 10^5 pages. */
int s3e_list_guard_token(struct s3e_list_guard *g, const char *token, size_t len)
{
    if ((g->nseen + 1) * 2 > g->cap && grow(g))
        return S3E_ENOMEM;
    uint64_t h = fnv1a(token, len);
    size_t j = h & (g->cap - 1);
    for (; g->seen[j]; j = (j + 1) & (g->cap - 1)) {
        if (g->seen[j] == h) {
            char t[96], tz[64];
            snprintf(tz, sizeof tz, "%.*s", (int)(len < 63 ? len : 63), token);
            snprintf(g->why, sizeof g->why,
                     "the server sent continuation token '%s' a second time (the listing "
                     "would loop)", s3e_escape_str(tz, t, sizeof t));
            return S3E_EPARSE;
        }
    }
    g->seen[j] = h;
    g->nseen++;
    return S3E_OK;
}

int s3e_list_guard_markers(struct s3e_list_guard *g, const struct s3e_buf *key,
                           const struct s3e_buf *id)
{
    struct s3e_buf both;
    s3e_buf_init(&both, 0);
    int rc = s3e_buf_append(&both, s3e_buf_cstr(key), key->len);
    if (!rc)
        rc = s3e_buf_putc(&both, '\0');
    if (!rc)
        rc = s3e_buf_append(&both, s3e_buf_cstr(id), id->len);
    if (!rc)
        rc = s3e_list_guard_token(g, both.data, both.len);
    s3e_buf_free(&both);
    return rc;
}
