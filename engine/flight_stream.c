/* flight_stream.c - a streamed copy on the workers' event loop (see
 * flight_stream.h): its own steps, part step and verification, driven by
 * the upload machine (flight_upload.c). The requests are built by
 * stream_ops.c and s3_ops.c, the verdicts by stream_copy.c: the same as the
 * blocking streamed copy, only sent without waiting, and a part's upload
 * starts as soon as its bytes are in. */
#include "flight_stream.h"
#include "budget.h"
#include "flight_upload.h"
#include "hash_pool.h"
#include "part_hash.h"
#include "put_lines.h"
#include "s3_ops.h"
#include "stream_copy.h"
#include "stream_job.h"
#include "stream_ops.h"
#include "worker.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/plan.h"
#include "s3engine/s3xml.h"
#include "s3engine/verify_rules.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum fs_step {
    FS_ROOM,          /* one part: waits for room in the budget (nothing in flight) */
    FS_GET,           /* one part: GetObject */
    FS_HASH,          /* one part: its bytes hashed off the loop (nothing in flight) */
    FS_PUT,           /* one part: PutObject */
    FS_VERIFY,        /* HEAD of the copy */
};

enum slot_stage {
    SL_FREE,
    SL_GET,   /* its range being read */
    SL_HASH,  /* its bytes being hashed off the loop (Content-MD5, payload hash) */
    SL_PUT,   /* its bytes being uploaded */
    SL_HELD,  /* uploaded; kept until the bytes before it are fed to the object's MD5 */
};

/* One part in flight; `a` first: the loop hands back &slot->a. */
struct slot {
    struct s3e_areq a;
    struct s3e_req req;
    struct s3e_query_param q[2];
    char text[2][84], name[32];
    struct s3e_part_hash h;   /* of body: Content-MD5, payload hash */
    struct s3e_hash_job job;  /* computing h */
    struct s3e_buf body;
    uint64_t taken;           /* from the budget, for body */
    uint32_t part;
    enum slot_stage stage;
    int got, hashed;          /* its bytes are in; fed to the object's MD5 (or need not be) */
};

struct s3e_fs {
    struct s3e_fu up;           /* the upload, its tries, the one request in flight */
    struct s3e_budget *budget;
    struct s3e_hash_pool *pool; /* hashes large bodies off the loop, or NULL */
    const struct s3e_job *j;
    const struct s3e_config *src_via, *dst_via;
    struct s3e_copy_hdrs hdrs;  /* the job's; if_match: the ETag every read must match */
    struct s3e_copy_spec spec;
    enum fs_step step;          /* ours in flight (up.state S3E_FU_OWNER) */
    EVP_MD_CTX *md5;            /* of every byte read, in order, when `whole` */
    int whole;                  /* the source's ETag is an MD5: compared with md5 */
    char md5_hex[33];
    unsigned char (*md5s)[16];  /* each part's MD5: the copy's ETag is made of them */
    struct s3e_hash_job feed;   /* md5 fed one slot's bytes, one at a time */
    int feed_slot;              /* that slot, while the feed is busy */
    int single;                 /* up to one part: one GetObject, one PutObject */
    uint32_t next, next_hash;   /* parts started, parts hashed */
    int in_flight;              /* part requests on the loop, and hash jobs */
    int starved;                /* a part waits for room in the budget */
    /* what a single part's requests point to */
    struct s3e_buf names;
    size_t offsets[S3E_MAX_REQ_HEADERS];
    char quoted[84], name[32], text[2][84];
    struct s3e_part_copy one;   /* a single part's range */
    struct s3e_part_hash one_hash;
    struct s3e_hash_job one_job;
    struct s3e_buf body;        /* its bytes */
    uint64_t taken;
    struct slot *slots;
    int nslots;
};

/* Send m->up.req (built with rc), through via, as our request of step s. */
static void send_req(struct s3e_fs *m, enum fs_step s, int rc, const struct s3e_config *via)
{
    m->step = s;
    s3e_fu_send(&m->up, rc, via);
}

