/* uri.h - URI encoding by S3's (and SigV4's) rules.
 *
 * Unreserved bytes A-Z a-z 0-9 - . _ ~ are kept, every other byte becomes
 * %XY with upper-case hex (UTF-8 is encoded byte by byte). For paths and
 * x-amz-copy-source, '/' is kept. All functions are pure and thread-safe. */
#ifndef S3E_URI_H
#define S3E_URI_H

#include <stddef.h>
#include "s3engine/buf.h"

/* Append the encoding of s[0..len) to out. keep_slash: leave '/' as is. */
int s3e_uri_encode(struct s3e_buf *out, const char *s, size_t len, int keep_slash);

/* Decode %XY escapes (and '+' as space when plus_is_space) of s[0..len),
 * appending to out. Used for ListObjectsV2 results with encoding-type=url.
 * Returns S3E_EPARSE on a malformed escape. */
int s3e_uri_decode(struct s3e_buf *out, const char *s, size_t len, int plus_is_space);

struct s3e_query_param {
    const char *name;  /* raw, not yet encoded */
    const char *value; /* raw; NULL means a bare name ("?uploads" signs as "uploads=") */
};

/* Canonical query string: every name and value encoded, pairs sorted by
 * encoded name then value, joined "a=1&b=2". The same string is sent on the
 * wire and signed. Appends to out. */
int s3e_uri_canonical_query(struct s3e_buf *out, const struct s3e_query_param *params, size_t n);

/* Value of x-amz-copy-source: "<bucket>/<key encoded, '/' kept>". Appends. */
int s3e_uri_copy_source(struct s3e_buf *out, const char *bucket, const char *key);
/* The same for one version of the object: "...?versionId=<id encoded>";
 * version NULL or "" is the current version (no query). Appends. */
int s3e_uri_copy_source_version(struct s3e_buf *out, const char *bucket, const char *key,
                                const char *version);

/* "s3://bucket[/key]": returns the bucket (not NUL-terminated: *bucket_len
 * bytes) and sets *rest to what follows its '/' ("" when nothing does).
 * NULL when url is not of that form or the bucket is empty. */
const char *s3e_uri_split_s3(const char *url, size_t *bucket_len, const char **rest);
/* The same, the bucket copied into bucket[blen] (NUL-terminated). 0, or -1
 * when url is not of that form or the bucket does not fit. */
int s3e_uri_bucket_key(const char *url, char *bucket, size_t blen, const char **rest);

#endif
