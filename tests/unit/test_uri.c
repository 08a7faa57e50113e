/* test_uri.c - URI encoding for paths, query strings and x-amz-copy-source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/uri.h"

/* A key with every awkward byte: space + % & ? # = ~ and UTF-8 (é, 日本). */
#define NASTY "dir/a b+c%d&e?f#g=h~i-._\xC3\xA9\xE6\x97\xA5\xE6\x9C\xAC"
#define NASTY_PATH "dir/a%20b%2Bc%25d%26e%3Ff%23g%3Dh~i-._%C3%A9%E6%97%A5%E6%9C%AC"
#define NASTY_QUERY "dir%2Fa%20b%2Bc%25d%26e%3Ff%23g%3Dh~i-._%C3%A9%E6%97%A5%E6%9C%AC"

static void enc(struct s3e_buf *b, const char *s, int keep_slash)
{
    s3e_buf_reset(b);
    assert_int_equal(s3e_uri_encode(b, s, strlen(s), keep_slash), S3E_OK);
}

static void test_single_characters(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    static const struct { const char *in, *out; } cases[] = {
        { " ", "%20" }, { "+", "%2B" }, { "%", "%25" }, { "&", "%26" }, { "?", "%3F" },
        { "#", "%23" }, { "=", "%3D" }, { "~", "~" },   { "-", "-" },   { ".", "." },
        { "_", "_" },   { "*", "%2A" }, { "$", "%24" }, { ":", "%3A" }, { "@", "%40" },
        { "\xC3\xA9", "%C3%A9" },                        /* é */
        { "\xE6\x97\xA5\xE6\x9C\xAC", "%E6%97%A5%E6%9C%AC" }, /* 日本 */
        { "\x7F", "%7F" }, { "\xFF", "%FF" },
        { "AZaz09", "AZaz09" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enc(&b, cases[i].in, 1);
        assert_string_equal(s3e_buf_cstr(&b), cases[i].out);
        enc(&b, cases[i].in, 0);
        assert_string_equal(s3e_buf_cstr(&b), cases[i].out);
    }
    s3e_buf_free(&b);
}

static void test_path_keeps_slash_query_does_not(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    enc(&b, NASTY, 1);
    assert_string_equal(s3e_buf_cstr(&b), NASTY_PATH);
    enc(&b, NASTY, 0);
    assert_string_equal(s3e_buf_cstr(&b), NASTY_QUERY);
    enc(&b, "/a//b/", 1);
    assert_string_equal(s3e_buf_cstr(&b), "/a//b/");
    enc(&b, "/a//b/", 0);
    assert_string_equal(s3e_buf_cstr(&b), "%2Fa%2F%2Fb%2F");
    enc(&b, "", 1);
    assert_string_equal(s3e_buf_cstr(&b), "");
    assert_int_equal(b.len, 0);
    s3e_buf_free(&b);
}

static void test_encode_appends_and_embedded_nul(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_buf_puts(&b, "/bucket/"), S3E_OK);
    assert_int_equal(s3e_uri_encode(&b, "a b", 3, 1), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "/bucket/a%20b");
    /* length-driven, not NUL-driven */
    s3e_buf_reset(&b);
    assert_int_equal(s3e_uri_encode(&b, "x\0y", 3, 0), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "x%00y");
    assert_int_equal(b.len, 5);
    s3e_buf_free(&b);
}

static void test_copy_source(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_uri_copy_source(&b, "src-bucket", NASTY), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "src-bucket/" NASTY_PATH);
    s3e_buf_reset(&b);
    assert_int_equal(s3e_uri_copy_source(&b, "b", "photos/2024/x y.jpg"), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "b/photos/2024/x%20y.jpg");
    s3e_buf_reset(&b);
    assert_int_equal(s3e_uri_copy_source_version(&b, "b", "a?b", "3/L4+kq=="), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "b/a%3Fb?versionId=3%2FL4%2Bkq%3D%3D");
    s3e_buf_reset(&b);
    assert_int_equal(s3e_uri_copy_source_version(&b, "b", "k", NULL), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "b/k");
    s3e_buf_free(&b);
}

