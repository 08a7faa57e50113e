/* packer.c - routed copies into payloads, payloads onto workers (see packer.h).
 *
 * Strings live in arenas ("stores") that are shared by the payloads cut from
 * them and freed when the last such payload is freed: in balanced mode one
 * store holds every held job's strings; in streaming mode each open payload
 * has its own, so memory follows the payloads in flight, not the listing. */
#include "s3engine/packer.h"
#include "s3engine/error.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (1u << 20)
#define HELD_BLOCK 65536u       /* held jobs are stored in blocks of this many */
#define NO_STR 0xffffu

/* ---- string store ----------------------------------------------------------- */

struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
};

struct store {
    _Atomic unsigned refs;
    struct chunk *chunks;
};

static struct store *store_new(void)
{
    struct store *s = calloc(1, sizeof *s);
    if (s)
        atomic_init(&s->refs, 1);
    return s;
}

static void store_release(struct store *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    for (struct chunk *c = s->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(s);
}

static const char *store_dup(struct store *s, const char *str, size_t len)
{
    struct chunk *c = s->chunks;
    if (!c || c->cap - c->used < len + 1) {
        size_t cap = len + 1 > CHUNK_SIZE / 4 ? len + 1 : CHUNK_SIZE;
        /* A small first chunk: most streaming payloads hold few strings. */
        if (!s->chunks && cap == CHUNK_SIZE)
            cap = 16384;
        else if (c && c->cap < CHUNK_SIZE && cap == CHUNK_SIZE)
            cap = c->cap * 4 < CHUNK_SIZE ? c->cap * 4 : CHUNK_SIZE;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = s->chunks;
        c->used = 0;
        c->cap = cap;
        s->chunks = c;
    }
    char *out = c->data + c->used;
    memcpy(out, str, len);
    out[len] = '\0';
    c->used += len + 1;
    return out;
}

/* ---- small interned strings (buckets, storage classes, groups) --------------- */

struct strtab {
    char **s;
    size_t n, cap;
    size_t last;
};

/* Index of str, added when new; NO_STR for NULL; -1 on failure. */
static long strtab_id(struct strtab *t, const char *str)
{
    if (!str)
        return NO_STR;
    if (t->last < t->n && strcmp(t->s[t->last], str) == 0)
        return (long)t->last;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->s[i], str) == 0)
            return (long)(t->last = i);
    if (t->n == NO_STR)
        return -1;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        char **s = realloc(t->s, cap * sizeof *s);
        if (!s)
            return -1;
        t->s = s;
        t->cap = cap;
    }
    if (!(t->s[t->n] = strdup(str)))
        return -1;
    return (long)(t->last = t->n++);
}

static void strtab_free(struct strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
}

/* ---- payloads ------------------------------------------------------------------ */

struct owned_payload {
    struct s3e_payload pub;
    size_t cap;
    struct store *store;   /* strings of the jobs (shared, refcounted) */
};

struct group {
    uint64_t max_bytes, max_objects;
    struct owned_payload *open;  /* payload being filled (streaming / finish) */
};

/* A held job, compact: 1,000,000 of them must fit in well under 100 MB. */
struct held {
    const char *src_key, *dst_key, *etag;
    const char *put;
    const char *version;      /* version_id, or versions when bundle */
    uint64_t size;
    int64_t last_modified;
    uint32_t source;
    uint16_t target, group;
    uint16_t src_bucket, dst_bucket, storage_class;
    uint8_t existing;
    uint8_t archived;
    uint8_t bundle;
};

struct s3e_packer {
    struct s3e_packer_opts o;
    s3e_payload_emit_fn emit;
    void *ud;
    uint64_t next_id;
    struct strtab names;          /* buckets and storage classes */
    struct strtab group_names;    /* index = group id; 0 is the default group "" */
    struct group *groups;
    int streaming;
    /* balanced mode */
    struct store *held_store;
    struct held **blocks;
    size_t nblocks, nheld;
};

static struct held *held_at(const struct s3e_packer *p, size_t i)
{
    return &p->blocks[i / HELD_BLOCK][i % HELD_BLOCK];
}

