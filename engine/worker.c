/* worker.c - one object, the blocking way: copy (CopyObject or multipart),
 * verify, delete the source in move mode, record the outcome. Used for what
 * does not fit one request on the event loop (flight.c). Plain C, no Lua. */
#include "run.h"
#include "worker.h"
#include "method.h"
#include "restore.h"
#include "s3_client.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/s3.h"
#include "s3engine/verify_rules.h"
#include "s3engine/versions.h"
#include "tindex.h"
#include "version_resume.h"

#include <stdio.h>
#include <string.h>

void s3e_worker_hdrs(const struct s3e_run *run, const struct s3e_job *j,
                     struct s3e_copy_hdrs *out)
{
    memset(out, 0, sizeof *out);
    out->if_match = j->etag && *j->etag ? j->etag : NULL;
    out->version_id = j->version_id;
    if (j->target < run->plan.ntargets) {
        const struct s3e_target *t = &run->plan.targets[j->target];
        out->sse = t->sse;
        out->kms_key_id = t->kms_key_id;
        out->bucket_key_enabled = t->bucket_key_enabled;
        out->checksum_algorithm = t->checksum_algorithm;
        out->dst_ssec = t->ssec;
    }
    if (j->source < run->plan.nsources)
        out->src_ssec = run->plan.sources[j->source].ssec;
}

void s3e_worker_spec(const struct s3e_run *run, const struct s3e_job *j,
                    const struct s3e_copy_hdrs *hdrs, struct s3e_copy_spec *spec)
{
    *spec = (struct s3e_copy_spec){
        .src_bucket = j->src_bucket, .src_key = j->src_key,
        .dst_bucket = j->dst_bucket, .dst_key = j->dst_key,
        .size = j->size, .src_etag = (j->etag && *j->etag) ? j->etag : NULL,
        .storage_class = j->storage_class, .hdrs = hdrs, .put = j->put,
        .multipart_cutoff = run->set.multipart_cutoff, .part_size = run->set.part_size,
        .part_concurrency = run->set.part_concurrency, .verify = run->set.verify,
        .open_uploads = run->open_uploads,
    };
}

static int copy_spec_with_retry(struct s3e_run *run, struct s3e_client *c,
                                const struct s3e_copy_spec *spec, const struct s3e_job *j,
                                struct s3e_copy_result *res, struct s3e_s3_error *err)
{
    int rc = S3E_OK;
    for (int attempt = 1; attempt <= S3E_OBJECT_TRIES; attempt++) {
        s3e_s3_error_clear(err);
        memset(res, 0, sizeof *res);
        rc = s3e_copy_object(c, spec, res, err);
        if (rc == S3E_EVERIFY && res->unencrypted && !res->multipart) {
            /* The server ignored the encryption of CopyObject (radosgw 16): a
             * multipart copy, whose parts it does encrypt. */
            s3e_info("s3://%s/%s: %s; copying it as a multipart upload", j->dst_bucket,
                     j->dst_key, err->detail);
            struct s3e_copy_spec mp = *spec;
            mp.force_multipart = 1;
            s3e_s3_error_clear(err);
            memset(res, 0, sizeof *res);
            rc = s3e_copy_object(c, &mp, res, err);
        }
        int again = rc == S3E_EVERIFY || (rc != S3E_OK && err->retryable);
        if (!again || s3e_run_stopping(run))
            break;
        s3e_info("retrying s3://%s/%s from the start (%s)", j->src_bucket, j->src_key,
                 s3e_strerror(rc));
    }
    return rc;
}

/* The source is not the one planned (412 to x-amz-copy-source-if-match, or
 * seen by a HEAD): look it up again and copy what it is now, once. Still
 * changing: the failure stays a 412 and the object is reported `changed`. */
static int copy_changed(struct s3e_run *run, struct s3e_client *c, struct s3e_copy_spec *spec,
                        const struct s3e_job *j, struct s3e_copy_result *res,
                        struct s3e_s3_error *err)
{
    struct s3e_head h;
    s3e_s3_error_clear(err);
    int rc = s3e_s3_head_ssec(c, j->src_bucket, j->src_key, spec->hdrs->src_ssec, &h, err);
    if (rc)
        return rc;
    char etag[80];
    snprintf(etag, sizeof etag, "%s", h.etag);
    s3e_info("s3://%s/%s changed since it was listed (ETag %s, now %s); copying it again",
             j->src_bucket, j->src_key, spec->src_etag ? spec->src_etag : "unknown", etag);
    spec->size = h.size;
    spec->src_etag = etag;
    s3e_head_free(&h);
    return copy_spec_with_retry(run, c, spec, j, res, err);
}

