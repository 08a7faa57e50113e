/* copy_blocking.h - the blocking requests of a streamed copy on a thread of
 * its own (stream_copy.c, stream_job.c), each through one client that waits
 * for its answer (copy_blocking.c). Internal. The event loop's copies do the
 * same with requests in flight (flight_upload.c, flight_job.c). */
#ifndef S3E_COPY_BLOCKING_H
#define S3E_COPY_BLOCKING_H

#include <stdint.h>
#include "s3engine/copy.h"

/* Abort upload id of spec's destination, as a cleanup (it runs after the
 * object's deadline, and for a short grace after a signal); one whose abort
 * fails is left in spec->open_uploads for the end of the run. */
int s3e_copy_abort_upload(struct s3e_client *c, const struct s3e_copy_spec *spec,
                          const char *id);
/* Abort the uploads of spec's destination key begun since `since` (epoch
 * seconds, less a margin for clock skew) other than `keep`: what a
 * CreateMultipartUpload whose answer was lost left. */
void s3e_copy_abort_orphans(struct s3e_client *c, const struct s3e_copy_spec *spec,
                            int64_t since, const char *keep);
/* Check a destination that should be spec's copy already (an earlier run's)
 * against fresh HEADs of both, the source reached by src_c and the
 * destination by dst_c: the source still as planned (spec->src_etag; else a
 * 412 as s3e_copy_source_changed tells), then what verify_rules.h compares,
 * content headers, user metadata and tag count. S3E_OK (out: bytes, ETag,
 * compared), S3E_EVERIFY (err->detail says what differs; nothing is
 * deleted), or an S3 failure. */
int s3e_copy_check_across(struct s3e_client *src_c, struct s3e_client *dst_c,
                          const struct s3e_copy_spec *spec, struct s3e_copy_result *out,
                          struct s3e_s3_error *err);

#endif
