/* ratelimit.c - requests in flight per bucket, cut when the server throttles
 * and grown back while it does not (AIMD), and an optional cap on requests
 * per second for the whole run (see ratelimit.h). */
#include "ratelimit.h"
#include "s3engine/error.h"
#include "s3engine/log.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_POLL_MS 5        /* no slot: ask again this soon (a slot frees on an answer) */
#define LOWEST_LIMIT (1.0 / 64)
#define DEFAULT_RTT_MS 50.0   /* until an answer has been timed */
#define NOISE_ANSWERS 16      /* a throttle answer cuts only if another came this recently */
#define PACED_BELOW 4.0       /* starts are paced only under this limit: above, whole
                                 requests in flight are fine enough steps */

struct s3e_rate_bucket {
    struct s3e_rate_bucket *next;
    char *name;
    int in_flight;
    double limit;       /* 0 = none */
    double lowest;
    double before_cut;  /* the limit the last cut started from */
    unsigned epoch;     /* cuts so far: a ticket from an older epoch cannot cut again */
    uint64_t answers;   /* answers so far, any outcome */
    uint64_t last_throttle; /* the answer number of the last throttle, 0 = none */
    long refused_at;    /* when a request last found no room (-1: never) */
    double rtt_ms;      /* smoothed time to a successful answer */
    long next_at;       /* limit below 1: no start before this */
    uint64_t slowdowns, cuts;
};

struct s3e_ratelimit {
    pthread_mutex_t mu;
    struct s3e_rate_bucket *buckets;
    double rps, burst, tokens;
    long tokens_at;
    uint64_t slowdowns;
};

int s3e_ratelimit_new(struct s3e_ratelimit **out, double max_rps)
{
    struct s3e_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return S3E_ENOMEM;
    pthread_mutex_init(&rl->mu, NULL);
    rl->rps = max_rps > 0 ? max_rps : 0;
    rl->burst = rl->rps / 10 > 1 ? rl->rps / 10 : 1;
    rl->tokens = rl->burst;
    rl->tokens_at = -1;
    *out = rl;
    return S3E_OK;
}

