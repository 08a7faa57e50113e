/* test_manifest.c - manifest reading: every format we accept and every way a
 * careless or hostile file can go wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3engine/error.h"
#include "s3engine/manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char path[64];
static char why[512]; /* what s3e_manifest_next says of a bad row or file */

/* Write len bytes of text to a fresh temporary file (held in `path`). */
static void write_file(const char *text, size_t len)
{
    snprintf(path, sizeof path, "/tmp/s3e-manifest-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static struct s3e_manifest *open_text(const char *text, int url_encoded)
{
    write_file(text, strlen(text));
    struct s3e_manifest *m = NULL;
    char err[256];
    assert_int_equal(s3e_manifest_open(&m, path, url_encoded, err, sizeof err), 0);
    return m;
}

static void done(struct s3e_manifest *m)
{
    s3e_manifest_close(m);
    unlink(path);
}

static void expect_row(struct s3e_manifest *m, const char *bucket, const char *key,
                       uint64_t size)
{
    struct s3e_manifest_row r;
    int rc = s3e_manifest_next(m, &r, why, sizeof why);
    if (rc != 1)
        fail_msg("expected a row, got %d: %s", rc, why);
    assert_string_equal(r.bucket, bucket);
    assert_int_equal(r.key_len, strlen(key));
    assert_memory_equal(r.key, key, r.key_len);
    assert_true(r.has_size);
    assert_int_equal(r.size, size);
}

static void expect_end(struct s3e_manifest *m)
{
    struct s3e_manifest_row r;
    int rc = s3e_manifest_next(m, &r, why, sizeof why);
    if (rc != 0)
        fail_msg("expected the end, got %d: %s", rc, why);
}

/* The next call fails: the message names file:line and says what. */
static void expect_error(struct s3e_manifest *m, unsigned line, const char *what)
{
    struct s3e_manifest_row r;
    int rc = s3e_manifest_next(m, &r, why, sizeof why);
    if (rc != -1)
        fail_msg("expected an error, got %d", rc);
    char where[96];
    snprintf(where, sizeof where, "%s:%u: ", path, line);
    const char *e = why;
    if (strncmp(e, where, strlen(where)) != 0 || !strstr(e, what))
        fail_msg("expected '%s...%s', got '%s'", where, what, e);
}

static void test_ours_without_header(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("b,a/x.bin,12,abc,1700000000\nb,y,0\r\n", 0);
    struct s3e_manifest_row r;
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.bucket, "b");
    assert_string_equal(r.key, "a/x.bin");
    assert_int_equal(r.size, 12);
    assert_string_equal(r.etag, "abc");
    assert_int_equal(r.last_modified, 1700000000);
    expect_row(m, "b", "y", 0);
    expect_end(m);
    done(m);
}

static void test_ours_with_header_any_order(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("size,key,bucket,etag\n5,k1,b,\"e1\"\n7,\"k 2\",b,e2\n", 0);
    struct s3e_manifest_row r;
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.key, "k1");
    assert_int_equal(r.size, 5);
    assert_string_equal(r.etag, "e1");
    expect_row(m, "b", "k 2", 7);
    expect_end(m);
    done(m);
}

/* S3 Inventory CSV: every field quoted, keys URL-encoded, extra columns. */
static void test_inventory_with_header(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text(
        "Bucket,Key,Size,LastModifiedDate,ETag,StorageClass\n"
        "\"inv\",\"a%2Cb/c+d%25.txt\",\"10\",\"2024-01-02T03:04:05.000Z\",\"0123\",\"STANDARD\"\n",
        1);
    struct s3e_manifest_row r;
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.bucket, "inv");
    assert_int_equal(r.key_len, strlen("a,b/c d%.txt"));
    assert_string_equal(r.key, "a,b/c d%.txt");
    assert_int_equal(r.size, 10);
    assert_string_equal(r.etag, "0123");
    assert_int_equal(r.last_modified, 1704164645);
    expect_end(m);
    done(m);
}

/* Defect: a comment before the header made the header a row. */
static void test_comment_then_header(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("# exported 2024-01-01\n\n# by hand\nbucket,key,size\n"
                                       "b,k,5\n", 0);
    expect_row(m, "b", "k", 5);
    expect_end(m);
    done(m);
}

static void test_blank_lines_then_header(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("\n\r\n\nbucket,key,size\r\n\r\nb,k,5\r\n\n", 0);
    expect_row(m, "b", "k", 5);
    expect_end(m);
    done(m);
}

