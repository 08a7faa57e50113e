/* list_xml.c - listing pages read by a scanner (see list_xml.h for why and
 * what it leaves to libxml2).
 *
 * Two passes: the first checks the whole document and notes where each
 * entry's field texts are; only a document that passed is handed on, entry
 * by entry, through s3e_xml_list_entry (the same code the libxml2 reader
 * ends in). So a page handed to libxml2 never had an entry seen before. */
#include "list_xml.h"
#include "s3engine/error.h"
#include "s3engine/s3xml.h"
#include "s3engine/uri.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OTHER 1      /* not read here: libxml2's turn */
#define MAX_DEPTH 64 /* libxml2 allows 256; S3 pages nest 3 deep */

enum field { F_KEY, F_SIZE, F_ETAG, F_MODIFIED, F_CLASS, F_VERSION, F_LATEST, F_PREFIX, NFIELD };
enum top { T_TRUNCATED, T_TOKEN, T_ENCODING, T_NEXT_KEY, T_NEXT_VERSION, NTOP };
enum mode { M_OBJECTS, M_VERSIONS, M_PREFIXES };

/* A field's raw text in the body: offset and length (bodies are < 2 GiB). */
struct span {
    uint32_t off, len;
};

struct entry {
    struct span f[NFIELD];
    uint16_t set;  /* fields seen (the first of a name counts, as libxml2's reader takes) */
    uint16_t amp;  /* fields holding a reference to decode */
    uint8_t kind;  /* enum s3e_listed_kind */
};

struct scan {
    const char *body, *end;
    enum mode mode;
    struct span top[NTOP];
    uint16_t top_set, top_amp;
    struct entry *e;
    size_t n, cap;
};

/* ---- characters ------------------------------------------------------------------- */

enum { C_PLAIN, C_LT, C_AMP, C_CR, C_RSQB, C_HIGH, C_BAD };

/* What each byte is in character data (C_PLAIN: itself, blanks included).
 * Control bytes other than tab, line feed and carriage return are not XML
 * characters at all. */
static const uint8_t cls[256] = {
    [0 ... 8] = C_BAD, [11 ... 12] = C_BAD, ['\r'] = C_CR, [14 ... 31] = C_BAD,
    ['<'] = C_LT, ['&'] = C_AMP, [']'] = C_RSQB, [128 ... 255] = C_HIGH,
};

#define TX_AMP 2u  /* a reference */
#define TX_CR 4u   /* a carriage return (an XML parser turns it into a line feed) */

