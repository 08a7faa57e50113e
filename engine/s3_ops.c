/* s3_ops.c - the S3 operations of s3.h, each a request built for s3_client.c
 * plus the parsing of its answer. */
#include "copy_hdrs.h"
#include "put_lines.h"
#include "s3_client.h"
#include "s3_ops.h"
#include "uploads_list.h"
#include "conns.h"
#include "list_xml.h"
#include "s3engine/error.h"
#include "s3engine/listguard.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/region.h"
#include "s3engine/s3xml.h"
#include "s3engine/uri.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A page of 1000 keys of 1024 bytes, each %-encoded three times over, is
 * about 3.3 MB: more than this is not a listing page. */
#define LIST_MAX_BODY (16u << 20)

void s3e_s3_req_init(struct s3e_req *r, const char *op, const char *method, const char *bucket,
                     const char *key)
{
    memset(r, 0, sizeof *r);
    r->op = op;
    r->method = method;
    r->bucket = bucket;
    r->key = key;
}

/* One request, a fresh response, the response freed afterwards unless kept. */
static int simple(struct s3e_client *c, const struct s3e_req *r, struct s3e_s3_error *err)
{
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    int rc = s3e_client_send(c, r, &resp, err);
    s3e_resp_free(&resp);
    return rc;
}

/* ---- listing ----------------------------------------------------------------- */

/* Every listed key passes the guard before the caller's fn sees it. */
struct guarded {
    struct s3e_list_guard g;
    int unordered; /* keys come in no order: only tokens are checked */
    int refused;   /* the guard stopped the page (not fn) */
    s3e_list_fn fn;
    void *ud;
};

static int guarded_key(void *ud, const struct s3e_listed *o)
{
    struct guarded *x = ud;
    int rc = x->unordered ? S3E_OK : s3e_list_guard_key(&x->g, o->key, o->key_len);
    if (rc) {
        x->refused = rc == S3E_EPARSE;
        return rc;
    }
    return x->fn(x->ud, o);
}

/* AWS lists a directory bucket (S3 Express, named "...--x-s3") in no
 * particular order; every other bucket in UTF-8 byte order. */
int s3e_s3_keys_unordered(const char *bucket)
{
    size_t n = strlen(bucket);
    return n > 6 && strcmp(bucket + n - 6, "--x-s3") == 0;
}

/* A page that could not be believed: what, into err. */
static void list_refused(struct s3e_s3_error *err, const char *op, const char *why)
{
    if (!err)
        return;
    snprintf(err->operation, sizeof err->operation, "%s", op);
    snprintf(err->detail, sizeof err->detail, "%s", why);
    err->retryable = 0;
}

/* After a page: S3E_OK with the token for the next one in *token (empty on
 * the last page), or why the listing cannot go on. */
static int next_page(struct guarded *x, int truncated, const struct s3e_buf *next,
                     struct s3e_buf *token, struct s3e_s3_error *err)
{
    s3e_buf_reset(token);
    if (!truncated)
        return S3E_OK;
    if (!next->len) { /* we would ask for the first page again, for ever */
        list_refused(err, "ListObjectsV2", "truncated listing without a continuation token");
        return S3E_EPARSE;
    }
    int rc = s3e_list_guard_token(&x->g, next->data, next->len);
    if (rc == S3E_EPARSE)
        list_refused(err, "ListObjectsV2", x->g.why);
    return rc ? rc : s3e_buf_append(token, next->data, next->len);
}

void s3e_s3_list_request(struct s3e_req *r, struct s3e_query_param q[6], const char *bucket,
                         const char *prefix, const char *start_after, const char *token,
                         const char *delimiter)
{
    size_t nq = 0;
    q[nq++] = (struct s3e_query_param){ "list-type", "2" };
    q[nq++] = (struct s3e_query_param){ "encoding-type", "url" };
    q[nq++] = (struct s3e_query_param){ "max-keys", "1000" };
    if (prefix && *prefix)
        q[nq++] = (struct s3e_query_param){ "prefix", prefix };
    if (token && *token)
        q[nq++] = (struct s3e_query_param){ "continuation-token", token };
    else if (start_after && *start_after)
        q[nq++] = (struct s3e_query_param){ "start-after", start_after };
    if (delimiter)
        q[nq++] = (struct s3e_query_param){ "delimiter", delimiter };
    s3e_s3_req_init(r, "ListObjectsV2", "GET", bucket, NULL);
    r->query = q;
    r->nquery = nq;
    r->max_body = LIST_MAX_BODY;
}

