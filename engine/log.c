/* log.c - leveled logging to stderr; one write per line so threads never interleave. */
#include "s3engine/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

static enum s3e_log_level current_level = S3E_LOG_WARN;
static void (*clear_hook)(void);
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = { "error", "warning", "info", "debug", "trace" };

void s3e_log_set_level(enum s3e_log_level level) { current_level = level; }
enum s3e_log_level s3e_log_get_level(void) { return current_level; }
void s3e_log_set_clear_hook(void (*hook)(void)) { clear_hook = hook; }

void s3e_log(enum s3e_log_level level, const char *fmt, ...)
{
    if (level > current_level)
        return;
    char line[2048];
    int n = snprintf(line, sizeof line, "s3engine: %s: ", level_names[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    pthread_mutex_lock(&log_lock);
    if (clear_hook)
        clear_hook();
    fwrite(line, 1, len, stderr);
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
}
