/* s3test.c - helpers for the integration tests; see s3test.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3test.h"
#include "s3engine/cred.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"

/* ---- connection ------------------------------------------------------------- */

#define NO_ENDPOINT                                                                         \
    "AWS_ENDPOINT_URL is not set: integration tests need an S3 server. Run them with "       \
    "scripts/run-tests.sh (make test), or start one with scripts/rgw-start.sh and export "   \
    "AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION and "    \
    "S3E_ADDRESSING=path"

static int have_endpoint(void)
{
    const char *ep = getenv("AWS_ENDPOINT_URL");
    return ep && *ep;
}

int s3t_main_check_env(const char *name)
{
    if (have_endpoint())
        return 1;
    fprintf(stderr, "%s: FAILED: %s\n", name, NO_ENDPOINT);
    return 0;
}

void s3t_require_endpoint(void)
{
    if (!have_endpoint())
        fail_msg("%s", NO_ENDPOINT);
}

static void load_config(struct s3e_config *cfg)
{
    s3t_require_endpoint();
    /* Nothing given on the "command line": NULL strings and -1 for the ints
     * (0 would mean "virtual-hosted addressing" and "TLS verification off"). */
    struct s3e_config_overrides ov;
    memset(&ov, 0, sizeof ov);
    ov.path_style = -1;
    ov.verify_tls = -1;
    ov.max_attempts = -1;
    char errbuf[512];
    int rc = s3e_config_load(cfg, &ov, errbuf, sizeof errbuf);
    if (rc != S3E_OK)
        fail_msg("s3e_config_load: %s: %s", s3e_strerror(rc), errbuf);
    if (!cfg->custom_endpoint)
        fail_msg("config did not pick up AWS_ENDPOINT_URL (endpoint %s)", cfg->endpoint);
}

static void open_client(struct s3t_conn *conn)
{
    int rc = s3e_client_new(&conn->client, &conn->cfg);
    if (rc != S3E_OK)
        fail_msg("s3e_client_new: %s", s3e_strerror(rc));
}

void s3t_connect(struct s3t_conn *conn)
{
    memset(conn, 0, sizeof *conn);
    load_config(&conn->cfg);
    open_client(conn);
}

void s3t_connect_with_secret(struct s3t_conn *conn, const char *secret)
{
    memset(conn, 0, sizeof *conn);
    load_config(&conn->cfg);
    char *s = strdup(secret);
    assert_non_null(s);
    memset(conn->cfg.creds.secret_key, 0, strlen(conn->cfg.creds.secret_key));
    free(conn->cfg.creds.secret_key);
    conn->cfg.creds.secret_key = s;
    s3e_cred_provider_free(conn->cfg.cred); /* keys set by hand: sign with cfg.creds */
    conn->cfg.cred = NULL;
    open_client(conn);
}

void s3t_disconnect(struct s3t_conn *conn)
{
    if (conn->client)
        s3e_client_free(conn->client);
    conn->client = NULL;
    s3e_config_free(&conn->cfg);
}

const char *s3t_errstr(const struct s3e_s3_error *e, int rc)
{
    static char line[1024];
    return s3e_s3_error_format(e, rc, line, sizeof line);
}

/* ---- s3check.py ------------------------------------------------------------- */

/* tests/plans/s3check.py: $S3CHECK_PY, else relative to the current directory
 * (the repository root under run-tests.sh), else relative to the binary
 * (build/<out>/tests/itest_x -> ../../../tests/plans/s3check.py). */
static const char *s3check_path(void)
{
    static char path[4096];
    if (path[0])
        return path;
    const char *e = getenv("S3CHECK_PY");
    if (e && *e) {
        snprintf(path, sizeof path, "%s", e);
        return path;
    }
    if (access("tests/plans/s3check.py", R_OK) == 0) {
        snprintf(path, sizeof path, "tests/plans/s3check.py");
        return path;
    }
    char exe[3000];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        snprintf(path, sizeof path, "%s/../../../tests/plans/s3check.py", exe);
        if (access(path, R_OK) == 0)
            return path;
    }
    fail_msg("tests/plans/s3check.py not found (run from the repository root or set S3CHECK_PY)");
    return NULL;
}

/* Append s to cmd in single quotes. */
static void shell_quote(char *cmd, size_t len, const char *s)
{
    size_t n = strlen(cmd);
    if (n + 4 >= len)
        fail_msg("command line too long");
    cmd[n++] = ' ';
    cmd[n++] = '\'';
    for (; *s; s++) {
        if (n + 6 >= len)
            fail_msg("command line too long");
        if (*s == '\'') {
            memcpy(cmd + n, "'\\''", 4);
            n += 4;
        } else {
            cmd[n++] = *s;
        }
    }
    cmd[n++] = '\'';
    cmd[n] = '\0';
}

