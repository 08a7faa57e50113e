/* test_list_xml.c - the listing-page scanner (engine/list_xml.c): what it
 * reads itself, what it hands to libxml2, and that both read alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "../../engine/list_xml.h"
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/s3.h"
#include "s3engine/s3xml.h"

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define ROOT "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
#define END "</ListBucketResult>"
#define ENTRY(key)                                                                          \
    "<Contents><Key>" key "</Key><LastModified>2026-12-03T10:00:00.000Z</LastModified>"    \
    "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>4096</Size>"           \
    "<Owner><ID>x</ID><DisplayName>x</DisplayName></Owner>"                                 \
    "<StorageClass>STANDARD</StorageClass></Contents>"

/* Every entry as "key|size|etag|mtime|class" lines. */
static int collect(void *ud, const struct s3e_listed *o)
{
    struct s3e_buf *b = ud;
    s3e_buf_append(b, o->key, o->key_len);
    s3e_buf_printf(b, "|%llu|%s|%lld|%s\n", (unsigned long long)o->size, o->etag,
                   (long long)o->last_modified, o->storage_class);
    return 0;
}

/* The page read by the scanner path and by libxml2's: the same lines, the
 * same code, the same token; returns the code, *out the lines. */
static int read_both(const char *page, size_t len, int url, struct s3e_buf *out)
{
    struct s3e_buf tree, t1, t2;
    s3e_buf_init(&tree, 0);
    s3e_buf_init(&t1, 0);
    s3e_buf_init(&t2, 0);
    int tr1 = -1, tr2 = -1;
    char why1[256] = "", why2[256] = "";
    int rc = s3e_xml_parse_list_page(page, len, url, collect, out, &tr1, &t1, why1, sizeof why1);
    int rc2 = s3e_xml_tree_list_page(page, len, url, collect, &tree, &tr2, &t2, why2, sizeof why2);
    assert_int_equal(rc, rc2);
    assert_int_equal(tr1, tr2);
    assert_string_equal(why1, why2);
    assert_string_equal(s3e_buf_cstr(&t1), s3e_buf_cstr(&t2));
    assert_string_equal(s3e_buf_cstr(out), s3e_buf_cstr(&tree));
    s3e_buf_free(&tree);
    s3e_buf_free(&t1);
    s3e_buf_free(&t2);
    return rc;
}

static void test_radosgw_page_is_scanned(void **state)
{
    (void)state;
    static const char page[] = DECL ROOT "<Name>b</Name><Prefix></Prefix><KeyCount>2</KeyCount>"
        "<MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        "<NextContinuationToken>1ueGcx/wm36+Hy4=</NextContinuationToken>"
        ENTRY("a%20b/%01c%0D%0A") ENTRY("d%26e&amp;f+g") END "\n";
    assert_true(s3e_list_xml_scans(page, sizeof page - 1));
    struct s3e_buf out, token;
    s3e_buf_init(&out, 0);
    s3e_buf_init(&token, 0);
    int truncated = 0;
    assert_int_equal(s3e_xml_parse_list_page(page, sizeof page - 1, 1, collect, &out, &truncated,
                                             &token, NULL, 0), S3E_OK);
    assert_string_equal(out.data, "a b/\001c\r\n|4096|9b2cf535f27731c974343645a3985328|"
                                  "1796292000|STANDARD\n"
                                  "d&e&f g|4096|9b2cf535f27731c974343645a3985328|"
                                  "1796292000|STANDARD\n");
    assert_true(truncated);
    assert_string_equal(token.data, "1ueGcx/wm36+Hy4=");
    s3e_buf_reset(&out);
    assert_int_equal(read_both(page, sizeof page - 1, 1, &out), S3E_OK);
    s3e_buf_free(&out);
    s3e_buf_free(&token);
}

static void test_references_decoded(void **state)
{
    (void)state;
    static const char page[] = "<ListBucketResult>" ENTRY("a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;"
                                                        "&#xe9;&#128512;&#9;&#13;]]&gt; x ]")
                               "<IsTruncated>false</IsTruncated>" END;
    assert_true(s3e_list_xml_scans(page, sizeof page - 1));
    struct s3e_buf out;
    s3e_buf_init(&out, 0);
    assert_int_equal(read_both(page, sizeof page - 1, 0, &out), S3E_OK);
    assert_memory_equal(out.data, "a&b<>\"'AB\xc3\xa9\xf0\x9f\x98\x80\t\r]]> x ]|", 25);
    s3e_buf_free(&out);
}

