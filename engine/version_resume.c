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

static int same(const struct s3e_vsig *a, const struct s3e_vsig *b, int loose)
{
    if (a->size != b->size)
        return 0;
    return loose || (a->etag[0] && strcmp(a->etag, b->etag) == 0);
}

size_t s3e_vsig_copied(const struct s3e_vsig *src, size_t n, const struct s3e_vsig *dst,
                       size_t m, int loose)
{
    for (size_t k = n; k > 0 && m > 0; k--) {
        size_t l = k < m ? k : m, i = 0;
        while (i < l && same(&src[k - l + i], &dst[m - l + i], loose))
            i++;
        if (i == l)
            return k;
    }
    return 0;
}

static int push(struct s3e_vsigs *s, uint64_t size, const char *etag, const char *version_id)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct s3e_vsig *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return S3E_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    struct s3e_vsig *g = &s->v[s->n];
    g->size = size;
    snprintf(g->etag, sizeof g->etag, "%s", etag ? etag : "");
    g->version_id = NULL;
    if (version_id && !(g->version_id = strdup(version_id)))
        return S3E_ENOMEM;
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
    return l->delete_marker ? S3E_OK : push(&t->dst, l->size, l->etag, l->version_id);
}

static void reverse(struct s3e_vsigs *s)
{
    for (size_t i = 0; i < s->n / 2; i++) {
        struct s3e_vsig t = s->v[i];
        s->v[i] = s->v[s->n - 1 - i];
        s->v[s->n - 1 - i] = t;
    }
}

int s3e_vtarget_compare(struct s3e_vtarget *t, const char *versions)
{
    struct s3e_version v;
    int rc = S3E_OK;
    for (const char *p = versions; !rc && s3e_versions_next(&p, &v);)
        rc = push(&t->src, v.size, v.etag, NULL);
    if (rc)
        return rc;
    reverse(&t->dst);
    t->exact = s3e_vsig_copied(t->src.v, t->src.n, t->dst.v, t->dst.n, 0);
    t->loose = s3e_vsig_copied(t->src.v, t->src.n, t->dst.v, t->dst.n, 1);
    return S3E_OK;
}

int s3e_vtarget_pair(const struct s3e_vtarget *t, size_t *i, size_t *src_index,
                     const struct s3e_vsig **dst)
{
    size_t k = t->loose, m = t->dst.n, l = k < m ? k : m;
    for (; *i < l; ++*i) {
        const struct s3e_vsig *a = &t->src.v[k - l + *i], *b = &t->dst.v[m - l + *i];
        if (a->etag[0] && strcmp(a->etag, b->etag) == 0)
            continue;
        *src_index = k - l + *i;
        *dst = b;
        return 1;
    }
    return 0;
}

static void drop(struct s3e_vsigs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].version_id);
    free(s->v);
    *s = (struct s3e_vsigs){ 0 };
}

void s3e_vtarget_free(struct s3e_vtarget *t)
{
    drop(&t->dst);
    drop(&t->src);
}
