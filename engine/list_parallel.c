/* list_parallel.c - a prefix listed by several requests in flight on one
 * event loop (s3_async.c), handed on in key order (see list_parallel.h). */
#include "list_parallel.h"
#include "s3_client.h"
#include "s3_async.h"
#include "s3_ops.h"
#include "list_xml.h"
#include "s3engine/error.h"
#include "s3engine/listguard.h"
#include "s3engine/log.h"
#include "s3engine/s3xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WAITING_PAGES 4  /* per range that is not first: bounds the memory */
#define MAX_CUTS 64          /* new ranges cut from one page */

/* One listed object, its strings in the page's arena. */
struct entry {
    size_t key_off, key_len, etag_off, sc_off;
    uint64_t size;
    int64_t mtime;
};

struct page {
    struct page *next;
    struct s3e_buf arena;
    struct entry *e;
    size_t n, cap;
};

/* Keys after lo (NULL: from the prefix's start) up to and including hi
 * (NULL: to the end), in key order among its neighbours. */
struct range {
    struct range *next;
    char *lo, *hi;
    size_t hi_len;
    struct s3e_buf token;    /* the next page's continuation token ("" = first page) */
    struct s3e_list_guard g; /* keys go up, tokens never come back */
    struct page *first, *last;
    size_t waiting;          /* pages listed, not yet handed on */
    int pages, in_flight, done;
    struct s3e_buf pos;      /* the last key listed ("" = none yet) */
    char *folder;            /* the range is exactly this folder's keys: listed with it as
                              * the prefix, so the last page says where the range ends */
};

/* A folder whose subfolders after `after` are asked for (delimiter "/"):
 * each one found is an exact cut point. */
struct disc {
    struct disc *next;
    char *prefix, *after;
};

/* A folder asked about: every subfolder is known, or those up to `upto`. */
struct known {
    char *prefix;
    char *upto; /* NULL: all */
    int asking; /* a request for its subfolders is on its way */
};

struct slot {
    struct s3e_areq a;
    struct s3e_req req;
    struct s3e_query_param q[6];
    struct range *r;  /* a page of this range, or */
    struct disc *d;   /* the subfolders of this folder */
};

struct lister {
    struct s3e_client *c;
    const char *bucket, *prefix;
    size_t prefix_len;
    struct range *head;
    struct disc *discs;     /* waiting for a slot */
    struct known *known;
    size_t nknown;
    struct slot *slots;
    int nslots, in_flight;
    s3e_list_fn fn;
    void *ud;
    int rc;
    struct s3e_s3_error *err;
    struct s3e_list_progress *progress;
};

/* ---- cut points ------------------------------------------------------------------ */

/* The characters a key is likely to go on with after c at one position. */
static int same_class(unsigned char c, unsigned char b)
{
    if (c >= '0' && c <= '9')
        return b >= '0' && b <= '9';
    if (c >= 'a' && c <= 'z')
        return b >= 'a' && b <= 'z';
    if (c >= 'A' && c <= 'Z')
        return b >= 'A' && b <= 'Z';
    return 0;
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int d = memcmp(a, b, an < bn ? an : bn);
    return d ? d : (an > bn) - (an < bn);
}

size_t s3e_list_cut_points(const char *f, size_t f_len, const char *l, size_t l_len,
                           const char *hi, size_t hi_len, size_t floor, size_t max,
                           char *out, size_t cap)
{
    size_t c = 0, n = 0, used = 0;
    while (c < f_len && c < l_len && f[c] == l[c])
        c++;
    if (c >= l_len || memchr(l, '\0', l_len))
        return 0;
    /* l[0..j) + b for b after l[j], deepest position first, which is key
     * order: where the page's keys vary (c), the digits left of it (a
     * counter), and the first byte below the prefix (its "folders"). */
    int in_digits = 1;
    for (size_t j = c + 1; j-- > floor && n < max;) {
        if (j < c)
            in_digits = in_digits && l[j] >= '0' && l[j] <= '9';
        if (j != c && j != floor && !in_digits)
            continue;
        for (unsigned b = (unsigned char)l[j] + 1; b < 256 && n < max; b++) {
            if (!same_class((unsigned char)l[j], (unsigned char)b))
                break;
            if (used + j + 2 > cap)
                return n;
            char *k = out + used;
            memcpy(k, l, j);
            k[j] = (char)b;
            k[j + 1] = '\0';
            if (hi && bytes_cmp(k, j + 1, hi, hi_len) >= 0)
                return n;
            used += j + 2;
            n++;
        }
    }
    return n;
}