/* Defect: a BOM became part of the first column's name (or the bucket). */
static void test_bom_then_header(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("\xEF\xBB\xBF" "bucket,key,size\nb,k,5\n", 0);
    expect_row(m, "b", "k", 5);
    expect_end(m);
    done(m);
    m = open_text("\xEF\xBB\xBF" "b,k,5\n", 0);
    expect_row(m, "b", "k", 5);
    expect_end(m);
    done(m);
}

/* RFC 4180: "" inside quotes, commas and newlines inside quotes. */
static void test_quoted_keys(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("b,\"a,\"\"q\"\"\nz\",3\n"
                                       "b,\"x\r\ny\",4\r\n"
                                       "b,\"\"\"\",5\n"
                                       "\"b\",plain,6\n", 0);
    expect_row(m, "b", "a,\"q\"\nz", 3);
    expect_row(m, "b", "x\r\ny", 4);
    expect_row(m, "b", "\"", 5);
    expect_row(m, "b", "plain", 6);
    expect_end(m);
    done(m);
}

/* Defect: an unterminated quote ended at the line's end, and the lines after
 * it became rows that were copied. */
static void test_unterminated_quote(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("b,k0,1\nb,\"abc,1\nb,k2,1\nb,k3,1\n", 0);
    expect_row(m, "b", "k0", 1);
    expect_error(m, 2, "unterminated quoted field");
    done(m);
    /* the next row's opening quote closes it: still said to be unterminated, at line 2 */
    m = open_text("b,k0,1\nb,\"abc,1\nb,\"k2\",1\n", 0);
    expect_row(m, "b", "k0", 1);
    expect_error(m, 2, "unterminated quoted field? The quote opened on this line closes on "
                 "line 3, followed by 'k'");
    done(m);
}

static void test_garbage_after_closing_quote(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("b,k0,1\n\nb,\"abc\"def,1\nb,k2,1\n", 0);
    expect_row(m, "b", "k0", 1);
    expect_error(m, 3, "after a closing quote");
    done(m);
}

/* A row too short, a size that is not one: file:line in each message. */
static void test_bad_rows_name_file_and_line(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("b,k,1\nonly-a-bucket\n", 0);
    expect_row(m, "b", "k", 1);
    expect_error(m, 2, "expected bucket,key");
    done(m);
    m = open_text("bucket,key,size\nb,k,-1\n", 0);
    expect_error(m, 2, "size: expected a number of bytes");
    done(m);
    /* 2^64 - 1 is a size; 2^64 is not (20 digits both) */
    m = open_text("bucket,key,size\nb,k,18446744073709551615\nb,k,18446744073709551616\n", 0);
    expect_row(m, "b", "k", 18446744073709551615ULL);
    expect_error(m, 3, "size: expected a number of bytes");
    done(m);
}

static void test_long_line(void **state)
{
    (void)state;
    size_t n = 70000;
    char *text = malloc(n + 16);
    assert_non_null(text);
    memcpy(text, "b,", 2);
    memset(text + 2, 'k', n);
    memcpy(text + 2 + n, "\nb,k,1\n", 8);
    write_file(text, strlen(text));
    free(text);
    struct s3e_manifest *m = NULL;
    char err[256];
    assert_int_equal(s3e_manifest_open(&m, path, 0, err, sizeof err), 0);
    expect_error(m, 1, "longer than 65536 bytes");
    done(m);
}

/* A row of exactly the limit is fine (its CR LF not counted). */
static void test_line_at_the_limit(void **state)
{
    (void)state;
    size_t n = 65536 - 6;
    char *text = malloc(n + 16);
    assert_non_null(text);
    memcpy(text, "b,k,1,", 6);
    memset(text + 6, 'e', n);
    memcpy(text + 6 + n, "\r\n", 3);
    write_file(text, strlen(text));
    struct s3e_manifest *m = NULL;
    char err[256];
    assert_int_equal(s3e_manifest_open(&m, path, 0, err, sizeof err), 0);
    struct s3e_manifest_row r;
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_int_equal(strlen(r.etag), n);
    expect_end(m);
    done(m);
    text[6 + n] = 'e';   /* one more byte */
    write_file(text, strlen(text));
    assert_int_equal(s3e_manifest_open(&m, path, 0, err, sizeof err), 0);
    expect_error(m, 1, "longer than 65536 bytes");
    done(m);
    free(text);
}

