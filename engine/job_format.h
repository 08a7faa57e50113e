/* job_format.h - the files of an emitted job (s3engine PLAN --emit DEST),
 * written and read without Lua.
 *
 * All three are lines of tab-separated fields. A field is written as its
 * bytes, except '%', TAB, LF, CR and other control bytes (and DEL), which are
 * %XX: keys stay byte-exact and one line is always one record.
 *
 *  - job.tsv, the index a runner reads first:
 *      s3engine-job  3                  (1 and 2 are read too; a newer one is refused)
 *      plan          PATH  SHA256
 *      created_at    RFC3339
 *      setting       NAME  VALUE        (workers, move, verify, multipart_cutoff,
 *                                        part_size, part_concurrency, check_destinations)
 *      source        INDEX RESTORE_DAYS RESTORE_TIER  (0 and "": no restore = {...})
 *      target        INDEX NAME BUCKET PREFIX STORAGE_CLASS
 *      option        source|target INDEX NAME VALUE  (format 3: a source's or target's
 *                                        connection, encryption, checksum, stream;
 *                                        job_sides.h; only those set are written)
 *      payload       ID WORKER OBJECTS BYTES FILE OFFSET LENGTH
 *    A payload's objects are LENGTH bytes at OFFSET of FILE (below DEST).
 *  - manifests/part-NNNNN.tsv, one object (one copy) per line:
 *      SRC_BUCKET SRC_KEY VERSION_ID SIZE ETAG LAST_MODIFIED TARGET DST_BUCKET DST_KEY
 *      STORAGE_CLASS FLAGS SOURCE PUT
 *    FLAGS is "-" or letters: "e" the destination looked like an earlier copy
 *    (check it), "a" archived (GLACIER or DEEP_ARCHIVE when listed), "v" one
 *    version of a versions = "all" key: its rows follow each other, oldest
 *    first, and are copied in that order. SOURCE is the plan source's index,
 *    PUT the route's header lines (put_lines.h; empty: the source's). Format 1
 *    lines end at FLAGS and are still read.
 *  - results/payload-NNNNNNNN.tsv, written when a payload ends:
 *      s3engine-result  1
 *      payload   ID
 *      status    done | failed | restoring  (restoring: nothing failed, but archived
 *                                            objects are being restored: run again later)
 *      OUTCOME   OBJECTS BYTES       (copied moved skipped failed archived changed
 *                                     restoring)
 *      seconds   S
 *      fail      SOURCE TARGET ERROR (one per object failed, archived or changed)
 *      restore   SOURCE TARGET NOTE  (one per object being restored)
 */
#ifndef S3E_JOB_FORMAT_H
#define S3E_JOB_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include "s3engine/buf.h"
#include "s3engine/packer.h"
#include "s3engine/report.h"

#define S3E_JOB_FORMAT_VERSION 3 /* 1 and 2 are read too */

struct s3e_job_target {
    char *name, *bucket, *prefix, *storage_class; /* storage_class "" = the server's */
};

/* What a runner needs of a plan source (there is no plan at run time). */
struct s3e_job_source {
    int  restore_days;        /* 0: archived objects are not restored */
    char restore_tier[12];
};

/* One `option` line: a field of plan source or target `index`. */
struct s3e_job_opt {
    int    target;            /* 0 a source, 1 a target */
    size_t index;
    char  *name, *value;
};

struct s3e_job_payload {
    uint64_t id;              /* 1, 2, ... */
    int      worker;          /* 1-based, as --dry-run shows it */
    uint64_t objects, bytes;
    char    *file;            /* manifest file below DEST */
    uint64_t offset, length;  /* its lines in that file */
};

