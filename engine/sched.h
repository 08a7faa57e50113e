/* sched.h - N worker threads doing payloads.
 *
 * Each payload is done by one worker, its objects one after another; workers
 * run in parallel. A payload assigned to worker W (balanced packing) waits in
 * W's own list; an unassigned one (worker -1, streaming) goes to a shared
 * queue taken by whichever worker is free. The shared queue is bounded, so a
 * planner that lists faster than workers copy blocks instead of filling memory. */
#ifndef S3E_SCHED_H
#define S3E_SCHED_H

#include <stddef.h>
#include "s3engine/packer.h"

/* Does one payload on worker `worker` (0-based), then frees it. */
typedef void (*s3e_sched_run_fn)(void *ud, int worker, struct s3e_payload *p);

struct s3e_sched_opts {
    int workers;           /* >= 1 */
    size_t queue_max;      /* bound of the shared queue (0 = 2 * workers) */
    s3e_sched_run_fn run;  /* NULL: no threads are started; the caller takes
                              payloads itself with s3e_sched_try_take */
    void *ud;
};

struct s3e_sched;

/* Start the worker threads. Returns S3E_OK, S3E_ENOMEM or S3E_EINVAL. */
int  s3e_sched_start(struct s3e_sched **out, const struct s3e_sched_opts *o);
/* Hand a payload over (ownership passes). Blocks while the shared queue is
 * full. Returns S3E_ECANCELED (payload freed) after s3e_sched_cancel. */
int  s3e_sched_submit(struct s3e_sched *s, struct s3e_payload *p);
/* Worker w's next payload without waiting: 1 (*out set, now owned by the
 * caller), 0 (none yet), -1 (none will come: closed and empty, or canceled). */
int  s3e_sched_try_take(struct s3e_sched *s, int w, struct s3e_payload **out);
/* No more payloads will come: workers exit once their lists are empty. */
void s3e_sched_close(struct s3e_sched *s);
/* Stop handing out payloads; queued ones are freed unrun and counted. Safe
 * from any thread, not from a signal handler. */
void s3e_sched_cancel(struct s3e_sched *s);
/* Join the workers and free everything. Returns the number of payloads
 * that were dropped unrun because of a cancel. */
size_t s3e_sched_join(struct s3e_sched *s);

#endif
