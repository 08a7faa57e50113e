/* stream_copy.c - one object copied through this machine (stream_copy.h). */
#include "stream_copy.h"
#include "checksum.h"
#include "copy_blocking.h"
#include "put_lines.h"
#include "s3_client.h"
#include "stream_ops.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/part.h"
#include "s3engine/plan.h"
#include "s3engine/verify_rules.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One streamed copy in progress. */
struct stream {
    const struct s3e_copy_spec *s;
    struct s3e_client *src, *dst;
    struct s3e_budget *budget;
    struct s3e_head head;          /* the source's, then what the copy must have */
    int have_head;
    char etag[80];                 /* the source's ETag: If-Match of every GetObject */
    struct s3e_buf tags;
    struct s3e_copy_hdrs hdrs;
    EVP_MD_CTX *md5;               /* of every byte read, in order */
    char md5_hex[33];
    char *upload_id;
    struct s3e_part_copy *parts;
    uint32_t nparts, parts_done;
    uint64_t part_size;
    int tagging_failed;            /* complete, but the tags could not be set */
};

static int check_md5(struct stream *m, struct s3e_copy_result *out, struct s3e_s3_error *err);

void s3e_stream_hex(const unsigned char *d, unsigned n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

int s3e_stream_body_md5(const struct s3e_buf *b, char out[32])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!EVP_Digest(b->data ? b->data : "", b->len, d, &n, EVP_md5(), NULL))
        return S3E_ENOMEM;
    EVP_EncodeBlock((unsigned char *)out, d, (int)n);
    return S3E_OK;
}

int s3e_stream_body_checksum(const char *alg, const struct s3e_buf *b, struct s3e_part_copy *p)
{
    if (!alg)
        return S3E_OK;
    snprintf(p->checksum_name, sizeof p->checksum_name, "%s", alg);
    return s3e_checksum_b64(alg, b->data, b->len, p->checksum);
}

static int note_bytes(struct stream *m, const struct s3e_buf *b)
{
    return EVP_DigestUpdate(m->md5, b->data ? b->data : "", b->len) ? S3E_OK : S3E_ENOMEM;
}

static void finish_md5(struct stream *m)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (EVP_DigestFinal_ex(m->md5, d, &n))
        s3e_stream_hex(d, n, m->md5_hex);
}

static int fail_detail(struct s3e_s3_error *err, int rc, const char *op, const char *detail)
{
    s3e_s3_error_clear(err);
    snprintf(err->operation, sizeof err->operation, "%s", op);
    snprintf(err->detail, sizeof err->detail, "%s", detail);
    return rc;
}

/* HEAD of the source, its tags, and what the copy must have instead (the
 * route's metadata and tags). */
static int read_source(struct stream *m, struct s3e_s3_error *err)
{
    const struct s3e_copy_spec *s = m->s;
    const char *version = s->hdrs ? s->hdrs->version_id : NULL;
    int rc = s3e_s3_head_version(m->src, s->src_bucket, s->src_key, version,
                                 s->hdrs ? s->hdrs->src_ssec : NULL, &m->head, err);
    m->have_head = !rc;
    if (rc)
        return rc;
    snprintf(m->etag, sizeof m->etag, "%s", m->head.etag);
    if (s->src_etag && *s->src_etag && strcmp(s->src_etag, m->etag) != 0)
        return s3e_copy_changed_error(err, "HeadObject", s->src_etag, m->etag);
    if (m->head.size > S3E_MAX_OBJECT_SIZE)
        return fail_detail(err, S3E_ELIMIT, "HeadObject", "object is larger than S3's 5 TiB limit");
    if (m->head.tag_count > 0 && !s3e_put_replaces_tags(s->put))
        rc = s3e_s3_get_tagging(m->src, s->src_bucket, s->src_key, version, &m->tags, err);
    if (!rc)
        rc = s3e_put_apply(s->put, &m->head, &m->tags);
    m->hdrs.if_match = m->etag; /* every byte from this one version */
    return rc;
}

static struct s3e_put_opts put_opts(const struct stream *m)
{
    return (struct s3e_put_opts){ m->s->storage_class, &m->head,
                                  m->tags.len ? m->tags.data : NULL, 0, &m->hdrs, NULL };
}

static int take(struct stream *m, uint64_t n, uint64_t *taken, struct s3e_s3_error *err)
{
    *taken = 0;
    if (!m->budget)
        return S3E_OK;
    int rc = s3e_budget_take(m->budget, n, s3e_client_config(m->src)->cancel, taken);
    return rc ? fail_detail(err, rc, "GetObject", "interrupted") : S3E_OK;
}

static void give(struct stream *m, uint64_t taken)
{
    if (m->budget && taken)
        s3e_budget_give(m->budget, taken);
}

