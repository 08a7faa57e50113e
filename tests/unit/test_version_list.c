/* test_version_list.c - a key's versions as lines of text: written, read back in
 * order, counted and summed; a line that does not read ends the list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3engine/error.h"
#include "s3engine/versions.h"

#include <string.h>

static void test_round_trip(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    struct s3e_version in[3] = {
        { .id = "3/L4kq.tJlcp", .size = 5ULL << 30, .etag = "d41d8cd98f00b204e9800998ecf8427e-3",
          .last_modified = 1255369830 },
        { .id = "null", .size = 0, .etag = "", .last_modified = 0 },
        { .id = "v3", .size = 7, .etag = "e", .last_modified = -1 },
    };
    for (int i = 0; i < 3; i++)
        assert_int_equal(s3e_versions_append(&b, &in[i]), S3E_OK);
    const char *p = s3e_buf_cstr(&b);
    struct s3e_version v;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s3e_versions_next(&p, &v), 1);
        assert_string_equal(v.id, in[i].id);
        assert_int_equal(v.size, in[i].size);
        assert_string_equal(v.etag, in[i].etag);
        assert_int_equal(v.last_modified, in[i].last_modified);
    }
    assert_int_equal(s3e_versions_next(&p, &v), 0);
    assert_int_equal(s3e_versions_count(s3e_buf_cstr(&b)), 3);
    assert_int_equal(s3e_versions_bytes(s3e_buf_cstr(&b)), (5ULL << 30) + 7);
    s3e_buf_free(&b);
}

static void test_broken_lines_end_the_list(void **state)
{
    (void)state;
    const char *lists[] = { "", "v1\t1\te\n", "v1\t1\te\t5", "v1 1 e 5\n", "v1\t1\te\t5x\n" };
    struct s3e_version v;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        const char *p = lists[i];
        assert_int_equal(s3e_versions_next(&p, &v), 0);
        assert_int_equal(s3e_versions_count(lists[i]), 0);
    }
    assert_int_equal(s3e_versions_next(&(const char *){ NULL }, &v), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_broken_lines_end_the_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