/* ---- ranges ------------------------------------------------------------------------ */

static void page_free(struct page *p)
{
    s3e_buf_free(&p->arena);
    free(p->e);
    free(p);
}

static struct range *range_new(const char *lo, const char *hi)
{
    struct range *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    s3e_buf_init(&r->token, 0);
    s3e_buf_init(&r->pos, 0);
    s3e_list_guard_init(&r->g, 0);
    r->lo = lo ? strdup(lo) : NULL;
    r->hi = hi ? strdup(hi) : NULL;
    r->hi_len = hi ? strlen(hi) : 0;
    if ((lo && !r->lo) || (hi && !r->hi) ||
        (lo && s3e_list_guard_after(&r->g, lo, strlen(lo)) != S3E_OK)) {
        free(r->lo);
        free(r->hi);
        s3e_list_guard_free(&r->g);
        free(r);
        return NULL;
    }
    return r;
}

static void range_free(struct range *r)
{
    while (r->first) {
        struct page *p = r->first;
        r->first = p->next;
        page_free(p);
    }
    s3e_buf_free(&r->token);
    s3e_buf_free(&r->pos);
    s3e_list_guard_free(&r->g);
    free(r->lo);
    free(r->hi);
    free(r->folder);
    free(r);
}

/* After its first page, r (still more to list) becomes r and the ranges cut
 * from the rest of it, in order. */
static int cut_range(struct lister *L, struct range *r, const struct page *p)
{
    if (p->n < 2)
        return S3E_OK;
    const char *a = p->arena.data;
    const struct entry *f = &p->e[0], *l = &p->e[p->n - 1];
    size_t cap = MAX_CUTS * (l->key_len + 2);
    char *cuts = malloc(cap);
    if (!cuts)
        return S3E_ENOMEM;
    size_t n = s3e_list_cut_points(a + f->key_off, f->key_len, a + l->key_off, l->key_len, r->hi,
                                   r->hi_len, L->prefix_len, MAX_CUTS, cuts, cap);
    char *r_hi = n ? strdup(cuts) : NULL;
    struct range *added = NULL, **tail = &added;
    const char *k = cuts;
    int rc = n && !r_hi ? S3E_ENOMEM : S3E_OK;
    for (size_t i = 0; i < n && !rc; i++, k += strlen(k) + 1) {
        struct range *x = range_new(k, i + 1 < n ? k + strlen(k) + 1 : r->hi);
        if (!x)
            rc = S3E_ENOMEM;
        else {
            *tail = x;
            tail = &x->next;
        }
    }
    if (rc) {
        while (added) {
            struct range *x = added;
            added = x->next;
            range_free(x);
        }
        free(r_hi);
    } else if (n) {
        *tail = r->next;
        r->next = added;
        free(r->hi);
        r->hi = r_hi;
        r->hi_len = strlen(r_hi);
        if (L->progress)
            atomic_fetch_add(&L->progress->ranges, n);
    }
    free(cuts);
    return rc;
}

/* Cut the range holding key b after b, unless it has listed past b. */
static int cut_at(struct lister *L, const char *b, size_t b_len)
{
    for (struct range *x = L->head; x; x = x->next) {
        if (x->hi && bytes_cmp(b, b_len, x->hi, x->hi_len) >= 0)
            continue;
        if ((x->lo && bytes_cmp(b, b_len, x->lo, strlen(x->lo)) <= 0) ||
            bytes_cmp(b, b_len, x->pos.data ? x->pos.data : "", x->pos.len) <= 0 || x->done)
            return S3E_OK;
        struct range *n = range_new(b, x->hi);
        char *hi = strdup(b);
        if (!n || !hi) {
            if (n)
                range_free(n);
            free(hi);
            return S3E_ENOMEM;
        }
        free(x->hi);
        x->hi = hi;
        x->hi_len = b_len;
        n->next = x->next;
        x->next = n;
        if (L->progress)
            atomic_fetch_add(&L->progress->ranges, 1);
        return S3E_OK;
    }
    return S3E_OK;
}

