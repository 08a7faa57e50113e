/* cred_json.c - the JSON documents credential sources answer with: a small
 * strict reader (objects, arrays, strings, numbers, literals) that pulls
 * out one member by its dotted path (a number picks an array element), and the field sets of each source. */
#include "cred_int.h"
#include "s3engine/error.h"
#include "s3engine/s3xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

struct reader {
    const char *p, *end;
    int depth;
    const char *span, *span_end; /* the text of the value asked for */
};

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int put_utf8(struct s3e_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 63)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 63));
        u[2] = (char)(0x80 | (cp & 63)); n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 63));
        u[2] = (char)(0x80 | ((cp >> 6) & 63)); u[3] = (char)(0x80 | (cp & 63)); n = 4;
    }
    return b ? s3e_buf_append(b, u, n) : 0;
}

static int hex4(struct reader *r, unsigned *out)
{
    if (r->end - r->p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *r->p++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* A string at r->p (the opening quote), decoded into b (NULL: skipped). */
static int string(struct reader *r, struct s3e_buf *b)
{
    r->p++;
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char)*r->p++;
        if (c < 0x20)
            return -1;
        if (c != '\\') {
            if (b && s3e_buf_putc(b, (char)c))
                return -1;
            continue;
        }
        if (r->p >= r->end)
            return -1;
        char e = *r->p++;
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *k = strchr(from, e);
        unsigned cp;
        if (e && k) {
            if (b && s3e_buf_putc(b, to[k - from]))
                return -1;
        } else if (e == 'u' && hex4(r, &cp) == 0) {
            unsigned lo;
            if (cp >= 0xD800 && cp < 0xDC00 && r->end - r->p >= 6 && r->p[0] == '\\' &&
                r->p[1] == 'u') {
                r->p += 2;
                if (hex4(r, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (put_utf8(b, cp))
                return -1;
        } else {
            return -1;
        }
    }
    if (r->p >= r->end)
        return -1;
    r->p++;
    return 0;
}

static int scalar(struct reader *r, struct s3e_buf *b)
{
    const char *s = r->p;
    while (r->p < r->end && *r->p && strchr("+-.0123456789eEtrufalsn", *r->p))
        r->p++;
    size_t n = (size_t)(r->p - s);
    int ok = (n == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "null", 4))) ||
             (n == 5 && !memcmp(s, "false", 5)) || (n > 0 && *s && strchr("-0123456789", *s));
    if (!ok)
        return -1;
    return b ? s3e_buf_append(b, s, n) : 0;
}

/* A value; when path is "" it is the one asked for and goes into out. */
static int value(struct reader *r, const char *path, struct s3e_buf *out, int *found);

static int object(struct reader *r, const char *path, struct s3e_buf *out, int *found)
{
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return 0;
    }
    const char *dot = path ? strchr(path, '.') : NULL;
    size_t head = path ? (dot ? (size_t)(dot - path) : strlen(path)) : 0;
    struct s3e_buf key;
    s3e_buf_init(&key, 4096);
    int rc = 0;
    for (;;) {
        skip_ws(r);
        s3e_buf_reset(&key);
        if (r->p >= r->end || *r->p != '"' || string(r, &key)) { rc = -1; break; }
        skip_ws(r);
        if (r->p >= r->end || *r->p++ != ':') { rc = -1; break; }
        int match = path && *path && key.len == head && memcmp(s3e_buf_cstr(&key), path, head) == 0;
        rc = value(r, match ? (dot ? dot + 1 : "") : NULL, out, found);
        if (rc)
            break;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') { r->p++; continue; }
        if (r->p < r->end && *r->p == '}') { r->p++; break; }
        rc = -1;
        break;
    }
    s3e_buf_free(&key);
    return rc;
}

/* path's first part, when all digits, picks the element at that index
 * ("files.0.key"); the other elements are skipped. */
static int array(struct reader *r, const char *path, struct s3e_buf *out, int *found)
{
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return 0;
    }
    const char *dot = path ? strchr(path, '.') : NULL;
    long want = -1;
    if (path && *path >= '0' && *path <= '9') {
        char *endp;
        want = strtol(path, &endp, 10);
        if (endp != (dot ? dot : path + strlen(path)))
            want = -1;
    }
    for (long i = 0;; i++) {
        if (value(r, i == want ? (dot ? dot + 1 : "") : NULL, out, found))
            return -1;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') { r->p++; continue; }
        if (r->p < r->end && *r->p == ']') { r->p++; return 0; }
        return -1;
    }
}

static int value(struct reader *r, const char *path, struct s3e_buf *out, int *found)
{
    skip_ws(r);
    if (r->p >= r->end || ++r->depth > MAX_DEPTH)
        return -1;
    int want = path && !*path, rc;
    int scalar_value = *r->p != '{' && *r->p != '[';
    if (want) {
        s3e_buf_reset(out); /* a repeated member: the last one counts */
        r->span = r->p;
    }
    if (*r->p == '{')
        rc = object(r, want ? NULL : path, out, found);
    else if (*r->p == '[')
        rc = array(r, want ? NULL : path, out, found);
    else if (*r->p == '"')
        rc = string(r, want ? out : NULL);
    else
        rc = scalar(r, want ? out : NULL);
    if (want && !rc) {
        *found = scalar_value; /* an object or array is not a value we can use */
        r->span_end = r->p;
    }
    r->depth--;
    return rc;
}

int cred_json_get(const char *json, size_t len, const char *path, struct s3e_buf *out)
{
    struct reader r = { json, json + len, 0, NULL, NULL };
    int found = 0;
    s3e_buf_reset(out);
    if (value(&r, path, out, &found))
        return -1;
    skip_ws(&r);
    if (r.p != r.end)
        return -1;
    return found;
}

