/* packer.h - packing routed copies into payloads and assigning them to workers.
 *
 * A payload is a unit of work done by one worker, its objects one after
 * another. Two modes:
 *  - balanced (while the job count stays under hold_limit): every job is held;
 *    at finish, jobs are sorted by cost, largest first, each to the
 *    least-loaded worker; then each worker's jobs are cut, per payload group,
 *    into payloads of at most max_bytes / max_objects. A job larger than
 *    max_bytes gets a payload of its own. Cost = size + request_cost, so a
 *    thousand tiny objects weigh what they cost: a thousand requests.
 *  - streaming (after hold_limit jobs, or hold_limit == 0): payloads are
 *    filled per group in arrival order and emitted as soon as they are full,
 *    for whichever worker is free. Memory stays bounded.
 * The packer is used from one thread (the planner). */
#ifndef S3E_PACKER_H
#define S3E_PACKER_H

#include <stddef.h>
#include <stdint.h>

struct s3e_job {
    uint32_t source;          /* plan source index */
    uint32_t target;          /* plan target index */
    uint32_t group;           /* interned payload group id */
    uint64_t size;
    int64_t  last_modified;
    const char *src_bucket;   /* strings owned by the payload (streaming) or packer (balanced) */
    const char *src_key;
    const char *dst_bucket;
    const char *dst_key;
    const char *etag;
    const char *storage_class;/* NULL = default */
    const char *put;          /* the route's metadata and tags (put_lines.h), NULL = the source's */
    const char *version_id;   /* the source version to copy, NULL = the current one */
    const char *versions;     /* versions = "all": every version of the key, oldest first,
                                 one line each "id\tsize\tetag\tlast_modified\n", copied in
                                 that order (size = their sum); NULL for one object */
    uint8_t archived;         /* listed in GLACIER or DEEP_ARCHIVE: a copy fails unless
                                 it was restored (restore = {...} looks first) */
    uint8_t existing;         /* the destination looks like the source's copy (an earlier
                                 run's): verify it, copy again if it is not; then skip
                                 it, or in move mode delete the source */
};

struct s3e_payload {
    uint64_t id;              /* 1, 2, ... in emission order */
    int      worker;          /* assigned worker (balanced), or -1 = any free worker */
    uint32_t group;
    const char *group_name;   /* "" for the default group; valid while the packer lives */
    size_t   njobs;
    uint64_t bytes;
    struct s3e_job *jobs;
    void    *owner;           /* internal: storage freed by s3e_payload_free */
};

struct s3e_packer_opts {
    int      workers;         /* >= 1 */
    uint64_t max_bytes;       /* default payload limit, > 0 */
    uint64_t max_objects;     /* default object limit per payload, 0 = none */
    uint64_t request_cost;    /* bytes one request is worth for balancing (default 1 MiB) */
    size_t   hold_limit;      /* jobs held for balancing before switching to streaming */
};

/* Called with each ready payload, which the callee then owns (free it with
 * s3e_payload_free). Return 0 to go on; non-zero aborts and is returned by
 * s3e_packer_add / s3e_packer_finish. */
typedef int (*s3e_payload_emit_fn)(void *ud, struct s3e_payload *p);

struct s3e_packer;

int  s3e_packer_new(struct s3e_packer **out, const struct s3e_packer_opts *o,
                    s3e_payload_emit_fn emit, void *ud);
/* Add one job (strings are copied). group_name NULL/"" = default group with
 * the default limits; otherwise max_bytes/max_objects (0 = default) are the
 * group's limits (the first job of a group fixes them). */
int  s3e_packer_add(struct s3e_packer *p, const struct s3e_job *job, const char *group_name,
                    uint64_t max_bytes, uint64_t max_objects);
/* Emit everything still held. In balanced mode payloads come out worker by
 * worker, in the order each worker will run them. */
int  s3e_packer_finish(struct s3e_packer *p);
/* 1 once the packer has switched to streaming. */
int  s3e_packer_streaming(const struct s3e_packer *p);
void s3e_packer_free(struct s3e_packer *p);
void s3e_payload_free(struct s3e_payload *p);

#endif