#define MAX_KNOWN 65536 /* folders asked about; past it, no more are */

static struct known *known_folder(struct lister *L, const char *prefix, size_t len)
{
    for (size_t i = 0; i < L->nknown; i++)
        if (strlen(L->known[i].prefix) == len && memcmp(L->known[i].prefix, prefix, len) == 0)
            return &L->known[i];
    return NULL;
}

/* Ask for the subfolders of prefix (len bytes) after `after` (alen bytes),
 * unless they are known or asked for already. */
static int discover(struct lister *L, const char *prefix, size_t len, const char *after,
                    size_t alen)
{
    struct known *k = known_folder(L, prefix, len);
    if (k && (k->asking || !k->upto || bytes_cmp(after, alen, k->upto, strlen(k->upto)) < 0))
        return S3E_OK;
    if (!k) {
        if (L->nknown == MAX_KNOWN)
            return S3E_OK;
        if (L->nknown % 64 == 0) {
            struct known *g = realloc(L->known, (L->nknown + 64) * sizeof *g);
            if (!g)
                return S3E_ENOMEM;
            L->known = g;
        }
        k = &L->known[L->nknown];
        if (!(k->prefix = strndup(prefix, len)))
            return S3E_ENOMEM;
        k->upto = NULL;
        k->asking = 0;
        L->nknown++;
    }
    k->asking = 1;
    free(k->upto);
    struct disc *d = calloc(1, sizeof *d);
    k->upto = strndup(after, alen); /* asked: known up to there until it answers */
    if (!d || !k->upto || !(d->prefix = strndup(prefix, len)) || !(d->after = strndup(after, alen))) {
        if (d) {
            free(d->prefix);
            free(d);
        }
        return S3E_ENOMEM;
    }
    d->next = L->discs;
    L->discs = d;
    return S3E_OK;
}

/* The folders on the way from the listing's prefix to key l: ask each for
 * the subfolders after the one l is in. */
static int discover_along(struct lister *L, const char *l, size_t l_len)
{
    if (memchr(l, '\0', l_len))
        return S3E_OK;
    size_t parent = L->prefix_len;
    for (size_t j = L->prefix_len; j < l_len; j++) {
        if (l[j] != '/')
            continue;
        int rc = discover(L, l, parent, l, j + 1);
        if (rc)
            return rc;
        parent = j + 1;
    }
    return S3E_OK;
}

/* What a folder's subfolders answer gave: the subfolders after `after`, each
 * a cut, and the folder's own keys (Contents), which tell whether the range
 * between two cuts holds one subfolder's keys and nothing else. */
struct found {
    struct lister *L;
    const char *after;
    const char *last;
    size_t last_len;
    struct s3e_buf cuts;   /* the cuts made, each with its NUL, in order */
    size_t ncuts;
    struct s3e_buf keys;   /* the folder's own keys, each with its NUL */
};

/* The cut for subfolder p ("a/b/"): just below it ("a/b." and U+10FFFF),
 * so that the range after the cut starts with p's own keys, p included,
 * and a range between two such cuts can be listed with p as its prefix.
 * No key lies between the cut and p but ones that start with the cut
 * itself, and such a key is one of the folder's own (it has no '/' past the
 * folder), which the answer names. */
static int cut_below(const char *p, size_t len, struct s3e_buf *out)
{
    static const char top[] = "\xf4\x8f\xbf\xbf";
    s3e_buf_reset(out);
    if (len == 0 || p[len - 1] != '/')
        return s3e_buf_append(out, p, len);
    int rc = s3e_buf_append(out, p, len - 1);
    if (!rc)
        rc = s3e_buf_putc(out, '/' - 1);
    return rc ? rc : s3e_buf_append(out, top, sizeof top - 1);
}

