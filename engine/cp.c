/* cp.c - `s3engine cp s3://A/KEY s3://B/[KEY]`: one object copied as a run of
 * one job, through the same scheduler and event loop as a plan's run
 * (sched.c, flight.c): a HEAD of the source for its size and ETag, then a
 * CopyObject up to the cutoff or a multipart copy above it (every part
 * if-match that ETag, the upload aborted on any failure), the tags set where
 * the server does not carry them, the copy verified, a copy that is not the
 * one asked for deleted, the tries of a plan's run. */
#include "cp.h"
#include "flight.h"
#include "flow.h"
#include "method.h"
#include "open_uploads.h"
#include "ratelimit.h"
#include "run.h"
#include "sched.h"
#include "s3_client.h"
#include "stream_job.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/log.h"
#include "s3engine/packer.h"
#include "s3engine/part.h"
#include "s3engine/uri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The run of one job and what its record said. */
struct cp_run {
    struct s3e_run run;
    struct s3e_client *client;   /* for the uploads a failed copy could not abort */
    struct s3e_source source;    /* the run's plan: one source, one target, neither */
    struct s3e_target target;    /* naming a connection of its own */
    int recorded;
    enum s3e_outcome outcome;
    uint64_t bytes;
    char src_bucket[256], dst_bucket[256];
    char dst_key[4096];
};

static void on_record(void *ud, const struct s3e_job *j, enum s3e_outcome o, uint64_t bytes,
                      const char *error)
{
    (void)j;
    (void)error; /* logged by worker.c already */
    struct cp_run *cr = ud;
    cr->recorded = 1;
    cr->outcome = o;
    cr->bytes = bytes;
}

/* A plan's settings for one worker, from the command line alone. */
static void settings_of(const struct s3e_cli *cli, struct s3e_settings *s)
{
    memset(s, 0, sizeof *s);
    s->workers = 1;
    s->multipart_cutoff = cli->multipart_cutoff ? cli->multipart_cutoff
                                                : S3E_DEFAULT_MULTIPART_CUTOFF;
    if (s->multipart_cutoff > S3E_MAX_COPY_OBJECT)
        s->multipart_cutoff = S3E_MAX_COPY_OBJECT;
    s->part_size = cli->part_size;
    s->part_concurrency = cli->part_concurrency ? cli->part_concurrency
                                                : S3E_DEFAULT_PART_CONCURRENCY;
    s->parts_in_flight = s3e_flow_ceiling(cli->parts_in_flight, 1, s->part_concurrency);
    s->verify = !cli->no_verify;
    s->object_timeout_ms = cli->object_timeout_ms ? cli->object_timeout_ms
                                                  : S3E_DEFAULT_OBJECT_TIMEOUT_MS;
}

/* Configuration, rate limit and the client that aborts what is left. 0 or an exit status. */
static int open_run(struct cp_run *cr, const struct s3e_cli *cli)
{
    struct s3e_run *run = &cr->run;
    char err[512];
    run->cli = cli;
    settings_of(cli, &run->set);
    s3e_stats_init(&run->stats);
    int rc = s3e_config_load(&run->cfg, &cli->ov, err, sizeof err);
    if (rc) {
        s3e_error("%s", err);
        return rc == S3E_EINVAL ? S3E_EXIT_USAGE : S3E_EXIT_FATAL;
    }
    run->have_cfg = 1;
    run->cfg.cancel = &s3e_interrupted;
    run->on_record = on_record;
    run->on_record_ud = cr;
    cr->target.name = "cp";
    run->plan.sources = &cr->source;
    run->plan.nsources = 1;
    run->plan.targets = &cr->target;
    run->plan.ntargets = 1;
    /* streamed where a server-side copy would misread the key (method.c) */
    if (s3e_method_plan(run) || s3e_stream_prepare(run) || s3e_failfast_init(&run->failfast, 0) ||
        s3e_ratelimit_new(&run->cfg.rate, (double)cli->max_rps) ||
        s3e_client_new(&cr->client, &run->cfg) || s3e_open_uploads_new(&run->open_uploads)) {
        s3e_error("out of memory");
        return S3E_EXIT_FATAL;
    }
    return 0;
}

static void close_run(struct cp_run *cr)
{
    struct s3e_run *run = &cr->run;
    s3e_open_uploads_free(run->open_uploads);
    s3e_client_free(cr->client);
    s3e_failfast_destroy(&run->failfast);
    s3e_stream_finish(run);
    free(run->streams);
    if (run->have_cfg) {
        s3e_ratelimit_free(run->cfg.rate);
        s3e_config_free(&run->cfg);
    }
}

static int submit(void *ud, struct s3e_payload *p)
{
    struct s3e_run *run = ud;
    return s3e_sched_submit(run->sched, p);
}

