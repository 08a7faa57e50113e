/* s3_conn.c - one connection's plumbing: a request signed and set up on a
 * libcurl handle (its headers checked, its time limits set), and the answer
 * read into a response and classified. s3_client.c sends and retries over
 * it, s3_async.c runs it on the event loop. */
#include "s3_conn.h"
#include "s3_client_int.h"
#include "conns.h"
#include "s3engine/cred.h"
#include "s3engine/version.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"
#include "s3engine/log.h"
#include "s3engine/retry.h"
#include "s3engine/s3xml.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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
    k->received += n;
    return s3e_buf_append(&k->resp->body, data, n) ? 0 : n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    struct conn *k = ud;
    size_t n = size * nmemb;
    k->received += n;
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        s3e_buf_reset(&k->resp->headers); /* keep only the final response's headers */
        k->headers_done = 0;
        k->header_bytes = 0;
    } else if ((n == 2 && data[0] == '\r' && data[1] == '\n') || (n == 1 && data[0] == '\n')) {
        k->headers_done = 1; /* a 1xx block's end is undone by the next status line */
    }
    k->header_bytes += n;
    if (k->header_bytes > MAX_RESP_HEADERS) {
        k->headers_overflow = 1;
        return 0; /* aborts the transfer */
    }
    return s3e_buf_append(&k->resp->headers, data, n) ? 0 : n;
}

/* Called about once a second even when nothing moves: ends an attempt the
 * run no longer wants (a signal) or one that has made no progress for its
 * stall limit. curl hands headers over a whole line at a time, so a server
 * that trickles a line slower than that counts as stalled too. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal;
    struct conn *k = ud;
    if (k->cancel && *k->cancel) {
        k->canceled = 1;
        return 1;
    }
    long now = s3e_now_ms();
    uint64_t moved = k->received + (uint64_t)ulnow;
    if (moved != k->moved_seen) {
        k->moved_seen = moved;
        k->quiet_since = now;
    } else if (now - k->quiet_since >= k->lim.stall_ms) {
        k->stalled = 1;
        return 1;
    }
    return 0;
}
/* A header block past our limit, or a header line past libcurl's own (it
 * says only "Out of memory" then): named as what it is. */
