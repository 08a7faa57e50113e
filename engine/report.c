/* report.c - run statistics, progress line, summary and per-object report. */
#include "s3engine/report.h"
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const outcome_names[S3E_OUT_COUNT] = {
    "copied", "moved", "skipped", "failed", "archived", "changed", "restoring", "planned",
};

const char *s3e_outcome_name(enum s3e_outcome o)
{
    return (o >= 0 && o < S3E_OUT_COUNT) ? outcome_names[o] : "unknown";
}

double s3e_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *s3e_format_bytes(uint64_t n, char *out, size_t len)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
    double v = (double)n;
    size_t u = 0;
    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(out, len, "%llu B", (unsigned long long)n);
    else
        snprintf(out, len, "%.1f %s", v, units[u]);
    return out;
}

/* ---- the report file ---------------------------------------------------------- */

/* Rows reach the file only whole: the stream's buffer is flushed before a row
 * that would not fit in it, and at least every FLUSH_EVERY_S seconds, so a
 * killed run leaves complete rows (the last second's may be missing). */
#define REPORT_BUFFER (1u << 20)
#define FLUSH_EVERY_S 1.0

struct s3e_report {
    FILE *f;
    char *buf;            /* f's buffer (glibc ignores a size given without one) */
    size_t buffered;      /* bytes written to f since its last flush */
    double last_flush;
    int jsonl;
    int is_stdout;
    int write_errno;      /* errno of the first failed write, or -1 if unknown */
    pthread_mutex_t lock;
    struct s3e_buf row;
    char path[512];
};

int s3e_report_open(struct s3e_report **out, const char *path, char *errbuf, size_t errlen)
{
    struct s3e_report *r = calloc(1, sizeof *r);
    if (!r)
        return S3E_ENOMEM;
    size_t n = strlen(path);
    r->jsonl = (n > 6 && strcmp(path + n - 6, ".jsonl") == 0) ||
               (n > 5 && strcmp(path + n - 5, ".json") == 0);
    r->is_stdout = strcmp(path, "-") == 0;
    r->f = r->is_stdout ? stdout : fopen(path, "w");
    if (!r->f) {
        snprintf(errbuf, errlen, "cannot write the report %s: %s", path, strerror(errno));
        free(r);
        return S3E_EIO;
    }
    snprintf(r->path, sizeof r->path, "%s", r->is_stdout ? "(standard output)" : path);
    if (!r->is_stdout && (r->buf = malloc(REPORT_BUFFER)) != NULL) /* stdout: a flush a row */
        setvbuf(r->f, r->buf, _IOFBF, REPORT_BUFFER);
    r->last_flush = s3e_now();
    pthread_mutex_init(&r->lock, NULL);
    s3e_buf_init(&r->row, 0);
    static const char header[] = "source,target,bytes,status,error,etag,seconds,verified,version,method\n";
    if (!r->jsonl && fputs(header, r->f) == EOF)
        r->write_errno = errno ? errno : -1;
    r->buffered = r->jsonl ? 0 : sizeof header - 1;
    *out = r;
    return S3E_OK;
}

/* RFC 4180: quote when the field holds a comma, quote, CR or LF; a quote
 * inside is doubled. The bytes are kept exact (a CSV reader gets the key). */
static int csv_field(struct s3e_buf *b, const char *pre, const char *s)
{
    const char *full = s ? s : "";
    int quote = strpbrk(full, ",\"\r\n") || (pre && strpbrk(pre, ",\"\r\n"));
    int rc = quote ? s3e_buf_putc(b, '"') : S3E_OK;
    const char *parts[2] = { pre, full };
    for (int p = 0; p < 2 && !rc; p++) {
        for (const char *c = parts[p]; c && *c && !rc; c++)
            rc = (*c == '"') ? s3e_buf_puts(b, "\"\"") : s3e_buf_putc(b, *c);
    }
    if (!rc && quote)
        rc = s3e_buf_putc(b, '"');
    return rc;
}

/* RFC 4648 base64 of s[0..len) appended to b. */
static int base64(struct s3e_buf *b, const unsigned char *s, size_t len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int rc = S3E_OK;
    for (size_t i = 0; i < len && !rc; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < len)
            v |= s[i + 2];
        char q[4] = { abc[v >> 18], abc[(v >> 12) & 63], i + 1 < len ? abc[(v >> 6) & 63] : '=',
                      i + 2 < len ? abc[v & 63] : '=' };
        rc = s3e_buf_append(b, q, 4);
    }
    return rc;
}

