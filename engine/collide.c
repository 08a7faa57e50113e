/* collide.c - two sources routed to one destination key: found while planning
 * (every destination goes into a destset), settled by the plan's collisions
 * policy, and named in the message that stops the run.
 *
 * A collision found before any payload went to the workers follows the
 * policy: "error" stops the run before any copy, "first" skips the later
 * source, "last" drops the earlier source's copy (the workers skip it). Past
 * --hold, payloads stream to the workers while planning goes on, so the
 * earlier copy may be done already: the later source is then not copied and
 * is reported failed (under "first" it is skipped, as the policy says). Either
 * way at most one copy lands on a key, so move mode cannot lose a source. */
#include "run.h"
#include "collide.h"
#include "worker.h"
#include "destset.h"
#include "s3engine/error.h"
#include "s3engine/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Under "error", planning stops after this many collisions (all are shown). */
#define MAX_SHOWN 10

struct found {
    uint64_t first;     /* fingerprint of the source that had the key first */
    char *first_name;   /* "s3://b/k", once the naming pass found it */
    char *src;          /* the later source, "s3://b/k" */
    char *dst;          /* the destination, "s3://b/k" */
};

struct s3e_collide {
    struct s3e_destset *set;
    int policy;              /* enum s3e_collisions */
    uint64_t count;          /* collisions under "error" before any copy */
    struct found found[MAX_SHOWN];
    size_t nfound;
    size_t unnamed;          /* found[] whose first source is not named yet */
    struct s3e_destkey next; /* the destination s3e_collide_prepare was told of */
};

static const char *const policy_names[] = { "error", "first", "last" };

int s3e_collide_new(struct s3e_run *run)
{
    struct s3e_collide *c = calloc(1, sizeof *c);
    if (!c)
        return S3E_ENOMEM;
    int rc = s3e_destset_new(&c->set);
    if (rc) {
        free(c);
        return rc;
    }
    c->policy = run->plan.collisions;
    run->collide = c;
    return S3E_OK;
}

void s3e_collide_free(struct s3e_run *run)
{
    struct s3e_collide *c = run->collide;
    if (!c)
        return;
    for (size_t i = 0; i < c->nfound; i++) {
        free(c->found[i].first_name);
        free(c->found[i].src);
        free(c->found[i].dst);
    }
    s3e_destset_free(c->set);
    free(c);
    run->collide = NULL;
}

static char *url(const char *bucket, const char *key)
{
    size_t n = strlen(bucket) + strlen(key) + 7;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "s3://%s/%s", bucket, key);
    return s;
}

/* Under "error", before any copy: keep it for the message. */
static int remember(struct s3e_collide *c, const struct s3e_job *j, uint64_t first, uint64_t src)
{
    c->count++;
    if (c->nfound == MAX_SHOWN)
        return S3E_OK;
    struct found *f = &c->found[c->nfound];
    f->first = first;
    f->src = url(j->src_bucket, j->src_key);
    f->dst = url(j->dst_bucket, j->dst_key);
    f->first_name = first == src ? url(j->src_bucket, j->src_key) : NULL;
    if (!f->src || !f->dst || (first == src && !f->first_name)) {
        free(f->src);
        free(f->dst);
        free(f->first_name);
        memset(f, 0, sizeof *f);
        return S3E_ENOMEM;
    }
    c->unnamed += !f->first_name;
    c->nfound++;
    return S3E_OK;
}

/* Report j skipped or failed: "collides with <who> routed to s3://dst<how>". */
static void settle(struct s3e_run *run, const struct s3e_job *j, enum s3e_outcome outcome,
                   int same_source)
{
    const char *policy = policy_names[run->collide->policy];
    char how[128];
    if (outcome == S3E_OUT_FAILED)
        snprintf(how, sizeof how, ", whose copy was already under way (past --hold; "
                 "collisions = \"%s\"); not copied", policy);
    else
        snprintf(how, sizeof how, " (collisions = \"%s\")", policy);
    char msg[1400];
    snprintf(msg, sizeof msg, "collides with %s routed to s3://%s/%s%s",
             same_source ? "the same source's earlier route" : "an earlier source",
             j->dst_bucket, j->dst_key, how);
    if (outcome == S3E_OUT_SKIPPED)
        s3e_info("s3://%s/%s skipped: %s", j->src_bucket, j->src_key, msg);
    s3e_worker_record(run, j, outcome, j->size, NULL, 0, msg, s3e_now());
}

