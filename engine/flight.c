/* flight.c - the workers as state machines on one event-loop thread.
 *
 * Each worker still does its payloads one at a time and a payload's objects
 * one after another (as in the seed), but a worker is not a thread: its
 * current CopyObject (or, in move mode, the HEAD of the destination and the
 * DeleteObject of the source) is one request among
 * hundreds in flight on a single curl multi handle driven by epoll. That
 * costs a few system calls per object instead of a blocked thread with its
 * own polling, which is most of the client's CPU on small objects.
 *
 * A multipart copy is a state machine of requests on the same loop
 * (flight_multipart.c), and so is a streamed copy (flight_stream.c) and
 * every job that needs more than a CopyObject (flight_job.c): a copy with a
 * route's metadata or tags, one whose ETag cannot verify it, a source that
 * changed (412), an unknown size, a destination that may be an earlier copy
 * (streamed or not), a streamed move, restores, a key's versions. */
#include "copy_hdrs.h"
#include "run.h"
#include "collide.h"
#include "worker.h"
#include "method.h"
#include "flight.h"
#include "flight_job.h"
#include "flight_multipart.h"
#include "flight_stream.h"
#include "s3_client.h"
#include "s3_async.h"
#include "s3_ops.h"
#include "sched.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/s3xml.h"
#include "s3engine/verify_rules.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum lw_state {
    LW_NEXT,     /* needs its next job (or payload) */
    LW_COPY,     /* CopyObject in flight */
    LW_CHECK,    /* move mode: HEAD of the destination (is it still this copy?) */
    LW_VERIFY,   /* an encrypted target: HEAD of the copy (encrypted as asked? its size) */
    LW_DROP_PLAIN, /* DeleteObject of an unencrypted copy's version (versioned target) */
    LW_DELETE,   /* move mode: DeleteObject of the source in flight */
    LW_MULTIPART,/* a multipart copy: its requests on this loop (flight_multipart.c) */
    LW_JOB,      /* more than a CopyObject: its requests on this loop (flight_job.c) */
    LW_STREAM,   /* a streamed copy: its requests on this loop (flight_stream.c) */
    LW_DONE,     /* no more payloads for this worker */
};

struct lw {
    int index;
    enum lw_state state;
    struct s3e_payload *p;
    size_t next;               /* index of the job in hand (or the next one) */
    struct s3e_areq a;
    struct s3e_req req;
    struct s3e_buf source;     /* x-amz-copy-source of the request */
    struct s3e_copy_hdrs hdrs; /* the job's encryption, keys and if-match */
    char quoted[84];           /* the if-match value the request points to */
    unsigned compared;         /* what verified the copy (S3E_CMP_*) */
    char etag[80];
    char copy_version[256];    /* the CopyObject's copy on a versioned target, or "" */
    struct s3e_query_param vq;
    uint64_t bytes;            /* the copy's size: the job's, or what a multipart copy found */
    double t0;
    struct s3e_mp *mp;         /* LW_MULTIPART */
    struct s3e_fj *fj;         /* LW_JOB */
    struct s3e_fs *fs;         /* LW_STREAM */
};

struct s3e_flight {
    struct s3e_run *run;
    struct s3e_client *client;
    struct lw *w;
    int n;
    struct s3e_flow parts;      /* UploadPartCopy in flight, all workers together */
    pthread_t tid;
};

static const struct s3e_job *job_of(const struct lw *w)
{
    return &w->p->jobs[w->next];
}

/* Send w's request; while part copies are in flight, it may wait behind one. */
static int send_lw(struct s3e_flight *f, struct lw *w)
{
    w->req.wait_bytes = f->parts.part_bytes;
    return s3e_client_start(f->client, &w->a, &w->req);
}

/* ---- jobs of more than a CopyObject ------------------------------------------------ */

static void job_over(struct lw *w)
{
    s3e_fj_free(w->fj);
    w->fj = NULL;
    w->next++;
    w->state = LW_NEXT;
}

