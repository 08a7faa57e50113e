/* version_resume.c - the versions of a key the target already holds, in
 * order, so that a rerun of versions = "all" adds each source version once
 * (version_resume.h). A version id cannot tell: the target's ids are its
 * own. Size and ETag in the order of the versions can, without anything
 * written on the copies. */
#include "version_resume.h"
#include "s3engine/error.h"
#include "s3engine/versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same(const struct s3e_vsig *a, const struct s3e_vsig *b)
{
    return a->size == b->size && a->etag[0] && strcmp(a->etag, b->etag) == 0;
}

size_t s3e_vsig_copied(const struct s3e_vsig *src, size_t n, const struct s3e_vsig *dst,
                       size_t m)
{
    for (size_t k = n; k > 0 && m > 0; k--) {
        size_t l = k < m ? k : m, i = 0;
        while (i < l && same(&src[k - l + i], &dst[m - l + i]))
            i++;
        if (i == l)
            return k;
    }
    return 0;
}

static int push(struct s3e_vsigs *s, uint64_t size, const char *etag)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct s3e_vsig *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return S3E_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].size = size;
    snprintf(s->v[s->n].etag, sizeof s->v[s->n].etag, "%s", etag ? etag : "");
    s->n++;
    return S3E_OK;
}

void s3e_vtarget_init(struct s3e_vtarget *t, const char *key)
{
    memset(t, 0, sizeof *t);
    t->key = key;
    t->key_len = strlen(key);
}

/* The key's versions, newest first as listed; keys that only start with it
 * come after it (keys in order), so the listing stops there. */
int s3e_vtarget_on_version(void *ud, const struct s3e_listed *l)
{
    struct s3e_vtarget *t = ud;
    if (l->key_len != t->key_len || memcmp(l->key, t->key, t->key_len) != 0)
        return t->dst.n ? S3E_LIST_STOP : S3E_OK;
    return l->delete_marker ? S3E_OK : push(&t->dst, l->size, l->etag);
}

static void reverse(struct s3e_vsigs *s)
{
    for (size_t i = 0; i < s->n / 2; i++) {
        struct s3e_vsig t = s->v[i];
        s->v[i] = s->v[s->n - 1 - i];
        s->v[s->n - 1 - i] = t;
    }
}

int s3e_vtarget_copied(struct s3e_vtarget *t, const char *versions, size_t *done)
{
    struct s3e_vsigs src = { 0 };
    struct s3e_version v;
    int rc = S3E_OK;
    *done = 0;
    for (const char *p = versions; !rc && s3e_versions_next(&p, &v);)
        rc = push(&src, v.size, v.etag);
    if (!rc) {
        reverse(&t->dst);
        *done = s3e_vsig_copied(src.v, src.n, t->dst.v, t->dst.n);
        reverse(&t->dst);
    }
    free(src.v);
    return rc;
}

void s3e_vtarget_free(struct s3e_vtarget *t)
{
    free(t->dst.v);
    t->dst = (struct s3e_vsigs){ 0 };
}
