/* job_sides.c - a plan's sources' and targets' connection, encryption,
 * checksum and stream fields to job.tsv's options and back (job_sides.h). */
#include "job_sides.h"
#include "ssec.h"
#include "s3engine/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- emit ------------------------------------------------------------------------ */

struct out {
    struct s3e_job_index *ix;
    int target;
    size_t index;
    int rc;
};

static void opt(struct out *o, const char *name, const char *value)
{
    if (!o->rc && value)
        o->rc = s3e_jobfmt_opt_add(o->ix, o->target, o->index, name, value);
}

static void access_opts(struct out *o, const struct s3e_access *a)
{
    opt(o, "profile", a->profile);
    opt(o, "region", a->region);
    opt(o, "endpoint", a->endpoint);
    opt(o, "addressing", a->addressing == S3E_ADDRESSING_PATH      ? "path"
                         : a->addressing == S3E_ADDRESSING_VIRTUAL ? "virtual" : NULL);
    opt(o, "acl", a->acl);
    opt(o, "expected_owner", a->expected_owner);
    opt(o, "requester_pays", a->requester_pays ? "true" : NULL);
}

static void ssec_opts(struct out *o, const struct s3e_ssec *k, char *err, size_t errlen)
{
    if (!k || o->rc)
        return;
    if (strlen(k->file) >= sizeof k->file - 1) {
        snprintf(err, errlen, "%s %zu: its SSE-C key file's path is too long to keep in a job",
                 o->target ? "target" : "source", o->index + 1);
        o->rc = S3E_EINVAL;
        return;
    }
    opt(o, "sse_c_key_file", *k->file ? k->file : NULL);
    opt(o, "sse_c_key_env", *k->file ? NULL : k->env);
}

int s3e_job_sides_emit(struct s3e_job_index *ix, const struct s3e_plan *plan, int stream_all,
                       char *err, size_t errlen)
{
    struct out o = { ix, 0, 0, S3E_OK };
    for (size_t i = 0; i < plan->nsources && !o.rc; i++) {
        const struct s3e_source *s = &plan->sources[i];
        o.index = i;
        opt(&o, "bucket", s->bucket);
        access_opts(&o, &s->access);
        ssec_opts(&o, s->ssec, err, errlen);
    }
    o.target = 1;
    for (size_t i = 0; i < plan->ntargets && !o.rc; i++) {
        const struct s3e_target *t = &plan->targets[i];
        o.index = i;
        access_opts(&o, &t->access);
        opt(&o, "stream", t->stream || stream_all ? "true" : NULL);
        opt(&o, "sse", t->sse);
        opt(&o, "kms_key_id", t->kms_key_id);
        opt(&o, "bucket_key_enabled", t->bucket_key_enabled > 0   ? "true"
                                      : t->bucket_key_enabled < 0 ? "false" : NULL);
        opt(&o, "checksum_algorithm", t->checksum_algorithm);
        ssec_opts(&o, t->ssec, err, errlen);
    }
    if (o.rc == S3E_ENOMEM)
        snprintf(err, errlen, "out of memory");
    return o.rc;
}

/* ---- run ------------------------------------------------------------------------- */

static int dup_to(char **dst, const char *v)
{
    free(*dst);
    *dst = strdup(v);
    return *dst ? S3E_OK : S3E_ENOMEM;
}

static int flag(const char *v, int *out)
{
    if (strcmp(v, "true") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0)
        *out = -1;
    else
        return S3E_EPARSE;
    return S3E_OK;
}

/* A connection or cross-account field; 1 when name is none of them. */
static int access_opt(struct s3e_access *a, const char *name, const char *v, int *rc)
{
    int yes = 0;
    if (strcmp(name, "profile") == 0)
        *rc = dup_to(&a->profile, v);
    else if (strcmp(name, "region") == 0)
        *rc = dup_to(&a->region, v);
    else if (strcmp(name, "endpoint") == 0)
        *rc = dup_to(&a->endpoint, v);
    else if (strcmp(name, "acl") == 0)
        *rc = dup_to(&a->acl, v);
    else if (strcmp(name, "expected_owner") == 0)
        *rc = dup_to(&a->expected_owner, v);
    else if (strcmp(name, "requester_pays") == 0)
        *rc = flag(v, &yes) || yes < 0 ? S3E_EPARSE : (a->requester_pays = 1, S3E_OK);
    else if (strcmp(name, "addressing") == 0 && strcmp(v, "path") == 0)
        a->addressing = S3E_ADDRESSING_PATH;
    else if (strcmp(name, "addressing") == 0 && strcmp(v, "virtual") == 0)
        a->addressing = S3E_ADDRESSING_VIRTUAL;
    else if (strcmp(name, "addressing") == 0)
        *rc = S3E_EPARSE;
    else
        return 1;
    return 0;
}

