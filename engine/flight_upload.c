/* flight_upload.c - the one upload lifecycle of the loop's multipart and
 * streamed copies (see flight_upload.h). */
#include "flight_upload.h"
#include "put_lines.h"
#include "s3_ops.h"
#include "worker.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/s3xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the search for uploads a lost create answer made ---------------------------- */

static void end_listing(struct s3e_fu_search *s)
{
    if (s->listing)
        s3e_uploads_list_free(&s->uploads);
    s->listing = 0;
}

static const char *orphan(struct s3e_fu_search *s)
{
    if (s->next < s->orphans.n)
        return s->orphans.ids[s->next];
    for (size_t i = 0; i < s->orphans.n; i++)
        free(s->orphans.ids[i]);
    s->orphans.n = s->next = 0;
    return NULL;
}

static void search_free(struct s3e_fu_search *s)
{
    s->next = s->orphans.n; /* none left to abort: orphan() frees them */
    orphan(s);
    end_listing(s);
}

/* Always looked for, not only after a retry: libcurl itself resends a
 * request whose reused connection died, unseen by our counters. */
static int created(int rc, const struct s3e_areq *a, char **upload_id, struct s3e_fu_search *s,
                   int64_t started, struct s3e_req *r, const char *bucket, const char *key)
{
    if (!rc && s3e_xml_parse_initiate(a->resp.body.data, a->resp.body.len, upload_id))
        rc = S3E_EPARSE;
    search_free(s);
    s->orphans = (struct s3e_orphans){ .key = key, .keep = rc ? NULL : *upload_id,
                                       .since = started - S3E_ORPHAN_SKEW_S };
    s->next = 0;
    s3e_uploads_list_init(&s->uploads, bucket, key, s3e_orphans_collect, &s->orphans);
    s->listing = 1;
    s3e_uploads_list_request(&s->uploads, r);
    return rc;
}

/* A page of the key's uploads: the next page (a key may have many uploads
 * begun in these minutes, by other clients too), then the aborts. */
static int listed(struct s3e_fu_search *s, int rc, struct s3e_areq *a, struct s3e_req *r,
                  const char *bucket, const char *key)
{
    int more = 0;
    if (!rc)
        rc = s3e_uploads_list_page(&s->uploads, &a->resp, &more, &a->err);
    if (!rc && more && s->orphans.n < S3E_ORPHANS_MAX) {
        s3e_uploads_list_request(&s->uploads, r);
        return 1;
    }
    if (rc)
        s3e_warn("s3://%s/%s: could not look for an upload a lost answer may have left: %s "
                 "(s3engine uploads --abort finds it)", bucket, key,
                 a->err.code[0] ? a->err.code : a->err.detail);
    s3e_debug("s3://%s/%s: %u page(s) of uploads read, %zu made by a lost answer", bucket, key,
              s->uploads.pages, s->orphans.n);
    end_listing(s);
    return 0;
}

static int abort_again(int rc, const struct s3e_areq *a, int *tries, struct s3e_open_uploads *u,
                       const struct s3e_config *via, const char *bucket, const char *key,
                       const char *id)
{
    rc = s3e_s3_abort_result(rc, &a->err);
    if (rc && ++*tries < 2) /* as s3e_abort_upload: twice */
        return 1;
    if (rc)
        s3e_open_uploads_keep_via(u, via, bucket, key, id, &a->err);
    *tries = 0;
    return 0;
}

/* ---- the machine ---------------------------------------------------------------- */

static void step(struct s3e_fu *u, int rc);
static void start_try(struct s3e_fu *u);

/* Send u->req (built with rc) as the request of state s; one that cannot
 * start is done at once. */
static void send_as(struct s3e_fu *u, enum s3e_fu_state s, int rc, const struct s3e_config *via)
{
    u->state = s;
    u->req.via = via;
    u->req.wait_bytes = u->flow ? u->flow->part_bytes : 0; /* queued behind part copies */
    u->a.ud = u->owner;
    u->a.deadline = u->dl;
    u->a.cleanup = s == S3E_FU_ABORT || s == S3E_FU_ORPHANS || s == S3E_FU_ORPHAN_ABORT;
    if (!rc)
        rc = s3e_client_start(u->c, &u->a, &u->req);
    if (rc) { /* not sent: built wrong, or no room to start it */
        s3e_s3_error_clear(&u->a.err);
        s3e_s3_error_name_op(&u->a.err, u->req.op ? u->req.op : "request");
        step(u, rc);
    }
}

