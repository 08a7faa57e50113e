/* flight_copy.c - one object copied on the workers' event loop (see
 * flight_copy.h): the steps and decisions of copy.c's s3e_copy_object below
 * the cutoff, with worker.c's tries and 412 look-up around them, sent
 * without waiting. Requests from s3_ops.c's builders, the verdict from
 * copy.c and verify_rules.c. */
#include "flight_copy.h"
#include "flight_step.h"
#include "flight_stream.h"
#include "method.h"
#include "put_lines.h"
#include "s3_ops.h"
#include "worker.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/s3xml.h"
#include "s3engine/verify_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fc_state {
    FC_LOOKUP,     /* HEAD of the source: its size unknown, or it changed (412) */
    FC_COPY,       /* CopyObject */
    FC_PUT_TAGS,   /* PutObjectTagging of the tags a route replaces */
    FC_VERIFY_DST, /* HEAD of the copy */
    FC_VERIFY_SRC, /* HEAD of the source, to compare */
    FC_DELETE_BAD, /* DeleteObject of a copy that is not the one asked for */
    FC_MULTIPART,  /* the copy as a multipart upload (flight_multipart.c) */
    FC_STREAM,     /* the copy through this machine (flight_stream.c): the pair streams,
                      or its server refused a copy from another customer key */
    FC_FINISHED,
};

struct s3e_fc {
    struct s3e_fstep *st;        /* the job's: where requests go, the one in flight */
    struct s3e_job cur;          /* the job as copied: size and ETag a look-up found */
    char etag[80];               /* cur.etag after a look-up */
    struct s3e_copy_hdrs hdrs;   /* cur's; if_match: cur's ETag */
    struct s3e_copy_spec spec;
    enum fc_state state;
    int tries;                   /* tries from the start so far, beyond the first */
    int relooked;                /* looked up after a 412: no second time */
    int changed_lookup;          /* the FC_LOOKUP in flight is that look-up */
    struct s3e_mp *mp;
    struct s3e_fs *fs;
    struct s3e_copy_bufs bufs;
    struct s3e_buf tags;         /* URL-encoded tags a route replaces */
    struct s3e_buf body;         /* PutObjectTagging's XML */
    char md5[64];
    struct s3e_head dst;
    int have_dst;
    int bad_rc;                  /* the failure a FC_DELETE_BAD ends the try with */
    char copy_version[256];      /* the CopyObject's copy on a versioned target, or "" */
    int by_version;              /* the FC_DELETE_BAD in flight names that version */
    int rc;
    struct s3e_s3_error err;
    struct s3e_copy_result res;
};

static void attempt(struct s3e_fc *x);

/* The copy's headers and spec from x->cur (again after a look-up). */
static void use_job(struct s3e_fc *x)
{
    s3e_worker_hdrs(x->st->run, &x->cur, &x->hdrs);
    s3e_worker_spec(x->st->run, &x->cur, &x->hdrs, &x->spec);
}

/* Send x->st->req (built with rc) as the request of state s. */
static void send_req(struct s3e_fc *x, enum fc_state s, int rc)
{
    x->state = s;
    rc = s3e_fstep_send(x->st, rc);
    if (rc)
        s3e_fc_on_done(x, &x->st->a, rc);
}

static void finish(struct s3e_fc *x, int rc)
{
    if (rc == S3E_ELIMIT && !x->err.detail[0])
        snprintf(x->err.detail, sizeof x->err.detail, "object is larger than S3's 5 TiB limit");
    x->rc = rc;
    x->state = FC_FINISHED;
}

/* The copy handed to a machine of its own that started with rc (and may
 * already be over): its state, or the failure. */
static void handed_over(struct s3e_fc *x, int rc, enum fc_state state, int finished)
{
    if (rc) {
        s3e_s3_error_clear(&x->err);
        snprintf(x->err.detail, sizeof x->err.detail, "out of memory");
        finish(x, rc);
        return;
    }
    x->state = state;
    if (finished)
        s3e_fc_on_done(x, NULL, 0);
}

