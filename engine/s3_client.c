/* s3_client.c - signed S3 requests over libcurl: one kept-alive handle for
 * sequential requests, a pool on a multi handle for parallel ones, retries
 * with exponential backoff and full jitter. */
#include "s3_client.h"
#include "s3_conn.h"
#include "s3engine/cred.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"
#include "s3engine/log.h"
#include "s3engine/retry.h"
#include "s3engine/s3xml.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>


void s3e_resp_init(struct s3e_resp *r)
{
    r->status = 0;
    s3e_buf_init(&r->body, 0);
    s3e_buf_init(&r->headers, MAX_RESP_HEADERS);
    r->request_id[0] = '\0';
}

void s3e_resp_free(struct s3e_resp *r)
{
    s3e_buf_free(&r->body);
    s3e_buf_free(&r->headers);
}

static void resp_reset(struct s3e_resp *r)
{
    r->status = 0;
    s3e_buf_reset(&r->body);
    s3e_buf_reset(&r->headers);
    r->request_id[0] = '\0';
}

int s3e_resp_header(const struct s3e_resp *r, const char *name, char *out, size_t len)
{
    size_t n = strlen(name);
    const char *p = s3e_buf_cstr(&r->headers);
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t line_len = eol ? (size_t)(eol - p) : strlen(p);
        if (line_len > n && p[n] == ':' && strncasecmp(p, name, n) == 0) {
            const char *v = p + n + 1;
            const char *end = p + line_len;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            while (end > v && (end[-1] == '\r' || end[-1] == ' '))
                end--;
            snprintf(out, len, "%.*s", (int)(end - v), v);
            return 1;
        }
        p += line_len + (eol ? 1 : 0);
    }
    if (len)
        out[0] = '\0';
    return 0;
}

int s3e_req_header(struct s3e_req *r, const char *name, const char *value)
{
    if (r->nheaders >= S3E_MAX_REQ_HEADERS)
        return S3E_ELIMIT;
    r->headers[r->nheaders].name = name;
    r->headers[r->nheaders].value = value;
    r->nheaders++;
    return S3E_OK;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct conn *k = ud;
    size_t n = size * nmemb;
    if (k->resp->body.len + n > k->max_body) {
        k->overflow = 1;
        return 0; /* aborts the transfer */
    }
    return s3e_buf_append(&k->resp->body, data, n) ? 0 : n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    struct conn *k = ud;
    size_t n = size * nmemb;
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        s3e_buf_reset(&k->resp->headers); /* keep only the final response's headers */
        k->headers_done = 0;
    } else if ((n == 2 && data[0] == '\r' && data[1] == '\n') || (n == 1 && data[0] == '\n')) {
        k->headers_done = 1; /* a 1xx block's end is undone by the next status line */
    }
    return s3e_buf_append(&k->resp->headers, data, n) ? 0 : n;
}

void s3e_conn_init(struct conn *k)
{
    memset(k, 0, sizeof *k);
    k->req = -1;
    s3e_buf_init(&k->url, 0);
    s3e_buf_init(&k->host, 0);
    s3e_buf_init(&k->path, 0);
    s3e_buf_init(&k->query, 0);
    s3e_buf_init(&k->auth, 0);
    s3e_buf_init(&k->line, 0);
    k->easy = curl_easy_init();
}

void s3e_conn_free(struct conn *k)
{
    if (k->easy)
        curl_easy_cleanup(k->easy);
    curl_slist_free_all(k->slist);
    s3e_buf_free(&k->url);
    s3e_buf_free(&k->host);
    s3e_buf_free(&k->path);
    s3e_buf_free(&k->query);
    if (k->auth.data) /* the signature is derived from the secret: wipe it */
        memset(k->auth.data, 0, k->auth.cap);
    s3e_buf_free(&k->auth);
    s3e_buf_free(&k->line);
}

