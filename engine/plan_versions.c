/* plan_versions.c - a source listed with versions = "latest" or "all"
 * (ListObjectVersions): each key's latest version pinned by its id, or all
 * of its versions as one job that copies them oldest to newest. Delete
 * markers are not copied; they are counted. */
#include "plan_versions.h"
#include "s3engine/error.h"
#include "s3engine/s3.h"
#include "s3engine/s3_versions.h"
#include "s3engine/versions.h"

#include <stdio.h>
#include <string.h>

struct vctx {
    struct s3e_run *run;
    s3e_plan_object_fn plan;
    uint32_t source;
    const char *bucket;
    int mode;                  /* enum s3e_versions */
    struct s3e_buf key;        /* the key whose versions are gathered ("all") */
    int have_key;
    struct s3e_buf lines;      /* its versions, newest first, as listed */
    size_t nlines;
    struct s3e_version newest;
    char newest_class[64];
    struct s3e_buf oldest_first;
};

/* One version as an object, its id pinned. */
static int plan_one(struct vctx *v, const struct s3e_listed *l)
{
    struct s3e_object o = {
        .source = v->source, .bucket = v->bucket, .key = l->key, .key_len = l->key_len,
        .size = l->size, .etag = l->etag, .last_modified = l->last_modified,
        .storage_class = l->storage_class, .version_id = l->version_id,
    };
    return v->plan(v->run, &o);
}

/* Reverse the gathered lines (newest first) into oldest_first. */
static int oldest_first(struct vctx *v)
{
    s3e_buf_reset(&v->oldest_first);
    const char *start = s3e_buf_cstr(&v->lines), *end = start + v->lines.len;
    int rc = S3E_OK;
    while (!rc && end > start) {
        const char *p = end - 1; /* the '\n' ending the last line */
        while (p > start && p[-1] != '\n')
            p--;
        rc = s3e_buf_append(&v->oldest_first, p, (size_t)(end - p));
        end = p;
    }
    return rc;
}

/* The gathered key: one version is an ordinary object; more are one job. */
static int flush_key(struct vctx *v)
{
    if (!v->have_key || v->nlines == 0)
        return S3E_OK;
    struct s3e_object o = {
        .source = v->source, .bucket = v->bucket, .key = v->key.data, .key_len = v->key.len,
        .size = v->newest.size, .etag = v->newest.etag,
        .last_modified = v->newest.last_modified, .storage_class = v->newest_class,
        .version_id = v->newest.id,
    };
    int rc = S3E_OK;
    if (v->nlines > 1 && !(rc = oldest_first(v)))
        o.versions = s3e_buf_cstr(&v->oldest_first);
    if (!rc)
        rc = v->plan(v->run, &o);
    s3e_buf_reset(&v->lines);
    v->nlines = 0;
    return rc;
}

static int gather(struct vctx *v, const struct s3e_listed *l)
{
    int rc = S3E_OK;
    if (!v->have_key || v->key.len != l->key_len || memcmp(v->key.data, l->key, l->key_len)) {
        if ((rc = flush_key(v)))
            return rc;
        s3e_buf_reset(&v->key);
        if ((rc = s3e_buf_append(&v->key, l->key, l->key_len)))
            return rc;
        v->have_key = 1;
    }
    if (l->delete_marker)
        return S3E_OK;
    struct s3e_version ver = { .size = l->size, .last_modified = l->last_modified };
    snprintf(ver.id, sizeof ver.id, "%s", l->version_id);
    snprintf(ver.etag, sizeof ver.etag, "%s", l->etag);
    if (v->nlines == 0) { /* listed newest first */
        v->newest = ver;
        snprintf(v->newest_class, sizeof v->newest_class, "%s", l->storage_class);
    }
    v->nlines++;
    return s3e_versions_append(&v->lines, &ver);
}

static int on_version(void *ud, const struct s3e_listed *l)
{
    struct vctx *v = ud;
    if (l->delete_marker)
        atomic_fetch_add(&v->run->stats.delete_markers, 1);
    if (v->mode == S3E_VERSIONS_ALL)
        return gather(v, l);
    if (!l->is_latest || l->delete_marker) /* older versions; a deleted key */
        return S3E_OK;
    return plan_one(v, l);
}

int s3e_plan_versions(struct s3e_run *run, uint32_t index, const struct s3e_source *src,
                      s3e_plan_object_fn plan)
{
    struct vctx v = { .run = run, .plan = plan, .source = index, .bucket = src->bucket,
                      .mode = src->versions };
    s3e_buf_init(&v.key, 0);
    s3e_buf_init(&v.lines, 0);
    s3e_buf_init(&v.oldest_first, 0);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_list_versions(run->plan_client, src->bucket, src->prefix, on_version, &v,
                                  &err);
    if (!rc)
        rc = flush_key(&v);
    if (rc && !run->errbuf[0])
        s3e_s3_errbuf(run->errbuf, sizeof run->errbuf, rc, &err,
                      "listing the versions of s3://%s/%s failed", src->bucket, src->prefix);
    s3e_buf_free(&v.key);
    s3e_buf_free(&v.lines);
    s3e_buf_free(&v.oldest_first);
    return rc;
}