static int headers_too_large(struct conn *k, CURLcode cc, struct s3e_s3_error *err)
{
    if (!k->headers_overflow && !(cc == CURLE_OUT_OF_MEMORY && !k->headers_done))
        return 0;
    const char *host = s3e_buf_cstr(&k->host);
    if (k->headers_overflow)
        snprintf(err->detail, sizeof err->detail,
                 "response headers too large (%zu bytes from %s; the limit is %u)",
                 k->header_bytes, host, MAX_RESP_HEADERS);
    else
        snprintf(err->detail, sizeof err->detail,
                 "response headers too large (a header line over %d bytes after %zu bytes "
                 "from %s; the limit is %u)", CURL_MAX_HTTP_HEADER, k->header_bytes, host,
                 MAX_RESP_HEADERS);
    err->http_status = k->resp->status;
    err->code[0] = err->message[0] = '\0'; /* nothing of an earlier attempt's */
    err->retryable = 0;
    return 1;
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
static int signing_creds(struct s3e_client *c, const struct s3e_config *cfg, struct conn *k,
                         const struct s3e_creds **out)
{
    k->cred = cfg->cred;
    *out = &cfg->creds;
    if (!k->cred)
        return S3E_OK;
    if (c->cred_of != k->cred) { /* another connection's identity: its own copy */
        c->cred_of = k->cred;
        c->cred_gen = 0;
    }
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

/* A request that writes an object (PutObject, CopyObject, CreateMultipartUpload):
 * the one a canned ACL goes with. */
static int writes_object(const struct s3e_req *r)
{
    if (!r->key)
        return 0;
    if (strcmp(r->method, "PUT") == 0)
        return r->nquery == 0;
    return strcmp(r->method, "POST") == 0 && r->nquery == 1 &&
           strcmp(r->query[0].name, "uploads") == 0;
}

/* The cross-account headers of the buckets a request touches (conns.h);
 * returns how many were put in hs. */
static size_t access_headers(const struct s3e_client *c, const struct s3e_req *r,
                             struct s3e_header *hs)
{
    const struct s3e_conns *conns = c->cfg->conns;
    const struct s3e_config *via = r->via ? r->via : c->pin;
    const struct s3e_access *dst = via ? s3e_conns_access_via(conns, r->bucket, via)
                                       : s3e_conns_access(conns, r->bucket);
    const struct s3e_access *src = r->src_bucket ? s3e_conns_access(conns, r->src_bucket)
                                                 : NULL;
    size_t n = 0;
    if (dst && dst->acl && writes_object(r))
        hs[n++] = (struct s3e_header){ "x-amz-acl", dst->acl };
    if (dst && dst->expected_owner)
        hs[n++] = (struct s3e_header){ "x-amz-expected-bucket-owner", dst->expected_owner };
    if (src && src->expected_owner)
        hs[n++] = (struct s3e_header){ "x-amz-source-expected-bucket-owner", src->expected_owner };
    if ((dst && dst->requester_pays) || (src && src->requester_pays))
        hs[n++] = (struct s3e_header){ "x-amz-request-payer", "requester" };
    return n;
}

/* Sign the request and put every header on the curl list. */
static int sign_headers(struct s3e_client *c, const struct s3e_config *cfg, struct conn *k,
                        const struct s3e_req *r)
{
    const struct s3e_creds *creds;
    int rc = signing_creds(c, cfg, k, &creds);
    if (rc)
        return rc;
    char amz_date[17], hash[65];
    s3e_sigv4_amz_date(time(NULL), amz_date);
    if (r->body_len && r->body_sha256)
        snprintf(hash, sizeof hash, "%s", r->body_sha256);
    else if (r->body_len)
        s3e_sha256_hex(r->body, r->body_len, hash);
    else
        memcpy(hash, S3E_EMPTY_SHA256, 65);
    struct s3e_header hs[S3E_MAX_REQ_HEADERS + 8];
    size_t n = 0;
    hs[n++] = (struct s3e_header){ "host", k->host.data };
    hs[n++] = (struct s3e_header){ "x-amz-date", amz_date };
    hs[n++] = (struct s3e_header){ "x-amz-content-sha256", hash };
    if (creds->session_token)
        hs[n++] = (struct s3e_header){ "x-amz-security-token", creds->session_token };
    memcpy(hs + n, r->headers, r->nheaders * sizeof hs[0]);
    n += r->nheaders;
    n += access_headers(c, r, hs + n);
    struct s3e_sigv4_input in = { r->method, k->path.data, s3e_buf_cstr(&k->query), hs, n, hash };
    rc = s3e_sigv4_authorization(&c->sig, creds, k->region, "s3", amz_date, &in, &k->auth);
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

/* Refuse an attempt that may not start (see s3e_conn_prepare). */
static int refuse_attempt(const struct s3e_req *r, int rc, const char *detail,
                          struct s3e_s3_error *err)
{
    if (!err)
        return rc;
    s3e_s3_error_clear(err);
    snprintf(err->operation, sizeof err->operation, "%s", r->op ? r->op : "request");
    snprintf(err->detail, sizeof err->detail, "%s", detail);
    return rc;
}

/* This attempt's limits on k, or why it may not start. */
static int attempt_limits(struct s3e_client *c, struct conn *k, const struct s3e_req *r,
                          const struct s3e_deadline *dl, struct s3e_s3_error *err)
{
    long now = s3e_now_ms(), left = -1;
    int stopping = c->cfg->cancel && *c->cfg->cancel; /* as s3e_client_canceled */
    k->cancel = c->cleanup ? NULL : c->cfg->cancel;
    k->deadline_s = 0;
    if (stopping && !c->cleanup)
        return refuse_attempt(r, S3E_ECANCELED, "interrupted", err);
    if (stopping) { /* a cleanup after a signal: the grace, shared by all of them */
        if (!c->grace_at)
            c->grace_at = now + CLEANUP_GRACE_MS;
        left = c->grace_at - now;
        if (left <= 0)
            return refuse_attempt(r, S3E_ECANCELED, "interrupted, no time left to clean up", err);
    } else if (!c->cleanup && dl && dl->at_ms) {
        left = dl->at_ms - now;
        k->deadline_s = dl->seconds;
        if (left <= 0) {
            char why[64];
            snprintf(why, sizeof why, "the object's deadline (%ld s) passed", dl->seconds);
            return refuse_attempt(r, S3E_ETRANSPORT, why, err);
        }
    }
    s3e_request_limits(c->cfg, r->copy_bytes + r->wait_bytes, left, &k->lim);
    k->received = k->moved_seen = 0;
    k->quiet_since = now;
    k->stalled = k->canceled = 0;
    return S3E_OK;
}

/* A handle carries requests to buckets of several connections (conns.h),
 * and each profile may name its own ca_bundle: the one of this request's
 * connection, set when it differs from the handle's (curl does not reuse a
 * TLS connection verified with another bundle). */
static void set_cainfo(struct conn *k, const char *ca_bundle)
{
    if (k->cainfo == ca_bundle || (k->cainfo && ca_bundle && strcmp(k->cainfo, ca_bundle) == 0))
        return;
    const char *file = ca_bundle;
#if LIBCURL_VERSION_NUM >= 0x075400 /* 7.84: curl's own default can be read back */
    char *builtin = NULL;
    if (!file && curl_easy_getinfo(k->easy, CURLINFO_CAINFO, &builtin) == CURLE_OK)
        file = builtin;
#endif
    curl_easy_setopt(k->easy, CURLOPT_CAINFO, file);
    k->cainfo = ca_bundle;
}

int s3e_conn_prepare(struct s3e_client *c, struct conn *k, const struct s3e_req *r,
                     struct s3e_resp *resp, struct s3e_s3_error *err,
                     const struct s3e_deadline *dl)
{
    /* the bucket's own connection when its source or target names one */
    const struct s3e_config *cfg = r->via   ? r->via
                                   : c->pin ? c->pin /* s3e_client_pin */
                                            : s3e_conns_config(c->cfg->conns, r->bucket, c->cfg);
    CURL *e = k->easy;
    int rc = attempt_limits(c, k, r, dl, err);
    if (rc)
        return rc;
    resp_reset(resp);
    k->resp = resp;
    k->overflow = 0;
    k->headers_done = 0;
    k->header_bytes = 0;
    k->headers_overflow = 0;
    k->max_body = r->max_body ? r->max_body : DEFAULT_MAX_BODY;
    k->curl_err[0] = '\0';
    s3e_buf_reset(&k->query);
    rc = s3e_uri_canonical_query(&k->query, r->query, r->nquery);
    /* a bucket whose region was found is signed and addressed for it */
    k->regions = cfg->regions;
    if (!s3e_regions_get(cfg->regions, r->bucket, k->region))
        snprintf(k->region, sizeof k->region, "%s", cfg->region);
    if (!rc)
        rc = s3e_config_address_in(cfg, k->region, r->bucket, r->key, s3e_buf_cstr(&k->query),
                                   &k->url, &k->host, &k->path);
    if (!rc)
        rc = check_target(k, r);
    if (!rc)
        rc = sign_headers(c, cfg, k, r);
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
        /* Below 1 byte/s curl also wakes the handle every second, which is
         * what calls on_progress while a connection is silent. */
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(e, CURLOPT_XFERINFODATA, k);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, cfg->verify_tls ? 1L : 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, cfg->verify_tls ? 2L : 0L);
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "s3engine/" S3E_VERSION);
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
        k->cainfo = NULL;
    }
    set_cainfo(k, cfg->ca_bundle);
    curl_easy_setopt(e, CURLOPT_URL, k->url.data);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, k->slist);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, k->lim.total_ms);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (k->lim.total_ms + 999) / 1000);
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