/* ---- memory ------------------------------------------------------------------------ */

static int take(struct s3e_fs *m, uint64_t n, uint64_t *taken)
{
    *taken = 0;
    return !m->budget || s3e_budget_try_take(m->budget, n, taken);
}

static void give(struct s3e_fs *m, struct s3e_buf *body, uint64_t *taken)
{
    s3e_buf_free(body);
    s3e_buf_init(body, 0);
    if (m->budget && *taken)
        s3e_budget_give(m->budget, *taken);
    *taken = 0;
}

/* ---- hashing ------------------------------------------------------------------------ */

static void wake_loop(void *c)
{
    s3e_client_wake(c);
}

/* Hash body into out (NULL: none) and feed it to feed (NULL: none): on the
 * pool when it is large enough (1: under way, the job tells when done),
 * else here and now (0: done, j->rc). */
static int hash_body(struct s3e_fs *m, struct s3e_hash_job *j, const struct s3e_buf *body,
                     struct s3e_part_copy *p, struct s3e_part_hash *out, void *feed)
{
    j->body = body;
    j->alg = out ? m->hdrs.checksum_algorithm : NULL;
    j->p = p;
    j->out = out;
    j->feed = feed;
    j->wake = wake_loop;
    j->wake_ud = m->up.c;
    j->rc = S3E_OK;
    if (m->pool && body->len >= S3E_HASH_OFF_LOOP_FROM && s3e_hash_submit(m->pool, j) == S3E_OK)
        return 1;
    s3e_hash_run(j);
    return 0;
}

/* A job that may be under way, taken back (its body is about to go). */
static void drop_job(struct s3e_fs *m, struct s3e_hash_job *j)
{
    if (!s3e_hash_busy(j))
        return;
    s3e_hash_cancel(m->pool, j);
    m->in_flight--;
}

/* The response's body becomes `to` (no copy): the areq's next response
 * must not overwrite the bytes an upload sends. */
static void take_body(struct s3e_areq *a, struct s3e_buf *to)
{
    s3e_buf_free(to);
    *to = a->resp.body;
    to->max = 0;
    s3e_buf_init(&a->resp.body, 0);
}

static void free_slots(struct s3e_fs *m)
{
    drop_job(m, &m->feed);
    for (int i = 0; i < m->nslots; i++) {
        drop_job(m, &m->slots[i].job);
        give(m, &m->slots[i].body, &m->slots[i].taken);
    }
    s3e_fu_slots_free(m->slots, sizeof *m->slots, m->nslots);
    m->slots = NULL;
    m->nslots = 0;
}

/* This try failed: the bytes held go back, then the upload's end of a try. */
static void fail(struct s3e_fs *m, int rc, const struct s3e_s3_error *err)
{
    give(m, &m->body, &m->taken);
    s3e_fu_fail(&m->up, rc, err);
}

static void fail_detail(struct s3e_fs *m, int rc, const char *op, const char *detail)
{
    give(m, &m->body, &m->taken);
    s3e_fu_fail_detail(&m->up, rc, op, detail);
}

/* ---- the source -------------------------------------------------------------------- */

/* A try starts (ops->reset). */
static int reset(void *self)
{
    struct s3e_fs *m = self;
    free_slots(m);
    s3e_hash_cancel(m->pool, &m->one_job);
    give(m, &m->body, &m->taken);
    free(m->md5s);
    m->md5s = NULL;
    m->next = m->next_hash = 0;
    m->feed_slot = -1;
    m->in_flight = m->starved = 0;
    m->md5_hex[0] = '\0';
    return EVP_DigestInit_ex(m->md5, EVP_md5(), NULL) ? S3E_OK : S3E_ENOMEM;
}

static void start_single(struct s3e_fs *m);

