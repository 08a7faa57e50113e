/* s3_versions.c - ListObjectVersions, every page, guarded like the other
 * listings: keys never go back and markers never come twice. */
#include "s3_client.h"
#include "s3_versions_int.h"
#include "list_xml.h"
#include "s3engine/error.h"
#include "s3engine/listguard.h"
#include "s3engine/s3.h"
#include "s3engine/s3_versions.h"
#include "s3engine/s3xml.h"

#include <stdio.h>
#include <string.h>

#define VERSIONS_MAX_BODY (16u << 20) /* as a ListObjectsV2 page */

static int guarded_version(void *ud, const struct s3e_listed *o)
{
    struct s3e_versions_pager *x = ud;
    int rc = s3e_list_guard_key(&x->g, o->key, o->key_len);
    if (rc) {
        x->refused = rc == S3E_EPARSE;
        return rc;
    }
    return x->fn(x->ud, o);
}

static void refused(struct s3e_s3_error *err, const char *why)
{
    if (!err)
        return;
    snprintf(err->operation, sizeof err->operation, "ListObjectVersions");
    snprintf(err->detail, sizeof err->detail, "%s", why);
    err->retryable = 0;
}

/* The next page's markers as one token ("key\0version") for the guard. */
static int next_markers(struct s3e_versions_pager *x, const struct s3e_buf *nk,
                        const struct s3e_buf *nv, struct s3e_s3_error *err)
{
    if (!nk->len) { /* we would ask for the first page again, for ever */
        refused(err, "truncated listing without a NextKeyMarker");
        return S3E_EPARSE;
    }
    int rc = s3e_list_guard_markers(&x->g, nk, nv);
    if (rc == S3E_EPARSE)
        refused(err, "the server sent the same key and version id markers a second time "
                     "(the listing would loop)");
    return rc;
}

void s3e_versions_pager_init(struct s3e_versions_pager *x, s3e_list_fn fn, void *ud)
{
    memset(x, 0, sizeof *x);
    x->fn = fn;
    x->ud = ud;
    x->truncated = 1;
    s3e_list_guard_init(&x->g, 1);
    s3e_buf_init(&x->km, 4096);
    s3e_buf_init(&x->vm, 4096);
}

void s3e_versions_pager_free(struct s3e_versions_pager *x)
{
    s3e_list_guard_free(&x->g);
    s3e_buf_free(&x->km);
    s3e_buf_free(&x->vm);
}

void s3e_versions_page_request(struct s3e_req *r, struct s3e_query_param q[6],
                               const struct s3e_versions_pager *x, const char *bucket,
                               const char *prefix)
{
    size_t nq = 0;
    q[nq++] = (struct s3e_query_param){ "versions", NULL };
    q[nq++] = (struct s3e_query_param){ "encoding-type", "url" };
    q[nq++] = (struct s3e_query_param){ "max-keys", "1000" };
    if (prefix && *prefix)
        q[nq++] = (struct s3e_query_param){ "prefix", prefix };
    if (x->km.len)
        q[nq++] = (struct s3e_query_param){ "key-marker", x->km.data };
    if (x->km.len && x->vm.len)
        q[nq++] = (struct s3e_query_param){ "version-id-marker", x->vm.data };
    memset(r, 0, sizeof *r);
    r->op = "ListObjectVersions";
    r->method = "GET";
    r->bucket = bucket;
    r->query = q;
    r->nquery = nq;
    r->max_body = VERSIONS_MAX_BODY;
}

int s3e_versions_page_read(struct s3e_versions_pager *x, const struct s3e_resp *resp,
                           struct s3e_s3_error *err)
{
    struct s3e_buf nk, nv;
    s3e_buf_init(&nk, 4096);
    s3e_buf_init(&nv, 4096);
    char why[256] = "";
    int rc = s3e_xml_parse_versions_page(resp->body.data, resp->body.len, 1, guarded_version, x,
                                         &x->truncated, &nk, &nv, why, sizeof why);
    if (rc == S3E_EPARSE && (x->refused || why[0]))
        refused(err, x->refused ? x->g.why : why);
    if (!rc && x->truncated)
        rc = next_markers(x, &nk, &nv, err);
    s3e_buf_reset(&x->km);
    s3e_buf_reset(&x->vm);
    if (!rc && x->truncated)
        rc = s3e_buf_append(&x->km, s3e_buf_cstr(&nk), nk.len);
    if (!rc && x->truncated)
        rc = s3e_buf_append(&x->vm, s3e_buf_cstr(&nv), nv.len);
    s3e_buf_free(&nk);
    s3e_buf_free(&nv);
    return rc;
}

int s3e_s3_list_versions(struct s3e_client *c, const char *bucket, const char *prefix,
                         s3e_list_fn fn, void *ud, struct s3e_s3_error *err)
{
    struct s3e_versions_pager x;
    s3e_versions_pager_init(&x, fn, ud);
    int rc = S3E_OK;
    while (!rc && x.truncated) {
        struct s3e_query_param q[6];
        struct s3e_req r;
        struct s3e_resp resp;
        s3e_resp_init(&resp);
        s3e_versions_page_request(&r, q, &x, bucket, prefix);
        rc = s3e_client_send(c, &r, &resp, err);
        if (!rc)
            rc = s3e_versions_page_read(&x, &resp, err);
        s3e_resp_free(&resp);
    }
    s3e_versions_pager_free(&x);
    return rc;
}