static void start_multipart(struct s3e_fc *x)
{
    const struct s3e_fstep *st = x->st;
    int rc = s3e_mp_start(&x->mp, st->run, st->c, st->flow, &x->cur, &st->dl, st->owner);
    handed_over(x, rc, FC_MULTIPART, !rc && s3e_mp_finished(x->mp));
}

/* The copy streamed: GET with the source's key, PUT or upload with the
 * target's; its own tries, 412 look-up and verification. */
static void start_stream(struct s3e_fc *x)
{
    const struct s3e_fstep *st = x->st;
    int rc = s3e_fs_start(&x->fs, st->run, st->c, &x->cur, &st->dl, st->owner);
    handed_over(x, rc, FC_STREAM, !rc && s3e_fs_finished(x->fs));
}

/* A server-side copy failed with err: streamed instead when that is the
 * target's server refusing a copy from another customer key (method.h). */
static int stream_instead(struct s3e_fc *x, const struct s3e_s3_error *err)
{
    if (!s3e_method_refused(x->st->run, &x->cur, err))
        return 0;
    s3e_info("s3://%s/%s: streaming it (%s answered %ld %s)", x->cur.dst_bucket,
             x->cur.dst_key, err->operation[0] ? err->operation : "the copy", err->http_status,
             err->code);
    x->res.multipart = 0;
    start_stream(x);
    return 1;
}

static void look_up(struct s3e_fc *x, int changed)
{
    x->changed_lookup = changed;
    /* The 412's look-up asks for the current object, as the blocking path did. */
    int rc = s3e_s3_head_version_request(&x->st->req, &x->st->q[0], x->spec.src_bucket,
                                         x->spec.src_key,
                                         changed ? NULL : x->hdrs.version_id,
                                         x->hdrs.src_ssec);
    send_req(x, FC_LOOKUP, rc);
}

/* A try ended with rc: again from the start, a look-up after a 412, or the end. */
static void try_over(struct s3e_fc *x, int rc)
{
    int stopping = s3e_run_stopping(x->st->run);
    const struct s3e_job *j = &x->cur;
    if (rc == S3E_EVERIFY && x->res.unencrypted && !x->res.multipart) {
        /* The server ignored the encryption of CopyObject (radosgw 16): a
         * multipart copy, whose parts it does encrypt. */
        s3e_info("s3://%s/%s: %s; copying it as a multipart upload", j->dst_bucket, j->dst_key,
                 x->err.detail);
        start_multipart(x);
        return;
    }
    switch (s3e_worker_next_try(&x->spec, rc, &x->err, &x->tries, &x->relooked, stopping)) {
    case S3E_TRY_AGAIN:
        attempt(x);
        break;
    case S3E_TRY_LOOK_UP:
        look_up(x, 1);
        break;
    case S3E_TRY_OVER:
        finish(x, rc);
        break;
    }
}

/* This try's copy is not the one asked for: delete it, then end the try. A
 * CopyObject's copy on a versioned target is deleted by its version id (a
 * delete by key would keep it as an older version); when that is refused
 * (Object Lock), by key. */
static void delete_bad(struct s3e_fc *x, int rc)
{
    x->bad_rc = rc;
    x->by_version = x->copy_version[0] && !x->res.multipart;
    if (x->by_version)
        s3e_s3_delete_version_request(&x->st->req, &x->st->q[0], x->spec.dst_bucket,
                                      x->spec.dst_key, x->copy_version);
    else
        s3e_s3_delete_request(&x->st->req, x->spec.dst_bucket, x->spec.dst_key);
    x->copy_version[0] = '\0';
    send_req(x, FC_DELETE_BAD, S3E_OK);
}

static uint64_t cutoff(const struct s3e_fc *x)
{
    uint64_t c = x->spec.multipart_cutoff ? x->spec.multipart_cutoff
                                          : S3E_DEFAULT_MULTIPART_CUTOFF;
    return c > S3E_MAX_COPY_OBJECT ? S3E_MAX_COPY_OBJECT : c;
}

