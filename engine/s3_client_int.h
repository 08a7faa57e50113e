/* s3_client_int.h - s3_client.c's insides, shared with s3_async.c and
 * s3_conn.c: the client and the retry policy. Internal. */
#ifndef S3E_S3_CLIENT_INT_H
#define S3E_S3_CLIENT_INT_H

#include <curl/curl.h>
#include "s3_client.h"
#include "s3_async.h"
#include "s3engine/retry.h"


/* The event loop of a client used with s3e_client_start/run. */
struct loop {
    int epfd;
    long timer_at;             /* curl's next timeout (monotonic ms), -1 = none */
    struct s3e_areq **retry;   /* requests waiting for their backoff */
    size_t nretry, cap;
    int active;                /* requests on the multi handle */
    int wake_fd;               /* an eventfd in epfd: s3e_client_wake ends a wait */
};

struct s3e_client {
    const struct s3e_config *cfg;
    const struct s3e_config *pin; /* every request through this connection, or NULL:
                                     by its bucket (s3e_client_pin) */
    struct s3e_sigv4_cache sig;
    struct s3e_creds creds;   /* this thread's copy of the provider's credentials */
    unsigned long cred_gen;
    const struct s3e_cred_provider *cred_of; /* whose they are (one per connection, conns.h) */
    struct conn main;
    struct conn *pool;
    size_t npool;
    CURLM *multi;
    unsigned seed;
    struct loop *loop;
    struct s3e_deadline deadline; /* of the object this client works on (blocking path) */
    int cleanup;                  /* requests now are cleanups: see s3e_client_cleanup */
    long grace_at;                /* monotonic ms: end of the cleanups' grace, 0 = no signal yet */
};

/* The run is stopping: requests other than cleanups must not start or retry. */
int  s3e_client_canceled(const struct s3e_client *c);
/* Wait ms for a retry, less when the run stops or dl (NULL = none) comes first. */
void s3e_client_nap(const struct s3e_client *c, long ms, const struct s3e_deadline *dl);
/* Milliseconds to wait before retry number `attempt`. */
/* After a failed attempt of r: s3e_retry_after's decision (retry.h) on err,
 * the failure logged as retried or final. -1: final, else ms to wait. */
long s3e_client_retry(struct s3e_client *c, const struct s3e_req *r,
                      const struct s3e_s3_error *err, struct s3e_retry *st, int stop);
void s3e_req_log_failure(const struct s3e_req *r, const struct s3e_s3_error *err, int attempt,
                         int final);

#endif
