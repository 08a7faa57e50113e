/* test_cred.c - the credential sources' parsers (credential_process, container
 * and IMDS JSON, SSO, STS XML), profile resolution with chained roles and loop
 * detection, the container URL allow-list, and renewal of expiring credentials
 * by many threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../engine/cred_int.h"
#include "s3engine/cred.h"
#include "s3engine/error.h"
#include "s3engine/retry.h"

static char err[512];

#define J(s) s, strlen(s)

static void test_process_json(void **state)
{
    (void)state;
    struct cred_set c;
    assert_int_equal(cred_json_process(J("{\"Version\": 1, \"AccessKeyId\": \"AKIA1\", "
                     "\"SecretAccessKey\": \"s\\/e\\u0063\", \"SessionToken\": \"tok\", "
                     "\"Expiration\": \"2030-01-02T03:04:05Z\"}"), &c, err, sizeof err), S3E_OK);
    assert_string_equal(c.c.access_key, "AKIA1");
    assert_string_equal(c.c.secret_key, "s/ec");
    assert_string_equal(c.c.session_token, "tok");
    assert_int_equal(c.expiration, 1893553445);
    cred_set_clear(&c);
    /* no token and no expiry: long-term keys */
    assert_int_equal(cred_json_process(J("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}"),
                                       &c, err, sizeof err), S3E_OK);
    assert_null(c.c.session_token);
    assert_int_equal(c.expiration, 0);
    cred_set_clear(&c);
    /* what is refused, and why */
    assert_int_equal(cred_json_process(J("{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}"),
                                       &c, err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "Version"));
    assert_int_equal(cred_json_process(J("{\"Version\":1,\"AccessKeyId\":\"A\"}"), &c, err, sizeof err),
                     S3E_ECREDS);
    assert_non_null(strstr(err, "SecretAccessKey"));
    assert_int_equal(cred_json_process(J("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\","
                                         "\"Expiration\":\"soon\"}"), &c, err, sizeof err), S3E_ECREDS);
    assert_int_equal(cred_json_process(J("{\"Version\":1,\"AccessKeyId\":\"A\",}"), &c, err, sizeof err),
                     S3E_ECREDS);
    assert_int_equal(cred_json_process(J("{\"Version\":1} trailing"), &c, err, sizeof err), S3E_ECREDS);
    assert_int_equal(cred_json_process(J("not json"), &c, err, sizeof err), S3E_ECREDS);
}

