/* test_config.c - credentials, region and endpoint found as the AWS tools
 * find them; addressing; secrets never in error messages. Each test writes
 * its own credentials/config files in a temp folder and points the AWS_*
 * variables at them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s3engine/buf.h"
#include "s3engine/config.h"
#include "s3engine/error.h"

static char dir[64];
static char creds_path[128], config_path[128];

static const char *const vars[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
    "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE",
    "AWS_CA_BUNDLE", "S3E_ADDRESSING", NULL,
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/s3e-config-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(creds_path, sizeof creds_path, "%s/credentials", dir);
    snprintf(config_path, sizeof config_path, "%s/config", dir);
    for (size_t i = 0; vars[i]; i++)
        unsetenv(vars[i]);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
    setenv("AWS_CONFIG_FILE", config_path, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1); /* no instance metadata lookups */
    write_file(creds_path,
               "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s3cr3t-default\n\n"
               "[team]\naws_access_key_id=AKIATEAM\naws_secret_access_key=s3cr3t-team\n"
               "aws_session_token = tok-team\n");
    write_file(config_path,
               "[default]\nregion = eu-west-1\n\n[profile team]\nregion = ap-south-1\n"
               "endpoint_url = http://127.0.0.1:9000\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(creds_path);
    unlink(config_path);
    rmdir(dir);
    return 0;
}

static struct s3e_config_overrides none(void)
{
    struct s3e_config_overrides o = { NULL, NULL, NULL, -1, -1, -1, 0, 0 };
    return o;
}

static void test_default_profile(void **state)
{
    (void)state;
    struct s3e_config c;
    char err[512];
    struct s3e_config_overrides o = none();
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK);
    assert_string_equal(c.creds.access_key, "AKIADEFAULT");
    assert_string_equal(c.creds.secret_key, "s3cr3t-default");
    assert_null(c.creds.session_token);
    assert_string_equal(c.region, "eu-west-1");
    assert_string_equal(c.endpoint, "https://s3.eu-west-1.amazonaws.com");
    assert_false(c.custom_endpoint);
    assert_true(s3e_config_is_aws(&c));
    assert_false(c.path_style); /* virtual-hosted on AWS */
    assert_true(c.verify_tls);  /* TLS verification is on by default */
    s3e_config_free(&c);
}

static void test_named_profile_and_its_config(void **state)
{
    (void)state;
    struct s3e_config c;
    char err[512];
    setenv("AWS_PROFILE", "team", 1);
    struct s3e_config_overrides o = none();
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK);
    assert_string_equal(c.profile, "team");
    assert_string_equal(c.creds.access_key, "AKIATEAM");
    assert_string_equal(c.creds.session_token, "tok-team");
    assert_string_equal(c.region, "ap-south-1");
    assert_string_equal(c.endpoint, "http://127.0.0.1:9000");
    assert_true(c.custom_endpoint);
    assert_false(s3e_config_is_aws(&c));
    free(c.endpoint); /* a user's endpoint on an AWS host is AWS */
    c.endpoint = strdup("https://s3.eu-west-1.amazonaws.com");
    assert_true(s3e_config_is_aws(&c));
    assert_true(c.path_style); /* path-style for a custom endpoint */
    s3e_config_free(&c);
    unsetenv("AWS_PROFILE");
}

static void test_environment_and_flags_win(void **state)
{
    (void)state;
    struct s3e_config c;
    char err[512];
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-env", 1);
    setenv("AWS_DEFAULT_REGION", "us-west-2", 1);
    setenv("AWS_ENDPOINT_URL", "http://localhost:7480/", 1);
    struct s3e_config_overrides o = none();
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK);
    assert_string_equal(c.creds.access_key, "AKIAENV");
    assert_string_equal(c.region, "us-west-2");
    assert_string_equal(c.endpoint, "http://localhost:7480"); /* no trailing slash */
    s3e_config_free(&c);
    setenv("AWS_REGION", "eu-central-1", 1); /* AWS_REGION before AWS_DEFAULT_REGION */
    o.region = "sa-east-1";                    /* and the flag before both */
    o.endpoint = "https://minio.example:9000";
    o.path_style = 0;
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK);
    assert_string_equal(c.region, "sa-east-1");
    assert_string_equal(c.endpoint, "https://minio.example:9000");
    assert_false(c.path_style);
    s3e_config_free(&c);
    for (size_t i = 0; vars[i]; i++)
        unsetenv(vars[i]);
}

static void test_missing_credentials_say_where_without_secrets(void **state)
{
    (void)state;
    struct s3e_config c;
    char err[512];
    setenv("AWS_PROFILE", "nobody", 1);
    struct s3e_config_overrides o = none();
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "nobody"));
    assert_null(strstr(err, "s3cr3t"));
    unsetenv("AWS_PROFILE");
    /* only a key id, no secret */
    setenv("AWS_ACCESS_KEY_ID", "AKIAONLY", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_ECREDS);
    assert_null(strstr(err, "s3cr3t"));
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
    unsetenv("AWS_ACCESS_KEY_ID");
}