int s3t_s3check(char *out, size_t outlen, const char *const *args)
{
    s3t_require_endpoint();
    size_t cap = 65536;
    char *cmd = malloc(cap);
    assert_non_null(cmd);
    snprintf(cmd, cap, "%s", PYTHON);
    shell_quote(cmd, cap, s3check_path());
    for (size_t i = 0; args[i]; i++)
        shell_quote(cmd, cap, args[i]);
    fflush(stdout);
    fflush(stderr);
    FILE *p = popen(cmd, "r");
    if (!p) {
        free(cmd);
        return -1;
    }
    size_t used = 0;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, p)) > 0) {
        if (out && outlen) {
            size_t room = outlen - 1 - used;
            size_t take = got < room ? got : room;
            memcpy(out + used, chunk, take);
            used += take;
        } else {
            fwrite(chunk, 1, got, stdout); /* differences, listings: keep them in the log */
        }
    }
    if (out && outlen)
        out[used] = '\0';
    int st = pclose(p);
    free(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* s3check.py put loses --tag above its 16 MiB multipart threshold on radosgw
 * (which ignores x-amz-tagging on CreateMultipartUpload): set the tags again
 * with PutObjectTagging, through boto3 (s3check.py imported as a module) so
 * that the fixture does not depend on the engine under test. */
static void ensure_tags(const char *bucket, const char *key, const char *const *tags)
{
    static const char code[] =
        "import os, sys\n"
        "sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))\n"
        "import s3check\n"
        "b, k = sys.argv[2], sys.argv[3]\n"
        "want = dict(t.split('=', 1) for t in sys.argv[4:])\n"
        "if s3check.get_tags(b, k) != want:\n"
        "    s3check.client().put_object_tagging(Bucket=b, Key=k, Tagging={'TagSet': "
        "[{'Key': x, 'Value': y} for x, y in want.items()]})\n"
        "    print('tags set again on s3://%s/%s' % (b, k))\n"
        "assert s3check.get_tags(b, k) == want\n";
    size_t cap = 65536;
    char *cmd = malloc(cap);
    assert_non_null(cmd);
    snprintf(cmd, cap, "%s -c", PYTHON);
    shell_quote(cmd, cap, code);
    shell_quote(cmd, cap, s3check_path());
    shell_quote(cmd, cap, bucket);
    shell_quote(cmd, cap, key);
    for (size_t i = 0; tags[i]; i++)
        shell_quote(cmd, cap, tags[i]);
    fflush(stdout);
    int st = system(cmd);
    free(cmd);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("setting the tags of fixture s3://%s/%s failed (status %d)", bucket, key, st);
}

void s3t_put_fixture(const char *bucket, const char *key, const char *size,
                     const char *content_type, const char *const *meta,
                     const char *const *tags)
{
    const char *args[128];
    size_t n = 0;
    char url[2048];
    snprintf(url, sizeof url, "s3://%s/%s", bucket, key);
    args[n++] = "put";
    args[n++] = url;
    args[n++] = size;
    if (content_type) {
        args[n++] = "--content-type";
        args[n++] = content_type;
    }
    for (size_t i = 0; meta && meta[i] && n < 120; i++) {
        args[n++] = "--meta";
        args[n++] = meta[i];
    }
    for (size_t i = 0; tags && tags[i] && n < 124; i++) {
        args[n++] = "--tag";
        args[n++] = tags[i];
    }
    args[n] = NULL;
    int st = s3t_s3check(NULL, 0, args);
    if (st != 0)
        fail_msg("s3check.py put %s %s failed (exit status %d)", url, size, st);
    if (tags && tags[0])
        ensure_tags(bucket, key, tags);
}

void s3t_md5(const char *bucket, const char *key, char out[33])
{
    char url[2048], buf[256];
    snprintf(url, sizeof url, "s3://%s/%s", bucket, key);
    const char *args[] = { "md5", url, NULL };
    int st = s3t_s3check(buf, sizeof buf, args);
    if (st != 0)
        fail_msg("s3check.py md5 %s failed (exit status %d)", url, st);
    size_t n = strcspn(buf, " \t\r\n");
    if (n != 32)
        fail_msg("s3check.py md5 %s printed '%s', not an md5 digest", url, buf);
    memcpy(out, buf, 32);
    out[32] = '\0';
}

void s3t_md5_mem(const void *data, size_t len, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    assert_true(EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL));
    assert_int_equal(mdlen, 16);
    for (unsigned i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int s3t_same(const char *bucket_a, const char *key_a, const char *bucket_b, const char *key_b)
{
    char a[2048], b[2048];
    snprintf(a, sizeof a, "s3://%s/%s", bucket_a, key_a);
    snprintf(b, sizeof b, "s3://%s/%s", bucket_b, key_b);
    const char *args[] = { "same", a, b, NULL };
    int st = s3t_s3check(NULL, 0, args);
    if (st != 0 && st != 1)
        fail_msg("s3check.py same %s %s could not run (exit status %d)", a, b, st);
    return st == 0;
}

/* ---- buckets ----------------------------------------------------------------- */

static unsigned bucket_counter;

void s3t_unused_bucket_name(char *out, size_t outlen)
{
    snprintf(out, outlen, "it-%ld-%u", (long)getpid(), ++bucket_counter);
}

struct collected {
    char **keys;
    char **ids;
    size_t n, cap;
};

static int collect_key(void *ud, const struct s3e_listed *o)
{
    struct collected *k = ud;
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 64;
        k->keys = realloc(k->keys, k->cap * sizeof *k->keys);
        assert_non_null(k->keys);
    }
    k->keys[k->n] = strndup(o->key, o->key_len);
    assert_non_null(k->keys[k->n]);
    k->n++;
    return 0;
}

static int collect_upload(void *ud, const struct s3e_upload *u)
{
    struct collected *k = ud;
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 16;
        k->keys = realloc(k->keys, k->cap * sizeof *k->keys);
        k->ids = realloc(k->ids, k->cap * sizeof *k->ids);
        assert_non_null(k->keys);
        assert_non_null(k->ids);
    }
    k->keys[k->n] = strdup(u->key);
    k->ids[k->n] = strdup(u->upload_id);
    k->n++;
    return 0;
}

