/* copy_blocking.c - the blocking requests a streamed copy on a thread of its
 * own (stream_copy.c, stream_job.c) shares with nothing on the event loop:
 * aborting its upload and the uploads a lost create answer made, and checking
 * a destination that may be its copy already by HEADs of both sides. */
#include "copy_blocking.h"
#include "open_uploads.h"
#include "s3_client.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
