/* conns.c - each bucket of a plan bound to the configuration that reaches it. */
#include "conns.h"
#include "s3engine/error.h"
#include "s3engine/script.h"
#include "script_lines.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct binding {
    const char *bucket;              /* the plan's string, or `owned` */
    char *owned;                     /* a manifest row's bucket, copied */
    const struct s3e_access *access; /* the plan's */
    size_t conn;                     /* 0 = base, else own[conn - 1] */
    int target;                      /* where it was first named, for messages */
    size_t index;
    unsigned sides;                  /* named by a source (bit 0), by a target (bit 1) */
};

struct s3e_conns {
    const struct s3e_config *base;
    const struct s3e_plan *plan;
    const struct s3e_script *script;
    struct s3e_config **own;
    const struct s3e_access **own_access; /* the fields each was loaded from */
    size_t nown;
    /* Manifest rows bind their buckets while workers already send requests:
     * bindings are read under the lock, added under it for writing. */
    pthread_rwlock_t lock;
    struct binding *b;
    size_t nb;
    size_t *src_conn, *dst_conn;
};

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int connection_given(const struct s3e_access *a)
{
    return a->profile || a->region || a->endpoint || a->addressing;
}

static int same_connection(const struct s3e_access *a, const struct s3e_access *b)
{
    return same_text(a->profile, b->profile) && same_text(a->region, b->region) &&
           same_text(a->endpoint, b->endpoint) && a->addressing == b->addressing;
}

/* The same bucket as source and target: alike but for the ACL, which only a
 * target has (a source is not written). Two targets: the ACL too. */
static int same_access(const struct s3e_access *a, const struct s3e_access *b, int with_acl)
{
    return same_connection(a, b) && (!with_acl || same_text(a->acl, b->acl)) &&
           same_text(a->expected_owner, b->expected_owner) &&
           a->requester_pays == b->requester_pays;
}

void s3e_conns_where(const struct s3e_conns *c, int target, size_t i, const char *field,
                     char *out, size_t len)
{
    char item[24];
    snprintf(item, sizeof item, "[%zu]", i + 1);
    const char *path[3] = { target ? "targets" : "sources",
                            target ? c->plan->targets[i].name : item, field };
    char at[300];
    s3e_script_field_where(c->script, path, 3, at, sizeof at);
    if (target)
        snprintf(out, len, "%s: targets.%s", at, c->plan->targets[i].name);
    else
        snprintf(out, len, "%s: sources[%zu]", at, i + 1);
}

/* The configuration for these fields: one loaded already, or a new one. */
static int connection(struct s3e_conns *c, const struct s3e_config_overrides *ov,
                      const struct s3e_access *a, int target, size_t i, size_t *out,
                      char *errbuf, size_t errlen)
{
    *out = 0;
    if (!connection_given(a))
        return S3E_OK;
    for (size_t k = 0; k < c->nown; k++)
        if (same_connection(c->own_access[k], a)) {
            *out = k + 1;
            return S3E_OK;
        }
    struct s3e_config **own = realloc(c->own, (c->nown + 1) * sizeof *own);
    if (own)
        c->own = own;
    const struct s3e_access **keys = realloc(c->own_access, (c->nown + 1) * sizeof *keys);
    if (keys)
        c->own_access = keys;
    struct s3e_config *cfg = calloc(1, sizeof *cfg);
    if (!own || !keys || !cfg) {
        free(cfg);
        return S3E_ENOMEM;
    }
    struct s3e_config_overrides mine = *ov;
    mine.profile = a->profile ? a->profile : ov->profile;
    mine.region = a->region ? a->region : ov->region;
    mine.endpoint = a->endpoint ? a->endpoint : ov->endpoint;
    if (a->addressing)
        mine.path_style = a->addressing == S3E_ADDRESSING_PATH;
    char why[512], name[400];
    int rc = s3e_config_load(cfg, &mine, why, sizeof why);
    if (rc) {
        free(cfg);
        s3e_conns_where(c, target, i, a->profile ? "profile" : "bucket", name, sizeof name);
        snprintf(errbuf, errlen, "%s%s%s: %s", name,
                 a->profile ? " profile " : "", a->profile ? a->profile : "", why);
        return rc;
    }
    cfg->cancel = c->base->cancel; /* one run: one stop, one rate limit */
    cfg->rate = c->base->rate;
    c->own[c->nown] = cfg;
    c->own_access[c->nown] = a;
    *out = ++c->nown;
    return S3E_OK;
}

