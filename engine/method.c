/* method.c - copy or stream, per source and target pair. */
#include "method.h"
#include "conns.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/log.h"

#include <stdlib.h>
#include <string.h>

enum {
    PAIR_COPIES = 0,      /* server-side */
    PAIR_STREAMS = 1,     /* through this machine */
    PAIR_KEYS_DIFFER = 2, /* server-side first, streamed once the target refuses */
};

/* A source with a customer key to a target without that key. AWS copies such a
 * pair server-side (the copy-source key reads, the target's key writes);
 * radosgw 16 answers CopyObject 501 and reads UploadPartCopy's source with the
 * part's own key (400 InvalidArgument), so it is tried server-side first and
 * streamed where the target's server refuses (s3e_method_refused). */
static int keys_differ(const struct s3e_source *s, const struct s3e_target *t)
{
    return s->ssec && (!t->ssec || strcmp(s->ssec->key_b64, t->ssec->key_b64) != 0);
}

static int pair_streams(const struct s3e_run *run, size_t i, size_t j)
{
    const struct s3e_source *s = &run->plan.sources[i];
    const struct s3e_target *t = &run->plan.targets[j];
    if (run->cli->stream || t->stream)
        return 1;
    /* a manifest source that names no connection: its rows' buckets as bound */
    if (!run->conns || (!s->bucket && !s3e_access_given(&s->access)))
        return 0;
    if (strcmp(s3e_conns_source(run->conns, i)->endpoint,
               s3e_conns_target(run->conns, j)->endpoint) != 0)
        return 1;
    return s3e_conns_twice(run->conns, t->bucket) ||
           (s->bucket && s3e_conns_twice(run->conns, s->bucket));
}

int s3e_method_plan(struct s3e_run *run)
{
    size_t ns = run->plan.nsources, nt = run->plan.ntargets;
    free(run->streams);
    /* one block, freed with streams: the pairs, then each target's refusal */
    run->streams = calloc(ns * nt + 1 + nt * sizeof(atomic_uchar), 1);
    if (!run->streams)
        return S3E_ENOMEM;
    run->ssec_refused = (atomic_uchar *)(run->streams + ns * nt + 1);
    for (size_t j = 0; j < nt; j++)
        atomic_init(&run->ssec_refused[j], 0);
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < nt; j++) {
            if (pair_streams(run, i, j))
                run->streams[i * nt + j] = PAIR_STREAMS;
            else if (keys_differ(&run->plan.sources[i], &run->plan.targets[j]))
                run->streams[i * nt + j] = PAIR_KEYS_DIFFER;
        }
    return S3E_OK;
}

/* The pair's entry in run->streams (0 when there is none). */
static uint8_t pair_of(const struct s3e_run *run, const struct s3e_job *j)
{
    size_t nt = run->plan.ntargets;
    if (!run->streams || j->source >= run->plan.nsources || j->target >= nt)
        return 0;
    return run->streams[j->source * nt + j->target];
}

/* radosgw 16 URL-decodes UploadPartCopy's x-amz-copy-source twice (CopyObject's
 * once): a part of "q%41x" is read from "qAx" and passes as copied, and "q%x"
 * aborts the server. So a key holding '%' that may be copied by parts (above
 * the cutoff, of unknown size, versions that may be, or an SSE-C source,
 * which radosgw copies only by parts) is streamed on any server but AWS. */
static int part_copy_misreads(const struct s3e_run *run, const struct s3e_job *j)
{
    if (!j->src_key || !strchr(j->src_key, '%') || !run->cfg.endpoint)
        return 0;
    if (s3e_config_is_aws(s3e_conns_config(run->conns, j->dst_bucket, &run->cfg)))
        return 0;
    int ssec = j->source < run->plan.nsources && run->plan.sources[j->source].ssec;
    return j->size == S3E_SIZE_UNKNOWN || j->size > run->set.multipart_cutoff || j->versions ||
           ssec;
}

int s3e_method_streams(const struct s3e_run *run, const struct s3e_job *j)
{
    uint8_t p = pair_of(run, j);
    return p == PAIR_STREAMS ||
           (p == PAIR_KEYS_DIFFER && atomic_load(&run->ssec_refused[j->target])) ||
           part_copy_misreads(run, j);
}

int s3e_method_keys_differ(const struct s3e_run *run, const struct s3e_job *j)
{
    return pair_of(run, j) == PAIR_KEYS_DIFFER && !s3e_method_streams(run, j);
}

int s3e_method_refused(struct s3e_run *run, const struct s3e_job *j,
                       const struct s3e_s3_error *err)
{
    if (pair_of(run, j) != PAIR_KEYS_DIFFER || !err)
        return 0;
    if (err->http_status != 501 &&
        !(err->http_status == 400 && strcmp(err->code, "InvalidArgument") == 0))
        return 0;
    if (!atomic_exchange(&run->ssec_refused[j->target], 1))
        s3e_info("targets.%s: the server cannot copy from another customer key (%s, HTTP %ld "
                 "on %s): such copies to it are streamed", run->plan.targets[j->target].name,
                 err->code[0] ? err->code : "no code", err->http_status,
                 err->operation[0] ? err->operation : "a copy");
    return 1;
}

const char *s3e_method_name(const struct s3e_run *run, const struct s3e_job *j)
{
    return s3e_method_streams(run, j) ? "stream" : "copy";
}
