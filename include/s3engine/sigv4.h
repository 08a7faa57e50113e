/* sigv4.h - AWS Signature Version 4 (header authorization).
 *
 * Stages are exposed separately so each can be tested against AWS's
 * published vectors: canonical request -> string to sign -> signature.
 * The signing key depends only on (secret, date, region, service) and is
 * cached in struct s3e_sigv4_cache, which belongs to one thread. */
#ifndef S3E_SIGV4_H
#define S3E_SIGV4_H

#include <stddef.h>
#include <time.h>
#include "s3engine/buf.h"
#include "s3engine/config.h"

#define S3E_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define S3E_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

struct s3e_header {
    const char *name;  /* any case; canonicalised to lower case for signing */
    const char *value; /* leading/trailing spaces trimmed, inner runs collapsed for signing */
};

struct s3e_sigv4_input {
    const char *method;          /* "GET", "PUT", ... */
    const char *canonical_uri;   /* already encoded path, exactly as sent ("/" at least) */
    const char *canonical_query; /* already encoded and sorted (s3e_uri_canonical_query), "" if none */
    const struct s3e_header *headers; /* every header to sign, including host and x-amz-date */
    size_t nheaders;
    const char *payload_hash;    /* hex SHA-256 of the body, or S3E_UNSIGNED_PAYLOAD */
};

struct s3e_sigv4_cache {
    char date[9];      /* YYYYMMDD the key was made for ("" = empty cache) */
    char region[64];
    char service[16];
    char access_key[128];
    unsigned char key[32];
};

/* Canonical request text, and the SignedHeaders list ("host;x-amz-date").
 * Headers with the same name are joined with ',' in input order. */
int s3e_sigv4_canonical_request(const struct s3e_sigv4_input *in, struct s3e_buf *out_creq,
                                struct s3e_buf *out_signed_headers);

/* "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of creq>" */
int s3e_sigv4_string_to_sign(const char *amz_date, const char *scope, const char *creq,
                             size_t creq_len, struct s3e_buf *out);

/* kSigning = HMAC chain over "AWS4"+secret, date8, region, service, "aws4_request". */
void s3e_sigv4_signing_key(const char *secret, const char *date8, const char *region,
                           const char *service, unsigned char out[32]);

/* Full Authorization header value:
 * "AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request,
 *  SignedHeaders=..., Signature=<64 hex>". Uses and refreshes *cache.
 * amz_date is "YYYYMMDDTHHMMSSZ". Returns S3E_OK or S3E_ENOMEM. */
int s3e_sigv4_authorization(struct s3e_sigv4_cache *cache, const struct s3e_creds *creds,
                            const char *region, const char *service, const char *amz_date,
                            const struct s3e_sigv4_input *in, struct s3e_buf *out);

/* Format t as "YYYYMMDDTHHMMSSZ" (UTC). */
void s3e_sigv4_amz_date(time_t t, char out[17]);

/* Lower-case hex SHA-256 of data. */
void s3e_sha256_hex(const void *data, size_t len, char out[65]);

#endif
