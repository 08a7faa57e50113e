/* flight_upload.h - the one upload lifecycle of the copies on the workers'
 * event loop (flight_upload.c): the destination's side, shared by the
 * multipart copy (flight_multipart.c: its parts copied server-side,
 * UploadPartCopy) and the streamed copy (flight_stream.c: its parts read and
 * uploaded, GetObject + UploadPart, or one GetObject + PutObject). Internal.
 *
 *   HEAD of the source (the planned ETag?) -> GetObjectTagging (tags to
 *   carry) -> the copy's plan: the copy's one PutObject (streamed), or
 *   CreateMultipartUpload -> ListMultipartUploads (uploads a lost create
 *   answer made are aborted) -> the copy's parts (its part step) ->
 *   CompleteMultipartUpload -> PutObjectTagging -> the copy's verification
 *
 * and the tries around it: a failure aborts the upload (an abort is tried
 * twice, then kept in open_uploads.c for the end of the run), deletes a
 * wrong copy (the rule below), and the copy is made again from the start
 * (S3E_OBJECT_TRIES, for a retryable failure or one that did not verify),
 * or, once, from the source as it is now when it changed since it was
 * listed (412, or another ETag).
 *
 * When a finished destination is deleted: only an object this try wrote
 * (its CompleteMultipartUpload or PutObject answered; nothing else at the
 * key is ever deleted, not an earlier copy, not what another writer put: on
 * a versioned bucket the delete names the version written, so the object
 * that was there before is current again, without a delete marker),
 * and only when it is not the copy asked for: it did not verify
 * (S3E_EVERIFY), its tags could not be set, or its source changed while it
 * was copied (parts from two versions: radosgw 16 ignores the parts'
 * if-match). Any other failure after the write (its verifying HEAD could not
 * be sent) leaves it, reported failed: a rerun checks it with HEADs. */
#ifndef S3E_FLIGHT_UPLOAD_H
#define S3E_FLIGHT_UPLOAD_H

#include "open_uploads.h"
#include "run.h"
#include "flow.h"
#include "s3_async.h"
#include "uploads_list.h"
#include "s3engine/copy.h"

struct s3e_put_opts;

/* The search after one create: the uploads found, the listing that finds
 * them, the next one to abort. */
struct s3e_fu_search {
    struct s3e_orphans orphans;
    struct s3e_uploads_list uploads;
    int listing;                /* uploads is initialised */
    size_t next;                /* orphans.ids[next] is the one being aborted */
};

/* What the copy holding the upload does; each is called with its `self`. */
struct s3e_fu_ops {
    int  (*reset)(void *self);          /* a try starts: forget the last one's (S3E_OK or
                                           S3E_ENOMEM) */
    void (*plan)(void *self);           /* the source is read (head, tags): s3e_fu_create,
                                           or the copy's own requests */
    void (*step)(void *self, int rc);   /* its own request (s3e_fu_send) came back */
    void (*parts)(void *self);          /* the part step: the upload exists, start or go
                                           on with parts; s3e_fu_parts_over once over */
    void (*part_done)(void *self, struct s3e_areq *a, int rc); /* a part's request came
                                           back (then the part step again) */
    void (*verify)(void *self);         /* the copy is written (and tagged): check it, then
                                           s3e_fu_succeed or s3e_fu_fail */
};

enum s3e_fu_state {
    S3E_FU_HEAD,         /* HEAD of the source */
    S3E_FU_TAGS,         /* GetObjectTagging of the source */
    S3E_FU_OWNER,        /* the copy's own request in flight, or its own wait */
    S3E_FU_CREATE,       /* CreateMultipartUpload */
    S3E_FU_ORPHANS,      /* ListMultipartUploads: uploads a lost answer made */
    S3E_FU_ORPHAN_ABORT, /* AbortMultipartUpload of one of those */
    S3E_FU_PARTS,        /* the owner's parts */
    S3E_FU_COMPLETE,     /* CompleteMultipartUpload */
    S3E_FU_PUT_TAGS,     /* PutObjectTagging of the copy */
    S3E_FU_ABORT,        /* AbortMultipartUpload after a failure */
    S3E_FU_DELETE_BAD,   /* DeleteObject of a copy that is not the one asked for */
    S3E_FU_FINISHED,
};

