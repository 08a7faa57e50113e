/* planner.c - the planner thread: list sources, run select/route (Lua), skip
 * what is already at the target, and feed the packer. Lua runs only here. */
#include "run.h"
#include "planner.h"
#include "conns.h"
#include "collide.h"
#include "worker.h"
#include "hash.h"
#include "list_parallel.h"
#include "plan_versions.h"
#include "s3_client.h"
#include "tindex.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"
#include "s3engine/log.h"
#include "inventory_fetch.h"
#include "s3engine/inventory.h"
#include "s3engine/manifest.h"
#include "s3engine/s3.h"
#include "s3engine/script.h"
#include "s3engine/storage_class.h"
#include "s3engine/verify_rules.h"
#include "s3engine/versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --shard I/N: a stable function of the source object only, so every
 * destination of one object lands in the same shard. */
static int in_shard(const struct s3e_run *run, const char *bucket, const char *key, size_t len)
{
    unsigned n = run->cli->shard_count;
    if (n <= 1)
        return 1;
    uint64_t h = s3e_hash64(key, len, s3e_hash64(bucket, strlen(bucket), 0x5ca1ab1e));
    return (unsigned)(h % n) == run->cli->shard_index;
}

/* A destination key S3 cannot hold, or a storage class that cannot be sent
 * as a header: the route made it, so the plan is wrong (exit 2, file:line). */
static int route_refused(struct s3e_run *run, const struct s3e_object *o, const char *what,
                         const char *why)
{
    char where[300];
    s3e_script_route_where(run->script, where, sizeof where);
    snprintf(run->errbuf, sizeof run->errbuf, "%s: route: destination %s %s (object s3://%s/%s)",
             where, what, why, o->bucket, o->key);
    return S3E_EPLAN;
}

static int on_route(void *ud, const struct s3e_route *r)
{
    struct s3e_run *run = ud;
    const struct s3e_object *o = run->cur;
    const struct s3e_target *t = &run->plan.targets[r->target];
    if (++run->cur_routes > 1 && run->set.move) {
        snprintf(run->errbuf, sizeof run->errbuf,
                 "%s: move mode cannot fan out: s3://%s/%s is routed to more than one target "
                 "(the source would be deleted after the first copy)",
                 run->plan.path, o->bucket, o->key);
        return S3E_EPLAN;
    }
    s3e_collide_prepare(run, t->bucket, r->key, r->key_len);
    const char *sc = r->storage_class ? r->storage_class : t->storage_class;
    const char *why = s3e_key_problem(r->key, r->key_len), *what = "key";
    if (!why && sc) {
        why = s3e_header_value_problem(sc);
        what = "storage_class";
    }
    if (why)
        return route_refused(run, o, what, why);
    if (o->version_id && run->set.move) {
        snprintf(run->errbuf, sizeof run->errbuf,
                 "%s: move mode does not take versions: s3://%s/%s names version %s (a "
                 "DeleteObject would leave the other versions, or remove this one for good)",
                 run->plan.path, o->bucket, o->key, o->version_id);
        return S3E_EPLAN;
    }
    struct s3e_job job = {
        .source = o->source, .target = r->target, .size = o->size,
        .last_modified = o->last_modified, .src_bucket = o->bucket, .src_key = o->key,
        .dst_bucket = t->bucket, .dst_key = r->key, .etag = o->etag,
        .storage_class = sc, .put = r->put, .version_id = o->version_id,
        .versions = o->versions,
        .archived = s3e_storage_class_archived(o->storage_class),
    };
    if (o->versions)
        job.size = s3e_versions_bytes(o->versions);
    /* Before the skip of what is current: a second source would overwrite it. */
    int pack;
    int rc = s3e_collide_check(run, &job, &pack);
    if (rc)
        return rc;
    if (!pack) /* settled by the policy, or enough collisions to stop and name them */
        return s3e_collide_stop(run) ? S3E_EPLAN : S3E_OK;
    int current = run->tindex ? s3e_tindex_is_current(run->tindex, t->bucket, r->key, r->key_len,
                                                      o->size, o->etag, o->last_modified) : 0;
    if (current == 1 && !run->set.move) {
        /* a key's versions were copied oldest to newest: its newest there means all are */
        s3e_worker_record_all(run, &job, S3E_OUT_SKIPPED, S3E_CMP_SIZE | S3E_CMP_ETAG, NULL,
                              s3e_now());
        return S3E_OK;
    }
    /* Only HEADs can tell (2), or an earlier move copied it but stopped before
     * the delete: the worker checks it, and copies it again if it is not the
     * source's copy. */
    job.existing = current != 0;
    atomic_fetch_add(&run->stats.planned_objects, job.versions ? s3e_versions_count(job.versions) : 1);
    atomic_fetch_add(&run->stats.planned_bytes, job.size);
    rc = s3e_packer_add(run->packer, &job, r->group, r->max_bytes, r->max_objects);
    if (rc && rc != S3E_ECANCELED)
        snprintf(run->errbuf, sizeof run->errbuf, "packing failed: %s", s3e_strerror(rc));
    return rc;
}

