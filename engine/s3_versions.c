/* s3_versions.c - ListObjectVersions, every page, guarded like the other
 * listings: keys never go back and markers never come twice. */
#include "s3_client.h"
#include "s3engine/error.h"
#include "s3engine/listguard.h"
#include "s3engine/s3.h"
#include "s3engine/s3_versions.h"
#include "s3engine/s3xml.h"

#include <stdio.h>
#include <string.h>

#define VERSIONS_MAX_BODY (16u << 20) /* as a ListObjectsV2 page */

struct guarded_versions {
    struct s3e_list_guard g;
    int refused;
    s3e_list_fn fn;
    void *ud;
};

static int guarded_version(void *ud, const struct s3e_listed *o)
{
    struct guarded_versions *x = ud;
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
static int next_markers(struct guarded_versions *x, const struct s3e_buf *nk,
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

/* One page: the request, then its entries through the guard. */
static int one_page(struct s3e_client *c, const char *bucket, const char *prefix,
                    struct s3e_buf *km, struct s3e_buf *vm, struct guarded_versions *x,
                    int *truncated, struct s3e_s3_error *err)
{
    struct s3e_query_param q[6];
    size_t nq = 0;
    q[nq++] = (struct s3e_query_param){ "versions", NULL };
    q[nq++] = (struct s3e_query_param){ "encoding-type", "url" };
    q[nq++] = (struct s3e_query_param){ "max-keys", "1000" };
    if (prefix && *prefix)
        q[nq++] = (struct s3e_query_param){ "prefix", prefix };
    if (km->len)
        q[nq++] = (struct s3e_query_param){ "key-marker", km->data };
    if (km->len && vm->len)
        q[nq++] = (struct s3e_query_param){ "version-id-marker", vm->data };
    struct s3e_req r;
    memset(&r, 0, sizeof r);
    r.op = "ListObjectVersions";
    r.method = "GET";
    r.bucket = bucket;
    r.query = q;
    r.nquery = nq;
    r.max_body = VERSIONS_MAX_BODY;
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    struct s3e_buf nk, nv;
    s3e_buf_init(&nk, 4096);
    s3e_buf_init(&nv, 4096);
    char why[256] = "";
    int rc = s3e_client_send(c, &r, &resp, err);
    if (!rc)
        rc = s3e_xml_parse_versions_page(resp.body.data, resp.body.len, 1, guarded_version, x,
                                         truncated, &nk, &nv, why, sizeof why);
    if (rc == S3E_EPARSE && (x->refused || why[0]))
        refused(err, x->refused ? x->g.why : why);
    if (!rc && *truncated)
        rc = next_markers(x, &nk, &nv, err);
    s3e_buf_reset(km);
    s3e_buf_reset(vm);
    if (!rc && *truncated)
        rc = s3e_buf_append(km, s3e_buf_cstr(&nk), nk.len);
    if (!rc && *truncated)
        rc = s3e_buf_append(vm, s3e_buf_cstr(&nv), nv.len);
    s3e_buf_free(&nk);
    s3e_buf_free(&nv);
    s3e_resp_free(&resp);
    return rc;
}

int s3e_s3_list_versions(struct s3e_client *c, const char *bucket, const char *prefix,
                         s3e_list_fn fn, void *ud, struct s3e_s3_error *err)
{
    struct s3e_buf km, vm;
    s3e_buf_init(&km, 4096);
    s3e_buf_init(&vm, 4096);
    struct guarded_versions x = { .fn = fn, .ud = ud };
    s3e_list_guard_init(&x.g, 1);
    int truncated = 1, rc = S3E_OK;
    while (!rc && truncated)
        rc = one_page(c, bucket, prefix, &km, &vm, &x, &truncated, err);
    s3e_list_guard_free(&x.g);
    s3e_buf_free(&km);
    s3e_buf_free(&vm);
    return rc;
}
