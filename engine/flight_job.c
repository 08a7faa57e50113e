/* flight_job.c - one job that needs more than a CopyObject, on the workers'
 * event loop (see flight_job.h): a destination that may be an earlier copy,
 * a copy whose ETag could not verify it, a source that changed (412), a
 * route's metadata or tags, an unknown size, a restore, a key's versions.
 * Each step is one request in flight; the decisions are copy.c's,
 * verify_rules.c's and worker.c's (is_our_copy, record, fail). */
#include "flight_job.h"
#include "flight_copy.h"
#include "flight_step.h"
#include "method.h"
#include "restore.h"
#include "s3_ops.h"
#include "s3_versions_int.h"
#include "stream_job.h"
#include "tindex.h"
#include "version_resume.h"
#include "worker.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/plan.h"
#include "s3engine/verify_rules.h"
#include "s3engine/versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fj_state {
    FJ_CHECK_DST,    /* HEAD of a destination that may be the copy already */
    FJ_CHECK_SRC,    /* HEAD of the source, to compare with it */
    FJ_COPY,         /* the copy (flight_copy.c) */
    FJ_RESTORE_HEAD, /* HEAD of an archived source: a restore under way or done? */
    FJ_RESTORE_ASK,  /* RestoreObject */
    FJ_MOVE_HEAD,    /* move mode: HEAD of the destination (is it still this copy?) */
    FJ_MOVE_DELETE,  /* move mode: DeleteObject of the source */
    FJ_VERSIONS_AT,  /* ListObjectVersions of the destination key: versions there already */
    FJ_VERSIONS_DST, /* HEAD of a target version matched by size alone (its ETag differs) */
    FJ_VERSIONS_SRC, /* HEAD of the source version it would be the copy of */
    FJ_FINISHED,
};

struct s3e_fj {
    struct s3e_fstep st;        /* the one request in flight (the copy's too) */
    const struct s3e_job *job;  /* as given: one object, or a key's versions */
    const struct s3e_job *j;    /* the object in hand: job, or &one */
    struct s3e_job one;         /* a version of job's key */
    struct s3e_version v;       /* what one points to */
    const char *vp;             /* the next version's line */
    size_t vi, skip;            /* its index; how many the target holds already */
    unsigned skip_cmp;          /* what told them there: S3E_CMP_* */
    size_t pair;                /* FJ_VERSIONS_DST/SRC: the pair being confirmed */
    const char *stopped;        /* why the key's next versions are not copied, or NULL */
    int one_ok;                 /* the object in hand ended at the target */
    int newest_check;           /* the check in flight asks whether every version is copied */
    struct s3e_versions_pager pager; /* FJ_VERSIONS_AT */
    struct s3e_vtarget at;
    struct s3e_query_param vq[6];
    enum s3e_job_start how;
    enum fj_state state;
    int restore_seen;           /* the restore was looked at: not twice */
    double t0;
    enum s3e_outcome outcome;
    char msg[768];              /* the start of a failure's message */
    char restore_msg[256];
    char tiering[24];           /* an Intelligent-Tiering archive tier: no Days */
    struct s3e_copy_hdrs hdrs;
    struct s3e_copy_spec spec;
    struct s3e_copy_result res;
    struct s3e_s3_error err;
    struct s3e_head dst;
    int have_dst;
    struct s3e_fc *fc;
    char body[320];             /* RestoreObject's */
};

static void start_one(struct s3e_fj *x, const struct s3e_job *j, enum s3e_job_start how);
static void next_version(struct s3e_fj *x);
static void copied(struct s3e_fj *x, int rc);

/* A streamed pair's requests go through the connection of their side (the
 * source's or the target's: two endpoints, or one bucket name on both). */
static const struct s3e_config *side_of(const struct s3e_fj *x, enum fj_state s)
{
    const struct s3e_job *j = x->j ? x->j : x->job; /* none in hand yet: the key's */
    if (!s3e_method_streams(x->st.run, j))
        return NULL; /* one endpoint: by bucket */
    const struct s3e_config *src, *dst;
    s3e_stream_vias(x->st.run, j, &src, &dst);
    int source = s == FJ_CHECK_SRC || s == FJ_RESTORE_HEAD || s == FJ_RESTORE_ASK ||
                 s == FJ_MOVE_DELETE || s == FJ_VERSIONS_SRC;
    return source ? src : dst;
}

