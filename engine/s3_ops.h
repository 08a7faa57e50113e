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
void s3e_s3_delete_request(struct s3e_req *r, const char *bucket, const char *key);
void s3e_s3_head_request(struct s3e_req *r, const char *bucket, const char *key);

#endif
