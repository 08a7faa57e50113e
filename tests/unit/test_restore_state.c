/* test_restore_state.c - what x-amz-restore says: none, under way, done. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../engine/restore.h"

static void test_absent_is_none(void **state)
{
    (void)state;
    assert_int_equal(s3e_restore_state_of(NULL), S3E_RESTORE_NONE);
    assert_int_equal(s3e_restore_state_of(""), S3E_RESTORE_NONE);
    assert_int_equal(s3e_restore_state_of("something else"), S3E_RESTORE_NONE);
}

static void test_ongoing_and_done(void **state)
{
    (void)state;
    /* the forms AWS documents for HeadObject */
    assert_int_equal(s3e_restore_state_of("ongoing-request=\"true\""), S3E_RESTORE_ONGOING);
    assert_int_equal(s3e_restore_state_of("ongoing-request=\"false\", expiry-date=\"Fri, 21 "
                                          "Dec 2012 00:00:00 GMT\""), S3E_RESTORE_DONE);
    assert_int_equal(s3e_restore_state_of("ongoing-request=true"), S3E_RESTORE_ONGOING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absent_is_none),
        cmocka_unit_test(test_ongoing_and_done),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
