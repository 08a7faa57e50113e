/* dryrun.c - --dry-run: account every payload as it is packed, then print the
 * plan per worker and per target without holding the payloads themselves.
 * Names from the plan are printed in the display form (escape.h). */
#include "run.h"
#include "dryrun.h"
#include "collide.h"
#include "method.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOWN_PER_WORKER 8 /* payload lines printed per worker (the rest summed) */

struct payload_line {
    uint64_t id;
    size_t objects;
    uint64_t bytes;
    char group[48];
};

struct worker_sum {
    uint64_t payloads, objects, bytes;
    struct payload_line shown[SHOWN_PER_WORKER];
    size_t nshown;
};

struct target_sum {
    uint64_t objects, bytes;
    uint64_t streamed, streamed_bytes; /* of them: copied through this machine */
};

struct s3e_dryrun {
    int workers;
    struct worker_sum *w;   /* workers + 1: the last is "any free worker" */
    struct target_sum *t;   /* grown as targets appear */
    size_t nt;
    uint64_t largest_payload;
};

int s3e_dryrun_new(struct s3e_dryrun **out, int workers)
{
    struct s3e_dryrun *d = calloc(1, sizeof *d);
    if (!d)
        return S3E_ENOMEM;
    d->workers = workers;
    d->w = calloc((size_t)workers + 1, sizeof *d->w);
    if (!d->w) {
        free(d);
        return S3E_ENOMEM;
    }
    *out = d;
    return S3E_OK;
}

void s3e_dryrun_free(struct s3e_dryrun *d)
{
    if (!d)
        return;
    free(d->w);
    free(d->t);
    free(d);
}

static void count_target(struct s3e_dryrun *d, uint32_t target, uint64_t bytes, int streams)
{
    if (target >= d->nt) {
        size_t n = target + 1;
        struct target_sum *t = realloc(d->t, n * sizeof *t);
        if (!t)
            return;
        memset(t + d->nt, 0, (n - d->nt) * sizeof *t);
        d->t = t;
        d->nt = n;
    }
    d->t[target].objects++;
    d->t[target].bytes += bytes;
    d->t[target].streamed += streams != 0;
    d->t[target].streamed_bytes += streams ? bytes : 0;
}

/* What the copy would report: copied (and moved), or skipped when collisions
 * = "last" gave the destination to a later source. */
static void count_outcome(struct s3e_run *run, const struct s3e_job *j)
{
    enum s3e_outcome o = s3e_collide_dropped(run, j) ? S3E_OUT_SKIPPED
                         : run->set.move             ? S3E_OUT_MOVED
                                                     : S3E_OUT_COPIED;
    s3e_stats_record(&run->stats, o, j->size);
    if (run->per_target && j->target < run->plan.ntargets)
        s3e_stats_record(&run->per_target[j->target], o, j->size);
}

void s3e_dryrun_add(struct s3e_dryrun *d, struct s3e_run *run, const struct s3e_payload *p)
{
    int wi = (p->worker >= 0 && p->worker < d->workers) ? p->worker : d->workers;
    struct worker_sum *w = &d->w[wi];
    if (w->nshown < SHOWN_PER_WORKER) {
        struct payload_line *l = &w->shown[w->nshown++];
        l->id = w->payloads + 1;
        l->objects = p->njobs;
        l->bytes = p->bytes;
        snprintf(l->group, sizeof l->group, "%s", p->group_name ? p->group_name : "");
    }
    w->payloads++;
    w->objects += p->njobs;
    w->bytes += p->bytes;
    if (p->bytes > d->largest_payload)
        d->largest_payload = p->bytes;
    for (size_t i = 0; i < p->njobs; i++) {
        count_target(d, p->jobs[i].target, p->jobs[i].size,
                     s3e_method_streams(run, &p->jobs[i]));
        count_outcome(run, &p->jobs[i]);
    }
}