static struct s3e_put_opts put_opts(const struct s3e_fs *m)
{
    return (struct s3e_put_opts){ m->spec.storage_class, &m->up.head,
                                  m->up.tags.len ? m->up.tags.data : NULL, 0, &m->hdrs, NULL };
}

/* The source is read (ops->plan): what the copy must be (the route's
 * metadata and tags applied), then one part or a multipart upload. */
static void plan(void *self)
{
    struct s3e_fs *m = self;
    int rc = s3e_put_apply(m->spec.put, &m->up.head, &m->up.tags);
    uint64_t size = m->up.head.size, part_size = 0;
    uint32_t nparts = 0;
    uint64_t cutoff = m->spec.multipart_cutoff ? m->spec.multipart_cutoff
                                               : S3E_DEFAULT_MULTIPART_CUTOFF;
    if (!rc && size > 0)
        rc = s3e_part_plan(size, m->spec.part_size, &part_size, &nparts);
    if (rc) {
        fail_detail(m, rc, "HeadObject", "cannot plan the parts");
        return;
    }
    /* the bytes' MD5 in order only where something compares it */
    m->whole = s3e_etag_is_md5(m->up.etag, m->up.head.sse, m->up.head.ssec);
    /* one PutObject holds the whole object: not above one part */
    m->single = size == 0 || (size <= cutoff && size <= part_size && !m->spec.force_multipart);
    m->up.res.multipart = !m->single;
    if (m->single) {
        start_single(m);
        return;
    }
    struct s3e_put_opts o = put_opts(m);
    s3e_fu_create(&m->up, size, &o);
}

/* Every byte read: their MD5 against the source's ETag where that is an
 * MD5 (before anything becomes an object). */
static int check_md5(struct s3e_fs *m)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (m->whole && !EVP_DigestFinal_ex(m->md5, d, &n))
        return S3E_ENOMEM;
    if (m->whole)
        s3e_stream_hex(d, n, m->md5_hex);
    return s3e_stream_md5_check(m->md5_hex, m->up.etag, &m->up.head, &m->up.res, &m->up.err);
}

/* ---- up to one part ----------------------------------------------------------- */

static void read_single(struct s3e_fs *m)
{
    int rc = s3e_stream_get_request(&m->up.req, m->text, m->up.q, m->spec.src_bucket,
                                    m->spec.src_key, &m->hdrs, &m->one);
    if (!rc) /* room for the whole range at once: no doubling while it arrives */
        rc = s3e_buf_reserve(&m->up.a.resp.body, (size_t)(m->one.last + 1 - m->one.first));
    send_req(m, FS_GET, rc, m->src_via);
}

static void start_single(struct s3e_fs *m)
{
    uint64_t size = m->up.head.size;
    memset(&m->one, 0, sizeof m->one);
    m->one.part_number = 1;
    m->one.first = size ? 0 : 1; /* an empty object is read without a range */
    m->one.last = size ? size - 1 : 0;
    m->step = FS_ROOM;
    if (take(m, size, &m->taken))
        read_single(m);
}

static void single_hashed(struct s3e_fs *m);

static void after_get_single(struct s3e_fs *m, int rc)
{
    struct s3e_fu *u = &m->up;
    if (!rc)
        rc = s3e_stream_range_check(&m->one, u->a.resp.body.len, &u->a.err);
    if (rc) {
        fail(m, rc, &u->a.err);
        return;
    }
    take_body(&u->a, &m->body);
    /* one part: its MD5 is the object's, hashed once */
    m->step = FS_HASH;
    if (!hash_body(m, &m->one_job, &m->body, &m->one, &m->one_hash, NULL))
        single_hashed(m);
}

