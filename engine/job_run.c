/* job_run.c - `s3engine run-job DEST`: run payloads of an emitted job.
 *
 * A payload runs as a run does with one worker: its objects one after
 * another on the event loop (flight.c), verified, reported. Before it
 * starts, results/payload-N.started is written; a payload that finds it (or
 * an earlier result) is a second run and HEADs each destination first, so
 * what is there is skipped as a run skips it. When it ends,
 * results/payload-N.csv (the report rows) and then results/payload-N.tsv (the
 * counts and the objects not done) are written. Running a payload twice, or
 * twice at once, copies an object at most once more and loses nothing. */
#include "job_run.h"
#include "job_format.h"
#include "job_heads.h"
#include "job_sides.h"
#include "conns.h"
#include "method.h"
#include "stream_job.h"
#include "job_store.h"
#include "open_uploads.h"
#include "ratelimit.h"
#include "run.h"
#include "worker.h"
#include "flight.h"
#include "flow.h"
#include "s3_client.h"
#include "sched.h"
#include "tindex.h"
#include "s3engine/verify_rules.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/log.h"
#include "s3engine/s3.h"
#include "s3engine/versions.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct runner {
    const struct s3e_cli *cli;
    struct s3e_config cfg;
    int have_cfg;
    struct s3e_client *client;     /* the store's, the HEADs', the aborts' */
    struct s3e_job_store *store;
    struct s3e_job_index ix;
    struct s3e_plan plan;          /* what copies need of the plan's sources and targets */
    struct s3e_conns *conns;       /* each bucket through its side's connection */
    char err[2048];
};

static void runner_close(struct runner *r)
{
    s3e_job_store_free(r->store);
    s3e_jobfmt_index_free(&r->ix);
    s3e_client_free(r->client);
    s3e_conns_free(r->conns);
    s3e_plan_free(&r->plan);
    if (r->have_cfg) {
        s3e_ratelimit_free(r->cfg.rate);
        s3e_config_free(&r->cfg);
    }
}

/* Configuration, client, store and job.tsv; to copy, also the plan's sources
 * and targets (SSE-C keys loaded) and their connections. 0 or an exit status
 * (err says why). */
static int runner_open(struct runner *r, const struct s3e_cli *cli, const char *dest, int copies)
{
    memset(r, 0, sizeof *r);
    r->cli = cli;
    if (s3e_config_load(&r->cfg, &cli->ov, r->err, sizeof r->err))
        return S3E_EXIT_FATAL;
    r->have_cfg = 1;
    r->cfg.cancel = &s3e_interrupted;
    if (s3e_ratelimit_new(&r->cfg.rate, (double)cli->max_rps) ||
        s3e_client_new(&r->client, &r->cfg)) {
        snprintf(r->err, sizeof r->err, "out of memory");
        return S3E_EXIT_FATAL;
    }
    int rc = s3e_job_store_open(&r->store, dest, r->client, r->err, sizeof r->err);
    if (rc)
        return rc == S3E_EINVAL ? S3E_EXIT_USAGE : S3E_EXIT_FATAL;
    struct s3e_buf text;
    s3e_buf_init(&text, 0);
    int found = 0;
    char why[1024];
    rc = s3e_job_store_get(r->store, "job.tsv", 0, 0, &text, &found, r->err, sizeof r->err);
    if (!rc && !found) {
        snprintf(r->err, sizeof r->err, "%s: no job there (job.tsv is missing; emit one with "
                 "s3engine PLAN --emit DEST)", s3e_job_store_where(r->store, "job.tsv"));
        rc = S3E_EINVAL;
    }
    if (!rc && (rc = s3e_jobfmt_index_parse(text.data, text.len, &r->ix, why, sizeof why)))
        snprintf(r->err, sizeof r->err, "%s: %s", s3e_job_store_where(r->store, "job.tsv"), why);
    s3e_buf_free(&text);
    if (!rc && copies && (rc = s3e_job_sides_plan(&r->ix, &r->plan, why, sizeof why)))
        snprintf(r->err, sizeof r->err, "%s: %s", s3e_job_store_where(r->store, "job.tsv"), why);
    if (!rc && copies && (rc = s3e_conns_new(&r->conns, &r->cfg, &cli->ov, &r->plan, NULL, r->err,
                                   sizeof r->err)) == S3E_OK)
        r->cfg.conns = r->conns;
    return rc ? S3E_EXIT_FATAL : 0;
}

static void result_name(char *out, size_t len, uint64_t id, const char *ext)
{
    snprintf(out, len, "results/payload-%08llu.%s", (unsigned long long)id, ext);
}

