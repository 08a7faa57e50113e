/* uri.c - URI encoding and decoding by S3's rules. */
#include "s3engine/uri.h"
#include "s3engine/error.h"

#include <stdlib.h>
#include <string.h>

static const char hex_upper[] = "0123456789ABCDEF";

/* Bytes that SigV4 and S3 leave as they are. */
static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

int s3e_uri_encode(struct s3e_buf *out, const char *s, size_t len, int keep_slash)
{
    /* Worst case triples the size: reserve once instead of growing per byte. */
    int rc = s3e_buf_reserve(out, len * 3);
    if (rc)
        return rc;
    char *w = out->data + out->len;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (unreserved(c) || (keep_slash && c == '/')) {
            *w++ = (char)c;
        } else {
            *w++ = '%';
            *w++ = hex_upper[c >> 4];
            *w++ = hex_upper[c & 15];
        }
    }
    out->len = (size_t)(w - out->data);
    out->data[out->len] = '\0';
    return S3E_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int s3e_uri_decode(struct s3e_buf *out, const char *s, size_t len, int plus_is_space)
{
    int rc = s3e_buf_reserve(out, len);
    if (rc)
        return rc;
    char *w = out->data + out->len;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return S3E_EPARSE;
            *w++ = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            *w++ = ' ';
        } else {
            *w++ = c;
        }
    }
    out->len = (size_t)(w - out->data);
    out->data[out->len] = '\0';
    return S3E_OK;
}

struct encoded_pair {
    const char *name;
    const char *value;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct encoded_pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

int s3e_uri_canonical_query(struct s3e_buf *out, const struct s3e_query_param *params, size_t n)
{
    if (n == 0)
        return S3E_OK;
    struct s3e_buf tmp;
    s3e_buf_init(&tmp, 0);
    struct encoded_pair *pairs = calloc(n, sizeof *pairs);
    size_t *offsets = calloc(n * 2, sizeof *offsets);
    int rc = (!pairs || !offsets) ? S3E_ENOMEM : S3E_OK;
    /* Encode everything into one buffer (NUL-separated), then point into it. */
    for (size_t i = 0; i < n && !rc; i++) {
        offsets[2 * i] = tmp.len;
        rc = s3e_uri_encode(&tmp, params[i].name, strlen(params[i].name), 0);
        if (!rc)
            rc = s3e_buf_putc(&tmp, '\0');
        offsets[2 * i + 1] = tmp.len;
        const char *v = params[i].value ? params[i].value : "";
        if (!rc)
            rc = s3e_uri_encode(&tmp, v, strlen(v), 0);
        if (!rc)
            rc = s3e_buf_putc(&tmp, '\0');
    }
    if (rc)
        goto done;
    for (size_t i = 0; i < n; i++) {
        pairs[i].name = tmp.data + offsets[2 * i];
        pairs[i].value = tmp.data + offsets[2 * i + 1];
    }
    qsort(pairs, n, sizeof *pairs, cmp_pair);
    for (size_t i = 0; i < n && !rc; i++)
        rc = s3e_buf_printf(out, "%s%s=%s", i ? "&" : "", pairs[i].name, pairs[i].value);
done:
    free(pairs);
    free(offsets);
    s3e_buf_free(&tmp);
    return rc;
}

int s3e_uri_copy_source(struct s3e_buf *out, const char *bucket, const char *key)
{
    int rc = s3e_buf_puts(out, bucket);
    if (!rc)
        rc = s3e_buf_putc(out, '/');
    if (!rc)
        rc = s3e_uri_encode(out, key, strlen(key), 1);
    return rc;
}

int s3e_uri_copy_source_version(struct s3e_buf *out, const char *bucket, const char *key,
                                const char *version)
{
    int rc = s3e_uri_copy_source(out, bucket, key);
    if (!rc && version && *version) {
        rc = s3e_buf_puts(out, "?versionId=");
        if (!rc)
            rc = s3e_uri_encode(out, version, strlen(version), 0);
    }
    return rc;
}

const char *s3e_uri_split_s3(const char *url, size_t *bucket_len, const char **rest)
{
    if (strncmp(url, "s3://", 5) != 0)
        return NULL;
    const char *b = url + 5, *slash = strchr(b, '/');
    *bucket_len = slash ? (size_t)(slash - b) : strlen(b);
    *rest = slash ? slash + 1 : "";
    return *bucket_len ? b : NULL;
}

int s3e_uri_bucket_key(const char *url, char *bucket, size_t blen, const char **rest)
{
    size_t n;
    const char *b = s3e_uri_split_s3(url, &n, rest);
    if (!b || n >= blen)
        return -1;
    memcpy(bucket, b, n);
    bucket[n] = '\0';
    return 0;
}
