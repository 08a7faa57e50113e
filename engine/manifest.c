/* manifest.c - CSV object lists (ours, S3 Inventory, Batch Operations), read
 * a record at a time through fixed buffers, quoting per RFC 4180. */
#include "s3engine/manifest.h"
#include "s3engine/buf.h"
#include "s3engine/error.h"
#include "s3engine/s3xml.h"
#include "s3engine/uri.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col { COL_BUCKET, COL_KEY, COL_SIZE, COL_ETAG, COL_MTIME, COL_VERSION, COL_DELMARK,
           COL_NCOLS };
#define MAX_FIELDS 64                           /* Inventory has about 20 columns */
#define MAX_KEY    1024                         /* S3's limit, in bytes */
#define IN_SIZE    65536
#define REC_CAP    (S3E_MANIFEST_MAX_ROW + 8)   /* fields + their NULs, see put() */
#define RD_ERR     (-2)                         /* next_byte: m->err is set */

enum field_end { FIELD_NEXT, FIELD_LAST };

struct s3e_manifest {
    gzFile f;                    /* reads gzip (S3 Inventory's .csv.gz) and plain text alike */
    char *path;
    int url_encoded;
    uint64_t max_bytes, max_rows;
    uint64_t total;              /* bytes read from the file */
    uint64_t rows;               /* data rows seen */
    unsigned long line;          /* the line being read, from 1 */
    unsigned long quote_line;    /* line of an open quote, 0 = none */
    int started;                 /* the first row (header or data) was seen */
    int header;                  /* the columns come from a header row */
    int failed;
    unsigned char *in;           /* read buffer */
    size_t in_pos, in_len;
    int in_eof;
    char *rec;                   /* the record's fields, each NUL-terminated */
    size_t rec_len;
    size_t raw;                  /* bytes of the current record read so far */
    size_t off[MAX_FIELDS], len[MAX_FIELDS];
    size_t cur_start;            /* where the field being read starts in rec */
    size_t nfields;              /* fields kept (at most MAX_FIELDS) */
    int quoted;                  /* some field of the record was quoted */
    int col[COL_NCOLS];          /* field index per column, -1 = absent */
    struct s3e_buf key;          /* decoded key */
    char err[512];
};

static int fail_at(struct s3e_manifest *m, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "file:line: message"; the reader stops here. Returns RD_ERR. */
static int fail_at(struct s3e_manifest *m, unsigned long line, const char *fmt, ...)
{
    int n = snprintf(m->err, sizeof m->err, "%s:%lu: ", m->path, line);
    if (n < 0 || (size_t)n >= sizeof m->err)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err + n, sizeof m->err - (size_t)n, fmt, ap);
    va_end(ap);
    m->failed = 1;
    return RD_ERR;
}

static int too_long(struct s3e_manifest *m, unsigned long line)
{
    if (m->quote_line)
        return fail_at(m, m->quote_line, "longer than %d bytes: the quote opened on this line "
                       "is not closed (unterminated quoted field?)", S3E_MANIFEST_MAX_ROW);
    return fail_at(m, line, "longer than %d bytes (the limit for a row)", S3E_MANIFEST_MAX_ROW);
}

