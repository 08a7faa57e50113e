/* s3_client.c - S3 requests sent over s3_conn.c's connections: one kept-alive
 * handle for sequential requests, a pool on a multi handle for parallel ones,
 * retries with exponential backoff and full jitter, all under the run's rate
 * limit. */
#include "s3_client.h"
#include "conns.h"
#include "s3_client_int.h"
#include "s3engine/cred.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/retry.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int s3e_client_canceled(const struct s3e_client *c)
{
    return c->cfg->cancel && *c->cfg->cancel;
}

void s3e_client_set_deadline(struct s3e_client *c, const struct s3e_deadline *dl)
{
    c->deadline = dl ? *dl : (struct s3e_deadline){ 0, 0 };
}

void s3e_client_cleanup(struct s3e_client *c, int on)
{
    c->cleanup = on;
}

void s3e_client_nap(const struct s3e_client *c, long ms, const struct s3e_deadline *dl)
{
    long until = s3e_now_ms() + ms;
    if (dl && dl->at_ms && dl->at_ms < until)
        until = dl->at_ms;
    for (long now = s3e_now_ms(); now < until && !s3e_client_canceled(c); now = s3e_now_ms())
        usleep((useconds_t)((until - now < 50 ? until - now : 50) * 1000));
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
    s3e_conn_free(&c->main);
    memset(&c->sig, 0, sizeof c->sig);
    s3e_creds_clear(&c->creds);
    free(c);
}

const struct s3e_config *s3e_client_config(const struct s3e_client *c) { return c->cfg; }

void s3e_client_pin(struct s3e_client *c, const struct s3e_config *conn) { c->pin = conn; }

const struct s3e_config *s3e_client_pinned(const struct s3e_client *c) { return c->pin; }

const struct s3e_config *s3e_client_route(const struct s3e_client *c, const char *bucket)
{
    return c->pin ? c->pin : s3e_conns_config(c->cfg->conns, bucket, c->cfg);
}

long s3e_client_retry(struct s3e_client *c, const struct s3e_req *r,
                      const struct s3e_s3_error *err, struct s3e_retry *st, int stop)
{
    long wait = s3e_retry_after(st, err->retryable, err->code, err->region[0] != 0,
                                c->cfg->max_attempts, stop, &c->seed);
    s3e_req_log_failure(r, err, st->attempts, wait < 0);
    return wait;
}

void s3e_req_log_failure(const struct s3e_req *r, const struct s3e_s3_error *err, int attempt, int final)
{
    s3e_debug("%s %s/%s attempt %d %s: HTTP %ld %s %s [request-id %s]", r->op,
              r->bucket ? r->bucket : "", r->key ? r->key : "", attempt,
              final ? "failed" : "will be retried", err->http_status, err->code, err->detail,
              err->request_id[0] ? err->request_id : "-");
}

/* Wait for room under the run's rate limit (ratelimit.h). */
static void rate_wait(struct s3e_client *c, const struct s3e_req *r, struct s3e_rate_ticket *t)
{
    long wait;
    while (!s3e_client_canceled(c) &&
           (wait = s3e_ratelimit_try(c->cfg->rate, r->bucket, s3e_now_ms(), t)) > 0)
        usleep((useconds_t)wait * 1000);
}

int s3e_client_send(struct s3e_client *c, const struct s3e_req *r, struct s3e_resp *resp,
                    struct s3e_s3_error *err)
{
    struct s3e_s3_error local;
    if (!err)
        err = &local;
    int rc = S3E_OK;
    struct s3e_retry tries = { 0, 0, 0 };
    for (;;) {
        int attempt = ++tries.attempts;
        struct s3e_rate_ticket slot = { 0 };
        rate_wait(c, r, &slot);
        rc = s3e_conn_prepare(c, &c->main, r, resp, err, &c->deadline);
        if (rc) {
            s3e_ratelimit_done(&slot, S3E_RATE_OTHER, s3e_now_ms());
            return rc;
        }
        CURLcode cc = curl_easy_perform(c->main.easy);
        rc = s3e_conn_finish(&c->main, r, cc, err);
        err->attempts = attempt;
        s3e_ratelimit_done(&slot, s3e_ratelimit_outcome(rc, err->http_status, err->code),
                           s3e_now_ms());
        if (rc == S3E_OK)
            return S3E_OK;
        /* stopping: the next attempt is refused (S3E_ECANCELED) */
        long wait = s3e_client_retry(c, r, err, &tries, 0);
        if (wait < 0)
            break;
        s3e_client_nap(c, wait, c->cleanup ? NULL : &c->deadline);
    }
    return rc;
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
    /* The connections may have moved: their handles still point at the old places
     * (header, body and progress callbacks' data, the error buffer), set once
     * per handle; have them set again before the next request. */
    for (size_t i = 0; i < c->npool; i++)
        p[i].configured = 0;
    c->pool = p;
    for (; c->npool < n; c->npool++) {
        s3e_conn_init(&c->pool[c->npool]);
        if (!c->pool[c->npool].easy)
            return S3E_ENOMEM;
    }
    return S3E_OK;
}

