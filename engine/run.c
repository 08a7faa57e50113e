/* run.c - one run of a plan, start to end: configuration, plan, index of the
 * targets, planner on this thread, workers on theirs, summary, exit status. */
#include "run.h"
#include "planner.h"
#include "collide.h"
#include "flight.h"
#include "flow.h"
#include "summary_json.h"
#include "dryrun.h"
#include "job_emit.h"
#include "job_store.h"
#include "conns.h"
#include "method.h"
#include "stream_job.h"
#include "luadirs.h"
#include "open_uploads.h"
#include "s3_client.h"
#include "ratelimit.h"
#include "sched.h"
#include "tindex.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/region.h"
#include "s3engine/s3.h"
#include "s3engine/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_PAYLOAD (10ULL << 30)
#define DEFAULT_MAX_OBJECTS 10000
#define DEFAULT_HOLD 1000000

static void merge_settings(struct s3e_run *run)
{
    const struct s3e_cli *cli = run->cli;
    const struct s3e_plan *p = &run->plan;
    struct s3e_settings *s = &run->set;
    s->workers = cli->workers ? cli->workers : p->workers ? p->workers : S3E_DEFAULT_WORKERS;
    s->max_payload = cli->max_payload ? cli->max_payload
                   : p->max_payload_bytes ? p->max_payload_bytes : DEFAULT_MAX_PAYLOAD;
    s->max_payload_objects = cli->max_payload_objects ? cli->max_payload_objects
                           : p->max_payload_objects ? p->max_payload_objects : DEFAULT_MAX_OBJECTS;
    s->multipart_cutoff = cli->multipart_cutoff ? cli->multipart_cutoff
                        : p->multipart_cutoff ? p->multipart_cutoff : S3E_DEFAULT_MULTIPART_CUTOFF;
    if (s->multipart_cutoff > S3E_MAX_COPY_OBJECT)
        s->multipart_cutoff = S3E_MAX_COPY_OBJECT;
    s->part_size = cli->part_size ? cli->part_size : p->part_size;
    s->part_concurrency = cli->part_concurrency ? cli->part_concurrency : S3E_DEFAULT_PART_CONCURRENCY;
    s->parts_in_flight = s3e_flow_ceiling(cli->parts_in_flight, s->workers, s->part_concurrency);
    s->move = cli->move || p->move;
    s->verify = !cli->no_verify;
    s->force = cli->force;
    s->hold_limit = cli->hold_set ? cli->hold_limit : DEFAULT_HOLD;
    s->object_timeout_ms = cli->object_timeout_ms ? cli->object_timeout_ms
                                                  : S3E_DEFAULT_OBJECT_TIMEOUT_MS;
}

static int load_plan(struct s3e_run *run)
{
    const struct s3e_cli *cli = run->cli;
    const char *dirs[S3E_MAX_LUA_DIRS];
    size_t ndirs = s3e_lua_dirs(dirs, S3E_MAX_LUA_DIRS);
    const char *args[S3E_MAX_ARGS + 1];
    size_t nargs = 0;
    for (size_t i = 0; i < cli->nargs; i++)
        args[nargs++] = cli->args[i];
    char seed_arg[4096];
    const char *code = NULL;
    if (cli->seed_input) {
        snprintf(seed_arg, sizeof seed_arg, "seed_input=%s", cli->seed_input);
        args[nargs++] = seed_arg;
        code = "return require('s3engine.recipes.seed').plan(require('s3engine').args.seed_input)";
    }
    /* the seed's JSON file is read by the seed recipe */
    const char *reads[S3E_MAX_LUA_READ + 1];
    size_t nreads = 0;
    for (size_t i = 0; i < cli->nlua_read; i++)
        reads[nreads++] = cli->lua_read[i];
    if (cli->seed_input)
        reads[nreads++] = cli->seed_input;
    struct s3e_script_opts so = {
        .unsafe = cli->unsafe_lua, .client = run->plan_client, .lua_dirs = dirs,
        .nlua_dirs = ndirs, .args = args, .nargs = nargs, .memory_limit = cli->lua_memory,
        .read_paths = reads, .nread_paths = nreads,
    };
    const char *path = cli->seed_input ? cli->seed_input : cli->plan_path;
    return s3e_script_load(&run->script, path, code, cli->seed_input ? "=seed-input" : NULL, &so,
                           &run->plan, run->errbuf, sizeof run->errbuf);
}

