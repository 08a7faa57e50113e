/* cli.c - option parsing and --help. */
#include <stdio.h>
#include "cli.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/part.h"
#include "s3engine/plan.h"
#include "s3engine/units.h"

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STR_(x) #x
#define STR(x) STR_(x) /* a number constant as a string literal */

/* Limits of options, each written once: the check and the message use it. */
#define MAX_RPS          1000000
#define MAX_RETRIES      100
#define MAX_TIMEOUT_S    (7 * 86400) /* "7d" in the messages */
#define MIN_LUA_MEMORY   (1ULL << 20) /* "1MiB" in the message */

enum {
    OPT_FORCE = 256, OPT_MOVE, OPT_MAX_PAYLOAD, OPT_MAX_OBJECTS, OPT_REPORT, OPT_ENDPOINT,
    OPT_REGION, OPT_PROFILE, OPT_PATH_STYLE, OPT_VIRTUAL, OPT_NO_VERIFY_SSL, OPT_CUTOFF,
    OPT_PART_SIZE, OPT_PART_CONC, OPT_PARTS_IN_FLIGHT, OPT_SHARD, OPT_HOLD, OPT_FAIL_FAST,
    OPT_UNSAFE, OPT_ARG, OPT_SEED,
    OPT_NO_PROGRESS, OPT_PROGRESS, OPT_VERSION, OPT_NO_VERIFY, OPT_RETRIES, OPT_ABORT,
    OPT_OLDER_THAN, OPT_TIMESTAMPS, OPT_NO_TIMESTAMPS, OPT_LOG_FORMAT, OPT_JSON, OPT_LUA_MEMORY,
    OPT_LUA_READ, OPT_REQUEST_TIMEOUT, OPT_COPY_TIMEOUT, OPT_OBJECT_TIMEOUT, OPT_MAX_RPS,
    OPT_EMIT, OPT_PAYLOAD, OPT_WORKER, OPT_INDEX, OPT_COUNT, OPT_FAILED, OPT_STREAM, OPT_STREAM_MEMORY
};

