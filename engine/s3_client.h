/* s3_client.h - signed S3 requests with retries, one at a time or a batch;
 * internal to the engine (s3_ops.c builds every operation on it). The
 * request, the response and the connection under them are s3_conn.h's. */
#ifndef S3E_S3_CLIENT_H
#define S3E_S3_CLIENT_H

#include <stddef.h>
#include "s3engine/s3.h"
#include "s3_conn.h"

/* The deadline of the object the client's blocking requests work on
 * (NULL = none). Cleanups (s3e_client_cleanup) are not bound by it. */
void s3e_client_set_deadline(struct s3e_client *c, const struct s3e_deadline *dl);

/* on = 1: the requests that follow clean up (abort an upload, look for one
 * to abort). They go on after the run was told to stop (cfg->cancel), for
 * a short grace (2 s) shared by all of them, and are not bound by the
 * object's deadline. on = 0: back to ordinary requests. */
void s3e_client_cleanup(struct s3e_client *c, int on);

/* Send every request of c through `conn` (one of conns.h's configurations),
 * whatever its bucket: a bucket named alike on two endpoints (a streamed
 * copy's source and target) is reached on the side the caller means. NULL =
 * by the request's bucket (s3e_conns_config), the default. */
void s3e_client_pin(struct s3e_client *c, const struct s3e_config *conn);
const struct s3e_config *s3e_client_pinned(const struct s3e_client *c);
/* The configuration a request to `bucket` goes through on c. */
const struct s3e_config *s3e_client_route(const struct s3e_client *c, const char *bucket);

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

#endif
