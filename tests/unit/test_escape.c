/* test_escape.c - the display form of untrusted text (terminal, log) and its
 * JSON form: every control, invisible or bidi character and every byte that
 * is not UTF-8 is escaped, the rest is kept, and the form can be reversed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/log.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static const char *shown(const char *s)
{
    static char out[512];
    return s3e_escape_str(s, out, sizeof out);
}

static void test_controls_become_hex(void **state)
{
    (void)state;
    assert_string_equal(shown("a\x1b[2Jb"), "a\\x1b[2Jb");
    assert_string_equal(shown("cr\rlf\ntab\tbel\abs\b"), "cr\\x0dlf\\x0atab\\x09bel\\x07bs\\x08");
    assert_string_equal(shown("del\x7f" "x\x01"), "del\\x7fx\\x01");
    assert_string_equal(shown("back\\slash"), "back\\\\slash");
    assert_string_equal(shown("plain key/with spaces, commas \"quotes\".txt"),
                        "plain key/with spaces, commas \"quotes\".txt");
    assert_string_equal(shown(NULL), "");
}

static void test_utf8_kept_c1_and_bidi_escaped(void **state)
{
    (void)state;
    assert_string_equal(shown("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"),
                        "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
    assert_string_equal(shown("csi\xc2\x9b" "31m"), "csi\\u009b31m");  /* U+009B */
    assert_string_equal(shown("rlo\xe2\x80\xaetxt.exe"), "rlo\\u202etxt.exe");
    assert_string_equal(shown("ls\xe2\x80\xa8x"), "ls\\u2028x");
    assert_string_equal(shown("\xef\xbb\xbf" "bom"), "\\ufeffbom");
    assert_string_equal(shown("zw\xe2\x80\x8bsp"), "zw\\u200bsp");
}

