/* test_tindex.c - the index of objects already at the targets (skip rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../engine/tindex.h"
#include "s3engine/error.h"

static int current(struct s3e_tindex *t, const char *b, const char *k, uint64_t size,
                   const char *etag, int64_t mtime)
{
    return s3e_tindex_is_current(t, b, k, strlen(k), size, etag, mtime);
}

static void test_same_size_and_etag_is_current(void **state)
{
    (void)state;
    struct s3e_tindex *t;
    assert_int_equal(s3e_tindex_new(&t), S3E_OK);
    assert_int_equal(s3e_tindex_add(t, "dst", "mp4/a.mp4", 9, 100, "abc", 1000), S3E_OK);
    assert_int_equal(current(t, "dst", "mp4/a.mp4", 100, "abc", 2000), 1);
    assert_false(current(t, "dst", "mp4/a.mp4", 101, "abc", 500));   /* size differs */
    /* ETags that differ: the source is newer, so it changed; else HEADs tell
     * (an SSE-KMS or SSE-C target's ETag is not the MD5 of the bytes) */
    assert_false(current(t, "dst", "mp4/a.mp4", 100, "abd", 2000));
    assert_int_equal(current(t, "dst", "mp4/a.mp4", 100, "abd", 500), 2);
    assert_false(current(t, "other", "mp4/a.mp4", 100, "abc", 500)); /* other bucket */
    assert_false(current(t, "dst", "mp4/b.mp4", 100, "abc", 500));   /* absent */
    s3e_tindex_free(t);
}

static void test_multipart_etag_falls_back_to_time(void **state)
{
    (void)state;
    struct s3e_tindex *t;
    assert_int_equal(s3e_tindex_new(&t), S3E_OK);
    /* a multipart copy has an ETag unlike its source's: compare times instead */
    assert_int_equal(s3e_tindex_add(t, "dst", "big", 3, 23 << 20, "d41d8cd9-5", 2000), S3E_OK);
    assert_int_equal(current(t, "dst", "big", 23 << 20, "0123456789abcdef", 1500), 2); /* HEADs tell */
    assert_false(current(t, "dst", "big", 23 << 20, "0123456789abcdef", 2500)); /* source newer */
    assert_false(current(t, "dst", "big", 23 << 20, "0123456789abcdef", 0));    /* time unknown */
    s3e_tindex_free(t);
}

static void test_grows_and_keeps_everything(void **state)
{
    (void)state;
    struct s3e_tindex *t;
    assert_int_equal(s3e_tindex_new(&t), S3E_OK);
    char key[64];
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(key, sizeof key, "p/%08d.jpg", i);
        assert_int_equal(s3e_tindex_add(t, "b", key, (size_t)n, (uint64_t)i, "e", 1), S3E_OK);
    }
    assert_int_equal(s3e_tindex_count(t), 50000);
    for (int i = 0; i < 50000; i += 997) {
        snprintf(key, sizeof key, "p/%08d.jpg", i);
        assert_true(current(t, "b", key, (uint64_t)i, "e", 1));
    }
    /* re-adding a key replaces it instead of counting twice */
    assert_int_equal(s3e_tindex_add(t, "b", "p/00000001.jpg", 14, 5, "f", 1), S3E_OK);
    assert_int_equal(s3e_tindex_count(t), 50000);
    assert_true(current(t, "b", "p/00000001.jpg", 5, "f", 1));
    s3e_tindex_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_size_and_etag_is_current),
        cmocka_unit_test(test_multipart_etag_falls_back_to_time),
        cmocka_unit_test(test_grows_and_keeps_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
