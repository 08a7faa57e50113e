/* test_worker.c - move mode's check before a source is deleted: the destination must be this copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../engine/run.h"
#include "../../engine/worker.h"
#include "s3engine/copy.h"

static void test_same_etag_and_size_is_ours(void **state)
{
    (void)state;
    char msg[512] = "";
    assert_true(s3e_worker_is_our_copy("abc", 10, "abc", 10, msg, sizeof msg));
    assert_true(s3e_worker_is_our_copy("abc-3", S3E_SIZE_UNKNOWN, "abc-3", 99, msg, sizeof msg));
    assert_string_equal(msg, "");
}

static void test_anything_else_keeps_the_source(void **state)
{
    (void)state;
    char msg[512];
    /* another object landed on the key since the copy */
    assert_false(s3e_worker_is_our_copy("abc", 10, "def", 10, msg, sizeof msg));
    assert_non_null(strstr(msg, "ETag def"));
    assert_non_null(strstr(msg, "not deleted"));
    assert_false(s3e_worker_is_our_copy("abc", 10, "abc", 11, msg, sizeof msg));
    /* without an ETag from the copy there is nothing to compare: keep the source */
    assert_false(s3e_worker_is_our_copy("", 10, "", 10, msg, sizeof msg));
    assert_false(s3e_worker_is_our_copy(NULL, 10, "abc", 10, msg, sizeof msg));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_etag_and_size_is_ours),
        cmocka_unit_test(test_anything_else_keeps_the_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
