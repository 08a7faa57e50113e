/* flight_upload.c - the loop's search for lost uploads and its aborts
 * (flight_upload.h). */
#include "flight_upload.h"
#include "s3_ops.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/s3xml.h"

#include <stdlib.h>
#include <string.h>

static void end_listing(struct s3e_fu_search *s)
{
    if (s->listing)
        s3e_uploads_list_free(&s->uploads);
    s->listing = 0;
}

/* Always looked for, not only after a retry: libcurl itself resends a
 * request whose reused connection died, unseen by our counters. */
int s3e_fu_created(int rc, const struct s3e_areq *a, char **upload_id, struct s3e_fu_search *s,
                   int64_t started, struct s3e_req *r, const char *bucket, const char *key)
{
    if (!rc && s3e_xml_parse_initiate(a->resp.body.data, a->resp.body.len, upload_id))
        rc = S3E_EPARSE;
    s3e_fu_search_free(s);
    s->orphans = (struct s3e_orphans){ .key = key, .keep = rc ? NULL : *upload_id,
                                       .since = started - S3E_ORPHAN_SKEW_S };
    s->next = 0;
    s3e_uploads_list_init(&s->uploads, bucket, key, s3e_orphans_collect, &s->orphans);
    s->listing = 1;
    s3e_uploads_list_request(&s->uploads, r);
    return rc;
}

/* A page of the key's uploads: the next page (a key may have many uploads
 * begun in these minutes, by other clients too), then the aborts. */
int s3e_fu_listed(struct s3e_fu_search *s, int rc, struct s3e_areq *a, struct s3e_req *r,
                  const char *bucket, const char *key)
{
    int more = 0;
    if (!rc)
        rc = s3e_uploads_list_page(&s->uploads, &a->resp, &more, &a->err);
    if (!rc && more && s->orphans.n < S3E_ORPHANS_MAX) {
        s3e_uploads_list_request(&s->uploads, r);
        return 1;
    }
    if (rc)
        s3e_warn("s3://%s/%s: could not look for an upload a lost answer may have left: %s "
                 "(s3engine uploads --abort finds it)", bucket, key,
                 a->err.code[0] ? a->err.code : a->err.detail);
    s3e_debug("s3://%s/%s: %u page(s) of uploads read, %zu made by a lost answer", bucket, key,
              s->uploads.pages, s->orphans.n);
    end_listing(s);
    return 0;
}

const char *s3e_fu_orphan(struct s3e_fu_search *s)
{
    if (s->next < s->orphans.n)
        return s->orphans.ids[s->next];
    for (size_t i = 0; i < s->orphans.n; i++)
        free(s->orphans.ids[i]);
    s->orphans.n = s->next = 0;
    return NULL;
}

void s3e_fu_search_free(struct s3e_fu_search *s)
{
    s->next = s->orphans.n; /* none left to abort: s3e_fu_orphan frees them */
    s3e_fu_orphan(s);
    end_listing(s);
}

int s3e_fu_abort_again(int rc, const struct s3e_areq *a, int *tries, struct s3e_open_uploads *u,
                       const struct s3e_config *via, const char *bucket, const char *key,
                       const char *id)
{
    rc = s3e_s3_abort_result(rc, &a->err);
    if (rc && ++*tries < 2) /* as s3e_abort_upload: twice */
        return 1;
    if (rc)
        s3e_open_uploads_keep_via(u, via, bucket, key, id, &a->err);
    *tries = 0;
    return 0;
}
