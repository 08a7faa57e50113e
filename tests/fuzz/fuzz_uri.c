/* fuzz_uri.c - libFuzzer target: URI encoding (engine/uri.c) and the SigV4
 * canonical request (engine/sigv4.c) built from a fuzzed key, query and headers.
 *
 * Input: byte 0 picks the number of query parameters; the rest, split at NUL
 * bytes, is the key, then name/value pairs for the query, then for headers.
 * Invariants: decode(encode(x)) == x; the encoded form has only unreserved
 * bytes and %XX (and '/' when kept); x-amz-copy-source is the request path; the canonical query is the sorted join of
 * the encoded pairs; the canonical request has its six parts, signed header
 * names sorted, unique and lower case, header values trimmed and collapsed. */
#include "fuzz_util.h"
#include "s3engine/buf.h"
#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/sigv4.h"
#include "s3engine/uri.h"

#define MAX_PARTS 41

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static int is_upper_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Every byte unreserved, '%' + two upper-case hex digits, or one of `also`. */
static void check_encoded(const char *e, size_t n, const char *also)
{
    for (size_t i = 0; i < n; i++) {
        if (e[i] == '%') {
            FUZZ_CHECK(i + 2 < n && is_upper_hex(e[i + 1]) && is_upper_hex(e[i + 2]),
                       "bad escape at %zu in '%.*s'", i, (int)n, e);
            i += 2;
        } else {
            FUZZ_CHECK(unreserved((unsigned char)e[i]) || (e[i] && strchr(also, e[i])),
                       "byte 0x%02x at %zu of '%.*s'", (unsigned char)e[i], i, (int)n, e);
        }
    }
}

static void check_round_trip(const char *s, size_t n)
{
    for (int keep_slash = 0; keep_slash < 2; keep_slash++) {
        struct s3e_buf enc, dec;
        s3e_buf_init(&enc, 0);
        s3e_buf_init(&dec, 0);
        FUZZ_CHECK(s3e_uri_encode(&enc, s, n, keep_slash) == S3E_OK, "encode failed");
        FUZZ_CHECK(enc.len >= n && enc.len <= 3 * n, "encoded %zu bytes as %zu", n, enc.len);
        check_encoded(s3e_buf_cstr(&enc), enc.len, keep_slash ? "/" : "");
        FUZZ_CHECK(s3e_uri_decode(&dec, s3e_buf_cstr(&enc), enc.len, 0) == S3E_OK,
                   "decode of encode failed");
        FUZZ_CHECK(dec.len == n && (n == 0 || memcmp(dec.data, s, n) == 0),
                   "decode(encode(x)) != x (%zu -> %zu bytes)", n, dec.len);
        s3e_buf_free(&enc);
        s3e_buf_free(&dec);
    }
    /* Decoding arbitrary text: when it succeeds, encoding and decoding the
     * result gives the result back. */
    for (int plus = 0; plus < 2; plus++) {
        struct s3e_buf dec, enc, again;
        s3e_buf_init(&dec, 0);
        s3e_buf_init(&enc, 0);
        s3e_buf_init(&again, 0);
        if (s3e_uri_decode(&dec, s, n, plus) == S3E_OK) {
            FUZZ_CHECK(dec.len <= n, "decoded %zu bytes to %zu", n, dec.len);
            FUZZ_CHECK(s3e_uri_encode(&enc, s3e_buf_cstr(&dec), dec.len, 0) == S3E_OK, "encode");
            FUZZ_CHECK(s3e_uri_decode(&again, s3e_buf_cstr(&enc), enc.len, plus) == S3E_OK,
                       "decode");
            FUZZ_CHECK(again.len == dec.len && memcmp(s3e_buf_cstr(&again), s3e_buf_cstr(&dec),
                                                      dec.len) == 0, "decode/encode drift");
        }
        s3e_buf_free(&dec);
        s3e_buf_free(&enc);
        s3e_buf_free(&again);
    }
}

