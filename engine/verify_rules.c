/* verify_rules.c - which fields of a source and its copy can be compared
 * (never an ETag as an MD5 when it is not one), and the comparison. */
#include "s3engine/verify_rules.h"

#include <string.h>
#include <strings.h>

int s3e_etag_is_md5(const char *etag, const char *sse, int ssec)
{
    if (!etag || strlen(etag) != 32 || ssec)
        return 0;
    if (sse && strncasecmp(sse, "aws:kms", 7) == 0) /* aws:kms and aws:kms:dsse */
        return 0;
    return strspn(etag, "0123456789abcdefABCDEF") == 32;
}

int s3e_etag_is_multipart_md5(const char *etag, const char *sse, int ssec)
{
    if (!etag || strlen(etag) < 34 || etag[32] != '-' || etag[33] == '0')
        return 0;
    char head[33];
    memcpy(head, etag, 32);
    head[32] = '\0';
    return s3e_etag_is_md5(head, sse, ssec) && strspn(etag + 33, "0123456789") == strlen(etag + 33);
}

int s3e_etags_comparable(const struct s3e_side *a, const struct s3e_side *b)
{
    return s3e_etag_is_md5(a->etag, a->sse, a->ssec) && s3e_etag_is_md5(b->etag, b->sse, b->ssec);
}

static int full_object(const char *checksum)
{
    return checksum && *checksum && !strchr(checksum, '-');
}

int s3e_checksums_comparable(const struct s3e_side *a, const struct s3e_side *b)
{
    return a->checksum_name && b->checksum_name && *a->checksum_name &&
           strcasecmp(a->checksum_name, b->checksum_name) == 0 && full_object(a->checksum) &&
           full_object(b->checksum);
}

const char *s3e_verify_compare(const struct s3e_side *src, const struct s3e_side *dst,
                               unsigned *compared)
{
    unsigned done = 0;
    const char *differs = NULL;
    if (src->size != UINT64_MAX && dst->size != UINT64_MAX) {
        done |= S3E_CMP_SIZE;
        if (src->size != dst->size)
            differs = "size";
    }
    if (!differs && s3e_etags_comparable(src, dst)) {
        done |= S3E_CMP_ETAG;
        if (strcasecmp(src->etag, dst->etag) != 0)
            differs = "ETag";
    }
    if (!differs && s3e_checksums_comparable(src, dst)) {
        done |= S3E_CMP_CHECKSUM;
        if (strcmp(src->checksum, dst->checksum) != 0)
            differs = "checksum";
    }
    if (compared)
        *compared = done;
    return differs;
}

const char *s3e_verified_name(unsigned c)
{
    static const char *const names[8] = {
        "", "size", "etag", "size+etag", "checksum", "size+checksum", "etag+checksum",
        "size+etag+checksum",
    };
    return names[c & 7u];
}