/* The job in hand goes on as flight_job.c's machine, started as `how` says. */
static void hand_over(struct s3e_flight *f, struct lw *w, enum s3e_job_start how)
{
    if (s3e_fj_start(&w->fj, f->run, f->client, &f->parts, job_of(w), &w->a.deadline, how,
                     w) != S3E_OK) {
        s3e_worker_record_all(f->run, job_of(w), S3E_OUT_FAILED, 0,
                              "out of memory starting its requests", w->t0);
        w->next++;
        w->state = LW_NEXT;
        return;
    }
    w->state = LW_JOB;
    if (s3e_fj_finished(w->fj))
        job_over(w);
}

/* ---- one job -------------------------------------------------------------------- */

static void fail_job(struct s3e_flight *f, struct lw *w, int rc, const char *prefix)
{
    if (s3e_worker_wants_restore(f->run, job_of(w), &w->a.err)) {
        hand_over(f, w, S3E_JOB_RESTORE); /* HEAD, RestoreObject */
        return;
    }
    s3e_worker_fail(f->run, job_of(w), rc, &w->a.err, prefix, w->t0);
    w->next++;
    w->state = LW_NEXT;
}

static void multipart_done(struct s3e_flight *f, struct lw *w);

/* The job as a multipart copy on this loop. */
static void start_multipart(struct s3e_flight *f, struct lw *w)
{
    int rc = s3e_mp_start(&w->mp, f->run, f->client, &f->parts, job_of(w), &w->a.deadline, w);
    if (rc) {
        s3e_s3_error_clear(&w->a.err);
        snprintf(w->a.err.detail, sizeof w->a.err.detail, "out of memory");
        fail_job(f, w, rc, "");
        return;
    }
    w->state = LW_MULTIPART;
    if (s3e_mp_finished(w->mp)) /* failed before any request went out */
        multipart_done(f, w);
}

static void verified_copy(struct s3e_flight *f, struct lw *w);

/* A copy on this loop (multipart or streamed) ended with rc: on to the
 * move's check, or recorded. */
static void copy_ended(struct s3e_flight *f, struct lw *w, int rc,
                       const struct s3e_copy_result *res, const struct s3e_s3_error *err)
{
    if (rc)
        w->a.err = *err;
    snprintf(w->etag, sizeof w->etag, "%s", res->etag);
    w->compared = res->compared;
    w->bytes = res->bytes;
    if (rc)
        fail_job(f, w, rc, "");
    else
        verified_copy(f, w);
}

static void stream_done(struct s3e_flight *f, struct lw *w)
{
    struct s3e_copy_result res;
    const struct s3e_s3_error *err;
    int rc = s3e_fs_result(w->fs, &res, &err);
    struct s3e_fs *fs = w->fs;
    w->fs = NULL;
    copy_ended(f, w, rc, &res, err); /* before the free: err points into it */
    s3e_fs_free(fs);
}

/* The job as a streamed copy on this loop. */
static void start_stream(struct s3e_flight *f, struct lw *w)
{
    if (s3e_fs_start(&w->fs, f->run, f->client, job_of(w), &w->a.deadline, w)) {
        s3e_s3_error_clear(&w->a.err);
        snprintf(w->a.err.detail, sizeof w->a.err.detail, "out of memory");
        fail_job(f, w, S3E_ENOMEM, "");
        return;
    }
    w->state = LW_STREAM;
    if (s3e_fs_finished(w->fs))
        stream_done(f, w);
}

/* The multipart copy ended: on to the move's check, or recorded. */
static void multipart_done(struct s3e_flight *f, struct lw *w)
{
    struct s3e_copy_result res;
    const struct s3e_s3_error *err;
    int rc = s3e_mp_result(w->mp, &res, &err);
    struct s3e_mp *mp = w->mp;
    w->mp = NULL;
    copy_ended(f, w, rc, &res, err); /* before the free: err points into it */
    s3e_mp_free(mp);
}

/* HEAD the destination: before the source may be deleted (LW_CHECK), or to
 * see that a copy to an encrypted target is encrypted (LW_VERIFY). */
static void start_head(struct s3e_flight *f, struct lw *w, enum lw_state next)
{
    const struct s3e_job *j = job_of(w);
    s3e_s3_head_request(&w->req, j->dst_bucket, j->dst_key);
    int rc = s3e_ssec_headers(&w->req, w->hdrs.dst_ssec);
    if (!rc)
        rc = send_lw(f, w);
    if (rc)
        fail_job(f, w, rc, next == LW_CHECK ? "copied, but the destination could not be "
                                              "checked, so the source was not deleted: " : "");
    else
        w->state = next;
}