/* The result of payload id: S3E_OK with *found, or a read failure. */
static int read_result(struct runner *r, uint64_t id, struct s3e_job_result *res, int *found)
{
    char name[64], why[256];
    result_name(name, sizeof name, id, "tsv");
    struct s3e_buf text;
    s3e_buf_init(&text, 0);
    s3e_jobfmt_result_init(res);
    int rc = s3e_job_store_get(r->store, name, 0, 0, &text, found, r->err, sizeof r->err);
    if (!rc && *found) {
        s3e_jobfmt_result_free(res);
        rc = s3e_jobfmt_result_parse(text.data, text.len, res, why, sizeof why);
        if (rc)
            snprintf(r->err, sizeof r->err, "%s: %s", s3e_job_store_where(r->store, name), why);
    }
    s3e_buf_free(&text);
    return rc;
}

/* ---- one payload ------------------------------------------------------------------- */

struct payload_run {
    struct s3e_run run;
    struct s3e_payload *payload;   /* from the packer, until the scheduler takes it */
    struct s3e_tindex *seen;       /* second run: what HEAD found at the destinations */
    struct s3e_job_result res;
    pthread_mutex_t lock;          /* res, from the loop and the job threads */
};

static void on_record(void *ud, const struct s3e_job *j, enum s3e_outcome o, uint64_t bytes,
                      const char *error)
{
    struct payload_run *pr = ud;
    pthread_mutex_lock(&pr->lock);
    if (o < S3E_OUT_COUNT) {
        pr->res.objects[o]++;
        pr->res.bytes[o] += bytes;
    }
    char cut[1200];
    if (o == S3E_OUT_FAILED && pr->run.cut_at > 0 && s3e_now() >= pr->run.cut_at &&
        !(error && strstr(error, "the time given ran out"))) { /* (not started: said so) */
        snprintf(cut, sizeof cut, "stopped in flight: the time given ran out (run it again): %s",
                 error ? error : "failed");
        error = cut;
    }
    if (s3e_jobfmt_not_done(o)) {
        char src[2200], dst[2200];
        snprintf(src, sizeof src, "s3://%s/%s", j->src_bucket, j->src_key);
        snprintf(dst, sizeof dst, "s3://%s/%s", j->dst_bucket, j->dst_key);
        s3e_jobfmt_result_fail(&pr->res, src, dst, error ? error : s3e_outcome_name(o),
                               o == S3E_OUT_RESTORING);
    }
    pthread_mutex_unlock(&pr->lock);
}

static int take_payload(void *ud, struct s3e_payload *p)
{
    struct payload_run *pr = ud;
    pr->payload = p;
    return S3E_OK;
}

/* A payload's objects as read from its manifest, before any goes to the
 * packer: a rerun HEADs all their destinations at once first. */
struct newest {                  /* what a destination holds when the object is done */
    uint64_t size;
    const char *etag;
    int64_t last_modified;
};

struct pending {
    struct s3e_job *jobs;        /* strings in the manifest text, or owned (below) */
    struct newest *newest;
    char **owned;                /* per job: a key's versions list and id, or NULL */
    size_t n, cap;
};

static void pending_free(struct pending *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->owned[i]) {
            free(p->owned[i]);
            free((char *)p->jobs[i].version_id);
        }
    free(p->jobs);
    free(p->newest);
    free(p->owned);
}

/* Keep j (newest: the last version of a key's versions, or j itself). */
static int submit(struct pending *p, const struct s3e_job *j, const struct s3e_job *newest,
                  int owned)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        struct s3e_job *jobs = realloc(p->jobs, cap * sizeof *jobs);
        struct newest *nw = jobs ? realloc(p->newest, cap * sizeof *nw) : NULL;
        char **ow = nw ? realloc(p->owned, cap * sizeof *ow) : NULL;
        if (jobs)
            p->jobs = jobs;
        if (nw)
            p->newest = nw;
        if (!ow)
            return S3E_ENOMEM;
        p->owned = ow;
        p->cap = cap;
    }
    p->jobs[p->n] = *j;
    p->newest[p->n] = (struct newest){ newest->size, newest->etag, newest->last_modified };
    p->owned[p->n] = owned ? (char *)j->versions : NULL;
    p->n++;
    return S3E_OK;
}

/* Each kept object to the packer, or straight to the result when a rerun
 * found it at its destination already. */
static int pack_pending(struct payload_run *pr, struct s3e_packer *pk, struct pending *p)
{
    int rc = S3E_OK;
    for (size_t i = 0; !rc && i < p->n; i++) {
        struct s3e_job *j = &p->jobs[i];
        if (pr->seen) {
            const struct newest *nw = &p->newest[i];
            int current = s3e_tindex_is_current(pr->seen, j->dst_bucket, j->dst_key,
                                                strlen(j->dst_key), nw->size, nw->etag,
                                                nw->last_modified);
            if (current == 1 && !pr->run.set.move) {
                s3e_worker_record_all(&pr->run, j, S3E_OUT_SKIPPED, S3E_CMP_SIZE | S3E_CMP_ETAG,
                                      NULL, s3e_now());
                continue;
            }
            j->existing = current != 0;
        }
        rc = s3e_packer_add(pk, j, NULL, 0, 0);
    }
    return rc;
}

