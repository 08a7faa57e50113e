/* test_deadline.c - how long a request may take: the limits by operation (a
 * pure function), and against a local server that accepts and never answers:
 * a stall is given up in seconds, the object's deadline ends retries, the
 * cancel flag (a signal) ends what is in flight at once, and cleanups get
 * their short grace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "../../engine/s3_client.h"
#include "../../engine/s3_limits.h"
#include "../../engine/s3_ops.h"
#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/s3.h"
#include "local_http.h"

#define GIB (1ULL << 30)

static int port;
static atomic_int cancel_flag;

/* Every connection read until the client closes it, never answered; enough
 * readers for the parallel requests. */
static int setup(void **state)
{
    (void)state;
    port = local_http_start(NULL, NULL, 8);
    return port < 0 ? -1 : 0;
}

struct client {
    struct s3e_config cfg;
    struct s3e_client *c;
    char endpoint[64];
};

static void open_client(struct client *k, long request_timeout_ms, int attempts)
{
    memset(k, 0, sizeof *k);
    snprintf(k->endpoint, sizeof k->endpoint, "http://127.0.0.1:%d", port);
    k->cfg.creds.access_key = "AKIDEXAMPLE";
    k->cfg.creds.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    k->cfg.region = "us-east-1";
    k->cfg.endpoint = k->endpoint;
    k->cfg.path_style = 1;
    k->cfg.connect_timeout_ms = 5000;
    k->cfg.request_timeout_ms = request_timeout_ms;
    k->cfg.max_attempts = attempts;
    k->cfg.cancel = &cancel_flag;
    cancel_flag = 0;
    assert_int_equal(s3e_client_new(&k->c, &k->cfg), S3E_OK);
}

static long elapsed_ms(long t0)
{
    return s3e_now_ms() - t0;
}

static void test_limits_by_operation(void **state)
{
    (void)state;
    struct s3e_config cfg = { .request_timeout_ms = 30000, .copy_timeout_ms = 120000 };
    struct s3e_limits l;
    s3e_request_limits(&cfg, 0, -1, &l); /* HEAD, List, Delete, ... */
    assert_int_equal(l.total_ms, 30000);
    assert_int_equal(l.stall_ms, 15000);
    assert_int_equal(l.by_deadline, 0);
    s3e_request_limits(&cfg, 5 * GIB, -1, &l); /* the largest CopyObject */
    assert_int_equal(l.total_ms, 30000 + 5 * 120000);
    assert_int_equal(l.stall_ms, (30000 + 5 * 120000) / 2);
    s3e_request_limits(&cfg, 64ULL << 20, -1, &l); /* a 64 MiB part */
    assert_int_equal(l.total_ms, 30000 + 120000 / 16);
    assert_int_equal(l.own_ms, l.total_ms);
    s3e_request_limits(&cfg, 5 * GIB, 4000, &l); /* 4 s left before the object's deadline */
    assert_int_equal(l.total_ms, 4000);
    assert_int_equal(l.stall_ms, (30000 + 5 * 120000) / 2);
    assert_int_equal(l.by_deadline, 1);
    assert_int_equal(l.own_ms, 30000 + 5 * 120000); /* what a slow answer is measured by */
    s3e_request_limits(&cfg, 0, 0, &l); /* never 0: curl reads that as "no limit" */
    assert_true(l.total_ms > 0);
    struct s3e_config unset = { 0 };
    s3e_request_limits(&unset, 0, -1, &l);
    assert_int_equal(l.total_ms, S3E_DEFAULT_REQUEST_TIMEOUT_MS);
    s3e_request_limits(&cfg, 1ULL << 62, -1, &l); /* no overflow */
    assert_true(l.total_ms > 0);
}

static void test_stall_is_given_up_in_seconds(void **state)
{
    (void)state;
    struct client k;
    open_client(&k, 2000, 1); /* stalled after 1 s of silence */
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    long t0 = s3e_now_ms();
    int rc = s3e_s3_delete_object(k.c, "b", "k", &err);
    long ms = elapsed_ms(t0);
    assert_int_equal(rc, S3E_ETRANSPORT);
    assert_non_null(strstr(err.detail, "stalled: no progress for 1 s"));
    assert_true(err.retryable);
    assert_true(ms >= 900 && ms < 2500);
    s3e_client_free(k.c);
}