/* An unterminated quote in a big file is caught by the row limit, and said so. */
static void test_unterminated_quote_in_a_long_file(void **state)
{
    (void)state;
    size_t n = 100000;
    char *text = malloc(n + 32);
    assert_non_null(text);
    memcpy(text, "b,k,1\nb,\"k2,1\n", 15);
    for (size_t i = 15; i < n; i++)
        text[i] = i % 10 ? 'x' : '\n';
    text[n] = '\0';
    write_file(text, n);
    free(text);
    struct s3e_manifest *m = NULL;
    char err[256];
    assert_int_equal(s3e_manifest_open(&m, path, 0, err, sizeof err), 0);
    expect_row(m, "b", "k", 1);
    expect_error(m, 2, "is not closed");
    done(m);
}

/* Defect: /dev/zero grew memory without end. It is one endless line. */
static void test_dev_zero(void **state)
{
    (void)state;
    struct s3e_manifest *m = NULL;
    char err[256];
    assert_int_equal(s3e_manifest_open(&m, "/dev/zero", 0, err, sizeof err), 0);
    struct s3e_manifest_row r;
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), -1);
    assert_string_equal(why,
                        "/dev/zero:1: longer than 65536 bytes (the limit for a row)");
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), -1);
    s3e_manifest_close(m);
}

/* The size cap ends an endless stream of short rows (as `yes b,k,1` would be). */
static void test_size_and_row_caps(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("b,k1,1\nb,k2,1\nb,k3,1\n", 0);
    s3e_manifest_set_limits(m, 10, 0);
    expect_row(m, "b", "k1", 1);
    expect_error(m, 2, "longer than 10 bytes");
    done(m);
    m = open_text("bucket,key,size\nb,k1,1\nb,k2,1\nb,k3,1\n", 0);
    s3e_manifest_set_limits(m, 0, 2);
    expect_row(m, "b", "k1", 1);
    expect_row(m, "b", "k2", 1);
    expect_error(m, 4, "more than 2 rows");
    done(m);
    struct s3e_manifest_row r;
    char err[256];
    assert_int_equal(s3e_manifest_open(&m, "/dev/zero", 0, err, sizeof err), 0);
    s3e_manifest_set_limits(m, 4096, 0);
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), -1);
    assert_string_equal(why,
                        "/dev/zero:1: the manifest is longer than 4096 bytes (the limit)");
    s3e_manifest_close(m);
}

/* Defect: without a size column every size was 0 (verification failed). Now
 * the size is unknown, for the planner to find out. */
static void test_no_size_column(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("bucket,key,etag\nb,k1,e1\n", 0);
    struct s3e_manifest_row r;
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.key, "k1");
    assert_false(r.has_size);
    assert_string_equal(r.etag, "e1");
    assert_int_equal(r.line, 2);
    expect_end(m);
    done(m);
    m = open_text("bucket,key,size\nb,k1,\nb,k2,0\n", 0);
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_false(r.has_size);
    expect_row(m, "b", "k2", 0);
    done(m);
}

/* Batch Operations: bucket,key and bucket,key,versionId, no header. */
static void test_batch_operations(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("b,photos/a.jpg\nb,\"photos/b,c.jpg\"\n", 0);
    struct s3e_manifest_row r;
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.key, "photos/a.jpg");
    assert_false(r.has_size);
    assert_null(r.etag);
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.key, "photos/b,c.jpg");
    expect_end(m);
    done(m);
    /* bucket,key,versionId: a version id is never read as a size */
    m = open_text("b,k,1\nb,k,3HL4kqtJlcp.XroDTDmJ\nb,k,null\n", 0);
    expect_row(m, "b", "k", 1);
    assert_null(r.version_id);
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.key, "k");
    assert_false(r.has_size);
    assert_string_equal(r.version_id, "3HL4kqtJlcp.XroDTDmJ");
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.version_id, "null"); /* the id of a version made while unversioned */
    expect_end(m);
    done(m);
    /* more than three columns: the third is a size, and this one is not */
    m = open_text("b,k,v1,etag\n", 0);
    expect_error(m, 1, "size: expected a number of bytes, got 'v1'");
    done(m);
    /* a header names the column: empty means the current version */
    m = open_text("bucket,key,version_id,size\nb,k,,4\nb,k,v1,5\n", 0);
    expect_row(m, "b", "k", 4);
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.version_id, "v1");
    assert_int_equal(r.size, 5);
    expect_end(m);
    done(m);
    m = open_text("Bucket,Key,VersionId\nb,k,\"v 1\"\n", 0);
    expect_error(m, 2, "versionId 'v 1': holds a blank");
    done(m);
}