/* Rows of one key's versions (flag "v"), gathered back into one job that
 * copies them oldest to newest, as the run that planned them would. */
struct chain {
    int active;
    struct s3e_job job;          /* the first row; its strings point into the manifest text */
    struct s3e_job newest;       /* the last row so far */
    char newest_id[1025];
    struct s3e_buf list;         /* versions.h lines */
    size_t n;
};

static int chain_flush(struct pending *p, struct chain *c)
{
    if (!c->active)
        return S3E_OK;
    c->active = 0;
    if (c->n == 1)
        return submit(p, &c->newest, &c->newest, 0);
    struct s3e_job j = c->job;
    j.versions = strdup(s3e_buf_cstr(&c->list));
    j.version_id = strdup(c->newest_id);
    if (!j.versions || !j.version_id) {
        free((char *)j.versions);
        free((char *)j.version_id);
        return S3E_ENOMEM;
    }
    j.size = s3e_versions_bytes(j.versions);
    j.etag = c->newest.etag;
    j.last_modified = c->newest.last_modified;
    int rc = submit(p, &j, &c->newest, 1);
    if (rc) {
        free((char *)j.versions);
        free((char *)j.version_id);
    }
    return rc;
}

static int chain_add(struct chain *c, const struct s3e_job *j)
{
    struct s3e_version v = { .size = j->size, .last_modified = j->last_modified };
    if (strlen(j->version_id ? j->version_id : "") >= sizeof v.id ||
        strlen(j->etag ? j->etag : "") >= sizeof v.etag)
        return S3E_EPARSE;
    snprintf(v.id, sizeof v.id, "%s", j->version_id ? j->version_id : "");
    snprintf(v.etag, sizeof v.etag, "%s", j->etag ? j->etag : "");
    if (!c->active) {
        c->active = 1;
        c->job = *j;
        c->n = 0;
        s3e_buf_reset(&c->list);
    }
    c->job.existing |= j->existing;
    c->newest = *j;
    c->newest.existing = c->job.existing;
    snprintf(c->newest_id, sizeof c->newest_id, "%s", v.id);
    c->n++;
    return s3e_versions_append(&c->list, &v);
}

static int same_key(const struct s3e_job *a, const struct s3e_job *b)
{
    return strcmp(a->src_bucket, b->src_bucket) == 0 && strcmp(a->src_key, b->src_key) == 0 &&
           strcmp(a->dst_bucket, b->dst_bucket) == 0 && strcmp(a->dst_key, b->dst_key) == 0;
}

/* One manifest line: an object, or one version of a key's versions. */
static int add_object(struct runner *r, struct pending *p, struct chain *c, char *line,
                      size_t len)
{
    struct s3e_job j;
    const char *version;
    int version_row;
    if (s3e_jobfmt_object_parse(line, len, &j, &version, &version_row) ||
        j.source >= r->ix.nsources + (r->ix.nsources == 0) || j.target >= r->plan.ntargets + (r->plan.ntargets == 0))
        return S3E_EPARSE;
    j.version_id = *version ? version : NULL;
    int rc = S3E_OK;
    /* a manifest source's connection reaches the buckets its rows name, as when planned */
    if (j.source < r->plan.nsources && !r->plan.sources[j.source].bucket &&
        (rc = s3e_conns_bind_row(r->conns, j.source, j.src_bucket, r->err, sizeof r->err)))
        return rc;
    if (c->active && !(version_row && same_key(&c->job, &j)))
        rc = chain_flush(p, c);
    if (rc)
        return rc;
    if (version_row)
        return chain_add(c, &j);
    return submit(p, &j, &j, 0);
}

/* HEADs in flight on a rerun: the job's workers (a runner has one payload at a
 * time, so it may ask as much of the server as the plan's workers would). */
static int heads_in_flight(const struct runner *r)
{
    int n = r->ix.workers;
    return n < 8 ? 8 : n > 64 ? 64 : n;
}

/* What each destination holds, asked through its target's own connection (a
 * bucket name may be on two endpoints). */
