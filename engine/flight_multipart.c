/* flight_multipart.c - a multipart copy as a state machine of requests on
 * the workers' event loop (see flight_multipart.h). The requests are built
 * by s3_ops.c, their headers by copy_hdrs.c and put_lines.c, the verdict by
 * copy.c and verify_rules.c: the same as the blocking copy (copy.c), only
 * sent without waiting. */
#include "flight_multipart.h"
#include "flight_upload.h"
#include "put_lines.h"
#include "s3_ops.h"
#include "worker.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/plan.h"
#include "s3engine/s3xml.h"
#include "s3engine/uri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum mp_state {
    MP_HEAD,          /* HEAD of the source */
    MP_TAGS,          /* GetObjectTagging of the source */
    MP_CREATE,        /* CreateMultipartUpload */
    MP_ORPHANS,       /* ListMultipartUploads: uploads a lost answer made */
    MP_ORPHAN_ABORT,  /* AbortMultipartUpload of one of those */
    MP_PARTS,         /* UploadPartCopy, several in flight */
    MP_COMPLETE,      /* CompleteMultipartUpload */
    MP_PUT_TAGS,      /* PutObjectTagging of the copy */
    MP_VERIFY_DST,    /* HEAD of the copy */
    MP_VERIFY_SRC,    /* HEAD of the source, to compare */
    MP_ABORT,         /* AbortMultipartUpload after a failure */
    MP_DELETE_BAD,    /* DeleteObject of a copy that is not the one asked for */
    MP_FINISHED,
};

/* One part's request; `a` first: the loop hands back &slot->a. */
struct part_slot {
    struct s3e_areq a;
    struct s3e_req req;
    struct s3e_query_param q[2];
    char number[16], range[64];
    uint32_t part;
    int busy;
};

struct s3e_mp {
    struct s3e_run *run;
    struct s3e_client *c;
    struct s3e_flow *flow;      /* the loop's window of part copies */
    const struct s3e_job *j;
    void *owner;
    struct s3e_copy_hdrs hdrs;  /* the job's; if_match: the ETag every part must match */
    struct s3e_copy_spec spec;
    struct s3e_deadline dl;
    enum mp_state state;
    int tries;                  /* copies from the start so far, beyond the first */
    int relooked;               /* the source changed (412) and is copied as it is now */
    char planned[80];           /* the source's ETag the copy must be of ("" = any) */
    struct s3e_head head;       /* the source's, the route's metadata and tags applied */
    int have_head;
    struct s3e_buf tags;        /* URL-encoded tags to set */
    char *upload_id;
    struct s3e_part_copy *parts;
    uint32_t nparts, next, in_flight, parts_done;
    uint64_t part_size;
    int part_rc;                /* the first part's failure */
    struct s3e_s3_error part_err;
    int have_part_err;          /* part_err is a failure other than a cancel */
    int64_t create_started;     /* epoch seconds */
    int create_rc;
    struct s3e_fu_search search; /* uploads a lost create answer made */
    int abort_tries;
    int complete;               /* the copy exists: a failure now deletes it */
    struct s3e_head dst;
    int have_dst;
    /* the one request in flight outside the parts, and what it points to */
    struct s3e_areq a;
    struct s3e_req req;
    struct s3e_query_param q[4];
    struct s3e_buf buf;
    size_t offsets[S3E_MAX_REQ_HEADERS];
    char quoted[84], md5[64];
    struct s3e_buf source;      /* x-amz-copy-source of the parts */
    struct part_slot *slots;
    int nslots;
    /* the outcome */
    int rc;
    struct s3e_s3_error err;
    struct s3e_copy_result res;
};

static void step(struct s3e_mp *m, int rc);
static void pump(struct s3e_mp *m);

static void set_op(struct s3e_s3_error *err, const char *op)
{
    if (!err->operation[0])
        snprintf(err->operation, sizeof err->operation, "%s", op);
}

static const char *src_version(const struct s3e_mp *m)
{
    return m->hdrs.version_id;
}

