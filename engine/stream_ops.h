/* stream_ops.h - the S3 requests of a streamed copy (stream_copy.c): ranges
 * of the source read with GetObject, the destination written with
 * PutObject or UploadPart from those bytes, each with its Content-MD5.
 * Internal. Same return values as s3.h's operations. */
#ifndef S3E_STREAM_OPS_H
#define S3E_STREAM_OPS_H

#include <stddef.h>
#include "s3engine/buf.h"
#include "s3engine/s3.h"
#include "s3_conn.h"

/* GetObject of each part's range (first..last) into bodies[i] (reset and
 * refilled; the caller frees), up to max_in_flight at once, each retried on
 * its own. h (may be NULL): if_match goes as If-Match (a source that
 * changed fails with 412), version_id as versionId, src_ssec as the SSE-C
 * headers. A body of another length than its range fails the part.
 * parts[i].rc and .error receive each result; the first failure is copied
 * to *err and returned. */
int s3e_stream_get_ranges(struct s3e_client *c, const char *bucket, const char *key,
                          const struct s3e_copy_hdrs *h, struct s3e_part_copy *parts,
                          struct s3e_buf *bodies, size_t n, int max_in_flight,
                          struct s3e_s3_error *err);

/* UploadPart of bodies[i] as part parts[i].part_number of upload_id, with
 * Content-MD5 md5_b64[i] and h's destination customer key (may be NULL);
 * parts[i].etag receives each part's ETag. Results as above. */
int s3e_stream_upload_parts(struct s3e_client *c, const char *bucket, const char *key,
                            const char *upload_id, const struct s3e_copy_hdrs *h,
                            struct s3e_part_copy *parts, const struct s3e_buf *bodies,
                            char (*md5_b64)[32], size_t n, int max_in_flight,
                            struct s3e_s3_error *err);

/* PutObject of body with Content-MD5 md5_b64 and what o sets: content
 * headers, user metadata, tags, storage class, and o->hdrs' destination
 * encryption. out_etag receives the new object's ETag, no quotes. */
int s3e_stream_put_object(struct s3e_client *c, const char *bucket, const char *key,
                          const struct s3e_put_opts *o, const struct s3e_buf *body,
                          const char *md5_b64, const struct s3e_part_copy *sum,
                          char out_etag[80], struct s3e_s3_error *err);

/* The single requests the functions above send, for a caller that sends
 * them itself (flight_stream.c, on the event loop). Every buffer passed
 * must live as long as the request. */
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