/* An object that fails while it is planned: counted, logged and reported
 * like a failed copy (no destination when it was never routed). */
static void record_failed(struct s3e_run *run, const struct s3e_object *o, uint32_t target,
                          const char *dst_bucket, const char *dst_key, const char *error)
{
    struct s3e_job job = {
        .source = o->source, .target = target, .last_modified = o->last_modified,
        .src_bucket = o->bucket, .src_key = o->key, .dst_bucket = dst_bucket,
        .dst_key = dst_key, .etag = o->etag, .version_id = o->version_id,
    };
    atomic_fetch_add(&run->stats.planned_objects, 1);
    s3e_worker_record(run, &job, S3E_OUT_FAILED, 0, NULL, 0, error, s3e_now());
}

/* A listed or manifest key S3 cannot hold: a failed object, named in full
 * (never truncated at a NUL, never copied or deleted under another name). */
static int refuse_key(struct s3e_run *run, const struct s3e_object *o, const char *why)
{
    struct s3e_buf shown;
    char msg[160];
    s3e_buf_init(&shown, 0);
    int rc = s3e_key_display(&shown, o->key, o->key_len);
    snprintf(msg, sizeof msg, "the source key %s%s: not a key S3 can hold", why,
             memchr(o->key, '\0', o->key_len) ? " (shown as %00)" : "");
    struct s3e_object shown_o = *o;
    shown_o.key = s3e_buf_cstr(&shown);
    if (!rc)
        record_failed(run, &shown_o, 0, "", "", msg);
    s3e_buf_free(&shown);
    return rc;
}

/* One object from a listing or a manifest. */
static int plan_object(struct s3e_run *run, const struct s3e_object *o)
{
    if (s3e_run_stopping(run))
        return S3E_ECANCELED;
    if (run->naming)
        return s3e_collide_name(run, o);
    atomic_fetch_add(&run->stats.listed_objects, 1);
    if (!in_shard(run, o->bucket, o->key, o->key_len))
        return S3E_OK;
    const char *why = s3e_key_problem(o->key, o->key_len);
    if (why)
        return refuse_key(run, o, why);
    run->cur = o;
    run->cur_routes = 0;
    int selected = 0;
    char hook_err[sizeof run->errbuf];
    int rc = s3e_script_route(run->script, o, on_route, run, &selected, hook_err,
                              sizeof hook_err);
    if (rc == S3E_EPLAN && !run->errbuf[0])
        snprintf(run->errbuf, sizeof run->errbuf, "%s", hook_err);
    if (rc == S3E_OK && run->cur_routes == 0)
        atomic_fetch_add(&run->stats.unselected_objects, 1);
    return rc;
}

struct list_ctx {
    struct s3e_run *run;
    uint32_t source;
    const char *bucket;
};

static int on_listed(void *ud, const struct s3e_listed *l)
{
    struct list_ctx *lc = ud;
    struct s3e_object o = {
        .source = lc->source, .bucket = lc->bucket, .key = l->key, .key_len = l->key_len,
        .size = l->size, .etag = l->etag, .last_modified = l->last_modified,
        .storage_class = l->storage_class,
    };
    return plan_object(lc->run, &o);
}

/* A manifest row that cannot be copied (no such object, or a key S3 cannot
 * hold) is a failed object, reported; the other rows go on. */
struct failed_row {
    struct s3e_run *run;
    const struct s3e_object *o;
    const char *error;
};

static int on_failed_route(void *ud, const struct s3e_route *r)
{
    struct failed_row *fr = ud;
    record_failed(fr->run, fr->o, r->target, fr->run->plan.targets[r->target].bucket, r->key,
                  fr->error);
    return S3E_OK;
}

/* An object HEAD did not find: select and route run as for any object (the
 * report names its destinations), nothing is copied. */