struct pair {
    char *name, *value;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static char *encoded(const char *s)
{
    struct s3e_buf b;
    s3e_buf_init(&b, 0);
    FUZZ_CHECK(s3e_uri_encode(&b, s, strlen(s), 0) == S3E_OK, "encode");
    char *r = strdup(s3e_buf_cstr(&b));
    s3e_buf_free(&b);
    return r;
}

/* The canonical query against an independent join of the sorted encoded pairs. */
static void check_query(const struct s3e_query_param *q, size_t nq, struct s3e_buf *out)
{
    FUZZ_CHECK(s3e_uri_canonical_query(out, q, nq) == S3E_OK, "canonical query failed");
    check_encoded(s3e_buf_cstr(out), out->len, "=&");
    struct pair want[MAX_PARTS];
    for (size_t i = 0; i < nq; i++) {
        want[i].name = encoded(q[i].name);
        want[i].value = encoded(q[i].value ? q[i].value : "");
    }
    qsort(want, nq, sizeof want[0], cmp_pair);
    struct s3e_buf join;
    s3e_buf_init(&join, 0);
    for (size_t i = 0; i < nq; i++) {
        s3e_buf_printf(&join, "%s%s=%s", i ? "&" : "", want[i].name, want[i].value);
        free(want[i].name);
        free(want[i].value);
    }
    FUZZ_CHECK(strcmp(s3e_buf_cstr(&join), s3e_buf_cstr(out)) == 0, "query '%s', expected '%s'",
               s3e_buf_cstr(out), s3e_buf_cstr(&join));
    s3e_buf_free(&join);
}

/* Header names as a caller would pass them: token characters only. */
static void tokenise(char *name)
{
    size_t n = strlen(name);
    if (n > 100)
        name[n = 100] = '\0';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!unreserved(c) || c == '~' || c == '.')
            name[i] = (char)('a' + c % 26);
    }
}

/* "name:value" lines of the canonical request, checked one by one. */
static void check_header_lines(const char *p, const char *end, const char *signed_headers)
{
    char prev[128] = "";
    size_t names = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        FUZZ_CHECK(nl, "header line without end");
        const char *colon = memchr(p, ':', (size_t)(nl - p));
        FUZZ_CHECK(colon && colon > p && colon - p < (long)sizeof prev, "no name in '%.*s'",
                   (int)(nl - p), p);
        char name[128];
        memcpy(name, p, (size_t)(colon - p));
        name[colon - p] = '\0';
        for (const char *c = name; *c; c++)
            FUZZ_CHECK(!(*c >= 'A' && *c <= 'Z'), "upper case in '%s'", name);
        FUZZ_CHECK(strcmp(prev, name) < 0, "header '%s' after '%s'", name, prev);
        const char *v = colon + 1;
        size_t vn = (size_t)(nl - v);
        if (vn) {
            FUZZ_CHECK(v[0] != ' ' && v[0] != '\t' && v[vn - 1] != ' ' && v[vn - 1] != '\t',
                       "value '%.*s' not trimmed", (int)vn, v);
        }
        for (size_t i = 0; i + 1 < vn; i++)
            FUZZ_CHECK(!(v[i] == ' ' && v[i + 1] == ' '), "value '%.*s' not collapsed", (int)vn, v);
        FUZZ_CHECK(memchr(v, '\r', vn) == NULL && memchr(v, '\t', vn) == NULL,
                   "CR or TAB in value '%.*s'", (int)vn, v);
        snprintf(prev, sizeof prev, "%s", name);
        names++;
        p = nl + 1;
    }
    /* SignedHeaders lists the same names, in order. */
    size_t listed = *signed_headers ? 1 : 0;
    for (const char *c = signed_headers; *c; c++)
        listed += *c == ';';
    FUZZ_CHECK(listed == names, "%zu names in '%s', %zu header lines", listed, signed_headers,
               names);
}

