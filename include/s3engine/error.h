/* error.h - the one error enum of s3engine and its message table.
 *
 * Every engine function that can fail returns 0 (S3E_OK) or one of these,
 * and writes its results through out_ parameters. Details of an S3 failure
 * (HTTP status, S3 code, message, request id) travel in struct s3e_s3_error
 * (s3.h); this enum only says which kind of failure it was. */
#ifndef S3E_ERROR_H
#define S3E_ERROR_H

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

#endif