static int copy_with_retry(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j,
                           struct s3e_copy_result *res, struct s3e_s3_error *err)
{
    struct s3e_copy_hdrs hdrs;
    struct s3e_copy_spec spec;
    s3e_worker_hdrs(run, j, &hdrs);
    s3e_worker_spec(run, j, &hdrs, &spec);
    int rc = copy_spec_with_retry(run, c, &spec, j, res, err);
    if (rc && s3e_copy_source_changed(err) && !s3e_run_stopping(run))
        rc = copy_changed(run, c, &spec, j, res, err);
    return rc;
}

void s3e_worker_deadline(const struct s3e_run *run, uint64_t size, struct s3e_deadline *out)
{
    double gib = (double)(size == S3E_SIZE_UNKNOWN ? S3E_MAX_COPY_OBJECT : size) / (1 << 30);
    double ms = (double)run->set.object_timeout_ms + (double)run->cfg.copy_timeout_ms * gib;
    if (ms > 1e12)
        ms = 1e12;
    out->at_ms = s3e_now_ms() + (long)ms;
    out->seconds = (long)(ms / 1000);
    if (run->cut_at > 0) { /* no request of it goes past the cut (s3e_now: the same clock) */
        long cut_ms = (long)(run->cut_at * 1000);
        if (cut_ms < out->at_ms) {
            out->seconds = (long)((cut_ms - s3e_now_ms()) / 1000);
            out->at_ms = cut_ms;
        }
    }
}

/* "s3://src/key -> s3://dst/key: why" (no destination: refused before it was routed). */
static void failure_line(const struct s3e_job *j, const char *error, char *out, size_t len)
{
    if (*j->dst_bucket)
        snprintf(out, len, "s3://%s/%s -> s3://%s/%s: %s", j->src_bucket, j->src_key,
                 j->dst_bucket, j->dst_key, error ? error : "failed");
    else
        snprintf(out, len, "s3://%s/%s: %s", j->src_bucket, j->src_key, error ? error : "failed");
}

/* The counters and the report row of one outcome. */
static void count(struct s3e_run *run, const struct s3e_job *j, enum s3e_outcome outcome,
                  uint64_t bytes, const char *etag, unsigned compared, const char *error,
                  double t0)
{
    if (outcome == S3E_OUT_COPIED || outcome == S3E_OUT_MOVED)
        s3e_failfast_success(&run->failfast);
    s3e_stats_record(&run->stats, outcome, bytes);
    if (run->per_target && j->target < run->plan.ntargets)
        s3e_stats_record(&run->per_target[j->target], outcome, bytes);
    if (run->report) {
        struct s3e_report_row row = {
            .src_bucket = j->src_bucket, .src_key = j->src_key, .dst_bucket = j->dst_bucket,
            .dst_key = j->dst_key, .bytes = bytes, .outcome = outcome, .etag = etag,
            .error = outcome == S3E_OUT_FAILED || outcome == S3E_OUT_SKIPPED ||
                     outcome == S3E_OUT_ARCHIVED || outcome == S3E_OUT_CHANGED ||
                     outcome == S3E_OUT_RESTORING ? error : NULL,
            .seconds = s3e_now() - t0, .verified = s3e_verified_name(compared),
            .version = j->version_id,
            .method = *j->dst_bucket ? s3e_method_name(run, j) : NULL,
        };
        s3e_report_write(run->report, &row);
    }
    if (run->on_record)
        run->on_record(run->on_record_ud, j, outcome, bytes, error);
}

void s3e_worker_record(struct s3e_run *run, const struct s3e_job *j, enum s3e_outcome outcome,
                       uint64_t bytes, const char *etag, unsigned compared, const char *error,
                       double t0)
{
    if (outcome == S3E_OUT_FAILED) {
        char line[2400];
        failure_line(j, error, line, sizeof line);
        s3e_error("%s", line);
    }
    count(run, j, outcome, bytes, etag, compared, error, t0);
}

