/* hash_pool.h - a few threads that hash the bodies of streamed copies off
 * the event loop (part_hash.h: MD5, SHA-256, checksum; and the whole
 * object's MD5 fed in order), so that the loop goes on serving its sockets
 * while a part of 64 MiB is hashed. The threads start with the first job
 * and are as many as the machine's CPUs, at most S3E_HASH_THREADS_MAX;
 * they allocate nothing per job: the bodies are the parts the stream budget
 * already holds. Internal. */
#ifndef S3E_HASH_POOL_H
#define S3E_HASH_POOL_H

#include <stdatomic.h>
#include "part_hash.h"

#define S3E_HASH_THREADS_MAX 4
/* Bodies smaller than this are hashed on the loop itself: a hand-off to a
 * thread and back costs more than hashing them. */
#define S3E_HASH_OFF_LOOP_FROM (1u << 20)

struct s3e_hash_pool;

/* One body to hash, owned by the caller; body, p, out and feed must live
 * until the job is done or cancelled. */
struct s3e_hash_job {
    const struct s3e_buf *body;
    const char *alg;             /* the target's checksum algorithm, or NULL */
    struct s3e_part_copy *p;     /* receives the checksum */
    struct s3e_part_hash *out;   /* NULL: no part hashes (a feed only) */
    void *feed;                  /* an EVP_MD_CTX to update with body, or NULL */
    void (*wake)(void *);        /* called on the pool's thread once it is done */
    void *wake_ud;
    int rc;                      /* S3E_OK or S3E_ENOMEM, read once done */
    /* internal */
    atomic_int state;
    struct s3e_hash_job *next;
};

int  s3e_hash_pool_new(struct s3e_hash_pool **out);
/* Waits for the jobs in hand, drops the others. NULL is fine. */
void s3e_hash_pool_free(struct s3e_hash_pool *pool);
/* Queue job (not queued already); S3E_ENOMEM when no thread could start. */
int  s3e_hash_submit(struct s3e_hash_pool *pool, struct s3e_hash_job *job);
/* Run job here and now, on the caller's thread (a body too small to hand on). */
void s3e_hash_run(struct s3e_hash_job *job);
/* 1 once a submitted job is done: its results may be read. */
int  s3e_hash_done(const struct s3e_hash_job *job);
/* 1 between submit and the done job being collected by s3e_hash_collect. */
int  s3e_hash_busy(const struct s3e_hash_job *job);
/* A done job back to idle (its results stay). */
void s3e_hash_collect(struct s3e_hash_job *job);
/* Take back a job not collected: out of the queue if it waits, else wait
 * until its thread is done with it. Idle afterwards. */
void s3e_hash_cancel(struct s3e_hash_pool *pool, struct s3e_hash_job *job);

#endif