static int plan_missing(struct s3e_run *run, const struct s3e_object *o, const char *error)
{
    if (s3e_run_stopping(run))
        return S3E_ECANCELED;
    atomic_fetch_add(&run->stats.listed_objects, 1);
    if (!in_shard(run, o->bucket, o->key, o->key_len))
        return S3E_OK;
    struct failed_row fr = { run, o, error };
    int selected = 0;
    char why[sizeof run->errbuf];
    int rc = s3e_script_route(run->script, o, on_failed_route, &fr, &selected, why, sizeof why);
    if (rc == S3E_EPLAN && !run->errbuf[0])
        snprintf(run->errbuf, sizeof run->errbuf, "%s", why);
    return rc;
}

/* A row without a size: HEAD the source now, since packing needs sizes.
 * *missing is set (with a message in msg) when S3 refuses; other failures
 * (transport, credentials) stop the run. */
static int head_row(struct s3e_run *run, const struct s3e_manifest *m,
                    const struct s3e_manifest_row *row, struct s3e_head *h, int *missing,
                    char *msg, size_t msglen)
{
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    *missing = 0;
    int rc = s3e_s3_head_version(run->plan_client, row->bucket, row->key, row->version_id, NULL,
                                 h, &err);
    if (rc == S3E_OK)
        return S3E_OK;
    char line[512];
    s3e_s3_error_format(&err, rc, line, sizeof line);
    if (rc == S3E_ES3) {
        *missing = 1;
        snprintf(msg, msglen, "%s", line);
        return S3E_OK;
    }
    snprintf(run->errbuf, sizeof run->errbuf, "%s:%lu: the row gives no size and HEAD s3://%s/%s "
             "failed: %s", s3e_manifest_path(m), row->line, row->bucket, row->key, line);
    return rc;
}

/* One row: its size from the row or from HEAD, then planned as a listed object. */
static int plan_row(struct s3e_run *run, uint32_t index, const struct s3e_manifest *m,
                    const struct s3e_manifest_row *row)
{
    struct s3e_object o = {
        .source = index, .bucket = row->bucket, .key = row->key, .key_len = row->key_len,
        .size = row->size, .etag = row->etag ? row->etag : "",
        .last_modified = row->last_modified, .storage_class = "",
        .version_id = row->version_id,
    };
    if (row->has_size)
        return plan_object(run, &o);
    if (!run->plan_client && run->emit) { /* a job needs every size: packing and copies */
        snprintf(run->errbuf, sizeof run->errbuf, "%s:%lu: --emit needs S3 to HEAD s3://%s/%s "
                 "(the row gives no size): no S3 credentials were found",
                 s3e_manifest_path(m), row->line, row->bucket, row->key);
        return S3E_ECREDS;
    }
    if (!run->plan_client) {   /* a dry run without credentials */
        static int warned;
        if (!warned++)
            s3e_warn("%s: rows without a size count as 0 bytes: no S3 credentials to HEAD them",
                     s3e_manifest_path(m));
        return plan_object(run, &o);
    }
    struct s3e_head h;
    char msg[512];
    int missing = 0;
    int rc = head_row(run, m, row, &h, &missing, msg, sizeof msg);
    if (rc)
        return rc;
    if (missing)
        return plan_missing(run, &o, msg);
    o.size = h.size;
    if (!row->etag)
        o.etag = h.etag;
    if (!row->last_modified)
        o.last_modified = h.last_modified;
    o.storage_class = h.storage_class;
    rc = plan_object(run, &o);
    s3e_head_free(&h);
    return rc;
}

/* A row whose key S3 cannot hold: never routed (its key would be wrong), failed. */
static int plan_bad_key(struct s3e_run *run, uint32_t index, const char *why,
                        const struct s3e_manifest_row *row)
{
    if (s3e_run_stopping(run))
        return S3E_ECANCELED;
    atomic_fetch_add(&run->stats.listed_objects, 1);
    if (!in_shard(run, row->bucket, row->key, row->key_len))
        return S3E_OK;
    struct s3e_object o = {
        .source = index, .bucket = row->bucket, .key = row->key, .key_len = row->key_len,
        .etag = "", .storage_class = "",
    };
    record_failed(run, &o, 0, "", "", why);
    return S3E_OK;
}

/* The row's bucket reached through its manifest source's connection, when
 * the source names one (conns.h); a bucket the plan reaches otherwise is a
 * plan error at the row. */