static struct binding *find(const struct s3e_conns *c, const char *bucket)
{
    for (size_t k = 0; c && k < c->nb; k++)
        if (strcmp(c->b[k].bucket, bucket) == 0)
            return &c->b[k];
    return NULL;
}

static const struct s3e_config *nth(const struct s3e_conns *c, size_t conn)
{
    return conn ? c->own[conn - 1] : c->base;
}

/* The binding of bucket whose fields agree with a (named by a target when
 * `target`), or NULL. */
static struct binding *find_same(struct s3e_conns *c, const char *bucket,
                                 const struct s3e_access *a, int target)
{
    for (size_t k = 0; k < c->nb; k++) {
        struct binding *b = &c->b[k];
        if (strcmp(b->bucket, bucket) == 0 && same_access(b->access, a, b->target && target))
            return b;
    }
    return NULL;
}

/* A bucket named alike on another endpoint by the other side (a source's
 * `data` on one cluster, a target's `data` on another) is another bucket:
 * 1 when every binding of the name is of the other side, elsewhere. */
static int elsewhere(const struct s3e_conns *c, const char *bucket, int target,
                     const struct s3e_config *cfg)
{
    for (size_t k = 0; k < c->nb; k++)
        if (strcmp(c->b[k].bucket, bucket) == 0 &&
            ((c->b[k].sides & (1u << target)) ||
             strcmp(nth(c, c->b[k].conn)->endpoint, cfg->endpoint) == 0))
            return 0;
    return 1;
}

/* Add a binding; a bucket that is not the plan's string is copied (`copy`). */
static int add(struct s3e_conns *c, const char *bucket, int copy, const struct s3e_access *a,
               size_t conn, int target, size_t i)
{
    char *owned = copy ? strdup(bucket) : NULL;
    struct binding *grown = copy && !owned ? NULL : realloc(c->b, (c->nb + 1) * sizeof *grown);
    if (!grown) {
        free(owned);
        return S3E_ENOMEM;
    }
    c->b = grown;
    c->b[c->nb++] = (struct binding){ owned ? owned : bucket, owned, a, conn, target, i,
                                      1u << target };
    return S3E_OK;
}

/* Bind bucket (named by source or target i in its `field`, or found in the
 * s3:// URL of its manifest: `copy`) and say through which configuration. */
static int bind(struct s3e_conns *c, const struct s3e_config_overrides *ov, const char *bucket,
                int copy, const char *field, const struct s3e_access *a, int target, size_t i,
                size_t *conn, char *errbuf, size_t errlen)
{
    struct binding *b = find_same(c, bucket, a, target);
    if (b) {
        if (target && !b->target) /* a source's bucket written too: the target's ACL */
            *b = (struct binding){ b->bucket, b->owned, a, b->conn, target, i, b->sides };
        b->sides |= 1u << target;
        *conn = b->conn;
        return S3E_OK;
    }
    int rc = connection(c, ov, a, target, i, conn, errbuf, errlen);
    if (rc)
        return rc;
    b = find(c, bucket);
    if (b && !elsewhere(c, bucket, target, nth(c, *conn))) {
        char first[400], second[400];
        s3e_conns_where(c, b->target, b->index, b->owned ? "manifest" : "bucket", first,
                        sizeof first);
        s3e_conns_where(c, target, i, field, second, sizeof second);
        /* "plan.lua:9: targets.out: bucket B is named by sources[1] (plan.lua:3) and here ..." */
        const char *first_name = strstr(first, ": ") + 2;
        snprintf(errbuf, errlen, "%s: bucket %s is named by %s (%.*s) and here with different "
                 "profile, region, endpoint, addressing, acl, expected_owner or requester_pays: "
                 "give it the same in both", second, bucket, first_name,
                 (int)(first_name - 2 - first), first);
        return S3E_EPLAN;
    }
    return add(c, bucket, copy, a, *conn, target, i);
}