/* A blank key is a key: libxml2 keeps the whole content of an element. */
static void test_blank_key_kept(void **state)
{
    (void)state;
    static const char page[] = ROOT "\n  " ENTRY("  ") "\n" END;
    assert_true(s3e_list_xml_scans(page, sizeof page - 1));
    struct s3e_buf out;
    s3e_buf_init(&out, 0);
    assert_int_equal(read_both(page, sizeof page - 1, 0, &out), S3E_OK);
    assert_memory_equal(out.data, "  |", 3);
    s3e_buf_free(&out);
}

/* What the scanner does not read goes to libxml2, with libxml2's verdict. */
static void test_other_pages_read_by_libxml2(void **state)
{
    (void)state;
    static const struct {
        const char *page;
        int rc;
    } cases[] = {
        { ROOT ENTRY("a<!-- c -->b") END, S3E_EPARSE },               /* a comment */
        { ROOT ENTRY("<![CDATA[x]]>") END, S3E_EPARSE },              /* CDATA */
        { ROOT ENTRY("a&nbsp;") END, S3E_EPARSE },                    /* no such entity */
        { ROOT ENTRY("a&#1;") END, S3E_EPARSE },                      /* not an XML character */
        { ROOT ENTRY("a\001") END, S3E_EPARSE },                      /* a raw control byte */
        { ROOT ENTRY("a\xc3") END, S3E_EPARSE },                      /* cut UTF-8 */
        { ROOT ENTRY("a]]>") END, S3E_EPARSE },                       /* "]]>" in text */
        { ROOT ENTRY("a\r\nb") END, S3E_OK },                         /* read as "a\nb" */
        { ROOT ENTRY("<b>x</b>") END, S3E_OK },                       /* markup in a key: "" */
        { "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" ROOT ENTRY("\xe9") END, S3E_OK },
        { "<?xml-stylesheet href=\"x\"?>" ROOT ENTRY("a") END, S3E_OK },
        { "<!DOCTYPE x [<!ENTITY e \"k\">]>" ROOT ENTRY("&e;") END, S3E_EPARSE },
        { "<s3:ListBucketResult xmlns:s3=\"u\">" ENTRY("a") "</s3:ListBucketResult>", S3E_OK },
        { ROOT ENTRY("a") "</ListBucketResultX>", S3E_EPARSE },       /* mismatched end */
        { ROOT ENTRY("a") END "<x/>", S3E_EPARSE },                   /* a second root */
        { ROOT ENTRY("a"), S3E_EPARSE },                              /* cut */
        { "<ListAllMyBucketsResult>" ENTRY("a") "</ListAllMyBucketsResult>", S3E_EPARSE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].page);
        if (s3e_list_xml_scans(cases[i].page, len))
            fail_msg("case %zu scanned", i);
        struct s3e_buf out;
        s3e_buf_init(&out, 0);
        assert_int_equal(read_both(cases[i].page, len, 0, &out), cases[i].rc);
        s3e_buf_free(&out);
    }
}

/* Cut anywhere, a page is never read past its end and reads as libxml2 reads it. */
static void test_every_cut_reads_alike(void **state)
{
    (void)state;
    static const char page[] = DECL ROOT "<IsTruncated>false</IsTruncated>" ENTRY("a&amp;%41")
        ENTRY("\xc3\xa9&#x1F600;") END "\n";
    for (size_t len = 0; len <= sizeof page - 1; len++) {
        char *copy = malloc(len ? len : 1); /* exactly len bytes: a read past is a fault */
        memcpy(copy, page, len);
        struct s3e_buf out;
        s3e_buf_init(&out, 0);
        int rc = read_both(copy, len, 1, &out);
        assert_true(rc == S3E_OK || rc == S3E_EPARSE);
        s3e_buf_free(&out);
        free(copy);
    }
}

static int collect_prefix(void *ud, const char *p, size_t len)
{
    s3e_buf_append(ud, p, len);
    s3e_buf_putc(ud, '\n');
    return 0;
}

