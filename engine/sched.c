/* sched.c - per-worker payload lists and one bounded shared queue. */
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

struct s3e_sched {
    int workers;
    size_t queue_max;
    pthread_mutex_t lock;
    pthread_cond_t space;   /* the shared queue has room, or canceled */
    struct list *own;       /* one list per worker */
    struct list shared;
    int closed;
    int canceled;
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

int s3e_sched_new(struct s3e_sched **out, int workers, size_t queue_max)
{
    if (workers < 1)
        return S3E_EINVAL;
    struct s3e_sched *s = calloc(1, sizeof *s);
    if (!s)
        return S3E_ENOMEM;
    s->own = calloc((size_t)workers, sizeof *s->own);
    if (!s->own) {
        free(s);
        return S3E_ENOMEM;
    }
    s->workers = workers;
    s->queue_max = queue_max ? queue_max : 2 * (size_t)workers;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->space, NULL);
    *out = s;
    return S3E_OK;
}

int s3e_sched_try_take(struct s3e_sched *s, int w, struct s3e_payload **out)
{
    pthread_mutex_lock(&s->lock);
    int rc = -1;
    *out = NULL;
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
    int assigned = p->worker >= 0 && p->worker < s->workers;
    while (!assigned && !s->canceled && s->shared.len >= s->queue_max)
        pthread_cond_wait(&s->space, &s->lock);
    if (s->canceled) {
        pthread_mutex_unlock(&s->lock);
        free(n);
        s3e_payload_free(p);
        return S3E_ECANCELED;
    }
    list_push(assigned ? &s->own[p->worker] : &s->shared, n);
    pthread_mutex_unlock(&s->lock);
    return S3E_OK;
}

void s3e_sched_close(struct s3e_sched *s)
{
    pthread_mutex_lock(&s->lock);
    s->closed = 1;
    pthread_mutex_unlock(&s->lock);
}

void s3e_sched_cancel(struct s3e_sched *s)
{
    pthread_mutex_lock(&s->lock);
    s->canceled = 1;
    pthread_cond_broadcast(&s->space);
    pthread_mutex_unlock(&s->lock);
}

size_t s3e_sched_free(struct s3e_sched *s)
{
    if (!s)
        return 0;
    size_t dropped = list_drop(&s->shared);
    for (int i = 0; i < s->workers; i++)
        dropped += list_drop(&s->own[i]);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->space);
    free(s->own);
    free(s);
    return dropped;
}