static int on_subfolder(void *ud, const char *p, size_t len)
{
    struct found *f = ud;
    f->last = p;
    f->last_len = len;
    if (bytes_cmp(p, len, f->after, strlen(f->after)) <= 0 || memchr(p, '\0', len))
        return S3E_OK;
    struct s3e_buf c;
    s3e_buf_init(&c, 0);
    int rc = cut_below(p, len, &c);
    if (!rc)
        rc = cut_at(f->L, c.data, c.len);
    if (!rc)
        rc = s3e_buf_append(&f->cuts, c.data, c.len + 1);
    s3e_buf_free(&c);
    f->ncuts++;
    return rc;
}

static int on_own_key(void *ud, const struct s3e_listed *o)
{
    struct found *f = ud;
    int rc = s3e_buf_append(&f->keys, o->key, o->key_len);
    return rc ? rc : s3e_buf_putc(&f->keys, '\0');
}

/* Does any of the folder's own keys lie in (lo, hi]? */
static int own_key_between(const struct found *f, const char *lo, const char *hi)
{
    for (size_t i = 0; i < f->keys.len; i += strlen(f->keys.data + i) + 1) {
        const char *k = f->keys.data + i;
        if (strcmp(k, lo) > 0 && strcmp(k, hi) <= 0)
            return 1;
    }
    return 0;
}

/* Each range not yet started that runs from one subfolder's cut to the
 * next's, with none of the folder's own keys between, is that subfolder. */
static int mark_folders(struct found *f)
{
    const char *c = f->cuts.data;
    for (size_t i = 0; i + 1 < f->ncuts; i++) {
        const char *next = c + strlen(c) + 1;
        if (!own_key_between(f, c, next)) {
            for (struct range *r = f->L->head; r; r = r->next) {
                if (!r->lo || !r->hi || strcmp(r->lo, c) || strcmp(r->hi, next))
                    continue;
                if (r->pages || r->in_flight || r->done || r->folder)
                    break;
                size_t len = strlen(c);  /* the subfolder: the cut's "a/b." as "a/b/" */
                if (!(r->folder = strndup(c, len - 4)))
                    return S3E_ENOMEM;
                r->folder[len - 5] = '/';
                break;
            }
        }
        c = next;
    }
    return S3E_OK;
}

static int take_subfolders(struct lister *L, struct disc *d, const struct s3e_resp *resp)
{
    struct found f = { L, d->after, NULL, 0, { 0 }, 0, { 0 } };
    s3e_buf_init(&f.cuts, 0);
    s3e_buf_init(&f.keys, 0);
    int truncated = 0;
    int rc = s3e_xml_parse_list_prefixes(resp->body.data, resp->body.len, 1, on_subfolder, &f,
                                         &truncated);
    struct known *k = known_folder(L, d->prefix, strlen(d->prefix));
    if (k)
        k->asking = 0;
    if (!rc && k) {
        free(k->upto);
        k->upto = truncated && f.last ? strndup(f.last, f.last_len) : NULL;
    }
    if (!rc && f.ncuts > 1) {
        struct s3e_buf next;
        s3e_buf_init(&next, 4096);
        int t2 = 0;
        /* without the folder's own keys nothing is marked */
        if (s3e_xml_parse_list_page(resp->body.data, resp->body.len, 1, on_own_key, &f, &t2,
                                    &next, NULL, 0) == S3E_OK)
            rc = mark_folders(&f);
        s3e_buf_free(&next);
    }
    s3e_buf_free(&f.cuts);
    s3e_buf_free(&f.keys);
    return rc == S3E_EPARSE ? S3E_OK : rc; /* a guess that did not work: no cuts */
}

/* ---- one page --------------------------------------------------------------------- */

struct parse {
    struct range *r;
    struct page *p;
    int cut;     /* a key past the range's end was seen */
    int refused; /* the guard stopped the page */
};

