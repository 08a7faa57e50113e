#define _GNU_SOURCE /* memmem, strptime */
/* s3xml.c - S3 response bodies (libxml2), and the one place that classifies
 * a response as success, retryable failure or final failure. */
#include "s3engine/s3xml.h"
#include "s3engine/region.h"
#include "s3engine/error.h"
#include "s3engine/escape.h"
#include "s3engine/retry.h"
#include "s3engine/uri.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* No XML_PARSE_NOENT (entities are not substituted), no DTDLOAD/DTDATTR (no
 * DTD is read), NONET (nothing is fetched): and a DOCTYPE is refused anyway. */
#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static const char DOCTYPE_REFUSED[] = "response has a DOCTYPE";

static int blank(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Past the prolog: whitespace, the XML declaration, comments and processing
 * instructions. *out_doctype is set when the prolog holds a DOCTYPE. Returns
 * the root element's "<", or NULL when there is none (or a DOCTYPE). */
static const char *prolog_end(const char *body, size_t len, int *out_doctype)
{
    *out_doctype = 0;
    if (!body)
        return NULL;
    const char *p = body, *end = body + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
        p += 3;
    for (;;) {
        while (p < end && blank(*p))
            p++;
        const char *close = NULL;
        size_t skip = 0;
        if (end - p >= 2 && memcmp(p, "<?", 2) == 0) {
            close = memmem(p + 2, (size_t)(end - p - 2), "?>", 2);
            skip = 2;
        } else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            close = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
            skip = 3;
        } else if (end - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0) {
            *out_doctype = 1;
            return NULL;
        } else {
            return p < end && *p == '<' ? p : NULL;
        }
        if (!close)
            return NULL;
        p = close + skip;
    }
}

const char *s3e_xml_refusal(const char *body, size_t len)
{
    int doctype;
    prolog_end(body, len, &doctype);
    return doctype ? DOCTYPE_REFUSED : NULL;
}

/* Inside their root, S3 answers hold elements and text only: an entity
 * reference left in the tree (or a comment, CDATA, a PI) would cut a text
 * short and change a key, so the document is refused whole. */
static int plain_tree(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            if (!plain_tree(n->children))
                return 0;
        } else if (n->type != XML_TEXT_NODE) {
            return 0;
        }
    }
    return 1;
}

