/* method.h - how each object is copied: by S3 itself (CopyObject,
 * UploadPartCopy: "copy") or through this machine (GET from the source,
 * PUT or multipart upload to the target: "stream", stream_copy.c). Decided
 * per source and target pair once the connections are known. Internal. */
#ifndef S3E_METHOD_H
#define S3E_METHOD_H

#include "run.h"

/* Decide every pair's method into run->streams: streamed when the target
 * asks (`stream = true`, --stream), when the two are on different
 * endpoints (the target's connection cannot read the source), when a
 * bucket of the pair is named on two endpoints, or when the source has a
 * customer key (SSE-C) the target does not share. S3E_OK; S3E_EPLAN with the
 * plan's file:line in run->errbuf for what a streamed copy cannot do yet
 * (a source's versions or restore);
 * S3E_ENOMEM. */
int  s3e_method_plan(struct s3e_run *run);
/* 1 when j is streamed. */
int  s3e_method_streams(const struct s3e_run *run, const struct s3e_job *j);
/* "copy" or "stream": the report's and the dry run's name for j's method. */
const char *s3e_method_name(const struct s3e_run *run, const struct s3e_job *j);

#endif
