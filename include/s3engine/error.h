/* error.h - the one error enum of s3engine and its message table.
 *
 * Every engine function that can fail returns 0 (S3E_OK) or one of these,
 * and writes its results through out_ parameters. Details of an S3 failure
 * (HTTP status, S3 code, message, request id) travel in struct s3e_s3_error
 * beside it; the enum only says which kind of failure it was. */
#ifndef S3E_ERROR_H
#define S3E_ERROR_H

#include <stddef.h>

enum s3e_err {
    S3E_OK = 0,
    S3E_ENOMEM,     /* out of memory */
    S3E_EINVAL,     /* bad argument or bad user input */
    S3E_EIO,        /* local file I/O failed (errno is kept where useful) */
    S3E_ETRANSPORT, /* connect/TLS/timeout/reset: the request got no HTTP answer */
    S3E_ES3,        /* S3 answered with an error (4xx/5xx, or <Error> inside a 200) */
    S3E_EPARSE,     /* a response body or file could not be parsed */
    S3E_ECREDS,     /* no usable credentials or region */
    S3E_EVERIFY,    /* the copied object does not match its source */
    S3E_EPLAN,      /* the Lua plan is broken (syntax, type, unknown target, hook raised) */
    S3E_ECANCELED,  /* stopped by the user or because the run is shutting down */
    S3E_ELIMIT,     /* a hard limit was hit (buffer maximum, part count, object size) */
    S3E_ERR_COUNT
};

/* Short, static, human-readable text for an error code. Never NULL. */
const char *s3e_strerror(int err);

/* What went wrong with the last failed request of an operation. */
struct s3e_s3_error {
    long http_status;      /* 0 when no HTTP answer came */
    char code[64];         /* S3 error code ("NoSuchKey"), or "" */
    char message[256];     /* S3 message (may be empty on radosgw) */
    char request_id[128];  /* x-amz-request-id, or "" */
    char detail[256];      /* transport error text, or what failed to parse */
    char operation[32];    /* "CopyObject", "UploadPartCopy", ... */
    char region[64];       /* the region an error body names for its bucket (<Region>,
                              or that of <Endpoint>); after a request, set only when the
                              answer moved the bucket to that region (region.h) */
    int  attempts;         /* tries made, including the first */
    int  retryable;        /* the last failure was of a retryable kind */
};

void s3e_s3_error_clear(struct s3e_s3_error *e);
/* One line for humans, e.g. "CopyObject: NoSuchKey (HTTP 404): The specified
 * key does not exist. [request-id tx0001] after 1 attempt". Never NULL-terminates
 * past len. Returns out. */
char *s3e_s3_error_format(const struct s3e_s3_error *e, int err, char *out, size_t len);

#endif