/* Send x->st.req (built with rc) as the request of state s. */
static void send_req(struct s3e_fj *x, enum fj_state s, int rc)
{
    x->state = s;
    x->st.req.via = side_of(x, s);
    rc = s3e_fstep_send(&x->st, rc);
    if (rc)
        s3e_fj_on_done(x, &x->st.a, rc);
}

static void drop_dst(struct s3e_fj *x)
{
    if (x->have_dst)
        s3e_head_free(&x->dst);
    x->have_dst = 0;
}

/* ---- the end of one object ------------------------------------------------------ */

static void one_over(struct s3e_fj *x)
{
    drop_dst(x);
    if (x->job->versions)
        next_version(x);
    else
        x->state = FJ_FINISHED;
}

static void finish(struct s3e_fj *x, int rc)
{
    x->one_ok = rc == S3E_OK;
    if (rc) {
        s3e_worker_fail(x->st.run, x->j, rc, &x->err, x->msg, x->t0);
    } else {
        uint64_t bytes = x->res.bytes == UINT64_MAX ? 0 : x->res.bytes;
        s3e_worker_record(x->st.run, x->j, x->outcome, bytes, x->res.etag, x->res.compared, NULL,
                          x->t0);
    }
    one_over(x);
}

/* ---- check: is the destination the copy already? (copy.h, s3e_copy_check) -------- */

static void check(struct s3e_fj *x)
{
    memset(&x->res, 0, sizeof x->res);
    s3e_s3_error_clear(&x->err);
    drop_dst(x);
    int rc = s3e_s3_head_version_request(&x->st.req, &x->st.q[0], x->j->dst_bucket, x->j->dst_key,
                                         NULL, x->hdrs.dst_ssec);
    send_req(x, FJ_CHECK_DST, rc);
}

static void start_copy(struct s3e_fj *x, int changed);

static void versions_checked(struct s3e_fj *x, int rc);

/* The check ended with rc: a new source since it was listed is copied as it
 * is now, a copy that differs is made again, one that agrees is skipped (or,
 * in move mode, goes on to the delete). */
static void checked(struct s3e_fj *x, int rc)
{
    if (x->newest_check) {
        versions_checked(x, rc);
        return;
    }
    if (rc && s3e_copy_source_changed(&x->err)) {
        x->how = S3E_JOB_CHANGED;
        memset(&x->res, 0, sizeof x->res);
        start_copy(x, 1);
        return;
    }
    if (rc == S3E_EVERIFY) {
        /* e.g. a multipart copy killed before its tags were set */
        s3e_info("s3://%s/%s: %s; copying it again", x->j->dst_bucket, x->j->dst_key,
                 x->err.detail);
        start_copy(x, 0);
        return;
    }
    if (rc == S3E_OK && !x->st.run->set.move && x->how != S3E_JOB_CHECK)
        x->outcome = S3E_OUT_SKIPPED;
    copied(x, rc);
}

static void after_check_dst(struct s3e_fj *x, int rc)
{
    rc = s3e_s3_head_result(rc, &x->st.a.resp, &x->dst, &x->st.a.err);
    if (rc) {
        x->err = x->st.a.err;
        checked(x, rc);
        return;
    }
    x->have_dst = 1;
    const char *unencrypted = s3e_copy_encryption_problem(&x->spec, &x->dst);
    if (unencrypted) {
        snprintf(x->err.detail, sizeof x->err.detail, "the destination %s", unencrypted);
        s3e_s3_error_name_op(&x->err, "Verify");
        checked(x, S3E_EVERIFY);
        return;
    }
    rc = s3e_s3_head_version_request(&x->st.req, &x->st.q[0], x->j->src_bucket, x->j->src_key,
                                     x->hdrs.version_id, x->hdrs.src_ssec);
    send_req(x, FJ_CHECK_SRC, rc);
}

static void after_check_src(struct s3e_fj *x, int rc)
{
    struct s3e_head src;
    rc = s3e_s3_head_result(rc, &x->st.a.resp, &src, &x->st.a.err);
    if (rc)
        x->err = x->st.a.err;
    else
        rc = s3e_copy_compare_heads(&x->spec, &src, &x->dst, x->spec.src_etag, 1, &x->res,
                                    &x->err);
    s3e_head_free(&src);
    if (rc == S3E_EVERIFY)
        s3e_s3_error_name_op(&x->err, "Verify");
    if (!rc) {
        x->res.bytes = x->dst.size;
        x->res.verified = 1;
        snprintf(x->res.etag, sizeof x->res.etag, "%s", x->dst.etag);
    }
    checked(x, rc);
}