int s3e_packer_new(struct s3e_packer **out, const struct s3e_packer_opts *o,
                   s3e_payload_emit_fn emit, void *ud)
{
    if (!o || o->workers < 1 || o->max_bytes == 0 || !emit)
        return S3E_EINVAL;
    struct s3e_packer *p = calloc(1, sizeof *p);
    if (!p)
        return S3E_ENOMEM;
    p->o = *o;
    p->emit = emit;
    p->ud = ud;
    p->streaming = o->hold_limit == 0;
    p->groups = calloc(1, sizeof *p->groups);
    if (!p->groups || strtab_id(&p->group_names, "") != 0 || !(p->held_store = store_new())) {
        s3e_packer_free(p);
        return S3E_ENOMEM;
    }
    p->groups[0].max_bytes = o->max_bytes;
    p->groups[0].max_objects = o->max_objects;
    *out = p;
    return S3E_OK;
}

int s3e_packer_streaming(const struct s3e_packer *p)
{
    return p->streaming;
}

void s3e_payload_free(struct s3e_payload *pub)
{
    if (!pub)
        return;
    struct owned_payload *op = pub->owner;
    store_release(op->store);
    free(pub->jobs);
    free(op);
}

static struct owned_payload *payload_new(struct s3e_packer *p, uint32_t group, int worker,
                                         struct store *store)
{
    struct owned_payload *op = calloc(1, sizeof *op);
    if (!op)
        return NULL;
    op->pub.owner = op;
    op->pub.worker = worker;
    op->pub.group = group;
    op->pub.group_name = p->group_names.s[group];
    op->store = store;
    atomic_fetch_add(&store->refs, 1);
    return op;
}

static int payload_push(struct owned_payload *op, const struct s3e_job *j)
{
    if (op->pub.njobs == op->cap) {
        size_t cap = op->cap ? op->cap * 2 : 16;
        struct s3e_job *jobs = realloc(op->pub.jobs, cap * sizeof *jobs);
        if (!jobs)
            return S3E_ENOMEM;
        op->pub.jobs = jobs;
        op->cap = cap;
    }
    op->pub.jobs[op->pub.njobs++] = *j;
    op->pub.bytes += j->size;
    return S3E_OK;
}

static int emit(struct s3e_packer *p, struct owned_payload *op)
{
    op->pub.id = ++p->next_id;
    return p->emit(p->ud, &op->pub);
}

/* Would adding a job of `size` overflow the group's open payload? */
static int is_full(const struct group *g, uint64_t size)
{
    const struct s3e_payload *pl = &g->open->pub;
    if (pl->njobs == 0)
        return 0;
    return pl->bytes + size > g->max_bytes || (g->max_objects && pl->njobs >= g->max_objects);
}

/* Put one job (strings already in `store`) into its group's open payload,
 * emitting the payload that it would overflow. A job above the limit
 * gets a payload of its own. */
static int place(struct s3e_packer *p, const struct s3e_job *j, int worker, struct store *store)
{
    struct group *g = &p->groups[j->group];
    int rc;
    if (g->open && is_full(g, j->size)) {
        struct owned_payload *full = g->open;
        g->open = NULL;
        if ((rc = emit(p, full)))
            return rc;
    }
    if (!g->open && !(g->open = payload_new(p, j->group, worker, store)))
        return S3E_ENOMEM;
    if ((rc = payload_push(g->open, j)))
        return rc;
    if (j->size >= g->max_bytes || (g->max_objects && g->open->pub.njobs >= g->max_objects)) {
        struct owned_payload *full = g->open;
        g->open = NULL;
        return emit(p, full);
    }
    return S3E_OK;
}

/* Emit every group's open payload. */
static int flush_open(struct s3e_packer *p)
{
    for (size_t i = 0; i < p->group_names.n; i++) {
        struct owned_payload *op = p->groups[i].open;
        p->groups[i].open = NULL;
        int rc = op ? emit(p, op) : S3E_OK;
        if (rc)
            return rc;
    }
    return S3E_OK;
}

static long group_id(struct s3e_packer *p, const char *name, uint64_t max_bytes,
                     uint64_t max_objects)
{
    size_t before = p->group_names.n;
    long id = strtab_id(&p->group_names, name ? name : "");
    if (id < 0 || (size_t)id < before)
        return id;
    struct group *g = realloc(p->groups, p->group_names.n * sizeof *g);
    if (!g)
        return -1;
    p->groups = g;
    g[id].open = NULL;
    g[id].max_bytes = max_bytes ? max_bytes : p->o.max_bytes;
    g[id].max_objects = max_objects ? max_objects : p->o.max_objects;
    return id;
}

