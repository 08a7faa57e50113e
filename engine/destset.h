/* destset.h - every destination (bucket, key) a run routes to, to find two
 * copies that would land on one key (collisions).
 *
 * Fingerprints, not strings: a slot is 24 bytes (a 128-bit fingerprint of the
 * destination and a 64-bit fingerprint of the source routed there) and the
 * set is 16 tables (by the fingerprint's top bits) each doubling at 3/4 full,
 * so a distinct destination costs 32 to 64 bytes (1M objects: 48 MB at most),
 * and a doubling briefly adds only 1/16 of that. The seeds are random per set, so keys cannot
 * be chosen to collide; two different destinations share a fingerprint with
 * a probability of about n^2 / 2^129 (1e-21 for a billion objects).
 *
 * Written by the planner thread only. s3e_destset_dropped may be called from
 * any thread once drops have stopped and that was published to it (the
 * planner stops dropping before any payload is sent to the workers). */
#ifndef S3E_DESTSET_H
#define S3E_DESTSET_H

#include <stddef.h>
#include <stdint.h>

struct s3e_destset;

/* A destination's fingerprint; hi is never 0. */
struct s3e_destfp {
    uint64_t hi, lo;
};

/* Returns S3E_OK or S3E_ENOMEM. */
int  s3e_destset_new(struct s3e_destset **out);
void s3e_destset_free(struct s3e_destset *s);
/* Distinct destinations recorded. */
size_t s3e_destset_count(const struct s3e_destset *s);

/* The fingerprint of a destination, and of a source (never 0), under this
 * set's seeds. */
struct s3e_destfp s3e_destset_fp(const struct s3e_destset *s, const char *bucket, const char *key,
                                 size_t key_len);
uint64_t s3e_destset_src(const struct s3e_destset *s, const char *bucket, const char *key,
                         size_t key_len);

/* Record that source src is routed to dst. *out_prev is 0 when dst is new,
 * else the source recorded with it before (left in place). Returns S3E_OK or
 * S3E_ENOMEM. */
int s3e_destset_add(struct s3e_destset *s, struct s3e_destfp dst, uint64_t src,
                    uint64_t *out_prev);
/* Give dst (already recorded) to source src instead. */
void s3e_destset_replace(struct s3e_destset *s, struct s3e_destfp dst, uint64_t src);

/* Mark the copy src -> dst as dropped (a later source took dst). Returns
 * S3E_OK or S3E_ENOMEM. */
int s3e_destset_drop(struct s3e_destset *s, struct s3e_destfp dst, uint64_t src);
/* 1 when the copy src -> dst was dropped, else 0. */
int s3e_destset_dropped(const struct s3e_destset *s, struct s3e_destfp dst, uint64_t src);
/* Copies dropped so far. */
size_t s3e_destset_ndropped(const struct s3e_destset *s);

#endif
