/* flight_multipart.h - a multipart copy as a state machine of requests on the
 * workers' event loop (flight_multipart.c). Internal.
 *
 * The upload machine of flight_upload.h (HEAD of the source, its tags,
 * CreateMultipartUpload and the search for lost uploads, Complete, tagging,
 * abort, the delete of a wrong copy, the tries and a changed source's one
 * more copy) with this copy's part step: UploadPartCopy, a bounded number in
 * flight; and its verification: HEADs of the copy and of the source. */
#ifndef S3E_FLIGHT_MULTIPART_H
#define S3E_FLIGHT_MULTIPART_H

#include "run.h"
#include "flow.h"
#include "s3_async.h"
#include "s3engine/copy.h"

struct s3e_mp;

/* Start copying j as a multipart upload on c's loop, its requests bound by
 * dl; every request's a->ud is `owner` (to find the copy in the loop's done
 * callback). Its parts start while `flow`, the loop's window of part copies
 * shared by every multipart copy, has room, and tell it how each attempt
 * went. S3E_OK or S3E_ENOMEM; check s3e_mp_finished after. */
int  s3e_mp_start(struct s3e_mp **out, struct s3e_run *run, struct s3e_client *c,
                  struct s3e_flow *flow, const struct s3e_job *j,
                  const struct s3e_deadline *dl, void *owner);
/* One of its requests finished (the loop's done callback). */
void s3e_mp_on_done(struct s3e_mp *m, struct s3e_areq *a, int rc);
/* Start parts that waited for room in the flow's window. 1 while it waits so. */
int  s3e_mp_poll(struct s3e_mp *m);
/* 1 once nothing of it is in flight and its outcome is known. */
int  s3e_mp_finished(const struct s3e_mp *m);
/* The outcome: S3E_OK with *res (bytes, ETag, compared), or the failure and
 * *err (pointing into m). */
int  s3e_mp_result(const struct s3e_mp *m, struct s3e_copy_result *res,
                   const struct s3e_s3_error **err);
void s3e_mp_free(struct s3e_mp *m);

#endif
