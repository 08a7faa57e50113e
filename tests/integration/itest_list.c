/* itest_list.c - ListObjectsV2 through s3e_s3_list against a real S3 server:
 * 2,500 keys over three pages (1000 per page), in order, with the right sizes
 * and ETags; a prefix listing; a prefix with nothing under it; start_after;
 * a callback that stops the listing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3test.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NKEYS 2500

static struct s3t_conn conn;
static char bucket[64];
static char etags[NKEYS][33]; /* md5 of each body = its ETag (single-part PutObject) */

/* Key i: even and odd numbers under two prefixes, so that the whole listing
 * interleaves nothing and a prefix listing has half of them. */
static void key_of(size_t i, char *out, size_t len)
{
    snprintf(out, len, "%s/%05zu", (i % 2) ? "odd" : "even", i);
}

static size_t size_of(size_t i)
{
    return i % 97; /* 0..96 bytes, zero-byte objects included */
}

static void body_of(size_t i, char *out)
{
    for (size_t j = 0; j < size_of(i); j++)
        out[j] = (char)('a' + (i + j) % 26);
}

/* The expected listing order: all keys sorted bytewise. */
static char expected[NKEYS][16];
static size_t expected_index[NKEYS]; /* position in expected -> i */

static int cmp_idx(const void *a, const void *b)
{
    return strcmp(expected[*(const size_t *)a], expected[*(const size_t *)b]);
}

static int setup(void **state)
{
    (void)state;
    s3t_connect(&conn);
    s3t_new_bucket(conn.client, bucket, sizeof bucket);
    char body[128];
    for (size_t i = 0; i < NKEYS; i++) {
        key_of(i, expected[i], sizeof expected[i]);
        body_of(i, body);
        char etag[80];
        s3t_put(conn.client, bucket, expected[i], body, size_of(i), "text/plain", etag);
        s3t_md5_mem(body, size_of(i), etags[i]);
        if (strcmp(etag, etags[i]) != 0)
            fail_msg("PutObject %s: ETag %s, md5 of the body %s", expected[i], etag, etags[i]);
        expected_index[i] = i;
    }
    qsort(expected_index, NKEYS, sizeof expected_index[0], cmp_idx);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (conn.client && bucket[0])
        s3t_delete_bucket(conn.client, bucket);
    s3t_disconnect(&conn);
    return 0;
}

struct seen {
    size_t n;
    size_t stop_after; /* 0 = never stop */
    char   prev[1100];
    size_t bad_order, bad_size, bad_etag, unknown;
    size_t idx[NKEYS + 10];
};

static int find_key(const char *key)
{
    /* keys are "even/NNNNN" or "odd/NNNNN" with NNNNN = i */
    const char *slash = strchr(key, '/');
    if (!slash)
        return -1;
    char *end;
    long i = strtol(slash + 1, &end, 10);
    if (*end || i < 0 || i >= NKEYS || strcmp(expected[i], key) != 0)
        return -1;
    return (int)i;
}

static int on_obj(void *ud, const struct s3e_listed *o)
{
    struct seen *s = ud;
    if (strlen(o->key) != o->key_len)
        s->unknown++;
    if (s->n && strcmp(s->prev, o->key) >= 0) {
        print_error("out of order: '%s' after '%s'\n", o->key, s->prev);
        s->bad_order++;
    }
    snprintf(s->prev, sizeof s->prev, "%s", o->key);
    int i = find_key(o->key);
    if (i < 0) {
        print_error("unexpected key '%s'\n", o->key);
        s->unknown++;
    } else {
        if (o->size != size_of((size_t)i)) {
            print_error("%s: size %llu, expected %zu\n", o->key, (unsigned long long)o->size,
                        size_of((size_t)i));
            s->bad_size++;
        }
        if (!o->etag || strcmp(o->etag, etags[i]) != 0) {
            print_error("%s: etag %s, expected %s\n", o->key, o->etag ? o->etag : "(null)",
                        etags[i]);
            s->bad_etag++;
        }
        if (!o->storage_class || !*o->storage_class)
            s->unknown++;
    }
    if (s->n < NKEYS + 10)
        s->idx[s->n] = i < 0 ? (size_t)-1 : (size_t)i;
    s->n++;
    if (s->stop_after && s->n == s->stop_after)
        return 42;
    return 0;
}

static void expect_clean(const struct seen *s)
{
    assert_int_equal(s->bad_order, 0);
    assert_int_equal(s->bad_size, 0);
    assert_int_equal(s->bad_etag, 0);
    assert_int_equal(s->unknown, 0);
}