/* Copy at most 60 bytes of s for a message, control bytes as '?'. */
static const char *shown(const char *s, size_t len, char out[64])
{
    size_t n = len < 60 ? len : 60;
    for (size_t i = 0; i < n; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[n] = '\0';
    return out;
}

/* Inventory files in a format this reader does not take, known by their
 * first bytes (after gzip is undone): a clear error, not rows of garbage. */
static int refused_format(struct s3e_manifest *m)
{
    const char *what = NULL;
    if (m->in_len >= 4 && memcmp(m->in, "PAR1", 4) == 0)
        what = "Apache Parquet";
    else if (m->in_len >= 3 && memcmp(m->in, "ORC", 3) == 0)
        what = "Apache ORC";
    if (!what)
        return 0;
    fail_at(m, 1, "an %s file: manifests are CSV, plain or gzip-compressed (.csv, .csv.gz; "
            "S3 Inventory in CSV format); Parquet and ORC are not read", what);
    return 1;
}

/* The next byte of the file, EOF, or RD_ERR when a limit is hit or reading failed. */
static int next_byte(struct s3e_manifest *m)
{
    if (m->in_pos == m->in_len) {
        if (m->in_eof)
            return EOF;
        int first = m->total == 0;
        int n = gzread(m->f, m->in, IN_SIZE);
        m->in_len = n > 0 ? (size_t)n : 0;
        m->in_pos = 0;
        if (n < 0 || (n == 0 && !gzeof(m->f))) {
            int zerr;
            const char *why = gzerror(m->f, &zerr);
            return fail_at(m, m->line, "read error: %s", zerr == Z_ERRNO ? strerror(errno) : why);
        }
        if (m->in_len == 0) {
            m->in_eof = 1;
            return EOF;
        }
        if (first && refused_format(m))
            return RD_ERR;
        /* a UTF-8 BOM (Excel, PowerShell) is not part of the first column's name */
        if (first && m->in_len >= 3 && memcmp(m->in, "\xEF\xBB\xBF", 3) == 0) {
            m->in_pos = 3;
            m->total = 3;
            if (m->in_len == 3)
                return next_byte(m);
        }
    }
    if (++m->total > m->max_bytes)
        return fail_at(m, m->line, "the manifest is longer than %llu bytes (the limit)",
                       (unsigned long long)m->max_bytes);
    /* two bytes of slack for the CR LF ending the row; past it the row is too long */
    if (++m->raw > (size_t)S3E_MANIFEST_MAX_ROW + 2)
        return too_long(m, m->line);
    return m->in[m->in_pos++];
}

/* Give back the byte next_byte just returned. */
static void unread_byte(struct s3e_manifest *m)
{
    m->in_pos--;
    m->total--;
    m->raw--;
}

/* Move plain bytes (none of stop1, stop2) from the read buffer to rec at
 * once; what needs care (a stop byte, a limit, the buffer's end) is left to
 * next_byte. The per-byte path made the reader 2.5 times slower. */
static void copy_plain(struct s3e_manifest *m, unsigned char stop1, unsigned char stop2)
{
    size_t room = REC_CAP - 1 - m->rec_len;
    size_t row_room = (size_t)S3E_MANIFEST_MAX_ROW + 2 - m->raw;
    uint64_t file_room = m->max_bytes - m->total;
    if (row_room < room)
        room = row_room;
    if (file_room < room)
        room = (size_t)file_room;
    size_t avail = m->in_len - m->in_pos;
    size_t n = 0, lim = avail < room ? avail : room;
    const unsigned char *p = m->in + m->in_pos;
    /* 8 bytes at a time while none of them is a stop byte */
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const uint64_t s1 = ones * stop1, s2 = ones * stop2;
    for (; n + 8 <= lim; n += 8) {
        uint64_t w, a, b;
        memcpy(&w, p + n, 8);
        a = w ^ s1;
        b = w ^ s2;
        if (((a - ones) & ~a & highs) | ((b - ones) & ~b & highs))
            break;
    }
    while (n < lim && p[n] != stop1 && p[n] != stop2)
        n++;
    memcpy(m->rec + m->rec_len, p, n);
    m->rec_len += n;
    m->in_pos += n;
    m->raw += n;
    m->total += n;
}

/* Bytes and NULs stored never outnumber the bytes read (each field's NUL
 * stands for the comma, quote or line end after it, but the last field at
 * the end of the file), so REC_CAP holds any row within the limit. */
static int put(struct s3e_manifest *m, int c)
{
    if (m->rec_len + 1 >= REC_CAP)
        return too_long(m, m->line);
    m->rec[m->rec_len++] = (char)c;
    return 0;
}

static void begin_field(struct s3e_manifest *m)
{
    m->cur_start = m->rec_len;
}

static int end_field(struct s3e_manifest *m)
{
    if (m->nfields == MAX_FIELDS) {
        m->rec_len = m->cur_start;   /* columns past MAX_FIELDS are read and dropped */
        return 0;
    }
    if (put(m, '\0'))
        return RD_ERR;
    m->off[m->nfields] = m->cur_start;
    m->len[m->nfields] = m->rec_len - 1 - m->cur_start;
    m->nfields++;
    return 0;
}

/* A line ends here: count it, and a CR before the LF is part of the ending. */
static void end_line(struct s3e_manifest *m)
{
    m->line++;
    m->raw--;
}

/* A field not in quotes; c is its first byte. Quotes inside are kept as they are. */
static int unquoted_field(struct s3e_manifest *m, int c)
{
    begin_field(m);
    size_t start = m->rec_len;
    for (;; c = next_byte(m)) {
        if (c == RD_ERR)
            return RD_ERR;
        if (c == EOF || c == ',' || c == '\n') {
            if (c == '\n') {
                end_line(m);
                if (m->rec_len > start && m->rec[m->rec_len - 1] == '\r') {
                    m->rec_len--;
                    m->raw--;
                }
            }
            if (end_field(m))
                return RD_ERR;
            return c == ',' ? FIELD_NEXT : FIELD_LAST;
        }
        if (put(m, c))
            return RD_ERR;
        copy_plain(m, ',', '\n');
    }
}

/* What may follow a closing quote: a comma, the line's end or the file's.
 * qline: where the quote opened (a quote left open on an earlier line is
 * closed by the next row's opening quote, and this is where it shows). */
static int after_quote(struct s3e_manifest *m, unsigned long qline)
{
    int c = next_byte(m);
    if (c == '\r') {
        c = next_byte(m);
        if (c == '\n')
            m->raw--;
        else
            c = '\r';
    }
    if (c == RD_ERR)
        return RD_ERR;
    if (c == ',')
        return FIELD_NEXT;
    if (c == EOF)
        return FIELD_LAST;
    if (c == '\n') {
        end_line(m);
        return FIELD_LAST;
    }
    char one[64];
    char ch = (char)c;
    if (qline != m->line)
        return fail_at(m, qline, "unterminated quoted field? The quote opened on this line "
                       "closes on line %lu, followed by '%s'", m->line, shown(&ch, 1, one));
    return fail_at(m, m->line, "'%s' after a closing quote: a quoted field must end at its "
                   "quote (write \"\" for a quote inside it)", shown(&ch, 1, one));
}

/* A field in quotes, the opening quote read: "" is a quote; commas and line
 * breaks are part of the field. */
static int quoted_field(struct s3e_manifest *m)
{
    begin_field(m);
    m->quoted = 1;
    m->quote_line = m->line;
    for (;;) {
        int c = next_byte(m);
        if (c == RD_ERR)
            return RD_ERR;
        if (c == EOF)
            return fail_at(m, m->quote_line, "unterminated quoted field: the quote opened on "
                           "this line is not closed before the end of the file");
        if (c == '"') {
            c = next_byte(m);
            if (c == RD_ERR)
                return RD_ERR;
            if (c != '"') {
                if (c != EOF)
                    unread_byte(m);
                unsigned long qline = m->quote_line;
                m->quote_line = 0;
                if (end_field(m))
                    return RD_ERR;
                return after_quote(m, qline);
            }
        } else if (c == '\n') {
            m->line++;
        }
        if (put(m, c))
            return RD_ERR;
        copy_plain(m, '"', '\n');
    }
}

/* Skip the rest of a comment line. */
static int skip_line(struct s3e_manifest *m)
{
    for (;;) {
        int c = next_byte(m);
        if (c == RD_ERR)
            return RD_ERR;
        if (c == EOF)
            return 0;
        if (c == '\n') {
            m->line++;
            return 0;
        }
    }
}

/* Read one record into rec/off/len, skipping blank and comment lines.
 * 1 = a record, 0 = the end of the file, RD_ERR. */
static int read_record(struct s3e_manifest *m, unsigned long *start_line)
{
    for (;;) {
        m->nfields = 0;
        m->rec_len = 0;
        m->raw = 0;
        m->quoted = 0;
        *start_line = m->line;
        int c = next_byte(m);
        if (c == EOF || c == RD_ERR)
            return c == EOF ? 0 : RD_ERR;
        /* no bucket name starts with '#': a comment while the bucket comes first */
        if (c == '#' && m->col[COL_BUCKET] == 0) {
            if (skip_line(m))
                return RD_ERR;
            continue;
        }
        for (int first = 1;; first = 0) {
            if (!first)
                c = next_byte(m);
            int end = c == '"' ? quoted_field(m) : unquoted_field(m, c);
            if (end == RD_ERR)
                return RD_ERR;
            if (end == FIELD_LAST)
                break;
        }
        if (m->nfields == 1 && m->len[0] == 0 && !m->quoted)
            continue;   /* a blank line */
        return 1;
    }
}

/* Column names compared without case, '_', '-' and spaces. */
static int header_column(const char *name)
{
    static const struct { const char *name; int col; } names[] = {
        { "bucket", COL_BUCKET }, { "key", COL_KEY }, { "size", COL_SIZE },
        { "etag", COL_ETAG }, { "lastmodified", COL_MTIME },
        { "lastmodifieddate", COL_MTIME }, { "versionid", COL_VERSION },
        { "isdeletemarker", COL_DELMARK },
    };
    char norm[32];
    size_t n = 0;
    for (const char *p = name; *p; p++) {
        if (*p == '_' || *p == '-' || *p == ' ')
            continue;
        if (n + 1 >= sizeof norm)
            return -1;
        norm[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
    }
    norm[n] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(norm, names[i].name) == 0)
            return names[i].col;
    return -1;
}

static const char *joined(const struct s3e_manifest *m, char out[64]);

static int all_digits(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* A first row naming a bucket and a key column (and holding no number) names
 * the columns: 1. 0 = a data row. RD_ERR: only column names, but not these two
 * (it would otherwise be copied as s3://key/size). */
static int take_header(struct s3e_manifest *m, unsigned long line)
{
    int col[COL_NCOLS];
    size_t names = 0;
    for (int i = 0; i < COL_NCOLS; i++)
        col[i] = -1;
    for (size_t i = 0; i < m->nfields; i++) {
        const char *f = m->rec + m->off[i];
        if (all_digits(f, m->len[i]))
            return 0;
        int c = header_column(f);
        names += c >= 0;
        if (c >= 0 && col[c] < 0)
            col[c] = (int)i;
    }
    if (col[COL_BUCKET] < 0 || col[COL_KEY] < 0) {
        char sh[64];
        if (names >= 2 && names == m->nfields)
            return fail_at(m, line, "the header row '%s' names no %s column", joined(m, sh),
                           col[COL_BUCKET] < 0 ? "bucket" : "key");
        return 0;
    }
    memcpy(m->col, col, sizeof col);
    return 1;
}

int s3e_manifest_open(struct s3e_manifest **out, const char *path, int url_encoded,
                      char *errbuf, size_t errlen)
{
    struct s3e_manifest *m = calloc(1, sizeof *m);
    if (!m || !(m->path = strdup(path)) || !(m->in = malloc(IN_SIZE)) ||
        !(m->rec = malloc(REC_CAP))) {
        s3e_manifest_close(m);
        snprintf(errbuf, errlen, "out of memory");
        return S3E_ENOMEM;
    }
    errno = 0;
    int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || !(m->f = gzdopen(fd, "rb"))) {
        snprintf(errbuf, errlen, "cannot open %s: %s", path, strerror(errno ? errno : ENOMEM));
        if (fd >= 0)
            close(fd);
        s3e_manifest_close(m);
        return S3E_EIO;
    }
    m->url_encoded = url_encoded;
    m->max_bytes = S3E_MANIFEST_MAX_BYTES;
    m->max_rows = S3E_MANIFEST_MAX_ROWS;
    m->line = 1;
    for (int i = 0; i < COL_NCOLS; i++)
        m->col[i] = i < COL_VERSION ? i : -1;
    s3e_buf_init(&m->key, S3E_MANIFEST_MAX_ROW + 1);
    *out = m;
    return S3E_OK;
}

int s3e_manifest_set_schema(struct s3e_manifest *m, const char *schema, char *errbuf,
                            size_t errlen)
{
    int col[COL_NCOLS];
    for (int i = 0; i < COL_NCOLS; i++)
        col[i] = -1;
    int n = 0;
    for (const char *p = schema;; n++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        if (n >= MAX_FIELDS || len >= sizeof name) {
            snprintf(errbuf, errlen, "fileSchema: more than %d columns or a name over 63 bytes",
                     MAX_FIELDS);
            return S3E_EPLAN;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        int c = header_column(name);
        if (c >= 0 && col[c] < 0)
            col[c] = n;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (col[COL_BUCKET] < 0 || col[COL_KEY] < 0) {
        snprintf(errbuf, errlen, "fileSchema '%.200s' names no %s column", schema,
                 col[COL_BUCKET] < 0 ? "Bucket" : "Key");
        return S3E_EPLAN;
    }
    memcpy(m->col, col, sizeof col);
    m->started = 1;
    m->header = 1;
    return S3E_OK;
}

void s3e_manifest_set_limits(struct s3e_manifest *m, uint64_t max_bytes, uint64_t max_rows)
{
    if (max_bytes)
        m->max_bytes = max_bytes;
    if (max_rows)
        m->max_rows = max_rows;
}

/* Column c of the record, NULL when absent or empty. */
static const char *field(const struct s3e_manifest *m, enum col c, size_t *len)
{
    int i = m->col[c];
    if (i < 0 || (size_t)i >= m->nfields || m->len[i] == 0)
        return NULL;
    *len = m->len[i];
    return m->rec + m->off[i];
}

/* The record's fields joined again, for a message. */
static const char *joined(const struct s3e_manifest *m, char out[64])
{
    char line[64];
    size_t n = 0;
    for (size_t i = 0; i < m->nfields && n + 1 < sizeof line; i++) {
        if (i)
            line[n++] = ',';
        size_t k = m->len[i] < sizeof line - 1 - n ? m->len[i] : sizeof line - 1 - n;
        memcpy(line + n, m->rec + m->off[i], k);
        n += k;
    }
    return shown(line, n, out);
}

static int take_size(struct s3e_manifest *m, struct s3e_manifest_row *row, unsigned long line)
{
    size_t len = 0;
    const char *s = field(m, COL_SIZE, &len);
    char sh[64];
    row->has_size = 0;
    row->size = 0;
    if (!s)
        return 0;
    if (!all_digits(s, len) || len > 20) {
        if (!m->header && m->nfields == 3) { /* bucket,key,versionId (Batch Operations) */
            row->version_id = s;
            row->version_len = len;
            return 0;
        }
        return fail_at(m, line, "size: expected a number of bytes, got '%s'", shown(s, len, sh));
    }
    /* all digits, at most 20: only a 20-digit number can overflow */
    unsigned long long v = 0;
    int over = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        over |= v > (ULLONG_MAX - d) / 10;
        v = v * 10 + d;
    }
    if (over)
        return fail_at(m, line, "size: expected a number of bytes, got '%s'", shown(s, len, sh));
    row->has_size = 1;
    row->size = v;
    return 0;
}

/* A version id is sent in a query and a header: no blank, no control byte. */
static int take_version(struct s3e_manifest *m, struct s3e_manifest_row *row, unsigned long line)
{
    size_t len = 0;
    char sh[64];
    const char *v = field(m, COL_VERSION, &len);
    if (v) {
        row->version_id = v;
        row->version_len = len;
    }
    if (!row->version_id)
        return 0;
    len = row->version_len; /* a NUL inside is caught below, not taken for the end */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)row->version_id[i] <= 0x20 || row->version_id[i] == 0x7f)
            return fail_at(m, line, "versionId '%s': holds a blank or a control character",
                           shown(row->version_id, len, sh));
    if (len > 1024)
        return fail_at(m, line, "versionId '%s...': longer than 1024 bytes",
                       shown(row->version_id, len, sh));
    return 0;
}

/* The value of 1 to 18 digits (cannot overflow). */
static int64_t digits_value(const char *s, size_t len)
{
    int64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* etag, last_modified and the version id. */
static int take_extras(struct s3e_manifest *m, struct s3e_manifest_row *row, unsigned long line)
{
    size_t len = 0;
    char sh[64];
    if (take_version(m, row, line))
        return RD_ERR;
    char *etag = (char *)field(m, COL_ETAG, &len);
    row->etag = NULL;
    if (etag) {
        if (len >= 2 && etag[0] == '"' && etag[len - 1] == '"') {
            etag[len - 1] = '\0';
            etag++;
        }
        row->etag = etag;
    }
    const char *mt = field(m, COL_MTIME, &len);
    row->last_modified = 0;
    if (mt) {
        row->last_modified = all_digits(mt, len) && len < 19 ? digits_value(mt, len)
                                                              : s3e_parse_time(mt);
        if (row->last_modified < 0)
            return fail_at(m, line, "last_modified: expected epoch seconds or an ISO 8601 "
                           "time, got '%s'", shown(mt, len, sh));
    }
    return 0;
}

/* The key S3 will be asked for; a key it cannot hold spoils this row only. */
static int take_key(struct s3e_manifest *m, struct s3e_manifest_row *row, const char *key,
                    size_t len, unsigned long line)
{
    char sh[64];
    const char *why = NULL;
    row->key = key;
    row->key_len = len;
    if (memchr(key, '\0', len)) {
        why = "holds a NUL byte, which no S3 key can";
    } else if (m->url_encoded) {
        s3e_buf_reset(&m->key);
        if (s3e_uri_decode(&m->key, key, len, 1))
            why = "bad %-encoding";
        else if (memchr(m->key.data, '\0', m->key.len))
            why = "%-decodes to a NUL byte, which no S3 key can hold";
        else
            len = m->key.len;
    }
    if (!why && len > MAX_KEY)
        why = "longer than 1024 bytes, the most S3 allows";
    if (why) {
        fail_at(m, line, "key '%s': %s", shown(key, row->key_len, sh), why);
        m->failed = 0;
        return S3E_MANIFEST_BAD_KEY;
    }
    if (m->url_encoded) {
        row->key = m->key.data;
        row->key_len = m->key.len;
    }
    return S3E_MANIFEST_ROW;
}

static int make_row(struct s3e_manifest *m, struct s3e_manifest_row *row, unsigned long line)
{
    size_t blen = 0, klen = 0;
    const char *bucket = field(m, COL_BUCKET, &blen), *key = field(m, COL_KEY, &klen);
    char sh[64];
    if (!bucket || !key)
        return fail_at(m, line, "expected bucket,key[,size[,etag[,last_modified]]], got '%s'",
                       joined(m, sh));
    if (memchr(bucket, '\0', blen))
        return fail_at(m, line, "bucket '%s': holds a NUL byte", shown(bucket, blen, sh));
    row->line = line;
    row->bucket = bucket;
    if (take_size(m, row, line) || take_extras(m, row, line))
        return RD_ERR;
    return take_key(m, row, key, klen, line);
}

static int next_row(struct s3e_manifest *m, struct s3e_manifest_row *row)
{
    memset(row, 0, sizeof *row);
    for (;;) {
        if (m->failed)
            return S3E_MANIFEST_ERROR;
        unsigned long line;
        int rc = read_record(m, &line);
        if (rc == 0)
            return S3E_MANIFEST_END;
        if (rc == RD_ERR)
            return S3E_MANIFEST_ERROR;
        if (m->raw > S3E_MANIFEST_MAX_ROW) {
            too_long(m, line);
            return S3E_MANIFEST_ERROR;
        }
        if (!m->started) {
            m->started = 1;
            m->header = take_header(m, line);
            if (m->header == RD_ERR)
                return S3E_MANIFEST_ERROR;
            if (m->header)
                continue;
        }
        size_t dlen = 0;
        const char *dm = field(m, COL_DELMARK, &dlen);
        if (dm && dlen == 4 && memcmp(dm, "true", 4) == 0)
            continue;   /* a delete marker has nothing to copy */
        if (++m->rows > m->max_rows) {
            fail_at(m, line, "more than %llu rows (the limit for a manifest)",
                    (unsigned long long)m->max_rows);
            return S3E_MANIFEST_ERROR;
        }
        rc = make_row(m, row, line);
        return rc == RD_ERR ? S3E_MANIFEST_ERROR : rc;
    }
}

int s3e_manifest_next(struct s3e_manifest *m, struct s3e_manifest_row *row, char *errbuf,
                      size_t errlen)
{
    int rc = next_row(m, row);
    if (errlen && (rc == S3E_MANIFEST_ERROR || rc == S3E_MANIFEST_BAD_KEY))
        snprintf(errbuf, errlen, "%s", m->err);
    else if (errlen) /* no snprintf per row: it was 7 % of a plan's CPU */
        errbuf[0] = '\0';
    return rc;
}

const char *s3e_manifest_path(const struct s3e_manifest *m)
{
    return m->path;
}

void s3e_manifest_close(struct s3e_manifest *m)
{
    if (!m)
        return;
    if (m->f)
        gzclose(m->f);
    free(m->in);
    free(m->rec);
    free(m->path);
    s3e_buf_free(&m->key);
    free(m);
}
