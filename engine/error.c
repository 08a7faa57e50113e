/* error.c - message table for enum s3e_err. */
#include "s3engine/error.h"

static const char *const messages[S3E_ERR_COUNT] = {
    [S3E_OK] = "success",
    [S3E_ENOMEM] = "out of memory",
    [S3E_EINVAL] = "invalid argument",
    [S3E_EIO] = "I/O error",
    [S3E_ETRANSPORT] = "network error (no HTTP response)",
    [S3E_ES3] = "S3 returned an error",
    [S3E_EPARSE] = "malformed response",
    [S3E_ECREDS] = "no usable credentials",
    [S3E_EVERIFY] = "copy verification failed",
    [S3E_EPLAN] = "invalid plan",
    [S3E_ECANCELED] = "canceled",
    [S3E_ELIMIT] = "limit exceeded",
};

const char *s3e_strerror(int err)
{
    if (err < 0 || err >= S3E_ERR_COUNT || !messages[err])
        return "unknown error";
    return messages[err];
}