int s3e_s3_list(struct s3e_client *c, const char *bucket, const char *prefix,
                const char *start_after, s3e_list_fn fn, void *ud, struct s3e_s3_error *err)
{
    struct s3e_resp resp;
    struct s3e_buf token;
    struct guarded x = { .fn = fn, .ud = ud };
    s3e_list_guard_init(&x.g, 0);
    x.unordered = s3e_s3_keys_unordered(bucket);
    s3e_resp_init(&resp);
    s3e_buf_init(&token, 4096);
    int truncated = 1, rc = S3E_OK;
    if (start_after && *start_after && !x.unordered) /* the first key must come after it */
        rc = s3e_list_guard_after(&x.g, start_after, strlen(start_after));
    while (!rc && truncated) {
        struct s3e_query_param q[6];
        struct s3e_req r;
        s3e_s3_list_request(&r, q, bucket, prefix, start_after, token.len ? token.data : NULL, NULL);
        rc = s3e_client_send(c, &r, &resp, err);
        if (rc)
            break;
        /* The next token must outlive the page it came from. */
        struct s3e_buf next;
        s3e_buf_init(&next, 4096);
        char why[256] = "";
        rc = s3e_xml_parse_list_page(resp.body.data, resp.body.len, 1, guarded_key, &x, &truncated,
                                     &next, why, sizeof why);
        if (rc == S3E_EPARSE && (x.refused || why[0]))
            list_refused(err, "ListObjectsV2", x.refused ? x.g.why : why);
        if (!rc)
            rc = next_page(&x, truncated, &next, &token, err);
        s3e_buf_free(&next);
    }
    s3e_list_guard_free(&x.g);
    s3e_buf_free(&token);
    s3e_resp_free(&resp);
    return rc;
}

/* ---- HEAD ---------------------------------------------------------------------- */

static char *header_dup(const struct s3e_resp *resp, const char *name)
{
    char v[2048];
    return s3e_resp_header(resp, name, v, sizeof v) ? strdup(v) : NULL;
}

/* Collect x-amz-meta-* headers into h->meta. */
static int collect_meta(const struct s3e_resp *resp, struct s3e_head *h)
{
    const char *p = s3e_buf_cstr(&resp->headers);
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        const char *colon = memchr(p, ':', n);
        if (colon && colon - p > 11 && strncasecmp(p, "x-amz-meta-", 11) == 0) {
            struct s3e_kv *m = realloc(h->meta, (h->nmeta + 1) * sizeof *m);
            if (!m)
                return S3E_ENOMEM;
            h->meta = m;
            const char *v = colon + 1, *end = p + n;
            while (v < end && *v == ' ')
                v++;
            while (end > v && (end[-1] == '\r' || end[-1] == ' '))
                end--;
            m[h->nmeta].name = strndup(p + 11, (size_t)(colon - p - 11));
            m[h->nmeta].value = strndup(v, (size_t)(end - v));
            if (!m[h->nmeta].name || !m[h->nmeta].value) {
                free(m[h->nmeta].name);
                free(m[h->nmeta].value);
                return S3E_ENOMEM;
            }
            for (char *s = m[h->nmeta].name; *s; s++) /* S3 stores names lower-case */
                *s = (*s >= 'A' && *s <= 'Z') ? (char)(*s + 32) : *s;
            h->nmeta++;
        }
        p += n + (eol ? 1 : 0);
    }
    return S3E_OK;
}

void s3e_s3_etag_unquote(const char *v, char out[80])
{
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
        snprintf(out, 80, "%.*s", (int)(n - 2 > 79 ? 79 : n - 2), v + 1);
    else
        snprintf(out, 80, "%.79s", v);
}

/* The first x-amz-checksum-<algorithm> header (an object has at most one). */
static void fill_checksum(const struct s3e_resp *resp, struct s3e_head *h)
{
    static const char *const names[] = { "crc64nvme", "crc32c", "crc32", "sha256", "sha1" };
    char name[40];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(name, sizeof name, "x-amz-checksum-%s", names[i]);
        if (s3e_resp_header(resp, name, h->checksum, sizeof h->checksum)) {
            snprintf(h->checksum_name, sizeof h->checksum_name, "%s", names[i]);
            return;
        }
    }
}

