/* job_format.c - the lines of job.tsv, the manifests and the results (see
 * job_format.h for the layout). Writing is on the emit path of a
 * million-object plan, so a field without bytes to escape is one append. */
#include "job_format.h"
#include "s3engine/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 16

static int needs_escape(unsigned char c)
{
    return c < 0x20 || c == 0x7f || c == '%';
}

int s3e_jobfmt_field(struct s3e_buf *b, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!needs_escape(c))
            continue;
        char esc[4];
        snprintf(esc, sizeof esc, "%%%02X", c);
        if (s3e_buf_append(b, s + start, i - start) || s3e_buf_append(b, esc, 3))
            return S3E_ENOMEM;
        start = i + 1;
    }
    return s3e_buf_append(b, s + start, len - start) ? S3E_ENOMEM : S3E_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int s3e_jobfmt_unescape(char *s, size_t *out_len)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r != '%') {
            *w++ = *r;
            continue;
        }
        int hi = hexval(r[1]), lo = hi < 0 ? -1 : hexval(r[2]);
        if (lo < 0)
            return S3E_EINVAL;
        *w++ = (char)(hi << 4 | lo);
        r += 2;
    }
    *w = '\0';
    if (out_len)
        *out_len = (size_t)(w - s);
    return S3E_OK;
}

static int put(struct s3e_buf *b, const char *s)
{
    return s3e_jobfmt_field(b, s ? s : "", s ? strlen(s) : 0);
}

/* Split a line (no LF) at tabs in place and decode each field. Returns the
 * number of fields, or -1 on a bad escape or too many fields. */
static int split(char *line, size_t len, char **f, int max)
{
    int n = 0;
    char *p = line, *end = line + len;
    *end = '\0';
    for (;;) {
        if (n == max)
            return -1;
        f[n++] = p;
        char *tab = memchr(p, '\t', (size_t)(end - p));
        if (tab)
            *tab = '\0';
        if (s3e_jobfmt_unescape(p, NULL))
            return -1;
        if (!tab)
            return n;
        p = tab + 1;
    }
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *e;
    if (!*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &e, 10);
    if (*e)
        return -1;
    *out = v;
    return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
    char *e;
    if (!*s)
        return -1;
    long long v = strtoll(s, &e, 10);
    if (*e)
        return -1;
    *out = v;
    return 0;
}

/* ---- manifests ---------------------------------------------------------------- */

/* Decimal digits of v followed by `end`, into out (at least 22 bytes); its length.
 * snprintf costs more than the rest of a manifest line. */
static size_t put_u64(char *out, unsigned long long v, char end)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = end;
    return n + 1;
}

/* Copy one field escaped to out, stopping short of end; returns the new end,
 * or NULL when the field does not fit. The manifest writer's inner loop: no
 * call per byte or per field, and no strlen pass ahead of it (the strings
 * are cold in memory; reading them twice cost more than formatting). */
static char *copy_field(char *out, const char *end, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s && *s; s++) {
        if (end - out < 4)
            return NULL;
        unsigned char c = (unsigned char)*s;
        if (!needs_escape(c)) {
            *out++ = (char)c;
            continue;
        }
        *out++ = '%';
        *out++ = hex[c >> 4];
        *out++ = hex[c & 15];
    }
    return out;
}

#define NUMBERS_ROOM (4 * 24 + 24) /* four numbers, the tabs, the flags, LF */

