/* job_emit.c - `s3engine PLAN --emit DEST`: the payloads a run would do,
 * written as a job that runners execute without Lua (job_run.c).
 *
 * Payloads are appended to manifest files of up to 64 MiB
 * (manifests/part-NNNNN.tsv); job.tsv gives each payload's file, offset and
 * length, so a runner reads one range and a million-object plan is a few
 * files, not one per payload. job.json says the same for people and tools,
 * items.json is the list Step Functions' Distributed Map iterates over. */
#include "job_emit.h"
#include "job_format.h"
#include "job_sides.h"
#include "job_store.h"
#include "run.h"
#include "summary_json.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/log.h"
#include "s3engine/versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PART_BYTES (64u << 20)  /* a manifest file is cut after the payload that passes this */
/* The objects' strings lie in the planner's arenas in listing order, and a
 * payload takes them in packing order: each line would wait for memory.
 * Asking for the strings a few objects ahead hides most of that wait. */
#define PREFETCH_AHEAD 8
#define STAGE_BYTES (1u << 20)  /* lines are formatted here, then written: stays in cache */

struct count { uint64_t payloads, objects, bytes; };

struct s3e_job_emit {
    struct s3e_job_store *store;
    struct s3e_job_index ix;
    struct s3e_buf stage;         /* lines of the manifest file being filled, not written yet */
    struct s3e_job_file *part;    /* that file, NULL until its first line */
    uint64_t part_written;        /* its bytes written before stage */
    unsigned nparts;
    char part_name[64];
    struct count *per_worker;     /* ix.workers */
    struct count *per_target;     /* grown as targets appear */
    size_t ntargets;
    char err[1024];
};

static void name_part(struct s3e_job_emit *e)
{
    snprintf(e->part_name, sizeof e->part_name, "manifests/part-%05u.tsv", e->nparts + 1);
}

int s3e_job_emit_new(struct s3e_job_emit **out, const char *dest, struct s3e_client *client,
                     int workers, char *err, size_t errlen)
{
    struct s3e_job_emit *e = calloc(1, sizeof *e);
    if (!e)
        return S3E_ENOMEM;
    s3e_buf_init(&e->stage, 0);
    e->ix.workers = workers;
    s3e_buf_reserve(&e->stage, 2 * STAGE_BYTES); /* one allocation, not a doubling series */
    e->per_worker = calloc((size_t)workers, sizeof *e->per_worker);
    int rc = e->per_worker ? s3e_job_store_open(&e->store, dest, client, err, errlen) : S3E_ENOMEM;
    struct s3e_buf probe;
    s3e_buf_init(&probe, 0);
    int found = 0;
    if (!rc)
        rc = s3e_job_store_get(e->store, "job.tsv", 0, 0, &probe, &found, err, errlen);
    s3e_buf_free(&probe);
    if (!rc && found) {
        snprintf(err, errlen, "%s already holds a job (job.tsv): remove it or emit elsewhere",
                 dest);
        rc = S3E_EINVAL;
    }
    if (rc) {
        s3e_job_emit_free(e);
        return rc;
    }
    name_part(e);
    *out = e;
    return S3E_OK;
}

void s3e_job_emit_free(struct s3e_job_emit *e)
{
    if (!e)
        return;
    s3e_job_store_free(e->store);
    if (e->part)
        s3e_job_file_end(e->part, 0, e->err, sizeof e->err);
    s3e_jobfmt_index_free(&e->ix);
    s3e_buf_free(&e->stage);
    free(e->per_worker);
    free(e->per_target);
    free(e);
}

/* The staged lines to the manifest file (begun on its first lines). */
static int write_stage(struct s3e_job_emit *e)
{
    if (!e->stage.len)
        return S3E_OK;
    int rc = e->part ? S3E_OK
                     : s3e_job_file_begin(e->store, e->part_name, &e->part, e->err, sizeof e->err);
    if (!rc)
        rc = s3e_job_file_write(e->part, e->stage.data, e->stage.len, e->err, sizeof e->err);
    e->part_written += e->stage.len;
    s3e_buf_reset(&e->stage);
    return rc;
}

/* The manifest file being filled is complete: the next payload starts another. */
static int flush_part(struct s3e_job_emit *e)
{
    int rc = write_stage(e);
    if (!e->part)
        return rc;
    int end = s3e_job_file_end(e->part, !rc, e->err, sizeof e->err);
    e->part = NULL;
    e->part_written = 0;
    e->nparts++;
    name_part(e);
    return rc ? rc : end;
}

