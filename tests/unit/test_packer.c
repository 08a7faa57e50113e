/* test_packer.c - payload packing: limits respected, oversized objects alone,
 * bytes balanced across workers, groups kept apart, streaming bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3engine/error.h"
#include "s3engine/packer.h"

#define MAXP 4096

struct seen {
    size_t n;
    struct {
        int worker;
        size_t njobs;
        uint64_t bytes;
        char group[32];
        uint64_t sizes_sum;
        int keys_ok;
    } p[MAXP];
    size_t jobs;
};

static int collect(void *ud, struct s3e_payload *pl)
{
    struct seen *s = ud;
    assert_true(s->n < MAXP);
    s->p[s->n].worker = pl->worker;
    s->p[s->n].njobs = pl->njobs;
    s->p[s->n].bytes = pl->bytes;
    snprintf(s->p[s->n].group, sizeof s->p[s->n].group, "%s", pl->group_name);
    uint64_t sum = 0;
    int ok = 1;
    for (size_t i = 0; i < pl->njobs; i++) {
        const struct s3e_job *j = &pl->jobs[i];
        sum += j->size;
        /* strings survive the packer's copies: dst key is "d/" + src key */
        ok &= strncmp(j->dst_key, "d/", 2) == 0 && strcmp(j->dst_key + 2, j->src_key) == 0;
        ok &= strcmp(j->src_bucket, "src") == 0 && strcmp(j->dst_bucket, "dst") == 0;
    }
    s->p[s->n].sizes_sum = sum;
    s->p[s->n].keys_ok = ok;
    s->jobs += pl->njobs;
    s->n++;
    s3e_payload_free(pl);
    return 0;
}

static void add(struct s3e_packer *p, int i, uint64_t size, const char *group, uint64_t gmax)
{
    char src[64], dst[80];
    snprintf(src, sizeof src, "k/%06d", i);
    snprintf(dst, sizeof dst, "d/%s", src);
    struct s3e_job j = {
        .size = size, .src_bucket = "src", .src_key = src, .dst_bucket = "dst", .dst_key = dst,
        .etag = "0123456789abcdef0123456789abcdef",
    };
    assert_int_equal(s3e_packer_add(p, &j, group, gmax, 0), S3E_OK);
}

static struct s3e_packer *packer(struct seen *s, int workers, uint64_t max_bytes,
                                 uint64_t max_objects, size_t hold)
{
    struct s3e_packer_opts o = { .workers = workers, .max_bytes = max_bytes,
                                 .max_objects = max_objects, .request_cost = 0,
                                 .hold_limit = hold };
    struct s3e_packer *p = NULL;
    memset(s, 0, sizeof *s);
    assert_int_equal(s3e_packer_new(&p, &o, collect, s), S3E_OK);
    return p;
}

static void test_limits_respected_and_big_objects_alone(void **state)
{
    (void)state;
    static struct seen s;
    struct s3e_packer *p = packer(&s, 3, 1000, 5, 100000);
    uint64_t total = 0;
    for (int i = 0; i < 200; i++) {
        uint64_t size = (uint64_t)(i * 37 % 400) + 1;
        if (i % 50 == 0)
            size = 2500; /* larger than the limit */
        add(p, i, size, NULL, 0);
        total += size;
    }
    assert_int_equal(s3e_packer_finish(p), S3E_OK);
    assert_int_equal(s.jobs, 200);
    uint64_t bytes = 0;
    size_t alone = 0;
    for (size_t i = 0; i < s.n; i++) {
        bytes += s.p[i].bytes;
        assert_int_equal(s.p[i].bytes, s.p[i].sizes_sum);
        assert_true(s.p[i].keys_ok);
        assert_true(s.p[i].njobs <= 5);
        assert_true(s.p[i].worker >= 0 && s.p[i].worker < 3);
        if (s.p[i].bytes > 1000) {
            assert_int_equal(s.p[i].njobs, 1); /* oversized: its own payload */
            alone++;
        }
    }
    assert_int_equal(alone, 4);
    assert_int_equal(bytes, total);
    s3e_packer_free(p);
}

static void test_bytes_balanced_across_workers(void **state)
{
    (void)state;
    static struct seen s;
    struct s3e_packer *p = packer(&s, 4, 1u << 30, 0, 100000);
    for (int i = 0; i < 1000; i++)
        add(p, i, (uint64_t)((i * 7919) % 100000) + 1, NULL, 0);
    assert_int_equal(s3e_packer_finish(p), S3E_OK);
    uint64_t load[4] = { 0 };
    for (size_t i = 0; i < s.n; i++)
        load[s.p[i].worker] += s.p[i].bytes;
    uint64_t lo = load[0], hi = load[0];
    for (int w = 1; w < 4; w++) {
        lo = load[w] < lo ? load[w] : lo;
        hi = load[w] > hi ? load[w] : hi;
    }
    /* largest-first to the least loaded: within one object (100000) of even */
    assert_true(hi - lo <= 100000);
    assert_true(lo > 0);
    s3e_packer_free(p);
}

