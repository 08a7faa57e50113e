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

void s3e_resp_init(struct s3e_resp *r);
void s3e_resp_free(struct s3e_resp *r);
/* Value of a response header (case-insensitive name), copied into out
 * (trimmed). Returns 1 when found. */
int s3e_resp_header(const struct s3e_resp *r, const char *name, char *out, size_t len);

#endif