/* The job, packed as a run packs it, on the workers' loop until its outcome
 * is recorded. */
static int copy_job(struct cp_run *cr, const struct s3e_job *j)
{
    struct s3e_run *run = &cr->run;
    struct s3e_packer *pk = NULL;
    struct s3e_packer_opts po = { .workers = 1, .max_bytes = 1, .request_cost = 1ULL << 20 };
    int rc = s3e_sched_new(&run->sched, 1, 0);
    if (!rc)
        rc = s3e_flight_start(run);
    if (!rc)
        rc = s3e_packer_new(&pk, &po, submit, run);
    if (!rc)
        rc = s3e_packer_add(pk, j, NULL, 0, 0);
    if (!rc)
        rc = s3e_packer_finish(pk);
    s3e_packer_free(pk);
    if (run->sched) {
        if (rc)
            s3e_sched_cancel(run->sched);
        s3e_sched_close(run->sched);
        s3e_flight_join(run); /* nothing when it did not start */
        s3e_sched_free(run->sched);
        run->sched = NULL;
    }
    /* what a failed copy could not abort: tried again (after a signal too, within its grace) */
    s3e_client_cleanup(cr->client, 1);
    s3e_open_uploads_abort(run->open_uploads, cr->client);
    s3e_client_cleanup(cr->client, 0);
    return rc;
}

static void print_url(const char *bucket, const char *key)
{
    fputs("s3://", stdout);
    s3e_escape_fputs(bucket, stdout);
    putchar('/');
    s3e_escape_fputs(key, stdout);
}

/* "copied s3://a/k -> s3://b/k (12.0 MiB, multipart, 3 parts, 0.52 s)": above
 * the cutoff the loop copies it in the parts s3e_part_plan cuts. */
static void print_copied(const struct cp_run *cr, const struct s3e_job *j, double seconds)
{
    char b[32];
    uint64_t part_size;
    uint32_t parts = 0;
    if (cr->bytes > cr->run.set.multipart_cutoff &&
        s3e_part_plan(cr->bytes, cr->run.set.part_size, &part_size, &parts))
        parts = 0;
    fputs("copied ", stdout);
    print_url(j->src_bucket, j->src_key);
    fputs(" -> ", stdout);
    print_url(j->dst_bucket, j->dst_key);
    printf(" (%s", s3e_format_bytes(cr->bytes, b, sizeof b));
    if (parts)
        printf(", multipart, %u part%s", (unsigned)parts, parts == 1 ? "" : "s");
    printf(", %.2f s)\n", seconds);
}

int s3e_cp(const struct s3e_cli *cli)
{
    struct cp_run *cr = calloc(1, sizeof *cr);
    if (!cr) {
        s3e_error("out of memory");
        return S3E_EXIT_FATAL;
    }
    struct s3e_job j = { .size = S3E_SIZE_UNKNOWN }; /* a HEAD finds size and ETag */
    const char *sk, *dk;
    int status = 0;
    if (s3e_uri_bucket_key(cli->rest[0], cr->src_bucket, sizeof cr->src_bucket, &sk) || !*sk ||
        s3e_uri_bucket_key(cli->rest[1], cr->dst_bucket, sizeof cr->dst_bucket, &dk)) {
        fprintf(stderr, "s3engine: cp: expected s3://BUCKET/KEY s3://BUCKET/[KEY]\n");
        free(cr);
        return S3E_EXIT_USAGE;
    }
    /* "s3://b/dir/" means "into that folder, same name", as cp does. */
    const char *base = strrchr(sk, '/');
    if (!*dk || dk[strlen(dk) - 1] == '/')
        snprintf(cr->dst_key, sizeof cr->dst_key, "%s%s", dk, base ? base + 1 : sk);
    else
        snprintf(cr->dst_key, sizeof cr->dst_key, "%s", dk);
    j.src_bucket = cr->src_bucket;
    j.src_key = sk;
    j.dst_bucket = cr->dst_bucket;
    j.dst_key = cr->dst_key;
    s3e_run_signals();
    status = open_run(cr, cli);
    double t0 = s3e_now();
    if (!status && copy_job(cr, &j)) {
        s3e_error("cp: could not start the copy: out of memory");
        status = S3E_EXIT_FATAL;
    }
    if (!status && s3e_interrupted) {
        s3e_error("interrupted: the requests in flight were cancelled and the upload they "
                  "began aborted");
        status = S3E_EXIT_INTERRUPTED;
    } else if (!status && (!cr->recorded || cr->outcome != S3E_OUT_COPIED)) {
        status = S3E_EXIT_PARTIAL; /* worker.c logged why */
    } else if (!status && !cli->quiet) {
        print_copied(cr, &j, s3e_now() - t0);
    }
    close_run(cr);
    free(cr);
    return status;
}
