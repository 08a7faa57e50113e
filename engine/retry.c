/* retry.c - what is worth retrying, and how long to wait before it. */
#include "s3engine/retry.h"

#include <stdlib.h>
#include <string.h>

/* S3 codes that say "try again later", whatever the HTTP status. */
static const char *const retryable_codes[] = {
    "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling",
    "ThrottlingException", "RequestTimeTooSkewed", "OperationAborted", "TooManyRequests",
    "RequestLimitExceeded", "BandwidthLimitExceeded",
};

int s3e_retry_is_retryable(long http_status, const char *s3_code, int curl_code)
{
    if (curl_code != 0)
        return 1; /* no HTTP answer: refused, reset, timeout, TLS cut short */
    if (s3_code && *s3_code) {
        for (size_t i = 0; i < sizeof retryable_codes / sizeof retryable_codes[0]; i++)
            if (strcmp(s3_code, retryable_codes[i]) == 0)
                return 1;
    }
    return http_status == 500 || http_status == 502 || http_status == 503 ||
           http_status == 504 || http_status == 429;
}

int s3e_retry_is_expired_credentials(const char *s3_code)
{
    static const char *const codes[] = {
        "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "InvalidToken",
    };
    for (size_t i = 0; s3_code && i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(s3_code, codes[i]) == 0)
            return 1;
    return 0;
}

int s3e_retry_may_be_expired(const char *method, long http_status, const char *s3_code)
{
    if (!s3_code)
        return 0;
    if (http_status == 403 && strcmp(s3_code, "AccessDenied") == 0)
        return 1;
    return http_status == 400 && method && strcmp(method, "HEAD") == 0 &&
           strcmp(s3_code, "BadRequest") == 0; /* the code s3xml.c gives a bodiless 400 */
}

long s3e_retry_backoff_ms(int retry, long base_ms, long cap_ms, unsigned *seed)
{
    if (retry < 1)
        retry = 1;
    long ceiling = base_ms;
    for (int i = 1; i < retry && ceiling < cap_ms; i++)
        ceiling *= 2;
    if (ceiling > cap_ms)
        ceiling = cap_ms;
    /* Full jitter: uniform in [0, ceiling], so retries of many workers spread out. */
    return (long)((double)rand_r(seed) / ((double)RAND_MAX + 1.0) * (double)(ceiling + 1));
}

long s3e_retry_after(struct s3e_retry *st, int retryable, const char *s3_code,
                     int region_named, int max_attempts, int stop, unsigned *seed)
{
    st->moved |= region_named != 0;
    if (retryable == S3E_RETRY_ONCE_RENEWED && st->renewed++)
        return -1; /* renewed once and refused again: that is the answer */
    if (!retryable || stop || st->attempts >= max_attempts + st->moved)
        return -1;
    if (region_named || retryable == S3E_RETRY_ONCE_RENEWED)
        return 0; /* the wrong region or stale credentials: nothing to wait for */
    long base = s3_code && strcmp(s3_code, "SlowDown") == 0 ? S3E_RETRY_SLOWDOWN_BASE_MS
                                                            : S3E_RETRY_BASE_MS;
    return s3e_retry_backoff_ms(st->attempts, base, S3E_RETRY_CAP_MS, seed);
}
