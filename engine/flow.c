/* flow.c - the window of server-side part copies in flight (see flow.h). */
#include "flow.h"
#include "s3engine/plan.h"

#define CUT_BUSY 0.5  /* a failure: the server is past what it can do */
#define CUT_SLOW 0.75 /* slow answers: it is near */

int s3e_flow_ceiling(int asked, int workers, int part_concurrency)
{
    if (asked > 0)
        return asked;
    long most = (long)(workers > 0 ? workers : 1) * (part_concurrency > 0 ? part_concurrency : 1);
    return most < S3E_DEFAULT_PARTS_IN_FLIGHT ? (int)most : S3E_DEFAULT_PARTS_IN_FLIGHT;
}

void s3e_flow_init(struct s3e_flow *f, int max)
{
    if (max < 1)
        max = 1;
    *f = (struct s3e_flow){ .window = max < S3E_FLOW_START ? max : S3E_FLOW_START, .max = max };
}

int s3e_flow_limit(const struct s3e_flow *f)
{
    int n = (int)(f->window + 1e-9); /* 3.999... after three thirds is 4 */
    return n < 1 ? 1 : n > f->max ? f->max : n;
}

int s3e_flow_room(const struct s3e_flow *f)
{
    return f->in_flight < s3e_flow_limit(f);
}

void s3e_flow_take(struct s3e_flow *f, uint64_t bytes)
{
    f->in_flight++;
    if (bytes > f->part_bytes)
        f->part_bytes = bytes;
}

void s3e_flow_release(struct s3e_flow *f)
{
    if (f->in_flight > 0)
        f->in_flight--;
    if (f->in_flight == 0)
        f->part_bytes = 0;
}

enum s3e_flow_signal s3e_flow_classify(int rc, int busy, long took_ms, long limit_ms)
{
    if (rc)
        return busy ? S3E_FLOW_BUSY : S3E_FLOW_NEUTRAL;
    return limit_ms > 0 && took_ms > limit_ms / S3E_FLOW_SLOW_SHARE ? S3E_FLOW_SLOW : S3E_FLOW_OK;
}

int s3e_flow_answer(struct s3e_flow *f, enum s3e_flow_signal sig, long sent_ms, long now_ms)
{
    if (sig == S3E_FLOW_NEUTRAL)
        return 0;
    if (sig == S3E_FLOW_OK) {
        /* slow start: +1 per answer (doubles per round); then +1 per round */
        f->window += f->grown ? 1.0 / f->window : 1.0;
        if (f->window > f->max)
            f->window = f->max;
        return 0;
    }
    if (f->cut_at_ms && sent_ms <= f->cut_at_ms)
        return 0; /* sent into the congestion already answered by a cut */
    f->window *= sig == S3E_FLOW_BUSY ? CUT_BUSY : CUT_SLOW;
    if (f->window < 1.0)
        f->window = 1.0;
    f->grown = 1;
    f->cut_at_ms = now_ms > 0 ? now_ms : 1;
    f->cuts++;
    return 1;
}
