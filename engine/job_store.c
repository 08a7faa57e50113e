/* job_store.c - the files of an emitted job in a local folder or under an S3
 * prefix: whole-file writes, ranged reads, a listing of results. */
#include "job_store.h"
#include "s3engine/error.h"
#include "s3engine/s3.h"
#include "s3engine/uri.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_GET (1ULL << 30) /* one manifest range or result read at once */

struct s3e_job_store {
    struct s3e_client *client;  /* NULL for a local folder */
    char *root;                 /* the folder, or the key prefix ("" or ending in '/') */
    char *bucket;
    char where[4096];
};

int s3e_job_store_is_s3(const char *dest)
{
    return strncmp(dest, "s3://", 5) == 0;
}

int s3e_job_store_open(struct s3e_job_store **out, const char *dest, struct s3e_client *client,
                       char *err, size_t errlen)
{
    struct s3e_job_store *s = calloc(1, sizeof *s);
    if (!s)
        return S3E_ENOMEM;
    size_t blen = 0;
    const char *rest = NULL;
    if (s3e_job_store_is_s3(dest)) {
        const char *b = s3e_uri_split_s3(dest, &blen, &rest);
        if (!b || !client) {
            snprintf(err, errlen, b ? "%s: no S3 client (credentials?)"
                                    : "%s: expected s3://BUCKET[/PREFIX/]", dest);
            free(s);
            return S3E_EINVAL;
        }
        s->client = client;
        s->bucket = strndup(b, blen);
        size_t n = strlen(rest);
        s->root = malloc(n + 2);
        if (s->root)
            snprintf(s->root, n + 2, "%s%s", rest, n && rest[n - 1] != '/' ? "/" : "");
    } else {
        if (!*dest) {
            snprintf(err, errlen, "the job folder is empty");
            free(s);
            return S3E_EINVAL;
        }
        s->root = strdup(dest);
    }
    if (!s->root || (s->client && !s->bucket)) {
        s3e_job_store_free(s);
        return S3E_ENOMEM;
    }
    *out = s;
    return S3E_OK;
}

void s3e_job_store_free(struct s3e_job_store *s)
{
    if (!s)
        return;
    free(s->root);
    free(s->bucket);
    free(s);
}

const char *s3e_job_store_where(struct s3e_job_store *s, const char *name)
{
    if (s->client)
        snprintf(s->where, sizeof s->where, "s3://%s/%s%s", s->bucket, s->root, name);
    else
        snprintf(s->where, sizeof s->where, "%s/%s", s->root, name);
    return s->where;
}

static char *s3_key(const struct s3e_job_store *s, const char *name)
{
    size_t n = strlen(s->root) + strlen(name) + 1;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "%s%s", s->root, name);
    return k;
}

static int s3_fail(struct s3e_job_store *s, const char *what, const char *name, int rc,
                   const struct s3e_s3_error *e, char *err, size_t errlen)
{
    return s3e_s3_errbuf(err, errlen, rc, e, "%s %s", what, s3e_job_store_where(s, name));
}

/* mkdir -p of the folders in path (not its last part). */
static int make_parents(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

struct s3e_job_file {
    struct s3e_job_store *s;
    char name[1024];
    char path[4096], tmp[4200];  /* local */
    int fd;
    struct s3e_buf whole;        /* S3 */
};

static int write_all(int fd, const char *p, size_t left)
{
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        left -= (size_t)n;
    }
    return 0;
}

int s3e_job_file_begin(struct s3e_job_store *s, const char *name, struct s3e_job_file **out,
                       char *err, size_t errlen)
{
    struct s3e_job_file *f = calloc(1, sizeof *f);
    if (!f)
        return S3E_ENOMEM;
    f->s = s;
    f->fd = -1;
    snprintf(f->name, sizeof f->name, "%s", name);
    s3e_buf_init(&f->whole, 0);
    if (s->client && s3e_buf_reserve(&f->whole, 1u << 20)) {
        free(f);
        return S3E_ENOMEM;
    }
    if (!s->client) {
        snprintf(f->path, sizeof f->path, "%s/%s", s->root, name);
        snprintf(f->tmp, sizeof f->tmp, "%s.tmp.%ld", f->path, (long)getpid());
        f->fd = make_parents(f->path) ? -1 : open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (f->fd < 0) {
            snprintf(err, errlen, "cannot write %s: %s", f->path, strerror(errno));
            free(f);
            return S3E_EIO;
        }
    }
    *out = f;
    return S3E_OK;
}

