/* stream_job.c - one streamed job, the blocking way (stream_job.h). */
#include "stream_job.h"
#include "conns.h"
#include "copy_blocking.h"
#include "s3_client.h"
#include "stream_copy.h"
#include "worker.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/s3.h"

#include <stdio.h>
#include <string.h>

/* Streamed parts in memory at once for the whole run, unless one object's
 * batch (part size x part concurrency) is more (--stream-memory: exactly). */
#define STREAM_MEMORY (1ULL << 30)

uint64_t s3e_stream_memory(const struct s3e_run *run)
{
    if (run->cli->stream_memory)
        return run->cli->stream_memory; /* batches are cut to fit it */
    uint64_t part = run->set.part_size ? run->set.part_size : S3E_DEFAULT_PART_SIZE;
    uint64_t conc = run->set.part_concurrency ? (uint64_t)run->set.part_concurrency
                                              : S3E_DEFAULT_PART_CONCURRENCY;
    return part * conc > STREAM_MEMORY ? part * conc : STREAM_MEMORY;
}

int s3e_stream_prepare(struct s3e_run *run)
{
    size_t n = run->plan.nsources * run->plan.ntargets, any = 0;
    for (size_t i = 0; run->streams && i < n; i++)
        any |= run->streams[i];
    if (!any || run->stream_budget)
        return S3E_OK;
    return s3e_budget_new(&run->stream_budget, s3e_stream_memory(run));
}

void s3e_stream_finish(struct s3e_run *run)
{
    if (!run->stream_budget)
        return;
    s3e_debug("streamed copies held at most %llu bytes of parts at once (limit %llu)",
              (unsigned long long)s3e_budget_peak(run->stream_budget),
              (unsigned long long)s3e_budget_total(run->stream_budget));
    s3e_budget_free(run->stream_budget);
    run->stream_budget = NULL;
}

/* The job's two sides: a client each, pinned to its connection. */
struct sides {
    struct s3e_client *src, *dst;
};

void s3e_stream_vias(const struct s3e_run *run, const struct s3e_job *j,
                     const struct s3e_config **src, const struct s3e_config **dst)
{
    const struct s3e_source *s = &run->plan.sources[j->source];
    *src = *dst = NULL;
    if (!run->conns)
        return;
    if (s->bucket || s3e_access_given(&s->access)) /* a manifest naming none: by bucket */
        *src = s3e_conns_source(run->conns, j->source);
    *dst = s3e_conns_target(run->conns, j->target);
}

static int sides_new(struct s3e_run *run, const struct s3e_job *j, const struct s3e_deadline *dl,
                     struct sides *s)
{
    memset(s, 0, sizeof *s);
    if (s3e_client_new(&s->src, &run->cfg) || s3e_client_new(&s->dst, &run->cfg))
        return S3E_ENOMEM;
    const struct s3e_config *src, *dst;
    s3e_stream_vias(run, j, &src, &dst);
    s3e_client_pin(s->src, src);
    s3e_client_pin(s->dst, dst);
    s3e_client_set_deadline(s->src, dl);
    s3e_client_set_deadline(s->dst, dl);
    return S3E_OK;
}

static void sides_free(struct sides *s)
{
    s3e_client_free(s->src);
    s3e_client_free(s->dst);
}

static int stream_with_retry(struct s3e_run *run, struct sides *s, struct s3e_copy_spec *spec,
                             struct s3e_copy_result *res, struct s3e_s3_error *err)
{
    int rc = S3E_OK;
    for (int attempt = 1; attempt <= S3E_OBJECT_TRIES; attempt++) {
        s3e_s3_error_clear(err);
        rc = s3e_stream_object(s->src, s->dst, run->stream_budget, spec, res, err);
        int again = rc == S3E_EVERIFY || (rc != S3E_OK && err->retryable);
        if (!again || s3e_run_stopping(run))
            break;
        s3e_info("retrying s3://%s/%s from the start (%s)", spec->src_bucket, spec->src_key,
                 s3e_strerror(rc));
    }
    /* Changed since it was listed (or while it was read): what it is now, once. */
    if (rc && s3e_copy_source_changed(err) && spec->src_etag && !s3e_run_stopping(run)) {
        s3e_info("s3://%s/%s changed since it was listed (ETag %s); copying it again",
                 spec->src_bucket, spec->src_key, spec->src_etag);
        spec->src_etag = NULL;
        s3e_s3_error_clear(err);
        rc = s3e_stream_object(s->src, s->dst, run->stream_budget, spec, res, err);
    }
    return rc;
}