static void test_invalid_utf8_bytes_become_hex(void **state)
{
    (void)state;
    assert_string_equal(shown("a\xff\xfe" "b"), "a\\xff\\xfeb");
    assert_string_equal(shown("lone \x9b"), "lone \\x9b");
    assert_string_equal(shown("cut \xe6\x97"), "cut \\xe6\\x97");
    assert_string_equal(shown("overlong \xc0\xaf"), "overlong \\xc0\\xaf");
    assert_string_equal(shown("surrogate \xed\xa0\x80"), "surrogate \\xed\\xa0\\x80");
    assert_string_equal(shown("too big \xf4\x90\x80\x80"), "too big \\xf4\\x90\\x80\\x80");
    assert_true(s3e_utf8_valid("caf\xc3\xa9", 5));
    assert_false(s3e_utf8_valid("caf\xc3", 4));
    assert_false(s3e_utf8_valid("\xed\xa0\x80", 3));
    assert_true(s3e_utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
}

/* Undo the display form; the test of "reversible". */
static size_t unescape(const char *s, char *out)
{
    size_t n = 0;
    while (*s) {
        if (s[0] == '\\' && s[1] == '\\') {
            out[n++] = '\\', s += 2;
        } else if (s[0] == '\\' && s[1] == 'x') {
            char h[3] = { s[2], s[3], 0 };
            out[n++] = (char)strtoul(h, NULL, 16), s += 4;
        } else if (s[0] == '\\' && s[1] == 'u') {
            char h[5] = { s[2], s[3], s[4], s[5], 0 };
            unsigned long cp = strtoul(h, NULL, 16);
            if (cp < 0x800) {
                out[n++] = (char)(0xc0 | (cp >> 6));
            } else {
                out[n++] = (char)(0xe0 | (cp >> 12));
                out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            }
            out[n++] = (char)(0x80 | (cp & 0x3f)), s += 6;
        } else {
            assert_true((unsigned char)*s >= 0x20 && *s != 0x7f);
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    return n;
}

static void test_display_form_is_reversible(void **state)
{
    (void)state;
    const char *keys[] = {
        "a\\x1b", "a\x1b", "\\\\x41\\", "\xc2\x9b\xe2\x80\xae\xff\x80\\u009b", "\x01\x1f\x7f\x80",
        "k/\xf0\x9f\x98\x80/\xc3\xa9\xed\xa0\x80", NULL,
    };
    for (int i = 0; keys[i]; i++) {
        char back[256];
        size_t n = unescape(shown(keys[i]), back);
        assert_int_equal(n, strlen(keys[i]));
        assert_memory_equal(back, keys[i], n);
    }
    /* every byte value on its own */
    for (int c = 1; c < 256; c++) {
        char one[2] = { (char)c, 0 }, back[8];
        assert_int_equal(unescape(shown(one), back), 1);
        assert_int_equal((unsigned char)back[0], c);
    }
}

static void test_cut_between_escapes(void **state)
{
    (void)state;
    char out[10];
    /* "ab\x1b\x1b" displays as "ab\x1b\x1b" (10 chars): does not fit in 9 */
    assert_string_equal(s3e_escape_str("ab\x1b\x1b", out, sizeof out), "ab\\x1b...");
    assert_string_equal(s3e_escape_str("abcdefghi", out, sizeof out), "abcdefghi");
    assert_string_equal(s3e_escape_str("abcdefghij", out, sizeof out), "abcdef...");
    assert_string_equal(s3e_escape_str("\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5", out,
                                       sizeof out),
                        "\xe6\x97\xa5\xe6\x97\xa5...");
    char tiny[3];
    assert_string_equal(s3e_escape_str("\x1b", tiny, sizeof tiny), "..");
}

static void test_append_and_fputs_match_str(void **state)
{
    (void)state;
    const char *s = "k\x1b[2J\xff\\\xc2\x9b\xc3\xa9\n";
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_escape_append(&b, s, strlen(s)), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), shown(s));
    s3e_buf_free(&b);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(s3e_escape_fputs(s, f), 0);
    fclose(f);
    assert_string_equal(text, shown(s));
    free(text);
}

static void test_json_form(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    int lossy = 0;
    const char *s = "q\"b\\n\nt\tesc\x1b" "del\x7f" "c1\xc2\x9b" "rlo\xe2\x80\xae" "ok\xc3\xa9";
    assert_int_equal(s3e_escape_json(&b, s, strlen(s), &lossy), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "q\\\"b\\\\n\\nt\\u0009esc\\u001bdel\\u007fc1\\u009b"
                                          "rlo\\u202eok\xc3\xa9");
    assert_int_equal(lossy, 0);
    s3e_buf_reset(&b);
    assert_int_equal(s3e_escape_json(&b, "a\xff\xc3", 3, &lossy), S3E_OK);
    assert_string_equal(s3e_buf_cstr(&b), "a\\ufffd\\ufffd");
    assert_int_equal(lossy, 1);
    s3e_buf_free(&b);
}

/* Log lines (stderr) carry the display form, and a failed write is kept. */
static void test_log_lines_are_escaped(void **state)
{
    (void)state;
    char path[] = "/tmp/s3e-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(2);
    fflush(stderr);
    dup2(fd, 2);
    s3e_error("s3://b/%s -> %s", "k\x1b[2J\r\nforged\xff", "server said \x07\xc2\x9b");
    char big[3000];
    memset(big, '\x1b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    s3e_error("%s", big);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[8192] = "";
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    unlink(path);
    assert_true(n > 0);
    text[n] = '\0';
    const char *second = strchr(text, '\n');
    assert_non_null(second);
    assert_memory_equal(text, "s3engine: error: s3://b/k\\x1b[2J\\x0d\\x0aforged\\xff -> server said "
                              "\\x07\\u009b\n", (size_t)(second + 1 - text));
    assert_true(strlen(second + 1) < 4096);
    assert_memory_equal(second + 1, "s3engine: error: \\x1b\\x1b", 25);
    assert_memory_equal(text + n - 4, "...\n", 4);
    assert_int_equal(s3e_log_write_error(), 0);
}

static void test_log_write_error_is_kept(void **state)
{
    (void)state;
    int full = open("/dev/full", O_WRONLY);
    if (full < 0)
        skip();
    int saved = dup(2);
    fflush(stderr);
    dup2(full, 2);
    s3e_error("this line cannot be written");
    dup2(saved, 2);
    close(saved);
    close(full);
    clearerr(stderr);
    assert_int_equal(s3e_log_write_error(), ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls_become_hex),
        cmocka_unit_test(test_utf8_kept_c1_and_bidi_escaped),
        cmocka_unit_test(test_invalid_utf8_bytes_become_hex),
        cmocka_unit_test(test_display_form_is_reversible),
        cmocka_unit_test(test_cut_between_escapes),
        cmocka_unit_test(test_append_and_fputs_match_str),
        cmocka_unit_test(test_json_form),
        cmocka_unit_test(test_log_lines_are_escaped),
        cmocka_unit_test(test_log_write_error_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
