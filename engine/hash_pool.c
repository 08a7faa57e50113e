/* hash_pool.c - hashing streamed bodies on a few threads (hash_pool.h). */
#include "hash_pool.h"
#include "s3engine/error.h"

#include <openssl/evp.h>

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

enum { HJ_IDLE, HJ_QUEUED, HJ_RUNNING, HJ_DONE };

struct s3e_hash_pool {
    pthread_mutex_t mu;
    pthread_cond_t work, finished;
    struct s3e_hash_job *head, *tail;
    pthread_t tid[S3E_HASH_THREADS_MAX];
    int nthreads, stop;
};

void s3e_hash_run(struct s3e_hash_job *j)
{
    int rc = S3E_OK;
    if (j->out)
        rc = s3e_part_hash(j->body, j->alg, j->p, j->out);
    if (!rc && j->feed &&
        !EVP_DigestUpdate(j->feed, j->body->data ? j->body->data : "", j->body->len))
        rc = S3E_ENOMEM;
    j->rc = rc;
}

static void *hash_main(void *arg)
{
    struct s3e_hash_pool *pool = arg;
    pthread_mutex_lock(&pool->mu);
    for (;;) {
        while (!pool->head && !pool->stop)
            pthread_cond_wait(&pool->work, &pool->mu);
        if (pool->stop)
            break;
        struct s3e_hash_job *j = pool->head;
        pool->head = j->next;
        if (!pool->head)
            pool->tail = NULL;
        atomic_store(&j->state, HJ_RUNNING);
        pthread_mutex_unlock(&pool->mu);
        s3e_hash_run(j);
        void (*wake)(void *) = j->wake;
        void *ud = j->wake_ud;
        pthread_mutex_lock(&pool->mu);
        atomic_store_explicit(&j->state, HJ_DONE, memory_order_release);
        pthread_cond_broadcast(&pool->finished);
        if (wake) /* under the lock: a cancel that waits for this job returns after */
            wake(ud);
    }
    pthread_mutex_unlock(&pool->mu);
    return NULL;
}

int s3e_hash_pool_new(struct s3e_hash_pool **out)
{
    struct s3e_hash_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return S3E_ENOMEM;
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->work, NULL);
    pthread_cond_init(&pool->finished, NULL);
    *out = pool;
    return S3E_OK;
}

void s3e_hash_pool_free(struct s3e_hash_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->mu);
    pool->stop = 1;
    pthread_cond_broadcast(&pool->work);
    pthread_mutex_unlock(&pool->mu);
    for (int i = 0; i < pool->nthreads; i++)
        pthread_join(pool->tid[i], NULL);
    pthread_cond_destroy(&pool->work);
    pthread_cond_destroy(&pool->finished);
    pthread_mutex_destroy(&pool->mu);
    free(pool);
}

/* The threads, at the first job: one per CPU, at most the maximum. */
static int start_threads(struct s3e_hash_pool *pool)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int want = cpus < 1 ? 1 : cpus > S3E_HASH_THREADS_MAX ? S3E_HASH_THREADS_MAX : (int)cpus;
    while (pool->nthreads < want &&
           pthread_create(&pool->tid[pool->nthreads], NULL, hash_main, pool) == 0)
        pool->nthreads++;
    return pool->nthreads ? S3E_OK : S3E_ENOMEM;
}

int s3e_hash_submit(struct s3e_hash_pool *pool, struct s3e_hash_job *job)
{
    pthread_mutex_lock(&pool->mu);
    int rc = pool->nthreads ? S3E_OK : start_threads(pool);
    if (!rc) {
        job->next = NULL;
        atomic_store(&job->state, HJ_QUEUED);
        if (pool->tail)
            pool->tail->next = job;
        else
            pool->head = job;
        pool->tail = job;
        pthread_cond_signal(&pool->work);
    }
    pthread_mutex_unlock(&pool->mu);
    return rc;
}

int s3e_hash_done(const struct s3e_hash_job *job)
{
    return atomic_load_explicit(&job->state, memory_order_acquire) == HJ_DONE;
}

int s3e_hash_busy(const struct s3e_hash_job *job)
{
    return atomic_load_explicit(&job->state, memory_order_acquire) != HJ_IDLE;
}

void s3e_hash_collect(struct s3e_hash_job *job)
{
    atomic_store(&job->state, HJ_IDLE);
}

void s3e_hash_cancel(struct s3e_hash_pool *pool, struct s3e_hash_job *job)
{
    if (!s3e_hash_busy(job))
        return;
    pthread_mutex_lock(&pool->mu);
    if (atomic_load(&job->state) == HJ_QUEUED) {
        struct s3e_hash_job **pp = &pool->head, *prev = NULL;
        while (*pp && *pp != job) {
            prev = *pp;
            pp = &(*pp)->next;
        }
        if (*pp)
            *pp = job->next;
        if (pool->tail == job)
            pool->tail = prev;
    }
    while (atomic_load(&job->state) == HJ_RUNNING)
        pthread_cond_wait(&pool->finished, &pool->mu);
    atomic_store(&job->state, HJ_IDLE);
    pthread_mutex_unlock(&pool->mu);
}
