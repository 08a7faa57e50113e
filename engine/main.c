/* main.c - entry point: parse the command line and dispatch. */
#include "cli.h"
#include "cp.h"
#include "luadirs.h"
#include "run.h"
#include "job_run.h"
#include "lambda.h"
#include "s3engine/cred.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/log.h"
#include "s3engine/report.h"
#include "s3engine/s3.h"
#include "s3engine/script.h"
#include "s3engine/uri.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "2024-01-31T12:00:00Z" (UTC), "-" when it cannot be shown. */
static const char *iso_time(int64_t epoch, char out[32])
{
    time_t t = (time_t)epoch;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "-");
    return out;
}

static int open_client(const struct s3e_cli *cli, struct s3e_config *cfg, struct s3e_client **c)
{
    char err[512];
    int rc = s3e_config_load(cfg, &cli->ov, err, sizeof err);
    if (rc) {
        s3e_error("%s", err);
        return rc == S3E_EINVAL ? S3E_EXIT_USAGE : S3E_EXIT_FATAL;
    }
    if (s3e_client_new(c, cfg)) {
        s3e_config_free(cfg);
        s3e_error("out of memory");
        return S3E_EXIT_FATAL;
    }
    return 0;
}

/* Names from S3 or the command line are printed in the display form
 * (escape.h): a key cannot move the cursor, clear the screen or add a line. */
static const char *shown(const char *s, char *out, size_t len)
{
    return s3e_escape_str(s, out, len);
}

static int print_listed(void *ud, const struct s3e_listed *o)
{
    (void)ud;
    char when[32], etag[160];
    printf("%s %12llu %-34s ", iso_time(o->last_modified, when), (unsigned long long)o->size,
           shown(o->etag, etag, sizeof etag));
    s3e_escape_fputs(o->key, stdout);
    putchar('\n');
    return 0;
}

static int cmd_ls(const struct s3e_cli *cli)
{
    char bucket[256];
    const char *prefix;
    if (s3e_uri_bucket_key(cli->rest[0], bucket, sizeof bucket, &prefix)) {
        char arg[512];
        fprintf(stderr, "s3engine: ls: expected s3://BUCKET[/PREFIX], got '%s'\n",
                shown(cli->rest[0], arg, sizeof arg));
        return S3E_EXIT_USAGE;
    }
    struct s3e_config cfg;
    struct s3e_client *c;
    int status = open_client(cli, &cfg, &c);
    if (status)
        return status;
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_list(c, bucket, prefix, NULL, print_listed, NULL, &err);
    if (rc) {
        char line[2048];
        s3e_s3_errbuf(line, sizeof line, rc, &err, "ls s3://%s/%s", bucket, prefix);
        s3e_error("%s", line);
        status = S3E_EXIT_FATAL;
    }
    s3e_client_free(c);
    s3e_config_free(&cfg);
    return status;
}

struct uploads_ctx {
    struct s3e_client *c;
    const struct s3e_cli *cli;
    const char *bucket;
    time_t now;
    unsigned listed, aborted, failed;
};

static int on_upload(void *ud, const struct s3e_upload *u)
{
    struct uploads_ctx *x = ud;
    if (x->cli->older_than && u->initiated > (int64_t)x->now - x->cli->older_than)
        return 0;
    x->listed++;
    char when[32], id[512];
    iso_time(u->initiated, when);
    shown(u->upload_id, id, sizeof id);
    if (!x->cli->abort_uploads) {
        printf("%s %s ", when, id);
        s3e_escape_fputs(u->key, stdout);
        putchar('\n');
        return 0;
    }
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_abort_multipart(x->c, x->bucket, u->key, u->upload_id, &err);
    if (rc) {
        char line[2048];
        s3e_s3_errbuf(line, sizeof line, rc, &err, "abort %s (%s)", u->key, u->upload_id);
        s3e_error("%s", line);
        x->failed++;
    } else {
        printf("aborted %s %s ", when, id);
        s3e_escape_fputs(u->key, stdout);
        putchar('\n');
        x->aborted++;
    }
    return 0;
}

/* `uploads s3://b/p [--abort] [--older-than D]`: what a killed run may leave. */
static int cmd_uploads(const struct s3e_cli *cli)
{
    char bucket[256];
    const char *prefix;
    if (s3e_uri_bucket_key(cli->rest[0], bucket, sizeof bucket, &prefix)) {
        char arg[512];
        fprintf(stderr, "s3engine: uploads: expected s3://BUCKET[/PREFIX], got '%s'\n",
                shown(cli->rest[0], arg, sizeof arg));
        return S3E_EXIT_USAGE;
    }
    struct s3e_config cfg;
    struct uploads_ctx x = { .cli = cli, .bucket = bucket, .now = time(NULL) };
    int status = open_client(cli, &cfg, &x.c);
    if (status)
        return status;
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_list_multipart_uploads(x.c, bucket, prefix, on_upload, &x, &err);
    if (rc) {
        char line[2048];
        s3e_s3_errbuf(line, sizeof line, rc, &err, "uploads s3://%s/%s", bucket, prefix);
        s3e_error("%s", line);
        status = S3E_EXIT_FATAL;
    } else if (!cli->quiet) {
        fprintf(stderr, "%u unfinished multipart uploads%s", x.listed,
                cli->abort_uploads ? "" : "\n");
        if (cli->abort_uploads)
            fprintf(stderr, ", %u aborted, %u failed\n", x.aborted, x.failed);
    }
    if (!status && x.failed)
        status = S3E_EXIT_PARTIAL;
    s3e_client_free(x.c);
    s3e_config_free(&cfg);
    return status;
}

