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
#include "s3engine/escape.h"
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
        .seconds = 0.25, .verified = "size+etag",
    };
    struct s3e_report_row bad = {
        .src_bucket = "src", .src_key = "line\nbreak\\tab\t", .dst_bucket = "dst",
        .dst_key = "k", .bytes = 7, .outcome = S3E_OUT_FAILED,
        .error = "NoSuchKey: gone, \"really\"",
    };
    assert_int_equal(s3e_report_write(r, &ok), S3E_OK);
    assert_int_equal(s3e_report_write(r, &bad), S3E_OK);
    assert_int_equal(s3e_report_close(r, err, sizeof err), S3E_OK);
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
    assert_non_null(strstr(text, "source,target,bytes,status,error,etag,seconds,verified,version,"
                                 "method\n"));
    assert_non_null(strstr(text, ",e1,0.250,size+etag,,\n"));
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
                                 "\"error\":null,\"etag\":\"e1\",\"seconds\":0.250,"
                                 "\"verified\":\"size+etag\",\"version\":null,\"method\":\"\"}"));
    assert_non_null(strstr(text, "\"source\":\"s3://src/line\\nbreak\\\\tab\\u0009\""));
    assert_non_null(strstr(text, "\"status\":\"failed\",\"error\":\"NoSuchKey: gone, \\\"really\\\"\""));
    /* one line per object */
    int lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 2);
    unlink(path);
}

/* Keys an attacker picks: terminal escapes, CR/LF, quotes and commas, C1
 * and bidi controls, bytes that are not UTF-8 (S3 refuses them, but a
 * manifest can name them and the row must still be written). */
