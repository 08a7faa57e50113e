/* open_uploads.h - multipart uploads whose copy failed and whose abort failed
 * too, kept to be aborted again when the run ends: a run that did not die
 * leaves no upload it made. Shared by the copy threads (locked). */
#ifndef S3E_OPEN_UPLOADS_H
#define S3E_OPEN_UPLOADS_H

#include <stddef.h>
#include <stdint.h>

struct s3e_client;
struct s3e_s3_error;
struct s3e_open_uploads;

int  s3e_open_uploads_new(struct s3e_open_uploads **out);   /* S3E_OK or S3E_ENOMEM */
void s3e_open_uploads_free(struct s3e_open_uploads *u);

/* Remember an upload to abort later (once per upload id), through the
 * connection `via` it was made on (a pinned client, s3_client.h; NULL = by its
 * bucket). */
struct s3e_config;
void s3e_open_uploads_add_via(struct s3e_open_uploads *u, const struct s3e_config *via,
                              const char *bucket, const char *key, const char *upload_id);

/* Abort every upload remembered, each named in an error line if it still
 * fails. Returns how many are left open. */
size_t s3e_open_uploads_abort(struct s3e_open_uploads *u, struct s3e_client *c);

/* AbortMultipartUpload, tried twice (each with the client's retries); an
 * upload already gone counts as aborted. */
int s3e_abort_upload(struct s3e_client *c, const char *bucket, const char *key,
                     const char *upload_id, struct s3e_s3_error *err);

/* An upload whose abort failed with *err: kept in u for the end of the run
 * (warned), or, without u, named in an error line for the user to remove;
 * `via` as for s3e_open_uploads_add_via. */
void s3e_open_uploads_keep_via(struct s3e_open_uploads *u, const struct s3e_config *via,
                               const char *bucket, const char *key, const char *upload_id,
                               const struct s3e_s3_error *err);

/* A CreateMultipartUpload whose answer was lost may have made an upload
 * nothing would finish: the uploads of one key begun since the first attempt
 * (less the server's possible clock skew), other than the one we hold, are
 * collected from ListMultipartUploads to be aborted. */
#define S3E_ORPHAN_SKEW_S 300 /* the server's clock may be this far behind ours */
#define S3E_ORPHANS_MAX 16
struct s3e_upload;
struct s3e_orphans {
    const char *key;
    const char *keep;      /* our upload id, or NULL */
    int64_t since;         /* epoch seconds */
    char *ids[S3E_ORPHANS_MAX]; /* malloc'd, freed by the caller */
    size_t n;
};
/* The s3e_upload_fn that collects them into a struct s3e_orphans. */
int  s3e_orphans_collect(void *ud, const struct s3e_upload *u);

#endif