/* <sep>"name":"pre+s" - and when pre+s is not UTF-8 (shown with U+FFFD), if
 * `exact`, its bytes in "name_base64" too, so the key can be recovered. */
static int json_field(struct s3e_buf *b, char sep, const char *name, const char *pre,
                      const char *s, int exact)
{
    pre = pre ? pre : "";
    s = s ? s : "";
    int lossy = 0;
    int rc = s3e_buf_printf(b, "%c\"%s\":\"", sep, name);
    if (!rc)
        rc = s3e_escape_json(b, pre, strlen(pre), &lossy);
    if (!rc)
        rc = s3e_escape_json(b, s, strlen(s), &lossy);
    if (!rc)
        rc = s3e_buf_putc(b, '"');
    if (rc || !lossy || !exact)
        return rc;
    struct s3e_buf raw;
    s3e_buf_init(&raw, 0);
    rc = s3e_buf_puts(&raw, pre);
    if (!rc)
        rc = s3e_buf_puts(&raw, s);
    if (!rc)
        rc = s3e_buf_printf(b, ",\"%s_base64\":\"", name);
    if (!rc)
        rc = base64(b, (const unsigned char *)raw.data, raw.len);
    if (!rc)
        rc = s3e_buf_putc(b, '"');
    s3e_buf_free(&raw);
    return rc;
}

/* "s3://bucket/" - the key follows as the field's second part; "" for no
 * bucket (a source key refused before it was routed has no target). */
static void s3_prefix(char *out, size_t len, const char *bucket)
{
    snprintf(out, len, bucket && *bucket ? "s3://%s/" : "%s", bucket ? bucket : "");
}

static int format_row(struct s3e_report *r, const struct s3e_report_row *row)
{
    struct s3e_buf *b = &r->row;
    char src[300], dst[300];
    s3_prefix(src, sizeof src, row->src_bucket);
    s3_prefix(dst, sizeof dst, row->dst_bucket);
    s3e_buf_reset(b);
    int rc;
    if (r->jsonl) {
        rc = json_field(b, '{', "source", src, row->src_key, 1);
        if (!rc) rc = json_field(b, ',', "target", dst, row->dst_key, 1);
        if (!rc) rc = s3e_buf_printf(b, ",\"bytes\":%llu,\"status\":\"%s\"",
                                     (unsigned long long)row->bytes, s3e_outcome_name(row->outcome));
        if (!rc) rc = row->error ? json_field(b, ',', "error", NULL, row->error, 0)
                                 : s3e_buf_puts(b, ",\"error\":null");
        if (!rc) rc = row->etag ? json_field(b, ',', "etag", NULL, row->etag, 0)
                                : s3e_buf_puts(b, ",\"etag\":null");
        if (!rc) rc = s3e_buf_printf(b, ",\"seconds\":%.3f,\"verified\":\"%s\"", row->seconds,
                                     row->verified ? row->verified : "");
        if (!rc) rc = row->version ? json_field(b, ',', "version", NULL, row->version, 0)
                                   : s3e_buf_puts(b, ",\"version\":null");
        if (!rc) rc = s3e_buf_printf(b, ",\"method\":\"%s\"", row->method ? row->method : "");
        if (!rc) rc = s3e_buf_puts(b, "}\n");
        return rc;
    }
    rc = csv_field(b, src, row->src_key);
    if (!rc) rc = s3e_buf_putc(b, ',');
    if (!rc) rc = csv_field(b, dst, row->dst_key);
    if (!rc) rc = s3e_buf_printf(b, ",%llu,%s,", (unsigned long long)row->bytes,
                                 s3e_outcome_name(row->outcome));
    if (!rc) rc = csv_field(b, NULL, row->error);
    if (!rc) rc = s3e_buf_putc(b, ',');
    if (!rc) rc = csv_field(b, NULL, row->etag);
    if (!rc) rc = s3e_buf_printf(b, ",%.3f,%s,", row->seconds,
                                 row->verified ? row->verified : "");
    if (!rc) rc = csv_field(b, NULL, row->version);
    if (!rc) rc = s3e_buf_printf(b, ",%s\n", row->method ? row->method : "");
    return rc;
}

static void note_write_error(struct s3e_report *r)
{
    if (!r->write_errno)
        r->write_errno = errno ? errno : -1;
}

