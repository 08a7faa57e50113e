/* stream_copy.h - the verdicts of a copy through this machine
 * (flight_stream.c: read from the source's connection, written to the
 * target's): the MD5 of the bytes read against the source's ETag, and the
 * copy's HEAD against what it must be. Internal. */
#ifndef S3E_STREAM_COPY_H
#define S3E_STREAM_COPY_H

#include "s3engine/buf.h"
#include "s3engine/copy.h"

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