static int fail(struct s3e_run *run, int status);

/* What of the plan needs a request (so credentials), or NULL when nothing
 * does: a dry run or an emit of local manifests to a local folder reads
 * files only. `what` gets the first such thing, for the error. */
static const char *request_needed(const struct s3e_run *run, char *what, size_t len)
{
    const struct s3e_cli *cli = run->cli;
    if (!cli->dry_run && !cli->emit)
        return "copy";
    if (cli->emit && s3e_job_store_is_s3(cli->emit)) {
        snprintf(what, len, "write the job to %s", cli->emit);
        return what;
    }
    for (size_t i = 0; i < run->plan.nsources; i++) {
        const struct s3e_source *s = &run->plan.sources[i];
        if (!s->manifest) {
            snprintf(what, len, "list source %zu (s3://%s/%s)", i + 1, s->bucket, s->prefix);
            return what;
        }
        if (strncmp(s->manifest, "s3://", 5) == 0) {
            snprintf(what, len, "read source %zu's manifest %s", i + 1, s->manifest);
            return what;
        }
    }
    return NULL;
}

/* 0 when the run can go on without S3 credentials, else an exit status.
 * Without them nothing sees what the targets hold: a dry run says so, an
 * emitted job has its runners check each destination first (run-job HEADs
 * them before copying, as a payload run a second time does). */
static int without_s3(struct s3e_run *run, const char *cfg_err)
{
    char what[1200];
    const char *need = request_needed(run, what, sizeof what);
    if (need && strcmp(need, "copy") != 0) {
        snprintf(run->errbuf, sizeof run->errbuf, "%s needs S3 to %s: %s",
                 run->cli->emit ? "--emit" : "the dry run", need, cfg_err);
        return fail(run, S3E_EXIT_FATAL);
    }
    if (need) {
        snprintf(run->errbuf, sizeof run->errbuf, "%s", cfg_err);
        return fail(run, S3E_EXIT_FATAL);
    }
    if (!run->set.force)
        s3e_warn(run->cli->emit ? "no S3 credentials: the targets are not listed; the job's "
                                  "runners check each destination before copying"
                                : "no S3 credentials: the dry run cannot see what is already "
                                  "at the targets");
    return 0;
}

static int emit_payload(void *ud, struct s3e_payload *p)
{
    struct s3e_run *run = ud;
    run->payloads++;
    if (run->dry || run->emit) {
        int rc = S3E_OK;
        if (run->dry)
            s3e_dryrun_add(run->dry, run, p);
        else if ((rc = s3e_job_emit_add(run->emit, p)) != S3E_OK)
            snprintf(run->errbuf, sizeof run->errbuf, "emit: %s",
                     s3e_job_emit_error(run->emit)[0] ? s3e_job_emit_error(run->emit)
                                                      : s3e_strerror(rc));
        s3e_payload_free(p);
        return rc;
    }
    return s3e_sched_submit(run->sched, p);
}

/* The workers: state machines on one event-loop thread (flight.c), taking
 * payloads from the scheduler's lists. */
static int start_workers(struct s3e_run *run)
{
    int rc = s3e_open_uploads_new(&run->open_uploads);
    if (!rc)
        rc = s3e_stream_prepare(run);
    if (!rc)
        rc = s3e_sched_new(&run->sched, run->set.workers, 0);
    if (!rc)
        rc = s3e_flight_start(run);
    return rc;
}

