/* destset.h - every destination (bucket, key) a run routes to, to find two
 * copies that would land on one key (collisions).
 *
 * Memory per destination is one 8-byte slot: 32 bits of the destination's
 * hash and where its record lies in a log. The log holds each destination's
 * bucket, key and source fingerprint once (16 bytes plus the names, rounded
 * to 16): its last 1 MiB in memory, the rest in an unlinked temporary file
 * in $TMPDIR (or /tmp), created only when the log outgrows that. A slot
 * whose hash bits match is confirmed against its record byte for byte, so a
 * collision is reported exactly when bucket and key are equal: two
 * destinations sharing hash bits cost a read of the record, never a false
 * report. The slots are 16 tables (by other bits of the hash), each doubling
 * at 3/4 full: 10.7 to 21 bytes of memory per distinct destination, and a
 * doubling briefly adds only 1/16 of it. The seeds are random per set.
 *
 * Dropped copies (collisions = "last") are kept as 128-bit fingerprints of
 * (destination, source) pairs, 16 bytes each: two different pairs share one
 * with a probability of about n^2 / 2^129.
 *
 * Written by the planner thread only. s3e_destset_dropped may be called from
 * any thread once drops have stopped and that was published to it (the
 * planner stops dropping before any payload is sent to the workers). */
#ifndef S3E_DESTSET_H
#define S3E_DESTSET_H

#include <stddef.h>
#include <stdint.h>

struct s3e_destset;

/* Returns S3E_OK or S3E_ENOMEM. */
int  s3e_destset_new(struct s3e_destset **out);
/* For tests: only hash_bits (1..32) of each destination's hash are kept, so
 * that distinct destinations share them, and the log keeps buffer_bytes in
 * memory (at least 4096), so that records are read back from its file. */
int  s3e_destset_new_weak(struct s3e_destset **out, unsigned hash_bits, size_t buffer_bytes);
void s3e_destset_free(struct s3e_destset *s);
/* Distinct destinations recorded. */
size_t s3e_destset_count(const struct s3e_destset *s);
/* Bytes of memory the set holds (slots, log buffer, drops). */
size_t s3e_destset_memory(const struct s3e_destset *s);

/* The fingerprint of a source (never 0) under this set's seeds. */
uint64_t s3e_destset_src(const struct s3e_destset *s, const char *bucket, const char *key,
                         size_t key_len);

/* A destination about to be added: its hash, and its slot asked for from
 * memory (most adds miss every cache), so that work done before the add
 * overlaps the wait. */
struct s3e_destkey {
    uint64_t hash;
    const char *bucket, *key;
    size_t key_len;
};
void s3e_destset_key(const struct s3e_destset *s, const char *bucket, const char *key,
                     size_t key_len, struct s3e_destkey *out);

/* Record that source src is routed to (bucket, key). *out_prev is 0 when
 * the destination is new, else the source recorded with it (left in place);
 * *out_ref names the destination's record for s3e_destset_replace. Returns
 * S3E_OK, S3E_ENOMEM, S3E_EIO (the log's file) or S3E_ELIMIT (64 GiB of log). */
int s3e_destset_add(struct s3e_destset *s, const char *bucket, const char *key, size_t key_len,
                    uint64_t src, uint64_t *out_prev, uint64_t *out_ref);
/* The same for a destination prepared by s3e_destset_key. */
int s3e_destset_add_key(struct s3e_destset *s, const struct s3e_destkey *k, uint64_t src,
                        uint64_t *out_prev, uint64_t *out_ref);
/* Give the destination of record ref to source src instead. Returns S3E_OK or S3E_EIO. */
int s3e_destset_replace(struct s3e_destset *s, uint64_t ref, uint64_t src);

/* Mark the copy src -> (bucket, key) as dropped (a later source took the
 * key). Returns S3E_OK or S3E_ENOMEM. */
int s3e_destset_drop(struct s3e_destset *s, const char *bucket, const char *key, size_t key_len,
                     uint64_t src);
/* 1 when the copy src -> (bucket, key) was dropped, else 0. */
int s3e_destset_dropped(const struct s3e_destset *s, const char *bucket, const char *key,
                        size_t key_len, uint64_t src);
/* Copies dropped so far. */
size_t s3e_destset_ndropped(const struct s3e_destset *s);

#endif
