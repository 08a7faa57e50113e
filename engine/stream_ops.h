/* stream_ops.h - the S3 requests of a streamed copy (flight_stream.c, on
 * the event loop): a range of the source read with GetObject, the
 * destination written with PutObject or UploadPart from those bytes, each
 * with its Content-MD5. Internal. */
#ifndef S3E_STREAM_OPS_H
#define S3E_STREAM_OPS_H

#include <stddef.h>
#include "s3engine/buf.h"
#include "s3engine/s3.h"
#include "s3_conn.h"

/* Every buffer passed must live as long as the request. */
int s3e_stream_get_request(struct s3e_req *r, char text[2][84], struct s3e_query_param q[2],
                           const char *bucket, const char *key, const struct s3e_copy_hdrs *h,
                           const struct s3e_part_copy *p);
/* A GetObject's body of `got` bytes for part p: S3E_OK, or a retryable
 * failure in *e when it is not the range's length. */
int s3e_stream_range_check(const struct s3e_part_copy *p, size_t got, struct s3e_s3_error *e);
int s3e_stream_part_request(struct s3e_req *r, char text[2][84], struct s3e_query_param q[2],
                            char name[32], const char *bucket, const char *key,
                            const char *upload_id, const struct s3e_copy_hdrs *h,
                            const struct s3e_part_copy *p, const struct s3e_buf *body,
                            const char *md5_b64);
/* names: room for the metadata's header names, offsets[S3E_MAX_REQ_HEADERS]. */
int s3e_stream_put_request(struct s3e_req *r, struct s3e_buf *names, size_t *offsets,
                           char quoted[84], char name[32], const char *bucket, const char *key,
                           const struct s3e_put_opts *o, const struct s3e_buf *body,
                           const char *md5_b64, const struct s3e_part_copy *sum);

#endif
