/* copy_hdrs.c - the headers a copy's requests carry beyond the object's own:
 * the source condition, encryption of the destination, customer keys. */
#include "copy_hdrs.h"
#include "s3engine/error.h"

#include <stdio.h>
#include <strings.h>

int s3e_ssec_headers(struct s3e_req *r, const struct s3e_ssec *k)
{
    if (!k)
        return S3E_OK;
    int rc = s3e_req_header(r, "x-amz-server-side-encryption-customer-algorithm", "AES256");
    if (!rc)
        rc = s3e_req_header(r, "x-amz-server-side-encryption-customer-key", k->key_b64);
    if (!rc)
        rc = s3e_req_header(r, "x-amz-server-side-encryption-customer-key-MD5", k->md5_b64);
    return rc;
}

static int source_ssec(struct s3e_req *r, const struct s3e_ssec *k)
{
    if (!k)
        return S3E_OK;
    int rc = s3e_req_header(r, "x-amz-copy-source-server-side-encryption-customer-algorithm",
                            "AES256");
    if (!rc)
        rc = s3e_req_header(r, "x-amz-copy-source-server-side-encryption-customer-key",
                            k->key_b64);
    if (!rc)
        rc = s3e_req_header(r, "x-amz-copy-source-server-side-encryption-customer-key-MD5",
                            k->md5_b64);
    return rc;
}

/* SSE-S3 or SSE-KMS of the destination (not with a customer key: S3 refuses both). */
static int destination_sse(struct s3e_req *r, const struct s3e_copy_hdrs *h)
{
    int rc = S3E_OK;
    if (h->sse)
        rc = s3e_req_header(r, "x-amz-server-side-encryption", h->sse);
    if (!rc && h->kms_key_id)
        rc = s3e_req_header(r, "x-amz-server-side-encryption-aws-kms-key-id", h->kms_key_id);
    if (!rc && h->bucket_key_enabled)
        rc = s3e_req_header(r, "x-amz-server-side-encryption-bucket-key-enabled",
                            h->bucket_key_enabled > 0 ? "true" : "false");
    return rc;
}

int s3e_checksum_full_object(const char *algorithm)
{
    return algorithm && (strcasecmp(algorithm, "CRC32") == 0 ||
                         strcasecmp(algorithm, "CRC32C") == 0 ||
                         strcasecmp(algorithm, "CRC64NVME") == 0);
}

int s3e_copy_hdrs_add(struct s3e_req *r, const struct s3e_copy_hdrs *h, enum s3e_copy_req which,
                      char *etag_buf)
{
    if (!h)
        return S3E_OK;
    int rc = S3E_OK;
    int copies = which == S3E_CR_COPY || which == S3E_CR_PART;
    if (copies && h->if_match && *h->if_match) {
        snprintf(etag_buf, 84, "\"%.80s\"", h->if_match);
        rc = s3e_req_header(r, "x-amz-copy-source-if-match", etag_buf);
    }
    if (!rc && copies)
        rc = source_ssec(r, h->src_ssec);
    if (!rc && (which == S3E_CR_COPY || which == S3E_CR_CREATE)) {
        rc = destination_sse(r, h);
        if (!rc && h->checksum_algorithm)
            rc = s3e_req_header(r, "x-amz-checksum-algorithm", h->checksum_algorithm);
    }
    /* A multipart copy's checksum covers the whole object where the algorithm
     * allows (the CRCs), so it can be compared with the source's; S3's default
     * for CRC32 and CRC32C would be a checksum of the parts' checksums. */
    if (!rc && (which == S3E_CR_CREATE || which == S3E_CR_COMPLETE) &&
        s3e_checksum_full_object(h->checksum_algorithm))
        rc = s3e_req_header(r, "x-amz-checksum-type", "FULL_OBJECT");
    if (!rc)
        rc = s3e_ssec_headers(r, h->dst_ssec);
    return rc;
}