static void single_hashed(struct s3e_fs *m)
{
    struct s3e_fu *u = &m->up;
    struct s3e_part_hash *h = &m->one_hash;
    int rc = m->one_job.rc;
    s3e_hash_collect(&m->one_job);
    if (!rc) {
        memcpy(m->md5_hex, h->md5_hex, sizeof m->md5_hex);
        rc = s3e_stream_md5_check(m->md5_hex, u->etag, &u->head, &u->res, &u->err);
        if (rc) {
            fail(m, rc, NULL);
            return;
        }
    }
    struct s3e_put_opts o = put_opts(m);
    s3e_buf_reset(&m->names);
    if (!rc)
        rc = s3e_stream_put_request(&u->req, &m->names, m->offsets, m->quoted, m->name,
                                    m->spec.dst_bucket, m->spec.dst_key, &o, &m->body,
                                    h->md5_b64, &m->one);
    u->req.body_sha256 = h->sha256_hex;
    send_req(m, FS_PUT, rc, m->dst_via);
}

static void after_put_single(struct s3e_fs *m, int rc)
{
    struct s3e_fu *u = &m->up;
    give(m, &m->body, &m->taken);
    if (rc) {
        fail(m, rc, &u->a.err);
        return;
    }
    char v[96] = "";
    s3e_resp_header(&u->a.resp, "etag", v, sizeof v);
    s3e_s3_etag_unquote(v, u->res.etag);
    s3e_fu_written(u);
}

/* ---- the parts: GetObject of a range, then its UploadPart -------------------------- */

static int make_slots(struct s3e_fs *m)
{
    if (m->slots)
        return S3E_OK;
    if (!(m->md5s = calloc(m->up.nparts, sizeof *m->md5s)))
        return S3E_ENOMEM;
    return s3e_fu_slots_new(&m->up, sizeof *m->slots, (void **)&m->slots, &m->nslots);
}

static void release(struct s3e_fs *m, struct slot *s)
{
    if (m->feed_slot == (int)(s - m->slots))
        drop_job(m, &m->feed); /* its bytes are going */
    drop_job(m, &s->job);
    give(m, &s->body, &s->taken);
    s->stage = SL_FREE;
}

static void part_failed(struct s3e_fs *m, struct slot *s, int rc)
{
    m->up.parts[s->part].rc = rc;
    s3e_fu_part_failed(&m->up, rc, &s->a.err);
    release(m, s);
}

/* The object's MD5 was fed the feed's slot: the next part in order. */
static void fed(struct s3e_fs *m)
{
    struct slot *s = &m->slots[m->feed_slot];
    int rc = m->feed.rc;
    s3e_hash_collect(&m->feed);
    m->feed_slot = -1;
    if (rc) {
        part_failed(m, s, rc);
        return;
    }
    s->hashed = 1;
    m->next_hash++;
    if (s->stage == SL_HELD)
        release(m, s);
}

/* Feed the object's MD5 (where the source's ETag is one) the bytes read in
 * the order of the object, one part at a time: the next one once its bytes
 * are in. */
static void feed_next(struct s3e_fs *m)
{
    while (m->whole && !m->up.part_rc && !s3e_hash_busy(&m->feed)) {
        struct slot *s = NULL;
        for (int i = 0; i < m->nslots && !s; i++) {
            struct slot *t = &m->slots[i];
            if (t->stage != SL_FREE && t->got && !t->hashed && t->part == m->next_hash)
                s = t;
        }
        if (!s)
            return;
        m->feed_slot = (int)(s - m->slots);
        if (hash_body(m, &m->feed, &s->body, NULL, NULL, m->md5)) {
            m->in_flight++;
            return;
        }
        fed(m);
    }
}

static void upload_part(struct s3e_fs *m, struct slot *s)
{
    struct s3e_fu *u = &m->up;
    struct s3e_part_copy *p = &u->parts[s->part];
    int rc = s3e_stream_part_request(&s->req, s->text, s->q, s->name, m->spec.dst_bucket,
                                     m->spec.dst_key, u->upload_id, &m->hdrs, p, &s->body,
                                     s->h.md5_b64);
    s->req.via = m->dst_via;
    s->req.body_sha256 = s->h.sha256_hex;
    s->stage = SL_PUT;
    if (!rc)
        rc = s3e_client_start(u->c, &s->a, &s->req);
    if (rc) {
        s3e_s3_error_clear(&s->a.err);
        s3e_s3_error_name_op(&s->a.err, "UploadPart");
        part_failed(m, s, rc);
    } else {
        m->in_flight++;
    }
}

