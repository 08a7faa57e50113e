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
    char    *version_id;   /* the target's versions: its id (malloc'd), for a HEAD */
};

/* How many of the source's versions src[0..n) (oldest first) are at the
 * target already, whose versions are dst[0..m) (oldest first): the largest
 * k whose versions src[k-L..k) are the target's last L = min(k, m) versions
 * in order, each of the same size and the same ETag; 0 when none are. An
 * ETag that differs (a multipart copy's, an SSE-KMS target's) never
 * matches: such a version is copied again rather than taken as there.
 * loose: the same size is enough (ETags that differ are left to HEADs of
 * both versions, s3e_vtarget_pair). */
size_t s3e_vsig_copied(const struct s3e_vsig *src, size_t n, const struct s3e_vsig *dst,
                       size_t m, int loose);

/* A key's versions at the target, gathered from a ListObjectVersions listing
 * with the key as prefix (s3e_vtarget_on_version is its s3e_list_fn: delete
 * markers left out, S3E_LIST_STOP past the key). */
struct s3e_vsigs {
    struct s3e_vsig *v;
    size_t n, cap;
};
struct s3e_vtarget {
    const char *key;
    size_t key_len;
    struct s3e_vsigs dst;   /* newest first as listed; oldest first once compared */
    struct s3e_vsigs src;   /* the source's, oldest first, once compared */
    size_t exact, loose;    /* s3e_vsig_copied by size and ETag; by size alone */
};
void s3e_vtarget_init(struct s3e_vtarget *t, const char *key);
int  s3e_vtarget_on_version(void *ud, const struct s3e_listed *l);
/* s3e_vsig_copied, exact and loose, for the versions list `versions`
 * (versions.h, oldest first) and what t gathered. S3E_OK or S3E_ENOMEM. */
int  s3e_vtarget_compare(struct s3e_vtarget *t, const char *versions);
/* The i-th pair (0 = oldest) of the loose match whose ETags differ, to be
 * confirmed by HEADs: 1 with the source version's index in `versions` and
 * the target's version, i counting on from *i; 0 when none is left. */
int  s3e_vtarget_pair(const struct s3e_vtarget *t, size_t *i, size_t *src_index,
                      const struct s3e_vsig **dst);
void s3e_vtarget_free(struct s3e_vtarget *t);

#endif
