/* log.c - leveled logging to stderr; one write per line so threads never
 * interleave, every message in the display form (escape.h) so a key, an S3
 * error message or a plan string cannot drive the terminal or forge a line. */
#include "s3engine/log.h"
#include "s3engine/escape.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static enum s3e_log_level current_level = S3E_LOG_WARN;
static void (*clear_hook)(void);
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int write_errno; /* first failed write to stderr, -1 if errno was 0 */

static const char *const level_names[] = { "error", "warning", "info", "debug", "trace" };

void s3e_log_set_level(enum s3e_log_level level) { current_level = level; }
enum s3e_log_level s3e_log_get_level(void) { return current_level; }
void s3e_log_set_clear_hook(void (*hook)(void)) { clear_hook = hook; }
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
    /* Room for the whole message escaped at its worst (4 bytes per byte is
     * cut short by s3e_escape_str, ending in "..."). */
    char line[4096];
    int n = snprintf(line, sizeof line, "s3engine: %s: ", level_names[level]);
    s3e_escape_str(msg, line + n, sizeof line - (size_t)n - 4);
    size_t len = strlen(line);
    if (m >= 0 && (size_t)m >= sizeof msg && (len < 3 || strcmp(line + len - 3, "...") != 0)) {
        memcpy(line + len, "...", 3);
        len += 3;
    }
    line[len++] = '\n';
    pthread_mutex_lock(&log_lock);
    if (clear_hook)
        clear_hook();
    errno = 0;
    size_t w = fwrite(line, 1, len, stderr);
    if ((w != len || fflush(stderr) != 0) && !atomic_load(&write_errno))
        atomic_store(&write_errno, errno ? errno : -1);
    pthread_mutex_unlock(&log_lock);
}