static int count_target(struct s3e_job_emit *e, const struct s3e_job *j)
{
    uint32_t target = j->target;
    if (target >= e->ntargets) {
        struct count *t = realloc(e->per_target, (target + 1) * sizeof *t);
        if (!t)
            return S3E_ENOMEM;
        memset(t + e->ntargets, 0, (target + 1 - e->ntargets) * sizeof *t);
        e->per_target = t;
        e->ntargets = target + 1;
    }
    e->per_target[target].objects += j->versions ? s3e_versions_count(j->versions) : 1;
    e->per_target[target].bytes += j->size;
    return S3E_OK;
}

/* Streamed payloads (past --hold) have no worker yet: the least loaded takes it. */
static int pick_worker(const struct s3e_job_emit *e, const struct s3e_payload *p)
{
    if (p->worker >= 0 && p->worker < e->ix.workers)
        return p->worker;
    int best = 0;
    for (int w = 1; w < e->ix.workers; w++)
        if (e->per_worker[w].bytes + e->per_worker[w].objects * (1u << 20) <
            e->per_worker[best].bytes + e->per_worker[best].objects * (1u << 20))
            best = w;
    return best;
}

/* One manifest line, or one per version (oldest first) for versions = "all". */
static int write_object(struct s3e_job_emit *e, const struct s3e_job *j, uint64_t *rows)
{
    if (!j->versions) {
        (*rows)++;
        return s3e_jobfmt_object_write(&e->stage, j, j->version_id ? j->version_id : "", 0);
    }
    struct s3e_version v;
    struct s3e_job one = *j;
    one.versions = NULL;
    int rc = S3E_OK;
    for (const char *c = j->versions; !rc && s3e_versions_next(&c, &v);) {
        one.version_id = v.id;
        one.size = v.size;
        one.etag = v.etag;
        one.last_modified = v.last_modified;
        rc = s3e_jobfmt_object_write(&e->stage, &one, v.id, 1);
        (*rows)++;
    }
    return rc;
}

int s3e_job_emit_add(struct s3e_job_emit *e, const struct s3e_payload *p)
{
    int w = pick_worker(e, p);
    struct s3e_job_payload ref = {
        .id = e->ix.npayloads + 1, .worker = w + 1, .objects = p->njobs, .bytes = p->bytes,
        .file = e->part_name, .offset = e->part_written + e->stage.len,
    };
    int rc = S3E_OK;
    uint64_t rows = 0;
    for (size_t i = 0; !rc && i < p->njobs; i++) {
        if (i + PREFETCH_AHEAD < p->njobs) {
            const struct s3e_job *ahead = &p->jobs[i + PREFETCH_AHEAD];
            __builtin_prefetch(ahead->src_key);
            __builtin_prefetch(ahead->dst_key);
            __builtin_prefetch(ahead->etag);
        }
        rc = write_object(e, &p->jobs[i], &rows);
        if (!rc)
            rc = count_target(e, &p->jobs[i]);
        if (!rc && e->stage.len >= STAGE_BYTES)
            rc = write_stage(e);
    }
    ref.objects = rows;
    ref.length = e->part_written + e->stage.len - ref.offset;
    if (!rc)
        rc = s3e_jobfmt_index_add(&e->ix, &ref);
    e->per_worker[w].payloads++;
    e->per_worker[w].objects += rows;
    e->per_worker[w].bytes += p->bytes;
    if (!rc && e->part_written + e->stage.len >= PART_BYTES)
        rc = flush_part(e);
    return rc;
}

static int json_str(struct s3e_buf *b, const char *name, const char *v)
{
    return s3e_buf_printf(b, "\"%s\":\"", name) ||
           s3e_escape_json(b, v ? v : "", v ? strlen(v) : 0, NULL) || s3e_buf_putc(b, '"');
}

static int json_counts(struct s3e_buf *b, const struct count *c)
{
    return s3e_buf_printf(b, "\"payloads\":%llu,\"objects\":%llu,\"bytes\":%llu",
                          (unsigned long long)c->payloads, (unsigned long long)c->objects,
                          (unsigned long long)c->bytes);
}