void s3e_fu_send(struct s3e_fu *u, int rc, const struct s3e_config *via)
{
    send_as(u, S3E_FU_OWNER, rc, via);
}

static void free_parts(struct s3e_fu *u)
{
    free(u->parts);
    u->parts = NULL;
    u->nparts = u->parts_done = 0;
}

/* A new try: what the last one made is forgotten (its upload ended). */
static void reset(struct s3e_fu *u)
{
    if (u->have_head)
        s3e_head_free(&u->head);
    u->have_head = 0;
    search_free(&u->search);
    free(u->upload_id);
    u->upload_id = NULL;
    free_parts(u);
    s3e_buf_reset(&u->tags);
    u->part_rc = u->have_part_err = u->create_rc = u->abort_tries = 0;
    u->written = u->tags_failed = 0;
    u->written_version[0] = '\0';
    u->state = S3E_FU_OWNER;
    u->rc = S3E_OK;
    s3e_s3_error_clear(&u->err);
    memset(&u->res, 0, sizeof u->res);
}

int s3e_fu_init(struct s3e_fu *u)
{
    const char *planned = u->spec->src_etag;
    snprintf(u->planned, sizeof u->planned, "%s", planned ? planned : "");
    s3e_buf_init(&u->tags, 64 << 10);
    s3e_buf_init(&u->buf, 0);
    u->state = S3E_FU_OWNER;
    return s3e_areq_init(&u->a);
}

void s3e_fu_free(struct s3e_fu *u)
{
    if (u->have_head)
        s3e_head_free(&u->head);
    search_free(&u->search);
    free(u->upload_id);
    free_parts(u);
    s3e_areq_free(&u->a);
    s3e_buf_free(&u->tags);
    s3e_buf_free(&u->buf);
}

/* ---- the source ----------------------------------------------------------------- */

static void start_try(struct s3e_fu *u)
{
    const struct s3e_copy_spec *sp = u->spec;
    reset(u);
    if (u->ops->reset(u->self)) {
        s3e_fu_fail_detail(u, S3E_ENOMEM, "HeadObject", "out of memory");
        return;
    }
    int rc = s3e_s3_head_version_request(&u->req, &u->q[0], sp->src_bucket, sp->src_key,
                                         u->hdrs->version_id, u->hdrs->src_ssec);
    send_as(u, S3E_FU_HEAD, rc, u->src_via);
}

void s3e_fu_start(struct s3e_fu *u)
{
    start_try(u);
}

/* The source's HEAD showed etag: S3E_OK, or the 412-like failure in u->err
 * when it is not the planned one (the first HEAD after a change plans the
 * new one). */
static int source_is(struct s3e_fu *u, const char *etag)
{
    const struct s3e_copy_spec *sp = u->spec;
    if (u->relooked && u->tries == 0 && u->planned[0] && strcmp(u->planned, etag) != 0) {
        s3e_info("s3://%s/%s changed since it was listed (ETag %s, now %s); copying it again",
                 sp->src_bucket, sp->src_key, u->planned, etag);
        snprintf(u->planned, sizeof u->planned, "%s", etag);
    } else if (u->planned[0] && strcmp(u->planned, etag) != 0) {
        return s3e_copy_changed_error(&u->err, "HeadObject", u->planned, etag);
    }
    return S3E_OK;
}