static int keep_entry(void *ud, const struct s3e_listed *o)
{
    struct parse *x = ud;
    struct range *r = x->r;
    int rc = s3e_list_guard_key(&r->g, o->key, o->key_len);
    if (rc) {
        x->refused = rc == S3E_EPARSE;
        return rc;
    }
    if (r->hi && bytes_cmp(o->key, o->key_len, r->hi, r->hi_len) > 0) {
        x->cut = 1;
        return S3E_LIST_STOP;
    }
    struct page *p = x->p;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1000;
        struct entry *e = realloc(p->e, cap * sizeof *e);
        if (!e)
            return S3E_ENOMEM;
        p->e = e;
        p->cap = cap;
    }
    struct entry *e = &p->e[p->n];
    e->key_off = p->arena.len;
    e->key_len = o->key_len;
    e->size = o->size;
    e->mtime = o->last_modified;
    rc = s3e_buf_append(&p->arena, o->key, o->key_len);
    if (!rc)
        rc = s3e_buf_putc(&p->arena, '\0');
    e->etag_off = p->arena.len;
    if (!rc)
        rc = s3e_buf_append(&p->arena, o->etag, strlen(o->etag) + 1);
    e->sc_off = p->arena.len;
    if (!rc)
        rc = s3e_buf_append(&p->arena, o->storage_class, strlen(o->storage_class) + 1);
    if (!rc)
        p->n++;
    return rc;
}

static void refused(struct s3e_s3_error *err, const char *why)
{
    snprintf(err->operation, sizeof err->operation, "%s", "ListObjectsV2");
    snprintf(err->detail, sizeof err->detail, "%s", why);
    err->retryable = 0;
}

/* Bytes of key up to and including its last '/' (0: none). */
static size_t folder_len(const char *k, size_t len)
{
    while (len > 0 && k[len - 1] != '/')
        len--;
    return len;
}

/* Whether to guess cut points from the names on this page (its last key l):
 * below the prefix without folders, or inside a folder that the page before
 * (last key prev) was in too, so it holds more than a page (elsewhere the
 * subfolders asked for cut exactly). */
static int guess_here(const struct lister *L, const struct s3e_buf *prev, const char *l,
                      size_t l_len)
{
    size_t folder = folder_len(l, l_len);
    if (folder <= L->prefix_len)
        return 1;
    return prev->len > folder && memcmp(prev->data, l, folder) == 0 &&
           folder_len(prev->data, prev->len) == folder;
}

/* Ranges waiting for their first request: enough work queued, no more cuts. */
static size_t not_started(const struct lister *L)
{
    size_t n = 0;
    for (const struct range *r = L->head; r; r = r->next)
        n += !r->pages && !r->in_flight;
    return n;
}

/* After a page: what the range does next (token, done), and cuts. */
static int after_page(struct lister *L, struct range *r, struct page *p, const struct parse *x,
                      int truncated, const struct s3e_buf *next)
{
    s3e_buf_reset(&r->token);
    int guess = 0;
    if (p->n) {
        const struct entry *l = &p->e[p->n - 1];
        guess = guess_here(L, &r->pos, p->arena.data + l->key_off, l->key_len);
        s3e_buf_reset(&r->pos);
        int rc = s3e_buf_append(&r->pos, p->arena.data + l->key_off, l->key_len);
        if (rc)
            return rc;
    }
    if (x->cut || !truncated) {
        r->done = 1;
        return S3E_OK;
    }
    if (!next->len) {
        refused(L->err, "truncated listing without a continuation token");
        return S3E_EPARSE;
    }
    int rc = s3e_list_guard_token(&r->g, next->data, next->len);
    if (rc == S3E_EPARSE)
        refused(L->err, r->g.why);
    if (!rc)
        rc = s3e_buf_append(&r->token, next->data, next->len);
    if (!rc && p->n)
        rc = discover_along(L, r->pos.data, r->pos.len);
    if (!rc && p->n >= 2 && guess && not_started(L) < 2 * (size_t)L->nslots)
        rc = cut_range(L, r, p);
    return rc;
}