/* One manifest line into [out, end); its end, or NULL when it does not fit. */
static char *line_into(char *p, const char *end, const struct s3e_job *j, const char *version_id,
                       int version_row)
{
    const char *fields_end = end - NUMBERS_ROOM;
    if (fields_end <= p || !(p = copy_field(p, fields_end, j->src_bucket)))
        return NULL;
    *p++ = '\t';
    if (!(p = copy_field(p, fields_end, j->src_key)))
        return NULL;
    *p++ = '\t';
    if (!(p = copy_field(p, fields_end, version_id)))
        return NULL;
    *p++ = '\t';
    p += put_u64(p, j->size, '\t');
    if (!(p = copy_field(p, fields_end, j->etag)))
        return NULL;
    *p++ = '\t';
    if (j->last_modified < 0) {
        *p++ = '-';
        p += put_u64(p, (unsigned long long)-(j->last_modified + 1) + 1, '\t');
    } else {
        p += put_u64(p, (unsigned long long)j->last_modified, '\t');
    }
    p += put_u64(p, j->target, '\t');
    if (!(p = copy_field(p, fields_end, j->dst_bucket)))
        return NULL;
    *p++ = '\t';
    if (!(p = copy_field(p, fields_end, j->dst_key)))
        return NULL;
    *p++ = '\t';
    if (!(p = copy_field(p, fields_end, j->storage_class)))
        return NULL;
    *p++ = '\t';
    char *flags = p;
    if (j->existing)
        *p++ = 'e';
    if (j->archived)
        *p++ = 'a';
    if (version_row)
        *p++ = 'v';
    if (p == flags)
        *p++ = '-';
    *p++ = '\t';
    p += put_u64(p, j->source, '\t');
    if (!(p = copy_field(p, fields_end, j->put)))
        return NULL;
    *p++ = '\n';
    return p;
}

static size_t len0(const char *s)
{
    return s ? strlen(s) : 0;
}

#define LINE_ROOM 8192 /* room asked for before a line: keys are at most 1,024 bytes */

int s3e_jobfmt_object_write(struct s3e_buf *b, const struct s3e_job *j, const char *version_id,
                            int version_row)
{
    if (s3e_buf_reserve(b, LINE_ROOM))
        return S3E_ENOMEM;
    char *p = line_into(b->data + b->len, b->data + b->cap - 1, j, version_id, version_row);
    if (!p) { /* a line longer than LINE_ROOM: room for every byte escaped */
        size_t most = 3 * (len0(j->src_bucket) + len0(j->src_key) + len0(version_id) +
                           len0(j->etag) + len0(j->dst_bucket) + len0(j->dst_key) +
                           len0(j->storage_class) + len0(j->put)) + NUMBERS_ROOM + 4;
        if (s3e_buf_reserve(b, most))
            return S3E_ENOMEM;
        p = line_into(b->data + b->len, b->data + b->cap - 1, j, version_id, version_row);
        if (!p)
            return S3E_ENOMEM;
    }
    *p = '\0';
    b->len = (size_t)(p - b->data);
    return S3E_OK;
}

int s3e_jobfmt_object_parse(char *line, size_t len, struct s3e_job *j, const char **version_id,
                            int *version_row)
{
    char *f[MAX_FIELDS];
    int n = split(line, len, f, MAX_FIELDS);
    if (n != 11 && n != 13) /* 11: format 1 (no source, no route headers) */
        return S3E_EPARSE;
    uint64_t target, source = 0;
    memset(j, 0, sizeof *j);
    if (parse_u64(f[3], &j->size) || parse_i64(f[5], &j->last_modified) ||
        parse_u64(f[6], &target) || target > UINT32_MAX || !*f[0] || !*f[1] || !*f[7] ||
        !*f[8] || (n == 13 && (parse_u64(f[11], &source) || source > UINT32_MAX)))
        return S3E_EPARSE;
    *version_row = 0;
    if (strcmp(f[10], "-") != 0) {
        for (const char *c = f[10]; *c; c++) {
            if (*c == 'e')
                j->existing = 1;
            else if (*c == 'a')
                j->archived = 1;
            else if (*c == 'v')
                *version_row = 1;
            else
                return S3E_EPARSE;
        }
        if (!*f[10])
            return S3E_EPARSE;
    }
    j->src_bucket = f[0];
    j->src_key = f[1];
    *version_id = f[2];
    j->etag = f[4];
    j->target = (uint32_t)target;
    j->source = (uint32_t)source;
    j->dst_bucket = f[7];
    j->dst_key = f[8];
    j->storage_class = *f[9] ? f[9] : NULL;
    j->put = n == 13 && *f[12] ? f[12] : NULL;
    return S3E_OK;
}

/* ---- job.tsv ------------------------------------------------------------------ */

int s3e_jobfmt_index_add(struct s3e_job_index *ix, const struct s3e_job_payload *p)
{
    if (ix->npayloads == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 64;
        struct s3e_job_payload *np = realloc(ix->payloads, cap * sizeof *np);
        if (!np)
            return S3E_ENOMEM;
        ix->payloads = np;
        ix->cap = cap;
    }
    struct s3e_job_payload *d = &ix->payloads[ix->npayloads];
    *d = *p;
    d->file = strdup(p->file);
    if (!d->file)
        return S3E_ENOMEM;
    ix->npayloads++;
    return S3E_OK;
}