static int xml_char(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* One UTF-8 sequence at p (a byte >= 0x80): past it, or NULL when it is not
 * well-formed UTF-8 (overlong, a surrogate, past U+10FFFF, cut) or not an
 * XML character (U+FFFE, U+FFFF). */
static const char *utf8_char(const char *p, const char *end)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t room = (size_t)(end - p);
    unsigned c = u[0];
    if (c >= 0xC2 && c <= 0xDF)
        return room >= 2 && (u[1] & 0xC0) == 0x80 ? p + 2 : NULL;
    if (c >= 0xE0 && c <= 0xEF) {
        if (room < 3 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
            return NULL;
        if ((c == 0xE0 && u[1] < 0xA0) || (c == 0xED && u[1] > 0x9F))
            return NULL;
        if (c == 0xEF && u[1] == 0xBF && u[2] >= 0xBE)
            return NULL;
        return p + 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (room < 4 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80 || (u[3] & 0xC0) != 0x80)
            return NULL;
        if ((c == 0xF0 && u[1] < 0x90) || (c == 0xF4 && u[1] > 0x8F))
            return NULL;
        return p + 4;
    }
    return NULL;
}

/* A reference at p ('&'): its character in *out (up to 4 bytes of UTF-8,
 * *out_len), and past its ';'. NULL for one the scanner leaves to libxml2:
 * another named entity, a number that is no XML character, bad syntax. */
static const char *reference(const char *p, const char *end, char out[4], size_t *out_len)
{
    static const struct {
        const char *name;
        char c;
    } named[] = { { "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' }, { "quot;", '"' },
                  { "apos;", '\'' } };
    p++;
    if (p < end && *p == '#') {
        uint32_t v = 0;
        int hex = ++p < end && *p == 'x', digits = 0;
        for (p += hex; p < end && *p != ';'; p++, digits++) {
            unsigned d;
            if (*p >= '0' && *p <= '9')
                d = (unsigned)(*p - '0');
            else if (hex && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f'))
                d = (unsigned)((*p | 0x20) - 'a' + 10);
            else
                return NULL;
            v = v * (hex ? 16 : 10) + d;
            if (v > 0x10FFFF)
                return NULL;
        }
        if (p >= end || !digits || !xml_char(v))
            return NULL;
        unsigned char *o = (unsigned char *)out;
        if (v < 0x80) {
            o[0] = (unsigned char)v;
            *out_len = 1;
        } else if (v < 0x800) {
            o[0] = (unsigned char)(0xC0 | v >> 6);
            o[1] = (unsigned char)(0x80 | (v & 0x3F));
            *out_len = 2;
        } else if (v < 0x10000) {
            o[0] = (unsigned char)(0xE0 | v >> 12);
            o[1] = (unsigned char)(0x80 | (v >> 6 & 0x3F));
            o[2] = (unsigned char)(0x80 | (v & 0x3F));
            *out_len = 3;
        } else {
            o[0] = (unsigned char)(0xF0 | v >> 18);
            o[1] = (unsigned char)(0x80 | (v >> 12 & 0x3F));
            o[2] = (unsigned char)(0x80 | (v >> 6 & 0x3F));
            o[3] = (unsigned char)(0x80 | (v & 0x3F));
            *out_len = 4;
        }
        return p + 1;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t n = strlen(named[i].name);
        if ((size_t)(end - p) >= n && memcmp(p, named[i].name, n) == 0) {
            out[0] = named[i].c;
            *out_len = 1;
            return p + n;
        }
    }
    return NULL;
}

/* Character data from p up to the next '<' (returned), checked; *flags
 * TX_*. NULL when it holds what libxml2 must judge, or the body ends. */
static const char *char_data(const char *p, const char *end, unsigned *flags)
{
    unsigned f = 0;
    while (p < end) {
        switch (cls[(unsigned char)*p]) {
        case C_PLAIN:
            p++;
            while (p < end && cls[(unsigned char)*p] == C_PLAIN)
                p++;
            break;
        case C_LT:
            *flags = f;
            return p;
        case C_AMP: {
            char c[4];
            size_t n;
            if (!(p = reference(p, end, c, &n)))
                return NULL;
            f |= TX_AMP;
            break;
        }
        case C_CR:
            f |= TX_CR;
            p++;
            break;
        case C_RSQB: /* "]]>" may not appear in character data */
            if (end - p >= 3 && p[1] == ']' && p[2] == '>')
                return NULL;
            p++;
            break;
        case C_HIGH:
            if (!(p = utf8_char(p, end)))
                return NULL;
            break;
        default:
            return NULL;
        }
    }
    return NULL;
}

/* ---- markup ----------------------------------------------------------------------- */

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *blanks(const char *p, const char *end)
{
    while (p < end && blank(*p))
        p++;
    return p;
}

/* An element name in plain ASCII (no namespace prefix): past it, or NULL. */
static const char *name_end(const char *p, const char *end)
{
    if (p >= end || (!((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') && *p != '_'))
        return NULL;
    for (p++; p < end; p++) {
        char c = *p;
        if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9') && c != '_' &&
            c != '-' && c != '.')
            break;
    }
    return p < end ? p : NULL;
}

static int is(const char *p, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(p, name, n) == 0;
}

/* A quoted attribute value at p ("..." or '...') of plain characters: past
 * its closing quote, or NULL. The value itself is not needed. */
static const char *quoted(const char *p, const char *end, const char **value, size_t *value_len)
{
    if (p >= end || (*p != '"' && *p != '\''))
        return NULL;
    char q = *p++;
    const char *s = p;
    while (p < end && *p != q) {
        int c = cls[(unsigned char)*p];
        if (c == C_PLAIN || c == C_RSQB)
            p++;
        else if (c == C_HIGH && (p = utf8_char(p, end)) != NULL)
            continue;
        else
            return NULL;
    }
    if (p >= end)
        return NULL;
    if (value) {
        *value = s;
        *value_len = (size_t)(p - s);
    }
    return p + 1;
}

/* name = value, after blanks: past the value, or NULL. */
static const char *attribute(const char *p, const char *end, const char *name, const char **value,
                             size_t *value_len)
{
    size_t n = strlen(name);
    if ((size_t)(end - p) < n || memcmp(p, name, n) != 0)
        return NULL;
    p = blanks(p + n, end);
    if (p >= end || *p != '=')
        return NULL;
    return quoted(blanks(p + 1, end), end, value, value_len);
}

/* The prolog: a byte order mark, an XML declaration of version 1.0 in
 * UTF-8, blanks. Returns the root's '<', or NULL for anything else. */
static const char *prolog(const char *p, const char *end)
{
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (end - p >= 6 && memcmp(p, "<?xml", 5) == 0 && blank(p[5])) {
        const char *v;
        size_t vn;
        p = attribute(blanks(p + 5, end), end, "version", &v, &vn);
        /* XML 1.x: a 1.0 processor reads any 1.x declaration as 1.0 */
        if (!p || vn != 3 || v[0] != '1' || v[1] != '.' || !isdigit((unsigned char)v[2]))
            return NULL;
        const char *q = blanks(p, end);
        if (q > p && (p = attribute(q, end, "encoding", &v, &vn)) != NULL) {
            if (vn != 5 || strncasecmp(v, "utf-8", 5) != 0)
                return NULL;
            q = blanks(p, end);
        }
        if (q > p && (p = attribute(q, end, "standalone", &v, &vn)) != NULL) {
            if (!(vn == 3 && memcmp(v, "yes", 3) == 0) && !(vn == 2 && memcmp(v, "no", 2) == 0))
                return NULL;
            q = blanks(p, end);
        }
        if (end - q < 2 || memcmp(q, "?>", 2) != 0)
            return NULL;
        p = q + 2;
    }
    p = blanks(p, end);
    return p < end && *p == '<' ? p : NULL;
}

/* ---- the document ----------------------------------------------------------------- */

static const char *const field_names[NFIELD] = { "Key", "Size", "ETag", "LastModified",
                                                 "StorageClass", "VersionId", "IsLatest",
                                                 "Prefix" };
static const char *const top_names[NTOP] = { "IsTruncated", "NextContinuationToken",
                                             "EncodingType", "NextKeyMarker",
                                             "NextVersionIdMarker" };

/* The entry kind an element named [p, p+n) starts in this mode, or -1. */
static int entry_kind(enum mode m, const char *p, size_t n)
{
    if (m == M_OBJECTS)
        return is(p, n, "Contents") ? S3E_LISTED_OBJECT : -1;
    if (m == M_PREFIXES)
        return is(p, n, "CommonPrefixes") ? S3E_LISTED_OBJECT : -1;
    if (is(p, n, "Version"))
        return S3E_LISTED_VERSION;
    return is(p, n, "DeleteMarker") ? S3E_LISTED_DELETE_MARKER : -1;
}

static int lookup(const char *const *names, int count, const char *p, size_t n)
{
    for (int i = 0; i < count; i++)
        if (is(p, n, names[i]))
            return i;
    return -1;
}

enum role { R_ROOT, R_ENTRY, R_FIELD, R_TOP, R_OTHER };

struct frame {
    const char *name;
    uint32_t len;
    uint8_t role;
    int8_t which; /* the field or top-level text it captures */
};

static struct entry *new_entry(struct scan *s, int kind)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct entry *e = realloc(s->e, cap * sizeof *e);
        if (!e)
            return NULL;
        s->e = e;
        s->cap = cap;
    }
    struct entry *e = &s->e[s->n++];
    e->set = e->amp = 0;
    e->kind = (uint8_t)kind;
    return e;
}

/* A captured text [t, lt) with flags fl into a span; OTHER when an XML
 * parser would change it (a carriage return becomes a line feed). A text of
 * blanks only is kept: libxml2 drops blanks between elements, never the
 * whole content of one that holds no element. */
static int capture(struct scan *s, struct span *sp, uint16_t *set, uint16_t *amp, int which,
                   const char *t, const char *lt, unsigned fl)
{
    if (fl & TX_CR)
        return OTHER;
    sp->off = (uint32_t)(t - s->body);
    sp->len = (uint32_t)(lt - t);
    *set |= (uint16_t)(1u << which);
    if (fl & TX_AMP)
        *amp |= (uint16_t)(1u << which);
    return 0;
}

/* The first pass: S3E_OK with s filled, OTHER, or S3E_ENOMEM. */
static int scan_page(struct scan *s, const char *body, size_t len, enum mode mode,
                     const char *root_name)
{
    memset(s, 0, sizeof *s);
    s->body = body;
    s->end = body + len;
    s->mode = mode;
    if (!body || len == 0 || len > 0x7fffffff)
        return OTHER;
    const char *end = s->end, *p = prolog(body, end);
    if (!p)
        return OTHER;
    struct frame st[MAX_DEPTH];
    int depth = 0;
    for (;;) {
        /* p is at '<' */
        p++;
        if (p >= end)
            return OTHER;
        struct frame *f = depth ? &st[depth - 1] : NULL;
        if (*p == '/') {
            if (!f)
                return OTHER;
            const char *ne = name_end(p + 1, end);
            if (!ne || (size_t)(ne - p - 1) != f->len || memcmp(p + 1, f->name, f->len) != 0)
                return OTHER;
            p = blanks(ne, end);
            if (p >= end || *p != '>')
                return OTHER;
            p++;
            if (--depth == 0)
                break;
        } else {
            if (f && (f->role == R_FIELD || f->role == R_TOP))
                return OTHER; /* an element inside a text we read */
            const char *ne = name_end(p, end);
            if (!ne)
                return OTHER; /* a comment, CDATA, a PI, a prefix, a name beyond ASCII */
            size_t n = (size_t)(ne - p);
            struct frame nf = { p, (uint32_t)n, R_OTHER, -1 };
            int k;
            if (!f) {
                if (!is(p, n, root_name))
                    return OTHER;
                nf.role = R_ROOT;
            } else if (f->role == R_ROOT && (k = entry_kind(mode, p, n)) >= 0) {
                if (!new_entry(s, k))
                    return S3E_ENOMEM;
                nf.role = R_ENTRY;
            } else if (f->role == R_ROOT && (k = lookup(top_names, NTOP, p, n)) >= 0) {
                if (!(s->top_set & (1u << k)))
                    nf.role = R_TOP, nf.which = (int8_t)k;
            } else if (f->role == R_ENTRY && (k = lookup(field_names, NFIELD, p, n)) >= 0) {
                if (!(s->e[s->n - 1].set & (1u << k)))
                    nf.role = R_FIELD, nf.which = (int8_t)k;
            }
            p = blanks(ne, end);
            if (nf.role == R_ROOT && p > ne && p < end && *p == 'x') {
                p = attribute(p, end, "xmlns", NULL, NULL); /* the one attribute S3 sends */
                if (!p)
                    return OTHER;
                p = blanks(p, end);
            }
            if (end - p >= 2 && p[0] == '/' && p[1] == '>') {
                p += 2; /* empty: a text read as "" */
                if (nf.role == R_FIELD)
                    s->e[s->n - 1].set |= (uint16_t)(1u << nf.which);
                else if (nf.role == R_TOP)
                    s->top_set |= (uint16_t)(1u << nf.which);
                else if (nf.role == R_ROOT)
                    break;
            } else if (p < end && *p == '>') {
                p++;
                if (depth == MAX_DEPTH)
                    return OTHER;
                st[depth++] = nf;
            } else {
                return OTHER;
            }
        }
        /* the text up to the next tag */
        unsigned fl;
        const char *lt = char_data(p, end, &fl);
        if (!lt)
            return OTHER;
        f = &st[depth - 1];
        if (f->role == R_FIELD) {
            struct entry *e = &s->e[s->n - 1];
            if (capture(s, &e->f[f->which], &e->set, &e->amp, f->which, p, lt, fl))
                return OTHER;
        } else if (f->role == R_TOP) {
            if (capture(s, &s->top[f->which], &s->top_set, &s->top_amp, f->which, p, lt, fl))
                return OTHER;
        }
        p = lt;
    }
    /* after the root: blanks only */
    return blanks(p, end) == end ? S3E_OK : OTHER;
}

/* ---- the second pass ---------------------------------------------------------------- */

/* A span's text decoded at out, NUL-terminated; returns past the NUL. The
 * text passed the first pass, so every reference is one of ours. */
static char *decode(const char *body, struct span sp, int has_amp, char *out)
{
    const char *p = body + sp.off, *end = p + sp.len;
    if (!has_amp) {
        memcpy(out, p, sp.len);
        out += sp.len;
    } else {
        while (p < end) {
            const char *amp = memchr(p, '&', (size_t)(end - p));
            size_t run = (size_t)((amp ? amp : end) - p);
            memcpy(out, p, run);
            out += run;
            p += run;
            if (amp) {
                size_t n;
                p = reference(p, end, out, &n);
                out += n;
            }
        }
    }
    *out++ = '\0';
    return out;
}

/* The texts of entry e (or the top-level ones) decoded into buf: texts[i]
 * "" for an absent field. A decoded text is never longer than its source. */
static int decode_all(const struct scan *s, const struct span *sp, uint16_t set, uint16_t amp,
                      int count, struct s3e_buf *buf, const char **texts)
{
    size_t need = 0;
    for (int i = 0; i < count; i++)
        if (set & (1u << i))
            need += sp[i].len + 1;
    s3e_buf_reset(buf);
    if (s3e_buf_reserve(buf, need + 1))
        return S3E_ENOMEM;
    char *o = buf->data;
    for (int i = 0; i < count; i++) {
        if (!(set & (1u << i))) {
            texts[i] = "";
            continue;
        }
        texts[i] = o;
        o = decode(s->body, sp[i], (amp >> i) & 1, o);
    }
    return S3E_OK;
}

/* The page's url_encoded as its EncodingType says (as the libxml2 reader). */
static int page_url_encoded(const char *enc, int asked)
{
    return asked && (!*enc || strcmp(enc, "url") == 0);
}

static int entries(const struct scan *s, int url_encoded, s3e_list_fn fn, void *ud,
                   struct s3e_buf *buf, char *why, size_t why_len)
{
    struct s3e_buf key;
    s3e_buf_init(&key, 0);
    int rc = S3E_OK;
    for (size_t i = 0; i < s->n && !rc; i++) {
        const struct entry *e = &s->e[i];
        const char *t[NFIELD];
        rc = decode_all(s, e->f, e->set, e->amp, NFIELD, buf, t);
        if (rc)
            break;
        struct s3e_list_texts lt = { (enum s3e_listed_kind)e->kind, t[F_KEY], t[F_SIZE],
                                     t[F_ETAG], t[F_MODIFIED], t[F_CLASS], t[F_VERSION],
                                     t[F_LATEST] };
        rc = s3e_xml_list_entry(&lt, url_encoded, &key, fn, ud, why, why_len);
    }
    s3e_buf_free(&key);
    return rc;
}

/* The first pass in mode, and the top-level texts decoded into tops. OTHER
 * (libxml2's turn), S3E_ENOMEM or S3E_OK; s->e is freed by the caller. */
static int scan_with_tops(struct scan *s, const char *body, size_t len, enum mode mode,
                          const char *root_name, struct s3e_buf *tops, const char *top[NTOP])
{
    int rc = scan_page(s, body, len, mode, root_name);
    return rc ? rc : decode_all(s, s->top, s->top_set, s->top_amp, NTOP, tops, top);
}

int s3e_xml_parse_list_page(const char *body, size_t len, int url_encoded, s3e_list_fn fn,
                            void *ud, int *out_truncated, struct s3e_buf *out_next_token,
                            char *why, size_t why_len)
{
    struct scan s;
    struct s3e_buf tops, buf;
    s3e_buf_init(&tops, 0);
    s3e_buf_init(&buf, 0);
    const char *top[NTOP];
    int rc = scan_with_tops(&s, body, len, M_OBJECTS, "ListBucketResult", &tops, top);
    if (rc == OTHER) {
        rc = s3e_xml_tree_list_page(body, len, url_encoded, fn, ud, out_truncated,
                                    out_next_token, why, why_len);
    } else if (!rc) {
        rc = entries(&s, page_url_encoded(top[T_ENCODING], url_encoded), fn, ud, &buf, why,
                     why_len);
        *out_truncated = strcmp(top[T_TRUNCATED], "true") == 0;
        s3e_buf_reset(out_next_token);
        if (!rc)
            rc = s3e_buf_puts(out_next_token, top[T_TOKEN]);
    }
    s3e_buf_free(&tops);
    s3e_buf_free(&buf);
    free(s.e);
    return rc;
}

int s3e_xml_parse_versions_page(const char *body, size_t len, int url_encoded, s3e_list_fn fn,
                                void *ud, int *out_truncated, struct s3e_buf *out_next_key,
                                struct s3e_buf *out_next_version, char *why, size_t why_len)
{
    struct scan s;
    struct s3e_buf tops, buf;
    s3e_buf_init(&tops, 0);
    s3e_buf_init(&buf, 0);
    const char *top[NTOP];
    int rc = scan_with_tops(&s, body, len, M_VERSIONS, "ListVersionsResult", &tops, top);
    if (rc == OTHER) {
        rc = s3e_xml_tree_versions_page(body, len, url_encoded, fn, ud, out_truncated,
                                        out_next_key, out_next_version, why, why_len);
    } else if (!rc) {
        url_encoded = page_url_encoded(top[T_ENCODING], url_encoded);
        rc = entries(&s, url_encoded, fn, ud, &buf, why, why_len);
        if (!rc) {
            *out_truncated = strcmp(top[T_TRUNCATED], "true") == 0;
            s3e_buf_reset(out_next_key);
            s3e_buf_reset(out_next_version);
            const char *nk = top[T_NEXT_KEY];
            rc = url_encoded ? s3e_uri_decode(out_next_key, nk, strlen(nk), 1)
                             : s3e_buf_puts(out_next_key, nk);
        }
        if (!rc)
            rc = s3e_buf_puts(out_next_version, top[T_NEXT_VERSION]);
    }
    s3e_buf_free(&tops);
    s3e_buf_free(&buf);
    free(s.e);
    return rc;
}

int s3e_xml_parse_list_prefixes(const char *body, size_t len, int url_encoded,
                                s3e_prefix_fn fn, void *ud, int *out_truncated)
{
    struct scan s;
    struct s3e_buf tops, buf, p;
    s3e_buf_init(&tops, 0);
    s3e_buf_init(&buf, 0);
    s3e_buf_init(&p, 0);
    const char *top[NTOP];
    int rc = scan_with_tops(&s, body, len, M_PREFIXES, "ListBucketResult", &tops, top);
    if (rc == OTHER) {
        rc = s3e_xml_tree_list_prefixes(body, len, url_encoded, fn, ud, out_truncated);
    } else if (!rc) {
        url_encoded = page_url_encoded(top[T_ENCODING], url_encoded);
        for (size_t i = 0; i < s.n && !rc; i++) {
            const struct entry *e = &s.e[i];
            const char *t[NFIELD];
            rc = decode_all(&s, e->f, e->set, e->amp, NFIELD, &buf, t);
            s3e_buf_reset(&p);
            if (!rc)
                rc = url_encoded ? s3e_uri_decode(&p, t[F_PREFIX], strlen(t[F_PREFIX]), 1)
                                 : s3e_buf_puts(&p, t[F_PREFIX]);
            if (!rc && p.len)
                rc = fn(ud, s3e_buf_cstr(&p), p.len);
        }
        *out_truncated = strcmp(top[T_TRUNCATED], "true") == 0;
    }
    s3e_buf_free(&tops);
    s3e_buf_free(&buf);
    s3e_buf_free(&p);
    free(s.e);
    return rc;
}

int s3e_list_xml_scans(const char *body, size_t len)
{
    struct scan s;
    int rc = scan_page(&s, body, len, M_OBJECTS, "ListBucketResult");
    free(s.e);
    if (rc == OTHER) {
        rc = scan_page(&s, body, len, M_VERSIONS, "ListVersionsResult");
        free(s.e);
    }
    return rc == S3E_OK;
}
