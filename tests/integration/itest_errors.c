/* itest_errors.c - failures of single requests against a real S3 server: a
 * wrong secret, a missing bucket, a missing key, and an upload aborted twice.
 * What a whole copy does on failure (no target, no upload left) is
 * tests/plans/test_cp.sh's, through `s3engine cp` on the event loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3test.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRONG_SECRET "itestWrongSecretKey0123456789abcdefXYZ"

static struct s3t_conn conn;
static char src[64], dst[64];

static int setup(void **state)
{
    (void)state;
    s3t_connect(&conn);
    s3t_new_bucket(conn.client, src, sizeof src);
    s3t_new_bucket(conn.client, dst, sizeof dst);
    s3t_put(conn.client, src, "small.txt", "hello", 5, "text/plain", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (conn.client) {
        if (src[0])
            s3t_delete_bucket(conn.client, src);
        if (dst[0])
            s3t_delete_bucket(conn.client, dst);
    }
    s3t_disconnect(&conn);
    return 0;
}

static int seen_upload(void *ud, const struct s3e_upload *u);

static int ignore_obj(void *ud, const struct s3e_listed *o)
{
    (void)ud;
    (void)o;
    return 0;
}

static void assert_contains(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("'%s' does not contain '%s'", text, needle);
}

static void assert_not_contains(const char *text, const char *needle)
{
    if (strstr(text, needle))
        fail_msg("'%s' contains '%s'", text, needle);
}

/* The target must not exist: HEAD says 404. */
static void assert_no_object(const char *bucket, const char *key)
{
    struct s3e_head h;
    struct s3e_s3_error err;
    int rc = s3t_head(conn.client, bucket, key, &h, &err);
    if (rc == S3E_OK) {
        s3e_head_free(&h);
        fail_msg("s3://%s/%s exists after a failed copy", bucket, key);
    }
    assert_int_equal(rc, S3E_ES3);
    assert_int_equal(err.http_status, 404);
}

/* ---- wrong secret ----------------------------------------------------------------- */

static void test_wrong_secret(void **state)
{
    (void)state;
    struct s3t_conn bad;
    s3t_connect_with_secret(&bad, WRONG_SECRET);
    struct s3e_s3_error err;
    char line[1024];

    s3e_s3_error_clear(&err);
    int rc = s3e_s3_list(bad.client, src, NULL, NULL, ignore_obj, NULL, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_string_equal(err.code, "SignatureDoesNotMatch");
    assert_int_equal(err.http_status, 403);
    assert_int_equal(err.attempts, 1); /* final: not retried */
    assert_false(err.retryable);
    s3e_s3_error_format(&err, rc, line, sizeof line);
    print_message("wrong secret, list: %s\n", line);
    assert_contains(line, "SignatureDoesNotMatch");
    assert_contains(line, "403");
    assert_not_contains(line, WRONG_SECRET);
    assert_not_contains(line, conn.cfg.creds.secret_key);

    s3e_s3_error_clear(&err);
    rc = s3e_s3_put_object(bad.client, dst, "never", "x", 1, NULL, NULL, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_string_equal(err.code, "SignatureDoesNotMatch");
    s3t_disconnect(&bad);
    assert_no_object(dst, "never");
}

/* ---- missing bucket ---------------------------------------------------------------- */

static void test_missing_bucket(void **state)
{
    (void)state;
    char missing[64];
    s3t_unused_bucket_name(missing, sizeof missing);
    struct s3e_s3_error err;
    char line[1024];

    s3e_s3_error_clear(&err);
    int rc = s3e_s3_list(conn.client, missing, NULL, NULL, ignore_obj, NULL, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_string_equal(err.code, "NoSuchBucket");
    assert_int_equal(err.http_status, 404);
    assert_int_equal(err.attempts, 1);
    s3e_s3_error_format(&err, rc, line, sizeof line);
    print_message("missing bucket, list: %s\n", line);
    assert_contains(line, "NoSuchBucket");
    assert_contains(line, "ListObjectsV2");

    s3e_s3_error_clear(&err);
    int seen = 0;
    rc = s3e_s3_list_multipart_uploads(conn.client, missing, NULL, seen_upload, &seen, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_string_equal(err.code, "NoSuchBucket");
}

/* ---- missing key ---------------------------------------------------------------------- */

static void test_missing_key(void **state)
{
    (void)state;
    struct s3e_s3_error err;
    struct s3e_head h;
    char line[1024];

    int rc = s3t_head(conn.client, src, "no/such key.txt", &h, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.code, "NoSuchKey");
    assert_int_equal(err.attempts, 1);
    s3e_s3_error_format(&err, rc, line, sizeof line);
    print_message("missing key, head: %s\n", line);
    assert_contains(line, "HeadObject");
    assert_contains(line, "NoSuchKey");
    assert_contains(line, "404");

    /* GetObjectTagging of a missing key: a clear 404 as well */
    struct s3e_buf tags;
    s3e_buf_init(&tags, 0);
    s3e_s3_error_clear(&err);
    rc = s3e_s3_get_tagging(conn.client, src, "no/such key.txt", NULL, &tags, &err);
    s3e_buf_free(&tags);
    assert_int_equal(rc, S3E_ES3);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.code, "NoSuchKey");
}

/* ---- aborts ---------------------------------------------------------------------------- */

/* An upload made, then aborted twice: the second abort (NoSuchUpload) counts
 * as done, as a cleanup tried again after a lost answer needs. */
static void test_abort_twice(void **state)
{
    (void)state;
    struct s3e_s3_error err;
    char *upload_id = NULL;
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_create_multipart(conn.client, dst, "mp/short-copy.bin", NULL, &upload_id, &err),
           &err, "CreateMultipartUpload");
    assert_int_equal(s3t_count_uploads(conn.client, dst), 1);
    s3t_ok(s3e_s3_abort_multipart(conn.client, dst, "mp/short-copy.bin", upload_id, &err), &err,
           "AbortMultipartUpload");
    s3t_ok(s3e_s3_abort_multipart(conn.client, dst, "mp/short-copy.bin", upload_id, &err), &err,
           "AbortMultipartUpload again");
    free(upload_id);
    assert_int_equal(s3t_count_uploads(conn.client, dst), 0);
    assert_no_object(dst, "mp/short-copy.bin");
}

static int seen_upload(void *ud, const struct s3e_upload *u)
{
    (void)u;
    *(int *)ud = 1;
    return 0;
}

int main(void)
{
    if (!s3t_main_check_env("itest_errors"))
        return 1; /* never skip: no server is a failure */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrong_secret),
        cmocka_unit_test(test_missing_bucket),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_abort_twice),
    };
    int failed = cmocka_run_group_tests_name("itest_errors", tests, setup, teardown);
    curl_global_cleanup();
    return failed;
}
