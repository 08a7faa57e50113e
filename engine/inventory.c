/* inventory.c - S3 Inventory's manifest.json: format, column order and the
 * data files, each found and checked (size, MD5) before anything is read. */
#include "s3engine/inventory.h"
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "cred_int.h"   /* cred_json_get: the project's JSON reader */

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_JSON (64u << 20)   /* a manifest listing many thousands of files */
#define MAX_FILES 1000000

int s3e_inventory_is_manifest(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && strcmp(path + n - 5, ".json") == 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            char *p = cap >= MAX_JSON ? NULL : realloc(data, cap = cap ? cap * 2 : 65536);
            if (!p) {
                free(data);
                fclose(f);
                errno = cap >= MAX_JSON ? EFBIG : ENOMEM;
                return NULL;
            }
            data = p;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return data;
}

static void md5_hex(const unsigned char md[16], char out[33])
{
    for (unsigned i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int s3e_inventory_md5(const char *path, char out[33], uint64_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    size_t got;
    *size = 0;
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
    while (ok && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        ok = EVP_DigestUpdate(ctx, buf, got);
        *size += got;
    }
    ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 16;
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (!ok) {
        errno = errno ? errno : EIO;
        return -1;
    }
    md5_hex(md, out);
    return 0;
}

char *s3e_inventory_checksum_name(const char *manifest)
{
    size_t n = strlen(manifest);
    size_t stem = s3e_inventory_is_manifest(manifest) ? n - 5 : n;
    char *p = malloc(stem + sizeof ".checksum");
    if (p)
        snprintf(p, stem + sizeof ".checksum", "%.*s.checksum", (int)stem, manifest);
    return p;
}

/* manifest.checksum, where there is one, holds the MD5 of manifest.json (AWS
 * writes both): a manifest edited or cut short since is not read. */
static int check_manifest_md5(const char *path, const char *json, size_t len, char *errbuf,
                              size_t errlen)
{
    char *name = s3e_inventory_checksum_name(path);
    if (!name)
        return S3E_ENOMEM;
    FILE *f = fopen(name, "rb");
    if (!f) {
        int gone = errno == ENOENT;
        if (!gone)
            snprintf(errbuf, errlen, "cannot read %s: %s", name, strerror(errno));
        free(name);
        return gone ? S3E_OK : S3E_EPLAN;
    }
    char text[128];
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[got] = '\0';
    size_t start = strspn(text, " \t\r\n"), hex = strspn(text + start, "0123456789abcdefABCDEF");
    int rc = S3E_OK;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    char actual[33];
    if (hex != 32 || text[start + hex + strspn(text + start + hex, " \t\r\n")] != '\0') {
        snprintf(errbuf, errlen, "%s: not an MD5 in hex (32 hex digits)", name);
        rc = S3E_EPLAN;
    } else if (!EVP_Digest(json, len, md, &mdlen, EVP_md5(), NULL) || mdlen != 16) {
        rc = S3E_ENOMEM;
    } else {
        md5_hex(md, actual);
        text[start + 32] = '\0';
        if (strcasecmp(actual, text + start) != 0) {
            snprintf(errbuf, errlen, "%s has MD5 %s, manifest.checksum says %s: not the "
                     "manifest the inventory wrote, nothing copied", path, actual, text + start);
            rc = S3E_EPLAN;
        }
    }
    free(name);
    return rc;
}

/* <folder>/<key> for the manifest's folder and each one above, then the
 * key's last part beside the manifest. Owned result or NULL. */
static char *find_file(const char *manifest, const char *key)
{
    char *dir = strdup(manifest);
    if (!dir)
        return NULL;
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    struct stat st;
    char *found = NULL;
    for (int up = 0; !found && up < 64; up++) {
        size_t n = strlen(dir) + strlen(key) + 2;
        char *p = malloc(n);
        if (!p)
            break;
        snprintf(p, n, "%s/%s", dir, key);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            found = p;
        else
            free(p);
        char *s = strrchr(dir, '/');
        if (!s)
            break;
        *s = '\0';
    }
    if (!found) {
        const char *base = strrchr(key, '/') ? strrchr(key, '/') + 1 : key;
        const char *mslash = strrchr(manifest, '/');
        size_t dl = mslash ? (size_t)(mslash - manifest) : 1;
        size_t n = dl + strlen(base) + 2;
        char *p = malloc(n);
        if (p) {
            snprintf(p, n, "%.*s/%s", (int)dl, mslash ? manifest : ".", base);
            if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
                found = p;
            else
                free(p);
        }
    }
    free(dir);
    return found;
}

/* One entry of "files": found, its size and MD5 as listed. */
static int take_file(struct s3e_inventory *inv, const char *path, const char *json, size_t len,
                     size_t i, struct s3e_buf *v, char *errbuf, size_t errlen)
{
    struct s3e_inventory_file *f = &inv->files[i];
    if (cred_json_get(json, len, "key", v) != 1) {
        snprintf(errbuf, errlen, "%s: files[%zu] has no key", path, i);
        return S3E_EPLAN;
    }
    char *key = strdup(s3e_buf_cstr(v));
    if (!key)
        return S3E_ENOMEM;
    f->path = find_file(path, key);
    if (!f->path) {
        snprintf(errbuf, errlen, "%s: files[%zu] '%.300s' not found (looked for it under the "
                 "manifest's folder and the folders above it, and beside the manifest)",
                 path, i, key);
        free(key);
        return S3E_EPLAN;
    }
    int has_md5 = cred_json_get(json, len, "MD5checksum", v) == 1;
    char listed[33] = "";
    if (has_md5)
        snprintf(listed, sizeof listed, "%s", s3e_buf_cstr(v));
    int has_size = cred_json_get(json, len, "size", v) == 1;
    unsigned long long listed_size = has_size ? strtoull(s3e_buf_cstr(v), NULL, 10) : 0;
    int rc = S3E_OK;
    if (!has_md5 || strlen(listed) != 32) {
        snprintf(errbuf, errlen, "%s: files[%zu] '%.300s' has no MD5checksum of 32 hex digits",
                 path, i, key);
        rc = S3E_EPLAN;
    } else if (s3e_inventory_md5(f->path, f->md5, &f->size)) {
        snprintf(errbuf, errlen, "%s: cannot read %s: %s", path, f->path, strerror(errno));
        rc = S3E_EPLAN;
    } else if (has_size && listed_size != f->size) {
        snprintf(errbuf, errlen, "%s: %s is %llu bytes, the manifest lists %llu: not the file "
                 "the inventory wrote, nothing copied", path, f->path,
                 (unsigned long long)f->size, listed_size);
        rc = S3E_EPLAN;
    } else if (strcasecmp(listed, f->md5) != 0) {
        snprintf(errbuf, errlen, "%s: %s has MD5 %s, the manifest lists %s: not the file the "
                 "inventory wrote, nothing copied", path, f->path, f->md5, listed);
        rc = S3E_EPLAN;
    }
    free(key);
    return rc;
}

static int read_manifest(struct s3e_inventory *inv, const char *path, const char *json,
                         size_t len, struct s3e_buf *v, char *errbuf, size_t errlen)
{
    if (cred_json_get(json, len, "fileFormat", v) < 0) {
        snprintf(errbuf, errlen, "%s: not valid JSON (an S3 Inventory manifest.json?)", path);
        return S3E_EPLAN;
    }
    const char *fmt = s3e_buf_cstr(v);
    if (strcasecmp(fmt, "CSV") != 0) {
        snprintf(errbuf, errlen, "%s: fileFormat '%.40s': S3 Inventory is read in CSV format "
                 "only (its .csv.gz files); ORC and Parquet are not read", path,
                 *fmt ? fmt : "(none)");
        return S3E_EPLAN;
    }
    if (cred_json_get(json, len, "fileSchema", v) != 1 || !(inv->schema = strdup(s3e_buf_cstr(v)))) {
        snprintf(errbuf, errlen, "%s: no fileSchema (the column order of the CSV files)", path);
        return S3E_EPLAN;
    }
    const char *arr, *el;
    size_t alen, elen, pos = 0, n = 0;
    int more;
    if (cred_json_span(json, len, "files", &arr, &alen) != 1) {
        snprintf(errbuf, errlen, "%s: no files listed (\"files\": [{\"key\", \"size\", "
                 "\"MD5checksum\"}])", path);
        return S3E_EPLAN;
    }
    while ((more = cred_json_element(arr, alen, &pos, &el, &elen)) == 1) {
        if (n == MAX_FILES) {
            snprintf(errbuf, errlen, "%s: more than %d files listed", path, MAX_FILES);
            return S3E_EPLAN;
        }
        if (n % 1024 == 0) {
            struct s3e_inventory_file *p = realloc(inv->files, (n + 1024) * sizeof *p);
            if (!p)
                return S3E_ENOMEM;
            inv->files = p;
        }
        memset(&inv->files[n], 0, sizeof inv->files[n]);
        inv->nfiles = ++n;
        int rc = take_file(inv, path, el, elen, n - 1, v, errbuf, errlen);
        if (rc)
            return rc;
    }
    if (more < 0 || n == 0) {
        snprintf(errbuf, errlen, "%s: \"files\" is %s (expected [{\"key\", \"size\", "
                 "\"MD5checksum\"}, ...])", path, n == 0 && more == 0 ? "empty" : "not an array");
        return S3E_EPLAN;
    }
    return S3E_OK;
}

int s3e_inventory_open(struct s3e_inventory *inv, const char *path, char *errbuf, size_t errlen)
{
    memset(inv, 0, sizeof *inv);
    size_t len = 0;
    char *json = slurp(path, &len);
    if (!json) {
        snprintf(errbuf, errlen, "cannot read %s: %s", path, strerror(errno));
        return S3E_EPLAN;
    }
    struct s3e_buf v;
    s3e_buf_init(&v, MAX_JSON);
    int rc = check_manifest_md5(path, json, len, errbuf, errlen);
    if (!rc)
        rc = read_manifest(inv, path, json, len, &v, errbuf, errlen);
    s3e_buf_free(&v);
    free(json);
    if (rc)
        s3e_inventory_free(inv);
    return rc;
}

void s3e_inventory_free(struct s3e_inventory *inv)
{
    for (size_t i = 0; i < inv->nfiles; i++)
        free(inv->files[i].path);
    free(inv->files);
    free(inv->schema);
    memset(inv, 0, sizeof *inv);
}