/* Send m->req as the request of state s; one that cannot start is done at once. */
static void send_req(struct s3e_mp *m, enum mp_state s, int rc)
{
    m->state = s;
    m->a.ud = m->owner;
    m->a.deadline = m->dl;
    m->a.cleanup = s == MP_ABORT || s == MP_ORPHANS || s == MP_ORPHAN_ABORT;
    if (rc) { /* the request could not be built */
        s3e_s3_error_clear(&m->a.err);
        set_op(&m->a.err, m->req.op ? m->req.op : "request");
        step(m, rc);
        return;
    }
    m->req.wait_bytes = m->flow->part_bytes; /* queued behind the parts in flight */
    rc = s3e_client_start(m->c, &m->a, &m->req);
    if (rc)
        step(m, rc);
}

/* ---- the end of one try, and of the copy ------------------------------------- */

static void free_parts(struct s3e_mp *m)
{
    free(m->parts);
    m->parts = NULL;
    m->nparts = 0;
    for (int i = 0; i < m->nslots; i++)
        s3e_areq_free(&m->slots[i].a);
    free(m->slots);
    m->slots = NULL;
    m->nslots = 0;
}

static void begin(struct s3e_mp *m);

/* A try is over: the copy is done, tried again from the start (as worker.c:
 * a retryable failure or one that did not verify), looked up again once
 * when the source changed, or failed. */
static void settle(struct s3e_mp *m)
{
    int rc = m->rc, stopping = s3e_run_stopping(m->run);
    const struct s3e_job *j = m->j;
    int again = rc == S3E_EVERIFY || (rc != S3E_OK && m->err.retryable);
    if (again && m->tries + 1 < S3E_OBJECT_TRIES && !stopping) {
        m->tries++;
        s3e_info("retrying s3://%s/%s from the start (%s)", j->src_bucket, j->src_key,
                 s3e_strerror(rc));
        begin(m);
    } else if (rc && s3e_copy_source_changed(&m->err) && !m->relooked && !stopping) {
        m->relooked = 1;
        m->tries = 0;
        begin(m);
    } else {
        m->state = MP_FINISHED;
    }
}

static void abort_upload(struct s3e_mp *m)
{
    s3e_s3_abort_request(&m->req, &m->q[0], m->spec.dst_bucket, m->spec.dst_key, m->upload_id);
    send_req(m, MP_ABORT, S3E_OK);
}

/* This try failed with rc (and *err, NULL when m->err holds it already):
 * abort the upload, delete a copy that is not the one asked for, then settle. */
static void fail(struct s3e_mp *m, int rc, const struct s3e_s3_error *err)
{
    if (err && err != &m->err)
        m->err = *err;
    m->rc = rc;
    if (m->upload_id) {
        s3e_debug("multipart copy of %s/%s failed after %u/%u parts; aborting upload",
                  m->spec.src_bucket, m->spec.src_key, m->parts_done, m->nparts);
        m->abort_tries = 0;
        abort_upload(m);
        return;
    }
    /* A copy spliced from two versions of a changing source, one that does
     * not verify, or one without its tags: never left behind. */
    if (m->complete && (rc == S3E_EVERIFY || s3e_copy_source_changed(&m->err) ||
                        m->state == MP_PUT_TAGS)) {
        if (m->state != MP_PUT_TAGS)
            set_op(&m->err, "Verify");
        s3e_s3_delete_request(&m->req, m->spec.dst_bucket, m->spec.dst_key);
        send_req(m, MP_DELETE_BAD, S3E_OK);
        return;
    }
    settle(m);
}

static void succeed(struct s3e_mp *m)
{
    m->rc = S3E_OK;
    m->state = MP_FINISHED;
}

/* ---- the steps ------------------------------------------------------------------ */