/* A manifest source that names a connection: its rows' buckets are bound as
 * they are read (s3e_conns_bind_row), and the bucket an s3:// manifest is
 * read from now. */
static int bind_manifest(struct s3e_conns *c, const struct s3e_config_overrides *ov, size_t i,
                         char *errbuf, size_t errlen)
{
    const struct s3e_source *src = &c->plan->sources[i];
    int rc = connection(c, ov, &src->access, 0, i, &c->src_conn[i], errbuf, errlen);
    if (rc || strncmp(src->manifest, "s3://", 5) != 0)
        return rc;
    size_t n = strcspn(src->manifest + 5, "/");
    char *bucket = strndup(src->manifest + 5, n);
    if (!bucket)
        return S3E_ENOMEM;
    size_t conn;
    rc = bind(c, ov, bucket, 1, "manifest", &src->access, 0, i, &conn, errbuf, errlen);
    free(bucket);
    return rc;
}

int s3e_conns_new(struct s3e_conns **out, const struct s3e_config *base,
                  const struct s3e_config_overrides *ov, const struct s3e_plan *plan,
                  const struct s3e_script *script, char *errbuf, size_t errlen)
{
    *out = NULL;
    struct s3e_conns *c = calloc(1, sizeof *c);
    if (c && pthread_rwlock_init(&c->lock, NULL) != 0) {
        free(c);
        c = NULL;
    }
    if (!c)
        return S3E_ENOMEM;
    c->base = base;
    c->plan = plan;
    c->script = script;
    c->src_conn = calloc(plan->nsources + 1, sizeof *c->src_conn);
    c->dst_conn = calloc(plan->ntargets + 1, sizeof *c->dst_conn);
    int rc = c->src_conn && c->dst_conn ? S3E_OK : S3E_ENOMEM;
    for (size_t i = 0; i < plan->nsources && !rc; i++)
        if (plan->sources[i].bucket)
            rc = bind(c, ov, plan->sources[i].bucket, 0, "bucket", &plan->sources[i].access, 0,
                      i, &c->src_conn[i], errbuf, errlen);
    for (size_t i = 0; i < plan->ntargets && !rc; i++)
        rc = bind(c, ov, plan->targets[i].bucket, 0, "bucket", &plan->targets[i].access, 1, i,
                  &c->dst_conn[i], errbuf, errlen);
    /* after the targets: a row's bucket may be one of theirs, read the same way */
    for (size_t i = 0; i < plan->nsources && !rc; i++)
        if (plan->sources[i].manifest && s3e_access_given(&plan->sources[i].access))
            rc = bind_manifest(c, ov, i, errbuf, errlen);
    if (rc) {
        s3e_conns_free(c);
        return rc;
    }
    *out = c;
    return S3E_OK;
}

void s3e_conns_free(struct s3e_conns *c)
{
    if (!c)
        return;
    for (size_t k = 0; k < c->nown; k++) {
        s3e_config_free(c->own[k]);
        free(c->own[k]);
    }
    free(c->own);
    free(c->own_access);
    for (size_t k = 0; k < c->nb; k++)
        free(c->b[k].owned);
    free(c->b);
    pthread_rwlock_destroy(&c->lock);
    free(c->src_conn);
    free(c->dst_conn);
    free(c);
}

/* "targets.out (plan.lua:5)" */
static void named(const struct s3e_conns *c, int target, size_t i, const char *field,
                  char *out, size_t len)
{
    char at[400];
    s3e_conns_where(c, target, i, field, at, sizeof at);
    const char *name = strstr(at, ": ") + 2;
    snprintf(out, len, "%s (%.*s)", name, (int)(name - 2 - at), at);
}