static void after_head(struct s3e_fu *u, int rc)
{
    const struct s3e_copy_spec *sp = u->spec;
    rc = s3e_s3_head_result(rc, &u->a.resp, &u->head, &u->a.err);
    if (rc) {
        s3e_fu_fail(u, rc, &u->a.err);
        return;
    }
    u->have_head = 1;
    snprintf(u->etag, sizeof u->etag, "%s", u->head.etag);
    u->hdrs->if_match = u->etag; /* every byte, every part from this one version */
    rc = source_is(u, u->etag);
    if (rc) {
        s3e_fu_fail(u, rc, NULL);
        return;
    }
    if (u->head.size > S3E_MAX_OBJECT_SIZE) {
        s3e_fu_fail_detail(u, S3E_ELIMIT, "HeadObject", "object is larger than S3's 5 TiB limit");
        return;
    }
    /* Neither an upload nor a PutObject carries the source's tags: read them. */
    if (u->head.tag_count > 0 && !s3e_put_replaces_tags(sp->put)) {
        s3e_s3_get_tagging_request(&u->req, u->q, sp->src_bucket, sp->src_key,
                                   u->hdrs->version_id);
        send_as(u, S3E_FU_TAGS, S3E_OK, u->src_via);
        return;
    }
    u->state = S3E_FU_OWNER;
    u->ops->plan(u->self);
}

static void after_tags(struct s3e_fu *u, int rc)
{
    if (!rc)
        rc = s3e_xml_parse_tagging(u->a.resp.body.data, u->a.resp.body.len, &u->tags);
    if (rc) {
        s3e_fu_fail(u, rc, &u->a.err);
        return;
    }
    u->state = S3E_FU_OWNER;
    u->ops->plan(u->self);
}

/* ---- the end of one try, and of the copy ------------------------------------- */

/* A try is over: done, tried again from the start (a retryable failure or
 * one that did not verify), copied once more as it is now when the source
 * changed, or failed. */
static void settle(struct s3e_fu *u)
{
    int rc = u->rc;
    if (rc)
        u->res.compared = 0;
    /* after a 412 the try starts with the source's HEAD: the look-up */
    if (s3e_worker_next_try(u->spec, rc, &u->err, &u->tries, &u->relooked,
                            s3e_run_stopping(u->run)) != S3E_TRY_OVER)
        start_try(u);
    else
        u->state = S3E_FU_FINISHED;
}

static void abort_upload(struct s3e_fu *u)
{
    const struct s3e_copy_spec *sp = u->spec;
    s3e_s3_abort_request(&u->req, &u->q[0], sp->dst_bucket, sp->dst_key, u->upload_id);
    send_as(u, S3E_FU_ABORT, S3E_OK, u->via);
}

/* The rule of flight_upload.h: a copy this try wrote that is not the one
 * asked for. */
static int wrong_copy(const struct s3e_fu *u, int rc)
{
    return u->written &&
           (rc == S3E_EVERIFY || u->tags_failed || s3e_copy_source_changed(&u->err));
}

void s3e_fu_fail(struct s3e_fu *u, int rc, const struct s3e_s3_error *err)
{
    const struct s3e_copy_spec *sp = u->spec;
    if (err && err != &u->err)
        u->err = *err;
    u->rc = rc;
    if (u->upload_id) {
        s3e_debug("%s of %s/%s failed after %u/%u parts; aborting upload", u->what,
                  sp->src_bucket, sp->src_key, u->parts_done, u->nparts);
        u->abort_tries = 0;
        abort_upload(u);
        return;
    }
    if (wrong_copy(u, rc)) {
        if (!u->tags_failed)
            s3e_s3_error_name_op(&u->err, "Verify");
        s3e_s3_delete_version_request(&u->req, &u->q[0], sp->dst_bucket, sp->dst_key,
                                      u->written_version);
        send_as(u, S3E_FU_DELETE_BAD, S3E_OK, u->via);
        return;
    }
    settle(u);
}

void s3e_fu_fail_detail(struct s3e_fu *u, int rc, const char *op, const char *detail)
{
    s3e_s3_error_clear(&u->err);
    s3e_s3_error_name_op(&u->err, op);
    snprintf(u->err.detail, sizeof u->err.detail, "%s", detail);
    s3e_fu_fail(u, rc, NULL);
}

void s3e_fu_succeed(struct s3e_fu *u)
{
    u->rc = S3E_OK;
    u->state = S3E_FU_FINISHED;
}

/* ---- the upload ------------------------------------------------------------------ */