static void begin(struct s3e_mp *m)
{
    if (m->have_head)
        s3e_head_free(&m->head);
    if (m->have_dst)
        s3e_head_free(&m->dst);
    m->have_head = m->have_dst = 0;
    s3e_buf_reset(&m->tags);
    free(m->upload_id);
    m->upload_id = NULL;
    free_parts(m);
    m->next = m->in_flight = m->parts_done = 0;
    m->part_rc = m->have_part_err = m->complete = 0;
    m->rc = S3E_OK;
    s3e_s3_error_clear(&m->err);
    memset(&m->res, 0, sizeof m->res);
    m->res.multipart = 1;
    int rc = s3e_s3_head_version_request(&m->req, &m->q[0], m->spec.src_bucket,
                                         m->spec.src_key, src_version(m), m->hdrs.src_ssec);
    send_req(m, MP_HEAD, rc);
}

static void create(struct s3e_mp *m)
{
    int rc = s3e_put_apply(m->spec.put, &m->head, &m->tags); /* the route's, if any */
    if (!rc)
        rc = s3e_copy_cut_parts(m->head.size, m->spec.part_size, &m->parts, &m->nparts,
                                &m->part_size);
    if (rc) {
        s3e_s3_error_clear(&m->err);
        set_op(&m->err, "CreateMultipartUpload");
        fail(m, rc, NULL);
        return;
    }
    struct s3e_put_opts o = { m->spec.storage_class, &m->head,
                              m->tags.len ? m->tags.data : NULL, 0, &m->hdrs, NULL };
    s3e_buf_reset(&m->buf);
    rc = s3e_s3_create_request(&m->req, &m->q[0], &m->buf, m->offsets, m->quoted,
                               m->spec.dst_bucket, m->spec.dst_key, &o);
    m->create_started = (int64_t)time(NULL);
    send_req(m, MP_CREATE, rc);
}

static void after_head(struct s3e_mp *m, int rc)
{
    rc = s3e_s3_head_result(rc, &m->a.resp, &m->head, &m->a.err);
    if (rc) {
        fail(m, rc, &m->a.err);
        return;
    }
    m->have_head = 1;
    const struct s3e_job *j = m->j;
    if (m->relooked && m->tries == 0 && m->planned[0] && strcmp(m->planned, m->head.etag)) {
        s3e_info("s3://%s/%s changed since it was listed (ETag %s, now %s); copying it again",
                 j->src_bucket, j->src_key, m->planned, m->head.etag);
        snprintf(m->planned, sizeof m->planned, "%s", m->head.etag);
    } else if (m->planned[0] && strcmp(m->planned, m->head.etag) != 0) {
        fail(m, s3e_copy_changed_error(&m->err, "HeadObject", m->planned, m->head.etag), NULL);
        return;
    }
    m->hdrs.if_match = m->head.etag; /* every part from this one version */
    if (m->head.size > S3E_MAX_OBJECT_SIZE) {
        s3e_s3_error_clear(&m->err);
        snprintf(m->err.detail, sizeof m->err.detail, "object is larger than S3's 5 TiB limit");
        fail(m, S3E_ELIMIT, NULL);
        return;
    }
    /* A multipart copy does not carry tags: read them to set them. */
    if (m->head.tag_count > 0 && !s3e_put_replaces_tags(m->spec.put)) {
        s3e_s3_get_tagging_request(&m->req, m->q, m->spec.src_bucket, m->spec.src_key,
                                   src_version(m));
        send_req(m, MP_TAGS, S3E_OK);
        return;
    }
    create(m);
}

static void next_orphan(struct s3e_mp *m)
{
    const char *id = s3e_fu_orphan(&m->search);
    if (id) {
        s3e_debug("s3://%s/%s: aborting upload %s, made by an attempt whose answer was lost",
                  m->spec.dst_bucket, m->spec.dst_key, id);
        s3e_s3_abort_request(&m->req, &m->q[0], m->spec.dst_bucket, m->spec.dst_key, id);
        send_req(m, MP_ORPHAN_ABORT, S3E_OK);
        return;
    }
    if (m->create_rc) {
        fail(m, m->create_rc, NULL); /* m->err holds the create's failure */
        return;
    }
    m->state = MP_PARTS;
    pump(m);
}

static void after_create(struct s3e_mp *m, int rc)
{
    m->create_rc = s3e_fu_created(rc, &m->a, &m->upload_id, &m->search, m->create_started,
                                  &m->req, m->spec.dst_bucket, m->spec.dst_key);
    if (m->create_rc)
        m->err = m->a.err;
    send_req(m, MP_ORPHANS, S3E_OK);
}

