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

static uint64_t src(const struct s3e_destset *s, const char *b, const char *k)
{
    return s3e_destset_src(s, b, k, strlen(k));
}

/* Add (b, k) routed from source sk; returns the source recorded before (0 = new). */
static uint64_t add_ref(struct s3e_destset *s, const char *b, const char *k, const char *sk,
                        uint64_t *ref)
{
    uint64_t prev = 99;
    assert_int_equal(s3e_destset_add(s, b, k, strlen(k), src(s, "src", sk), &prev, ref), S3E_OK);
    return prev;
}

static uint64_t add(struct s3e_destset *s, const char *b, const char *k, const char *sk)
{
    uint64_t ref;
    return add_ref(s, b, k, sk, &ref);
}

static int dropped(const struct s3e_destset *s, const char *b, const char *k, uint64_t sk)
{
    return s3e_destset_dropped(s, b, k, strlen(k), sk);
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
    uint64_t prev, ref;
    /* a NUL inside a key is part of it: the length counts */
    assert_int_equal(s3e_destset_add(s, "abc", "k\0x", 3, 7, &prev, &ref), S3E_OK);
    assert_int_equal(prev, 0);
    assert_int_equal(s3e_destset_add(s, "abc", "k", 1, 8, &prev, &ref), S3E_OK);
    assert_int_equal(prev, 0);
    assert_int_equal(s3e_destset_add(s, "abc", "k\0x", 3, 9, &prev, &ref), S3E_OK);
    assert_int_equal(prev, 7);
    assert_int_equal(s3e_destset_count(s), 6);
    s3e_destset_free(s);
}

static void test_replace_and_drop(void **state)
{
    (void)state;
    struct s3e_destset *s;
    assert_int_equal(s3e_destset_new(&s), S3E_OK);
    uint64_t a = src(s, "src", "a"), b = src(s, "src", "b"), ref;
    assert_false(dropped(s, "dst", "x", a));
    assert_int_equal(add_ref(s, "dst", "x", "a", &ref), 0);
    /* collisions = "last": b takes x, a's copy is dropped */
    assert_int_equal(s3e_destset_drop(s, "dst", "x", 1, a), S3E_OK);
    assert_int_equal(s3e_destset_replace(s, ref, b), S3E_OK);
    assert_int_equal(add(s, "dst", "x", "c"), b);
    assert_true(dropped(s, "dst", "x", a));
    assert_false(dropped(s, "dst", "x", b));
    assert_false(dropped(s, "dst", "y", a)); /* only that pair */
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

/* Distinct destinations that share their hash bits (2 bits kept: thousands
 * per value) are told apart by their records, also once the records are read
 * back from the log's file (a 4 KiB buffer): none is a collision, and every
 * real one is found with its first source, through replacements too. */
static void test_shared_hash_bits_are_confirmed(void **state)
{
    (void)state;
    struct s3e_destset *s;
    assert_int_equal(s3e_destset_new_weak(&s, 2, 4096), S3E_OK);
    char k[32];
    uint64_t refs[3000];
    for (int i = 0; i < 3000; i++) {
        snprintf(k, sizeof k, "p/%05d.jpg", i);
        assert_int_equal(add_ref(s, i % 2 ? "b" : "bb", k, k, &refs[i]), 0);
    }
    assert_int_equal(s3e_destset_count(s), 3000);
    for (int i = 0; i < 3000; i += 7) {
        snprintf(k, sizeof k, "p/%05d.jpg", i);
        assert_int_equal(add(s, i % 2 ? "b" : "bb", k, "other"), src(s, "src", k));
        assert_int_equal(add(s, i % 2 ? "bb" : "b", k, "third"), 0); /* the other bucket */
    }
    /* the first records are in the file by now: replace one there and in the buffer */
    assert_int_equal(s3e_destset_replace(s, refs[0], 42), S3E_OK);
    assert_int_equal(s3e_destset_replace(s, refs[2999], 43), S3E_OK);
    assert_int_equal(add(s, "bb", "p/00000.jpg", "x"), 42);
    assert_int_equal(add(s, "b", "p/02999.jpg", "x"), 43);
    assert_int_equal(add(s, "b", "p/02999.jp", "x"), 0); /* a prefix of a key is another key */
    s3e_destset_free(s);
}

/* A destination costs one 8-byte slot at 3/8 to 3/4 full, plus the log's buffer. */
static void test_memory_per_destination(void **state)
{
    (void)state;
    struct s3e_destset *s;
    assert_int_equal(s3e_destset_new(&s), S3E_OK);
    char k[32];
    for (int i = 0; i < 200000; i++) {
        snprintf(k, sizeof k, "p/%08d.jpg", i);
        assert_int_equal(add(s, "b", k, k), 0);
    }
    size_t mem = s3e_destset_memory(s);
    assert_true(mem < (1u << 20) + 8192 + 200000 * 22);
    s3e_destset_free(s);
}

/* Seeds are random per set: fingerprints of one source differ between sets. */
static void test_seeds_differ(void **state)
{
    (void)state;
    struct s3e_destset *s, *t;
    assert_int_equal(s3e_destset_new(&s), S3E_OK);
    assert_int_equal(s3e_destset_new(&t), S3E_OK);
    assert_true(src(s, "b", "k") != src(t, "b", "k"));
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
        cmocka_unit_test(test_shared_hash_bits_are_confirmed),
        cmocka_unit_test(test_memory_per_destination),
        cmocka_unit_test(test_seeds_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
