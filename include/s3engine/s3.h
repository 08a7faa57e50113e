/* s3.h - the S3 operations, on a client of client.h.
 *
 * One struct s3e_client per thread: it owns a libcurl handle whose
 * connections are kept alive between requests, a SigV4 key cache and a
 * libcurl multi handle for the requests it runs in parallel (part copies).
 * It is NOT thread-safe; the config it points to is shared read-only.
 *
 * Every operation retries by itself (exponential backoff with full jitter)
 * on transport failures, 5xx, SlowDown, RequestTimeout and the like, up to
 * cfg->max_attempts, and gives up at once on AccessDenied, NoSuchBucket,
 * NoSuchKey, SignatureDoesNotMatch and other final 4xx.
 * Return value: S3E_OK, or S3E_ETRANSPORT / S3E_ES3 / S3E_EPARSE /
 * S3E_ENOMEM / S3E_EINVAL, with the details in *err (which may be NULL). */
#ifndef S3E_S3_H
#define S3E_S3_H

#include <stddef.h>
#include <stdint.h>
#include "s3engine/buf.h"
#include "s3engine/client.h"
#include "s3engine/config.h"
#include "s3engine/error.h"


/* ---- ListObjectsV2 --------------------------------------------------------- */

/* One listed object; pointers are valid only during the callback. */
struct s3e_listed {
    const char *key;           /* decoded (encoding-type=url is used on the wire) */
    size_t      key_len;
    uint64_t    size;
    const char *etag;          /* without quotes */
    int64_t     last_modified; /* seconds since the epoch, UTC */
    const char *storage_class; /* "STANDARD" when the server omits it */
    const char *version_id;    /* ListObjectVersions only, else NULL */
    int         is_latest;     /* ListObjectVersions: the key's current version */
    int         delete_marker; /* ListObjectVersions: a delete marker (size 0, no ETag) */
};

/* Return 0 to go on; any other value stops the listing and is returned by
 * s3e_s3_list: S3E_LIST_STOP for "enough" (not an error), or an S3E_E* code. */
#define S3E_LIST_STOP (-1)
typedef int (*s3e_list_fn)(void *ud, const struct s3e_listed *obj);

/* List every key under prefix (NULL or "" = whole bucket), page by page
 * (max 1000 per page, continuation tokens), calling fn per object in key
 * order. Only one page is held in memory. start_after may be NULL. */
int s3e_s3_list(struct s3e_client *c, const char *bucket, const char *prefix,
                const char *start_after, s3e_list_fn fn, void *ud, struct s3e_s3_error *err);

/* ---- objects --------------------------------------------------------------- */

struct s3e_kv {
    char *name;
    char *value;
};

/* A customer-provided key (SSE-C) as its headers carry it: the 256-bit key
 * and its MD5, both base64. Loaded by ssec.c; never logged. */
struct s3e_ssec {
    char key_b64[48];
    char md5_b64[32];
    char file[4096];  /* where the key was read: its file, or "" ... */
    char env[256];    /* ... its variable: what an emitted job names, never the key */
};

/* What the requests of one copy carry beyond the object's own headers;
 * copy_hdrs.c decides which request gets which. Every field is optional
 * (NULL or 0). */
struct s3e_copy_hdrs {
    const char *if_match;            /* the source's ETag as planned, no quotes:
                                        x-amz-copy-source-if-match on copies */
    const char *sse;                 /* destination: "AES256" or "aws:kms" */
    const char *kms_key_id;          /* with "aws:kms" */
    int         bucket_key_enabled;  /* 1 true, -1 false, 0 not sent */
    const struct s3e_ssec *src_ssec; /* the source is encrypted with this key */
    const struct s3e_ssec *dst_ssec; /* encrypt the destination with this key */
    const char *checksum_algorithm;  /* destination: CRC32, CRC32C, SHA1, SHA256, CRC64NVME */
    const char *version_id;          /* the source version to copy; NULL = the current one */
};

/* What HeadObject tells about an object; everything a copy must carry over. */
struct s3e_head {
    uint64_t size;
    char     etag[80];           /* without quotes */
    int64_t  last_modified;
    char     storage_class[32];  /* "STANDARD" when the header is absent */
    char    *content_type;       /* these six are NULL when absent */
    char    *cache_control;
    char    *content_disposition;
    char    *content_encoding;
    char    *content_language;
    char    *expires;
    struct s3e_kv *meta;         /* user metadata, names without "x-amz-meta-" */
    size_t   nmeta;
    int      tag_count;          /* x-amz-tagging-count, 0 when absent */
    char     sse[16];            /* x-amz-server-side-encryption ("" = none) */
    int      ssec;               /* encrypted with a customer key (SSE-C) */
    char     checksum_name[12];  /* "crc32", "crc32c", "crc64nvme", "sha1", "sha256", or "" */
    char     checksum[96];       /* its x-amz-checksum-* value (asked with checksum mode) */
    char     restore[128];       /* x-amz-restore of an archived object, "" when absent */
    char     archive_status[24]; /* x-amz-archive-status: ARCHIVE_ACCESS or
                                    DEEP_ARCHIVE_ACCESS (Intelligent-Tiering), or "" */
};

/* HeadBucket, once per bucket: the bucket's region (x-amz-bucket-region, or
 * the region a redirect named) is remembered in the client's configuration
 * (region.h) and copied into region_out (64 bytes); a server that names
 * none (radosgw) leaves the configured region. Returns S3E_OK when the
 * region is known, else the failure (the bucket keeps the configured
 * region; later requests still follow a redirect). */
