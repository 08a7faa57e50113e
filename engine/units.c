/* units.c - parse sizes ("800MB", "15GiB") and durations ("30d"). */
#include "s3engine/units.h"
#include "s3engine/error.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct unit {
    const char *name;
    double factor;
};

static const struct unit size_units[] = {
    { "", 1 }, { "b", 1 },
    { "k", 1024.0 }, { "kib", 1024.0 }, { "kb", 1e3 },
    { "m", 1048576.0 }, { "mib", 1048576.0 }, { "mb", 1e6 },
    { "g", 1073741824.0 }, { "gib", 1073741824.0 }, { "gb", 1e9 },
    { "t", 1099511627776.0 }, { "tib", 1099511627776.0 }, { "tb", 1e12 },
};

static const struct unit time_units[] = {
    { "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 }, { "w", 604800 },
};

/* Number, optional spaces, unit from the table (case-insensitive), nothing after. */
static int parse_scaled(const char *s, const struct unit *units, size_t nunits, double *out)
{
    if (!s)
        return S3E_EINVAL;
    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s) && *s != '.')
        return S3E_EINVAL;
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0)
        return S3E_EINVAL;
    while (isspace((unsigned char)*end))
        end++;
    size_t ulen = strlen(end);
    while (ulen && isspace((unsigned char)end[ulen - 1]))
        ulen--;
    for (size_t i = 0; i < nunits; i++) {
        if (strlen(units[i].name) == ulen && strncasecmp(end, units[i].name, ulen) == 0) {
            *out = v * units[i].factor;
            return S3E_OK;
        }
    }
    return S3E_EINVAL;
}

int s3e_parse_size(const char *s, uint64_t *out)
{
    double v;
    int rc = parse_scaled(s, size_units, sizeof size_units / sizeof size_units[0], &v);
    if (rc)
        return rc;
    if (v >= 18446744073709551616.0)
        return S3E_EINVAL;
    *out = (uint64_t)llround(v);
    return S3E_OK;
}

int s3e_parse_duration(const char *s, int64_t *out)
{
    double v;
    int rc = parse_scaled(s, time_units, sizeof time_units / sizeof time_units[0], &v);
    if (rc)
        return rc;
    if (v >= 9.2e18)
        return S3E_EINVAL;
    *out = (int64_t)llround(v);
    return S3E_OK;
}
