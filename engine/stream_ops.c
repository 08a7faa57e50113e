/* stream_ops.c - GetObject ranges, UploadPart and PutObject with bodies: the
 * requests of a streamed copy (stream_ops.h). */
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

/* Scratch of n requests sent together; freed by batch_free. */
struct batch {
    struct s3e_req *reqs;
    struct s3e_resp *resps;
    struct s3e_s3_error *errs;
    int *rcs;
    char (*text)[2][84];                /* per request: a range or part number, a quoted ETag */
    struct s3e_query_param (*q)[2];
};

static int batch_new(struct batch *b, size_t n)
{
    b->reqs = calloc(n, sizeof *b->reqs);
    b->resps = calloc(n, sizeof *b->resps);
    b->errs = calloc(n, sizeof *b->errs);
    b->rcs = calloc(n, sizeof *b->rcs);
    b->text = calloc(n, sizeof *b->text);
    b->q = calloc(n, sizeof *b->q);
    for (size_t i = 0; b->resps && i < n; i++)
        s3e_resp_init(&b->resps[i]);
    return b->reqs && b->resps && b->errs && b->rcs && b->text && b->q ? S3E_OK : S3E_ENOMEM;
}

static void batch_free(struct batch *b, size_t n)
{
    for (size_t i = 0; b->resps && i < n; i++)
        s3e_resp_free(&b->resps[i]);
    free(b->reqs);
    free(b->resps);
    free(b->errs);
    free(b->rcs);
    free(b->text);
    free(b->q);
}

/* Each part's result; the first failure into *err. Returns rc, or the
 * first part's failure when rc is S3E_OK. */
static int results(struct batch *b, struct s3e_part_copy *parts, size_t n, int rc,
                   const char *op, struct s3e_s3_error *err)
{
    int reported = 0;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].rc == S3E_OK && b->rcs[i] != S3E_OK) {
            parts[i].rc = b->rcs[i];
            parts[i].error = b->errs[i];
        }
        if (parts[i].rc && parts[i].rc != S3E_ECANCELED && !reported) {
            if (err)
                *err = parts[i].error;
            rc = rc ? rc : parts[i].rc;
            reported = 1;
        }
    }
    if (rc == S3E_ECANCELED && !reported && err) { /* every part stopped by a signal */
        s3e_s3_error_clear(err);
        snprintf(err->operation, sizeof err->operation, "%s", op);
        snprintf(err->detail, sizeof err->detail, "interrupted");
    }
    return rc;
}

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

int s3e_stream_get_ranges(struct s3e_client *c, const char *bucket, const char *key,
                          const struct s3e_copy_hdrs *h, struct s3e_part_copy *parts,
                          struct s3e_buf *bodies, size_t n, int max_in_flight,
                          struct s3e_s3_error *err)
{
    struct batch b;
    int rc = batch_new(&b, n);
    for (size_t i = 0; i < n && !rc; i++) {
        parts[i].rc = S3E_OK;
        rc = s3e_stream_get_request(&b.reqs[i], b.text[i], b.q[i], bucket, key, h, &parts[i]);
        /* room for the whole range at once: no doubling while it arrives */
        if (!rc)
            rc = s3e_buf_reserve(&b.resps[i].body, (size_t)(parts[i].last + 1 - parts[i].first));
    }
    if (!rc)
        rc = s3e_client_send_many(c, b.reqs, n, max_in_flight, 1, b.resps, b.errs, b.rcs);
    for (size_t i = 0; i < n && b.resps && b.rcs; i++) {
        if (b.rcs[i] == S3E_OK)
            parts[i].rc = s3e_stream_range_check(&parts[i], b.resps[i].body.len, &parts[i].error);
        s3e_buf_free(&bodies[i]); /* hand the body over rather than copy it */
        bodies[i] = b.resps[i].body;
        bodies[i].max = 0;
        s3e_buf_init(&b.resps[i].body, 0);
    }
    if (b.rcs)
        rc = results(&b, parts, n, rc, "GetObject", err);
    batch_free(&b, n);
    return rc;
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

int s3e_stream_upload_parts(struct s3e_client *c, const char *bucket, const char *key,
                            const char *upload_id, const struct s3e_copy_hdrs *h,
                            struct s3e_part_copy *parts, const struct s3e_buf *bodies,
                            char (*md5_b64)[32], size_t n, int max_in_flight,
                            struct s3e_s3_error *err)
{
    struct batch b;
    int rc = batch_new(&b, n);
    char (*names)[32] = calloc(n ? n : 1, sizeof *names);
    if (!names)
        rc = rc ? rc : S3E_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        parts[i].rc = S3E_OK;
        rc = s3e_stream_part_request(&b.reqs[i], b.text[i], b.q[i], names[i], bucket, key,
                                     upload_id, h, &parts[i], &bodies[i], md5_b64[i]);
    }
    if (!rc)
        rc = s3e_client_send_many(c, b.reqs, n, max_in_flight, 1, b.resps, b.errs, b.rcs);
    for (size_t i = 0; i < n && b.resps && b.rcs; i++) {
        char v[96] = "";
        if (b.rcs[i] == S3E_OK)
            s3e_resp_header(&b.resps[i], "etag", v, sizeof v);
        s3e_s3_etag_unquote(v, parts[i].etag);
    }
    if (b.rcs)
        rc = results(&b, parts, n, rc, "UploadPart", err);
    batch_free(&b, n);
    free(names);
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

int s3e_stream_put_object(struct s3e_client *c, const char *bucket, const char *key,
                          const struct s3e_put_opts *o, const struct s3e_buf *body,
                          const char *md5_b64, const struct s3e_part_copy *sum,
                          char out_etag[80], struct s3e_s3_error *err)
{
    struct s3e_buf names;
    s3e_buf_init(&names, 0);
    size_t offsets[S3E_MAX_REQ_HEADERS];
    char quoted[84], name[32];
    struct s3e_req r;
    int rc = s3e_stream_put_request(&r, &names, offsets, quoted, name, bucket, key, o, body,
                                    md5_b64, sum);
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    if (!rc)
        rc = s3e_client_send(c, &r, &resp, err);
    char v[96] = "";
    if (!rc)
        s3e_resp_header(&resp, "etag", v, sizeof v);
    s3e_s3_etag_unquote(v, out_etag);
    s3e_resp_free(&resp);
    s3e_buf_free(&names);
    return rc;
}