static void test_deadline_ends_retries(void **state)
{
    (void)state;
    struct client k;
    open_client(&k, 60000, 100);
    struct s3e_deadline dl = { s3e_now_ms() + 1500, 1 };
    s3e_client_set_deadline(k.c, &dl);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    long t0 = s3e_now_ms();
    int rc = s3e_s3_delete_object(k.c, "b", "k", &err);
    long ms = elapsed_ms(t0);
    assert_int_equal(rc, S3E_ETRANSPORT);
    assert_non_null(strstr(err.detail, "the object's deadline (1 s) passed"));
    assert_false(err.retryable);
    assert_true(ms >= 1400 && ms < 3000);
    /* a cleanup is not bound by it (it has its own limits) */
    s3e_client_cleanup(k.c, 1);
    k.cfg.request_timeout_ms = 1000;
    k.cfg.max_attempts = 1;
    t0 = s3e_now_ms();
    rc = s3e_s3_delete_object(k.c, "b", "k", &err);
    assert_int_equal(rc, S3E_ETRANSPORT);
    assert_null(strstr(err.detail, "deadline"));
    s3e_client_free(k.c);
}

static void *raise_cancel(void *ud)
{
    (void)ud;
    usleep(300 * 1000);
    cancel_flag = 1;
    return NULL;
}

static void test_cancel_ends_request_in_flight(void **state)
{
    (void)state;
    struct client k;
    open_client(&k, 60000, 6);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, raise_cancel, NULL), 0);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    long t0 = s3e_now_ms();
    int rc = s3e_s3_delete_object(k.c, "b", "k", &err);
    long ms = elapsed_ms(t0);
    pthread_join(t, NULL);
    assert_int_equal(rc, S3E_ECANCELED);
    assert_string_equal(err.detail, "interrupted");
    assert_false(err.retryable);
    assert_true(ms < 2500);
    /* after the signal nothing new starts */
    t0 = s3e_now_ms();
    assert_int_equal(s3e_s3_delete_object(k.c, "b", "k", &err), S3E_ECANCELED);
    assert_true(elapsed_ms(t0) < 100);
    s3e_client_free(k.c);
}

/* A batch (send_many, the streamed copy's parts on a thread): every request
 * in flight or waiting ends at the signal. */
static void test_cancel_ends_a_batch(void **state)
{
    (void)state;
    struct client k;
    open_client(&k, 60000, 6);
    struct s3e_req reqs[6];
    struct s3e_resp resps[6];
    struct s3e_s3_error errs[6];
    int rcs[6];
    for (int i = 0; i < 6; i++) {
        s3e_s3_delete_request(&reqs[i], "b", "k");
        s3e_resp_init(&resps[i]);
    }
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, raise_cancel, NULL), 0);
    long t0 = s3e_now_ms();
    int rc = s3e_client_send_many(k.c, reqs, 6, 3, 1, resps, errs, rcs);
    long ms = elapsed_ms(t0);
    pthread_join(t, NULL);
    assert_int_equal(rc, S3E_ECANCELED);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(rcs[i], S3E_ECANCELED);
        s3e_resp_free(&resps[i]);
    }
    assert_true(ms < 2500);
    s3e_client_free(k.c);
}

static void test_cleanup_gets_a_short_grace(void **state)
{
    (void)state;
    struct client k;
    open_client(&k, 60000, 6);
    cancel_flag = 1;
    s3e_client_cleanup(k.c, 1);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    long t0 = s3e_now_ms();
    int rc = s3e_s3_delete_object(k.c, "b", "k", &err); /* sent, then given up */
    long ms = elapsed_ms(t0);
    assert_int_not_equal(rc, S3E_OK);
    assert_true(ms >= 1500 && ms < 3500);
    /* the grace is shared: the next cleanup has none left */
    t0 = s3e_now_ms();
    assert_int_equal(s3e_s3_delete_object(k.c, "b", "k", &err), S3E_ECANCELED);
    assert_true(elapsed_ms(t0) < 100);
    s3e_client_free(k.c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits_by_operation),
        cmocka_unit_test(test_stall_is_given_up_in_seconds),
        cmocka_unit_test(test_deadline_ends_retries),
        cmocka_unit_test(test_cancel_ends_request_in_flight),
        cmocka_unit_test(test_cancel_ends_a_batch),
        cmocka_unit_test(test_cleanup_gets_a_short_grace),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