static void print_worker(const struct worker_sum *w, const char *name, FILE *out)
{
    char b[32], group[4 * sizeof w->shown[0].group];
    fprintf(out, "%s: %llu payloads, %llu objects, %s\n", name, (unsigned long long)w->payloads,
            (unsigned long long)w->objects, s3e_format_bytes(w->bytes, b, sizeof b));
    for (size_t i = 0; i < w->nshown; i++) {
        const struct payload_line *l = &w->shown[i];
        fprintf(out, "  payload %llu: %zu objects, %s%s%s\n", (unsigned long long)l->id,
                l->objects, s3e_format_bytes(l->bytes, b, sizeof b), l->group[0] ? ", group " : "",
                s3e_escape_str(l->group, group, sizeof group));
    }
    if (w->payloads > w->nshown)
        fprintf(out, "  ... and %llu more payloads\n", (unsigned long long)(w->payloads - w->nshown));
}

void s3e_dryrun_print(const struct s3e_dryrun *d, const struct s3e_run *run, FILE *out)
{
    char b[32], b2[32], path[1024];
    const struct s3e_settings *s = &run->set;
    fprintf(out, "plan %s: %d workers, payloads of at most %s and %llu objects%s\n",
            s3e_escape_str(run->plan.path, path, sizeof path), s->workers, s3e_format_bytes(s->max_payload, b, sizeof b),
            (unsigned long long)s->max_payload_objects,
            s3e_packer_streaming(run->packer) ? " (streamed: too many objects to balance)" : "");
    for (int i = 0; i < d->workers; i++) {
        char name[32];
        snprintf(name, sizeof name, "worker %d", i + 1);
        print_worker(&d->w[i], name, out);
    }
    if (d->w[d->workers].payloads)
        print_worker(&d->w[d->workers], "any free worker", out);
    fputs("targets:\n", out);
    uint64_t streamed = 0, streamed_bytes = 0;
    for (size_t i = 0; i < run->plan.ntargets; i++) {
        const struct s3e_target *t = &run->plan.targets[i];
        const struct target_sum *ts = i < d->nt ? &d->t[i] : NULL;
        char name[256], bucket[256], prefix[2048];
        uint64_t n = ts ? ts->objects : 0, ns = ts ? ts->streamed : 0;
        fprintf(out, "  %-12s s3://%s/%s: %llu objects, %s, method %s\n",
                s3e_escape_str(t->name, name, sizeof name),
                s3e_escape_str(t->bucket, bucket, sizeof bucket),
                s3e_escape_str(t->prefix, prefix, sizeof prefix), (unsigned long long)n,
                s3e_format_bytes(ts ? ts->bytes : 0, b, sizeof b),
                ns == 0 ? "copy" : ns == n ? "stream" : "copy and stream");
        streamed += ns;
        streamed_bytes += ts ? ts->streamed_bytes : 0;
    }
    uint64_t payloads = 0;
    for (int i = 0; i <= d->workers; i++)
        payloads += d->w[i].payloads;
    fprintf(out, "listed: %llu objects; not selected or not routed: %llu\n",
            (unsigned long long)atomic_load(&run->stats.listed_objects),
            (unsigned long long)atomic_load(&run->stats.unselected_objects));
    fprintf(out, "skipped: %llu objects already at the target, %s\n",
            (unsigned long long)atomic_load(&run->stats.skipped_objects),
            s3e_format_bytes(atomic_load(&run->stats.skipped_bytes), b, sizeof b));
    fprintf(out, "to copy: %llu objects, %s in %llu payloads (largest %s)\n",
            (unsigned long long)atomic_load(&run->stats.planned_objects),
            s3e_format_bytes(atomic_load(&run->stats.planned_bytes), b, sizeof b),
            (unsigned long long)payloads, s3e_format_bytes(d->largest_payload, b2, sizeof b2));
    uint64_t planned = atomic_load(&run->stats.planned_objects);
    fprintf(out, "method: %llu objects by copy (server-side), %llu objects, %s by stream "
            "(through this machine)\n", (unsigned long long)(planned > streamed ? planned - streamed : 0),
            (unsigned long long)streamed, s3e_format_bytes(streamed_bytes, b, sizeof b));
    fputs("dry run: nothing was copied\n", out);
}
