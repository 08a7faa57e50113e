/* fuzz_xml.c - libFuzzer target: every S3 response parser in engine/s3xml.c
 * (ListObjectsV2 page, <Error>, copy results, multipart results, tagging,
 * ListMultipartUploads, response classification, times) run on each input.
 *
 * Besides crashes, the parsers are checked against a plain libxml2 reading of
 * the same document: where an element holds plain text, the engine must
 * report that text (keys, sizes, ETags, error codes), and a ListObjectsV2
 * page is accepted only when every <Size> is a decimal number that fits. The
 * PutObjectTagging body built from the input (as a tag string) must parse
 * back to the same tags. */
#include "fuzz_util.h"
#include "../../engine/list_xml.h"
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/s3.h"
#include "s3engine/s3xml.h"
#include "s3engine/uri.h"

#include <inttypes.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

/* The oracle: libxml2 without options that change text (no NOBLANKS). */
static xmlDocPtr oracle_parse(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 0x7fffffff)
        return NULL;
    return xmlReadMemory((const char *)data, (int)size, "oracle.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static xmlNodePtr element(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

/* Text of the first child element `name` when it is plain (absent, empty or
 * one text node): 1 and *out set; 0 when it holds anything else. */
static int plain_text(xmlNodePtr parent, const char *name, const char **out)
{
    xmlNodePtr e = element(parent, name);
    *out = "";
    if (!e || !e->children)
        return 1;
    if (e->children->next || e->children->type != XML_TEXT_NODE)
        return 0;
    *out = (const char *)e->children->content;
    return 1;
}

/* Only elements and text inside the root? */
static int plain_inside(xmlNodePtr n)
{
    for (; n; n = n->next)
        if (n->type != XML_TEXT_NODE &&
            (n->type != XML_ELEMENT_NODE || !plain_inside(n->children)))
            return 0;
    return 1;
}

/* What the engine must refuse whole: a DTD (DOCTYPE), or inside the root
 * anything but elements and text (entity references, comments, CDATA, PIs). */
static int oracle_refused(xmlDocPtr doc)
{
    xmlNodePtr r = doc ? xmlDocGetRootElement(doc) : NULL;
    return r && (doc->intSubset || doc->extSubset || !plain_inside(r->children));
}

static int root_is(xmlDocPtr doc, const char *name)
{
    xmlNodePtr r = doc ? xmlDocGetRootElement(doc) : NULL;
    return r && strcmp((const char *)r->name, name) == 0;
}

/* ---- ListObjectsV2 ---------------------------------------------------------- */

struct list_check {
    xmlNodePtr next;  /* the oracle's next <Contents>, or NULL */
    int url_encoded;
    size_t calls;
};

static xmlNodePtr next_contents(xmlNodePtr n)
{
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "Contents") == 0)
            return n;
    return NULL;
}

/* A <Size> the engine may accept: decimal digits that fit in 64 bits. */
static int size_value(const char *s, uint64_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || strspn(s, "0123456789") != n)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 1;
}

static int on_listed(void *ud, const struct s3e_listed *o)
{
    struct list_check *c = ud;
    c->calls++;
    FUZZ_CHECK(o->key && o->etag && o->storage_class, "NULL field");
    FUZZ_CHECK(strlen(o->etag) < 80, "etag of %zu bytes", strlen(o->etag));
    /* key_len bytes are readable (ASan checks) and NUL-terminated */
    FUZZ_CHECK(o->key[o->key_len] == '\0', "key not terminated");
    volatile char sink = 0;
    for (size_t i = 0; i < o->key_len; i++)
        sink ^= o->key[i];
    (void)sink;
    xmlNodePtr e = c->next;
    if (!e)
        return 0; /* the oracle saw fewer (blank-node differences): nothing to compare */
    c->next = next_contents(e->next);
    const char *key, *size;
    uint64_t want;
    if (!c->url_encoded && plain_text(e, "Key", &key))
        FUZZ_CHECK(o->key_len == strlen(key) && memcmp(o->key, key, o->key_len) == 0,
                   "key '%s', listed as '%.*s'", key, (int)o->key_len, o->key);
    if (plain_text(e, "Size", &size)) {
        FUZZ_CHECK(size_value(size, &want), "size '%s' accepted as %" PRIu64, size, o->size);
        FUZZ_CHECK(want == o->size, "size '%s' read as %" PRIu64, size, o->size);
    }
    return 0;
}

