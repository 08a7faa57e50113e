/* fuzz_util.h - what every libFuzzer target in tests/fuzz shares: a checked
 * invariant that aborts with a message, and NUL-terminated copies of input. */
#ifndef S3E_FUZZ_UTIL_H
#define S3E_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant that does not hold is a finding like a crash: abort so that
 * libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)                                                     \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__,  \
                    #cond);                                                       \
            fprintf(stderr, __VA_ARGS__);                                         \
            fputc('\n', stderr);                                                  \
            abort();                                                              \
        }                                                                         \
    } while (0)

/* data[0..size) as a malloc'd C string (cut at the first NUL); never NULL. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Split data at NUL bytes into at most max parts; the last part is the rest
 * of the input, NULs included (lens[] says how long each part is). Parts
 * point into *buf, a NUL-terminated copy the caller frees. Returns the number
 * of parts (1..max). */
static inline size_t fuzz_split(const uint8_t *data, size_t size, char **buf, char **parts,
                                size_t *lens, size_t max)
{
    *buf = fuzz_cstr(data, size);
    size_t n = 0, start = 0;
    for (size_t i = 0; i < size && n + 1 < max; i++) {
        if (data[i] == '\0') {
            parts[n] = *buf + start;
            lens[n++] = i - start;
            start = i + 1;
        }
    }
    parts[n] = *buf + start;
    lens[n++] = size - start;
    return n;
}

#endif