static void after_orphans(struct s3e_mp *m, int rc)
{
    if (s3e_fu_listed(&m->search, rc, &m->a, &m->req, m->spec.dst_bucket, m->spec.dst_key))
        send_req(m, MP_ORPHANS, S3E_OK);
    else
        next_orphan(m);
}

static void after_orphan_abort(struct s3e_mp *m, int rc)
{
    if (s3e_fu_abort_again(rc, &m->a, &m->abort_tries, m->spec.open_uploads, NULL,
                           m->spec.dst_bucket, m->spec.dst_key, s3e_fu_orphan(&m->search))) {
        send_req(m, MP_ORPHAN_ABORT, S3E_OK);
        return;
    }
    m->search.next++;
    next_orphan(m);
}

static void after_abort(struct s3e_mp *m, int rc)
{
    if (s3e_fu_abort_again(rc, &m->a, &m->abort_tries, m->spec.open_uploads, NULL,
                           m->spec.dst_bucket, m->spec.dst_key, m->upload_id)) {
        abort_upload(m);
        return;
    }
    free(m->upload_id);
    m->upload_id = NULL;
    settle(m);
}

static void verify(struct s3e_mp *m)
{
    m->res.bytes = m->head.size;
    if (!m->spec.verify && !(m->hdrs.sse || m->hdrs.dst_ssec)) { /* encrypted? even so */
        succeed(m);
        return;
    }
    int rc = s3e_s3_head_version_request(&m->req, &m->q[0], m->spec.dst_bucket,
                                         m->spec.dst_key, NULL, m->hdrs.dst_ssec);
    send_req(m, MP_VERIFY_DST, rc);
}

static void after_complete(struct s3e_mp *m, int rc)
{
    if (!rc && s3e_xml_parse_complete(m->a.resp.body.data, m->a.resp.body.len, m->res.etag))
        rc = S3E_EPARSE;
    if (rc) {
        fail(m, rc, &m->a.err);
        return;
    }
    free(m->upload_id);
    m->upload_id = NULL;
    m->complete = 1;
    /* Set the tags again: not every server honours them on create. */
    if (m->tags.len) {
        s3e_buf_reset(&m->buf);
        rc = s3e_s3_put_tagging_request(&m->req, &m->q[0], &m->buf, m->md5, m->spec.dst_bucket,
                                        m->spec.dst_key, m->tags.data);
        send_req(m, MP_PUT_TAGS, rc);
        return;
    }
    verify(m);
}

static void after_verify_dst(struct s3e_mp *m, int rc)
{
    rc = s3e_s3_head_result(rc, &m->a.resp, &m->dst, &m->a.err);
    if (rc) {
        fail(m, rc, &m->a.err);
        return;
    }
    m->have_dst = 1;
    if (!m->res.etag[0]) /* radosgw's Complete omits it */
        snprintf(m->res.etag, sizeof m->res.etag, "%s", m->dst.etag);
    if (s3e_copy_encryption_problem(&m->spec, &m->dst)) {
        s3e_s3_error_clear(&m->err);
        fail(m, s3e_copy_judge(&m->spec, &m->dst, S3E_OK, m->head.size, &m->res, &m->err), NULL);
        return;
    }
    rc = s3e_s3_head_version_request(&m->req, &m->q[0], m->spec.src_bucket, m->spec.src_key,
                                     src_version(m), m->hdrs.src_ssec);
    send_req(m, MP_VERIFY_SRC, rc);
}

static void after_verify_src(struct s3e_mp *m, int rc)
{
    struct s3e_head src;
    rc = s3e_s3_head_result(rc, &m->a.resp, &src, &m->a.err);
    if (rc) {
        s3e_head_free(&src);
        fail(m, rc, &m->a.err);
        return;
    }
    s3e_s3_error_clear(&m->err);
    rc = s3e_copy_compare_heads(&m->spec, &src, &m->dst, m->head.etag, 1, &m->res, &m->err);
    s3e_head_free(&src);
    rc = s3e_copy_judge(&m->spec, &m->dst, rc, m->head.size, &m->res, &m->err);
    if (rc)
        fail(m, rc, NULL);
    else
        succeed(m);
}

