/* test_job_format.c - the files of an emitted job: every key round-trips
 * byte for byte through a manifest line, the index and the results read back
 * what was written, and broken lines are refused, not misread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/job_format.h"
#include "s3engine/error.h"

static void test_fields_escape_only_what_would_break_a_line(void **state)
{
    (void)state;
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    const char key[] = "a b/\t%x\ny\r\x01\x7f\xc3\xa9,\"q\".txt";
    assert_int_equal(s3e_jobfmt_field(&b, key, sizeof key - 1), S3E_OK);
    assert_string_equal(b.data, "a b/%09%25x%0Ay%0D%01%7F\xc3\xa9,\"q\".txt");
    assert_null(memchr(b.data, '\t', b.len));
    assert_null(memchr(b.data, '\n', b.len));
    size_t n;
    assert_int_equal(s3e_jobfmt_unescape(b.data, &n), S3E_OK);
    assert_int_equal(n, sizeof key - 1);
    assert_memory_equal(b.data, key, n);
    char bad[] = "50%";
    assert_int_equal(s3e_jobfmt_unescape(bad, NULL), S3E_EINVAL);
    char bad2[] = "%G1";
    assert_int_equal(s3e_jobfmt_unescape(bad2, NULL), S3E_EINVAL);
    s3e_buf_free(&b);
}

static void test_object_round_trip(void **state)
{
    (void)state;
    struct s3e_job j = {
        .target = 3, .size = 5368709121ULL, .last_modified = 1700000000,
        .src_bucket = "src", .src_key = "in/we ird\t%key\n.mp4", .dst_bucket = "dst",
        .dst_key = "out/we ird\t%key\n.mp4", .etag = "abc-12", .storage_class = "GLACIER",
        .existing = 1,
    };
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_jobfmt_object_write(&b, &j, "v1"), S3E_OK);
    assert_int_equal(b.data[b.len - 1], '\n');
    assert_null(memchr(b.data, '\n', b.len - 1));
    struct s3e_job r;
    const char *version;
    assert_int_equal(s3e_jobfmt_object_parse(b.data, b.len - 1, &r, &version), S3E_OK);
    assert_string_equal(r.src_bucket, "src");
    assert_string_equal(r.src_key, j.src_key);
    assert_string_equal(r.dst_key, j.dst_key);
    assert_string_equal(r.dst_bucket, "dst");
    assert_string_equal(r.etag, "abc-12");
    assert_string_equal(r.storage_class, "GLACIER");
    assert_string_equal(version, "v1");
    assert_true(r.size == 5368709121ULL);
    assert_int_equal(r.last_modified, 1700000000);
    assert_int_equal(r.target, 3);
    assert_int_equal(r.existing, 1);

    /* no storage class, not existing, no version */
    j.storage_class = NULL;
    j.existing = 0;
    s3e_buf_reset(&b);
    assert_int_equal(s3e_jobfmt_object_write(&b, &j, ""), S3E_OK);
    assert_int_equal(s3e_jobfmt_object_parse(b.data, b.len - 1, &r, &version), S3E_OK);
    assert_null(r.storage_class);
    assert_int_equal(r.existing, 0);
    assert_string_equal(version, "");
    s3e_buf_free(&b);
}

static void test_object_lines_that_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "src\tk\t\t10\te\t1\t0\tdst\tk\t\t-\textra",   /* 12 fields */
        "src\tk\t\t10\te\t1\t0\tdst\tk\t",              /* 10 fields */
        "src\tk\t\t-1\te\t1\t0\tdst\tk\t\t-",           /* negative size */
        "src\tk\t\tten\te\t1\t0\tdst\tk\t\t-",          /* not a number */
        "\tk\t\t10\te\t1\t0\tdst\tk\t\t-",              /* no bucket */
        "src\tk\t\t10\te\t1\t0\tdst\t\t\t-",            /* no destination key */
        "src\tk\t\t10\te\t1\t0\tdst\tk\t\tx",           /* unknown flag */
        "src\tk%zz\t\t10\te\t1\t0\tdst\tk\t\t-",        /* bad escape */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[256];
        snprintf(line, sizeof line, "%s", bad[i]);
        struct s3e_job j;
        const char *v;
        assert_int_equal(s3e_jobfmt_object_parse(line, strlen(line), &j, &v), S3E_EPARSE);
    }
}

