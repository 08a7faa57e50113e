/* s3_client_int.h - s3_client.c's insides, shared with s3_async.c: the client,
 * one connection's request/response plumbing and the retry policy. Internal. */
#ifndef S3E_S3_CLIENT_INT_H
#define S3E_S3_CLIENT_INT_H

#include <curl/curl.h>
#include "s3_client.h"
#include "s3_async.h"
#include "s3_limits.h"
#include "s3engine/region.h"

#define DEFAULT_MAX_BODY (1u << 20)
#define MAX_RESP_HEADERS (64u << 10)
#define BACKOFF_BASE_MS 100
#define SLOWDOWN_BASE_MS 1000
#define BACKOFF_CAP_MS 20000
/* After a signal, the time cleanups (aborting this run's uploads) still get. */
#define CLEANUP_GRACE_MS 2000

/* One libcurl handle and the buffers it needs for a request. */
struct conn {
    CURL *easy;
    struct curl_slist *slist;
    struct s3e_buf url, host, path, query, auth, line;
    struct s3e_resp *resp;
    size_t max_body;
    int overflow;
    int headers_done;   /* the final response's header block ended with its blank line */
    size_t header_bytes; /* of the final response's header block so far */
    int headers_overflow; /* that block went past MAX_RESP_HEADERS */
    char curl_err[CURL_ERROR_SIZE];
    long req;          /* index of the request it carries in send_many, -1 = free */
    int configured;    /* the options that never change are set */
    /* this attempt's time limits and what the progress callback saw */
    struct s3e_limits lim;
    long deadline_s;          /* the object's deadline, for the message */
    const atomic_int *cancel;  /* NULL for a cleanup */
    uint64_t received;        /* header and body bytes */
    uint64_t moved_seen;      /* received + sent when last seen to change */
    long quiet_since;         /* monotonic ms of that change */
    int stalled, canceled;    /* why the progress callback ended it */
    struct s3e_cred_provider *cred; /* whose credentials signed the request (NULL: static) */
    char region[S3E_REGION_MAX];    /* the region it was signed for (its bucket's, region.h) */
    struct s3e_regions *regions;    /* where an answer naming another region is remembered */
    unsigned long cred_gen;         /* and which generation of them */
};

/* The event loop of a client used with s3e_client_start/run. */
struct loop {
    int epfd;
    long timer_at;             /* curl's next timeout (monotonic ms), -1 = none */
    struct s3e_areq **retry;   /* requests waiting for their backoff */
    size_t nretry, cap;
    int active;                /* requests on the multi handle */
};

struct s3e_client {
    const struct s3e_config *cfg;
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

void s3e_conn_init(struct conn *k);
void s3e_conn_free(struct conn *k);
/* Sign r and set it up on k's handle; resp is reset and receives the answer.
 * A request that must not be sent (an empty or invalid key, a header value
 * with CR/LF or another control character) gives S3E_EINVAL with the reason
 * in err->detail (err may be NULL); nothing goes on the wire. */
/* It also sets the attempt's time limits; an attempt that may not start,
 * because the run is stopping (S3E_ECANCELED) or the object's deadline dl
 * (NULL = none) has passed (S3E_ETRANSPORT, not retryable), is refused the
 * same way. */
int  s3e_conn_prepare(struct s3e_client *c, struct conn *k, const struct s3e_req *r,
                      struct s3e_resp *resp, struct s3e_s3_error *err,
                      const struct s3e_deadline *dl);
/* The run is stopping: requests other than cleanups must not start or retry. */
int  s3e_client_canceled(const struct s3e_client *c);
/* Wait ms for a retry, less when the run stops or dl (NULL = none) comes first. */
void s3e_client_nap(const struct s3e_client *c, long ms, const struct s3e_deadline *dl);
/* A finished transfer as S3E_OK or a classified failure in *err. */
int  s3e_conn_finish(struct conn *k, const struct s3e_req *r, CURLcode cc,
                     struct s3e_s3_error *err);
/* Milliseconds to wait before retry number `attempt`. */
long s3e_client_backoff(struct s3e_client *c, const struct s3e_s3_error *err, int attempt);
void s3e_req_log_failure(const struct s3e_req *r, const struct s3e_s3_error *err, int attempt,
                         int final);

#endif
