/* part_hash.h - what one body a streamed copy sends must have hashed, in one
 * place: its MD5 (Content-MD5, and its share of the copy's multipart ETag),
 * its SHA-256 (the signature's payload hash, x-amz-content-sha256) and the
 * target's checksum. Each byte is read once per hash, never twice for the
 * same hash. Internal. */
#ifndef S3E_PART_HASH_H
#define S3E_PART_HASH_H

#include <stdint.h>
#include "s3engine/buf.h"
#include "s3engine/s3.h"

struct s3e_part_hash {
    unsigned char md5[16];
    char md5_hex[33];
    char md5_b64[32];     /* Content-MD5 */
    char sha256_hex[65];  /* the payload hash the request is signed with */
};

/* Hash body into *out; with alg (CRC32, ..., or NULL: none) its checksum
 * into p (sent with it, then named on CompleteMultipartUpload). Safe on any
 * thread: touches only body, p and out. S3E_OK or S3E_ENOMEM. */
int s3e_part_hash(const struct s3e_buf *body, const char *alg, struct s3e_part_copy *p,
                  struct s3e_part_hash *out);

/* The ETag S3 gives a multipart upload of n parts with these MD5s: the MD5
 * of their binary MD5s, then "-n". */
int s3e_part_hash_etag(const unsigned char (*md5)[16], uint32_t n, char out[48]);

#endif
