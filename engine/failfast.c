/* failfast.c - stop a run whose first copies all fail the same final way. */
#include "failfast.h"
#include "s3engine/error.h"
#include "s3engine/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int s3e_failfast_init(struct s3e_failfast *ff, int limit)
{
    memset(ff, 0, sizeof *ff);
    pthread_mutex_init(&ff->lock, NULL);
    ff->limit = limit;
    atomic_init(&ff->tripped, 0);
    atomic_init(&ff->disarmed, limit <= 0);
    if (limit > 0 && !(ff->held = calloc((size_t)limit, sizeof *ff->held)))
        return S3E_ENOMEM;
    return S3E_OK;
}

/* Under the lock: the held lines go to the log after all. */
static void disarm(struct s3e_failfast *ff)
{
    ff->disarmed = 1;
    for (int i = 0; i < ff->seen; i++) {
        s3e_error("%s", ff->held[i]);
        free(ff->held[i]);
        ff->held[i] = NULL;
    }
}

void s3e_failfast_settle(struct s3e_failfast *ff)
{
    pthread_mutex_lock(&ff->lock);
    if (!ff->disarmed && !atomic_load(&ff->tripped))
        disarm(ff);
    pthread_mutex_unlock(&ff->lock);
}

void s3e_failfast_destroy(struct s3e_failfast *ff)
{
    for (int i = 0; ff->held && i < ff->seen; i++)
        free(ff->held[i]);
    free(ff->held);
    ff->held = NULL;
    pthread_mutex_destroy(&ff->lock);
}

void s3e_failfast_success(struct s3e_failfast *ff)
{
    /* every copied object comes here: once decided, no lock */
    if (atomic_load(&ff->disarmed) || atomic_load(&ff->tripped))
        return;
    s3e_failfast_settle(ff); /* one success: the error is not the run's */
}

int s3e_failfast_failure(struct s3e_failfast *ff, const struct s3e_s3_error *err, const char *line)
{
    /* Only an S3 answer that retrying does not change says something about
     * every object; a network failure or a throttle may pass. */
    int systemic = err && err->code[0] && !err->retryable;
    int taken = 0;
    pthread_mutex_lock(&ff->lock);
    if (ff->limit <= 0 || ff->disarmed) {
        /* decided: every failure is logged */
    } else if (atomic_load(&ff->tripped)) {
        taken = 1; /* a copy that was in flight when it tripped: said already */
    } else if (!systemic || (ff->seen && strcmp(ff->code, err->code) != 0)) {
        disarm(ff);
    } else {
        if (!ff->seen)
            snprintf(ff->code, sizeof ff->code, "%s", err->code);
        char *copy = strdup(line);
        if (copy) {
            ff->held[ff->seen++] = copy;
            taken = 1;
            if (ff->seen >= ff->limit)
                atomic_store(&ff->tripped, 1);
        }
    }
    pthread_mutex_unlock(&ff->lock);
    return taken;
}

int s3e_failfast_tripped(const struct s3e_failfast *ff)
{
    return atomic_load(&ff->tripped);
}

void s3e_failfast_describe(const struct s3e_failfast *ff, char *out, size_t len)
{
    snprintf(out, len, "the first %d copies all failed with %s, so the rest would too; the "
             "first: %s", ff->seen, ff->code, ff->seen ? ff->held[0] : "");
}