static int setting(struct s3e_buf *b, const char *name, unsigned long long v)
{
    return s3e_buf_printf(b, "setting\t%s\t%llu\n", name, v);
}

int s3e_jobfmt_index_write(struct s3e_buf *b, const struct s3e_job_index *ix)
{
    int rc = s3e_buf_printf(b, "s3engine-job\t%d\nplan\t", S3E_JOB_FORMAT_VERSION) ||
             put(b, ix->plan_path) || s3e_buf_printf(b, "\t%s\ncreated_at\t%s\n", ix->sha256,
                                                     ix->created_at) ||
             setting(b, "workers", (unsigned)ix->workers) ||
             setting(b, "move", (unsigned)ix->move) || setting(b, "verify", (unsigned)ix->verify) ||
             setting(b, "multipart_cutoff", ix->multipart_cutoff) ||
             setting(b, "part_size", ix->part_size) ||
             setting(b, "part_concurrency", (unsigned)ix->part_concurrency) ||
             setting(b, "check_destinations", (unsigned)ix->check_destinations);
    for (size_t i = 0; !rc && i < ix->nsources; i++) {
        const struct s3e_job_source *src = &ix->sources[i];
        rc = s3e_buf_printf(b, "source\t%zu\t%d\t", i, src->restore_days) ||
             put(b, src->restore_tier) || s3e_buf_putc(b, '\n');
    }
    for (size_t i = 0; !rc && i < ix->ntargets; i++) {
        const struct s3e_job_target *t = &ix->targets[i];
        rc = s3e_buf_printf(b, "target\t%zu\t", i) || put(b, t->name) || s3e_buf_putc(b, '\t') ||
             put(b, t->bucket) || s3e_buf_putc(b, '\t') || put(b, t->prefix) ||
             s3e_buf_putc(b, '\t') || put(b, t->storage_class) || s3e_buf_putc(b, '\n');
    }
    for (size_t i = 0; !rc && i < ix->nopts; i++) {
        const struct s3e_job_opt *o = &ix->opts[i];
        rc = s3e_buf_printf(b, "option\t%s\t%zu\t", o->target ? "target" : "source", o->index) ||
             put(b, o->name) || s3e_buf_putc(b, '\t') || put(b, o->value) ||
             s3e_buf_putc(b, '\n');
    }
    for (size_t i = 0; !rc && i < ix->npayloads; i++) {
        const struct s3e_job_payload *p = &ix->payloads[i];
        rc = s3e_buf_puts(b, "payload\t") || s3e_buf_put_u64(b, p->id) || s3e_buf_putc(b, '\t') ||
             s3e_buf_put_u64(b, (unsigned)p->worker) || s3e_buf_putc(b, '\t') ||
             s3e_buf_put_u64(b, p->objects) || s3e_buf_putc(b, '\t') ||
             s3e_buf_put_u64(b, p->bytes) || s3e_buf_putc(b, '\t') || put(b, p->file) ||
             s3e_buf_putc(b, '\t') || s3e_buf_put_u64(b, p->offset) || s3e_buf_putc(b, '\t') ||
             s3e_buf_put_u64(b, p->length) || s3e_buf_putc(b, '\n');
    }
    return rc ? S3E_ENOMEM : S3E_OK;
}

void s3e_jobfmt_index_free(struct s3e_job_index *ix)
{
    free(ix->plan_path);
    for (size_t i = 0; i < ix->ntargets; i++) {
        free(ix->targets[i].name);
        free(ix->targets[i].bucket);
        free(ix->targets[i].prefix);
        free(ix->targets[i].storage_class);
    }
    free(ix->targets);
    free(ix->sources);
    for (size_t i = 0; i < ix->nopts; i++) {
        free(ix->opts[i].name);
        free(ix->opts[i].value);
    }
    free(ix->opts);
    for (size_t i = 0; i < ix->npayloads; i++)
        free(ix->payloads[i].file);
    free(ix->payloads);
    memset(ix, 0, sizeof *ix);
}

