/* error.c - message table for enum s3e_err, and the one-line form of an S3 failure. */
#include "s3engine/error.h"

#include <stdarg.h>
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

void s3e_s3_error_name_op(struct s3e_s3_error *e, const char *op)
{
    if (!e->operation[0])
        snprintf(e->operation, sizeof e->operation, "%s", op);
}

char *s3e_s3_error_format(const struct s3e_s3_error *e, int rc, char *errbuf, size_t errlen)
{
    if (!errlen)
        return errbuf;
    if (!e || (!e->code[0] && !e->detail[0] && !e->http_status)) {
        snprintf(errbuf, errlen, "%s", s3e_strerror(rc));
        return errbuf;
    }
    const char *op = e->operation[0] ? e->operation : "request";
    int n;
    if (e->code[0])
        n = snprintf(errbuf, errlen, "%s: %s (HTTP %ld)%s%s", op, e->code, e->http_status,
                     e->message[0] ? ": " : "", e->message);
    else
        n = snprintf(errbuf, errlen, "%s: %s%s%s", op, s3e_strerror(rc), e->detail[0] ? ": " : "",
                     e->detail);
    if (n >= 0 && (size_t)n < errlen && e->code[0] && e->detail[0])
        n += snprintf(errbuf + n, errlen - (size_t)n, " (%s)", e->detail);
    if (n >= 0 && (size_t)n < errlen && e->request_id[0])
        n += snprintf(errbuf + n, errlen - (size_t)n, " [request-id %s]", e->request_id);
    if (n >= 0 && (size_t)n < errlen && e->attempts > 1)
        snprintf(errbuf + n, errlen - (size_t)n, " after %d attempts", e->attempts);
    return errbuf;
}

int s3e_s3_errbuf(char *errbuf, size_t errlen, int rc, const struct s3e_s3_error *e,
                  const char *fmt, ...)
{
    if (!errlen)
        return rc;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0, errbuf[0] = '\0';
    if ((size_t)n + 2 < errlen) {
        memcpy(errbuf + n, ": ", 3);
        s3e_s3_error_format(e, rc, errbuf + n + 2, errlen - (size_t)n - 2);
    }
    return rc;
}
