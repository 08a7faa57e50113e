/* test_checksum.c - S3's additional checksums against the algorithms' check
 * values ("123456789") and S3's base64 form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../engine/checksum.h"
#include "s3engine/error.h"

#include <string.h>

static void test_check_values(void **state)
{
    (void)state;
    char out[96], name[32];
    /* CRC32 cbf43926, CRC32C e3069283, CRC64NVME ae8b14860a799888, big-endian, base64 */
    assert_int_equal(s3e_checksum_b64("CRC32", "123456789", 9, out), S3E_OK);
    assert_string_equal(out, "y/Q5Jg==");
    assert_int_equal(s3e_checksum_b64("CRC32C", "123456789", 9, out), S3E_OK);
    assert_string_equal(out, "4waSgw==");
    assert_int_equal(s3e_checksum_b64("CRC64NVME", "123456789", 9, out), S3E_OK);
    assert_string_equal(out, "rosUhgp5mIg=");
    assert_int_equal(s3e_checksum_b64("SHA256", "", 0, out), S3E_OK);
    assert_string_equal(out, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    assert_int_equal(s3e_checksum_b64("SHA1", "abc", 3, out), S3E_OK);
    assert_string_equal(out, "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
    assert_int_equal(s3e_checksum_b64("CRC32", NULL, 0, out), S3E_OK);
    assert_string_equal(out, "AAAAAA==");
    assert_int_equal(s3e_checksum_b64("MD5", "x", 1, out), S3E_EINVAL);
    s3e_checksum_header_name("CRC64NVME", name);
    assert_string_equal(name, "x-amz-checksum-crc64nvme");
    s3e_checksum_header_name("SHA256", name);
    assert_string_equal(name, "x-amz-checksum-sha256");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
