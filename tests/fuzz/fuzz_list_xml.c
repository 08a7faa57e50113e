/* fuzz_list_xml.c - libFuzzer target: the listing-page scanner (engine/list_xml.c)
 * against the libxml2 readers it stands in for (s3e_xml_tree_*).
 *
 * The first byte chooses what the rest is:
 * - even: a response body as it is. ListObjectsV2, delimiter prefixes and
 *   ListObjectVersions are read by both, with and without encoding-type=url;
 *   everything handed on (each entry's fields, the return code, the error
 *   text, IsTruncated, the continuation markers) must be the same.
 * - odd: keys, NUL-separated, written into a page as a server could write
 *   them (the first byte's bits: keys URL-encoded or escaped with entities
 *   and decimal or hexadecimal character references, an XML declaration, an
 *   xmlns, an <Owner>, line breaks, a versions page). That page must take
 *   the scanner's path, read the same as with libxml2, and give back every
 *   key byte for byte. */
#include "fuzz_util.h"
#include "../../engine/list_xml.h"
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/s3xml.h"
#include "s3engine/uri.h"

#include <inttypes.h>

static int record(void *ud, const struct s3e_listed *o)
{
    struct s3e_buf *b = ud;
    FUZZ_CHECK(o->key[o->key_len] == '\0', "key not terminated");
    s3e_buf_printf(b, "K%zu:", o->key_len);
    s3e_buf_append(b, o->key, o->key_len);
    s3e_buf_printf(b, "|%" PRIu64 "|%s|%" PRId64 "|%s|%s|%d|%d\n", o->size, o->etag,
                   o->last_modified, o->storage_class, o->version_id ? o->version_id : "(none)",
                   o->is_latest, o->delete_marker);
    return 0;
}

static int record_prefix(void *ud, const char *p, size_t len)
{
    struct s3e_buf *b = ud;
    s3e_buf_printf(b, "P%zu:", len);
    s3e_buf_append(b, p, len);
    s3e_buf_putc(b, '\n');
    return 0;
}

/* What one reader handed on for body, in each of the three kinds of page. */
static void read_all(const char *body, size_t len, int url, int tree, struct s3e_buf *out)
{
    struct s3e_buf a, b;
    s3e_buf_init(&a, 0);
    s3e_buf_init(&b, 0);
    char why[256] = "";
    int truncated = -1;
    int rc = tree ? s3e_xml_tree_list_page(body, len, url, record, out, &truncated, &a, why,
                                           sizeof why)
                  : s3e_xml_parse_list_page(body, len, url, record, out, &truncated, &a, why,
                                            sizeof why);
    s3e_buf_printf(out, "list rc %d truncated %d token '%s' why '%s'\n", rc, truncated,
                   s3e_buf_cstr(&a), why);
    why[0] = '\0';
    truncated = -1;
    s3e_buf_reset(&a);
    rc = tree ? s3e_xml_tree_versions_page(body, len, url, record, out, &truncated, &a, &b, why,
                                           sizeof why)
              : s3e_xml_parse_versions_page(body, len, url, record, out, &truncated, &a, &b, why,
                                            sizeof why);
    s3e_buf_printf(out, "versions rc %d truncated %d key '%s' version '%s' why '%s'\n", rc,
                   truncated, s3e_buf_cstr(&a), s3e_buf_cstr(&b), why);
    truncated = -1;
    rc = tree ? s3e_xml_tree_list_prefixes(body, len, url, record_prefix, out, &truncated)
              : s3e_xml_parse_list_prefixes(body, len, url, record_prefix, out, &truncated);
    s3e_buf_printf(out, "prefixes rc %d truncated %d\n", rc, truncated);
    s3e_buf_free(&a);
    s3e_buf_free(&b);
}

