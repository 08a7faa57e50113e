/* escape.h - untrusted text (keys, buckets, ETags, S3 error messages, plan
 * strings) made safe to show on a terminal or in a log, and to put in JSON.
 *
 * Display form, reversible byte for byte:
 *   valid UTF-8                  kept as it is, except:
 *   backslash                    "\\"
 *   C0 controls 0x00-0x1f, DEL   "\xNN" (two lower-case hex digits)
 *   a byte that is not UTF-8     "\xNN"
 *   C1 controls U+0080-U+009F and invisible or direction-changing characters
 *   (U+061C, U+200B-U+200F, U+2028-U+202E, U+2060-U+2064, U+2066-U+2069, U+FEFF)
 *                                "\uNNNN" (four lower-case hex digits)
 * so "\xNN" always stands for one raw byte, "\uNNNN" for one code point (its
 * UTF-8 bytes) and "\\" for one backslash.
 *
 * All functions are pure (thread-safe); NULL input is treated as "". */
#ifndef S3E_ESCAPE_H
#define S3E_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct s3e_buf;

/* Length (1-4) of the well-formed UTF-8 sequence at s[0..len), its code point
 * in *out_cp; 0 when s does not start one (overlong forms, surrogates and
 * code points above U+10FFFF are not well-formed) or len is 0. */
size_t s3e_utf8_next(const char *s, size_t len, uint32_t *out_cp);
/* 1 if s[0..len) is entirely well-formed UTF-8, else 0. */
int s3e_utf8_valid(const char *s, size_t len);

/* Append the display form of s[0..len) to b. S3E_OK, S3E_ENOMEM or S3E_ELIMIT. */
int s3e_escape_append(struct s3e_buf *b, const char *s, size_t len);

/* The display form of the C string s in out (outlen > 0; always
 * NUL-terminated). When it does not fit it is cut between two escapes and
 * ends with "...". Returns out, for use as a printf argument. */
const char *s3e_escape_str(const char *s, char *out, size_t outlen);

/* Write the display form of the C string s to f. 0, or EOF on a write error. */
int s3e_escape_fputs(const char *s, FILE *f);

/* Append s[0..len) as the inside of a JSON string (no quotes): '"' and '\'
 * backslashed, LF as \n, other C0 controls, DEL and the code points the
 * display form escapes as \u00NN/\uNNNN, every byte that is not UTF-8 as
 * \ufffd (U+FFFD) with *out_lossy (may be NULL) set to 1, else left alone.
 * S3E_OK, S3E_ENOMEM or S3E_ELIMIT. */
int s3e_escape_json(struct s3e_buf *b, const char *s, size_t len, int *out_lossy);

#endif
