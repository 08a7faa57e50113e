/* test_list_parallel.c - where a listing's key space is cut into ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../engine/list_parallel.h"

/* The cut points for a page [f, l] ending at hi, joined with spaces. */
static const char *cuts(const char *f, const char *l, const char *hi, size_t floor)
{
    static char joined[4096];
    char out[4096];
    size_t n = s3e_list_cut_points(f, strlen(f), l, strlen(l), hi, hi ? strlen(hi) : 0, floor,
                                   64, out, sizeof out);
    joined[0] = '\0';
    const char *k = out;
    for (size_t i = 0; i < n; i++, k += strlen(k) + 1) {
        strncat(joined, i ? " " : "", sizeof joined - strlen(joined) - 1);
        strncat(joined, k, sizeof joined - strlen(joined) - 1);
    }
    return joined;
}

static void test_counter_keys(void **state)
{
    (void)state;
    /* a page of k000000..k000999: the next thousands, ten thousands, ... */
    assert_string_equal(cuts("p/k000000", "p/k000999", NULL, 2),
                        "p/k001 p/k002 p/k003 p/k004 p/k005 p/k006 p/k007 p/k008 p/k009 "
                        "p/k01 p/k02 p/k03 p/k04 p/k05 p/k06 p/k07 p/k08 p/k09 "
                        "p/k1 p/k2 p/k3 p/k4 p/k5 p/k6 p/k7 p/k8 p/k9 "
                        "p/l p/m p/n p/o p/p p/q p/r p/s p/t p/u p/v p/w p/x p/y p/z");
}

static void test_cuts_stop_before_the_range_end(void **state)
{
    (void)state;
    assert_string_equal(cuts("p/k010000", "p/k010999", "p/k02", 2),
                        "p/k011 p/k012 p/k013 p/k014 p/k015 p/k016 p/k017 p/k018 p/k019");
    assert_string_equal(cuts("p/k010000", "p/k010999", "p/k011", 2), "");
}

static void test_letters_where_keys_vary(void **state)
{
    (void)state;
    /* the page's keys vary at "b".."m": the letters after m, then the first
     * byte below the prefix; letters inside a word are not guessed at */
    assert_string_equal(cuts("x/docs/bar", "x/docs/mall", "x/docs/q", 2),
                        "x/docs/n x/docs/o x/docs/p");
    assert_string_equal(cuts("x/docs/bar", "x/docs/mall", NULL, 2),
                        "x/docs/n x/docs/o x/docs/p x/docs/q x/docs/r x/docs/s x/docs/t x/docs/u "
                        "x/docs/v x/docs/w x/docs/x x/docs/y x/docs/z x/e x/f x/g x/h x/i x/j "
                        "x/k x/l x/m x/n x/o x/p x/q x/r x/s x/t x/u x/v x/w x/x x/y x/z");
}

static void test_every_cut_is_after_the_page_and_increasing(void **state)
{
    (void)state;
    const char *pages[][2] = {
        { "a/2024/01/01/x", "a/2024/01/09/y" }, { "a/Z9", "a/a0" }, { "a/\xc3\xa9", "a/\xc3\xbf" },
        { "a/0", "a/0/" }, { "a/img 9", "a/img 99" }, { "a/a", "a/a+%" },
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char out[4096];
        const char *l = pages[i][1];
        size_t n = s3e_list_cut_points(pages[i][0], strlen(pages[i][0]), l, strlen(l), NULL, 0,
                                       2, 64, out, sizeof out);
        const char *prev = l, *k = out;
        for (size_t j = 0; j < n; j++, k += strlen(k) + 1) {
            assert_true(strcmp(k, prev) > 0);
            assert_true(strncmp(k, "a/", 2) == 0); /* never above the prefix */
            prev = k;
        }
    }
}

static void test_no_cut_for_keys_with_nul_or_small_buffers(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(s3e_list_cut_points("p/a\0" "1", 5, "p/a\0" "5", 5, NULL, 0, 2, 64, out,
                                         sizeof out), 0);
    /* each cut needs its length and a NUL: a buffer too small stops early */
    assert_int_equal(s3e_list_cut_points("p/k10", 5, "p/k15", 5, NULL, 0, 2, 64, out, sizeof out),
                     1);
    assert_string_equal(out, "p/k16");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_keys),
        cmocka_unit_test(test_cuts_stop_before_the_range_end),
        cmocka_unit_test(test_letters_where_keys_vary),
        cmocka_unit_test(test_every_cut_is_after_the_page_and_increasing),
        cmocka_unit_test(test_no_cut_for_keys_with_nul_or_small_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
