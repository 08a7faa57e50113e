/* copy.c - copy one object: CopyObject up to the cutoff, above it a multipart
 * copy state machine (create -> parts in parallel -> complete, or abort),
 * then verification. */
#include "open_uploads.h"
#include "put_lines.h"
#include "s3_client.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/plan.h"
#include "s3engine/verify_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum mp_state { MP_HEAD, MP_TAGS, MP_CREATE, MP_PARTS, MP_COMPLETE, MP_DONE, MP_ABORT };

/* The multipart copy in progress, with counters for what happened to parts. */
struct multipart {
    enum mp_state state;
    struct s3e_head head;
    int have_head;
    struct s3e_buf tags;
    char *upload_id;
    struct s3e_part_copy *parts;
    uint32_t nparts;
    uint64_t part_size;
    uint32_t parts_done, parts_failed;
    int tagging_failed;   /* complete, but the tags could not be set */
    struct s3e_copy_hdrs hdrs; /* the spec's, with the ETag every part must match */
};

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

static const struct s3e_ssec *src_key(const struct s3e_copy_spec *s)
{
    return s->hdrs ? s->hdrs->src_ssec : NULL;
}

/* The source version to copy (hdrs->version_id), NULL = the current one. */
static const char *src_version(const struct s3e_copy_spec *s)
{
    return s->hdrs ? s->hdrs->version_id : NULL;
}

static const struct s3e_ssec *dst_key(const struct s3e_copy_spec *s)
{
    return s->hdrs ? s->hdrs->dst_ssec : NULL;
}

int s3e_etag_is_plain(const char *e)
{
    return e && *e && !strchr(e, '-');
}

static void set_op(struct s3e_s3_error *err, const char *op)
{
    if (err && !err->operation[0])
        snprintf(err->operation, sizeof err->operation, "%s", op);
}

/* A cleanup: it runs after the object's deadline, and for a short grace
 * after a signal (s3e_client_cleanup). One that fails is kept for the end of
 * the run (s->open_uploads). */
int s3e_copy_abort_upload(struct s3e_client *c, const struct s3e_copy_spec *s, const char *id)
{
    struct s3e_s3_error e;
    s3e_client_cleanup(c, 1);
    int rc = s3e_abort_upload(c, s->dst_bucket, s->dst_key, id, &e);
    s3e_client_cleanup(c, 0);
    if (rc == S3E_OK)
        return S3E_OK;
    s3e_open_uploads_keep_via(s->open_uploads, s3e_client_pinned(c), s->dst_bucket, s->dst_key,
                              id, &e);
    return rc;
}

/* A CreateMultipartUpload may have made an upload whose answer was lost (a
 * reset after the server did the work) before the attempt that answered:
 * abort every upload of this key begun since the first attempt (less a
 * margin for clock skew), except the one we hold. Nothing else would ever
 * finish it. One ListMultipartUploads per multipart copy. */