static void check_request(const char *key, const char *query, const struct s3e_header *h,
                          size_t nh)
{
    struct s3e_buf path, creq, signed_headers, auth;
    s3e_buf_init(&path, 0);
    s3e_buf_init(&creq, 0);
    s3e_buf_init(&signed_headers, 0);
    s3e_buf_init(&auth, 0);
    FUZZ_CHECK(s3e_buf_puts(&path, "/bucket/") == S3E_OK &&
               s3e_uri_encode(&path, key, strlen(key), 1) == S3E_OK, "path");
    struct s3e_buf source;
    s3e_buf_init(&source, 0);
    FUZZ_CHECK(s3e_uri_copy_source(&source, "bucket", key) == S3E_OK, "copy source");
    FUZZ_CHECK(strcmp(s3e_buf_cstr(&source), s3e_buf_cstr(&path) + 1) == 0,
               "copy source '%s' for path '%s'", s3e_buf_cstr(&source), s3e_buf_cstr(&path));
    s3e_buf_free(&source);
    struct s3e_sigv4_input in = { "PUT", s3e_buf_cstr(&path), query, h, nh, S3E_UNSIGNED_PAYLOAD };
    int rc = s3e_sigv4_canonical_request(&in, &creq, &signed_headers);
    if (rc == S3E_ELIMIT) /* too many headers or too long a name */
        goto done;
    FUZZ_CHECK(rc == S3E_OK, "canonical request: %d", rc);
    const char *c = s3e_buf_cstr(&creq), *end = c + creq.len;
    struct s3e_buf head;
    s3e_buf_init(&head, 0);
    s3e_buf_printf(&head, "PUT\n%s\n%s\n", s3e_buf_cstr(&path), query);
    FUZZ_CHECK(strncmp(c, head.data, head.len) == 0, "request starts '%.*s'", (int)head.len, c);
    const char *hdrs = c + head.len;
    s3e_buf_free(&head);
    struct s3e_buf tail;
    s3e_buf_init(&tail, 0);
    s3e_buf_printf(&tail, "\n%s\n%s", s3e_buf_cstr(&signed_headers), S3E_UNSIGNED_PAYLOAD);
    FUZZ_CHECK(creq.len >= head.len + tail.len && memcmp(end - tail.len, tail.data, tail.len) == 0,
               "request ends '%s'", c);
    check_header_lines(hdrs, end - tail.len, s3e_buf_cstr(&signed_headers));
    s3e_buf_free(&tail);

    struct s3e_sigv4_cache cache;
    memset(&cache, 0, sizeof cache);
    struct s3e_creds creds = { "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL };
    FUZZ_CHECK(s3e_sigv4_authorization(&cache, &creds, "us-east-1", "s3", "20240101T000000Z",
                                       &in, &auth) == S3E_OK, "authorization");
    const char *sig = strstr(s3e_buf_cstr(&auth), ",Signature=");
    FUZZ_CHECK(sig && strlen(sig + 11) == 64 && strspn(sig + 11, "0123456789abcdef") == 64,
               "authorization '%s'", s3e_buf_cstr(&auth));
done:
    s3e_buf_free(&path);
    s3e_buf_free(&creq);
    s3e_buf_free(&signed_headers);
    s3e_buf_free(&auth);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 4096)
        return 0;
    check_round_trip((const char *)data + 1, size - 1);

    char *buf, *parts[MAX_PARTS];
    size_t lens[MAX_PARTS];
    size_t n = fuzz_split(data + 1, size - 1, &buf, parts, lens, MAX_PARTS);
    size_t nq = data[0] % 8, i = 1;
    if (nq > (n - 1 + 1) / 2)
        nq = (n - 1 + 1) / 2;
    struct s3e_query_param q[MAX_PARTS];
    for (size_t k = 0; k < nq; k++, i += 2) {
        q[k].name = parts[i];
        /* a value of "\x01" stands for a bare name ("?uploads") */
        q[k].value = i + 1 >= n || strcmp(parts[i + 1], "\x01") == 0 ? NULL : parts[i + 1];
    }
    struct s3e_buf query;
    s3e_buf_init(&query, 0);
    check_query(q, nq, &query);

    struct s3e_header h[MAX_PARTS];
    size_t nh = 0;
    for (; i + 1 < n; i += 2, nh++) {
        tokenise(parts[i]);
        h[nh].name = *parts[i] ? parts[i] : "x-amz-empty";
        h[nh].value = parts[i + 1];
    }
    check_request(parts[0], s3e_buf_cstr(&query), h, nh);

    s3e_buf_free(&query);
    free(buf);
    return 0;
}