static int fill_head(const struct s3e_resp *resp, struct s3e_head *h)
{
    char v[256];
    if (!s3e_resp_header(resp, "content-length", v, sizeof v))
        return S3E_EPARSE;
    h->size = strtoull(v, NULL, 10);
    s3e_resp_header(resp, "etag", v, sizeof v);
    s3e_s3_etag_unquote(v, h->etag);
    if (s3e_resp_header(resp, "last-modified", v, sizeof v))
        h->last_modified = s3e_parse_time(v);
    if (!s3e_resp_header(resp, "x-amz-storage-class", h->storage_class, sizeof h->storage_class))
        snprintf(h->storage_class, sizeof h->storage_class, "STANDARD");
    s3e_resp_header(resp, "x-amz-restore", h->restore, sizeof h->restore);
    s3e_resp_header(resp, "x-amz-archive-status", h->archive_status, sizeof h->archive_status);
    if (s3e_resp_header(resp, "x-amz-tagging-count", v, sizeof v))
        h->tag_count = (int)strtol(v, NULL, 10);
    h->content_type = header_dup(resp, "content-type");
    h->cache_control = header_dup(resp, "cache-control");
    h->content_disposition = header_dup(resp, "content-disposition");
    h->content_encoding = header_dup(resp, "content-encoding");
    h->content_language = header_dup(resp, "content-language");
    h->expires = header_dup(resp, "expires");
    s3e_resp_header(resp, "x-amz-server-side-encryption", h->sse, sizeof h->sse);
    h->ssec = s3e_resp_header(resp, "x-amz-server-side-encryption-customer-algorithm", v, sizeof v);
    fill_checksum(resp, h);
    return collect_meta(resp, h);
}

int s3e_s3_head(struct s3e_client *c, const char *bucket, const char *key, struct s3e_head *out,
                struct s3e_s3_error *err)
{
    return s3e_s3_head_ssec(c, bucket, key, NULL, out, err);
}

int s3e_s3_head_ssec(struct s3e_client *c, const char *bucket, const char *key,
                     const struct s3e_ssec *ssec, struct s3e_head *out, struct s3e_s3_error *err)
{
    return s3e_s3_head_version(c, bucket, key, NULL, ssec, out, err);
}

int s3e_s3_head_version_request(struct s3e_req *r, struct s3e_query_param *q,
                                const char *bucket, const char *key, const char *version,
                                const struct s3e_ssec *ssec)
{
    s3e_s3_head_request(r, bucket, key);
    *q = (struct s3e_query_param){ "versionId", version };
    if (version && *version) {
        r->query = q;
        r->nquery = 1;
    }
    int rc = s3e_req_header(r, "x-amz-checksum-mode", "ENABLED");
    return rc ? rc : s3e_ssec_headers(r, ssec);
}

int s3e_s3_head_result(int rc, const struct s3e_resp *resp, struct s3e_head *out,
                       struct s3e_s3_error *err)
{
    memset(out, 0, sizeof *out);
    if (rc == S3E_ES3 && err && err->http_status == 404)
        snprintf(err->code, sizeof err->code, "NoSuchKey"); /* HEAD has no body to say so */
    if (!rc)
        rc = fill_head(resp, out);
    if (rc)
        s3e_head_free(out);
    return rc;
}

int s3e_s3_head_version(struct s3e_client *c, const char *bucket, const char *key,
                        const char *version, const struct s3e_ssec *ssec, struct s3e_head *out,
                        struct s3e_s3_error *err)
{
    struct s3e_req r;
    struct s3e_query_param q;
    int rc = s3e_s3_head_version_request(&r, &q, bucket, key, version, ssec);
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    if (!rc)
        rc = s3e_client_send(c, &r, &resp, err);
    rc = s3e_s3_head_result(rc, &resp, out, err);
    s3e_resp_free(&resp);
    return rc;
}

