/* ssec.c - a customer key (SSE-C) from a file or an environment variable. */
#include "ssec.h"
#include "s3engine/error.h"

#include <openssl/evp.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_BYTES 32
#define MAX_TEXT  256  /* a key file longer than this is not a key */

/* 32 bytes from raw bytes or base64 text. Returns 0 on success. */
static int decode(const unsigned char *text, size_t n, unsigned char key[KEY_BYTES])
{
    if (n == KEY_BYTES) {
        memcpy(key, text, KEY_BYTES);
        return 0;
    }
    while (n && isspace(text[n - 1]))
        n--;
    while (n && isspace(*text)) {
        text++;
        n--;
    }
    unsigned char out[MAX_TEXT];
    if (n != 44 || text[43] != '=' || text[42] == '=') /* base64 of 32 bytes */
        return -1;
    int got = EVP_DecodeBlock(out, text, (int)n);
    if (got != 33) /* the padding counts as a byte */
        return -1;
    memcpy(key, out, KEY_BYTES);
    OPENSSL_cleanse(out, sizeof out);
    return 0;
}

static int read_file(const char *path, unsigned char *buf, size_t *n, char *errbuf, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(errbuf, len, "cannot read the SSE-C key file %s: %s", path, strerror(errno));
        return S3E_EINVAL;
    }
    *n = fread(buf, 1, MAX_TEXT, f);
    int err = ferror(f);
    fclose(f);
    if (err || *n == MAX_TEXT) {
        snprintf(errbuf, len, "the SSE-C key file %s is not a key (32 bytes, or their "
                 "base64)", path);
        return S3E_EINVAL;
    }
    return S3E_OK;
}

int s3e_ssec_load(struct s3e_ssec *out, const char *file, const char *env, char *errbuf,
                  size_t errlen)
{
    unsigned char text[MAX_TEXT], key[KEY_BYTES], md[EVP_MAX_MD_SIZE];
    size_t n = 0;
    const char *where = file ? file : env;
    int rc = S3E_OK;
    if (file) {
        rc = read_file(file, text, &n, errbuf, errlen);
    } else {
        const char *v = getenv(env);
        if (!v || !*v) {
            snprintf(errbuf, errlen, "the SSE-C key variable %s is not set", env);
            return S3E_EINVAL;
        }
        n = strlen(v);
        if (n >= MAX_TEXT)
            n = MAX_TEXT - 1;
        memcpy(text, v, n);
    }
    if (!rc && decode(text, n, key) != 0) {
        snprintf(errbuf, errlen, "the SSE-C key in %s%s is not 32 bytes nor their base64",
                 file ? "the file " : "the variable ", where);
        rc = S3E_EINVAL;
    }
    unsigned mdlen = 0;
    if (!rc && !EVP_Digest(key, KEY_BYTES, md, &mdlen, EVP_md5(), NULL))
        rc = S3E_ENOMEM;
    if (!rc) {
        EVP_EncodeBlock((unsigned char *)out->key_b64, key, KEY_BYTES);
        EVP_EncodeBlock((unsigned char *)out->md5_b64, md, (int)mdlen);
        snprintf(out->file, sizeof out->file, "%s", file ? file : "");
        snprintf(out->env, sizeof out->env, "%s", file ? "" : env);
    }
    OPENSSL_cleanse(text, sizeof text);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}
