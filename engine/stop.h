/* stop.h - how a run is told to stop: the first SIGINT/SIGTERM sets a flag that
 * every thread reads, a second ends the process at once. Internal. The planner,
 * the workers and the end of the run ask here, so that none of them calls run.c. */
#ifndef S3E_STOP_H
#define S3E_STOP_H

#include <stdatomic.h>

struct s3e_run;

/* Set by SIGINT/SIGTERM; checked between objects, and by every request through
 * cfg.cancel. Lock-free: safe in a signal handler and across threads. */
extern atomic_int s3e_interrupted;

/* SIGINT/SIGTERM set s3e_interrupted (a second exits at once with status 130);
 * SIGPIPE ignored. Call once, from the main thread. */
void s3e_run_signals(void);

/* 1 once the run must stop starting objects: a signal, fail fast, or its
 * stop_at passed. Any thread. */
int s3e_run_stopping(const struct s3e_run *run);
/* 1 once run->stop_at has passed: objects not started are reported, not dropped. */
int s3e_run_past_stop_at(const struct s3e_run *run);

#endif
