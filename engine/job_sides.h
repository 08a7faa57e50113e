/* job_sides.h - what an emitted job keeps of each plan source and target
 * beyond its bucket and prefix (job.tsv's `option` lines, job_format.h), so
 * that run-job reaches and writes each bucket as a run of the plan would:
 *  - connection: profile, region, endpoint, addressing (path | virtual);
 *  - cross-account: acl, expected_owner, requester_pays (true);
 *  - a target's stream (true; also every target of a plan run with --stream),
 *    sse, kms_key_id, bucket_key_enabled (true | false), checksum_algorithm;
 *  - SSE-C: sse_c_key_file (the path the plan's key file resolved to) or
 *    sse_c_key_env, of a source or target: where the runner finds the key,
 *    never the key;
 *  - a source's bucket (none: a manifest source).
 * A profile is a name the runner's own configuration must know: no secret
 * is ever written to a job. */
#ifndef S3E_JOB_SIDES_H
#define S3E_JOB_SIDES_H

#include <stddef.h>
#include "job_format.h"
#include "s3engine/plan.h"

/* The plan's sources' and targets' fields into ix's options (the sources and
 * targets themselves are in ix already). stream_all: the run's --stream.
 * S3E_OK, S3E_EINVAL (a key file path too long to keep; err says which), or
 * S3E_ENOMEM. */
int s3e_job_sides_emit(struct s3e_job_index *ix, const struct s3e_plan *plan, int stream_all,
                       char *err, size_t errlen);

/* The plan a runner copies by: ix's sources and targets with their options,
 * SSE-C keys loaded. Free with s3e_plan_free, also after a failure. S3E_OK,
 * S3E_EPARSE (an option this program does not know or a bad value), S3E_EINVAL
 * (a key that cannot be loaded), S3E_ENOMEM; err says which. */
int s3e_job_sides_plan(const struct s3e_job_index *ix, struct s3e_plan *out, char *err,
                       size_t errlen);

#endif
