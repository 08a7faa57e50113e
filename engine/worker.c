/* worker.c - what every copy of a job shares, wherever its requests run
 * (flight.c, flight_job.c, flight_multipart.c, stream_job.c): the job's
 * headers and copy spec, its deadline, the move's "is it still our copy?"
 * test, and the record of every outcome. Plain C, no Lua. */
#include "run.h"
#include "worker.h"
#include "method.h"
#include "s3_conn.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/s3.h"
#include "s3engine/verify_rules.h"
#include "s3engine/versions.h"

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

int s3e_worker_not_ours(const struct s3e_job *j, struct s3e_s3_error *err)
{
    s3e_s3_error_clear(err);
    snprintf(err->operation, sizeof err->operation, "HeadObject");
    snprintf(err->detail, sizeof err->detail, "the source is still at s3://%s/%s",
             j->src_bucket, j->src_key);
    return S3E_EVERIFY;
}

void s3e_worker_version_job(const struct s3e_job *j, const struct s3e_version *v,
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
        s3e_worker_version_job(j, &v, &one);
        s3e_worker_record(run, &one, outcome, v.size, v.etag, compared, error, t0);
    }
}

enum s3e_next_try s3e_worker_next_try(const struct s3e_copy_spec *sp, int rc,
                                      const struct s3e_s3_error *err, int *tries, int *relooked,
                                      int stopping)
{
    int again = rc == S3E_EVERIFY || (rc != S3E_OK && err->retryable);
    if (again && *tries + 1 < S3E_OBJECT_TRIES && !stopping) {
        ++*tries;
        s3e_info("retrying s3://%s/%s from the start (%s)", sp->src_bucket, sp->src_key,
                 s3e_strerror(rc));
        return S3E_TRY_AGAIN;
    }
    if (rc && s3e_copy_source_changed(err) && !*relooked && !stopping) {
        *relooked = 1;
        *tries = 0;
        return S3E_TRY_LOOK_UP;
    }
    return S3E_TRY_OVER;
}
