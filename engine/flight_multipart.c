/* flight_multipart.c - a multipart copy on the workers' event loop (see
 * flight_multipart.h): the part step and the verification the upload
 * machine (flight_upload.c) drives. The requests are built by s3_ops.c,
 * their headers by copy_hdrs.c and put_lines.c, the verdict by copy.c and
 * verify_rules.c: the same as the blocking copy (copy.c), only sent without
 * waiting. */
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

enum mp_step {
    MP_VERIFY_DST,    /* HEAD of the copy */
    MP_VERIFY_SRC,    /* HEAD of the source, to compare */
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
    struct s3e_fu up;           /* the upload, its tries, the one request in flight */
    const struct s3e_job *j;
    struct s3e_copy_hdrs hdrs;  /* the job's; if_match: the ETag every part must match */
    struct s3e_copy_spec spec;
    enum mp_step step;          /* the request of ours in flight (up.state S3E_FU_OWNER) */
    uint32_t next, in_flight;   /* parts started, parts on the loop */
    struct s3e_head dst;
    int have_dst;
    struct s3e_buf source;      /* x-amz-copy-source of the parts */
    struct part_slot *slots;
    int nslots;
};

static const char *src_version(const struct s3e_mp *m)
{
    return m->hdrs.version_id;
}

/* Send m->up.req (built with rc) as our request of step s. */
static void send_req(struct s3e_mp *m, enum mp_step s, int rc)
{
    m->step = s;
    s3e_fu_send(&m->up, rc, NULL);
}

static void free_slots(struct s3e_mp *m)
{
    s3e_fu_slots_free(m->slots, sizeof *m->slots, m->nslots);
    m->slots = NULL;
    m->nslots = 0;
}

/* ---- the source, and the verification ------------------------------------------- */

/* A try starts (ops->reset). */
static int reset(void *self)
{
    struct s3e_mp *m = self;
    if (m->have_dst)
        s3e_head_free(&m->dst);
    m->have_dst = 0;
    free_slots(m);
    m->next = m->in_flight = 0;
    m->up.res.multipart = 1;
    return S3E_OK;
}

/* The source is read (ops->plan): the upload, with the route's metadata and tags. */
static void create(void *self)
{
    struct s3e_mp *m = self;
    struct s3e_fu *u = &m->up;
    int rc = s3e_put_apply(m->spec.put, &u->head, &u->tags);
    if (rc) {
        s3e_fu_fail_detail(u, rc, "CreateMultipartUpload", "");
        return;
    }
    struct s3e_put_opts o = { m->spec.storage_class, &u->head, u->tags.len ? u->tags.data : NULL,
                              0, &m->hdrs, NULL };
    s3e_fu_create(u, u->head.size, &o);
}

/* The copy is complete and tagged (ops->verify). */
static void verify(void *owner)
{
    struct s3e_mp *m = owner;
    m->up.res.bytes = m->up.head.size;
    if (!m->spec.verify && !(m->hdrs.sse || m->hdrs.dst_ssec)) { /* encrypted? even so */
        s3e_fu_succeed(&m->up);
        return;
    }
    int rc = s3e_s3_head_version_request(&m->up.req, &m->up.q[0], m->spec.dst_bucket,
                                         m->spec.dst_key, NULL, m->hdrs.dst_ssec);
    send_req(m, MP_VERIFY_DST, rc);
}

static void after_verify_dst(struct s3e_mp *m, int rc)
{
    struct s3e_fu *u = &m->up;
    rc = s3e_s3_head_result(rc, &u->a.resp, &m->dst, &u->a.err);
    if (rc) {
        s3e_fu_fail(u, rc, &u->a.err);
        return;
    }
    m->have_dst = 1;
    if (!u->res.etag[0]) /* radosgw's Complete omits it */
        snprintf(u->res.etag, sizeof u->res.etag, "%s", m->dst.etag);
    if (s3e_copy_encryption_problem(&m->spec, &m->dst)) {
        s3e_s3_error_clear(&u->err);
        s3e_fu_fail(u, s3e_copy_judge(&m->spec, &m->dst, S3E_OK, m->up.head.size, &u->res, &u->err),
                    NULL);
        return;
    }
    rc = s3e_s3_head_version_request(&u->req, &u->q[0], m->spec.src_bucket, m->spec.src_key,
                                     src_version(m), m->hdrs.src_ssec);
    send_req(m, MP_VERIFY_SRC, rc);
}

static void after_verify_src(struct s3e_mp *m, int rc)
{
    struct s3e_fu *u = &m->up;
    struct s3e_head src;
    rc = s3e_s3_head_result(rc, &u->a.resp, &src, &u->a.err);
    if (rc) {
        s3e_head_free(&src);
        s3e_fu_fail(u, rc, &u->a.err);
        return;
    }
    s3e_s3_error_clear(&u->err);
    rc = s3e_copy_compare_heads(&m->spec, &src, &m->dst, m->up.etag, 1, &u->res, &u->err);
    s3e_head_free(&src);
    rc = s3e_copy_judge(&m->spec, &m->dst, rc, m->up.head.size, &u->res, &u->err);
    if (rc)
        s3e_fu_fail(u, rc, NULL);
    else
        s3e_fu_succeed(u);
}

