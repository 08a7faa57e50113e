/* stream_job.h - what the run's streamed jobs share (stream_job.c): the
 * memory budget of their parts and the connections of a job's two sides.
 * The jobs themselves are copied on the workers' loop (flight_stream.c,
 * flight_job.c). Internal. */
#ifndef S3E_STREAM_JOB_H
#define S3E_STREAM_JOB_H

#include "run.h"

struct s3e_config;

/* Before the workers start: the memory budget of the run's streamed copies
 * (run->stream_budget) and the hash pool, both idle until a part needs them.
 * S3E_OK or S3E_ENOMEM. */
int  s3e_stream_prepare(struct s3e_run *run);
/* After they ended: the budget's figures in a debug line, and freed. */
void s3e_stream_finish(struct s3e_run *run);
/* The most bytes of parts all streamed copies may hold at once. */
uint64_t s3e_stream_memory(const struct s3e_run *run);

/* The connections of job j's two sides: *src NULL when its source names
 * none (a manifest's rows, by their buckets), *dst NULL without conns. */
void s3e_stream_vias(const struct s3e_run *run, const struct s3e_job *j,
                     const struct s3e_config **src, const struct s3e_config **dst);

#endif
