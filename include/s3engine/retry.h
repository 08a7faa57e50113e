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

/* 1 for an answer that expired temporary credentials get too, among others:
 * 403 AccessDenied (radosgw's answer to an expired STS session token) and a
 * HEAD's bare 400 (an answer to a HEAD has no body, so AWS's ExpiredToken
 * arrives without its code). Whether it was the credentials, the provider
 * decides (s3e_cred_provider_refused); only then is it retried, once. */
int s3e_retry_may_be_expired(const char *method, long http_status, const char *s3_code);

/* err->retryable of such an answer when renewed credentials are worth one
 * retry: s3e_retry_after retries it at once, and only once per request. */
#define S3E_RETRY_ONCE_RENEWED 2

/* Milliseconds to sleep before retry number `retry` (1 = first retry):
 * uniform in [0, min(cap_ms, base_ms * 2^(retry-1))] ("full jitter").
 * SlowDown callers pass a larger base. *seed is a per-thread PRNG state. */
long s3e_retry_backoff_ms(int retry, long base_ms, long cap_ms, unsigned *seed);

/* The backoff of s3e_retry_after: from 100 ms (1 s after SlowDown) up to 20 s. */
#define S3E_RETRY_BASE_MS 100
#define S3E_RETRY_SLOWDOWN_BASE_MS 1000
#define S3E_RETRY_CAP_MS 20000

/* One request's tries: zeroed before the first, attempts counted by the
 * sender as each attempt starts. */
struct s3e_retry {
    int attempts;
    int moved;  /* 1 once an answer named the bucket's region: going there is not a
                   failure, so it adds one attempt (--retries 1 still gets there) */
    int renewed; /* 1 once retried with renewed credentials (S3E_RETRY_ONCE_RENEWED) */
};

/* The one retry decision, after attempt st->attempts failed: -1 when that
 * was the last (not retryable, max_attempts used up, or `stop`: the sender
 * gives up, e.g. the run is stopping), else the milliseconds to wait before
 * the next: none after an answer that named the bucket's region or after
 * retryable S3E_RETRY_ONCE_RENEWED (final the second time), else
 * s3e_retry_backoff_ms (full jitter) from S3E_RETRY_BASE_MS, or
 * S3E_RETRY_SLOWDOWN_BASE_MS after SlowDown, up to S3E_RETRY_CAP_MS. Used by
 * every sender: s3e_client_send, s3e_client_send_many and the event loop. */
long s3e_retry_after(struct s3e_retry *st, int retryable, const char *s3_code,
                     int region_named, int max_attempts, int stop, unsigned *seed);

#endif
