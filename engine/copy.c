/* copy.c - what a copy decides, wherever its requests run (the event loop's
 * flight_*.c, the streamed copy's thread): whether a failure says the source
 * changed, the parts of a multipart copy, and the verdict on a copy from HEADs
 * of it and its source (copy.h). No request is sent here. */
#include "put_lines.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/part.h"
#include "s3engine/s3.h"
#include "s3engine/verify_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int s3e_copy_source_changed(const struct s3e_s3_error *err)
{
    return err && (err->http_status == 412 || strcmp(err->code, "PreconditionFailed") == 0);
}

int s3e_copy_ssec_source_refused(const struct s3e_s3_error *err, int src_ssec)
{
    return src_ssec && err && err->http_status == 501;
}

int s3e_copy_changed_error(struct s3e_s3_error *err, const char *op, const char *was,
                          const char *now)
{
    s3e_s3_error_clear(err);
    err->http_status = 412;
    snprintf(err->code, sizeof err->code, "PreconditionFailed");
    snprintf(err->operation, sizeof err->operation, "%s", op);
    snprintf(err->detail, sizeof err->detail, "the source changed: ETag %.80s, planned %.80s",
             now, was);
    return S3E_ES3;
}

static const struct s3e_ssec *dst_key(const struct s3e_copy_spec *s)
{
    return s->hdrs ? s->hdrs->dst_ssec : NULL;
}

int s3e_etag_is_plain(const char *e)
{
    return e && *e && !strchr(e, '-');
}

int s3e_copy_cut_parts(uint64_t size, uint64_t preferred, struct s3e_part_copy **parts,
                       uint32_t *nparts, uint64_t *part_size)
{
    int rc = s3e_part_plan(size, preferred, part_size, nparts);
    if (rc)
        return rc;
    *parts = calloc(*nparts, sizeof **parts);
    if (!*parts)
        return S3E_ENOMEM;
    for (uint32_t i = 0; i < *nparts; i++) {
        (*parts)[i].part_number = (int)i + 1;
        s3e_part_range(size, *part_size, i, &(*parts)[i].first, &(*parts)[i].last);
    }
    return S3E_OK;
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static const char *meta_value(const struct s3e_head *h, const char *name)
{
    for (size_t i = 0; i < h->nmeta; i++)
        if (strcmp(h->meta[i].name, name) == 0)
            return h->meta[i].value;
    return NULL;
}

/* A Content-Type the server chose itself: a copy whose route replaced the
 * metadata without giving one gets the server's default (radosgw 16: empty). */
static int server_default_type(const char *t)
{
    return !t || !*t || strcmp(t, "binary/octet-stream") == 0 ||
           strcmp(t, "application/octet-stream") == 0;
}

const char *s3e_head_mismatch(const struct s3e_head *src, const struct s3e_head *dst)
{
    if (src->size != dst->size)
        return "size";
    if (src->content_type ? !same_text(src->content_type, dst->content_type)
                          : !server_default_type(dst->content_type))
        return "Content-Type";
    if (!same_text(src->cache_control, dst->cache_control))
        return "Cache-Control";
    if (!same_text(src->content_disposition, dst->content_disposition))
        return "Content-Disposition";
    if (!same_text(src->content_encoding, dst->content_encoding))
        return "Content-Encoding";
    if (!same_text(src->content_language, dst->content_language))
        return "Content-Language";
    if (!same_text(src->expires, dst->expires))
        return "Expires";
    if (src->nmeta != dst->nmeta)
        return "user metadata";
    for (size_t i = 0; i < src->nmeta; i++)
        if (!same_text(src->meta[i].value, meta_value(dst, src->meta[i].name)))
            return "user metadata";
    if (src->tag_count != dst->tag_count)
        return "tag count";
    return NULL;
}

int s3e_copy_etag_verifies(const struct s3e_copy_hdrs *h, uint64_t size, const char *src_etag,
                           const char *copy_etag)
{
    if (!src_etag || !*src_etag || h->checksum_algorithm || h->sse || h->dst_ssec)
        return 0;
    struct s3e_side a = { size, src_etag, NULL, h->src_ssec != NULL, NULL, NULL };
    struct s3e_side b = { UINT64_MAX, copy_etag, NULL, 0, NULL, NULL };
    return s3e_etags_comparable(&a, &b) && strcmp(src_etag, copy_etag) == 0;
}

const char *s3e_copy_encryption_problem(const struct s3e_copy_spec *s, const struct s3e_head *h)
{
    if (dst_key(s) && !h->ssec)
        return "is not encrypted with the customer key (SSE-C) asked for";
    if (s->hdrs && s->hdrs->sse && strcmp(s->hdrs->sse, h->sse) != 0)
        return "is not encrypted as sse asked";
    return NULL;
}

static struct s3e_side side_of(const struct s3e_head *h)
{
    return (struct s3e_side){ h->size, h->etag, h->sse, h->ssec, h->checksum_name, h->checksum };
}

int s3e_copy_compare_heads(const struct s3e_copy_spec *s, struct s3e_head *src,
                           const struct s3e_head *dst, const char *planned_etag, int full,
                           struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    int rc = s3e_put_apply(s->put, src, NULL); /* what the copy should have */
    if (rc)
        return rc;
    struct s3e_side a = side_of(src), b = side_of(dst);
    const char *what = NULL;
    if (planned_etag && *planned_etag && strcmp(planned_etag, src->etag) != 0)
        rc = s3e_copy_changed_error(err, "Verify", planned_etag, src->etag);
    else if ((what = s3e_verify_compare(&a, &b, &out->compared)) == NULL && full)
        what = s3e_head_mismatch(src, dst);
    if (what) {
        snprintf(err->detail, sizeof err->detail, "the copy's %s differs from the source's",
                 what);
        rc = S3E_EVERIFY;
    }
    return rc;
}

int s3e_copy_judge(const struct s3e_copy_spec *s, const struct s3e_head *dst, int rc,
                   uint64_t size, struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    const char *unencrypted = s3e_copy_encryption_problem(s, dst);
    if (unencrypted) {
        snprintf(err->detail, sizeof err->detail, "the copy %s", unencrypted);
        rc = S3E_EVERIFY;
    }
    out->unencrypted = unencrypted != NULL;
    if (rc == S3E_EVERIFY && dst->size != size)
        snprintf(err->detail, sizeof err->detail, "target has %llu bytes, source %llu",
                 (unsigned long long)dst->size, (unsigned long long)size);
    out->verified = rc == S3E_OK;
    return rc;
}
