/* s3_async.h - S3 requests on an event loop: many in flight on one thread.
 * Internal. */
#ifndef S3E_S3_ASYNC_H
#define S3E_S3_ASYNC_H

#include "s3_client.h"
#include "ratelimit.h"
#include "s3engine/retry.h"

/* A client used this way drives its own curl multi handle with epoll
 * (curl_multi_socket_action): one thread, hundreds of requests in flight,
 * a few system calls per request. Do not mix with s3e_client_send_many on
 * the same client. */
struct s3e_areq {
    void *conn;                 /* internal */
    struct s3e_resp resp;       /* the final response */
    struct s3e_s3_error err;    /* filled on failure */
    const struct s3e_req *req;  /* kept alive by the caller until done */
    struct s3e_retry tries;     /* attempts so far (retry.h), internal */
    long not_before;            /* retry time (monotonic ms), internal */
    struct s3e_deadline deadline; /* the object's, set by the caller; zeroed = none */
    int cleanup;                /* set by the caller: a cleanup (AbortMultipartUpload, the
                                   listing that finds a lost upload), as s3e_client_cleanup:
                                   not bound by the deadline, given a grace after a signal */
    struct s3e_rate_ticket slot; /* its place under the rate limit while sent, internal */
    void *ud;                   /* the caller's */
    struct s3e_flow *flow;      /* set by the caller, or NULL: each attempt's answer is
                                   told to this window (flow.h) */
    long sent_ms;               /* when the attempt in flight was sent, internal */
};

int  s3e_areq_init(struct s3e_areq *a);
void s3e_areq_free(struct s3e_areq *a);
/* Start a request (with retries as s3e_client_send). */
int  s3e_client_start(struct s3e_client *c, struct s3e_areq *a, const struct s3e_req *r);
/* Wait up to timeout_ms for network events and run them; for every request
 * that finished for good calls done(ud, a, rc) (rc S3E_OK or a failure with
 * a->err filled). Returns the number of requests still in flight or waiting
 * to be retried, or -1 when the loop itself failed. */
int  s3e_client_run(struct s3e_client *c, int timeout_ms,
                    void (*done)(void *ud, struct s3e_areq *a, int rc), void *ud);
/* End the loop's wait (s3e_client_run returns): from any thread, once the
 * loop exists (a request was started on it). */
void s3e_client_wake(struct s3e_client *c);
/* Free the loop that s3e_client_start/run made (NULL or none is fine). Whoever
 * drives the loop frees it, once its requests are freed and before
 * s3e_client_free: the client knows nothing of the loop's insides. */
void s3e_client_loop_free(struct s3e_client *c);

#endif
