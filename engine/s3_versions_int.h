/* s3_versions_int.h - ListObjectVersions page by page, for requests sent on
 * an event loop (s3_versions.c; the listing sent at once is in
 * include/s3engine/s3_versions.h). Internal. */
#ifndef S3E_S3_VERSIONS_INT_H
#define S3E_S3_VERSIONS_INT_H

#include "s3_client.h"
#include "s3engine/buf.h"
#include "s3engine/listguard.h"
#include "s3engine/s3.h"

/* Init, then while `truncated`: the next page's request, sent, and its answer
 * read (fn per entry through the guard: S3E_OK, fn's stop value, or the
 * failure with why in *err); then free. */
struct s3e_versions_pager {
    struct s3e_list_guard g;
    int refused;
    s3e_list_fn fn;
    void *ud;
    struct s3e_buf km, vm;  /* the next page's markers */
    int truncated;          /* 1 while a page is to be asked for */
};
void s3e_versions_pager_init(struct s3e_versions_pager *x, s3e_list_fn fn, void *ud);
void s3e_versions_pager_free(struct s3e_versions_pager *x);
/* The next page's request under prefix; q and x must outlive it. */
void s3e_versions_page_request(struct s3e_req *r, struct s3e_query_param q[6],
                               const struct s3e_versions_pager *x, const char *bucket,
                               const char *prefix);
int  s3e_versions_page_read(struct s3e_versions_pager *x, const struct s3e_resp *resp,
                            struct s3e_s3_error *err);

#endif
