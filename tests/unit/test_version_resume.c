/* test_version_resume.c - which of a key's versions the target holds
 * already: the source's oldest versions that are the target's newest, in
 * order, by size and ETag; nothing taken as copied on a guess. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../engine/version_resume.h"

#define N(a) (sizeof(a) / sizeof(a)[0])

/* source: five versions; the third has the second's size, the fifth is the
 * first again (same bytes) */
static const struct s3e_vsig src[] = {
    { 1000, "aa", NULL }, { 2000, "bb", NULL }, { 2000, "cc", NULL }, { 3000, "dd", NULL },
    { 1000, "aa", NULL },
};

static void test_interrupted(void **state)
{
    (void)state;
    const struct s3e_vsig two[] = { { 1000, "aa", NULL }, { 2000, "bb", NULL } };
    assert_int_equal(s3e_vsig_copied(src, N(src), two, N(two), 0), 2);
    /* an earlier history of the target's own comes before */
    const struct s3e_vsig mine[] = { { 7, "zz", NULL }, { 1000, "aa", NULL }, { 2000, "bb", NULL },
                                     { 2000, "cc", NULL } };
    assert_int_equal(s3e_vsig_copied(src, N(src), mine, N(mine), 0), 3);
    assert_int_equal(s3e_vsig_copied(src, N(src), src, N(src), 0), 5);
    assert_int_equal(s3e_vsig_copied(src, N(src), NULL, 0, 0), 0);
}

static void test_no_guess(void **state)
{
    (void)state;
    /* same size, another ETag (a multipart copy, SSE-KMS): not there */
    const struct s3e_vsig other[] = { { 1000, "aa-2", NULL } };
    assert_int_equal(s3e_vsig_copied(src, N(src), other, N(other), 0), 0);
    /* versions 1 and 3 without 2: the newest there does not follow in order: none */
    const struct s3e_vsig gap[] = { { 1000, "aa", NULL }, { 2000, "cc", NULL } };
    assert_int_equal(s3e_vsig_copied(src, N(src), gap, N(gap), 0), 0);
    const struct s3e_vsig empty[] = { { 1000, "", NULL } };
    const struct s3e_vsig e1[] = { { 1000, "", NULL } };
    assert_int_equal(s3e_vsig_copied(e1, 1, empty, 1, 0), 0);
}

static void test_unversioned_target(void **state)
{
    (void)state;
    /* one version at the target: the newest source version it is */
    const struct s3e_vsig fourth[] = { { 3000, "dd", NULL } };
    assert_int_equal(s3e_vsig_copied(src, N(src), fourth, 1, 0), 4);
    const struct s3e_vsig first[] = { { 1000, "aa", NULL } };
    assert_int_equal(s3e_vsig_copied(src, N(src), first, 1, 0), 5); /* the fifth is the first */
}

static void test_loose(void **state)
{
    (void)state;
    /* a multipart or SSE-KMS target: other ETags, the sizes in order */
    struct s3e_vsig two[] = { { 1000, "x-1", NULL }, { 2000, "bb", NULL } };
    assert_int_equal(s3e_vsig_copied(src, N(src), two, N(two), 0), 0);
    assert_int_equal(s3e_vsig_copied(src, N(src), two, N(two), 1), 2);
    /* another size in the way: none by size either */
    const struct s3e_vsig other[] = { { 1000, "x", NULL }, { 1500, "y", NULL } };
    assert_int_equal(s3e_vsig_copied(src, N(src), other, N(other), 1), 0);
    /* the pairs HEADs must confirm: only those whose ETags differ */
    struct s3e_vtarget t = { 0 };
    t.src.v = (struct s3e_vsig *)src;
    t.src.n = N(src);
    t.dst.v = two;
    t.dst.n = N(two);
    t.loose = 2;
    size_t i = 0, si = 99;
    const struct s3e_vsig *d = NULL;
    assert_int_equal(s3e_vtarget_pair(&t, &i, &si, &d), 1);
    assert_int_equal(si, 0);
    assert_ptr_equal(d, &two[0]);
    i++;
    assert_int_equal(s3e_vtarget_pair(&t, &i, &si, &d), 0); /* "bb" is the source's own */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_no_guess),
        cmocka_unit_test(test_unversioned_target),
        cmocka_unit_test(test_loose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