static void same_reading(const char *body, size_t len)
{
    for (int url = 0; url < 2; url++) {
        struct s3e_buf fast, tree;
        s3e_buf_init(&fast, 0);
        s3e_buf_init(&tree, 0);
        read_all(body, len, url, 0, &fast);
        read_all(body, len, url, 1, &tree);
        FUZZ_CHECK(fast.len == tree.len && memcmp(fast.data, tree.data, fast.len) == 0,
                   "the scanner read (url %d):\n%s\nlibxml2 read:\n%s", url, fast.data,
                   tree.data);
        s3e_buf_free(&fast);
        s3e_buf_free(&tree);
    }
}

/* ---- generated pages ------------------------------------------------------------------ */

/* One character of a key at s (n bytes left): its length when it is a
 * character XML can carry (UTF-8, no control byte but tab and line feed),
 * else 0. Carriage returns would be read back as line feeds when raw. */
static size_t xml_char_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (!len || len > n || c > 0xF4)
        return 0;
    uint32_t v = c & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (v < least[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || v == 0xFFFE ||
        v == 0xFFFF)
        return 0;
    *cp = v;
    return len;
}

static int xml_ok(const char *k, size_t n)
{
    uint32_t cp;
    for (size_t i = 0, l; i < n; i += l)
        if (!(l = xml_char_len((const unsigned char *)k + i, n - i, &cp)))
            return 0;
    return 1;
}

/* A key escaped as text, each character in one of the ways XML allows
 * (choice from the key's own bytes so runs differ); "]]>" may not be raw. */
static void escape_key(struct s3e_buf *b, const char *k, size_t n, unsigned style)
{
    uint32_t cp;
    for (size_t i = 0, l; i < n; i += l) {
        l = xml_char_len((const unsigned char *)k + i, n - i, &cp);
        unsigned how = (style + (unsigned)i * 7 + cp) % 4;
        if (cp == '<')
            s3e_buf_puts(b, how & 1 ? "&lt;" : "&#60;");
        else if (cp == '&')
            s3e_buf_puts(b, how & 1 ? "&amp;" : "&#x26;");
        else if (cp == '\r' || ((style & 1) && how == 0))
            s3e_buf_printf(b, "&#%" PRIu32 ";", cp);
        else if ((style & 1) && how == 1)
            s3e_buf_printf(b, "&#x%" PRIX32 ";", cp);
        else if (cp == '>' && (how == 2 || (b->len >= 2 && memcmp(b->data + b->len - 2, "]]", 2) == 0)))
            s3e_buf_puts(b, "&gt;");
        else if (cp == '"' && how == 2)
            s3e_buf_puts(b, "&quot;");
        else if (cp == '\'' && how == 2)
            s3e_buf_puts(b, "&apos;");
        else
            s3e_buf_append(b, k + i, l);
    }
}

