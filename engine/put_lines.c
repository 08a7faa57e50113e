/* put_lines.c - a route's metadata and tags as header lines: into a request,
 * or applied to the HEAD a copy is checked against. */
#include "put_lines.h"
#include "s3engine/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define METADATA_DIRECTIVE "x-amz-metadata-directive"
#define TAGGING_DIRECTIVE  "x-amz-tagging-directive"

int s3e_put_lines_add(struct s3e_req *r, const char *lines, struct s3e_buf *scratch)
{
    if (!lines || !*lines)
        return S3E_OK;
    s3e_buf_reset(scratch);
    /* Names and values NUL-separated, read back once the buffer is done growing. */
    int rc = s3e_buf_append(scratch, lines, strlen(lines) + 1);
    for (char *p = scratch->data; !rc && p && *p;) {
        char *eol = strchr(p, '\n');
        char *colon = strchr(p, ':');
        if (!eol || !colon || colon > eol)
            return S3E_EINVAL;
        *colon = '\0';
        *eol = '\0';
        rc = s3e_req_header(r, p, colon[1] == ' ' ? colon + 2 : colon + 1);
        p = eol + 1;
    }
    return rc;
}

int s3e_put_replaces_tags(const char *lines)
{
    return lines && strstr(lines, TAGGING_DIRECTIVE ": REPLACE\n") != NULL;
}

/* The value of line (name: value) as a malloc'd string. */
static char *value_of(const char *colon, const char *eol)
{
    const char *v = colon + 1 + (colon[1] == ' ');
    return strndup(v, (size_t)(eol - v));
}

static void clear_metadata(struct s3e_head *h)
{
    char **std[] = { &h->content_type, &h->cache_control, &h->content_disposition,
                     &h->content_encoding, &h->content_language, &h->expires };
    for (size_t i = 0; i < 6; i++) {
        free(*std[i]);
        *std[i] = NULL;
    }
    for (size_t i = 0; i < h->nmeta; i++) {
        free(h->meta[i].name);
        free(h->meta[i].value);
    }
    free(h->meta);
    h->meta = NULL;
    h->nmeta = 0;
}

static int set_line(struct s3e_head *h, const char *p, const char *colon, const char *eol,
                    struct s3e_buf *tags)
{
    static const char *const names[] = { "Content-Type", "Cache-Control", "Content-Disposition",
                                         "Content-Encoding", "Content-Language", "Expires" };
    char **std[] = { &h->content_type, &h->cache_control, &h->content_disposition,
                     &h->content_encoding, &h->content_language, &h->expires };
    size_t n = (size_t)(colon - p);
    for (size_t i = 0; i < 6; i++)
        if (strlen(names[i]) == n && strncasecmp(p, names[i], n) == 0)
            return (*std[i] = value_of(colon, eol)) ? S3E_OK : S3E_ENOMEM;
    if (n > 11 && strncasecmp(p, "x-amz-meta-", 11) == 0) {
        struct s3e_kv *m = realloc(h->meta, (h->nmeta + 1) * sizeof *m);
        if (!m)
            return S3E_ENOMEM;
        h->meta = m;
        m[h->nmeta].name = strndup(p + 11, n - 11);
        m[h->nmeta].value = value_of(colon, eol);
        h->nmeta++;
        return m[h->nmeta - 1].name && m[h->nmeta - 1].value ? S3E_OK : S3E_ENOMEM;
    }
    if (n == 13 && strncasecmp(p, "x-amz-tagging", 13) == 0) {
        const char *v = colon + 1 + (colon[1] == ' ');
        h->tag_count = v < eol;
        for (const char *c = v; c < eol; c++)
            h->tag_count += *c == '&';
        if (tags) {
            s3e_buf_reset(tags);
            return s3e_buf_append(tags, v, (size_t)(eol - v));
        }
    }
    return S3E_OK;
}

int s3e_put_apply(const char *lines, struct s3e_head *h, struct s3e_buf *tags)
{
    if (!lines || !*lines)
        return S3E_OK;
    if (strstr(lines, METADATA_DIRECTIVE ": REPLACE\n"))
        clear_metadata(h);
    if (s3e_put_replaces_tags(lines)) {
        h->tag_count = 0;
        if (tags)
            s3e_buf_reset(tags);
    }
    int rc = S3E_OK;
    for (const char *p = lines; !rc && *p;) {
        const char *eol = strchr(p, '\n');
        const char *colon = strchr(p, ':');
        if (!eol || !colon || colon > eol)
            return S3E_EINVAL;
        rc = set_line(h, p, colon, eol, tags);
        p = eol + 1;
    }
    return rc;
}