/* Our total limit (not the connect timeout, which curl names itself). */
static int timed_out(const struct conn *k, CURLcode cc)
{
    return (cc == CURLE_OPERATION_TIMEDOUT) &&
           (strncmp(k->curl_err, "Operation timed out", 19) == 0 ||
            strncmp(k->curl_err, "Operation too slow", 18) == 0);
}

/* An attempt ended by a signal, a silence or a time limit, said plainly. */
static int ended_by_limit(const struct conn *k, CURLcode cc, struct s3e_s3_error *err)
{
    err->http_status = 0;
    err->code[0] = err->message[0] = '\0';
    err->retryable = 1;
    if (k->canceled) {
        err->retryable = 0;
        snprintf(err->detail, sizeof err->detail, "interrupted");
        return S3E_ECANCELED;
    }
    if (k->stalled) {
        snprintf(err->detail, sizeof err->detail, "stalled: no progress for %ld s",
                 k->lim.stall_ms / 1000);
    } else if (k->lim.by_deadline) {
        err->retryable = 0;
        snprintf(err->detail, sizeof err->detail, "the object's deadline (%ld s) passed",
                 k->deadline_s);
    } else {
        snprintf(err->detail, sizeof err->detail, "no complete answer within %ld s (%s)",
                 k->lim.total_ms / 1000, curl_easy_strerror(cc));
    }
    return S3E_ETRANSPORT;
}