/* S3 Inventory writes .csv.gz: read through zlib, rows as from plain text. */
static void test_gzip(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/s3e-manifest-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    gzFile z = gzdopen(fd, "wb");
    assert_non_null(z);
    static const char rows[] = "\"b\",\"photos/a%20b.jpg\",\"12\"\n\"b\",\"k\",\"3\"\n";
    assert_int_equal(gzwrite(z, rows, sizeof rows - 1), (int)sizeof rows - 1);
    assert_int_equal(gzclose(z), Z_OK);
    struct s3e_manifest *m = NULL;
    char err[256];
    assert_int_equal(s3e_manifest_open(&m, path, 1, err, sizeof err), 0);
    expect_row(m, "b", "photos/a b.jpg", 12);
    expect_row(m, "b", "k", 3);
    expect_end(m);
    done(m);
}

/* Inventory in Parquet or ORC: one clear error naming what is read. */
static void test_parquet_and_orc_refused(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("PAR1\x15\x04\x15" "binary", 0);
    expect_error(m, 1, "an Apache Parquet file: manifests are CSV, plain or gzip-compressed");
    done(m);
    m = open_text("ORC\x0a\x03\x00\x00", 0);
    expect_error(m, 1, "an Apache ORC file");
    done(m);
}

/* A header naming columns but neither bucket nor key is not a row. */
static void test_header_without_bucket(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("key,size\nk,1\n", 0);
    expect_error(m, 1, "names no bucket column");
    done(m);
}

/* Why a row or the file failed goes into the caller's buffer, cut to fit,
 * and a good row leaves it empty. */
static void test_error_in_callers_buffer(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("b,k,1\nb,k2,abc,e\n", 0);
    struct s3e_manifest_row r;
    char small[12];
    memset(small, 'x', sizeof small);
    assert_int_equal(s3e_manifest_next(m, &r, small, sizeof small), S3E_MANIFEST_ROW);
    assert_string_equal(small, "");
    assert_int_equal(s3e_manifest_next(m, &r, small, sizeof small), S3E_MANIFEST_ERROR);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, path, sizeof small - 1);
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), S3E_MANIFEST_ERROR);
    assert_non_null(strstr(why, ":2: size"));
    assert_int_equal(s3e_manifest_next(m, &r, NULL, 0), S3E_MANIFEST_ERROR);
    done(m);
}

/* Keys S3 cannot hold spoil their row only; key lengths, never strlen. */
static void test_bad_keys(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("b,a%00b,1\nb,c%ZZ,1\nb,ok%2Fk,2\n", 1);
    struct s3e_manifest_row r;
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), S3E_MANIFEST_BAD_KEY);
    assert_string_equal(r.bucket, "b");
    assert_string_equal(r.key, "a%00b");
    assert_non_null(strstr(why, ":1: key 'a%00b': %-decodes to a NUL byte"));
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), S3E_MANIFEST_BAD_KEY);
    assert_non_null(strstr(why, ":2: key 'c%ZZ': bad %-encoding"));
    expect_row(m, "b", "ok/k", 2);
    expect_end(m);
    done(m);

    static const char raw[] = "b,a\0b,1\nb,k,1\n";
    write_file(raw, sizeof raw - 1);
    char err[256];
    assert_int_equal(s3e_manifest_open(&m, path, 0, err, sizeof err), 0);
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), S3E_MANIFEST_BAD_KEY);
    assert_int_equal(r.key_len, 3);
    assert_non_null(strstr(why, ":1: key 'a?b': holds a NUL byte"));
    expect_row(m, "b", "k", 1);
    done(m);

    char k[1026];
    memset(k, 'k', sizeof k - 1);
    k[sizeof k - 1] = '\0';
    char text[2200];
    snprintf(text, sizeof text, "b,%s\nb,%.1024s\n", k, k);
    m = open_text(text, 0);
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), S3E_MANIFEST_BAD_KEY);
    assert_non_null(strstr(why, "longer than 1024 bytes"));
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_int_equal(r.key_len, 1024);
    done(m);
}

