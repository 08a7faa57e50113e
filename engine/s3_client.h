/* s3_client.h - one signed S3 request over libcurl, with retries; internal
 * to the engine (s3_ops.c builds every operation on it). */
#ifndef S3E_S3_CLIENT_H
#define S3E_S3_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "s3engine/buf.h"
#include "s3engine/s3.h"
#include "s3engine/sigv4.h"
#include "s3engine/uri.h"
#include "ratelimit.h"

#define S3E_MAX_REQ_HEADERS 64 /* content headers, metadata, encryption, conditions */

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
    int expect_body_error;                /* a 200 with <Error> is a failure */
    size_t max_body;                      /* response body limit (0 = 1 MiB) */
    uint64_t copy_bytes;                  /* a server-side copy: the bytes it copies (its
                                             time limit grows with them); 0 = not a copy */
};

struct s3e_resp {
    long status;
    struct s3e_buf body;
    struct s3e_buf headers;  /* raw "name: value\r\n" lines of the final response */
    char request_id[128];
};

/* Time limits of one attempt (s3_limits.c). */
struct s3e_limits {
    long total_ms;    /* its whole time */
    long stall_ms;    /* the longest it may send and receive nothing */
    int  by_deadline; /* total_ms was cut to the time left before the object's deadline */
};

/* The limits of an attempt copying copy_bytes (0 = not a copy) with left_ms
 * before the object's deadline (-1 = none): cfg->request_timeout_ms plus
 * cfg->copy_timeout_ms per GiB copied, no more than left_ms; stalled after
 * half of that (before the cut). Pure. */
void s3e_request_limits(const struct s3e_config *cfg, uint64_t copy_bytes, long left_ms,
                        struct s3e_limits *out);

/* Monotonic milliseconds. */
long s3e_now_ms(void);

/* An object's deadline: no attempt starts after it, none lasts past it. */
struct s3e_deadline {
    long at_ms;   /* monotonic (s3e_now_ms); 0 = none */
    long seconds; /* as the user set it, for messages */
};

/* The deadline of the object the client's blocking requests work on
 * (NULL = none). Cleanups (s3e_client_cleanup) are not bound by it. */
void s3e_client_set_deadline(struct s3e_client *c, const struct s3e_deadline *dl);

/* on = 1: the requests that follow clean up (abort an upload, look for one
 * to abort). They go on after the run was told to stop (cfg->cancel), for
 * a short grace (2 s) shared by all of them, and are not bound by the
 * object's deadline. on = 0: back to ordinary requests. */
void s3e_client_cleanup(struct s3e_client *c, int on);

/* Add a header to a request; returns S3E_ELIMIT when full. */
int s3e_req_header(struct s3e_req *r, const char *name, const char *value);

/* Send with retries. resp must be initialised with s3e_resp_init and is
 * reset per attempt. Returns S3E_OK or a failure with *err filled. */
int s3e_client_send(struct s3e_client *c, const struct s3e_req *r, struct s3e_resp *resp,
                    struct s3e_s3_error *err);

/* Send n independent requests, up to max_in_flight at once, each with its
 * own retries. resps[i]/errs[i]/rcs[i] receive each result. Stops starting
 * new requests after a final failure when stop_on_failure. Returns S3E_OK
 * when all succeeded, else the first failure's code. */
int s3e_client_send_many(struct s3e_client *c, const struct s3e_req *reqs, size_t n,
                         int max_in_flight, int stop_on_failure, struct s3e_resp *resps,
                         struct s3e_s3_error *errs, int *rcs);

/* ---- requests on an event loop (many in flight on one thread) ----------------
 * A client used this way drives its own curl multi handle with epoll
 * (curl_multi_socket_action): one thread, hundreds of requests in flight,
 * a few system calls per request. Do not mix with s3e_client_send_many on
 * the same client. */
struct s3e_areq {
    void *conn;                 /* internal */
    struct s3e_resp resp;       /* the final response */
    struct s3e_s3_error err;    /* filled on failure */
    const struct s3e_req *req;  /* kept alive by the caller until done */
    int attempts;
    long not_before;            /* retry time (monotonic ms), internal */
    struct s3e_deadline deadline; /* the object's, set by the caller; zeroed = none */
    struct s3e_rate_ticket slot; /* its place under the rate limit while sent, internal */
    void *ud;                   /* the caller's */
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

/* s3_ops.c: the CopyObject request (source header built in *source, which
 * must outlive the request); metadata and tags are copied by S3 itself. */
int  s3e_s3_copy_request(struct s3e_req *r, struct s3e_buf *source, const char *src_bucket,
                         const char *src_key, const char *dst_bucket, const char *dst_key);
/* s3_ops.c: one ListObjectsV2 page request (max-keys 1000, encoding-type
 * url): after start_after, or from a continuation token (either may be NULL),
 * with a delimiter or none (NULL). q holds its query and, with the strings,
 * must outlive the request. */
void s3e_s3_list_request(struct s3e_req *r, struct s3e_query_param q[6], const char *bucket,
                         const char *prefix, const char *start_after, const char *token,
                         const char *delimiter);
/* 1 when bucket lists its keys in no particular order (an S3 Express
 * directory bucket, "...--x-s3"); every other bucket lists in byte order. */
int s3e_s3_keys_unordered(const char *bucket);
void s3e_s3_delete_request(struct s3e_req *r, const char *bucket, const char *key);
void s3e_s3_head_request(struct s3e_req *r, const char *bucket, const char *key);

void s3e_resp_init(struct s3e_resp *r);
void s3e_resp_free(struct s3e_resp *r);
/* Value of a response header (case-insensitive name), copied into out
 * (trimmed). Returns 1 when found. */
int s3e_resp_header(const struct s3e_resp *r, const char *name, char *out, size_t len);

#endif
