/* job_emit.h - `--emit DEST`: the run's payloads written as a job (job_format.h)
 * instead of copied. Used by the planner thread only. */
#ifndef S3E_JOB_EMIT_H
#define S3E_JOB_EMIT_H

#include <stddef.h>
#include <stdio.h>
#include "s3engine/packer.h"

struct s3e_client;
struct s3e_run;
struct s3e_job_emit;

/* An emitter for `workers` workers writing to dest (a folder or s3://b/p/;
 * client for S3, not owned). Refuses a dest that already holds a job.
 * S3E_OK, or an error with the reason in err. */
int  s3e_job_emit_new(struct s3e_job_emit **out, const char *dest, struct s3e_client *client,
                      int workers, char *err, size_t errlen);
/* One payload as the packer made it (not taken over). S3E_OK or an error
 * (s3e_job_emit_error says which write failed). */
int  s3e_job_emit_add(struct s3e_job_emit *e, const struct s3e_payload *p);
/* The last manifest file, job.json, items.json, then job.tsv. */
int  s3e_job_emit_finish(struct s3e_job_emit *e, const struct s3e_run *run, char *err,
                         size_t errlen);
/* One line: payloads, workers, objects, bytes. */
void s3e_job_emit_print(const struct s3e_job_emit *e, const char *dest, FILE *out);
const char *s3e_job_emit_error(const struct s3e_job_emit *e);
void s3e_job_emit_free(struct s3e_job_emit *e);

#endif