int s3e_report_write(struct s3e_report *r, const struct s3e_report_row *row)
{
    pthread_mutex_lock(&r->lock);
    int rc = format_row(r, row);
    if (rc) {
        if (!r->write_errno)
            r->write_errno = rc == S3E_ENOMEM ? ENOMEM : -1;
    } else {
        errno = 0;
        if (r->buffered + r->row.len > REPORT_BUFFER && fflush(r->f) != 0) {
            note_write_error(r);
            rc = S3E_EIO;
        }
        if (r->buffered + r->row.len > REPORT_BUFFER)
            r->buffered = 0;
        if (fwrite(r->row.data, 1, r->row.len, r->f) != r->row.len) {
            note_write_error(r);
            rc = S3E_EIO;
        }
        r->buffered += r->row.len;
        double now = s3e_now();
        if (r->is_stdout || now - r->last_flush >= FLUSH_EVERY_S) {
            if (fflush(r->f) != 0) {
                note_write_error(r);
                rc = S3E_EIO;
            }
            r->buffered = 0;
            r->last_flush = now;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int s3e_report_close(struct s3e_report *r, char *errbuf, size_t errlen)
{
    if (!r)
        return S3E_OK;
    errno = 0;
    if (fflush(r->f) != 0 || ferror(r->f))
        note_write_error(r);
    errno = 0;
    if (r->is_stdout ? fflush(r->f) != 0 : fclose(r->f) != 0)
        note_write_error(r);
    int e = r->write_errno;
    if (e)
        snprintf(errbuf, errlen, "cannot write the report %s: %s; it is incomplete", r->path,
                 e > 0 ? strerror(e) : "write error");
    pthread_mutex_destroy(&r->lock);
    s3e_buf_free(&r->row);
    free(r->buf); /* after fclose: the stream used it until then */
    free(r);
    return e ? S3E_EIO : S3E_OK;
}

/* ---- statistics ------------------------------------------------------------------ */

void s3e_stats_init(struct s3e_stats *s)
{
    memset(s, 0, sizeof *s);
    s->start_time = s3e_now();
}

void s3e_stats_record(struct s3e_stats *s, enum s3e_outcome o, uint64_t bytes)
{
    switch (o) {
    case S3E_OUT_COPIED:
    case S3E_OUT_MOVED:
        atomic_fetch_add(&s->done_objects, 1);
        atomic_fetch_add(&s->done_bytes, bytes);
        if (o == S3E_OUT_MOVED)
            atomic_fetch_add(&s->moved_objects, 1);
        break;
    case S3E_OUT_SKIPPED:
        atomic_fetch_add(&s->skipped_objects, 1);
        atomic_fetch_add(&s->skipped_bytes, bytes);
        break;
    case S3E_OUT_FAILED:
        atomic_fetch_add(&s->failed_objects, 1);
        atomic_fetch_add(&s->failed_bytes, bytes);
        break;
    case S3E_OUT_ARCHIVED:
        atomic_fetch_add(&s->archived_objects, 1);
        atomic_fetch_add(&s->archived_bytes, bytes);
        break;
    case S3E_OUT_CHANGED:
        atomic_fetch_add(&s->changed_objects, 1);
        atomic_fetch_add(&s->changed_bytes, bytes);
        break;
    case S3E_OUT_RESTORING:
        atomic_fetch_add(&s->restoring_objects, 1);
        atomic_fetch_add(&s->restoring_bytes, bytes);
        break;
    default:
        break;
    }
}

static void print_count(FILE *out, const char *label, uint64_t objects, uint64_t bytes,
                        const char *note)
{
    char b[32];
    fprintf(out, "%-11s %llu objects, %s%s\n", label, (unsigned long long)objects,
            s3e_format_bytes(bytes, b, sizeof b), note);
}

void s3e_stats_summary(const struct s3e_stats *s, FILE *out)
{
    double secs = s3e_now() - s->start_time;
    uint64_t done = atomic_load(&s->done_objects), bytes = atomic_load(&s->done_bytes);
    print_count(out, "copied:", done, bytes, "");
    if (atomic_load(&s->moved_objects))
        fprintf(out, "%-11s %llu objects (source deleted after a verified copy)\n", "moved:",
                (unsigned long long)atomic_load(&s->moved_objects));
    print_count(out, "skipped:", atomic_load(&s->skipped_objects),
                atomic_load(&s->skipped_bytes), " (already at the target, or collisions)");
    print_count(out, "failed:", atomic_load(&s->failed_objects), atomic_load(&s->failed_bytes), "");
    if (atomic_load(&s->archived_objects))
        print_count(out, "archived:", atomic_load(&s->archived_objects),
                    atomic_load(&s->archived_bytes),
                    " (in GLACIER or DEEP_ARCHIVE: restore them, then run again)");
    if (atomic_load(&s->changed_objects))
        print_count(out, "changed:", atomic_load(&s->changed_objects),
                    atomic_load(&s->changed_bytes),
                    " (the source changed while it was copied: run again)");
    if (atomic_load(&s->restoring_objects))
        print_count(out, "restoring:", atomic_load(&s->restoring_objects),
                    atomic_load(&s->restoring_bytes),
                    " (archived, restore asked for or under way: run again once restored)");
    fprintf(out, "%-11s %llu objects (listed but not selected or not routed)\n", "unselected:",
            (unsigned long long)atomic_load(&s->unselected_objects));
    if (atomic_load(&s->delete_markers))
        fprintf(out, "%-11s %llu (delete markers listed among the versions: not copied)\n",
                "deleted:", (unsigned long long)atomic_load(&s->delete_markers));
    char b[32];
    fprintf(out, "%-11s %.1f s, %.1f objects/s, %s/s\n", "time:", secs,
            secs > 0 ? (double)done / secs : 0.0,
            s3e_format_bytes(secs > 0 ? (uint64_t)((double)bytes / secs) : 0, b, sizeof b));
}

/* ---- progress line ----------------------------------------------------------------- */

static struct {
    pthread_t thread;
    int running;
    atomic_int stop;
    struct s3e_stats *stats;
    pthread_mutex_t lock;
    pthread_cond_t wake;
} progress = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

/* "  listing source 2: 120000 listed, 9500/s" while a listing runs. */
static void listing_part(const struct s3e_stats *s, char *out, size_t len)
{
    int what = atomic_load(&s->listing_what);
    out[0] = '\0';
    if (!what)
        return;
    double secs = s3e_now() - (double)atomic_load(&s->listing_since_us) / 1e6;
    uint64_t n = atomic_load(&s->listing.listed);
    snprintf(out, len, "  listing %s %d: %llu listed, %.0f/s", what > 0 ? "source" : "target",
             what > 0 ? what : -what, (unsigned long long)n, secs > 0 ? (double)n / secs : 0.0);
}

static void draw(const struct s3e_stats *s)
{
    double secs = s3e_now() - s->start_time;
    uint64_t done = atomic_load(&s->done_objects) + atomic_load(&s->skipped_objects) +
                    atomic_load(&s->failed_objects) + atomic_load(&s->archived_objects) +
                    atomic_load(&s->changed_objects);
    uint64_t planned = atomic_load(&s->planned_objects) + atomic_load(&s->skipped_objects);
    uint64_t bytes = atomic_load(&s->done_bytes), pbytes = atomic_load(&s->planned_bytes);
    char b[32], r[32], eta[32] = "";
    double rate = secs > 0 ? (double)bytes / secs : 0;
    if (atomic_load(&s->planning_done) && rate > 0 && pbytes > bytes)
        snprintf(eta, sizeof eta, "  ETA %.0f s", (double)(pbytes - bytes) / rate);
    char listing[96];
    listing_part(s, listing, sizeof listing);
    char line[256];
    snprintf(line, sizeof line, "%llu/%llu%s objects  %s  %s/s  %.0f obj/s%s%s%s",
             (unsigned long long)done, (unsigned long long)planned,
             atomic_load(&s->planning_done) ? "" : "+", s3e_format_bytes(bytes, b, sizeof b),
             s3e_format_bytes((uint64_t)rate, r, sizeof r), secs > 0 ? (double)done / secs : 0.0,
             eta, atomic_load(&s->failed_objects) ? "  (failures)" : "", listing);
    s3e_log_status(line);
}

static void *progress_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&progress.lock);
    while (!atomic_load(&progress.stop)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 500000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&progress.wake, &progress.lock, &ts);
        if (!atomic_load(&progress.stop))
            draw(progress.stats);
    }
    pthread_mutex_unlock(&progress.lock);
    return NULL;
}

int s3e_progress_start(struct s3e_stats *s)
{
    const char *term = getenv("TERM");
    if (!s3e_log_to_terminal() || (term && strcmp(term, "dumb") == 0) || progress.running)
        return S3E_OK;
    progress.stats = s;
    atomic_store(&progress.stop, 0);
    if (pthread_create(&progress.thread, NULL, progress_main, NULL) != 0)
        return S3E_ENOMEM;
    progress.running = 1;
    return S3E_OK;
}

void s3e_progress_stop(void)
{
    if (!progress.running)
        return;
    pthread_mutex_lock(&progress.lock);
    atomic_store(&progress.stop, 1);
    pthread_cond_signal(&progress.wake);
    pthread_mutex_unlock(&progress.lock);
    pthread_join(progress.thread, NULL);
    progress.running = 0;
    s3e_log_status_end();
}