struct s3e_fu {
    /* set by the owner before s3e_fu_init's use */
    struct s3e_run *run;
    struct s3e_client *c;               /* the loop's */
    struct s3e_flow *flow;              /* part copies in flight (their wait), or NULL */
    const struct s3e_config *src_via;   /* the source's connection, or NULL */
    const struct s3e_config *via;       /* the target's connection, or NULL */
    struct s3e_copy_hdrs *hdrs;         /* the copy's: its if_match set to etag */
    const struct s3e_copy_spec *spec;   /* the owner's: buckets, keys, open_uploads */
    const char *what;                   /* "multipart copy", "streamed copy" */
    const char *part_op;                /* the operation parts stopped by a signal name */
    struct s3e_deadline dl;
    void *owner;                        /* every request's a.ud (how the loop finds it) */
    const struct s3e_fu_ops *ops;
    void *self;                         /* the ops' argument: the copy holding this */
    /* one try */
    enum s3e_fu_state state;
    int tries;                          /* tries from the start so far, beyond the first */
    int relooked;                       /* copying the source as it is now, once */
    char planned[80];                   /* the source's ETag the copy must be of ("" any) */
    struct s3e_head head;               /* the source's, with the route's metadata, tags */
    int have_head;
    char etag[80];                      /* the source's ETag as its HEAD showed it */
    struct s3e_buf tags;                /* URL-encoded tags the copy gets */
    struct s3e_part_copy *parts;        /* the multipart upload's, cut by s3e_fu_create */
    uint32_t nparts, parts_done;
    uint64_t part_size;
    int part_rc;                        /* the first part's failure */
    struct s3e_s3_error part_err;
    int have_part_err;                  /* part_err is a failure other than a cancel */
    char *upload_id;
    int64_t create_started;             /* epoch seconds */
    int create_rc;
    struct s3e_fu_search search;
    int abort_tries;
    int written;                        /* this try wrote the destination */
    char written_version[128];          /* the versionId it got ("" unversioned) */
    int tags_failed;                    /* and could not set its tags */
    /* the one request in flight outside the parts, and what it points to */
    struct s3e_areq a;
    struct s3e_req req;
    struct s3e_query_param q[4];
    struct s3e_buf buf;
    size_t offsets[S3E_MAX_REQ_HEADERS];
    char quoted[84], md5[64];
    /* the outcome */
    int rc;
    struct s3e_s3_error err;
    struct s3e_copy_result res;
};

/* After the copy set the fields above `state`: S3E_OK or S3E_ENOMEM. The
 * planned ETag comes from spec->src_etag. */
int  s3e_fu_init(struct s3e_fu *u);
/* The first try: ops->reset, then the source's HEAD. */
void s3e_fu_start(struct s3e_fu *u);
void s3e_fu_free(struct s3e_fu *u);
/* Send u->req (built with rc) through via as the owner's request; it comes
 * back to ops->step, at once when it could not start. */
void s3e_fu_send(struct s3e_fu *u, int rc, const struct s3e_config *via);
/* Cut size into parts and send CreateMultipartUpload with o. */
void s3e_fu_create(struct s3e_fu *u, uint64_t size, const struct s3e_put_opts *o);
/* The part step's slots: one per part in flight at once (the part
 * concurrency, at most nparts), `size` bytes each, zeroed, each beginning
 * with its request (a struct s3e_areq), initialised. S3E_OK or S3E_ENOMEM;
 * *n counts the slots to free with s3e_fu_slots_free even after a failure. */
int  s3e_fu_slots_new(const struct s3e_fu *u, size_t size, void **slots, int *n);
void s3e_fu_slots_free(void *slots, size_t size, int n);
/* A part failed with rc (err: its request's, or NULL when canceled). */
void s3e_fu_part_failed(struct s3e_fu *u, int rc, const struct s3e_s3_error *err);
/* Every part is done, or one failed and none is in flight: Complete, or the failure. */
void s3e_fu_parts_over(struct s3e_fu *u);
/* The owner's PutObject wrote the destination: on to the verification. */
void s3e_fu_written(struct s3e_fu *u);
/* This try failed with rc (and *err; NULL when u->err holds it already). */
void s3e_fu_fail(struct s3e_fu *u, int rc, const struct s3e_s3_error *err);
/* Like s3e_fu_fail, with err cleared but for op and detail. */
void s3e_fu_fail_detail(struct s3e_fu *u, int rc, const char *op, const char *detail);
void s3e_fu_succeed(struct s3e_fu *u);
/* One of the copy's requests came back (the loop's done callback): u->a,
 * or a part's. */
void s3e_fu_on_done(struct s3e_fu *u, struct s3e_areq *a, int rc);
int  s3e_fu_finished(const struct s3e_fu *u);
/* The outcome: S3E_OK with *res, or the failure and *err (into u). */
int  s3e_fu_result(const struct s3e_fu *u, struct s3e_copy_result *res,
                   const struct s3e_s3_error **err);

#endif
