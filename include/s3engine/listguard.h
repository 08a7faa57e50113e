/* listguard.h - what a paged listing must do to be believed: each key comes
 * after the one before it (and after start-after), and a continuation token
 * or marker never comes back. A server that breaks either would make the
 * listing loop or plan keys twice; the guard turns that into an error.
 *
 * Not thread-safe: one guard per listing. */
#ifndef S3E_LISTGUARD_H
#define S3E_LISTGUARD_H

#include <stddef.h>
#include <stdint.h>
#include "s3engine/buf.h"

struct s3e_list_guard {
    struct s3e_buf last;   /* the last key seen (or start-after), compared bytewise */
    int have_last;
    int allow_equal;       /* ListMultipartUploads: one key may have several uploads */
    uint64_t *seen;        /* hashes of the tokens followed, open addressing, 0 = empty */
    size_t nseen, cap;
    char why[256];         /* what went wrong, for the error's detail */
};

/* allow_equal: a key may equal the one before it (it may not go back). */
void s3e_list_guard_init(struct s3e_list_guard *g, int allow_equal);
void s3e_list_guard_free(struct s3e_list_guard *g);

/* Keys that follow must come after key (start-after, a key marker).
 * S3E_OK or S3E_ENOMEM. */
int s3e_list_guard_after(struct s3e_list_guard *g, const char *key, size_t len);

/* A listed key: S3E_OK when it comes after every key before it; S3E_EPARSE
 * (g->why says which keys) when it does not; S3E_ENOMEM. */
int s3e_list_guard_key(struct s3e_list_guard *g, const char *key, size_t len);

/* The token (or markers) the next page will be asked with: S3E_OK the first
 * time, S3E_EPARSE (g->why) when it was followed before, S3E_ENOMEM. */
int s3e_list_guard_token(struct s3e_list_guard *g, const char *token, size_t len);

/* The same for a pair of markers (key marker and upload or version id
 * marker), taken together as one token. */
int s3e_list_guard_markers(struct s3e_list_guard *g, const struct s3e_buf *key,
                           const struct s3e_buf *id);

#endif
