/* A plan's sources' and targets' connection, encryption, checksum and
 * stream fields survive job.tsv (job_sides.c): emitted as options, read back
 * into the plan a runner copies by; the SSE-C key is named, never written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../engine/job_format.h"
#include "../../engine/job_sides.h"
#include "../../engine/ssec.h"
#include "s3engine/error.h"

#define KEY "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" /* base64 of 32 bytes */

/* Two sources (a bucket on another endpoint with a key from a variable, a
 * manifest) and two targets (encrypted with a key file, KMS and a checksum). */
static void make_plan(struct s3e_plan *p, const char *keyfile)
{
    memset(p, 0, sizeof *p);
    p->path = strdup("p.lua");
    p->nsources = 2;
    p->sources = calloc(2, sizeof *p->sources);
    p->sources[0].bucket = strdup("src");
    p->sources[0].prefix = strdup("in/");
    p->sources[0].access.profile = strdup("a-side");
    p->sources[0].access.endpoint = strdup("http://127.0.0.1:9");
    p->sources[0].access.addressing = S3E_ADDRESSING_PATH;
    p->sources[0].access.requester_pays = 1;
    p->sources[0].ssec = calloc(1, sizeof *p->sources[0].ssec);
    char err[256];
    assert_int_equal(s3e_ssec_load(p->sources[0].ssec, NULL, "S3E_TEST_SIDES_KEY", err,
                                   sizeof err), S3E_OK);
    p->sources[1].prefix = strdup("");
    p->sources[1].manifest = strdup("rows.csv");
    p->sources[1].access.region = strdup("eu-west-3");
    p->ntargets = 2;
    p->targets = calloc(2, sizeof *p->targets);
    struct s3e_target *t = &p->targets[0];
    t->name = strdup("enc");
    t->bucket = strdup("dst");
    t->prefix = strdup("e/");
    t->ssec = calloc(1, sizeof *t->ssec);
    assert_int_equal(s3e_ssec_load(t->ssec, keyfile, NULL, err, sizeof err), S3E_OK);
    t->access.acl = strdup("bucket-owner-full-control");
    t->access.expected_owner = strdup("123456789012");
    t->access.addressing = S3E_ADDRESSING_VIRTUAL;
    t->stream = 1;
    t = &p->targets[1];
    t->name = strdup("kms");
    t->bucket = strdup("dst2");
    t->prefix = strdup("");
    t->storage_class = strdup("STANDARD_IA");
    t->sse = strdup("aws:kms");
    t->kms_key_id = strdup("alias/k");
    t->bucket_key_enabled = -1;
    t->checksum_algorithm = strdup("CRC32C");
}

/* The index emit writes for plan p (sources and targets as job_emit.c puts them). */
static void index_of(const struct s3e_plan *p, struct s3e_job_index *ix, int stream_all)
{
    memset(ix, 0, sizeof *ix);
    ix->workers = 1;
    ix->part_concurrency = 8;
    ix->plan_path = strdup(p->path);
    ix->nsources = p->nsources;
    ix->sources = calloc(p->nsources, sizeof *ix->sources);
    ix->ntargets = p->ntargets;
    ix->targets = calloc(p->ntargets, sizeof *ix->targets);
    for (size_t i = 0; i < p->ntargets; i++) {
        ix->targets[i].name = strdup(p->targets[i].name);
        ix->targets[i].bucket = strdup(p->targets[i].bucket);
        ix->targets[i].prefix = strdup(p->targets[i].prefix);
        ix->targets[i].storage_class = strdup(p->targets[i].storage_class ?
                                              p->targets[i].storage_class : "");
    }
    char err[256];
    assert_int_equal(s3e_job_sides_emit(ix, p, stream_all, err, sizeof err), S3E_OK);
}

