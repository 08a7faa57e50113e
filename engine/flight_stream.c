/* flight_stream.c - a streamed copy as a state machine of requests on the
 * workers' event loop (see flight_stream.h). The requests are built by
 * stream_ops.c and s3_ops.c, the verdicts by stream_copy.c: the same as the
 * blocking streamed copy, only sent without waiting, and a part's upload
 * starts as soon as its bytes are in. */
#include "flight_stream.h"
#include "flight_upload.h"
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
#include <time.h>

enum fs_state {
    FS_HEAD,          /* HEAD of the source */
    FS_TAGS,          /* GetObjectTagging of the source */
    FS_ROOM,          /* one part: waits for room in the budget */
    FS_GET,           /* one part: GetObject */
    FS_PUT,           /* one part: PutObject */
    FS_CREATE,        /* CreateMultipartUpload */
    FS_ORPHANS,       /* ListMultipartUploads: uploads a lost answer made */
    FS_ORPHAN_ABORT,  /* AbortMultipartUpload of one of those */
    FS_PARTS,         /* GetObject then UploadPart per part, several in flight */
    FS_COMPLETE,      /* CompleteMultipartUpload */
    FS_PUT_TAGS,      /* PutObjectTagging of the copy */
    FS_VERIFY,        /* HEAD of the copy */
    FS_ABORT,         /* AbortMultipartUpload after a failure */
    FS_DELETE_BAD,    /* DeleteObject of a copy that is not the one asked for */
    FS_FINISHED,
};

enum slot_stage {
    SL_FREE,
    SL_GET,   /* its range being read */
    SL_PUT,   /* its bytes being uploaded */
    SL_HELD,  /* uploaded; kept until the bytes before it are hashed */
};

/* One part in flight; `a` first: the loop hands back &slot->a. */
struct slot {
    struct s3e_areq a;
    struct s3e_req req;
    struct s3e_query_param q[2];
    char text[2][84], name[32];
    struct s3e_part_hash h;   /* of body: Content-MD5, payload hash */
    struct s3e_buf body;
    uint64_t taken;           /* from the budget, for body */
    uint32_t part;
    enum slot_stage stage;
    int got, hashed;
};

struct s3e_fs {
    struct s3e_run *run;
    struct s3e_client *c;
    struct s3e_budget *budget;
    const struct s3e_job *j;
    void *owner;
    const struct s3e_config *src_via, *dst_via;
    struct s3e_copy_hdrs hdrs;  /* the job's; if_match: the ETag every read must match */
    struct s3e_copy_spec spec;
    struct s3e_deadline dl;
    enum fs_state state;
    int tries;                  /* copies from the start so far, beyond the first */
    struct s3e_head head;       /* the source's, the route's metadata and tags applied */
    int have_head;
    char etag[80];              /* the source's ETag, as its HEAD showed it */
    struct s3e_buf tags;        /* URL-encoded tags to set */
    EVP_MD_CTX *md5;            /* of every byte read, in order, when `whole` */
    int whole;                  /* the source's ETag is an MD5: compared with md5 */
    char md5_hex[33];
    unsigned char (*md5s)[16];  /* each part's MD5: the copy's ETag is made of them */
    int single;                 /* up to one part: one GetObject, one PutObject */
    uint64_t part_size;
    struct s3e_part_copy *parts;
    uint32_t nparts, next, next_hash, parts_done;
    int in_flight;              /* part requests on the loop */
    int starved;                /* a part waits for room in the budget */
    int part_rc;
    struct s3e_s3_error part_err;
    int have_part_err;
    char *upload_id;
    int64_t create_started;
    int create_rc;
    struct s3e_fu_search search; /* uploads a lost create answer made */
    int abort_tries;
    int written, tagging_failed;
    /* the one request in flight outside the parts, and what it points to */
    struct s3e_areq a;
    struct s3e_req req;
    struct s3e_query_param q[4];
    struct s3e_buf buf;
    size_t offsets[S3E_MAX_REQ_HEADERS];
    char quoted[84], md5_b64[64], name[32], text[2][84];
    struct s3e_part_copy one;   /* a single part's range */
    struct s3e_part_hash one_hash;
    struct s3e_buf body;        /* its bytes */
    uint64_t taken;
    struct slot *slots;
    int nslots;
    /* the outcome */
    int rc;
    struct s3e_s3_error err;
    struct s3e_copy_result res;
};

