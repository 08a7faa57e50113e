/* itest_errors.c - failures against a real S3 server: a wrong secret, a
 * missing bucket, a missing key, and multipart copies that fail part-way,
 * which must leave neither an open multipart upload nor a target object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3test.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

    /* a copy (HEAD first: no body, the code comes from the status) and a put */
    struct s3e_copy_spec s;
    memset(&s, 0, sizeof s);
    s.src_bucket = src;
    s.src_key = "small.txt";
    s.dst_bucket = dst;
    s.dst_key = "small.txt";
    s.size = 5; /* as from a listing: straight to CopyObject */
    s.verify = 1;
    struct s3e_copy_result res;
    s3e_s3_error_clear(&err);
    rc = s3e_copy_object(bad.client, &s, &res, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_string_equal(err.code, "SignatureDoesNotMatch");
    s3e_s3_error_format(&err, rc, line, sizeof line);
    print_message("wrong secret, copy: %s\n", line);
    assert_contains(line, "SignatureDoesNotMatch");
    assert_contains(line, "CopyObject");
    assert_not_contains(line, WRONG_SECRET);
    assert_not_contains(line, conn.cfg.creds.secret_key);

    s3e_s3_error_clear(&err);
    rc = s3e_s3_put_object(bad.client, dst, "never", "x", 1, NULL, NULL, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_string_equal(err.code, "SignatureDoesNotMatch");
    s3t_disconnect(&bad);
    assert_no_object(dst, "small.txt");
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

    /* CopyObject into a bucket that does not exist */
    struct s3e_copy_spec s;
    memset(&s, 0, sizeof s);
    s.src_bucket = src;
    s.src_key = "small.txt";
    s.dst_bucket = missing;
    s.dst_key = "small.txt";
    s.size = S3E_SIZE_UNKNOWN;
    s.verify = 1;
    struct s3e_copy_result res;
    s3e_s3_error_clear(&err);
    rc = s3e_copy_object(conn.client, &s, &res, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_string_equal(err.code, "NoSuchBucket");
    s3e_s3_error_format(&err, rc, line, sizeof line);
    print_message("missing bucket, copy: %s\n", line);
    assert_contains(line, "NoSuchBucket");

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

    /* copy, size unknown: the HEAD fails */
    struct s3e_copy_spec s;
    memset(&s, 0, sizeof s);
    s.src_bucket = src;
    s.src_key = "no/such key.txt";
    s.dst_bucket = dst;
    s.dst_key = "missing-1";
    s.size = S3E_SIZE_UNKNOWN;
    s.verify = 1;
    struct s3e_copy_result res;
    s3e_s3_error_clear(&err);
    rc = s3e_copy_object(conn.client, &s, &res, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.code, "NoSuchKey");

    /* copy, size from a (stale) listing: CopyObject itself fails */
    s.size = 5;
    s.dst_key = "missing-2";
    s3e_s3_error_clear(&err);
    rc = s3e_copy_object(conn.client, &s, &res, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.code, "NoSuchKey");
    s3e_s3_error_format(&err, rc, line, sizeof line);
    print_message("missing key, copy: %s\n", line);
    assert_contains(line, "CopyObject");
    assert_contains(line, "NoSuchKey");

    /* copy, stale listing size above the cutoff: the multipart path's HEAD fails */
    s.size = 64ULL << 20;
    s.multipart_cutoff = 8ULL << 20;
    s.part_size = 5ULL << 20;
    s.dst_key = "missing-3";
    s3e_s3_error_clear(&err);
    rc = s3e_copy_object(conn.client, &s, &res, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.code, "NoSuchKey");

    assert_no_object(dst, "missing-1");
    assert_no_object(dst, "missing-2");
    assert_no_object(dst, "missing-3");
    assert_int_equal(s3t_count_uploads(conn.client, dst), 0);

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

/* ---- multipart failures ------------------------------------------------------------ */

/* Multipart copy into a bucket that does not exist: CreateMultipartUpload fails. */
static void test_multipart_missing_destination(void **state)
{
    (void)state;
    s3t_put_fixture(src, "mp/dest-missing.bin", "11MiB", "application/octet-stream", NULL, NULL);
    char missing[64];
    s3t_unused_bucket_name(missing, sizeof missing);
    struct s3e_copy_spec s;
    memset(&s, 0, sizeof s);
    s.src_bucket = src;
    s.src_key = "mp/dest-missing.bin";
    s.dst_bucket = missing;
    s.dst_key = "mp/dest-missing.bin";
    s.size = S3E_SIZE_UNKNOWN;
    s.multipart_cutoff = 8ULL << 20;
    s.part_size = 5ULL << 20;
    s.verify = 1;
    struct s3e_copy_result res;
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_copy_object(conn.client, &s, &res, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_string_equal(err.code, "NoSuchBucket");
    assert_string_equal(err.operation, "CreateMultipartUpload");
    assert_int_equal(res.multipart, 1);
    assert_int_equal(s3t_count_uploads(conn.client, src), 0);
    /* the bucket still does not exist: nothing was created anywhere */
    s3e_s3_error_clear(&err);
    rc = s3e_s3_list(conn.client, missing, NULL, NULL, ignore_obj, NULL, &err);
    assert_int_equal(rc, S3E_ES3);
    assert_string_equal(err.code, "NoSuchBucket");
}

/* Parts that fail (a range past the end of the source), then abort: no upload
 * is left. This is what s3e_copy_object does on failure, step by step. */
static void test_parts_fail_then_abort(void **state)
{
    (void)state;
    s3t_put_fixture(src, "mp/short.bin", "6MiB", "application/octet-stream", NULL, NULL);
    struct s3e_s3_error err;
    char *upload_id = NULL;
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_create_multipart(conn.client, dst, "mp/short-copy.bin", NULL, &upload_id, &err),
           &err, "CreateMultipartUpload");
    assert_int_equal(s3t_count_uploads(conn.client, dst), 1);
    struct s3e_part_copy parts[3];
    memset(parts, 0, sizeof parts);
    for (int i = 0; i < 3; i++) { /* 5 MiB parts of a 15 MiB "object" that has 6 MiB */
        parts[i].part_number = i + 1;
        parts[i].first = (uint64_t)i * (5ULL << 20);
        parts[i].last = (uint64_t)(i + 1) * (5ULL << 20) - 1;
    }
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_upload_part_copy_many(conn.client, dst, "mp/short-copy.bin", upload_id, src,
                                          "mp/short.bin", parts, 3, 1, NULL, &err);
    print_message("parts past the end: %s\n", s3t_errstr(&err, rc));
    assert_int_not_equal(rc, S3E_OK);
    assert_int_equal(parts[0].rc, S3E_OK); /* the first part is inside the object */
    assert_true(parts[0].etag[0] != '\0');
    assert_int_not_equal(parts[1].rc, S3E_OK);
    assert_string_equal(err.operation, "UploadPartCopy");
    assert_int_equal(err.http_status, 416);
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_abort_multipart(conn.client, dst, "mp/short-copy.bin", upload_id, &err), &err,
           "AbortMultipartUpload");
    /* aborting twice is fine (NoSuchUpload counts as success) */
    s3t_ok(s3e_s3_abort_multipart(conn.client, dst, "mp/short-copy.bin", upload_id, &err), &err,
           "AbortMultipartUpload again");
    free(upload_id);
    assert_int_equal(s3t_count_uploads(conn.client, dst), 0);
    assert_no_object(dst, "mp/short-copy.bin");
}

/* The source disappears while s3e_copy_object copies its parts: another
 * client deletes it as soon as the multipart upload shows up. The copy must
 * fail with the part's error, abort the upload and leave no target. */
struct deleter {
    const char *dst_bucket;
    const char *src_bucket;
    const char *src_key;
    volatile int stop;
    int deleted;
    int failed;
};

static int seen_upload(void *ud, const struct s3e_upload *u)
{
    (void)u;
    *(int *)ud = 1;
    return 0;
}

static void *deleter_main(void *arg)
{
    struct deleter *d = arg;
    struct s3t_conn c2;
    memset(&c2, 0, sizeof c2);
    if (s3e_client_new(&c2.client, &conn.cfg) != S3E_OK) {
        d->failed = 1;
        return NULL;
    }
    struct timespec pause = { 0, 2 * 1000 * 1000 };
    while (!d->stop) {
        int seen = 0;
        struct s3e_s3_error err;
        s3e_s3_error_clear(&err);
        if (s3e_s3_list_multipart_uploads(c2.client, d->dst_bucket, NULL, seen_upload, &seen,
                                          &err) != S3E_OK) {
            d->failed = 1;
            break;
        }
        if (seen) {
            s3e_s3_error_clear(&err);
            if (s3e_s3_delete_object(c2.client, d->src_bucket, d->src_key, &err) != S3E_OK)
                d->failed = 1;
            else
                d->deleted = 1;
            break;
        }
        nanosleep(&pause, NULL);
    }
    s3e_client_free(c2.client);
    return NULL;
}

static void test_source_deleted_during_parts(void **state)
{
    (void)state;
    const char *key = "mp/vanishing.bin";
    int lost_races = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
        s3t_put_fixture(src, key, "80MiB", "application/octet-stream", NULL, NULL);
        struct deleter d = { dst, src, key, 0, 0, 0 };
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, deleter_main, &d), 0);

        struct s3e_copy_spec s;
        memset(&s, 0, sizeof s);
        s.src_bucket = src;
        s.src_key = key;
        s.dst_bucket = dst;
        s.dst_key = "mp/vanished-copy.bin";
        s.size = S3E_SIZE_UNKNOWN;
        s.multipart_cutoff = 8ULL << 20;
        s.part_size = 5ULL << 20;
        s.part_concurrency = 1; /* 16 parts, one at a time: the deleter wins the race */
        s.verify = 1;
        struct s3e_copy_result res;
        struct s3e_s3_error err;
        s3e_s3_error_clear(&err);
        int rc = s3e_copy_object(conn.client, &s, &res, &err);
        d.stop = 1;
        pthread_join(th, NULL);
        assert_int_equal(d.failed, 0);

        if (rc == S3E_OK) { /* every part was copied before the delete: try again */
            lost_races++;
            print_message("attempt %d: the copy finished before the source was deleted\n",
                          attempt + 1);
            s3e_s3_error_clear(&err);
            s3t_ok(s3e_s3_delete_object(conn.client, dst, s.dst_key, &err), &err, "DeleteObject");
            continue;
        }
        print_message("source deleted during the parts: %s\n", s3t_errstr(&err, rc));
        assert_int_equal(d.deleted, 1);
        assert_int_equal(rc, S3E_ES3);
        assert_int_equal(res.multipart, 1);
        assert_int_equal(err.http_status, 404);
        assert_string_equal(err.code, "NoSuchKey");
        assert_string_equal(err.operation, "UploadPartCopy");
        assert_int_equal(s3t_count_uploads(conn.client, dst), 0);
        assert_no_object(dst, s.dst_key);
        return;
    }
    fail_msg("could not delete the source while its parts were copied (%d tries)", lost_races);
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
        cmocka_unit_test(test_multipart_missing_destination),
        cmocka_unit_test(test_parts_fail_then_abort),
        cmocka_unit_test(test_source_deleted_during_parts),
    };
    int failed = cmocka_run_group_tests_name("itest_errors", tests, setup, teardown);
    curl_global_cleanup();
    return failed;
}