static void test_json_paths(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    const char *doc = "{\"a\": {\"b\": [1, {\"c\": 2}], \"c\": \"x\"}, \"n\": -1.5e3, \"t\": true,"
                      " \"a2\": null, \"u\": \"\\ud83d\\ude00\"}";
    assert_int_equal(cred_json_get(J(doc), "a.c", &b), 1);
    assert_string_equal(s3e_buf_cstr(&b), "x");
    assert_int_equal(cred_json_get(J(doc), "n", &b), 1);
    assert_string_equal(s3e_buf_cstr(&b), "-1.5e3");
    assert_int_equal(cred_json_get(J(doc), "u", &b), 1);
    assert_string_equal(s3e_buf_cstr(&b), "\xf0\x9f\x98\x80");
    assert_int_equal(cred_json_get(J(doc), "a.b.1.c", &b), 1); /* an array element by index */
    assert_string_equal(s3e_buf_cstr(&b), "2");
    assert_int_equal(cred_json_get(J(doc), "a.b.0", &b), 1);
    assert_string_equal(s3e_buf_cstr(&b), "1");
    assert_int_equal(cred_json_get(J(doc), "a.b.2", &b), 0);   /* past the end */
    assert_int_equal(cred_json_get(J(doc), "a.b.x", &b), 0);   /* not an index */
    assert_int_equal(cred_json_get(J(doc), "a", &b), 0);   /* an object is not a value */
    const char *arr, *el;
    size_t alen, elen, pos = 0;
    assert_int_equal(cred_json_span(J(doc), "a.b", &arr, &alen), 1);
    assert_int_equal(alen, strlen("[1, {\"c\": 2}]"));
    assert_memory_equal(arr, "[1, {\"c\": 2}]", alen);
    assert_int_equal(cred_json_element(arr, alen, &pos, &el, &elen), 1);
    assert_memory_equal(el, "1", elen);
    assert_int_equal(cred_json_element(arr, alen, &pos, &el, &elen), 1);
    assert_int_equal(elen, strlen("{\"c\": 2}"));
    assert_int_equal(cred_json_get(el, elen, "c", &b), 1);
    assert_string_equal(s3e_buf_cstr(&b), "2");
    assert_int_equal(cred_json_element(arr, alen, &pos, &el, &elen), 0);
    pos = 0;
    assert_int_equal(cred_json_element(J("[1 2]"), &pos, &el, &elen), -1);
    pos = 0;
    assert_int_equal(cred_json_element(J("{}"), &pos, &el, &elen), -1);
    assert_int_equal(cred_json_span(J(doc), "zz", &arr, &alen), 0);
    assert_int_equal(cred_json_span(J("{\"a\": [1,]}"), "a", &arr, &alen), -1);
    assert_int_equal(cred_json_get(J(doc), "a.z", &b), 0);
    assert_int_equal(cred_json_get(J("{\"k\":\"1\",\"k\":\"2\"}"), "k", &b), 1);
    assert_string_equal(s3e_buf_cstr(&b), "2"); /* the last of a repeated member */
    assert_int_equal(cred_json_get(J("{\"k\":\"a\nb\"}"), "k", &b), -1); /* raw control */
    assert_int_equal(cred_json_get("{\"k\":\0}", 7, "k", &b), -1);         /* a NUL is no number */
    char deep[200];
    memset(deep, '[', sizeof deep);
    assert_int_equal(cred_json_get(deep, sizeof deep, "k", &b), -1);
    s3e_buf_free(&b);
}

static void test_container_imds_and_sso_json(void **state)
{
    (void)state;
    struct cred_set c;
    assert_int_equal(cred_json_container(J("{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":"
                     "\"ASIA2\",\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":"
                     "\"2030-01-02T03:04:05Z\"}"), &c, err, sizeof err), S3E_OK);
    assert_string_equal(c.c.access_key, "ASIA2");
    assert_string_equal(c.c.session_token, "t");
    assert_int_equal(c.expiration, 1893553445);
    cred_set_clear(&c);
    assert_int_equal(cred_json_sso(J("{\"roleCredentials\":{\"accessKeyId\":\"ASIA3\",\"secretAccessKey\":"
                     "\"s\",\"sessionToken\":\"t\",\"expiration\":1893553445000}}"), &c, err, sizeof err),
                     S3E_OK);
    assert_string_equal(c.c.access_key, "ASIA3");
    assert_int_equal(c.expiration, 1893553445);
    cred_set_clear(&c);
    char *token;
    time_t exp;
    assert_int_equal(cred_json_sso_token(J("{\"startUrl\":\"https://x.awsapps.com/start\",\"region\":"
                     "\"us-east-1\",\"accessToken\":\"abc\",\"expiresAt\":\"2030-01-02T03:04:05Z\"}"),
                     &token, &exp, err, sizeof err), S3E_OK);
    assert_string_equal(token, "abc");
    assert_int_equal(exp, 1893553445);
    free(token);
}

