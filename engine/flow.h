/* flow.h - how many server-side part copies the event loop keeps in flight:
 * a window that follows how the server copes (flow.c). Internal.
 *
 * A server copies parts at a rate of its own (radosgw: its op threads and its
 * disks); parts in flight share it, so each takes longer as more are sent,
 * and past a point every part, and every small request queued behind them,
 * runs out of time together. The window keeps parts in flight where they
 * finish in good time:
 * - it starts at S3E_FLOW_START and grows by one per part answered in good
 *   time until the first sign of trouble (slow start), then by one per
 *   window's worth of such answers (additive increase);
 * - an attempt that failed with a retryable error (503 SlowDown, 500, a
 *   timeout or a stall, a broken connection) halves it, and one that
 *   succeeded but took more than a quarter of its time limit (half the
 *   silence that counts as a stall: nothing arrives while a server copies)
 *   takes a quarter off (multiplicative decrease, never below 1);
 * - one cut per episode: answers to attempts sent before the last cut do not
 *   cut again (they were sent into the same congestion).
 * It never exceeds its ceiling (--parts-in-flight). Pure: the caller gives
 * the clock. Used by one thread (the loop's). */
#ifndef S3E_FLOW_H
#define S3E_FLOW_H

#include <stdint.h>

/* Parts in flight before the first answer. Not derived from the ceiling: the
 * ceiling (--parts-in-flight) is the most the user allows, not what the server
 * takes before anything is known of it. A quarter of a ceiling of 4096 would
 * send the 1024 parts at once that the window is there to avoid, while slow
 * start reaches any ceiling in a few rounds (8, 16, 32, ...: one round is one
 * part's time). A ceiling below it is the start (s3e_flow_init). */
#define S3E_FLOW_START 8

/* What one attempt's answer says about the server. */
enum s3e_flow_signal {
    S3E_FLOW_OK,        /* answered in good time */
    S3E_FLOW_SLOW,      /* answered, but in more than a quarter of its limit */
    S3E_FLOW_BUSY,      /* a retryable failure: SlowDown, 5xx, timeout, stall, reset */
    S3E_FLOW_NEUTRAL,   /* any other failure (403, 404, 412): says nothing of load */
};

struct s3e_flow {
    double window;       /* parts that may be in flight */
    int max;             /* ceiling */
    int in_flight;       /* parts counted in (s3e_flow_take) and not yet out */
    int grown;           /* 0 until the first cut: slow start */
    long cut_at_ms;      /* when it was last cut (0 = never) */
    unsigned cuts;       /* cuts so far */
    uint64_t part_bytes; /* largest part in flight (0 when none) */
};

/* The ceiling: `asked` (--parts-in-flight) when set (> 0), else
 * S3E_DEFAULT_PARTS_IN_FLIGHT, or fewer when workers x part_concurrency
 * cannot fill it. At least 1. */
int  s3e_flow_ceiling(int asked, int workers, int part_concurrency);
/* A window starting at min(S3E_FLOW_START, max) under ceiling max (>= 1). */
void s3e_flow_init(struct s3e_flow *f, int max);
/* 1 when one more part may start now. */
int  s3e_flow_room(const struct s3e_flow *f);
/* A part of `bytes` starts (counted until s3e_flow_release). */
void s3e_flow_take(struct s3e_flow *f, uint64_t bytes);
/* That part left flight (done or given up). */
void s3e_flow_release(struct s3e_flow *f);
/* The signal of an attempt: rc 0 or a failure, `busy` when that failure says
 * the server is overloaded (SlowDown, 5xx, 429, no answer in time, a broken
 * connection), `took_ms` against its time limit `limit_ms` (s3_limits.h's
 * own_ms: --request-timeout plus --copy-timeout per GiB of the part, not cut
 * by the object's deadline). Slow is past limit_ms / S3E_FLOW_SLOW_SHARE: the
 * threshold follows the limit the user sets, as the stall (half of it) does. */
#define S3E_FLOW_SLOW_SHARE 4
enum s3e_flow_signal s3e_flow_classify(int rc, int busy, long took_ms, long limit_ms);
/* One attempt, sent at sent_ms, answered at now_ms with signal sig. Returns
 * 1 when this answer cut the window (the caller may log it), else 0. */
int  s3e_flow_answer(struct s3e_flow *f, enum s3e_flow_signal sig, long sent_ms, long now_ms);
/* The window as a whole number of parts (>= 1). */
int  s3e_flow_limit(const struct s3e_flow *f);

#endif
