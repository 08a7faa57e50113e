/* s3_ops.h - the requests s3_ops.c builds for callers that send them
 * themselves, on an event loop (s3_async.h). Internal; the operations sent
 * at once are in include/s3engine/s3.h. */
#ifndef S3E_S3_OPS_H
#define S3E_S3_OPS_H

#include "s3_client.h"
#include "s3engine/buf.h"
#include "s3engine/uri.h"

/* The CopyObject request (source header built in *source, which
 * must outlive the request); metadata and tags are copied by S3 itself. */
int  s3e_s3_copy_request(struct s3e_req *r, struct s3e_buf *source, const char *src_bucket,
                         const char *src_key, const char *src_version, const char *dst_bucket,
                         const char *dst_key);
/* One ListObjectsV2 page request (max-keys 1000, encoding-type
 * url): after start_after, or from a continuation token (either may be NULL),
 * with a delimiter or none (NULL). q holds its query and, with the strings,
 * must outlive the request. */
void s3e_s3_list_request(struct s3e_req *r, struct s3e_query_param q[6], const char *bucket,
                         const char *prefix, const char *start_after, const char *token,
                         const char *delimiter);
/* 1 when bucket lists its keys in no particular order (an S3 Express
 * directory bucket, "...--x-s3"); every other bucket lists in byte order. */
int s3e_s3_keys_unordered(const char *bucket);
/* The destination's content headers, user metadata, tags and storage class
 * of o on r (CreateMultipartUpload, a streamed PutObject); the metadata
 * headers' names are built in `names` at `offsets` (S3E_MAX_REQ_HEADERS of
 * them), which must live as long as r. S3E_OK or S3E_ELIMIT / S3E_ENOMEM. */
struct s3e_put_opts;
int  s3e_s3_put_headers(struct s3e_req *r, const struct s3e_put_opts *o, struct s3e_buf *names,
                        size_t *offsets);
/* A request with nothing set but these (no query, headers or body). */
void s3e_s3_req_init(struct s3e_req *r, const char *op, const char *method, const char *bucket,
                     const char *key);
/* An ETag header's value without its quotes, at most 79 bytes. */
void s3e_s3_etag_unquote(const char *v, char out[80]);
void s3e_s3_delete_request(struct s3e_req *r, const char *bucket, const char *key);
/* DeleteObject of one version (q: its versionId parameter, kept while r
 * lives); version NULL or "": the key's current object (on a versioned
 * bucket, a delete marker). */
void s3e_s3_delete_version_request(struct s3e_req *r, struct s3e_query_param *q,
                                   const char *bucket, const char *key, const char *version);
void s3e_s3_head_request(struct s3e_req *r, const char *bucket, const char *key);

/* The requests of a copy, one builder each, shared by the blocking
 * operations of s3.h and the copies on the event loop (flight_multipart.c).
 * Every buffer and array passed in becomes part of the request and must
 * outlive it; `quoted` holds at least 84 bytes (copy_hdrs.h). */
struct s3e_head;
struct s3e_ssec;
struct s3e_put_opts;
struct s3e_part_copy;
struct s3e_copy_hdrs;
struct s3e_s3_error;
/* What a CopyObject with a route's metadata and tags points to; lives as
 * long as the request (s3e_copy_bufs_init, s3e_copy_bufs_free). */
struct s3e_copy_bufs {
    struct s3e_buf source, names, lines;
    size_t offsets[S3E_MAX_REQ_HEADERS];
    char quoted[84];
};
void s3e_copy_bufs_init(struct s3e_copy_bufs *b);
void s3e_copy_bufs_free(struct s3e_copy_bufs *b);
/* CopyObject with opts: storage class, metadata and tags replaced (opts->head,
 * opts->tagging), encryption and if-match (opts->hdrs), a route's header lines
 * (opts->put_lines), the copy's size for its time limit (opts->copy_bytes). */
int  s3e_s3_copy_put_request(struct s3e_req *r, struct s3e_copy_bufs *b, const char *src_bucket,
                             const char *src_key, const char *dst_bucket, const char *dst_key,
                             const struct s3e_put_opts *opts);
/* HeadObject of a version (NULL = the current one), checksum mode on, with
 * the customer key ssec (NULL = none). */
int  s3e_s3_head_version_request(struct s3e_req *r, struct s3e_query_param *q,
                                 const char *bucket, const char *key, const char *version,
                                 const struct s3e_ssec *ssec);
/* A HEAD's answer (rc as sent) read into *out; a 404 gets the code NoSuchKey. */
int  s3e_s3_head_result(int rc, const struct s3e_resp *resp, struct s3e_head *out,
                        struct s3e_s3_error *err);
void s3e_s3_get_tagging_request(struct s3e_req *r, struct s3e_query_param q[2],
                                const char *bucket, const char *key, const char *version);
/* CreateMultipartUpload with opts' content headers, metadata, tags, storage
 * class and the destination's encryption (names/offsets: as s3e_s3_put_headers). */
int  s3e_s3_create_request(struct s3e_req *r, struct s3e_query_param *q, struct s3e_buf *names,
                           size_t *offsets, char *quoted, const char *bucket, const char *key,
                           const struct s3e_put_opts *opts);
/* UploadPartCopy of one part; source is the x-amz-copy-source value. */
int  s3e_s3_part_copy_request(struct s3e_req *r, struct s3e_query_param q[2], char number[16],
                              char range[64], char *quoted, const char *source,
                              const char *bucket, const char *key, const char *upload_id,
                              const char *src_bucket, const struct s3e_part_copy *part,
                              const struct s3e_copy_hdrs *hdrs);
/* A part's answer: its ETag and checksum (for the complete) into *part.
 * S3E_OK or S3E_EPARSE. */
int  s3e_s3_part_copy_result(const struct s3e_resp *resp, struct s3e_part_copy *part);
/* CompleteMultipartUpload of n parts, its XML body written into body. */
int  s3e_s3_complete_request(struct s3e_req *r, struct s3e_query_param *q, struct s3e_buf *body,
                             char *quoted, const char *bucket, const char *key,
                             const char *upload_id, const struct s3e_part_copy *parts, size_t n,
                             const struct s3e_copy_hdrs *hdrs);
/* PutObjectTagging of a URL-encoded tag set, body and Content-MD5 built here. */
int  s3e_s3_put_tagging_request(struct s3e_req *r, struct s3e_query_param *q,
                                struct s3e_buf *body, char md5b64[64], const char *bucket,
                                const char *key, const char *tagging);
void s3e_s3_abort_request(struct s3e_req *r, struct s3e_query_param *q, const char *bucket,
                          const char *key, const char *upload_id);
/* An abort's rc as the caller sees it: an upload already gone is aborted. */
int  s3e_s3_abort_result(int rc, const struct s3e_s3_error *err);

#endif
