/* test_inventory.c - S3 Inventory manifest.json: format, schema, files found
 * where AWS puts them, sizes and MD5s checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "s3engine/error.h"
#include "s3engine/inventory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void put(const char *rel, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    for (char *s = strchr(p + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(p, 0700);
        *s = '/';
    }
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The AWS layout: <prefix>/<bucket>/<config>/<time>/manifest.json and
 * <prefix>/<bucket>/<config>/data/<name>.csv.gz, keys from the bucket's root. */
static int open_with(const char *format, const char *md5, const char *size, char *err)
{
    char json[1024], mp[256];
    snprintf(json, sizeof json,
             "{\"sourceBucket\":\"src\",\"destinationBucket\":\"arn:aws:s3:::inv\","
             "\"version\":\"2016-11-30\",\"creationTimestamp\":\"1700000000000\","
             "\"fileFormat\":\"%s\",\"fileSchema\":\"Bucket, Key, Size\",\"files\":["
             "{\"key\":\"pre/src/cfg/data/a.csv.gz\",\"size\":%s,\"MD5checksum\":\"%s\"}]}",
             format, size, md5);
    put("pre/src/cfg/2026-01-01T00-00Z/manifest.json", json);
    snprintf(mp, sizeof mp, "%s/pre/src/cfg/2026-01-01T00-00Z/manifest.json", root);
    struct s3e_inventory inv;
    int rc = s3e_inventory_open(&inv, mp, err, 512);
    if (rc == 0) {
        assert_int_equal(inv.nfiles, 1);
        assert_string_equal(inv.schema, "Bucket, Key, Size");
        assert_non_null(strstr(inv.files[0].path, "pre/src/cfg/data/a.csv.gz"));
        s3e_inventory_free(&inv);
    }
    return rc;
}

static void test_manifest_json(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/s3e-inv-XXXXXX");
    assert_non_null(mkdtemp(root));
    put("pre/src/cfg/data/a.csv.gz", "\"src\",\"k\",\"3\"\n");
    char path[256], md5[33], err[512];
    uint64_t size;
    snprintf(path, sizeof path, "%s/pre/src/cfg/data/a.csv.gz", root);
    assert_int_equal(s3e_inventory_md5(path, md5, &size), 0);
    assert_int_equal(size, 14);

    assert_int_equal(open_with("CSV", md5, "14", err), 0);
    assert_int_equal(open_with("CSV", "00000000000000000000000000000000", "14", err), S3E_EPLAN);
    assert_non_null(strstr(err, "the manifest lists 00000000000000000000000000000000"));
    assert_int_equal(open_with("CSV", md5, "15", err), S3E_EPLAN);
    assert_non_null(strstr(err, "is 14 bytes, the manifest lists 15"));
    assert_int_equal(open_with("ORC", md5, "14", err), S3E_EPLAN);
    assert_non_null(strstr(err, "fileFormat 'ORC'"));
    assert_non_null(strstr(err, "CSV format only"));
    assert_int_equal(open_with("Parquet", md5, "14", err), S3E_EPLAN);
    assert_non_null(strstr(err, "Parquet are not read"));

    /* manifest.checksum beside it: the MD5 of manifest.json, in hex */
    char mp[256], sum[33];
    assert_int_equal(open_with("CSV", md5, "14", err), 0);
    snprintf(mp, sizeof mp, "%s/pre/src/cfg/2026-01-01T00-00Z/manifest.json", root);
    assert_int_equal(s3e_inventory_md5(mp, sum, &size), 0);
    char *name = s3e_inventory_checksum_name(mp);
    assert_non_null(strstr(name, "2026-01-01T00-00Z/manifest.checksum"));
    free(name);
    char line[40];
    snprintf(line, sizeof line, "%s\n", sum);
    put("pre/src/cfg/2026-01-01T00-00Z/manifest.checksum", line);
    assert_int_equal(open_with("CSV", md5, "14", err), 0);
    put("pre/src/cfg/2026-01-01T00-00Z/manifest.checksum", "0123456789abcdef0123456789abcdef");
    assert_int_equal(open_with("CSV", md5, "14", err), S3E_EPLAN);
    assert_non_null(strstr(err, "manifest.checksum says 0123456789abcdef0123456789abcdef"));
    put("pre/src/cfg/2026-01-01T00-00Z/manifest.checksum", "not an md5");
    assert_int_equal(open_with("CSV", md5, "14", err), S3E_EPLAN);
    assert_non_null(strstr(err, "not an MD5 in hex"));
    snprintf(path, sizeof path, "%s/pre/src/cfg/2026-01-01T00-00Z/manifest.checksum", root);
    unlink(path);

    snprintf(path, sizeof path, "%s/pre/src/cfg/data/a.csv.gz", root);
    unlink(path);
    assert_int_equal(open_with("CSV", md5, "14", err), S3E_EPLAN);
    assert_non_null(strstr(err, "not found"));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manifest_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