static int bind_row(struct s3e_run *run, uint32_t index, const struct s3e_manifest *m,
                    const struct s3e_manifest_row *row)
{
    char why[1500];
    int rc = run->conns ? s3e_conns_bind_row(run->conns, index, row->bucket, why, sizeof why)
                        : S3E_OK;
    if (rc == S3E_EPLAN)
        snprintf(run->errbuf, sizeof run->errbuf, "%s:%lu: %s", s3e_manifest_path(m),
                 row->line, why);
    return rc;
}

/* A broken manifest is broken input, as a broken plan is: exit 2, with
 * file:line. Rows before it were only planned (unless there were more than
 * --hold of them). */
static int plan_manifest_file(struct s3e_run *run, uint32_t index, const char *path,
                              int url_encoded, const char *schema)
{
    struct s3e_manifest *m;
    char err[512];
    int rc = s3e_manifest_open(&m, path, url_encoded, err, sizeof err);
    if (!rc && schema && s3e_manifest_set_schema(m, schema, err, sizeof err)) {
        s3e_manifest_close(m);
        rc = S3E_EIO;
    }
    if (rc) {
        snprintf(run->errbuf, sizeof run->errbuf, "manifest: %s", err);
        return rc == S3E_EIO ? S3E_EPLAN : rc;
    }
    struct s3e_manifest_row row;
    int more;
    while ((more = s3e_manifest_next(m, &row, err, sizeof err)) > 0) {
        rc = bind_row(run, index, m, &row);
        if (!rc)
            rc = more == S3E_MANIFEST_BAD_KEY ? plan_bad_key(run, index, err, &row)
                                              : plan_row(run, index, m, &row);
        if (rc)
            break;
    }
    if (more == S3E_MANIFEST_ERROR) {
        snprintf(run->errbuf, sizeof run->errbuf, "%s", err);
        rc = S3E_EPLAN;
    }
    s3e_manifest_close(m);
    return rc;
}

/* An S3 Inventory manifest.json: every file it lists, checked first, read
 * in its column order with %-encoded keys. */
static int plan_manifest(struct s3e_run *run, uint32_t index, const struct s3e_source *src)
{
    if (!s3e_inventory_is_manifest(src->manifest))
        return plan_manifest_file(run, index, src->manifest, src->manifest_url_encoded, NULL);
    struct s3e_inventory inv;
    char err[512], *local = NULL, *tmpdir = NULL;
    const char *path = src->manifest;
    int rc = S3E_OK;
    if (strncmp(path, "s3://", 5) == 0) {
        if (!run->plan_client) {
            snprintf(run->errbuf, sizeof run->errbuf, "cannot read %s: no S3 credentials "
                     "were found", path);
            return S3E_ECREDS;
        }
        rc = s3e_inventory_fetch(run->plan_client, path, &local, &tmpdir, err, sizeof err);
        path = local;
    }
    if (!rc)
        rc = s3e_inventory_open(&inv, path, err, sizeof err);
    if (rc) {
        snprintf(run->errbuf, sizeof run->errbuf, "manifest: %s", err);
        s3e_inventory_fetch_clean(local, tmpdir);
        return rc;
    }
    for (size_t i = 0; i < inv.nfiles && !rc; i++)
        rc = plan_manifest_file(run, index, inv.files[i].path, 1, inv.schema);
    s3e_inventory_free(&inv);
    s3e_inventory_fetch_clean(local, tmpdir);
    return rc;
}

/* One source or target listed with its list_concurrency (0: the default),
 * shown on the progress line as `what` (see struct s3e_stats). */
static int list_counted(struct s3e_run *run, int what, const char *bucket, const char *prefix,
                        int concurrency, s3e_list_fn fn, void *ud, struct s3e_s3_error *err)
{
    /* through the listed side's own connection: a bucket name may be on two endpoints */
    if (run->conns)
        s3e_client_pin(run->plan_client, what > 0 ? s3e_conns_source(run->conns, (size_t)what - 1)
                                                  : s3e_conns_target(run->conns,
                                                                     (size_t)(-what) - 1));
    struct s3e_stats *st = &run->stats;
    atomic_store(&st->listing.listed, 0);
    atomic_store(&st->listing.requests, 0);
    atomic_store(&st->listing.ranges, 0);
    atomic_store(&st->listing_since_us, (uint64_t)(s3e_now() * 1e6));
    atomic_store(&st->listing_what, what);
    int rc = s3e_list_parallel(run->plan_client, bucket, prefix,
                               concurrency ? concurrency : S3E_DEFAULT_LIST_CONCURRENCY, fn, ud,
                               &st->listing, err);
    s3e_client_pin(run->plan_client, NULL);
    s3e_debug("listed s3://%s/%s: %llu objects, %llu requests, %llu ranges", bucket, prefix,
              (unsigned long long)atomic_load(&st->listing.listed),
              (unsigned long long)atomic_load(&st->listing.requests),
              (unsigned long long)atomic_load(&st->listing.ranges));
    atomic_store(&st->listing_what, 0);
    return rc;
}