void s3e_ratelimit_free(struct s3e_ratelimit *rl)
{
    if (!rl)
        return;
    for (struct s3e_rate_bucket *b = rl->buckets, *n; b; b = n) {
        n = b->next;
        free(b->name);
        free(b);
    }
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

int s3e_ratelimit_is_throttle(long http_status, const char *code)
{
    static const char *const codes[] = {
        "SlowDown", "Throttling", "ThrottlingException", "ThrottledException",
        "RequestThrottled", "RequestLimitExceeded", "TooManyRequests",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
    };
    if (http_status == 503 || http_status == 429)
        return 1;
    for (size_t i = 0; code && i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(code, codes[i]) == 0)
            return 1;
    return 0;
}

enum s3e_rate_outcome s3e_ratelimit_outcome(int rc, long http_status, const char *code)
{
    if (rc == S3E_OK)
        return S3E_RATE_OK;
    return s3e_ratelimit_is_throttle(http_status, code) ? S3E_RATE_THROTTLED : S3E_RATE_OTHER;
}

/* The bucket's state, made on first use; NULL when out of memory (no limit then). */
static struct s3e_rate_bucket *bucket_of(struct s3e_ratelimit *rl, const char *name)
{
    for (struct s3e_rate_bucket *b = rl->buckets; b; b = b->next)
        if (strcmp(b->name, name) == 0)
            return b;
    struct s3e_rate_bucket *b = calloc(1, sizeof *b);
    if (!b || !(b->name = strdup(name))) {
        free(b);
        return NULL;
    }
    b->rtt_ms = DEFAULT_RTT_MS;
    b->refused_at = -1;
    b->next = rl->buckets;
    rl->buckets = b;
    return b;
}

/* Milliseconds until the run-wide token bucket has a token (0: one is there). */
static long token_wait(struct s3e_ratelimit *rl, long now)
{
    if (rl->rps <= 0)
        return 0;
    if (rl->tokens_at >= 0 && now > rl->tokens_at)
        rl->tokens = fmin(rl->burst, rl->tokens + (double)(now - rl->tokens_at) * rl->rps / 1000.0);
    rl->tokens_at = now;
    if (rl->tokens >= 1.0)
        return 0;
    return (long)ceil((1.0 - rl->tokens) * 1000.0 / rl->rps);
}

/* Milliseconds until the bucket has room: ceil(limit) in flight, and below
 * PACED_BELOW starts paced at limit per round trip, so that a limit of 1.5
 * or 0.25 means what it says. SLOT_POLL_MS when that waits for an answer. */
static long slot_wait(const struct s3e_rate_bucket *b, long now)
{
    if (!b || b->limit <= 0)
        return 0;
    if (b->in_flight >= (int)ceil(b->limit))
        return SLOT_POLL_MS;
    return now < b->next_at ? b->next_at - now : 0;
}

/* A request starts: the next may start a round trip / limit later (with at
 * most one interval of catching up after a pause). */
static void pace(struct s3e_rate_bucket *b, long now)
{
    if (b->limit <= 0 || b->limit >= PACED_BELOW) {
        b->next_at = 0;
        return;
    }
    double interval = b->rtt_ms / b->limit;
    double base = (double)b->next_at > (double)now - interval ? (double)b->next_at : (double)now;
    b->next_at = (long)(base + interval);
}

long s3e_ratelimit_try(struct s3e_ratelimit *rl, const char *bucket, long now_ms,
                       struct s3e_rate_ticket *t)
{
    memset(t, 0, sizeof *t);
    if (!rl)
        return 0;
    pthread_mutex_lock(&rl->mu);
    struct s3e_rate_bucket *b = bucket ? bucket_of(rl, bucket) : NULL;
    long wait = slot_wait(b, now_ms);
    if (wait > 0) {
        b->refused_at = now_ms;
    } else {
        wait = token_wait(rl, now_ms);
        if (wait == 0) {
            rl->tokens -= rl->rps > 0 ? 1.0 : 0.0;
            t->rl = rl;
            t->b = b;
            t->started = now_ms;
            if (b) {
                b->in_flight++;
                t->epoch = b->epoch;
                pace(b, now_ms);
            }
        }
    }
    pthread_mutex_unlock(&rl->mu);
    return wait;
}

/* A throttle answer to a request started since the last cut, with another
 * throttle answer among the last NOISE_ANSWERS: halve what is allowed (the
 * first time: what was in flight). Returns the old limit. */
static double cut(struct s3e_rate_bucket *b)
{
    double old = b->limit > 0 ? b->limit : b->in_flight + 1; /* this one included */
    b->before_cut = old;
    b->limit = fmax(LOWEST_LIMIT, old / 2);
    b->lowest = b->lowest > 0 ? fmin(b->lowest, b->limit) : b->limit;
    b->epoch++;
    b->cuts++;
    return old;
}

/* A success while requests are waiting (one found no room within the last
 * two round trips). Up to 3/4 of where the last cut started, quickly (+1 per
 * answer; below 1, a quarter of itself): a lone SlowDown among many answers
 * (a server's hiccup, not its limit) costs little. Beyond that, slowly: +1
 * per round trip's worth of answers above 16 in flight, +1 per 16 answers
 * from 1 to 16, and below 1 (a round trip there is 1/limit answers long)
 * 1/16 of itself. */
static int grow(struct s3e_rate_bucket *b, long now)
{
    if (b->limit <= 0 || b->refused_at < 0 || now - b->refused_at > 2 * b->rtt_ms + SLOT_POLL_MS)
        return 0;
    int before = (int)b->limit;
    double l = b->limit;
    if (l < 0.75 * b->before_cut)
        b->limit = fmin(0.75 * b->before_cut, l + (l < 1 ? l / 4 : 1.0));
    else
        b->limit += l < 1 ? l / 16 : (l < 16 ? 1.0 / 16 : 1.0 / l);
    return (int)b->limit > before;
}

void s3e_ratelimit_done(struct s3e_rate_ticket *t, enum s3e_rate_outcome outcome, long now_ms)
{
    struct s3e_ratelimit *rl = t->rl;
    struct s3e_rate_bucket *b = t->b;
    if (!rl)
        return;
    double old = 0, now_limit = 0;
    int cut_now = 0, grew = 0;
    pthread_mutex_lock(&rl->mu);
    if (outcome == S3E_RATE_THROTTLED)
        rl->slowdowns++;
    if (b) {
        b->in_flight--;
        b->answers++;
        if (outcome == S3E_RATE_THROTTLED) {
            /* A lone SlowDown among many answers is retried, not obeyed: a
             * server at its limit refuses request after request. */
            int recent = b->last_throttle && b->answers - b->last_throttle <= NOISE_ANSWERS;
            b->last_throttle = b->answers;
            b->slowdowns++;
            if (recent && t->epoch == b->epoch) {
                old = cut(b);
                cut_now = 1;
            }
        } else if (outcome == S3E_RATE_OK) {
            /* one slow answer (a stalled connection) must not slow the pace */
            double rtt = fmin((double)(now_ms - t->started), 2 * b->rtt_ms);
            b->rtt_ms = 0.875 * b->rtt_ms + 0.125 * fmax(rtt, 0);
            grew = grow(b, now_ms);
        }
        now_limit = b->limit;
    }
    pthread_mutex_unlock(&rl->mu);
    if (cut_now)
        s3e_info("throttled by %s: in flight %.3g → %.3g", b->name, old, now_limit);
    else if (grew)
        s3e_debug("%s: in flight up to %d again", b->name, (int)now_limit);
    memset(t, 0, sizeof *t);
}

uint64_t s3e_ratelimit_slowdowns(struct s3e_ratelimit *rl)
{
    if (!rl)
        return 0;
    pthread_mutex_lock(&rl->mu);
    uint64_t n = rl->slowdowns;
    pthread_mutex_unlock(&rl->mu);
    return n;
}

int s3e_ratelimit_stats(struct s3e_ratelimit *rl, struct s3e_rate_bucket_stats *out, int max)
{
    if (!rl)
        return 0;
    int n = 0;
    pthread_mutex_lock(&rl->mu);
    for (struct s3e_rate_bucket *b = rl->buckets; b; b = b->next, n++)
        if (n < max)
            out[n] = (struct s3e_rate_bucket_stats){ b->name, b->slowdowns, b->cuts, b->limit,
                                                     b->lowest };
    pthread_mutex_unlock(&rl->mu);
    return n;
}

void s3e_ratelimit_summary(struct s3e_ratelimit *rl, FILE *out)
{
    if (!rl)
        return;
    pthread_mutex_lock(&rl->mu);
    for (struct s3e_rate_bucket *b = rl->buckets; b; b = b->next)
        if (b->slowdowns)
            fprintf(out, "%-11s %llu SlowDown answers from s3://%s; requests in flight there: "
                    "%.3g now, %.3g at the lowest\n", "throttled:",
                    (unsigned long long)b->slowdowns, b->name, b->limit, b->lowest);
    pthread_mutex_unlock(&rl->mu);
}
