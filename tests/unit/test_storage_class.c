/* test_storage_class.c - S3's class names: known, misspelt, archived. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "s3engine/storage_class.h"

static void test_known_and_extra(void **state)
{
    (void)state;
    char *extra[] = { "COLD" };
    assert_true(s3e_storage_class_known("STANDARD_IA", NULL, 0));
    assert_false(s3e_storage_class_known("COLD", NULL, 0));
    assert_true(s3e_storage_class_known("COLD", extra, 1));
    assert_string_equal(s3e_storage_class_suggest("STANDRD"), "STANDARD");
}

/* Only classes whose objects must be restored before a copy count. */
static void test_archived(void **state)
{
    (void)state;
    assert_true(s3e_storage_class_archived("GLACIER"));
    assert_true(s3e_storage_class_archived("DEEP_ARCHIVE"));
    assert_false(s3e_storage_class_archived("GLACIER_IR"));
    assert_false(s3e_storage_class_archived("STANDARD"));
    assert_false(s3e_storage_class_archived("glacier"));
    assert_false(s3e_storage_class_archived(""));
    assert_false(s3e_storage_class_archived(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_and_extra),
        cmocka_unit_test(test_archived),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