static void run_free(struct s3e_run *run)
{
    if (run->sched) { /* prepare() failed after starting them */
        s3e_sched_cancel(run->sched);
        s3e_sched_close(run->sched);
        s3e_flight_join(run);
        s3e_sched_free(run->sched);
    }
    s3e_open_uploads_free(run->open_uploads);
    s3e_packer_free(run->packer);
    s3e_failfast_destroy(&run->failfast);
    free(run->per_target);
    s3e_collide_free(run);
    s3e_dryrun_free(run->dry);
    s3e_job_emit_free(run->emit);
    s3e_tindex_free(run->tindex);
    s3e_script_free(run->script);
    s3e_stream_finish(run);
    s3e_conns_free(run->conns);
    free(run->streams);
    s3e_plan_free(&run->plan);
    s3e_client_free(run->plan_client);
    if (run->have_cfg) {
        s3e_ratelimit_free(run->cfg.rate);
        s3e_config_free(&run->cfg);
    }
}

static int fail(struct s3e_run *run, int status)
{
    if (run->errbuf[0])
        s3e_error("%s", run->errbuf);
    return status;
}

/* One bucket's region, found once before any listing or copy (a HeadBucket;
 * region.h). A failure is not the run's: the bucket keeps the configured
 * region, and a request the server redirects still finds the right one. */
static void find_region(struct s3e_run *run, const char *bucket, const struct s3e_config *cfg)
{
    char region[64], why[512];
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    if (s3e_regions_get(cfg->regions, bucket, region))
        return; /* found already: a bucket named twice */
    s3e_client_pin(run->plan_client, cfg); /* a name may be a bucket on two endpoints */
    int rc = s3e_s3_bucket_region(run->plan_client, bucket, region, &err);
    s3e_client_pin(run->plan_client, NULL);
    if (rc)
        s3e_debug("region of bucket %s not found (%s): using %s", bucket,
                  s3e_s3_error_format(&err, rc, why, sizeof why), region);
    else
        s3e_debug("bucket %s: region %s", bucket, region);
    if (!rc) /* radosgw names no region: remember the run's, so it is asked once */
        s3e_regions_set(cfg->regions, bucket, region);
}

static void find_regions(struct s3e_run *run)
{
    for (size_t i = 0; i < run->plan.nsources && !s3e_interrupted; i++)
        if (run->plan.sources[i].bucket)
            find_region(run, run->plan.sources[i].bucket, s3e_conns_source(run->conns, i));
    for (size_t i = 0; i < run->plan.ntargets && !s3e_interrupted; i++)
        find_region(run, run->plan.targets[i].bucket, s3e_conns_target(run->conns, i));
}

/* Each bucket through the connection its source or target names (conns.h).
 * 0 or an exit status. */
static int connect_buckets(struct s3e_run *run)
{
    int rc = s3e_conns_new(&run->conns, &run->cfg, &run->cli->ov, &run->plan, run->script,
                           run->errbuf, sizeof run->errbuf);
    if (rc)
        return fail(run, rc == S3E_EPLAN || rc == S3E_EINVAL ? S3E_EXIT_USAGE : S3E_EXIT_FATAL);
    run->cfg.conns = run->conns;
    rc = s3e_method_plan(run);
    if (rc)
        return fail(run, rc == S3E_EPLAN ? S3E_EXIT_USAGE : S3E_EXIT_FATAL);
    return 0;
}

