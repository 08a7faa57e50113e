/* buf.c - growable byte buffer with a maximum size. */
#include "s3engine/buf.h"
#include "s3engine/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void s3e_buf_init(struct s3e_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void s3e_buf_free(struct s3e_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void s3e_buf_reset(struct s3e_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int s3e_buf_reserve(struct s3e_buf *b, size_t n)
{
    size_t need = b->len + n + 1; /* +1 for the NUL */
    if (need < b->len)
        return S3E_ELIMIT;
    if (b->max && need - 1 > b->max)
        return S3E_ELIMIT;
    if (need <= b->cap)
        return S3E_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return S3E_ENOMEM;
    b->data = p;
    b->cap = cap;
    return S3E_OK;
}

int s3e_buf_append(struct s3e_buf *b, const void *p, size_t n)
{
    int rc = s3e_buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return S3E_OK;
}

int s3e_buf_puts(struct s3e_buf *b, const char *s)
{
    return s3e_buf_append(b, s, strlen(s));
}

int s3e_buf_putc(struct s3e_buf *b, char c)
{
    return s3e_buf_append(b, &c, 1);
}

int s3e_buf_put_u64(struct s3e_buf *b, unsigned long long v)
{
    char tmp[24];
    size_t n = sizeof tmp;
    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return s3e_buf_append(b, tmp + n, sizeof tmp - n);
}

int s3e_buf_printf(struct s3e_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return S3E_EINVAL;
    if ((size_t)n < sizeof small)
        return s3e_buf_append(b, small, (size_t)n);
    int rc = s3e_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return S3E_OK;
}

const char *s3e_buf_cstr(const struct s3e_buf *b)
{
    return b->data ? b->data : "";
}