int  s3e_s3_bucket_region(struct s3e_client *c, const char *bucket, char region_out[64],
                          struct s3e_s3_error *err);

/* A missing key gives S3E_ES3 with http_status 404 and code "NoSuchKey"
 * (HEAD has no body; the code is filled in from the status). */
int  s3e_s3_head(struct s3e_client *c, const char *bucket, const char *key,
                 struct s3e_head *out, struct s3e_s3_error *err);
/* The same for an object encrypted with a customer key (ssec may be NULL);
 * checksums are asked for (x-amz-checksum-mode). */
int  s3e_s3_head_ssec(struct s3e_client *c, const char *bucket, const char *key,
                      const struct s3e_ssec *ssec, struct s3e_head *out,
                      struct s3e_s3_error *err);
/* The same for one version (?versionId=); version NULL or "" = the current one. */
int  s3e_s3_head_version(struct s3e_client *c, const char *bucket, const char *key,
                         const char *version, const struct s3e_ssec *ssec, struct s3e_head *out,
                         struct s3e_s3_error *err);
void s3e_head_free(struct s3e_head *h);

/* Options for writing the destination of a copy. */
struct s3e_put_opts {
    const char *storage_class;       /* NULL = server default */
    /* CopyObject: NULL = MetadataDirective COPY (S3 keeps the source's metadata
     * and content headers); non-NULL = REPLACE with these.
     * CreateMultipartUpload: the content headers and metadata to set. */
    const struct s3e_head *head;
    /* URL-encoded tag set ("k=v&k2=v2") for x-amz-tagging. CopyObject: NULL =
     * TaggingDirective COPY. CreateMultipartUpload: NULL = no tags. */
    const char *tagging;
    /* CopyObject: the bytes it copies, for its time limit (--copy-timeout);
     * 0 = unknown, taken as 5 GiB, the most one CopyObject may copy. */
    uint64_t copy_bytes;
    /* Encryption, checksum and source conditions of the copy, or NULL. */
    const struct s3e_copy_hdrs *hdrs;
    /* CopyObject: a route's metadata and tags as header lines with their
     * directives (engine/put_lines.h), or NULL. */
    const char *put_lines;
};

/* CreateMultipartUpload; *out_upload_id is malloc'd (caller frees). */
int s3e_s3_create_multipart(struct s3e_client *c, const char *bucket, const char *key,
                            const struct s3e_put_opts *opts, char **out_upload_id,
                            struct s3e_s3_error *err);

/* One part of a multipart copy. Inputs: part_number (1-based), first, last
 * (inclusive byte range of the source). Outputs: etag, rc, error. */
struct s3e_part_copy {
    int      part_number;
    uint64_t first;
    uint64_t last;
    char     etag[80];
    char     checksum_name[16];  /* the part's Checksum<NAME> as its result gave it ("CRC32"), */
    char     checksum[96];       /* and its value (base64), echoed on Complete; "" if none */
    int      rc;                 /* S3E_OK or the failure of this part */
    struct s3e_s3_error error;
};

/* AbortMultipartUpload. NoSuchUpload counts as success. */
int s3e_s3_abort_multipart(struct s3e_client *c, const char *bucket, const char *key,
                           const char *upload_id, struct s3e_s3_error *err);

/* GetObjectTagging of a version (NULL = current); out gets the URL-encoded
 * tag set "k=v&k2=v2" ("" if none). */
int s3e_s3_get_tagging(struct s3e_client *c, const char *bucket, const char *key,
                       const char *version, struct s3e_buf *out, struct s3e_s3_error *err);

/* DeleteObject (a missing key is not an error, as in S3). */
int s3e_s3_delete_object(struct s3e_client *c, const char *bucket, const char *key,
                         struct s3e_s3_error *err);

/* PutObject of a small in-memory body (used by tests, the demo and the
 * journal; not by copies). content_type may be NULL. */
int s3e_s3_put_object(struct s3e_client *c, const char *bucket, const char *key,
                      const void *body, size_t len, const char *content_type,
                      char out_etag[80], struct s3e_s3_error *err);

/* GetObject of a small object, or of length bytes at offset (a Range; both 0
 * = the whole object, length 0 = to its end), into out (reset first). At most
 * max_body bytes (0 = 1 MiB). A missing key gives S3E_ES3 "NoSuchKey". */
int s3e_s3_get_object(struct s3e_client *c, const char *bucket, const char *key,
                      uint64_t offset, uint64_t length, size_t max_body, struct s3e_buf *out,
                      struct s3e_s3_error *err);

/* CreateBucket (BucketAlreadyOwnedByYou counts as success). */
int s3e_s3_create_bucket(struct s3e_client *c, const char *bucket, struct s3e_s3_error *err);

struct s3e_upload {
    const char *key;
    const char *upload_id;
    int64_t     initiated;
};
typedef int (*s3e_upload_fn)(void *ud, const struct s3e_upload *u);

/* ListMultipartUploads under prefix, all pages. fn as for s3e_s3_list. */
int s3e_s3_list_multipart_uploads(struct s3e_client *c, const char *bucket, const char *prefix,
                                  s3e_upload_fn fn, void *ud, struct s3e_s3_error *err);

#endif