static void check_list(const uint8_t *data, size_t size, xmlDocPtr oracle)
{
    for (int url = 0; url < 2; url++) {
        struct s3e_buf token;
        s3e_buf_init(&token, 0);
        xmlNodePtr root = root_is(oracle, "ListBucketResult") ? xmlDocGetRootElement(oracle) : NULL;
        struct list_check c = { root ? next_contents(root->children) : NULL, url, 0 };
        int truncated = -1;
        char why[256];
        int rc = s3e_xml_parse_list_page((const char *)data, size, url, on_listed, &c, &truncated,
                                         &token, why, sizeof why);
        FUZZ_CHECK(rc == S3E_OK || rc == S3E_EPARSE || rc == S3E_ENOMEM, "list: %d", rc);
        FUZZ_CHECK(!oracle_refused(oracle) || (rc == S3E_EPARSE && c.calls == 0),
                   "a page with a DTD or markup other than elements accepted (%d)", rc);
        if (rc == S3E_EPARSE)
            FUZZ_CHECK(memchr(why, '\0', sizeof why), "why not terminated");
        if (rc == S3E_OK)
            FUZZ_CHECK(truncated == 0 || truncated == 1, "truncated %d", truncated);
        s3e_buf_free(&token);
    }
}

/* ---- single-result documents ------------------------------------------------- */

/* The oracle's ETag without its quotes, as the engine should report it: 1,
 * 2 when it holds a control character (the engine must refuse it), 0 none. */
static int oracle_etag(xmlDocPtr oracle, const char *root_name, char out[80])
{
    const char *t;
    if (!root_is(oracle, root_name) || !plain_text(xmlDocGetRootElement(oracle), "ETag", &t))
        return 0;
    size_t n = strlen(t);
    if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
        t++;
        n -= 2;
    }
    /* the whole ETag is checked, not only the 79 bytes kept */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
            return 2;
    if (n > 79)
        n = 79;
    memcpy(out, t, n);
    out[n] = '\0';
    return 1;
}

static int refused_doc; /* oracle_refused() of the input being checked */

/* o: what oracle_etag said; the engine's result rc and etag must agree. */
static void expect_etag(int o, int rc, const char *etag, const char *want, const char *what)
{
    if (o && refused_doc)
        FUZZ_CHECK(rc != S3E_OK, "%s: a result with a DTD or markup accepted", what);
    else if (o == 2)
        FUZZ_CHECK(rc != S3E_OK, "%s: an ETag with a control character accepted", what);
    else if (o)
        FUZZ_CHECK(rc == S3E_OK && strcmp(etag, want) == 0, "%s etag '%s', want '%s'", what,
                   rc == S3E_OK ? etag : "(refused)", want);
}

