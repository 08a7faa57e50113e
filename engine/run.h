/* run.h - one run of a plan: the state shared by the planner, the workers
 * and the reporting. Internal to the engine. */
#ifndef S3E_RUN_H
#define S3E_RUN_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "failfast.h"
#include "stop.h" /* every user of a run asks whether it stops */
#include "s3engine/config.h"
#include "s3engine/packer.h"
#include "s3engine/plan.h"
#include "s3engine/report.h"

struct s3e_client;
struct s3e_conns;
struct s3e_budget;
struct s3e_hash_pool;
struct s3e_script;
struct s3e_tindex;
struct s3e_sched;
struct s3e_dryrun;
struct s3e_job_emit;
struct s3e_flight;
struct s3e_collide;
struct s3e_s3_error;

/* Settings after plan values and command-line overrides are merged. */
struct s3e_settings {
    int workers;
    uint64_t max_payload;
    uint64_t max_payload_objects;
    uint64_t multipart_cutoff;
    uint64_t part_size;
    int part_concurrency;
    int parts_in_flight;     /* most UploadPartCopy on the loop at once (flow.h's ceiling) */
    int move;
    int verify;
    int force;
    size_t hold_limit;
    long object_timeout_ms;  /* one object's time, plus the copy timeout per GiB of it */
};

struct s3e_run {
    const struct s3e_cli *cli;
    struct s3e_settings set;
    struct s3e_config cfg;
    int have_cfg;
    struct s3e_client *plan_client;  /* the planner thread's own client */
    struct s3e_conns *conns;         /* buckets whose source or target names its own
                                        connection (conns.h); in cfg.conns too */
    struct s3e_script *script;
    struct s3e_plan plan;
    struct s3e_budget *stream_budget; /* memory of streamed parts (stream_job.h), or NULL */
    struct s3e_hash_pool *hash_pool; /* hashes streamed parts off the loop (hash_pool.h), or NULL */
    uint8_t *streams;                /* per source i and target j, [i * ntargets + j]: 1 =
                                        streamed, 2 = server-side unless refused (method.h);
                                        NULL = all server-side */
    atomic_uchar *ssec_refused;      /* per target, in streams' block: refused a copy
                                        from another customer key (method.h) */
    struct s3e_tindex *tindex;       /* NULL with --force */
    struct s3e_packer *packer;
    struct s3e_sched *sched;         /* NULL in --dry-run */
    struct s3e_flight *flight;       /* the event-loop workers */
    struct s3e_open_uploads *open_uploads; /* uploads to abort when the workers end */
    struct s3e_report *report;
    struct s3e_dryrun *dry;          /* non-NULL in --dry-run */
    struct s3e_job_emit *emit;       /* non-NULL with --emit DEST */
    /* Optional: told of every outcome as it is recorded (run-job's result), any thread. */
    void (*on_record)(void *ud, const struct s3e_job *j, enum s3e_outcome outcome,
                      uint64_t bytes, const char *error);
    void *on_record_ud;
    struct s3e_collide *collide;     /* destinations routed to so far (collisions) */
    struct s3e_failfast failfast;    /* stops a run whose first copies all fail alike */
    double stop_at;                  /* s3e_now() after which no object is started and the
                                        rest are reported failed, not started (a Lambda
                                        invocation's deadline); 0 = none */
    double cut_at;                   /* s3e_now() at which copies in flight are cut: their
                                        requests end, their uploads are aborted, they are
                                        reported failed (a Lambda invocation's deadline
                                        less time to report); 0 = none */
    int naming;                      /* planner: reading the sources again to name collisions */
    struct s3e_stats stats;
    struct s3e_stats *per_target;    /* one per plan target (--json), NULL before the plan */
    time_t started_wall;             /* for --json */
    uint64_t payloads;
    /* planner scratch: the object being routed and how many routes it got */
    const struct s3e_object *cur;
    unsigned cur_routes;
    char errbuf[2048];
};

/* Run the plan the command line names. Returns an enum s3e_exit value. */
int s3e_run_plan(const struct s3e_cli *cli);

#endif