static int ssec_opt(struct s3e_ssec **k, const char *name, const char *v, char *err,
                    size_t errlen)
{
    int file = strcmp(name, "sse_c_key_file") == 0;
    if (*k)
        return S3E_EPARSE; /* one key per side */
    if (!(*k = calloc(1, sizeof **k)))
        return S3E_ENOMEM;
    char why[600];
    if (s3e_ssec_load(*k, file ? v : NULL, file ? NULL : v, why, sizeof why)) {
        snprintf(err, errlen, "%s (the job names it; the key is never in a job)", why);
        return S3E_EINVAL;
    }
    return S3E_OK;
}

static int target_opt(struct s3e_target *t, const char *name, const char *v, char *err,
                      size_t errlen)
{
    int rc = S3E_OK, yes = 0;
    if (!access_opt(&t->access, name, v, &rc))
        return rc;
    if (strcmp(name, "stream") == 0)
        return flag(v, &yes) || yes < 0 ? S3E_EPARSE : (t->stream = 1, S3E_OK);
    if (strcmp(name, "sse") == 0)
        return dup_to(&t->sse, v);
    if (strcmp(name, "kms_key_id") == 0)
        return dup_to(&t->kms_key_id, v);
    if (strcmp(name, "bucket_key_enabled") == 0)
        return flag(v, &t->bucket_key_enabled);
    if (strcmp(name, "checksum_algorithm") == 0)
        return dup_to(&t->checksum_algorithm, v);
    if (strcmp(name, "sse_c_key_file") == 0 || strcmp(name, "sse_c_key_env") == 0)
        return ssec_opt(&t->ssec, name, v, err, errlen);
    return S3E_EPARSE;
}

static int source_opt(struct s3e_source *s, const char *name, const char *v, char *err,
                      size_t errlen)
{
    int rc = S3E_OK;
    if (!access_opt(&s->access, name, v, &rc))
        return rc;
    if (strcmp(name, "bucket") == 0)
        return dup_to(&s->bucket, v);
    if (strcmp(name, "sse_c_key_file") == 0 || strcmp(name, "sse_c_key_env") == 0)
        return ssec_opt(&s->ssec, name, v, err, errlen);
    return S3E_EPARSE;
}

static int sides(const struct s3e_job_index *ix, struct s3e_plan *p)
{
    p->sources = calloc(ix->nsources + 1, sizeof *p->sources);
    p->targets = calloc(ix->ntargets + 1, sizeof *p->targets);
    p->path = strdup(ix->plan_path ? ix->plan_path : "");
    if (!p->sources || !p->targets || !p->path)
        return S3E_ENOMEM;
    for (; p->nsources < ix->nsources; p->nsources++) {
        struct s3e_source *s = &p->sources[p->nsources];
        s->restore_days = ix->sources[p->nsources].restore_days;
        memcpy(s->restore_tier, ix->sources[p->nsources].restore_tier, sizeof s->restore_tier);
        if (!(s->prefix = strdup("")))
            return S3E_ENOMEM;
    }
    for (; p->ntargets < ix->ntargets; p->ntargets++) {
        const struct s3e_job_target *jt = &ix->targets[p->ntargets];
        struct s3e_target *t = &p->targets[p->ntargets];
        t->name = strdup(jt->name);
        t->bucket = strdup(jt->bucket);
        t->prefix = strdup(jt->prefix);
        t->storage_class = *jt->storage_class ? strdup(jt->storage_class) : NULL;
        if (!t->name || !t->bucket || !t->prefix || (*jt->storage_class && !t->storage_class))
            return S3E_ENOMEM;
    }
    return S3E_OK;
}

int s3e_job_sides_plan(const struct s3e_job_index *ix, struct s3e_plan *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    int rc = sides(ix, out);
    for (size_t i = 0; !rc && i < ix->nopts; i++) {
        const struct s3e_job_opt *o = &ix->opts[i];
        char why[800] = "";
        rc = o->target ? target_opt(&out->targets[o->index], o->name, o->value, why, sizeof why)
                       : source_opt(&out->sources[o->index], o->name, o->value, why, sizeof why);
        if (rc == S3E_EPARSE)
            snprintf(err, errlen, "option %s of %s %zu: unknown, or not a value it takes (\"%s\"): "
                     "a job emitted by a newer s3engine?", o->name,
                     o->target ? "target" : "source", o->index + 1, o->value);
        else if (rc == S3E_EINVAL)
            snprintf(err, errlen, "%s %zu: %s", o->target ? "target" : "source", o->index + 1,
                     why);
    }
    /* a source without a bucket was a manifest: its rows are in the job's own
     * manifests now, and its connection (if it names one) reaches their buckets */
    for (size_t i = 0; !rc && i < out->nsources; i++)
        if (!out->sources[i].bucket && !(out->sources[i].manifest = strdup("job manifests")))
            rc = S3E_ENOMEM;
    if (rc == S3E_ENOMEM)
        snprintf(err, errlen, "out of memory");
    return rc;
}