void s3e_fu_create(struct s3e_fu *u, uint64_t size, const struct s3e_put_opts *o)
{
    const struct s3e_copy_spec *sp = u->spec;
    int rc = s3e_copy_cut_parts(size, sp->part_size, &u->parts, &u->nparts, &u->part_size);
    if (rc) {
        s3e_fu_fail_detail(u, rc, "CreateMultipartUpload", "out of memory");
        return;
    }
    s3e_buf_reset(&u->buf);
    rc = s3e_s3_create_request(&u->req, &u->q[0], &u->buf, u->offsets, u->quoted, sp->dst_bucket,
                               sp->dst_key, o);
    u->create_started = (int64_t)time(NULL);
    send_as(u, S3E_FU_CREATE, rc, u->via);
}

static void next_orphan(struct s3e_fu *u)
{
    const struct s3e_copy_spec *sp = u->spec;
    const char *id = orphan(&u->search);
    if (id) {
        s3e_debug("s3://%s/%s: aborting upload %s, made by an attempt whose answer was lost",
                  sp->dst_bucket, sp->dst_key, id);
        s3e_s3_abort_request(&u->req, &u->q[0], sp->dst_bucket, sp->dst_key, id);
        send_as(u, S3E_FU_ORPHAN_ABORT, S3E_OK, u->via);
        return;
    }
    if (u->create_rc) {
        s3e_fu_fail(u, u->create_rc, NULL); /* u->err holds the create's failure */
        return;
    }
    u->state = S3E_FU_PARTS;
    u->ops->parts(u->self);
}

static void after_create(struct s3e_fu *u, int rc)
{
    const struct s3e_copy_spec *sp = u->spec;
    u->create_rc = created(rc, &u->a, &u->upload_id, &u->search, u->create_started, &u->req,
                           sp->dst_bucket, sp->dst_key);
    if (u->create_rc)
        u->err = u->a.err;
    send_as(u, S3E_FU_ORPHANS, S3E_OK, u->via);
}

static void after_orphans(struct s3e_fu *u, int rc)
{
    const struct s3e_copy_spec *sp = u->spec;
    if (listed(&u->search, rc, &u->a, &u->req, sp->dst_bucket, sp->dst_key))
        send_as(u, S3E_FU_ORPHANS, S3E_OK, u->via);
    else
        next_orphan(u);
}

/* An abort (of ours, or of a lost answer's upload) came back: 1 when it goes once more. */
static int abort_more(struct s3e_fu *u, int rc, const char *id)
{
    const struct s3e_copy_spec *sp = u->spec;
    return abort_again(rc, &u->a, &u->abort_tries, sp->open_uploads, u->via, sp->dst_bucket,
                       sp->dst_key, id);
}

static void after_orphan_abort(struct s3e_fu *u, int rc)
{
    if (abort_more(u, rc, orphan(&u->search))) {
        send_as(u, S3E_FU_ORPHAN_ABORT, S3E_OK, u->via);
        return;
    }
    u->search.next++;
    next_orphan(u);
}

static void after_abort(struct s3e_fu *u, int rc)
{
    if (abort_more(u, rc, u->upload_id)) {
        abort_upload(u);
        return;
    }
    free(u->upload_id);
    u->upload_id = NULL;
    settle(u);
}

int s3e_fu_slots_new(const struct s3e_fu *u, size_t size, void **slots, int *n)
{
    int want = u->spec->part_concurrency > 0 ? u->spec->part_concurrency
                                             : S3E_DEFAULT_PART_CONCURRENCY;
    if ((uint32_t)want > u->nparts)
        want = (int)u->nparts;
    char *s = calloc((size_t)want, size);
    *slots = s;
    *n = 0;
    if (!s)
        return S3E_ENOMEM;
    for (int i = 0; i < want; i++) {
        int rc = s3e_areq_init((struct s3e_areq *)(s + (size_t)i * size));
        if (rc)
            return rc;
        *n = i + 1;
    }
    return S3E_OK;
}

void s3e_fu_slots_free(void *slots, size_t size, int n)
{
    for (int i = 0; i < n; i++)
        s3e_areq_free((struct s3e_areq *)((char *)slots + (size_t)i * size));
    free(slots);
}

void s3e_fu_part_failed(struct s3e_fu *u, int rc, const struct s3e_s3_error *err)
{
    if (!u->part_rc)
        u->part_rc = rc;
    if (rc != S3E_ECANCELED && !u->have_part_err) {
        if (err)
            u->part_err = *err;
        else
            s3e_s3_error_clear(&u->part_err);
        s3e_s3_error_name_op(&u->part_err, u->part_op);
        u->have_part_err = 1;
    }
}

