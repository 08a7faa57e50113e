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
        .existing = 1, .archived = 1, .source = 2,
        .put = "x-amz-metadata-directive: REPLACE\nx-amz-meta-a: 1%\n",
    };
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    assert_int_equal(s3e_jobfmt_object_write(&b, &j, "v1", 0), S3E_OK);
    assert_int_equal(b.data[b.len - 1], '\n');
    assert_null(memchr(b.data, '\n', b.len - 1));
    struct s3e_job r;
    const char *version;
    int vrow;
    assert_int_equal(s3e_jobfmt_object_parse(b.data, b.len - 1, &r, &version, &vrow), S3E_OK);
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
    assert_int_equal(r.archived, 1);
    assert_int_equal(r.source, 2);
    assert_int_equal(vrow, 0);
    assert_string_equal(r.put, j.put);

    /* no storage class, not existing, not archived, no route headers; a version row */
    j.storage_class = NULL;
    j.existing = 0;
    j.archived = 0;
    j.put = NULL;
    s3e_buf_reset(&b);
    assert_int_equal(s3e_jobfmt_object_write(&b, &j, "", 1), S3E_OK);
    assert_non_null(strstr(b.data, "\tv\t2\t\n")); /* flags, source, no route headers */
    assert_int_equal(s3e_jobfmt_object_parse(b.data, b.len - 1, &r, &version, &vrow), S3E_OK);
    assert_null(r.storage_class);
    assert_null(r.put);
    assert_int_equal(r.existing, 0);
    assert_int_equal(r.archived, 0);
    assert_int_equal(vrow, 1);
    assert_string_equal(version, "");

    /* a format 1 line (11 fields, no source or route headers) still reads */
    char old[] = "src\tk\tv9\t10\te\t1\t0\tdst\tk2\t\te";
    assert_int_equal(s3e_jobfmt_object_parse(old, strlen(old), &r, &version, &vrow), S3E_OK);
    assert_true(r.existing && !r.archived && !vrow && r.source == 0 && !r.put);
    assert_string_equal(version, "v9");
    s3e_buf_free(&b);
}

/* Lines longer than the room asked for per line (every byte escaped, keys of
 * 4,000 bytes), one after another in one buffer, read back whole. */
static void test_long_lines_round_trip(void **state)
{
    (void)state;
    char *key = malloc(4001), *dkey = malloc(4001);
    assert_non_null(key);
    assert_non_null(dkey);
    for (int i = 0; i < 4000; i++) {
        key[i] = (char)(i % 3 ? '\t' : 'k');
        dkey[i] = (char)(i % 2 ? '%' : 'd');
    }
    key[4000] = dkey[4000] = '\0';
    struct s3e_job j = { .size = 1, .src_bucket = "src", .src_key = key, .dst_bucket = "dst",
                         .dst_key = dkey, .etag = "e" };
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(s3e_jobfmt_object_write(&b, &j, "v", 0), S3E_OK);
    char *line = b.data;
    for (int i = 0; i < 3; i++) {
        char *nl = memchr(line, '\n', b.len - (size_t)(line - b.data));
        assert_non_null(nl);
        struct s3e_job r;
        const char *version;
        int vrow;
        assert_int_equal(s3e_jobfmt_object_parse(line, (size_t)(nl - line), &r, &version, &vrow), S3E_OK);
        assert_string_equal(r.src_key, key);
        assert_string_equal(r.dst_key, dkey);
        line = nl + 1;
    }
    assert_ptr_equal(line, b.data + b.len);
    s3e_buf_free(&b);
    free(key);
    free(dkey);
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
        "src\tk\t\t10\te\t1\t0\tdst\tk\t\tex\t0\t",      /* unknown flag */
        "src\tk\t\t10\te\t1\t0\tdst\tk\t\t\t0\t",        /* no flags */
        "src\tk\t\t10\te\t1\t0\tdst\tk\t\t-\tx\t",       /* source not a number */
        "src\tk\t\t10\te\t1\t0\tdst\tk\t\t-\t0",          /* 12 fields */
        "src\tk%zz\t\t10\te\t1\t0\tdst\tk\t\t-",        /* bad escape */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[256];
        snprintf(line, sizeof line, "%s", bad[i]);
        struct s3e_job j;
        const char *v;
        int vrow;
        assert_int_equal(s3e_jobfmt_object_parse(line, strlen(line), &j, &v, &vrow), S3E_EPARSE);
    }
}