int s3e_s3_bucket_region(struct s3e_client *c, const char *bucket, char region_out[64],
                         struct s3e_s3_error *err)
{
    const struct s3e_config *cfg = s3e_client_route(c, bucket);
    struct s3e_req r;
    s3e_s3_req_init(&r, "HeadBucket", "HEAD", bucket, NULL);
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    int rc = s3e_client_send(c, &r, &resp, err);
    char named[S3E_REGION_MAX];
    /* AWS names the region on a 200 and on a 403 alike */
    if (s3e_resp_header(&resp, "x-amz-bucket-region", named, sizeof named) &&
        !s3e_region_problem(named)) {
        s3e_regions_set(cfg->regions, bucket, named);
        rc = S3E_OK;
    }
    s3e_resp_free(&resp);
    if (!s3e_regions_get(cfg->regions, bucket, region_out))
        snprintf(region_out, S3E_REGION_MAX, "%s", cfg->region);
    return rc;
}

void s3e_head_free(struct s3e_head *h)
{
    free(h->content_type);
    free(h->cache_control);
    free(h->content_disposition);
    free(h->content_encoding);
    free(h->content_language);
    free(h->expires);
    for (size_t i = 0; i < h->nmeta; i++) {
        free(h->meta[i].name);
        free(h->meta[i].value);
    }
    free(h->meta);
    memset(h, 0, sizeof *h);
}

/* ---- writing the destination ------------------------------------------------- */

/* Content headers, user metadata, tags and storage class of the destination.
 * Names of metadata headers are built in `names` (kept alive by the caller). */
int s3e_s3_put_headers(struct s3e_req *r, const struct s3e_put_opts *o, struct s3e_buf *names,
                       size_t *offsets)
{
    int rc = S3E_OK;
    if (!o)
        return rc;
    if (o->storage_class)
        rc = s3e_req_header(r, "x-amz-storage-class", o->storage_class);
    if (!rc && o->tagging)
        rc = s3e_req_header(r, "x-amz-tagging", o->tagging);
    const struct s3e_head *h = o->head;
    if (rc || !h)
        return rc;
    static const char *const names_std[] = { "Content-Type", "Cache-Control", "Content-Disposition",
                                             "Content-Encoding", "Content-Language", "Expires" };
    const char *values[] = { h->content_type, h->cache_control, h->content_disposition,
                             h->content_encoding, h->content_language, h->expires };
    for (size_t i = 0; i < 6 && !rc; i++)
        if (values[i])
            rc = s3e_req_header(r, names_std[i], values[i]);
    /* Offsets, not pointers: the buffer may move while it grows. */
    for (size_t i = 0; i < h->nmeta && !rc; i++) {
        offsets[i] = names->len;
        rc = s3e_buf_printf(names, "x-amz-meta-%s", h->meta[i].name);
        if (!rc)
            rc = s3e_buf_putc(names, '\0');
    }
    for (size_t i = 0; i < h->nmeta && !rc; i++)
        rc = s3e_req_header(r, names->data + offsets[i], h->meta[i].value);
    return rc;
}

int s3e_s3_copy_request(struct s3e_req *r, struct s3e_buf *source, const char *src_bucket,
                        const char *src_key, const char *src_version, const char *dst_bucket,
                        const char *dst_key)
{
    s3e_s3_req_init(r, "CopyObject", "PUT", dst_bucket, dst_key);
    r->src_bucket = src_bucket;
    r->expect_body_error = 1;
    r->copy_bytes = S3E_MAX_COPY_OBJECT; /* the caller knows better */
    s3e_buf_reset(source);
    int rc = s3e_uri_copy_source_version(source, src_bucket, src_key, src_version);
    if (!rc)
        rc = s3e_req_header(r, "x-amz-copy-source", source->data);
    return rc;
}

void s3e_s3_delete_request(struct s3e_req *r, const char *bucket, const char *key)
{
    s3e_s3_req_init(r, "DeleteObject", "DELETE", bucket, key);
}

void s3e_s3_delete_version_request(struct s3e_req *r, struct s3e_query_param *q,
                                   const char *bucket, const char *key, const char *version)
{
    s3e_s3_delete_request(r, bucket, key);
    *q = (struct s3e_query_param){ "versionId", version };
    if (version && *version) {
        r->query = q;
        r->nquery = 1;
    }
}

void s3e_s3_head_request(struct s3e_req *r, const char *bucket, const char *key)
{
    s3e_s3_req_init(r, "HeadObject", "HEAD", bucket, key);
}