void s3e_copy_abort_orphans(struct s3e_client *c, const struct s3e_copy_spec *s, int64_t since,
                            const char *keep)
{
    struct s3e_orphans o = { .key = s->dst_key, .keep = keep, .since = since - S3E_ORPHAN_SKEW_S };
    struct s3e_s3_error e;
    s3e_s3_error_clear(&e);
    s3e_client_cleanup(c, 1);
    int rc = s3e_s3_list_multipart_uploads(c, s->dst_bucket, s->dst_key, s3e_orphans_collect, &o, &e);
    s3e_client_cleanup(c, 0);
    if (rc)
        s3e_warn("s3://%s/%s: could not look for an upload a lost answer may have left: %s "
                 "(s3engine uploads --abort finds it)", s->dst_bucket, s->dst_key, e.code);
    for (size_t i = 0; i < o.n; i++) {
        s3e_debug("s3://%s/%s: aborting upload %s, made by an attempt whose answer was lost",
                  s->dst_bucket, s->dst_key, o.ids[i]);
        s3e_copy_abort_upload(c, s, o.ids[i]);
        free(o.ids[i]);
    }
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

/* Run the state machine to MP_DONE; on failure after create, abort. */
static int multipart_run(struct s3e_client *c, const struct s3e_copy_spec *s, struct multipart *m,
                         struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    int rc = S3E_OK;
    while (!rc && m->state != MP_DONE) {
        switch (m->state) {
        case MP_HEAD:
            if (!m->have_head)
                rc = s3e_s3_head_version(c, s->src_bucket, s->src_key, src_version(s), src_key(s),
                                         &m->head, err);
            m->have_head = !rc;
            if (!rc && s->src_etag && strcmp(s->src_etag, m->head.etag) != 0)
                rc = s3e_copy_changed_error(err, "HeadObject", s->src_etag, m->head.etag);
            m->hdrs.if_match = m->head.etag; /* every part from this one version */
            m->state = MP_TAGS;
            break;
        case MP_TAGS: /* multipart copy does not carry tags: read them to set them */
            if (m->head.tag_count > 0 && !s3e_put_replaces_tags(s->put))
                rc = s3e_s3_get_tagging(c, s->src_bucket, s->src_key, src_version(s),
                                        &m->tags, err);
            if (!rc) /* the route's metadata and tags instead of the source's */
                rc = s3e_put_apply(s->put, &m->head, &m->tags);
            if (!rc)
                rc = s3e_copy_cut_parts(m->head.size, s->part_size, &m->parts, &m->nparts,
                                        &m->part_size);
            m->state = MP_CREATE;
            break;
        case MP_CREATE: {
            struct s3e_put_opts o = { s->storage_class, &m->head,
                                      m->tags.len ? m->tags.data : NULL, 0, &m->hdrs, NULL };
            int64_t started = (int64_t)time(NULL);
            rc = s3e_s3_create_multipart(c, s->dst_bucket, s->dst_key, &o, &m->upload_id, err);
            /* Always looked for, not only after a retry: libcurl itself resends
             * a request whose reused connection died, unseen by our counters. */
            s3e_copy_abort_orphans(c, s, started, rc ? NULL : m->upload_id);
            m->state = MP_PARTS;
            break;
        }
        case MP_PARTS:
            rc = s3e_s3_upload_part_copy_many(c, s->dst_bucket, s->dst_key, m->upload_id,
                                              s->src_bucket, s->src_key, m->parts, m->nparts,
                                              s->part_concurrency ? s->part_concurrency
                                                                  : S3E_DEFAULT_PART_CONCURRENCY,
                                              &m->hdrs, err);
            for (uint32_t i = 0; i < m->nparts; i++) {
                m->parts_done += m->parts[i].rc == S3E_OK;
                m->parts_failed += m->parts[i].rc != S3E_OK && m->parts[i].rc != S3E_ECANCELED;
            }
            m->state = MP_COMPLETE;
            break;
        case MP_COMPLETE:
            rc = s3e_s3_complete_multipart(c, s->dst_bucket, s->dst_key, m->upload_id, m->parts,
                                           m->nparts, &m->hdrs, out->etag, err);
            /* Set the tags again: not every server honours them on create. The
             * upload is complete, so a failure here deletes the bad copy (below). */
            if (!rc && m->tags.len) {
                free(m->upload_id);
                m->upload_id = NULL;
                rc = s3e_s3_put_tagging(c, s->dst_bucket, s->dst_key, m->tags.data, err);
                if (rc)
                    m->tagging_failed = 1;
            }
            m->state = MP_DONE;
            break;
        default:
            m->state = MP_DONE;
        }
    }
    if (rc && m->upload_id) {
        m->state = MP_ABORT;
        s3e_debug("multipart copy of %s/%s failed after %u/%u parts; aborting upload",
                  s->src_bucket, s->src_key, m->parts_done, m->nparts);
        s3e_copy_abort_upload(c, s, m->upload_id);
    }
    return rc;
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

const char *s3e_head_mismatch(const struct s3e_head *src, const struct s3e_head *dst)
{
    if (src->size != dst->size)
        return "size";
    if (!same_text(src->content_type, dst->content_type))
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

const char *s3e_copy_encryption_problem(const struct s3e_copy_spec *s, const struct s3e_head *h)
{
    if (dst_key(s) && !h->ssec)
        return "is not encrypted with the customer key (SSE-C) asked for";
    if (s->hdrs && s->hdrs->sse && strcmp(s->hdrs->sse, h->sse) != 0)
        return "is not encrypted as sse asked";
    return NULL;
}

static int wants_encryption(const struct s3e_copy_spec *s)
{
    return s->hdrs && (s->hdrs->sse || s->hdrs->dst_ssec);
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

/* The copy checked against a fresh HEAD of the source (s3e_copy_compare_heads). */
static int verify_by_heads(struct s3e_client *src_c, const struct s3e_copy_spec *s,
                           const struct s3e_head *dst, const char *planned_etag, int full,
                           struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    struct s3e_head src;
    int rc = s3e_s3_head_version(src_c, s->src_bucket, s->src_key, src_version(s), src_key(s), &src,
                                 err);
    if (!rc)
        rc = s3e_copy_compare_heads(s, &src, dst, planned_etag, full, out, err);
    s3e_head_free(&src);
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

static int verify(struct s3e_client *c, const struct s3e_copy_spec *s, uint64_t size,
                  const char *planned_etag, struct s3e_copy_result *out,
                  struct s3e_s3_error *err)
{
    /* What the plan says of both sides' encryption decides whether the ETags are MD5s. */
    struct s3e_side a = { size, s->src_etag, NULL, src_key(s) != NULL, NULL, NULL };
    struct s3e_side b = { UINT64_MAX, out->etag, s->hdrs ? s->hdrs->sse : NULL,
                          dst_key(s) != NULL, NULL, NULL };
    int want_checksum = s->hdrs && s->hdrs->checksum_algorithm;
    if (!out->multipart && !want_checksum && !wants_encryption(s) && !s->put &&
        s3e_etags_comparable(&a, &b) &&
        strcmp(s->src_etag, out->etag) == 0) {
        out->compared = S3E_CMP_ETAG; /* equal MD5s: equal bytes */
        out->verified = 1;
        return S3E_OK;
    }
    struct s3e_head h;
    int rc = s3e_s3_head_ssec(c, s->dst_bucket, s->dst_key, dst_key(s), &h, err);
    if (rc)
        return rc;
    if (!out->etag[0])
        snprintf(out->etag, sizeof out->etag, "%s", h.etag); /* radosgw's Complete omits it */
    if (!s3e_copy_encryption_problem(s, &h))
        rc = verify_by_heads(c, s, &h, planned_etag, out->multipart || s->put, out, err);
    rc = s3e_copy_judge(s, &h, rc, size, out, err);
    s3e_head_free(&h);
    return rc;
}

int s3e_copy_check_across(struct s3e_client *src_c, struct s3e_client *dst_c,
                          const struct s3e_copy_spec *spec, struct s3e_copy_result *out,
                          struct s3e_s3_error *err)
{
    memset(out, 0, sizeof *out);
    struct s3e_head h;
    int rc = s3e_s3_head_ssec(dst_c, spec->dst_bucket, spec->dst_key, dst_key(spec), &h, err);
    if (rc)
        return rc;
    const char *unencrypted = s3e_copy_encryption_problem(spec, &h);
    if (unencrypted) {
        snprintf(err->detail, sizeof err->detail, "the destination %s", unencrypted);
        rc = S3E_EVERIFY;
    } else {
        rc = verify_by_heads(src_c, spec, &h, spec->src_etag, 1, out, err);
    }
    if (rc == S3E_EVERIFY)
        set_op(err, "Verify");
    if (!rc) {
        out->bytes = h.size;
        out->verified = 1;
        snprintf(out->etag, sizeof out->etag, "%s", h.etag);
    }
    s3e_head_free(&h);
    return rc;
}

int s3e_copy_object(struct s3e_client *c, const struct s3e_copy_spec *spec,
                    struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    struct s3e_s3_error local;
    if (!err)
        err = &local;
    memset(out, 0, sizeof *out);
    struct s3e_copy_spec s = *spec;
    uint64_t cutoff = s.multipart_cutoff ? s.multipart_cutoff : S3E_DEFAULT_MULTIPART_CUTOFF;
    if (cutoff > S3E_MAX_COPY_OBJECT)
        cutoff = S3E_MAX_COPY_OBJECT;
    struct multipart m;
    memset(&m, 0, sizeof m);
    s3e_buf_init(&m.tags, 64 << 10);
    int rc = S3E_OK;
    uint64_t size = s.size;
    if (s.hdrs)
        m.hdrs = *s.hdrs;
    m.hdrs.if_match = s.src_etag;
    if (size == S3E_SIZE_UNKNOWN) { /* the HEAD serves the multipart path as well */
        rc = s3e_s3_head_version(c, s.src_bucket, s.src_key, src_version(&s), src_key(&s),
                                 &m.head, err);
        m.have_head = !rc;
        size = m.head.size;
        if (!rc && !s.src_etag)
            s.src_etag = m.head.etag;
        m.hdrs.if_match = s.src_etag;
    }
    if (!rc && size > S3E_MAX_OBJECT_SIZE)
        rc = S3E_ELIMIT;
    int multipart = size > cutoff || s.force_multipart;
    if (!rc && !multipart) {
        rc = s3e_s3_copy_object(c, s.src_bucket, s.src_key, s.dst_bucket, s.dst_key,
                                &(struct s3e_put_opts){ s.storage_class, NULL, NULL, size,
                                                        &m.hdrs, s.put },
                                out->etag, err);
        if (rc == S3E_ES3 && s3e_copy_ssec_source_refused(err, src_key(&s) != NULL)) {
            s3e_s3_error_clear(err);
            rc = S3E_OK;
            multipart = 1;
        } else if (!rc && s3e_put_replaces_tags(s.put)) {
            /* radosgw 16 ignores x-amz-tagging-directive on CopyObject: set them. */
            struct s3e_head none;
            memset(&none, 0, sizeof none);
            rc = s3e_put_apply(s.put, &none, &m.tags);
            s3e_head_free(&none);
            if (!rc && m.tags.len)
                rc = s3e_s3_put_tagging(c, s.dst_bucket, s.dst_key, m.tags.data, err);
            if (rc) /* an object without its tags is not the copy asked for */
                s3e_s3_delete_object(c, s.dst_bucket, s.dst_key, NULL);
        }
    }
    if (!rc && multipart) {
        out->multipart = 1;
        rc = multipart_run(c, &s, &m, out, err);
        out->parts = m.nparts;
        if (!rc)
            size = m.head.size;
        if (m.tagging_failed) /* an object without its tags is not a copy */
            s3e_s3_delete_object(c, s.dst_bucket, s.dst_key, NULL);
    }
    if (!rc) {
        out->bytes = size;
        if (s.verify || wants_encryption(&s)) /* is it encrypted? even with --no-verify */
            rc = verify(c, &s, size, out->multipart ? m.head.etag : s.src_etag, out, err);
        /* A multipart copy of a source that changed under it may be spliced from two
         * versions: it goes like one that does not verify. */
        if (rc == S3E_EVERIFY || (rc && out->multipart && s3e_copy_source_changed(err))) {
            set_op(err, "Verify");
            s3e_s3_delete_object(c, s.dst_bucket, s.dst_key, NULL); /* never leave a bad copy */
        }
    }
    if (rc == S3E_ELIMIT && !err->detail[0])
        snprintf(err->detail, sizeof err->detail, "object is larger than S3's 5 TiB limit");
    free(m.parts);
    free(m.upload_id);
    if (m.have_head)
        s3e_head_free(&m.head);
    s3e_buf_free(&m.tags);
    return rc;
}
