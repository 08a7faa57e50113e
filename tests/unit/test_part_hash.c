/* test_part_hash.c - the hashes of a body a streamed copy sends, and the
 * multipart ETag S3 makes of its parts' MD5s. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../engine/part_hash.h"
#include "s3engine/error.h"

static void test_one_body(void **state)
{
    (void)state;
    struct s3e_buf b = { .data = "hello", .len = 5 };
    struct s3e_part_copy p;
    memset(&p, 0, sizeof p);
    struct s3e_part_hash h;
    assert_int_equal(s3e_part_hash(&b, NULL, &p, &h), S3E_OK);
    assert_string_equal(h.md5_hex, "5d41402abc4b2a76b9719d911017c592");
    assert_string_equal(h.md5_b64, "XUFAKrxLKna5cZ2REBfFkg==");
    assert_string_equal(h.sha256_hex,
                        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assert_string_equal(p.checksum, ""); /* no algorithm: no checksum */
    assert_int_equal(s3e_part_hash(&b, "CRC32", &p, &h), S3E_OK);
    assert_string_equal(p.checksum_name, "CRC32");
    assert_string_equal(p.checksum, "NhCmhg=="); /* CRC32 of "hello" */
}

static void test_multipart_etag(void **state)
{
    (void)state;
    unsigned char md5[2][16];
    struct s3e_part_copy p;
    struct s3e_part_hash h;
    struct s3e_buf a = { .data = "a", .len = 1 }, b = { .data = "b", .len = 1 };
    assert_int_equal(s3e_part_hash(&a, NULL, &p, &h), S3E_OK);
    memcpy(md5[0], h.md5, 16);
    assert_int_equal(s3e_part_hash(&b, NULL, &p, &h), S3E_OK);
    memcpy(md5[1], h.md5, 16);
    char etag[48];
    assert_int_equal(s3e_part_hash_etag((const unsigned char (*)[16])md5, 2, etag), S3E_OK);
    assert_string_equal(etag, "96e024ba2074fe77e8e965ba43a704be-2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_body),
        cmocka_unit_test(test_multipart_etag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