static void collected_free(struct collected *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->keys[i]);
        if (k->ids)
            free(k->ids[i]);
    }
    free(k->keys);
    free(k->ids);
    memset(k, 0, sizeof *k);
}

/* Delete every object and abort every upload (the bucket must exist). */
static void empty_bucket(struct s3e_client *c, const char *bucket)
{
    struct s3e_s3_error err;
    struct collected k = { 0 };
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_list(c, bucket, NULL, NULL, collect_key, &k, &err), &err, "ListObjectsV2");
    for (size_t i = 0; i < k.n; i++) {
        s3e_s3_error_clear(&err);
        s3t_ok(s3e_s3_delete_object(c, bucket, k.keys[i], &err), &err, "DeleteObject");
    }
    collected_free(&k);
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_list_multipart_uploads(c, bucket, NULL, collect_upload, &k, &err), &err,
           "ListMultipartUploads");
    for (size_t i = 0; i < k.n; i++) {
        s3e_s3_error_clear(&err);
        s3t_ok(s3e_s3_abort_multipart(c, bucket, k.keys[i], k.ids[i], &err), &err,
               "AbortMultipartUpload");
    }
    collected_free(&k);
}

void s3t_new_bucket(struct s3e_client *c, char *out, size_t outlen)
{
    s3t_unused_bucket_name(out, outlen);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_create_bucket(c, out, &err), &err, "CreateBucket");
    empty_bucket(c, out); /* left over from an earlier run with the same pid */
}

void s3t_delete_bucket(struct s3e_client *c, const char *bucket)
{
    struct s3e_s3_error err;
    /* Our own API first (it exercises delete and abort), then s3check rb for
     * the bucket itself: s3.h has no DeleteBucket. */
    struct collected k = { 0 };
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_list(c, bucket, NULL, NULL, collect_key, &k, &err);
    collected_free(&k);
    if (rc == S3E_ES3 && strcmp(err.code, "NoSuchBucket") == 0)
        return;
    empty_bucket(c, bucket);
    const char *args[] = { "rb", bucket, NULL };
    int st = s3t_s3check(NULL, 0, args);
    if (st != 0)
        fail_msg("s3check.py rb %s failed (exit status %d)", bucket, st);
}

/* ---- objects ----------------------------------------------------------------- */

void s3t_put(struct s3e_client *c, const char *bucket, const char *key, const void *data,
             size_t len, const char *content_type, char etag_out[80])
{
    struct s3e_s3_error err;
    char etag[80];
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_put_object(c, bucket, key, data, len, content_type, etag, &err);
    if (rc != S3E_OK)
        fail_msg("PutObject s3://%s/%s failed: %s", bucket, key, s3t_errstr(&err, rc));
    if (etag_out)
        memcpy(etag_out, etag, 80);
}

static int count_upload(void *ud, const struct s3e_upload *u)
{
    (void)u;
    (*(size_t *)ud)++;
    return 0;
}

size_t s3t_count_uploads(struct s3e_client *c, const char *bucket)
{
    struct s3e_s3_error err;
    size_t n = 0;
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_list_multipart_uploads(c, bucket, NULL, count_upload, &n, &err), &err,
           "ListMultipartUploads");
    return n;
}

static int count_object(void *ud, const struct s3e_listed *o)
{
    (void)o;
    (*(size_t *)ud)++;
    return 0;
}

size_t s3t_count_objects(struct s3e_client *c, const char *bucket, const char *prefix)
{
    struct s3e_s3_error err;
    size_t n = 0;
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_list(c, bucket, prefix, NULL, count_object, &n, &err), &err, "ListObjectsV2");
    return n;
}

int s3t_head(struct s3e_client *c, const char *bucket, const char *key, struct s3e_head *h,
             struct s3e_s3_error *err)
{
    s3e_s3_error_clear(err);
    return s3e_s3_head(c, bucket, key, h, err);
}