/* Everything up to the point where copying can start. 0 or an exit status. */
static int prepare(struct s3e_run *run)
{
    char cfg_err[512] = "";
    int cfg_rc = s3e_config_load(&run->cfg, &run->cli->ov, cfg_err, sizeof cfg_err);
    if (cfg_rc == S3E_OK) {
        run->have_cfg = 1;
        run->cfg.cancel = &s3e_interrupted;
        if (s3e_ratelimit_new(&run->cfg.rate, (double)run->cli->max_rps) ||
            s3e_client_new(&run->plan_client, &run->cfg))
            return S3E_EXIT_FATAL;
    } else if (cfg_rc == S3E_EINVAL) { /* a bad --region or --endpoint: usage */
        snprintf(run->errbuf, sizeof run->errbuf, "%s", cfg_err);
        return fail(run, S3E_EXIT_USAGE);
    }
    if (load_plan(run))
        return fail(run, S3E_EXIT_USAGE);
    run->per_target = calloc(run->plan.ntargets ? run->plan.ntargets : 1, sizeof *run->per_target);
    if (!run->per_target)
        return S3E_EXIT_FATAL;
    merge_settings(run);
    int status = run->have_cfg ? 0 : without_s3(run, cfg_err);
    if (!status && run->have_cfg)
        status = connect_buckets(run);
    if (status)
        return status;
    if (!run->have_cfg && s3e_method_plan(run)) /* a dry run or emit without credentials */
        return fail(run, S3E_EXIT_USAGE);
    if (run->plan_client)
        find_regions(run);
    if (run->cli->report &&
        s3e_report_open(&run->report, run->cli->report, run->errbuf, sizeof run->errbuf))
        return fail(run, S3E_EXIT_FATAL);
    /* From the targets' listing on: a listing of millions of keys takes minutes. */
    if (run->cli->progress == 1 || (run->cli->progress == -1 && !run->cli->quiet))
        s3e_progress_start(&run->stats);
    if (!run->set.force && run->plan_client && s3e_planner_index_targets(run))
        return fail(run, S3E_EXIT_FATAL);
    struct s3e_packer_opts po = {
        .workers = run->set.workers, .max_bytes = run->set.max_payload,
        .max_objects = run->set.max_payload_objects, .request_cost = 1ULL << 20,
        .hold_limit = run->set.hold_limit,
    };
    if (s3e_packer_new(&run->packer, &po, emit_payload, run) || s3e_collide_new(run))
        return S3E_EXIT_FATAL;
    if (run->cli->dry_run)
        return s3e_dryrun_new(&run->dry, run->set.workers) ? S3E_EXIT_FATAL : 0;
    if (run->cli->emit) {
        int rc = s3e_job_emit_new(&run->emit, run->cli->emit, run->plan_client,
                                  run->set.workers, run->errbuf, sizeof run->errbuf);
        if (rc)
            return fail(run, rc == S3E_EINVAL ? S3E_EXIT_USAGE : S3E_EXIT_FATAL);
        return 0;
    }
    if (start_workers(run)) {
        snprintf(run->errbuf, sizeof run->errbuf, "could not start %d workers", run->set.workers);
        return fail(run, S3E_EXIT_FATAL);
    }
    return 0;
}

/* A run that failed before any object was touched has no summary to show. */
static int anything_happened(const struct s3e_stats *st)
{
    return atomic_load(&st->done_objects) + atomic_load(&st->failed_objects) +
           atomic_load(&st->skipped_objects) > 0;
}

