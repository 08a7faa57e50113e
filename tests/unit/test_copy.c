/* test_copy.c - what verification of a multipart copy compares: size, each
 * content header, user metadata (in any order) and the tag count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "s3engine/copy.h"
#include "s3engine/s3.h"

static struct s3e_kv meta_ab[] = { { "a", "1" }, { "b", "2" } };
static struct s3e_kv meta_ba[] = { { "b", "2" }, { "a", "1" } };
static struct s3e_kv meta_a2[] = { { "a", "2" }, { "b", "2" } };

static struct s3e_head sample(void)
{
    struct s3e_head h;
    memset(&h, 0, sizeof h);
    h.size = 100;
    h.content_type = "video/mp4";
    h.cache_control = "max-age=60";
    h.meta = meta_ab;
    h.nmeta = 2;
    h.tag_count = 3;
    return h;
}

static void equal_heads_agree(void **state)
{
    (void)state;
    struct s3e_head a = sample(), b = sample();
    assert_null(s3e_head_mismatch(&a, &b));
    b.meta = meta_ba; /* order of headers does not matter */
    assert_null(s3e_head_mismatch(&a, &b));
}

static void each_field_is_compared(void **state)
{
    (void)state;
    struct s3e_head a = sample(), b;
    b = sample(); b.size = 99;
    assert_string_equal(s3e_head_mismatch(&a, &b), "size");
    b = sample(); b.content_type = NULL; /* a HEAD cut off before Content-Type */
    assert_string_equal(s3e_head_mismatch(&a, &b), "Content-Type");
    b = sample(); b.cache_control = "no-cache";
    assert_string_equal(s3e_head_mismatch(&a, &b), "Cache-Control");
    b = sample(); b.content_disposition = "attachment";
    assert_string_equal(s3e_head_mismatch(&a, &b), "Content-Disposition");
    b = sample(); b.content_encoding = "gzip";
    assert_string_equal(s3e_head_mismatch(&a, &b), "Content-Encoding");
    b = sample(); b.content_language = "en";
    assert_string_equal(s3e_head_mismatch(&a, &b), "Content-Language");
    b = sample(); b.expires = "Thu, 01 Jan 2099 00:00:00 GMT";
    assert_string_equal(s3e_head_mismatch(&a, &b), "Expires");
    b = sample(); b.nmeta = 1;
    assert_string_equal(s3e_head_mismatch(&a, &b), "user metadata");
    b = sample(); b.meta = meta_a2;
    assert_string_equal(s3e_head_mismatch(&a, &b), "user metadata");
    b = sample(); b.tag_count = 0;
    assert_string_equal(s3e_head_mismatch(&a, &b), "tag count");
}

static void server_default_content_type(void **state)
{
    (void)state;
    /* a route replaced the metadata without a Content-Type: the server's own */
    struct s3e_head a = sample(), b = sample();
    a.content_type = NULL;
    b.content_type = "";
    assert_null(s3e_head_mismatch(&a, &b)); /* radosgw 16 */
    b.content_type = "binary/octet-stream";
    assert_null(s3e_head_mismatch(&a, &b)); /* AWS */
    b.content_type = "text/plain";
    assert_string_equal(s3e_head_mismatch(&a, &b), "Content-Type");
}

/* What alone lets a CopyObject's answer verify its copy (flight.c and flight_copy.c). */
static void etag_verifies_only_equal_md5s(void **state)
{
    (void)state;
    static const char md5[] = "0123456789abcdef0123456789abcdef";
    struct s3e_copy_hdrs h;
    memset(&h, 0, sizeof h);
    assert_true(s3e_copy_etag_verifies(&h, 10, md5, md5));
    assert_false(s3e_copy_etag_verifies(&h, 10, md5, "fedcba9876543210fedcba9876543210"));
    assert_false(s3e_copy_etag_verifies(&h, 10, NULL, md5));        /* none listed */
    assert_false(s3e_copy_etag_verifies(&h, 10, "", md5));
    assert_false(s3e_copy_etag_verifies(&h, 10, "0123456789abcdef0123456789abcdef-2",
                                        "0123456789abcdef0123456789abcdef-2")); /* multipart */
    h.checksum_algorithm = "CRC32";                                  /* asked: HEADs */
    assert_false(s3e_copy_etag_verifies(&h, 10, md5, md5));
    h.checksum_algorithm = NULL;
    h.sse = "aws:kms";                                               /* its ETag is no MD5 */
    assert_false(s3e_copy_etag_verifies(&h, 10, md5, md5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_heads_agree),
        cmocka_unit_test(each_field_is_compared),
        cmocka_unit_test(server_default_content_type),
        cmocka_unit_test(etag_verifies_only_equal_md5s),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
