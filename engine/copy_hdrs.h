/* copy_hdrs.h - which request of a copy carries which of struct
 * s3e_copy_hdrs' headers (encryption, SSE-C keys, if-match, checksum). */
#ifndef S3E_COPY_HDRS_H
#define S3E_COPY_HDRS_H

#include "s3_client.h"

enum s3e_copy_req {
    S3E_CR_COPY,      /* CopyObject */
    S3E_CR_CREATE,    /* CreateMultipartUpload */
    S3E_CR_PART,      /* UploadPartCopy */
    S3E_CR_COMPLETE,  /* CompleteMultipartUpload */
};

/* 1 when S3 can keep a whole-object checksum of a multipart upload with
 * this algorithm (x-amz-checksum-type FULL_OBJECT: the CRCs, not SHA1 or
 * SHA256); 0 for NULL. */
int s3e_checksum_full_object(const char *algorithm);

/* Add h's headers that `which` takes, as AWS documents them: CopyObject gets
 * all of them; CreateMultipartUpload the destination's encryption, key,
 * checksum algorithm and, for a CRC, checksum type FULL_OBJECT (again on
 * CompleteMultipartUpload); UploadPartCopy the if-match and both customer
 * keys; CompleteMultipartUpload the destination's customer key. h may be NULL.
 * `etag_buf` (at least 84 bytes) holds the quoted ETag the request points
 * to, so it must live as long as the request. S3E_OK or S3E_ELIMIT. */
int s3e_copy_hdrs_add(struct s3e_req *r, const struct s3e_copy_hdrs *h, enum s3e_copy_req which,
                      char *etag_buf);

/* The SSE-C headers of a request that reads or writes one object with
 * customer key k (HEAD, GET): algorithm, key, key MD5. k may be NULL. */
int s3e_ssec_headers(struct s3e_req *r, const struct s3e_ssec *k);

#endif