static void test_addresses(void **state)
{
    (void)state;
    struct s3e_config c;
    char err[512];
    struct s3e_config_overrides o = none();
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK);
    struct s3e_buf url, host, path;
    s3e_buf_init(&url, 0);
    s3e_buf_init(&host, 0);
    s3e_buf_init(&path, 0);
    assert_int_equal(s3e_config_address(&c, "bkt", "a b/c+d", "list-type=2", &url, &host, &path),
                     S3E_OK);
    assert_string_equal(url.data, "https://bkt.s3.eu-west-1.amazonaws.com/a%20b/c%2Bd?list-type=2");
    assert_string_equal(host.data, "bkt.s3.eu-west-1.amazonaws.com");
    assert_string_equal(path.data, "/a%20b/c%2Bd");
    s3e_config_free(&c);
    o.endpoint = "http://127.0.0.1:7480";
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK);
    assert_int_equal(s3e_config_address(&c, "bkt", "k", "", &url, &host, &path), S3E_OK);
    assert_string_equal(url.data, "http://127.0.0.1:7480/bkt/k");
    assert_string_equal(host.data, "127.0.0.1:7480");
    assert_string_equal(path.data, "/bkt/k");
    s3e_buf_free(&url);
    s3e_buf_free(&host);
    s3e_buf_free(&path);
    s3e_config_free(&c);
}

/* Values that end up in request headers: CR/LF or other control characters,
 * or an endpoint with a path or user, are refused as usage errors (S3E_EINVAL)
 * and the message does not echo them. */
static void test_header_values_are_checked(void **state)
{
    (void)state;
    struct s3e_config c;
    char err[512];
    struct s3e_config_overrides o = none();
    o.region = "us-east-1\r\nX-Evil: 1";
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_EINVAL);
    assert_non_null(strstr(err, "region"));
    assert_null(strstr(err, "X-Evil"));
    o.region = "us east 1";
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_EINVAL);
    o.region = "zg_one.2-x"; /* a radosgw zonegroup may look like this */
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK);
    s3e_config_free(&c);
    o = none();
    static const char *const bad_endpoints[] = {
        "http://127.0.0.1:7480\r\nX-Evil: 1", "http://host\tx", "http://host/path",
        "http://user@host", "http://host?x=1", "http://host#f", "http://", NULL,
    };
    for (size_t i = 0; bad_endpoints[i]; i++) {
        o.endpoint = bad_endpoints[i];
        if (s3e_config_load(&c, &o, err, sizeof err) != S3E_EINVAL)
            fail_msg("endpoint '%s' was accepted", bad_endpoints[i]);
        assert_non_null(strstr(err, "endpoint"));
    }
    o.endpoint = "http://127.0.0.1:7480/"; /* a trailing slash is only trimmed */
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK);
    s3e_config_free(&c);
    o = none();
    setenv("AWS_REGION", "eu-west-1\nX: y", 1);
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_EINVAL);
    unsetenv("AWS_REGION");
    setenv("AWS_ACCESS_KEY_ID", "AKIA\r\nX: y", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t-env", 1);
    setenv("AWS_SESSION_TOKEN", "tok", 1);
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_EINVAL);
    assert_non_null(strstr(err, "access key"));
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SESSION_TOKEN", "t0k3n-s3cret\r\nX: y", 1);
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_EINVAL);
    assert_non_null(strstr(err, "session token"));
    assert_null(strstr(err, "t0k3n"));
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
}

/* Keys go into the path byte-exact: "." and ".." segments, "//" and a
 * leading "/" stay as they are; '?', '#' and '%' are encoded. */
static void test_addresses_keep_odd_keys(void **state)
{
    (void)state;
    struct s3e_config c;
    char err[512];
    struct s3e_config_overrides o = none();
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK); /* virtual-hosted */
    struct s3e_buf url, host, path;
    s3e_buf_init(&url, 0);
    s3e_buf_init(&host, 0);
    s3e_buf_init(&path, 0);
    const char *key = "/in/../../etc/./passwd//x?y#z%2F";
    assert_int_equal(s3e_config_address(&c, "bkt", key, "", &url, &host, &path), S3E_OK);
    assert_string_equal(path.data, "//in/../../etc/./passwd//x%3Fy%23z%252F");
    assert_string_equal(url.data,
                        "https://bkt.s3.eu-west-1.amazonaws.com//in/../../etc/./passwd//x%3Fy%23z%252F");
    s3e_config_free(&c);
    o.endpoint = "http://127.0.0.1:7480"; /* path-style */
    assert_int_equal(s3e_config_load(&c, &o, err, sizeof err), S3E_OK);
    assert_int_equal(s3e_config_address(&c, "bkt", "..", "", &url, &host, &path), S3E_OK);
    assert_string_equal(path.data, "/bkt/..");
    assert_int_equal(s3e_config_address(&c, "bkt", "/lead", "", &url, &host, &path), S3E_OK);
    assert_string_equal(path.data, "/bkt//lead");
    s3e_buf_free(&url);
    s3e_buf_free(&host);
    s3e_buf_free(&path);
    s3e_config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_profile),
        cmocka_unit_test(test_named_profile_and_its_config),
        cmocka_unit_test(test_environment_and_flags_win),
        cmocka_unit_test(test_missing_credentials_say_where_without_secrets),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_header_values_are_checked),
        cmocka_unit_test(test_addresses_keep_odd_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
