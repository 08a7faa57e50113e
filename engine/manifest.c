/* manifest.c - CSV object lists (ours, S3 Inventory, Batch Operations),
 * read a line at a time. */
#include "s3engine/manifest.h"
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/s3xml.h"
#include "s3engine/uri.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

enum col { COL_BUCKET, COL_KEY, COL_SIZE, COL_ETAG, COL_MTIME, COL_NCOLS };
#define MAX_FIELDS 32

struct s3e_manifest {
    FILE *f;
    int own_file;
    char *path;
    int url_encoded;
    unsigned long lineno;
    char *line;
    size_t line_cap;
    int col[COL_NCOLS];          /* field index per column, -1 = absent */
    char *field[MAX_FIELDS];
    size_t nfields;
    struct s3e_buf key;          /* decoded key */
    char err[512];
};

/* Split one line in place into fields; quotes are removed, "" becomes ". */
static void split_fields(struct s3e_manifest *m, char *s)
{
    m->nfields = 0;
    for (;;) {
        char *out = s, *start = s;
        if (*s == '"') {
            start = out = ++s;
            while (*s) {
                if (*s == '"' && s[1] == '"') { *out++ = '"'; s += 2; }
                else if (*s == '"') { s++; break; }
                else *out++ = *s++;
            }
            while (*s && *s != ',') s++;   /* junk after a closing quote is dropped */
        } else {
            while (*s && *s != ',') s++;
            out = s;
        }
        int more = *s == ',';
        *out = '\0';
        if (m->nfields < MAX_FIELDS)
            m->field[m->nfields++] = start;
        if (!more)
            return;
        s++;
    }
}

static int header_column(const char *name)
{
    static const struct { const char *name; int col; } names[] = {
        { "bucket", COL_BUCKET }, { "key", COL_KEY }, { "size", COL_SIZE },
        { "etag", COL_ETAG }, { "e_tag", COL_ETAG }, { "last_modified", COL_MTIME },
        { "last_modified_date", COL_MTIME }, { "lastmodified", COL_MTIME },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0)
            return names[i].col;
    return -1;
}

/* A first line whose first two fields are "bucket" and "key" (any order) names the columns. */
static int take_header(struct s3e_manifest *m)
{
    int seen_bucket = 0, seen_key = 0;
    int col[COL_NCOLS] = { -1, -1, -1, -1, -1 };
    for (size_t i = 0; i < m->nfields; i++) {
        int c = header_column(m->field[i]);
        if (c < 0 || col[c] >= 0)
            continue;
        col[c] = (int)i;
        seen_bucket |= c == COL_BUCKET;
        seen_key |= c == COL_KEY;
    }
    if (!seen_bucket || !seen_key)
        return 0;
    memcpy(m->col, col, sizeof col);
    return 1;
}

int s3e_manifest_open(struct s3e_manifest **out, const char *path, int url_encoded,
                      char *errbuf, size_t errlen)
{
    struct s3e_manifest *m = calloc(1, sizeof *m);
    if (!m || !(m->path = strdup(path))) {
        free(m);
        snprintf(errbuf, errlen, "out of memory");
        return S3E_ENOMEM;
    }
    if (strcmp(path, "-") == 0) {
        m->f = stdin;
    } else if (!(m->f = fopen(path, "r"))) {
        snprintf(errbuf, errlen, "cannot open %s: %s", path, strerror(errno));
        free(m->path);
        free(m);
        return S3E_EIO;
    } else {
        m->own_file = 1;
    }
    m->url_encoded = url_encoded;
    for (int i = 0; i < COL_NCOLS; i++)
        m->col[i] = i;
    s3e_buf_init(&m->key, 0);
    *out = m;
    return S3E_OK;
}

static const char *field(const struct s3e_manifest *m, enum col c)
{
    int i = m->col[c];
    return (i >= 0 && (size_t)i < m->nfields && m->field[i][0]) ? m->field[i] : NULL;
}

static int bad_row(struct s3e_manifest *m, const char *what, const char *got)
{
    snprintf(m->err, sizeof m->err, "%s:%lu: %s, got '%.60s'", m->path, m->lineno, what,
             got ? got : "");
    return -1;
}

/* Fill row from the split fields. */
static int make_row(struct s3e_manifest *m, struct s3e_manifest_row *row)
{
    const char *bucket = field(m, COL_BUCKET), *key = field(m, COL_KEY);
    if (!bucket || !key) {
        /* the line was split in place: show its fields joined again */
        char line[64] = "";
        for (size_t i = 0, n = 0; i < m->nfields && n < sizeof line; i++)
            n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", i ? "," : "", m->field[i]);
        return bad_row(m, "expected bucket,key[,size[,etag[,last_modified]]]", line);
    }
    const char *size = field(m, COL_SIZE), *etag = field(m, COL_ETAG), *mt = field(m, COL_MTIME);
    row->bucket = bucket;
    row->key = key;
    row->key_len = strlen(key);
    if (m->url_encoded) {
        s3e_buf_reset(&m->key);
        if (s3e_uri_decode(&m->key, key, strlen(key), 1))
            return bad_row(m, "key: bad %-encoding", key);
        row->key = s3e_buf_cstr(&m->key);
        row->key_len = m->key.len; /* a %00 is kept: the planner refuses the key whole */
    }
    row->size = 0;
    if (size) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(size, &end, 10);
        if (errno || *end || size[0] == '-')
            return bad_row(m, "size: expected a number of bytes", size);
        row->size = v;
    }
    row->etag = NULL;
    if (etag) {
        size_t n = strlen(etag);
        if (n >= 2 && etag[0] == '"' && etag[n - 1] == '"') {
            m->field[m->col[COL_ETAG]][n - 1] = '\0';
            etag++;
        }
        row->etag = etag;
    }
    row->last_modified = 0;
    if (mt) {
        char *end;
        long long v = strtoll(mt, &end, 10);
        row->last_modified = *end ? s3e_parse_time(mt) : v;
        if (row->last_modified < 0)
            return bad_row(m, "last_modified: expected epoch seconds or an ISO 8601 time", mt);
    }
    return 1;
}

int s3e_manifest_next(struct s3e_manifest *m, struct s3e_manifest_row *row)
{
    for (;;) {
        ssize_t n = getline(&m->line, &m->line_cap, m->f);
        if (n < 0) {
            if (ferror(m->f)) {
                snprintf(m->err, sizeof m->err, "%s: read error: %s", m->path, strerror(errno));
                return -1;
            }
            return 0;
        }
        m->lineno++;
        if (memchr(m->line, '\0', (size_t)n)) /* the row would be cut there: another key */
            return bad_row(m, "a NUL byte in the row (write it as %00 in a url_encoded manifest)", "");
        while (n > 0 && (m->line[n - 1] == '\n' || m->line[n - 1] == '\r'))
            m->line[--n] = '\0';
        if (n == 0 || m->line[0] == '#')
            continue;
        split_fields(m, m->line);
        if (m->lineno == 1 && take_header(m))
            continue;
        return make_row(m, row);
    }
}

const char *s3e_manifest_error(const struct s3e_manifest *m)
{
    return m->err;
}

void s3e_manifest_close(struct s3e_manifest *m)
{
    if (!m)
        return;
    if (m->own_file)
        fclose(m->f);
    free(m->line);
    free(m->path);
    s3e_buf_free(&m->key);
    free(m);
}