static void test_long_key(void **state)
{
    (void)state;
    /* 1,000-byte key (S3 allows up to 1,024): 250 x "a b/" */
    char key[1001];
    for (int i = 0; i < 1000; i += 4)
        memcpy(key + i, "a b/", 4);
    key[1000] = '\0';
    struct s3e_buf b, d;
    s3e_buf_init(&b, 0);
    s3e_buf_init(&d, 0);
    enc(&b, key, 1);
    assert_int_equal(b.len, 250 * 6); /* "a%20b/" */
    assert_int_equal(strlen(b.data), b.len);
    assert_memory_equal(b.data, "a%20b/a%20b/", 12);
    assert_memory_equal(b.data + b.len - 6, "a%20b/", 6);
    enc(&b, key, 0);
    assert_int_equal(b.len, 250 * 8); /* "a%20b%2F" */
    assert_int_equal(s3e_uri_decode(&d, b.data, b.len, 0), S3E_OK);
    assert_int_equal(d.len, 1000);
    assert_memory_equal(d.data, key, 1000);

    /* every byte value 0..255 in one key, worst case 3x growth */
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    s3e_buf_reset(&b);
    s3e_buf_reset(&d);
    assert_int_equal(s3e_uri_encode(&b, (const char *)all, 256, 0), S3E_OK);
    assert_int_equal(b.len, 256 * 3 - 2 * 66); /* 66 unreserved bytes stay single */
    assert_int_equal(s3e_uri_decode(&d, b.data, b.len, 0), S3E_OK);
    assert_int_equal(d.len, 256);
    assert_memory_equal(d.data, all, 256);
    s3e_buf_free(&b);
    s3e_buf_free(&d);
}

static void test_decode_round_trip(void **state)
{
    (void)state;
    struct s3e_buf b, d;
    s3e_buf_init(&b, 0);
    s3e_buf_init(&d, 0);
    for (int keep = 0; keep <= 1; keep++) {
        enc(&b, NASTY, keep);
        s3e_buf_reset(&d);
        assert_int_equal(s3e_uri_decode(&d, b.data, b.len, 0), S3E_OK);
        assert_string_equal(s3e_buf_cstr(&d), NASTY);
        /* our encoder never emits '+', so plus_is_space does not change the result */
        s3e_buf_reset(&d);
        assert_int_equal(s3e_uri_decode(&d, b.data, b.len, 1), S3E_OK);
        assert_string_equal(s3e_buf_cstr(&d), NASTY);
    }
    s3e_buf_free(&b);
    s3e_buf_free(&d);
}

static void test_decode_plus_and_case(void **state)
{
    (void)state;
    struct s3e_buf d;
    s3e_buf_init(&d, 0);
    const char *s = "a+b%2Bc%2bd%c3%A9";
    assert_int_equal(s3e_uri_decode(&d, s, strlen(s), 1), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&d), "a b+c+d\xC3\xA9");
    s3e_buf_reset(&d);
    assert_int_equal(s3e_uri_decode(&d, s, strlen(s), 0), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&d), "a+b+c+d\xC3\xA9");
    /* escape as the very last three bytes */
    s3e_buf_reset(&d);
    assert_int_equal(s3e_uri_decode(&d, "%41", 3, 0), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&d), "A");
    /* appends */
    assert_int_equal(s3e_uri_decode(&d, "%20z", 4, 0), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&d), "A z");
    s3e_buf_free(&d);
}

static void test_decode_malformed(void **state)
{
    (void)state;
    struct s3e_buf d;
    s3e_buf_init(&d, 0);
    const char *bad[] = { "%", "%4", "abc%", "abc%4", "%G1", "%1G", "%%41", "a%zzb", "%-1", NULL };
    for (int i = 0; bad[i]; i++) {
        s3e_buf_reset(&d);
        assert_int_equal(s3e_uri_decode(&d, bad[i], strlen(bad[i]), 1), S3E_EPARSE);
    }
    /* the length bounds the input: "%41" cut to 2 bytes is malformed */
    s3e_buf_reset(&d);
    assert_int_equal(s3e_uri_decode(&d, "%41", 2, 0), S3E_EPARSE);
    s3e_buf_free(&d);
}

