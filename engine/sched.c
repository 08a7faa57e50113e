/* sched.c - worker threads over per-worker payload lists and one shared queue. */
#include "sched.h"
#include "s3engine/error.h"

#include <pthread.h>
#include <stdlib.h>

struct node {
    struct s3e_payload *p;
    struct node *next;
};

struct list {
    struct node *head, *tail;
    size_t len;
};

struct worker_arg {
    struct s3e_sched *s;
    int index;
};

struct s3e_sched {
    struct s3e_sched_opts o;
    pthread_t *threads;
    struct worker_arg *args;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t work;    /* something to take, or closed/canceled */
    pthread_cond_t space;   /* the shared queue has room */
    struct list *own;       /* one list per worker */
    struct list shared;
    int closed;
    int canceled;
    size_t dropped;
};

static void list_push(struct list *l, struct node *n)
{
    n->next = NULL;
    if (l->tail)
        l->tail->next = n;
    else
        l->head = n;
    l->tail = n;
    l->len++;
}

static struct s3e_payload *list_pop(struct list *l)
{
    struct node *n = l->head;
    if (!n)
        return NULL;
    l->head = n->next;
    if (!l->head)
        l->tail = NULL;
    l->len--;
    struct s3e_payload *p = n->p;
    free(n);
    return p;
}

static size_t list_drop(struct list *l)
{
    size_t n = 0;
    struct s3e_payload *p;
    while ((p = list_pop(l)) != NULL) {
        s3e_payload_free(p);
        n++;
    }
    return n;
}

/* Own list first (the balanced assignment), then the shared queue. */
static struct s3e_payload *take(struct s3e_sched *s, int w)
{
    pthread_mutex_lock(&s->lock);
    struct s3e_payload *p = NULL;
    for (;;) {
        if (s->canceled)
            break;
        p = list_pop(&s->own[w]);
        if (!p) {
            p = list_pop(&s->shared);
            if (p)
                pthread_cond_signal(&s->space);
        }
        if (p || s->closed)
            break;
        pthread_cond_wait(&s->work, &s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return p;
}

static void *worker_main(void *arg)
{
    struct worker_arg *a = arg;
    struct s3e_payload *p;
    while ((p = take(a->s, a->index)) != NULL)
        a->s->o.run(a->s->o.ud, a->index, p);
    return NULL;
}

/* Frees the scheduler; returns how many payloads were still queued. */
static size_t sched_free(struct s3e_sched *s)
{
    for (int i = 0; i < s->o.workers; i++)
        s->dropped += list_drop(&s->own[i]);
    s->dropped += list_drop(&s->shared);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->work);
    pthread_cond_destroy(&s->space);
    free(s->own);
    free(s->threads);
    free(s->args);
    size_t dropped = s->dropped;
    free(s);
    return dropped;
}

int s3e_sched_start(struct s3e_sched **out, const struct s3e_sched_opts *o)
{
    if (o->workers < 1)
        return S3E_EINVAL;
    struct s3e_sched *s = calloc(1, sizeof *s);
    if (!s)
        return S3E_ENOMEM;
    s->o = *o;
    if (!s->o.queue_max)
        s->o.queue_max = 2 * (size_t)o->workers;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->work, NULL);
    pthread_cond_init(&s->space, NULL);
    s->own = calloc((size_t)o->workers, sizeof *s->own);
    s->threads = calloc((size_t)o->workers, sizeof *s->threads);
    s->args = calloc((size_t)o->workers, sizeof *s->args);
    if (!s->own || !s->threads || !s->args) {
        sched_free(s);
        return S3E_ENOMEM;
    }
    for (int i = 0; i < o->workers && o->run; i++) {
        s->args[i].s = s;
        s->args[i].index = i;
        if (pthread_create(&s->threads[i], NULL, worker_main, &s->args[i]) != 0) {
            s3e_sched_close(s);
            s3e_sched_join(s);
            return S3E_ENOMEM;
        }
        s->started++;
    }
    *out = s;
    return S3E_OK;
}

int s3e_sched_try_take(struct s3e_sched *s, int w, struct s3e_payload **out)
{
    pthread_mutex_lock(&s->lock);
    int rc = -1;
    if (!s->canceled) {
        struct s3e_payload *p = list_pop(&s->own[w]);
        if (!p && (p = list_pop(&s->shared)) != NULL)
            pthread_cond_signal(&s->space);
        *out = p;
        rc = p ? 1 : s->closed ? -1 : 0;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int s3e_sched_submit(struct s3e_sched *s, struct s3e_payload *p)
{
    struct node *n = malloc(sizeof *n);
    if (!n) {
        s3e_payload_free(p);
        return S3E_ENOMEM;
    }
    n->p = p;
    pthread_mutex_lock(&s->lock);
    int assigned = p->worker >= 0 && p->worker < s->o.workers;
    while (!assigned && !s->canceled && s->shared.len >= s->o.queue_max)
        pthread_cond_wait(&s->space, &s->lock);
    if (s->canceled) {
        pthread_mutex_unlock(&s->lock);
        free(n);
        s3e_payload_free(p);
        return S3E_ECANCELED;
    }
    list_push(assigned ? &s->own[p->worker] : &s->shared, n);
    /* Broadcast: the payload may be for one particular worker. */
    pthread_cond_broadcast(&s->work);
    pthread_mutex_unlock(&s->lock);
    return S3E_OK;
}

void s3e_sched_close(struct s3e_sched *s)
{
    pthread_mutex_lock(&s->lock);
    s->closed = 1;
    pthread_cond_broadcast(&s->work);
    pthread_mutex_unlock(&s->lock);
}

void s3e_sched_cancel(struct s3e_sched *s)
{
    pthread_mutex_lock(&s->lock);
    s->canceled = 1;
    pthread_cond_broadcast(&s->work);
    pthread_cond_broadcast(&s->space);
    pthread_mutex_unlock(&s->lock);
}

size_t s3e_sched_join(struct s3e_sched *s)
{
    for (int i = 0; i < s->started; i++)
        pthread_join(s->threads[i], NULL);
    return sched_free(s);
}