/* The size is known: CopyObject, or a multipart copy above the cutoff. */
static void copy(struct s3e_fc *x)
{
    if (x->cur.size > S3E_MAX_OBJECT_SIZE) {
        try_over(x, S3E_ELIMIT);
        return;
    }
    if (x->cur.size > cutoff(x)) {
        x->res.multipart = 1;
        start_multipart(x);
        return;
    }
    struct s3e_put_opts o = { x->spec.storage_class, NULL, NULL, x->cur.size, &x->hdrs,
                              x->spec.put };
    int rc = s3e_s3_copy_put_request(&x->st->req, &x->bufs, x->spec.src_bucket, x->spec.src_key,
                                     x->spec.dst_bucket, x->spec.dst_key, &o);
    send_req(x, FC_COPY, rc);
}

static void attempt(struct s3e_fc *x)
{
    s3e_s3_error_clear(&x->err);
    x->copy_version[0] = '\0';
    memset(&x->res, 0, sizeof x->res);
    if (x->have_dst)
        s3e_head_free(&x->dst);
    x->have_dst = 0;
    if (s3e_method_streams(x->st->run, &x->cur)) {
        start_stream(x);
        return;
    }
    if (x->cur.size == S3E_SIZE_UNKNOWN)
        look_up(x, 0);
    else
        copy(x);
}

static void after_lookup(struct s3e_fc *x, int rc)
{
    struct s3e_head h;
    rc = s3e_s3_head_result(rc, &x->st->a.resp, &h, &x->st->a.err);
    if (rc) {
        x->err = x->st->a.err;
        if (x->changed_lookup)
            finish(x, rc);
        else
            try_over(x, rc);
        return;
    }
    const struct s3e_job *j = &x->cur;
    if (x->changed_lookup)
        s3e_info("s3://%s/%s changed since it was listed (ETag %s, now %s); copying it again",
                 j->src_bucket, j->src_key, j->etag && *j->etag ? j->etag : "unknown", h.etag);
    if (x->changed_lookup || !x->cur.etag || !*x->cur.etag) {
        snprintf(x->etag, sizeof x->etag, "%s", h.etag);
        x->cur.etag = x->etag;
    }
    x->cur.size = h.size;
    s3e_head_free(&h);
    use_job(x);
    if (x->changed_lookup) {
        x->tries = 0;
        attempt(x);
    } else {
        copy(x);
    }
}

static void verify(struct s3e_fc *x)
{
    x->res.bytes = x->cur.size;
    int encrypt = x->hdrs.sse || x->hdrs.dst_ssec;
    if (!x->spec.verify && !encrypt) { /* is it encrypted? even with --no-verify */
        try_over(x, S3E_OK);
        return;
    }
    if (!x->spec.put && s3e_copy_etag_verifies(&x->hdrs, x->cur.size, x->spec.src_etag,
                                                x->res.etag)) {
        x->res.compared = S3E_CMP_ETAG; /* equal MD5s: equal bytes */
        x->res.verified = 1;
        try_over(x, S3E_OK);
        return;
    }
    int rc = s3e_s3_head_version_request(&x->st->req, &x->st->q[0], x->spec.dst_bucket,
                                         x->spec.dst_key, NULL, x->hdrs.dst_ssec);
    send_req(x, FC_VERIFY_DST, rc);
}