/* Where one request of send_many is. */
enum pending_state { PENDING_WAITING = 0, PENDING_IN_FLIGHT, PENDING_DONE };

/* Progress of one request inside send_many. */
struct pending {
    struct s3e_retry tries;
    long not_before;
    enum pending_state state; /* zeroed by calloc: waiting */
    struct s3e_rate_ticket slot;
};

/* Everything send_many keeps track of. */
struct many {
    const struct s3e_req *reqs;
    size_t n, done;
    struct pending *st;
    struct s3e_resp *resps;
    struct s3e_s3_error *errs;
    int *rcs;
    int first_failure, stop, stop_on_failure;
};

static void settle(struct many *m, size_t i, int rc)
{
    m->st[i].state = PENDING_DONE;
    m->rcs[i] = rc;
    m->done++;
    if (rc != S3E_OK && m->first_failure == S3E_OK) {
        m->first_failure = rc;
        m->stop = m->stop_on_failure;
    }
}

/* Start waiting requests on free connections; one that may not start (the
 * object's deadline passed, the run is stopping) is done, failed. */
static void start_ready(struct s3e_client *c, struct many *m, size_t nconn)
{
    long now = s3e_now_ms();
    for (size_t k = 0; k < nconn && !m->stop; k++) {
        if (c->pool[k].req >= 0)
            continue;
        for (size_t i = 0; i < m->n && !m->stop; i++) {
            if (m->st[i].state != PENDING_WAITING || m->st[i].not_before > now)
                continue;
            /* stopping: refused below at once, not kept waiting for room */
            if (!s3e_client_canceled(c) &&
                s3e_ratelimit_try(c->cfg->rate, m->reqs[i].bucket, now, &m->st[i].slot) > 0)
                return; /* asked again on the next turn of the loop */
            int rc = s3e_conn_prepare(c, &c->pool[k], &m->reqs[i], &m->resps[i], &m->errs[i],
                                      c->cleanup ? NULL : &c->deadline);
            if (rc) {
                s3e_ratelimit_done(&m->st[i].slot, S3E_RATE_OTHER, now);
                settle(m, i, rc);
                continue;
            }
            curl_multi_add_handle(c->multi, c->pool[k].easy);
            c->pool[k].req = (long)i;
            m->st[i].state = PENDING_IN_FLIGHT;
            m->st[i].tries.attempts++;
            break;
        }
    }
}

/* Finished transfers: retry, or settle them. */
static void reap_many(struct s3e_client *c, struct many *m)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct conn *k;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&k);
        CURLcode cc = msg->data.result;
        curl_multi_remove_handle(c->multi, msg->easy_handle);
        size_t i = (size_t)k->req;
        k->req = -1;
        int r = s3e_conn_finish(k, &m->reqs[i], cc, &m->errs[i]);
        m->errs[i].attempts = m->st[i].tries.attempts;
        s3e_ratelimit_done(&m->st[i].slot,
                           s3e_ratelimit_outcome(r, m->errs[i].http_status, m->errs[i].code),
                           s3e_now_ms());
        long wait = r == S3E_OK ? -1 : s3e_client_retry(c, &m->reqs[i], &m->errs[i],
                                                         &m->st[i].tries, m->stop);
        if (wait >= 0) {
            m->st[i].state = PENDING_WAITING;
            m->st[i].not_before = s3e_now_ms() + wait;
            continue;
        }
        settle(m, i, r);
    }
}

int s3e_client_send_many(struct s3e_client *c, const struct s3e_req *reqs, size_t n,
                         int max_in_flight, int stop_on_failure, struct s3e_resp *resps,
                         struct s3e_s3_error *errs, int *rcs)
{
    size_t nconn = (size_t)(max_in_flight > 0 ? max_in_flight : 1);
    if (nconn > n)
        nconn = n;
    struct many m = { .reqs = reqs, .n = n, .resps = resps, .errs = errs, .rcs = rcs,
                      .stop_on_failure = stop_on_failure };
    m.st = calloc(n ? n : 1, sizeof *m.st);
    int rc = m.st ? ensure_pool(c, nconn) : S3E_ENOMEM;
    for (size_t i = 0; i < n; i++)
        rcs[i] = S3E_ECANCELED;
    while (!rc && m.done < n) {
        start_ready(c, &m, nconn);
        int running = 0;
        curl_multi_perform(c->multi, &running);
        reap_many(c, &m);
        if (s3e_client_canceled(c) && !c->cleanup) { /* those in flight end on their own */
            m.stop = 1;
            if (m.first_failure == S3E_OK)
                m.first_failure = S3E_ECANCELED;
        }
        if (m.stop) { /* count what will never start as done */
            for (size_t i = 0; i < n; i++)
                if (m.st[i].state == PENDING_WAITING) {
                    m.st[i].state = PENDING_DONE;
                    m.done++;
                }
        }
        if (m.done < n)
            curl_multi_poll(c->multi, NULL, 0, 50, NULL);
    }
    free(m.st);
    return rc ? rc : m.first_failure;
}