static int read_setting(struct s3e_job_index *ix, char **f, int n)
{
    uint64_t v;
    if (n != 3 || parse_u64(f[2], &v))
        return -1;
    if (strcmp(f[1], "workers") == 0 && v >= 1 && v <= 1000000)
        ix->workers = (int)v;
    else if (strcmp(f[1], "move") == 0 && v <= 1)
        ix->move = (int)v;
    else if (strcmp(f[1], "verify") == 0 && v <= 1)
        ix->verify = (int)v;
    else if (strcmp(f[1], "multipart_cutoff") == 0)
        ix->multipart_cutoff = v;
    else if (strcmp(f[1], "part_size") == 0)
        ix->part_size = v;
    else if (strcmp(f[1], "part_concurrency") == 0 && v >= 1 && v <= 1024)
        ix->part_concurrency = (int)v;
    else if (strcmp(f[1], "check_destinations") == 0 && v <= 1)
        ix->check_destinations = (int)v;
    else
        return -1;
    return 0;
}

static int read_target(struct s3e_job_index *ix, char **f, int n)
{
    uint64_t i;
    if (n != 6 || parse_u64(f[1], &i) || i != ix->ntargets)
        return -1;
    struct s3e_job_target *t = realloc(ix->targets, (ix->ntargets + 1) * sizeof *t);
    if (!t)
        return -1;
    ix->targets = t;
    t += ix->ntargets++;
    t->name = strdup(f[2]);
    t->bucket = strdup(f[3]);
    t->prefix = strdup(f[4]);
    t->storage_class = strdup(f[5]);
    return t->name && t->bucket && t->prefix && t->storage_class ? 0 : -1;
}

static int read_source(struct s3e_job_index *ix, char **f, int n)
{
    uint64_t i, days;
    if (n != 4 || parse_u64(f[1], &i) || i != ix->nsources || parse_u64(f[2], &days) ||
        days > 1000000 || strlen(f[3]) >= sizeof ix->sources->restore_tier)
        return -1;
    struct s3e_job_source *src = realloc(ix->sources, (ix->nsources + 1) * sizeof *src);
    if (!src)
        return -1;
    ix->sources = src;
    src += ix->nsources++;
    src->restore_days = (int)days;
    snprintf(src->restore_tier, sizeof src->restore_tier, "%s", f[3]);
    return 0;
}

int s3e_jobfmt_opt_add(struct s3e_job_index *ix, int target, size_t index, const char *name,
                       const char *value)
{
    struct s3e_job_opt *o = realloc(ix->opts, (ix->nopts + 1) * sizeof *o);
    if (!o)
        return S3E_ENOMEM;
    ix->opts = o;
    o += ix->nopts;
    *o = (struct s3e_job_opt){ target, index, strdup(name), strdup(value) };
    if (!o->name || !o->value) {
        free(o->name);
        free(o->value);
        return S3E_ENOMEM;
    }
    ix->nopts++;
    return S3E_OK;
}

/* The source or target it names was given on a line before (job_sides.c
 * checks the name and value). */
static int read_option(struct s3e_job_index *ix, char **f, int n)
{
    uint64_t i;
    int target = n == 5 && strcmp(f[1], "target") == 0;
    if (n != 5 || (!target && strcmp(f[1], "source") != 0) || parse_u64(f[2], &i) ||
        i >= (target ? ix->ntargets : ix->nsources) || !*f[3])
        return -1;
    return s3e_jobfmt_opt_add(ix, target, (size_t)i, f[3], f[4]) ? -1 : 0;
}

static int read_payload(struct s3e_job_index *ix, char **f, int n)
{
    struct s3e_job_payload p;
    uint64_t w;
    if (n != 8 || parse_u64(f[1], &p.id) || parse_u64(f[2], &w) || w < 1 || w > 1000000 ||
        parse_u64(f[3], &p.objects) || parse_u64(f[4], &p.bytes) || !*f[5] ||
        parse_u64(f[6], &p.offset) || parse_u64(f[7], &p.length) || p.id != ix->npayloads + 1)
        return -1;
    p.worker = (int)w;
    p.file = f[5];
    return s3e_jobfmt_index_add(ix, &p) ? -1 : 0;
}

/* Calls fn for each line (without its LF) of a copy of text, numbered from 1.
 * fn returns 0 to go on. */