static void step(struct s3e_fs *m, int rc);
static void pump(struct s3e_fs *m);

static void set_op(struct s3e_s3_error *err, const char *op)
{
    if (!err->operation[0])
        snprintf(err->operation, sizeof err->operation, "%s", op);
}

/* Send m->req, through `via`, as the request of state s; one that cannot
 * start is done at once. */
static void send_req(struct s3e_fs *m, enum fs_state s, int rc, const struct s3e_config *via)
{
    m->state = s;
    m->req.via = via;
    m->a.ud = m->owner;
    m->a.deadline = m->dl;
    m->a.cleanup = s == FS_ABORT || s == FS_ORPHANS || s == FS_ORPHAN_ABORT;
    if (rc) { /* the request could not be built */
        s3e_s3_error_clear(&m->a.err);
        set_op(&m->a.err, m->req.op ? m->req.op : "request");
        step(m, rc);
        return;
    }
    rc = s3e_client_start(m->c, &m->a, &m->req);
    if (rc)
        step(m, rc);
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

/* The response's body becomes `to` (no copy): the areq's next response
 * must not overwrite the bytes an upload sends. */
static void take_body(struct s3e_areq *a, struct s3e_buf *to)
{
    s3e_buf_free(to);
    *to = a->resp.body;
    to->max = 0;
    s3e_buf_init(&a->resp.body, 0);
}

/* ---- the end of one try, and of the copy ------------------------------------- */

static void free_parts(struct s3e_fs *m)
{
    for (int i = 0; i < m->nslots; i++) {
        give(m, &m->slots[i].body, &m->slots[i].taken);
        s3e_areq_free(&m->slots[i].a);
    }
    free(m->slots);
    m->slots = NULL;
    m->nslots = 0;
    free(m->parts);
    m->parts = NULL;
    m->nparts = 0;
    free(m->md5s);
    m->md5s = NULL;
}

static void begin(struct s3e_fs *m);

/* A try is over: done, tried again from the start (a retryable failure or
 * one that did not verify), copied once more as it is now when the source
 * changed since it was listed, or failed (as stream_job.c). */
static void settle(struct s3e_fs *m)
{
    int rc = m->rc, stopping = s3e_run_stopping(m->run);
    const struct s3e_job *j = m->j;
    int again = rc == S3E_EVERIFY || (rc != S3E_OK && m->err.retryable);
    if (rc)
        m->res.compared = 0;
    if (again && m->tries + 1 < S3E_OBJECT_TRIES && !stopping) {
        m->tries++;
        s3e_info("retrying s3://%s/%s from the start (%s)", j->src_bucket, j->src_key,
                 s3e_strerror(rc));
        begin(m);
    } else if (rc && s3e_copy_source_changed(&m->err) && m->spec.src_etag && !stopping) {
        s3e_info("s3://%s/%s changed since it was listed (ETag %s); copying it again",
                 j->src_bucket, j->src_key, m->spec.src_etag);
        m->spec.src_etag = NULL;
        m->tries = S3E_OBJECT_TRIES; /* once */
        begin(m);
    } else {
        m->state = FS_FINISHED;
    }
}

static void abort_upload(struct s3e_fs *m)
{
    s3e_s3_abort_request(&m->req, &m->q[0], m->spec.dst_bucket, m->spec.dst_key, m->upload_id);
    send_req(m, FS_ABORT, S3E_OK, m->dst_via);
}

/* This try failed with rc (and *err, NULL when m->err holds it already):
 * abort the upload, delete a copy that is not the one asked for, then settle. */
static void fail(struct s3e_fs *m, int rc, const struct s3e_s3_error *err)
{
    if (err && err != &m->err)
        m->err = *err;
    m->rc = rc;
    give(m, &m->body, &m->taken);
    if (m->upload_id) {
        s3e_debug("streamed copy of %s/%s failed after %u/%u parts; aborting upload",
                  m->spec.src_bucket, m->spec.src_key, m->parts_done, m->nparts);
        m->abort_tries = 0;
        abort_upload(m);
        return;
    }
    if (m->written && (rc == S3E_EVERIFY || m->tagging_failed)) { /* never a bad copy */
        s3e_s3_delete_request(&m->req, m->spec.dst_bucket, m->spec.dst_key);
        send_req(m, FS_DELETE_BAD, S3E_OK, m->dst_via);
        return;
    }
    settle(m);
}

static void fail_detail(struct s3e_fs *m, int rc, const char *op, const char *detail)
{
    s3e_s3_error_clear(&m->err);
    set_op(&m->err, op);
    snprintf(m->err.detail, sizeof m->err.detail, "%s", detail);
    fail(m, rc, NULL);
}

/* ---- the source -------------------------------------------------------------------- */

static void begin(struct s3e_fs *m)
{
    if (m->have_head)
        s3e_head_free(&m->head);
    m->have_head = 0;
    s3e_buf_reset(&m->tags);
    free(m->upload_id);
    m->upload_id = NULL;
    free_parts(m);
    give(m, &m->body, &m->taken);
    m->next = m->next_hash = m->parts_done = 0;
    m->in_flight = m->starved = m->part_rc = m->have_part_err = 0;
    m->written = m->tagging_failed = 0;
    m->rc = S3E_OK;
    m->md5_hex[0] = '\0';
    s3e_s3_error_clear(&m->err);
    memset(&m->res, 0, sizeof m->res);
    if (!EVP_DigestInit_ex(m->md5, EVP_md5(), NULL)) {
        fail_detail(m, S3E_ENOMEM, "HeadObject", "out of memory");
        return;
    }
    int rc = s3e_s3_head_version_request(&m->req, &m->q[0], m->spec.src_bucket,
                                         m->spec.src_key, m->hdrs.version_id, m->hdrs.src_ssec);
    send_req(m, FS_HEAD, rc, m->src_via);
}

static void create(struct s3e_fs *m);
static void start_single(struct s3e_fs *m);

/* What the copy must be (the route's metadata and tags applied), then one
 * part or a multipart upload. */
static void plan(struct s3e_fs *m)
{
    int rc = s3e_put_apply(m->spec.put, &m->head, &m->tags);
    uint64_t size = m->head.size;
    uint64_t cutoff = m->spec.multipart_cutoff ? m->spec.multipart_cutoff
                                               : S3E_DEFAULT_MULTIPART_CUTOFF;
    if (!rc && size > 0)
        rc = s3e_part_plan(size, m->spec.part_size, &m->part_size, &m->nparts);
    if (rc) {
        fail_detail(m, rc, "HeadObject", "cannot plan the parts");
        return;
    }
    /* one PutObject holds the whole object: not above one part */
    m->single = size == 0 || (size <= cutoff && size <= m->part_size &&
                              !m->spec.force_multipart);
    m->res.multipart = !m->single;
    if (m->single)
        start_single(m);
    else
        create(m);
}

static void after_head(struct s3e_fs *m, int rc)
{
    rc = s3e_s3_head_result(rc, &m->a.resp, &m->head, &m->a.err);
    if (rc) {
        fail(m, rc, &m->a.err);
        return;
    }
    m->have_head = 1;
    snprintf(m->etag, sizeof m->etag, "%s", m->head.etag);
    m->hdrs.if_match = m->etag; /* every byte from this one version */
    /* the bytes' MD5 in order only where something compares it */
    m->whole = s3e_etag_is_md5(m->etag, m->head.sse, m->head.ssec);
    const char *planned = m->spec.src_etag;
    if (planned && *planned && strcmp(planned, m->etag) != 0) {
        fail(m, s3e_copy_changed_error(&m->err, "HeadObject", planned, m->etag), NULL);
        return;
    }
    if (m->head.size > S3E_MAX_OBJECT_SIZE) {
        fail_detail(m, S3E_ELIMIT, "HeadObject", "object is larger than S3's 5 TiB limit");
        return;
    }
    if (m->head.tag_count > 0 && !s3e_put_replaces_tags(m->spec.put)) {
        s3e_s3_get_tagging_request(&m->req, m->q, m->spec.src_bucket, m->spec.src_key,
                                   m->hdrs.version_id);
        send_req(m, FS_TAGS, S3E_OK, m->src_via);
        return;
    }
    plan(m);
}

/* ---- up to one part ----------------------------------------------------------- */

static void read_single(struct s3e_fs *m)
{
    int rc = s3e_stream_get_request(&m->req, m->text, m->q, m->spec.src_bucket,
                                    m->spec.src_key, &m->hdrs, &m->one);
    if (!rc) /* room for the whole range at once: no doubling while it arrives */
        rc = s3e_buf_reserve(&m->a.resp.body, (size_t)(m->one.last + 1 - m->one.first));
    send_req(m, FS_GET, rc, m->src_via);
}

static void start_single(struct s3e_fs *m)
{
    uint64_t size = m->head.size;
    memset(&m->one, 0, sizeof m->one);
    m->one.part_number = 1;
    m->one.first = size ? 0 : 1; /* an empty object is read without a range */
    m->one.last = size ? size - 1 : 0;
    m->state = FS_ROOM;
    if (take(m, size, &m->taken))
        read_single(m);
}

static struct s3e_put_opts put_opts(const struct s3e_fs *m)
{
    return (struct s3e_put_opts){ m->spec.storage_class, &m->head,
                                  m->tags.len ? m->tags.data : NULL, 0, &m->hdrs, NULL };
}

static void hash(struct s3e_fs *m, const struct s3e_buf *b, int *rc)
{
    if (m->whole && !*rc && !EVP_DigestUpdate(m->md5, b->data ? b->data : "", b->len))
        *rc = S3E_ENOMEM;
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
    return s3e_stream_md5_check(m->md5_hex, m->etag, &m->head, &m->res, &m->err);
}

static void after_get_single(struct s3e_fs *m, int rc)
{
    if (!rc)
        rc = s3e_stream_range_check(&m->one, m->a.resp.body.len, &m->a.err);
    if (rc) {
        fail(m, rc, &m->a.err);
        return;
    }
    take_body(&m->a, &m->body);
    /* one part: its MD5 is the object's, hashed once */
    struct s3e_part_hash *h = &m->one_hash;
    rc = s3e_part_hash(&m->body, m->hdrs.checksum_algorithm, &m->one, h);
    if (!rc) {
        memcpy(m->md5_hex, h->md5_hex, sizeof m->md5_hex);
        rc = s3e_stream_md5_check(m->md5_hex, m->etag, &m->head, &m->res, &m->err);
        if (rc) {
            fail(m, rc, NULL);
            return;
        }
    }
    struct s3e_put_opts o = put_opts(m);
    s3e_buf_reset(&m->buf);
    if (!rc)
        rc = s3e_stream_put_request(&m->req, &m->buf, m->offsets, m->quoted, m->name,
                                    m->spec.dst_bucket, m->spec.dst_key, &o, &m->body,
                                    h->md5_b64, &m->one);
    m->req.body_sha256 = h->sha256_hex;
    send_req(m, FS_PUT, rc, m->dst_via);
}

static void verify(struct s3e_fs *m);

static void after_put_single(struct s3e_fs *m, int rc)
{
    give(m, &m->body, &m->taken);
    if (rc) {
        fail(m, rc, &m->a.err);
        return;
    }
    char v[96] = "";
    s3e_resp_header(&m->a.resp, "etag", v, sizeof v);
    s3e_s3_etag_unquote(v, m->res.etag);
    m->written = 1;
    verify(m);
}

/* ---- a multipart upload ------------------------------------------------------------ */

static void create(struct s3e_fs *m)
{
    int rc = s3e_copy_cut_parts(m->head.size, m->spec.part_size, &m->parts, &m->nparts,
                                &m->part_size);
    if (!rc && !(m->md5s = calloc(m->nparts, sizeof *m->md5s)))
        rc = S3E_ENOMEM;
    if (rc) {
        fail_detail(m, rc, "CreateMultipartUpload", "out of memory");
        return;
    }
    struct s3e_put_opts o = put_opts(m);
    s3e_buf_reset(&m->buf);
    rc = s3e_s3_create_request(&m->req, &m->q[0], &m->buf, m->offsets, m->quoted,
                               m->spec.dst_bucket, m->spec.dst_key, &o);
    m->create_started = (int64_t)time(NULL);
    send_req(m, FS_CREATE, rc, m->dst_via);
}

static void next_orphan(struct s3e_fs *m)
{
    const char *id = s3e_fu_orphan(&m->search);
    if (id) {
        s3e_debug("s3://%s/%s: aborting upload %s, made by an attempt whose answer was lost",
                  m->spec.dst_bucket, m->spec.dst_key, id);
        s3e_s3_abort_request(&m->req, &m->q[0], m->spec.dst_bucket, m->spec.dst_key, id);
        send_req(m, FS_ORPHAN_ABORT, S3E_OK, m->dst_via);
        return;
    }
    if (m->create_rc) {
        fail(m, m->create_rc, NULL); /* m->err holds the create's failure */
        return;
    }
    m->state = FS_PARTS;
    pump(m);
}

static void after_create(struct s3e_fs *m, int rc)
{
    m->create_rc = s3e_fu_created(rc, &m->a, &m->upload_id, &m->search, m->create_started,
                                  &m->req, m->spec.dst_bucket, m->spec.dst_key);
    if (m->create_rc)
        m->err = m->a.err;
    send_req(m, FS_ORPHANS, S3E_OK, m->dst_via);
}

static void after_orphans(struct s3e_fs *m, int rc)
{
    if (s3e_fu_listed(&m->search, rc, &m->a, &m->req, m->spec.dst_bucket, m->spec.dst_key))
        send_req(m, FS_ORPHANS, S3E_OK, m->dst_via);
    else
        next_orphan(m);
}

/* An abort (of ours, or of a lost answer's upload id) came back: 1 when it
 * goes once more. */
static int abort_again(struct s3e_fs *m, int rc, const char *id)
{
    return s3e_fu_abort_again(rc, &m->a, &m->abort_tries, m->spec.open_uploads, m->dst_via,
                              m->spec.dst_bucket, m->spec.dst_key, id);
}

static void after_orphan_abort(struct s3e_fs *m, int rc)
{
    if (abort_again(m, rc, s3e_fu_orphan(&m->search))) {
        send_req(m, FS_ORPHAN_ABORT, S3E_OK, m->dst_via);
        return;
    }
    m->search.next++;
    next_orphan(m);
}

static void after_abort(struct s3e_fs *m, int rc)
{
    if (abort_again(m, rc, m->upload_id)) {
        abort_upload(m);
        return;
    }
    free(m->upload_id);
    m->upload_id = NULL;
    settle(m);
}

static void after_complete(struct s3e_fs *m, int rc)
{
    if (!rc && s3e_xml_parse_complete(m->a.resp.body.data, m->a.resp.body.len, m->res.etag))
        rc = S3E_EPARSE;
    if (rc) {
        fail(m, rc, &m->a.err);
        return;
    }
    free(m->upload_id);
    m->upload_id = NULL;
    m->written = 1;
    /* Set the tags again: not every server honours them on create. */
    if (m->tags.len) {
        s3e_buf_reset(&m->buf);
        rc = s3e_s3_put_tagging_request(&m->req, &m->q[0], &m->buf, m->md5_b64,
                                        m->spec.dst_bucket, m->spec.dst_key, m->tags.data);
        send_req(m, FS_PUT_TAGS, rc, m->dst_via);
        return;
    }
    verify(m);
}

/* ---- the parts ------------------------------------------------------------------ */

static int part_limit(const struct s3e_fs *m)
{
    int n = m->spec.part_concurrency > 0 ? m->spec.part_concurrency
                                         : S3E_DEFAULT_PART_CONCURRENCY;
    return (uint32_t)n > m->nparts ? (int)m->nparts : n;
}

static int make_slots(struct s3e_fs *m)
{
    if (m->slots)
        return S3E_OK;
    int n = part_limit(m);
    m->slots = calloc((size_t)n, sizeof *m->slots);
    if (!m->slots)
        return S3E_ENOMEM;
    for (int i = 0; i < n; i++) {
        int rc = s3e_areq_init(&m->slots[i].a);
        if (rc)
            return rc;
        s3e_buf_init(&m->slots[i].body, 0);
        m->nslots = i + 1;
    }
    return S3E_OK;
}

static void release(struct s3e_fs *m, struct slot *s)
{
    give(m, &s->body, &s->taken);
    s->stage = SL_FREE;
}

static void part_failed(struct s3e_fs *m, struct slot *s, int rc)
{
    m->parts[s->part].rc = rc;
    if (!m->part_rc)
        m->part_rc = rc;
    if (rc != S3E_ECANCELED && !m->have_part_err) {
        m->part_err = s->a.err;
        m->have_part_err = 1;
    }
    release(m, s);
}

/* Hash the bytes read in the order of the object: each part whose bytes
 * are in and whose predecessors are hashed; one already uploaded is done. */
static void hash_in_order(struct s3e_fs *m)
{
    for (int found = 1; found && !m->part_rc;) {
        found = 0;
        for (int i = 0; i < m->nslots; i++) {
            struct slot *s = &m->slots[i];
            if (s->stage == SL_FREE || !s->got || s->hashed || s->part != m->next_hash)
                continue;
            int rc = S3E_OK;
            hash(m, &s->body, &rc);
            if (rc) {
                part_failed(m, s, rc);
                return;
            }
            s->hashed = 1;
            m->next_hash++;
            if (s->stage == SL_HELD)
                release(m, s);
            found = 1;
        }
    }
}

static void upload_part(struct s3e_fs *m, struct slot *s)
{
    struct s3e_part_copy *p = &m->parts[s->part];
    int rc = s3e_part_hash(&s->body, m->hdrs.checksum_algorithm, p, &s->h);
    if (!rc) {
        memcpy(m->md5s[s->part], s->h.md5, sizeof s->h.md5);
        rc = s3e_stream_part_request(&s->req, s->text, s->q, s->name, m->spec.dst_bucket,
                                     m->spec.dst_key, m->upload_id, &m->hdrs, p, &s->body,
                                     s->h.md5_b64);
    }
    s->req.via = m->dst_via;
    s->req.body_sha256 = s->h.sha256_hex;
    s->stage = SL_PUT;
    if (!rc)
        rc = s3e_client_start(m->c, &s->a, &s->req);
    if (rc) {
        s3e_s3_error_clear(&s->a.err);
        set_op(&s->a.err, "UploadPart");
        part_failed(m, s, rc);
    } else {
        m->in_flight++;
    }
}

static void after_part_get(struct s3e_fs *m, struct slot *s, int rc)
{
    if (!rc)
        rc = s3e_stream_range_check(&m->parts[s->part], s->a.resp.body.len, &s->a.err);
    if (rc || m->part_rc) {
        if (rc)
            part_failed(m, s, rc);
        else
            release(m, s);
        return;
    }
    take_body(&s->a, &s->body);
    s->got = 1;
    hash_in_order(m);
    if (s->stage != SL_FREE && !m->part_rc)
        upload_part(m, s);
}

static void after_part_put(struct s3e_fs *m, struct slot *s, int rc)
{
    struct s3e_part_copy *p = &m->parts[s->part];
    if (rc) {
        part_failed(m, s, rc);
        return;
    }
    char v[96] = "";
    s3e_resp_header(&s->a.resp, "etag", v, sizeof v);
    s3e_s3_etag_unquote(v, p->etag);
    p->rc = S3E_OK;
    m->parts_done++;
    if (s->hashed)
        release(m, s);
    else
        s->stage = SL_HELD;
}

/* Every part uploaded, or a failure and nothing more in flight: complete or abort. */
static void parts_over(struct s3e_fs *m)
{
    for (int i = 0; i < m->nslots; i++)
        if (m->slots[i].stage != SL_FREE)
            release(m, &m->slots[i]);
    if (m->part_rc) {
        if (!m->have_part_err) { /* every part stopped by a signal */
            s3e_s3_error_clear(&m->part_err);
            snprintf(m->part_err.operation, sizeof m->part_err.operation, "GetObject");
            snprintf(m->part_err.detail, sizeof m->part_err.detail, "interrupted");
        }
        fail(m, m->part_rc, &m->part_err);
        return;
    }
    int rc = check_md5(m); /* before the upload becomes an object */
    if (rc) {
        fail(m, rc, NULL);
        return;
    }
    s3e_buf_reset(&m->buf);
    rc = s3e_s3_complete_request(&m->req, &m->q[0], &m->buf, m->quoted, m->spec.dst_bucket,
                                 m->spec.dst_key, m->upload_id, m->parts, m->nparts, &m->hdrs);
    send_req(m, FS_COMPLETE, rc, m->dst_via);
}

/* Start reads while this copy has free slots and the budget has room;
 * after the first failure none more (those in flight end on their own). */
static void pump(struct s3e_fs *m)
{
    if (m->state != FS_PARTS)
        return;
    int rc = make_slots(m);
    if (rc && !m->part_rc) {
        m->part_rc = rc;
        s3e_s3_error_clear(&m->part_err);
        set_op(&m->part_err, "GetObject");
        m->have_part_err = 1;
    }
    m->starved = 0;
    for (int i = 0; i < m->nslots && !m->part_rc && m->next < m->nparts; i++) {
        struct slot *s = &m->slots[i];
        if (s->stage != SL_FREE)
            continue;
        struct s3e_part_copy *p = &m->parts[m->next];
        uint64_t len = p->last + 1 - p->first;
        if (!take(m, len, &s->taken)) {
            if (s3e_run_stopping(m->run) && m->in_flight == 0)
                m->part_rc = S3E_ECANCELED;
            m->starved = !m->part_rc;
            break;
        }
        s->part = m->next++;
        s->stage = SL_GET;
        s->got = s->hashed = 0;
        s->a.ud = m->owner;
        s->a.deadline = m->dl;
        s->a.cleanup = 0;
        rc = s3e_stream_get_request(&s->req, s->text, s->q, m->spec.src_bucket, m->spec.src_key,
                                    &m->hdrs, p);
        s->req.via = m->src_via;
        if (!rc)
            rc = s3e_buf_reserve(&s->a.resp.body, (size_t)len);
        if (!rc)
            rc = s3e_client_start(m->c, &s->a, &s->req);
        if (rc) {
            s3e_s3_error_clear(&s->a.err);
            set_op(&s->a.err, "GetObject");
            part_failed(m, s, rc);
        } else {
            m->in_flight++;
        }
    }
    if (m->in_flight == 0 && (m->part_rc || m->next == m->nparts))
        parts_over(m);
}

/* ---- verification ------------------------------------------------------------------ */

static void verify(struct s3e_fs *m)
{
    m->res.bytes = m->head.size;
    m->res.parts = m->single ? 0 : m->nparts;
    if (!m->spec.verify) {
        m->rc = S3E_OK;
        m->state = FS_FINISHED;
        return;
    }
    int rc = s3e_s3_head_version_request(&m->req, &m->q[0], m->spec.dst_bucket,
                                         m->spec.dst_key, NULL, m->hdrs.dst_ssec);
    send_req(m, FS_VERIFY, rc, m->dst_via);
}

/* A multipart copy's ETag, where S3 made it from its parts' MD5s, against
 * the MD5s of the parts sent: every part is in, in its place. */
static int check_parts_etag(struct s3e_fs *m, const struct s3e_head *h)
{
    char want[48];
    if (m->single || !m->md5s || !s3e_etag_is_multipart_md5(h->etag, h->sse, h->ssec))
        return S3E_OK;
    int rc = s3e_part_hash_etag((const unsigned char (*)[16])m->md5s, m->nparts, want);
    if (rc || strcasecmp(want, h->etag) == 0)
        return rc;
    s3e_s3_error_clear(&m->err);
    set_op(&m->err, "Verify");
    snprintf(m->err.detail, sizeof m->err.detail, "the copy's ETag is %s, its parts' MD5s make %s",
             h->etag, want);
    return S3E_EVERIFY;
}

static void after_verify(struct s3e_fs *m, int rc)
{
    struct s3e_head h;
    rc = s3e_s3_head_result(rc, &m->a.resp, &h, &m->a.err);
    if (rc) {
        fail(m, rc, &m->a.err);
        return;
    }
    s3e_s3_error_clear(&m->err);
    rc = s3e_stream_judge(&m->head, &h, &m->hdrs, m->single, m->md5_hex, &m->res, &m->err);
    if (!rc)
        rc = check_parts_etag(m, &h);
    s3e_head_free(&h);
    if (rc) {
        fail(m, rc, NULL);
        return;
    }
    m->res.verified = 1;
    m->rc = S3E_OK;
    m->state = FS_FINISHED;
}

/* The single request of the current state finished with rc. */
static void step(struct s3e_fs *m, int rc)
{
    switch (m->state) {
    case FS_HEAD:
        after_head(m, rc);
        break;
    case FS_TAGS:
        if (!rc)
            rc = s3e_xml_parse_tagging(m->a.resp.body.data, m->a.resp.body.len, &m->tags);
        if (rc)
            fail(m, rc, &m->a.err);
        else
            plan(m);
        break;
    case FS_GET:
        after_get_single(m, rc);
        break;
    case FS_PUT:
        after_put_single(m, rc);
        break;
    case FS_CREATE:
        after_create(m, rc);
        break;
    case FS_ORPHANS:
        after_orphans(m, rc);
        break;
    case FS_ORPHAN_ABORT:
        after_orphan_abort(m, rc);
        break;
    case FS_COMPLETE:
        after_complete(m, rc);
        break;
    case FS_PUT_TAGS:
        m->tagging_failed = rc != S3E_OK; /* not the copy without its tags: deleted */
        if (rc)
            fail(m, rc, &m->a.err);
        else
            verify(m);
        break;
    case FS_VERIFY:
        after_verify(m, rc);
        break;
    case FS_ABORT:
        after_abort(m, rc);
        break;
    case FS_DELETE_BAD:
        settle(m); /* the failure stays the one that made the delete */
        break;
    case FS_ROOM:
    case FS_PARTS:
    case FS_FINISHED:
        break;
    }
}

/* ---- the interface ---------------------------------------------------------------- */

int s3e_fs_handles(const struct s3e_run *run, const struct s3e_job *j)
{
    return !j->existing && !run->set.move;
}

int s3e_fs_start(struct s3e_fs **out, struct s3e_run *run, struct s3e_client *c,
                 const struct s3e_job *j, const struct s3e_deadline *dl, void *owner)
{
    struct s3e_fs *m = calloc(1, sizeof *m);
    if (!m)
        return S3E_ENOMEM;
    m->run = run;
    m->c = c;
    m->budget = run->stream_budget;
    m->j = j;
    m->owner = owner;
    m->dl = *dl;
    s3e_stream_vias(run, j, &m->src_via, &m->dst_via);
    s3e_worker_hdrs(run, j, &m->hdrs);
    s3e_worker_spec(run, j, &m->hdrs, &m->spec);
    s3e_buf_init(&m->tags, 64 << 10);
    s3e_buf_init(&m->buf, 0);
    s3e_buf_init(&m->body, 0);
    m->md5 = EVP_MD_CTX_new();
    int rc = m->md5 ? s3e_areq_init(&m->a) : S3E_ENOMEM;
    if (rc) {
        EVP_MD_CTX_free(m->md5);
        free(m);
        return rc;
    }
    *out = m;
    begin(m);
    return S3E_OK;
}

void s3e_fs_on_done(struct s3e_fs *m, struct s3e_areq *a, int rc)
{
    if (a == &m->a) {
        step(m, rc);
        return;
    }
    struct slot *s = (struct slot *)a;
    m->in_flight--;
    if (s->stage == SL_GET)
        after_part_get(m, s, rc);
    else
        after_part_put(m, s, rc);
    pump(m);
}

int s3e_fs_poll(struct s3e_fs *m)
{
    if (m->state == FS_ROOM) {
        if (take(m, m->head.size, &m->taken))
            read_single(m);
        else if (s3e_run_stopping(m->run))
            fail_detail(m, S3E_ECANCELED, "GetObject", "interrupted");
        return m->state == FS_ROOM;
    }
    if (m->state != FS_PARTS)
        return 0;
    pump(m);
    return m->state == FS_PARTS && m->starved;
}

int s3e_fs_finished(const struct s3e_fs *m)
{
    return m->state == FS_FINISHED;
}

int s3e_fs_result(const struct s3e_fs *m, struct s3e_copy_result *res,
                  const struct s3e_s3_error **err)
{
    *res = m->res;
    *err = &m->err;
    return m->rc;
}

void s3e_fs_free(struct s3e_fs *m)
{
    if (!m)
        return;
    if (m->have_head)
        s3e_head_free(&m->head);
    s3e_fu_search_free(&m->search);
    free(m->upload_id);
    free_parts(m);
    give(m, &m->body, &m->taken);
    s3e_areq_free(&m->a);
    s3e_buf_free(&m->tags);
    s3e_buf_free(&m->buf);
    EVP_MD_CTX_free(m->md5);
    free(m);
}
