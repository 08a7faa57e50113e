/* job_heads.c - the destinations of a payload run again, HEADed in batches
 * through send_many (a rerun of a million-object job would otherwise wait
 * for each HEAD's round trip in turn). */
#include "job_heads.h"
#include "s3_client.h"
#include "s3_ops.h"
#include "tindex.h"
#include "s3engine/error.h"
#include "s3engine/s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 256 /* requests prepared at once: bounds memory, not concurrency */

struct batch {
    struct s3e_req reqs[BATCH];
    struct s3e_query_param q[BATCH];
    struct s3e_resp resps[BATCH];
    struct s3e_s3_error errs[BATCH];
    int rcs[BATCH];
};

/* The answers of one batch into seen; the first failure other than 404. */
static int take_answers(struct batch *b, const struct s3e_job *jobs, size_t n,
                        struct s3e_tindex *seen, char *err, size_t errlen)
{
    int rc = S3E_OK;
    for (size_t i = 0; i < n; i++) {
        const struct s3e_job *j = &jobs[i];
        struct s3e_head h;
        int one = s3e_s3_head_result(b->rcs[i], &b->resps[i], &h, &b->errs[i]);
        if (one == S3E_ES3 && b->errs[i].http_status == 404)
            continue;
        if (!one) {
            one = s3e_tindex_add(seen, j->dst_bucket, j->dst_key, strlen(j->dst_key), h.size,
                                 h.etag, h.last_modified);
            s3e_head_free(&h);
        } else if (!rc) {
            char line[512];
            snprintf(err, errlen, "HEAD s3://%s/%s: %s", j->dst_bucket, j->dst_key,
                     s3e_s3_error_format(&b->errs[i], one, line, sizeof line));
        }
        if (one && !rc)
            rc = one;
    }
    return rc;
}

int s3e_job_heads(struct s3e_client *c, const struct s3e_job *jobs, size_t n, int in_flight,
                  struct s3e_tindex *seen, char *err, size_t errlen)
{
    struct batch *b = malloc(sizeof *b);
    if (!b)
        return S3E_ENOMEM;
    int rc = S3E_OK;
    for (size_t at = 0; !rc && at < n; at += BATCH) {
        size_t k = n - at < BATCH ? n - at : BATCH;
        for (size_t i = 0; i < k; i++) {
            s3e_resp_init(&b->resps[i]);
            s3e_s3_error_clear(&b->errs[i]);
        }
        for (size_t i = 0; i < k && !rc; i++) {
            rc = s3e_s3_head_version_request(&b->reqs[i], &b->q[i], jobs[at + i].dst_bucket,
                                             jobs[at + i].dst_key, NULL, NULL);
        }
        if (!rc) {
            /* failures are read per request below: a 404 is an answer, not a failure */
            s3e_client_send_many(c, b->reqs, k, in_flight, 0, b->resps, b->errs, b->rcs);
            rc = take_answers(b, jobs + at, k, seen, err, errlen);
        }
        for (size_t i = 0; i < k; i++)
            s3e_resp_free(&b->resps[i]);
    }
    free(b);
    return rc;
}
