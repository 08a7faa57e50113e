/* lambda.c - `s3engine lambda`: the AWS Lambda Runtime API loop of a custom
 * runtime (provided.al2023), so that the s3engine binary is the function.
 *
 * http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/...:
 *   GET  invocation/next             the event; Lambda-Runtime-Aws-Request-Id,
 *                                    Lambda-Runtime-Deadline-Ms, -Trace-Id headers
 *   POST invocation/ID/response      the result of the payload
 *   POST invocation/ID/error         a payload that could not run (a JSON
 *                                    errorMessage / errorType body)
 *   POST init/error                  the runtime cannot start
 * An event is {"job": "s3://bucket/prefix/", "payload": N}; "job" may be left
 * out when S3ENGINE_JOB names it. A payload with failed objects is a
 * response ("status": "failed"), not an error: retrying cannot help it, and
 * job-status and run-job --failed see it. Lambda-Runtime-Deadline-Ms bounds
 * the payload: no object is started past the deadline less a reserve, and
 * those left are reported failed, not started, in a response sent in time. */
#include "lambda.h"
#include "cred_int.h"
#include "job_run.h"
#include "run.h"
#include "s3engine/buf.h"
#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/log.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_EVENT (6u << 20) /* Lambda's own limit for a synchronous event */

struct call {
    struct s3e_buf body;
    char request_id[128];
    char trace_id[512];
    char deadline_ms[32];    /* Lambda-Runtime-Deadline-Ms: epoch milliseconds */
};

#define DEFAULT_RESERVE_S 30.0 /* stop starting objects this long before the deadline */

/* When to stop starting objects (*stop_at) and when to cut the copies still in
 * flight (*cut_at), as s3e_now() values (0 without a deadline): the
 * invocation's deadline less a reserve (S3ENGINE_LAMBDA_RESERVE_SECONDS, by
 * default 30 s, never more than a fifth of the time given); the copies in
 * flight go on for half of it, the other half is for aborting their uploads,
 * writing the result and posting the response. */
static void times_of(const struct call *c, double *stop_at, double *cut_at)
{
    char *end;
    double deadline = c->deadline_ms[0] ? strtod(c->deadline_ms, &end) / 1000.0 : 0;
    *stop_at = *cut_at = 0;
    if (deadline <= 0 || *end)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double left = deadline - ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
    const char *env = getenv("S3ENGINE_LAMBDA_RESERVE_SECONDS");
    double reserve = env && *env ? strtod(env, NULL) : DEFAULT_RESERVE_S;
    if (!(reserve >= 0))
        reserve = DEFAULT_RESERVE_S;
    if (reserve > left / 5)
        reserve = left / 5;
    double now = s3e_now();
    *stop_at = now + (left > reserve ? left - reserve : 0.001);
    *cut_at = now + (left > reserve / 2 ? left - reserve / 2 : 0.001);
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    struct call *c = ud;
    return s3e_buf_append(&c->body, data, size * n) ? 0 : size * n;
}

/* The value of header `name` in one header line, trimmed, into out. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
    size_t n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return;
    const char *v = line + n + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    if ((size_t)(end - v) < outlen) {
        memcpy(out, v, (size_t)(end - v));
        out[end - v] = '\0';
    }
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    struct call *c = ud;
    header_value(data, size * n, "Lambda-Runtime-Aws-Request-Id", c->request_id,
                 sizeof c->request_id);
    header_value(data, size * n, "Lambda-Runtime-Trace-Id", c->trace_id, sizeof c->trace_id);
    header_value(data, size * n, "Lambda-Runtime-Deadline-Ms", c->deadline_ms,
                 sizeof c->deadline_ms);
    return size * n;
}

/* One request to the Runtime API; the HTTP status, or -1 without an answer. */
static long api(CURL *e, const char *url, const char *body, const char *error_type,
                struct call *c)
{
    struct curl_slist *h = NULL;
    char type[160];
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, c);
    if (body) {
        h = curl_slist_append(h, "Content-Type: application/json");
        if (error_type) {
            snprintf(type, sizeof type, "Lambda-Runtime-Function-Error-Type: %s", error_type);
            h = curl_slist_append(h, type);
        }
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    long status = -1;
    if (curl_easy_perform(e) == CURLE_OK)
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    return status;
}

/* {"errorMessage": msg, "errorType": type, "stackTrace": []} */
static int error_body(struct s3e_buf *b, const char *type, const char *msg)
{
    return s3e_buf_puts(b, "{\"errorMessage\":\"") ||
           s3e_escape_json(b, msg, strlen(msg), NULL) ||
           s3e_buf_printf(b, "\",\"errorType\":\"%s\",\"stackTrace\":[]}", type);
}

static long post_error(CURL *e, const char *url, const char *type, const char *msg)
{
    struct s3e_buf b;
    struct call c = { 0 };
    s3e_buf_init(&b, 0);
    s3e_buf_init(&c.body, 1 << 20);
    long st = error_body(&b, type, msg) ? -1 : api(e, url, b.data, type, &c);
    s3e_buf_free(&b);
    s3e_buf_free(&c.body);
    return st;
}

