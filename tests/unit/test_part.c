/* test_part.c - multipart copy arithmetic at S3's limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3engine/error.h"
#include "s3engine/part.h"

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)
#define TIB (1ULL << 40)

static void plan(uint64_t size, uint64_t preferred, uint64_t want_part, uint32_t want_count)
{
    uint64_t part = 0;
    uint32_t count = 0;
    assert_int_equal(s3e_part_plan(size, preferred, &part, &count), S3E_OK);
    assert_int_equal(part, want_part);
    assert_int_equal(count, want_count);
}

/* Every range of the plan: contiguous, inside the limits, covering [0, size). */
static void check_cover(uint64_t size, uint64_t preferred)
{
    uint64_t part = 0;
    uint32_t count = 0;
    assert_int_equal(s3e_part_plan(size, preferred, &part, &count), S3E_OK);
    assert_true(count >= 1 && count <= S3E_MAX_PARTS);
    assert_true(part >= S3E_MIN_PART_SIZE && part <= S3E_MAX_PART_SIZE);
    uint64_t next = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint64_t first = 0, last = 0;
        s3e_part_range(size, part, i, &first, &last);
        assert_int_equal(first, next);
        assert_true(last >= first);
        uint64_t len = last - first + 1;
        assert_true(len <= part);
        assert_true(len <= S3E_MAX_PART_SIZE);
        if (i + 1 < count)
            assert_int_equal(len, part); /* only the last part may be smaller */
        next = last + 1;
    }
    assert_int_equal(next, size);
}

static void test_23_mib_with_5_mib_parts(void **state)
{
    (void)state;
    uint64_t size = 23 * MIB;
    plan(size, 5 * MIB, 5 * MIB, 5);
    uint64_t first, last;
    s3e_part_range(size, 5 * MIB, 0, &first, &last);
    assert_int_equal(first, 0);
    assert_int_equal(last, 5 * MIB - 1);
    s3e_part_range(size, 5 * MIB, 3, &first, &last);
    assert_int_equal(first, 15 * MIB);
    assert_int_equal(last, 20 * MIB - 1);
    s3e_part_range(size, 5 * MIB, 4, &first, &last);
    assert_int_equal(first, 20 * MIB);
    assert_int_equal(last, 23 * MIB - 1);
    assert_int_equal(last - first + 1, 3 * MIB); /* last part 3 MiB */
    check_cover(size, 5 * MIB);
}

static void test_preferred_is_clamped(void **state)
{
    (void)state;
    plan(100 * MIB, 0, S3E_DEFAULT_PART_SIZE, 2);          /* 0 = default 64 MiB */
    plan(100 * MIB, 1, 5 * MIB, 20);                       /* below minimum */
    plan(100 * MIB, 5 * MIB - 1, 5 * MIB, 20);
    plan(100 * MIB, 5 * MIB, 5 * MIB, 20);                 /* exactly minimum */
    plan(100 * MIB, 5 * MIB + 1, 5 * MIB + 1, 20);         /* not rounded when it fits */
    plan(20 * GIB, 5 * GIB, 5 * GIB, 4);                   /* exactly maximum */
    plan(20 * GIB, 5 * GIB + 1, 5 * GIB, 4);               /* above maximum */
    plan(20 * GIB, 100 * GIB, 5 * GIB, 4);
    plan(20 * GIB, UINT64_MAX, 5 * GIB, 4);
}

static void test_size_1_byte(void **state)
{
    (void)state;
    plan(1, 0, S3E_DEFAULT_PART_SIZE, 1);
    plan(1, 5 * MIB, 5 * MIB, 1);
    uint64_t first = 99, last = 99;
    s3e_part_range(1, S3E_DEFAULT_PART_SIZE, 0, &first, &last);
    assert_int_equal(first, 0);
    assert_int_equal(last, 0);
    check_cover(1, 0);
}

static void test_exact_multiples(void **state)
{
    (void)state;
    plan(5 * MIB, 5 * MIB, 5 * MIB, 1);
    plan(5 * MIB + 1, 5 * MIB, 5 * MIB, 2);
    check_cover(5 * MIB + 1, 5 * MIB);
    plan(128 * MIB, 64 * MIB, 64 * MIB, 2);
    plan(128 * MIB - 1, 64 * MIB, 64 * MIB, 2);
    plan(128 * MIB + 1, 64 * MIB, 64 * MIB, 3);
    uint64_t first, last;
    s3e_part_range(128 * MIB + 1, 64 * MIB, 2, &first, &last);
    assert_int_equal(first, 128 * MIB);
    assert_int_equal(last, 128 * MIB); /* one-byte last part */
}

static void test_at_most_10000_parts(void **state)
{
    (void)state;
    /* exactly 10,000 parts of 5 MiB fit */
    plan(10000 * 5 * MIB, 5 * MIB, 5 * MIB, 10000);
    check_cover(10000 * 5 * MIB, 5 * MIB);
    /* one byte more: the part grows to the next MiB (6 MiB) */
    plan(10000 * 5 * MIB + 1, 5 * MIB, 6 * MIB, 8334);
    check_cover(10000 * 5 * MIB + 1, 5 * MIB);
    /* 1 TiB with the default 64 MiB would be 16,384 parts */
    plan(TIB, 0, 105 * MIB, 9987);
    check_cover(TIB, 0);
    check_cover(TIB - 1, 5 * MIB);
    check_cover(999999999999ULL, 5 * MIB);
}

static void test_5_tib_object(void **state)
{
    (void)state;
    /* 5 TiB / 10,000 = 524.288 MiB -> 525 MiB, 9,987 parts (524 MiB would need 10,006) */
    plan(5 * TIB, 5 * MIB, 525 * MIB, 9987);
    plan(5 * TIB, 0, 525 * MIB, 9987);
    check_cover(5 * TIB, 0);
    uint64_t first, last;
    s3e_part_range(5 * TIB, 525 * MIB, 9986, &first, &last);
    assert_int_equal(first, 9986ULL * 525 * MIB);
    assert_int_equal(last, 5 * TIB - 1);
    /* with the largest parts: 1,024 parts of 5 GiB */
    plan(5 * TIB, 5 * GIB, 5 * GIB, 1024);
    check_cover(5 * TIB, 5 * GIB);
}

static void test_rejected_sizes(void **state)
{
    (void)state;
    uint64_t part = 77;
    uint32_t count = 77;
    assert_int_equal(s3e_part_plan(5 * TIB + 1, 0, &part, &count), S3E_ELIMIT);
    assert_int_equal(s3e_part_plan(6 * TIB, 5 * GIB, &part, &count), S3E_ELIMIT);
    assert_int_equal(s3e_part_plan(UINT64_MAX, 0, &part, &count), S3E_ELIMIT);
    assert_int_equal(s3e_part_plan(0, 0, &part, &count), S3E_ELIMIT);
    assert_int_equal(part, 77); /* untouched on error */
    assert_int_equal(count, 77);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_23_mib_with_5_mib_parts),
        cmocka_unit_test(test_preferred_is_clamped),
        cmocka_unit_test(test_size_1_byte),
        cmocka_unit_test(test_exact_multiples),
        cmocka_unit_test(test_at_most_10000_parts),
        cmocka_unit_test(test_5_tib_object),
        cmocka_unit_test(test_rejected_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