void s3e_worker_fail(struct s3e_run *run, const struct s3e_job *j, int rc,
                     const struct s3e_s3_error *err, const char *prefix, double t0)
{
    char msg[768], line[2400];
    size_t n = (size_t)snprintf(msg, sizeof msg, "%s", prefix ? prefix : "");
    if (n >= sizeof msg)
        n = sizeof msg - 1;
    s3e_s3_error_format(err, rc, msg + n, sizeof msg - n);
    failure_line(j, msg, line, sizeof line);
    /* AWS's answer to a copy of an object in GLACIER or DEEP_ARCHIVE that is
     * not restored: no retry helps, the user restores it first. */
    if (err && strcmp(err->code, "InvalidObjectState") == 0) {
        s3e_warn("%s (archived: restore it, then run again)", line);
        count(run, j, S3E_OUT_ARCHIVED, j->size, NULL, 0, msg, t0);
        return;
    }
    /* Changed again while it was copied a second time: the next run copies it. */
    if (s3e_copy_source_changed(err)) {
        s3e_warn("%s (changed while it was copied: run again)", line);
        count(run, j, S3E_OUT_CHANGED, j->size, NULL, 0, msg, t0);
        return;
    }
    if (!s3e_failfast_failure(&run->failfast, err, line))
        s3e_error("%s", line);
    count(run, j, S3E_OUT_FAILED, j->size, NULL, 0, msg, t0);
}

int s3e_worker_wants_restore(const struct s3e_run *run, const struct s3e_job *j,
                             const struct s3e_s3_error *err)
{
    return err && strcmp(err->code, "InvalidObjectState") == 0 &&
           j->source < run->plan.nsources && run->plan.sources[j->source].restore_days > 0;
}

int s3e_worker_restore_first(const struct s3e_run *run, const struct s3e_job *j)
{
    return j->archived && !j->existing && !j->versions && j->source < run->plan.nsources &&
           run->plan.sources[j->source].restore_days > 0;
}

/* An archived source with restore = {...}: restore asked for, or under way,
 * is `restoring`; one restored meanwhile is copied. */
static int restore(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j,
                   double t0, int *restored, struct s3e_s3_error *err)
{
    const struct s3e_source *src = &run->plan.sources[j->source];
    char msg[256];
    int rc = s3e_restore_ask(c, j->src_bucket, j->src_key, j->version_id, src->ssec,
                             src->restore_days, src->restore_tier, restored, msg, sizeof msg,
                             err);
    if (rc || *restored)
        return rc;
    s3e_info("s3://%s/%s: %s", j->src_bucket, j->src_key, msg);
    count(run, j, S3E_OUT_RESTORING, j->size, NULL, 0, msg, t0);
    return S3E_OK;
}

int s3e_worker_is_our_copy(const char *copy_etag, uint64_t copy_size, const char *head_etag,
                           uint64_t head_size, char *msg, size_t len)
{
    int same_etag = copy_etag && *copy_etag && strcmp(copy_etag, head_etag) == 0;
    int same_size = copy_size == S3E_SIZE_UNKNOWN || copy_size == head_size;
    if (same_etag && same_size)
        return 1;
    snprintf(msg, len, "copied, but the destination now holds another object (ETag %s, %llu "
             "bytes; this copy: ETag %s), so the source was not deleted: ", head_etag,
             (unsigned long long)head_size, copy_etag && *copy_etag ? copy_etag : "unknown");
    return 0;
}

/* Move mode: delete the source only if the destination still holds this copy
 * (another run, or a bug, may have written the key since). */
