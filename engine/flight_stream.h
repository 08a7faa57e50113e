/* flight_stream.h - a streamed copy (a source and a target that cannot copy
 * server-side: two endpoints, two identities, `stream = true`) as a state
 * machine of requests on the workers' event loop (flight_stream.c). Internal.
 *
 * The upload machine of flight_upload.h (HEAD of the source, its tags, the
 * multipart upload and the search for lost uploads, Complete, tagging,
 * abort, the delete of a wrong copy, the tries and a changed source's one
 * more copy) with this copy's own steps: up to one part, GetObject
 * (If-Match) -> PutObject (Content-MD5); above, its part step: per part a
 * GetObject of its range, then its UploadPart as soon as the bytes are in,
 * several parts in flight; the MD5 of every byte checked before Complete;
 * its verification: HEAD of the copy. Every request names the connection of
 * its side (s3_conn.h's `via`): the source's endpoint, identity, region and
 * addressing for the reads, the target's for the writes. Same verdicts as
 * the blocking copy (stream_copy.c).
 *
 * Memory: a part's bytes are taken from the run's stream budget
 * (--stream-memory, budget.h) before its GetObject starts and given back
 * once it is uploaded and hashed; a part that finds no room waits (polled)
 * while the others go on. */
#ifndef S3E_FLIGHT_STREAM_H
#define S3E_FLIGHT_STREAM_H

#include "run.h"
#include "s3_async.h"
#include "s3engine/copy.h"

struct s3e_fs;

/* 1 when streamed job j is this copy alone; else (a destination that may be
 * an earlier copy, move mode, a key's versions, a source with restores)
 * flight_job.c runs it, its copy streamed through flight_copy.c. */
int  s3e_fs_handles(const struct s3e_run *run, const struct s3e_job *j);
/* Start streaming j on c's loop, its requests bound by dl; every request's
 * a->ud is `owner`. S3E_OK or S3E_ENOMEM; check s3e_fs_finished after. */
int  s3e_fs_start(struct s3e_fs **out, struct s3e_run *run, struct s3e_client *c,
                  const struct s3e_job *j, const struct s3e_deadline *dl, void *owner);
/* One of its requests finished (the loop's done callback). */
void s3e_fs_on_done(struct s3e_fs *m, struct s3e_areq *a, int rc);
/* Start reads that waited for room in the budget. 1 while it waits so. */
int  s3e_fs_poll(struct s3e_fs *m);
int  s3e_fs_finished(const struct s3e_fs *m);
/* The outcome: S3E_OK with *res, or the failure and *err (pointing into m). */
int  s3e_fs_result(const struct s3e_fs *m, struct s3e_copy_result *res,
                   const struct s3e_s3_error **err);
void s3e_fs_free(struct s3e_fs *m);

#endif