static void start_check(struct s3e_flight *f, struct lw *w)
{
    start_head(f, w, LW_CHECK);
}

/* Start the job in hand: one CopyObject here; a multipart copy, a streamed copy or
 * a job of several steps (a streamed one that may be current already, or moved,
 * among them) through its own machine on this loop (flight_*.c). */
static void start_job(struct s3e_flight *f, struct lw *w)
{
    const struct s3e_run *run = f->run;
    const struct s3e_job *j = job_of(w);
    w->t0 = s3e_now();
    s3e_worker_deadline(f->run, j->size, &w->a.deadline);
    if (s3e_collide_dropped(f->run, j)) {
        s3e_worker_record(f->run, j, S3E_OUT_SKIPPED, j->size, NULL, 0,
                          "collides with a later source routed to the same key "
                          "(collisions = \"last\" keeps that one)", w->t0);
        w->next++;
        w->state = LW_NEXT;
        return;
    }
    if (s3e_method_streams(run, j)) {
        if (s3e_worker_restore_first(run, j))
            hand_over(f, w, S3E_JOB_RESTORE); /* a HEAD, RestoreObject, then the stream */
        else if (s3e_fs_handles(run, j))
            start_stream(f, w);
        else /* each version, a restore, the check of an earlier copy, a move's delete */
            hand_over(f, w, S3E_JOB_COPY);
        return;
    }
    s3e_worker_hdrs(run, j, &w->hdrs);
    w->compared = 0;
    w->bytes = j->size;
    if (j->existing && run->set.move && s3e_etag_is_plain(j->etag)) {
        /* An earlier move's copy: the same check as after a copy of ours, then the delete. */
        snprintf(w->etag, sizeof w->etag, "%s", j->etag);
        start_check(f, w);
        return;
    }
    if (s3e_worker_restore_first(run, j)) {
        hand_over(f, w, S3E_JOB_RESTORE); /* a HEAD first: a copy would be refused */
        return;
    }
    if (s3e_method_keys_differ(run, j)) {
        hand_over(f, w, S3E_JOB_COPY); /* server-side, streamed if the server refuses */
        return;
    }
    int simple = !j->existing && !j->versions && j->size <= run->set.multipart_cutoff &&
                 !j->put; /* tags from a route: PutObjectTagging too */
    if (!simple && !j->existing && !j->versions && j->size != S3E_SIZE_UNKNOWN &&
        j->size > run->set.multipart_cutoff) {
        start_multipart(f, w);
        return;
    }
    if (!simple) {
        hand_over(f, w, S3E_JOB_COPY);
        return;
    }
    int rc = s3e_s3_copy_request(&w->req, &w->source, j->src_bucket, j->src_key, j->version_id,
                                 j->dst_bucket, j->dst_key);
    w->req.copy_bytes = j->size;
    if (!rc && j->storage_class)
        rc = s3e_req_header(&w->req, "x-amz-storage-class", j->storage_class);
    if (!rc)
        rc = s3e_copy_hdrs_add(&w->req, &w->hdrs, S3E_CR_COPY, w->quoted);

    if (!rc)
        rc = send_lw(f, w);
    if (rc) {
        fail_job(f, w, rc, "");
        return;
    }
    w->state = LW_COPY;
}

/* A copy that verified: in move mode the check before the delete, else recorded. */
static void verified_copy(struct s3e_flight *f, struct lw *w)
{
    if (f->run->set.move) {
        start_check(f, w);
        return;
    }
    s3e_worker_record(f->run, job_of(w), S3E_OUT_COPIED, w->bytes, w->etag, w->compared, NULL,
                      w->t0);
    w->next++;
    w->state = LW_NEXT;
}