static const struct s3e_report_row hostile[] = {
    { .src_bucket = "src", .src_key = "esc\x1b[2J\rcr\abel\bbs\x7f" "del", .dst_bucket = "dst",
      .dst_key = "o/esc", .bytes = 1, .outcome = S3E_OUT_COPIED, .etag = "\"e\x1b\"" },
    { .src_bucket = "src", .src_key = "c1\xc2\x9b" "31m rlo\xe2\x80\xaetxt.exe", .dst_bucket = "dst",
      .dst_key = "o/c1", .bytes = 2, .outcome = S3E_OUT_COPIED },
    { .src_bucket = "src", .src_key = "bad\xff\xfe\x1b]0;t\x07", .dst_bucket = "dst",
      .dst_key = "o/bad\xff", .bytes = 3, .outcome = S3E_OUT_FAILED,
      .error = "InvalidObjectName: key 'bad\xff\x1b' \"\n\"" },
    { .src_bucket = "src", .src_key = "forge\"\n{\"source\":\"x\"}\r\n,\"", .dst_bucket = "dst",
      .dst_key = "o/a,b\r\nc,\"d\"", .bytes = 4, .outcome = S3E_OUT_COPIED },
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

static void write_hostile(const char *path)
{
    struct s3e_report *r = NULL;
    char err[256];
    assert_int_equal(s3e_report_open(&r, path, err, sizeof err), S3E_OK);
    for (size_t i = 0; i < NHOSTILE; i++)
        assert_int_equal(s3e_report_write(r, &hostile[i]), S3E_OK);
    assert_int_equal(s3e_report_close(r, err, sizeof err), S3E_OK);
}

static void temp_path(char *path, int suffix)
{
    int fd = mkstemps(path, suffix);
    assert_true(fd >= 0);
    close(fd);
}

/* "s3://bucket/key" in hex, for comparing what a parser read back. */
static void url_hex(char *out, size_t len, const char *bucket, const char *key)
{
    char url[256];
    snprintf(url, sizeof url, "s3://%s/%s", bucket, key);
    size_t n = 0;
    for (const unsigned char *c = (const unsigned char *)url; *c && n + 3 < len; c++)
        n += (size_t)snprintf(out + n, len - n, "%02x", *c);
    out[n] = '\0';
}

static void test_jsonl_hostile_keys_are_json(void **state)
{
    (void)state;
    char path[] = "/tmp/s3e-report-XXXXXX.jsonl";
    temp_path(path, 6);
    write_hostile(path);
    const char *text = slurp(path);
    /* Valid UTF-8, and no control byte but the line ends. */
    assert_true(s3e_utf8_valid(text, strlen(text)));
    int lines = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        assert_true(*c == '\n' || (*c >= 0x20 && *c != 0x7f));
        lines += *c == '\n';
    }
    assert_int_equal(lines, (int)NHOSTILE);
    assert_non_null(strstr(text, "\"source\":\"s3://src/esc\\u001b[2J\\u000dcr\\u0007bel"));
    assert_non_null(strstr(text, "\"source\":\"s3://src/c1\\u009b31m rlo\\u202etxt.exe\""));
    assert_non_null(strstr(text, "\"source\":\"s3://src/bad\\ufffd\\ufffd\\u001b]0;t\\u0007\","
                                 "\"source_base64\":\"czM6Ly9zcmMvYmFk//4bXTA7dAc=\""));
    assert_non_null(strstr(text, "\"target\":\"s3://dst/o/bad\\ufffd\",\"target_base64\":"
                                 "\"czM6Ly9kc3Qvby9iYWT/\""));
    assert_null(strstr(text, "\"source\":\"s3://src/esc\\u001b[2J\\u000dcr\\u0007bel\\u0008bs\\u007fdel\","
                             "\"source_base64\""));
    /* Parsed by a real JSON parser, base64 taken when present: the exact bytes. */
    if (access("/usr/bin/python3", X_OK) != 0) {
        unlink(path);
        skip();
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c '"
             "import sys, json, base64\n"
             "for line in open(sys.argv[1], \"rb\"):\n"
             "    r = json.loads(line.decode(\"utf-8\"))\n"
             "    f = lambda n: base64.b64decode(r[n + \"_base64\"]) if n + \"_base64\" in r else r[n].encode()\n"
             "    print(f(\"source\").hex(), f(\"target\").hex())\n' %s", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    for (size_t i = 0; i < NHOSTILE; i++) {
        char got[1024], want[1024], src[300], dst[300];
        assert_non_null(fgets(got, sizeof got, p));
        url_hex(src, sizeof src, "src", hostile[i].src_key);
        url_hex(dst, sizeof dst, "dst", hostile[i].dst_key);
        snprintf(want, sizeof want, "%s %s\n", src, dst);
        assert_string_equal(got, want);
    }
    assert_int_equal(pclose(p), 0);
    unlink(path);
}

/* Minimal RFC 4180 reader: the fields of the next record, NULL at the end. */
static const char *csv_record(const char *s, char fields[][256], int *nfields)
{
    if (!*s)
        return NULL;
    *nfields = 0;
    for (;;) {
        char *f = fields[(*nfields)++];
        size_t n = 0;
        if (*s == '"') {
            for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
                if (*s == '"')
                    s++;
                f[n++] = *s;
            }
            assert_int_equal(*s, '"');
            s++;
        } else {
            while (*s && *s != ',' && *s != '\n')
                f[n++] = *s++;
        }
        f[n] = '\0';
        if (*s == ',') {
            s++;
            continue;
        }
        assert_int_equal(*s, '\n');
        return s + 1;
    }
}

static void test_csv_hostile_keys_cannot_forge_rows(void **state)
{
    (void)state;
    char path[] = "/tmp/s3e-report-XXXXXX.csv";
    temp_path(path, 4);
    write_hostile(path);
    const char *s = slurp(path);
    char fields[10][256];
    int n;
    s = csv_record(s, fields, &n);
    assert_int_equal(n, 10);
    assert_string_equal(fields[0], "source");
    assert_string_equal(fields[6], "seconds");
    assert_string_equal(fields[7], "verified");
    assert_string_equal(fields[8], "version");
    assert_string_equal(fields[9], "method");
    for (size_t i = 0; i < NHOSTILE; i++) {
        char src[300], dst[300];
        assert_non_null(s = csv_record(s, fields, &n));
        assert_int_equal(n, 10);
        snprintf(src, sizeof src, "s3://src/%s", hostile[i].src_key);
        snprintf(dst, sizeof dst, "s3://dst/%s", hostile[i].dst_key);
        assert_string_equal(fields[0], src);
        assert_string_equal(fields[1], dst);
        assert_string_equal(fields[3], s3e_outcome_name(hostile[i].outcome));
        assert_string_equal(fields[4], hostile[i].error ? hostile[i].error : "");
    }
    assert_null(csv_record(s, fields, &n));
    unlink(path);
}