static void test_canonical_query_sorting(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);

    /* sorted by encoded name (byte order: upper case before lower case) */
    const struct s3e_query_param p1[] = {
        { "prefix", "photos/2024/" }, { "list-type", "2" }, { "max-keys", "1000" },
        { "encoding-type", "url" }, { "continuation-token", "1/ab+c=" }, { "Zed", "z" },
    };
    assert_int_equal(s3e_uri_canonical_query(&b, p1, 6), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b),
                        "Zed=z&continuation-token=1%2Fab%2Bc%3D&encoding-type=url&list-type=2&"
                        "max-keys=1000&prefix=photos%2F2024%2F");

    /* bare names sign as "name=", same name sorted by value */
    s3e_buf_reset(&b);
    const struct s3e_query_param p2[] = {
        { "uploads", NULL }, { "b", "2" }, { "b", "10" }, { "a", "" },
    };
    assert_int_equal(s3e_uri_canonical_query(&b, p2, 4), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "a=&b=10&b=2&uploads=");

    /* sorting happens on the encoded form: "%20" (0x25) sorts before "-" (0x2D) */
    s3e_buf_reset(&b);
    const struct s3e_query_param p3[] = { { "a-b", "1" }, { "a b", "2" }, { "a~", "3" } };
    assert_int_equal(s3e_uri_canonical_query(&b, p3, 3), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "a%20b=2&a-b=1&a~=3");

    /* the query value of a nasty key: '/' is encoded here */
    s3e_buf_reset(&b);
    const struct s3e_query_param p4[] = { { "start-after", NASTY } };
    assert_int_equal(s3e_uri_canonical_query(&b, p4, 1), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "start-after=" NASTY_QUERY);

    /* no parameters: nothing appended */
    s3e_buf_reset(&b);
    assert_int_equal(s3e_uri_canonical_query(&b, NULL, 0), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "");
    s3e_buf_free(&b);
}

static void test_buffer_limit(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 8);
    assert_int_not_equal(s3e_uri_encode(&b, "a b c d e", 9, 0), S3E_OK);
    s3e_buf_free(&b);
}

static void test_split_s3_url(void **state)
{
    (void)state;
    size_t n;
    const char *rest;
    const char *b = s3e_uri_split_s3("s3://media/a/b c.mp4", &n, &rest);
    assert_non_null(b);
    assert_int_equal(n, 5);
    assert_memory_equal(b, "media", 5);
    assert_string_equal(rest, "a/b c.mp4");
    b = s3e_uri_split_s3("s3://media", &n, &rest);
    assert_int_equal(n, 5);
    assert_string_equal(rest, "");
    assert_null(s3e_uri_split_s3("s3:///key", &n, &rest));
    assert_null(s3e_uri_split_s3("https://media/key", &n, &rest));
    assert_null(s3e_uri_split_s3("s3://", &n, &rest));
    /* the bucket copied: a buffer it fits in, not one it does not */
    char bucket[6];
    assert_int_equal(s3e_uri_bucket_key("s3://media/k", bucket, sizeof bucket, &rest), 0);
    assert_string_equal(bucket, "media");
    assert_string_equal(rest, "k");
    assert_int_equal(s3e_uri_bucket_key("s3://medias/k", bucket, sizeof bucket, &rest), -1);
    assert_int_equal(s3e_uri_bucket_key("s3:///k", bucket, sizeof bucket, &rest), -1);
}

/* A %00 decodes to a NUL byte inside the result: the length says where the
 * key ends, never the first NUL (the manifest's key a%00b is 3 bytes). */
static void test_decode_keeps_nul_with_length(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_uri_decode(&b, "m/a%00b", 7, 1), S3E_OK);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.data, "m/a\0b", 5);
    s3e_buf_reset(&b);
    assert_int_equal(s3e_uri_encode(&b, "m/a\0b", 5, 1), S3E_OK);
    assert_string_equal(b.data, "m/a%00b");
    s3e_buf_free(&b);
}

/* Dot segments and slashes are not special to the encoder: they are sent
 * (and signed) as they are. */
static void test_dot_segments_are_plain_bytes(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    enc(&b, "in/../../etc/./passwd//", 1);
    assert_string_equal(b.data, "in/../../etc/./passwd//");
    enc(&b, "in/../x", 0);
    assert_string_equal(b.data, "in%2F..%2Fx");
    s3e_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_characters),
        cmocka_unit_test(test_path_keeps_slash_query_does_not),
        cmocka_unit_test(test_encode_appends_and_embedded_nul),
        cmocka_unit_test(test_copy_source),
        cmocka_unit_test(test_long_key),
        cmocka_unit_test(test_decode_round_trip),
        cmocka_unit_test(test_decode_plus_and_case),
        cmocka_unit_test(test_decode_malformed),
        cmocka_unit_test(test_canonical_query_sorting),
        cmocka_unit_test(test_buffer_limit),
        cmocka_unit_test(test_split_s3_url),
        cmocka_unit_test(test_decode_keeps_nul_with_length),
        cmocka_unit_test(test_dot_segments_are_plain_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