/* A part's hashes are in: on to its upload. */
static void part_hashed(struct s3e_fs *m, struct slot *s)
{
    int rc = s->job.rc;
    s3e_hash_collect(&s->job);
    if (rc) {
        s3e_s3_error_clear(&s->a.err);
        s3e_s3_error_name_op(&s->a.err, "UploadPart");
        part_failed(m, s, rc);
    } else if (m->up.part_rc) { /* another part failed meanwhile */
        release(m, s);
    } else {
        memcpy(m->md5s[s->part], s->h.md5, sizeof s->h.md5);
        upload_part(m, s);
    }
}

static void after_part_get(struct s3e_fs *m, struct slot *s, int rc)
{
    if (!rc)
        rc = s3e_stream_range_check(&m->up.parts[s->part], s->a.resp.body.len, &s->a.err);
    if (rc || m->up.part_rc) {
        if (rc)
            part_failed(m, s, rc);
        else
            release(m, s);
        return;
    }
    take_body(&s->a, &s->body);
    s->got = 1;
    s->hashed = !m->whole;
    s->stage = SL_HASH;
    if (hash_body(m, &s->job, &s->body, &m->up.parts[s->part], &s->h, NULL))
        m->in_flight++;
    else
        part_hashed(m, s);
    feed_next(m);
}

/* Hashes the pool finished: each part on to its upload, the object's MD5
 * on to the next part. */
static void collect(struct s3e_fs *m)
{
    for (int i = 0; i < m->nslots; i++) {
        struct slot *s = &m->slots[i];
        if (s->stage == SL_HASH && s3e_hash_done(&s->job)) {
            m->in_flight--;
            part_hashed(m, s);
        }
    }
    if (s3e_hash_done(&m->feed)) {
        m->in_flight--;
        fed(m);
    }
    feed_next(m);
}

static void after_part_put(struct s3e_fs *m, struct slot *s, int rc)
{
    struct s3e_part_copy *p = &m->up.parts[s->part];
    if (rc) {
        part_failed(m, s, rc);
        return;
    }
    char v[96] = "";
    s3e_resp_header(&s->a.resp, "etag", v, sizeof v);
    s3e_s3_etag_unquote(v, p->etag);
    p->rc = S3E_OK;
    m->up.parts_done++;
    if (s->hashed)
        release(m, s);
    else
        s->stage = SL_HELD;
}

/* Every part uploaded, or a failure and nothing more in flight: the MD5 of
 * every byte checked before the upload becomes an object, then Complete. */
static void parts_over(struct s3e_fs *m)
{
    for (int i = 0; i < m->nslots; i++)
        if (m->slots[i].stage != SL_FREE)
            release(m, &m->slots[i]);
    int rc = m->up.part_rc ? S3E_OK : check_md5(m);
    if (rc)
        fail(m, rc, NULL);
    else
        s3e_fu_parts_over(&m->up);
}

/* The part step (ops->parts): start reads while this copy has free slots
 * and the budget has room; after the first failure none more (those in
 * flight end on their own). */
