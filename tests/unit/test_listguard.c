/* test_listguard.c - a paged listing that goes back or repeats a token is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "s3engine/error.h"
#include "s3engine/listguard.h"

static int key(struct s3e_list_guard *g, const char *k)
{
    return s3e_list_guard_key(g, k, strlen(k));
}

static void test_keys_must_increase(void **state)
{
    (void)state;
    struct s3e_list_guard g;
    s3e_list_guard_init(&g, 0);
    assert_int_equal(key(&g, "a"), S3E_OK);
    assert_int_equal(key(&g, "a/b"), S3E_OK);
    assert_int_equal(key(&g, "ab"), S3E_OK);
    /* UTF-8 binary order: bytes above 0x7f come after ASCII */
    assert_int_equal(key(&g, "\xc3\xa9"), S3E_OK);
    assert_int_equal(key(&g, "\xc3\xa9"), S3E_EPARSE); /* the same key twice */
    assert_string_equal(g.why, "key '\xc3\xa9' does not come after '\xc3\xa9' (the listing went back)");
    assert_int_equal(key(&g, "b"), S3E_EPARSE); /* a page started over */
    assert_non_null(strstr(g.why, "key 'b' does not come after"));
    s3e_list_guard_free(&g);
}

static void test_key_with_nul_and_prefix_order(void **state)
{
    (void)state;
    struct s3e_list_guard g;
    s3e_list_guard_init(&g, 0);
    assert_int_equal(s3e_list_guard_key(&g, "a\0b", 3), S3E_OK);
    assert_int_equal(s3e_list_guard_key(&g, "a", 1), S3E_EPARSE); /* a prefix comes first */
    assert_int_equal(s3e_list_guard_key(&g, "a\0c", 3), S3E_OK);
    s3e_list_guard_free(&g);
}

static void test_start_after(void **state)
{
    (void)state;
    struct s3e_list_guard g;
    s3e_list_guard_init(&g, 0);
    assert_int_equal(s3e_list_guard_after(&g, "m", 1), S3E_OK);
    assert_int_equal(key(&g, "m"), S3E_EPARSE); /* start-after is exclusive */
    assert_int_equal(key(&g, "a"), S3E_EPARSE);
    assert_int_equal(key(&g, "n"), S3E_OK);
    s3e_list_guard_free(&g);
}

static void test_uploads_may_repeat_a_key(void **state)
{
    (void)state;
    struct s3e_list_guard g;
    s3e_list_guard_init(&g, 1);
    assert_int_equal(key(&g, "k"), S3E_OK);
    assert_int_equal(key(&g, "k"), S3E_OK);
    assert_int_equal(key(&g, "l"), S3E_OK);
    assert_int_equal(key(&g, "k"), S3E_EPARSE);
    s3e_list_guard_free(&g);
}

static void test_token_never_twice(void **state)
{
    (void)state;
    struct s3e_list_guard g;
    s3e_list_guard_init(&g, 0);
    char tok[32];
    for (int i = 0; i < 20000; i++) { /* the table grows many times over */
        int n = snprintf(tok, sizeof tok, "token-%d", i);
        assert_int_equal(s3e_list_guard_token(&g, tok, (size_t)n), S3E_OK);
    }
    assert_int_equal(s3e_list_guard_token(&g, "token-0", 7), S3E_EPARSE);
    assert_int_equal(s3e_list_guard_token(&g, "token-19999", 11), S3E_EPARSE);
    assert_string_equal(g.why, "the server sent continuation token 'token-19999' a second time "
                               "(the listing would loop)");
    /* shown safely: a control character is escaped */
    assert_int_equal(s3e_list_guard_token(&g, "t\x1b[2J", 5), S3E_OK);
    assert_int_equal(s3e_list_guard_token(&g, "t\x1b[2J", 5), S3E_EPARSE);
    assert_null(strchr(g.why, '\x1b'));
    s3e_list_guard_free(&g);
    s3e_list_guard_free(&g); /* twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_must_increase),
        cmocka_unit_test(test_key_with_nul_and_prefix_order),
        cmocka_unit_test(test_start_after),
        cmocka_unit_test(test_uploads_may_repeat_a_key),
        cmocka_unit_test(test_token_never_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
