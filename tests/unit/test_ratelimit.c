/* test_ratelimit.c - requests in flight per bucket under throttling (AIMD),
 * and the --max-rps token bucket, on a clock the test drives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../engine/ratelimit.h"

#define MAXT 256

/* Start as many requests to bucket as the limiter lets through at now (up
 * to n); their tickets go to t[]. Returns how many started. */
static int start_all(struct s3e_ratelimit *rl, const char *bucket, long now,
                     struct s3e_rate_ticket *t, int n)
{
    int i = 0;
    while (i < n && s3e_ratelimit_try(rl, bucket, now, &t[i]) == 0)
        i++;
    return i;
}

static double limit_of(struct s3e_ratelimit *rl, const char *bucket)
{
    struct s3e_rate_bucket_stats st[8];
    int n = s3e_ratelimit_stats(rl, st, 8);
    for (int i = 0; i < n && i < 8; i++)
        if (strcmp(st[i].bucket, bucket) == 0)
            return st[i].limit;
    return -1;
}

static void test_no_limit_until_throttled(void **state)
{
    (void)state;
    struct s3e_ratelimit *rl;
    assert_int_equal(s3e_ratelimit_new(&rl, 0), 0);
    static struct s3e_rate_ticket t[MAXT];
    assert_int_equal(start_all(rl, "b", 1000, t, 200), 200);
    for (int i = 0; i < 200; i++)
        s3e_ratelimit_done(&t[i], S3E_RATE_OK, 1010);
    assert_true(limit_of(rl, "b") == 0);
    assert_int_equal(s3e_ratelimit_slowdowns(rl), 0);
    s3e_ratelimit_free(rl);
    /* no limiter at all: always go */
    struct s3e_rate_ticket x;
    assert_int_equal(s3e_ratelimit_try(NULL, "b", 0, &x), 0);
    s3e_ratelimit_done(&x, S3E_RATE_THROTTLED, 0);
}

static void test_throttle_halves_in_flight_once_per_round_trip(void **state)
{
    (void)state;
    struct s3e_ratelimit *rl;
    assert_int_equal(s3e_ratelimit_new(&rl, 0), 0);
    static struct s3e_rate_ticket t[MAXT];
    assert_int_equal(start_all(rl, "b", 1000, t, 64), 64);
    /* a lone SlowDown is retried, not obeyed */
    s3e_ratelimit_done(&t[0], S3E_RATE_THROTTLED, 1010);
    assert_true(limit_of(rl, "b") == 0);
    /* the next ones, sent before any cut: one cut, to half of the 63 in flight */
    s3e_ratelimit_done(&t[1], S3E_RATE_THROTTLED, 1010);
    s3e_ratelimit_done(&t[2], S3E_RATE_THROTTLED, 1010);
    assert_true(limit_of(rl, "b") == 31.5);
    assert_int_equal(s3e_ratelimit_slowdowns(rl), 3);
    /* 61 still in flight: nothing starts until fewer than 32 are */
    struct s3e_rate_ticket x, y;
    assert_true(s3e_ratelimit_try(rl, "b", 1020, &x) > 0);
    for (int i = 3; i < 33; i++)
        s3e_ratelimit_done(&t[i], S3E_RATE_OTHER, 1030);
    assert_true(s3e_ratelimit_try(rl, "b", 2000, &x) == 0); /* 31 in flight now */
    s3e_ratelimit_done(&t[33], S3E_RATE_OTHER, 2500);
    assert_true(s3e_ratelimit_try(rl, "b", 3000, &y) == 0);
    /* answers to requests sent after the cut, two in a row: cut again */
    s3e_ratelimit_done(&x, S3E_RATE_THROTTLED, 3010);
    assert_true(limit_of(rl, "b") == 31.5); /* 32 answers since the last SlowDown */
    s3e_ratelimit_done(&y, S3E_RATE_THROTTLED, 3010);
    assert_true(limit_of(rl, "b") == 15.75);
    for (int i = 34; i < 64; i++)
        s3e_ratelimit_done(&t[i], S3E_RATE_THROTTLED, 3020); /* sent before: no more cuts */
    assert_true(limit_of(rl, "b") == 15.75);
    struct s3e_rate_bucket_stats st[4];
    assert_int_equal(s3e_ratelimit_stats(rl, st, 4), 1);
    assert_int_equal(st[0].slowdowns, 35);
    assert_int_equal(st[0].cuts, 2);
    assert_true(st[0].lowest == 15.75);
    s3e_ratelimit_free(rl);
}