/* '#' starts a comment only while the bucket comes first: here it is a key. */
static void test_hash_key_when_key_comes_first(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text("# list\nkey,bucket,size\n#tag.txt,b,3\n# b,x,1\n", 0);
    expect_row(m, "b", "#tag.txt", 3);
    expect_row(m, "x", "# b", 1);
    done(m);
}

/* Columns past the 64 we keep are read and dropped. */
static void test_many_columns(void **state)
{
    (void)state;
    char text[1024] = "bucket,key,size\nb,k,9";
    for (int i = 0; i < 100; i++)
        strncat(text, ",x", sizeof text - strlen(text) - 1);
    strncat(text, "\nb,k2,1\n", sizeof text - strlen(text) - 1);
    struct s3e_manifest *m = open_text(text, 0);
    expect_row(m, "b", "k", 9);
    expect_row(m, "b", "k2", 1);
    expect_end(m);
    done(m);
}

/* S3 Inventory's header-less rows in the order its manifest.json's fileSchema
 * names: keys %-encoded, every field quoted, delete markers skipped, older
 * versions named. */
static void test_inventory_schema(void **state)
{
    (void)state;
    struct s3e_manifest *m = open_text(
        "\"src\",\"a%20b%2Cc\",\"v1\",\"false\",\"false\",\"5\",\"2026-01-02T03:04:05.000Z\","
        "\"0123\",\"STANDARD\"\n"
        "\"src\",\"gone\",\"v2\",\"true\",\"true\",\"\",\"2026-01-02T03:04:05.000Z\",\"\",\"\"\n"
        "\"src\",\"bucket\",\"\",\"true\",\"false\",\"7\",\"2026-01-02T03:04:05.000Z\","
        "\"4567\",\"STANDARD\"\n", 1);
    char err[256];
    assert_int_equal(s3e_manifest_set_schema(m, "Bucket, Key, VersionId, IsLatest, "
                     "IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass", err,
                     sizeof err), 0);
    struct s3e_manifest_row r;
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.bucket, "src");
    assert_string_equal(r.key, "a b,c");
    assert_int_equal(r.size, 5);
    assert_string_equal(r.etag, "0123");
    assert_int_equal(r.version_len, 2);
    assert_memory_equal(r.version_id, "v1", 2);
    assert_true(r.last_modified > 0);
    /* the delete marker is skipped; a row naming "bucket" is data, not a header */
    assert_int_equal(s3e_manifest_next(m, &r, why, sizeof why), 1);
    assert_string_equal(r.key, "bucket");
    assert_int_equal(r.size, 7);
    assert_null(r.version_id);
    expect_end(m);
    done(m);

    /* another documented order: no versions, Size before Key is fine too */
    m = open_text("\"4\",\"src\",\"k%2Fx\"\n", 1);
    assert_int_equal(s3e_manifest_set_schema(m, "Size,Bucket,Key", err, sizeof err), 0);
    expect_row(m, "src", "k/x", 4);
    expect_end(m);
    done(m);

    m = open_text("\"src\",\"k\"\n", 1);
    assert_int_equal(s3e_manifest_set_schema(m, "Bucket, Size, ETag", err, sizeof err),
                     S3E_EPLAN);
    assert_non_null(strstr(err, "names no Key column"));
    done(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ours_without_header),
        cmocka_unit_test(test_ours_with_header_any_order),
        cmocka_unit_test(test_inventory_with_header),
        cmocka_unit_test(test_comment_then_header),
        cmocka_unit_test(test_blank_lines_then_header),
        cmocka_unit_test(test_bom_then_header),
        cmocka_unit_test(test_quoted_keys),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_garbage_after_closing_quote),
        cmocka_unit_test(test_bad_rows_name_file_and_line),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_line_at_the_limit),
        cmocka_unit_test(test_unterminated_quote_in_a_long_file),
        cmocka_unit_test(test_dev_zero),
        cmocka_unit_test(test_size_and_row_caps),
        cmocka_unit_test(test_no_size_column),
        cmocka_unit_test(test_batch_operations),
        cmocka_unit_test(test_header_without_bucket),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_parquet_and_orc_refused),
        cmocka_unit_test(test_error_in_callers_buffer),
        cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_hash_key_when_key_comes_first),
        cmocka_unit_test(test_many_columns),
        cmocka_unit_test(test_inventory_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
