/* s3_async.c - S3 requests on an event loop: many in flight on one thread,
 * curl's multi interface driven by epoll (curl_multi_socket_action), with
 * the same retries and rate limit as s3e_client_send. */
#include "s3_client.h"
#include "s3_async.h"
#include "flow.h"
#include "s3_client_int.h"
#include "s3engine/error.h"
#include "s3engine/log.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* curl tells which sockets to watch; socketp marks those already in epoll. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)easy;
    struct s3e_client *c = userp;
    int epfd = c->loop->epfd;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
        return 0;
    }
    struct epoll_event ev = { .events = 0, .data.fd = fd };
    if (what & CURL_POLL_IN)
        ev.events |= EPOLLIN;
    if (what & CURL_POLL_OUT)
        ev.events |= EPOLLOUT;
    if (socketp) {
        epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
    } else {
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
            epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
        curl_multi_assign(c->multi, fd, c);
    }
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    struct loop *l = userp;
    l->timer_at = timeout_ms < 0 ? -1 : s3e_now_ms() + timeout_ms;
    return 0;
}

static int loop_init(struct s3e_client *c)
{
    if (c->loop)
        return S3E_OK;
    if (!c->multi && !(c->multi = curl_multi_init()))
        return S3E_ENOMEM;
    struct loop *l = calloc(1, sizeof *l);
    if (!l)
        return S3E_ENOMEM;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    l->timer_at = -1;
    struct epoll_event wake = { .events = EPOLLIN, .data.fd = l->wake_fd };
    if (l->epfd < 0 || l->wake_fd < 0 || epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wake_fd, &wake)) {
        if (l->epfd >= 0)
            close(l->epfd);
        if (l->wake_fd >= 0)
            close(l->wake_fd);
        free(l);
        return S3E_EIO;
    }
    c->loop = l;
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, l);
    return S3E_OK;
}

int s3e_areq_init(struct s3e_areq *a)
{
    memset(a, 0, sizeof *a);
    struct conn *k = malloc(sizeof *k);
    if (!k)
        return S3E_ENOMEM;
    s3e_conn_init(k);
    if (!k->easy) {
        free(k);
        return S3E_ENOMEM;
    }
    a->conn = k;
    s3e_resp_init(&a->resp);
    return S3E_OK;
}

void s3e_areq_free(struct s3e_areq *a)
{
    if (!a->conn)
        return;
    s3e_conn_free(a->conn);
    free(a->conn);
    a->conn = NULL;
    s3e_resp_free(&a->resp);
}

static int schedule_retry(struct loop *l, struct s3e_areq *a, long at);

/* Put the request on the multi handle (one attempt), or, while the rate
 * limit (ratelimit.h) has no room for it, back on the waiting list. */
static int launch(struct s3e_client *c, struct s3e_areq *a)
{
    struct conn *k = a->conn;
    long now = s3e_now_ms();
    /* Stopping: the attempt is refused below at once, not kept waiting for room. */
    long wait = s3e_client_canceled(c) ? 0
                                       : s3e_ratelimit_try(c->cfg->rate, a->req->bucket, now,
                                                           &a->slot);
    if (wait > 0)
        return schedule_retry(c->loop, a, now + wait);
    s3e_client_cleanup(c, a->cleanup);
    int rc = s3e_conn_prepare(c, k, a->req, &a->resp, &a->err, a->cleanup ? NULL : &a->deadline);
    s3e_client_cleanup(c, 0);
    if (!rc)
        curl_easy_setopt(k->easy, CURLOPT_PRIVATE, a);
    if (!rc && curl_multi_add_handle(c->multi, k->easy) != CURLM_OK)
        rc = S3E_ENOMEM;
    if (rc) {
        s3e_ratelimit_done(&a->slot, S3E_RATE_OTHER, now);
        return rc;
    }
    a->tries.attempts++;
    a->sent_ms = now;
    c->loop->active++;
    return S3E_OK;
}

int s3e_client_start(struct s3e_client *c, struct s3e_areq *a, const struct s3e_req *r)
{
    int rc = loop_init(c);
    if (rc)
        return rc;
    a->req = r;
    a->tries = (struct s3e_retry){ 0, 0, 0 };
    s3e_s3_error_clear(&a->err);
    return launch(c, a);
}

/* Tell a's window how the server answered this attempt; say so when it shrank. */
static void tell_flow(struct s3e_areq *a, int rc)
{
    const struct s3e_s3_error *e = &a->err;
    const struct conn *k = a->conn;
    long now = s3e_now_ms(), status = e->http_status;
    int busy = e->retryable && !e->region[0] &&
               (status == 0 || status >= 500 || status == 429 || !strcmp(e->code, "SlowDown"));
    /* against the request's own limit: one cut short by its object's deadline
     * would make answers in good time look slow as that deadline nears */
    enum s3e_flow_signal sig = s3e_flow_classify(rc, busy, now - a->sent_ms, k->lim.own_ms);
    int was = s3e_flow_limit(a->flow);
    if (s3e_flow_answer(a->flow, sig, a->sent_ms, now) && s3e_flow_limit(a->flow) < was)
        s3e_info("server busy (%s %s after %ld ms): at most %d part copies in flight now, "
                 "down from %d", a->req->op,
                 rc == S3E_OK ? "slow" : e->code[0] ? e->code : e->detail, now - a->sent_ms,
                 s3e_flow_limit(a->flow), was);
}