int s3e_conns_bind_row(struct s3e_conns *c, size_t source, const char *bucket,
                       char *errbuf, size_t errlen)
{
    const struct s3e_access *a = &c->plan->sources[source].access;
    if (!s3e_access_given(a))
        return S3E_OK; /* its rows' buckets are reached as the run's (or as bound) */
    pthread_rwlock_rdlock(&c->lock);
    const struct binding *b = find(c, bucket);
    struct binding seen = b ? *b : (struct binding){ 0 };
    pthread_rwlock_unlock(&c->lock);
    if (b && seen.access == a)
        return S3E_OK; /* bound by this source's row before: the usual case */
    if (b && !same_access(seen.access, a, 0)) {
        char first[400], mine[400];
        named(c, seen.target, seen.index, seen.owned ? "manifest" : "bucket", first,
              sizeof first);
        named(c, 0, source, "manifest", mine, sizeof mine);
        /* "rows.csv:3: bucket B is named by targets.out (plan.lua:5) with other ..." */
        snprintf(errbuf, errlen, "bucket %s is named by %s with other profile, region, "
                 "endpoint, addressing, expected_owner or requester_pays than %s, whose "
                 "manifest this row is in: give both the same", bucket, first, mine);
        return S3E_EPLAN;
    }
    if (b)
        return S3E_OK; /* the same fields: as it is bound */
    /* Only the planner thread adds, so nobody bound it since the look above. */
    pthread_rwlock_wrlock(&c->lock);
    int rc = add(c, bucket, 1, a, c->src_conn[source], 0, source);
    pthread_rwlock_unlock(&c->lock);
    return rc;
}

/* The binding of bucket, copied under the lock; 0 when it has none. */
static int binding_of(const struct s3e_conns *c, const char *bucket, struct binding *out)
{
    if (!c || !bucket)
        return 0;
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&c->lock; /* reading changes nothing */
    pthread_rwlock_rdlock(lock);
    const struct binding *b = find(c, bucket);
    if (b)
        *out = *b;
    pthread_rwlock_unlock(lock);
    return b != NULL;
}

const struct s3e_config *s3e_conns_config(const struct s3e_conns *c, const char *bucket,
                                          const struct s3e_config *dflt)
{
    struct binding b;
    return binding_of(c, bucket, &b) && b.conn ? nth(c, b.conn) : dflt;
}

const struct s3e_access *s3e_conns_access(const struct s3e_conns *c, const char *bucket)
{
    struct binding b;
    return binding_of(c, bucket, &b) && s3e_access_given(b.access) ? b.access : NULL;
}

const struct s3e_config *s3e_conns_source(const struct s3e_conns *c, size_t i)
{
    return nth(c, c->src_conn[i]);
}

const struct s3e_config *s3e_conns_target(const struct s3e_conns *c, size_t i)
{
    return nth(c, c->dst_conn[i]);
}

const struct s3e_access *s3e_conns_access_via(const struct s3e_conns *c, const char *bucket,
                                              const struct s3e_config *conn)
{
    if (!c || !bucket)
        return NULL;
    const struct s3e_access *a = NULL;
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&c->lock; /* reading changes nothing */
    pthread_rwlock_rdlock(lock);
    for (size_t k = 0; k < c->nb; k++) {
        const struct binding *b = &c->b[k];
        if (strcmp(b->bucket, bucket) == 0 && nth(c, b->conn) == conn) {
            a = s3e_access_given(b->access) ? b->access : NULL;
            break;
        }
    }
    pthread_rwlock_unlock(lock);
    return a;
}

int s3e_conns_twice(const struct s3e_conns *c, const char *bucket)
{
    if (!c || !bucket)
        return 0;
    int n = 0;
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&c->lock;
    pthread_rwlock_rdlock(lock);
    for (size_t k = 0; k < c->nb && n < 2; k++)
        n += strcmp(c->b[k].bucket, bucket) == 0;
    pthread_rwlock_unlock(lock);
    return n > 1;
}