int s3e_s3_copy_put_request(struct s3e_req *r, struct s3e_copy_bufs *b, const char *src_bucket,
                            const char *src_key, const char *dst_bucket, const char *dst_key,
                            const struct s3e_put_opts *opts)
{
    const char *src_version = opts && opts->hdrs ? opts->hdrs->version_id : NULL;
    int rc = s3e_s3_copy_request(r, &b->source, src_bucket, src_key, src_version, dst_bucket,
                                 dst_key);
    if (opts && opts->copy_bytes)
        r->copy_bytes = opts->copy_bytes;
    if (!rc && opts && opts->head)
        rc = s3e_req_header(r, "x-amz-metadata-directive", "REPLACE");
    if (!rc && opts && opts->tagging)
        rc = s3e_req_header(r, "x-amz-tagging-directive", "REPLACE");
    if (!rc && opts && opts->head && opts->head->nmeta > S3E_MAX_REQ_HEADERS - 24)
        rc = S3E_ELIMIT;
    s3e_buf_reset(&b->names);
    if (!rc)
        rc = s3e_s3_put_headers(r, opts, &b->names, b->offsets);
    if (!rc && opts)
        rc = s3e_copy_hdrs_add(r, opts->hdrs, S3E_CR_COPY, b->quoted);
    s3e_buf_reset(&b->lines);
    if (!rc && opts)
        rc = s3e_put_lines_add(r, opts->put_lines, &b->lines);
    return rc;
}

void s3e_copy_bufs_init(struct s3e_copy_bufs *b)
{
    s3e_buf_init(&b->source, 0);
    s3e_buf_init(&b->names, 0);
    s3e_buf_init(&b->lines, 0);
}

void s3e_copy_bufs_free(struct s3e_copy_bufs *b)
{
    s3e_buf_free(&b->source);
    s3e_buf_free(&b->names);
    s3e_buf_free(&b->lines);
}

int s3e_s3_create_request(struct s3e_req *r, struct s3e_query_param *q, struct s3e_buf *names,
                          size_t *offsets, char *quoted, const char *bucket, const char *key,
                          const struct s3e_put_opts *opts)
{
    *q = (struct s3e_query_param){ "uploads", NULL };
    s3e_s3_req_init(r, "CreateMultipartUpload", "POST", bucket, key);
    r->query = q;
    r->nquery = 1;
    int rc = (opts && opts->head && opts->head->nmeta > S3E_MAX_REQ_HEADERS - 24) ? S3E_ELIMIT : 0;
    if (!rc)
        rc = s3e_s3_put_headers(r, opts, names, offsets);
    if (!rc && opts)
        rc = s3e_copy_hdrs_add(r, opts->hdrs, S3E_CR_CREATE, quoted);
    return rc;
}

int s3e_s3_create_multipart(struct s3e_client *c, const char *bucket, const char *key,
                            const struct s3e_put_opts *opts, char **out_upload_id,
                            struct s3e_s3_error *err)
{
    struct s3e_buf names;
    s3e_buf_init(&names, 0);
    size_t offsets[S3E_MAX_REQ_HEADERS];
    struct s3e_query_param q;
    struct s3e_req r;
    char quoted[84];
    int rc = s3e_s3_create_request(&r, &q, &names, offsets, quoted, bucket, key, opts);
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    if (!rc)
        rc = s3e_client_send(c, &r, &resp, err);
    if (!rc)
        rc = s3e_xml_parse_initiate(resp.body.data, resp.body.len, out_upload_id);
    s3e_resp_free(&resp);
    s3e_buf_free(&names);
    return rc;
}