static int delete_source(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j,
                         const struct s3e_copy_result *res, char *msg, size_t len,
                         struct s3e_s3_error *err)
{
    struct s3e_head h;
    struct s3e_copy_hdrs hdrs;
    s3e_worker_hdrs(run, j, &hdrs);
    s3e_s3_error_clear(err);
    int rc = s3e_s3_head_ssec(c, j->dst_bucket, j->dst_key, hdrs.dst_ssec, &h, err);
    if (rc) {
        snprintf(msg, len, "copied, but the destination could not be checked, so the source "
                 "was not deleted: ");
        return rc;
    }
    uint64_t size = res->bytes != S3E_SIZE_UNKNOWN ? res->bytes : j->size;
    int ours = s3e_worker_is_our_copy(res->etag, size, h.etag, h.size, msg, len);
    s3e_head_free(&h);
    if (!ours) {
        snprintf(err->operation, sizeof err->operation, "HeadObject");
        snprintf(err->detail, sizeof err->detail, "the source is still at s3://%s/%s",
                 j->src_bucket, j->src_key);
        return S3E_EVERIFY;
    }
    rc = s3e_s3_delete_object(c, j->src_bucket, j->src_key, err);
    if (rc)
        snprintf(msg, len, "copied, but the source was not deleted: ");
    return rc;
}

/* A destination that looks like an earlier run's copy (a move whose delete did
 * not happen, a multipart copy or an encrypted one whose ETag cannot tell),
 * or a CopyObject whose ETag could not verify it: checked against fresh
 * HEADs of both (copy.h, s3e_copy_check). */
static int check_existing(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j,
                          struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    struct s3e_copy_hdrs hdrs;
    struct s3e_copy_spec spec;
    s3e_worker_hdrs(run, j, &hdrs);
    s3e_worker_spec(run, j, &hdrs, &spec);
    return s3e_copy_check(c, &spec, out, err);
}

static int do_one(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j,
                  enum s3e_job_start how);

/* One job of a key's versions, for the version v. */
static void version_job(const struct s3e_job *j, const struct s3e_version *v,
                        struct s3e_job *one)
{
    *one = *j;
    one->versions = NULL;
    one->existing = 0;
    one->version_id = v->id;
    one->size = v->size;
    one->etag = v->etag;
    one->last_modified = v->last_modified;
}

void s3e_worker_record_all(struct s3e_run *run, const struct s3e_job *j, enum s3e_outcome outcome,
                           unsigned compared, const char *error, double t0)
{
    if (!j->versions) {
        s3e_worker_record(run, j, outcome, j->size, j->etag, compared, error, t0);
        return;
    }
    struct s3e_version v;
    struct s3e_job one;
    for (const char *p = j->versions; s3e_versions_next(&p, &v);) {
        version_job(j, &v, &one);
        s3e_worker_record(run, &one, outcome, v.size, v.etag, compared, error, t0);
    }
}

/* How many of j's versions (oldest first) an earlier run put at a target
 * that already holds the key: those are skipped, each recorded. 0 without a
 * listing of the targets (--force) or when the target cannot be listed
 * (then every version is copied, as before). */
static size_t already_there(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j)
{
    size_t done = 0;
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    if (!run->tindex ||
        !s3e_tindex_has(run->tindex, j->dst_bucket, j->dst_key, strlen(j->dst_key)))
        return 0;
    if (s3e_versions_at_target(c, j->dst_bucket, j->dst_key, j->versions, &done, &err)) {
        s3e_warn("s3://%s/%s: its versions at the target could not be listed (%s); "
                 "copying every version", j->dst_bucket, j->dst_key,
                 err.code[0] ? err.code : err.detail);
        return 0;
    }
    struct s3e_version v;
    struct s3e_job one;
    size_t i = 0;
    for (const char *p = j->versions; i < done && s3e_versions_next(&p, &v); i++) {
        version_job(j, &v, &one);
        s3e_worker_record(run, &one, S3E_OUT_SKIPPED, v.size, v.etag,
                          S3E_CMP_SIZE | S3E_CMP_ETAG, NULL, s3e_now());
    }
    if (done)
        s3e_info("s3://%s/%s: the oldest %zu of %zu versions are there already",
                 j->dst_bucket, j->dst_key, done, s3e_versions_count(j->versions));
    return done;
}

/* versions = "all": a key's versions one after another, oldest first, so
 * the newest is the destination's current object at the end; each has its
 * own report row. A destination that may be an earlier run's copy of the
 * newest (its ETag cannot tell) is checked first: when it is, all were
 * copied. Otherwise the versions the target holds already, in order, are
 * not copied again (version_resume.h). A version that is not copied stops
 * the key: a newer one copied after it would change the order. */