static void test_prefixes_and_versions_scanned(void **state)
{
    (void)state;
    static const char prefixes[] = ROOT "<EncodingType>url</EncodingType>"
        "<CommonPrefixes><Prefix>a%2Fb/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>c&amp;"
        "/</Prefix></CommonPrefixes><IsTruncated>true</IsTruncated>" END;
    struct s3e_buf a, b;
    s3e_buf_init(&a, 0);
    s3e_buf_init(&b, 0);
    int t1 = -1, t2 = -1;
    assert_int_equal(s3e_xml_parse_list_prefixes(prefixes, sizeof prefixes - 1, 1,
                                                 collect_prefix, &a, &t1), S3E_OK);
    assert_int_equal(s3e_xml_tree_list_prefixes(prefixes, sizeof prefixes - 1, 1, collect_prefix,
                                                &b, &t2), S3E_OK);
    assert_string_equal(a.data, "a/b/\nc&/\n");
    assert_string_equal(a.data, b.data);
    assert_true(t1 == 1 && t2 == 1);

    static const char versions[] = "<ListVersionsResult><IsTruncated>true</IsTruncated>"
        "<NextKeyMarker>k%202</NextKeyMarker><NextVersionIdMarker>v2</NextVersionIdMarker>"
        "<Version><Key>k%201</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest>"
        "<LastModified>2026-12-03T10:00:00.000Z</LastModified><ETag>\"e1\"</ETag><Size>3</Size>"
        "</Version><DeleteMarker><Key>k%202</Key><VersionId>v2</VersionId>"
        "<IsLatest>false</IsLatest><LastModified>2026-12-03T10:00:00.000Z</LastModified>"
        "</DeleteMarker></ListVersionsResult>";
    assert_true(s3e_list_xml_scans(versions, sizeof versions - 1));
    struct s3e_buf k1, k2, v1, v2;
    s3e_buf_init(&k1, 0);
    s3e_buf_init(&k2, 0);
    s3e_buf_init(&v1, 0);
    s3e_buf_init(&v2, 0);
    s3e_buf_reset(&a);
    s3e_buf_reset(&b);
    assert_int_equal(s3e_xml_parse_versions_page(versions, sizeof versions - 1, 1, collect, &a,
                                                 &t1, &k1, &v1, NULL, 0), S3E_OK);
    assert_int_equal(s3e_xml_tree_versions_page(versions, sizeof versions - 1, 1, collect, &b,
                                                &t2, &k2, &v2, NULL, 0), S3E_OK);
    assert_string_equal(a.data, "k 1|3|e1|1796292000|STANDARD\nk 2|0||1796292000|\n");
    assert_string_equal(a.data, b.data);
    assert_string_equal(k1.data, "k 2");
    assert_string_equal(k1.data, k2.data);
    assert_string_equal(v1.data, "v2");
    s3e_buf_free(&a);
    s3e_buf_free(&b);
    s3e_buf_free(&k1);
    s3e_buf_free(&k2);
    s3e_buf_free(&v1);
    s3e_buf_free(&v2);
}

/* The listing's dates are read without sscanf and timegm: the same seconds. */
static void test_iso_dates_as_timegm(void **state)
{
    (void)state;
    for (int y = 1969; y <= 2101; y += 4) {
        for (int mo = 1; mo <= 12; mo++) {
            for (int d = 1; d <= 31; d += 3) {
                char s[64]; /* room for any int: the sanitizer builds (-O1) check the bound */
                snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y + mo % 4, mo, d,
                         d % 24, (d * 7) % 60, (d * 13) % 61);
                struct tm tm = { 0 };
                tm.tm_year = y + mo % 4 - 1900;
                tm.tm_mon = mo - 1;
                tm.tm_mday = d;
                tm.tm_hour = d % 24;
                tm.tm_min = (d * 7) % 60;
                tm.tm_sec = (d * 13) % 61;
                assert_int_equal(s3e_parse_time(s), (int64_t)timegm(&tm));
            }
        }
    }
    assert_int_equal(s3e_parse_time("2026-13-01T00:00:00Z"), -1);
    assert_int_equal(s3e_parse_time("2026-12-01T24:00:00Z"), -1);
    assert_int_equal(s3e_parse_time("2009-10-12T17:50:30.000Z"), 1255369830);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_radosgw_page_is_scanned),
        cmocka_unit_test(test_references_decoded),
        cmocka_unit_test(test_blank_key_kept),
        cmocka_unit_test(test_other_pages_read_by_libxml2),
        cmocka_unit_test(test_every_cut_reads_alike),
        cmocka_unit_test(test_prefixes_and_versions_scanned),
        cmocka_unit_test(test_iso_dates_as_timegm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