int s3e_client_new(struct s3e_client **out, const struct s3e_config *cfg)
{
    struct s3e_client *c = calloc(1, sizeof *c);
    if (!c)
        return S3E_ENOMEM;
    xmlInitParser();
    c->cfg = cfg;
    c->seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)c ^ (unsigned)getpid();
    s3e_conn_init(&c->main);
    if (!c->main.easy) {
        free(c);
        return S3E_ENOMEM;
    }
    *out = c;
    return S3E_OK;
}

void s3e_client_free(struct s3e_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->npool; i++) {
        if (c->multi && c->pool[i].req >= 0)
            curl_multi_remove_handle(c->multi, c->pool[i].easy);
        s3e_conn_free(&c->pool[i]);
    }
    free(c->pool);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    s3e_loop_free(c->loop);
    s3e_conn_free(&c->main);
    memset(&c->sig, 0, sizeof c->sig);
    s3e_creds_clear(&c->creds);
    free(c);
}

const struct s3e_config *s3e_client_config(const struct s3e_client *c) { return c->cfg; }

/* Why a request cannot be sent, into k->curl_err (s3e_conn_prepare's callers copy it). */
static int refuse(struct conn *k, const char *what, const char *name, const char *why)
{
    snprintf(k->curl_err, sizeof k->curl_err, "request refused: %s%s%s %s", what,
             name ? " " : "", name ? name : "", why);
    return S3E_EINVAL;
}

/* Append "name: value" (or "name;" for an empty value) to the curl header list.
 * The last line of defence: a value with CR/LF would add headers of its own. */
static int add_line(struct conn *k, const char *name, const char *value)
{
    const char *why = s3e_header_value_problem(name);
    if (!why)
        why = s3e_header_value_problem(value);
    if (why)
        return refuse(k, "header", name, why);
    s3e_buf_reset(&k->line);
    int rc = *value ? s3e_buf_printf(&k->line, "%s: %s", name, value)
                    : s3e_buf_printf(&k->line, "%s;", name);
    if (rc)
        return rc;
    struct curl_slist *l = curl_slist_append(k->slist, k->line.data);
    if (!l)
        return S3E_ENOMEM;
    k->slist = l;
    return S3E_OK;
}

/* The credentials to sign with: the provider's current ones (renewed when
 * due), copied for this thread; k remembers which generation it used. */
static int signing_creds(struct s3e_client *c, struct conn *k, const struct s3e_creds **out)
{
    k->cred = c->cfg->cred;
    *out = &c->cfg->creds;
    if (!k->cred)
        return S3E_OK;
    unsigned long before = c->cred_gen;
    int rc = s3e_cred_provider_get(k->cred, &c->creds, &c->cred_gen, k->curl_err, sizeof k->curl_err);
    if (rc)
        return rc;
    if (c->cred_gen != before) /* a renewed secret may keep its key id: no stale signing key */
        memset(&c->sig, 0, sizeof c->sig);
    k->cred_gen = c->cred_gen;
    *out = &c->creds;
    return S3E_OK;
}