/* The event's job and payload number; 0, or -1 with the reason in err. */
static int read_event(const struct s3e_buf *ev, struct s3e_buf *job, uint64_t *payload,
                      char *err, size_t errlen)
{
    struct s3e_buf num;
    s3e_buf_init(&num, 64);
    int has_job = cred_json_get(ev->data ? ev->data : "", ev->len, "job", job);
    int has_payload = cred_json_get(ev->data ? ev->data : "", ev->len, "payload", &num);
    char *end = NULL;
    unsigned long long n = has_payload > 0 ? strtoull(s3e_buf_cstr(&num), &end, 10) : 0;
    int rc = 0;
    if (has_job < 0 || has_payload < 0) {
        snprintf(err, errlen, "the event is not a JSON object");
        rc = -1;
    } else if (has_payload == 0 || !end || *end || n == 0) {
        snprintf(err, errlen, "the event has no payload number (expected {\"job\": "
                 "\"s3://bucket/prefix/\", \"payload\": N})");
        rc = -1;
    } else if (has_job == 0 || !job->len) {
        const char *env = getenv("S3ENGINE_JOB");
        if (!env || !*env || s3e_buf_puts(job, env)) {
            snprintf(err, errlen, "the event names no job and S3ENGINE_JOB is not set");
            rc = -1;
        }
    }
    *payload = n;
    s3e_buf_free(&num);
    return rc;
}

/* One invocation: run the payload, post its response or its error. */
static int invoke(CURL *e, const char *base, const struct s3e_cli *cli, struct call *c)
{
    char url[1024], err[2048];
    struct s3e_buf job, out;
    s3e_buf_init(&job, 4096);
    s3e_buf_init(&out, 0);
    uint64_t payload = 0;
    double stop_at, cut_at;
    times_of(c, &stop_at, &cut_at);
    int status = read_event(&c->body, &job, &payload, err, sizeof err) ? S3E_EXIT_USAGE
                 : s3e_job_run_one(cli, s3e_buf_cstr(&job), payload, stop_at, cut_at, &out,
                                   err, sizeof err);
    struct call r = { 0 };
    s3e_buf_init(&r.body, 1 << 20);
    long st;
    if (status == S3E_EXIT_OK || status == S3E_EXIT_PARTIAL) {
        snprintf(url, sizeof url, "%s/invocation/%s/response", base, c->request_id);
        st = api(e, url, s3e_buf_cstr(&out), NULL, &r);
    } else {
        snprintf(url, sizeof url, "%s/invocation/%s/error", base, c->request_id);
        st = post_error(e, url, status == S3E_EXIT_USAGE ? "S3engine.BadEvent"
                                : "S3engine.PayloadError", err);
    }
    if (st != 202)
        s3e_error("lambda: the Runtime API answered %ld to %s", st, url);
    s3e_buf_free(&r.body);
    s3e_buf_free(&job);
    s3e_buf_free(&out);
    return st == 500 || st < 0 ? -1 : 0; /* 500: the runtime must exit */
}

int s3e_lambda_serve(const struct s3e_cli *cli)
{
    const char *host = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!host || !*host) {
        s3e_error("lambda: AWS_LAMBDA_RUNTIME_API is not set (this command is the function of "
                  "a Lambda custom runtime)");
        return S3E_EXIT_USAGE;
    }
    char base[512], url[600];
    snprintf(base, sizeof base, "http://%s/2018-06-01/runtime", host);
    s3e_run_signals(); /* SIGPIPE ignored; SIGTERM stops the payload in hand */
    CURL *e = curl_easy_init();
    if (!e)
        return S3E_EXIT_FATAL;
    /* Init: without credentials or a region no payload can run; say so once. */
    struct s3e_config cfg;
    char why[1024] = "";
    if (s3e_config_load(&cfg, &cli->ov, why, sizeof why) != S3E_OK) {
        char msg[1200];
        snprintf(msg, sizeof msg, "s3engine cannot start: %s", why);
        snprintf(url, sizeof url, "%s/init/error", base);
        post_error(e, url, "S3engine.InitError", msg);
        s3e_error("lambda: %s", msg);
        curl_easy_cleanup(e);
        return S3E_EXIT_FATAL;
    }
    s3e_config_free(&cfg);
    int status = S3E_EXIT_OK;
    for (;;) {
        struct call c = { 0 };
        s3e_buf_init(&c.body, MAX_EVENT);
        snprintf(url, sizeof url, "%s/invocation/next", base);
        long st = api(e, url, NULL, NULL, &c);
        if (st != 200 || !c.request_id[0]) {
            s3e_buf_free(&c.body);
            if (st == 200) /* no request id: nothing can be answered */
                continue;
            /* 500 is a container error: the runtime must exit (Lambda restarts it). */
            s3e_error("lambda: the Runtime API answered %ld to next: exiting", st);
            status = S3E_EXIT_FATAL;
            break;
        }
        if (c.trace_id[0])
            setenv("_X_AMZN_TRACE_ID", c.trace_id, 1);
        int rc = invoke(e, base, cli, &c);
        s3e_buf_free(&c.body);
        if (rc) {
            status = S3E_EXIT_FATAL;
            break;
        }
    }
    curl_easy_cleanup(e);
    return status;
}
