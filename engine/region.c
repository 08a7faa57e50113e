/* region.c - the region of each bucket, as AWS names it and as a run remembers it. */
#include "s3engine/region.h"
#include "s3engine/error.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More buckets than any plan names; past it a bucket keeps the run's region
 * (and its requests are redirected again), memory stays bounded. */
#define MAX_BUCKETS 4096

const char *s3e_region_problem(const char *region)
{
    size_t n = strlen(region);
    if (n == 0 || n >= S3E_REGION_MAX)
        return "must be 1 to 63 characters";
    for (const char *c = region; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
            return "may hold only letters, digits, '-', '_' and '.'";
    return NULL;
}

static int put(const char *s, size_t n, char out[S3E_REGION_MAX])
{
    if (n == 0 || n >= S3E_REGION_MAX)
        return 0;
    memcpy(out, s, n);
    out[n] = '\0';
    /* AWS regions are "area-place-N": a label without '-' (accelerate,
     * dualstack, a bucket's name) is not one */
    return !s3e_region_problem(out) && strchr(out, '-') != NULL;
}

/* The label of host that starts at p (up to the next '.' or end). */
static size_t label_len(const char *p, const char *end)
{
    const char *dot = memchr(p, '.', (size_t)(end - p));
    return (size_t)((dot ? dot : end) - p);
}

int s3e_region_of_host(const char *host, char out[S3E_REGION_MAX])
{
    const char *suffix = strstr(host, ".amazonaws.com");
    if (!suffix || (suffix[14] && strcmp(suffix + 14, ".cn") != 0))
        return 0;
    const char *s3 = NULL; /* the rightmost label "s3" or "s3-..." */
    for (const char *p = host; p < suffix; p += label_len(p, suffix) + 1) {
        size_t n = label_len(p, suffix);
        if ((n == 2 && memcmp(p, "s3", 2) == 0) || (n > 3 && memcmp(p, "s3-", 3) == 0))
            s3 = p;
    }
    if (!s3)
        return 0;
    size_t n = label_len(s3, suffix);
    const char *rest = s3 + n < suffix ? s3 + n + 1 : suffix;
    if (n > 3) { /* legacy "s3-eu-west-1", "s3-external-1" */
        if (rest != suffix)
            return 0;
        if (n == 13 && memcmp(s3, "s3-external-1", 13) == 0)
            return put("us-east-1", 9, out);
        return put(s3 + 3, n - 3, out);
    }
    if (rest < suffix && label_len(rest, suffix) == 9 && memcmp(rest, "dualstack", 9) == 0)
        rest += 10;
    if (rest >= suffix) /* the global endpoint */
        return put("us-east-1", 9, out);
    size_t m = label_len(rest, suffix);
    return rest + m == suffix ? put(rest, m, out) : 0;
}

int s3e_region_named(long status, const char *code, const char *header_region,
                     const char *body_region, char out[S3E_REGION_MAX])
{
    int redirect = status == 301 || status == 302 || status == 307 ||
                   strcmp(code, "PermanentRedirect") == 0;
    int wrong_region = status == 400 || strcmp(code, "AuthorizationHeaderMalformed") == 0;
    if (!redirect && !wrong_region)
        return 0;
    const char *named = header_region && *header_region ? header_region : body_region;
    if (!named || !*named || s3e_region_problem(named))
        return 0;
    snprintf(out, S3E_REGION_MAX, "%s", named);
    return 1;
}

int s3e_region_endpoint(const char *region, char *out, size_t len)
{
    int china = strncmp(region, "cn-", 3) == 0;
    int n = snprintf(out, len, "https://s3.%s.amazonaws.com%s", region, china ? ".cn" : "");
    return n >= 0 && (size_t)n < len ? S3E_OK : S3E_ELIMIT;
}

struct entry {
    char *bucket;
    char region[S3E_REGION_MAX];
};

struct s3e_regions {
    pthread_mutex_t lock;
    struct entry *v;
    size_t n, cap;
};

int s3e_regions_new(struct s3e_regions **out)
{
    struct s3e_regions *r = calloc(1, sizeof *r);
    if (!r)
        return S3E_ENOMEM;
    pthread_mutex_init(&r->lock, NULL);
    *out = r;
    return S3E_OK;
}

void s3e_regions_free(struct s3e_regions *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].bucket);
    free(r->v);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* Under the lock. */
static struct entry *find(struct s3e_regions *r, const char *bucket)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].bucket, bucket) == 0)
            return &r->v[i];
    return NULL;
}

int s3e_regions_get(struct s3e_regions *r, const char *bucket, char out[S3E_REGION_MAX])
{
    if (!r || !bucket)
        return 0;
    pthread_mutex_lock(&r->lock);
    struct entry *e = find(r, bucket);
    if (e)
        memcpy(out, e->region, S3E_REGION_MAX);
    pthread_mutex_unlock(&r->lock);
    return e != NULL;
}

/* Under the lock: a new entry, or NULL when full or out of memory. */
static struct entry *add(struct s3e_regions *r, const char *bucket)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        if (cap > MAX_BUCKETS)
            return NULL;
        struct entry *v = realloc(r->v, cap * sizeof *v);
        if (!v)
            return NULL;
        r->v = v;
        r->cap = cap;
    }
    char *b = strdup(bucket);
    if (!b)
        return NULL;
    struct entry *e = &r->v[r->n++];
    e->bucket = b;
    e->region[0] = '\0';
    return e;
}

int s3e_regions_set(struct s3e_regions *r, const char *bucket, const char *region)
{
    if (!r || !bucket || s3e_region_problem(region))
        return 0;
    pthread_mutex_lock(&r->lock);
    struct entry *e = find(r, bucket);
    int changed = 0;
    if (!e)
        e = add(r, bucket);
    if (e && strcmp(e->region, region) != 0) {
        snprintf(e->region, sizeof e->region, "%s", region);
        changed = 1;
    }
    pthread_mutex_unlock(&r->lock);
    return changed;
}
