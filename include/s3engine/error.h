/* error.h - the one error enum of s3engine and its message table.
 *
 * Every engine function that can fail returns 0 (S3E_OK) or one of these,
 * writes its results through out_ parameters and, when a person must read
 * why, one line into a buffer its caller owns (char *errbuf, size_t errlen).
 * An S3 request also fills struct s3e_s3_error (HTTP status, S3 code, request
 * id, attempts, retryable): the fields that retries, fail-fast and the
 * `changed` outcome decide by. Passed on as text, it becomes the caller's
 * errbuf line through s3e_s3_errbuf / s3e_s3_error_format. */
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
/* Name the failed step op, unless a request named it already. */
void s3e_s3_error_name_op(struct s3e_s3_error *e, const char *op);
/* The failure rc of an S3 call as one line for humans into errbuf, cut to
 * errlen, e.g. "CopyObject: NoSuchKey (HTTP 404): The specified key does not
 * exist. [request-id tx0001] after 2 attempts" (e may be NULL: the code's
 * text). Returns errbuf. */
char *s3e_s3_error_format(const struct s3e_s3_error *e, int rc, char *errbuf, size_t errlen);
/* The same after what the caller was doing, for a caller that passes the
 * failure on by the errbuf rule: "<fmt...>: <the line above>" into errbuf.
 * Returns rc. */
int s3e_s3_errbuf(char *errbuf, size_t errlen, int rc, const struct s3e_s3_error *e,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
