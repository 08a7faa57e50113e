/* test_failfast.c - the first N copies failing alike stop a run; anything
 * else disarms the check, and held log lines are not lost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../engine/failfast.h"
#include "s3engine/error.h"

static struct s3e_s3_error final_error(const char *code)
{
    struct s3e_s3_error e;
    memset(&e, 0, sizeof e);
    snprintf(e.code, sizeof e.code, "%s", code);
    e.http_status = 404;
    return e;
}

static void test_trips_after_n_alike(void **state)
{
    (void)state;
    struct s3e_failfast ff;
    assert_int_equal(s3e_failfast_init(&ff, 3), S3E_OK);
    struct s3e_s3_error e = final_error("NoSuchBucket");
    assert_int_equal(s3e_failfast_failure(&ff, &e, "line 1"), 1); /* held */
    assert_int_equal(s3e_failfast_failure(&ff, &e, "line 2"), 1);
    assert_false(s3e_failfast_tripped(&ff));
    assert_int_equal(s3e_failfast_failure(&ff, &e, "line 3"), 1);
    assert_true(s3e_failfast_tripped(&ff));
    /* a copy that was in flight: said already */
    assert_int_equal(s3e_failfast_failure(&ff, &e, "line 4"), 1);
    char why[256];
    s3e_failfast_describe(&ff, why, sizeof why);
    assert_non_null(strstr(why, "the first 3 copies all failed with NoSuchBucket"));
    assert_non_null(strstr(why, "line 1"));
    s3e_failfast_destroy(&ff);
}

static void test_anything_else_disarms(void **state)
{
    (void)state;
    struct s3e_failfast ff;
    struct s3e_s3_error e = final_error("AccessDenied"), other = final_error("NoSuchKey");
    struct s3e_s3_error retryable = final_error("SlowDown"), transport;
    retryable.retryable = 1;
    memset(&transport, 0, sizeof transport);

    /* one success */
    assert_int_equal(s3e_failfast_init(&ff, 2), S3E_OK);
    assert_int_equal(s3e_failfast_failure(&ff, &e, "a"), 1);
    s3e_failfast_success(&ff);
    assert_int_equal(s3e_failfast_failure(&ff, &e, "b"), 0); /* decided: logged */
    assert_int_equal(s3e_failfast_failure(&ff, &e, "c"), 0);
    assert_false(s3e_failfast_tripped(&ff));
    s3e_failfast_destroy(&ff);

    /* a second code, a retryable one, or no S3 answer at all */
    const struct s3e_s3_error *breakers[] = { &other, &retryable, &transport };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(s3e_failfast_init(&ff, 2), S3E_OK);
        assert_int_equal(s3e_failfast_failure(&ff, &e, "a"), 1);
        assert_int_equal(s3e_failfast_failure(&ff, breakers[i], "b"), 0);
        assert_int_equal(s3e_failfast_failure(&ff, &e, "c"), 0);
        assert_false(s3e_failfast_tripped(&ff));
        s3e_failfast_destroy(&ff);
    }

    /* 0: never */
    assert_int_equal(s3e_failfast_init(&ff, 0), S3E_OK);
    for (int i = 0; i < 10; i++)
        assert_int_equal(s3e_failfast_failure(&ff, &e, "x"), 0);
    assert_false(s3e_failfast_tripped(&ff));
    s3e_failfast_destroy(&ff);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trips_after_n_alike),
        cmocka_unit_test(test_anything_else_disarms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