void s3e_fu_parts_over(struct s3e_fu *u)
{
    if (u->part_rc) {
        if (!u->have_part_err) { /* every part stopped by a signal */
            s3e_s3_error_clear(&u->part_err);
            s3e_s3_error_name_op(&u->part_err, u->part_op);
            snprintf(u->part_err.detail, sizeof u->part_err.detail, "interrupted");
        }
        s3e_fu_fail(u, u->part_rc, &u->part_err);
        return;
    }
    const struct s3e_copy_spec *sp = u->spec;
    s3e_buf_reset(&u->buf);
    int rc = s3e_s3_complete_request(&u->req, &u->q[0], &u->buf, u->quoted, sp->dst_bucket,
                                     sp->dst_key, u->upload_id, u->parts, u->nparts, u->hdrs);
    send_as(u, S3E_FU_COMPLETE, rc, u->via);
}

static void verify(struct s3e_fu *u)
{
    u->state = S3E_FU_OWNER;
    u->ops->verify(u->self);
}

/* The answer in u->a wrote the destination: its version, to delete no other. */
static void wrote(struct s3e_fu *u)
{
    u->written = 1;
    if (!s3e_resp_header(&u->a.resp, "x-amz-version-id", u->written_version,
                         sizeof u->written_version))
        u->written_version[0] = '\0';
}

void s3e_fu_written(struct s3e_fu *u)
{
    wrote(u);
    verify(u);
}

static void after_complete(struct s3e_fu *u, int rc)
{
    if (!rc && s3e_xml_parse_complete(u->a.resp.body.data, u->a.resp.body.len, u->res.etag))
        rc = S3E_EPARSE;
    if (rc) {
        s3e_fu_fail(u, rc, &u->a.err);
        return;
    }
    free(u->upload_id);
    u->upload_id = NULL;
    wrote(u);
    /* Set the tags again: not every server honours them on create. */
    if (u->tags.len) {
        const struct s3e_copy_spec *sp = u->spec;
        s3e_buf_reset(&u->buf);
        rc = s3e_s3_put_tagging_request(&u->req, &u->q[0], &u->buf, u->md5, sp->dst_bucket,
                                        sp->dst_key, u->tags.data);
        send_as(u, S3E_FU_PUT_TAGS, rc, u->via);
        return;
    }
    verify(u);
}

/* The request of the current state came back with rc. */
static void step(struct s3e_fu *u, int rc)
{
    switch (u->state) {
    case S3E_FU_HEAD:
        after_head(u, rc);
        break;
    case S3E_FU_TAGS:
        after_tags(u, rc);
        break;
    case S3E_FU_OWNER:
        u->ops->step(u->self, rc);
        break;
    case S3E_FU_CREATE:
        after_create(u, rc);
        break;
    case S3E_FU_ORPHANS:
        after_orphans(u, rc);
        break;
    case S3E_FU_ORPHAN_ABORT:
        after_orphan_abort(u, rc);
        break;
    case S3E_FU_COMPLETE:
        after_complete(u, rc);
        break;
    case S3E_FU_PUT_TAGS:
        u->tags_failed = rc != S3E_OK; /* an object without its tags is not the copy */
        if (rc)
            s3e_fu_fail(u, rc, &u->a.err);
        else
            verify(u);
        break;
    case S3E_FU_ABORT:
        after_abort(u, rc);
        break;
    case S3E_FU_DELETE_BAD:
        settle(u); /* the failure stays the one that made the delete */
        break;
    case S3E_FU_PARTS:
    case S3E_FU_FINISHED:
        break;
    }
}

void s3e_fu_on_done(struct s3e_fu *u, struct s3e_areq *a, int rc)
{
    if (a == &u->a) {
        step(u, rc);
        return;
    }
    u->ops->part_done(u->self, a, rc);
    u->ops->parts(u->self);
}

int s3e_fu_finished(const struct s3e_fu *u)
{
    return u->state == S3E_FU_FINISHED;
}

int s3e_fu_result(const struct s3e_fu *u, struct s3e_copy_result *res,
                  const struct s3e_s3_error **err)
{
    *res = u->res;
    *err = &u->err;
    return u->rc;
}