static const struct option long_opts[] = {
    { "dry-run", no_argument, NULL, 'n' },
    { "workers", required_argument, NULL, 'w' },
    { "force", no_argument, NULL, OPT_FORCE },
    { "move", no_argument, NULL, OPT_MOVE },
    { "stream", no_argument, NULL, OPT_STREAM },
    { "stream-memory", required_argument, NULL, OPT_STREAM_MEMORY },
    { "max-payload", required_argument, NULL, OPT_MAX_PAYLOAD },
    { "max-payload-objects", required_argument, NULL, OPT_MAX_OBJECTS },
    { "report", required_argument, NULL, OPT_REPORT },
    { "endpoint", required_argument, NULL, OPT_ENDPOINT },
    { "region", required_argument, NULL, OPT_REGION },
    { "profile", required_argument, NULL, OPT_PROFILE },
    { "path-style", no_argument, NULL, OPT_PATH_STYLE },
    { "virtual-hosted", no_argument, NULL, OPT_VIRTUAL },
    { "no-verify-ssl", no_argument, NULL, OPT_NO_VERIFY_SSL },
    { "multipart-cutoff", required_argument, NULL, OPT_CUTOFF },
    { "part-size", required_argument, NULL, OPT_PART_SIZE },
    { "part-concurrency", required_argument, NULL, OPT_PART_CONC },
    { "parts-in-flight", required_argument, NULL, OPT_PARTS_IN_FLIGHT },
    { "shard", required_argument, NULL, OPT_SHARD },
    { "hold", required_argument, NULL, OPT_HOLD },
    { "fail-fast", required_argument, NULL, OPT_FAIL_FAST },
    { "unsafe-lua", no_argument, NULL, OPT_UNSAFE },
    { "arg", required_argument, NULL, OPT_ARG },
    { "lua-memory", required_argument, NULL, OPT_LUA_MEMORY },
    { "lua-read", required_argument, NULL, OPT_LUA_READ },
    { "seed-input", required_argument, NULL, OPT_SEED },
    { "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
    { "progress", no_argument, NULL, OPT_PROGRESS },
    { "timestamps", no_argument, NULL, OPT_TIMESTAMPS },
    { "no-timestamps", no_argument, NULL, OPT_NO_TIMESTAMPS },
    { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
    { "json", no_argument, NULL, OPT_JSON },
    { "no-verify", no_argument, NULL, OPT_NO_VERIFY },
    { "retries", required_argument, NULL, OPT_RETRIES },
    { "request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT },
    { "copy-timeout", required_argument, NULL, OPT_COPY_TIMEOUT },
    { "object-timeout", required_argument, NULL, OPT_OBJECT_TIMEOUT },
    { "max-rps", required_argument, NULL, OPT_MAX_RPS },
    { "abort", no_argument, NULL, OPT_ABORT },
    { "emit", required_argument, NULL, OPT_EMIT },
    { "payload", required_argument, NULL, OPT_PAYLOAD },
    { "worker", required_argument, NULL, OPT_WORKER },
    { "index", required_argument, NULL, OPT_INDEX },
    { "count", required_argument, NULL, OPT_COUNT },
    { "failed", no_argument, NULL, OPT_FAILED },
    { "older-than", required_argument, NULL, OPT_OLDER_THAN },
    { "verbose", no_argument, NULL, 'v' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 },
};

void s3e_cli_usage(FILE *out)
{
    fputs(
"usage: s3engine [options] PLAN.lua           run a copy plan\n"
"       s3engine [options] --seed-input FILE.json\n"
"                                            run the serverless seed's s3_copy_config input\n"
"       s3engine ls s3://BUCKET[/PREFIX]      list objects (key, size, ETag, date)\n"
"       s3engine cp s3://BUCKET/KEY s3://BUCKET/KEY\n"
"                                            copy one object server-side, as a run\n"
"                                            copies it (verified; multipart above\n"
"                                            --multipart-cutoff)\n"
"       s3engine lua FILE.lua [ARG...]        run a Lua file with the s3engine module\n"
"       s3engine uploads s3://BUCKET[/PREFIX] [--abort] [--older-than 1d]\n"
"                                            list (or abort) unfinished multipart uploads, e.g.\n"
"                                            those of a run that was killed with SIGKILL\n"
"       s3engine whoami [--profile NAME]      which credentials would be used: their source,\n"
"                                            access key id, expiry, when a run renews them\n"
"                                            and the region\n"
"       s3engine PLAN.lua --emit DEST         plan once and write the payloads as a job to\n"
"                                            DEST (a folder or s3://BUCKET/PREFIX/), copy nothing\n"
"       s3engine run-job DEST --payload ID | --worker K | --index I [--count N] | --failed\n"
"                                            run payloads of an emitted job (the index comes\n"
"                                            from JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX\n"
"                                            or SLURM_ARRAY_TASK_ID when not given)\n"
"       s3engine job-status DEST              payloads done, failed, not started; exit 0\n"
"                                            only when all are done\n"
"       s3engine lambda                       serve the AWS Lambda Runtime API (custom runtime)\n"
"\n"
"A plan is a Lua file that returns a table: sources to list, select(obj), route(obj),\n"
"named targets, a payload policy and a worker count (man s3engine-plan, or README.md, \"A plan\").\n"
"s3engine lists the sources, runs select and route on every object, packs the copies\n"
"into payloads of bounded size, balances them over N workers and copies server-side\n"
"(CopyObject, or multipart UploadPartCopy above the cutoff). Objects already at the\n"
"target with the same size and ETag are skipped, so a killed run resumes where it stopped.\n"
"\n"
"Planning:\n"
"  -n, --dry-run               list, select, route and pack, print the plan, copy nothing\n"
"  -w, --workers N             parallel workers (overrides the plan; default 16)\n"
"      --max-payload SIZE      most bytes per payload, e.g. 800MB, 10GiB (default 10GiB)\n"
"      --max-payload-objects N most objects per payload (default 10000)\n"
"      --hold N                jobs held for byte balancing; past N, payloads stream to\n"
"                              whichever worker is free (default 1000000)\n"
"      --shard I/N             take only shard I (0-based) of N: a deterministic share of\n"
"                              the objects by key hash (simple, not balanced by bytes;\n"
"                              every shard lists every source: see --emit for more)\n"
"      --emit DEST             write the payloads as a job instead of copying (run-job)\n"
"      --arg NAME=VALUE        pass a value to the plan (s3engine.args.NAME)\n"
"      --seed-input FILE       run the seed's Step Functions JSON input unchanged\n"
"      --unsafe-lua            give the plan the full Lua standard library (io, os)\n"
"      --lua-memory SIZE       most memory the plan's Lua state may use (default 1GiB)\n"
"      --lua-read DIR          let the plan read files below DIR too (repeatable; by\n"
"                              default only the plan's folder, the recipes and LUA_PATH)\n"
"\n"
"Copying:\n"
"      --force                 copy even objects already current at the target\n"
"      --move                  delete each source object after its copy is verified\n"
"      --multipart-cutoff SIZE objects above this use multipart copy (default 256MiB,\n"
"                              at most 5GiB)\n"
"      --part-size SIZE        multipart part size (default 64MiB, raised to fit 10000)\n"
"      --part-concurrency N    parts in flight per large object (default 8)\n"
"      --parts-in-flight N     most UploadPartCopy in flight in all, every object's\n"
"                              together (default 32, or workers x part concurrency\n"
"                              when fewer); fewer while the server answers slowly,\n"
"                              with 503 SlowDown, 5xx or not in time\n"
"      --stream                copy every object by GET and PUT through this machine,\n"
"                              even where S3 could copy it (as each target's stream = true;\n"
"                              between endpoints a copy always streams)\n"
"      --stream-memory SIZE    most bytes of parts all streamed copies hold at once\n"
"                              (default 1GiB; at least one part)\n"
"      --retries N             attempts per request, first included (default 6)\n"
"      --max-rps N             at most N requests per second in all (default 0: no cap);\n"
"                              requests in flight per bucket also back off on SlowDown\n"
"      --no-verify             do not check the copied object's size/ETag afterwards\n"
"      --fail-fast N           stop when the first N copies all fail with one final S3\n"
"                              error, e.g. NoSuchBucket (default 20; 0 = never)\n"
"\n"
"Time limits (SECONDS, or with a unit: 90s, 5m, 2h):\n"
"      --request-timeout SECONDS   most time for one request other than a copy (default\n"
"                              30); one silent for half its limit is stalled; both retried\n"
"      --copy-timeout SECONDS  a CopyObject or UploadPartCopy gets the request timeout\n"
"                              plus SECONDS per GiB it copies (default 120)\n"
"      --object-timeout SECONDS    most time for one object, retries included, plus\n"
"                              --copy-timeout per GiB of it (default 300): then it fails\n"
"                              (its upload aborted) and the run goes on\n"
"The first SIGINT or SIGTERM cancels the requests in flight, aborts the run's uploads,\n"
"writes the report and the summary and exits 130 within seconds; a second exits at once.\n"
"\n"
"Connection (default: as the AWS CLI and SDKs find them; check with whoami):\n"
"      --endpoint URL          S3 endpoint (AWS_ENDPOINT_URL)\n"
"      --region REGION         (AWS_REGION, AWS_DEFAULT_REGION)\n"
"      --profile NAME          profile in ~/.aws/credentials and ~/.aws/config (AWS_PROFILE)\n"
"      --path-style | --virtual-hosted   bucket addressing (default: path-style for a\n"
"                              custom endpoint, virtual-hosted for AWS)\n"
"      --no-verify-ssl         do not verify TLS certificates (not recommended)\n"
"\n"
"Output:\n"
"      --report FILE           one line per object: source, target, bytes, status, error\n"
"                              (CSV, or JSON lines when FILE ends in .jsonl; - = stdout)\n"
"      --json                  the run's summary as one JSON object on stdout, and nothing\n"
"                              else there (the dry run's text goes to stderr)\n"
"      --progress | --no-progress   progress line (default: only on a terminal)\n"
"      --timestamps | --no-timestamps   an RFC 3339 UTC time on each log line (default:\n"
"                              only when stderr is not a terminal)\n"
"      --log-format text|json  log lines as text or one JSON object each (default text)\n"
"  -v, --verbose               more messages (-vv: debug, including request ids)\n"
"  -q, --quiet                 errors only, no summary\n"
"  -h, --help                  this text;   --version   the version\n"
"\n"
"Exit status: 0 all done, 1 some objects failed, 2 usage or plan error (nothing copied),\n"
"3 could not run (credentials, listing, a report, log or output write error),\n"
"130 interrupted.\n", out);
}

/* A time limit from 1 second to 7 days, in milliseconds. */
static int parse_timeout(const char *arg, long *out_ms)
{
    int64_t s;
    if (s3e_parse_duration(arg, &s) || s < 1 || s > MAX_TIMEOUT_S)
        return S3E_EINVAL;
    *out_ms = (long)s * 1000;
    return S3E_OK;
}

static int usage_error(const char *fmt, const char *what)
{
    char shown[512]; /* the argument as typed, but no control reaches the terminal */
    fputs("s3engine: ", stderr);
    fprintf(stderr, fmt, s3e_escape_str(what, shown, sizeof shown));
    fputs("\nTry 's3engine --help'.\n", stderr);
    return S3E_EXIT_USAGE;
}

static int parse_count(const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_shard(struct s3e_cli *cli, const char *s)
{
    char *end;
    unsigned long i = strtoul(s, &end, 10);
    if (end == s || *end != '/')
        return -1;
    const char *n_str = end + 1;
    unsigned long n = strtoul(n_str, &end, 10);
    if (end == n_str || *end || n == 0 || i >= n || n > 1000000)
        return -1;
    cli->shard_index = (unsigned)i;
    cli->shard_count = (unsigned)n;
    return 0;
}

/* One option; returns 0 or the exit status of a usage error. */
static int apply_option(struct s3e_cli *cli, int c, const char *arg)
{
    long v;
    switch (c) {
    case 'n': cli->dry_run = 1; break;
    case 'w':
        if (parse_count(arg, 1, S3E_MAX_WORKERS, &v))
            return usage_error("--workers: expected a number from 1 to " STR(S3E_MAX_WORKERS)
                               ", got '%s'", arg);
        cli->workers = (int)v;
        break;
    case OPT_FORCE: cli->force = 1; break;
    case OPT_MOVE: cli->move = 1; break;
    case OPT_STREAM: cli->stream = 1; break;
    case OPT_STREAM_MEMORY:
        if (s3e_parse_size(arg, &cli->stream_memory) || cli->stream_memory < S3E_MIN_PART_SIZE)
            return usage_error("--stream-memory: expected a size of 5MiB or more, got '%s'", arg);
        break;
    case OPT_MAX_PAYLOAD:
        if (s3e_parse_size(arg, &cli->max_payload) || !cli->max_payload)
            return usage_error("--max-payload: expected a size such as 800MB or 10GiB, got '%s'", arg);
        break;
    case OPT_MAX_OBJECTS:
        if (parse_count(arg, 1, 100000000, &v))
            return usage_error("--max-payload-objects: expected a positive number, got '%s'", arg);
        cli->max_payload_objects = (uint64_t)v;
        break;
    case OPT_REPORT: cli->report = arg; break;
    case OPT_ENDPOINT: cli->ov.endpoint = arg; break;
    case OPT_REGION: cli->ov.region = arg; break;
    case OPT_PROFILE: cli->ov.profile = arg; break;
    case OPT_PATH_STYLE: cli->ov.path_style = 1; break;
    case OPT_VIRTUAL: cli->ov.path_style = 0; break;
    case OPT_NO_VERIFY_SSL: cli->ov.verify_tls = 0; break;
    case OPT_CUTOFF:
        if (s3e_parse_size(arg, &cli->multipart_cutoff) || cli->multipart_cutoff > S3E_MAX_COPY_OBJECT)
            return usage_error("--multipart-cutoff: expected a size up to 5GiB, got '%s'", arg);
        break;
    case OPT_PART_SIZE:
        if (s3e_parse_size(arg, &cli->part_size) || cli->part_size < S3E_MIN_PART_SIZE ||
            cli->part_size > S3E_MAX_PART_SIZE)
            return usage_error("--part-size: expected a size from 5MiB to 5GiB, got '%s'", arg);
        break;
    case OPT_PART_CONC:
        if (parse_count(arg, 1, S3E_MAX_PART_CONCURRENCY, &v))
            return usage_error("--part-concurrency: expected a number from 1 to "
                               STR(S3E_MAX_PART_CONCURRENCY) ", got '%s'", arg);
        cli->part_concurrency = (int)v;
        break;
    case OPT_PARTS_IN_FLIGHT:
        if (parse_count(arg, 1, S3E_MAX_PARTS_IN_FLIGHT, &v))
            return usage_error("--parts-in-flight: expected a number from 1 to "
                               STR(S3E_MAX_PARTS_IN_FLIGHT) ", got '%s'", arg);
        cli->parts_in_flight = (int)v;
        break;
    case OPT_MAX_RPS:
        if (parse_count(arg, 0, MAX_RPS, &v))
            return usage_error("--max-rps: expected a number from 0 to " STR(MAX_RPS) ", got '%s'",
                               arg);
        cli->max_rps = v;
        break;
    case OPT_RETRIES:
        if (parse_count(arg, 1, MAX_RETRIES, &v))
            return usage_error("--retries: expected a number from 1 to " STR(MAX_RETRIES)
                               ", got '%s'", arg);
        cli->ov.max_attempts = (int)v;
        break;
    case OPT_REQUEST_TIMEOUT:
        if (parse_timeout(arg, &cli->ov.request_timeout_ms))
            return usage_error("--request-timeout: expected seconds from 1 to 7d, got '%s'", arg);
        break;
    case OPT_COPY_TIMEOUT:
        if (parse_timeout(arg, &cli->ov.copy_timeout_ms))
            return usage_error("--copy-timeout: expected seconds from 1 to 7d, got '%s'", arg);
        break;
    case OPT_OBJECT_TIMEOUT:
        if (parse_timeout(arg, &cli->object_timeout_ms))
            return usage_error("--object-timeout: expected seconds from 1 to 7d, got '%s'", arg);
        break;
    case OPT_SHARD:
        if (parse_shard(cli, arg))
            return usage_error("--shard: expected I/N with 0 <= I < N (e.g. 0/4), got '%s'", arg);
        break;
    case OPT_FAIL_FAST:
        if (parse_count(arg, 0, 1000000, &v))
            return usage_error("--fail-fast: expected a number of copies (0 = never stop), got '%s'",
                               arg);
        cli->fail_fast = (int)v;
        cli->fail_fast_set = 1;
        break;
    case OPT_HOLD:
        if (parse_count(arg, 0, 1000000000L, &v))
            return usage_error("--hold: expected a number of jobs, got '%s'", arg);
        cli->hold_limit = (size_t)v;
        cli->hold_set = 1;
        break;
    case OPT_UNSAFE: cli->unsafe_lua = 1; break;
    case OPT_LUA_MEMORY:
        if (s3e_parse_size(arg, &cli->lua_memory) || cli->lua_memory < MIN_LUA_MEMORY ||
            cli->lua_memory > (SIZE_MAX >> 1))
            return usage_error("--lua-memory: expected a size of at least 1MiB, e.g. 2GiB, got '%s'",
                               arg);
        break;
    case OPT_LUA_READ:
        if (!arg[0])
            return usage_error("--lua-read: expected a folder%s", "");
        if (cli->nlua_read == S3E_MAX_LUA_READ)
            return usage_error("--lua-read: at most " STR(S3E_MAX_LUA_READ) " are allowed%s", "");
        cli->lua_read[cli->nlua_read++] = arg;
        break;
    case OPT_ARG:
        if (!strchr(arg, '=') || arg[0] == '=')
            return usage_error("--arg: expected NAME=VALUE, got '%s'", arg);
        if (cli->nargs == S3E_MAX_ARGS)
            return usage_error("--arg: at most " STR(S3E_MAX_ARGS) " are allowed%s", "");
        cli->args[cli->nargs++] = arg;
        break;
    case OPT_SEED: cli->seed_input = arg; break;
    case OPT_NO_PROGRESS: cli->progress = 0; break;
    case OPT_PROGRESS: cli->progress = 1; break;
    case OPT_JSON: cli->json = 1; break;
    case OPT_TIMESTAMPS: cli->timestamps = 1; break;
    case OPT_NO_TIMESTAMPS: cli->timestamps = 0; break;
    case OPT_LOG_FORMAT:
        if (strcmp(arg, "text") == 0)
            cli->log_json = 0;
        else if (strcmp(arg, "json") == 0)
            cli->log_json = 1;
        else
            return usage_error("--log-format: expected text or json, got '%s'", arg);
        break;
    case OPT_NO_VERIFY: cli->no_verify = 1; break;
    case OPT_ABORT: cli->abort_uploads = 1; break;
    case OPT_EMIT:
        if (!arg[0])
            return usage_error("--emit: expected a folder or s3://BUCKET/PREFIX/%s", "");
        cli->emit = arg;
        break;
    case OPT_PAYLOAD:
        if (parse_count(arg, 1, 2000000000L, &v))
            return usage_error("--payload: expected a payload id (1, 2, ...), got '%s'", arg);
        cli->job_payload = v;
        break;
    case OPT_WORKER:
        if (parse_count(arg, 1, 1000000, &v))
            return usage_error("--worker: expected a worker number (1, 2, ...), got '%s'", arg);
        cli->job_worker = (int)v;
        break;
    case OPT_INDEX:
        if (parse_count(arg, 0, 1000000, &v))
            return usage_error("--index: expected a number from 0, got '%s'", arg);
        cli->job_index = (int)v;
        break;
    case OPT_COUNT:
        if (parse_count(arg, 1, 1000000, &v))
            return usage_error("--count: expected a positive number, got '%s'", arg);
        cli->job_count = (int)v;
        break;
    case OPT_FAILED: cli->job_failed = 1; break;
    case OPT_OLDER_THAN:
        if (s3e_parse_duration(arg, &cli->older_than) || cli->older_than < 0)
            return usage_error("--older-than: expected a duration such as 30m, 12h or 7d, got '%s'", arg);
        break;
    case 'v': cli->verbose++; break;
    case 'q': cli->quiet = 1; break;
    case 'h': cli->command = S3E_CMD_HELP; break;
    case OPT_VERSION: cli->command = S3E_CMD_VERSION; break;
    default: return S3E_EXIT_USAGE; /* getopt already printed the problem */
    }
    return 0;
}

static int pick_command(struct s3e_cli *cli, int nrest, char **rest)
{
    static const struct { const char *name; enum s3e_command cmd; int min, max; } cmds[] = {
        { "ls", S3E_CMD_LS, 1, 1 }, { "cp", S3E_CMD_CP, 2, 2 }, { "lua", S3E_CMD_LUA, 1, 1000 },
        { "uploads", S3E_CMD_UPLOADS, 1, 1 }, { "whoami", S3E_CMD_WHOAMI, 0, 0 },
        { "run-job", S3E_CMD_RUN_JOB, 1, 1 }, { "job-status", S3E_CMD_JOB_STATUS, 1, 1 },
        { "lambda", S3E_CMD_LAMBDA, 0, 0 },
    };
    if (cli->command == S3E_CMD_HELP || cli->command == S3E_CMD_VERSION)
        return 0;
    for (size_t i = 0; nrest > 0 && i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(rest[0], cmds[i].name) != 0)
            continue;
        if (nrest - 1 < cmds[i].min || nrest - 1 > cmds[i].max)
            return usage_error("wrong number of arguments for '%s'", cmds[i].name);
        cli->command = cmds[i].cmd;
        cli->rest = rest + 1;
        cli->nrest = nrest - 1;
        return 0;
    }
    cli->command = S3E_CMD_RUN;
    if (cli->seed_input) {
        if (nrest != 0)
            return usage_error("--seed-input takes the place of a plan file; remove '%s'", rest[0]);
        return 0;
    }
    if (nrest == 0)
        return usage_error("no plan given%s: s3engine PLAN.lua (or --seed-input FILE.json)", "");
    if (nrest > 1)
        return usage_error("one plan at a time; unexpected '%s'", rest[1]);
    cli->plan_path = rest[0];
    return 0;
}

int s3e_cli_parse(struct s3e_cli *cli, int argc, char **argv)
{
    memset(cli, 0, sizeof *cli);
    cli->progress = -1;
    cli->timestamps = -1;
    cli->ov.path_style = -1;
    cli->ov.verify_tls = -1;
    cli->ov.max_attempts = -1;
    cli->command = S3E_CMD_RUN;
    cli->job_index = -1;
    opterr = 1;
    optind = 0; /* parse may run more than once in a process (tests) */
    /* '+': stop at the first non-option so `s3engine lua f.lua -x` passes -x on. */
    int c;
    while ((c = getopt_long(argc, argv, "+nw:vqh", long_opts, NULL)) != -1) {
        int rc = apply_option(cli, c, optarg);
        if (rc)
            return rc;
    }
    /* Options may also follow the plan: `s3engine plan.lua --dry-run`. */
    int nrest = 0;
    char **rest = argv + optind;
    int remaining = argc - optind;
    if (remaining > 0 && strcmp(rest[0], "lua") != 0) {
        char **args = rest - 1; /* getopt wants argv[0] */
        int n = remaining + 1;
        optind = 0; /* 0 makes glibc start over (the first pass used '+') */
        while ((c = getopt_long(n, args, "nw:vqh", long_opts, NULL)) != -1) {
            int rc = apply_option(cli, c, optarg);
            if (rc)
                return rc;
        }
        rest = args + optind;
        nrest = n - optind;
    } else {
        nrest = remaining;
    }
    if (cli->emit && cli->dry_run)
        return usage_error("--emit writes the plan as a job; it cannot be a --dry-run too%s", "");
    if (cli->json && cli->report && strcmp(cli->report, "-") == 0)
        return usage_error("--json and --report - both want standard output%s", "");
    return pick_command(cli, nrest, rest);
}
