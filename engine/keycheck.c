/* keycheck.c - the rules for object keys S3 can hold and header values we may send. */
#include "s3engine/keycheck.h"
#include "s3engine/error.h"

#include <stdint.h>
#include <string.h>

/* Length of the UTF-8 sequence at s[0..n), or 0 when it is not valid
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

const char *s3e_key_problem(const char *key, size_t len)
{
    if (len == 0)
        return "is empty";
    const unsigned char *s = (const unsigned char *)key;
    /* Most keys are ASCII: 8 bytes at a time while none is NUL or above 0x7F
     * (the planner checks every source and destination key). */
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (((w - 0x0101010101010101ULL) | w) & 0x8080808080808080ULL)
            break; /* a NUL or a byte above 0x7F in these 8 */
    }
    if (memchr(s + i, '\0', len - i))
        return "contains a NUL byte";
    if (len > S3E_KEY_MAX)
        return "is longer than S3's 1024 bytes";
    while (i < len) {
        size_t n = utf8_seq(s + i, len - i);
        if (!n)
            return "is not valid UTF-8";
        i += n;
    }
    return NULL;
}

const char *s3e_header_value_problem(const char *value)
{
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p == '\r' || *p == '\n')
            return "contains a line break (CR or LF)";
        if (*p < 0x20 || *p == 0x7F)
            return "contains a control character";
    }
    return NULL;
}

int s3e_key_display(struct s3e_buf *out, const char *key, size_t len)
{
    int rc = S3E_OK;
    for (size_t i = 0; i < len && !rc;) {
        const char *nul = memchr(key + i, '\0', len - i);
        size_t run = nul ? (size_t)(nul - (key + i)) : len - i;
        rc = s3e_buf_append(out, key + i, run);
        i += run;
        if (!rc && i < len) {
            rc = s3e_buf_puts(out, "%00");
            i++;
        }
    }
    return rc;
}
