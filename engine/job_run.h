/* job_run.h - running the payloads of an emitted job (run-job, job-status,
 * and the Lambda runtime's invocations). */
#ifndef S3E_JOB_RUN_H
#define S3E_JOB_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "cli.h"
#include "s3engine/buf.h"

/* `s3engine run-job DEST ...`. Returns an enum s3e_exit value: 0 when every
 * payload it ran is done, 1 when one failed, 2 usage, 3 could not run. */
int s3e_job_run(const struct s3e_cli *cli);

/* `s3engine job-status DEST`: 0 when every payload is done, 1 otherwise, 3
 * when the job cannot be read. */
int s3e_job_status(const struct s3e_cli *cli);

/* One payload of the job at dest (the Lambda runtime): its outcome as a JSON
 * object appended to out ({"payload","status","copied",...}). stop_at: the
 * s3e_now() after which no object is started (the rest are reported failed,
 * not started); cut_at: when copies still in flight are cut (requests ended,
 * uploads aborted, reported failed); 0 = none. Returns an enum s3e_exit
 * value; on 2 or 3 the reason is in err. */
int s3e_job_run_one(const struct s3e_cli *cli, const char *dest, uint64_t payload,
                    double stop_at, double cut_at, struct s3e_buf *out, char *err,
                    size_t errlen);

#endif
