/* checksum.c - S3's additional checksums of bytes in memory (checksum.h):
 * the CRCs by table (CRC32 by zlib), the SHAs by OpenSSL. */
#include "checksum.h"
#include "s3engine/error.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define CRC32C_POLY 0x82F63B78u                 /* reflected, Castagnoli */
#define CRC64NVME_POLY 0x9A6C9329AC4BC9B5ull   /* reflected, NVM Express */

static uint32_t crc32c_table[256];
static uint64_t crc64nvme_table[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void make_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        uint64_t d = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
            d = (d & 1) ? (d >> 1) ^ CRC64NVME_POLY : d >> 1;
        }
        crc32c_table[i] = c;
        crc64nvme_table[i] = d;
    }
}

/* Both CRCs start with all ones and end inverted. */
static uint32_t crc32c(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--)
        c = crc32c_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

static uint64_t crc64nvme(const unsigned char *p, size_t n)
{
    uint64_t c = ~0ull;
    while (n--)
        c = crc64nvme_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

static void big_endian(uint64_t v, unsigned bytes, unsigned char *out)
{
    for (unsigned i = 0; i < bytes; i++)
        out[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
}

int s3e_checksum_b64(const char *algorithm, const void *data, size_t len, char out[96])
{
    const unsigned char *p = data ? data : (const unsigned char *)"";
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    pthread_once(&tables_once, make_tables);
    if (strcmp(algorithm, "CRC32") == 0) {
        uLong c = crc32(0L, Z_NULL, 0);
        for (size_t done = 0; done < len;) { /* zlib takes at most 4 GiB at once */
            uInt step = len - done > 0x40000000u ? 0x40000000u : (uInt)(len - done);
            c = crc32(c, p + done, step);
            done += step;
        }
        big_endian(c, n = 4, d);
    } else if (strcmp(algorithm, "CRC32C") == 0) {
        big_endian(crc32c(p, len), n = 4, d);
    } else if (strcmp(algorithm, "CRC64NVME") == 0) {
        big_endian(crc64nvme(p, len), n = 8, d);
    } else if (strcmp(algorithm, "SHA1") == 0 || strcmp(algorithm, "SHA256") == 0) {
        if (!EVP_Digest(p, len, d, &n, algorithm[3] == '1' ? EVP_sha1() : EVP_sha256(), NULL))
            return S3E_ENOMEM;
    } else {
        return S3E_EINVAL;
    }
    EVP_EncodeBlock((unsigned char *)out, d, (int)n);
    return S3E_OK;
}

void s3e_checksum_header_name(const char *algorithm, char out[32])
{
    int n = snprintf(out, 32, "x-amz-checksum-%.16s", algorithm);
    for (int i = 15; i < n && i < 31; i++)
        out[i] = (char)tolower((unsigned char)out[i]);
}