/* Up to one part: GetObject, then PutObject with its MD5. */
static int stream_single(struct stream *m, struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    const struct s3e_copy_spec *s = m->s;
    uint64_t size = m->head.size, taken;
    /* an empty object is read without a range (first > last: none) */
    struct s3e_part_copy part;
    memset(&part, 0, sizeof part);
    part.part_number = 1;
    part.first = size ? 0 : 1;
    part.last = size ? size - 1 : 0;
    struct s3e_buf body;
    s3e_buf_init(&body, 0);
    char md5[32];
    int rc = take(m, size, &taken, err);
    if (!rc)
        rc = s3e_stream_get_ranges(m->src, s->src_bucket, s->src_key, &m->hdrs, &part, &body, 1,
                                   1, err);
    if (!rc)
        rc = note_bytes(m, &body);
    if (!rc)
        rc = check_md5(m, out, err); /* before anything is written */
    if (!rc)
        rc = s3e_stream_body_md5(&body, md5);
    if (!rc)
        rc = s3e_stream_body_checksum(m->hdrs.checksum_algorithm, &body, &part);
    struct s3e_put_opts o = put_opts(m);
    if (!rc)
        rc = s3e_stream_put_object(m->dst, s->dst_bucket, s->dst_key, &o, &body, md5, &part,
                                   out->etag, err);
    s3e_buf_free(&body);
    give(m, taken);
    return rc;
}


/* Parts [first, first + n): read, hashed in order, uploaded; their memory
 * is taken from the budget first and given back after. */
static int stream_batch(struct stream *m, uint32_t first, uint32_t n, struct s3e_buf *bodies,
                        char (*md5)[32], struct s3e_s3_error *err)
{
    const struct s3e_copy_spec *s = m->s;
    struct s3e_part_copy *p = m->parts + first;
    uint64_t bytes = 0, taken;
    for (uint32_t i = 0; i < n; i++)
        bytes += p[i].last - p[i].first + 1;
    int rc = take(m, bytes, &taken, err);
    if (!rc)
        rc = s3e_stream_get_ranges(m->src, s->src_bucket, s->src_key, &m->hdrs, p, bodies, n,
                                   (int)n, err);
    for (uint32_t i = 0; i < n && !rc; i++) {
        rc = note_bytes(m, &bodies[i]);
        if (!rc)
            rc = s3e_stream_body_md5(&bodies[i], md5[i]);
        if (!rc)
            rc = s3e_stream_body_checksum(m->hdrs.checksum_algorithm, &bodies[i], &p[i]);
    }
    if (!rc)
        rc = s3e_stream_upload_parts(m->dst, s->dst_bucket, s->dst_key, m->upload_id, &m->hdrs,
                                     p, bodies, md5, n, (int)n, err);
    for (uint32_t i = 0; i < n; i++) {
        m->parts_done += !rc;
        s3e_buf_free(&bodies[i]);
        s3e_buf_init(&bodies[i], 0);
    }
    give(m, taken);
    return rc;
}

/* Create, every part in batches, complete, the tags set again (not every
 * server honours them on create); abort on any failure after create. */
static int stream_multipart(struct stream *m, struct s3e_copy_result *out,
                            struct s3e_s3_error *err)
{
    const struct s3e_copy_spec *s = m->s;
    uint32_t batch = (uint32_t)(s->part_concurrency ? s->part_concurrency
                                                    : S3E_DEFAULT_PART_CONCURRENCY);
    struct s3e_buf *bodies = calloc(batch, sizeof *bodies);
    char (*md5)[32] = calloc(batch, sizeof *md5);
    int rc = bodies && md5 ? s3e_copy_cut_parts(m->head.size, s->part_size, &m->parts,
                                                &m->nparts, &m->part_size)
                           : S3E_ENOMEM;
    struct s3e_put_opts o = put_opts(m);
    int64_t started = (int64_t)time(NULL);
    if (!rc) {
        rc = s3e_s3_create_multipart(m->dst, s->dst_bucket, s->dst_key, &o, &m->upload_id, err);
        s3e_copy_abort_orphans(m->dst, s, started, rc ? NULL : m->upload_id);
    }
    /* no more parts at once than the run's budget holds (one at least) */
    uint64_t room = m->budget ? s3e_budget_total(m->budget) / m->part_size : batch;
    if (!rc && room < batch)
        batch = room ? (uint32_t)room : 1;
    for (uint32_t i = 0; i < m->nparts && !rc; i += batch)
        rc = stream_batch(m, i, m->nparts - i < batch ? m->nparts - i : batch, bodies, md5, err);
    if (!rc)
        rc = check_md5(m, out, err); /* before the upload becomes an object */
    if (!rc)
        rc = s3e_s3_complete_multipart(m->dst, s->dst_bucket, s->dst_key, m->upload_id, m->parts,
                                       m->nparts, &m->hdrs, out->etag, err);
    if (rc && m->upload_id) {
        s3e_debug("streamed copy of %s/%s failed after %u/%u parts; aborting upload",
                  s->src_bucket, s->src_key, m->parts_done, m->nparts);
        s3e_copy_abort_upload(m->dst, s, m->upload_id);
    } else if (!rc && m->tags.len) {
        rc = s3e_s3_put_tagging(m->dst, s->dst_bucket, s->dst_key, m->tags.data, err);
        m->tagging_failed = rc != S3E_OK; /* not the copy without its tags: deleted */
    }
    free(bodies);
    free(md5);
    return rc;
}

