/* tindex.c - open-addressing hash set of the objects already at the targets. */
#include "tindex.h"
#include "hash.h"
#include "s3engine/error.h"

#include <stdlib.h>
#include <string.h>

struct entry {
    uint64_t key_hash;   /* 0 = empty slot */
    uint64_t size;
    uint64_t etag_hash;  /* low bit set: multipart-style ETag */
    int64_t  mtime;
};

struct s3e_tindex {
    struct entry *slots;
    size_t cap;          /* power of two */
    size_t count;
};

int s3e_tindex_new(struct s3e_tindex **out)
{
    struct s3e_tindex *t = calloc(1, sizeof *t);
    if (!t)
        return S3E_ENOMEM;
    t->cap = 1024;
    t->slots = calloc(t->cap, sizeof *t->slots);
    if (!t->slots) {
        free(t);
        return S3E_ENOMEM;
    }
    *out = t;
    return S3E_OK;
}

void s3e_tindex_free(struct s3e_tindex *t)
{
    if (!t)
        return;
    free(t->slots);
    free(t);
}

size_t s3e_tindex_count(const struct s3e_tindex *t) { return t->count; }

static uint64_t key_hash(const char *bucket, const char *key, size_t key_len)
{
    uint64_t h = s3e_hash64(bucket, strlen(bucket), 0x51ed270b);
    h = s3e_hash64(key, key_len, h);
    return h ? h : 1;
}

static uint64_t etag_hash(const char *etag)
{
    if (!etag || !*etag)
        return 0;
    uint64_t h = s3e_hash64(etag, strlen(etag), 0x2545f491) & ~1ULL;
    return strchr(etag, '-') ? h | 1 : h;
}

static struct entry *find_slot(struct entry *slots, size_t cap, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    while (slots[i].key_hash && slots[i].key_hash != h)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(struct s3e_tindex *t)
{
    size_t cap = t->cap * 2;
    struct entry *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return S3E_ENOMEM;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i].key_hash)
            *find_slot(slots, cap, t->slots[i].key_hash) = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return S3E_OK;
}

int s3e_tindex_add(struct s3e_tindex *t, const char *bucket, const char *key, size_t key_len,
                   uint64_t size, const char *etag, int64_t last_modified)
{
    if ((t->count + 1) * 4 > t->cap * 3) {
        int rc = grow(t);
        if (rc)
            return rc;
    }
    uint64_t h = key_hash(bucket, key, key_len);
    struct entry *e = find_slot(t->slots, t->cap, h);
    if (!e->key_hash)
        t->count++;
    e->key_hash = h;
    e->size = size;
    e->etag_hash = etag_hash(etag);
    e->mtime = last_modified;
    return S3E_OK;
}

int s3e_tindex_is_current(const struct s3e_tindex *t, const char *bucket, const char *key,
                          size_t key_len, uint64_t size, const char *etag, int64_t src_mtime)
{
    uint64_t h = key_hash(bucket, key, key_len);
    const struct entry *e = find_slot(t->slots, t->cap, h);
    if (!e->key_hash || e->size != size)
        return 0;
    uint64_t eh = etag_hash(etag);
    if (eh && e->etag_hash == eh)
        return 1;
    /* ETags that differ tell nothing for sure: one side may be encrypted with
     * SSE-KMS or SSE-C, or from another provider, with an ETag that is not the
     * MD5. A destination of the same size, newer than the source, is checked
     * with HEADs of both (verify_rules.h), which show the encryption. */
    return src_mtime > 0 && e->mtime >= src_mtime ? 2 : 0;
}

int s3e_tindex_has(const struct s3e_tindex *t, const char *bucket, const char *key,
                   size_t key_len)
{
    return find_slot(t->slots, t->cap, key_hash(bucket, key, key_len))->key_hash != 0;
}