/* The source version copied is the column before the last (CSV) and
 * "version" (JSON lines): empty or null for the current object; the method
 * (copy or stream) is the last. */
static void test_version_column(void **state)
{
    (void)state;
    struct s3e_report_row rows[2] = {
        { .src_bucket = "src", .src_key = "k", .dst_bucket = "dst", .dst_key = "k", .bytes = 3,
          .outcome = S3E_OUT_COPIED, .etag = "e", .seconds = 0.5, .verified = "etag",
          .version = "3HL4kqtJlcp.XroDTDmJ", .method = "copy" },
        { .src_bucket = "src", .src_key = "k2", .dst_bucket = "dst", .dst_key = "k2", .bytes = 3,
          .outcome = S3E_OUT_COPIED, .etag = "e", .seconds = 0.5, .verified = "etag",
          .method = "stream" },
    };
    char csv[] = "/tmp/s3e-report-XXXXXX.csv", jsonl[] = "/tmp/s3e-report-XXXXXX.jsonl";
    temp_path(csv, 4);
    temp_path(jsonl, 6);
    const char *paths[] = { csv, jsonl };
    for (int f = 0; f < 2; f++) {
        struct s3e_report *r = NULL;
        char err[256];
        assert_int_equal(s3e_report_open(&r, paths[f], err, sizeof err), S3E_OK);
        for (int i = 0; i < 2; i++)
            assert_int_equal(s3e_report_write(r, &rows[i]), S3E_OK);
        assert_int_equal(s3e_report_close(r, err, sizeof err), S3E_OK);
    }
    const char *text = slurp(csv);
    assert_non_null(strstr(text, "seconds,verified,version,method\n"));
    assert_non_null(strstr(text, ",0.500,etag,3HL4kqtJlcp.XroDTDmJ,copy\n"));
    assert_non_null(strstr(text, "k2,3,copied,,e,0.500,etag,,stream\n"));
    text = slurp(jsonl);
    assert_non_null(strstr(text, "\"seconds\":0.500,\"verified\":\"etag\",\"version\":"
                                 "\"3HL4kqtJlcp.XroDTDmJ\",\"method\":\"copy\"}\n"));
    assert_non_null(strstr(text, "\"seconds\":0.500,\"verified\":\"etag\",\"version\":null,"
                                 "\"method\":\"stream\"}\n"));
    unlink(csv);
    unlink(jsonl);
}

static void test_full_disk_is_an_error_with_its_reason(void **state)
{
    (void)state;
    struct s3e_report *r = NULL;
    char err[256] = "";
    assert_int_equal(s3e_report_open(&r, "/dev/full", err, sizeof err), S3E_OK);
    int failed = 0;
    for (int i = 0; i < 50000; i++) /* more than the report's 1 MiB buffer */
        failed |= s3e_report_write(r, &hostile[3]) != S3E_OK;
    assert_true(failed); /* the buffer filled up and could not be written */
    assert_int_equal(s3e_report_close(r, err, sizeof err), S3E_EIO);
    assert_non_null(strstr(err, "/dev/full"));
    assert_non_null(strstr(err, "No space left on device"));
    /* a short report fails only when flushed at close */
    assert_int_equal(s3e_report_open(&r, "/dev/full", err, sizeof err), S3E_OK);
    assert_int_equal(s3e_report_write(r, &hostile[0]), S3E_OK);
    err[0] = '\0';
    assert_int_equal(s3e_report_close(r, err, sizeof err), S3E_EIO);
    assert_non_null(strstr(err, "No space left on device"));
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
        cmocka_unit_test(test_jsonl_hostile_keys_are_json),
        cmocka_unit_test(test_csv_hostile_keys_cannot_forge_rows),
        cmocka_unit_test(test_version_column),
        cmocka_unit_test(test_full_disk_is_an_error_with_its_reason),
        cmocka_unit_test(test_unwritable_report_is_named),
        cmocka_unit_test(test_stats_and_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
