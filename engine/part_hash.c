/* part_hash.c - the hashes of one body a streamed copy sends (part_hash.h). */
#include "part_hash.h"
#include "stream_copy.h"
#include "s3engine/error.h"

#include <openssl/evp.h>

#include <stdio.h>

static int digest(const EVP_MD *md, const void *data, size_t len, unsigned char *d)
{
    unsigned n = 0;
    return EVP_Digest(data, len, d, &n, md, NULL) ? S3E_OK : S3E_ENOMEM;
}

int s3e_part_hash(const struct s3e_buf *body, const char *alg, struct s3e_part_copy *p,
                  struct s3e_part_hash *out)
{
    const char *data = body->data ? body->data : "";
    unsigned char sha[32];
    int rc = digest(EVP_md5(), data, body->len, out->md5);
    if (!rc)
        rc = digest(EVP_sha256(), data, body->len, sha);
    if (rc)
        return rc;
    s3e_stream_hex(out->md5, 16, out->md5_hex);
    s3e_stream_hex(sha, 32, out->sha256_hex);
    EVP_EncodeBlock((unsigned char *)out->md5_b64, out->md5, 16);
    return s3e_stream_body_checksum(alg, body, p);
}

int s3e_part_hash_etag(const unsigned char (*md5)[16], uint32_t n, char out[48])
{
    unsigned char d[16];
    int rc = digest(EVP_md5(), md5, (size_t)n * 16, d);
    if (rc)
        return rc;
    s3e_stream_hex(d, 16, out);
    snprintf(out + 32, 16, "-%u", n);
    return S3E_OK;
}