static void after_copy(struct s3e_fc *x, int rc)
{
    if (rc == S3E_ES3 && s3e_copy_ssec_source_refused(&x->st->a.err, x->hdrs.src_ssec != NULL) &&
        !s3e_method_streams(x->st->run, &x->cur)) {
        x->res.multipart = 1; /* radosgw 16 copies an SSE-C source only so */
        start_multipart(x);
        return;
    }
    if (rc == S3E_ES3 && stream_instead(x, &x->st->a.err))
        return;
    const struct s3e_resp *resp = &x->st->a.resp;
    if (!rc && s3e_xml_parse_copy_result(resp->body.data, resp->body.len, x->res.etag)) {
        rc = S3E_EPARSE;
        snprintf(x->st->a.err.detail, sizeof x->st->a.err.detail, "malformed CopyObject response");
    }
    if (rc) {
        x->err = x->st->a.err;
        try_over(x, rc);
        return;
    }
    if (!s3e_resp_header(resp, "x-amz-version-id", x->copy_version, sizeof x->copy_version) ||
        strcmp(x->copy_version, "null") == 0)
        x->copy_version[0] = '\0';
    if (s3e_put_replaces_tags(x->spec.put)) {
        /* radosgw 16 ignores x-amz-tagging-directive on CopyObject: set them. */
        struct s3e_head none;
        memset(&none, 0, sizeof none);
        s3e_buf_reset(&x->tags);
        rc = s3e_put_apply(x->spec.put, &none, &x->tags);
        s3e_head_free(&none);
        if (!rc && x->tags.len) {
            s3e_buf_reset(&x->body);
            rc = s3e_s3_put_tagging_request(&x->st->req, &x->st->q[0], &x->body, x->md5,
                                            x->spec.dst_bucket, x->spec.dst_key,
                                            x->tags.data);
            send_req(x, FC_PUT_TAGS, rc);
            return;
        }
        if (rc) {
            s3e_s3_error_clear(&x->err);
            delete_bad(x, rc); /* an object without its tags is not the copy asked for */
            return;
        }
    }
    verify(x);
}

static void after_verify_dst(struct s3e_fc *x, int rc)
{
    rc = s3e_s3_head_result(rc, &x->st->a.resp, &x->dst, &x->st->a.err);
    if (rc) {
        x->err = x->st->a.err;
        try_over(x, rc);
        return;
    }
    x->have_dst = 1;
    if (!x->res.etag[0])
        snprintf(x->res.etag, sizeof x->res.etag, "%s", x->dst.etag);
    /* radosgw 16's CopyObject does not name the version: the HEAD's, if it shows
     * our copy (its ETag) */
    if (!x->copy_version[0] && !x->res.multipart &&
        (strcmp(x->res.etag, x->dst.etag) != 0 ||
         !s3e_resp_header(&x->st->a.resp, "x-amz-version-id", x->copy_version,
                          sizeof x->copy_version) || strcmp(x->copy_version, "null") == 0))
        x->copy_version[0] = '\0';
    if (s3e_copy_encryption_problem(&x->spec, &x->dst)) {
        rc = s3e_copy_judge(&x->spec, &x->dst, S3E_OK, x->cur.size, &x->res, &x->err);
        s3e_s3_error_name_op(&x->err, "Verify");
        delete_bad(x, rc); /* never leave a bad copy */
        return;
    }
    rc = s3e_s3_head_version_request(&x->st->req, &x->st->q[0], x->spec.src_bucket, x->spec.src_key,
                                     x->hdrs.version_id, x->hdrs.src_ssec);
    send_req(x, FC_VERIFY_SRC, rc);
}

static void after_verify_src(struct s3e_fc *x, int rc)
{
    struct s3e_head src;
    rc = s3e_s3_head_result(rc, &x->st->a.resp, &src, &x->st->a.err);
    if (rc)
        x->err = x->st->a.err;
    else
        rc = s3e_copy_compare_heads(&x->spec, &src, &x->dst, x->spec.src_etag,
                                    x->spec.put != NULL, &x->res, &x->err);
    s3e_head_free(&src);
    rc = s3e_copy_judge(&x->spec, &x->dst, rc, x->cur.size, &x->res, &x->err);
    if (rc == S3E_EVERIFY) {
        s3e_s3_error_name_op(&x->err, "Verify");
        delete_bad(x, rc); /* never leave a bad copy */
        return;
    }
    try_over(x, rc);
}