/* ---- the copy ------------------------------------------------------------------- */

static void copy_over(struct s3e_fj *x)
{
    const struct s3e_s3_error *err;
    int rc = s3e_fc_result(x->fc, &x->res, &err);
    x->err = *err;
    s3e_fc_free(x->fc);
    x->fc = NULL;
    copied(x, rc);
}

static void start_copy(struct s3e_fj *x, int changed)
{
    int rc = s3e_fc_start(&x->fc, &x->st, x->j, changed);
    if (rc) {
        s3e_s3_error_clear(&x->err);
        snprintf(x->err.detail, sizeof x->err.detail, "out of memory");
        copied(x, rc);
        return;
    }
    x->state = FJ_COPY;
    if (s3e_fc_finished(x->fc))
        copy_over(x);
}

/* ---- a restore ------------------------------------------------------------------ */

static void restore_look(struct s3e_fj *x)
{
    x->restore_seen = 1;
    s3e_s3_error_clear(&x->err);
    int rc = s3e_s3_head_version_request(&x->st.req, &x->st.q[0], x->j->src_bucket, x->j->src_key,
                                         x->j->version_id, x->hdrs.src_ssec);
    send_req(x, FJ_RESTORE_HEAD, rc);
}

/* Restore asked for, or under way: the object is `restoring`. */
static void restoring(struct s3e_fj *x)
{
    s3e_info("s3://%s/%s: %s", x->j->src_bucket, x->j->src_key, x->restore_msg);
    s3e_worker_record(x->st.run, x->j, S3E_OUT_RESTORING, x->j->size, NULL, 0, x->restore_msg,
                      x->t0);
    x->one_ok = 0;
    one_over(x);
}

static void after_restore_head(struct s3e_fj *x, int rc)
{
    struct s3e_head h;
    rc = s3e_s3_head_result(rc, &x->st.a.resp, &h, &x->st.a.err);
    if (rc) {
        x->err = x->st.a.err;
        finish(x, rc);
        return;
    }
    enum s3e_restore_state st = s3e_restore_seen(h.restore, x->restore_msg,
                                                 sizeof x->restore_msg);
    snprintf(x->tiering, sizeof x->tiering, "%s", h.archive_status);
    s3e_head_free(&h);
    if (st == S3E_RESTORE_DONE) {
        start_copy(x, 0); /* restored: a copy can read it */
    } else if (st == S3E_RESTORE_ONGOING) {
        restoring(x);
    } else {
        const struct s3e_source *src = &x->st.run->plan.sources[x->j->source];
        rc = s3e_restore_request(&x->st.req, x->st.q, x->body, x->j->src_bucket, x->j->src_key,
                                 x->j->version_id, x->tiering[0] ? 0 : src->restore_days,
                                 src->restore_tier);
        send_req(x, FJ_RESTORE_ASK, rc);
    }
}

static void after_restore_ask(struct s3e_fj *x, int rc)
{
    const struct s3e_source *src = &x->st.run->plan.sources[x->j->source];
    int done = 0;
    rc = s3e_restore_answer(rc, x->st.a.resp.status, &x->st.a.err, src->restore_days,
                            src->restore_tier, x->tiering, &done, x->restore_msg,
                            sizeof x->restore_msg);
    if (rc) {
        x->err = x->st.a.err;
        finish(x, rc);
    } else if (done) {
        start_copy(x, 0); /* restored between the copy and now: copy it */
    } else {
        restoring(x);
    }
}

/* ---- after the copy: a restore, the move's delete, the record ------------------- */

static void copied(struct s3e_fj *x, int rc)
{
    if (!x->restore_seen &&
        (x->how == S3E_JOB_RESTORE || (rc && s3e_worker_wants_restore(x->st.run, x->j, &x->err)))) {
        restore_look(x);
        return;
    }
    if (rc || !x->st.run->set.move) {
        finish(x, rc);
        return;
    }
    /* Move mode: delete the source only if the destination still holds this
     * copy (another run, or a bug, may have written the key since). */
    s3e_s3_error_clear(&x->err);
    drop_dst(x);
    rc = s3e_s3_head_version_request(&x->st.req, &x->st.q[0], x->j->dst_bucket, x->j->dst_key, NULL,
                                     x->hdrs.dst_ssec);
    send_req(x, FJ_MOVE_HEAD, rc);
}

