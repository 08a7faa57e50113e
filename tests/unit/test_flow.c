/* test_flow.c - the window of part copies in flight (engine/flow.c): where it
 * starts, how it grows, how far one sign of trouble cuts it, and that answers
 * to attempts sent before a cut do not cut again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../engine/flow.h"
#include "s3engine/plan.h"

#define LIMIT_MS 40000L /* a 64 MiB part's limit at the defaults is 37.5 s */

/* Fill the window: take parts until there is no room; how many were taken. */
static int fill(struct s3e_flow *f)
{
    int n = 0;
    while (s3e_flow_room(f)) {
        s3e_flow_take(f, 64u << 20);
        n++;
    }
    return n;
}

static void test_ceiling(void **state)
{
    (void)state;
    assert_int_equal(s3e_flow_ceiling(0, 16, 8), S3E_DEFAULT_PARTS_IN_FLIGHT);
    assert_int_equal(s3e_flow_ceiling(0, 2, 3), 6);  /* fewer cannot be in flight */
    assert_int_equal(s3e_flow_ceiling(0, 0, 0), 1);
    assert_int_equal(s3e_flow_ceiling(100, 16, 8), 100); /* --parts-in-flight wins */
}

static void test_starts_small_and_bounded(void **state)
{
    (void)state;
    struct s3e_flow f;
    s3e_flow_init(&f, 32);
    assert_int_equal(fill(&f), S3E_FLOW_START);
    assert_int_equal(f.part_bytes, 64u << 20);
    s3e_flow_init(&f, 3);
    assert_int_equal(fill(&f), 3);
    s3e_flow_init(&f, 0);
    assert_int_equal(fill(&f), 1);
    s3e_flow_release(&f);
    assert_int_equal(f.in_flight, 0);
    assert_int_equal(f.part_bytes, 0); /* none in flight: small requests wait behind none */
}

static void test_grows_to_ceiling(void **state)
{
    (void)state;
    struct s3e_flow f;
    s3e_flow_init(&f, 32);
    long t = 1000;
    /* slow start: one more per answer in good time, up to the ceiling and no further */
    for (int i = 0; i < 8; i++)
        assert_int_equal(s3e_flow_answer(&f, S3E_FLOW_OK, t, t + 100), 0);
    assert_int_equal(s3e_flow_limit(&f), 16);
    for (int i = 0; i < 100; i++)
        s3e_flow_answer(&f, S3E_FLOW_OK, t, t + 100);
    assert_int_equal(s3e_flow_limit(&f), 32);
}

static void test_cuts_and_recovers(void **state)
{
    (void)state;
    struct s3e_flow f;
    s3e_flow_init(&f, 32);
    long t = 1000;
    for (int i = 0; i < 24; i++)
        s3e_flow_answer(&f, S3E_FLOW_OK, t, t + 10);
    assert_int_equal(s3e_flow_limit(&f), 32);
    /* a SlowDown halves it */
    assert_int_equal(s3e_flow_answer(&f, S3E_FLOW_BUSY, 2000, 3000), 1);
    assert_int_equal(s3e_flow_limit(&f), 16);
    /* the others sent before that cut are of the same episode */
    for (int i = 0; i < 20; i++)
        assert_int_equal(s3e_flow_answer(&f, S3E_FLOW_BUSY, 2500, 3500), 0);
    assert_int_equal(s3e_flow_limit(&f), 16);
    /* sent after it: the server is still busy, cut again */
    assert_int_equal(s3e_flow_answer(&f, S3E_FLOW_BUSY, 3001, 4000), 1);
    assert_int_equal(s3e_flow_limit(&f), 8);
    /* a slow answer takes a quarter off */
    assert_int_equal(s3e_flow_answer(&f, S3E_FLOW_SLOW, 4001, 5000), 1);
    assert_int_equal(s3e_flow_limit(&f), 6);
    /* never below one, however often */
    for (long i = 0; i < 50; i++)
        s3e_flow_answer(&f, S3E_FLOW_BUSY, 6000 + 2 * i, 6001 + 2 * i);
    assert_int_equal(s3e_flow_limit(&f), 1);
    assert_int_equal(fill(&f), 1);
    /* failures that say nothing of load change nothing */
    assert_int_equal(s3e_flow_answer(&f, S3E_FLOW_NEUTRAL, 9000, 9001), 0);
    assert_int_equal(s3e_flow_limit(&f), 1);
    /* after a cut it grows by about one per window of good answers: 1 -> 2
     * in one, 2 -> 4 in about 2 + 3 */
    s3e_flow_answer(&f, S3E_FLOW_OK, 9000, 9001);
    assert_int_equal(s3e_flow_limit(&f), 2);
    int answers = 0;
    while (s3e_flow_limit(&f) < 4 && answers < 100) {
        s3e_flow_answer(&f, S3E_FLOW_OK, 9000, 9001);
        answers++;
    }
    assert_true(answers >= 4 && answers <= 6);
    assert_true(f.cuts >= 4);
}

