/* cli.h - the command line: what the user asked for, parsed and checked. */
#ifndef S3E_CLI_H
#define S3E_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "s3engine/config.h"
#include "s3engine/version.h"

#define S3E_MAX_ARGS 64
#define S3E_MAX_LUA_READ 16

enum s3e_command { S3E_CMD_RUN, S3E_CMD_LS, S3E_CMD_CP, S3E_CMD_LUA, S3E_CMD_UPLOADS, S3E_CMD_WHOAMI,
                   S3E_CMD_RUN_JOB, S3E_CMD_JOB_STATUS, S3E_CMD_LAMBDA, S3E_CMD_HELP, S3E_CMD_VERSION };

/* Exit statuses, documented in --help and the README. */
enum s3e_exit {
    S3E_EXIT_OK = 0,       /* everything copied (or skipped as already there) */
    S3E_EXIT_PARTIAL = 1,  /* some objects failed; the others are done */
    S3E_EXIT_USAGE = 2,    /* bad command line or broken plan: nothing was copied */
    S3E_EXIT_FATAL = 3,    /* could not run: credentials, listing, report file */
    S3E_EXIT_INTERRUPTED = 130
};

struct s3e_cli {
    enum s3e_command command;
    const char *plan_path;     /* RUN: the plan file */
    const char *seed_input;    /* RUN: --seed-input JSON instead of a plan */
    int dry_run;
    int force;                 /* copy even when the target is current */
    int move;                  /* delete sources after a verified copy */
    int stream;                /* --stream: every copy by GET and PUT (stream_copy.c) */
    uint64_t stream_memory;    /* --stream-memory: streamed parts in memory, 0 = default */
    int verbose;               /* -v: info, -vv: debug */
    int quiet;
    int progress;              /* -1 auto (terminal), 0 off, 1 on */
    int timestamps;            /* log lines: -1 auto (not a terminal), 0 off, 1 on */
    int log_json;              /* --log-format json */
    int json;                  /* --json: the summary as one JSON object, alone on stdout */
    int unsafe_lua;
    uint64_t lua_memory;       /* --lua-memory: bytes for the plan's Lua state, 0 = default */
    const char *lua_read[S3E_MAX_LUA_READ]; /* --lua-read: more folders plans may read */
    size_t nlua_read;
    int no_verify;             /* skip post-copy verification */
    int workers;               /* 0 = plan's or default */
    uint64_t max_payload;      /* 0 = plan's or default */
    uint64_t max_payload_objects;
    uint64_t multipart_cutoff;
    uint64_t part_size;
    int part_concurrency;
    int parts_in_flight;   /* 0 = not given (flow.h's default) */
    long max_rps;              /* --max-rps: requests per second in all, 0 = no cap */
    size_t hold_limit;
    int fail_fast;             /* --fail-fast N (with fail_fast_set) */
    int fail_fast_set;
    int hold_set;
    unsigned shard_index, shard_count; /* --shard I/N, count 0 = off */
    const char *report;
    const char *emit;          /* --emit DEST: write the payloads as a job, copy nothing */
    long job_payload;          /* run-job --payload ID, 0 = not given */
    int job_worker;            /* run-job --worker K (1-based), 0 = not given */
    int job_index, job_count;  /* run-job --index I (0-based, -1 = not given) --count N */
    int job_failed;            /* run-job --failed: the payloads whose result is failed */
    int abort_uploads;         /* uploads: abort what is listed */
    int64_t older_than;        /* uploads: only those started this many seconds ago or more */
    long object_timeout_ms;    /* --object-timeout, 0 = default */
    const char *args[S3E_MAX_ARGS];    /* --arg k=v */
    size_t nargs;
    struct s3e_config_overrides ov;
    char **rest;                       /* positional arguments after the command */
    int nrest;
};

/* Parse argv. On a usage error prints a message naming the option to
 * stderr and returns S3E_EXIT_USAGE; otherwise returns 0. */
int s3e_cli_parse(struct s3e_cli *cli, int argc, char **argv);
void s3e_cli_usage(FILE *out);

#endif
