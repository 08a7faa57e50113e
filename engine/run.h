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

/* planner.c: list every source, select, route, skip what is current, pack.
 * Returns S3E_OK, S3E_EPLAN (run->errbuf says why), S3E_ECANCELED, or an S3
 * failure of the listing (run->errbuf). */
int s3e_planner_run(struct s3e_run *run);
/* Fill run->tindex from the targets' current contents. */
int s3e_planner_index_targets(struct s3e_run *run);

/* collide.c: two sources routed to one destination key (see its header comment). */
int  s3e_collide_new(struct s3e_run *run);   /* run->collide; S3E_OK or S3E_ENOMEM */
void s3e_collide_free(struct s3e_run *run);
/* Planner, before a job is packed: *out_pack = 1 to pack it, 0 when the
 * collisions policy settled it (reported skipped or failed, or kept back
 * because the run stops). Returns S3E_OK or S3E_ENOMEM. */
int  s3e_collide_check(struct s3e_run *run, const struct s3e_job *j, int *out_pack);
/* 1 when enough collisions were found to stop planning and report them. */
int  s3e_collide_stop(const struct s3e_run *run);
/* 1 while a collision's first source is still to be named. */
int  s3e_collide_pending(const struct s3e_run *run);
/* The naming pass, one object: S3E_OK, S3E_ECANCELED once all are named, S3E_ENOMEM. */
int  s3e_collide_name(struct s3e_run *run, const struct s3e_object *o);
/* After planning: S3E_OK, or S3E_EPLAN with each collision logged and run->errbuf set. */
int  s3e_collide_report(struct s3e_run *run);
/* Workers, any thread: 1 when collisions = "last" gave j's destination to a
 * later source, so j is skipped. */
int  s3e_collide_dropped(const struct s3e_run *run, const struct s3e_job *j);

struct s3e_deadline;
struct s3e_copy_hdrs;
/* How the blocking path takes a job over from the event loop. */
enum s3e_job_start {
    S3E_JOB_COPY,     /* copy it (a destination that looks current is checked first) */
    S3E_JOB_CHECK,    /* the loop's CopyObject is done but its ETag could not verify it */
    S3E_JOB_CHANGED,  /* the loop's CopyObject got 412: the source changed since listed */
};
/* worker.c: one job, blocking: copy (CopyObject or multipart), verify, delete in move
 * mode, record; no request of it goes past dl (s3e_worker_deadline). */
void s3e_worker_do_job(struct s3e_run *run, struct s3e_client *c, const struct s3e_job *j,
                       const struct s3e_deadline *dl, enum s3e_job_start how);
/* The encryption, customer keys, checksum and if-match (j's ETag) of j's copy,
 * from its source and target in the plan. Pointers into run->plan and j. */
void s3e_worker_hdrs(const struct s3e_run *run, const struct s3e_job *j,
                     struct s3e_copy_hdrs *out);
/* The deadline of an object of this size started now: --object-timeout plus
 * --copy-timeout per GiB (an unknown size counts as 5 GiB). */
void s3e_worker_deadline(const struct s3e_run *run, uint64_t size, struct s3e_deadline *out);
/* Move mode, before a source is deleted: 1 when the destination as a HEAD
 * just saw it (ETag without quotes, size) is this job's copy (its ETag, its
 * size or S3E_SIZE_UNKNOWN); else 0, with the start of a failure message in msg. */
int  s3e_worker_is_our_copy(const char *copy_etag, uint64_t copy_size, const char *head_etag,
                            uint64_t head_size, char *msg, size_t len);
/* Count an outcome and write its report row (and log a failure; compared:
 * the S3E_CMP_* bits of what verified it, for the `verified` column; error is
 * the reason of a failure or of a skip, else NULL). */
void s3e_worker_record(struct s3e_run *run, const struct s3e_job *j, enum s3e_outcome outcome,
                       uint64_t bytes, const char *etag, unsigned compared, const char *error,
                       double t0);
/* A copy that failed with rc and *err (message: prefix, then the error):
 * recorded `archived` when S3 says the object is in an archive tier,
 * `changed` when the source changed while it was copied (412), else
 * `failed`, its log line going through the fail-fast check. */
void s3e_worker_fail(struct s3e_run *run, const struct s3e_job *j, int rc,
                     const struct s3e_s3_error *err, const char *prefix, double t0);

/* flight.c: the workers as state machines on one event-loop thread; small
 * copies are requests in flight, large ones run on threads of their own. */
int  s3e_flight_start(struct s3e_run *run);
void s3e_flight_join(struct s3e_run *run);

/* summary_json.c: --json, the outcome as one JSON object on `out` (README,
 * "Machine-readable output"). `error`: the run's error message or NULL.
 * S3E_OK, S3E_EIO (could not write), S3E_ENOMEM. */
int s3e_summary_json(FILE *out, const struct s3e_run *run, int status, const char *error);

/* summary_json.c: SHA-256 of a file in hex, "" when it cannot be read. */
void s3e_file_sha256(const char *path, char out[65]);

/* dryrun.c: account payloads, then print the plan. */
int  s3e_dryrun_new(struct s3e_dryrun **out, int workers);
void s3e_dryrun_add(struct s3e_dryrun *d, const struct s3e_payload *p);
void s3e_dryrun_print(const struct s3e_dryrun *d, const struct s3e_run *run, FILE *out);
void s3e_dryrun_free(struct s3e_dryrun *d);

#endif
