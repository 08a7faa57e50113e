/* sigv4.c - AWS Signature Version 4, in testable stages. */
#include "s3engine/sigv4.h"
#include "s3engine/error.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char hex_lower[] = "0123456789abcdef";

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_lower[in[i] >> 4];
        out[2 * i + 1] = hex_lower[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void s3e_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md);
    to_hex(md, sizeof md, out);
}

static void hmac(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char out[32])
{
    unsigned int n = 32;
    HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &n);
}

void s3e_sigv4_signing_key(const char *secret, const char *date8, const char *region,
                           const char *service, unsigned char out[32])
{
    char k[256];
    int n = snprintf(k, sizeof k, "AWS4%s", secret);
    unsigned char a[32], b[32];
    hmac(k, (size_t)(n < (int)sizeof k ? n : (int)sizeof k - 1), date8, strlen(date8), a);
    hmac(a, 32, region, strlen(region), b);
    hmac(b, 32, service, strlen(service), a);
    hmac(a, 32, "aws4_request", 12, out);
    memset(k, 0, sizeof k); /* the secret does not linger on the stack */
}

void s3e_sigv4_amz_date(time_t t, char out[17])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* A header prepared for signing: lower-case name, trimmed value. */
struct canon_header {
    char name[128];
    const char *value;
    size_t value_len;
    size_t order;
};

static int cmp_header(const void *a, const void *b)
{
    const struct canon_header *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Append a header value trimmed, with inner runs of blanks collapsed to one
 * space; the same blanks at both ends and inside. */
static int put_trimmed(struct s3e_buf *out, const char *v, size_t len)
{
    size_t i = 0;
    while (i < len && is_blank(v[i]))
        i++;
    while (len > i && is_blank(v[len - 1]))
        len--;
    int space = 0;
    int rc = S3E_OK;
    for (; i < len && !rc; i++) {
        char c = v[i];
        if (is_blank(c)) {
            space = 1;
            continue;
        }
        if (space)
            rc = s3e_buf_putc(out, ' ');
        space = 0;
        if (!rc)
            rc = s3e_buf_putc(out, c);
    }
    return rc;
}

#define MAX_SIGNED_HEADERS 64

static int canonical_headers(const struct s3e_sigv4_input *in, struct s3e_buf *creq,
                             struct s3e_buf *signed_headers)
{
    struct canon_header hs[MAX_SIGNED_HEADERS];
    if (in->nheaders > MAX_SIGNED_HEADERS)
        return S3E_ELIMIT;
    for (size_t i = 0; i < in->nheaders; i++) {
        size_t n = strlen(in->headers[i].name);
        if (n >= sizeof hs[i].name)
            return S3E_ELIMIT;
        for (size_t j = 0; j < n; j++) {
            char c = in->headers[i].name[j];
            hs[i].name[j] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        hs[i].name[n] = '\0';
        hs[i].value = in->headers[i].value;
        hs[i].value_len = strlen(in->headers[i].value);
        hs[i].order = i;
    }
    qsort(hs, in->nheaders, sizeof hs[0], cmp_header);
    int rc = S3E_OK;
    for (size_t i = 0; i < in->nheaders && !rc; i++) {
        int same = i > 0 && strcmp(hs[i].name, hs[i - 1].name) == 0;
        if (same) { /* duplicate names: values joined with ',' */
            rc = s3e_buf_putc(creq, ',');
        } else {
            if (i > 0)
                rc = s3e_buf_putc(creq, '\n');
            if (!rc)
                rc = s3e_buf_printf(creq, "%s:", hs[i].name);
            if (!rc && signed_headers->len)
                rc = s3e_buf_putc(signed_headers, ';');
            if (!rc)
                rc = s3e_buf_puts(signed_headers, hs[i].name);
        }
        if (!rc)
            rc = put_trimmed(creq, hs[i].value, hs[i].value_len);
    }
    if (!rc && in->nheaders)
        rc = s3e_buf_putc(creq, '\n');
    return rc;
}

int s3e_sigv4_canonical_request(const struct s3e_sigv4_input *in, struct s3e_buf *out_creq,
                                struct s3e_buf *out_signed_headers)
{
    s3e_buf_reset(out_creq);
    s3e_buf_reset(out_signed_headers);
    int rc = s3e_buf_printf(out_creq, "%s\n%s\n%s\n", in->method,
                            in->canonical_uri && *in->canonical_uri ? in->canonical_uri : "/",
                            in->canonical_query ? in->canonical_query : "");
    if (!rc)
        rc = canonical_headers(in, out_creq, out_signed_headers);
    if (!rc)
        rc = s3e_buf_printf(out_creq, "\n%s\n%s", s3e_buf_cstr(out_signed_headers),
                            in->payload_hash);
    return rc;
}

int s3e_sigv4_string_to_sign(const char *amz_date, const char *scope, const char *creq,
                             size_t creq_len, struct s3e_buf *out)
{
    char hash[65];
    s3e_sha256_hex(creq, creq_len, hash);
    s3e_buf_reset(out);
    return s3e_buf_printf(out, "AWS4-HMAC-SHA256\n%s\n%s\n%s", amz_date, scope, hash);
}

/* Refresh the cached signing key when the day, region, service or key changes. */
static void cached_key(struct s3e_sigv4_cache *c, const struct s3e_creds *creds,
                       const char *date8, const char *region, const char *service)
{
    if (strcmp(c->date, date8) == 0 && strcmp(c->region, region) == 0 &&
        strcmp(c->service, service) == 0 && strcmp(c->access_key, creds->access_key) == 0)
        return;
    s3e_sigv4_signing_key(creds->secret_key, date8, region, service, c->key);
    snprintf(c->date, sizeof c->date, "%s", date8);
    snprintf(c->region, sizeof c->region, "%s", region);
    snprintf(c->service, sizeof c->service, "%s", service);
    snprintf(c->access_key, sizeof c->access_key, "%s", creds->access_key);
}

int s3e_sigv4_authorization(struct s3e_sigv4_cache *cache, const struct s3e_creds *creds,
                            const char *region, const char *service, const char *amz_date,
                            const struct s3e_sigv4_input *in, struct s3e_buf *out)
{
    struct s3e_buf creq, signed_headers, sts;
    s3e_buf_init(&creq, 0);
    s3e_buf_init(&signed_headers, 0);
    s3e_buf_init(&sts, 0);
    char date8[9], scope[160], sig_hex[65];
    unsigned char sig[32];
    memcpy(date8, amz_date, 8);
    date8[8] = '\0';
    snprintf(scope, sizeof scope, "%s/%s/%s/aws4_request", date8, region, service);
    int rc = s3e_sigv4_canonical_request(in, &creq, &signed_headers);
    if (!rc)
        rc = s3e_sigv4_string_to_sign(amz_date, scope, creq.data, creq.len, &sts);
    if (rc)
        goto done;
    cached_key(cache, creds, date8, region, service);
    hmac(cache->key, 32, sts.data, sts.len, sig);
    to_hex(sig, 32, sig_hex);
    s3e_buf_reset(out);
    rc = s3e_buf_printf(out, "AWS4-HMAC-SHA256 Credential=%s/%s,SignedHeaders=%s,Signature=%s",
                        creds->access_key, scope, s3e_buf_cstr(&signed_headers), sig_hex);
done:
    s3e_buf_free(&creq);
    s3e_buf_free(&signed_headers);
    s3e_buf_free(&sts);
    return rc;
}