static int cmd_lua(const struct s3e_cli *cli)
{
    const char *dirs[S3E_MAX_LUA_DIRS];
    size_t ndirs = s3e_lua_dirs(dirs, S3E_MAX_LUA_DIRS);
    struct s3e_config cfg;
    struct s3e_client *c = NULL;
    char err[512];
    int have_cfg = s3e_config_load(&cfg, &cli->ov, err, sizeof err) == S3E_OK;
    if (have_cfg && s3e_client_new(&c, &cfg))
        c = NULL;
    struct s3e_script_opts so = {
        .unsafe = cli->unsafe_lua, .client = c, .lua_dirs = dirs, .nlua_dirs = ndirs,
        .args = cli->args, .nargs = cli->nargs, .memory_limit = cli->lua_memory,
        .read_paths = cli->lua_read, .nread_paths = cli->nlua_read,
    };
    char msg[2048];
    int rc = s3e_script_run_file(cli->rest[0], &so, msg, sizeof msg);
    if (rc) {
        fputs("s3engine: ", stderr);
        s3e_escape_fputs(msg, stderr);
        fputc('\n', stderr);
    }
    s3e_client_free(c);
    if (have_cfg)
        s3e_config_free(&cfg);
    return rc ? S3E_EXIT_USAGE : S3E_EXIT_OK;
}

/* `whoami`: where the credentials come from, never the secret or the token. */
static int cmd_whoami(const struct s3e_cli *cli)
{
    struct s3e_config cfg;
    char err[1024];
    int rc = s3e_config_load(&cfg, &cli->ov, err, sizeof err);
    if (rc) {
        fputs("s3engine: ", stderr);
        s3e_escape_fputs(err, stderr);
        fputc('\n', stderr);
        return rc == S3E_EINVAL ? S3E_EXIT_USAGE : S3E_EXIT_FATAL;
    }
    struct s3e_cred_info info;
    s3e_cred_provider_info(cfg.cred, &info);
    char when[32], shown_ak[160];
    printf("source:        %s\n", info.source);
    printf("access key id: %s\n", shown(info.access_key, shown_ak, sizeof shown_ak));
    if (info.expiration)
        printf("expires:       %s (in %lds)\n", iso_time(info.expiration, when),
               (long)(info.expiration - time(NULL)));
    else
        printf("expires:       never\n");
    if (!info.renewable)
        printf("renewal:       never (static keys: an expired session token fails the run)\n");
    else if (info.renew_at)
        printf("renewal:       by a run at %s (%lds before they expire), and at once when "
               "refused as expired\n", iso_time(info.renew_at, when),
               (long)(info.expiration - info.renew_at));
    else
        printf("renewal:       when refused as expired (they name no expiry)\n");
    printf("region:        %s\n", cfg.region);
    s3e_config_free(&cfg);
    return S3E_EXIT_OK;
}

/* Output that could not be written (a full disk, a closed pipe: stdout, or
 * log lines on stderr) fails the command with exit status 3, unless it
 * already failed for a usage error or was interrupted. */
static int output_status(int status)
{
    int err = 0;
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
        err = errno ? errno : -1;
    if (err)
        s3e_error("cannot write to standard output: %s", err > 0 ? strerror(err) : "write error");
    else
        err = s3e_log_write_error();
    if (err && (status == S3E_EXIT_OK || status == S3E_EXIT_PARTIAL))
        return S3E_EXIT_FATAL;
    return status;
}

int main(int argc, char **argv)
{
    struct s3e_cli cli;
    int status = s3e_cli_parse(&cli, argc, argv);
    if (status)
        return status;
    s3e_log_set_format(cli.log_json ? S3E_LOG_JSON : S3E_LOG_TEXT, cli.timestamps);
    if (cli.quiet)
        s3e_log_set_level(S3E_LOG_ERROR);
    else if (cli.verbose)
        s3e_log_set_level(cli.verbose > 1 ? S3E_LOG_DEBUG : S3E_LOG_INFO);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "s3engine: libcurl failed to initialise\n");
        return S3E_EXIT_FATAL;
    }
    switch (cli.command) {
    case S3E_CMD_HELP: s3e_cli_usage(stdout); break;
    case S3E_CMD_VERSION: printf("s3engine %s\n", S3E_VERSION); break;
    case S3E_CMD_LS: status = cmd_ls(&cli); break;
    case S3E_CMD_CP: status = s3e_cp(&cli); break;
    case S3E_CMD_LUA: status = cmd_lua(&cli); break;
    case S3E_CMD_UPLOADS: status = cmd_uploads(&cli); break;
    case S3E_CMD_WHOAMI: status = cmd_whoami(&cli); break;
    case S3E_CMD_RUN: status = s3e_run_plan(&cli); break;
    case S3E_CMD_RUN_JOB: status = s3e_job_run(&cli); break;
    case S3E_CMD_JOB_STATUS: status = s3e_job_status(&cli); break;
    case S3E_CMD_LAMBDA: status = s3e_lambda_serve(&cli); break;
    }
    curl_global_cleanup();
    return output_status(status);
}