static void test_all_keys_paged(void **state)
{
    (void)state;
    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_list(conn.client, bucket, NULL, NULL, on_obj, s, &err), &err, "list all");
    expect_clean(s);
    assert_int_equal(s->n, NKEYS);
    for (size_t j = 0; j < NKEYS; j++)
        if (s->idx[j] != expected_index[j])
            fail_msg("position %zu: got %s, expected %s", j,
                     s->idx[j] < NKEYS ? expected[s->idx[j]] : "?", expected[expected_index[j]]);
    /* "" is the whole bucket too */
    memset(s, 0, sizeof *s);
    s3t_ok(s3e_s3_list(conn.client, bucket, "", NULL, on_obj, s, &err), &err, "list prefix ''");
    expect_clean(s);
    assert_int_equal(s->n, NKEYS);
    free(s);
}

static void test_prefix(void **state)
{
    (void)state;
    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    /* 1,250 keys: two pages */
    s3t_ok(s3e_s3_list(conn.client, bucket, "odd/", NULL, on_obj, s, &err), &err, "list odd/");
    expect_clean(s);
    assert_int_equal(s->n, NKEYS / 2);
    for (size_t j = 0; j < s->n; j++)
        assert_int_equal(s->idx[j], 2 * j + 1);
    /* "even/012" -> even/01200 .. even/01298: 50 keys */
    memset(s, 0, sizeof *s);
    s3t_ok(s3e_s3_list(conn.client, bucket, "even/012", NULL, on_obj, s, &err), &err,
           "list even/012");
    expect_clean(s);
    assert_int_equal(s->n, 50);
    for (size_t j = 0; j < s->n; j++)
        assert_int_equal(s->idx[j], 1200 + 2 * j);
    /* one exact key as a prefix */
    memset(s, 0, sizeof *s);
    s3t_ok(s3e_s3_list(conn.client, bucket, "odd/02499", NULL, on_obj, s, &err), &err,
           "list odd/02499");
    assert_int_equal(s->n, 1);
    assert_int_equal(s->idx[0], 2499);
    free(s);
}

static void test_empty_prefix_result(void **state)
{
    (void)state;
    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    s3t_ok(s3e_s3_list(conn.client, bucket, "nothing/here/", NULL, on_obj, s, &err), &err,
           "list nothing/here/");
    assert_int_equal(s->n, 0);
    s3t_ok(s3e_s3_list(conn.client, bucket, "odd/9", NULL, on_obj, s, &err), &err, "list odd/9");
    assert_int_equal(s->n, 0);
    /* a prefix sorting after every key */
    s3t_ok(s3e_s3_list(conn.client, bucket, "zzz", NULL, on_obj, s, &err), &err, "list zzz");
    assert_int_equal(s->n, 0);
    free(s);
}

static void test_empty_bucket(void **state)
{
    (void)state;
    char b[64];
    s3t_new_bucket(conn.client, b, sizeof b);
    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_list(conn.client, b, NULL, NULL, on_obj, s, &err);
    s3t_delete_bucket(conn.client, b);
    s3t_ok(rc, &err, "list empty bucket");
    assert_int_equal(s->n, 0);
    free(s);
}

static void test_start_after(void **state)
{
    (void)state;
    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    /* after even/01000: even/01002 .. even/02498 (749 keys) then all 1,250 odd */
    s3t_ok(s3e_s3_list(conn.client, bucket, NULL, "even/01000", on_obj, s, &err), &err,
           "list start-after even/01000");
    expect_clean(s);
    assert_int_equal(s->n, 749 + 1250);
    assert_int_equal(s->idx[0], 1002);
    assert_int_equal(s->idx[s->n - 1], 2499);
    free(s);
}

static void test_callback_stops(void **state)
{
    (void)state;
    struct seen *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->stop_after = 1500; /* on the second page */
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_list(conn.client, bucket, NULL, NULL, on_obj, s, &err);
    assert_int_equal(rc, 42);
    assert_int_equal(s->n, 1500);
    free(s);
}

int main(void)
{
    if (!s3t_main_check_env("itest_list"))
        return 1; /* never skip: no server is a failure */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_keys_paged),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_empty_prefix_result),
        cmocka_unit_test(test_empty_bucket),
        cmocka_unit_test(test_start_after),
        cmocka_unit_test(test_callback_stops),
    };
    int failed = cmocka_run_group_tests_name("itest_list", tests, setup, teardown);
    curl_global_cleanup();
    return failed;
}