static int heads_by_target(struct runner *r, const struct pending *kept, struct s3e_tindex *seen)
{
    struct s3e_job *some = malloc((kept->n + 1) * sizeof *some);
    int rc = some ? S3E_OK : S3E_ENOMEM;
    for (size_t t = 0; !rc && t < r->plan.ntargets + (r->plan.ntargets == 0); t++) {
        size_t n = 0;
        for (size_t i = 0; i < kept->n; i++)
            if (kept->jobs[i].target == t)
                some[n++] = kept->jobs[i];
        if (!n)
            continue;
        s3e_client_pin(r->client, t < r->plan.ntargets ? s3e_conns_target(r->conns, t) : NULL);
        rc = s3e_job_heads(r->client, some, n, heads_in_flight(r), seen, r->err, sizeof r->err);
        s3e_client_pin(r->client, NULL);
    }
    free(some);
    return rc;
}

/* The payload's manifest range into one s3e_payload (pr->payload). */
static int load_objects(struct runner *r, struct payload_run *pr, const struct s3e_job_payload *p)
{
    struct s3e_buf text;
    s3e_buf_init(&text, 0);
    int found = 0;
    int rc = s3e_job_store_get(r->store, p->file, p->offset, p->length, &text, &found, r->err,
                               sizeof r->err);
    if (!rc && !found) {
        snprintf(r->err, sizeof r->err, "%s is missing", s3e_job_store_where(r->store, p->file));
        rc = S3E_EIO;
    }
    struct s3e_packer *pk = NULL;
    struct s3e_packer_opts po = { .workers = 1, .max_bytes = UINT64_MAX, .request_cost = 1 };
    if (!rc)
        rc = s3e_packer_new(&pk, &po, take_payload, pr);
    unsigned long lineno = 0;
    struct chain c = { 0 };
    struct pending kept = { 0 };
    s3e_buf_init(&c.list, 0);
    for (size_t pos = 0; !rc && pos < text.len;) {
        char *nl = memchr(text.data + pos, '\n', text.len - pos);
        size_t end = nl ? (size_t)(nl - text.data) : text.len;
        lineno++;
        rc = add_object(r, &kept, &c, text.data + pos, end - pos);
        if (rc == S3E_EPARSE)
            snprintf(r->err, sizeof r->err, "%s: payload %llu, its line %lu: malformed",
                     s3e_job_store_where(r->store, p->file), (unsigned long long)p->id, lineno);
        pos = end + 1;
    }
    if (!rc)
        rc = chain_flush(&kept, &c);
    s3e_buf_free(&c.list);
    if (!rc && pr->seen)
        rc = heads_by_target(r, &kept, pr->seen);
    if (!rc)
        rc = pack_pending(pr, pk, &kept);
    pending_free(&kept);
    if (!rc)
        rc = s3e_packer_finish(pk);
    s3e_packer_free(pk);
    s3e_buf_free(&text);
    return rc;
}

static void settings_of(const struct runner *r, struct s3e_settings *s)
{
    const struct s3e_job_index *ix = &r->ix;
    memset(s, 0, sizeof *s);
    s->workers = 1;
    s->multipart_cutoff = ix->multipart_cutoff;
    s->part_size = ix->part_size;
    s->part_concurrency = r->cli->part_concurrency ? r->cli->part_concurrency
                                                   : ix->part_concurrency;
    s->parts_in_flight = s3e_flow_ceiling(r->cli->parts_in_flight, s->workers,
                                          s->part_concurrency);
    s->move = ix->move;
    s->verify = ix->verify;
    s->object_timeout_ms = r->cli->object_timeout_ms ? r->cli->object_timeout_ms
                                                     : S3E_DEFAULT_OBJECT_TIMEOUT_MS;
}

/* The failures the fail-fast check held back are logged, as a run logs them,
 * or, when it tripped, the one line that says why the payload stopped. */
static void say_failures(struct s3e_run *run)
{
    s3e_failfast_settle(&run->failfast);
    if (!s3e_failfast_tripped(&run->failfast) || s3e_interrupted)
        return;
    char why[1024];
    s3e_failfast_describe(&run->failfast, why, sizeof why);
    s3e_error("payload stopped: %s (--fail-fast 0 tries every object)", why);
}

/* The loaded payload on one worker, as a run would copy it. */
static int copy_payload(struct runner *r, struct payload_run *pr)
{
    struct s3e_run *run = &pr->run;
    int rc = s3e_open_uploads_new(&run->open_uploads);
    if (!rc)
        rc = s3e_stream_prepare(run);
    if (!rc)
        rc = s3e_sched_new(&run->sched, 1, 0);
    if (!rc)
        rc = s3e_flight_start(run);
    if (rc) {
        s3e_sched_free(run->sched);
        run->sched = NULL;
        return rc;
    }
    if (pr->payload) {
        rc = s3e_sched_submit(run->sched, pr->payload);
        pr->payload = NULL;
    }
    s3e_sched_close(run->sched);
    s3e_flight_join(run);
    s3e_sched_free(run->sched);
    run->sched = NULL;
    say_failures(run);
    s3e_client_cleanup(r->client, 1);
    s3e_open_uploads_abort(run->open_uploads, r->client);
    s3e_client_cleanup(r->client, 0);
    return rc;
}

