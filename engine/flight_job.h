/* flight_job.h - one job that needs more than a CopyObject, as a state
 * machine of requests on the workers' event loop (flight_job.c). Internal.
 *
 * [check of a destination that may already be the copy: HEADs of it and of
 * the source] -> the copy (flight_copy.c) -> [an archived source: HEAD,
 * RestoreObject] -> [move mode: HEAD of the copy, DeleteObject of the
 * source] -> the outcome recorded. A key's versions (versions = "all") are
 * such jobs one after another, oldest first. */
#ifndef S3E_FLIGHT_JOB_H
#define S3E_FLIGHT_JOB_H

#include "flight_multipart.h"

/* How a job comes to this machine from flight.c's CopyObject path. */
enum s3e_job_start {
    S3E_JOB_COPY,     /* copy it (a destination that looks current is checked first) */
    S3E_JOB_CHECK,    /* the loop's CopyObject is done but its ETag could not verify it */
    S3E_JOB_CHANGED,  /* the loop's CopyObject got 412: the source changed since listed */
    S3E_JOB_RESTORE,  /* archived, and its source has restore = {...}: ask for the
                         restore (s3e_worker_wants_restore, s3e_worker_restore_first) */
};

struct s3e_fj;

/* Start job j on c's loop, its requests bound by dl (s3e_worker_deadline),
 * every request's a->ud being `owner`. S3E_OK or S3E_ENOMEM (nothing
 * recorded); check s3e_fj_finished after. j must outlive the machine. */
int  s3e_fj_start(struct s3e_fj **out, struct s3e_run *run, struct s3e_client *c,
                  struct s3e_flow *flow, const struct s3e_job *j,
                  const struct s3e_deadline *dl, enum s3e_job_start how, void *owner);
/* One of its requests finished (the loop's done callback). */
void s3e_fj_on_done(struct s3e_fj *x, struct s3e_areq *a, int rc);
/* Parts of a multipart copy that wait for room: as s3e_mp_poll. */
int  s3e_fj_poll(struct s3e_fj *x);
/* 1 once every outcome of the job is recorded and nothing is in flight. */
int  s3e_fj_finished(const struct s3e_fj *x);
void s3e_fj_free(struct s3e_fj *x);

#endif
