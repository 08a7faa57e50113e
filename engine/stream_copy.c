/* stream_copy.c - the verdicts of a streamed copy (stream_copy.h). */
#include "stream_copy.h"
#include "checksum.h"
#include "put_lines.h"
#include "s3engine/error.h"
#include "s3engine/verify_rules.h"

#include <stdio.h>
#include <string.h>

void s3e_stream_hex(const unsigned char *d, unsigned n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

int s3e_stream_body_checksum(const char *alg, const struct s3e_buf *b, struct s3e_part_copy *p)
{
    if (!alg)
        return S3E_OK;
    snprintf(p->checksum_name, sizeof p->checksum_name, "%s", alg);
    return s3e_checksum_b64(alg, b->data, b->len, p->checksum);
}

static int fail_detail(struct s3e_s3_error *err, int rc, const char *op, const char *detail)
{
    s3e_s3_error_clear(err);
    snprintf(err->operation, sizeof err->operation, "%s", op);
    snprintf(err->detail, sizeof err->detail, "%s", detail);
    return rc;
}

int s3e_stream_md5_check(const char *md5_hex, const char *etag, const struct s3e_head *head,
                         struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    out->compared = S3E_CMP_SIZE;
    if (!s3e_etag_is_md5(etag, head->sse, head->ssec))
        return S3E_OK;
    if (strcmp(md5_hex, etag) != 0) {
        char why[256];
        snprintf(why, sizeof why, "the bytes read have MD5 %s, the source's ETag is %s",
                 md5_hex, etag);
        return fail_detail(err, S3E_EVERIFY, "Verify", why);
    }
    out->compared |= S3E_CMP_ETAG;
    return S3E_OK;
}

int s3e_stream_judge(const struct s3e_head *want, const struct s3e_head *h,
                     const struct s3e_copy_hdrs *hdrs, int single, const char *md5_hex,
                     struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    if (!out->etag[0])
        snprintf(out->etag, sizeof out->etag, "%s", h->etag); /* radosgw's Complete omits it */
    const char *what = s3e_head_mismatch(want, h);
    if (!what && hdrs->sse && strcmp(hdrs->sse, h->sse) != 0)
        what = "encryption";
    if (!what && hdrs->dst_ssec && !h->ssec)
        what = "encryption (SSE-C)";
    if (!what && single && s3e_etag_is_md5(h->etag, h->sse, h->ssec) &&
        strcmp(h->etag, md5_hex) != 0)
        what = "ETag";
    struct s3e_side a = { want->size, NULL, NULL, 0, want->checksum_name, want->checksum };
    struct s3e_side b = { h->size, NULL, NULL, 0, h->checksum_name, h->checksum };
    if (!what && s3e_checksums_comparable(&a, &b)) { /* S3's whole-object checksums */
        out->compared |= S3E_CMP_CHECKSUM;
        if (strcmp(want->checksum, h->checksum) != 0)
            what = "checksum";
    }
    if (!what)
        return S3E_OK;
    char why[256];
    snprintf(why, sizeof why, "the copy's %s differs from the source's", what);
    return fail_detail(err, S3E_EVERIFY, "Verify", why);
}