static void test_groups_have_their_own_payloads_and_limits(void **state)
{
    (void)state;
    static struct seen s;
    struct s3e_packer *p = packer(&s, 2, 1000, 0, 100000);
    for (int i = 0; i < 100; i++)
        add(p, i, 100, i % 2 ? "small" : NULL, i % 2 ? 250 : 0);
    assert_int_equal(s3e_packer_finish(p), S3E_OK);
    size_t small = 0, dflt = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (strcmp(s.p[i].group, "small") == 0) {
            assert_true(s.p[i].bytes <= 250);
            small += s.p[i].njobs;
        } else {
            assert_string_equal(s.p[i].group, "");
            assert_true(s.p[i].bytes <= 1000);
            dflt += s.p[i].njobs;
        }
    }
    assert_int_equal(small, 50);
    assert_int_equal(dflt, 50);
    s3e_packer_free(p);
}

static void test_request_cost_spreads_many_small_objects(void **state)
{
    (void)state;
    static struct seen s;
    struct s3e_packer_opts o = { .workers = 2, .max_bytes = 1ULL << 40, .request_cost = 1 << 20,
                                 .hold_limit = 100000 };
    struct s3e_packer *p = NULL;
    memset(&s, 0, sizeof s);
    assert_int_equal(s3e_packer_new(&p, &o, collect, &s), S3E_OK);
    add(p, 0, 100ULL << 20, NULL, 0);          /* one 100 MiB object */
    for (int i = 1; i <= 200; i++)
        add(p, i, 1, NULL, 0);                   /* 200 tiny ones: 200 requests */
    assert_int_equal(s3e_packer_finish(p), S3E_OK);
    size_t objects[2] = { 0 };
    for (size_t i = 0; i < s.n; i++)
        objects[s.p[i].worker] += s.p[i].njobs;
    /* bytes alone would put every tiny object beside the big one; costs split them */
    assert_true(objects[0] > 50 && objects[1] > 50);
    s3e_packer_free(p);
}

static void test_streaming_after_hold_limit(void **state)
{
    (void)state;
    static struct seen s;
    struct s3e_packer *p = packer(&s, 2, 500, 0, 10);
    for (int i = 0; i < 100; i++) {
        add(p, i, 100, NULL, 0);
        if (i == 10)
            assert_true(s3e_packer_streaming(p));
    }
    /* full payloads were emitted while adding, before finish */
    size_t before_finish = s.n;
    assert_true(before_finish >= 15);
    assert_int_equal(s3e_packer_finish(p), S3E_OK);
    assert_int_equal(s.jobs, 100);
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(s.p[i].worker, -1);
        assert_true(s.p[i].bytes <= 500);
        assert_true(s.p[i].keys_ok);
    }
    s3e_packer_free(p);
}

static int stop_at_third(void *ud, struct s3e_payload *pl)
{
    int *n = ud;
    s3e_payload_free(pl);
    return ++*n == 3 ? S3E_ECANCELED : 0;
}

static void test_emit_error_stops_and_frees(void **state)
{
    (void)state;
    int n = 0;
    struct s3e_packer_opts o = { .workers = 1, .max_bytes = 100, .hold_limit = 0 };
    struct s3e_packer *p = NULL;
    assert_int_equal(s3e_packer_new(&p, &o, stop_at_third, &n), S3E_OK);
    int rc = S3E_OK;
    for (int i = 0; i < 10 && !rc; i++) {
        struct s3e_job j = { .size = 100, .src_bucket = "s", .src_key = "k", .dst_bucket = "d",
                             .dst_key = "k" };
        rc = s3e_packer_add(p, &j, NULL, 0, 0);
    }
    assert_int_equal(rc, S3E_ECANCELED);
    assert_int_equal(n, 3);
    s3e_packer_free(p); /* no leak of the open payload (ASan build checks) */
}

static void test_bad_options_rejected(void **state)
{
    (void)state;
    struct s3e_packer *p = NULL;
    struct s3e_packer_opts o = { .workers = 0, .max_bytes = 100 };
    assert_int_equal(s3e_packer_new(&p, &o, stop_at_third, NULL), S3E_EINVAL);
    o.workers = 1;
    o.max_bytes = 0;
    assert_int_equal(s3e_packer_new(&p, &o, stop_at_third, NULL), S3E_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits_respected_and_big_objects_alone),
        cmocka_unit_test(test_bytes_balanced_across_workers),
        cmocka_unit_test(test_groups_have_their_own_payloads_and_limits),
        cmocka_unit_test(test_request_cost_spreads_many_small_objects),
        cmocka_unit_test(test_streaming_after_hold_limit),
        cmocka_unit_test(test_emit_error_stops_and_frees),
        cmocka_unit_test(test_bad_options_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