static void test_classify(void **state)
{
    (void)state;
    assert_int_equal(s3e_flow_classify(0, 0, 1000, LIMIT_MS), S3E_FLOW_OK);
    assert_int_equal(s3e_flow_classify(0, 0, LIMIT_MS / 4, LIMIT_MS), S3E_FLOW_OK);
    assert_int_equal(s3e_flow_classify(0, 0, LIMIT_MS / 4 + 1, LIMIT_MS), S3E_FLOW_SLOW);
    assert_int_equal(s3e_flow_classify(5, 1, 10, LIMIT_MS), S3E_FLOW_BUSY);
    assert_int_equal(s3e_flow_classify(5, 0, LIMIT_MS, LIMIT_MS), S3E_FLOW_NEUTRAL);
    /* the threshold follows the limit: --request-timeout 2 with a 5 MiB part's copy
     * time (3465 ms), the default 64 MiB part's (37500 ms), a 5 GiB copy's */
    static const long limits[] = { 3465, 37500, 1530000 };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        long slow = limits[i] / S3E_FLOW_SLOW_SHARE;
        assert_int_equal(s3e_flow_classify(0, 0, slow, limits[i]), S3E_FLOW_OK);
        assert_int_equal(s3e_flow_classify(0, 0, slow + 1, limits[i]), S3E_FLOW_SLOW);
    }
    assert_int_equal(s3e_flow_classify(0, 0, 1L << 40, 0), S3E_FLOW_OK); /* no limit */
}

/* The start does not grow with the ceiling (flow.h says why); a ceiling below
 * it is the start. Whatever the ceiling, slow start reaches it by doubling. */
static void test_start_against_ceilings(void **state)
{
    (void)state;
    static const int ceilings[] = { 1, 3, 8, 32, 256, 4096 };
    for (size_t i = 0; i < sizeof ceilings / sizeof ceilings[0]; i++) {
        int c = ceilings[i];
        struct s3e_flow f;
        s3e_flow_init(&f, c);
        assert_int_equal(fill(&f), c < S3E_FLOW_START ? c : S3E_FLOW_START);
        int rounds = 0;
        while (s3e_flow_limit(&f) < c && rounds < 100) {
            int n = s3e_flow_limit(&f); /* one round: every part in flight answered in time */
            for (int k = 0; k < n; k++)
                s3e_flow_answer(&f, S3E_FLOW_OK, 1000, 1100);
            rounds++;
        }
        assert_int_equal(s3e_flow_limit(&f), c);
        assert_true(rounds <= 10); /* 8 -> 4096: nine doublings */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ceiling),
        cmocka_unit_test(test_starts_small_and_bounded),
        cmocka_unit_test(test_grows_to_ceiling),
        cmocka_unit_test(test_cuts_and_recovers),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_start_against_ceilings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