static void check_etag_docs(const uint8_t *data, size_t size, xmlDocPtr oracle)
{
    char etag[80], want[80];
    const char *body = (const char *)data;
    memset(etag, 'x', sizeof etag);
    int rc = s3e_xml_parse_copy_result(body, size, etag);
    if (rc == S3E_OK)
        FUZZ_CHECK(memchr(etag, '\0', sizeof etag), "copy etag not terminated");
    int o = oracle_etag(oracle, "CopyObjectResult", want);
    if (!o)
        o = oracle_etag(oracle, "CopyPartResult", want);
    expect_etag(o, rc, etag, want, "copy result");
    memset(etag, 'x', sizeof etag);
    rc = s3e_xml_parse_complete(body, size, etag);
    if (rc == S3E_OK)
        FUZZ_CHECK(memchr(etag, '\0', sizeof etag), "complete etag not terminated");
    expect_etag(oracle_etag(oracle, "CompleteMultipartUploadResult", want), rc, etag, want,
                "complete");

    /* a part's checksum: named and base64, or nothing; never from a refused document */
    char cname[16], cvalue[96];
    memset(cname, 'x', sizeof cname);
    memset(cvalue, 'x', sizeof cvalue);
    s3e_xml_parse_checksum(body, size, cname, cvalue);
    FUZZ_CHECK(memchr(cname, '\0', sizeof cname) && memchr(cvalue, '\0', sizeof cvalue),
               "checksum not terminated");
    FUZZ_CHECK(!cname[0] == !cvalue[0], "checksum name '%s' with value '%s'", cname, cvalue);
    FUZZ_CHECK(strspn(cvalue, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
                   strlen(cvalue), "checksum '%s' is not base64", cvalue);
    if (refused_doc)
        FUZZ_CHECK(!cname[0], "a checksum read from a document with a DTD or markup");

    char *upload_id = NULL;
    if (s3e_xml_parse_initiate(body, size, &upload_id) == S3E_OK) {
        FUZZ_CHECK(!refused_doc, "an initiate result with a DTD or markup accepted");
        FUZZ_CHECK(upload_id && *upload_id, "empty upload id accepted");
        const char *t;
        if (plain_text(xmlDocGetRootElement(oracle), "UploadId", &t))
            FUZZ_CHECK(strcmp(t, upload_id) == 0, "upload id '%s', want '%s'", upload_id, t);
        free(upload_id);
    }
}

static void check_error(const uint8_t *data, size_t size, xmlDocPtr oracle)
{
    struct s3e_s3_error e;
    memset(&e, 0, sizeof e);
    int is_error = s3e_xml_parse_error((const char *)data, size, &e);
    FUZZ_CHECK(is_error == 0 || is_error == 1, "parse_error %d", is_error);
    FUZZ_CHECK(!is_error || !refused_doc, "an <Error> with a DTD or markup believed");
    FUZZ_CHECK(memchr(e.code, '\0', sizeof e.code) && memchr(e.message, '\0', sizeof e.message) &&
               memchr(e.request_id, '\0', sizeof e.request_id), "error text not terminated");
    const char *code;
    if (is_error && plain_text(xmlDocGetRootElement(oracle), "Code", &code) &&
        strlen(code) < sizeof e.code)
        FUZZ_CHECK(strcmp(code, e.code) == 0, "code '%s', want '%s'", e.code, code);

    static const long statuses[] = { 200, 404, 503 };
    for (size_t i = 0; i < 3; i++) {
        memset(&e, 0, sizeof e);
        int rc = s3e_classify_response(statuses[i], 0, NULL, (const char *)data, size, "rid", 1, &e);
        FUZZ_CHECK(rc == S3E_OK || rc == S3E_ES3 || (rc == S3E_EPARSE && statuses[i] == 200),
                   "classify: %d", rc);
        FUZZ_CHECK(rc == S3E_OK || e.code[0] || (rc == S3E_EPARSE && e.detail[0]),
                   "a failure without a code");
        FUZZ_CHECK(rc != S3E_EPARSE || s3e_xml_refusal((const char *)data, size),
                   "a 200 refused without a reason");
        FUZZ_CHECK(statuses[i] == 200 || rc == S3E_ES3, "HTTP %ld is not a success", statuses[i]);
    }
}

/* ---- tagging, uploads, times -------------------------------------------------- */

static int on_upload(void *ud, const struct s3e_upload *u)
{
    FUZZ_CHECK(u->key && u->upload_id, "NULL upload field");
    return 0;
}

/* The tag string as parse_tagging gives it back: each k=v decoded and encoded. */
static int canonical_tags(const char *t, struct s3e_buf *out)
{
    int printable = 1;
    for (const char *p = t; *p;) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t kn = eq ? (size_t)(eq - p) : n;
        struct s3e_buf k, v;
        s3e_buf_init(&k, 0);
        s3e_buf_init(&v, 0);
        if (s3e_uri_decode(&k, p, kn, 0) || (eq && s3e_uri_decode(&v, eq + 1, n - kn - 1, 0)))
            printable = 0;
        for (size_t i = 0; printable && i < k.len; i++)
            printable = k.data[i] >= 0x20 && k.data[i] < 0x7f;
        for (size_t i = 0; printable && i < v.len; i++)
            printable = v.data[i] >= 0x20 && v.data[i] < 0x7f;
        if (printable) {
            if (out->len)
                s3e_buf_putc(out, '&');
            s3e_uri_encode(out, s3e_buf_cstr(&k), k.len, 0);
            s3e_buf_putc(out, '=');
            s3e_uri_encode(out, s3e_buf_cstr(&v), v.len, 0);
        }
        s3e_buf_free(&k);
        s3e_buf_free(&v);
        if (!printable)
            return 0;
        p += n + (amp != NULL);
    }
    return 1;
}

