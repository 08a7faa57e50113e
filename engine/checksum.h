/* checksum.h - S3's additional checksums (CRC32, CRC32C, CRC64NVME, SHA1,
 * SHA256) of bytes this machine holds: a streamed copy's bodies, sent with
 * them so that S3 checks what it received. */
#ifndef S3E_CHECKSUM_H
#define S3E_CHECKSUM_H

#include <stddef.h>

/* The checksum of data in base64, as S3 writes it (a CRC as big-endian
 * bytes). S3E_OK, S3E_EINVAL for an algorithm S3 does not have, S3E_ENOMEM. */
int s3e_checksum_b64(const char *algorithm, const void *data, size_t len, char out[96]);
/* The request header that carries it: "x-amz-checksum-crc32", ... */
void s3e_checksum_header_name(const char *algorithm, char out[32]);

#endif