/* Move mode: delete the source only if the destination still holds this copy. */
static int delete_source(struct sides *s, const struct s3e_copy_spec *spec,
                         const struct s3e_copy_result *res, char *msg, size_t len,
                         struct s3e_s3_error *err)
{
    struct s3e_head h;
    s3e_s3_error_clear(err);
    const struct s3e_ssec *key = spec->hdrs ? spec->hdrs->dst_ssec : NULL;
    int rc = s3e_s3_head_ssec(s->dst, spec->dst_bucket, spec->dst_key, key, &h, err);
    if (rc) {
        snprintf(msg, len, "copied, but the destination could not be checked, so the source "
                 "was not deleted: ");
        return rc;
    }
    int ours = s3e_worker_is_our_copy(res->etag, res->bytes, h.etag, h.size, msg, len);
    s3e_head_free(&h);
    if (!ours) {
        snprintf(err->operation, sizeof err->operation, "HeadObject");
        snprintf(err->detail, sizeof err->detail, "the source is still at s3://%s/%s",
                 spec->src_bucket, spec->src_key);
        return S3E_EVERIFY;
    }
    rc = s3e_s3_delete_object(s->src, spec->src_bucket, spec->src_key, err);
    if (rc)
        snprintf(msg, len, "copied, but the source was not deleted: ");
    return rc;
}

void s3e_stream_do_job(struct s3e_run *run, const struct s3e_job *j,
                       const struct s3e_deadline *dl)
{
    double t0 = s3e_now();
    struct sides s;
    if (sides_new(run, j, dl, &s)) {
        sides_free(&s);
        s3e_worker_record(run, j, S3E_OUT_FAILED, j->size, NULL, 0,
                          "out of memory creating an S3 client", t0);
        return;
    }
    struct s3e_copy_hdrs hdrs;
    struct s3e_copy_spec spec;
    struct s3e_copy_result res;
    struct s3e_s3_error err;
    char msg[768] = "";
    s3e_worker_hdrs(run, j, &hdrs);
    s3e_worker_spec(run, j, &hdrs, &spec);
    s3e_s3_error_clear(&err);
    memset(&res, 0, sizeof res);
    enum s3e_outcome outcome = S3E_OUT_COPIED;
    int rc = S3E_OK, copy = 1;
    if (j->existing) { /* looks current: the same checks as a server-side copy's */
        rc = s3e_copy_check_across(s.src, s.dst, &spec, &res, &err);
        copy = rc != S3E_OK;
        if (rc == S3E_OK && !run->set.move)
            outcome = S3E_OUT_SKIPPED;
        else if (rc == S3E_EVERIFY)
            s3e_info("s3://%s/%s: %s; copying it again", j->dst_bucket, j->dst_key, err.detail);
        else if (rc && !s3e_copy_source_changed(&err))
            copy = 0; /* could not look: failed */
    }
    if (copy)
        rc = stream_with_retry(run, &s, &spec, &res, &err);
    if (rc == S3E_OK && run->set.move) {
        rc = delete_source(&s, &spec, &res, msg, sizeof msg, &err);
        if (rc == S3E_OK)
            outcome = S3E_OUT_MOVED;
    }
    if (rc != S3E_OK)
        s3e_worker_fail(run, j, rc, &err, msg, t0);
    else
        s3e_worker_record(run, j, outcome, res.bytes, res.etag, res.compared, NULL, t0);
    sides_free(&s);
}
