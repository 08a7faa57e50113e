/* s3_conn.h - one connection's plumbing: a request (struct s3e_req) signed
 * and set up on a libcurl handle, and its answer (struct s3e_resp) read and
 * classified. Internal: s3_client.c sends and retries over it, s3_async.c
 * runs it on the event loop. */
#ifndef S3E_S3_CONN_H
#define S3E_S3_CONN_H

#include <curl/curl.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/region.h"
#include "s3engine/sigv4.h"
#include "s3engine/uri.h"
#include "s3_limits.h"

#define S3E_MAX_REQ_HEADERS 64 /* content headers, metadata, encryption, conditions */

struct s3e_config;

struct s3e_req {
    const char *op;                       /* operation name for errors/logs */
    const char *method;                   /* GET HEAD PUT POST DELETE */
    const char *bucket;                   /* NULL = service */
    const char *key;                      /* NULL = bucket-level */
    const char *src_bucket;               /* a copy's source bucket (x-amz-copy-source), or NULL */
    const struct s3e_query_param *query;  /* raw names/values */
    size_t nquery;
    struct s3e_header headers[S3E_MAX_REQ_HEADERS]; /* extra headers, all signed */
    size_t nheaders;
    const char *body;                     /* NULL = empty */
    size_t body_len;
    const char *body_sha256;              /* body's SHA-256 (hex) as its caller computed it,
                                             or NULL: computed when signed, every attempt */
    int expect_body_error;                /* a 200 with <Error> is a failure */
    size_t max_body;                      /* response body limit (0 = 1 MiB) */
    uint64_t copy_bytes;                  /* a server-side copy: the bytes it copies (its
                                             time limit grows with them); 0 = not a copy */
    uint64_t wait_bytes;                  /* bytes of a server-side copy the server may finish
                                             before it answers this request (one part in flight
                                             on the same loop): its time limit grows with them
                                             too, so it does not run out while queued (flow.h) */
    const struct s3e_config *via;         /* the connection it goes through, or NULL: the
                                             client's pin, else its bucket's (a streamed
                                             copy's two sides on one loop) */
};

struct s3e_resp {
    long status;
    struct s3e_buf body;
    struct s3e_buf headers;  /* raw "name: value\r\n" lines of the final response */
    char request_id[128];
};

/* Monotonic milliseconds. */
long s3e_now_ms(void);

/* An object's deadline: no attempt starts after it, none lasts past it. */
struct s3e_deadline {
    long at_ms;   /* monotonic (s3e_now_ms); 0 = none */
    long seconds; /* as the user set it, for messages */
};

/* Add a header to a request; returns S3E_ELIMIT when full. */
int s3e_req_header(struct s3e_req *r, const char *name, const char *value);

void s3e_resp_init(struct s3e_resp *r);
void s3e_resp_free(struct s3e_resp *r);
/* Value of a response header (case-insensitive name), copied into out
 * (trimmed). Returns 1 when found. */
int s3e_resp_header(const struct s3e_resp *r, const char *name, char *out, size_t len);

#define DEFAULT_MAX_BODY (1u << 20)
#define MAX_RESP_HEADERS (64u << 10)
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
    const char *cainfo; /* the CA bundle it verifies with: its connection's
                           ca_bundle (NULL: curl's own), set per request */
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

struct s3e_client;

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
/* A finished transfer as S3E_OK or a classified failure in *err. */
int  s3e_conn_finish(struct conn *k, const struct s3e_req *r, CURLcode cc,
                     struct s3e_s3_error *err);

#endif