static void copied(struct s3e_flight *f, struct lw *w)
{
    const struct s3e_job *j = job_of(w);
    if (s3e_xml_parse_copy_result(w->a.resp.body.data, w->a.resp.body.len, w->etag)) {
        snprintf(w->a.err.detail, sizeof w->a.err.detail, "malformed CopyObject response");
        fail_job(f, w, S3E_EPARSE, "");
        return;
    }
    if (w->hdrs.sse || w->hdrs.dst_ssec) {
        if (!s3e_resp_header(&w->a.resp, "x-amz-version-id", w->copy_version,
                             sizeof w->copy_version))
            w->copy_version[0] = '\0';
        start_head(f, w, LW_VERIFY); /* always: is the copy encrypted as asked? */
        return;
    }
    if (f->run->set.verify) {
        /* Equal MD5 ETags are equal bytes; anything else (an encrypted side, a
         * checksum asked for, another ETag) is settled by HEADs (flight_job.c). */
        if (!s3e_copy_etag_verifies(&w->hdrs, j->size, j->etag, w->etag)) {
            hand_over(f, w, S3E_JOB_CHECK);
            return;
        }
        w->compared = S3E_CMP_ETAG;
    }
    verified_copy(f, w);
}

/* A HEAD's size (UINT64_MAX when absent) and ETag without its quotes. */
static uint64_t head_size_etag(const struct s3e_resp *resp, char etag[80])
{
    char v[128];
    uint64_t size = UINT64_MAX;
    if (s3e_resp_header(resp, "content-length", v, sizeof v))
        size = strtoull(v, NULL, 10);
    if (!s3e_resp_header(resp, "etag", v, sizeof v))
        v[0] = '\0';
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
        snprintf(etag, 80, "%.*s", (int)(n - 2 > 79 ? 79 : n - 2), v + 1);
    else
        snprintf(etag, 80, "%.79s", v);
    return size;
}

/* The copy to an encrypted target, as its HEAD shows it: not encrypted as
 * asked (radosgw 16 ignores encryption on CopyObject) -> a multipart copy;
 * what verify_rules.h can compare differs, or only HEADs of both can tell
 * (a checksum) -> the blocking path; else recorded. */
static void verified(struct s3e_flight *f, struct lw *w)
{
    const struct s3e_job *j = job_of(w);
    char v[128], sse[32] = "", etag[80];
    uint64_t size = head_size_etag(&w->a.resp, etag);
    s3e_resp_header(&w->a.resp, "x-amz-server-side-encryption", sse, sizeof sse);
    int ssec = s3e_resp_header(&w->a.resp, "x-amz-server-side-encryption-customer-algorithm",
                               v, sizeof v);
    if ((w->hdrs.dst_ssec && !ssec) || (w->hdrs.sse && strcmp(w->hdrs.sse, sse) != 0)) {
        s3e_info("s3://%s/%s: the copy is not encrypted as asked; copying it as a multipart "
                 "upload", j->dst_bucket, j->dst_key);
        /* radosgw 16's CopyObject does not name the version: the HEAD's, if it
         * shows our copy (its ETag) */
        if (!w->copy_version[0] && (strcmp(etag, w->etag) != 0 ||
                                    !s3e_resp_header(&w->a.resp, "x-amz-version-id",
                                                     w->copy_version, sizeof w->copy_version)))
            w->copy_version[0] = '\0';
        if (w->copy_version[0] && strcmp(w->copy_version, "null") != 0) {
            /* a versioned target would keep the plain copy as an older version */
            s3e_s3_delete_version_request(&w->req, &w->vq, j->dst_bucket, j->dst_key,
                                          w->copy_version);
            if (send_lw(f, w) == S3E_OK) {
                w->state = LW_DROP_PLAIN;
                return;
            }
        }
        start_multipart(f, w);
        return;
    }
    struct s3e_side a = { j->size, j->etag, NULL, w->hdrs.src_ssec != NULL, NULL, NULL };
    struct s3e_side b = { size, etag, sse, ssec, NULL, NULL };
    unsigned cmp = 0;
    if (f->run->set.verify &&
        (s3e_verify_compare(&a, &b, &cmp) || w->hdrs.checksum_algorithm)) {
        hand_over(f, w, S3E_JOB_CHECK);
        return;
    }
    w->compared = f->run->set.verify ? cmp : 0;
    verified_copy(f, w);
}

/* Move mode: the destination's HEAD came back; delete the source only if
 * the destination is still the copy this job made. */
