/* test_conns.c - each bucket of a plan bound to the configuration its source
 * or target names, and its cross-account options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../engine/conns.h"
#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/plan.h"

static char dir[64], creds_path[128], config_path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/s3e-conns-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(creds_path, sizeof creds_path, "%s/credentials", dir);
    snprintf(config_path, sizeof config_path, "%s/config", dir);
    const char *vars[] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                           "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                           "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "S3E_ADDRESSING", NULL };
    for (size_t i = 0; vars[i]; i++)
        unsetenv(vars[i]);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
    setenv("AWS_CONFIG_FILE", config_path, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    FILE *f = fopen(creds_path, "w");
    assert_non_null(f);
    fputs("[default]\naws_access_key_id = AKIARUN\naws_secret_access_key = s-run\n"
          "[a]\naws_access_key_id = AKIAA\naws_secret_access_key = s-a\n"
          "[b]\naws_access_key_id = AKIAB\naws_secret_access_key = s-b\n", f);
    fclose(f);
    f = fopen(config_path, "w");
    assert_non_null(f);
    fputs("[default]\nregion = us-east-1\n[profile b]\nregion = eu-west-1\n", f);
    fclose(f);
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

static const struct s3e_config_overrides none = { NULL, NULL, "http://127.0.0.1:7480", 1, -1,
                                                  -1, 0, 0 };

/* A plan of sources and targets given as bucket names; fields set by the caller. */
static void plan_init(struct s3e_plan *p, size_t ns, size_t nt)
{
    memset(p, 0, sizeof *p);
    p->path = strdup("plan.lua");
    p->sources = calloc(ns, sizeof *p->sources);
    p->targets = calloc(nt, sizeof *p->targets);
    p->nsources = ns;
    p->ntargets = nt;
}

static void test_buckets_routed_to_their_profiles(void **state)
{
    (void)state;
    char err[512];
    struct s3e_config base;
    assert_int_equal(s3e_config_load(&base, &none, err, sizeof err), S3E_OK);
    struct s3e_plan p;
    plan_init(&p, 1, 3);
    p.sources[0].bucket = strdup("src");
    p.sources[0].access.profile = strdup("a");
    p.sources[0].access.requester_pays = 1;
    p.targets[0].name = strdup("t1");
    p.targets[0].bucket = strdup("dst");
    p.targets[0].access.profile = strdup("b");
    p.targets[0].access.acl = strdup("bucket-owner-full-control");
    p.targets[1].name = strdup("t2");
    p.targets[1].bucket = strdup("dst");
    p.targets[1].access.profile = strdup("b");
    p.targets[1].access.acl = strdup("bucket-owner-full-control");
    p.targets[2].name = strdup("t3");
    p.targets[2].bucket = strdup("plain");
    struct s3e_conns *c;
    assert_int_equal(s3e_conns_new(&c, &base, &none, &p, NULL, err, sizeof err), S3E_OK);
    const struct s3e_config *src = s3e_conns_config(c, "src", &base);
    const struct s3e_config *dst = s3e_conns_config(c, "dst", &base);
    assert_ptr_not_equal(src, &base);
    assert_string_equal(src->creds.access_key, "AKIAA");
    assert_string_equal(dst->creds.access_key, "AKIAB");
    assert_string_equal(dst->region, "eu-west-1"); /* profile b's region */
    assert_string_equal(dst->endpoint, "http://127.0.0.1:7480");
    assert_ptr_equal(s3e_conns_target(c, 0), s3e_conns_target(c, 1)); /* one per identity */
    assert_ptr_equal(s3e_conns_config(c, "plain", &base), &base);
    assert_ptr_equal(s3e_conns_config(c, "elsewhere", &base), &base);
    assert_ptr_equal(s3e_conns_config(NULL, "src", &base), &base);
    assert_string_equal(s3e_conns_access(c, "dst")->acl, "bucket-owner-full-control");
    assert_int_equal(s3e_conns_access(c, "src")->requester_pays, 1);
    assert_null(s3e_conns_access(c, "plain"));
    assert_null(s3e_conns_access(c, NULL));
    s3e_conns_free(c);
    s3e_plan_free(&p);
    s3e_config_free(&base);
}