int s3e_job_file_write(struct s3e_job_file *f, const void *data, size_t len, char *err,
                       size_t errlen)
{
    if (f->s->client)
        return s3e_buf_append(&f->whole, data, len) ? S3E_ENOMEM : S3E_OK;
    if (write_all(f->fd, data, len)) {
        snprintf(err, errlen, "cannot write %s: %s", f->path, strerror(errno));
        return S3E_EIO;
    }
    return S3E_OK;
}

int s3e_job_file_end(struct s3e_job_file *f, int commit, char *err, size_t errlen)
{
    int rc = S3E_OK;
    if (f->s->client) {
        if (commit)
            rc = s3e_job_store_put(f->s, f->name, f->whole.data ? f->whole.data : "",
                                   f->whole.len, err, errlen);
    } else {
        int ok = !close(f->fd);
        if (commit && ok && !rename(f->tmp, f->path)) {
            rc = S3E_OK;
        } else {
            if (commit) {
                snprintf(err, errlen, "cannot write %s: %s", f->path, strerror(errno));
                rc = S3E_EIO;
            }
            unlink(f->tmp);
        }
    }
    s3e_buf_free(&f->whole);
    free(f);
    return rc;
}

static int local_put(struct s3e_job_store *s, const char *name, const void *data, size_t len,
                     char *err, size_t errlen)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", s->root, name);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = make_parents(path) ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int ok = fd >= 0 && !write_all(fd, data, len);
    if (fd >= 0 && close(fd))
        ok = 0;
    if (ok && rename(tmp, path))
        ok = 0;
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return S3E_EIO;
    }
    return S3E_OK;
}

int s3e_job_store_put(struct s3e_job_store *s, const char *name, const void *data, size_t len,
                      char *err, size_t errlen)
{
    if (!s->client)
        return local_put(s, name, data, len, err, errlen);
    char *key = s3_key(s, name);
    if (!key)
        return S3E_ENOMEM;
    struct s3e_s3_error e;
    s3e_s3_error_clear(&e);
    int rc = s3e_s3_put_object(s->client, s->bucket, key, data, len, "text/plain", NULL, &e);
    free(key);
    return rc ? s3_fail(s, "cannot write", name, rc, &e, err, errlen) : S3E_OK;
}

static int local_get(struct s3e_job_store *s, const char *name, uint64_t offset, uint64_t length,
                     struct s3e_buf *out, int *found, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", s->root, name);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (errno == ENOENT)
            return S3E_OK;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return S3E_EIO;
    }
    *found = 1;
    struct stat st;
    int rc = fstat(fd, &st) ? S3E_EIO : S3E_OK;
    uint64_t size = rc ? 0 : (uint64_t)st.st_size;
    if (!rc && (offset > size || (length && offset + length > size)))
        rc = S3E_EPARSE;
    uint64_t want = rc ? 0 : length ? length : size - offset;
    if (!rc && (want > MAX_GET || s3e_buf_reserve(out, (size_t)want + 1)))
        rc = S3E_ENOMEM;
    size_t got = 0;
    while (!rc && got < want) {
        ssize_t n = pread(fd, out->data + got, (size_t)(want - got), (off_t)(offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = S3E_EIO;
        else
            got += (size_t)n;
    }
    close(fd);
    if (rc) {
        snprintf(err, errlen, "cannot read %s (%llu bytes at %llu): %s", path,
                 (unsigned long long)want, (unsigned long long)offset,
                 rc == S3E_EPARSE ? "the file is shorter" : strerror(errno));
        return rc;
    }
    out->len = got;
    if (out->data)
        out->data[got] = '\0';
    return S3E_OK;
}

int s3e_job_store_get(struct s3e_job_store *s, const char *name, uint64_t offset,
                      uint64_t length, struct s3e_buf *out, int *found, char *err, size_t errlen)
{
    *found = 0;
    s3e_buf_reset(out);
    if (!s->client)
        return local_get(s, name, offset, length, out, found, err, errlen);
    char *key = s3_key(s, name);
    if (!key)
        return S3E_ENOMEM;
    struct s3e_s3_error e;
    s3e_s3_error_clear(&e);
    int rc = s3e_s3_get_object(s->client, s->bucket, key, offset, length,
                               (size_t)(length ? length + 1 : MAX_GET), out, &e);
    free(key);
    if (rc == S3E_ES3 && (e.http_status == 404 || strcmp(e.code, "NoSuchKey") == 0))
        return S3E_OK;
    if (rc)
        return s3_fail(s, "cannot read", name, rc, &e, err, errlen);
    if (length && out->len != length) {
        snprintf(err, errlen, "cannot read %s: %zu bytes came of the %llu asked for",
                 s3e_job_store_where(s, name), out->len, (unsigned long long)length);
        return S3E_EPARSE;
    }
    *found = 1;
    return S3E_OK;
}
