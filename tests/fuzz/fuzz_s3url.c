/* fuzz_s3url.c - libFuzzer target: "s3://bucket/key" URLs (s3e_uri_split_s3).
 * Invariants: the bucket is a non-empty slice right after "s3://" with no '/',
 * and the rest is exactly what follows the first '/' after it. */
#include "fuzz_util.h"
#include "s3engine/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = fuzz_cstr(data, size);
    size_t n = strlen(url), blen = 0;
    const char *rest = NULL;
    const char *b = s3e_uri_split_s3(url, &blen, &rest);
    if (b) {
        FUZZ_CHECK(strncmp(url, "s3://", 5) == 0, "accepted '%s'", url);
        FUZZ_CHECK(b == url + 5, "bucket at offset %td", b - url);
        FUZZ_CHECK(blen > 0 && blen <= n - 5, "bucket length %zu of %zu", blen, n);
        FUZZ_CHECK(memchr(b, '/', blen) == NULL, "bucket '%.*s' has a '/'", (int)blen, b);
        FUZZ_CHECK(rest != NULL, "no rest");
        if (b[blen] == '/')
            FUZZ_CHECK(rest == b + blen + 1, "rest at offset %td", rest - url);
        else
            FUZZ_CHECK(b[blen] == '\0' && *rest == '\0', "rest '%s' after the whole bucket", rest);
    } else {
        FUZZ_CHECK(strncmp(url, "s3://", 5) != 0 || url[5] == '/' || url[5] == '\0',
                   "refused '%s'", url);
    }
    free(url);
    return 0;
}
