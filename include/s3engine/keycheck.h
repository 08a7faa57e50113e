/* keycheck.h - what S3 can hold as an object key, and what may be sent as an
 * HTTP header value. One place decides, every entry point asks: listings,
 * manifests and routes for keys; config, plans and the request builder for
 * header values. All functions are pure and thread-safe. */
#ifndef S3E_KEYCHECK_H
#define S3E_KEYCHECK_H

#include <stddef.h>
#include "s3engine/buf.h"

#define S3E_KEY_MAX 1024 /* bytes, S3's limit (UTF-8 encoded) */

/* NULL when key[0..len) is a key S3 can hold: 1..1024 bytes of valid UTF-8
 * without a NUL byte. Any other byte is fine, including "." and ".."
 * segments, "//", a leading "/" and control characters. Otherwise a static
 * reason ("is empty", "contains a NUL byte", "is longer than S3's 1024
 * bytes", "is not valid UTF-8"). */
const char *s3e_key_problem(const char *key, size_t len);

/* NULL when value may be sent as an HTTP header value: no control character
 * (bytes below 0x20, tab included, and DEL), so nothing can end the header
 * line or start another one. Otherwise a static reason. */
const char *s3e_header_value_problem(const char *value);

/* Append a printable C string naming key[0..len) for messages and reports:
 * the bytes as they are, except a NUL byte, which becomes "%00" (a C string
 * would end there). Returns S3E_OK or S3E_ENOMEM. */
int s3e_key_display(struct s3e_buf *out, const char *key, size_t len);

#endif