static void generated(const uint8_t *data, size_t size)
{
    unsigned opt = data[0];
    int url = (opt & 2) != 0, decl = (opt & 4) != 0, ns = (opt & 8) != 0, owner = (opt & 16) != 0,
        nl = (opt & 32) != 0, versions = (opt & 64) != 0;
    char *buf, *parts[64];
    size_t lens[64];
    size_t n = fuzz_split(data + 1, size - 1, &buf, parts, lens, 64);
    for (size_t i = 0; i < n && !url; i++)
        if (!xml_ok(parts[i], lens[i]))
            url = 1; /* only URL encoding carries it */
    const char *sep = nl ? "\n  " : "";
    struct s3e_buf page, want;
    s3e_buf_init(&page, 0);
    s3e_buf_init(&want, 0);
    if (decl)
        s3e_buf_puts(&page, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s3e_buf_printf(&page, versions ? "<ListVersionsResult%s>" : "<ListBucketResult%s>",
                   ns ? " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"" : "");
    s3e_buf_printf(&page, "%s<Name>b</Name>%s<IsTruncated>%s</IsTruncated>", sep, sep,
                   opt & 128 ? "true" : "false");
    if (url)
        s3e_buf_printf(&page, "%s<EncodingType>url</EncodingType>", sep);
    for (size_t i = 0; i < n; i++) {
        if (!lens[i] && i + 1 < n)
            continue;
        s3e_buf_printf(&page, "%s<%s>%s<Key>", sep, versions ? "Version" : "Contents", sep);
        if (url)
            s3e_uri_encode(&page, parts[i], lens[i], 1);
        else
            escape_key(&page, parts[i], lens[i], opt + (unsigned)i);
        s3e_buf_puts(&page, "</Key>");
        if (versions)
            s3e_buf_printf(&page, "<VersionId>v%zu</VersionId><IsLatest>true</IsLatest>", i);
        s3e_buf_printf(&page, "%s<LastModified>2026-12-0%zuT10:11:%02zu.000Z</LastModified>", sep,
                       1 + i % 9, i % 60);
        s3e_buf_printf(&page, "<ETag>&quot;%032zx&quot;</ETag><Size>%zu</Size>", i, i * 1000);
        if (owner)
            s3e_buf_puts(&page, "<Owner><ID>o</ID><DisplayName>O &amp; Co</DisplayName></Owner>");
        s3e_buf_printf(&page, "<StorageClass>STANDARD</StorageClass>%s</%s>", sep,
                       versions ? "Version" : "Contents");
        s3e_buf_printf(&want, "%zu:", lens[i]);
        s3e_buf_append(&want, parts[i], lens[i]);
        s3e_buf_putc(&want, '\n');
    }
    s3e_buf_printf(&page, "%s</%s>\n", sep, versions ? "ListVersionsResult" : "ListBucketResult");

    FUZZ_CHECK(s3e_list_xml_scans(page.data, page.len), "a generated page left to libxml2:\n%s",
               page.data);
    same_reading(page.data, page.len);
    /* every key back, byte for byte */
    struct s3e_buf got, a, b;
    s3e_buf_init(&got, 0);
    s3e_buf_init(&a, 0);
    s3e_buf_init(&b, 0);
    char why[256] = "";
    int truncated = -1;
    int rc = versions ? s3e_xml_parse_versions_page(page.data, page.len, url, record, &got,
                                                    &truncated, &a, &b, why, sizeof why)
                      : s3e_xml_parse_list_page(page.data, page.len, url, record, &got,
                                                &truncated, &a, why, sizeof why);
    FUZZ_CHECK(rc == S3E_OK || rc == S3E_ENOMEM, "generated page refused (%d: %s):\n%s", rc, why,
               page.data);
    FUZZ_CHECK(truncated == ((opt & 128) != 0), "truncated %d", truncated);
    /* the recorded lines start "K<len>:<key>|"; compare their keys */
    struct s3e_buf keys;
    s3e_buf_init(&keys, 0);
    for (const char *p = got.data; p && *p == 'K';) {
        char *colon;
        size_t kl = strtoull(p + 1, &colon, 10);
        s3e_buf_printf(&keys, "%zu:", kl);
        s3e_buf_append(&keys, colon + 1, kl);
        s3e_buf_putc(&keys, '\n');
        p = strchr(colon + 1 + kl, '\n');
        p = p ? p + 1 : NULL;
    }
    if (rc == S3E_OK)
        FUZZ_CHECK(keys.len == want.len && memcmp(keys.data, want.data, want.len) == 0,
                   "keys read back:\n%s\nwritten:\n%s", s3e_buf_cstr(&keys), want.data);
    s3e_buf_free(&keys);
    s3e_buf_free(&got);
    s3e_buf_free(&a);
    s3e_buf_free(&b);
    s3e_buf_free(&page);
    s3e_buf_free(&want);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 256 * 1024)
        return 0;
    if (data[0] & 1)
        generated(data, size);
    else
        same_reading((const char *)data + 1, size - 1);
    return 0;
}