/* ---- streaming ------------------------------------------------------------------ */

/* Copy a job's strings into the store of its group's open payload and place it. */
static int stream_job(struct s3e_packer *p, struct s3e_job j)
{
    struct group *g = &p->groups[j.group];
    if (g->open && is_full(g, j.size)) {
        struct owned_payload *full = g->open;
        g->open = NULL;
        int rc = emit(p, full);
        if (rc)
            return rc;
    }
    if (!g->open) {
        struct store *s = store_new();
        if (!s)
            return S3E_ENOMEM;
        g->open = payload_new(p, j.group, -1, s);
        store_release(s); /* the payload holds the only reference */
        if (!g->open)
            return S3E_ENOMEM;
    }
    struct store *s = g->open->store;
    const char **fields[] = { &j.src_bucket, &j.src_key, &j.dst_bucket, &j.dst_key, &j.etag,
                              &j.storage_class, &j.put, &j.version_id, &j.versions };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (*fields[i] && !(*fields[i] = store_dup(s, *fields[i], strlen(*fields[i]))))
            return S3E_ENOMEM;
    return place(p, &j, -1, s);
}

static struct s3e_job job_of(const struct held *h, const char *const *n)
{
    struct s3e_job j = {
        .source = h->source, .target = h->target, .group = h->group, .size = h->size,
        .last_modified = h->last_modified, .src_bucket = n[h->src_bucket], .src_key = h->src_key,
        .dst_bucket = n[h->dst_bucket], .dst_key = h->dst_key, .etag = h->etag, .put = h->put,
        .storage_class = h->storage_class == NO_STR ? NULL : n[h->storage_class],
        .existing = h->existing, .archived = h->archived,
        .version_id = h->bundle ? NULL : h->version,
        .versions = h->bundle ? h->version : NULL,
    };
    return j;
}

/* The held jobs' array; their strings stay in held_store. */
static void free_held_blocks(struct s3e_packer *p)
{
    for (size_t i = 0; i < p->nblocks; i++)
        free(p->blocks[i]);
    free(p->blocks);
    p->blocks = NULL;
    p->nblocks = p->nheld = 0;
}

static void drop_held(struct s3e_packer *p)
{
    free_held_blocks(p);
    store_release(p->held_store);
    p->held_store = NULL;
}

/* Too many jobs to hold: send the held ones on in arrival order, then stream. */
static int switch_to_streaming(struct s3e_packer *p)
{
    p->streaming = 1;
    int rc = S3E_OK;
    for (size_t i = 0; i < p->nheld && !rc; i++)
        rc = stream_job(p, job_of(held_at(p, i), (const char *const *)p->names.s));
    drop_held(p);
    return rc;
}

/* ---- balanced ------------------------------------------------------------------- */

static int hold(struct s3e_packer *p, const struct s3e_job *j)
{
    if (p->nheld == p->nblocks * HELD_BLOCK) {
        struct held **b = realloc(p->blocks, (p->nblocks + 1) * sizeof *b);
        if (!b)
            return S3E_ENOMEM;
        p->blocks = b;
        if (!(b[p->nblocks] = malloc(HELD_BLOCK * sizeof **b)))
            return S3E_ENOMEM;
        p->nblocks++;
    }
    long sb = strtab_id(&p->names, j->src_bucket), db = strtab_id(&p->names, j->dst_bucket);
    long sc = strtab_id(&p->names, j->storage_class);
    if (sb < 0 || db < 0 || sc < 0 || j->target > 0xffff)
        return S3E_ENOMEM;
    struct held *h = held_at(p, p->nheld);
    h->src_key = store_dup(p->held_store, j->src_key, strlen(j->src_key));
    h->dst_key = store_dup(p->held_store, j->dst_key, strlen(j->dst_key));
    h->etag = j->etag ? store_dup(p->held_store, j->etag, strlen(j->etag)) : NULL;
    h->put = j->put ? store_dup(p->held_store, j->put, strlen(j->put)) : NULL;
    const char *ver = j->versions ? j->versions : j->version_id;
    h->version = ver ? store_dup(p->held_store, ver, strlen(ver)) : NULL;
    h->bundle = j->versions != NULL;
    if (!h->src_key || !h->dst_key || (j->etag && !h->etag) || (j->put && !h->put) ||
        (ver && !h->version))
        return S3E_ENOMEM;
    h->size = j->size;
    h->last_modified = j->last_modified;
    h->source = j->source;
    h->target = (uint16_t)j->target;
    h->group = (uint16_t)j->group;
    h->src_bucket = (uint16_t)sb;
    h->dst_bucket = (uint16_t)db;
    h->storage_class = (uint16_t)sc;
    h->existing = j->existing;
    h->archived = j->archived;
    p->nheld++;
    return S3E_OK;
}

