/* uploads_list.c - ListMultipartUploads page by page (see uploads_list.h). */
#include "uploads_list.h"
#include "s3engine/error.h"
#include "s3engine/s3xml.h"

#include <stdio.h>
#include <string.h>

/* A page of 1000 uploads of 1024-byte keys is well under this. */
#define UPLOADS_MAX_BODY (16u << 20)

void s3e_s3_list_uploads_request(struct s3e_req *r, struct s3e_query_param q[4],
                                 const char *bucket, const char *prefix, const char *key_marker,
                                 const char *id_marker)
{
    size_t nq = 0;
    q[nq++] = (struct s3e_query_param){ "uploads", NULL };
    if (prefix && *prefix)
        q[nq++] = (struct s3e_query_param){ "prefix", prefix };
    if (key_marker)
        q[nq++] = (struct s3e_query_param){ "key-marker", key_marker };
    if (id_marker)
        q[nq++] = (struct s3e_query_param){ "upload-id-marker", id_marker };
    *r = (struct s3e_req){ .op = "ListMultipartUploads", .method = "GET", .bucket = bucket,
                           .query = q, .nquery = nq, .max_body = UPLOADS_MAX_BODY };
}

void s3e_uploads_list_init(struct s3e_uploads_list *l, const char *bucket, const char *prefix,
                           s3e_upload_fn fn, void *ud)
{
    memset(l, 0, sizeof *l);
    l->bucket = bucket;
    l->prefix = prefix;
    l->fn = fn;
    l->ud = ud;
    s3e_list_guard_init(&l->g, 1);
    s3e_buf_init(&l->key_marker, 4096);
    s3e_buf_init(&l->id_marker, 4096);
}

void s3e_uploads_list_free(struct s3e_uploads_list *l)
{
    s3e_list_guard_free(&l->g);
    s3e_buf_free(&l->key_marker);
    s3e_buf_free(&l->id_marker);
}

void s3e_uploads_list_request(struct s3e_uploads_list *l, struct s3e_req *r)
{
    s3e_s3_list_uploads_request(r, l->q, l->bucket, l->prefix,
                                l->key_marker.len ? s3e_buf_cstr(&l->key_marker) : NULL,
                                l->id_marker.len ? s3e_buf_cstr(&l->id_marker) : NULL);
}

/* Uploads pass the guard (keys in order, one key may repeat) before fn. */
static int guarded_upload(void *ud, const struct s3e_upload *u)
{
    struct s3e_uploads_list *l = ud;
    int rc = s3e_list_guard_key(&l->g, u->key, strlen(u->key));
    if (rc) {
        l->refused = rc == S3E_EPARSE;
        return rc;
    }
    return l->fn(l->ud, u);
}

/* A listing that cannot go on: why, into err. */
static int refuse(struct s3e_s3_error *err, const char *why)
{
    if (err) {
        snprintf(err->operation, sizeof err->operation, "ListMultipartUploads");
        snprintf(err->detail, sizeof err->detail, "%s", why);
        err->retryable = 0;
    }
    return S3E_EPARSE;
}

/* The next page's markers, kept in l once the guard has seen them. */
static int next_markers(struct s3e_uploads_list *l, const struct s3e_buf *nk,
                        const struct s3e_buf *ni, struct s3e_s3_error *err)
{
    if (!nk->len) /* we would ask for the first page again, for ever */
        return refuse(err, "truncated listing without a NextKeyMarker");
    int rc = s3e_list_guard_markers(&l->g, nk, ni);
    if (rc == S3E_EPARSE)
        return refuse(err, "the server sent the same key and upload id markers a second time "
                           "(the listing would loop)");
    s3e_buf_reset(&l->key_marker);
    s3e_buf_reset(&l->id_marker);
    if (!rc)
        rc = s3e_buf_append(&l->key_marker, s3e_buf_cstr(nk), nk->len);
    if (!rc)
        rc = s3e_buf_append(&l->id_marker, s3e_buf_cstr(ni), ni->len);
    return rc;
}

int s3e_uploads_list_page(struct s3e_uploads_list *l, const struct s3e_resp *resp, int *more,
                          struct s3e_s3_error *err)
{
    struct s3e_buf nk, ni;
    char why[256] = "";
    int truncated = 0;
    *more = 0;
    l->pages++;
    s3e_buf_init(&nk, 4096);
    s3e_buf_init(&ni, 4096);
    int rc = s3e_xml_parse_uploads(resp->body.data, resp->body.len, guarded_upload, l,
                                   &truncated, &nk, &ni, why, sizeof why);
    if (rc == S3E_EPARSE && (l->refused || why[0]))
        refuse(err, l->refused ? l->g.why : why);
    if (!rc && truncated)
        rc = next_markers(l, &nk, &ni, err);
    *more = !rc && truncated;
    s3e_buf_free(&nk);
    s3e_buf_free(&ni);
    return rc;
}
