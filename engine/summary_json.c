/* summary_json.c - --json: the run's outcome as one JSON object on stdout, for
 * wrappers and schedulers (schema in README, "Machine-readable output"). */
#include "run.h"
#include "summary_json.h"
#include "ratelimit.h"
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/version.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void s3e_file_sha256(const char *path, char out[65])
{
    out[0] = '\0';
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char chunk[65536], md[32];
    unsigned len = 0;
    size_t n;
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ok = EVP_DigestUpdate(ctx, chunk, n);
    ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, &len) && len == 32;
    fclose(f);
    EVP_MD_CTX_free(ctx);
    for (unsigned i = 0; ok && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int str_field(struct s3e_buf *b, const char *name, const char *value)
{
    int rc = s3e_buf_printf(b, "\"%s\":\"", name);
    if (!rc)
        rc = s3e_escape_json(b, value ? value : "", value ? strlen(value) : 0, NULL);
    return rc ? rc : s3e_buf_puts(b, "\",");
}

/* "objects":{...},"bytes":{...} of one set of counters. */
static int counts(struct s3e_buf *b, const struct s3e_stats *s)
{
    uint64_t moved = atomic_load(&s->moved_objects);
    return s3e_buf_printf(b,
        "\"objects\":{\"copied\":%llu,\"moved\":%llu,\"skipped\":%llu,\"failed\":%llu,"
        "\"archived\":%llu,\"changed\":%llu,\"restoring\":%llu},"
        "\"bytes\":{\"copied\":%llu,\"skipped\":%llu,\"failed\":%llu,\"archived\":%llu,"
        "\"changed\":%llu,\"restoring\":%llu}",
        (unsigned long long)atomic_load(&s->done_objects), (unsigned long long)moved,
        (unsigned long long)atomic_load(&s->skipped_objects),
        (unsigned long long)atomic_load(&s->failed_objects),
        (unsigned long long)atomic_load(&s->archived_objects),
        (unsigned long long)atomic_load(&s->changed_objects),
        (unsigned long long)atomic_load(&s->restoring_objects),
        (unsigned long long)atomic_load(&s->done_bytes),
        (unsigned long long)atomic_load(&s->skipped_bytes),
        (unsigned long long)atomic_load(&s->failed_bytes),
        (unsigned long long)atomic_load(&s->archived_bytes),
        (unsigned long long)atomic_load(&s->changed_bytes),
        (unsigned long long)atomic_load(&s->restoring_bytes));
}

static int targets(struct s3e_buf *b, const struct s3e_run *run)
{
    int rc = s3e_buf_puts(b, ",\"targets\":[");
    for (size_t i = 0; !rc && i < run->plan.ntargets && run->per_target; i++) {
        const struct s3e_target *t = &run->plan.targets[i];
        rc = s3e_buf_puts(b, i ? ",{" : "{");
        if (!rc)
            rc = str_field(b, "name", t->name);
        if (!rc)
            rc = str_field(b, "bucket", t->bucket);
        if (!rc)
            rc = str_field(b, "prefix", t->prefix);
        if (!rc)
            rc = counts(b, &run->per_target[i]);
        if (!rc)
            rc = s3e_buf_puts(b, "}");
    }
    return rc ? rc : s3e_buf_puts(b, "]");
}

/* ,"throttle":{...}: SlowDown answers and the limits in flight per bucket. */
static int throttle(struct s3e_buf *b, const struct s3e_run *run)
{
    struct s3e_rate_bucket_stats st[64];
    int n = s3e_ratelimit_stats(run->cfg.rate, st, 64);
    int rc = s3e_buf_printf(b, ",\"throttle\":{\"slowdowns\":%llu,\"max_rps\":%ld,\"buckets\":[",
                            (unsigned long long)s3e_ratelimit_slowdowns(run->cfg.rate),
                            run->cli->max_rps);
    for (int i = 0; !rc && i < n && i < 64; i++) {
        rc = s3e_buf_puts(b, i ? ",{" : "{");
        if (!rc)
            rc = str_field(b, "bucket", st[i].bucket);
        if (!rc)
            rc = s3e_buf_printf(b, "\"slowdowns\":%llu,\"cuts\":%llu,",
                                (unsigned long long)st[i].slowdowns,
                                (unsigned long long)st[i].cuts);
        if (!rc && st[i].limit > 0)
            rc = s3e_buf_printf(b, "\"in_flight_limit\":%.3g,\"lowest_limit\":%.3g}",
                                st[i].limit, st[i].lowest);
        else if (!rc)
            rc = s3e_buf_puts(b, "\"in_flight_limit\":null,\"lowest_limit\":null}");
    }
    return rc ? rc : s3e_buf_puts(b, "]}");
}

static int build(struct s3e_buf *b, const struct s3e_run *run, int status, const char *error)
{
    const struct s3e_cli *cli = run->cli;
    const char *plan = cli->seed_input ? cli->seed_input : cli->plan_path;
    char sha[65], started[32];
    s3e_file_sha256(plan, sha);
    time_t t0 = run->started_wall;
    struct tm tm;
    gmtime_r(&t0, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const struct s3e_stats *s = &run->stats;
    double secs = s3e_now() - s->start_time;
    uint64_t done = atomic_load(&s->done_objects), bytes = atomic_load(&s->done_bytes);
    if (cli->dry_run)
        done = bytes = 0; /* its copied counts are what would be copied: no rate */
    int rc = s3e_buf_puts(b, "{");
    if (!rc)
        rc = str_field(b, "version", S3E_VERSION);
    if (!rc)
        rc = s3e_buf_puts(b, "\"plan\":{");
    if (!rc)
        rc = str_field(b, "path", plan);
    if (!rc)
        rc = s3e_buf_printf(b, "\"sha256\":\"%s\"},\"exit_status\":%d,\"dry_run\":%s,", sha, status,
                            cli->dry_run ? "true" : "false");
    if (!rc && error && *error)
        rc = str_field(b, "error", error);
    if (!rc)
        rc = s3e_buf_printf(b, "\"started\":\"%s\",\"seconds\":%.3f,\"listed_objects\":%llu,"
                            "\"unselected_objects\":%llu,\"delete_markers\":%llu,\"planned\":"
                            "{\"objects\":%llu,\"bytes\":%llu,\"payloads\":%llu},", started, secs,
                            (unsigned long long)atomic_load(&s->listed_objects),
                            (unsigned long long)atomic_load(&s->unselected_objects),
                            (unsigned long long)atomic_load(&s->delete_markers),
                            (unsigned long long)atomic_load(&s->planned_objects),
                            (unsigned long long)atomic_load(&s->planned_bytes),
                            (unsigned long long)run->payloads);
    if (!rc)
        rc = counts(b, s);
    if (!rc)
        rc = s3e_buf_printf(b, ",\"rate\":{\"objects_per_second\":%.1f,\"bytes_per_second\":%.0f}",
                            secs > 0 ? (double)done / secs : 0.0,
                            secs > 0 ? (double)bytes / secs : 0.0);
    if (!rc)
        rc = throttle(b, run);
    if (!rc)
        rc = targets(b, run);
    return rc ? rc : s3e_buf_puts(b, "}\n");
}

int s3e_summary_json(FILE *out, const struct s3e_run *run, int status, const char *error)
{
    struct s3e_buf b;
    s3e_buf_init(&b, 64u << 20);
    int rc = build(&b, run, status, error);
    if (!rc && (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) != 0))
        rc = S3E_EIO;
    s3e_buf_free(&b);
    return rc;
}