/* An answer that says the bucket is in another region than the one this
 * request was signed for: remember that region for the bucket, and the
 * request is retried there at once (err->region says so). */
static void region_moved(struct conn *k, const struct s3e_req *r, struct s3e_s3_error *err)
{
    char header[S3E_REGION_MAX], named[S3E_REGION_MAX];
    s3e_resp_header(k->resp, "x-amz-bucket-region", header, sizeof header);
    int moved = r->bucket && k->regions &&
                s3e_region_named(err->http_status, err->code, header, err->region, named) &&
                strcmp(named, k->region) != 0;
    err->region[0] = '\0';
    if (!moved)
        return;
    if (s3e_regions_set(k->regions, r->bucket, named))
        s3e_info("bucket %s is in region %s (%s answered %ld %s): its requests go there now",
                 r->bucket, named, r->op, err->http_status, err->code);
    snprintf(err->region, sizeof err->region, "%s", named);
    err->retryable = 1;
}

/* The server's clock as the answer's Date header gives it; 0 when absent. */
static time_t answer_date(const struct s3e_resp *resp)
{
    char date[64];
    if (!s3e_resp_header(resp, "date", date, sizeof date))
        return 0;
    int64_t t = s3e_parse_time(date);
    return t > 0 ? (time_t)t : 0;
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
        err->code[0] = err->message[0] = '\0';
        snprintf(err->detail, sizeof err->detail,
                 "response body too large (over %zu bytes from %s)", k->max_body,
                 s3e_buf_cstr(&k->host));
        err->retryable = 0;
        return S3E_ELIMIT;
    }
    if (headers_too_large(k, cc, err))
        return S3E_ELIMIT;
    if (cc != CURLE_OK && (k->canceled || k->stalled || timed_out(k, cc)))
        return ended_by_limit(k, cc, err);
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
    /* Refused in a way expired credentials are too (radosgw: AccessDenied): one
     * retry with renewed ones when the set had expired by either clock. */
    else if (rc == S3E_ES3 && k->cred &&
             s3e_retry_may_be_expired(r->method, err->http_status, err->code) &&
             s3e_cred_provider_refused(k->cred, k->cred_gen, answer_date(resp)))
        err->retryable = S3E_RETRY_ONCE_RENEWED;
    if (rc == S3E_ES3)
        region_moved(k, r, err);
    return rc;
}

long s3e_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
