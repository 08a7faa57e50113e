/* verify_rules.h - what a source and its copy can be compared by, and whether
 * they agree. Pure functions (README, "How a copy is checked").
 *
 * An ETag is an MD5 of the bytes only when it looks like one (32 hex digits,
 * no "-N" of a multipart upload) and the object is neither SSE-KMS nor SSE-C
 * encrypted: AWS gives such objects ETags that are not the MD5, and other
 * providers have other ETags. So the size is always compared, the ETags only
 * where both are MD5s, and x-amz-checksum-* values where both sides have a
 * full-object checksum of the same algorithm. */
#ifndef S3E_VERIFY_RULES_H
#define S3E_VERIFY_RULES_H

#include <stdint.h>

/* What was compared, as bits; s3e_verified_name spells them. */
#define S3E_CMP_SIZE     1u
#define S3E_CMP_ETAG     2u
#define S3E_CMP_CHECKSUM 4u

/* One side, as a listing or a HEAD showed it. Unknown fields are NULL/"" or,
 * for the size, UINT64_MAX. */
struct s3e_side {
    uint64_t    size;
    const char *etag;          /* without quotes */
    const char *sse;           /* x-amz-server-side-encryption: "AES256", "aws:kms", ... */
    int         ssec;          /* encrypted with a customer key (SSE-C) */
    const char *checksum_name; /* "crc32", "crc32c", "crc64nvme", "sha1", "sha256" */
    const char *checksum;      /* its value (base64); "...-N" for a composite one */
};

/* 1 when this ETag is the MD5 of the object's bytes by the rules above. */
int s3e_etag_is_md5(const char *etag, const char *sse, int ssec);

/* 1 when this ETag is that of a multipart upload by the same rules: 32 hex
 * digits, "-" and the number of parts, neither SSE-KMS nor SSE-C; S3 makes
 * it from the MD5s of the parts' bytes (part_hash.h). */
int s3e_etag_is_multipart_md5(const char *etag, const char *sse, int ssec);

/* 1 when both sides' ETags are MD5s, so equal bytes mean equal ETags. */
int s3e_etags_comparable(const struct s3e_side *a, const struct s3e_side *b);

/* 1 when both have a full-object checksum of the same algorithm. */
int s3e_checksums_comparable(const struct s3e_side *a, const struct s3e_side *b);

/* Compare what can be compared. Returns NULL when the two agree, else what
 * differs first ("size", "ETag", "checksum"). *compared (may be NULL) gets the
 * S3E_CMP_* bits of what was compared; a size that is unknown on either side
 * is not compared. */
const char *s3e_verify_compare(const struct s3e_side *src, const struct s3e_side *dst,
                               unsigned *compared);

/* "size", "size+etag", "size+checksum", "size+etag+checksum", "etag", "" (none):
 * the report's `verified` column. Static strings. */
const char *s3e_verified_name(unsigned compared);

#endif