static void do_versions(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j)
{
    struct s3e_version v;
    struct s3e_job one;
    if (j->existing) {
        struct s3e_copy_result res;
        struct s3e_s3_error err;
        s3e_s3_error_clear(&err);
        for (const char *p = j->versions; s3e_versions_next(&p, &v);)
            version_job(j, &v, &one); /* the last one read is the newest */
        if (check_existing(run, c, &one, &res, &err) == S3E_OK) {
            s3e_worker_record_all(run, j, S3E_OUT_SKIPPED, res.compared, NULL, s3e_now());
            return;
        }
    }
    size_t skip = already_there(run, c, j), i = 0;
    const char *stopped = NULL;
    for (const char *p = j->versions; s3e_versions_next(&p, &v); i++) {
        if (i < skip)
            continue;
        version_job(j, &v, &one);
        if (!stopped && s3e_run_stopping(run))
            stopped = "interrupted";
        if (stopped) {
            s3e_worker_record(run, &one, S3E_OUT_FAILED, v.size, NULL, 0, stopped, s3e_now());
            continue;
        }
        if (!do_one(run, c, &one, S3E_JOB_COPY))
            stopped = "not copied: an older version of the key was not copied (the versions "
                      "keep their order)";
    }
}

void s3e_worker_do_job(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j,
                       const struct s3e_deadline *dl, enum s3e_job_start how)
{
    s3e_client_set_deadline(c, dl);
    if (j->versions)
        do_versions(run, c, j);
    else
        do_one(run, c, j, how);
}

/* 1 when j ends at the target (copied, skipped, moved), else 0. */
static int do_one(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j,
                  enum s3e_job_start how)
{
    double t0 = s3e_now();
    struct s3e_copy_result res;
    struct s3e_s3_error err;
    char msg[768] = "";
    enum s3e_outcome outcome = S3E_OUT_COPIED;
    s3e_s3_error_clear(&err);
    int rc = S3E_OK;
    if (j->existing || how == S3E_JOB_CHECK) {
        rc = check_existing(run, c, j, &res, &err);
        if (rc && s3e_copy_source_changed(&err)) {
            how = S3E_JOB_CHANGED; /* a new source since it was listed: copy that */
        } else if (rc == S3E_EVERIFY) {
            /* e.g. a multipart copy killed before its tags were set */
            s3e_info("s3://%s/%s: %s; copying it again", j->dst_bucket, j->dst_key, err.detail);
            rc = copy_with_retry(run, c, j, &res, &err);
        } else if (rc == S3E_OK && !run->set.move && how != S3E_JOB_CHECK) {
            outcome = S3E_OUT_SKIPPED;
        }
    }
    if (how == S3E_JOB_CHANGED) {
        struct s3e_copy_hdrs hdrs;
        struct s3e_copy_spec spec;
        s3e_worker_hdrs(run, j, &hdrs);
        s3e_worker_spec(run, j, &hdrs, &spec);
        memset(&res, 0, sizeof res);
        rc = copy_changed(run, c, &spec, j, &res, &err);
    } else if (!j->existing && how == S3E_JOB_COPY) {
        rc = copy_with_retry(run, c, j, &res, &err);
    }
    if (how == S3E_JOB_RESTORE || (rc && s3e_worker_wants_restore(run, j, &err))) {
        int restored = 0;
        rc = restore(run, c, j, t0, &restored, &err);
        if (rc == S3E_OK && !restored)
            return 0;
        if (rc == S3E_OK) /* restored between the copy and now: copy it */
            rc = copy_with_retry(run, c, j, &res, &err);
    }
    if (rc == S3E_OK && run->set.move) {
        rc = delete_source(run, c, j, &res, msg, sizeof msg, &err);
        if (rc == S3E_OK)
            outcome = S3E_OUT_MOVED;
    }
    if (rc != S3E_OK) {
        s3e_worker_fail(run, j, rc, &err, msg, t0);
        return 0;
    }
    uint64_t bytes = res.bytes == UINT64_MAX ? 0 : res.bytes;
    s3e_worker_record(run, j, outcome, bytes, res.etag, res.compared, NULL, t0);
    return 1;
}