static void test_one_bucket_two_ways_is_refused(void **state)
{
    (void)state;
    char err[512];
    struct s3e_config base;
    assert_int_equal(s3e_config_load(&base, &none, err, sizeof err), S3E_OK);
    struct s3e_plan p;
    plan_init(&p, 1, 1);
    p.sources[0].bucket = strdup("same");
    p.sources[0].access.profile = strdup("a");
    p.targets[0].name = strdup("out");
    p.targets[0].bucket = strdup("same");
    p.targets[0].access.profile = strdup("a");
    p.targets[0].access.expected_owner = strdup("111122223333");
    struct s3e_conns *c = (struct s3e_conns *)&p; /* must be reset */
    assert_int_equal(s3e_conns_new(&c, &base, &none, &p, NULL, err, sizeof err), S3E_EPLAN);
    assert_null(c);
    assert_non_null(strstr(err, "targets.out: bucket same is named by sources[1]"));
    s3e_plan_free(&p);
    /* a bucket read and written: the ACL is the target's, and no conflict */
    plan_init(&p, 1, 2);
    p.sources[0].bucket = strdup("same");
    p.sources[0].access.profile = strdup("a");
    p.targets[0].name = strdup("t1");
    p.targets[0].bucket = strdup("same");
    p.targets[0].access.profile = strdup("a");
    p.targets[0].access.acl = strdup("public-read");
    p.targets[1].name = strdup("t2");
    p.targets[1].bucket = strdup("same");
    p.targets[1].access.profile = strdup("a");
    assert_int_equal(s3e_conns_new(&c, &base, &none, &p, NULL, err, sizeof err), S3E_EPLAN);
    assert_non_null(strstr(err, "targets.t2: bucket same is named by targets.t1"));
    free(p.targets[1].access.profile);
    p.targets[1].access.profile = NULL;
    p.ntargets = 1;
    assert_int_equal(s3e_conns_new(&c, &base, &none, &p, NULL, err, sizeof err), S3E_OK);
    assert_string_equal(s3e_conns_access(c, "same")->acl, "public-read");
    assert_string_equal(s3e_conns_config(c, "same", &base)->creds.access_key, "AKIAA");
    s3e_conns_free(c);
    p.ntargets = 2;
    s3e_plan_free(&p);
    /* a profile that does not exist (the plan reader refuses it earlier) */
    plan_init(&p, 1, 1);
    p.sources[0].bucket = strdup("src");
    p.sources[0].access.profile = strdup("nope");
    p.targets[0].name = strdup("out");
    p.targets[0].bucket = strdup("dst");
    assert_int_equal(s3e_conns_new(&c, &base, &none, &p, NULL, err, sizeof err), S3E_ECREDS);
    assert_non_null(strstr(err, "sources[1] profile nope"));
    s3e_plan_free(&p);
    s3e_config_free(&base);
}

/* A manifest source has no bucket: its rows' buckets are bound as they are
 * read, and the bucket an s3:// manifest is read from before anything. */
static void test_manifest_rows_take_their_source(void **state)
{
    (void)state;
    char err[1500];
    struct s3e_config base;
    assert_int_equal(s3e_config_load(&base, &none, err, sizeof err), S3E_OK);
    struct s3e_plan p;
    plan_init(&p, 2, 1);
    p.sources[0].manifest = strdup("s3://inventory/pre/src/cfg/manifest.json");
    p.sources[0].access.profile = strdup("a");
    p.sources[0].access.requester_pays = 1;
    p.sources[1].manifest = strdup("rows.csv"); /* names nothing: as the run's */
    p.targets[0].name = strdup("out");
    p.targets[0].bucket = strdup("dst");
    p.targets[0].access.profile = strdup("b");
    struct s3e_conns *c;
    assert_int_equal(s3e_conns_new(&c, &base, &none, &p, NULL, err, sizeof err), S3E_OK);
    assert_string_equal(s3e_conns_source(c, 0)->creds.access_key, "AKIAA");
    assert_ptr_equal(s3e_conns_source(c, 1), &base);
    assert_string_equal(s3e_conns_config(c, "inventory", &base)->creds.access_key, "AKIAA");
    assert_ptr_equal(s3e_conns_config(c, "rowbucket", &base), &base);
    assert_int_equal(s3e_conns_bind_row(c, 0, "rowbucket", err, sizeof err), S3E_OK);
    assert_int_equal(s3e_conns_bind_row(c, 0, "rowbucket", err, sizeof err), S3E_OK);
    assert_string_equal(s3e_conns_config(c, "rowbucket", &base)->creds.access_key, "AKIAA");
    assert_int_equal(s3e_conns_access(c, "rowbucket")->requester_pays, 1);
    /* the other source's rows: not bound, whatever bucket they name */
    assert_int_equal(s3e_conns_bind_row(c, 1, "other", err, sizeof err), S3E_OK);
    assert_ptr_equal(s3e_conns_config(c, "other", &base), &base);
    assert_int_equal(s3e_conns_bind_row(c, 1, "rowbucket", err, sizeof err), S3E_OK);
    /* a row naming the target's bucket, which the target reaches as b */
    assert_int_equal(s3e_conns_bind_row(c, 0, "dst", err, sizeof err), S3E_EPLAN);
    assert_non_null(strstr(err, "bucket dst is named by targets.out (plan:"));
    assert_non_null(strstr(err, "requester_pays than sources[1] (plan:"));
    assert_non_null(strstr(err, "whose manifest this row is in"));
    s3e_conns_free(c);
    /* the s3:// manifest's bucket is the target's, named another way */
    free(p.targets[0].bucket);
    p.targets[0].bucket = strdup("inventory");
    assert_int_equal(s3e_conns_new(&c, &base, &none, &p, NULL, err, sizeof err), S3E_EPLAN);
    assert_non_null(strstr(err, "sources[1]: bucket inventory is named by targets.out"));
    s3e_plan_free(&p);
    s3e_config_free(&base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buckets_routed_to_their_profiles),
        cmocka_unit_test(test_one_bucket_two_ways_is_refused),
        cmocka_unit_test(test_manifest_rows_take_their_source),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
