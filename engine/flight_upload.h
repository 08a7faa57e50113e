/* flight_upload.h - what the loop's multipart copies (flight_multipart.c)
 * and streamed copies (flight_stream.c) do alike around an upload: the
 * search, page by page, for uploads that a lost CreateMultipartUpload answer
 * made, and aborts tried twice. Internal. */
#ifndef S3E_FLIGHT_UPLOAD_H
#define S3E_FLIGHT_UPLOAD_H

#include "open_uploads.h"
#include "s3_async.h"
#include "uploads_list.h"

/* The search after one create: the uploads found, the listing that finds
 * them, the next one to abort. */
struct s3e_fu_search {
    struct s3e_orphans orphans;
    struct s3e_uploads_list uploads;
    int listing;                /* uploads is initialised */
    size_t next;                /* orphans.ids[next] is the one being aborted */
};

/* CreateMultipartUpload came back with rc (its answer in a): *upload_id
 * read from it, s set up to find the others of key begun since `started`,
 * and *r the request of the listing's first page. Returns the create's
 * outcome (S3E_EPARSE for an answer without an id). */
int  s3e_fu_created(int rc, const struct s3e_areq *a, char **upload_id, struct s3e_fu_search *s,
                    int64_t started, struct s3e_req *r, const char *bucket, const char *key);
/* A page came back with rc (answer in a): 1 when *r is the next page's
 * request to send; 0 when the search is over (a warning when it could not
 * be read: only `uploads --abort` would find them). */
int  s3e_fu_listed(struct s3e_fu_search *s, int rc, struct s3e_areq *a, struct s3e_req *r,
                   const char *bucket, const char *key);
/* The upload to abort now, or NULL when none is left (the ids freed). */
const char *s3e_fu_orphan(struct s3e_fu_search *s);
void s3e_fu_search_free(struct s3e_fu_search *s);
/* AbortMultipartUpload of id came back with rc: 1 to send it once more
 * (*tries counts); else 0, and one that failed twice is kept in u (through
 * via: the target's connection, or NULL) for the end of the run. */
int  s3e_fu_abort_again(int rc, const struct s3e_areq *a, int *tries, struct s3e_open_uploads *u,
                        const struct s3e_config *via, const char *bucket, const char *key,
                        const char *id);

#endif
