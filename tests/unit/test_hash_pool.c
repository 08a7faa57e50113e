/* test_hash_pool.c - bodies hashed on the pool's threads give what hashing
 * them here gives, each job wakes its caller once, the object's MD5 fed in
 * order by jobs equals the MD5 of the whole, and a cancelled job is idle
 * (out of the queue, or waited for). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../engine/hash_pool.h"
#include "s3engine/error.h"

#define N 8
#define LEN (2u << 20)

static atomic_int wakes;

static void on_wake(void *ud)
{
    (void)ud;
    atomic_fetch_add(&wakes, 1);
}

static void wait_done(struct s3e_hash_job *j)
{
    struct timespec ms = { 0, 1000000 };
    for (int i = 0; i < 20000 && !s3e_hash_done(j); i++)
        nanosleep(&ms, NULL);
    assert_true(s3e_hash_done(j));
}

static void fill(char *data, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        data[i] = (char)(seed * 31 + i * 7 + (i >> 9));
}

static void test_parts_as_here(void **state)
{
    (void)state;
    struct s3e_hash_pool *pool;
    assert_int_equal(s3e_hash_pool_new(&pool), S3E_OK);
    static char data[N][LEN];
    struct s3e_buf body[N];
    struct s3e_part_copy p[N], q;
    struct s3e_part_hash got[N], want;
    struct s3e_hash_job job[N];
    memset(job, 0, sizeof job);
    atomic_store(&wakes, 0);
    for (int i = 0; i < N; i++) {
        fill(data[i], LEN, (unsigned)i);
        body[i] = (struct s3e_buf){ .data = data[i], .len = LEN };
        memset(&p[i], 0, sizeof p[i]);
        job[i].body = &body[i];
        job[i].alg = "CRC32";
        job[i].p = &p[i];
        job[i].out = &got[i];
        job[i].wake = on_wake;
        assert_int_equal(s3e_hash_submit(pool, &job[i]), S3E_OK);
        assert_true(s3e_hash_busy(&job[i]));
    }
    for (int i = 0; i < N; i++) {
        wait_done(&job[i]);
        assert_int_equal(job[i].rc, S3E_OK);
        s3e_hash_collect(&job[i]);
        assert_false(s3e_hash_busy(&job[i]));
        memset(&q, 0, sizeof q);
        assert_int_equal(s3e_part_hash(&body[i], "CRC32", &q, &want), S3E_OK);
        assert_string_equal(got[i].md5_hex, want.md5_hex);
        assert_string_equal(got[i].md5_b64, want.md5_b64);
        assert_string_equal(got[i].sha256_hex, want.sha256_hex);
        assert_string_equal(p[i].checksum, q.checksum);
    }
    assert_int_equal(atomic_load(&wakes), N);
    s3e_hash_pool_free(pool);
}

static void test_feed_in_order(void **state)
{
    (void)state;
    struct s3e_hash_pool *pool;
    assert_int_equal(s3e_hash_pool_new(&pool), S3E_OK);
    static char data[N * LEN / 4];
    fill(data, sizeof data, 5);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_non_null(ctx);
    assert_true(EVP_DigestInit_ex(ctx, EVP_md5(), NULL));
    struct s3e_hash_job j;
    memset(&j, 0, sizeof j);
    size_t part = LEN / 4;
    struct s3e_buf b;
    for (size_t off = 0; off < sizeof data; off += part) {
        b = (struct s3e_buf){ .data = data + off, .len = part };
        j.body = &b;
        j.feed = ctx;
        assert_int_equal(s3e_hash_submit(pool, &j), S3E_OK);
        wait_done(&j);
        assert_int_equal(j.rc, S3E_OK);
        s3e_hash_collect(&j);
    }
    unsigned char fed[16], whole[16];
    unsigned n = 0;
    assert_true(EVP_DigestFinal_ex(ctx, fed, &n));
    assert_true(EVP_Digest(data, sizeof data, whole, &n, EVP_md5(), NULL));
    assert_memory_equal(fed, whole, 16);
    EVP_MD_CTX_free(ctx);
    s3e_hash_pool_free(pool);
}

static void test_cancel(void **state)
{
    (void)state;
    struct s3e_hash_pool *pool;
    assert_int_equal(s3e_hash_pool_new(&pool), S3E_OK);
    static char data[LEN];
    fill(data, LEN, 9);
    struct s3e_buf body = { .data = data, .len = LEN };
    struct s3e_part_copy p[N];
    struct s3e_part_hash out[N];
    struct s3e_hash_job job[N];
    memset(job, 0, sizeof job);
    memset(p, 0, sizeof p);
    for (int i = 0; i < N; i++) {
        job[i].body = &body;
        job[i].p = &p[i];
        job[i].out = &out[i];
        assert_int_equal(s3e_hash_submit(pool, &job[i]), S3E_OK);
    }
    for (int i = N - 1; i >= 0; i--) { /* the last ones still queued, the first under way */
        s3e_hash_cancel(pool, &job[i]);
        assert_false(s3e_hash_busy(&job[i]));
    }
    /* the queue holds none of them any more: a new job runs and is done */
    assert_int_equal(s3e_hash_submit(pool, &job[0]), S3E_OK);
    wait_done(&job[0]);
    s3e_hash_collect(&job[0]);
    s3e_hash_pool_free(pool);
    s3e_hash_pool_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_as_here),
        cmocka_unit_test(test_feed_in_order),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