int cred_json_span(const char *json, size_t len, const char *path, const char **start,
                   size_t *n)
{
    struct reader r = { json, json + len, 0, NULL, NULL };
    struct s3e_buf scratch;
    s3e_buf_init(&scratch, len + 1);
    int found = 0, rc = value(&r, path, &scratch, &found);
    s3e_buf_free(&scratch);
    skip_ws(&r);
    if (rc || r.p != r.end)
        return -1;
    if (!r.span)
        return 0;
    *start = r.span;
    *n = (size_t)(r.span_end - r.span);
    return 1;
}

int cred_json_element(const char *arr, size_t len, size_t *pos, const char **el, size_t *n)
{
    struct reader r = { arr + *pos, arr + len, 0, NULL, NULL };
    skip_ws(&r);
    if (*pos == 0) {
        if (r.p >= r.end || *r.p++ != '[')
            return -1;
        skip_ws(&r);
    }
    if (r.p < r.end && *r.p == ']')
        return 0;
    int found = 0;
    struct s3e_buf scratch;
    s3e_buf_init(&scratch, len + 1);
    int rc = value(&r, "", &scratch, &found);
    s3e_buf_free(&scratch);
    if (rc)
        return -1;
    *el = r.span;
    *n = (size_t)(r.span_end - r.span);
    skip_ws(&r);
    if (r.p < r.end && *r.p == ',')
        r.p++;
    else if (r.p >= r.end || *r.p != ']')
        return -1;
    *pos = (size_t)(r.p - arr);
    return 1;
}

/* The named members as owned strings (NULL when absent), expiration parsed. */
struct fields {
    const char *ak, *sk, *token, *expiration;
    int expiration_ms; /* SSO gives epoch milliseconds */
};

static int take(const char *json, size_t len, const struct fields *f, struct cred_set *out,
                const char *what, char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct s3e_buf v;
    s3e_buf_init(&v, 64 << 10);
    char **slots[3] = { &out->c.access_key, &out->c.secret_key, &out->c.session_token };
    const char *names[3] = { f->ak, f->sk, f->token };
    int rc = S3E_OK;
    for (int i = 0; i < 3 && !rc; i++) {
        int got = cred_json_get(json, len, names[i], &v);
        if (got < 0) {
            snprintf(errbuf, errlen, "%s: not valid JSON", what);
            rc = S3E_ECREDS;
        } else if (got && v.len) {
            rc = cred_dup(slots[i], s3e_buf_cstr(&v));
        } else if (i < 2) {
            snprintf(errbuf, errlen, "%s: no %s in the answer", what, names[i]);
            rc = S3E_ECREDS;
        }
    }
    if (!rc && f->expiration && cred_json_get(json, len, f->expiration, &v) == 1 && v.len) {
        int64_t t = f->expiration_ms ? strtoll(s3e_buf_cstr(&v), NULL, 10) / 1000
                                     : s3e_parse_time(s3e_buf_cstr(&v));
        if (t <= 0) {
            snprintf(errbuf, errlen, "%s: %s is not a time", what, f->expiration);
            rc = S3E_ECREDS;
        }
        out->expiration = (time_t)t;
    }
    s3e_buf_free(&v);
    if (rc)
        cred_set_clear(out);
    return rc;
}

int cred_json_process(const char *json, size_t len, struct cred_set *out, char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct s3e_buf v;
    s3e_buf_init(&v, 64);
    int got = cred_json_get(json, len, "Version", &v);
    int ok = got == 1 && strcmp(s3e_buf_cstr(&v), "1") == 0;
    s3e_buf_free(&v);
    if (!ok) {
        snprintf(errbuf, errlen, got < 0 ? "credential_process: its output is not valid JSON"
                                         : "credential_process: its output lacks \"Version\": 1");
        return S3E_ECREDS;
    }
    static const struct fields f = { "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", 0 };
    return take(json, len, &f, out, "credential_process", errbuf, errlen);
}

int cred_json_container(const char *json, size_t len, struct cred_set *out, char *errbuf, size_t errlen)
{
    static const struct fields f = { "AccessKeyId", "SecretAccessKey", "Token", "Expiration", 0 };
    return take(json, len, &f, out, "credentials endpoint", errbuf, errlen);
}

int cred_json_sso(const char *json, size_t len, struct cred_set *out, char *errbuf, size_t errlen)
{
    static const struct fields f = { "roleCredentials.accessKeyId", "roleCredentials.secretAccessKey",
                                     "roleCredentials.sessionToken", "roleCredentials.expiration", 1 };
    return take(json, len, &f, out, "SSO GetRoleCredentials", errbuf, errlen);
}

int cred_json_sso_token(const char *json, size_t len, char **token, time_t *expires,
                        char *errbuf, size_t errlen)
{
    struct s3e_buf v;
    s3e_buf_init(&v, 64 << 10);
    *token = NULL;
    int rc = S3E_OK;
    if (cred_json_get(json, len, "accessToken", &v) != 1 || !v.len) {
        snprintf(errbuf, errlen, "no accessToken in the SSO token cache");
        rc = S3E_ECREDS;
    }
    if (!rc)
        rc = cred_dup(token, s3e_buf_cstr(&v));
    if (!rc && cred_json_get(json, len, "expiresAt", &v) == 1)
        *expires = (time_t)s3e_parse_time(s3e_buf_cstr(&v));
    else if (!rc)
        *expires = 0;
    s3e_buf_free(&v);
    return rc;
}