static void after_move_head(struct s3e_fj *x, int rc)
{
    struct s3e_head h;
    rc = s3e_s3_head_result(rc, &x->st.a.resp, &h, &x->st.a.err);
    if (rc) {
        x->err = x->st.a.err;
        snprintf(x->msg, sizeof x->msg, "copied, but the destination could not be checked, so "
                 "the source was not deleted: ");
        finish(x, rc);
        return;
    }
    uint64_t size = x->res.bytes != S3E_SIZE_UNKNOWN ? x->res.bytes : x->j->size;
    int ours = s3e_worker_is_our_copy(x->res.etag, size, h.etag, h.size, x->msg, sizeof x->msg);
    s3e_head_free(&h);
    if (!ours) {
        finish(x, s3e_worker_not_ours(x->j, &x->err));
        return;
    }
    s3e_s3_delete_request(&x->st.req, x->j->src_bucket, x->j->src_key);
    send_req(x, FJ_MOVE_DELETE, S3E_OK);
}

static void after_move_delete(struct s3e_fj *x, int rc)
{
    if (rc) {
        x->err = x->st.a.err;
        snprintf(x->msg, sizeof x->msg, "copied, but the source was not deleted: ");
        finish(x, rc);
        return;
    }
    x->outcome = S3E_OUT_MOVED;
    finish(x, S3E_OK);
}

/* ---- one object, and a key's versions ------------------------------------------- */

static void start_one(struct s3e_fj *x, const struct s3e_job *j, enum s3e_job_start how)
{
    x->j = j;
    x->how = how;
    x->t0 = s3e_now();
    x->outcome = S3E_OUT_COPIED;
    x->msg[0] = '\0';
    x->restore_seen = 0;
    memset(&x->res, 0, sizeof x->res);
    s3e_s3_error_clear(&x->err);
    s3e_worker_hdrs(x->st.run, j, &x->hdrs);
    s3e_worker_spec(x->st.run, j, &x->hdrs, &x->spec);
    if (j->existing || how == S3E_JOB_CHECK)
        check(x);
    else if (how == S3E_JOB_CHANGED)
        start_copy(x, 1);
    else if (how == S3E_JOB_COPY)
        start_copy(x, 0);
    else
        copied(x, S3E_OK); /* S3E_JOB_RESTORE: the restore first */
}

/* The next of a key's versions, oldest first, so the newest is the
 * destination's current object at the end; each has its own report row. A
 * version that is not copied stops the key: a newer one copied after it
 * would change the order. */
static void next_version(struct s3e_fj *x)
{
    if (x->j == &x->one && !x->one_ok && !x->stopped)
        x->stopped = "not copied: an older version of the key was not copied (the versions "
                     "keep their order)";
    x->one_ok = 0;
    for (; s3e_versions_next(&x->vp, &x->v); x->vi++) {
        if (x->vi < x->skip)
            continue;
        s3e_worker_version_job(x->job, &x->v, &x->one);
        if (!x->stopped && s3e_run_stopping(x->st.run))
            x->stopped = "interrupted";
        if (!x->stopped) {
            x->vi++;
            start_one(x, &x->one, S3E_JOB_COPY);
            return;
        }
        s3e_worker_record(x->st.run, &x->one, S3E_OUT_FAILED, x->v.size, NULL, 0, x->stopped,
                          s3e_now());
    }
    x->state = FJ_FINISHED;
}

/* The versions the target holds already (version_resume.h) are skipped,
 * each recorded; the rest copied from the first one missing. */
static void versions_from(struct s3e_fj *x, size_t skip)
{
    x->skip = skip;
    x->vp = x->job->versions;
    x->vi = 0;
    x->j = x->job;
    for (size_t i = 0; i < skip && s3e_versions_next(&x->vp, &x->v); i++, x->vi++) {
        s3e_worker_version_job(x->job, &x->v, &x->one);
        s3e_worker_record(x->st.run, &x->one, S3E_OUT_SKIPPED, x->v.size, x->v.etag,
                          x->skip_cmp, NULL, s3e_now());
    }
    if (skip)
        s3e_info("s3://%s/%s: the oldest %zu of %zu versions are there already",
                 x->job->dst_bucket, x->job->dst_key, skip,
                 s3e_versions_count(x->job->versions));
    next_version(x);
}

static void versions_page(struct s3e_fj *x)
{
    s3e_versions_page_request(&x->st.req, x->vq, &x->pager, x->job->dst_bucket,
                              x->job->dst_key);
    send_req(x, FJ_VERSIONS_AT, S3E_OK);
}