static void checked(struct s3e_flight *f, struct lw *w)
{
    const struct s3e_job *j = job_of(w);
    char etag[80], msg[512];
    uint64_t size = head_size_etag(&w->a.resp, etag);
    if (j->existing && strcmp(w->etag, etag) != 0) {
        /* ETags not comparable (multipart, other providers): the full check. */
        hand_over(f, w, S3E_JOB_COPY);
        return;
    }
    if (!s3e_worker_is_our_copy(w->etag, w->bytes, etag, size, msg, sizeof msg)) {
        fail_job(f, w, s3e_worker_not_ours(j, &w->a.err), msg);
        return;
    }
    if (j->existing) { /* an earlier run's copy: size and ETag, MD5s or not, as listed */
        char sse[32] = "", v[64];
        s3e_resp_header(&w->a.resp, "x-amz-server-side-encryption", sse, sizeof sse);
        int ssec = s3e_resp_header(&w->a.resp, "x-amz-server-side-encryption-customer-algorithm",
                                   v, sizeof v);
        w->compared = S3E_CMP_SIZE | (s3e_etag_is_md5(etag, sse, ssec) ? S3E_CMP_ETAG : 0);
    }
    s3e_s3_delete_request(&w->req, j->src_bucket, j->src_key);
    int rc = send_lw(f, w);
    if (rc)
        fail_job(f, w, rc, "copied, but the source was not deleted: ");
    else
        w->state = LW_DELETE;
}

static void on_done(void *ud, struct s3e_areq *a, int rc)
{
    struct s3e_flight *f = ud;
    struct lw *w = a->ud;
    if (w->state == LW_MULTIPART) {
        s3e_mp_on_done(w->mp, a, rc);
        if (s3e_mp_finished(w->mp))
            multipart_done(f, w);
    } else if (w->state == LW_JOB) {
        s3e_fj_on_done(w->fj, a, rc);
        if (s3e_fj_finished(w->fj))
            job_over(w);
    } else if (w->state == LW_STREAM) {
        s3e_fs_on_done(w->fs, a, rc);
        if (s3e_fs_finished(w->fs))
            stream_done(f, w);
    } else if (w->state == LW_COPY) {
        if (rc && s3e_copy_source_changed(&w->a.err) && !s3e_run_stopping(f->run))
            hand_over(f, w, S3E_JOB_CHANGED); /* 412: look it up again, copy again */
        else if (rc && s3e_copy_ssec_source_refused(&w->a.err, w->hdrs.src_ssec != NULL))
            start_multipart(f, w); /* radosgw 16 copies an SSE-C source only so */
        else if (rc)
            fail_job(f, w, rc, "");
        else
            copied(f, w);
    } else if (w->state == LW_DROP_PLAIN) {
        if (rc)
            s3e_warn("s3://%s/%s: the unencrypted copy (version %s) could not be deleted: %s",
                     job_of(w)->dst_bucket, job_of(w)->dst_key, w->copy_version,
                     w->a.err.code[0] ? w->a.err.code : s3e_strerror(rc));
        start_multipart(f, w); /* the encrypted copy on top of it all the same */
    } else if (w->state == LW_VERIFY) {
        if (rc)
            fail_job(f, w, rc, "copied, but the copy could not be checked: ");
        else
            verified(f, w);
    } else if (w->state == LW_CHECK) {
        if (rc)
            fail_job(f, w, rc, "copied, but the destination could not be checked, so the "
                               "source was not deleted: ");
        else
            checked(f, w);
    } else if (w->state == LW_DELETE) {
        if (rc) {
            fail_job(f, w, rc, "copied, but the source was not deleted: ");
        } else {
            s3e_worker_record(f->run, job_of(w), S3E_OUT_MOVED, w->bytes, w->etag, w->compared,
                              NULL, w->t0);
            w->next++;
            w->state = LW_NEXT;
        }
    }
}

/* ---- the loop ------------------------------------------------------------------- */

/* The run's stop_at passed (a Lambda invocation ends soon): the payload's
 * objects not started are reported failed, so that its result names them and
 * a rerun copies them; nothing is dropped unreported. */
static void not_started(struct s3e_flight *f, struct lw *w)
{
    double now = s3e_now();
    for (size_t i = w->next; i < w->p->njobs; i++)
        s3e_worker_record_all(f->run, &w->p->jobs[i], S3E_OUT_FAILED, 0,
                              "not started: the time given ran out (run it again)", now);
    w->next = w->p->njobs;
}

/* Move a worker on: start its next job or take its next payload. Returns 1
 * while the worker has something going. */