struct s3e_job_index {
    char *plan_path;
    char  sha256[65];
    char  created_at[32];
    int   workers;
    int   move, verify;
    uint64_t multipart_cutoff, part_size;
    int   part_concurrency;
    int   check_destinations;  /* emitted without looking at the targets: a runner HEADs
                                  each destination first, as on a second run */
    struct s3e_job_target *targets;
    size_t ntargets;
    struct s3e_job_source *sources;
    size_t nsources;
    struct s3e_job_opt *opts;
    size_t nopts;
    struct s3e_job_payload *payloads;
    size_t npayloads, cap;
};

/* Append an option (name and value copied). S3E_OK or S3E_ENOMEM. */
int s3e_jobfmt_opt_add(struct s3e_job_index *ix, int target, size_t index, const char *name,
                       const char *value);

/* Append one field, escaped. S3E_OK or S3E_ENOMEM. */
int s3e_jobfmt_field(struct s3e_buf *b, const char *s, size_t len);
/* Decode a field in place (%XX), NUL-terminated; its new length in *out_len.
 * S3E_EINVAL on a bad escape. */
int s3e_jobfmt_unescape(char *s, size_t *out_len);

/* Append a payload to the index (file is copied). S3E_OK or S3E_ENOMEM. */
int s3e_jobfmt_index_add(struct s3e_job_index *ix, const struct s3e_job_payload *p);
/* Write the whole index. S3E_OK or S3E_ENOMEM. */
int s3e_jobfmt_index_write(struct s3e_buf *b, const struct s3e_job_index *ix);
/* Read an index (text need not be NUL-terminated; it is not kept). On a
 * broken file S3E_EPARSE with "line N: why" in err. Free with _index_free,
 * also after a failure. */
int s3e_jobfmt_index_parse(const char *text, size_t len, struct s3e_job_index *out,
                           char *err, size_t errlen);
void s3e_jobfmt_index_free(struct s3e_job_index *ix);

/* One object of a manifest, as a line ending in LF; version_row: one version
 * of a versions = "all" key (flag "v"). S3E_OK or S3E_ENOMEM. */
int s3e_jobfmt_object_write(struct s3e_buf *b, const struct s3e_job *j, const char *version_id,
                            int version_row);
/* Read one manifest line (without its LF), decoding it in place: j's strings
 * and *version_id point into line. S3E_OK or S3E_EPARSE. */
int s3e_jobfmt_object_parse(char *line, size_t len, struct s3e_job *j, const char **version_id,
                            int *version_row);

/* What a payload's run did. */
struct s3e_job_result {
    uint64_t payload;
    int      done;                       /* every object copied, moved or skipped */
    int      restoring;                  /* not done, nothing failed: objects being restored */
    uint64_t objects[S3E_OUT_COUNT];     /* by outcome */
    uint64_t bytes[S3E_OUT_COUNT];
    double   seconds;
    struct s3e_buf failures;             /* the "fail" lines, escaped, as in the file */
    size_t   nfailures;
};

/* An outcome that leaves a payload not done: failed, archived, changed, restoring. */
int  s3e_jobfmt_not_done(enum s3e_outcome o);
/* "done", "restoring" or "failed". */
const char *s3e_jobfmt_result_status(const struct s3e_job_result *r);
/* Objects failed, archived (not restored) or changed. */
uint64_t s3e_jobfmt_result_failed(const struct s3e_job_result *r);
void s3e_jobfmt_result_init(struct s3e_job_result *r);
void s3e_jobfmt_result_free(struct s3e_job_result *r);
/* Add one object that was not done to r: a failure ("fail"), or one being
 * restored ("restore", restoring = 1). */
int  s3e_jobfmt_result_fail(struct s3e_job_result *r, const char *source, const char *target,
                            const char *error, int restoring);
int  s3e_jobfmt_result_write(struct s3e_buf *b, const struct s3e_job_result *r);
/* S3E_OK, or S3E_EPARSE with the reason in err. */
int  s3e_jobfmt_result_parse(const char *text, size_t len, struct s3e_job_result *out,
                             char *err, size_t errlen);

#endif
