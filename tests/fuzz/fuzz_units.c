/* fuzz_units.c - libFuzzer target: size and duration strings (engine/units.c).
 * Invariants: a parsed value printed and parsed again is the same value, and a
 * plain decimal number of bytes or seconds is taken exactly. */
#include "fuzz_util.h"
#include "s3engine/error.h"
#include "s3engine/units.h"

#include <errno.h>
#include <inttypes.h>

/* s is only decimal digits (at most 19, so it fits in 64 bits). */
static int plain_number(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n > 0 && n <= 19 && s[n] == '\0';
}

static void check_size(const char *s)
{
    uint64_t v = 0, again = 0;
    if (s3e_parse_size(s, &v) != S3E_OK)
        return;
    char printed[32];
    snprintf(printed, sizeof printed, "%" PRIu64, v);
    FUZZ_CHECK(s3e_parse_size(printed, &again) == S3E_OK, "'%s' -> %s does not parse", s, printed);
    FUZZ_CHECK(again == v, "'%s' -> %" PRIu64 " -> '%s' -> %" PRIu64, s, v, printed, again);
    if (plain_number(s))
        FUZZ_CHECK(v == strtoull(s, NULL, 10), "'%s' -> %" PRIu64, s, v);
}

static void check_duration(const char *s)
{
    int64_t v = 0, again = 0;
    if (s3e_parse_duration(s, &v) != S3E_OK)
        return;
    FUZZ_CHECK(v >= 0, "'%s' -> %" PRId64, s, v);
    char printed[32];
    snprintf(printed, sizeof printed, "%" PRId64, v);
    FUZZ_CHECK(s3e_parse_duration(printed, &again) == S3E_OK, "'%s' -> %s does not parse", s,
               printed);
    FUZZ_CHECK(again == v, "'%s' -> %" PRId64 " -> '%s' -> %" PRId64, s, v, printed, again);
    if (plain_number(s) && strtoull(s, NULL, 10) <= INT64_MAX)
        FUZZ_CHECK((uint64_t)v == strtoull(s, NULL, 10), "'%s' -> %" PRId64, s, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    check_size(s);
    check_duration(s);
    free(s);
    return 0;
}
