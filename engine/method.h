/* method.h - how each object is copied: by S3 itself (CopyObject,
 * UploadPartCopy: "copy") or through this machine (GET from the source,
 * PUT or multipart upload to the target: "stream", stream_copy.c). Decided
 * per source and target pair once the connections are known. Internal. */
#ifndef S3E_METHOD_H
#define S3E_METHOD_H

#include "run.h"

/* Decide every pair's method into run->streams: streamed when the target
 * asks (`stream = true`, --stream), when the two are on different
 * endpoints (the target's connection cannot read the source), or when a
 * bucket of the pair is named on two endpoints. A source with a customer key
 * (SSE-C) the target does not share is copied server-side (the source's key
 * on the copy-source headers, the target's on the destination's) until the
 * target's server refuses such a copy (s3e_method_refused), then streamed.
 * S3E_OK or S3E_ENOMEM. */
int  s3e_method_plan(struct s3e_run *run);
/* 1 when j is streamed. */
int  s3e_method_streams(const struct s3e_run *run, const struct s3e_job *j);
/* 1 when j's source has a customer key its target does not share and the
 * target has not refused such a copy yet: try it server-side, and stream it
 * when s3e_method_refused says so. */
int  s3e_method_keys_differ(const struct s3e_run *run, const struct s3e_job *j);
/* j's server-side copy failed with err: 1 when that is the target's server
 * refusing a copy from another customer key (501, or 400 InvalidArgument as
 * radosgw 16's UploadPartCopy answers), so j and every later such copy to
 * that target are streamed (logged once per target); else 0. Any thread. */
int  s3e_method_refused(struct s3e_run *run, const struct s3e_job *j,
                        const struct s3e_s3_error *err);
/* "copy" or "stream": the report's and the dry run's name for j's method. */
const char *s3e_method_name(const struct s3e_run *run, const struct s3e_job *j);

#endif
