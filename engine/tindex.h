/* tindex.h - what is already at the targets, for skipping copies (sync semantics).
 *
 * Before planning, each distinct target bucket/prefix is listed once into
 * this index: 32 bytes per existing object (hashes, not strings), so ten
 * million existing objects cost ~320 MB at most and lookups are O(1).
 * Built on the planner thread before planning; read-only from then on. */
#ifndef S3E_TINDEX_H
#define S3E_TINDEX_H

#include <stddef.h>
#include <stdint.h>

struct s3e_tindex;

int  s3e_tindex_new(struct s3e_tindex **out);
void s3e_tindex_free(struct s3e_tindex *t);
size_t s3e_tindex_count(const struct s3e_tindex *t);

/* Record an existing object. Returns S3E_OK or S3E_ENOMEM. */
int s3e_tindex_add(struct s3e_tindex *t, const char *bucket, const char *key, size_t key_len,
                   uint64_t size, const char *etag, int64_t last_modified);

/* 1 when bucket/key exists with the same size and the same ETag; 2 when the
 * ETags differ (a multipart "...-N" one, an SSE-KMS or SSE-C one that is not
 * the MD5, another provider's) but the size is the same and the target is
 * at least as new as the source: it may be the source's copy, which only
 * HEADs of both can tell (a copy killed before its tags were set looks the
 * same in a listing). 0 otherwise. */
int s3e_tindex_is_current(const struct s3e_tindex *t, const char *bucket, const char *key,
                          size_t key_len, uint64_t size, const char *etag, int64_t src_mtime);

/* 1 when bucket/key exists at the target, whatever its size and ETag.
 * Read-only: safe on any thread once the targets are indexed. */
int s3e_tindex_has(const struct s3e_tindex *t, const char *bucket, const char *key,
                   size_t key_len);

#endif
