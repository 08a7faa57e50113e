/* stream_job.c - what the run's streamed jobs share: their memory budget
 * and the connections of a job's two sides (stream_job.h). */
#include "stream_job.h"
#include "budget.h"
#include "conns.h"
#include "hash_pool.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"

/* Streamed parts in memory at once for the whole run, unless one object's
 * batch (part size x part concurrency) is more (--stream-memory: exactly). */
#define STREAM_MEMORY (1ULL << 30)

uint64_t s3e_stream_memory(const struct s3e_run *run)
{
    if (run->cli->stream_memory)
        return run->cli->stream_memory; /* batches are cut to fit it */
    uint64_t part = run->set.part_size ? run->set.part_size : S3E_DEFAULT_PART_SIZE;
    uint64_t conc = run->set.part_concurrency ? (uint64_t)run->set.part_concurrency
                                              : S3E_DEFAULT_PART_CONCURRENCY;
    return part * conc > STREAM_MEMORY ? part * conc : STREAM_MEMORY;
}

int s3e_stream_prepare(struct s3e_run *run)
{
    /* Always: a pair that copies server-side may still stream one object (a
     * key UploadPartCopy would misread, method.c); both start empty. */
    if (run->stream_budget)
        return S3E_OK;
    int rc = s3e_hash_pool_new(&run->hash_pool);
    return rc ? rc : s3e_budget_new(&run->stream_budget, s3e_stream_memory(run));
}

void s3e_stream_finish(struct s3e_run *run)
{
    s3e_hash_pool_free(run->hash_pool);
    run->hash_pool = NULL;
    if (!run->stream_budget)
        return;
    s3e_debug("streamed copies held at most %llu bytes of parts at once (limit %llu)",
              (unsigned long long)s3e_budget_peak(run->stream_budget),
              (unsigned long long)s3e_budget_total(run->stream_budget));
    s3e_budget_free(run->stream_budget);
    run->stream_budget = NULL;
}

void s3e_stream_vias(const struct s3e_run *run, const struct s3e_job *j,
                     const struct s3e_config **src, const struct s3e_config **dst)
{
    const struct s3e_source *s = &run->plan.sources[j->source];
    *src = *dst = NULL;
    if (!run->conns)
        return;
    if (s->bucket || s3e_access_given(&s->access)) /* a manifest naming none: by bucket */
        *src = s3e_conns_source(run->conns, j->source);
    *dst = s3e_conns_target(run->conns, j->target);
}