static void test_index_round_trip(void **state)
{
    (void)state;
    struct s3e_job_index ix = { .workers = 4, .move = 1, .verify = 1,
                                .multipart_cutoff = 1 << 28, .part_size = 1 << 26,
                                .part_concurrency = 8, .check_destinations = 1 };
    ix.plan_path = strdup("plans/a\tb.lua");
    snprintf(ix.sha256, sizeof ix.sha256, "%064d", 7);
    snprintf(ix.created_at, sizeof ix.created_at, "2026-01-02T03:04:05Z");
    ix.targets = calloc(1, sizeof *ix.targets);
    ix.ntargets = 1;
    ix.targets[0].name = strdup("videos");
    ix.targets[0].bucket = strdup("dst");
    ix.targets[0].prefix = strdup("mp4/");
    ix.targets[0].storage_class = strdup("");
    ix.sources = calloc(1, sizeof *ix.sources);
    ix.nsources = 1;
    assert_int_equal(s3e_jobfmt_opt_add(&ix, 0, 0, "endpoint", "http://b:1"), S3E_OK);
    assert_int_equal(s3e_jobfmt_opt_add(&ix, 1, 0, "sse_c_key_file", "/k/a\tb"), S3E_OK);
    for (int i = 1; i <= 3; i++) {
        struct s3e_job_payload p = { .id = (uint64_t)i, .worker = i, .objects = 10u * i,
                                     .bytes = i == 3 ? UINT64_MAX : 1000u * i,
                                     .file = "manifests/part-00001.tsv",
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
    assert_int_equal(r.check_destinations, 1);
    assert_int_equal(r.nopts, 2);
    assert_true(!r.opts[0].target && r.opts[0].index == 0 && r.opts[1].target);
    assert_string_equal(r.opts[0].name, "endpoint");
    assert_string_equal(r.opts[0].value, "http://b:1");
    assert_string_equal(r.opts[1].value, "/k/a\tb");
    assert_int_equal(r.npayloads, 3);
    assert_int_equal(r.payloads[2].worker, 3);
    assert_true(r.payloads[2].offset == 200 && r.payloads[2].length == 100);
    assert_true(r.payloads[0].bytes == 1000 && r.payloads[2].bytes == UINT64_MAX);
    assert_true(r.payloads[0].objects == 10 && r.payloads[0].offset == 0);
    assert_string_equal(r.payloads[1].file, "manifests/part-00001.tsv");
    s3e_jobfmt_index_free(&r);
    s3e_jobfmt_index_free(&ix);
    s3e_buf_free(&b);
}

static void test_index_refuses_what_it_does_not_know(void **state)
{
    (void)state;
    const char *bad[] = {
        "s3engine-job\t4\nsetting\tworkers\t1\n",                 /* a newer format */
        "s3engine-job\t0\nsetting\tworkers\t1\n",
        "s3engine-job\t3\nsetting\tworkers\t1\n"                  /* no such target */
        "option\ttarget\t0\tsse\tAES256\n",
        "s3engine-job\t3\nsetting\tworkers\t1\ntarget\t0\tt\tb\t\t\n"
        "option\tsides\t0\tsse\tAES256\n",
        "s3engine-job\t3\nsetting\tworkers\t1\ntarget\t0\tt\tb\t\t\n"
        "option\ttarget\t0\tsse\n",
        "s3engine-job\t2\nsetting\tworkers\t1\nsource\t1\t0\t\n", /* sources from 0 */
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
    t = "s3engine-job\t4\nsetting\tworkers\t1\n"; /* a newer format says so */
    s3e_jobfmt_index_parse(t, strlen(t), &r, err, sizeof err);
    assert_non_null(strstr(err, "job format 4: this s3engine reads formats 1 to 3"));
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
    assert_int_equal(s3e_jobfmt_result_fail(&res, "s3://a/k\tx", "s3://b/k\tx", "AccessDenied",
                                            0), S3E_OK);
    res.objects[S3E_OUT_RESTORING] = 2;
    res.objects[S3E_OUT_CHANGED] = 3;
    assert_int_equal(s3e_jobfmt_result_fail(&res, "s3://a/g", "s3://b/g", "restore started", 1),
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
    assert_true(r.objects[S3E_OUT_RESTORING] == 2 && r.objects[S3E_OUT_CHANGED] == 3);
    assert_true(s3e_jobfmt_result_failed(&r) == 4);
    assert_string_equal(s3e_jobfmt_result_status(&r), "failed");
    assert_int_equal(r.nfailures, 2);
    assert_non_null(strstr(r.failures.data, "restore\ts3://a/g\ts3://b/g\trestore started\n"));
    assert_non_null(strstr(r.failures.data, "s3://a/k%09x"));
    s3e_jobfmt_result_free(&r);
    s3e_jobfmt_result_free(&res);
    /* restoring: nothing failed, some objects being restored */
    const char *text = "s3engine-result\t2\npayload\t7\nstatus\trestoring\nrestoring\t1\t10\n"
                       "restore\ts3://a/g\ts3://b/g\tbeing restored\n";
    assert_int_equal(s3e_jobfmt_result_parse(text, strlen(text), &r, err, sizeof err), S3E_OK);
    assert_true(r.restoring && !r.done && r.objects[S3E_OUT_RESTORING] == 1);
    assert_string_equal(s3e_jobfmt_result_status(&r), "restoring");
    s3e_jobfmt_result_free(&r);
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
        cmocka_unit_test(test_long_lines_round_trip),
        cmocka_unit_test(test_object_lines_that_are_refused),
        cmocka_unit_test(test_index_round_trip),
        cmocka_unit_test(test_index_refuses_what_it_does_not_know),
        cmocka_unit_test(test_result_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