int s3e_s3_part_copy_request(struct s3e_req *r, struct s3e_query_param q[2], char number[16],
                             char range[64], char *quoted, const char *source,
                             const char *bucket, const char *key, const char *upload_id,
                             const char *src_bucket, const struct s3e_part_copy *part,
                             const struct s3e_copy_hdrs *hdrs)
{
    snprintf(number, 16, "%d", part->part_number);
    snprintf(range, 64, "bytes=%llu-%llu", (unsigned long long)part->first,
             (unsigned long long)part->last);
    q[0] = (struct s3e_query_param){ "partNumber", number };
    q[1] = (struct s3e_query_param){ "uploadId", upload_id };
    s3e_s3_req_init(r, "UploadPartCopy", "PUT", bucket, key);
    r->src_bucket = src_bucket;
    r->query = q;
    r->nquery = 2;
    r->expect_body_error = 1;
    r->copy_bytes = part->last - part->first + 1;
    int rc = s3e_req_header(r, "x-amz-copy-source", source);
    if (!rc)
        rc = s3e_req_header(r, "x-amz-copy-source-range", range);
    return rc ? rc : s3e_copy_hdrs_add(r, hdrs, S3E_CR_PART, quoted);
}

int s3e_s3_part_copy_result(const struct s3e_resp *resp, struct s3e_part_copy *part)
{
    if (s3e_xml_parse_copy_result(resp->body.data, resp->body.len, part->etag))
        return S3E_EPARSE;
    /* for CompleteMultipartUpload */
    s3e_xml_parse_checksum(resp->body.data, resp->body.len, part->checksum_name, part->checksum);
    return S3E_OK;
}

int s3e_s3_complete_request(struct s3e_req *r, struct s3e_query_param *q, struct s3e_buf *body,
                            char *quoted, const char *bucket, const char *key,
                            const char *upload_id, const struct s3e_part_copy *parts, size_t n,
                            const struct s3e_copy_hdrs *hdrs)
{
    *q = (struct s3e_query_param){ "uploadId", upload_id };
    s3e_s3_req_init(r, "CompleteMultipartUpload", "POST", bucket, key);
    r->query = q;
    r->nquery = 1;
    r->expect_body_error = 1;
    /* AWS may take minutes to assemble many parts (sending whitespace as it
     * goes): the time limit of a 1 GiB copy. */
    r->copy_bytes = 1ULL << 30;
    int rc = s3e_xml_complete_body(parts, n, body);
    if (!rc)
        rc = s3e_req_header(r, "Content-Type", "application/xml");
    if (!rc)
        rc = s3e_copy_hdrs_add(r, hdrs, S3E_CR_COMPLETE, quoted);
    r->body = body->data;
    r->body_len = body->len;
    return rc;
}

void s3e_s3_abort_request(struct s3e_req *r, struct s3e_query_param *q, const char *bucket,
                          const char *key, const char *upload_id)
{
    *q = (struct s3e_query_param){ "uploadId", upload_id };
    s3e_s3_req_init(r, "AbortMultipartUpload", "DELETE", bucket, key);
    r->query = q;
    r->nquery = 1;
}

int s3e_s3_abort_result(int rc, const struct s3e_s3_error *err)
{
    if (rc == S3E_ES3 && err && (strcmp(err->code, "NoSuchUpload") == 0 || err->http_status == 404))
        rc = S3E_OK; /* already gone */
    return rc;
}

int s3e_s3_abort_multipart(struct s3e_client *c, const char *bucket, const char *key,
                           const char *upload_id, struct s3e_s3_error *err)
{
    struct s3e_query_param q;
    struct s3e_req r;
    s3e_s3_abort_request(&r, &q, bucket, key, upload_id);
    return s3e_s3_abort_result(simple(c, &r, err), err);
}

void s3e_s3_get_tagging_request(struct s3e_req *r, struct s3e_query_param q[2],
                                const char *bucket, const char *key, const char *version)
{
    q[0] = (struct s3e_query_param){ "tagging", NULL };
    q[1] = (struct s3e_query_param){ "versionId", version };
    s3e_s3_req_init(r, "GetObjectTagging", "GET", bucket, key);
    r->query = q;
    r->nquery = version && *version ? 2 : 1;
}

int s3e_s3_get_tagging(struct s3e_client *c, const char *bucket, const char *key,
                       const char *version, struct s3e_buf *out, struct s3e_s3_error *err)
{
    struct s3e_query_param q[2];
    struct s3e_req r;
    s3e_s3_get_tagging_request(&r, q, bucket, key, version);
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    int rc = s3e_client_send(c, &r, &resp, err);
    if (!rc)
        rc = s3e_xml_parse_tagging(resp.body.data, resp.body.len, out);
    s3e_resp_free(&resp);
    return rc;
}