static void test_sts_xml(void **state)
{
    (void)state;
    struct cred_set c;
    const char *ok =
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
        "  <AssumeRoleResult>\n"
        "  <SourceIdentity>Alice</SourceIdentity>\n"
        "    <AssumedRoleUser>\n"
        "      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>\n"
        "      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>\n"
        "    </AssumedRoleUser>\n"
        "    <Credentials>\n"
        "      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
        "      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
        "      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764</SessionToken>\n"
        "      <Expiration>2019-11-09T13:34:41Z</Expiration>\n"
        "    </Credentials>\n"
        "    <PackedPolicySize>6</PackedPolicySize>\n"
        "  </AssumeRoleResult>\n"
        "  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>\n"
        "</AssumeRoleResponse>";
    assert_int_equal(cred_sts_parse(J(ok), &c, err, sizeof err), S3E_OK);
    assert_string_equal(c.c.access_key, "ASIAIOSFODNN7EXAMPLE");
    assert_string_equal(c.c.session_token, "AQoDYXdzEPT//////////wEXAMPLEtc764");
    assert_int_equal(c.expiration, 1573306481);
    cred_set_clear(&c);
    const char *denied =
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
        "<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message>"
        "</Error><RequestId>x</RequestId></ErrorResponse>";
    assert_int_equal(cred_sts_parse(J(denied), &c, err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "AccessDenied"));
    assert_non_null(strstr(err, "not authorized"));
    /* radosgw answers STS errors as S3 does: <Error> at the root, an empty Message */
    const char *rgw = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchEntity</Code>"
                      "<Message></Message><RequestId>tx0</RequestId></Error>";
    assert_int_equal(cred_sts_parse(J(rgw), &c, err, sizeof err), S3E_ECREDS);
    assert_string_equal(err, "STS: NoSuchEntity");
    assert_int_equal(cred_sts_parse(J("<html>gateway</html"), &c, err, sizeof err), S3E_ECREDS);
}

static struct cred_ini *ini_of(const char *creds, const char *config)
{
    struct cred_ini *ini = cred_ini_new();
    assert_non_null(ini);
    assert_int_equal(cred_ini_add_text(ini, creds, 0, "credentials", err, sizeof err), S3E_OK);
    assert_int_equal(cred_ini_add_text(ini, config, 1, "config", err, sizeof err), S3E_OK);
    return ini;
}

static const char profiles_creds[] =
    "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s-base\n"
    "[self]\naws_access_key_id = AKIASELF\naws_secret_access_key = s-self\n";
static const char profiles_config[] =
    "[profile role1]\nrole_arn = arn:aws:iam::1:role/one\nsource_profile = base\n"
    "external_id = ext\nduration_seconds = 1800\nrole_session_name = sess\n"
    "[profile role2]\nrole_arn = arn:aws:iam::1:role/two\nsource_profile = role1\n"
    "[profile self]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = self\n"
    "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
    "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n"
    "[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n"
    "[profile ec2]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = Ec2InstanceMetadata\n"
    "[profile weird]\nrole_arn = arn:aws:iam::1:role/w\ncredential_source = Magic\n"
    "[profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = base\nmfa_serial = x\n"
    "[profile proc]\ncredential_process = /bin/true\n  nested = ignored\n"
    "[profile sso]\nsso_session = corp\nsso_account_id = 111\nsso_role_name = Admin\n"
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
    "[profile half]\naws_access_key_id = AKIAHALF\n"
    "[profile regiononly]\nregion = eu-west-1\n"
    "[profile webid]\nrole_arn = arn:aws:iam::1:role/w\nweb_identity_token_file = /t\n";

