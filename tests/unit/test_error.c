/* test_error.c - an S3 failure as the one line a caller's errbuf gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "s3engine/error.h"

static struct s3e_s3_error no_such_key(void)
{
    struct s3e_s3_error e;
    s3e_s3_error_clear(&e);
    snprintf(e.operation, sizeof e.operation, "HeadObject");
    snprintf(e.code, sizeof e.code, "NoSuchKey");
    e.http_status = 404;
    snprintf(e.request_id, sizeof e.request_id, "tx01");
    e.attempts = 2;
    return e;
}

static void test_format(void **state)
{
    (void)state;
    struct s3e_s3_error e = no_such_key();
    char line[256];
    assert_string_equal(s3e_s3_error_format(&e, S3E_ES3, line, sizeof line),
                        "HeadObject: NoSuchKey (HTTP 404) [request-id tx01] after 2 attempts");
    s3e_s3_error_clear(&e);
    snprintf(e.detail, sizeof e.detail, "connection refused");
    s3e_s3_error_format(&e, S3E_ETRANSPORT, line, sizeof line);
    assert_string_equal(line, "request: network error (no HTTP response): connection refused");
    assert_string_equal(s3e_s3_error_format(NULL, S3E_ENOMEM, line, sizeof line),
                        "out of memory");
}

/* What the caller was doing, then the failure; cut to fit, never past errlen. */
static void test_errbuf(void **state)
{
    (void)state;
    struct s3e_s3_error e = no_such_key();
    char line[256];
    assert_int_equal(s3e_s3_errbuf(line, sizeof line, S3E_ES3, &e, "HEAD s3://%s/%s", "b", "k"),
                     S3E_ES3);
    assert_string_equal(line, "HEAD s3://b/k: HeadObject: NoSuchKey (HTTP 404) "
                              "[request-id tx01] after 2 attempts");
    char small[24];
    memset(small, 'x', sizeof small);
    s3e_s3_errbuf(small, sizeof small, S3E_ES3, &e, "listing s3://%s", "bucket");
    assert_string_equal(small, "listing s3://bucket: He");
    char tiny[8];
    memset(tiny, 'x', sizeof tiny);
    s3e_s3_errbuf(tiny, sizeof tiny, S3E_ES3, &e, "listing s3://%s", "bucket");
    assert_string_equal(tiny, "listing");
    assert_int_equal(s3e_s3_errbuf(NULL, 0, S3E_EIO, &e, "x"), S3E_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_errbuf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