/* The report rows (CSV) and then the result: its presence says the payload ended. */
static int write_result(struct runner *r, struct payload_run *pr, const char *report_path)
{
    char name[64];
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    int rc = S3E_OK;
    FILE *f = fopen(report_path, "rb");
    char chunk[65536];
    size_t n;
    while (f && !rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = s3e_buf_append(&b, chunk, n) ? S3E_ENOMEM : S3E_OK;
    if (f)
        fclose(f);
    result_name(name, sizeof name, pr->res.payload, "csv");
    if (!rc)
        rc = s3e_job_store_put(r->store, name, b.data ? b.data : "", b.len, r->err, sizeof r->err);
    s3e_buf_reset(&b);
    result_name(name, sizeof name, pr->res.payload, "tsv");
    if (!rc && !(rc = s3e_jobfmt_result_write(&b, &pr->res)))
        rc = s3e_job_store_put(r->store, name, b.data, b.len, r->err, sizeof r->err);
    s3e_buf_free(&b);
    return rc;
}

/* Marks the payload started; *again = 1 when it was started or ended before. */
static int mark_started(struct runner *r, uint64_t id, int *again)
{
    char name[64], note[256], host[128] = "";
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    int found = 0;
    result_name(name, sizeof name, id, "started");
    int rc = s3e_job_store_get(r->store, name, 0, 0, &b, &found, r->err, sizeof r->err);
    s3e_buf_free(&b);
    *again = found;
    gethostname(host, sizeof host - 1);
    int len = snprintf(note, sizeof note, "%s %ld %lld\n", host, (long)getpid(),
                       (long long)time(NULL));
    if (!rc)
        rc = s3e_job_store_put(r->store, name, note, (size_t)len, r->err, sizeof r->err);
    return rc;
}

static int payload_setup(struct runner *r, struct payload_run *pr, uint64_t id,
                         const char *report_path, double stop_at, double cut_at)
{
    memset(pr, 0, sizeof *pr);
    pthread_mutex_init(&pr->lock, NULL);
    s3e_jobfmt_result_init(&pr->res);
    pr->res.payload = id;
    struct s3e_run *run = &pr->run;
    run->cli = r->cli;
    run->cfg = r->cfg;                /* shared, read-only; freed by the runner */
    settings_of(r, &run->set);
    s3e_stats_init(&run->stats);
    run->on_record = on_record;
    run->on_record_ud = pr;
    run->plan = r->plan;              /* shared, read-only; freed by the runner */
    run->conns = r->conns;
    run->stop_at = stop_at;
    run->cut_at = cut_at;
    if (s3e_failfast_init(&run->failfast, r->cli->fail_fast_set ? r->cli->fail_fast
                                                                : S3E_FAILFAST_DEFAULT))
        return S3E_ENOMEM;
    int rc = s3e_report_open(&run->report, report_path, r->err, sizeof r->err);
    if (!rc && s3e_method_plan(run)) { /* streamed or server-side, as a run of the plan */
        snprintf(r->err, sizeof r->err, "%s", run->errbuf[0] ? run->errbuf : "out of memory");
        rc = S3E_EINVAL;
    }
    return rc;
}

static void payload_teardown(struct payload_run *pr)
{
    char ignored[8];
    s3e_report_close(pr->run.report, ignored, sizeof ignored);
    s3e_open_uploads_free(pr->run.open_uploads);
    s3e_stream_finish(&pr->run);
    free(pr->run.streams);
    s3e_failfast_destroy(&pr->run.failfast);
    s3e_payload_free(pr->payload);
    s3e_tindex_free(pr->seen);
    s3e_jobfmt_result_free(&pr->res);
    pthread_mutex_destroy(&pr->lock);
}

/* Run payload p (unless its result says it is done). Returns an exit status;
 * *res_out, when not NULL, gets a copy of its counts. */
static int run_payload(struct runner *r, const struct s3e_job_payload *p, double stop_at,
                       double cut_at, struct s3e_job_result *res_out, size_t *already)
{
    struct s3e_job_result old;
    int found = 0, again = 0;
    int rc = read_result(r, p->id, &old, &found);
    if (!rc && found && old.done) {
        s3e_info("payload %llu is done already (%llu objects)", (unsigned long long)p->id,
                 (unsigned long long)p->objects);
        if (already)
            (*already)++;
        if (res_out)
            *res_out = old;
        else
            s3e_jobfmt_result_free(&old);
        return S3E_EXIT_OK;
    }
    s3e_jobfmt_result_free(&old);
    if (!rc)
        rc = mark_started(r, p->id, &again);
    if (rc)
        return S3E_EXIT_FATAL;
    char report_path[] = "/tmp/s3engine-payload-XXXXXX";
    int fd = mkstemp(report_path);
    if (fd < 0) {
        snprintf(r->err, sizeof r->err, "cannot create a temporary report file in /tmp");
        return S3E_EXIT_FATAL;
    }
    close(fd);
    struct payload_run *pr = malloc(sizeof *pr);
    if (!pr)
        return S3E_EXIT_FATAL;
    double t0 = s3e_now();
    rc = payload_setup(r, pr, p->id, report_path, stop_at, cut_at);
    if (!rc && (found || again || r->ix.check_destinations) &&
        (rc = s3e_tindex_new(&pr->seen)) == S3E_OK)
        s3e_info("payload %llu %s: checking its destinations first", (unsigned long long)p->id,
                 found || again ? "ran before" : "was emitted without listing the targets");
    s3e_info("payload %llu: %llu objects, worker %d", (unsigned long long)p->id,
             (unsigned long long)p->objects, p->worker);
    /* what is there, for a key's versions that stopped part way (worker.c);
     * read-only once load_objects has HEADed the destinations */
    pr->run.tindex = pr->seen;
    if (!rc)
        rc = load_objects(r, pr, p);
    if (!rc)
        rc = copy_payload(r, pr);
    char rerr[700];
    int report_failed = s3e_report_close(pr->run.report, rerr, sizeof rerr);
    pr->run.report = NULL;
    if (report_failed && !rc)
        snprintf(r->err, sizeof r->err, "%s", rerr);
    int status;
    if (rc || report_failed || s3e_interrupted) {
        status = s3e_interrupted ? S3E_EXIT_INTERRUPTED : S3E_EXIT_FATAL;
    } else {
        pr->res.seconds = s3e_now() - t0;
        int failed = pr->res.objects[S3E_OUT_FAILED] || pr->res.objects[S3E_OUT_ARCHIVED] ||
                     pr->res.objects[S3E_OUT_CHANGED];
        pr->res.done = !failed && !pr->res.objects[S3E_OUT_RESTORING];
        pr->res.restoring = !failed && pr->res.objects[S3E_OUT_RESTORING];
        status = write_result(r, pr, report_path) ? S3E_EXIT_FATAL
                 : pr->res.done ? S3E_EXIT_OK : S3E_EXIT_PARTIAL;
        s3e_info("payload %llu %s: %llu copied, %llu skipped, %llu failed, %llu restoring",
                 (unsigned long long)p->id, s3e_jobfmt_result_status(&pr->res),
                 (unsigned long long)(pr->res.objects[S3E_OUT_COPIED] +
                                      pr->res.objects[S3E_OUT_MOVED]),
                 (unsigned long long)pr->res.objects[S3E_OUT_SKIPPED],
                 (unsigned long long)s3e_jobfmt_result_failed(&pr->res),
                 (unsigned long long)pr->res.objects[S3E_OUT_RESTORING]);
        if (res_out) {
            *res_out = pr->res;
            s3e_jobfmt_result_init(&pr->res);
        }
    }
    payload_teardown(pr);
    free(pr);
    unlink(report_path);
    return status;
}

/* ---- which payloads ---------------------------------------------------------------- */

/* The index given, or from the array job's environment; -1 when none. */
static long env_index(const struct s3e_cli *cli, const char **from)
{
    static const char *const vars[] = { "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX",
                                        "SLURM_ARRAY_TASK_ID" };
    *from = "--index";
    if (cli->job_index >= 0)
        return cli->job_index;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        char *end;
        if (!v || !*v)
            continue;
        long n = strtol(v, &end, 10);
        *from = vars[i];
        return *end || n < 0 ? -2 : n;
    }
    return -1;
}