static int plan_listing(struct s3e_run *run, uint32_t index, const struct s3e_source *src)
{
    if (!run->plan_client) {
        snprintf(run->errbuf, sizeof run->errbuf,
                 "cannot list s3://%s/%s: no S3 credentials were found", src->bucket, src->prefix);
        return S3E_ECREDS;
    }
    if (src->versions)
        return s3e_plan_versions(run, index, src, plan_object);
    struct list_ctx lc = { run, index, src->bucket };
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = list_counted(run, 1 + (int)index, src->bucket, src->prefix, src->list_concurrency,
                          on_listed, &lc, &err);
    if (rc && !run->errbuf[0])
        s3e_s3_errbuf(run->errbuf, sizeof run->errbuf, rc, &err, "listing s3://%s/%s failed",
                      src->bucket, src->prefix);
    return rc;
}

static int plan_sources(struct s3e_run *run)
{
    int rc = S3E_OK;
    for (size_t i = 0; i < run->plan.nsources && !rc; i++) {
        const struct s3e_source *src = &run->plan.sources[i];
        rc = src->manifest ? plan_manifest(run, (uint32_t)i, src)
                           : plan_listing(run, (uint32_t)i, src);
    }
    return rc;
}

/* Collisions stop the run: read the sources again, without Lua, to name the
 * source that had each key first (the set keeps fingerprints, not names). */
static int name_collisions(struct s3e_run *run)
{
    if (s3e_collide_pending(run)) {
        run->naming = 1;
        plan_sources(run); /* stops once all are named; a failure leaves some unnamed */
        run->naming = 0;
        run->errbuf[0] = '\0';
    }
    return s3e_collide_report(run);
}

int s3e_planner_run(struct s3e_run *run)
{
    int rc = plan_sources(run);
    if (rc == S3E_EPLAN && s3e_collide_stop(run))
        rc = S3E_OK; /* stopped early to report the collisions */
    if (!rc)
        rc = name_collisions(run);
    if (!rc) {
        rc = s3e_packer_finish(run->packer);
        if (rc && !run->errbuf[0])
            snprintf(run->errbuf, sizeof run->errbuf, "packing failed: %s", s3e_strerror(rc));
    }
    atomic_store(&run->stats.planning_done, 1);
    return rc;
}

/* ---- what is already at the targets ---------------------------------------- */

struct index_ctx {
    struct s3e_tindex *t;
    const char *bucket;
};

static int on_existing(void *ud, const struct s3e_listed *l)
{
    struct index_ctx *ic = ud;
    return s3e_tindex_add(ic->t, ic->bucket, l->key, l->key_len, l->size, l->etag,
                          l->last_modified);
}

/* A target whose bucket/prefix lies inside an earlier one's is already covered. */
static int covered(const struct s3e_plan *p, size_t i)
{
    const struct s3e_target *t = &p->targets[i];
    for (size_t j = 0; j < p->ntargets; j++) {
        const struct s3e_target *u = &p->targets[j];
        if (j == i || strcmp(u->bucket, t->bucket) != 0)
            continue;
        size_t n = strlen(u->prefix);
        if (strncmp(t->prefix, u->prefix, n) == 0 && (strlen(t->prefix) > n || j < i))
            return 1;
    }
    return 0;
}

int s3e_planner_index_targets(struct s3e_run *run)
{
    int rc = s3e_tindex_new(&run->tindex);
    if (rc)
        return rc;
    for (size_t i = 0; i < run->plan.ntargets; i++) {
        const struct s3e_target *t = &run->plan.targets[i];
        if (covered(&run->plan, i))
            continue;
        struct index_ctx ic = { run->tindex, t->bucket };
        struct s3e_s3_error err;
        s3e_s3_error_clear(&err);
        rc = list_counted(run, -1 - (int)i, t->bucket, t->prefix, t->list_concurrency,
                          on_existing, &ic, &err);
        if (rc)
            return s3e_s3_errbuf(run->errbuf, sizeof run->errbuf, rc, &err,
                                 "listing target %s (s3://%s/%s) failed", t->name, t->bucket,
                                 t->prefix);
    }
    s3e_debug("%zu objects already at the targets", s3e_tindex_count(run->tindex));
    return S3E_OK;
}
