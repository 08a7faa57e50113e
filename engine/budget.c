/* budget.c - bytes of memory shared by threads (budget.h). */
#include "budget.h"
#include "s3engine/error.h"

#include <pthread.h>
#include <stdlib.h>

struct s3e_budget {
    pthread_mutex_t lock;
    uint64_t total, used, peak;
};

int s3e_budget_new(struct s3e_budget **out, uint64_t total)
{
    struct s3e_budget *b = calloc(1, sizeof *b);
    if (!b)
        return S3E_ENOMEM;
    pthread_mutex_init(&b->lock, NULL);
    b->total = total ? total : 1;
    *out = b;
    return S3E_OK;
}

void s3e_budget_free(struct s3e_budget *b)
{
    if (!b)
        return;
    pthread_mutex_destroy(&b->lock);
    free(b);
}

static void take_locked(struct s3e_budget *b, uint64_t n, uint64_t *taken)
{
    b->used += n;
    if (b->used > b->peak)
        b->peak = b->used;
    *taken = n;
}

int s3e_budget_try_take(struct s3e_budget *b, uint64_t n, uint64_t *taken)
{
    *taken = 0;
    if (n > b->total)
        n = b->total;
    pthread_mutex_lock(&b->lock);
    int ok = b->used + n <= b->total;
    if (ok)
        take_locked(b, n, taken);
    pthread_mutex_unlock(&b->lock);
    return ok;
}

void s3e_budget_give(struct s3e_budget *b, uint64_t n)
{
    pthread_mutex_lock(&b->lock);
    b->used -= n <= b->used ? n : b->used;
    pthread_mutex_unlock(&b->lock);
}

uint64_t s3e_budget_total(const struct s3e_budget *b)
{
    return b->total;
}

uint64_t s3e_budget_peak(struct s3e_budget *b)
{
    pthread_mutex_lock(&b->lock);
    uint64_t p = b->peak;
    pthread_mutex_unlock(&b->lock);
    return p;
}