static void check_tagging(const uint8_t *data, size_t size)
{
    struct s3e_buf out, body, back, want;
    s3e_buf_init(&out, 0);
    s3e_buf_init(&body, 0);
    s3e_buf_init(&back, 0);
    s3e_buf_init(&want, 0);
    int rc = s3e_xml_parse_tagging((const char *)data, size, &out);
    FUZZ_CHECK(rc == S3E_OK || rc == S3E_EPARSE || rc == S3E_ENOMEM, "tagging: %d", rc);
    FUZZ_CHECK(rc != S3E_OK || !refused_doc, "tagging with a DTD or markup accepted");

    char *t = fuzz_cstr(data, size);
    if (canonical_tags(t, &want) && s3e_xml_tagging_body(t, &body) == S3E_OK) {
        FUZZ_CHECK(s3e_xml_parse_tagging(body.data, body.len, &back) == S3E_OK,
                   "tagging body '%s' does not parse", body.data);
        FUZZ_CHECK(strcmp(s3e_buf_cstr(&back), s3e_buf_cstr(&want)) == 0,
                   "tags '%s' came back as '%s' (body %s)", s3e_buf_cstr(&want),
                   s3e_buf_cstr(&back), body.data);
    }
    (void)s3e_parse_time(t);
    free(t);
    s3e_buf_free(&out);
    s3e_buf_free(&body);
    s3e_buf_free(&back);
    s3e_buf_free(&want);
}

static void check_uploads(const uint8_t *data, size_t size)
{
    struct s3e_buf key, id;
    s3e_buf_init(&key, 0);
    s3e_buf_init(&id, 0);
    int truncated = -1;
    char why[256];
    int rc = s3e_xml_parse_uploads((const char *)data, size, on_upload, NULL, &truncated, &key, &id,
                                   why, sizeof why);
    FUZZ_CHECK(rc == S3E_OK || rc == S3E_EPARSE || rc == S3E_ENOMEM, "uploads: %d", rc);
    FUZZ_CHECK(rc != S3E_OK || !refused_doc, "uploads with a DTD or markup accepted");
    s3e_buf_free(&key);
    s3e_buf_free(&id);
}

static int on_prefix(void *ud, const char *p, size_t len)
{
    (void)ud;
    FUZZ_CHECK(len > 0 && strlen(p) <= len, "prefix of %zu bytes", len);
    return 0;
}

static void check_prefixes(const uint8_t *data, size_t size)
{
    int truncated = -1;
    int rc = s3e_xml_parse_list_prefixes((const char *)data, size, 1, on_prefix, NULL, &truncated);
    FUZZ_CHECK(rc == S3E_OK || rc == S3E_EPARSE || rc == S3E_ENOMEM || rc == S3E_EINVAL,
               "prefixes: %d", rc);
    FUZZ_CHECK(rc != S3E_OK || !refused_doc, "prefixes with a DTD or markup accepted");
}

/* ListObjectVersions: a version id reaches a query and a header, so the
 * parser hands on none that is empty or holds a blank or a control byte. */
static int on_version(void *ud, const struct s3e_listed *o)
{
    (void)ud;
    FUZZ_CHECK(o->key && o->etag && o->storage_class && o->version_id, "NULL field");
    FUZZ_CHECK(o->key[o->key_len] == '\0', "key not terminated");
    FUZZ_CHECK(*o->version_id, "an empty version id");
    for (const char *v = o->version_id; *v; v++)
        FUZZ_CHECK((unsigned char)*v > 0x20 && *v != 0x7f, "a version id with byte 0x%02x",
                   (unsigned char)*v);
    FUZZ_CHECK(!o->delete_marker || (o->size == 0 && !*o->etag), "a delete marker with a size");
    return 0;
}

static void check_versions(const uint8_t *data, size_t size)
{
    struct s3e_buf key, ver;
    s3e_buf_init(&key, 0);
    s3e_buf_init(&ver, 0);
    int truncated = -1;
    char why[256];
    int rc = s3e_xml_parse_versions_page((const char *)data, size, 1, on_version, NULL,
                                         &truncated, &key, &ver, why, sizeof why);
    FUZZ_CHECK(rc == S3E_OK || rc == S3E_EPARSE || rc == S3E_ENOMEM, "versions: %d", rc);
    FUZZ_CHECK(rc != S3E_OK || !refused_doc, "versions with a DTD or markup accepted");
    s3e_buf_free(&key);
    s3e_buf_free(&ver);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    xmlDocPtr oracle = oracle_parse(data, size);
    refused_doc = oracle_refused(oracle);
    check_list(data, size, oracle);
    check_etag_docs(data, size, oracle);
    check_error(data, size, oracle);
    check_tagging(data, size);
    check_uploads(data, size);
    check_prefixes(data, size);
    check_versions(data, size);
    xmlFreeDoc(oracle);
    return 0;
}