static void test_round_trip(void **state)
{
    (void)state;
    char keyfile[] = "/tmp/s3e-sides-key-XXXXXX";
    int fd = mkstemp(keyfile);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, KEY "\n", strlen(KEY) + 1), (ssize_t)strlen(KEY) + 1);
    close(fd);
    setenv("S3E_TEST_SIDES_KEY", KEY, 1);
    struct s3e_plan p, back;
    struct s3e_job_index ix, rd;
    make_plan(&p, keyfile);
    index_of(&p, &ix, 0);
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_jobfmt_index_write(&b, &ix), S3E_OK);
    assert_null(strstr(s3e_buf_cstr(&b), KEY)); /* the key is never in the job */
    assert_non_null(strstr(s3e_buf_cstr(&b), "option\tsource\t0\tsse_c_key_env\tS3E_TEST_SIDES_KEY\n"));
    char err[512] = "";
    assert_int_equal(s3e_jobfmt_index_parse(b.data, b.len, &rd, err, sizeof err), S3E_OK);
    assert_int_equal(s3e_job_sides_plan(&rd, &back, err, sizeof err), S3E_OK);
    const struct s3e_source *s = &back.sources[0];
    assert_string_equal(s->bucket, "src");
    assert_string_equal(s->access.profile, "a-side");
    assert_string_equal(s->access.endpoint, "http://127.0.0.1:9");
    assert_int_equal(s->access.addressing, S3E_ADDRESSING_PATH);
    assert_int_equal(s->access.requester_pays, 1);
    assert_non_null(s->ssec);
    assert_string_equal(s->ssec->key_b64, p.sources[0].ssec->key_b64);
    assert_null(back.sources[1].bucket); /* a manifest source */
    assert_string_equal(back.sources[1].access.region, "eu-west-3");
    const struct s3e_target *t = &back.targets[0];
    assert_string_equal(t->name, "enc");
    assert_int_equal(t->stream, 1);
    assert_string_equal(t->access.acl, "bucket-owner-full-control");
    assert_string_equal(t->access.expected_owner, "123456789012");
    assert_int_equal(t->access.addressing, S3E_ADDRESSING_VIRTUAL);
    assert_string_equal(t->ssec->md5_b64, p.targets[0].ssec->md5_b64);
    assert_string_equal(t->ssec->file, keyfile);
    t = &back.targets[1];
    assert_int_equal(t->stream, 0);
    assert_string_equal(t->storage_class, "STANDARD_IA");
    assert_string_equal(t->sse, "aws:kms");
    assert_string_equal(t->kms_key_id, "alias/k");
    assert_int_equal(t->bucket_key_enabled, -1);
    assert_string_equal(t->checksum_algorithm, "CRC32C");
    s3e_plan_free(&back);
    s3e_jobfmt_index_free(&rd);
    s3e_jobfmt_index_free(&ix);
    /* --stream: every target streams */
    index_of(&p, &ix, 1);
    assert_int_equal(s3e_job_sides_plan(&ix, &back, err, sizeof err), S3E_OK);
    assert_true(back.targets[0].stream && back.targets[1].stream);
    s3e_plan_free(&back);
    s3e_jobfmt_index_free(&ix);
    /* a key the runner cannot find: an error naming where, never a key */
    index_of(&p, &ix, 0);
    unsetenv("S3E_TEST_SIDES_KEY");
    assert_int_equal(s3e_job_sides_plan(&ix, &back, err, sizeof err), S3E_EINVAL);
    assert_non_null(strstr(err, "S3E_TEST_SIDES_KEY is not set"));
    s3e_plan_free(&back);
    s3e_jobfmt_index_free(&ix);
    s3e_plan_free(&p);
    s3e_buf_free(&b);
    unlink(keyfile);
}

static void test_unknown_option(void **state)
{
    (void)state;
    const char *t = "s3engine-job\t3\nsetting\tworkers\t1\nsource\t0\t0\t\n"
                    "target\t0\tt\tb\t\t\noption\ttarget\t0\tteleport\ttrue\n";
    struct s3e_job_index ix;
    struct s3e_plan p;
    char err[512] = "";
    assert_int_equal(s3e_jobfmt_index_parse(t, strlen(t), &ix, err, sizeof err), S3E_OK);
    assert_int_equal(s3e_job_sides_plan(&ix, &p, err, sizeof err), S3E_EPARSE);
    assert_non_null(strstr(err, "option teleport of target 1"));
    s3e_plan_free(&p);
    s3e_jobfmt_index_free(&ix);
    t = "s3engine-job\t3\nsetting\tworkers\t1\nsource\t0\t0\t\n"
        "target\t0\tt\tb\t\t\noption\ttarget\t0\tbucket_key_enabled\tyes\n";
    assert_int_equal(s3e_jobfmt_index_parse(t, strlen(t), &ix, err, sizeof err), S3E_OK);
    assert_int_equal(s3e_job_sides_plan(&ix, &p, err, sizeof err), S3E_EPARSE);
    s3e_plan_free(&p);
    s3e_jobfmt_index_free(&ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_unknown_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