static void pump(void *owner)
{
    struct s3e_fs *m = owner;
    struct s3e_fu *u = &m->up;
    if (u->state != S3E_FU_PARTS)
        return;
    int rc = make_slots(m);
    if (rc && !u->part_rc)
        s3e_fu_part_failed(u, rc, NULL);
    m->starved = 0;
    for (int i = 0; i < m->nslots && !u->part_rc && m->next < u->nparts; i++) {
        struct slot *s = &m->slots[i];
        if (s->stage != SL_FREE)
            continue;
        struct s3e_part_copy *p = &u->parts[m->next];
        uint64_t len = p->last + 1 - p->first;
        if (!take(m, len, &s->taken)) {
            if (s3e_run_stopping(u->run) && m->in_flight == 0)
                u->part_rc = S3E_ECANCELED;
            m->starved = !u->part_rc;
            break;
        }
        s->part = m->next++;
        s->stage = SL_GET;
        s->got = s->hashed = 0;
        s->a.ud = u->owner;
        s->a.deadline = u->dl;
        s->a.cleanup = 0;
        rc = s3e_stream_get_request(&s->req, s->text, s->q, m->spec.src_bucket, m->spec.src_key,
                                    &m->hdrs, p);
        s->req.via = m->src_via;
        if (!rc)
            rc = s3e_buf_reserve(&s->a.resp.body, (size_t)len);
        if (!rc)
            rc = s3e_client_start(u->c, &s->a, &s->req);
        if (rc) {
            s3e_s3_error_clear(&s->a.err);
            s3e_s3_error_name_op(&s->a.err, "GetObject");
            part_failed(m, s, rc);
        } else {
            m->in_flight++;
        }
    }
    if (m->in_flight == 0 && (u->part_rc || m->next == u->nparts))
        parts_over(m);
}

/* ---- verification ------------------------------------------------------------------ */

/* The copy is written and tagged (ops->verify). */
static void verify(void *owner)
{
    struct s3e_fs *m = owner;
    m->up.res.bytes = m->up.head.size;
    m->up.res.parts = m->single ? 0 : m->up.nparts;
    if (!m->spec.verify) {
        s3e_fu_succeed(&m->up);
        return;
    }
    int rc = s3e_s3_head_version_request(&m->up.req, &m->up.q[0], m->spec.dst_bucket,
                                         m->spec.dst_key, NULL, m->hdrs.dst_ssec);
    send_req(m, FS_VERIFY, rc, m->dst_via);
}

/* A multipart copy's ETag, where S3 made it from its parts' MD5s, against
 * the MD5s of the parts sent: every part is in, in its place. */
static int check_parts_etag(struct s3e_fs *m, const struct s3e_head *h)
{
    struct s3e_fu *u = &m->up;
    char want[48];
    if (m->single || !m->md5s || !s3e_etag_is_multipart_md5(h->etag, h->sse, h->ssec))
        return S3E_OK;
    int rc = s3e_part_hash_etag((const unsigned char (*)[16])m->md5s, u->nparts, want);
    if (rc || strcasecmp(want, h->etag) == 0)
        return rc;
    s3e_s3_error_clear(&u->err);
    s3e_s3_error_name_op(&u->err, "Verify");
    snprintf(u->err.detail, sizeof u->err.detail, "the copy's ETag is %s, its parts' MD5s make %s",
             h->etag, want);
    return S3E_EVERIFY;
}

static void after_verify(struct s3e_fs *m, int rc)
{
    struct s3e_fu *u = &m->up;
    struct s3e_head h;
    rc = s3e_s3_head_result(rc, &u->a.resp, &h, &u->a.err);
    if (rc) {
        fail(m, rc, &u->a.err);
        return;
    }
    s3e_s3_error_clear(&u->err);
    rc = s3e_stream_judge(&m->up.head, &h, &m->hdrs, m->single, m->md5_hex, &u->res, &u->err);
    if (!rc)
        rc = check_parts_etag(m, &h);
    s3e_head_free(&h);
    if (rc) {
        fail(m, rc, NULL);
        return;
    }
    u->res.verified = 1;
    s3e_fu_succeed(u);
}

/* Our request came back with rc (ops->step). */
static void step(void *owner, int rc)
{
    struct s3e_fs *m = owner;
    switch (m->step) {
    case FS_GET:
        after_get_single(m, rc);
        break;
    case FS_PUT:
        after_put_single(m, rc);
        break;
    case FS_VERIFY:
        after_verify(m, rc);
        break;
    case FS_ROOM:
    case FS_HASH:
        break;
    }
}

