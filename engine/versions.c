/* versions.c - a key's versions as lines of text (see versions.h). */
#include "s3engine/versions.h"
#include "s3engine/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int s3e_versions_append(struct s3e_buf *list, const struct s3e_version *v)
{
    return s3e_buf_printf(list, "%s\t%llu\t%s\t%lld\n", v->id, (unsigned long long)v->size,
                          v->etag, (long long)v->last_modified);
}

/* Copy the field that starts at p and ends at a tab into out; NULL when it does not. */
static const char *take_field(const char *p, char *out, size_t cap)
{
    const char *tab = strchr(p, '\t');
    const char *nl = strchr(p, '\n');
    if (!tab || (nl && nl < tab) || (size_t)(tab - p) >= cap)
        return NULL;
    memcpy(out, p, (size_t)(tab - p));
    out[tab - p] = '\0';
    return tab + 1;
}

int s3e_versions_next(const char **cursor, struct s3e_version *v)
{
    const char *p = *cursor;
    char size[24];
    if (!p || !*p)
        return 0;
    if (!(p = take_field(p, v->id, sizeof v->id)) || !(p = take_field(p, size, sizeof size)) ||
        !(p = take_field(p, v->etag, sizeof v->etag)))
        return 0;
    char *end;
    v->size = strtoull(size, NULL, 10);
    v->last_modified = strtoll(p, &end, 10);
    if (*end != '\n')
        return 0;
    *cursor = end + 1;
    return 1;
}

uint64_t s3e_versions_bytes(const char *list)
{
    struct s3e_version v;
    uint64_t total = 0;
    while (s3e_versions_next(&list, &v))
        total += v.size;
    return total;
}

size_t s3e_versions_count(const char *list)
{
    struct s3e_version v;
    size_t n = 0;
    while (s3e_versions_next(&list, &v))
        n++;
    return n;
}
