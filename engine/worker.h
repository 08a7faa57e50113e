/* worker.h - what every copy of a job shares, and the record of every outcome (worker.c). Internal. */
#ifndef S3E_WORKER_H
#define S3E_WORKER_H

#include "run.h"

struct s3e_deadline;
struct s3e_copy_hdrs;
struct s3e_version;
/* The encryption, customer keys, checksum and if-match (j's ETag) of j's copy,
 * from its source and target in the plan. Pointers into run->plan and j. */
void s3e_worker_hdrs(const struct s3e_run *run, const struct s3e_job *j,
                     struct s3e_copy_hdrs *out);
/* One job of a key's versions (j->versions), for the version v: one's
 * strings point into j and v. */
void s3e_worker_version_job(const struct s3e_job *j, const struct s3e_version *v,
                            struct s3e_job *one);
/* Object-level tries on top of the per-request retries inside the client:
 * a multipart copy that failed mid-way or a copy that did not verify is
 * started again from scratch. */
#define S3E_OBJECT_TRIES 2
struct s3e_copy_spec;
/* What follows a try of a copy that ended with rc (err its failure): */
enum s3e_next_try {
    S3E_TRY_AGAIN,   /* from the start: a retryable failure, or a copy that did not verify */
    S3E_TRY_LOOK_UP, /* the source changed (412): copied once more as it is now */
    S3E_TRY_OVER,    /* done, or failed for good */
};
/* The one rule for both (flight_copy.c, flight_upload.c): counts *tries, sets
 * *relooked, and starts the tries afresh for the source as it is now. A run
 * that is stopping tries nothing more. Logs a try from the start. */
enum s3e_next_try s3e_worker_next_try(const struct s3e_copy_spec *sp, int rc,
                                      const struct s3e_s3_error *err, int *tries, int *relooked,
                                      int stopping);
struct s3e_copy_spec;
/* What copy.h needs to copy j: its buckets, keys, size, ETag, the run's
 * settings and hdrs (s3e_worker_hdrs). Pointers into run, j and hdrs. */
void s3e_worker_spec(const struct s3e_run *run, const struct s3e_job *j,
                     const struct s3e_copy_hdrs *hdrs, struct s3e_copy_spec *spec);
/* The deadline of an object of this size started now: --object-timeout plus
 * --copy-timeout per GiB (an unknown size counts as 5 GiB). */
void s3e_worker_deadline(const struct s3e_run *run, uint64_t size, struct s3e_deadline *out);
/* Move mode, before a source is deleted: 1 when the destination as a HEAD
 * just saw it (ETag without quotes, size) is this job's copy (its ETag, its
 * size or S3E_SIZE_UNKNOWN); else 0, with the start of a failure message in msg. */
int  s3e_worker_is_our_copy(const char *copy_etag, uint64_t copy_size, const char *head_etag,
                            uint64_t head_size, char *msg, size_t len);
/* The failure of a move whose destination is not j's copy (the source stays). */
int  s3e_worker_not_ours(const struct s3e_job *j, struct s3e_s3_error *err);
/* Count an outcome and write its report row (and log a failure; compared:
 * the S3E_CMP_* bits of what verified it, for the `verified` column; error is
 * the reason of a failure or of a skip, else NULL). */
void s3e_worker_record(struct s3e_run *run, const struct s3e_job *j, enum s3e_outcome outcome,
                       uint64_t bytes, const char *etag, unsigned compared, const char *error,
                       double t0);
/* The same outcome for a job and, when it holds a key's versions, for each
 * of them (one report row per version, with its size and ETag). */
void s3e_worker_record_all(struct s3e_run *run, const struct s3e_job *j, enum s3e_outcome outcome,
                           unsigned compared, const char *error, double t0);
/* A copy that failed with rc and *err (message: prefix, then the error):
 * recorded `archived` when S3 says the object is in an archive tier,
 * `changed` when the source changed while it was copied (412), else
 * `failed`, its log line going through the fail-fast check. */
/* 1 when a copy that failed with *err met an archived object whose source
 * asks for restores (restore = {...}). */
int  s3e_worker_wants_restore(const struct s3e_run *run, const struct s3e_job *j,
                              const struct s3e_s3_error *err);
/* 1 when j was listed as archived and its source asks for restores: the
 * restore is looked at before any copy (S3E_JOB_RESTORE). */
int  s3e_worker_restore_first(const struct s3e_run *run, const struct s3e_job *j);
void s3e_worker_fail(struct s3e_run *run, const struct s3e_job *j, int rc,
                     const struct s3e_s3_error *err, const char *prefix, double t0);

#endif