static void test_profile_resolution(void **state)
{
    (void)state;
    struct cred_ini *ini = ini_of(profiles_creds, profiles_config);
    struct cred_recipe *r;
    assert_int_equal(cred_profile_recipe(ini, "base", "us-east-2", &r, err, sizeof err), S3E_OK);
    assert_int_equal(r->kind, CRED_STATIC);
    assert_string_equal(r->label, "profile:base static");
    cred_recipe_free(r);
    /* a chain: role2 <- role1 <- base's keys */
    assert_int_equal(cred_profile_recipe(ini, "role2", "us-east-2", &r, err, sizeof err), S3E_OK);
    assert_int_equal(r->kind, CRED_ASSUME_ROLE);
    assert_string_equal(r->role_arn, "arn:aws:iam::1:role/two");
    assert_string_equal(r->region, "us-east-2");
    assert_int_equal(r->source->kind, CRED_ASSUME_ROLE);
    assert_string_equal(r->source->external_id, "ext");
    assert_string_equal(r->source->session_name, "sess");
    assert_int_equal(r->source->duration_s, 1800);
    assert_int_equal(r->source->source->kind, CRED_STATIC);
    assert_string_equal(r->source->source->access_key, "AKIABASE");
    cred_recipe_free(r);
    /* its own source_profile: its own keys, not a loop */
    assert_int_equal(cred_profile_recipe(ini, "self", "us-east-1", &r, err, sizeof err), S3E_OK);
    assert_string_equal(r->source->access_key, "AKIASELF");
    cred_recipe_free(r);
    assert_int_equal(cred_profile_recipe(ini, "ec2", "us-east-1", &r, err, sizeof err), S3E_OK);
    assert_int_equal(r->source->kind, CRED_IMDS);
    cred_recipe_free(r);
    assert_int_equal(cred_profile_recipe(ini, "proc", "us-east-1", &r, err, sizeof err), S3E_OK);
    assert_int_equal(r->kind, CRED_PROCESS);
    assert_string_equal(r->command, "/bin/true");
    cred_recipe_free(r);
    assert_int_equal(cred_profile_recipe(ini, "sso", "us-east-1", &r, err, sizeof err), S3E_OK);
    assert_int_equal(r->kind, CRED_SSO);
    assert_string_equal(r->sso_region, "eu-west-1");
    assert_string_equal(r->sso_cache_key, "corp"); /* the cache file is named after the session */
    cred_recipe_free(r);
    assert_int_equal(cred_profile_recipe(ini, "webid", "us-east-1", &r, err, sizeof err), S3E_OK);
    assert_int_equal(r->kind, CRED_WEB_IDENTITY);
    cred_recipe_free(r);
    /* nothing to use: fall through to the next source */
    assert_int_equal(cred_profile_recipe(ini, "regiononly", "us-east-1", &r, err, sizeof err), S3E_OK);
    assert_null(r);
    assert_int_equal(cred_profile_recipe(ini, "missing", "us-east-1", &r, err, sizeof err), S3E_OK);
    assert_null(r);
    cred_ini_free(ini);
}

static void test_profile_refusals_name_the_type(void **state)
{
    (void)state;
    struct cred_ini *ini = ini_of(profiles_creds, profiles_config);
    struct cred_recipe *r;
    assert_int_equal(cred_profile_recipe(ini, "a", "us-east-1", &r, err, sizeof err), S3E_ECREDS);
    assert_null(r);
    assert_non_null(strstr(err, "loop"));
    assert_non_null(strstr(err, "a -> b -> c -> a"));
    assert_int_equal(cred_profile_recipe(ini, "weird", "us-east-1", &r, err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "credential_source = Magic"));
    assert_int_equal(cred_profile_recipe(ini, "mfa", "us-east-1", &r, err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "mfa_serial"));
    assert_int_equal(cred_profile_recipe(ini, "half", "us-east-1", &r, err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "no aws_secret_access_key"));
    assert_null(strstr(err, "s-base"));
    cred_ini_free(ini);
    ini = ini_of("", "[profile s]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = r\n"
                     "[profile t]\nsso_start_url = https://x\nsso_region = us-east-1\n");
    assert_int_equal(cred_profile_recipe(ini, "s", "us-east-1", &r, err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "sso-session nowhere"));
    assert_int_equal(cred_profile_recipe(ini, "t", "us-east-1", &r, err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "SSO profile missing"));
    cred_ini_free(ini);
}