/* Is payload p one of those asked for? */
static int wanted(const struct s3e_cli *cli, const struct s3e_job_payload *p, long index,
                  int count)
{
    if (cli->job_payload)
        return (uint64_t)cli->job_payload == p->id;
    if (cli->job_worker)
        return p->worker == cli->job_worker;
    if (index >= 0)
        return (p->worker - 1) % count == index;
    return cli->job_failed;
}

static int select_usage(struct runner *r, long index, const char *from, int count)
{
    const struct s3e_cli *cli = r->cli;
    if (index == -2) {
        snprintf(r->err, sizeof r->err, "%s is not a number from 0", from);
        return S3E_EXIT_USAGE;
    }
    if (index >= count) {
        snprintf(r->err, sizeof r->err, "%s is %ld but there are %d workers (--count)", from,
                 index, count);
        return S3E_EXIT_USAGE;
    }
    if (cli->job_payload && cli->job_payload > (long)r->ix.npayloads) {
        snprintf(r->err, sizeof r->err, "--payload %ld: the job has %zu payloads",
                 cli->job_payload, r->ix.npayloads);
        return S3E_EXIT_USAGE;
    }
    if (cli->job_worker > r->ix.workers) {
        snprintf(r->err, sizeof r->err, "--worker %d: the job has %d workers", cli->job_worker,
                 r->ix.workers);
        return S3E_EXIT_USAGE;
    }
    if (!cli->job_payload && !cli->job_worker && index < 0 && !cli->job_failed) {
        snprintf(r->err, sizeof r->err, "which payloads? --payload ID, --worker K, --index I "
                 "(or JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX, SLURM_ARRAY_TASK_ID), "
                 "or --failed");
        return S3E_EXIT_USAGE;
    }
    return 0;
}

