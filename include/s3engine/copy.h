/* copy.h - one object's copy: what it is asked (struct s3e_copy_spec), what
 * came of it (struct s3e_copy_result) and what it decides (copy.c), wherever
 * its requests run: the event loop's copies (flight_copy.c,
 * flight_multipart.c, flight_stream.c; `s3engine cp` too) and a streamed copy
 * on a thread (stream_copy.c, whose blocking requests are copy_blocking.h's).
 *
 * Up to the cutoff a copy is one CopyObject (metadata and tags copied by S3);
 * above it a multipart copy (HEAD of the source, GetObjectTagging,
 * CreateMultipartUpload with its content headers, metadata, tags and storage
 * class, UploadPartCopy of s3e_copy_cut_parts' parts,
 * CompleteMultipartUpload, or AbortMultipartUpload on any failure). Every
 * CopyObject and UploadPartCopy carries x-amz-copy-source-if-match with the
 * source's ETag as planned: a source that changed fails with 412
 * PreconditionFailed (s3e_copy_source_changed), never a copy spliced from two
 * versions. The copy is verified by verify_rules.h: the ETags when both are
 * MD5s, else HEADs of the target and the source (s3e_copy_compare_heads,
 * s3e_copy_judge). */
#ifndef S3E_COPY_H
#define S3E_COPY_H

#include <stdint.h>
#include "s3engine/s3.h"

#define S3E_SIZE_UNKNOWN UINT64_MAX

/* 1 when a failure says the source is not the one planned: 412
 * PreconditionFailed of x-amz-copy-source-if-match, or found by a HEAD. */
int s3e_copy_source_changed(const struct s3e_s3_error *err);

/* 1 when a CopyObject from a source with a customer key (SSE-C) was refused
 * as not implemented (501): radosgw 16's answer, while its multipart copy
 * reads such a source (with the part's customer key: the target's, when it
 * is the source's). The copy is then made as a multipart upload. */
int s3e_copy_ssec_source_refused(const struct s3e_s3_error *err, int src_ssec);

/* 1 when an ETag is a plain MD5 of the bytes (not "...-N" of a multipart
 * upload, not empty), so two of them can be compared to verify a copy. */
int s3e_etag_is_plain(const char *etag);

/* The first thing in which a copy's HEAD differs from its source's: "size",
 * a content header's name, "user metadata" or "tag count"; NULL when they
 * agree. Pure: compares the two structs only. */
const char *s3e_head_mismatch(const struct s3e_head *src, const struct s3e_head *dst);

struct s3e_open_uploads;

struct s3e_copy_spec {
    const char *src_bucket;
    const char *src_key;
    const char *dst_bucket;
    const char *dst_key;
    uint64_t    size;             /* from the listing, or S3E_SIZE_UNKNOWN (then HEAD) */
    const char *src_etag;         /* from the listing, or NULL */
    const char *storage_class;    /* NULL = server default */
    const char *put;              /* the route's metadata and tags as header lines
                                     (engine/put_lines.h), NULL = the source's */
    const struct s3e_copy_hdrs *hdrs; /* encryption, customer keys, checksum; NULL = none.
                                     Its if_match is ignored: src_etag is the one sent */
    uint64_t    multipart_cutoff; /* 0 = S3E_DEFAULT_MULTIPART_CUTOFF; never above 5 GiB */
    uint64_t    part_size;        /* 0 = s3e_part_plan's choice */
    int         part_concurrency; /* parts in flight; 0 = 8 */
    int         verify;           /* verify the copy (above) */
    int         force_multipart;  /* multipart copy whatever the size (radosgw 16 applies
                                     encryption to UploadPartCopy, not to CopyObject) */
    struct s3e_open_uploads *open_uploads; /* NULL, or where an upload whose abort
                                  failed is left for the end of the run */
};

struct s3e_copy_result {
    uint64_t bytes;      /* size of the copied object */
    char     etag[80];   /* the target's ETag, no quotes */
    int      multipart;  /* 1 when UploadPartCopy was used */
    uint32_t parts;      /* number of parts (0 for CopyObject) */
    int      verified;   /* 1 when the verification ran and passed */
    unsigned compared;   /* what it compared: S3E_CMP_* bits (verify_rules.h) */
    int      unencrypted;/* the copy is not encrypted as asked (then S3E_EVERIFY) */
};

/* The pieces of the verification, for the copies that send the HEADs. */
/* The failure a 412 would have given: the source's ETag is `now`, not `was`. */
int s3e_copy_changed_error(struct s3e_s3_error *err, const char *op, const char *was,
                           const char *now);
/* 1 when a CopyObject's answer alone verifies the copy: the copy's ETag
 * equals the source's (src_etag, of size bytes) and both are MD5s of the
 * bytes (verify_rules.h: neither side encrypted so that they are not), no
 * checksum is asked for and the target is not to be encrypted (a HEAD must
 * show it is); else HEADs must tell (s3e_copy_compare_heads). */
int s3e_copy_etag_verifies(const struct s3e_copy_hdrs *h, uint64_t size, const char *src_etag,
                           const char *copy_etag);
/* Why the copy's HEAD h is not encrypted as spec asks (radosgw 16 ignores the
 * encryption of CopyObject), or NULL when it is. */
const char *s3e_copy_encryption_problem(const struct s3e_copy_spec *spec,
                                        const struct s3e_head *h);
/* A fresh HEAD of the source (the route's metadata and tags applied to it
 * here) against the copy's: the source still planned_etag (else a 412), what
 * verify_rules.h compares, and with `full` content headers, user metadata and
 * tag count. S3E_OK, S3E_EVERIFY (err->detail says what) or the 412. */
int s3e_copy_compare_heads(const struct s3e_copy_spec *spec, struct s3e_head *src,
                           const struct s3e_head *dst, const char *planned_etag, int full,
                           struct s3e_copy_result *out, struct s3e_s3_error *err);
/* The verdict on a copy whose HEAD is dst, rc being s3e_copy_compare_heads'
 * (not asked when the copy is not encrypted as asked): out->unencrypted,
 * out->verified, the size in err->detail when they differ (size: the source's). */
int s3e_copy_judge(const struct s3e_copy_spec *spec, const struct s3e_head *dst, int rc,
                   uint64_t size, struct s3e_copy_result *out, struct s3e_s3_error *err);
/* The parts of a multipart copy of size bytes (part size as s3e_part_plan
 * chooses from preferred); *parts is malloc'd. S3E_OK, S3E_ELIMIT, S3E_ENOMEM. */
int s3e_copy_cut_parts(uint64_t size, uint64_t preferred, struct s3e_part_copy **parts,
                       uint32_t *nparts, uint64_t *part_size);

#endif
