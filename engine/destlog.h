/* destlog.h - the destinations' records behind the collision set (destset.c):
 * appended once each, read back only to confirm a candidate collision.
 *
 * A record is 16 bytes (the source's fingerprint, the bucket's and the key's
 * lengths) and the bucket and key, padded to 16 bytes, so its position / 16
 * fits 32 bits up to 64 GiB of log. The last buffer_bytes are kept in
 * memory; the rest goes to an unlinked temporary file in $TMPDIR (or /tmp),
 * created at the first flush. Planner thread only. */
#ifndef S3E_DESTLOG_H
#define S3E_DESTLOG_H

#include <stddef.h>
#include <stdint.h>

struct s3e_destlog;

/* Returns S3E_OK or S3E_ENOMEM. */
int  s3e_destlog_new(struct s3e_destlog **out, size_t buffer_bytes);
void s3e_destlog_free(struct s3e_destlog *l);
/* Bytes of memory held (the buffer). */
size_t s3e_destlog_memory(const struct s3e_destlog *l);

/* Append a record; *out_ref (never 0) is its position / 16. Returns S3E_OK,
 * S3E_ENOMEM, S3E_EIO or S3E_ELIMIT. */
int s3e_destlog_append(struct s3e_destlog *l, uint64_t src, const char *bucket, size_t bucket_len,
                       const char *key, size_t key_len, uint32_t *out_ref);
/* Does record ref hold this bucket and key? *out_equal 1 or 0, and *out_src
 * its source when equal. Returns S3E_OK, S3E_ENOMEM or S3E_EIO. */
int s3e_destlog_match(struct s3e_destlog *l, uint32_t ref, const char *bucket, size_t bucket_len,
                      const char *key, size_t key_len, int *out_equal, uint64_t *out_src);
/* Set record ref's source. Returns S3E_OK or S3E_EIO. */
int s3e_destlog_set_src(struct s3e_destlog *l, uint32_t ref, uint64_t src);

#endif