int s3e_s3_put_tagging_request(struct s3e_req *r, struct s3e_query_param *q,
                               struct s3e_buf *body, char md5b64[64], const char *bucket,
                               const char *key, const char *tagging)
{
    int rc = s3e_xml_tagging_body(tagging, body);
    /* AWS requires Content-MD5 on PutObjectTagging. */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (!rc && !EVP_Digest(body->data, body->len, md, &mdlen, EVP_md5(), NULL))
        rc = S3E_ENOMEM;
    *q = (struct s3e_query_param){ "tagging", NULL };
    s3e_s3_req_init(r, "PutObjectTagging", "PUT", bucket, key);
    r->query = q;
    r->nquery = 1;
    r->body = body->data;
    r->body_len = body->len;
    if (!rc) {
        EVP_EncodeBlock((unsigned char *)md5b64, md, (int)mdlen);
        rc = s3e_req_header(r, "Content-MD5", md5b64);
    }
    return rc ? rc : s3e_req_header(r, "Content-Type", "application/xml");
}

int s3e_s3_delete_object(struct s3e_client *c, const char *bucket, const char *key,
                         struct s3e_s3_error *err)
{
    struct s3e_req r;
    s3e_s3_delete_request(&r, bucket, key);
    return simple(c, &r, err);
}

int s3e_s3_put_object(struct s3e_client *c, const char *bucket, const char *key,
                      const void *body, size_t len, const char *content_type,
                      char out_etag[80], struct s3e_s3_error *err)
{
    struct s3e_req r;
    s3e_s3_req_init(&r, "PutObject", "PUT", bucket, key);
    r.body = body;
    r.body_len = len;
    if (content_type)
        s3e_req_header(&r, "Content-Type", content_type);
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    int rc = s3e_client_send(c, &r, &resp, err);
    if (!rc && out_etag) {
        char v[96];
        s3e_resp_header(&resp, "etag", v, sizeof v);
        s3e_s3_etag_unquote(v, out_etag);
    }
    s3e_resp_free(&resp);
    return rc;
}

int s3e_s3_get_object(struct s3e_client *c, const char *bucket, const char *key,
                      uint64_t offset, uint64_t length, size_t max_body, struct s3e_buf *out,
                      struct s3e_s3_error *err)
{
    struct s3e_req r;
    s3e_s3_req_init(&r, "GetObject", "GET", bucket, key);
    r.max_body = max_body;
    char range[64];
    if (offset || length) {
        if (length)
            snprintf(range, sizeof range, "bytes=%llu-%llu", (unsigned long long)offset,
                     (unsigned long long)(offset + length - 1));
        else
            snprintf(range, sizeof range, "bytes=%llu-", (unsigned long long)offset);
        s3e_req_header(&r, "Range", range);
    }
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    int rc = s3e_client_send(c, &r, &resp, err);
    s3e_buf_reset(out);
    if (!rc) { /* hand the body over rather than copy a manifest of megabytes */
        s3e_buf_free(out);
        *out = resp.body;
        out->max = 0;
        s3e_buf_init(&resp.body, 0);
    }
    s3e_resp_free(&resp);
    return rc;
}

int s3e_s3_create_bucket(struct s3e_client *c, const char *bucket, struct s3e_s3_error *err)
{
    struct s3e_req r;
    s3e_s3_req_init(&r, "CreateBucket", "PUT", bucket, NULL);
    int rc = simple(c, &r, err);
    if (rc == S3E_ES3 && err && strcmp(err->code, "BucketAlreadyOwnedByYou") == 0)
        rc = S3E_OK;
    return rc;
}

int s3e_s3_list_multipart_uploads(struct s3e_client *c, const char *bucket, const char *prefix,
                                  s3e_upload_fn fn, void *ud, struct s3e_s3_error *err)
{
    struct s3e_uploads_list l;
    s3e_uploads_list_init(&l, bucket, prefix, fn, ud);
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    int more = 1, rc = S3E_OK;
    while (!rc && more) {
        struct s3e_req r;
        s3e_uploads_list_request(&l, &r);
        rc = s3e_client_send(c, &r, &resp, err);
        if (!rc)
            rc = s3e_uploads_list_page(&l, &resp, &more, err);
    }
    s3e_uploads_list_free(&l);
    s3e_resp_free(&resp);
    return rc;
}