/* Every byte read (all of them by now) against the source's ETag, where
 * that is their MD5. */
static int check_md5(struct stream *m, struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    finish_md5(m);
    return s3e_stream_md5_check(m->md5_hex, m->etag, &m->head, out, err);
}

int s3e_stream_md5_check(const char *md5_hex, const char *etag, const struct s3e_head *head,
                         struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    out->compared = S3E_CMP_SIZE;
    if (!s3e_etag_is_md5(etag, head->sse, head->ssec))
        return S3E_OK;
    if (strcmp(md5_hex, etag) != 0) {
        char why[256];
        snprintf(why, sizeof why, "the bytes read have MD5 %s, the source's ETag is %s",
                 md5_hex, etag);
        return fail_detail(err, S3E_EVERIFY, "Verify", why);
    }
    out->compared |= S3E_CMP_ETAG;
    return S3E_OK;
}

/* The copy's HEAD against what it must be. */
static int check_copy(struct stream *m, struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    const struct s3e_copy_spec *s = m->s;
    struct s3e_head h;
    int rc = s3e_s3_head_ssec(m->dst, s->dst_bucket, s->dst_key, m->hdrs.dst_ssec, &h, err);
    if (rc)
        return rc;
    rc = s3e_stream_judge(&m->head, &h, &m->hdrs, !m->upload_id, m->md5_hex, out, err);
    s3e_head_free(&h);
    return rc;
}

int s3e_stream_judge(const struct s3e_head *want, const struct s3e_head *h,
                     const struct s3e_copy_hdrs *hdrs, int single, const char *md5_hex,
                     struct s3e_copy_result *out, struct s3e_s3_error *err)
{
    if (!out->etag[0])
        snprintf(out->etag, sizeof out->etag, "%s", h->etag); /* radosgw's Complete omits it */
    const char *what = s3e_head_mismatch(want, h);
    if (!what && hdrs->sse && strcmp(hdrs->sse, h->sse) != 0)
        what = "encryption";
    if (!what && hdrs->dst_ssec && !h->ssec)
        what = "encryption (SSE-C)";
    if (!what && single && s3e_etag_is_md5(h->etag, h->sse, h->ssec) &&
        strcmp(h->etag, md5_hex) != 0)
        what = "ETag";
    struct s3e_side a = { want->size, NULL, NULL, 0, want->checksum_name, want->checksum };
    struct s3e_side b = { h->size, NULL, NULL, 0, h->checksum_name, h->checksum };
    if (!what && s3e_checksums_comparable(&a, &b)) { /* S3's whole-object checksums */
        out->compared |= S3E_CMP_CHECKSUM;
        if (strcmp(want->checksum, h->checksum) != 0)
            what = "checksum";
    }
    if (!what)
        return S3E_OK;
    char why[256];
    snprintf(why, sizeof why, "the copy's %s differs from the source's", what);
    return fail_detail(err, S3E_EVERIFY, "Verify", why);
}

int s3e_stream_object(struct s3e_client *src, struct s3e_client *dst, struct s3e_budget *budget,
                      const struct s3e_copy_spec *spec, struct s3e_copy_result *out,
                      struct s3e_s3_error *err)
{
    memset(out, 0, sizeof *out);
    struct stream m;
    memset(&m, 0, sizeof m);
    m.s = spec;
    m.src = src;
    m.dst = dst;
    m.budget = budget;
    if (spec->hdrs)
        m.hdrs = *spec->hdrs;
    s3e_buf_init(&m.tags, 64 << 10);
    m.md5 = EVP_MD_CTX_new();
    int rc = m.md5 && EVP_DigestInit_ex(m.md5, EVP_md5(), NULL) ? S3E_OK : S3E_ENOMEM;
    if (!rc)
        rc = read_source(&m, err);
    uint64_t size = m.head.size;
    uint64_t cutoff = spec->multipart_cutoff ? spec->multipart_cutoff
                                             : S3E_DEFAULT_MULTIPART_CUTOFF;
    if (!rc && size > 0)
        rc = s3e_part_plan(size, spec->part_size, &m.part_size, &m.nparts);
    /* one PutObject holds the whole object: not above one part */
    int single = size == 0 || (size <= cutoff && size <= m.part_size && !spec->force_multipart);
    if (!rc) {
        out->multipart = !single;
        rc = single ? stream_single(&m, out, err) : stream_multipart(&m, out, err);
        out->parts = single ? 0 : m.nparts;
    }
    int written = !rc;
    if (!rc) {
        out->bytes = size;
        if (spec->verify)
            rc = check_copy(&m, out, err);
        out->verified = !rc && spec->verify;
    }
    if ((written && rc == S3E_EVERIFY) || m.tagging_failed)
        s3e_s3_delete_object(dst, spec->dst_bucket, spec->dst_key, NULL); /* never a bad copy */
    if (rc)
        out->compared = 0;
    EVP_MD_CTX_free(m.md5);
    free(m.parts);
    free(m.upload_id);
    if (m.have_head)
        s3e_head_free(&m.head);
    s3e_buf_free(&m.tags);
    return rc;
}
