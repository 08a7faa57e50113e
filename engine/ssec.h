/* ssec.h - loading a customer-provided encryption key (SSE-C) from a file or
 * an environment variable, never from the plan's text. */
#ifndef S3E_SSEC_H
#define S3E_SSEC_H

#include <stddef.h>
#include "s3engine/s3.h"

/* Read the key from `file` (when not NULL) or the environment variable `env`:
 * 32 raw bytes, or their base64 (surrounding white space ignored). Fills out
 * (key and MD5, base64). S3E_OK, or S3E_EINVAL with a message in errbuf that
 * names the file or variable and never holds the key. */
int s3e_ssec_load(struct s3e_ssec *out, const char *file, const char *env, char *errbuf,
                  size_t errlen);

#endif
