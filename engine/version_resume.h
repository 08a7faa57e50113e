/* version_resume.h - where a key's versions (versions = "all") stopped at
 * the target: after an interrupted run, or when the source has new versions,
 * the versions already there are not copied again (version_resume.c). Internal. */
#ifndef S3E_VERSION_RESUME_H
#define S3E_VERSION_RESUME_H

#include <stddef.h>
#include "s3engine/s3.h"

/* What a listing shows of one version: enough to tell a copy by. */
struct s3e_vsig {
    uint64_t size;
    char     etag[80];
};

/* How many of the source's versions src[0..n) (oldest first) are at the
 * target already, whose versions are dst[0..m) (oldest first): the largest
 * k whose versions src[k-L..k) are the target's last L = min(k, m) versions
 * in order, each of the same size and the same ETag; 0 when none are. An
 * ETag that differs (a multipart copy's, an SSE-KMS target's) never
 * matches: such a version is copied again rather than taken as there. */
size_t s3e_vsig_copied(const struct s3e_vsig *src, size_t n, const struct s3e_vsig *dst,
                       size_t m);

/* s3e_vsig_copied for the versions list `versions` (versions.h, oldest
 * first) and the versions of bucket/key at the target (ListObjectVersions
 * with the key as prefix; delete markers left out) into *done. S3E_OK, or
 * the listing's failure in *err. */
int s3e_versions_at_target(struct s3e_client *c, const char *bucket, const char *key,
                           const char *versions, size_t *done, struct s3e_s3_error *err);

#endif
