/* report.h - run statistics, the progress line, the summary and the
 * per-object report file. All functions are thread-safe. */
#ifndef S3E_REPORT_H
#define S3E_REPORT_H

#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>

enum s3e_outcome {
    S3E_OUT_COPIED = 0,  /* copied and verified */
    S3E_OUT_MOVED,       /* copied, verified, source deleted */
    S3E_OUT_SKIPPED,     /* already at the target with the same size and ETag */
    S3E_OUT_FAILED,      /* gave up after retries */
    S3E_OUT_ARCHIVED,    /* in an archive storage class, not restored: not copied */
    S3E_OUT_CHANGED,     /* the source changed while it was copied, twice (412) */
    S3E_OUT_RESTORING,   /* archived, being restored (restore = {...}): a later run copies it */
    S3E_OUT_PLANNED,     /* --dry-run: would be copied */
    S3E_OUT_COUNT
};

const char *s3e_outcome_name(enum s3e_outcome o); /* "copied", "moved", ... */

struct s3e_report_row {
    const char *src_bucket, *src_key;
    const char *dst_bucket, *dst_key;
    uint64_t bytes;
    enum s3e_outcome outcome;
    const char *etag;     /* target ETag, may be NULL */
    const char *error;    /* failure text, NULL unless failed */
    double seconds;       /* time spent on this object */
    const char *verified; /* what the copy was compared by ("size+etag"...), NULL/"" none */
    const char *version;  /* the source versionId copied, NULL = the current object */
    const char *method;   /* "copy" (server-side) or "stream" (through this machine);
                             NULL/"" = none (not routed) */
};

enum s3e_report_format { S3E_REPORT_CSV, S3E_REPORT_JSONL };

struct s3e_report;

/* Open `path` for writing (format by extension: .jsonl/.json = JSON lines,
 * anything else CSV with a header row). "-" = stdout. S3E_EIO (reason in
 * errbuf) or S3E_ENOMEM.
 *
 * CSV: RFC 4180 (a field with a comma, quote, CR or LF is quoted, quotes
 * doubled), keys byte-exact. JSON lines: valid UTF-8 JSON for any key;
 * controls, C1 and bidi characters as \uNNNN, a byte that is not UTF-8 as
 * \ufffd, and then "source_base64"/"target_base64" hold the exact bytes. */
int  s3e_report_open(struct s3e_report **out, const char *path, char *errbuf, size_t errlen);
/* Format and write one row. S3E_EIO when it could not be written (the
 * failure is also kept for s3e_report_close), S3E_ENOMEM. */
int  s3e_report_write(struct s3e_report *r, const struct s3e_report_row *row);
/* Flush and close (stdout is flushed, not closed), free r. S3E_EIO with
 * "cannot write the report PATH: REASON; ..." in errbuf if any write, the
 * flush or the close failed (ENOSPC, EIO, EPIPE...). NULL r: S3E_OK. */
int  s3e_report_close(struct s3e_report *r, char *errbuf, size_t errlen);

/* Counters shared by workers (atomics). */
/* One listing under way (of a source, or of a target for skip-existing). */
struct s3e_list_progress {
    _Atomic uint64_t listed;    /* keys handed on */
    _Atomic uint64_t requests;  /* ListObjectsV2 pages asked for */
    _Atomic uint64_t ranges;    /* ranges the key space was cut into */
};

struct s3e_stats {
    _Atomic uint64_t planned_objects, planned_bytes;  /* set by the planner */
    _Atomic uint64_t done_objects, done_bytes;        /* copied + moved */
    _Atomic uint64_t skipped_objects, skipped_bytes;
    _Atomic uint64_t failed_objects, failed_bytes;
    _Atomic uint64_t archived_objects, archived_bytes;
    _Atomic uint64_t changed_objects, changed_bytes;
    _Atomic uint64_t restoring_objects, restoring_bytes;
    _Atomic uint64_t moved_objects;                   /* also counted in done_* */
    _Atomic uint64_t unselected_objects;              /* listed but not selected/routed */
    _Atomic uint64_t listed_objects;
    _Atomic uint64_t delete_markers;                  /* listed versions that are delete
                                                         markers: never copied */
    _Atomic int      planning_done;
    /* What the planner lists now, for the progress line: 1 + the source's
     * index, -(1 + the target's), 0 = nothing; since when (s3e_now() * 1e6). */
    _Atomic int      listing_what;
    _Atomic uint64_t listing_since_us;
    struct s3e_list_progress listing;
    double start_time;                                /* monotonic seconds */
};

void s3e_stats_init(struct s3e_stats *s);
/* Monotonic clock in seconds. */
double s3e_now(void);
void s3e_stats_record(struct s3e_stats *s, enum s3e_outcome o, uint64_t bytes);

/* A progress line on stderr, redrawn every ~0.5 s, only when stderr is a
 * terminal (objects, bytes, rate, ETA). Registers a log clear hook so log
 * lines do not mix with it. */
int  s3e_progress_start(struct s3e_stats *s);
void s3e_progress_stop(void);

/* The end-of-run summary: objects, bytes, skipped, failed, time, rate. */
void s3e_stats_summary(const struct s3e_stats *s, FILE *out);

/* "1.5 GiB", "800 MiB", "12 B" */
char *s3e_format_bytes(uint64_t n, char *out, size_t len);

#endif