static void test_container_hosts_and_codes(void **state)
{
    (void)state;
    assert_true(cred_container_url_allowed("http://127.0.0.1:8080/creds"));
    assert_true(cred_container_url_allowed("http://127.1.2.3/creds"));
    assert_true(cred_container_url_allowed("http://localhost/creds"));
    assert_true(cred_container_url_allowed("http://[::1]:80/creds"));
    assert_true(cred_container_url_allowed("http://169.254.170.23/v1/credentials"));
    assert_true(cred_container_url_allowed("http://[fd00:ec2::23]/v1/credentials"));
    assert_true(cred_container_url_allowed("https://creds.example.com/x"));
    assert_false(cred_container_url_allowed("http://example.com/creds"));
    assert_false(cred_container_url_allowed("http://127.0.0.1.evil.com/creds"));
    assert_false(cred_container_url_allowed("http://169.254.169.254/latest"));
    assert_false(cred_container_url_allowed("file:///etc/passwd"));
    assert_true(s3e_retry_is_expired_credentials("ExpiredToken"));
    assert_true(s3e_retry_is_expired_credentials("TokenRefreshRequired"));
    assert_true(s3e_retry_is_expired_credentials("InvalidToken"));
    assert_false(s3e_retry_is_expired_credentials("AccessDenied"));
    assert_false(s3e_retry_is_expired_credentials(NULL));
}

/* ---- renewal: credential_process handing out 4-second credentials ---------- */