/* --failed: only payloads whose result says failed. */
static int failed_before(struct runner *r, uint64_t id, int *out)
{
    struct s3e_job_result res;
    int found = 0;
    int rc = read_result(r, id, &res, &found);
    *out = !rc && found && !res.done;
    s3e_jobfmt_result_free(&res);
    return rc;
}

int s3e_job_run(const struct s3e_cli *cli)
{
    struct runner r;
    s3e_run_signals();
    int status = runner_open(&r, cli, cli->rest[0], 1);
    const char *from = "--index";
    long index = -1;
    int count = 0;
    if (!status) {
        index = env_index(cli, &from);
        count = cli->job_count ? cli->job_count : r.ix.workers;
        status = select_usage(&r, index, from, count);
    }
    size_t ran = 0, failed = 0, already = 0;
    for (size_t i = 0; !status && i < r.ix.npayloads && !s3e_interrupted; i++) {
        const struct s3e_job_payload *p = &r.ix.payloads[i];
        int was_failed = 0;
        if (!wanted(cli, p, index, count))
            continue;
        if (cli->job_failed && failed_before(&r, p->id, &was_failed)) {
            status = S3E_EXIT_FATAL;
            break;
        }
        if (cli->job_failed && !was_failed)
            continue;
        int st = run_payload(&r, p, 0, 0, NULL, &already);
        ran++;
        if (st == S3E_EXIT_PARTIAL)
            failed++;
        else if (st)
            status = st;
    }
    if (s3e_interrupted && (!status || status == S3E_EXIT_FATAL))
        status = S3E_EXIT_INTERRUPTED;
    if (status && status != S3E_EXIT_INTERRUPTED && r.err[0])
        s3e_error("%s", r.err);
    else if (!status && !cli->quiet)
        printf("%zu payloads: %zu done before, %zu run, %zu failed\n", ran, already,
               ran - already, failed);
    runner_close(&r);
    return status ? status : failed ? S3E_EXIT_PARTIAL : S3E_EXIT_OK;
}

int s3e_job_run_one(const struct s3e_cli *cli, const char *dest, uint64_t payload,
                    double stop_at, double cut_at, struct s3e_buf *out, char *err,
                    size_t errlen)
{
    struct runner r;
    int status = runner_open(&r, cli, dest, 1);
    if (!status && (payload < 1 || payload > r.ix.npayloads)) {
        snprintf(r.err, sizeof r.err, "payload %llu: the job has %zu payloads",
                 (unsigned long long)payload, r.ix.npayloads);
        status = S3E_EXIT_USAGE;
    }
    struct s3e_job_result res;
    s3e_jobfmt_result_init(&res);
    if (!status)
        status = run_payload(&r, &r.ix.payloads[payload - 1], stop_at, cut_at, &res, NULL);
    if (status == S3E_EXIT_OK || status == S3E_EXIT_PARTIAL) {
        if (s3e_buf_printf(out, "{\"payload\":%llu,\"status\":\"%s\",\"copied\":%llu,"
                           "\"moved\":%llu,\"skipped\":%llu,\"failed\":%llu,\"archived\":%llu,"
                           "\"changed\":%llu,\"restoring\":%llu,\"bytes\":%llu}",
                           (unsigned long long)payload, s3e_jobfmt_result_status(&res),
                           (unsigned long long)res.objects[S3E_OUT_COPIED],
                           (unsigned long long)res.objects[S3E_OUT_MOVED],
                           (unsigned long long)res.objects[S3E_OUT_SKIPPED],
                           (unsigned long long)res.objects[S3E_OUT_FAILED],
                           (unsigned long long)res.objects[S3E_OUT_ARCHIVED],
                           (unsigned long long)res.objects[S3E_OUT_CHANGED],
                           (unsigned long long)res.objects[S3E_OUT_RESTORING],
                           (unsigned long long)(res.bytes[S3E_OUT_COPIED] +
                                                res.bytes[S3E_OUT_MOVED])))
            status = S3E_EXIT_FATAL;
    } else {
        snprintf(err, errlen, "%s", r.err[0] ? r.err : "interrupted");
    }
    s3e_jobfmt_result_free(&res);
    runner_close(&r);
    return status;
}