/* Without a listing of the targets (--force), or when the key is not there,
 * every version is copied. */
static void versions_at_target(struct s3e_fj *x)
{
    const struct s3e_job *j = x->job;
    if (!x->st.run->tindex ||
        !s3e_tindex_has(x->st.run->tindex, j->dst_bucket, j->dst_key, strlen(j->dst_key))) {
        versions_from(x, 0);
        return;
    }
    s3e_vtarget_init(&x->at, j->dst_key);
    s3e_versions_pager_init(&x->pager, s3e_vtarget_on_version, &x->at);
    versions_page(x);
}

/* The target's versions are compared: the oldest `done` are copies. */
static void versions_known(struct s3e_fj *x, size_t done, unsigned cmp)
{
    s3e_vtarget_free(&x->at);
    drop_dst(x);
    x->skip_cmp = cmp;
    versions_from(x, done);
}

/* The next pair matched by size whose ETags differ (a multipart copy, an
 * SSE-KMS or SSE-C side) is confirmed by HEADs of both versions, as a
 * destination that may be current is (s3e_copy_compare_heads); all agree:
 * the loose match stands, else only the exact one. */
static void confirm_next(struct s3e_fj *x)
{
    size_t si;
    const struct s3e_vsig *d;
    if (!s3e_vtarget_pair(&x->at, &x->pair, &si, &d)) {
        s3e_info("s3://%s/%s: the target's versions have other ETags; %zu of them confirmed "
                 "by HEADs", x->job->dst_bucket, x->job->dst_key, x->pair);
        versions_known(x, x->at.loose, S3E_CMP_SIZE);
        return;
    }
    if (!d->version_id) {
        versions_known(x, x->at.exact, S3E_CMP_SIZE | S3E_CMP_ETAG);
        return;
    }
    const char *p = x->job->versions;
    for (size_t i = 0; s3e_versions_next(&p, &x->v) && i < si; i++)
        ;
    s3e_worker_version_job(x->job, &x->v, &x->one);
    x->j = &x->one;
    s3e_worker_hdrs(x->st.run, x->j, &x->hdrs);
    s3e_worker_spec(x->st.run, x->j, &x->hdrs, &x->spec);
    s3e_s3_error_clear(&x->err);
    drop_dst(x);
    int rc = s3e_s3_head_version_request(&x->st.req, &x->st.q[0], x->j->dst_bucket,
                                         x->j->dst_key, d->version_id, x->hdrs.dst_ssec);
    send_req(x, FJ_VERSIONS_DST, rc);
}

static void after_confirm_dst(struct s3e_fj *x, int rc)
{
    rc = s3e_s3_head_result(rc, &x->st.a.resp, &x->dst, &x->st.a.err);
    if (rc) {
        versions_known(x, x->at.exact, S3E_CMP_SIZE | S3E_CMP_ETAG);
        return;
    }
    x->have_dst = 1;
    rc = s3e_s3_head_version_request(&x->st.req, &x->st.q[0], x->j->src_bucket, x->j->src_key,
                                     x->hdrs.version_id, x->hdrs.src_ssec);
    send_req(x, FJ_VERSIONS_SRC, rc);
}

static void after_confirm_src(struct s3e_fj *x, int rc)
{
    struct s3e_head src;
    rc = s3e_s3_head_result(rc, &x->st.a.resp, &src, &x->st.a.err);
    if (!rc) {
        rc = s3e_copy_compare_heads(&x->spec, &src, &x->dst, x->spec.src_etag, 1, &x->res,
                                    &x->err);
        s3e_head_free(&src);
    }
    if (rc) {
        s3e_info("s3://%s/%s: a version of the target's has the size of source version %s "
                 "but is not its copy (%s)", x->job->dst_bucket, x->job->dst_key,
                 x->v.id, x->err.detail[0] ? x->err.detail : s3e_strerror(rc));
        versions_known(x, x->at.exact, S3E_CMP_SIZE | S3E_CMP_ETAG);
        return;
    }
    x->pair++;
    confirm_next(x);
}

