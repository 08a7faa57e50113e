/* test_verify_rules.c - what a source and its copy are compared by: never an
 * ETag as an MD5 when it is not one (SSE-KMS, SSE-C, multipart, other
 * providers), checksums only of one algorithm and full-object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "s3engine/verify_rules.h"

#define MD5A "0cc175b9c0f1b6a831c399e269772661"
#define MD5B "92eb5ffee6ae2fec3ad71c777531578f"

static void test_md5_etags(void **state)
{
    (void)state;
    assert_true(s3e_etag_is_md5(MD5A, NULL, 0));
    assert_true(s3e_etag_is_md5(MD5A, "AES256", 0));          /* SSE-S3 keeps the MD5 */
    assert_false(s3e_etag_is_md5(MD5A, "aws:kms", 0));        /* SSE-KMS does not */
    assert_false(s3e_etag_is_md5(MD5A, "aws:kms:dsse", 0));
    assert_false(s3e_etag_is_md5(MD5A, NULL, 1));             /* SSE-C does not */
    assert_false(s3e_etag_is_md5(MD5A "-3", NULL, 0));        /* multipart */
    assert_false(s3e_etag_is_md5("9bb58f26192e4ba00f01e2e7b136bbd8-12", NULL, 0));
    assert_false(s3e_etag_is_md5("1700000000000000", NULL, 0)); /* another provider's */
    assert_false(s3e_etag_is_md5("0cc175b9c0f1b6a831c399e26977266z", NULL, 0));
    assert_false(s3e_etag_is_md5("", NULL, 0));
    assert_false(s3e_etag_is_md5(NULL, NULL, 0));
}

static void test_multipart_md5_etags(void **state)
{
    (void)state;
    assert_true(s3e_etag_is_multipart_md5(MD5A "-3", NULL, 0));
    assert_true(s3e_etag_is_multipart_md5(MD5A "-10000", "AES256", 0));
    assert_false(s3e_etag_is_multipart_md5(MD5A "-3", "aws:kms", 0));
    assert_false(s3e_etag_is_multipart_md5(MD5A "-3", NULL, 1));
    assert_false(s3e_etag_is_multipart_md5(MD5A, NULL, 0));          /* one PUT */
    assert_false(s3e_etag_is_multipart_md5(MD5A "-", NULL, 0));
    assert_false(s3e_etag_is_multipart_md5(MD5A "-0", NULL, 0));
    assert_false(s3e_etag_is_multipart_md5(MD5A "-3x", NULL, 0));
    assert_false(s3e_etag_is_multipart_md5("0cc175b9c0f1b6a831c399e26977266z-3", NULL, 0));
    assert_false(s3e_etag_is_multipart_md5(NULL, NULL, 0));
}

static void test_plain_copy_by_size_and_etag(void **state)
{
    (void)state;
    struct s3e_side src = { .size = 10, .etag = MD5A };
    struct s3e_side dst = { .size = 10, .etag = MD5A };
    unsigned how = 99;
    assert_null(s3e_verify_compare(&src, &dst, &how));
    assert_int_equal(how, S3E_CMP_SIZE | S3E_CMP_ETAG);
    assert_string_equal(s3e_verified_name(how), "size+etag");
    dst.etag = MD5B;
    assert_string_equal(s3e_verify_compare(&src, &dst, &how), "ETag");
    dst.size = 11;
    assert_string_equal(s3e_verify_compare(&src, &dst, &how), "size");
    assert_int_equal(how, S3E_CMP_SIZE);
}

/* The bug of issue 12: a good copy to an SSE-KMS target failed verification. */
static void test_kms_target_is_checked_by_size(void **state)
{
    (void)state;
    struct s3e_side src = { .size = 10, .etag = MD5A };
    struct s3e_side dst = { .size = 10, .etag = MD5B, .sse = "aws:kms" };
    unsigned how = 0;
    assert_null(s3e_verify_compare(&src, &dst, &how));
    assert_int_equal(how, S3E_CMP_SIZE);
    assert_string_equal(s3e_verified_name(how), "size");
    dst.size = 9;
    assert_string_equal(s3e_verify_compare(&src, &dst, &how), "size");
}

static void test_ssec_and_multipart_sources(void **state)
{
    (void)state;
    struct s3e_side src = { .size = 5, .etag = MD5A, .ssec = 1 };
    struct s3e_side dst = { .size = 5, .etag = MD5B };
    unsigned how = 0;
    assert_null(s3e_verify_compare(&src, &dst, &how));
    assert_int_equal(how, S3E_CMP_SIZE);
    src.ssec = 0;
    src.etag = "9bb58f26192e4ba00f01e2e7b136bbd8-2";
    assert_null(s3e_verify_compare(&src, &dst, &how));
    assert_int_equal(how, S3E_CMP_SIZE);
    assert_false(s3e_etags_comparable(&src, &dst));
}

static void test_checksums(void **state)
{
    (void)state;
    struct s3e_side src = { .size = 5, .etag = MD5A, .sse = "aws:kms",
                            .checksum_name = "crc32", .checksum = "i9aeUg==" };
    struct s3e_side dst = { .size = 5, .etag = MD5B, .sse = "aws:kms",
                            .checksum_name = "CRC32", .checksum = "i9aeUg==" };
    unsigned how = 0;
    assert_null(s3e_verify_compare(&src, &dst, &how));
    assert_int_equal(how, S3E_CMP_SIZE | S3E_CMP_CHECKSUM);
    assert_string_equal(s3e_verified_name(how), "size+checksum");
    dst.checksum = "AAAAAA==";
    assert_string_equal(s3e_verify_compare(&src, &dst, &how), "checksum");
    /* another algorithm, or a composite checksum of parts: not comparable */
    dst.checksum_name = "crc32c";
    assert_null(s3e_verify_compare(&src, &dst, &how));
    assert_int_equal(how, S3E_CMP_SIZE);
    dst.checksum_name = "crc32";
    dst.checksum = "AAAAAA==-3";
    assert_null(s3e_verify_compare(&src, &dst, &how));
    assert_int_equal(how, S3E_CMP_SIZE);
    /* both: every comparable field is named */
    struct s3e_side a = { .size = 5, .etag = MD5A, .checksum_name = "sha256", .checksum = "x=" };
    struct s3e_side b = a;
    assert_null(s3e_verify_compare(&a, &b, &how));
    assert_string_equal(s3e_verified_name(how), "size+etag+checksum");
}

static void test_unknown_size_is_not_compared(void **state)
{
    (void)state;
    struct s3e_side src = { .size = UINT64_MAX, .etag = MD5A };
    struct s3e_side dst = { .size = 7, .etag = MD5A };
    unsigned how = 0;
    assert_null(s3e_verify_compare(&src, &dst, &how));
    assert_int_equal(how, S3E_CMP_ETAG);
    src.etag = NULL;
    assert_null(s3e_verify_compare(&src, &dst, &how));
    assert_int_equal(how, 0);
    assert_string_equal(s3e_verified_name(how), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5_etags),
        cmocka_unit_test(test_multipart_md5_etags),
        cmocka_unit_test(test_plain_copy_by_size_and_etag),
        cmocka_unit_test(test_kms_target_is_checked_by_size),
        cmocka_unit_test(test_ssec_and_multipart_sources),
        cmocka_unit_test(test_checksums),
        cmocka_unit_test(test_unknown_size_is_not_compared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
