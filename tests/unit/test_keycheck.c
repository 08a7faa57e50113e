/* test_keycheck.c - which keys S3 can hold and which header values may be sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"

#define OK_KEY(lit) assert_null(s3e_key_problem(lit, sizeof(lit) - 1))
#define BAD_KEY(lit, why) assert_string_equal(s3e_key_problem(lit, sizeof(lit) - 1), why)

static void test_keys_s3_can_hold(void **state)
{
    (void)state;
    OK_KEY("a");
    OK_KEY(".");
    OK_KEY("..");
    OK_KEY("in/../../etc/passwd");
    OK_KEY("in/./a//b///");
    OK_KEY("/leading");
    OK_KEY("a b+c%d?e#f&g=h");
    OK_KEY("ctl\x01\x1f\x7f\t\r\n");
    OK_KEY("\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac");     /* é/日本 */
    OK_KEY("\xf0\x9f\x98\x80");                      /* U+1F600 */
    OK_KEY("\xf4\x8f\xbf\xbf");                      /* U+10FFFF */
    OK_KEY("\xed\x9f\xbf");                          /* U+D7FF, just below the surrogates */
    OK_KEY("abcdefghijklmnop\xc3\xa9qrstuvwxyz0123");   /* é past the first 8 bytes */
    char k[1025];
    memset(k, 'k', sizeof k);
    assert_null(s3e_key_problem(k, 1024));
    assert_string_equal(s3e_key_problem(k, 1025), "is longer than S3's 1024 bytes");
}

static void test_keys_s3_cannot_hold(void **state)
{
    (void)state;
    assert_string_equal(s3e_key_problem("", 0), "is empty");
    BAD_KEY("a\0b", "contains a NUL byte");
    BAD_KEY("\0", "contains a NUL byte");
    BAD_KEY("x\xff", "is not valid UTF-8");
    BAD_KEY("\xc0\xaf", "is not valid UTF-8");          /* overlong "/" */
    BAD_KEY("\xe0\x80\xaf", "is not valid UTF-8");      /* overlong "/" */
    BAD_KEY("\xed\xa0\x80", "is not valid UTF-8");      /* a surrogate */
    BAD_KEY("\xf4\x90\x80\x80", "is not valid UTF-8");  /* above U+10FFFF */
    BAD_KEY("\xc3", "is not valid UTF-8");              /* cut short */
    BAD_KEY("\xe6\x97", "is not valid UTF-8");
    BAD_KEY("\x80", "is not valid UTF-8");              /* a lone continuation byte */
    /* past the first 8 bytes (checked 8 at a time) */
    BAD_KEY("abcdefghijklmno\0p", "contains a NUL byte");
    BAD_KEY("abcdefgh\0", "contains a NUL byte");
    BAD_KEY("abcdefghijklmnop\xff", "is not valid UTF-8");
    BAD_KEY("abcdefgh\xc3", "is not valid UTF-8");
}

static void test_header_values(void **state)
{
    (void)state;
    assert_null(s3e_header_value_problem(""));
    assert_null(s3e_header_value_problem("STANDARD_IA"));
    assert_null(s3e_header_value_problem("text/plain; charset=utf-8 \xc3\xa9"));
    assert_string_equal(s3e_header_value_problem("STANDARD\r\nX-Evil: 1"),
                        "contains a line break (CR or LF)");
    assert_string_equal(s3e_header_value_problem("a\nb"), "contains a line break (CR or LF)");
    assert_string_equal(s3e_header_value_problem("a\rb"), "contains a line break (CR or LF)");
    assert_string_equal(s3e_header_value_problem("a\tb"), "contains a control character");
    assert_string_equal(s3e_header_value_problem("a\x7f"), "contains a control character");
    assert_string_equal(s3e_header_value_problem("\x01"), "contains a control character");
}

static void test_display_shows_nul(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_key_display(&b, "m/a\0b\0", 6), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "m/a%00b%00");
    s3e_buf_reset(&b);
    assert_int_equal(s3e_key_display(&b, "", 0), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "");
    s3e_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_s3_can_hold),
        cmocka_unit_test(test_keys_s3_cannot_hold),
        cmocka_unit_test(test_header_values),
        cmocka_unit_test(test_display_shows_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
