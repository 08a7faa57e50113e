/* retry.h - what is worth retrying, and how long to wait. Pure functions. */
#ifndef S3E_RETRY_H
#define S3E_RETRY_H

/* 1 when a request that ended this way should be tried again:
 * curl_code != 0 (connection refused/reset, timeout, TLS handshake cut short,
 * empty reply), HTTP 500/502/503/504, 429, and S3 codes SlowDown,
 * RequestTimeout, InternalError, ServiceUnavailable, RequestTimeTooSkewed
 * (clock may catch up). ExpiredToken is final here (s3_client.c retries it
 * when the credentials can be renewed). 0 for everything else,
 * in particular AccessDenied, NoSuchBucket, NoSuchKey, InvalidAccessKeyId,
 * SignatureDoesNotMatch and other 4xx. */
int s3e_retry_is_retryable(long http_status, const char *s3_code, int curl_code);

/* 1 for the codes that say the credentials expired or must be renewed
 * (ExpiredToken, ExpiredTokenException, TokenRefreshRequired, InvalidToken):
 * the client renews temporary credentials, and the request is retried within
 * its usual attempts. */
int s3e_retry_is_expired_credentials(const char *s3_code);

/* Milliseconds to sleep before retry number `retry` (1 = first retry):
 * uniform in [0, min(cap_ms, base_ms * 2^(retry-1))] ("full jitter").
 * SlowDown callers pass a larger base. *seed is a per-thread PRNG state. */
long s3e_retry_backoff_ms(int retry, long base_ms, long cap_ms, unsigned *seed);

#endif
