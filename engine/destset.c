/* destset.c - open-addressing hash sets of destination fingerprints (collisions). */
#include "destset.h"
#include "hash.h"
#include "s3engine/error.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Tables from this size on are mapped on their own, in 2 MiB pages where
 * the kernel allows: every insert is a random access, and with 4 KiB pages
 * most of them also missed the TLB (a third of the planner's time at 1M objects). */
#define HUGE_PAGE (2u << 20)

/* Each set is split by the top bits of the fingerprint into SHARDS tables
 * that grow one at a time: while one doubles, the old and new copies of only
 * that shard are both mapped, so the peak is about 1 + 1.5/SHARDS times the
 * table rather than 1.5 times (10M objects: ~400 MB instead of 576 MB). */
#define SHARD_BITS 4
#define SHARDS (1u << SHARD_BITS)

struct slot {
    uint64_t hi;   /* 0 = empty */
    uint64_t lo;
    uint64_t src;  /* the source routed there (dests); unused (drops) */
};

struct table {
    struct slot *slots;
    size_t cap;    /* power of two, or 0 before the first insert */
    size_t count;
    void *map;     /* the mapping slots lies in, or NULL when slots came from calloc */
    size_t map_len;
};

/* Zeroed room for cap slots. */
static int table_alloc(struct table *t, size_t cap)
{
    size_t bytes = cap * sizeof(struct slot);
    memset(t, 0, sizeof *t);
    t->cap = cap;
    if (bytes < 2 * (size_t)HUGE_PAGE) {
        t->slots = calloc(cap, sizeof(struct slot));
        return t->slots ? S3E_OK : S3E_ENOMEM;
    }
    size_t len = bytes + HUGE_PAGE; /* room to align the start */
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return S3E_ENOMEM;
    uintptr_t start = ((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
#ifdef MADV_HUGEPAGE
    madvise((void *)start, bytes, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
#endif
    t->slots = (struct slot *)start;
    t->map = m;
    t->map_len = len;
    return S3E_OK;
}

static void table_free(struct table *t)
{
    if (t->map)
        munmap(t->map, t->map_len);
    else
        free(t->slots);
    memset(t, 0, sizeof *t);
}

struct s3e_destset {
    uint64_t seed[3];
    struct table dests[SHARDS];
    struct table drops[SHARDS];
    size_t ndests, ndrops;
};

/* The shard of a fingerprint: bits the slot index (from lo) does not use. */
static struct table *shard(const struct table *t, uint64_t hi)
{
    return (struct table *)&t[hi >> (64 - SHARD_BITS)];
}

static void seed_with(uint64_t seed[3])
{
    if (getentropy(seed, 3 * sizeof seed[0]) == 0)
        return;
    /* No entropy source: a clock and the pid still make keys hard to aim. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
    for (int i = 0; i < 3; i++)
        seed[i] = x = s3e_hash_mix(x + 0x9e3779b97f4a7c15ULL);
}

int s3e_destset_new(struct s3e_destset **out)
{
    struct s3e_destset *s = calloc(1, sizeof *s);
    if (!s)
        return S3E_ENOMEM;
    seed_with(s->seed);
    *out = s;
    return S3E_OK;
}

void s3e_destset_free(struct s3e_destset *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < SHARDS; i++) {
        table_free(&s->dests[i]);
        table_free(&s->drops[i]);
    }
    free(s);
}

size_t s3e_destset_count(const struct s3e_destset *s) { return s->ndests; }
size_t s3e_destset_ndropped(const struct s3e_destset *s) { return s->ndrops; }

struct s3e_destfp s3e_destset_fp(const struct s3e_destset *s, const char *bucket, const char *key,
                                 size_t key_len)
{
    size_t blen = strlen(bucket);
    struct s3e_destfp fp = {
        .hi = s3e_hash64(key, key_len, s3e_hash64(bucket, blen, s->seed[0])),
        .lo = s3e_hash64(key, key_len, s3e_hash64(bucket, blen, s->seed[1])),
    };
    if (!fp.hi)
        fp.hi = 1;
    return fp;
}

uint64_t s3e_destset_src(const struct s3e_destset *s, const char *bucket, const char *key,
                         size_t key_len)
{
    uint64_t h = s3e_hash64(key, key_len, s3e_hash64(bucket, strlen(bucket), s->seed[2]));
    return h ? h : 1;
}

static struct slot *find(const struct table *t, struct s3e_destfp fp)
{
    size_t i = (size_t)fp.lo & (t->cap - 1);
    while (t->slots[i].hi && (t->slots[i].hi != fp.hi || t->slots[i].lo != fp.lo))
        i = (i + 1) & (t->cap - 1);
    return &t->slots[i];
}

static int grow(struct table *t)
{
    struct table n;
    int rc = table_alloc(&n, t->cap ? t->cap * 2 : 256);
    if (rc)
        return rc;
    for (size_t i = 0; i < t->cap; i++) {
        const struct slot *o = &t->slots[i];
        if (o->hi)
            *find(&n, (struct s3e_destfp){ o->hi, o->lo }) = *o;
    }
    n.count = t->count;
    table_free(t);
    *t = n;
    return S3E_OK;
}

/* The slot for fp, created (with src) when absent. *out_new says which. */
static int insert(struct table *t, struct s3e_destfp fp, uint64_t src, struct slot **out,
                  int *out_new)
{
    if ((t->count + 1) * 4 > t->cap * 3) {
        int rc = grow(t);
        if (rc)
            return rc;
    }
    struct slot *e = find(t, fp);
    *out_new = !e->hi;
    if (!e->hi) {
        e->hi = fp.hi;
        e->lo = fp.lo;
        e->src = src;
        t->count++;
    }
    *out = e;
    return S3E_OK;
}

int s3e_destset_add(struct s3e_destset *s, struct s3e_destfp dst, uint64_t src,
                    uint64_t *out_prev)
{
    struct slot *e;
    int fresh;
    int rc = insert(shard(s->dests, dst.hi), dst, src, &e, &fresh);
    if (rc)
        return rc;
    s->ndests += fresh;
    *out_prev = fresh ? 0 : e->src;
    return S3E_OK;
}

void s3e_destset_replace(struct s3e_destset *s, struct s3e_destfp dst, uint64_t src)
{
    struct table *t = shard(s->dests, dst.hi);
    if (!t->cap)
        return;
    struct slot *e = find(t, dst);
    if (e->hi)
        e->src = src;
}

/* The pair's own fingerprint: the destination's, stirred by the source. */
static struct s3e_destfp pair_fp(struct s3e_destfp dst, uint64_t src)
{
    struct s3e_destfp fp = {
        .hi = dst.hi ^ s3e_hash_mix(src),
        .lo = dst.lo ^ s3e_hash_mix(src ^ 0x9e3779b97f4a7c15ULL),
    };
    if (!fp.hi)
        fp.hi = 1;
    return fp;
}

int s3e_destset_drop(struct s3e_destset *s, struct s3e_destfp dst, uint64_t src)
{
    struct slot *e;
    int fresh;
    struct s3e_destfp fp = pair_fp(dst, src);
    int rc = insert(shard(s->drops, fp.hi), fp, 0, &e, &fresh);
    if (!rc)
        s->ndrops += fresh;
    return rc;
}

int s3e_destset_dropped(const struct s3e_destset *s, struct s3e_destfp dst, uint64_t src)
{
    struct s3e_destfp fp = pair_fp(dst, src);
    const struct table *t = shard(s->drops, fp.hi);
    if (!t->count)
        return 0;
    return find(t, fp)->hi != 0;
}