/* Successes grow the limit back, but only while requests wait for a slot. */
static void test_grows_back_while_requests_wait(void **state)
{
    (void)state;
    struct s3e_ratelimit *rl;
    assert_int_equal(s3e_ratelimit_new(&rl, 0), 0);
    struct s3e_rate_ticket t[64];
    assert_int_equal(start_all(rl, "b", 0, t, 5), 5);
    s3e_ratelimit_done(&t[0], S3E_RATE_THROTTLED, 10);
    s3e_ratelimit_done(&t[1], S3E_RATE_THROTTLED, 10); /* 4 in flight -> 2 */
    s3e_ratelimit_done(&t[2], S3E_RATE_OK, 10);
    s3e_ratelimit_done(&t[3], S3E_RATE_OK, 10);
    s3e_ratelimit_done(&t[4], S3E_RATE_OK, 10);
    assert_true(limit_of(rl, "b") == 2); /* nobody waited */
    /* a loop turning every millisecond, every answer 10 ms after its request,
     * always more requests than slots */
    long ends[64];
    int n = 0, ok = 0;
    for (long now = 100; now < 400; now++) {
        for (int i = 0; i < n;) {
            if (ends[i] > now) {
                i++;
                continue;
            }
            s3e_ratelimit_done(&t[i], S3E_RATE_OK, now);
            ok++;
            t[i] = t[--n];
            ends[i] = ends[n];
        }
        while (n < 64 && s3e_ratelimit_try(rl, "b", now, &t[n]) == 0)
            ends[n++] = now + 10;
    }
    assert_true(n < 64);
    /* at once to 3/4 of the 4 the cut started from, then +1 per 16 answers */
    double l = limit_of(rl, "b");
    assert_true(ok > 40);
    assert_true(l > 3 + (ok - 8) / 16.0 && l < 3 + (ok + 8) / 16.0);
    for (int i = 0; i < n; i++)
        s3e_ratelimit_done(&t[i], S3E_RATE_OK, 400);
    s3e_ratelimit_free(rl);
}

/* Below one request per round trip: one at a time, paced. */
static void test_below_one_paces(void **state)
{
    (void)state;
    struct s3e_ratelimit *rl;
    assert_int_equal(s3e_ratelimit_new(&rl, 0), 0);
    struct s3e_rate_ticket t;
    long now = 0;
    /* round trips of 20 ms measured, then throttled down to 1/4 */
    for (int i = 0; i < 40; i++, now += 20) {
        assert_int_equal(s3e_ratelimit_try(rl, "b", now, &t), 0);
        s3e_ratelimit_done(&t, S3E_RATE_OK, now + 20);
    }
    for (int i = 0; i < 4; i++) { /* a lone one, then 1 -> 0.5 -> 0.25 -> 0.125 */
        while (s3e_ratelimit_try(rl, "b", now, &t) > 0)
            now++;
        s3e_ratelimit_done(&t, S3E_RATE_THROTTLED, now + 1);
    }
    assert_true(limit_of(rl, "b") == 0.125);
    /* from now on: a start every 160 ms (20 ms / 0.125), never two in flight */
    now += 1000;
    assert_int_equal(s3e_ratelimit_try(rl, "b", now, &t), 0);
    struct s3e_rate_ticket u;
    assert_true(s3e_ratelimit_try(rl, "b", now + 1, &u) > 0); /* one in flight */
    s3e_ratelimit_done(&t, S3E_RATE_OTHER, now + 20);
    long wait = s3e_ratelimit_try(rl, "b", now + 20, &u);
    assert_true(wait >= 135 && wait <= 145);
    assert_int_equal(s3e_ratelimit_try(rl, "b", now + 20 + wait, &u), 0);
    s3e_ratelimit_done(&u, S3E_RATE_OTHER, now + 200);
    s3e_ratelimit_free(rl);
}