/* The single request of the current state finished with rc. */
static void step(struct s3e_mp *m, int rc)
{
    switch (m->state) {
    case MP_HEAD:
        after_head(m, rc);
        break;
    case MP_TAGS:
        if (!rc)
            rc = s3e_xml_parse_tagging(m->a.resp.body.data, m->a.resp.body.len, &m->tags);
        if (rc)
            fail(m, rc, &m->a.err);
        else
            create(m);
        break;
    case MP_CREATE:
        after_create(m, rc);
        break;
    case MP_ORPHANS:
        after_orphans(m, rc);
        break;
    case MP_ORPHAN_ABORT:
        after_orphan_abort(m, rc);
        break;
    case MP_COMPLETE:
        after_complete(m, rc);
        break;
    case MP_PUT_TAGS:
        if (rc)
            fail(m, rc, &m->a.err); /* an object without its tags is not a copy */
        else
            verify(m);
        break;
    case MP_VERIFY_DST:
        after_verify_dst(m, rc);
        break;
    case MP_VERIFY_SRC:
        after_verify_src(m, rc);
        break;
    case MP_ABORT:
        after_abort(m, rc);
        break;
    case MP_DELETE_BAD:
        settle(m); /* the failure stays the one that made the delete */
        break;
    case MP_PARTS:
    case MP_FINISHED:
        break;
    }
}

/* ---- the parts ------------------------------------------------------------------ */

static int part_limit(const struct s3e_mp *m)
{
    return m->spec.part_concurrency > 0 ? m->spec.part_concurrency
                                        : S3E_DEFAULT_PART_CONCURRENCY;
}

static int make_slots(struct s3e_mp *m)
{
    if (m->slots)
        return S3E_OK;
    int n = part_limit(m);
    if ((uint32_t)n > m->nparts)
        n = (int)m->nparts;
    m->slots = calloc((size_t)n, sizeof *m->slots);
    if (!m->slots)
        return S3E_ENOMEM;
    for (int i = 0; i < n; i++) {
        int rc = s3e_areq_init(&m->slots[i].a);
        if (rc)
            return rc;
        m->nslots = i + 1;
    }
    s3e_buf_reset(&m->source);
    return s3e_uri_copy_source_version(&m->source, m->spec.src_bucket, m->spec.src_key,
                                       src_version(m));
}

static void part_done(struct s3e_mp *m, struct part_slot *s, int rc)
{
    struct s3e_part_copy *p = &m->parts[s->part];
    s->busy = 0;
    m->in_flight--;
    s3e_flow_release(m->flow);
    if (!rc)
        rc = s3e_s3_part_copy_result(&s->a.resp, p);
    p->rc = rc;
    m->parts_done += rc == S3E_OK;
    if (rc && !m->part_rc)
        m->part_rc = rc;
    if (rc && rc != S3E_ECANCELED && !m->have_part_err) {
        m->part_err = s->a.err;
        m->have_part_err = 1;
    }
}

/* Every part sent, or a failure and nothing more in flight: complete or abort. */
static void parts_over(struct s3e_mp *m)
{
    if (m->part_rc) {
        if (!m->have_part_err) { /* every part stopped by a signal */
            s3e_s3_error_clear(&m->part_err);
            snprintf(m->part_err.operation, sizeof m->part_err.operation, "UploadPartCopy");
            snprintf(m->part_err.detail, sizeof m->part_err.detail, "interrupted");
        }
        fail(m, m->part_rc, &m->part_err);
        return;
    }
    s3e_buf_reset(&m->buf);
    int rc = s3e_s3_complete_request(&m->req, &m->q[0], &m->buf, m->quoted, m->spec.dst_bucket,
                                     m->spec.dst_key, m->upload_id, m->parts, m->nparts,
                                     &m->hdrs);
    send_req(m, MP_COMPLETE, rc);
}

