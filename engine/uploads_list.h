/* uploads_list.h - ListMultipartUploads page by page (uploads_list.c):
 * the request of the next page and the reading of an answer, for a caller
 * that sends the requests itself, at once (s3_ops.c) or on the event loop
 * (flight_multipart.c). Internal.
 *
 * Each page is checked as any listing's (listguard.h): keys in order, one
 * key may have several uploads; a truncated page must name the markers of
 * the next, and markers never come back. */
#ifndef S3E_UPLOADS_LIST_H
#define S3E_UPLOADS_LIST_H

#include "s3_conn.h"
#include "s3engine/listguard.h"
#include "s3engine/s3.h"

struct s3e_uploads_list {
    const char *bucket, *prefix;  /* borrowed: live as long as the listing */
    s3e_upload_fn fn;
    void *ud;
    struct s3e_list_guard g;
    int refused;                  /* a key out of order (g.why says which) */
    struct s3e_buf key_marker, id_marker; /* the next page's; empty for the first */
    struct s3e_query_param q[4];
    unsigned pages;               /* pages read so far */
};

/* A listing of bucket's uploads under prefix, fn(ud, u) called per upload. */
void s3e_uploads_list_init(struct s3e_uploads_list *l, const char *bucket, const char *prefix,
                           s3e_upload_fn fn, void *ud);
void s3e_uploads_list_free(struct s3e_uploads_list *l);
/* The request of the next page into *r (it points into l: send it before the
 * next call on l). */
void s3e_uploads_list_request(struct s3e_uploads_list *l, struct s3e_req *r);
/* Read the answer to that request: fn per upload; *more is 1 when another
 * page is to be asked for. S3E_OK, or S3E_EPARSE (a page that cannot be read
 * or that would make the listing loop: err says why), S3E_ENOMEM, or what
 * fn returned. */
int  s3e_uploads_list_page(struct s3e_uploads_list *l, const struct s3e_resp *resp, int *more,
                           struct s3e_s3_error *err);
/* One ListMultipartUploads page of prefix (markers NULL: the first page). */
void s3e_s3_list_uploads_request(struct s3e_req *r, struct s3e_query_param q[4],
                                 const char *bucket, const char *prefix, const char *key_marker,
                                 const char *id_marker);

#endif
