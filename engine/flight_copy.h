/* flight_copy.h - one object copied on the workers' event loop the careful
 * way (flight_copy.c). Internal.
 *
 * [HEAD of the source, when its size is unknown] -> CopyObject (a route's
 * metadata and tags replacing the source's) -> PutObjectTagging (tags a
 * route replaces: radosgw 16 ignores the tagging directive) -> HEADs of the
 * copy and the source, unless equal MD5 ETags verify it. Above the cutoff,
 * or where a CopyObject cannot make it (an SSE-C source on radosgw 16, a
 * copy not encrypted as asked), a multipart copy (flight_multipart.c). A
 * streamed pair, or a source's customer key the target's server refuses to
 * copy from server-side (method.h), a streamed copy (flight_stream.c). A
 * try that failed or did not verify is made again from the start
 * (S3E_OBJECT_TRIES); a source that changed (412) is looked up and copied
 * once more as it is now. A copy that is not the one asked for is deleted. */
#ifndef S3E_FLIGHT_COPY_H
#define S3E_FLIGHT_COPY_H

#include "flight_multipart.h"

struct s3e_fc;
struct s3e_fstep;

/* Start copying j, its requests sent through st (flight_step.h: the job's
 * loop, deadline and request in flight, which the copy uses until it is
 * finished). changed: the loop's CopyObject got a 412, so the source is
 * looked up first and copied as it is now. S3E_OK or S3E_ENOMEM; check
 * s3e_fc_finished after. */
int  s3e_fc_start(struct s3e_fc **out, struct s3e_fstep *st, const struct s3e_job *j,
                  int changed);
/* One of its requests finished (the loop's done callback). */
void s3e_fc_on_done(struct s3e_fc *x, struct s3e_areq *a, int rc);
/* Parts of a multipart copy that wait for room: as s3e_mp_poll. */
int  s3e_fc_poll(struct s3e_fc *x);
int  s3e_fc_finished(const struct s3e_fc *x);
/* The outcome: S3E_OK with *res, or the failure with *err (into x). */
int  s3e_fc_result(const struct s3e_fc *x, struct s3e_copy_result *res,
                   const struct s3e_s3_error **err);
void s3e_fc_free(struct s3e_fc *x);

#endif
