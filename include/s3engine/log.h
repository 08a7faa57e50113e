/* log.h - leveled logging to stderr, safe from any thread.
 *
 * Never pass secrets (secret keys, session tokens, Authorization headers,
 * signatures) to these functions: nothing here can tell a secret apart. */
#ifndef S3E_LOG_H
#define S3E_LOG_H

enum s3e_log_level { S3E_LOG_ERROR = 0, S3E_LOG_WARN, S3E_LOG_INFO, S3E_LOG_DEBUG, S3E_LOG_TRACE };
enum s3e_log_format { S3E_LOG_TEXT = 0, S3E_LOG_JSON };

/* Messages above `level` are dropped. Default: S3E_LOG_WARN. Not thread-safe:
 * call before starting threads. */
void s3e_log_set_level(enum s3e_log_level level);
enum s3e_log_level s3e_log_get_level(void);
/* Text lines (with an RFC 3339 UTC time first when timestamps is 1; -1: only
 * when stderr is not a terminal) or JSON lines {"time","level","message"}.
 * Default: text without time. Call before starting threads. */
void s3e_log_set_format(enum s3e_log_format format, int timestamps);
/* 1 when log lines go to a terminal as text (a progress line may be drawn). */
int s3e_log_to_terminal(void);
/* A status line (the progress line): text drawn over the last one, without a
 * newline; the next log line erases it first. Safe from any thread: it is
 * written under the same lock as log lines, so the two never mix. */
void s3e_log_status(const char *text);
/* Erase the status line, if one is shown. */
void s3e_log_status_end(void);
/* 0, or the errno (-1 if unknown) of the first log line that could not be
 * written to stderr (a full disk, a closed pipe): the run then ends with
 * exit status 3. */
int s3e_log_write_error(void);
/* Write one line "[<time> ]s3engine: <level>: <message>\n" (or its JSON form) atomically. The message
 * is shown in the display form of escape.h (controls, invalid UTF-8 and
 * backslashes escaped): pass keys and server text raw, never pre-escaped.
 * A message over ~2 KB is cut and ends in "...". */
void s3e_log(enum s3e_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define s3e_error(...) s3e_log(S3E_LOG_ERROR, __VA_ARGS__)
#define s3e_warn(...)  s3e_log(S3E_LOG_WARN, __VA_ARGS__)
#define s3e_info(...)  s3e_log(S3E_LOG_INFO, __VA_ARGS__)
#define s3e_debug(...) do { if (s3e_log_get_level() >= S3E_LOG_DEBUG) s3e_log(S3E_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