typedef int (*line_fn)(void *ud, char **f, int n, unsigned long lineno);

static int each_line(const char *text, size_t len, line_fn fn, void *ud, char *err, size_t errlen)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return S3E_ENOMEM;
    memcpy(copy, text, len);
    unsigned long lineno = 0;
    int rc = S3E_OK;
    for (size_t pos = 0; pos < len && !rc;) {
        char *nl = memchr(copy + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - copy) : len;
        char *f[MAX_FIELDS];
        lineno++;
        int n = split(copy + pos, end - pos, f, MAX_FIELDS);
        if (n < 0 || fn(ud, f, n, lineno)) {
            snprintf(err, errlen, "line %lu: %s", lineno,
                     n < 0 ? "bad %-escape or too many fields" : "unexpected or malformed line");
            rc = S3E_EPARSE;
        }
        pos = end + 1;
    }
    free(copy);
    return rc;
}

static int index_line(void *ud, char **f, int n, unsigned long lineno)
{
    struct s3e_job_index *ix = ud;
    if (lineno == 1) /* 2 added sources and manifest fields, 3 options (checked before) */
        return !(n == 2 && strcmp(f[0], "s3engine-job") == 0 && f[1][0] >= '1' &&
                 f[1][0] <= '0' + S3E_JOB_FORMAT_VERSION && !f[1][1]);
    if (strcmp(f[0], "plan") == 0 && n == 3 && strlen(f[2]) < sizeof ix->sha256) {
        free(ix->plan_path);
        ix->plan_path = strdup(f[1]);
        snprintf(ix->sha256, sizeof ix->sha256, "%s", f[2]);
        return !ix->plan_path;
    }
    if (strcmp(f[0], "created_at") == 0 && n == 2 && strlen(f[1]) < sizeof ix->created_at) {
        snprintf(ix->created_at, sizeof ix->created_at, "%s", f[1]);
        return 0;
    }
    if (strcmp(f[0], "setting") == 0)
        return read_setting(ix, f, n);
    if (strcmp(f[0], "source") == 0)
        return read_source(ix, f, n);
    if (strcmp(f[0], "target") == 0)
        return read_target(ix, f, n);
    if (strcmp(f[0], "option") == 0)
        return read_option(ix, f, n);
    if (strcmp(f[0], "payload") == 0)
        return read_payload(ix, f, n);
    return -1;
}

/* The format of a job.tsv from its first line: 1 to S3E_JOB_FORMAT_VERSION,
 * 0 when not a job index, -1 when newer than this program reads. */
static int index_version(const char *text, size_t len, long *v)
{
    static const char head[] = "s3engine-job\t";
    size_t hl = sizeof head - 1;
    *v = 0;
    if (len <= hl || memcmp(text, head, hl) != 0)
        return 0;
    char num[12] = "";
    size_t k = 0;
    for (size_t i = hl; i < len && text[i] != '\n' && k < sizeof num - 1; i++)
        num[k++] = text[i];
    char *e;
    *v = strtol(num, &e, 10);
    if (!k || *e || *v < 1)
        return 0;
    return *v > S3E_JOB_FORMAT_VERSION ? -1 : (int)*v;
}

int s3e_jobfmt_index_parse(const char *text, size_t len, struct s3e_job_index *out,
                           char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->verify = 1;
    long v;
    if (index_version(text, len, &v) < 0) {
        snprintf(err, errlen, "job format %ld: this s3engine reads formats 1 to %d (the job was "
                 "emitted by a newer s3engine: run it with that one, or emit it again)", v,
                 S3E_JOB_FORMAT_VERSION);
        return S3E_EPARSE;
    }
    int rc = each_line(text, len, index_line, out, err, errlen);
    if (!rc && !out->workers) {
        snprintf(err, errlen, "not a job index (no s3engine-job header or no workers)");
        rc = S3E_EPARSE;
    }
    return rc;
}

/* ---- results ------------------------------------------------------------------ */

/* Indexed by enum s3e_outcome, as far as a payload's run can end. */
static const char *const outcome_line[] = { "copied", "moved", "skipped", "failed", "archived",
                                            "changed", "restoring" };