static void multipart_over(struct s3e_fc *x)
{
    const struct s3e_s3_error *err;
    int rc = s3e_mp_result(x->mp, &x->res, &err);
    if (rc)
        x->err = *err;
    s3e_mp_free(x->mp);
    x->mp = NULL;
    if (rc == S3E_ES3 && stream_instead(x, &x->err))
        return;
    finish(x, rc); /* it made its own tries and look-up */
}

static void stream_over(struct s3e_fc *x)
{
    const struct s3e_s3_error *err;
    int rc = s3e_fs_result(x->fs, &x->res, &err);
    if (rc)
        x->err = *err;
    s3e_fs_free(x->fs);
    x->fs = NULL;
    finish(x, rc); /* it made its own tries, look-up and verification */
}

void s3e_fc_on_done(struct s3e_fc *x, struct s3e_areq *a, int rc)
{
    switch (x->state) {
    case FC_MULTIPART:
        if (a)
            s3e_mp_on_done(x->mp, a, rc);
        if (s3e_mp_finished(x->mp))
            multipart_over(x);
        break;
    case FC_STREAM:
        if (a)
            s3e_fs_on_done(x->fs, a, rc);
        if (s3e_fs_finished(x->fs))
            stream_over(x);
        break;
    case FC_LOOKUP:
        after_lookup(x, rc);
        break;
    case FC_COPY:
        after_copy(x, rc);
        break;
    case FC_PUT_TAGS:
        if (rc) {
            x->err = x->st->a.err;
            delete_bad(x, rc); /* an object without its tags is not the copy asked for */
        } else {
            verify(x);
        }
        break;
    case FC_VERIFY_DST:
        after_verify_dst(x, rc);
        break;
    case FC_VERIFY_SRC:
        after_verify_src(x, rc);
        break;
    case FC_DELETE_BAD:
        if (rc && x->by_version)
            delete_bad(x, x->bad_rc); /* by key, as anywhere */
        else
            try_over(x, x->bad_rc); /* the failure stays the one that made the delete */
        break;
    case FC_FINISHED:
        break;
    }
}

int s3e_fc_poll(struct s3e_fc *x)
{
    if (x->state == FC_STREAM) {
        int waiting = s3e_fs_poll(x->fs); /* parts that wait for memory */
        if (s3e_fs_finished(x->fs))
            stream_over(x);
        return waiting;
    }
    if (x->state != FC_MULTIPART)
        return 0;
    int waiting = s3e_mp_poll(x->mp);
    if (s3e_mp_finished(x->mp))
        multipart_over(x);
    return waiting;
}

int s3e_fc_start(struct s3e_fc **out, struct s3e_fstep *st, const struct s3e_job *j, int changed)
{
    struct s3e_fc *x = calloc(1, sizeof *x);
    if (!x)
        return S3E_ENOMEM;
    x->st = st;
    x->cur = *j;
    s3e_copy_bufs_init(&x->bufs);
    s3e_buf_init(&x->tags, 0);
    s3e_buf_init(&x->body, 0);
    use_job(x);
    *out = x;
    if (changed && !s3e_method_streams(st->run, j)) { /* a stream HEADs the source itself */
        x->relooked = 1;
        look_up(x, 1);
    } else {
        attempt(x);
    }
    return S3E_OK;
}

int s3e_fc_finished(const struct s3e_fc *x)
{
    return x->state == FC_FINISHED;
}

int s3e_fc_result(const struct s3e_fc *x, struct s3e_copy_result *res,
                  const struct s3e_s3_error **err)
{
    *res = x->res;
    *err = &x->err;
    return x->rc;
}

void s3e_fc_free(struct s3e_fc *x)
{
    if (!x)
        return;
    s3e_mp_free(x->mp);
    s3e_fs_free(x->fs);
    if (x->have_dst)
        s3e_head_free(&x->dst);
    s3e_copy_bufs_free(&x->bufs);
    s3e_buf_free(&x->tags);
    s3e_buf_free(&x->body);
    free(x);
}