/* Start parts while this copy and the loop have room; after the first
 * failure none more (those in flight end on their own). */
static void pump(struct s3e_mp *m)
{
    if (m->state != MP_PARTS)
        return;
    int rc = make_slots(m);
    if (rc && !m->part_rc) {
        m->part_rc = rc;
        s3e_s3_error_clear(&m->part_err);
        set_op(&m->part_err, "UploadPartCopy");
        m->have_part_err = 1;
    }
    for (int i = 0; i < m->nslots && !m->part_rc && m->next < m->nparts &&
                    s3e_flow_room(m->flow); i++) {
        struct part_slot *s = &m->slots[i];
        if (s->busy)
            continue;
        s->busy = 1;
        s->part = m->next++;
        m->in_flight++;
        s3e_flow_take(m->flow, m->parts[s->part].last - m->parts[s->part].first + 1);
        s->a.ud = m->owner;
        s->a.flow = m->flow;
        s->a.deadline = m->dl;
        s->a.cleanup = 0;
        rc = s3e_s3_part_copy_request(&s->req, s->q, s->number, s->range, m->quoted,
                                      m->source.data, m->spec.dst_bucket, m->spec.dst_key,
                                      m->upload_id, m->spec.src_bucket, &m->parts[s->part],
                                      &m->hdrs);
        if (!rc)
            rc = s3e_client_start(m->c, &s->a, &s->req);
        if (rc)
            part_done(m, s, rc);
    }
    if (m->in_flight == 0 && (m->part_rc || m->next == m->nparts))
        parts_over(m);
}

/* ---- the interface ---------------------------------------------------------------- */

int s3e_mp_start(struct s3e_mp **out, struct s3e_run *run, struct s3e_client *c,
                 struct s3e_flow *flow, const struct s3e_job *j,
                 const struct s3e_deadline *dl, void *owner)
{
    struct s3e_mp *m = calloc(1, sizeof *m);
    if (!m)
        return S3E_ENOMEM;
    m->run = run;
    m->c = c;
    m->flow = flow;
    m->j = j;
    m->owner = owner;
    m->dl = *dl;
    s3e_worker_hdrs(run, j, &m->hdrs);
    s3e_worker_spec(run, j, &m->hdrs, &m->spec);
    snprintf(m->planned, sizeof m->planned, "%s", m->spec.src_etag ? m->spec.src_etag : "");
    s3e_buf_init(&m->tags, 64 << 10);
    s3e_buf_init(&m->buf, 0);
    s3e_buf_init(&m->source, 0);
    int rc = s3e_areq_init(&m->a);
    if (rc) {
        free(m);
        return rc;
    }
    *out = m;
    begin(m);
    return S3E_OK;
}

void s3e_mp_on_done(struct s3e_mp *m, struct s3e_areq *a, int rc)
{
    if (a == &m->a) {
        step(m, rc);
        return;
    }
    part_done(m, (struct part_slot *)a, rc);
    pump(m);
}

int s3e_mp_poll(struct s3e_mp *m)
{
    if (m->state != MP_PARTS)
        return 0;
    pump(m);
    return m->state == MP_PARTS && m->next < m->nparts && !m->part_rc &&
           !s3e_flow_room(m->flow);
}

int s3e_mp_finished(const struct s3e_mp *m)
{
    return m->state == MP_FINISHED;
}

int s3e_mp_result(const struct s3e_mp *m, struct s3e_copy_result *res,
                  const struct s3e_s3_error **err)
{
    *res = m->res;
    res->parts = m->nparts;
    *err = &m->err;
    return m->rc;
}

void s3e_mp_free(struct s3e_mp *m)
{
    if (!m)
        return;
    if (m->have_head)
        s3e_head_free(&m->head);
    if (m->have_dst)
        s3e_head_free(&m->dst);
    s3e_fu_search_free(&m->search);
    free(m->upload_id);
    free_parts(m);
    s3e_areq_free(&m->a);
    s3e_buf_free(&m->tags);
    s3e_buf_free(&m->buf);
    s3e_buf_free(&m->source);
    free(m);
}