static void after_versions_page(struct s3e_fj *x, int rc)
{
    if (!rc)
        rc = s3e_versions_page_read(&x->pager, &x->st.a.resp, &x->st.a.err);
    if (rc == S3E_LIST_STOP)
        rc = S3E_OK;
    else if (!rc && x->pager.truncated) {
        versions_page(x);
        return;
    }
    s3e_versions_pager_free(&x->pager);
    if (!rc)
        rc = s3e_vtarget_compare(&x->at, x->job->versions);
    if (rc) {
        const struct s3e_s3_error *e = &x->st.a.err;
        s3e_warn("s3://%s/%s: its versions at the target could not be listed (%s); "
                 "copying every version", x->job->dst_bucket, x->job->dst_key,
                 e->code[0] ? e->code : e->detail);
        versions_known(x, 0, 0);
        return;
    }
    if (x->at.loose > x->at.exact) {
        x->pair = 0;
        confirm_next(x);
        return;
    }
    versions_known(x, x->at.exact, S3E_CMP_SIZE | S3E_CMP_ETAG);
}

/* A destination that may be an earlier run's copy of the newest version
 * (its ETag cannot tell) was checked: when it is, all were copied. */
static void versions_checked(struct s3e_fj *x, int rc)
{
    x->newest_check = 0;
    drop_dst(x);
    if (rc == S3E_OK) {
        s3e_worker_record_all(x->st.run, x->job, S3E_OUT_SKIPPED, x->res.compared, NULL,
                              s3e_now());
        x->state = FJ_FINISHED;
        return;
    }
    versions_at_target(x);
}

static void start_versions(struct s3e_fj *x)
{
    if (!x->job->existing) {
        versions_at_target(x);
        return;
    }
    for (const char *p = x->job->versions; s3e_versions_next(&p, &x->v);)
        s3e_worker_version_job(x->job, &x->v, &x->one); /* the last one read is the newest */
    x->j = &x->one;
    x->newest_check = 1;
    s3e_worker_hdrs(x->st.run, x->j, &x->hdrs);
    s3e_worker_spec(x->st.run, x->j, &x->hdrs, &x->spec);
    check(x);
}

/* ---- the interface -------------------------------------------------------------- */

int s3e_fj_start(struct s3e_fj **out, struct s3e_run *run, struct s3e_client *c,
                 struct s3e_flow *flow, const struct s3e_job *j,
                 const struct s3e_deadline *dl, enum s3e_job_start how, void *owner)
{
    struct s3e_fj *x = calloc(1, sizeof *x);
    if (!x)
        return S3E_ENOMEM;
    int rc = s3e_fstep_init(&x->st, run, c, flow, dl, owner);
    if (rc) {
        free(x);
        return rc;
    }
    x->job = j;
    *out = x;
    if (j->versions)
        start_versions(x);
    else
        start_one(x, j, how);
    return S3E_OK;
}

void s3e_fj_on_done(struct s3e_fj *x, struct s3e_areq *a, int rc)
{
    switch (x->state) {
    case FJ_COPY:
        s3e_fc_on_done(x->fc, a, rc);
        if (s3e_fc_finished(x->fc))
            copy_over(x);
        break;
    case FJ_CHECK_DST:
        after_check_dst(x, rc);
        break;
    case FJ_CHECK_SRC:
        after_check_src(x, rc);
        break;
    case FJ_RESTORE_HEAD:
        after_restore_head(x, rc);
        break;
    case FJ_RESTORE_ASK:
        after_restore_ask(x, rc);
        break;
    case FJ_MOVE_HEAD:
        after_move_head(x, rc);
        break;
    case FJ_MOVE_DELETE:
        after_move_delete(x, rc);
        break;
    case FJ_VERSIONS_AT:
        after_versions_page(x, rc);
        break;
    case FJ_VERSIONS_DST:
        after_confirm_dst(x, rc);
        break;
    case FJ_VERSIONS_SRC:
        after_confirm_src(x, rc);
        break;
    case FJ_FINISHED:
        break;
    }
}

int s3e_fj_poll(struct s3e_fj *x)
{
    if (x->state != FJ_COPY)
        return 0;
    int waiting = s3e_fc_poll(x->fc);
    if (s3e_fc_finished(x->fc))
        copy_over(x);
    return waiting;
}

int s3e_fj_finished(const struct s3e_fj *x)
{
    return x->state == FJ_FINISHED;
}

void s3e_fj_free(struct s3e_fj *x)
{
    if (!x)
        return;
    s3e_fc_free(x->fc);
    drop_dst(x);
    if (x->state == FJ_VERSIONS_AT)
        s3e_versions_pager_free(&x->pager);
    if (x->state == FJ_VERSIONS_AT || x->state == FJ_VERSIONS_DST ||
        x->state == FJ_VERSIONS_SRC)
        s3e_vtarget_free(&x->at);
    s3e_fstep_free(&x->st);
    free(x);
}
