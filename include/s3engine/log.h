/* log.h - leveled logging to stderr, safe from any thread.
 *
 * Never pass secrets (secret keys, session tokens, Authorization headers,
 * signatures) to these functions: nothing here can tell a secret apart. */
#ifndef S3E_LOG_H
#define S3E_LOG_H

enum s3e_log_level { S3E_LOG_ERROR = 0, S3E_LOG_WARN, S3E_LOG_INFO, S3E_LOG_DEBUG, S3E_LOG_TRACE };

/* Messages above `level` are dropped. Default: S3E_LOG_WARN. Not thread-safe:
 * call before starting threads. */
void s3e_log_set_level(enum s3e_log_level level);
enum s3e_log_level s3e_log_get_level(void);
/* Called before every write so a progress line can be erased first (may be NULL). */
void s3e_log_set_clear_hook(void (*hook)(void));
/* Write one line "s3engine: <level>: <message>\n" atomically. */
void s3e_log(enum s3e_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define s3e_error(...) s3e_log(S3E_LOG_ERROR, __VA_ARGS__)
#define s3e_warn(...)  s3e_log(S3E_LOG_WARN, __VA_ARGS__)
#define s3e_info(...)  s3e_log(S3E_LOG_INFO, __VA_ARGS__)
#define s3e_debug(...) do { if (s3e_log_get_level() >= S3E_LOG_DEBUG) s3e_log(S3E_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
