/* test_region.c - the region of a bucket: read from AWS's answers, remembered,
 * and used for the endpoint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/region.h"
#include "s3engine/s3xml.h"

static void expect_host(const char *host, const char *region)
{
    char out[S3E_REGION_MAX];
    int found = s3e_region_of_host(host, out);
    if (!region) {
        assert_int_equal(found, 0);
        return;
    }
    assert_int_equal(found, 1);
    assert_string_equal(out, region);
}

static void test_region_of_host(void **state)
{
    (void)state;
    expect_host("b.s3.eu-west-1.amazonaws.com", "eu-west-1");
    expect_host("s3.eu-west-1.amazonaws.com", "eu-west-1");
    expect_host("my.dotted.bucket.s3.ap-south-1.amazonaws.com", "ap-south-1");
    expect_host("b.s3-eu-west-1.amazonaws.com", "eu-west-1");
    expect_host("s3-external-1.amazonaws.com", "us-east-1");
    expect_host("b.s3.dualstack.us-west-2.amazonaws.com", "us-west-2");
    expect_host("s3.amazonaws.com", "us-east-1");
    expect_host("b.s3.amazonaws.com", "us-east-1");
    expect_host("b.s3.cn-north-1.amazonaws.com.cn", "cn-north-1");
    expect_host("b.s3-accelerate.amazonaws.com", NULL);
    expect_host("127.0.0.1:7480", NULL);
    expect_host("", NULL);
    expect_host("s3.eu-west-1.amazonaws.com.evil.example", NULL);
}

static void test_region_named(void **state)
{
    (void)state;
    char out[S3E_REGION_MAX];
    /* a 301 names it in x-amz-bucket-region */
    assert_int_equal(s3e_region_named(301, "PermanentRedirect", "eu-west-1", "", out), 1);
    assert_string_equal(out, "eu-west-1");
    /* a 400 AuthorizationHeaderMalformed in <Region> */
    assert_int_equal(s3e_region_named(400, "AuthorizationHeaderMalformed", "", "ap-south-1", out), 1);
    assert_string_equal(out, "ap-south-1");
    /* a HEAD's 400 has the header only */
    assert_int_equal(s3e_region_named(400, "BadRequest", "us-west-2", "", out), 1);
    assert_string_equal(out, "us-west-2");
    /* the header wins over the body */
    assert_int_equal(s3e_region_named(301, "PermanentRedirect", "eu-west-1", "us-east-1", out), 1);
    assert_string_equal(out, "eu-west-1");
    /* not a redirect, or no usable region */
    assert_int_equal(s3e_region_named(403, "AccessDenied", "eu-west-1", "", out), 0);
    assert_int_equal(s3e_region_named(404, "NoSuchBucket", "eu-west-1", "", out), 0);
    assert_int_equal(s3e_region_named(301, "PermanentRedirect", "", "", out), 0);
    assert_int_equal(s3e_region_named(301, "PermanentRedirect", "eu west\r\n1", "", out), 0);
}

static void test_error_body(void **state)
{
    (void)state;
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    const char *redirect =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code>"
        "<Message>The bucket you are attempting to access must be addressed using the "
        "specified endpoint.</Message><Endpoint>b.s3.eu-central-1.amazonaws.com</Endpoint>"
        "<Bucket>b</Bucket><RequestId>R1</RequestId><HostId>H</HostId></Error>";
    assert_int_equal(s3e_classify_response(301, 0, NULL, redirect, strlen(redirect), "R1", 0, &err),
                     S3E_ES3);
    assert_string_equal(err.code, "PermanentRedirect");
    assert_string_equal(err.region, "eu-central-1");
    const char *malformed =
        "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header "
        "is malformed; the region 'us-east-1' is wrong; expecting 'ap-south-1'</Message>"
        "<Region>ap-south-1</Region><RequestId>R2</RequestId></Error>";
    assert_int_equal(s3e_classify_response(400, 0, NULL, malformed, strlen(malformed), "R2", 0,
                                           &err), S3E_ES3);
    assert_string_equal(err.region, "ap-south-1");
    /* nothing of an earlier answer stays */
    const char *denied = "<Error><Code>AccessDenied</Code></Error>";
    assert_int_equal(s3e_classify_response(403, 0, NULL, denied, strlen(denied), "", 0, &err),
                     S3E_ES3);
    assert_string_equal(err.region, "");
}

static void test_regions_map(void **state)
{
    (void)state;
    struct s3e_regions *r;
    char out[S3E_REGION_MAX];
    assert_int_equal(s3e_regions_new(&r), S3E_OK);
    assert_int_equal(s3e_regions_get(r, "a", out), 0);
    assert_int_equal(s3e_regions_set(r, "a", "eu-west-1"), 1);
    assert_int_equal(s3e_regions_set(r, "a", "eu-west-1"), 0); /* known already */
    assert_int_equal(s3e_regions_set(r, "b", "bad region"), 0);
    assert_int_equal(s3e_regions_get(r, "b", out), 0);
    assert_int_equal(s3e_regions_get(r, "a", out), 1);
    assert_string_equal(out, "eu-west-1");
    assert_int_equal(s3e_regions_set(r, "a", "us-west-2"), 1); /* moved */
    assert_int_equal(s3e_regions_get(r, "a", out), 1);
    assert_string_equal(out, "us-west-2");
    assert_int_equal(s3e_regions_get(NULL, "a", out), 0);
    s3e_regions_free(r);
    s3e_regions_free(NULL);
}

/* AWS's endpoint follows the bucket's region; a custom endpoint stays. */
static void test_address_in_region(void **state)
{
    (void)state;
    struct s3e_config c;
    memset(&c, 0, sizeof c);
    c.region = "us-east-1";
    c.endpoint = "https://s3.us-east-1.amazonaws.com";
    struct s3e_buf url, host, path;
    s3e_buf_init(&url, 0);
    s3e_buf_init(&host, 0);
    s3e_buf_init(&path, 0);
    assert_int_equal(s3e_config_address_in(&c, "eu-west-1", "bkt", "k", "", &url, &host, &path),
                     S3E_OK);
    assert_string_equal(url.data, "https://bkt.s3.eu-west-1.amazonaws.com/k");
    assert_int_equal(s3e_config_address_in(&c, "us-east-1", "bkt", "k", "", &url, &host, &path),
                     S3E_OK);
    assert_string_equal(url.data, "https://bkt.s3.us-east-1.amazonaws.com/k");
    c.path_style = 1;
    assert_int_equal(s3e_config_address_in(&c, "cn-north-1", "bkt", "k", "", &url, &host, &path),
                     S3E_OK);
    assert_string_equal(url.data, "https://s3.cn-north-1.amazonaws.com.cn/bkt/k");
    c.endpoint = "http://127.0.0.1:7480";
    c.custom_endpoint = 1;
    assert_int_equal(s3e_config_address_in(&c, "eu-west-1", "bkt", "k", "", &url, &host, &path),
                     S3E_OK);
    assert_string_equal(url.data, "http://127.0.0.1:7480/bkt/k");
    s3e_buf_free(&url);
    s3e_buf_free(&host);
    s3e_buf_free(&path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region_of_host),
        cmocka_unit_test(test_region_named),
        cmocka_unit_test(test_error_body),
        cmocka_unit_test(test_regions_map),
        cmocka_unit_test(test_address_in_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