/* job.json: what the job is, for people and tools (runners read job.tsv). */
static int write_json(struct s3e_job_emit *e, const struct s3e_run *run, struct s3e_buf *b)
{
    const struct s3e_job_index *ix = &e->ix;
    struct count all = { 0 };
    for (int w = 0; w < ix->workers; w++) {
        all.payloads += e->per_worker[w].payloads;
        all.objects += e->per_worker[w].objects;
        all.bytes += e->per_worker[w].bytes;
    }
    int rc = s3e_buf_printf(b, "{\"format\":\"s3engine-job\",\"version\":%d,\"plan\":{",
                            S3E_JOB_FORMAT_VERSION) ||
             json_str(b, "path", ix->plan_path) || s3e_buf_putc(b, ',') ||
             json_str(b, "sha256", ix->sha256) || s3e_buf_puts(b, "},") ||
             json_str(b, "created_at", ix->created_at) ||
             s3e_buf_printf(b, ",\"workers\":%d,\"move\":%s,\"totals\":{", ix->workers,
                            ix->move ? "true" : "false") ||
             json_counts(b, &all) ||
             s3e_buf_printf(b, ",\"skipped_objects\":%llu},\"per_worker\":[",
                            (unsigned long long)atomic_load(&run->stats.skipped_objects));
    for (int w = 0; !rc && w < ix->workers; w++)
        rc = s3e_buf_printf(b, "%s{\"worker\":%d,", w ? "," : "", w + 1) ||
             json_counts(b, &e->per_worker[w]) || s3e_buf_putc(b, '}');
    rc = rc || s3e_buf_puts(b, "],\"per_target\":[");
    for (size_t i = 0; !rc && i < ix->ntargets; i++) {
        const struct s3e_job_target *t = &ix->targets[i];
        struct count c = i < e->ntargets ? e->per_target[i] : (struct count){ 0 };
        rc = s3e_buf_puts(b, i ? ",{" : "{") || json_str(b, "name", t->name) ||
             s3e_buf_putc(b, ',') || json_str(b, "bucket", t->bucket) || s3e_buf_putc(b, ',') ||
             json_str(b, "prefix", t->prefix) ||
             s3e_buf_printf(b, ",\"objects\":%llu,\"bytes\":%llu}",
                            (unsigned long long)c.objects, (unsigned long long)c.bytes);
    }
    rc = rc || s3e_buf_puts(b, "],\"payloads\":[");
    for (size_t i = 0; !rc && i < ix->npayloads; i++) {
        const struct s3e_job_payload *p = &ix->payloads[i];
        rc = s3e_buf_puts(b, i ? ",{\"id\":" : "{\"id\":") || s3e_buf_put_u64(b, p->id) ||
             s3e_buf_puts(b, ",\"worker\":") || s3e_buf_put_u64(b, (unsigned)p->worker) ||
             s3e_buf_puts(b, ",\"objects\":") || s3e_buf_put_u64(b, p->objects) ||
             s3e_buf_puts(b, ",\"bytes\":") || s3e_buf_put_u64(b, p->bytes) ||
             s3e_buf_putc(b, ',') || json_str(b, "manifest", p->file) ||
             s3e_buf_puts(b, ",\"offset\":") || s3e_buf_put_u64(b, p->offset) ||
             s3e_buf_puts(b, ",\"length\":") || s3e_buf_put_u64(b, p->length) ||
             s3e_buf_putc(b, '}');
    }
    return rc || s3e_buf_puts(b, "]}\n") ? S3E_ENOMEM : S3E_OK;
}

/* items.json: one item per payload for Step Functions' Distributed Map. */
static int write_items(const struct s3e_job_index *ix, struct s3e_buf *b)
{
    int rc = s3e_buf_putc(b, '[');
    for (size_t i = 0; !rc && i < ix->npayloads; i++)
        rc = s3e_buf_puts(b, i ? ",{\"payload\":" : "{\"payload\":") ||
             s3e_buf_put_u64(b, ix->payloads[i].id) || s3e_buf_puts(b, ",\"worker\":") ||
             s3e_buf_put_u64(b, (unsigned)ix->payloads[i].worker) || s3e_buf_putc(b, '}');
    return rc || s3e_buf_puts(b, "]\n") ? S3E_ENOMEM : S3E_OK;
}

