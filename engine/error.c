/* error.c - message table for enum s3e_err, and the one-line form of an S3 failure. */
#include "s3engine/error.h"

#include <stdio.h>
#include <string.h>

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

void s3e_s3_error_clear(struct s3e_s3_error *e)
{
    memset(e, 0, sizeof *e);
}

char *s3e_s3_error_format(const struct s3e_s3_error *e, int err, char *out, size_t len)
{
    if (!e || (!e->code[0] && !e->detail[0] && !e->http_status)) {
        snprintf(out, len, "%s", s3e_strerror(err));
        return out;
    }
    const char *op = e->operation[0] ? e->operation : "request";
    int n;
    if (e->code[0])
        n = snprintf(out, len, "%s: %s (HTTP %ld)%s%s", op, e->code, e->http_status,
                     e->message[0] ? ": " : "", e->message);
    else
        n = snprintf(out, len, "%s: %s%s%s", op, s3e_strerror(err), e->detail[0] ? ": " : "",
                     e->detail);
    if (n >= 0 && (size_t)n < len && e->code[0] && e->detail[0])
        n += snprintf(out + n, len - (size_t)n, " (%s)", e->detail);
    if (n >= 0 && (size_t)n < len && e->request_id[0])
        n += snprintf(out + n, len - (size_t)n, " [request-id %s]", e->request_id);
    if (n >= 0 && (size_t)n < len && e->attempts > 1)
        snprintf(out + n, len - (size_t)n, " after %d attempts", e->attempts);
    return out;
}
