/* escape.c - safe display of untrusted text: control, invisible and
 * direction-changing characters and invalid UTF-8 escaped (escape.h). */
#include "s3engine/escape.h"
#include "s3engine/buf.h"
#include "s3engine/error.h"

#include <string.h>

size_t s3e_utf8_next(const char *s, size_t len, uint32_t *out_cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (!s || len == 0)
        return 0;
    unsigned char c = u[0];
    size_t n;
    uint32_t cp;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c < 0x80) {
        *out_cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, cp = c & 0x0f;
        if (c == 0xe0)
            lo = 0xa0; /* no overlong forms */
        if (c == 0xed)
            hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, cp = c & 0x07;
        if (c == 0xf0)
            lo = 0x90;
        if (c == 0xf4)
            hi = 0x8f; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (len < n || u[1] < lo || u[1] > hi)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[i] & 0x3f);
    }
    *out_cp = cp;
    return n;
}

int s3e_utf8_valid(const char *s, size_t len)
{
    uint32_t cp;
    for (size_t i = 0; i < len;) {
        size_t n = s3e_utf8_next(s + i, len - i, &cp);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}

/* Characters that are valid but change what a terminal shows: C1 controls,
 * and the invisible or bidi ones a name could hide behind. */
static int hidden(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || (cp >= 0x200b && cp <= 0x200f) ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

static const char hexd[] = "0123456789abcdef";

/* The display form of the character at s: *piece and *plen are its bytes (in s,
 * or in tmp). Returns the input bytes consumed (at least 1). */
static size_t display_next(const char *s, size_t len, char tmp[8], const char **piece,
                           size_t *plen)
{
    uint32_t cp = 0;
    size_t n = s3e_utf8_next(s, len, &cp);
    if (n == 0 || cp < 0x20 || cp == 0x7f) {
        unsigned char c = (unsigned char)s[0];
        tmp[0] = '\\', tmp[1] = 'x', tmp[2] = hexd[c >> 4], tmp[3] = hexd[c & 15];
        *piece = tmp, *plen = 4;
        return 1;
    }
    if (cp == '\\') {
        *piece = "\\\\", *plen = 2;
    } else if (hidden(cp)) {
        tmp[0] = '\\', tmp[1] = 'u';
        for (int i = 0; i < 4; i++)
            tmp[2 + i] = hexd[(cp >> (12 - 4 * i)) & 15];
        *piece = tmp, *plen = 6;
    } else {
        *piece = s, *plen = n;
    }
    return n;
}

int s3e_escape_append(struct s3e_buf *b, const char *s, size_t len)
{
    int rc = S3E_OK;
    char tmp[8];
    const char *piece;
    size_t plen;
    for (size_t i = 0; s && i < len && !rc;) {
        i += display_next(s + i, len - i, tmp, &piece, &plen);
        rc = s3e_buf_append(b, piece, plen);
    }
    return rc;
}

const char *s3e_escape_str(const char *s, char *out, size_t outlen)
{
    size_t len = s ? strlen(s) : 0, total = 0, used = 0;
    char tmp[8];
    const char *piece;
    size_t plen;
    for (size_t i = 0; i < len;) {
        i += display_next(s + i, len - i, tmp, &piece, &plen);
        total += plen;
    }
    /* Cut short: leave room for "..." after the last whole escape. */
    size_t room = total < outlen ? total : (outlen > 4 ? outlen - 4 : 0);
    for (size_t i = 0; i < len;) {
        i += display_next(s + i, len - i, tmp, &piece, &plen);
        if (used + plen > room)
            break;
        memcpy(out + used, piece, plen);
        used += plen;
    }
    if (total >= outlen)
        for (int k = 0; k < 3 && used + 1 < outlen; k++)
            out[used++] = '.';
    out[used] = '\0';
    return out;
}

int s3e_escape_fputs(const char *s, FILE *f)
{
    size_t len = s ? strlen(s) : 0;
    char tmp[8];
    const char *piece;
    size_t plen;
    for (size_t i = 0; i < len;) {
        i += display_next(s + i, len - i, tmp, &piece, &plen);
        if (fwrite(piece, 1, plen, f) != plen)
            return EOF;
    }
    return 0;
}

int s3e_escape_json(struct s3e_buf *b, const char *s, size_t len, int *out_lossy)
{
    int rc = S3E_OK;
    for (size_t i = 0; s && i < len && !rc;) {
        uint32_t cp = 0;
        size_t n = s3e_utf8_next(s + i, len - i, &cp);
        if (n == 0) {
            if (out_lossy)
                *out_lossy = 1;
            rc = s3e_buf_puts(b, "\\ufffd");
            i++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            char e[2] = { '\\', (char)cp };
            rc = s3e_buf_append(b, e, 2);
        } else if (cp == '\n') {
            rc = s3e_buf_puts(b, "\\n");
        } else if (cp < 0x20 || cp == 0x7f || hidden(cp)) {
            rc = s3e_buf_printf(b, "\\u%04x", (unsigned)cp);
        } else {
            rc = s3e_buf_append(b, s + i, n);
        }
        i += n;
    }
    return rc;
}