/* Sign the request and put every header on the curl list. */
static int sign_headers(struct s3e_client *c, struct conn *k, const struct s3e_req *r)
{
    const struct s3e_config *cfg = c->cfg;
    const struct s3e_creds *creds;
    int rc = signing_creds(c, k, &creds);
    if (rc)
        return rc;
    char amz_date[17], hash[65];
    s3e_sigv4_amz_date(time(NULL), amz_date);
    if (r->body_len)
        s3e_sha256_hex(r->body, r->body_len, hash);
    else
        memcpy(hash, S3E_EMPTY_SHA256, 65);
    struct s3e_header hs[S3E_MAX_REQ_HEADERS + 4];
    size_t n = 0;
    hs[n++] = (struct s3e_header){ "host", k->host.data };
    hs[n++] = (struct s3e_header){ "x-amz-date", amz_date };
    hs[n++] = (struct s3e_header){ "x-amz-content-sha256", hash };
    if (creds->session_token)
        hs[n++] = (struct s3e_header){ "x-amz-security-token", creds->session_token };
    memcpy(hs + n, r->headers, r->nheaders * sizeof hs[0]);
    n += r->nheaders;
    struct s3e_sigv4_input in = { r->method, k->path.data, s3e_buf_cstr(&k->query), hs, n, hash };
    rc = s3e_sigv4_authorization(&c->sig, creds, cfg->region, "s3", amz_date, &in, &k->auth);
    curl_slist_free_all(k->slist);
    k->slist = NULL;
    for (size_t i = 1; i < n && !rc; i++) /* curl writes Host from the URL itself */
        rc = add_line(k, hs[i].name, hs[i].value);
    if (!rc)
        rc = add_line(k, "Authorization", k->auth.data);
    if (!rc)
        rc = add_line(k, "Expect", "");
    int has_type = 0;
    for (size_t i = 0; i < r->nheaders; i++)
        has_type |= strcasecmp(r->headers[i].name, "content-type") == 0;
    if (!rc && !has_type) /* keep curl from sending a form content type with bodies */
        rc = add_line(k, "Content-Type", "");
    return rc;
}

/* The key and the URL as they will be sent. An empty key would address the
 * bucket itself (a DELETE of "" is DeleteBucket); every other check is the
 * entry points' job and repeated here in case one was missed. */
static int check_target(struct conn *k, const struct s3e_req *r)
{
    const char *why = r->key ? s3e_key_problem(r->key, strlen(r->key)) : NULL;
    if (why)
        return refuse(k, "the object key", NULL, why);
    for (const unsigned char *p = (const unsigned char *)s3e_buf_cstr(&k->url); *p; p++)
        if (*p <= ' ' || *p >= 0x7F) /* everything we send is %-encoded or plain ASCII */
            return refuse(k, "the URL", NULL, "holds a space or control character");
    return S3E_OK;
}

static void fill_refusal(const struct conn *k, const struct s3e_req *r, int rc,
                         struct s3e_s3_error *err)
{
    if (!err)
        return;
    s3e_s3_error_clear(err);
    snprintf(err->operation, sizeof err->operation, "%s", r->op ? r->op : "request");
    snprintf(err->detail, sizeof err->detail, "%s", k->curl_err[0] ? k->curl_err : s3e_strerror(rc));
}

