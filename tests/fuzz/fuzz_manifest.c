/* fuzz_manifest.c - libFuzzer target: manifest files (engine/manifest.c)
 * through the public API. The input is written to a memfd and opened by its
 * /proc path, once as plain keys and once as URL-encoded keys.
 * Invariants: every row has a non-empty bucket and a key of key_len bytes
 * without NUL (a key S3 cannot hold comes as BAD_KEY, with a message); a
 * failure has a message; no more rows than lines; a version id is never a
 * size (a row has one or the other from one field) and holds no blank or
 * control byte. */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_util.h"
#include "s3engine/manifest.h"

#include <sys/mman.h>
#include <unistd.h>

static int memfd = -1;
static char path[64];

static void read_all(const uint8_t *data, size_t size, int url_encoded)
{
    struct s3e_manifest *m = NULL;
    char err[256];
    if (s3e_manifest_open(&m, path, url_encoded, err, sizeof err) != 0)
        abort(); /* the memfd is always there */
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    size_t rows = 0;
    struct s3e_manifest_row row;
    int rc;
    char why[512];
    while ((rc = s3e_manifest_next(m, &row, why, sizeof why)) > 0) {
        rows++;
        FUZZ_CHECK(rows <= lines, "%zu rows from %zu lines", rows, lines);
        FUZZ_CHECK(row.bucket && *row.bucket, "row %zu without a bucket", rows);
        FUZZ_CHECK(row.key && row.key_len <= size, "row %zu: key", rows);
        if (rc == S3E_MANIFEST_BAD_KEY) {
            FUZZ_CHECK(*why, "a bad key without a message");
            continue;
        }
        FUZZ_CHECK(rc == S3E_MANIFEST_ROW, "next returned %d", rc);
        FUZZ_CHECK(row.key_len > 0 && strlen(row.key) == row.key_len,
                   "row %zu: a key that is empty or holds a NUL", rows);
        FUZZ_CHECK(!row.etag || strlen(row.etag) < size + 1, "etag");
        if (row.version_id) {
            FUZZ_CHECK(*row.version_id, "row %zu: an empty version id", rows);
            for (const char *v = row.version_id; *v; v++)
                FUZZ_CHECK((unsigned char)*v > 0x20 && *v != 0x7f,
                           "row %zu: a version id with byte 0x%02x", rows, (unsigned char)*v);
        }
    }
    FUZZ_CHECK(rc == S3E_MANIFEST_END || rc == S3E_MANIFEST_ERROR, "next returned %d", rc);
    if (rc == S3E_MANIFEST_ERROR)
        FUZZ_CHECK(*why, "a failure without a message");
    s3e_manifest_close(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memfd < 0) {
        memfd = memfd_create("fuzz-manifest", 0);
        if (memfd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    }
    if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
        abort();
    read_all(data, size, 0);
    read_all(data, size, 1);
    return 0;
}
