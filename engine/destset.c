/* destset.c - open-addressing hash sets of destinations (collisions): 8-byte
 * slots pointing into a log of records that confirms each candidate. */
#include "destset.h"
#include "destlog.h"
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

/* Each set is split by the top bits of the hash into SHARDS tables that grow
 * one at a time: while one doubles, the old and new copies of only that
 * shard are both mapped, so the peak is about 1 + 1.5/SHARDS times the
 * table rather than 1.5 times. */
#define SHARD_BITS 4
#define SHARDS (1u << SHARD_BITS)

#define LOG_BUFFER (1u << 20)

/* A table of slots of `words` 64-bit words; a slot whose first word is 0 is
 * empty. Destinations: one word, the hash's low 32 bits above the record's
 * ref. Drops: two words, a 128-bit fingerprint. */
struct table {
    uint64_t *slots;
    size_t cap;    /* slots: a power of two, or 0 before the first insert */
    size_t count;
    void *map;     /* the mapping slots lies in, or NULL when slots came from calloc */
    size_t map_len;
};

/* Zeroed room for cap slots of `words` words. */
static int table_alloc(struct table *t, size_t cap, unsigned words)
{
    size_t bytes = cap * words * sizeof(uint64_t);
    memset(t, 0, sizeof *t);
    t->cap = cap;
    if (bytes < 2 * (size_t)HUGE_PAGE) {
        t->slots = calloc(cap * words, sizeof(uint64_t));
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
    t->slots = (uint64_t *)start;
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

/* Room for one more slot at 3/4 full, doubling (and re-placing every slot by
 * home(slot)) when needed. */
static int make_room(struct table *t, unsigned words, size_t (*home)(const uint64_t *))
{
    if ((t->count + 1) * 4 <= t->cap * 3)
        return S3E_OK;
    struct table n;
    int rc = table_alloc(&n, t->cap ? t->cap * 2 : 256, words);
    if (rc)
        return rc;
    for (size_t i = 0; i < t->cap; i++) {
        const uint64_t *o = &t->slots[i * words];
        if (!o[0])
            continue;
        size_t j = home(o) & (n.cap - 1);
        while (n.slots[j * words])
            j = (j + 1) & (n.cap - 1);
        memcpy(&n.slots[j * words], o, words * sizeof *o);
    }
    n.count = t->count;
    table_free(t);
    *t = n;
    return S3E_OK;
}

struct s3e_destset {
    uint64_t seed[4];
    uint32_t hash_mask;           /* the hash bits kept (all but in tests) */
    struct table dests[SHARDS];   /* one word: hash << 32 | log ref */
    struct table drops[SHARDS];   /* two words: a pair's 128-bit fingerprint */
    struct s3e_destlog *log;
    size_t ndests, ndrops;
};

static void seed_with(uint64_t seed[4])
{
    if (getentropy(seed, 4 * sizeof seed[0]) == 0)
        return;
    /* No entropy source: a clock and the pid still make keys hard to aim. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
    for (int i = 0; i < 4; i++)
        seed[i] = x = s3e_hash_mix(x + 0x9e3779b97f4a7c15ULL);
}

int s3e_destset_new_weak(struct s3e_destset **out, unsigned hash_bits, size_t buffer_bytes)
{
    struct s3e_destset *s = calloc(1, sizeof *s);
    if (!s)
        return S3E_ENOMEM;
    seed_with(s->seed);
    s->hash_mask = hash_bits >= 32 ? UINT32_MAX : ((uint32_t)1 << hash_bits) - 1;
    int rc = s3e_destlog_new(&s->log, buffer_bytes < 4096 ? 4096 : buffer_bytes);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return S3E_OK;
}

int s3e_destset_new(struct s3e_destset **out)
{
    return s3e_destset_new_weak(out, 32, LOG_BUFFER);
}

void s3e_destset_free(struct s3e_destset *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < SHARDS; i++) {
        table_free(&s->dests[i]);
        table_free(&s->drops[i]);
    }
    s3e_destlog_free(s->log);
    free(s);
}

size_t s3e_destset_count(const struct s3e_destset *s) { return s->ndests; }
size_t s3e_destset_ndropped(const struct s3e_destset *s) { return s->ndrops; }

size_t s3e_destset_memory(const struct s3e_destset *s)
{
    size_t n = sizeof *s + s3e_destlog_memory(s->log);
    for (unsigned i = 0; i < SHARDS; i++)
        n += s->dests[i].cap * 8 + s->drops[i].cap * 16;
    return n;
}

static uint64_t hash_dest(const struct s3e_destset *s, unsigned seed, const char *bucket,
                          const char *key, size_t key_len)
{
    return s3e_hash64(key, key_len, s3e_hash64(bucket, strlen(bucket), s->seed[seed]));
}

uint64_t s3e_destset_src(const struct s3e_destset *s, const char *bucket, const char *key,
                         size_t key_len)
{
    uint64_t h = hash_dest(s, 2, bucket, key, key_len);
    return h ? h : 1;
}

static size_t dest_home(const uint64_t *slot) { return (size_t)(slot[0] >> 32); }
static size_t drop_home(const uint64_t *slot) { return (size_t)slot[1]; }

void s3e_destset_key(const struct s3e_destset *s, const char *bucket, const char *key,
                     size_t key_len, struct s3e_destkey *out)
{
    uint64_t h = hash_dest(s, 0, bucket, key, key_len);
    *out = (struct s3e_destkey){ .hash = h, .bucket = bucket, .key = key, .key_len = key_len };
    const struct table *t = &s->dests[h >> (64 - SHARD_BITS)];
    if (t->cap)
        __builtin_prefetch(&t->slots[((uint32_t)h & s->hash_mask) & (t->cap - 1)], 1);
}

int s3e_destset_add(struct s3e_destset *s, const char *bucket, const char *key, size_t key_len,
                    uint64_t src, uint64_t *out_prev, uint64_t *out_ref)
{
    struct s3e_destkey k;
    s3e_destset_key(s, bucket, key, key_len, &k);
    return s3e_destset_add_key(s, &k, src, out_prev, out_ref);
}

int s3e_destset_add_key(struct s3e_destset *s, const struct s3e_destkey *k, uint64_t src,
                        uint64_t *out_prev, uint64_t *out_ref)
{
    const char *bucket = k->bucket, *key = k->key;
    size_t key_len = k->key_len;
    uint64_t h = k->hash;
    uint64_t hbits = (uint64_t)((uint32_t)h & s->hash_mask);
    struct table *t = &s->dests[h >> (64 - SHARD_BITS)];
    int rc = make_room(t, 1, dest_home);
    if (rc)
        return rc;
    size_t blen = strlen(bucket);
    size_t i = (size_t)hbits & (t->cap - 1);
    for (; t->slots[i]; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i] >> 32 != hbits)
            continue;
        /* A candidate: the same hash bits. Only the record says whether it is this key. */
        uint32_t ref = (uint32_t)t->slots[i];
        int equal;
        if ((rc = s3e_destlog_match(s->log, ref, bucket, blen, key, key_len, &equal, out_prev)))
            return rc;
        if (equal) {
            *out_ref = ref;
            return S3E_OK;
        }
    }
    uint32_t ref;
    if ((rc = s3e_destlog_append(s->log, src, bucket, blen, key, key_len, &ref)))
        return rc;
    t->slots[i] = hbits << 32 | ref;
    t->count++;
    s->ndests++;
    *out_prev = 0;
    *out_ref = ref;
    return S3E_OK;
}

int s3e_destset_replace(struct s3e_destset *s, uint64_t ref, uint64_t src)
{
    return s3e_destlog_set_src(s->log, (uint32_t)ref, src);
}

/* The pair's fingerprint: the destination's under two seeds, stirred by the source. */
static void pair_fp(const struct s3e_destset *s, const char *bucket, const char *key,
                    size_t key_len, uint64_t src, uint64_t out[2])
{
    out[0] = hash_dest(s, 1, bucket, key, key_len) ^ s3e_hash_mix(src);
    out[1] = hash_dest(s, 3, bucket, key, key_len) ^ s3e_hash_mix(src ^ 0x9e3779b97f4a7c15ULL);
    if (!out[0])
        out[0] = 1;
}

static uint64_t *find_pair(const struct table *t, const uint64_t fp[2])
{
    size_t i = (size_t)fp[1] & (t->cap - 1);
    while (t->slots[2 * i] && (t->slots[2 * i] != fp[0] || t->slots[2 * i + 1] != fp[1]))
        i = (i + 1) & (t->cap - 1);
    return &t->slots[2 * i];
}

int s3e_destset_drop(struct s3e_destset *s, const char *bucket, const char *key, size_t key_len,
                     uint64_t src)
{
    uint64_t fp[2];
    pair_fp(s, bucket, key, key_len, src, fp);
    struct table *t = &s->drops[fp[0] >> (64 - SHARD_BITS)];
    int rc = make_room(t, 2, drop_home);
    if (rc)
        return rc;
    uint64_t *e = find_pair(t, fp);
    if (!e[0]) {
        e[0] = fp[0];
        e[1] = fp[1];
        t->count++;
        s->ndrops++;
    }
    return S3E_OK;
}

int s3e_destset_dropped(const struct s3e_destset *s, const char *bucket, const char *key,
                        size_t key_len, uint64_t src)
{
    uint64_t fp[2];
    pair_fp(s, bucket, key, key_len, src, fp);
    const struct table *t = &s->drops[fp[0] >> (64 - SHARD_BITS)];
    if (!t->count)
        return 0;
    return find_pair(t, fp)[0] != 0;
}
