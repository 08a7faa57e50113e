/* method.c - copy or stream, per source and target pair. */
#include "method.h"
#include "conns.h"
#include "s3engine/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A source with a customer key to a target without that key: radosgw 16
 * answers CopyObject 501 and reads UploadPartCopy's source with the part's
 * own key, so only the source's own key copies server-side. */
static int keys_differ(const struct s3e_source *s, const struct s3e_target *t)
{
    return s->ssec && (!t->ssec || strcmp(s->ssec->key_b64, t->ssec->key_b64) != 0);
}

static int pair_streams(const struct s3e_run *run, size_t i, size_t j)
{
    const struct s3e_source *s = &run->plan.sources[i];
    const struct s3e_target *t = &run->plan.targets[j];
    if (run->cli->stream || t->stream || keys_differ(s, t))
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

/* What a streamed copy from source i cannot do yet: NULL, or the source's
 * field (or option) that asks for it. */
static const char *unsupported(const struct s3e_run *run, size_t i)
{
    const struct s3e_source *s = &run->plan.sources[i];
    if (s->versions)
        return "versions";
    if (s->restore_days)
        return "restore";
    return NULL;
}

int s3e_method_plan(struct s3e_run *run)
{
    size_t ns = run->plan.nsources, nt = run->plan.ntargets;
    free(run->streams);
    run->streams = calloc(ns * nt + 1, 1);
    if (!run->streams)
        return S3E_ENOMEM;
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < nt; j++) {
            if (!pair_streams(run, i, j))
                continue;
            run->streams[i * nt + j] = 1;
            const char *field = unsupported(run, i);
            if (!field)
                continue;
            char where[400];
            if (run->conns)
                s3e_conns_where(run->conns, 0, i, field, where, sizeof where);
            else
                snprintf(where, sizeof where, "%s", run->plan.path);
            snprintf(run->errbuf, sizeof run->errbuf, "%s: %s is not supported yet with a "
                     "streamed copy (targets.%s from sources[%zu]: another endpoint, stream = "
                     "true, --stream, or an sse_c key the target does not share)", where, field, run->plan.targets[j].name, i + 1);
            return S3E_EPLAN;
        }
    return S3E_OK;
}

int s3e_method_streams(const struct s3e_run *run, const struct s3e_job *j)
{
    size_t nt = run->plan.ntargets;
    return run->streams && j->source < run->plan.nsources && j->target < nt &&
           run->streams[j->source * nt + j->target];
}

const char *s3e_method_name(const struct s3e_run *run, const struct s3e_job *j)
{
    return s3e_method_streams(run, j) ? "stream" : "copy";
}