static int take_page(struct lister *L, struct range *r, const struct s3e_resp *resp)
{
    struct page *p = calloc(1, sizeof *p);
    if (!p)
        return S3E_ENOMEM;
    s3e_buf_init(&p->arena, 0);
    struct parse x = { r, p, 0, 0 };
    struct s3e_buf next;
    s3e_buf_init(&next, 4096);
    char why[256] = "";
    int truncated = 0;
    int rc = s3e_xml_parse_list_page(resp->body.data, resp->body.len, 1, keep_entry, &x,
                                     &truncated, &next, why, sizeof why);
    if (rc == S3E_LIST_STOP && x.cut)
        rc = S3E_OK;
    if (rc == S3E_EPARSE && (x.refused || why[0]))
        refused(L->err, x.refused ? r->g.why : why);
    r->pages++;
    if (!rc)
        rc = after_page(L, r, p, &x, truncated, &next);
    s3e_buf_free(&next);
    if (rc) {
        page_free(p);
        return rc;
    }
    if (r->last)
        r->last->next = p;
    else
        r->first = p;
    r->last = p;
    r->waiting++;
    return S3E_OK;
}

/* ---- the loop ----------------------------------------------------------------------- */

static void on_done(void *ud, struct s3e_areq *a, int rc)
{
    struct lister *L = ud;
    struct slot *s = a->ud;
    struct range *r = s->r;
    struct disc *d = s->d;
    s->r = NULL;
    s->d = NULL;
    L->in_flight--;
    if (d) { /* only a guess: a failure costs no more than the cuts it would give */
        if (!L->rc && !rc)
            L->rc = take_subfolders(L, d, &a->resp);
        free(d->prefix);
        free(d->after);
        free(d);
        return;
    }
    r->in_flight = 0;
    if (L->rc)
        return;
    if (rc) {
        *L->err = a->err;
        L->rc = rc;
        return;
    }
    L->rc = take_page(L, r, &a->resp);
}

/* The first range, in key order, that can take a request now. */
static struct range *next_ready(struct lister *L)
{
    for (struct range *r = L->head; r; r = r->next)
        if (!r->in_flight && !r->done && (r == L->head || r->waiting < MAX_WAITING_PAGES))
            return r;
    return NULL;
}

static int fill_slots(struct lister *L)
{
    for (int i = 0; i < L->nslots; i++) {
        struct slot *s = &L->slots[i];
        if (s->r || s->d)
            continue;
        struct disc *d = L->discs;
        struct range *r = d ? NULL : next_ready(L);
        if (!d && !r)
            return S3E_OK;
        if (d) {
            L->discs = d->next;
            s3e_s3_list_request(&s->req, s->q, L->bucket, d->prefix, d->after, NULL, "/");
            s->a.ud = s;
            int rc = s3e_client_start(L->c, &s->a, &s->req);
            if (rc) {
                free(d->prefix);
                free(d->after);
                free(d);
                return rc;
            }
            s->d = d;
            L->in_flight++;
            if (L->progress)
                atomic_fetch_add(&L->progress->requests, 1);
            continue;
        }
        s3e_s3_list_request(&s->req, s->q, L->bucket, r->folder ? r->folder : L->prefix,
                            r->folder ? NULL : r->lo, r->token.len ? r->token.data : NULL, NULL);
        s->a.ud = s;
        int rc = s3e_client_start(L->c, &s->a, &s->req);
        if (rc)
            return rc;
        s->r = r;
        r->in_flight = 1;
        L->in_flight++;
        if (L->progress)
            atomic_fetch_add(&L->progress->requests, 1);
    }
    return S3E_OK;
}

/* Hand on the first range's pages; drop it once it is done. */
static int deliver(struct lister *L)
{
    while (L->head) {
        struct range *r = L->head;
        struct page *p = r->first;
        if (!p) {
            if (!r->done || r->in_flight)
                return S3E_OK;
            L->head = r->next;
            range_free(r);
            continue;
        }
        r->first = p->next;
        if (!r->first)
            r->last = NULL;
        r->waiting--;
        int rc = S3E_OK;
        for (size_t i = 0; i < p->n && !rc; i++) {
            const struct entry *e = &p->e[i];
            const char *a = p->arena.data;
            struct s3e_listed o = {
                .key = a + e->key_off, .key_len = e->key_len, .size = e->size,
                .etag = a + e->etag_off, .last_modified = e->mtime,
                .storage_class = a + e->sc_off,
            };
            rc = L->fn(L->ud, &o);
            if (!rc && L->progress)
                atomic_fetch_add(&L->progress->listed, 1);
        }
        page_free(p);
        if (rc)
            return rc;
    }
    return S3E_OK;
}