/* ---- job-status -------------------------------------------------------------------- */

static void print_failures(const struct s3e_job_result *res, size_t *shown, FILE *out)
{
    struct s3e_buf copy;
    s3e_buf_init(&copy, 0);
    if (!res->failures.len || s3e_buf_append(&copy, res->failures.data, res->failures.len))
        return;
    char *line = copy.data, *nl;
    while (*shown < 100 && (nl = strchr(line, '\n')) != NULL) {
        *nl = '\0';
        char *f[4] = { line, NULL, NULL, NULL };
        for (int i = 1; i < 4 && f[i - 1]; i++) {
            char *tab = strchr(f[i - 1], '\t');
            if (tab)
                *tab = '\0';
            f[i] = tab ? tab + 1 : NULL;
        }
        if (f[3] && !s3e_jobfmt_unescape(f[1], NULL) && !s3e_jobfmt_unescape(f[2], NULL) &&
            !s3e_jobfmt_unescape(f[3], NULL)) {
            char a[2200], b[2200], c[1200];
            fprintf(out, "  %s: %s -> %s: %s\n", f[0][0] == 'r' ? "restoring" : "failed",
                    s3e_escape_str(f[1], a, sizeof a),
                    s3e_escape_str(f[2], b, sizeof b), s3e_escape_str(f[3], c, sizeof c));
            (*shown)++;
        }
        line = nl + 1;
    }
    s3e_buf_free(&copy);
}

int s3e_job_status(const struct s3e_cli *cli)
{
    struct runner r;
    int status = runner_open(&r, cli, cli->rest[0], 0);
    if (status) {
        s3e_error("%s", r.err);
        runner_close(&r);
        return status == S3E_EXIT_USAGE ? status : S3E_EXIT_FATAL;
    }
    size_t done = 0, failed = 0, restoring = 0, running = 0, fresh = 0, shown = 0;
    uint64_t objects = 0, bytes = 0, done_objects = 0, done_bytes = 0, failed_objects = 0;
    uint64_t restoring_objects = 0;
    for (size_t i = 0; i < r.ix.npayloads && !status; i++) {
        const struct s3e_job_payload *p = &r.ix.payloads[i];
        objects += p->objects;
        bytes += p->bytes;
        struct s3e_job_result res;
        int found = 0;
        if (read_result(&r, p->id, &res, &found)) {
            status = S3E_EXIT_FATAL;
        } else if (found) {
            done += res.done;
            restoring += res.restoring;
            failed += !res.done && !res.restoring;
            for (int o = S3E_OUT_COPIED; o <= S3E_OUT_SKIPPED; o++) {
                done_objects += res.objects[o];
                done_bytes += res.bytes[o];
            }
            failed_objects += s3e_jobfmt_result_failed(&res);
            restoring_objects += res.objects[S3E_OUT_RESTORING];
            print_failures(&res, &shown, stdout);
        } else {
            char name[64];
            struct s3e_buf b;
            s3e_buf_init(&b, 0);
            result_name(name, sizeof name, p->id, "started");
            if (s3e_job_store_get(r.store, name, 0, 0, &b, &found, r.err, sizeof r.err))
                status = S3E_EXIT_FATAL;
            running += found;
            fresh += !found;
            s3e_buf_free(&b);
        }
        s3e_jobfmt_result_free(&res);
    }
    if (status) {
        s3e_error("%s", r.err);
    } else {
        char b1[32], b2[32];
        printf("payloads: %zu done, %zu failed, %zu restoring, %zu started and not ended, %zu "
               "not started (of %zu)\n", done, failed, restoring, running, fresh,
               r.ix.npayloads);
        printf("objects: %llu done of %llu (%s of %s), %llu failed, %llu restoring\n",
               (unsigned long long)done_objects, (unsigned long long)objects,
               s3e_format_bytes(done_bytes, b1, sizeof b1), s3e_format_bytes(bytes, b2, sizeof b2),
               (unsigned long long)failed_objects, (unsigned long long)restoring_objects);
        if (failed_objects + restoring_objects > shown && shown)
            printf("  ... and %llu more objects not done (results/*.tsv)\n",
                   (unsigned long long)(failed_objects + restoring_objects - shown));
        if (restoring)
            printf("restoring: archived objects are being restored; run again later "
                   "(run-job DEST --failed)\n");
        status = done == r.ix.npayloads ? S3E_EXIT_OK : S3E_EXIT_PARTIAL;
    }
    runner_close(&r);
    return status;
}
