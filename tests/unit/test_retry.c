/* test_retry.c - what is retried, and how long to wait. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3engine/retry.h"

static void test_retryable(void **state)
{
    (void)state;
    /* HTTP status alone */
    assert_int_equal(s3e_retry_is_retryable(500, NULL, 0), 1);
    assert_int_equal(s3e_retry_is_retryable(502, "", 0), 1);
    assert_int_equal(s3e_retry_is_retryable(503, NULL, 0), 1);
    assert_int_equal(s3e_retry_is_retryable(504, NULL, 0), 1);
    assert_int_equal(s3e_retry_is_retryable(429, NULL, 0), 1);
    /* S3 codes */
    assert_int_equal(s3e_retry_is_retryable(503, "SlowDown", 0), 1);
    assert_int_equal(s3e_retry_is_retryable(400, "RequestTimeout", 0), 1);
    assert_int_equal(s3e_retry_is_retryable(500, "InternalError", 0), 1);
    assert_int_equal(s3e_retry_is_retryable(200, "InternalError", 0), 1); /* 200 + <Error> */
    assert_int_equal(s3e_retry_is_retryable(503, "ServiceUnavailable", 0), 1);
    assert_int_equal(s3e_retry_is_retryable(403, "RequestTimeTooSkewed", 0), 1);
    /* transport errors: no HTTP answer at all */
    const int curl_codes[] = { 7 /* couldn't connect */, 28 /* timeout */, 35 /* TLS */,
                               52 /* empty reply */, 55 /* send */, 56 /* recv/reset */ };
    for (size_t i = 0; i < sizeof curl_codes / sizeof curl_codes[0]; i++) {
        assert_int_equal(s3e_retry_is_retryable(0, NULL, curl_codes[i]), 1);
        assert_int_equal(s3e_retry_is_retryable(0, "", curl_codes[i]), 1);
    }
}

