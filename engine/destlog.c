/* destlog.c - the collision set's records: a memory buffer in front of an
 * unlinked temporary file (see destlog.h). */
#include "destlog.h"
#include "s3engine/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ALIGN 16u
#define HEAD 16u           /* src (8), bucket length (4), key length (4) */
#define FIRST ALIGN        /* position 0 is never a record: ref 0 means none */

struct s3e_destlog {
    int fd;                /* -1 until the first flush */
    char *buf;             /* records from position `flushed` on */
    size_t len, cap;
    uint64_t flushed;      /* the file's length: records before it are there */
    char *scratch;         /* a record read back from the file */
    size_t scratch_cap;
};

int s3e_destlog_new(struct s3e_destlog **out, size_t buffer_bytes)
{
    struct s3e_destlog *l = calloc(1, sizeof *l);
    if (!l)
        return S3E_ENOMEM;
    l->fd = -1;
    l->cap = buffer_bytes;
    l->flushed = FIRST;
    if (!(l->buf = malloc(l->cap))) {
        free(l);
        return S3E_ENOMEM;
    }
    *out = l;
    return S3E_OK;
}

void s3e_destlog_free(struct s3e_destlog *l)
{
    if (!l)
        return;
    if (l->fd >= 0)
        close(l->fd);
    free(l->buf);
    free(l->scratch);
    free(l);
}

size_t s3e_destlog_memory(const struct s3e_destlog *l)
{
    return l->cap + l->scratch_cap;
}

/* The file, created unlinked: it holds keys, so no one else may open it. */
static int open_file(struct s3e_destlog *l)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/s3engine-dests-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return S3E_EIO;
    unlink(path);
    l->fd = fd;
    return S3E_OK;
}

static int pwrite_all(int fd, const char *p, size_t n, uint64_t at)
{
    while (n) {
        ssize_t w = pwrite(fd, p, n, (off_t)at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return S3E_EIO;
        p += w;
        n -= (size_t)w;
        at += (uint64_t)w;
    }
    return S3E_OK;
}

static int flush(struct s3e_destlog *l)
{
    int rc = l->fd < 0 ? open_file(l) : S3E_OK;
    if (!rc)
        rc = pwrite_all(l->fd, l->buf, l->len, l->flushed);
    if (!rc) {
        l->flushed += l->len;
        l->len = 0;
    }
    return rc;
}

int s3e_destlog_append(struct s3e_destlog *l, uint64_t src, const char *bucket, size_t bucket_len,
                       const char *key, size_t key_len, uint32_t *out_ref)
{
    size_t need = (HEAD + bucket_len + key_len + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (bucket_len > UINT32_MAX || key_len > UINT32_MAX)
        return S3E_ELIMIT;
    int rc;
    if (l->cap - l->len < need && l->len && (rc = flush(l)))
        return rc;
    if (need > l->cap) { /* a record larger than the buffer: room for it alone */
        char *b = realloc(l->buf, need);
        if (!b)
            return S3E_ENOMEM;
        l->buf = b;
        l->cap = need;
    }
    uint64_t pos = l->flushed + l->len;
    if (pos / ALIGN > UINT32_MAX)
        return S3E_ELIMIT;
    char *r = l->buf + l->len;
    uint32_t lens[2] = { (uint32_t)bucket_len, (uint32_t)key_len };
    memcpy(r, &src, 8);
    memcpy(r + 8, lens, 8);
    memcpy(r + HEAD, bucket, bucket_len);
    memcpy(r + HEAD + bucket_len, key, key_len);
    memset(r + HEAD + bucket_len + key_len, 0, need - HEAD - bucket_len - key_len);
    l->len += need;
    *out_ref = (uint32_t)(pos / ALIGN);
    return S3E_OK;
}

/* n bytes of the log from pos: in the buffer, or read from the file. */
static int read_at(struct s3e_destlog *l, uint64_t pos, size_t n, const char **out)
{
    if (pos >= l->flushed) {
        *out = l->buf + (pos - l->flushed);
        return S3E_OK;
    }
    if (n > l->scratch_cap) {
        char *s = realloc(l->scratch, n);
        if (!s)
            return S3E_ENOMEM;
        l->scratch = s;
        l->scratch_cap = n;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(l->fd, l->scratch + got, n - got, (off_t)(pos + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* past the end: this record is shorter than the one asked about */
        got += (size_t)r;
    }
    if (got < HEAD)
        return S3E_EIO;
    if (got < n)
        memset(l->scratch + got, 0, n - got);
    *out = l->scratch;
    return S3E_OK;
}

int s3e_destlog_match(struct s3e_destlog *l, uint32_t ref, const char *bucket, size_t bucket_len,
                      const char *key, size_t key_len, int *out_equal, uint64_t *out_src)
{
    uint64_t pos = (uint64_t)ref * ALIGN;
    const char *r;
    *out_equal = 0;
    /* Reads past a shorter record stay within the log or stop at its end;
     * the lengths in the head decide before any byte is compared. */
    size_t n = HEAD + bucket_len + key_len;
    if (pos >= l->flushed && n > l->len - (pos - l->flushed))
        n = l->len - (pos - l->flushed);
    int rc = read_at(l, pos, n, &r);
    if (rc)
        return rc;
    uint32_t lens[2];
    memcpy(lens, r + 8, 8);
    if (lens[0] != bucket_len || lens[1] != key_len || memcmp(r + HEAD, bucket, bucket_len) ||
        memcmp(r + HEAD + bucket_len, key, key_len))
        return S3E_OK;
    memcpy(out_src, r, 8);
    *out_equal = 1;
    return S3E_OK;
}

int s3e_destlog_set_src(struct s3e_destlog *l, uint32_t ref, uint64_t src)
{
    uint64_t pos = (uint64_t)ref * ALIGN;
    if (pos >= l->flushed) {
        memcpy(l->buf + (pos - l->flushed), &src, 8);
        return S3E_OK;
    }
    return pwrite_all(l->fd, (const char *)&src, 8, pos);
}
