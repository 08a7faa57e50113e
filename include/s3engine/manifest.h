/* manifest.h - object lists from files instead of a listing: our own CSV,
 * S3 Inventory CSV and S3 Batch Operations manifests.
 *
 * CSV per RFC 4180: one row per record, fields separated by commas; a field
 * in double quotes may hold commas, line breaks and "" for a quote; a quote
 * opened and not closed, or anything but a comma or the line's end after a
 * closing quote, is an error; a quote inside a field that does not start
 * with one is kept as it is. Lines end with LF or CRLF.
 *
 * Columns without a header: bucket,key[,size[,etag[,last_modified]]], or
 * the Batch Operations form bucket,key[,versionId]: a row of three fields
 * whose third is not a number names a version (never read as a size). The
 * first row that is not blank and not a comment
 * ('#' first) is a header when it names a bucket and a key column (names
 * compared without case, '_', '-' or spaces: "Bucket", "LastModifiedDate",
 * "e_tag"); the other columns are then found by name. A UTF-8 BOM at the
 * start of the file is skipped. Blank lines are skipped everywhere, comment
 * lines too while the bucket is the first column (no bucket name starts
 * with '#'). A version_id (versionId) column names the version to copy;
 * empty = the current one. A row whose IsDeleteMarker column is "true" is
 * skipped.
 *
 * Keys are taken byte for byte unless the source says they are URL-encoded
 * (S3 Inventory does that). last_modified is epoch seconds or ISO 8601. An
 * empty size field (or no size column) leaves the size unknown: the caller
 * finds it out (the planner sends a HEAD).
 *
 * The file may be gzip-compressed (S3 Inventory's .csv.gz): it is read
 * through zlib, and a plain file as it is. A Parquet or ORC file (known by
 * its first bytes) is an error at line 1 that names the formats read.
 *
 * Limits (on the bytes after decompression): a row (one record, without its line ending) is at most
 * S3E_MANIFEST_MAX_ROW bytes; a file at most max_bytes and max_rows (see
 * s3e_manifest_set_limits). The file is read in blocks: memory does not grow
 * with its length or with a line's. Every error names file:line. */
#ifndef S3E_MANIFEST_H
#define S3E_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#define S3E_MANIFEST_MAX_ROW       65536
#define S3E_MANIFEST_MAX_BYTES     (64ULL << 30)  /* 64 GiB */
#define S3E_MANIFEST_MAX_ROWS      200000000ULL   /* 200 million */

struct s3e_manifest;

struct s3e_manifest_row {
    const char *bucket;
    const char *key;          /* decoded; key_len bytes (NUL-terminated, holds no NUL) */
    size_t      key_len;
    int         has_size;     /* 0: the row gives no size (size is 0) */
    uint64_t    size;
    const char *etag;         /* without quotes, NULL when absent */
    const char *version_id;   /* the version to copy, NULL = the current one */
    size_t      version_len;  /* internal: the field's length */
    int64_t     last_modified;/* 0 when absent */
    unsigned long line;       /* the line the row starts on */
};

/* s3e_manifest_next results. */
enum {
    S3E_MANIFEST_ERROR = -1,  /* the file is broken or a limit was hit: stop */
    S3E_MANIFEST_END = 0,
    S3E_MANIFEST_ROW = 1,
    /* a row whose key S3 cannot hold (a NUL byte, bad %-encoding, over 1,024
     * bytes): row->bucket and row->key hold the bucket and the key as written
     * (key_len bytes), the error buffer says why; the next rows can
     * still be read. */
    S3E_MANIFEST_BAD_KEY = 2,
};

/* Open path ("-" reads stdin). url_encoded: keys are %-encoded (S3
 * Inventory). Returns 0, S3E_ENOMEM or S3E_EIO with a message in errbuf;
 * *out is freed with s3e_manifest_close. */
int s3e_manifest_open(struct s3e_manifest **out, const char *path, int url_encoded,
                      char *errbuf, size_t errlen);
/* The columns of a header-less S3 Inventory file, as its manifest.json's
 * fileSchema names them ("Bucket, Key, VersionId, IsLatest, ..."; names
 * compared as header names are). The file then has no header row; a row
 * whose IsDeleteMarker is "true" is skipped. S3E_EPLAN (no Bucket or Key
 * column) with a message in errbuf. Call before the first row is read. */
int s3e_manifest_set_schema(struct s3e_manifest *m, const char *schema, char *errbuf,
                            size_t errlen);
/* Replace the default limits on bytes read and rows (0 keeps a default). */
void s3e_manifest_set_limits(struct s3e_manifest *m, uint64_t max_bytes, uint64_t max_rows);
/* One of the S3E_MANIFEST_* results above. A row's strings stay valid until
 * the next call. After S3E_MANIFEST_ERROR every call returns it again. On
 * S3E_MANIFEST_ERROR and S3E_MANIFEST_BAD_KEY, errbuf gets why, one line cut
 * to errlen ("file.csv:12: size: expected a number of bytes, got 'abc'");
 * otherwise "". */
int s3e_manifest_next(struct s3e_manifest *m, struct s3e_manifest_row *row, char *errbuf,
                      size_t errlen);
/* The file name as given to s3e_manifest_open. Owned by m. */
const char *s3e_manifest_path(const struct s3e_manifest *m);
void s3e_manifest_close(struct s3e_manifest *m);

#endif
