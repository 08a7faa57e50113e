/* ratelimit.h - how many requests a run may have in flight, per bucket, and
 * how many it may start per second. Internal to the engine.
 *
 * Per bucket (the bucket a request is addressed to: for a copy, the
 * destination), an AIMD limit on requests in flight: none until the server
 * throttles (503, 429, SlowDown, Throttling, RequestLimitExceeded, ...)
 * twice within 16 answers (a lone SlowDown is a hiccup: retried, not
 * obeyed); then half of what was in flight, at most one cut per round trip
 * (a throttle answer to a request started before the last cut says nothing
 * new). While requests wait for room it grows back: quickly (+1 per
 * answer) to 3/4 of where the last cut started, then +1 per 16 answers
 * (above 16 in flight, +1 per round trip). Below 4, starts are paced at
 * limit per round trip, so a limit may be fractional: 1.5 is three requests
 * per two round trips, 0.25 one request every four round trips.
 * On top, for the whole run, a token bucket of max_rps requests per second
 * (--max-rps; 0 = none) with bursts of a tenth of a second's worth.
 *
 * One object is shared by every client of a run, on every thread (a mutex
 * inside). Times are monotonic milliseconds passed in, so tests can drive
 * the clock. */
#ifndef S3E_RATELIMIT_H
#define S3E_RATELIMIT_H

#include <stdint.h>
#include <stdio.h>

struct s3e_ratelimit;
struct s3e_rate_bucket;

/* What a started request holds until it is answered. */
struct s3e_rate_ticket {
    struct s3e_ratelimit *rl;
    struct s3e_rate_bucket *b; /* NULL: nothing held */
    unsigned epoch;            /* the bucket's cut count when it started */
    long started;              /* ms */
};

enum s3e_rate_outcome {
    S3E_RATE_OK,        /* answered: counts toward growing the limit */
    S3E_RATE_THROTTLED, /* the server said slow down: cut the limit */
    S3E_RATE_OTHER,     /* any other failure, or never sent: just the slot back */
};

/* Per-bucket counters for the summary. */
struct s3e_rate_bucket_stats {
    const char *bucket;       /* owned by the limiter */
    uint64_t slowdowns;       /* throttle answers */
    uint64_t cuts;            /* times the limit was cut */
    double limit;             /* in flight now allowed, 0 = no limit (never throttled) */
    double lowest;            /* lowest limit so far, 0 = never throttled */
};

/* max_rps 0 = no cap. Returns S3E_OK or S3E_ENOMEM. */
int  s3e_ratelimit_new(struct s3e_ratelimit **out, double max_rps);
void s3e_ratelimit_free(struct s3e_ratelimit *rl);

/* May a request to bucket (NULL: the service, not limited per bucket) start
 * at now_ms? 0: yes, *t holds a slot until s3e_ratelimit_done. Otherwise
 * the milliseconds to wait before asking again (at least 1). rl NULL: 0. */
long s3e_ratelimit_try(struct s3e_ratelimit *rl, const char *bucket, long now_ms,
                       struct s3e_rate_ticket *t);

/* The request holding *t was answered at now_ms (or given up); releases its
 * slot and clears *t. A ticket holding nothing is ignored. */
void s3e_ratelimit_done(struct s3e_rate_ticket *t, enum s3e_rate_outcome outcome, long now_ms);

/* Is this answer the server asking us to send less? */
int s3e_ratelimit_is_throttle(long http_status, const char *s3_code);
/* The outcome of a request that ended with rc (S3E_OK or a failure) and the
 * answer's HTTP status and S3 code. */
enum s3e_rate_outcome s3e_ratelimit_outcome(int rc, long http_status, const char *s3_code);

/* Total throttle answers, and the buckets' counters (up to max; returns how
 * many buckets there are). */
uint64_t s3e_ratelimit_slowdowns(struct s3e_ratelimit *rl);
int s3e_ratelimit_stats(struct s3e_ratelimit *rl, struct s3e_rate_bucket_stats *out, int max);
/* The summary's lines for throttled buckets (nothing when none was). */
void s3e_ratelimit_summary(struct s3e_ratelimit *rl, FILE *out);

#endif