/* A part's GetObject or UploadPart came back (ops->part_done). */
static void part_back(void *self, struct s3e_areq *a, int rc)
{
    struct s3e_fs *m = self;
    struct slot *s = (struct slot *)a;
    m->in_flight--;
    if (s->stage == SL_GET)
        after_part_get(m, s, rc);
    else
        after_part_put(m, s, rc);
}

static const struct s3e_fu_ops fs_ops = { reset, plan, step, pump, part_back, verify };

/* ---- the interface ---------------------------------------------------------------- */

int s3e_fs_handles(const struct s3e_run *run, const struct s3e_job *j)
{
    return !j->existing && !run->set.move && !j->versions &&
           !run->plan.sources[j->source].restore_days;
}

int s3e_fs_start(struct s3e_fs **out, struct s3e_run *run, struct s3e_client *c,
                 const struct s3e_job *j, const struct s3e_deadline *dl, void *owner)
{
    struct s3e_fs *m = calloc(1, sizeof *m);
    if (!m)
        return S3E_ENOMEM;
    m->budget = run->stream_budget;
    m->pool = run->hash_pool;
    m->feed_slot = -1;
    m->j = j;
    s3e_stream_vias(run, j, &m->src_via, &m->dst_via);
    s3e_worker_hdrs(run, j, &m->hdrs);
    s3e_worker_spec(run, j, &m->hdrs, &m->spec);
    s3e_buf_init(&m->names, 0);
    s3e_buf_init(&m->body, 0);
    m->up = (struct s3e_fu){ .run = run, .c = c, .src_via = m->src_via, .via = m->dst_via,
                             .hdrs = &m->hdrs, .spec = &m->spec, .what = "streamed copy",
                             .part_op = "GetObject", .dl = *dl, .owner = owner, .ops = &fs_ops,
                             .self = m };
    m->md5 = EVP_MD_CTX_new();
    int rc = m->md5 ? s3e_fu_init(&m->up) : S3E_ENOMEM;
    if (rc) {
        s3e_fs_free(m);
        return rc;
    }
    *out = m;
    s3e_fu_start(&m->up);
    return S3E_OK;
}

void s3e_fs_on_done(struct s3e_fs *m, struct s3e_areq *a, int rc)
{
    s3e_fu_on_done(&m->up, a, rc);
}

int s3e_fs_poll(struct s3e_fs *m)
{
    const struct s3e_fu *u = &m->up;
    if (u->state == S3E_FU_OWNER && m->step == FS_HASH) {
        if (s3e_hash_done(&m->one_job))
            single_hashed(m);
        return 0;
    }
    if (u->state == S3E_FU_OWNER && m->step == FS_ROOM) {
        if (take(m, m->up.head.size, &m->taken))
            read_single(m);
        else if (s3e_run_stopping(u->run))
            fail_detail(m, S3E_ECANCELED, "GetObject", "interrupted");
        return u->state == S3E_FU_OWNER && m->step == FS_ROOM;
    }
    if (u->state != S3E_FU_PARTS)
        return 0;
    collect(m);
    pump(m);
    return u->state == S3E_FU_PARTS && m->starved;
}

int s3e_fs_finished(const struct s3e_fs *m)
{
    return s3e_fu_finished(&m->up);
}

int s3e_fs_result(const struct s3e_fs *m, struct s3e_copy_result *res,
                  const struct s3e_s3_error **err)
{
    return s3e_fu_result(&m->up, res, err);
}

void s3e_fs_free(struct s3e_fs *m)
{
    if (!m)
        return;
    free_slots(m);
    s3e_hash_cancel(m->pool, &m->one_job);
    s3e_fu_free(&m->up);
    give(m, &m->body, &m->taken);
    free(m->md5s);
    s3e_buf_free(&m->names);
    EVP_MD_CTX_free(m->md5);
    free(m);
}