static int advance(struct s3e_flight *f, struct lw *w, int *waiting)
{
    if (w->state == LW_MULTIPART) {
        *waiting += s3e_mp_poll(w->mp); /* parts that wait for room */
        if (s3e_mp_finished(w->mp))
            multipart_done(f, w);
    }
    if (w->state == LW_JOB) {
        *waiting += s3e_fj_poll(w->fj); /* parts that wait for room */
        if (s3e_fj_finished(w->fj))
            job_over(w);
    }
    if (w->state == LW_STREAM) {
        *waiting += s3e_fs_poll(w->fs); /* parts that wait for memory */
        if (s3e_fs_finished(w->fs))
            stream_done(f, w);
    }
    while (w->state == LW_NEXT) {
        int stopping = s3e_run_stopping(f->run);
        if (w->p && w->next < w->p->njobs && !stopping) {
            start_job(f, w);
            continue;
        }
        if (w->p && stopping && !s3e_interrupted && s3e_run_past_stop_at(f->run))
            not_started(f, w);
        if (w->p) {
            s3e_payload_free(w->p);
            w->p = NULL;
        }
        if (stopping) {
            s3e_sched_cancel(f->run->sched); /* the planner stops, queued payloads are dropped */
            w->state = LW_DONE;
            break;
        }
        int got = s3e_sched_try_take(f->run->sched, w->index, &w->p);
        if (got < 0) {
            w->state = LW_DONE;
        } else if (got == 0) {
            return 1; /* nothing yet */
        } else {
            w->next = 0;
            s3e_debug("worker %d: payload %llu (%zu objects, %llu bytes)", w->index + 1,
                      (unsigned long long)w->p->id, w->p->njobs, (unsigned long long)w->p->bytes);
        }
    }
    return w->state != LW_DONE;
}

static void *flight_main(void *arg)
{
    struct s3e_flight *f = arg;
    for (;;) {
        int busy = 0, waiting = 0;
        for (int i = 0; i < f->n; i++) {
            struct lw *w = &f->w[i];
            if (w->state == LW_DONE)
                continue;
            busy += advance(f, w, &waiting);
            waiting += w->state == LW_NEXT;
        }
        if (!busy)
            break;
        /* Network events wake the loop at once; payloads are polled. */
        if (s3e_client_run(f->client, waiting ? 5 : 500, on_done, f) < 0) {
            s3e_error("the network event loop failed; stopping");
            s3e_sched_cancel(f->run->sched);
            break;
        }
    }
    return NULL;
}

static void flight_free(struct s3e_flight *f)
{
    for (int i = 0; i < f->n; i++) {
        s3e_payload_free(f->w[i].p);
        s3e_mp_free(f->w[i].mp);
        s3e_fj_free(f->w[i].fj);
        s3e_fs_free(f->w[i].fs);
        s3e_areq_free(&f->w[i].a);
        s3e_buf_free(&f->w[i].source);
    }
    free(f->w);
    s3e_client_loop_free(f->client);
    s3e_client_free(f->client);
    free(f);
}

int s3e_flight_start(struct s3e_run *run)
{
    struct s3e_flight *f = calloc(1, sizeof *f);
    if (!f)
        return S3E_ENOMEM;
    f->run = run;
    f->n = run->set.workers;
    s3e_flow_init(&f->parts, run->set.parts_in_flight);
    f->w = calloc((size_t)f->n, sizeof *f->w);
    int rc = f->w ? s3e_client_new(&f->client, &run->cfg) : S3E_ENOMEM;
    for (int i = 0; i < f->n && !rc; i++) {
        f->w[i].index = i;
        f->w[i].state = LW_NEXT;
        s3e_buf_init(&f->w[i].source, 0);
        rc = s3e_areq_init(&f->w[i].a);
        f->w[i].a.ud = &f->w[i];
    }
    if (!rc && pthread_create(&f->tid, NULL, flight_main, f) != 0)
        rc = S3E_ENOMEM;
    if (rc) {
        if (f->w)
            flight_free(f);
        else
            free(f);
        return rc;
    }
    run->flight = f;
    return S3E_OK;
}

void s3e_flight_join(struct s3e_run *run)
{
    struct s3e_flight *f = run->flight;
    if (!f)
        return;
    pthread_join(f->tid, NULL);
    flight_free(f);
    run->flight = NULL;
}
