/* test_copy_hdrs.c - which request of a copy carries which header: if-match
 * on the copies, the destination's encryption on CopyObject and
 * CreateMultipartUpload, customer keys wherever AWS asks for them; and the
 * customer key loaded from a file or a variable, never echoed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "../../engine/copy_hdrs.h"
#include "../../engine/ssec.h"
#include "s3engine/error.h"

static const char *header(const struct s3e_req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static void test_which_request_gets_what(void **state)
{
    (void)state;
    struct s3e_ssec src = { .key_b64 = "c3JjLWtleQ==", .md5_b64 = "c3JjLW1kNQ==" },
                    dst = { .key_b64 = "ZHN0LWtleQ==", .md5_b64 = "ZHN0LW1kNQ==" };
    struct s3e_copy_hdrs h = { .if_match = "abc", .sse = "aws:kms", .kms_key_id = "k1",
                               .bucket_key_enabled = -1, .src_ssec = &src, .dst_ssec = &dst,
                               .checksum_algorithm = "CRC32" };
    char quoted[84];
    struct s3e_req r;
    memset(&r, 0, sizeof r);
    assert_int_equal(s3e_copy_hdrs_add(&r, &h, S3E_CR_COPY, quoted), S3E_OK);
    assert_string_equal(header(&r, "x-amz-copy-source-if-match"), "\"abc\"");
    assert_string_equal(header(&r, "x-amz-server-side-encryption"), "aws:kms");
    assert_string_equal(header(&r, "x-amz-server-side-encryption-aws-kms-key-id"), "k1");
    assert_string_equal(header(&r, "x-amz-server-side-encryption-bucket-key-enabled"), "false");
    assert_string_equal(header(&r, "x-amz-checksum-algorithm"), "CRC32");
    assert_string_equal(header(&r, "x-amz-copy-source-server-side-encryption-customer-key"),
                        "c3JjLWtleQ==");
    assert_string_equal(header(&r, "x-amz-server-side-encryption-customer-key-MD5"), "ZHN0LW1kNQ==");

    memset(&r, 0, sizeof r);
    assert_int_equal(s3e_copy_hdrs_add(&r, &h, S3E_CR_CREATE, quoted), S3E_OK);
    assert_null(header(&r, "x-amz-copy-source-if-match"));
    assert_null(header(&r, "x-amz-copy-source-server-side-encryption-customer-key"));
    assert_string_equal(header(&r, "x-amz-server-side-encryption"), "aws:kms");
    assert_string_equal(header(&r, "x-amz-server-side-encryption-customer-key"), "ZHN0LWtleQ==");
    /* a CRC: the multipart copy's checksum covers the whole object */
    assert_string_equal(header(&r, "x-amz-checksum-algorithm"), "CRC32");
    assert_string_equal(header(&r, "x-amz-checksum-type"), "FULL_OBJECT");

    memset(&r, 0, sizeof r);
    assert_int_equal(s3e_copy_hdrs_add(&r, &h, S3E_CR_PART, quoted), S3E_OK);
    assert_string_equal(header(&r, "x-amz-copy-source-if-match"), "\"abc\"");
    assert_null(header(&r, "x-amz-server-side-encryption"));
    assert_null(header(&r, "x-amz-checksum-algorithm"));
    assert_string_equal(header(&r, "x-amz-copy-source-server-side-encryption-customer-algorithm"),
                        "AES256");
    assert_string_equal(header(&r, "x-amz-server-side-encryption-customer-key"), "ZHN0LWtleQ==");

    memset(&r, 0, sizeof r);
    assert_int_equal(s3e_copy_hdrs_add(&r, &h, S3E_CR_COMPLETE, quoted), S3E_OK);
    assert_int_equal(r.nheaders, 4); /* the destination's customer key, the checksum type */
    assert_string_equal(header(&r, "x-amz-checksum-type"), "FULL_OBJECT");
    /* SHA1 and SHA256 have no FULL_OBJECT type: S3's default (COMPOSITE) */
    struct s3e_copy_hdrs sha = { .checksum_algorithm = "SHA256" };
    memset(&r, 0, sizeof r);
    assert_int_equal(s3e_copy_hdrs_add(&r, &sha, S3E_CR_CREATE, quoted), S3E_OK);
    assert_string_equal(header(&r, "x-amz-checksum-algorithm"), "SHA256");
    assert_null(header(&r, "x-amz-checksum-type"));
    memset(&r, 0, sizeof r);
    assert_int_equal(s3e_copy_hdrs_add(&r, &sha, S3E_CR_COMPLETE, quoted), S3E_OK);
    assert_int_equal(r.nheaders, 0);
    assert_true(s3e_checksum_full_object("crc64nvme"));
    assert_false(s3e_checksum_full_object("SHA1"));
    assert_false(s3e_checksum_full_object(NULL));
    memset(&r, 0, sizeof r);
    assert_int_equal(s3e_copy_hdrs_add(&r, NULL, S3E_CR_COPY, quoted), S3E_OK);
    assert_int_equal(r.nheaders, 0);
}

static void test_key_from_file_and_variable(void **state)
{
    (void)state;
    char path[] = "/tmp/s3e-key-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "0123456789abcdef0123456789abcdef", 32), 32);
    close(fd);
    struct s3e_ssec k;
    char err[512];
    assert_int_equal(s3e_ssec_load(&k, path, NULL, err, sizeof err), S3E_OK);
    assert_string_equal(k.key_b64, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    /* MD5 of the 32 bytes, base64 */
    assert_int_equal(strlen(k.md5_b64), 24);
    setenv("S3E_TEST_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n", 1);
    struct s3e_ssec k2;
    assert_int_equal(s3e_ssec_load(&k2, NULL, "S3E_TEST_KEY", err, sizeof err), S3E_OK);
    assert_string_equal(k2.key_b64, k.key_b64);
    assert_string_equal(k2.md5_b64, k.md5_b64);
    /* 31 bytes, or base64 of 31: refused, and the message holds no key */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "0123456789abcdef0123456789abcde", 31), 31);
    close(fd);
    assert_int_equal(s3e_ssec_load(&k, path, NULL, err, sizeof err), S3E_EINVAL);
    assert_null(strstr(err, "0123456789"));
    setenv("S3E_TEST_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZQ==", 1);
    assert_int_equal(s3e_ssec_load(&k, NULL, "S3E_TEST_KEY", err, sizeof err), S3E_EINVAL);
    assert_null(strstr(err, "MDEy"));
    unsetenv("S3E_TEST_KEY");
    assert_int_equal(s3e_ssec_load(&k, NULL, "S3E_TEST_KEY", err, sizeof err), S3E_EINVAL);
    assert_non_null(strstr(err, "S3E_TEST_KEY is not set"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_which_request_gets_what),
        cmocka_unit_test(test_key_from_file_and_variable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