int s3e_conn_prepare(struct s3e_client *c, struct conn *k, const struct s3e_req *r,
                     struct s3e_resp *resp, struct s3e_s3_error *err)
{
    const struct s3e_config *cfg = c->cfg;
    CURL *e = k->easy;
    resp_reset(resp);
    k->resp = resp;
    k->overflow = 0;
    k->headers_done = 0;
    k->max_body = r->max_body ? r->max_body : DEFAULT_MAX_BODY;
    k->curl_err[0] = '\0';
    s3e_buf_reset(&k->query);
    int rc = s3e_uri_canonical_query(&k->query, r->query, r->nquery);
    if (!rc)
        rc = s3e_config_address(cfg, r->bucket, r->key, s3e_buf_cstr(&k->query), &k->url,
                                &k->host, &k->path);
    if (!rc)
        rc = check_target(k, r);
    if (!rc)
        rc = sign_headers(c, k, r);
    if (rc) {
        fill_refusal(k, r, rc, err);
        return rc;
    }
    if (!k->configured) {
        /* Options that never change are set once: curl_easy_reset per request
         * showed up in profiles, and a handle keeps its connection either way. */
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, cfg->low_speed_time_s);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, cfg->verify_tls ? 1L : 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, cfg->verify_tls ? 2L : 0L);
        if (cfg->ca_bundle)
            curl_easy_setopt(e, CURLOPT_CAINFO, cfg->ca_bundle);
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "s3engine/0.1");
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, k);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, k);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, k->curl_err);
        curl_easy_setopt(e, CURLOPT_PRIVATE, k);
        /* The path is signed as it is: curl must not remove "." and ".."
         * segments (a key "in/../x" would go to another key, or bucket). */
        curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
        k->configured = 1;
    }
    curl_easy_setopt(e, CURLOPT_URL, k->url.data);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, k->slist);
    /* Back to a plain GET (this also clears NOBODY and any POST body), then the method. */
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL);
    if (strcmp(r->method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (strcmp(r->method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
        if (strcmp(r->method, "DELETE") != 0) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
        }
    }
    return S3E_OK;
}

/* Turn a finished transfer into S3E_OK or a classified failure. */
int s3e_conn_finish(struct conn *k, const struct s3e_req *r, CURLcode cc, struct s3e_s3_error *err)
{
    struct s3e_resp *resp = k->resp;
    curl_easy_getinfo(k->easy, CURLINFO_RESPONSE_CODE, &resp->status);
    s3e_resp_header(resp, "x-amz-request-id", resp->request_id, sizeof resp->request_id);
    snprintf(err->operation, sizeof err->operation, "%s", r->op);
    if (k->overflow) {
        err->http_status = resp->status;
        snprintf(err->detail, sizeof err->detail, "response body larger than %zu bytes", k->max_body);
        err->retryable = 0;
        return S3E_ELIMIT;
    }
    if (cc == CURLE_OK && !k->headers_done) {
        /* libcurl accepts a header block cut off by a closed connection; a HEAD
         * read from it would lack headers the copy must carry over. */
        cc = CURLE_RECV_ERROR;
        snprintf(k->curl_err, sizeof k->curl_err, "the response ended inside its headers");
    }
    const char *msg = k->curl_err[0] ? k->curl_err : curl_easy_strerror(cc);
    int rc = s3e_classify_response(resp->status, (int)cc, msg, resp->body.data, resp->body.len,
                                   resp->request_id, r->expect_body_error, err);
    /* Refused as expired: renew (once for all requests signed with that set) and
     * retry, whatever the renewal window said. */
    if (rc == S3E_ES3 && k->cred && s3e_retry_is_expired_credentials(err->code) &&
        s3e_cred_provider_expired(k->cred, k->cred_gen))
        err->retryable = 1;
    return rc;
}

long s3e_client_backoff(struct s3e_client *c, const struct s3e_s3_error *err, int attempt)
{
    long base = strcmp(err->code, "SlowDown") == 0 ? SLOWDOWN_BASE_MS : BACKOFF_BASE_MS;
    return s3e_retry_backoff_ms(attempt, base, BACKOFF_CAP_MS, &c->seed);
}

void s3e_req_log_failure(const struct s3e_req *r, const struct s3e_s3_error *err, int attempt, int final)
{
    s3e_debug("%s %s/%s attempt %d %s: HTTP %ld %s %s [request-id %s]", r->op,
              r->bucket ? r->bucket : "", r->key ? r->key : "", attempt,
              final ? "failed" : "will be retried", err->http_status, err->code, err->detail,
              err->request_id[0] ? err->request_id : "-");
}

int s3e_client_send(struct s3e_client *c, const struct s3e_req *r, struct s3e_resp *resp,
                    struct s3e_s3_error *err)
{
    struct s3e_s3_error local;
    if (!err)
        err = &local;
    int rc = S3E_OK;
    for (int attempt = 1; attempt <= c->cfg->max_attempts; attempt++) {
        rc = s3e_conn_prepare(c, &c->main, r, resp, err);
        if (rc)
            return rc;
        CURLcode cc = curl_easy_perform(c->main.easy);
        rc = s3e_conn_finish(&c->main, r, cc, err);
        err->attempts = attempt;
        if (rc == S3E_OK)
            return S3E_OK;
        int final = !err->retryable || attempt == c->cfg->max_attempts;
        s3e_req_log_failure(r, err, attempt, final);
        if (final)
            break;
        usleep((useconds_t)s3e_client_backoff(c, err, attempt) * 1000);
    }
    return rc;
}

long s3e_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ensure_pool(struct s3e_client *c, size_t n)
{
    if (!c->multi) {
        c->multi = curl_multi_init();
        if (!c->multi)
            return S3E_ENOMEM;
    }
    if (c->npool >= n)
        return S3E_OK;
    struct conn *p = realloc(c->pool, n * sizeof *p);
    if (!p)
        return S3E_ENOMEM;
    c->pool = p;
    for (; c->npool < n; c->npool++) {
        s3e_conn_init(&c->pool[c->npool]);
        if (!c->pool[c->npool].easy)
            return S3E_ENOMEM;
    }
    return S3E_OK;
}

/* Progress of one request inside send_many. */
struct pending {
    int attempts;
    long not_before;
    int state; /* 0 waiting, 1 in flight, 2 done */
};

/* Start waiting requests on free connections. */
static int start_ready(struct s3e_client *c, const struct s3e_req *reqs, size_t n,
                       struct pending *st, struct s3e_resp *resps, struct s3e_s3_error *errs,
                       size_t nconn, int stop)
{
    long now = s3e_now_ms();
    for (size_t k = 0; k < nconn && !stop; k++) {
        if (c->pool[k].req >= 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            if (st[i].state != 0 || st[i].not_before > now)
                continue;
            int rc = s3e_conn_prepare(c, &c->pool[k], &reqs[i], &resps[i], &errs[i]);
            if (rc)
                return rc;
            curl_multi_add_handle(c->multi, c->pool[k].easy);
            c->pool[k].req = (long)i;
            st[i].state = 1;
            st[i].attempts++;
            break;
        }
    }
    return S3E_OK;
}

int s3e_client_send_many(struct s3e_client *c, const struct s3e_req *reqs, size_t n,
                         int max_in_flight, int stop_on_failure, struct s3e_resp *resps,
                         struct s3e_s3_error *errs, int *rcs)
{
    size_t nconn = (size_t)(max_in_flight > 0 ? max_in_flight : 1);
    if (nconn > n)
        nconn = n;
    struct pending *st = calloc(n ? n : 1, sizeof *st);
    int rc = st ? ensure_pool(c, nconn) : S3E_ENOMEM;
    int first_failure = S3E_OK, stop = 0;
    size_t done = 0;
    for (size_t i = 0; i < n; i++)
        rcs[i] = S3E_ECANCELED;
    while (!rc && done < n) {
        rc = start_ready(c, reqs, n, st, resps, errs, nconn, stop);
        int running = 0;
        curl_multi_perform(c->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct conn *k;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&k);
            CURLcode cc = m->data.result;
            curl_multi_remove_handle(c->multi, m->easy_handle);
            size_t i = (size_t)k->req;
            k->req = -1;
            int r = s3e_conn_finish(k, &reqs[i], cc, &errs[i]);
            errs[i].attempts = st[i].attempts;
            if (r != S3E_OK && errs[i].retryable && st[i].attempts < c->cfg->max_attempts && !stop) {
                s3e_req_log_failure(&reqs[i], &errs[i], st[i].attempts, 0);
                st[i].state = 0;
                st[i].not_before = s3e_now_ms() + s3e_client_backoff(c, &errs[i], st[i].attempts);
                continue;
            }
            if (r != S3E_OK)
                s3e_req_log_failure(&reqs[i], &errs[i], st[i].attempts, 1);
            st[i].state = 2;
            rcs[i] = r;
            done++;
            if (r != S3E_OK && first_failure == S3E_OK) {
                first_failure = r;
                stop = stop_on_failure;
            }
        }
        if (stop) { /* count what will never start as done */
            for (size_t i = 0; i < n; i++)
                if (st[i].state == 0) {
                    st[i].state = 2;
                    done++;
                }
        }
        if (done < n)
            curl_multi_poll(c->multi, NULL, 0, 50, NULL);
    }
    free(st);
    return rc ? rc : first_failure;
}
