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

static enum s3e_next_try next(int rc, int retryable, int status, int *tries, int *relooked,
                              int stopping)
{
    struct s3e_copy_spec sp = { .src_bucket = "b", .src_key = "k" };
    struct s3e_s3_error err = { .http_status = status, .retryable = retryable };
    if (status == 412)
        snprintf(err.code, sizeof err.code, "PreconditionFailed");
    return s3e_worker_next_try(&sp, rc, &err, tries, relooked, stopping);
}

static void test_next_try(void **state)
{
    (void)state;
    int tries = 0, relooked = 0;
    assert_int_equal(next(S3E_OK, 0, 200, &tries, &relooked, 0), S3E_TRY_OVER);
    /* a retryable failure: again from the start, S3E_OBJECT_TRIES tries in all */
    assert_int_equal(next(S3E_ES3, 1, 500, &tries, &relooked, 0), S3E_TRY_AGAIN);
    assert_int_equal(tries, 1);
    assert_int_equal(next(S3E_ES3, 1, 500, &tries, &relooked, 0), S3E_TRY_OVER);
    /* one that did not verify too; none while stopping */
    tries = 0;
    assert_int_equal(next(S3E_EVERIFY, 0, 0, &tries, &relooked, 1), S3E_TRY_OVER);
    assert_int_equal(next(S3E_EVERIFY, 0, 0, &tries, &relooked, 0), S3E_TRY_AGAIN);
    /* a final failure ends it */
    tries = 0;
    assert_int_equal(next(S3E_ES3, 0, 403, &tries, &relooked, 0), S3E_TRY_OVER);
    /* a changed source: looked up once, with its tries afresh */
    tries = 1;
    assert_int_equal(next(S3E_ES3, 0, 412, &tries, &relooked, 0), S3E_TRY_LOOK_UP);
    assert_int_equal(tries, 0);
    assert_int_equal(relooked, 1);
    assert_int_equal(next(S3E_ES3, 0, 412, &tries, &relooked, 0), S3E_TRY_OVER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_etag_and_size_is_ours),
        cmocka_unit_test(test_anything_else_keeps_the_source),
        cmocka_unit_test(test_next_try),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
