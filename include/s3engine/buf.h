/* buf.h - growable byte buffer with a maximum size.
 *
 * Buffers filled from the network always have a maximum (`max`, 0 = no limit
 * besides memory) so a hostile or broken server cannot make us allocate
 * without bound. The content is always NUL-terminated for convenience. */
#ifndef S3E_BUF_H
#define S3E_BUF_H

#include <stddef.h>

struct s3e_buf {
    char  *data;   /* NUL-terminated; NULL until the first append */
    size_t len;    /* bytes used, not counting the NUL */
    size_t cap;    /* bytes allocated */
    size_t max;    /* refuse to grow past this many bytes (0 = unlimited) */
};

/* Initialise an empty buffer that will refuse to exceed `max` bytes. */
void s3e_buf_init(struct s3e_buf *b, size_t max);
/* Release the memory; the buffer is empty and reusable afterwards. */
void s3e_buf_free(struct s3e_buf *b);
/* Forget the content but keep the allocation. */
void s3e_buf_reset(struct s3e_buf *b);
/* Append bytes. Returns S3E_OK, S3E_ENOMEM, or S3E_ELIMIT past `max`. */
int s3e_buf_append(struct s3e_buf *b, const void *p, size_t n);
int s3e_buf_puts(struct s3e_buf *b, const char *s);
int s3e_buf_putc(struct s3e_buf *b, char c);
/* Append v in decimal: the writers of long listings call this per field,
 * where printf would cost more than the rest of the line. */
int s3e_buf_put_u64(struct s3e_buf *b, unsigned long long v);
/* printf-style append (vsnprintf underneath, never sprintf). */
int s3e_buf_printf(struct s3e_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Make sure at least `n` more bytes fit without reallocation. */
int s3e_buf_reserve(struct s3e_buf *b, size_t n);
/* The content as a C string ("" when empty, never NULL). */
const char *s3e_buf_cstr(const struct s3e_buf *b);

#endif
