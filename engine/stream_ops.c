/* stream_ops.c - GetObject of a range, UploadPart and PutObject with a
 * body: the requests of a streamed copy (stream_ops.h). */
#include "stream_ops.h"
#include "checksum.h"
#include "copy_hdrs.h"
#include "s3_client.h"
#include "s3_ops.h"
#include "s3engine/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A 412 or another error answers with an XML document: room for it even
 * when the range is shorter. */
#define ERROR_BODY_ROOM (64u << 10)

int s3e_stream_get_request(struct s3e_req *r, char text[2][84], struct s3e_query_param q[2],
                           const char *bucket, const char *key, const struct s3e_copy_hdrs *h,
                           const struct s3e_part_copy *p)
{
    s3e_s3_req_init(r, "GetObject", "GET", bucket, key);
    uint64_t len = p->last + 1 - p->first; /* first > last: an empty object, read whole */
    r->max_body = len > ERROR_BODY_ROOM ? (size_t)len : ERROR_BODY_ROOM;
    r->copy_bytes = len; /* its time limit grows with the bytes, as a copy's */
    if (h && h->version_id && *h->version_id) {
        q[0] = (struct s3e_query_param){ "versionId", h->version_id };
        r->query = q;
        r->nquery = 1;
    }
    snprintf(text[0], 84, "bytes=%llu-%llu", (unsigned long long)p->first,
             (unsigned long long)p->last);
    int rc = len ? s3e_req_header(r, "Range", text[0]) : S3E_OK;
    if (!rc && h && h->if_match && *h->if_match) {
        snprintf(text[1], 84, "\"%.80s\"", h->if_match);
        rc = s3e_req_header(r, "If-Match", text[1]);
    }
    if (!rc)
        rc = s3e_ssec_headers(r, h ? h->src_ssec : NULL);
    return rc;
}

int s3e_stream_range_check(const struct s3e_part_copy *p, size_t got, struct s3e_s3_error *e)
{
    if (got == p->last + 1 - p->first)
        return S3E_OK;
    s3e_s3_error_clear(e);
    snprintf(e->operation, sizeof e->operation, "GetObject");
    snprintf(e->detail, sizeof e->detail, "bytes %llu-%llu: got %zu bytes",
             (unsigned long long)p->first, (unsigned long long)p->last, got);
    e->retryable = 1;
    return S3E_ETRANSPORT;
}

/* x-amz-checksum-<alg> with the body's checksum, when p has one: S3 checks
 * the bytes it received against it. name: room for the header's name. */
static int checksum_header(struct s3e_req *r, const struct s3e_part_copy *p, char name[32])
{
    if (!p || !p->checksum[0])
        return S3E_OK;
    s3e_checksum_header_name(p->checksum_name, name);
    return s3e_req_header(r, name, p->checksum);
}

int s3e_stream_part_request(struct s3e_req *r, char text[2][84], struct s3e_query_param q[2],
                            char name[32], const char *bucket, const char *key,
                            const char *upload_id, const struct s3e_copy_hdrs *h,
                            const struct s3e_part_copy *p, const struct s3e_buf *body,
                            const char *md5_b64)
{
    struct s3e_copy_hdrs part_hdrs;
    if (h) {
        part_hdrs = *h;
        part_hdrs.checksum_algorithm = NULL;
    }
    s3e_s3_req_init(r, "UploadPart", "PUT", bucket, key);
    snprintf(text[0], 84, "%d", p->part_number);
    q[0] = (struct s3e_query_param){ "partNumber", text[0] };
    q[1] = (struct s3e_query_param){ "uploadId", upload_id };
    r->query = q;
    r->nquery = 2;
    r->body = body->data;
    r->body_len = body->len;
    r->copy_bytes = body->len;
    int rc = s3e_req_header(r, "Content-MD5", md5_b64);
    if (!rc) /* the destination's customer key; the checksum is the part's own */
        rc = s3e_copy_hdrs_add(r, h ? &part_hdrs : NULL, S3E_CR_COMPLETE, text[1]);
    if (!rc)
        rc = checksum_header(r, p, name);
    return rc;
}

int s3e_stream_put_request(struct s3e_req *r, struct s3e_buf *names, size_t *offsets,
                           char quoted[84], char name[32], const char *bucket, const char *key,
                           const struct s3e_put_opts *o, const struct s3e_buf *body,
                           const char *md5_b64, const struct s3e_part_copy *sum)
{
    s3e_s3_req_init(r, "PutObject", "PUT", bucket, key);
    r->body = body->data;
    r->body_len = body->len;
    r->copy_bytes = body->len;
    int rc = (o && o->head && o->head->nmeta > S3E_MAX_REQ_HEADERS - 24) ? S3E_ELIMIT : 0;
    if (!rc)
        rc = s3e_s3_put_headers(r, o, names, offsets);
    struct s3e_copy_hdrs h; /* a PutObject names its checksum by value, not by algorithm */
    if (o && o->hdrs) {
        h = *o->hdrs;
        h.checksum_algorithm = NULL;
    }
    if (!rc && o)
        rc = s3e_copy_hdrs_add(r, o->hdrs ? &h : NULL, S3E_CR_CREATE, quoted);
    if (!rc)
        rc = s3e_req_header(r, "Content-MD5", md5_b64);
    if (!rc)
        rc = checksum_header(r, sum, name);
    return rc;
}