static int copy_sources(struct s3e_job_index *ix, const struct s3e_plan *plan)
{
    ix->sources = calloc(plan->nsources ? plan->nsources : 1, sizeof *ix->sources);
    if (!ix->sources)
        return S3E_ENOMEM;
    for (size_t i = 0; i < plan->nsources; i++, ix->nsources++) {
        ix->sources[i].restore_days = plan->sources[i].restore_days;
        snprintf(ix->sources[i].restore_tier, sizeof ix->sources[i].restore_tier, "%s",
                 plan->sources[i].restore_tier);
    }
    return S3E_OK;
}

static int copy_targets(struct s3e_job_index *ix, const struct s3e_plan *plan)
{
    ix->targets = calloc(plan->ntargets ? plan->ntargets : 1, sizeof *ix->targets);
    if (!ix->targets)
        return S3E_ENOMEM;
    for (size_t i = 0; i < plan->ntargets; i++, ix->ntargets++) {
        const struct s3e_target *t = &plan->targets[i];
        struct s3e_job_target *d = &ix->targets[i];
        d->name = strdup(t->name);
        d->bucket = strdup(t->bucket);
        d->prefix = strdup(t->prefix ? t->prefix : "");
        d->storage_class = strdup(t->storage_class ? t->storage_class : "");
        if (!d->name || !d->bucket || !d->prefix || !d->storage_class)
            return S3E_ENOMEM;
    }
    return S3E_OK;
}

/* Put one whole file, as the store does: a buffer built by fill. */
static int put_file(struct s3e_job_emit *e, const char *name, struct s3e_buf *b)
{
    return s3e_job_store_put(e->store, name, b->data ? b->data : "", b->len, e->err,
                             sizeof e->err);
}

int s3e_job_emit_finish(struct s3e_job_emit *e, const struct s3e_run *run, char *err,
                        size_t errlen)
{
    struct s3e_job_index *ix = &e->ix;
    const struct s3e_settings *s = &run->set;
    ix->plan_path = strdup(run->plan.path ? run->plan.path : "");
    s3e_file_sha256(run->cli->seed_input ? run->cli->seed_input : run->cli->plan_path,
                    ix->sha256);
    struct tm tm;
    time_t now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(ix->created_at, sizeof ix->created_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ix->move = s->move;
    ix->verify = s->verify;
    ix->multipart_cutoff = s->multipart_cutoff;
    ix->part_size = s->part_size;
    ix->part_concurrency = s->part_concurrency;
    ix->check_destinations = !run->plan_client && !s->force; /* no credentials to list them */
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    int rc = ix->plan_path ? copy_targets(ix, &run->plan) : S3E_ENOMEM;
    if (!rc)
        rc = copy_sources(ix, &run->plan);
    if (!rc)
        rc = s3e_job_sides_emit(ix, &run->plan, run->cli->stream, e->err, sizeof e->err);
    if (!rc)
        rc = flush_part(e);
    /* job.tsv last: its presence says the job is complete. */
    if (!rc && !(rc = write_json(e, run, &b)))
        rc = put_file(e, "job.json", &b);
    s3e_buf_reset(&b);
    if (!rc && !(rc = write_items(ix, &b)))
        rc = put_file(e, "items.json", &b);
    s3e_buf_reset(&b);
    if (!rc && !(rc = s3e_jobfmt_index_write(&b, ix)))
        rc = put_file(e, "job.tsv", &b);
    s3e_buf_free(&b);
    if (rc)
        snprintf(err, errlen, "emit: %s", e->err[0] ? e->err : s3e_strerror(rc));
    return rc;
}

void s3e_job_emit_print(const struct s3e_job_emit *e, const char *dest, FILE *out)
{
    const struct s3e_job_index *ix = &e->ix;
    uint64_t objects = 0, bytes = 0;
    for (size_t i = 0; i < ix->npayloads; i++) {
        objects += ix->payloads[i].objects;
        bytes += ix->payloads[i].bytes;
    }
    char b[32], shown[1024];
    fprintf(out, "emitted %s: %zu payloads for %d workers, %llu objects, %s, in %u manifest "
            "files\n", s3e_escape_str(dest, shown, sizeof shown), ix->npayloads, ix->workers,
            (unsigned long long)objects, s3e_format_bytes(bytes, b, sizeof b), e->nparts);
}

const char *s3e_job_emit_error(const struct s3e_job_emit *e)
{
    return e->err;
}
