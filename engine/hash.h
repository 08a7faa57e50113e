/* hash.h - a fast 64-bit non-cryptographic hash (for in-memory indexes only). */
#ifndef S3E_HASH_H
#define S3E_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t s3e_hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* 8 bytes at a time, then the tail; seed chains several strings. */
static inline uint64_t s3e_hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = s3e_hash_mix(h ^ w) * 0x9e3779b97f4a7c15ULL;
        p += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, p, len);
    return s3e_hash_mix(h ^ tail ^ 0x5bd1e995ULL);
}

#endif