static int run_lister(struct lister *L)
{
    while (L->head && !L->rc) {
        int rc = fill_slots(L);
        if (!rc)
            rc = deliver(L);
        if (rc) {
            L->rc = rc;
            break;
        }
        if (!L->head)
            break;
        if (s3e_client_run(L->c, 100, on_done, L) < 0)
            L->rc = S3E_EIO;
    }
    /* Requests still in flight after a failure: wait for them (the loop owns them). */
    while (L->in_flight > 0 && s3e_client_run(L->c, 100, on_done, L) >= 0)
        ;
    return L->rc;
}

static int list_in_parallel(struct s3e_client *c, const char *bucket, const char *prefix,
                            int concurrency, s3e_list_fn fn, void *ud,
                            struct s3e_list_progress *progress, struct s3e_s3_error *err)
{
    struct lister L = {
        .bucket = bucket, .prefix = prefix ? prefix : "", .fn = fn, .ud = ud, .err = err,
        .progress = progress, .nslots = concurrency,
    };
    L.prefix_len = strlen(L.prefix);
    int rc = s3e_client_new(&L.c, s3e_client_config(c));
    if (rc)
        return rc;
    s3e_client_pin(L.c, s3e_client_pinned(c)); /* the side c lists */
    L.slots = calloc((size_t)concurrency, sizeof *L.slots);
    L.head = range_new(NULL, NULL);
    int ninit = 0;
    rc = L.slots && L.head ? S3E_OK : S3E_ENOMEM;
    for (; !rc && ninit < concurrency; ninit++)
        rc = s3e_areq_init(&L.slots[ninit].a);
    if (!rc) {
        if (progress)
            atomic_fetch_add(&progress->ranges, 1);
        rc = run_lister(&L);
    }
    while (L.head) {
        struct range *r = L.head;
        L.head = r->next;
        range_free(r);
    }
    while (L.discs) {
        struct disc *d = L.discs;
        L.discs = d->next;
        free(d->prefix);
        free(d->after);
        free(d);
    }
    for (size_t i = 0; i < L.nknown; i++) {
        free(L.known[i].prefix);
        free(L.known[i].upto);
    }
    free(L.known);
    for (int i = 0; i < ninit; i++)
        s3e_areq_free(&L.slots[i].a);
    free(L.slots);
    s3e_client_loop_free(L.c);
    s3e_client_free(L.c);
    return rc;
}

/* The page-by-page listing, counted as the parallel one is. */
struct counted {
    s3e_list_fn fn;
    void *ud;
    struct s3e_list_progress *progress;
};

static int count_one(void *ud, const struct s3e_listed *o)
{
    struct counted *n = ud;
    int rc = n->fn(n->ud, o);
    if (!rc)
        atomic_fetch_add(&n->progress->listed, 1);
    return rc;
}

int s3e_list_parallel(struct s3e_client *c, const char *bucket, const char *prefix,
                      int concurrency, s3e_list_fn fn, void *ud,
                      struct s3e_list_progress *progress, struct s3e_s3_error *err)
{
    struct s3e_s3_error scratch;
    if (!err)
        err = &scratch;
    s3e_s3_error_clear(err);
    if (concurrency > 1 && !s3e_s3_keys_unordered(bucket))
        return list_in_parallel(c, bucket, prefix, concurrency, fn, ud, progress, err);
    if (!progress)
        return s3e_s3_list(c, bucket, prefix, NULL, fn, ud, err);
    struct counted n = { fn, ud, progress };
    atomic_fetch_add(&progress->ranges, 1);
    return s3e_s3_list(c, bucket, prefix, NULL, count_one, &n, err);
}
