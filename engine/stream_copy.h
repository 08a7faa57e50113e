/* stream_copy.h - one object copied through this machine: read from the
 * source's connection, written to the target's (a copy between endpoints,
 * or `stream = true` / --stream). What a server-side copy carries, it
 * carries: content headers, user metadata, tags, the route's metadata and
 * tags, storage class and encryption. Internal; stream_job.c runs it.
 *
 *   HEAD source -> GetObjectTagging -> then, up to one part:
 *     GetObject (If-Match) -> PutObject (Content-MD5)
 *   else CreateMultipartUpload -> batches of part_concurrency parts:
 *     GetObject ranges in parallel -> UploadPart in parallel (Content-MD5)
 *   -> CompleteMultipartUpload -> PutObjectTagging; AbortMultipartUpload on
 *   any failure after create.
 *
 * Memory: the parts of one batch (part size x part_concurrency at most),
 * taken from the run's budget (budget.h) before they are read. */
#ifndef S3E_STREAM_COPY_H
#define S3E_STREAM_COPY_H

#include "budget.h"
#include "s3engine/copy.h"

/* Copy spec's object from src (a client pinned to the source's
 * connection) to dst (pinned to the target's). Every GetObject carries
 * If-Match with the ETag the HEAD saw (spec->src_etag, when given, must be
 * that one): a source that changes fails with 412 (s3e_copy_source_changed).
 * The MD5 of the bytes read is compared with the source's ETag where that is
 * an MD5 (verify_rules.h); then, unless spec->verify is 0, a HEAD of the
 * copy: size, content headers, user metadata, tag count, encryption.
 * Returns S3E_OK, S3E_EVERIFY (the copy is deleted), or a failure with
 * *err filled; no upload is left open (one whose abort failed goes to
 * spec->open_uploads). budget may be NULL (no limit but the batch's). */
int s3e_stream_object(struct s3e_client *src, struct s3e_client *dst, struct s3e_budget *budget,
                      const struct s3e_copy_spec *spec, struct s3e_copy_result *out,
                      struct s3e_s3_error *err);

/* Pieces shared with the copy on the event loop (flight_stream.c). */
/* Content-MD5 of one body, base64. */
int  s3e_stream_body_md5(const struct s3e_buf *b, char out[32]);
/* The target's checksum alg (NULL: none, nothing done) of one body into p
 * (sent with it, then named on CompleteMultipartUpload). */
int  s3e_stream_body_checksum(const char *alg, const struct s3e_buf *b, struct s3e_part_copy *p);
void s3e_stream_hex(const unsigned char *d, unsigned n, char *out);
/* The MD5 of every byte read against the source's ETag (of head) where
 * that is an MD5: out->compared set; S3E_EVERIFY with *err when they differ. */
int  s3e_stream_md5_check(const char *md5_hex, const char *etag, const struct s3e_head *head,
                          struct s3e_copy_result *out, struct s3e_s3_error *err);
/* The copy's HEAD h against want (the source's, the route's changes
 * applied); single: it was one PutObject, its ETag must be md5_hex.
 * out->etag filled when empty, out->compared gains the checksum. */
int  s3e_stream_judge(const struct s3e_head *want, const struct s3e_head *h,
                      const struct s3e_copy_hdrs *hdrs, int single, const char *md5_hex,
                      struct s3e_copy_result *out, struct s3e_s3_error *err);

#endif