#define NOUTCOMES (sizeof outcome_line / sizeof outcome_line[0])
_Static_assert(S3E_OUT_CHANGED == 5 && S3E_OUT_RESTORING == 6, "outcome_line follows the enum");

int s3e_jobfmt_not_done(enum s3e_outcome o)
{
    return o == S3E_OUT_FAILED || o == S3E_OUT_ARCHIVED || o == S3E_OUT_CHANGED ||
           o == S3E_OUT_RESTORING;
}

const char *s3e_jobfmt_result_status(const struct s3e_job_result *r)
{
    return r->done ? "done" : r->restoring ? "restoring" : "failed";
}

uint64_t s3e_jobfmt_result_failed(const struct s3e_job_result *r)
{
    return r->objects[S3E_OUT_FAILED] + r->objects[S3E_OUT_ARCHIVED] +
           r->objects[S3E_OUT_CHANGED];
}

void s3e_jobfmt_result_init(struct s3e_job_result *r)
{
    memset(r, 0, sizeof *r);
    s3e_buf_init(&r->failures, 0);
}

void s3e_jobfmt_result_free(struct s3e_job_result *r)
{
    s3e_buf_free(&r->failures);
}

int s3e_jobfmt_result_fail(struct s3e_job_result *r, const char *source, const char *target,
                           const char *error, int restoring)
{
    struct s3e_buf *b = &r->failures;
    int rc = s3e_buf_puts(b, restoring ? "restore\t" : "fail\t") || put(b, source) || s3e_buf_putc(b, '\t') ||
             put(b, target) || s3e_buf_putc(b, '\t') || put(b, error) || s3e_buf_putc(b, '\n');
    if (!rc)
        r->nfailures++;
    return rc ? S3E_ENOMEM : S3E_OK;
}

int s3e_jobfmt_result_write(struct s3e_buf *b, const struct s3e_job_result *r)
{
    int rc = s3e_buf_printf(b, "s3engine-result\t%d\npayload\t%llu\nstatus\t%s\n",
                            S3E_JOB_FORMAT_VERSION, (unsigned long long)r->payload,
                            s3e_jobfmt_result_status(r));
    for (size_t i = 0; !rc && i < NOUTCOMES; i++)
        rc = s3e_buf_printf(b, "%s\t%llu\t%llu\n", outcome_line[i],
                            (unsigned long long)r->objects[i], (unsigned long long)r->bytes[i]);
    if (!rc)
        rc = s3e_buf_printf(b, "seconds\t%.3f\n", r->seconds);
    if (!rc && r->failures.len)
        rc = s3e_buf_append(b, r->failures.data, r->failures.len);
    return rc ? S3E_ENOMEM : S3E_OK;
}

static int result_line(void *ud, char **f, int n, unsigned long lineno)
{
    struct s3e_job_result *r = ud;
    if (lineno == 1)
        return !(n == 2 && strcmp(f[0], "s3engine-result") == 0 &&
                 (strcmp(f[1], "1") == 0 || strcmp(f[1], "2") == 0 || strcmp(f[1], "3") == 0));
    if (strcmp(f[0], "payload") == 0 && n == 2)
        return parse_u64(f[1], &r->payload);
    if (strcmp(f[0], "status") == 0 && n == 2) {
        r->done = strcmp(f[1], "done") == 0;
        r->restoring = strcmp(f[1], "restoring") == 0;
        return !r->done && !r->restoring && strcmp(f[1], "failed") != 0;
    }
    if (strcmp(f[0], "seconds") == 0 && n == 2) {
        char *e;
        r->seconds = strtod(f[1], &e);
        return *e != '\0';
    }
    if ((strcmp(f[0], "fail") == 0 || strcmp(f[0], "restore") == 0) && n == 4)
        return s3e_jobfmt_result_fail(r, f[1], f[2], f[3], f[0][0] == 'r');
    for (size_t i = 0; i < NOUTCOMES; i++)
        if (strcmp(f[0], outcome_line[i]) == 0 && n == 3)
            return parse_u64(f[1], &r->objects[i]) || parse_u64(f[2], &r->bytes[i]);
    return -1;
}

int s3e_jobfmt_result_parse(const char *text, size_t len, struct s3e_job_result *out,
                            char *err, size_t errlen)
{
    s3e_jobfmt_result_init(out);
    return each_line(text, len, result_line, out, err, errlen);
}
