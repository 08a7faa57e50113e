/* sched.h - the payloads waiting for workers.
 *
 * Each payload is done by one worker, its objects one after another; workers
 * run in parallel (as state machines on the event loop, flight.c). A payload
 * assigned to worker W (balanced packing) waits in W's own list; an
 * unassigned one (worker -1, streaming) goes to a shared queue taken by
 * whichever worker is free. The shared queue is bounded, so a planner that
 * lists faster than workers copy blocks instead of filling memory.
 * Thread safety: one thread submits (the planner), another takes (the loop). */
#ifndef S3E_SCHED_H
#define S3E_SCHED_H

#include <stddef.h>
#include "s3engine/packer.h"

struct s3e_sched;

/* A scheduler for `workers` (>= 1) workers whose shared queue holds at most
 * queue_max payloads (0 = 2 * workers). Returns S3E_OK, S3E_ENOMEM or S3E_EINVAL. */
int  s3e_sched_new(struct s3e_sched **out, int workers, size_t queue_max);
/* Hand a payload over (ownership passes). Blocks while the shared queue is
 * full. Returns S3E_ECANCELED (payload freed) after s3e_sched_cancel. */
int  s3e_sched_submit(struct s3e_sched *s, struct s3e_payload *p);
/* Worker w's next payload without waiting, its own list first, then the
 * shared queue: 1 (*out set, now owned by the caller), 0 (none yet), -1 (none
 * will come: closed and empty, or canceled). */
int  s3e_sched_try_take(struct s3e_sched *s, int w, struct s3e_payload **out);
/* No more payloads will come. */
void s3e_sched_close(struct s3e_sched *s);
/* Stop handing out payloads and wake a blocked submit; queued ones are
 * dropped at s3e_sched_free. Safe from any thread, not from a signal handler. */
void s3e_sched_cancel(struct s3e_sched *s);
/* Free the scheduler and every payload still queued. Returns how many were
 * dropped unrun. */
size_t s3e_sched_free(struct s3e_sched *s);

#endif