static xmlDocPtr parse(const char *body, size_t len)
{
    if (!body || len == 0 || len > 0x7fffffff || s3e_xml_refusal(body, len))
        return NULL;
    xmlDocPtr doc = xmlReadMemory(body, (int)len, "s3.xml", NULL, XML_OPTS);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (doc && (doc->intSubset || doc->extSubset || !root || !plain_tree(root->children))) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* "why" for a body that parse() refused or could not read. */
static void say_why(char *why, size_t why_len, const char *body, size_t len, const char *what)
{
    const char *r = s3e_xml_refusal(body, len);
    if (why && why_len)
        snprintf(why, why_len, "%s", r ? r : what);
}

static int named(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (named(n, name))
            return n;
    return NULL;
}

/* Text of a child element ("" when absent); valid while the doc lives. */
static const char *text(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n = child(parent, name);
    if (!n || !n->children || n->children->type != XML_TEXT_NODE)
        return "";
    return (const char *)n->children->content;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

/* ETags come quoted from some servers and bare from others (radosgw copies).
 * -1 for one holding a control character: no real ETag does, and it would be
 * sent back in headers. */
static int copy_etag(char out[80], const char *s)
{
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return -1;
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n -= 2;
    } else if (n >= 12 && strncmp(s, "&quot;", 6) == 0) {
        s += 6;
        n -= 12;
    }
    if (n > 79)
        n = 79;
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

/* The root element's "<", after the prolog; NULL if none or a DOCTYPE. */
static const char *root_start(const char *body, size_t len)
{
    int doctype;
    return prolog_end(body, len, &doctype);
}

int s3e_xml_parse_error(const char *body, size_t len, struct s3e_s3_error *out)
{
    /* Cheap test first: most 200 bodies are not errors. The root element
     * decides, after any amount of keep-alive whitespace S3 sends while a
     * long copy runs, and after the XML declaration. */
    const char *p = root_start(body, len);
    if (!p || body + len - p < 7 || memcmp(p, "<Error", 6) != 0)
        return 0;
    xmlDocPtr doc = parse(body, len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    int is_error = root && named(root, "Error");
    if (is_error && out) {
        copy_text(out->code, sizeof out->code, text(root, "Code"));
        copy_text(out->message, sizeof out->message, text(root, "Message"));
        copy_text(out->region, sizeof out->region, text(root, "Region"));
        if (!out->region[0] && !s3e_region_of_host(text(root, "Endpoint"), out->region))
            out->region[0] = '\0';
        const char *rid = text(root, "RequestId");
        if (*rid && !out->request_id[0])
            copy_text(out->request_id, sizeof out->request_id, rid);
    }
    xmlFreeDoc(doc);
    return is_error;
}

/* When a body gives no code (HEAD, or an empty error body): derive one. */
static const char *code_for_status(long status)
{
    switch (status) {
    case 301: return "PermanentRedirect";
    case 307: return "TemporaryRedirect";
    case 400: return "BadRequest";
    case 403: return "AccessDenied";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 412: return "PreconditionFailed";
    case 416: return "InvalidRange";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 501: return "NotImplemented";
    case 503: return "ServiceUnavailable";
    default: return "HttpError";
    }
}

int s3e_classify_response(long http_status, int curl_code, const char *curl_msg,
                          const char *body, size_t len, const char *request_id,
                          int expect_body_error, struct s3e_s3_error *err)
{
    err->http_status = http_status;
    err->code[0] = err->message[0] = err->detail[0] = err->region[0] = '\0';
    copy_text(err->request_id, sizeof err->request_id, request_id ? request_id : "");
    if (curl_code != 0) {
        err->http_status = 0;
        copy_text(err->detail, sizeof err->detail, curl_msg ? curl_msg : "transport error");
        err->retryable = 1;
        return S3E_ETRANSPORT;
    }
    int ok_status = http_status >= 200 && http_status < 300;
    /* A result that may hide an <Error> behind a DOCTYPE is neither a result
     * nor an error to believe. (Error statuses keep their code: a proxy's
     * HTML 503 page has a DOCTYPE and is still worth a retry.) */
    const char *refused = ok_status && expect_body_error ? s3e_xml_refusal(body, len) : NULL;
    if (refused) {
        copy_text(err->detail, sizeof err->detail, refused);
        err->retryable = 0;
        return S3E_EPARSE;
    }
    if (ok_status && !(expect_body_error && s3e_xml_parse_error(body, len, err))) {
        err->retryable = 0;
        return S3E_OK;
    }
    if (!ok_status)
        s3e_xml_parse_error(body, len, err);
    if (!err->code[0])
        copy_text(err->code, sizeof err->code, code_for_status(http_status));
    /* An error inside a 200 is retried only when its code says "try again"
     * (InternalError, SlowDown, ...): AccessDenied stays final. */
    err->retryable = s3e_retry_is_retryable(ok_status ? 0 : http_status, err->code, 0);
    return S3E_ES3;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian; a day past the
 * month's end counts on into the next, as timegm() normalizes it. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int64_t s3e_parse_time(const char *s)
{
    /* "2009-10-12T17:50:30" and whatever follows, as every listing entry
     * has it: read without sscanf and timegm (a third of a listing's CPU);
     * the same numbers and checks as below. */
    int y, mo, d, h, mi, sec;
    if (strnlen(s, 19) == 19 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
        s[16] == ':' && digits(s, 4, &y) && digits(s + 5, 2, &mo) && digits(s + 8, 2, &d) &&
        digits(s + 11, 2, &h) && digits(s + 14, 2, &mi) && digits(s + 17, 2, &sec)) {
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
            return -1;
        return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) == 6) {
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || h < 0 ||
            mi < 0 || sec < 0)
            return -1;
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        return (int64_t)timegm(&tm);
    }
    const char *p = strptime(s, "%a, %d %b %Y %H:%M:%S", &tm);
    return p ? (int64_t)timegm(&tm) : -1;
}

/* Decimal digits only, at most 2^64 - 1 (strtoull would take blanks, signs,
 * and clamp an overflow to the maximum). */
static int parse_u64(const char *s, uint64_t *out)
{
    if (!*s)
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

/* "FIELD 'VALUE' of key KEY is not ..." into why; S3E_EPARSE. */
static int bad_field(char *why, size_t why_len, const char *field, const char *value,
                     const struct s3e_buf *key, const char *what)
{
    char v[64], k[128], vz[48], kz[96];
    snprintf(vz, sizeof vz, "%.47s", value);
    snprintf(kz, sizeof kz, "%.95s", s3e_buf_cstr(key));
    if (why && why_len)
        snprintf(why, why_len, "%s '%s' of key '%s' is not %s", field,
                 s3e_escape_str(vz, v, sizeof v), s3e_escape_str(kz, k, sizeof k), what);
    return S3E_EPARSE;
}

/* A version id is sent back in a query and a header: printable, not empty. */
static int version_ok(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n > 1024)
        return 0;
    for (; *v; v++)
        if ((unsigned char)*v <= 0x20 || *v == 0x7f)
            return 0;
    return 1;
}

int s3e_xml_list_entry(const struct s3e_list_texts *t, int url_encoded, struct s3e_buf *key,
                       s3e_list_fn fn, void *ud, char *why, size_t why_len)
{
    s3e_buf_reset(key);
    int rc = url_encoded ? s3e_uri_decode(key, t->key, strlen(t->key), 1)
                         : s3e_buf_puts(key, t->key);
    if (rc)
        return rc;
    struct s3e_listed o;
    memset(&o, 0, sizeof o);
    if (t->kind != S3E_LISTED_OBJECT) {
        o.version_id = t->version_id;
        o.is_latest = strcmp(t->is_latest, "true") == 0;
        if (!version_ok(o.version_id))
            return bad_field(why, why_len, "VersionId", o.version_id, key, "a version id");
    }
    if (t->kind == S3E_LISTED_DELETE_MARKER) { /* no size, no ETag: only where the key was deleted */
        o.delete_marker = 1;
        o.key = s3e_buf_cstr(key);
        o.key_len = key->len;
        o.etag = "";
        o.storage_class = "";
        o.last_modified = s3e_parse_time(t->last_modified);
        if (o.last_modified < 0)
            return bad_field(why, why_len, "LastModified", t->last_modified, key, "a date");
        return fn(ud, &o);
    }
    char etag[80];
    if (copy_etag(etag, t->etag))
        return bad_field(why, why_len, "ETag", t->etag, key, "an ETag");
    o.key = s3e_buf_cstr(key);
    o.key_len = key->len;
    if (parse_u64(t->size, &o.size))
        return bad_field(why, why_len, "Size", t->size, key, "a byte count");
    o.etag = etag;
    /* a date read as 0 (or -1) would make every copy look old, or new */
    o.last_modified = s3e_parse_time(t->last_modified);
    if (o.last_modified < 0)
        return bad_field(why, why_len, "LastModified", t->last_modified, key, "a date");
    o.storage_class = *t->storage_class ? t->storage_class : "STANDARD";
    return fn(ud, &o);
}

static int list_entry(xmlNodePtr c, int url_encoded, struct s3e_buf *key, s3e_list_fn fn, void *ud,
                      char *why, size_t why_len)
{
    struct s3e_list_texts t = {
        named(c, "DeleteMarker") ? S3E_LISTED_DELETE_MARKER
        : named(c, "Version")    ? S3E_LISTED_VERSION
                                 : S3E_LISTED_OBJECT,
        text(c, "Key"), text(c, "Size"), text(c, "ETag"), text(c, "LastModified"),
        text(c, "StorageClass"), text(c, "VersionId"), text(c, "IsLatest"),
    };
    return s3e_xml_list_entry(&t, url_encoded, key, fn, ud, why, why_len);
}

/* A listing page: its root (ListBucketResult or ListVersionsResult) in
 * *out_doc (the caller frees it), fn per entry named entry1 or entry2,
 * *out_url_encoded as the page says. */
static int list_entries(const char *body, size_t len, const char *root_name, const char *what,
                        const char *entry1, const char *entry2, int *url_encoded, s3e_list_fn fn,
                        void *ud, xmlDocPtr *out_doc, char *why, size_t why_len)
{
    xmlDocPtr doc = parse(body, len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    *out_doc = NULL;
    if (!root || !named(root, root_name)) {
        xmlFreeDoc(doc);
        say_why(why, why_len, body, len, what);
        return S3E_EPARSE;
    }
    *out_doc = doc;
    /* The response says whether it encoded keys; trust it over our request. */
    const char *enc = text(root, "EncodingType");
    *url_encoded = *url_encoded && (!*enc || strcmp(enc, "url") == 0);
    struct s3e_buf key;
    s3e_buf_init(&key, 0);
    int rc = S3E_OK;
    for (xmlNodePtr c = root->children; c && !rc; c = c->next)
        if (named(c, entry1) || (entry2 && named(c, entry2)))
            rc = list_entry(c, *url_encoded, &key, fn, ud, why, why_len);
    s3e_buf_free(&key);
    return rc;
}

int s3e_xml_tree_list_page(const char *body, size_t len, int url_encoded, s3e_list_fn fn,
                           void *ud, int *out_truncated, struct s3e_buf *out_next_token,
                           char *why, size_t why_len)
{
    xmlDocPtr doc;
    int rc = list_entries(body, len, "ListBucketResult", "malformed ListObjectsV2 response",
                          "Contents", NULL, &url_encoded, fn, ud, &doc, why, why_len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root) {
        *out_truncated = strcmp(text(root, "IsTruncated"), "true") == 0;
        s3e_buf_reset(out_next_token);
    }
    if (!rc)
        rc = s3e_buf_puts(out_next_token, text(root, "NextContinuationToken"));
    xmlFreeDoc(doc);
    return rc;
}

int s3e_xml_tree_versions_page(const char *body, size_t len, int url_encoded, s3e_list_fn fn,
                               void *ud, int *out_truncated, struct s3e_buf *out_next_key,
                               struct s3e_buf *out_next_version, char *why, size_t why_len)
{
    xmlDocPtr doc;
    int rc = list_entries(body, len, "ListVersionsResult", "malformed ListObjectVersions response",
                          "Version", "DeleteMarker", &url_encoded, fn, ud, &doc, why, why_len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!rc) {
        *out_truncated = strcmp(text(root, "IsTruncated"), "true") == 0;
        s3e_buf_reset(out_next_key);
        s3e_buf_reset(out_next_version);
        const char *nk = text(root, "NextKeyMarker");
        rc = url_encoded ? s3e_uri_decode(out_next_key, nk, strlen(nk), 1)
                         : s3e_buf_puts(out_next_key, nk);
    }
    if (!rc)
        rc = s3e_buf_puts(out_next_version, text(root, "NextVersionIdMarker"));
    xmlFreeDoc(doc);
    return rc;
}

int s3e_xml_tree_list_prefixes(const char *body, size_t len, int url_encoded, s3e_prefix_fn fn,
                               void *ud, int *out_truncated)
{
    xmlDocPtr doc = parse(body, len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || !named(root, "ListBucketResult")) {
        xmlFreeDoc(doc);
        return S3E_EPARSE;
    }
    const char *enc = text(root, "EncodingType");
    url_encoded = url_encoded && (!*enc || strcmp(enc, "url") == 0);
    struct s3e_buf p;
    s3e_buf_init(&p, 0);
    int rc = S3E_OK;
    for (xmlNodePtr c = root->children; c && !rc; c = c->next) {
        if (!named(c, "CommonPrefixes"))
            continue;
        const char *raw = text(c, "Prefix");
        s3e_buf_reset(&p);
        rc = url_encoded ? s3e_uri_decode(&p, raw, strlen(raw), 1) : s3e_buf_puts(&p, raw);
        if (!rc && p.len)
            rc = fn(ud, s3e_buf_cstr(&p), p.len);
    }
    *out_truncated = strcmp(text(root, "IsTruncated"), "true") == 0;
    s3e_buf_free(&p);
    xmlFreeDoc(doc);
    return rc;
}

/* [s, e) holds only text and elements opened and closed in turn (<A>x</A>
 * or <A/>): then an element that follows is a child of the enclosing one.
 * Comments, CDATA, processing instructions and nesting say no. */
static int flat_children(const char *s, const char *e)
{
    int open = 0;
    for (const char *lt; (lt = memchr(s, '<', (size_t)(e - s))) != NULL; s = lt + 1) {
        const char *gt = memchr(lt, '>', (size_t)(e - lt));
        if (!gt || lt + 1 == gt || lt[1] == '!' || lt[1] == '?')
            return 0;
        if (lt[1] == '/')
            open--;
        else if (gt[-1] != '/')
            open++;
        if (open != 0 && open != 1)
            return 0;
    }
    return open == 0;
}

/* Root element `root_name` with an <ETag> child. */
/* Copy results are tiny and of one shape, and come once per copied object:
 * scanned without building a tree. Anything unusual (entities other than
 * &quot;, nested markup, comments) is left to libxml2. 0 = found. */
static int scan_etag(const char *body, size_t len, const char *root_name, char out_etag[80])
{
    const char *p = root_start(body, len), *end = body + len;
    size_t rn = strlen(root_name);
    if (!p || (size_t)(end - p) < rn + 2 || memcmp(p + 1, root_name, rn) != 0 ||
        (p[rn + 1] != '>' && p[rn + 1] != ' '))
        return -1;
    const char *a = memmem(p, (size_t)(end - p), "<ETag>", 6);
    const char *b = a ? memmem(a + 6, (size_t)(end - a - 6), "</ETag>", 7) : NULL;
    const char *gt = a ? memchr(p, '>', (size_t)(a - p)) : NULL; /* end of the root's tag */
    if (!b || b - (a + 6) >= 96 || !gt || gt[-1] == '/' || !flat_children(gt + 1, a))
        return -1;
    char close[80];
    int cn = snprintf(close, sizeof close, "</%s>", root_name);
    const char *c = cn > 0 ? memmem(b, (size_t)(end - b), close, (size_t)cn) : NULL;
    if (!c || !flat_children(b + 7, c))
        return -1; /* a cut-off body is not a result; markup after the ETag goes to libxml2 */
    char raw[96];
    size_t n = (size_t)(b - (a + 6));
    memcpy(raw, a + 6, n);
    raw[n] = '\0';
    const char *amp = strchr(raw, '&');
    /* no '&' but a leading and a trailing &quot; */
    if (strchr(raw, '<') || (amp && (n < 12 || strncmp(raw, "&quot;", 6) != 0 ||
                                     strchr(raw + 6, '&') != raw + n - 6 ||
                                     strcmp(raw + n - 6, "&quot;") != 0)))
        return -1;
    return copy_etag(out_etag, raw);
}

static int parse_etag_doc(const char *body, size_t len, const char *root_name, char out_etag[80])
{
    if (scan_etag(body, len, root_name, out_etag) == 0)
        return S3E_OK;
    xmlDocPtr doc = parse(body, len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    int rc = S3E_EPARSE;
    if (root && named(root, root_name) && copy_etag(out_etag, text(root, "ETag")) == 0)
        rc = S3E_OK;
    xmlFreeDoc(doc);
    return rc;
}

int s3e_xml_parse_copy_result(const char *body, size_t len, char out_etag[80])
{
    if (parse_etag_doc(body, len, "CopyObjectResult", out_etag) == S3E_OK)
        return S3E_OK;
    return parse_etag_doc(body, len, "CopyPartResult", out_etag);
}

int s3e_xml_parse_complete(const char *body, size_t len, char out_etag[80])
{
    return parse_etag_doc(body, len, "CompleteMultipartUploadResult", out_etag);
}

void s3e_xml_parse_checksum(const char *body, size_t len, char name[16], char value[96])
{
    static const char *const names[] = { "CRC64NVME", "CRC32C", "CRC32", "SHA256", "SHA1" };
    name[0] = value[0] = '\0';
    xmlDocPtr doc = parse(body, len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root && (named(root, "CopyPartResult") || named(root, "CopyObjectResult"))) {
        for (size_t i = 0; i < sizeof names / sizeof names[0] && !name[0]; i++) {
            char element[24];
            snprintf(element, sizeof element, "Checksum%s", names[i]);
            const char *v = text(root, element);
            size_t n = strlen(v);
            if (n && n < 96 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789+/=") == n) {
                snprintf(name, 16, "%s", names[i]);
                snprintf(value, 96, "%s", v);
            }
        }
    }
    xmlFreeDoc(doc);
}

int s3e_xml_parse_initiate(const char *body, size_t len, char **out_upload_id)
{
    xmlDocPtr doc = parse(body, len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    int rc = S3E_EPARSE;
    if (root && named(root, "InitiateMultipartUploadResult") && *text(root, "UploadId")) {
        *out_upload_id = strdup(text(root, "UploadId"));
        rc = *out_upload_id ? S3E_OK : S3E_ENOMEM;
    }
    xmlFreeDoc(doc);
    return rc;
}

int s3e_xml_parse_tagging(const char *body, size_t len, struct s3e_buf *out)
{
    xmlDocPtr doc = parse(body, len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || !named(root, "Tagging")) {
        xmlFreeDoc(doc);
        return S3E_EPARSE;
    }
    int rc = S3E_OK;
    size_t count = 0;
    for (xmlNodePtr t = child(child(root, "TagSet"), "Tag"); t && !rc; t = t->next) {
        if (!named(t, "Tag"))
            continue;
        const char *k = text(t, "Key"), *v = text(t, "Value");
        if (count++)
            rc = s3e_buf_putc(out, '&');
        if (!rc)
            rc = s3e_uri_encode(out, k, strlen(k), 0);
        if (!rc)
            rc = s3e_buf_putc(out, '=');
        if (!rc)
            rc = s3e_uri_encode(out, v, strlen(v), 0);
    }
    xmlFreeDoc(doc);
    return rc;
}

int s3e_xml_parse_uploads(const char *body, size_t len, s3e_upload_fn fn, void *ud,
                          int *out_truncated, struct s3e_buf *out_next_key,
                          struct s3e_buf *out_next_upload_id, char *why, size_t why_len)
{
    xmlDocPtr doc = parse(body, len);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || !named(root, "ListMultipartUploadsResult")) {
        xmlFreeDoc(doc);
        say_why(why, why_len, body, len, "malformed ListMultipartUploads response");
        return S3E_EPARSE;
    }
    int rc = S3E_OK;
    for (xmlNodePtr u = root->children; u && !rc; u = u->next) {
        if (!named(u, "Upload"))
            continue;
        struct s3e_upload up = { text(u, "Key"), text(u, "UploadId"),
                                 s3e_parse_time(text(u, "Initiated")) };
        if (up.initiated < 0) {
            struct s3e_buf k;
            s3e_buf_init(&k, 0);
            rc = s3e_buf_puts(&k, up.key);
            if (!rc)
                rc = bad_field(why, why_len, "Initiated", text(u, "Initiated"), &k, "a date");
            s3e_buf_free(&k);
            break;
        }
        rc = fn(ud, &up);
    }
    *out_truncated = strcmp(text(root, "IsTruncated"), "true") == 0;
    s3e_buf_reset(out_next_key);
    s3e_buf_reset(out_next_upload_id);
    if (!rc)
        rc = s3e_buf_puts(out_next_key, text(root, "NextKeyMarker"));
    if (!rc)
        rc = s3e_buf_puts(out_next_upload_id, text(root, "NextUploadIdMarker"));
    xmlFreeDoc(doc);
    return rc;
}

int s3e_xml_complete_body(const struct s3e_part_copy *parts, size_t n, struct s3e_buf *out)
{
    int rc = s3e_buf_puts(out, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for (size_t i = 0; i < n && !rc; i++) {
        const struct s3e_part_copy *p = &parts[i];
        rc = s3e_buf_printf(out, "<Part><PartNumber>%d</PartNumber><ETag>\"%s\"</ETag>",
                            p->part_number, p->etag);
        if (!rc && p->checksum_name[0] && p->checksum[0])
            rc = s3e_buf_printf(out, "<Checksum%s>%s</Checksum%s>", p->checksum_name,
                                p->checksum, p->checksum_name);
        if (!rc)
            rc = s3e_buf_puts(out, "</Part>");
    }
    if (!rc)
        rc = s3e_buf_puts(out, "</CompleteMultipartUpload>");
    return rc;
}

/* Append s with the five XML special characters escaped. */
static int xml_text(struct s3e_buf *b, const char *s, size_t n)
{
    int rc = S3E_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        switch (s[i]) {
        case '&': rc = s3e_buf_puts(b, "&amp;"); break;
        case '<': rc = s3e_buf_puts(b, "&lt;"); break;
        case '>': rc = s3e_buf_puts(b, "&gt;"); break;
        case '"': rc = s3e_buf_puts(b, "&quot;"); break;
        case '\'': rc = s3e_buf_puts(b, "&apos;"); break;
        default: rc = s3e_buf_putc(b, s[i]);
        }
    }
    return rc;
}

int s3e_xml_tagging_body(const char *tagging, struct s3e_buf *body)
{
    struct s3e_buf part;
    s3e_buf_init(&part, 0);
    int rc = s3e_buf_puts(body, "<Tagging><TagSet>");
    for (const char *p = tagging; !rc && *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t kn = eq ? (size_t)(eq - p) : n;
        rc = s3e_buf_puts(body, "<Tag><Key>");
        s3e_buf_reset(&part);
        if (!rc && !(rc = s3e_uri_decode(&part, p, kn, 0)))
            rc = xml_text(body, part.data ? part.data : "", part.len);
        if (!rc)
            rc = s3e_buf_puts(body, "</Key><Value>");
        s3e_buf_reset(&part);
        if (!rc && eq && !(rc = s3e_uri_decode(&part, eq + 1, n - kn - 1, 0)))
            rc = xml_text(body, part.data ? part.data : "", part.len);
        if (!rc)
            rc = s3e_buf_puts(body, "</Value></Tag>");
        p += n + (amp != NULL);
    }
    if (!rc)
        rc = s3e_buf_puts(body, "</TagSet></Tagging>");
    s3e_buf_free(&part);
    return rc;
}
