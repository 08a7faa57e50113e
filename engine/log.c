/* log.c - leveled logging to stderr; one write per line so threads never
 * interleave, every message in the display form (escape.h) so a key, an S3
 * error message or a plan string cannot drive the terminal or forge a line. */
#include "s3engine/log.h"
#include "s3engine/buf.h"
#include "s3engine/escape.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum s3e_log_level current_level = S3E_LOG_WARN;
static int status_shown; /* a status line is on stderr: erased before a log line */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int write_errno; /* first failed write to stderr, -1 if errno was 0 */

static int with_time;  /* RFC 3339 UTC time first on each text line */
static int as_json;    /* one JSON object per line */

static const char *const level_names[] = { "error", "warning", "info", "debug", "trace" };

void s3e_log_set_level(enum s3e_log_level level) { current_level = level; }
enum s3e_log_level s3e_log_get_level(void) { return current_level; }
int s3e_log_to_terminal(void) { return !as_json && isatty(STDERR_FILENO); }

void s3e_log_set_format(enum s3e_log_format format, int timestamps)
{
    as_json = format == S3E_LOG_JSON;
    with_time = timestamps < 0 ? !isatty(STDERR_FILENO) : timestamps;
}

/* Under the log lock, as every write to stderr: a log line is never written
 * into the middle of a status line, nor a status line between a log line's
 * erasing of the last one and the line itself. */
void s3e_log_status(const char *text)
{
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "\r%s\x1b[K", text);
    fflush(stderr);
    status_shown = 1;
    pthread_mutex_unlock(&log_lock);
}

static void erase_status(void)
{
    if (!status_shown)
        return;
    fputs("\r\x1b[K", stderr);
    status_shown = 0;
}

void s3e_log_status_end(void)
{
    pthread_mutex_lock(&log_lock);
    erase_status();
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
}

/* "2026-12-02T05:30:00.123Z": RFC 3339, UTC, milliseconds. */
static size_t format_time(char *out, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
    int m = snprintf(out + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000L);
    return m > 0 && (size_t)m < len - n ? n + (size_t)m : n;
}
int s3e_log_write_error(void) { return atomic_load(&write_errno); }

/* A message cut by vsnprintf loses its last, maybe partial, character. */
static void trim_cut_char(char *msg)
{
    size_t n = strlen(msg);
    while (n > 0 && ((unsigned char)msg[n - 1] & 0xc0) == 0x80)
        n--;
    if (n > 0 && (unsigned char)msg[n - 1] >= 0xc0)
        n--;
    msg[n] = '\0';
}

/* One line without its newline: text "[TIME ]s3engine: LEVEL: MESSAGE" in the
 * display form, or {"time":..,"level":..,"message":..}. `cut`: the message was
 * cut short and must say so. Returns its length (at most len - 1). */
static size_t format_line(enum s3e_log_level level, const char *msg, int cut, char *line,
                                  size_t len)
{
    char when[40];
    size_t wn = format_time(when, sizeof when);
    if (as_json) {
        struct s3e_buf b; /* never full: the message is at most 2 KB */
        s3e_buf_init(&b, len - 8);
        int rc = s3e_buf_printf(&b, "{\"time\":\"%.*s\",\"level\":\"%s\",\"message\":\"", (int)wn,
                                when, level_names[level]);
        if (!rc)
            rc = s3e_escape_json(&b, msg, strlen(msg), NULL);
        if (!rc && cut)
            rc = s3e_buf_puts(&b, "...");
        size_t n = 0;
        if (b.data) {
            n = b.len < len - 8 ? b.len : len - 8;
            memcpy(line, b.data, n);
        }
        s3e_buf_free(&b);
        memcpy(line + n, "\"}", 2);
        return n + 2;
    }
    /* A text line stays under 4 KB: a message escaped at its worst (4 bytes a
     * byte) is cut short by s3e_escape_str, ending in "...". */
    if (len > 4096)
        len = 4096;
    int n = snprintf(line, len, "%s%s%s: %s: ", with_time ? when : "", with_time ? " " : "",
                     "s3engine", level_names[level]);
    s3e_escape_str(msg, line + n, len - (size_t)n - 4);
    size_t l = strlen(line);
    if (cut && (l < 3 || strcmp(line + l - 3, "...") != 0)) {
        memcpy(line + l, "...", 3);
        l += 3;
    }
    return l;
}

void s3e_log(enum s3e_log_level level, const char *fmt, ...)
{
    if (level > current_level)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (m < 0)
        msg[0] = '\0';
    else if ((size_t)m >= sizeof msg)
        trim_cut_char(msg);
    char line[16384]; /* a 2 KB message escaped at its worst: 6 bytes a byte in JSON */
    size_t len = format_line(level, msg, m >= 0 && (size_t)m >= sizeof msg, line, sizeof line);
    line[len++] = '\n';
    pthread_mutex_lock(&log_lock);
    erase_status();
    errno = 0;
    size_t w = fwrite(line, 1, len, stderr);
    if ((w != len || fflush(stderr) != 0) && !atomic_load(&write_errno))
        atomic_store(&write_errno, errno ? errno : -1);
    pthread_mutex_unlock(&log_lock);
}
