/* manifest.h - object lists from files instead of a listing: our own CSV,
 * S3 Inventory CSV and S3 Batch Operations manifests.
 *
 * One row per line: bucket,key[,size[,etag[,last_modified]]]. Fields may be
 * quoted ("a,b" with "" for a quote). A first line naming its columns
 * (e.g. "bucket,key,size,etag,last_modified_date") maps them by name, so
 * files with other column orders work. Keys are taken as written unless the
 * source says they are URL-encoded (S3 Inventory does that). last_modified is
 * epoch seconds or ISO 8601. The file is read line by line: memory does not
 * grow with its length. */
#ifndef S3E_MANIFEST_H
#define S3E_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

struct s3e_manifest;

struct s3e_manifest_row {
    const char *bucket;
    const char *key;          /* decoded; may hold NUL bytes (%00): use key_len */
    size_t      key_len;
    uint64_t    size;         /* 0 when the file has no size column */
    const char *etag;         /* without quotes, NULL when absent */
    int64_t     last_modified;/* 0 when absent */
};

/* path "-" reads stdin. url_encoded: keys are %-encoded (S3 Inventory). */
int s3e_manifest_open(struct s3e_manifest **out, const char *path, int url_encoded,
                      char *errbuf, size_t errlen);
/* 1 = a row (valid until the next call), 0 = end, -1 = error (see below). */
int s3e_manifest_next(struct s3e_manifest *m, struct s3e_manifest_row *row);
/* "file.csv:12: size: expected a number of bytes, got 'abc'". */
const char *s3e_manifest_error(const struct s3e_manifest *m);
void s3e_manifest_close(struct s3e_manifest *m);

#endif