static char tmpdir[64], counter_path[128];

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static long fetches(void)
{
    FILE *f = fopen(counter_path, "r");
    if (!f)
        return 0;
    long n = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

struct signer {
    struct s3e_cred_provider *p;
    int bad;   /* got credentials past their expiry */
    int errors;
};

static void *sign_for_a_while(void *ud)
{
    struct signer *s = ud;
    struct s3e_creds mine = { 0 };
    unsigned long gen = 0;
    char why[512];
    time_t end = time(NULL) + 9;
    while (time(NULL) < end) {
        if (s3e_cred_provider_get(s->p, &mine, &gen, why, sizeof why)) {
            s->errors++;
            continue;
        }
        /* the key id holds its expiry: AKIA<epoch> */
        long exp = strtol(mine.access_key + 4, NULL, 10);
        if (exp <= (long)time(NULL))
            s->bad++;
        usleep(2000);
    }
    s3e_creds_clear(&mine);
    return NULL;
}

static void test_renewal_by_many_threads(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/s3e-cred-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    char script[128], config[128], creds[128], text[1024];
    snprintf(script, sizeof script, "%s/proc.sh", tmpdir);
    snprintf(config, sizeof config, "%s/config", tmpdir);
    snprintf(creds, sizeof creds, "%s/credentials", tmpdir);
    snprintf(counter_path, sizeof counter_path, "%s/count", tmpdir);
    snprintf(text, sizeof text,
             "#!/bin/sh\nexp=$(( $(date +%%s) + 4 ))\necho $exp >> %s\n"
             "printf '{\"Version\":1,\"AccessKeyId\":\"AKIA%%s\",\"SecretAccessKey\":\"s\","
             "\"Expiration\":\"%%s\"}' $exp $(date -u -d @$exp +%%Y-%%m-%%dT%%H:%%M:%%SZ)\n",
             counter_path);
    write_text(script, text);
    chmod(script, 0755);
    snprintf(text, sizeof text, "[profile quick]\ncredential_process = %s\n", script);
    write_text(config, text);
    write_text(creds, "");
    setenv("AWS_CONFIG_FILE", config, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds, 1);
    unsetenv("AWS_ACCESS_KEY_ID");
    struct s3e_cred_provider *p;
    assert_int_equal(s3e_cred_provider_new(&p, "quick", 2, "us-east-1", err, sizeof err), S3E_OK);
    struct signer s[8];
    pthread_t t[8];
    for (int i = 0; i < 8; i++) {
        s[i] = (struct signer){ p, 0, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, sign_for_a_while, &s[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(s[i].bad, 0);
        assert_int_equal(s[i].errors, 0);
    }
    /* 9 s of 4 s credentials: renewed a few times, not once per thread or per call */
    long n = fetches();
    assert_true(n >= 3);
    assert_true(n <= 8);
    /* a refusal renews at once, whatever the window says; static keys cannot */
    struct s3e_creds mine = { 0 };
    unsigned long gen = 0;
    assert_int_equal(s3e_cred_provider_get(p, &mine, &gen, err, sizeof err), S3E_OK);
    long before = fetches();
    assert_true(s3e_cred_provider_expired(p, gen));
    assert_int_equal(s3e_cred_provider_get(p, &mine, &gen, err, sizeof err), S3E_OK);
    assert_int_equal(fetches(), before + 1);
    assert_true(s3e_cred_provider_expired(p, gen - 1)); /* an older set: already renewed */
    assert_int_equal(s3e_cred_provider_get(p, &mine, &gen, err, sizeof err), S3E_OK);
    assert_int_equal(fetches(), before + 1);
    /* an AccessDenied: renewed only when the set had expired by either clock */
    assert_false(s3e_cred_provider_refused(p, gen, 0));
    assert_false(s3e_cred_provider_refused(p, gen, time(NULL)));
    assert_int_equal(s3e_cred_provider_get(p, &mine, &gen, err, sizeof err), S3E_OK);
    assert_int_equal(fetches(), before + 1);
    assert_true(s3e_cred_provider_refused(p, gen, time(NULL) + 3600)); /* the server's clock */
    assert_int_equal(s3e_cred_provider_get(p, &mine, &gen, err, sizeof err), S3E_OK);
    assert_int_equal(fetches(), before + 2);
    assert_true(s3e_cred_provider_refused(p, gen - 1, 0)); /* an older set: retried, not renewed */
    assert_int_equal(s3e_cred_provider_get(p, &mine, &gen, err, sizeof err), S3E_OK);
    assert_int_equal(fetches(), before + 2);
    s3e_creds_clear(&mine);
    s3e_cred_provider_free(p);
    setenv("AWS_ACCESS_KEY_ID", "AKIASTATIC", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
    assert_int_equal(s3e_cred_provider_new(&p, NULL, 0, "us-east-1", err, sizeof err), S3E_OK);
    assert_false(s3e_cred_provider_expired(p, 1));
    assert_false(s3e_cred_provider_refused(p, 1, time(NULL) + 3600));
    s3e_cred_provider_free(p);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    assert_int_equal(system(cmd), 0);
}

/* A program that prints more than 64 KiB fails with that reason, and does not
 * hang on a full pipe; one that exits non-zero says its status. */
static void test_process_output_bounded(void **state)
{
    (void)state;
    char dir[64], config[128], creds[128];
    snprintf(dir, sizeof dir, "/tmp/s3e-cred-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(config, sizeof config, "%s/config", dir);
    snprintf(creds, sizeof creds, "%s/credentials", dir);
    write_text(config, "[profile big]\ncredential_process = head -c 300000 /dev/zero\n"
                       "[profile sad]\ncredential_process = sh -c 'exit 7'\n");
    write_text(creds, "");
    setenv("AWS_CONFIG_FILE", config, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds, 1);
    struct s3e_cred_provider *p = NULL;
    assert_int_equal(s3e_cred_provider_new(&p, "big", 2, "us-east-1", err, sizeof err), S3E_ECREDS);
    assert_null(p);
    assert_non_null(strstr(err, "more than 64 KiB"));
    assert_int_equal(s3e_cred_provider_new(&p, "sad", 2, "us-east-1", err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "profile:sad process"));
    assert_non_null(strstr(err, "status 7"));
    unlink(config);
    unlink(creds);
    rmdir(dir);
}

int main(void)
{
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_process_json),
        cmocka_unit_test(test_json_paths),
        cmocka_unit_test(test_container_imds_and_sso_json),
        cmocka_unit_test(test_sts_xml),
        cmocka_unit_test(test_profile_resolution),
        cmocka_unit_test(test_profile_refusals_name_the_type),
        cmocka_unit_test(test_container_hosts_and_codes),
        cmocka_unit_test(test_renewal_by_many_threads),
        cmocka_unit_test(test_process_output_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