/* Planner on this thread while the workers copy; returns the exit status. */
static int execute(struct s3e_run *run)
{
    int rc = s3e_planner_run(run);
    if (!rc && run->emit)
        rc = s3e_job_emit_finish(run->emit, run, run->errbuf, sizeof run->errbuf);
    if (run->sched) {
        if (rc)
            s3e_sched_cancel(run->sched);
        s3e_sched_close(run->sched);
        s3e_flight_join(run);
        s3e_sched_free(run->sched);
        run->sched = NULL;
        s3e_stream_finish(run);
    }
    if (run->open_uploads && run->plan_client) { /* what a failed copy could not abort */
        s3e_client_cleanup(run->plan_client, 1); /* after a signal too, within its grace */
        s3e_open_uploads_abort(run->open_uploads, run->plan_client);
        s3e_client_cleanup(run->plan_client, 0);
    }
    s3e_progress_stop();
    s3e_failfast_settle(&run->failfast);
    if (s3e_failfast_tripped(&run->failfast) && !s3e_interrupted && (!rc || rc == S3E_ECANCELED)) {
        char why[1024];
        s3e_failfast_describe(&run->failfast, why, sizeof why);
        const struct s3e_stats *st = &run->stats;
        uint64_t tried = atomic_load(&st->done_objects) + atomic_load(&st->failed_objects) +
                         atomic_load(&st->archived_objects) + atomic_load(&st->changed_objects) +
                         atomic_load(&st->restoring_objects);
        uint64_t planned = atomic_load(&st->planned_objects);
        s3e_error("stopped: %s; %llu objects%s were not attempted (--fail-fast 0 tries every "
                  "object)", why, (unsigned long long)(planned > tried ? planned - tried : 0),
                  rc == S3E_ECANCELED ? " planned so far (the listing was not finished)" : "");
        rc = S3E_OK; /* exit 1: objects failed */
    }
    if (rc == S3E_ECANCELED || s3e_interrupted) {
        s3e_error("interrupted: requests in flight were cancelled and the uploads they began "
                  "aborted; objects not started were left for the next run");
        rc = S3E_ECANCELED;
    }
    if (rc && rc != S3E_ECANCELED)
        s3e_error("%s", run->errbuf[0] ? run->errbuf : s3e_strerror(rc));
    /* With --report - the report owns stdout, with --json the JSON summary:
     * the text goes to stderr. */
    int stdout_taken = run->cli->json || (run->cli->report && strcmp(run->cli->report, "-") == 0);
    FILE *summary = stdout_taken ? stderr : stdout;
    if (run->dry && !rc)
        s3e_dryrun_print(run->dry, run, summary);
    else if (run->emit && !rc) {
        if (!run->cli->quiet && !run->cli->json)
            s3e_job_emit_print(run->emit, run->cli->emit, summary);
    }
    else if (!run->cli->quiet && !run->cli->json && !run->dry &&
             (rc == S3E_OK || rc == S3E_ECANCELED || anything_happened(&run->stats))) {
        s3e_stats_summary(&run->stats, summary);
        s3e_ratelimit_summary(run->cfg.rate, summary);
    }
    char report_err[700];
    int report_failed = run->report && s3e_report_close(run->report, report_err, sizeof report_err);
    run->report = NULL;
    if (report_failed)
        s3e_error("%s", report_err);
    if (rc == S3E_EPLAN)
        return S3E_EXIT_USAGE;
    if (rc == S3E_ECANCELED)
        return S3E_EXIT_INTERRUPTED;
    if (rc || report_failed)
        return S3E_EXIT_FATAL;
    return atomic_load(&run->stats.failed_objects) || atomic_load(&run->stats.archived_objects) ||
                   atomic_load(&run->stats.changed_objects) ||
                   atomic_load(&run->stats.restoring_objects)
               ? S3E_EXIT_PARTIAL : S3E_EXIT_OK;
}

int s3e_run_plan(const struct s3e_cli *cli)
{
    struct s3e_run *run = calloc(1, sizeof *run);
    if (!run) {
        s3e_error("out of memory");
        return S3E_EXIT_FATAL;
    }
    run->cli = cli;
    s3e_stats_init(&run->stats);
    if (s3e_failfast_init(&run->failfast, cli->fail_fast_set ? cli->fail_fast
                                                             : S3E_FAILFAST_DEFAULT)) {
        s3e_error("out of memory");
        free(run);
        return S3E_EXIT_FATAL;
    }
    run->started_wall = time(NULL);
    s3e_run_signals();
    int status = prepare(run);
    if (status)
        s3e_progress_stop(); /* started before the targets' listing */
    if (status && s3e_interrupted) { /* a listing of the targets was cancelled */
        s3e_error("interrupted before copying started");
        status = S3E_EXIT_INTERRUPTED;
    }
    if (status == 0)
        status = execute(run);
    if (cli->json && s3e_summary_json(stdout, run, status, run->errbuf) != S3E_OK) {
        s3e_error("cannot write the JSON summary to standard output");
        status = S3E_EXIT_FATAL;
    }
    if (run->report) { /* prepare() failed after opening it: nothing to keep */
        char ignored[8];
        s3e_report_close(run->report, ignored, sizeof ignored);
    }
    run_free(run);
    free(run);
    return status;
}