void s3e_collide_prepare(struct s3e_run *run, const char *bucket, const char *key, size_t len)
{
    struct s3e_collide *c = run->collide;
    s3e_destset_key(c->set, bucket, key, len, &c->next);
}

int s3e_collide_check(struct s3e_run *run, const struct s3e_job *j, int *out_pack)
{
    struct s3e_collide *c = run->collide;
    *out_pack = 0;
    if (c->count >= MAX_SHOWN)
        return S3E_OK; /* planning is about to stop */
    size_t dst_len = strlen(j->dst_key);
    if (c->next.key != j->dst_key || c->next.bucket != j->dst_bucket || c->next.key_len != dst_len)
        s3e_destset_key(c->set, j->dst_bucket, j->dst_key, dst_len, &c->next);
    uint64_t src = s3e_destset_src(c->set, j->src_bucket, j->src_key, strlen(j->src_key));
    uint64_t prev, ref;
    int rc = s3e_destset_add_key(c->set, &c->next, src, &prev, &ref);
    c->next.key = NULL;
    if (rc)
        return rc;
    if (!prev) {
        *out_pack = c->count == 0; /* after a collision under "error" nothing is packed */
        return S3E_OK;
    }
    /* Past --hold the earlier copy may be under way or done: it cannot be taken back. */
    int late = s3e_packer_streaming(run->packer);
    int same = prev == src;
    if (c->policy == S3E_COLLISIONS_FIRST || (same && c->policy != S3E_COLLISIONS_ERROR))
        settle(run, j, S3E_OUT_SKIPPED, same);
    else if (late)
        settle(run, j, S3E_OUT_FAILED, same);
    else if (c->policy == S3E_COLLISIONS_ERROR)
        rc = remember(c, j, prev, src);
    else if (s3e_destset_dropped(c->set, j->dst_bucket, j->dst_key, dst_len, src))
        settle(run, j, S3E_OUT_SKIPPED, 1); /* "last": this source's copy was dropped before */
    else {
        /* "last": this source takes dst; the earlier one's copy is skipped by its worker */
        rc = s3e_destset_drop(c->set, j->dst_bucket, j->dst_key, dst_len, prev);
        if (!rc)
            rc = s3e_destset_replace(c->set, ref, src);
        *out_pack = !rc;
    }
    return rc;
}

int s3e_collide_stop(const struct s3e_run *run)
{
    return run->collide->count >= MAX_SHOWN;
}

int s3e_collide_pending(const struct s3e_run *run)
{
    return run->collide->unnamed > 0;
}

int s3e_collide_name(struct s3e_run *run, const struct s3e_object *o)
{
    struct s3e_collide *c = run->collide;
    uint64_t src = s3e_destset_src(c->set, o->bucket, o->key, o->key_len);
    for (size_t i = 0; i < c->nfound; i++) {
        struct found *f = &c->found[i];
        if (f->first_name || f->first != src)
            continue;
        if (!(f->first_name = url(o->bucket, o->key)))
            return S3E_ENOMEM;
        c->unnamed--;
    }
    return c->unnamed ? S3E_OK : S3E_ECANCELED; /* all named: stop reading */
}

int s3e_collide_report(struct s3e_run *run)
{
    struct s3e_collide *c = run->collide;
    if (!c->count)
        return S3E_OK;
    for (size_t i = 0; i < c->nfound; i++) {
        const struct found *f = &c->found[i];
        if (f->first_name && strcmp(f->first_name, f->src) == 0)
            s3e_error("%s: %s is routed to %s twice", run->plan.path, f->src, f->dst);
        else
            s3e_error("%s: %s and %s are both routed to %s", run->plan.path,
                      f->first_name ? f->first_name : "an earlier source", f->src, f->dst);
    }
    snprintf(run->errbuf, sizeof run->errbuf,
             "%s: %s%llu collision%s: two copies routed to one destination key; nothing was "
             "copied. Give each its own key in route, or set collisions = \"first\" or \"last\" "
             "to keep one (README, Plan reference)",
             run->plan.path, c->count >= MAX_SHOWN ? "at least " : "",
             (unsigned long long)c->count, c->count == 1 ? "" : "s");
    return S3E_EPLAN;
}

int s3e_collide_dropped(const struct s3e_run *run, const struct s3e_job *j)
{
    const struct s3e_collide *c = run->collide;
    if (!c || !s3e_destset_ndropped(c->set))
        return 0;
    uint64_t src = s3e_destset_src(c->set, j->src_bucket, j->src_key, strlen(j->src_key));
    return s3e_destset_dropped(c->set, j->dst_bucket, j->dst_key, strlen(j->dst_key), src);
}
