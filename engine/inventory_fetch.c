/* inventory_fetch.c - an S3 Inventory named as s3://bucket/.../manifest.json:
 * the manifest, its manifest.checksum (if any) and every file it lists are
 * downloaded into a temporary folder laid out as the bucket is, then read
 * and checked as a local inventory. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "inventory_fetch.h"
#include "cred_int.h"   /* cred_json_span, cred_json_element, cred_json_get */
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/inventory.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE (4ULL << 30)   /* one inventory file, held in memory while written */

/* GET s3://bucket/key into dir/key (folders made as needed). An optional
 * key that is not there is no error and writes nothing. */
static int fetch_one(struct s3e_client *c, const char *bucket, const char *key, int optional,
                     const char *dir, struct s3e_buf *body, char *errbuf, size_t errlen)
{
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_get_object(c, bucket, key, 0, 0, MAX_FILE, body, &err);
    if (rc == S3E_ES3 && optional &&
        (err.http_status == 404 || strcmp(err.code, "NoSuchKey") == 0))
        return S3E_OK;
    if (rc) {
        s3e_s3_errbuf(errbuf, errlen, rc, &err, "cannot read s3://%s/%.300s", bucket, key);
        return S3E_EPLAN;
    }
    if (strstr(key, "..") || key[0] == '/') {
        snprintf(errbuf, errlen, "s3://%s/%.300s: a key with '..' or a leading '/' is not "
                 "written to disk", bucket, key);
        return S3E_EPLAN;
    }
    size_t n = strlen(dir) + strlen(key) + 2;
    char *p = malloc(n);
    if (!p)
        return S3E_ENOMEM;
    snprintf(p, n, "%s/%s", dir, key);
    for (char *s = strchr(p + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(p, 0700);
        *s = '/';
    }
    FILE *f = fopen(p, "wb");
    int ok = f && fwrite(body->data, 1, body->len, f) == body->len;
    ok = (f && fclose(f) == 0) && ok;
    if (!ok)
        snprintf(errbuf, errlen, "cannot write %s: %s", p, strerror(errno));
    free(p);
    return ok ? S3E_OK : S3E_EPLAN;
}

int s3e_inventory_fetch(struct s3e_client *c, const char *url, char **local, char **tmpdir,
                        char *errbuf, size_t errlen)
{
    *local = *tmpdir = NULL;
    const char *bucket = url + 5, *slash = strchr(bucket, '/');
    if (strncmp(url, "s3://", 5) != 0 || !slash || slash == bucket || !slash[1]) {
        snprintf(errbuf, errlen, "%s: expected s3://bucket/key/manifest.json", url);
        return S3E_EPLAN;
    }
    char *b = strndup(bucket, (size_t)(slash - bucket)), *dir = strdup("/tmp/s3e-inventory-XXXXXX");
    const char *key = slash + 1;
    if (!b || !dir || !mkdtemp(dir)) {
        snprintf(errbuf, errlen, "cannot make a temporary folder: %s", strerror(errno));
        free(b);
        free(dir);
        return S3E_EPLAN;
    }
    *tmpdir = dir;
    struct s3e_buf body, v;
    s3e_buf_init(&body, 0);
    s3e_buf_init(&v, 0);
    char *sum = s3e_inventory_checksum_name(key);
    int rc = sum ? fetch_one(c, b, sum, 1, dir, &body, errbuf, errlen) : S3E_ENOMEM;
    free(sum);
    if (!rc)
        rc = fetch_one(c, b, key, 0, dir, &body, errbuf, errlen);
    const char *arr, *el;
    size_t alen, elen, pos = 0;
    char *json = NULL;
    size_t jlen = body.len;
    if (!rc && !(json = malloc(jlen + 1)))
        rc = S3E_ENOMEM;
    if (!rc) {
        memcpy(json, body.data, jlen);
        if (cred_json_span(json, jlen, "files", &arr, &alen) != 1)
            alen = 0; /* inventory.c names what is wrong */
    }
    while (!rc && alen && cred_json_element(arr, alen, &pos, &el, &elen) == 1) {
        if (cred_json_get(el, elen, "key", &v) != 1)
            break; /* inventory.c names it */
        char *fk = strdup(s3e_buf_cstr(&v));
        rc = fk ? fetch_one(c, b, fk, 0, dir, &body, errbuf, errlen) : S3E_ENOMEM;
        free(fk);
    }
    if (!rc) {
        size_t n = strlen(dir) + strlen(key) + 2;
        if (!(*local = malloc(n)))
            rc = S3E_ENOMEM;
        else
            snprintf(*local, n, "%s/%s", dir, key);
    }
    free(json);
    free(b);
    s3e_buf_free(&body);
    s3e_buf_free(&v);
    return rc;
}

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    remove(p);
    return 0;
}

void s3e_inventory_fetch_clean(char *local, char *tmpdir)
{
    if (tmpdir)
        nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(local);
    free(tmpdir);
}