static void test_buckets_are_separate(void **state)
{
    (void)state;
    struct s3e_ratelimit *rl;
    assert_int_equal(s3e_ratelimit_new(&rl, 0), 0);
    static struct s3e_rate_ticket a[MAXT], b[MAXT];
    assert_int_equal(start_all(rl, "a", 0, a, 8), 8);
    s3e_ratelimit_done(&a[0], S3E_RATE_THROTTLED, 5);
    s3e_ratelimit_done(&a[1], S3E_RATE_THROTTLED, 5);
    assert_true(limit_of(rl, "a") == 3.5);
    assert_int_equal(start_all(rl, "b", 6, b, 100), 100); /* b is not throttled */
    assert_true(limit_of(rl, "b") == 0);
    struct s3e_rate_ticket s;
    assert_int_equal(s3e_ratelimit_try(rl, NULL, 7, &s), 0); /* the service: no bucket */
    s3e_ratelimit_done(&s, S3E_RATE_THROTTLED, 8);
    assert_int_equal(s3e_ratelimit_slowdowns(rl), 3);
    s3e_ratelimit_free(rl);
}

/* --max-rps 10: bursts of one, then one every 100 ms, whatever the buckets. */
static void test_max_rps_token_bucket(void **state)
{
    (void)state;
    struct s3e_ratelimit *rl;
    assert_int_equal(s3e_ratelimit_new(&rl, 10), 0);
    struct s3e_rate_ticket t;
    assert_int_equal(s3e_ratelimit_try(rl, "a", 1000, &t), 0);
    s3e_ratelimit_done(&t, S3E_RATE_OK, 1001);
    long wait = s3e_ratelimit_try(rl, "b", 1000, &t);
    assert_true(wait >= 99 && wait <= 100);
    assert_true(s3e_ratelimit_try(rl, "b", 1050, &t) > 0);
    assert_int_equal(s3e_ratelimit_try(rl, "b", 1100, &t), 0);
    s3e_ratelimit_done(&t, S3E_RATE_OK, 1101);
    /* over 10 s of asking every millisecond: about 100 starts */
    int n = 0;
    for (long now = 2000; now < 12000; now++)
        if (s3e_ratelimit_try(rl, "a", now, &t) == 0) {
            n++;
            s3e_ratelimit_done(&t, S3E_RATE_OK, now);
        }
    assert_true(n >= 99 && n <= 101);
    s3e_ratelimit_free(rl);
    /* 1000/s: bursts of a tenth of a second */
    assert_int_equal(s3e_ratelimit_new(&rl, 1000), 0);
    n = 0;
    while (s3e_ratelimit_try(rl, NULL, 5, &t) == 0)
        n++;
    assert_int_equal(n, 100);
    s3e_ratelimit_free(rl);
}

static void test_what_is_a_throttle(void **state)
{
    (void)state;
    assert_true(s3e_ratelimit_is_throttle(503, "SlowDown"));
    assert_true(s3e_ratelimit_is_throttle(503, ""));
    assert_true(s3e_ratelimit_is_throttle(503, "ServiceUnavailable"));
    assert_true(s3e_ratelimit_is_throttle(429, NULL));
    assert_true(s3e_ratelimit_is_throttle(400, "Throttling"));
    assert_true(s3e_ratelimit_is_throttle(400, "ThrottlingException"));
    assert_true(s3e_ratelimit_is_throttle(503, "RequestLimitExceeded"));
    assert_true(s3e_ratelimit_is_throttle(200, "SlowDown")); /* an <Error> in a 200 */
    assert_false(s3e_ratelimit_is_throttle(500, "InternalError"));
    assert_false(s3e_ratelimit_is_throttle(404, "NoSuchKey"));
    assert_false(s3e_ratelimit_is_throttle(0, ""));
    assert_int_equal(s3e_ratelimit_outcome(0, 503, "SlowDown"), S3E_RATE_OK);
    assert_int_equal(s3e_ratelimit_outcome(1, 503, "SlowDown"), S3E_RATE_THROTTLED);
    assert_int_equal(s3e_ratelimit_outcome(1, 500, "InternalError"), S3E_RATE_OTHER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_limit_until_throttled),
        cmocka_unit_test(test_throttle_halves_in_flight_once_per_round_trip),
        cmocka_unit_test(test_grows_back_while_requests_wait),
        cmocka_unit_test(test_below_one_paces),
        cmocka_unit_test(test_buckets_are_separate),
        cmocka_unit_test(test_max_rps_token_bucket),
        cmocka_unit_test(test_what_is_a_throttle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