static int schedule_retry(struct loop *l, struct s3e_areq *a, long at)
{
    if (l->nretry == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct s3e_areq **r = realloc(l->retry, cap * sizeof *r);
        if (!r)
            return S3E_ENOMEM;
        l->retry = r;
        l->cap = cap;
    }
    a->not_before = at;
    l->retry[l->nretry++] = a;
    return S3E_OK;
}

/* Finished transfers: retry, or report them done. */
static void reap(struct s3e_client *c, void (*done)(void *, struct s3e_areq *, int), void *ud)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct s3e_areq *a;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&a);
        CURLcode cc = m->data.result;
        curl_multi_remove_handle(c->multi, m->easy_handle);
        c->loop->active--;
        int rc = s3e_conn_finish(a->conn, a->req, cc, &a->err);
        a->err.attempts = a->tries.attempts;
        if (a->flow)
            tell_flow(a, rc);
        s3e_ratelimit_done(&a->slot, s3e_ratelimit_outcome(rc, a->err.http_status, a->err.code),
                           s3e_now_ms());
        long wait = rc == S3E_OK ? -1 : s3e_client_retry(c, a->req, &a->err, &a->tries,
                                                          s3e_client_canceled(c) && !a->cleanup);
        if (wait >= 0) {
            long at = s3e_now_ms() + wait;
            if (a->deadline.at_ms && a->deadline.at_ms < at && !a->cleanup)
                at = a->deadline.at_ms; /* where launch says the deadline passed */
            if (schedule_retry(c->loop, a, at) == 0)
                continue;
        }
        done(ud, a, rc);
    }
}

/* Relaunch requests whose backoff is over; the earliest still waiting. */
static long relaunch_due(struct s3e_client *c, void (*done)(void *, struct s3e_areq *, int),
                         void *ud)
{
    struct loop *l = c->loop;
    long now = s3e_now_ms(), next = -1;
    for (size_t i = 0; i < l->nretry;) {
        struct s3e_areq *a = l->retry[i];
        if (a->not_before > now && !s3e_client_canceled(c)) {
            next = next < 0 || a->not_before < next ? a->not_before : next;
            i++;
            continue;
        }
        l->retry[i] = l->retry[--l->nretry];
        int rc = launch(c, a); /* refused when the run stops or the deadline passed */
        if (rc) {
            a->err.retryable = 0;
            done(ud, a, rc);
        }
    }
    return next;
}

int s3e_client_run(struct s3e_client *c, int timeout_ms,
                   void (*done)(void *ud, struct s3e_areq *a, int rc), void *ud)
{
    if (loop_init(c))
        return -1;
    struct loop *l = c->loop;
    long next_retry = relaunch_due(c, done, ud);
    long now = s3e_now_ms(), wait = timeout_ms;
    if (l->timer_at >= 0)
        wait = l->timer_at <= now ? 0 : (l->timer_at - now < wait ? l->timer_at - now : wait);
    if (next_retry >= 0)
        wait = next_retry <= now ? 0 : (next_retry - now < wait ? next_retry - now : wait);
    struct epoll_event ev[64];
    int n = epoll_wait(l->epfd, ev, 64, (int)wait);
    int running = 0;
    for (int i = 0; i < n; i++) {
        if (ev[i].data.fd == l->wake_fd) {
            uint64_t wakes;
            ssize_t got = read(l->wake_fd, &wakes, sizeof wakes);
            (void)got; /* how many does not matter: the caller looks at what is done */
            continue;
        }
        int flags = 0;
        if (ev[i].events & (EPOLLIN | EPOLLHUP))
            flags |= CURL_CSELECT_IN;
        if (ev[i].events & EPOLLOUT)
            flags |= CURL_CSELECT_OUT;
        if (ev[i].events & EPOLLERR)
            flags |= CURL_CSELECT_ERR;
        curl_multi_socket_action(c->multi, ev[i].data.fd, flags, &running);
    }
    if (l->timer_at >= 0 && s3e_now_ms() >= l->timer_at) {
        l->timer_at = -1;
        curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    reap(c, done, ud);
    return l->active + (int)l->nretry;
}

void s3e_client_wake(struct s3e_client *c)
{
    uint64_t one = 1;
    ssize_t put = c->loop ? write(c->loop->wake_fd, &one, sizeof one) : 0;
    (void)put; /* fails only when the counter is full: a wake is due anyway */
}

void s3e_client_loop_free(struct s3e_client *c)
{
    struct loop *l = c ? c->loop : NULL;
    if (!l)
        return;
    /* curl_multi_cleanup, later in s3e_client_free, must not call back into it */
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, NULL);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, NULL);
    close(l->epfd);
    close(l->wake_fd);
    free(l->retry);
    free(l);
    c->loop = NULL;
}