struct ranked {
    uint64_t cost;
    size_t index;
};

static int by_cost_desc(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index; /* stable: arrival order */
}

/* Largest first to the least-loaded worker (LPT), then each worker's list
 * cut into payloads per group. Returns worker of each ranked entry in `owner`. */
static void assign_workers(const struct s3e_packer *p, const struct ranked *r, int *owner)
{
    int nw = p->o.workers;
    uint64_t *load = calloc((size_t)nw, sizeof *load);
    for (size_t i = 0; i < p->nheld; i++) {
        int best = 0;
        if (load)
            for (int w = 1; w < nw; w++)
                if (load[w] < load[best])
                    best = w;
        owner[i] = load ? best : (int)(i % (size_t)nw);
        if (load)
            load[best] += r[i].cost;
    }
    free(load);
}

static int finish_balanced(struct s3e_packer *p)
{
    size_t n = p->nheld;
    struct ranked *r = malloc((n ? n : 1) * sizeof *r);
    int *owner = malloc((n ? n : 1) * sizeof *owner);
    /* Payloads may outlive the packer: give them the names from the shared store. */
    const char **names = malloc((p->names.n + 1) * sizeof *names);
    int rc = (r && owner && names) ? S3E_OK : S3E_ENOMEM;
    for (size_t i = 0; !rc && i < p->names.n; i++)
        if (!(names[i] = store_dup(p->held_store, p->names.s[i], strlen(p->names.s[i]))))
            rc = S3E_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < n; i++) {
            r[i].cost = held_at(p, i)->size + p->o.request_cost;
            r[i].index = i;
        }
        qsort(r, n, sizeof *r, by_cost_desc);
        assign_workers(p, r, owner);
    }
    /* Each worker's jobs, largest first: a counting sort by worker keeps the rank order. */
    size_t nw = (size_t)p->o.workers;
    size_t *start = rc ? NULL : calloc(nw + 1, sizeof *start);
    size_t *order = rc ? NULL : malloc((n ? n : 1) * sizeof *order);
    if (!rc && (!start || !order))
        rc = S3E_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            start[owner[i] + 1]++;
        for (size_t w = 0; w < nw; w++)
            start[w + 1] += start[w];
        for (size_t i = 0; i < n; i++)
            order[start[owner[i]]++] = i;
    }
    for (size_t w = 0, i = 0; w < nw && !rc; w++) {
        for (; i < n && owner[order[i]] == (int)w && !rc; i++) {
            struct s3e_job j = job_of(held_at(p, r[order[i]].index), names);
            rc = place(p, &j, (int)w, p->held_store);
        }
        if (!rc)
            rc = flush_open(p);
    }
    free(start);
    free(order);
    free(r);
    free(owner);
    free(names);
    /* The payloads keep the string store alive; only the held array goes. */
    free_held_blocks(p);
    return rc;
}

/* ---- public ------------------------------------------------------------------------ */

int s3e_packer_add(struct s3e_packer *p, const struct s3e_job *job, const char *group_name,
                   uint64_t max_bytes, uint64_t max_objects)
{
    long g = group_id(p, group_name, max_bytes, max_objects);
    if (g < 0)
        return S3E_ENOMEM;
    struct s3e_job j = *job;
    j.group = (uint32_t)g;
    if (p->streaming)
        return stream_job(p, j);
    int rc = hold(p, &j);
    if (!rc && p->nheld > p->o.hold_limit)
        rc = switch_to_streaming(p);
    return rc;
}

int s3e_packer_finish(struct s3e_packer *p)
{
    int rc = p->streaming ? S3E_OK : finish_balanced(p);
    if (!rc)
        rc = flush_open(p);
    return rc;
}

void s3e_packer_free(struct s3e_packer *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->group_names.n; i++)
        if (p->groups && p->groups[i].open)
            s3e_payload_free(&p->groups[i].open->pub);
    drop_held(p);
    strtab_free(&p->names);
    strtab_free(&p->group_names);
    free(p->groups);
    free(p);
}
