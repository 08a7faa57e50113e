/* failfast.h - stop a run whose first copies all fail the same final way.
 *
 * A wrong target bucket, a missing permission or a rejected option fails
 * every object alike: rather than report the same error for each of a
 * million objects, the run stops when its first N finished copies all failed
 * with one S3 error code that retrying does not cure. One success, or any
 * other failure, disarms the check for the rest of the run. While it is
 * undecided, the failures' log lines are held back: logged when it disarms,
 * replaced by one message when it trips. Thread-safe. */
#ifndef S3E_FAILFAST_H
#define S3E_FAILFAST_H

#include <pthread.h>
#include <stdatomic.h>

#include "s3engine/s3.h"

#define S3E_FAILFAST_DEFAULT 20

struct s3e_failfast {
    pthread_mutex_t lock;
    int limit;                 /* N; 0 = never stop */
    int seen;                  /* failed copies held so far, all with `code` */
    atomic_int disarmed;       /* read without the lock on every success */
    atomic_int tripped;        /* read without the lock by the planner and workers */
    char code[64];             /* the code they failed with */
    char **held;               /* their log lines, `seen` of them */
};

/* S3E_OK or S3E_ENOMEM. */
int  s3e_failfast_init(struct s3e_failfast *ff, int limit);
/* The run's copies are over: undecided, the held lines are logged. */
void s3e_failfast_settle(struct s3e_failfast *ff);
void s3e_failfast_destroy(struct s3e_failfast *ff);
/* A finished copy that succeeded. */
void s3e_failfast_success(struct s3e_failfast *ff);
/* A finished copy that failed with err; `line` is its log line. Returns 1
 * when the line was taken (held back, or dropped because this call tripped
 * the check): the caller does not log it. */
int  s3e_failfast_failure(struct s3e_failfast *ff, const struct s3e_s3_error *err,
                          const char *line);
/* 1 once tripped: stop starting objects. */
int  s3e_failfast_tripped(const struct s3e_failfast *ff);
/* Once tripped: "the first N copies all failed with CODE: <first line>". */
void s3e_failfast_describe(const struct s3e_failfast *ff, char *out, size_t len);

#endif
