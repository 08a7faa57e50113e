/* test_report.c - the per-object report (CSV quoting, JSON escaping), the
 * counters and the summary; read back by other means. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s3engine/error.h"
#include "s3engine/report.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void write_rows(const char *path)
{
    struct s3e_report *r = NULL;
    char err[256];
    assert_int_equal(s3e_report_open(&r, path, err, sizeof err), S3E_OK);
    struct s3e_report_row ok = {
        .src_bucket = "src", .src_key = "a,b \"q\".txt", .dst_bucket = "dst",
        .dst_key = "x/a,b \"q\".txt", .bytes = 42, .outcome = S3E_OUT_COPIED, .etag = "e1",
        .seconds = 0.25,
    };
    struct s3e_report_row bad = {
        .src_bucket = "src", .src_key = "line\nbreak\\tab\t", .dst_bucket = "dst",
        .dst_key = "k", .bytes = 7, .outcome = S3E_OUT_FAILED,
        .error = "NoSuchKey: gone, \"really\"",
    };
    assert_int_equal(s3e_report_write(r, &ok), S3E_OK);
    assert_int_equal(s3e_report_write(r, &bad), S3E_OK);
    assert_int_equal(s3e_report_close(r), S3E_OK);
}

static void test_csv_quotes_what_needs_it(void **state)
{
    (void)state;
    char path[] = "/tmp/s3e-report-XXXXXX.csv";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    write_rows(path);
    const char *text = slurp(path);
    assert_non_null(strstr(text, "source,target,bytes,status,error"));
    assert_non_null(strstr(text, "\"s3://src/a,b \"\"q\"\".txt\",\"s3://dst/x/a,b \"\"q\"\".txt\",42,copied,"));
    assert_non_null(strstr(text, "\"s3://src/line\nbreak\\tab\t\",s3://dst/k,7,failed,"
                                 "\"NoSuchKey: gone, \"\"really\"\"\""));
    unlink(path);
}

static void test_jsonl_escapes(void **state)
{
    (void)state;
    char path[] = "/tmp/s3e-report-XXXXXX.jsonl";
    int fd = mkstemps(path, 6);
    assert_true(fd >= 0);
    close(fd);
    write_rows(path);
    const char *text = slurp(path);
    assert_non_null(strstr(text, "{\"source\":\"s3://src/a,b \\\"q\\\".txt\",\"target\":"
                                 "\"s3://dst/x/a,b \\\"q\\\".txt\",\"bytes\":42,\"status\":\"copied\","
                                 "\"error\":null,\"etag\":\"e1\""));
    assert_non_null(strstr(text, "\"source\":\"s3://src/line\\nbreak\\\\tab\\u0009\""));
    assert_non_null(strstr(text, "\"status\":\"failed\",\"error\":\"NoSuchKey: gone, \\\"really\\\"\""));
    /* one line per object */
    int lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 2);
    unlink(path);
}

static void test_unwritable_report_is_named(void **state)
{
    (void)state;
    struct s3e_report *r = NULL;
    char err[256];
    assert_int_not_equal(s3e_report_open(&r, "/nonexistent/dir/r.csv", err, sizeof err), S3E_OK);
    assert_non_null(strstr(err, "/nonexistent/dir/r.csv"));
}

static void test_stats_and_summary(void **state)
{
    (void)state;
    struct s3e_stats s;
    s3e_stats_init(&s);
    s3e_stats_record(&s, S3E_OUT_COPIED, 1000);
    s3e_stats_record(&s, S3E_OUT_MOVED, 24);
    s3e_stats_record(&s, S3E_OUT_SKIPPED, 5);
    s3e_stats_record(&s, S3E_OUT_FAILED, 9);
    assert_int_equal(atomic_load(&s.done_objects), 2);
    assert_int_equal(atomic_load(&s.done_bytes), 1024);
    assert_int_equal(atomic_load(&s.moved_objects), 1);
    assert_int_equal(atomic_load(&s.skipped_objects), 1);
    assert_int_equal(atomic_load(&s.failed_bytes), 9);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    s3e_stats_summary(&s, f);
    fclose(f);
    assert_non_null(strstr(text, "copied:     2 objects, 1.0 KiB"));
    assert_non_null(strstr(text, "failed:     1 objects"));
    assert_non_null(strstr(text, "moved"));
    free(text);
    char b[32];
    assert_string_equal(s3e_format_bytes(12, b, sizeof b), "12 B");
    assert_string_equal(s3e_format_bytes(3ULL << 29, b, sizeof b), "1.5 GiB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quotes_what_needs_it),
        cmocka_unit_test(test_jsonl_escapes),
        cmocka_unit_test(test_unwritable_report_is_named),
        cmocka_unit_test(test_stats_and_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
