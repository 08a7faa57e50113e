/* units.c - parse sizes ("800MB", "15GiB") and durations ("30d"). */
#include "s3engine/units.h"
#include "s3engine/error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct unit {
    const char *name;
    uint64_t factor;
};

static const struct unit size_units[] = {
    { "", 1 }, { "b", 1 },
    { "k", 1ULL << 10 }, { "kib", 1ULL << 10 }, { "kb", 1000ULL },
    { "m", 1ULL << 20 }, { "mib", 1ULL << 20 }, { "mb", 1000000ULL },
    { "g", 1ULL << 30 }, { "gib", 1ULL << 30 }, { "gb", 1000000000ULL },
    { "t", 1ULL << 40 }, { "tib", 1ULL << 40 }, { "tb", 1000000000000ULL },
};

static const struct unit time_units[] = {
    { "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 }, { "w", 604800 },
};

/* Number, optional spaces, unit from the table (case-insensitive), nothing
 * after; the result at most max (UINT64_MAX or INT64_MAX). A whole number is
 * scaled in integers, exactly; only a fraction ("1.5GiB") goes through a double. */
static int parse_scaled(const char *s, const struct unit *units, size_t nunits, uint64_t max,
                        uint64_t *out)
{
    if (!s)
        return S3E_EINVAL;
    while (isspace((unsigned char)*s))
        s++;
    if ((!isdigit((unsigned char)*s) && *s != '.') || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
        return S3E_EINVAL; /* decimal only: strtod would take hex */
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0)
        return S3E_EINVAL;
    int whole = strspn(s, "0123456789") == (size_t)(end - s);
    const char *num = s;
    while (isspace((unsigned char)*end))
        end++;
    size_t ulen = strlen(end);
    while (ulen && isspace((unsigned char)end[ulen - 1]))
        ulen--;
    for (size_t i = 0; i < nunits; i++) {
        if (strlen(units[i].name) != ulen || strncasecmp(end, units[i].name, ulen) != 0)
            continue;
        uint64_t f = units[i].factor;
        if (whole) {
            errno = 0;
            unsigned long long n = strtoull(num, NULL, 10);
            if (errno == ERANGE || n > max / f)
                return S3E_EINVAL;
            *out = n * f;
            return S3E_OK;
        }
        /* max + 1 is a power of two, which is what (double)max rounds to */
        double r = round(v * (double)f);
        if (r >= (double)max)
            return S3E_EINVAL;
        *out = (uint64_t)r;
        return S3E_OK;
    }
    return S3E_EINVAL;
}

int s3e_parse_size(const char *s, uint64_t *out)
{
    return parse_scaled(s, size_units, sizeof size_units / sizeof size_units[0], UINT64_MAX, out);
}

int s3e_parse_duration(const char *s, int64_t *out)
{
    uint64_t v;
    int rc = parse_scaled(s, time_units, sizeof time_units / sizeof time_units[0], INT64_MAX, &v);
    if (rc)
        return rc;
    *out = (int64_t)v;
    return S3E_OK;
}