static void test_not_retryable(void **state)
{
    (void)state;
    assert_int_equal(s3e_retry_is_retryable(403, "AccessDenied", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(404, "NoSuchBucket", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(404, "NoSuchKey", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(403, "SignatureDoesNotMatch", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(403, "InvalidAccessKeyId", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(400, "ExpiredToken", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(400, "InvalidArgument", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(404, "NoSuchUpload", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(412, "PreconditionFailed", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(400, NULL, 0), 0);
    assert_int_equal(s3e_retry_is_retryable(404, "", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(501, "NotImplemented", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(200, NULL, 0), 0);
    /* codes are exact: no prefix or case-insensitive matches */
    assert_int_equal(s3e_retry_is_retryable(400, "slowdown", 0), 0);
    assert_int_equal(s3e_retry_is_retryable(400, "SlowDownNow", 0), 0);
}

static void test_backoff_cap_and_jitter(void **state)
{
    (void)state;
    const long base = 100, cap = 5000;
    unsigned seed = 12345;
    for (int retry = 1; retry <= 40; retry++) {
        long ceiling = base;
        for (int i = 1; i < retry && ceiling < cap; i++)
            ceiling *= 2;
        if (ceiling > cap)
            ceiling = cap;
        long max_seen = -1, min_seen = cap + 1;
        for (int k = 0; k < 2000; k++) {
            long ms = s3e_retry_backoff_ms(retry, base, cap, &seed);
            assert_true(ms >= 0);
            assert_true(ms <= ceiling);
            assert_true(ms <= cap);
            if (ms > max_seen)
                max_seen = ms;
            if (ms < min_seen)
                min_seen = ms;
        }
        /* full jitter: the samples spread over [0, ceiling] */
        assert_true(max_seen >= ceiling * 9 / 10);
        assert_true(min_seen <= ceiling / 10);
    }
}

static long max_of(int retry, long base, long cap, unsigned *seed)
{
    long m = 0;
    for (int k = 0; k < 4000; k++) {
        long ms = s3e_retry_backoff_ms(retry, base, cap, seed);
        if (ms > m)
            m = ms;
    }
    return m;
}

static void test_backoff_grows_exponentially(void **state)
{
    (void)state;
    unsigned seed = 7;
    const long base = 100, cap = 1000000;
    /* the upper bound doubles per retry: 100, 200, 400, 800, 1600 */
    long prev_ceiling = 0;
    for (int retry = 1; retry <= 5; retry++) {
        long ceiling = base << (retry - 1);
        long m = max_of(retry, base, cap, &seed);
        assert_true(m <= ceiling);
        assert_true(m > prev_ceiling); /* beyond what the previous retry could reach */
        prev_ceiling = ceiling;
    }
    /* the mean roughly doubles as well (uniform: mean = ceiling / 2) */
    double mean[4] = { 0 };
    for (int retry = 1; retry <= 4; retry++) {
        for (int k = 0; k < 20000; k++)
            mean[retry - 1] += (double)s3e_retry_backoff_ms(retry, 1000, cap, &seed);
        mean[retry - 1] /= 20000.0;
    }
    for (int r = 0; r < 4; r++) {
        double want = (double)(1000L << r) / 2.0;
        assert_true(mean[r] > want * 0.9 && mean[r] < want * 1.1);
    }
}

static void test_backoff_edges(void **state)
{
    (void)state;
    unsigned seed = 1;
    /* retry < 1 behaves as the first retry */
    for (int k = 0; k < 1000; k++) {
        assert_true(s3e_retry_backoff_ms(0, 50, 1000, &seed) <= 50);
        assert_true(s3e_retry_backoff_ms(-3, 50, 1000, &seed) <= 50);
    }
    /* base above the cap: the cap wins */
    for (int k = 0; k < 1000; k++)
        assert_true(s3e_retry_backoff_ms(1, 10000, 300, &seed) <= 300);
    /* huge retry numbers and a large cap do not overflow */
    for (int k = 0; k < 1000; k++) {
        long ms = s3e_retry_backoff_ms(1000, 1000, 3600000, &seed);
        assert_true(ms >= 0 && ms <= 3600000);
    }
    /* zero cap: no wait */
    assert_int_equal(s3e_retry_backoff_ms(3, 100, 0, &seed), 0);
    /* deterministic for a given seed */
    unsigned s1 = 99, s2 = 99;
    for (int k = 0; k < 100; k++)
        assert_int_equal(s3e_retry_backoff_ms(3, 100, 10000, &s1),
                         s3e_retry_backoff_ms(3, 100, 10000, &s2));
}

/* The one decision every sender asks after a failed attempt. */
static void test_retry_after(void **state)
{
    (void)state;
    unsigned seed = 3;
    struct s3e_retry st = { 0, 0, 0 };
    st.attempts = 1;
    assert_int_equal(s3e_retry_after(&st, 0, "AccessDenied", 0, 6, 0, &seed), -1);
    assert_int_equal(s3e_retry_after(&st, 1, "InternalError", 0, 6, 1, &seed), -1); /* stop */
    long w = s3e_retry_after(&st, 1, "InternalError", 0, 6, 0, &seed);
    assert_true(w >= 0 && w <= S3E_RETRY_BASE_MS);
    /* attempts used up: the 6th failure of 6 is final */
    st.attempts = 5;
    assert_true(s3e_retry_after(&st, 1, "InternalError", 0, 6, 0, &seed) >= 0);
    st.attempts = 6;
    assert_int_equal(s3e_retry_after(&st, 1, "InternalError", 0, 6, 0, &seed), -1);
    /* an answer naming the bucket's region: at once, and one attempt more, once */
    struct s3e_retry r = { 1, 0, 0 };
    assert_int_equal(s3e_retry_after(&r, 1, "PermanentRedirect", 1, 1, 0, &seed), 0);
    assert_int_equal(r.moved, 1);
    r.attempts = 2;
    assert_int_equal(s3e_retry_after(&r, 1, "InternalError", 0, 1, 0, &seed), -1);
    /* SlowDown waits from a larger base */
    long most = 0;
    for (int k = 0; k < 2000; k++) {
        struct s3e_retry t = { 1, 0, 0 };
        long ms = s3e_retry_after(&t, 1, "SlowDown", 0, 6, 0, &seed);
        assert_true(ms >= 0 && ms <= S3E_RETRY_SLOWDOWN_BASE_MS);
        most = ms > most ? ms : most;
    }
    assert_true(most > S3E_RETRY_BASE_MS);
    /* never beyond the cap */
    struct s3e_retry late = { 40, 0, 0 };
    assert_true(s3e_retry_after(&late, 1, "SlowDown", 0, 100, 0, &seed) <= S3E_RETRY_CAP_MS);
}

/* Answers expired credentials share with others, and the one retry they get. */
static void test_maybe_expired_once(void **state)
{
    (void)state;
    assert_true(s3e_retry_may_be_expired("GET", 403, "AccessDenied"));
    assert_true(s3e_retry_may_be_expired("HEAD", 403, "AccessDenied"));
    assert_true(s3e_retry_may_be_expired("HEAD", 400, "BadRequest"));
    assert_false(s3e_retry_may_be_expired("PUT", 400, "BadRequest"));
    assert_false(s3e_retry_may_be_expired("GET", 403, "SignatureDoesNotMatch"));
    assert_false(s3e_retry_may_be_expired("GET", 404, "NoSuchKey"));
    assert_false(s3e_retry_may_be_expired("GET", 403, NULL));
    unsigned seed = 5;
    struct s3e_retry st = { 1, 0, 0 };
    assert_int_equal(s3e_retry_after(&st, S3E_RETRY_ONCE_RENEWED, "AccessDenied", 0, 6, 0, &seed), 0);
    st.attempts = 2;
    assert_int_equal(s3e_retry_after(&st, S3E_RETRY_ONCE_RENEWED, "AccessDenied", 0, 6, 0, &seed), -1);
    /* within the attempts, and not when stopping */
    struct s3e_retry last = { 1, 0, 0 };
    assert_int_equal(s3e_retry_after(&last, S3E_RETRY_ONCE_RENEWED, "AccessDenied", 0, 1, 0, &seed), -1);
    struct s3e_retry stop = { 1, 0, 0 };
    assert_int_equal(s3e_retry_after(&stop, S3E_RETRY_ONCE_RENEWED, "AccessDenied", 0, 6, 1, &seed), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retryable),
        cmocka_unit_test(test_not_retryable),
        cmocka_unit_test(test_backoff_cap_and_jitter),
        cmocka_unit_test(test_backoff_grows_exponentially),
        cmocka_unit_test(test_backoff_edges),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_maybe_expired_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
