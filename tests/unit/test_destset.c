/* test_destset.c - the set of destinations that finds two sources routed to one key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../engine/destset.h"
#include "s3engine/error.h"

static struct s3e_destfp fp(const struct s3e_destset *s, const char *b, const char *k)
{
    return s3e_destset_fp(s, b, k, strlen(k));
}

static uint64_t src(const struct s3e_destset *s, const char *b, const char *k)
{
    return s3e_destset_src(s, b, k, strlen(k));
}

/* Add (b, k) routed from source sk; returns the source recorded before (0 = new). */
static uint64_t add(struct s3e_destset *s, const char *b, const char *k, const char *sk)
{
    uint64_t prev = 99;
    assert_int_equal(s3e_destset_add(s, fp(s, b, k), src(s, "src", sk), &prev), S3E_OK);
    return prev;
}

static void test_second_source_on_a_key_is_seen(void **state)
{
    (void)state;
    struct s3e_destset *s;
    assert_int_equal(s3e_destset_new(&s), S3E_OK);
    assert_int_equal(add(s, "dst", "flat/x.txt", "in/a/x.txt"), 0);
    assert_int_equal(add(s, "dst", "flat/y.txt", "in/a/y.txt"), 0);
    /* the second source on flat/x.txt learns who had it first; the first stays */
    assert_int_equal(add(s, "dst", "flat/x.txt", "in/b/x.txt"), src(s, "src", "in/a/x.txt"));
    assert_int_equal(add(s, "dst", "flat/x.txt", "in/c/x.txt"), src(s, "src", "in/a/x.txt"));
    /* the same source twice (a fan-out onto one key) */
    assert_int_equal(add(s, "dst", "flat/y.txt", "in/a/y.txt"), src(s, "src", "in/a/y.txt"));
    assert_int_equal(s3e_destset_count(s), 2);
    s3e_destset_free(s);
}

static void test_bucket_and_key_are_kept_apart(void **state)
{
    (void)state;
    struct s3e_destset *s;
    assert_int_equal(s3e_destset_new(&s), S3E_OK);
    assert_int_equal(add(s, "abc", "d/e", "1"), 0);
    assert_int_equal(add(s, "abcd", "/e", "2"), 0);   /* same bytes, other split */
    assert_int_equal(add(s, "abc", "d/e ", "3"), 0);  /* one byte longer */
    assert_int_equal(add(s, "abc", "D/e", "4"), 0);   /* keys are case-sensitive */
    uint64_t prev;
    /* a NUL inside a key is part of it: the length counts */
    struct s3e_destfp a = s3e_destset_fp(s, "abc", "k\0x", 3), b = s3e_destset_fp(s, "abc", "k", 1);
    assert_int_equal(s3e_destset_add(s, a, 7, &prev), S3E_OK);
    assert_int_equal(prev, 0);
    assert_int_equal(s3e_destset_add(s, b, 8, &prev), S3E_OK);
    assert_int_equal(prev, 0);
    assert_int_equal(s3e_destset_count(s), 6);
    s3e_destset_free(s);
}

static void test_replace_and_drop(void **state)
{
    (void)state;
    struct s3e_destset *s;
    assert_int_equal(s3e_destset_new(&s), S3E_OK);
    struct s3e_destfp x = fp(s, "dst", "x");
    uint64_t a = src(s, "src", "a"), b = src(s, "src", "b");
    assert_false(s3e_destset_dropped(s, x, a));
    assert_int_equal(add(s, "dst", "x", "a"), 0);
    /* collisions = "last": b takes x, a's copy is dropped */
    assert_int_equal(s3e_destset_drop(s, x, a), S3E_OK);
    s3e_destset_replace(s, x, b);
    assert_int_equal(add(s, "dst", "x", "c"), b);
    assert_true(s3e_destset_dropped(s, x, a));
    assert_false(s3e_destset_dropped(s, x, b));
    assert_false(s3e_destset_dropped(s, fp(s, "dst", "y"), a)); /* only that pair */
    assert_int_equal(s3e_destset_ndropped(s), 1);
    s3e_destset_free(s);
}

static void test_grows_without_false_hits(void **state)
{
    (void)state;
    struct s3e_destset *s;
    assert_int_equal(s3e_destset_new(&s), S3E_OK);
    char k[32];
    for (int i = 0; i < 200000; i++) {
        snprintf(k, sizeof k, "p/%08d.jpg", i);
        assert_int_equal(add(s, "b", k, k), 0);
    }
    assert_int_equal(s3e_destset_count(s), 200000);
    for (int i = 0; i < 200000; i += 997) {
        snprintf(k, sizeof k, "p/%08d.jpg", i);
        assert_int_equal(add(s, "b", k, "other"), src(s, "src", k));
    }
    assert_int_equal(s3e_destset_count(s), 200000);
    s3e_destset_free(s);
}

/* Fingerprints that differ only in the bits choosing a shard, or only in the
 * bits choosing a slot, stay distinct; each keeps its own source through the
 * growth of its shard, drops included. */
static void test_shards_keep_fingerprints_apart(void **state)
{
    (void)state;
    struct s3e_destset *s;
    assert_int_equal(s3e_destset_new(&s), S3E_OK);
    uint64_t prev;
    for (uint64_t top = 0; top < 16; top++)
        for (uint64_t i = 0; i < 5000; i++) {
            struct s3e_destfp d = { .hi = (top << 60) | 1, .lo = i };
            assert_int_equal(s3e_destset_add(s, d, top * 5000 + i + 1, &prev), S3E_OK);
            assert_int_equal(prev, 0);
        }
    assert_int_equal(s3e_destset_count(s), 80000);
    for (uint64_t top = 0; top < 16; top++)
        for (uint64_t i = 0; i < 5000; i += 7) {
            struct s3e_destfp d = { .hi = (top << 60) | 1, .lo = i };
            assert_int_equal(s3e_destset_add(s, d, 999999, &prev), S3E_OK);
            assert_int_equal(prev, top * 5000 + i + 1);
            assert_int_equal(s3e_destset_drop(s, d, prev), S3E_OK);
        }
    struct s3e_destfp d0 = { .hi = 1, .lo = 0 }, d1 = { .hi = (1ULL << 60) | 1, .lo = 0 };
    assert_int_equal(s3e_destset_dropped(s, d0, 1), 1);
    assert_int_equal(s3e_destset_dropped(s, d1, 1), 0);
    assert_int_equal(s3e_destset_dropped(s, d1, 5001), 1);
    assert_int_equal(s3e_destset_ndropped(s), 16 * 715);
    assert_int_equal(s3e_destset_count(s), 80000);
    s3e_destset_free(s);
}

/* Seeds are random per set: fingerprints of one key differ between sets. */
static void test_seeds_differ(void **state)
{
    (void)state;
    struct s3e_destset *s, *t;
    assert_int_equal(s3e_destset_new(&s), S3E_OK);
    assert_int_equal(s3e_destset_new(&t), S3E_OK);
    struct s3e_destfp a = fp(s, "b", "k"), b = fp(t, "b", "k");
    assert_true(a.hi != b.hi || a.lo != b.lo);
    assert_true(a.hi != a.lo);
    s3e_destset_free(s);
    s3e_destset_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_second_source_on_a_key_is_seen),
        cmocka_unit_test(test_bucket_and_key_are_kept_apart),
        cmocka_unit_test(test_replace_and_drop),
        cmocka_unit_test(test_grows_without_false_hits),
        cmocka_unit_test(test_shards_keep_fingerprints_apart),
        cmocka_unit_test(test_seeds_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
