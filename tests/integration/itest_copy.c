/* itest_copy.c - s3e_copy_object against a real S3 server: keys with awkward
 * characters, metadata and content type kept by CopyObject, a multipart copy
 * (23 MiB, cutoff 8 MiB, 5 MiB parts) whose bytes, content type, metadata
 * and tags match the source, and a zero-byte object. */
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

static struct s3t_conn conn;
static char src[64], dst[64];

static int setup(void **state)
{
    (void)state;
    s3t_connect(&conn);
    s3t_new_bucket(conn.client, src, sizeof src);
    s3t_new_bucket(conn.client, dst, sizeof dst);
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

static struct s3e_copy_spec spec_for(const char *src_key, const char *dst_key)
{
    struct s3e_copy_spec s;
    memset(&s, 0, sizeof s);
    s.src_bucket = src;
    s.src_key = src_key;
    s.dst_bucket = dst;
    s.dst_key = dst_key;
    s.size = S3E_SIZE_UNKNOWN;
    s.verify = 1;
    return s;
}

static void copy_ok(const struct s3e_copy_spec *s, struct s3e_copy_result *res)
{
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_copy_object(conn.client, s, res, &err);
    if (rc != S3E_OK)
        fail_msg("copy s3://%s/%s -> s3://%s/%s: rc=%d (%s): %s", s->src_bucket, s->src_key,
                 s->dst_bucket, s->dst_key, rc, s3e_strerror(rc), s3t_errstr(&err, rc));
}

static void head_ok(const char *bucket, const char *key, struct s3e_head *h)
{
    struct s3e_s3_error err;
    int rc = s3t_head(conn.client, bucket, key, h, &err);
    if (rc != S3E_OK)
        fail_msg("HEAD s3://%s/%s: %s", bucket, key, s3t_errstr(&err, rc));
}

static const char *meta_value(const struct s3e_head *h, const char *name)
{
    for (size_t i = 0; i < h->nmeta; i++)
        if (strcmp(h->meta[i].name, name) == 0)
            return h->meta[i].value;
    return NULL;
}

/* ---- awkward keys ---------------------------------------------------------------- */

struct found {
    const char *want;
    int seen;
};

static int find_listed(void *ud, const struct s3e_listed *o)
{
    struct found *f = ud;
    if (o->key_len == strlen(f->want) && memcmp(o->key, f->want, o->key_len) == 0)
        f->seen++;
    return 0;
}

static void test_awkward_keys(void **state)
{
    (void)state;
    static char long_key[1001];
    memset(long_key, 0, sizeof long_key);
    strcpy(long_key, "long/");
    for (size_t i = strlen(long_key); i < 1000; i++)
        long_key[i] = (char)('a' + i % 26);
    assert_int_equal(strlen(long_key), 1000);
    const char *keys[] = {
        "with space.txt",
        "plus+sign.txt",
        "percent%20literal%.txt",
        "amp&ersand.txt",
        "question?mark=1.txt",
        "hash#tag.txt",
        "equals=sign.txt",
        "tilde~file.txt",
        "\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt", /* é/日本.txt */
        "mix/ a+b%c&d?e#f=g~h \xc3\xa9!$'()*,;:@[].txt",
        "dir//double-slash",
        "trailing-space ",
        /* "." and ".." segments are sent as signed (curl must not remove them) */
        "dots/../../escaped.txt",
        "dots/./here/../x.txt",
        "dots/.",
        "dots/..",
        "..",
        ".",
        "/leading-slash",
        "//two/leading//slashes//",
        "ctl\x01\x1f\x7f tab\t cr\r lf\n.txt",
        long_key,
        NULL,
    };
    char body[64];
    for (size_t i = 0; keys[i]; i++) {
        size_t len = (size_t)snprintf(body, sizeof body, "object number %zu", i);
        char etag[80];
        s3t_put(conn.client, src, keys[i], body, len, "text/plain", etag);

        struct s3e_copy_spec s = spec_for(keys[i], keys[i]);
        struct s3e_copy_result res;
        copy_ok(&s, &res);
        assert_int_equal(res.multipart, 0);
        assert_int_equal(res.bytes, len);
        assert_int_equal(res.verified, 1);
        assert_string_equal(res.etag, etag);

        struct s3e_head h;
        head_ok(dst, keys[i], &h);
        if (h.size != len || strcmp(h.etag, etag) != 0)
            fail_msg("target of '%s': size %llu etag %s, expected %zu %s", keys[i],
                     (unsigned long long)h.size, h.etag, len, etag);
        s3e_head_free(&h);

        /* the listing gives the key back byte for byte */
        struct found f = { keys[i], 0 };
        struct s3e_s3_error err;
        s3e_s3_error_clear(&err);
        s3t_ok(s3e_s3_list(conn.client, dst, NULL, NULL, find_listed, &f, &err), &err, "list");
        if (f.seen != 1)
            fail_msg("key '%s' listed %d times in the target bucket", keys[i], f.seen);

        /* the bytes, by an independent client */
        char want[33], got[33];
        s3t_md5_mem(body, len, want);
        s3t_md5(dst, keys[i], got);
        assert_string_equal(got, want);
    }
    assert_int_equal(s3t_count_objects(conn.client, dst, NULL), sizeof keys / sizeof keys[0] - 1);
}

/* A copy to another key name in the same bucket, listing-given size and ETag. */
static void test_copy_with_listing_info(void **state)
{
    (void)state;
    char etag[80];
    s3t_put(conn.client, src, "listed/a b+c", "0123456789", 10, NULL, etag);
    struct s3e_copy_spec s = spec_for("listed/a b+c", "renamed/\xe2\x82\xac uro");
    s.dst_bucket = src;
    s.size = 10;
    s.src_etag = etag;
    struct s3e_copy_result res;
    copy_ok(&s, &res);
    assert_int_equal(res.verified, 1);
    assert_string_equal(res.etag, etag);
    assert_int_equal(s3t_same(src, "listed/a b+c", src, "renamed/\xe2\x82\xac uro"), 1);
}

/* ---- metadata and content type: CopyObject ------------------------------------------ */

static void test_copy_object_keeps_metadata(void **state)
{
    (void)state;
    const char *meta[] = { "owner=alice", "project=blue sky", "n=42", NULL };
    const char *tags[] = { "team=media", "stage=raw", NULL };
    s3t_put_fixture(src, "meta/clip.mp4", "300KiB", "video/mp4", meta, tags);

    struct s3e_copy_spec s = spec_for("meta/clip.mp4", "meta/clip.mp4");
    struct s3e_copy_result res;
    copy_ok(&s, &res);
    assert_int_equal(res.multipart, 0);
    assert_int_equal(res.parts, 0);
    assert_int_equal(res.bytes, 300 * 1024);
    assert_int_equal(res.verified, 1);

    struct s3e_head h;
    head_ok(dst, "meta/clip.mp4", &h);
    assert_non_null(h.content_type);
    assert_string_equal(h.content_type, "video/mp4");
    assert_non_null(meta_value(&h, "owner"));
    assert_string_equal(meta_value(&h, "owner"), "alice");
    assert_non_null(meta_value(&h, "project"));
    assert_string_equal(meta_value(&h, "project"), "blue sky");
    assert_int_equal(h.tag_count, 2);
    s3e_head_free(&h);

    assert_int_equal(s3t_same(src, "meta/clip.mp4", dst, "meta/clip.mp4"), 1);
}

/* ---- multipart copy ------------------------------------------------------------------ */

static void test_multipart_copy(void **state)
{
    (void)state;
    const char *meta[] = { "owner=bob", "camera=A7 III", NULL };
    const char *tags[] = { "team=video", "note=a b+c=d/e:f@g.h_i-j", NULL };
    s3t_put_fixture(src, "big/movie.mov", "23MiB", "video/quicktime", meta, tags);
    struct s3e_head h;
    head_ok(src, "big/movie.mov", &h); /* the fixture is what we think it is */
    assert_int_equal(h.size, 23ULL << 20);
    assert_int_equal(h.tag_count, 2);
    assert_non_null(meta_value(&h, "camera"));
    s3e_head_free(&h);

    struct s3e_copy_spec s = spec_for("big/movie.mov", "big/movie copy.mov");
    s.multipart_cutoff = 8ULL << 20;
    s.part_size = 5ULL << 20;
    struct s3e_copy_result res;
    copy_ok(&s, &res);
    assert_int_equal(res.multipart, 1);
    assert_int_equal(res.parts, 5); /* 5+5+5+5+3 MiB */
    assert_int_equal(res.bytes, 23ULL << 20);
    assert_int_equal(res.verified, 1);
    assert_true(res.etag[0] != '\0');

    head_ok(dst, "big/movie copy.mov", &h);
    assert_int_equal(h.size, 23ULL << 20);
    assert_string_equal(h.etag, res.etag);
    assert_non_null(strstr(h.etag, "-5")); /* five parts */
    assert_non_null(h.content_type);
    assert_string_equal(h.content_type, "video/quicktime");
    assert_non_null(meta_value(&h, "camera"));
    assert_string_equal(meta_value(&h, "camera"), "A7 III");
    assert_int_equal(h.tag_count, 2);
    s3e_head_free(&h);

    char a[33], b[33];
    s3t_md5(src, "big/movie.mov", a);
    s3t_md5(dst, "big/movie copy.mov", b);
    assert_string_equal(a, b);
    assert_int_equal(s3t_same(src, "big/movie.mov", dst, "big/movie copy.mov"), 1);
    assert_int_equal(s3t_count_uploads(conn.client, dst), 0);
}

/* Multipart copy of a key full of awkward characters, to another such key:
 * the key travels in the path of every request, in x-amz-copy-source and in
 * ListMultipartUploads. No '%' in the SOURCE key: radosgw (Ceph 16/17)
 * URL-decodes x-amz-copy-source of UploadPartCopy twice and dies on an
 * assertion (RGWObjectCtx::set_atomic: !obj.empty()) for a key like
 * "100%c.bin" - with boto3 too. CopyObject of such keys works (see
 * test_awkward_keys), and the destination key may hold '%'. */
static void test_multipart_awkward_key(void **state)
{
    (void)state;
    const char *key = "mp/a+b c&d?e#f=g~h \xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.bin";
    const char *to = "mp copy/x+y %20&?#=~ \xc3\xa9.bin";
    const char *meta[] = { "source=a+b c", NULL };
    const char *tags[] = { "k=v w", NULL };
    s3t_put_fixture(src, key, "11MiB", "application/x-awkward", meta, tags);
    struct s3e_copy_spec s = spec_for(key, to);
    s.multipart_cutoff = 8ULL << 20;
    s.part_size = 5ULL << 20;
    struct s3e_copy_result res;
    copy_ok(&s, &res);
    assert_int_equal(res.multipart, 1);
    assert_int_equal(res.parts, 3);
    assert_int_equal(res.verified, 1);
    assert_int_equal(s3t_same(src, key, dst, to), 1);
    assert_int_equal(s3t_count_uploads(conn.client, dst), 0);
}

/* An object exactly at the cutoff goes through CopyObject, one byte above
 * through multipart (two parts: 5 MiB + the rest). */
static void test_cutoff_boundary(void **state)
{
    (void)state;
    s3t_put_fixture(src, "edge/at-cutoff", "6MiB", "application/octet-stream", NULL, NULL);
    s3t_put_fixture(src, "edge/above-cutoff", "6291457", "application/octet-stream", NULL, NULL);
    struct s3e_copy_spec s = spec_for("edge/at-cutoff", "edge/at-cutoff");
    s.multipart_cutoff = 6ULL << 20;
    s.part_size = 5ULL << 20;
    struct s3e_copy_result res;
    copy_ok(&s, &res);
    assert_int_equal(res.multipart, 0);
    assert_int_equal(s3t_same(src, "edge/at-cutoff", dst, "edge/at-cutoff"), 1);

    s.src_key = s.dst_key = "edge/above-cutoff";
    copy_ok(&s, &res);
    assert_int_equal(res.multipart, 1);
    assert_int_equal(res.parts, 2);
    assert_int_equal(res.bytes, (6ULL << 20) + 1);
    assert_int_equal(s3t_same(src, "edge/above-cutoff", dst, "edge/above-cutoff"), 1);
    assert_int_equal(s3t_count_uploads(conn.client, dst), 0);
}

/* ---- zero bytes ---------------------------------------------------------------------- */

static void test_zero_byte(void **state)
{
    (void)state;
    char etag[80];
    s3t_put(conn.client, src, "empty/zero.bin", "", 0, "application/x-empty", etag);
    assert_string_equal(etag, "d41d8cd98f00b204e9800998ecf8427e");

    struct s3e_copy_spec s = spec_for("empty/zero.bin", "empty/zero.bin");
    struct s3e_copy_result res;
    copy_ok(&s, &res);
    assert_int_equal(res.bytes, 0);
    assert_int_equal(res.multipart, 0);
    assert_int_equal(res.verified, 1);
    assert_string_equal(res.etag, etag);

    /* a tiny cutoff must not send an empty object down the multipart path */
    s.dst_key = "empty/zero-again.bin";
    s.multipart_cutoff = 1;
    copy_ok(&s, &res);
    assert_int_equal(res.multipart, 0);

    struct s3e_head h;
    head_ok(dst, "empty/zero.bin", &h);
    assert_int_equal(h.size, 0);
    assert_string_equal(h.etag, etag);
    assert_non_null(h.content_type);
    assert_string_equal(h.content_type, "application/x-empty");
    s3e_head_free(&h);
    head_ok(dst, "empty/zero-again.bin", &h);
    assert_int_equal(h.size, 0);
    s3e_head_free(&h);
    assert_int_equal(s3t_same(src, "empty/zero.bin", dst, "empty/zero.bin"), 1);
}

int main(void)
{
    if (!s3t_main_check_env("itest_copy"))
        return 1; /* never skip: no server is a failure */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_awkward_keys),
        cmocka_unit_test(test_copy_with_listing_info),
        cmocka_unit_test(test_copy_object_keeps_metadata),
        cmocka_unit_test(test_multipart_copy),
        cmocka_unit_test(test_multipart_awkward_key),
        cmocka_unit_test(test_cutoff_boundary),
        cmocka_unit_test(test_zero_byte),
    };
    int failed = cmocka_run_group_tests_name("itest_copy", tests, setup, teardown);
    curl_global_cleanup();
    return failed;
}