/* Our request came back with rc (ops->step). */
static void step(void *owner, int rc)
{
    struct s3e_mp *m = owner;
    switch (m->step) {
    case MP_VERIFY_DST:
        after_verify_dst(m, rc);
        break;
    case MP_VERIFY_SRC:
        after_verify_src(m, rc);
        break;
    }
}

/* ---- the parts: UploadPartCopy ----------------------------------------------------- */

static int make_slots(struct s3e_mp *m)
{
    if (m->slots)
        return S3E_OK;
    int rc = s3e_fu_slots_new(&m->up, sizeof *m->slots, (void **)&m->slots, &m->nslots);
    if (rc)
        return rc;
    s3e_buf_reset(&m->source);
    return s3e_uri_copy_source_version(&m->source, m->spec.src_bucket, m->spec.src_key,
                                       src_version(m));
}

static void part_done(struct s3e_mp *m, struct part_slot *s, int rc)
{
    struct s3e_part_copy *p = &m->up.parts[s->part];
    s->busy = 0;
    m->in_flight--;
    s3e_flow_release(m->up.flow);
    if (!rc)
        rc = s3e_s3_part_copy_result(&s->a.resp, p);
    p->rc = rc;
    m->up.parts_done += rc == S3E_OK;
    if (rc)
        s3e_fu_part_failed(&m->up, rc, &s->a.err);
}

/* The part step (ops->parts): start parts while this copy and the loop have
 * room; after the first failure none more (those in flight end on their own). */
static void pump(void *owner)
{
    struct s3e_mp *m = owner;
    struct s3e_fu *u = &m->up;
    if (u->state != S3E_FU_PARTS)
        return;
    int rc = make_slots(m);
    if (rc && !u->part_rc)
        s3e_fu_part_failed(u, rc, NULL);
    for (int i = 0; i < m->nslots && !u->part_rc && m->next < u->nparts &&
                    s3e_flow_room(u->flow); i++) {
        struct part_slot *s = &m->slots[i];
        if (s->busy)
            continue;
        s->busy = 1;
        s->part = m->next++;
        m->in_flight++;
        s3e_flow_take(u->flow, u->parts[s->part].last - u->parts[s->part].first + 1);
        s->a.ud = u->owner;
        s->a.flow = u->flow;
        s->a.deadline = u->dl;
        s->a.cleanup = 0;
        rc = s3e_s3_part_copy_request(&s->req, s->q, s->number, s->range, u->quoted,
                                      m->source.data, m->spec.dst_bucket, m->spec.dst_key,
                                      u->upload_id, m->spec.src_bucket, &u->parts[s->part],
                                      &m->hdrs);
        if (!rc)
            rc = s3e_client_start(u->c, &s->a, &s->req);
        if (rc)
            part_done(m, s, rc);
    }
    if (m->in_flight == 0 && (u->part_rc || m->next == u->nparts))
        s3e_fu_parts_over(u);
}

/* A part's UploadPartCopy came back (ops->part_done). */
static void part_back(void *self, struct s3e_areq *a, int rc)
{
    part_done(self, (struct part_slot *)a, rc);
}

static const struct s3e_fu_ops mp_ops = { reset, create, step, pump, part_back, verify };

/* ---- the interface ---------------------------------------------------------------- */

int s3e_mp_start(struct s3e_mp **out, struct s3e_run *run, struct s3e_client *c,
                 struct s3e_flow *flow, const struct s3e_job *j,
                 const struct s3e_deadline *dl, void *owner)
{
    struct s3e_mp *m = calloc(1, sizeof *m);
    if (!m)
        return S3E_ENOMEM;
    m->j = j;
    s3e_worker_hdrs(run, j, &m->hdrs);
    s3e_worker_spec(run, j, &m->hdrs, &m->spec);
    s3e_buf_init(&m->source, 0);
    m->up = (struct s3e_fu){ .run = run, .c = c, .flow = flow, .hdrs = &m->hdrs,
                             .spec = &m->spec, .what = "multipart copy",
                             .part_op = "UploadPartCopy", .dl = *dl, .owner = owner,
                             .ops = &mp_ops, .self = m };
    int rc = s3e_fu_init(&m->up);
    if (rc) {
        s3e_mp_free(m);
        return rc;
    }
    *out = m;
    s3e_fu_start(&m->up);
    return S3E_OK;
}

void s3e_mp_on_done(struct s3e_mp *m, struct s3e_areq *a, int rc)
{
    s3e_fu_on_done(&m->up, a, rc);
}

int s3e_mp_poll(struct s3e_mp *m)
{
    const struct s3e_fu *u = &m->up;
    if (u->state != S3E_FU_PARTS)
        return 0;
    pump(m);
    return u->state == S3E_FU_PARTS && m->next < u->nparts && !u->part_rc &&
           !s3e_flow_room(u->flow);
}

int s3e_mp_finished(const struct s3e_mp *m)
{
    return s3e_fu_finished(&m->up);
}

int s3e_mp_result(const struct s3e_mp *m, struct s3e_copy_result *res,
                  const struct s3e_s3_error **err)
{
    int rc = s3e_fu_result(&m->up, res, err);
    res->parts = m->up.nparts;
    return rc;
}

void s3e_mp_free(struct s3e_mp *m)
{
    if (!m)
        return;
    if (m->have_dst)
        s3e_head_free(&m->dst);
    s3e_fu_free(&m->up);
    free_slots(m);
    s3e_buf_free(&m->source);
    free(m);
}
