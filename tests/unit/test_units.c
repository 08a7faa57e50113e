/* test_units.c - size and duration parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3engine/error.h"
#include "s3engine/units.h"

static uint64_t size_of(const char *s)
{
    uint64_t v = 0;
    assert_int_equal(s3e_parse_size(s, &v), S3E_OK);
    return v;
}

static void test_binary_and_decimal_units(void **state)
{
    (void)state;
    assert_int_equal(size_of("800MB"), 800000000ULL);
    assert_int_equal(size_of("800MiB"), 800ULL << 20);
    assert_int_equal(size_of("800M"), 800ULL << 20);
    assert_int_equal(size_of("15GiB"), 15ULL << 30);
    assert_int_equal(size_of("15gb"), 15000000000ULL);
    assert_int_equal(size_of("5TiB"), 5ULL << 40);
    assert_int_equal(size_of("1.5 GiB"), 3ULL << 29);
    assert_int_equal(size_of("42"), 42);
    assert_int_equal(size_of("42B"), 42);
    assert_int_equal(size_of(" 7 k "), 7168);
}

static void test_bad_sizes(void **state)
{
    (void)state;
    uint64_t v = 99;
    const char *bad[] = { "", "MB", "-5MB", "5XB", "5 MB extra", "1e30TB", "abc", NULL };
    for (int i = 0; bad[i]; i++)
        assert_int_equal(s3e_parse_size(bad[i], &v), S3E_EINVAL);
    assert_int_equal(s3e_parse_size(NULL, &v), S3E_EINVAL);
    assert_int_equal(v, 99); /* untouched on error */
}

/* Found by tests/fuzz/fuzz_units: whole numbers of bytes went through a
 * double (wrong past 2^53) and llround (undefined past 2^63). */
static void test_large_sizes_are_exact(void **state)
{
    (void)state;
    assert_true(size_of("9007199254740993") == 9007199254740993ULL);
    assert_true(size_of("184467420368547477") == 184467420368547477ULL);
    assert_true(size_of("10000000000000000000") == 10000000000000000000ULL);
    assert_true(size_of("18446744073709551615") == UINT64_MAX);
    assert_true(size_of("16777215TiB") == (((1ULL << 24) - 1) << 40));
    assert_true(size_of("18446744073709551615 B") == UINT64_MAX);
    uint64_t v = 7;
    const char *over[] = { "18446744073709551616", "16777216TiB", "18446744073709551616KB",
                           "18446744073709551615.9", "0x10", "0x1p4k", NULL };
    for (int i = 0; over[i]; i++)
        assert_int_equal(s3e_parse_size(over[i], &v), S3E_EINVAL);
    assert_int_equal(v, 7);
}

static void test_large_durations_are_exact(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(s3e_parse_duration("9007199254740993", &v), S3E_OK);
    assert_true(v == 9007199254740993LL);
    assert_int_equal(s3e_parse_duration("9223372036854775807s", &v), S3E_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(s3e_parse_duration("9223372036854775808", &v), S3E_EINVAL);
    assert_int_equal(s3e_parse_duration("15250284452472w", &v), S3E_EINVAL);
}

static void test_durations(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(s3e_parse_duration("30d", &v), S3E_OK);
    assert_int_equal(v, 30 * 86400);
    assert_int_equal(s3e_parse_duration("2w", &v), S3E_OK);
    assert_int_equal(v, 14 * 86400);
    assert_int_equal(s3e_parse_duration("90", &v), S3E_OK);
    assert_int_equal(v, 90);
    assert_int_equal(s3e_parse_duration("1.5h", &v), S3E_OK);
    assert_int_equal(v, 5400);
    assert_int_equal(s3e_parse_duration("3y", &v), S3E_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_and_decimal_units),
        cmocka_unit_test(test_bad_sizes),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_large_sizes_are_exact),
        cmocka_unit_test(test_large_durations_are_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