static void test_index_round_trip(void **state)
{
    (void)state;
    struct s3e_job_index ix = { .workers = 4, .move = 1, .verify = 1,
                                .multipart_cutoff = 1 << 28, .part_size = 1 << 26,
                                .part_concurrency = 8 };
    ix.plan_path = strdup("plans/a\tb.lua");
    snprintf(ix.sha256, sizeof ix.sha256, "%064d", 7);
    snprintf(ix.created_at, sizeof ix.created_at, "2026-01-02T03:04:05Z");
    ix.targets = calloc(1, sizeof *ix.targets);
    ix.ntargets = 1;
    ix.targets[0].name = strdup("videos");
    ix.targets[0].bucket = strdup("dst");
    ix.targets[0].prefix = strdup("mp4/");
    ix.targets[0].storage_class = strdup("");
    for (int i = 1; i <= 3; i++) {
        struct s3e_job_payload p = { .id = (uint64_t)i, .worker = i, .objects = 10u * i,
                                     .bytes = 1000u * i, .file = "manifests/part-00001.tsv",
                                     .offset = 100u * (i - 1), .length = 100 };
        assert_int_equal(s3e_jobfmt_index_add(&ix, &p), S3E_OK);
    }
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_jobfmt_index_write(&b, &ix), S3E_OK);
    struct s3e_job_index r;
    char err[128];
    assert_int_equal(s3e_jobfmt_index_parse(b.data, b.len, &r, err, sizeof err), S3E_OK);
    assert_string_equal(r.plan_path, "plans/a\tb.lua");
    assert_string_equal(r.sha256, ix.sha256);
    assert_string_equal(r.created_at, ix.created_at);
    assert_int_equal(r.workers, 4);
    assert_int_equal(r.move, 1);
    assert_true(r.multipart_cutoff == 1 << 28 && r.part_size == 1 << 26);
    assert_int_equal(r.part_concurrency, 8);
    assert_int_equal(r.ntargets, 1);
    assert_string_equal(r.targets[0].prefix, "mp4/");
    assert_int_equal(r.npayloads, 3);
    assert_int_equal(r.payloads[2].worker, 3);
    assert_true(r.payloads[2].offset == 200 && r.payloads[2].length == 100);
    assert_string_equal(r.payloads[1].file, "manifests/part-00001.tsv");
    s3e_jobfmt_index_free(&r);
    s3e_jobfmt_index_free(&ix);
    s3e_buf_free(&b);
}

static void test_index_refuses_what_it_does_not_know(void **state)
{
    (void)state;
    const char *bad[] = {
        "s3engine-job\t2\nsetting\tworkers\t1\n",                 /* a newer format */
        "s3engine-job\t1\nsetting\tworkers\t1\nsetting\tspeed\t9\n",
        "s3engine-job\t1\nsetting\tworkers\t1\nbogus\tline\n",
        "s3engine-job\t1\nsetting\tworkers\t1\n"                  /* ids must follow 1, 2.. */
        "payload\t2\t1\t1\t1\tm\t0\t1\n",
        "s3engine-job\t1\nsetting\tworkers\t1\n"                  /* worker 0 */
        "payload\t1\t0\t1\t1\tm\t0\t1\n",
        "s3engine-job\t1\n",                                       /* no workers */
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct s3e_job_index r;
        char err[128] = "";
        assert_int_equal(s3e_jobfmt_index_parse(bad[i], strlen(bad[i]), &r, err, sizeof err),
                         S3E_EPARSE);
        assert_true(err[0] != '\0');
        s3e_jobfmt_index_free(&r);
    }
    struct s3e_job_index r;
    char err[128] = "";
    const char *t = "s3engine-job\t1\nsetting\tworkers\t1\nbogus\n";
    s3e_jobfmt_index_parse(t, strlen(t), &r, err, sizeof err);
    assert_non_null(strstr(err, "line 3"));
    s3e_jobfmt_index_free(&r);
}

static void test_result_round_trip(void **state)
{
    (void)state;
    struct s3e_job_result res;
    s3e_jobfmt_result_init(&res);
    res.payload = 42;
    res.objects[S3E_OUT_COPIED] = 5;
    res.bytes[S3E_OUT_COPIED] = 500;
    res.objects[S3E_OUT_FAILED] = 1;
    res.seconds = 1.5;
    assert_int_equal(s3e_jobfmt_result_fail(&res, "s3://a/k\tx", "s3://b/k\tx", "AccessDenied"),
                     S3E_OK);
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_jobfmt_result_write(&b, &res), S3E_OK);
    struct s3e_job_result r;
    char err[128];
    assert_int_equal(s3e_jobfmt_result_parse(b.data, b.len, &r, err, sizeof err), S3E_OK);
    assert_true(r.payload == 42 && !r.done);
    assert_true(r.objects[S3E_OUT_COPIED] == 5 && r.bytes[S3E_OUT_COPIED] == 500);
    assert_true(r.objects[S3E_OUT_FAILED] == 1);
    assert_int_equal(r.nfailures, 1);
    assert_non_null(strstr(r.failures.data, "s3://a/k%09x"));
    s3e_jobfmt_result_free(&r);
    s3e_jobfmt_result_free(&res);
    const char *bad = "s3engine-result\t1\nstatus\tmaybe\n";
    assert_int_equal(s3e_jobfmt_result_parse(bad, strlen(bad), &r, err, sizeof err), S3E_EPARSE);
    s3e_jobfmt_result_free(&r);
    s3e_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_escape_only_what_would_break_a_line),
        cmocka_unit_test(test_object_round_trip),
        cmocka_unit_test(test_object_lines_that_are_refused),
        cmocka_unit_test(test_index_round_trip),
        cmocka_unit_test(test_index_refuses_what_it_does_not_know),
        cmocka_unit_test(test_result_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
