/* stream_job.h - one streamed job on a thread (stream_job.c): clients pinned
 * to its source's and its target's connections, the check of a destination
 * that looks current, the copy (stream_copy.h) and its retries, the delete
 * of a move, the record. Internal. */
#ifndef S3E_STREAM_JOB_H
#define S3E_STREAM_JOB_H

#include "run.h"

struct s3e_deadline;
struct s3e_config;

/* Before the workers start: the memory budget of the run's streamed copies
 * (run->stream_budget), when any pair streams. S3E_OK or S3E_ENOMEM. */
int  s3e_stream_prepare(struct s3e_run *run);
/* After they ended: the budget's figures in a debug line, and freed. */
void s3e_stream_finish(struct s3e_run *run);
/* The most bytes of parts all streamed copies may hold at once. */
uint64_t s3e_stream_memory(const struct s3e_run *run);

/* The connections of job j's two sides: *src NULL when its source names
 * none (a manifest's rows, by their buckets), *dst NULL without conns. */
void s3e_stream_vias(const struct s3e_run *run, const struct s3e_job *j,
                     const struct s3e_config **src, const struct s3e_config **dst);

/* Job j (s3e_method_streams), blocking; no request goes past dl. Records
 * its outcome (worker.h). */
void s3e_stream_do_job(struct s3e_run *run, const struct s3e_job *j,
                       const struct s3e_deadline *dl);

#endif
