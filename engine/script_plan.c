/* script_plan.c - the table a plan returns, checked field by field and turned
 * into struct s3e_plan. Every complaint names file, line and field. */
#include "script_int.h"
#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"
#include "s3engine/region.h"
#include "s3engine/storage_class.h"
#include "s3engine/units.h"
#include "s3engine/uri.h"
#include "spelling.h"
#include "ssec.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- complaints ---------------------------------------------------------------- */

struct reader {
    struct s3e_script *s;
    lua_State *L;
    const char *path[4];  /* field path, e.g. {"targets", "images", "bucket"} */
    size_t depth;
    const struct s3e_plan *plan; /* as read so far (storage_classes comes first) */
};

static int complain(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "targets.images.bucket": where the reader is. */
static void field_path(const struct reader *r, char *field, size_t size)
{
    size_t off = 0, n = r->depth < 4 ? r->depth : 4;
    field[0] = '\0';
    for (size_t i = 0; i < n && off < size; i++)
        off += (size_t)snprintf(field + off, size - off, "%s%s",
                                i && r->path[i][0] != '[' ? "." : "",
                                r->path[i][0] == '"' ? "" : r->path[i]);
}

static int complain(struct reader *r, const char *fmt, ...)
{
    struct s3e_script *s = r->s;
    int line = r->depth ? s3e_script_field_line(s, r->path, r->depth < 4 ? r->depth : 4) : 0;
    if (!line)
        line = s3e_script_return_line(s);
    char field[256];
    field_path(r, field, sizeof field);
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(s->err, sizeof s->err, "%s:%d: %s%s%s", s->chunkname, line, field,
             field[0] ? ": " : "", msg);
    return S3E_EPLAN;
}

static void push_path(struct reader *r, const char *name)
{
    if (r->depth < 4)
        r->path[r->depth] = name;
    r->depth++;
}

static void pop_path(struct reader *r)
{
    r->depth--;
}

/* ---- field readers (value at the top of the stack) ------------------------------ */

static int read_string(struct reader *r, char **out, int required)
{
    int t = lua_type(r->L, -1);
    if (t == LUA_TNIL && !required)
        return S3E_OK;
    if (t != LUA_TSTRING)
        return complain(r, "expected a string, got %s", luaL_typename(r->L, -1));
    size_t len;
    const char *str = lua_tolstring(r->L, -1, &len);
    if (memchr(str, '\0', len))
        return complain(r, "the string holds a NUL byte (\"%s\\0...\")", str);
    if (!(*out = strdup(str)))
        return S3E_ENOMEM;
    return S3E_OK;
}

static int read_size(struct reader *r, uint64_t *out)
{
    lua_State *L = r->L;
    int t = lua_type(L, -1);
    if (t == LUA_TNIL)
        return S3E_OK;
    if (t == LUA_TNUMBER && lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0) {
        *out = (uint64_t)lua_tointeger(L, -1);
        return S3E_OK;
    }
    if (t == LUA_TSTRING && s3e_parse_size(lua_tostring(L, -1), out) == S3E_OK && *out > 0)
        return S3E_OK;
    if (t == LUA_TSTRING)
        return complain(r, "'%s' is not a size (write e.g. 800MB, 15GiB or a number of bytes)",
                        lua_tostring(L, -1));
    return complain(r, "expected a size such as \"800MB\" or a positive integer, got %s",
                    luaL_typename(L, -1));
}

static int read_int(struct reader *r, int *out, int lo, int hi)
{
    lua_State *L = r->L;
    if (lua_isnil(L, -1))
        return S3E_OK;
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < lo || lua_tointeger(L, -1) > hi)
        return complain(r, "expected a whole number from %d to %d, got %s", lo, hi,
                        lua_isnumber(L, -1) ? lua_tostring(L, -1) : luaL_typename(L, -1));
    *out = (int)lua_tointeger(L, -1);
    return S3E_OK;
}

static int read_function(struct reader *r, int *ref)
{
    lua_State *L = r->L;
    if (lua_isnil(L, -1))
        return S3E_OK;
    if (!lua_isfunction(L, -1))
        return complain(r, "expected a function, got %s", luaL_typename(L, -1));
    lua_pushvalue(L, -1);
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return S3E_OK;
}

/* "s3://bucket/prefix" -> bucket, prefix. */
static int split_url(struct reader *r, const char *url, char **bucket, char **prefix)
{
    size_t n;
    if (strlen(url) != lua_rawlen(r->L, -1)) /* url is the string at the top */
        return complain(r, "'%s...' contains a NUL byte", url);
    const char *rest, *b = s3e_uri_split_s3(url, &n, &rest);
    if (!b)
        return complain(r, "expected s3://BUCKET[/PREFIX] or a table, got '%s'", url);
    *bucket = strndup(b, n);
    *prefix = strdup(rest);
    return (*bucket && *prefix) ? S3E_OK : S3E_ENOMEM;
}

static int check_bucket(struct reader *r, const char *bucket)
{
    size_t n = strlen(bucket);
    if (n < 3 || n > 63 || strchr(bucket, '/') || strchr(bucket, ' '))
        return complain(r, "'%s' is not a valid bucket name", bucket);
    return S3E_OK;
}

/* Every key of the table at the top of the stack is one of `known`. */
static int only_known_fields(struct reader *r, const char *const *known, const char *hint)
{
    lua_State *L = r->L;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int ok = 0;
        for (size_t i = 0; k && known[i]; i++)
            ok |= strcmp(k, known[i]) == 0;
        if (!ok) {
            char name[128];
            snprintf(name, sizeof name, "%s", k ? k : "?");
            const char *near = k ? s3e_spelling_nearest(k, known) : NULL;
            lua_pop(L, 1);
            if (near)
                return complain(r, "unknown field '%s' (did you mean '%s'?)", name, near);
            return complain(r, "unknown field '%s' (%s)", name, hint);
        }
    }
    return S3E_OK;
}

/* A relative manifest path is relative to the plan's folder, like require
 * (an s3:// manifest.json is not a path). */
static int beside_plan(const struct s3e_script *s, char **path)
{
    const char *slash = s->plan_path ? strrchr(s->plan_path, '/') : NULL;
    if ((*path)[0] == '/' || strcmp(*path, "-") == 0 || !slash || strncmp(*path, "s3://", 5) == 0)
        return S3E_OK;
    size_t dlen = (size_t)(slash - s->plan_path) + 1, plen = strlen(*path);
    char *full = malloc(dlen + plen + 1);
    if (!full)
        return S3E_ENOMEM;
    memcpy(full, s->plan_path, dlen);
    memcpy(full + dlen, *path, plen + 1);
    free(*path);
    *path = full;
    return S3E_OK;
}

/* ---- encryption and checksums -------------------------------------------------------- */

/* An optional string field of the table at the top of the stack. */
static int read_opt_string(struct reader *r, const char *name, char **out)
{
    push_path(r, name);
    lua_getfield(r->L, -1, name);
    int rc = read_string(r, out, 0);
    if (!rc && *out && s3e_header_value_problem(*out))
        rc = complain(r, "%s", s3e_header_value_problem(*out));
    pop_path(r);
    lua_pop(r->L, 1);
    return rc;
}

/* sse_c_key_file / sse_c_key_env: a customer key, loaded now, so that a
 * missing or malformed key stops the run before any copy. The plan names
 * where the key is, never the key. */
static int read_ssec(struct reader *r, struct s3e_ssec **out)
{
    char *file = NULL, *env = NULL, why[512];
    int rc = read_opt_string(r, "sse_c_key_file", &file);
    if (!rc)
        rc = read_opt_string(r, "sse_c_key_env", &env);
    push_path(r, file ? "sse_c_key_file" : "sse_c_key_env");
    if (!rc && file && env)
        rc = complain(r, "give sse_c_key_file or sse_c_key_env, not both");
    if (!rc && file)
        rc = beside_plan(r->s, &file);
    if (!rc && (file || env)) {
        if (!(*out = calloc(1, sizeof **out)))
            rc = S3E_ENOMEM;
        else if (s3e_ssec_load(*out, file, env, why, sizeof why))
            rc = complain(r, "%s", why);
    }
    pop_path(r);
    free(file);
    free(env);
    return rc;
}

static int one_of(const char *v, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0)
            return 1;
    return 0;
}

/* A target's sse, kms_key_id, bucket_key_enabled, checksum_algorithm and customer key. */
static int read_target_crypt(struct reader *r, struct s3e_target *t)
{
    static const char *const sse[] = { "AES256", "aws:kms", NULL };
    static const char *const sums[] = { "CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME", NULL };
    int rc = read_opt_string(r, "sse", &t->sse);
    push_path(r, "sse");
    if (!rc && t->sse && !one_of(t->sse, sse))
        rc = complain(r, "expected \"AES256\" or \"aws:kms\", got '%s'", t->sse);
    pop_path(r);
    if (!rc)
        rc = read_opt_string(r, "kms_key_id", &t->kms_key_id);
    push_path(r, "kms_key_id");
    if (!rc && t->kms_key_id && (!t->sse || strcmp(t->sse, "aws:kms") != 0))
        rc = complain(r, "a KMS key needs sse = \"aws:kms\"");
    pop_path(r);
    push_path(r, "bucket_key_enabled");
    if (!rc) {
        int type = lua_getfield(r->L, -1, "bucket_key_enabled");
        if (type == LUA_TBOOLEAN)
            t->bucket_key_enabled = lua_toboolean(r->L, -1) ? 1 : -1;
        else if (type != LUA_TNIL)
            rc = complain(r, "expected true or false, got %s", luaL_typename(r->L, -1));
        lua_pop(r->L, 1);
    }
    pop_path(r);
    if (!rc)
        rc = read_opt_string(r, "checksum_algorithm", &t->checksum_algorithm);
    push_path(r, "checksum_algorithm");
    if (!rc && t->checksum_algorithm && !one_of(t->checksum_algorithm, sums))
        rc = complain(r, "expected CRC32, CRC32C, SHA1, SHA256 or CRC64NVME, got '%s'",
                      t->checksum_algorithm);
    pop_path(r);
    if (!rc)
        rc = read_ssec(r, &t->ssec);
    push_path(r, "sse_c_key_file");
    if (!rc && t->ssec && t->sse)
        rc = complain(r, "a customer key (SSE-C) and sse = \"%s\" exclude each other", t->sse);
    pop_path(r);
    return rc;
}

/* ---- connection and account fields of a source or a target ------------------------ */

static const char *const canned_acls[] = {
    "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
    "bucket-owner-read", "bucket-owner-full-control", NULL,
};

/* An optional string field checked by `why` (NULL when fine). */
static int access_string(struct reader *r, const char *name, char **out,
                         const char *(*why)(const char *))
{
    int rc = read_opt_string(r, name, out);
    const char *problem = !rc && *out ? why(*out) : NULL;
    if (problem) {
        push_path(r, name);
        rc = complain(r, "'%s' %s", *out, problem);
        pop_path(r);
    }
    return rc;
}

static const char *profile_problem(const char *name)
{
    return s3e_config_profile_exists(name) ? NULL
           : "is not a profile of the shared credentials or config file (AWS_SHARED_CREDENTIALS_FILE, "
             "AWS_CONFIG_FILE, ~/.aws)";
}

static const char *acl_problem(const char *acl)
{
    return one_of(acl, canned_acls) ? NULL
           : "is not a canned ACL (private, public-read, public-read-write, authenticated-read, "
             "aws-exec-read, bucket-owner-read, bucket-owner-full-control)";
}

static const char *owner_problem(const char *id)
{
    size_t n = strspn(id, "0123456789");
    return n == 12 && !id[n] ? NULL : "is not an AWS account id (12 digits)";
}

static const char *addressing_problem(const char *a)
{
    return strcmp(a, "path") == 0 || strcmp(a, "virtual") == 0 ? NULL
           : "is not an addressing style (\"path\" or \"virtual\")";
}

static int read_access(struct reader *r, struct s3e_access *a, int target)
{
    char *addressing = NULL;
    int rc = access_string(r, "profile", &a->profile, profile_problem);
    if (!rc)
        rc = access_string(r, "region", &a->region, s3e_region_problem);
    if (!rc)
        rc = access_string(r, "endpoint", &a->endpoint, s3e_config_endpoint_problem);
    if (!rc)
        rc = access_string(r, "addressing", &addressing, addressing_problem);
    if (!rc && addressing)
        a->addressing = strcmp(addressing, "path") == 0 ? S3E_ADDRESSING_PATH
                                                         : S3E_ADDRESSING_VIRTUAL;
    free(addressing);
    if (!rc && target)
        rc = access_string(r, "acl", &a->acl, acl_problem);
    if (!rc)
        rc = access_string(r, "expected_owner", &a->expected_owner, owner_problem);
    if (rc)
        return rc;
    push_path(r, "requester_pays");
    int t = lua_getfield(r->L, -1, "requester_pays");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        rc = complain(r, "expected true or false, got %s", luaL_typename(r->L, -1));
    a->requester_pays = lua_toboolean(r->L, -1);
    pop_path(r);
    lua_pop(r->L, 1);
    return rc;
}

/* A target's `stream`: copy through this machine even where S3 could copy. */
static int read_stream(struct reader *r, int *out)
{
    int rc = S3E_OK;
    push_path(r, "stream");
    int t = lua_getfield(r->L, -1, "stream");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        rc = complain(r, "expected true or false, got %s", luaL_typename(r->L, -1));
    *out = lua_toboolean(r->L, -1);
    pop_path(r);
    lua_pop(r->L, 1);
    return rc;
}

/* ---- sources ---------------------------------------------------------------------- */

/* list_concurrency of the source or target table at the top of the stack. */
static int read_list_concurrency(struct reader *r, int *out)
{
    push_path(r, "list_concurrency");
    lua_getfield(r->L, -1, "list_concurrency");
    int rc = read_int(r, out, 1, S3E_MAX_LIST_CONCURRENCY);
    pop_path(r);
    lua_pop(r->L, 1);
    return rc;
}

/* versions = "latest" | "all" (enum s3e_versions); a manifest names its own. */
static int read_versions(struct reader *r, struct s3e_source *src)
{
    static const char *const names[] = { "latest", "all" };
    lua_State *L = r->L;
    push_path(r, "versions");
    int t = lua_getfield(L, -1, "versions");
    const char *v = t == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    int rc = S3E_OK;
    if (t != LUA_TNIL) {
        for (int i = 0; v && i < 2; i++)
            if (strcmp(v, names[i]) == 0)
                src->versions = S3E_VERSIONS_LATEST + i;
        if (!src->versions)
            rc = complain(r, "expected \"latest\" or \"all\", got %s",
                          v ? "another string" : luaL_typename(L, -1));
        else if (src->manifest)
            rc = complain(r, "a manifest source names its versions in a versionId column");
    }
    pop_path(r);
    lua_pop(L, 1);
    return rc;
}

/* restore = { days = N, tier = "Bulk" | "Standard" | "Expedited" } */
static int read_restore(struct reader *r, struct s3e_source *src)
{
    static const char *const tiers[] = { "Bulk", "Standard", "Expedited", NULL };
    static const char *const known[] = { "days", "tier", NULL };
    lua_State *L = r->L;
    push_path(r, "restore");
    int t = lua_getfield(L, -1, "restore"), rc = S3E_OK;
    if (t != LUA_TNIL && t != LUA_TTABLE)
        rc = complain(r, "expected { days = N, tier = \"Bulk\" | \"Standard\" | "
                         "\"Expedited\" }, got %s", luaL_typename(L, -1));
    if (!rc && t == LUA_TTABLE)
        rc = only_known_fields(r, known, "restore has days and tier");
    if (!rc && t == LUA_TTABLE) {
        push_path(r, "days");
        lua_getfield(L, -1, "days");
        if (lua_isnil(L, -1))
            rc = complain(r, "restore needs days: how long the restored copy stays");
        else
            rc = read_int(r, &src->restore_days, 1, S3E_MAX_RESTORE_DAYS);
        pop_path(r);
        lua_pop(L, 1);
    }
    if (!rc && t == LUA_TTABLE) {
        char *tier = NULL;
        rc = read_opt_string(r, "tier", &tier);
        push_path(r, "tier");
        if (!rc && tier && !one_of(tier, tiers))
            rc = complain(r, "expected \"Bulk\", \"Standard\" or \"Expedited\", got '%s'",
                          tier);
        pop_path(r);
        snprintf(src->restore_tier, sizeof src->restore_tier, "%s",
                 !rc && tier ? tier : "Standard");
        free(tier);
    }
    pop_path(r);
    lua_pop(L, 1);
    return rc;
}

static int read_source(struct reader *r, struct s3e_source *src)
{
    lua_State *L = r->L;
    int rc;
    if (lua_type(L, -1) == LUA_TSTRING) {
        if ((rc = split_url(r, lua_tostring(L, -1), &src->bucket, &src->prefix)))
            return rc;
        return check_bucket(r, src->bucket);
    }
    if (!lua_istable(L, -1))
        return complain(r, "expected {bucket = ..., prefix = ...}, {manifest = ...} or "
                           "\"s3://bucket/prefix\", got %s", luaL_typename(L, -1));
    static const char *const known[] = { "bucket", "prefix", "manifest", "url_encoded",
                                         "sse_c_key_file", "sse_c_key_env", "list_concurrency",
                                         "profile", "region", "endpoint", "addressing",
                                         "expected_owner", "requester_pays", "versions", "restore",
                                         NULL };
    if ((rc = only_known_fields(r, known, "a source has bucket, prefix, manifest, url_encoded, "
                                          "sse_c_key_file, sse_c_key_env, list_concurrency, "
                                          "profile, region, endpoint, addressing, "
                                          "expected_owner, requester_pays, versions, restore")))
        return rc;
    push_path(r, "manifest");
    lua_getfield(L, -1, "manifest");
    rc = read_string(r, &src->manifest, 0);
    pop_path(r);
    lua_pop(L, 1);
    if (!rc && src->manifest)
        rc = beside_plan(r->s, &src->manifest);
    if (rc)
        return rc;
    push_path(r, "url_encoded");
    src->manifest_url_encoded = lua_getfield(L, -1, "url_encoded") != LUA_TNIL &&
                                lua_toboolean(L, -1);
    pop_path(r);
    lua_pop(L, 1);
    push_path(r, "bucket");
    lua_getfield(L, -1, "bucket");
    rc = read_string(r, &src->bucket, !src->manifest);
    if (!rc && src->bucket)
        rc = check_bucket(r, src->bucket);
    pop_path(r);
    lua_pop(L, 1);
    if (rc)
        return rc;
    push_path(r, "prefix");
    lua_getfield(L, -1, "prefix");
    rc = read_string(r, &src->prefix, 0);
    pop_path(r);
    lua_pop(L, 1);
    if (!rc && !src->prefix && !(src->prefix = strdup("")))
        rc = S3E_ENOMEM;
    if (!rc)
        rc = read_versions(r, src);
    if (!rc)
        rc = read_restore(r, src);
    if (!rc)
        rc = read_ssec(r, &src->ssec);
    if (!rc)
        rc = read_list_concurrency(r, &src->list_concurrency);
    if (!rc) /* a manifest source's: for its rows' buckets and an s3:// manifest's */
        rc = read_access(r, &src->access, 0);
    return rc;
}

static int read_sources(struct reader *r, struct s3e_plan *p)
{
    lua_State *L = r->L;
    int single = lua_type(L, -1) == LUA_TSTRING;
    if (lua_istable(L, -1)) {
        /* one source may be written without the list around it */
        single = lua_getfield(L, -1, "bucket") != LUA_TNIL;
        single |= lua_getfield(L, -2, "manifest") != LUA_TNIL;
        lua_pop(L, 2);
    }
    if (!lua_istable(L, -1) && lua_type(L, -1) != LUA_TSTRING)
        return complain(r, "expected a list of sources such as { {bucket = \"b\", prefix = "
                           "\"p/\"} }, got %s", luaL_typename(L, -1));
    size_t n = single ? 1 : lua_rawlen(L, -1);
    if (n == 0)
        return complain(r, "no sources: list at least one {bucket = ..., prefix = ...}");
    /* The array grows with the items read: a raw length can be far larger
     * than the items a sparse table holds. */
    for (size_t i = 0; i < n; i++) {
        struct s3e_source *grown = realloc(p->sources, (i + 1) * sizeof *grown);
        if (!grown)
            return S3E_ENOMEM;
        p->sources = grown;
        memset(&p->sources[i], 0, sizeof *grown);
        p->nsources = i + 1;
        int rc;
        if (single) {
            rc = read_source(r, &p->sources[0]);
        } else {
            char item[24]; /* "sources[2].profile" in messages, at its line */
            snprintf(item, sizeof item, "[%zu]", i + 1);
            push_path(r, item);
            lua_rawgeti(L, -1, (lua_Integer)i + 1);
            rc = read_source(r, &p->sources[i]);
            lua_pop(L, 1);
            pop_path(r);
        }
        if (rc)
            return rc;
    }
    return S3E_OK;
}

/* ---- targets ----------------------------------------------------------------------- */

/* Prefixes are folders: "mp4" means "mp4/". */
static int as_folder(char **prefix)
{
    size_t n = strlen(*prefix);
    if (n == 0 || (*prefix)[n - 1] == '/')
        return S3E_OK;
    char *p = malloc(n + 2);
    if (!p)
        return S3E_ENOMEM;
    memcpy(p, *prefix, n);
    memcpy(p + n, "/", 2);
    free(*prefix);
    *prefix = p;
    return S3E_OK;
}

static int check_storage_class(struct reader *r, const char *name)
{
    if (s3e_header_value_problem(name))
        return complain(r, "%s", s3e_header_value_problem(name));
    if (s3e_storage_class_known(name, r->plan->storage_classes, r->plan->nstorage_classes))
        return S3E_OK;
    char why[512];
    s3e_storage_class_problem(name, why, sizeof why);
    return complain(r, "%s", why);
}

static int read_target(struct reader *r, struct s3e_target *t)
{
    lua_State *L = r->L;
    int rc;
    if (lua_type(L, -1) == LUA_TSTRING) {
        if ((rc = split_url(r, lua_tostring(L, -1), &t->bucket, &t->prefix)) ||
            (rc = check_bucket(r, t->bucket)))
            return rc;
        return as_folder(&t->prefix);
    }
    if (!lua_istable(L, -1))
        return complain(r, "expected {bucket = ..., prefix = ..., storage_class = ...} or "
                           "\"s3://bucket/prefix\", got %s", luaL_typename(L, -1));
    static const char *const known[] = { "bucket", "prefix", "storage_class", "sse",
                                         "kms_key_id", "bucket_key_enabled",
                                         "checksum_algorithm", "sse_c_key_file",
                                         "sse_c_key_env", "list_concurrency", "profile",
                                         "region", "endpoint", "addressing", "acl",
                                         "expected_owner", "requester_pays", "stream", NULL };
    if ((rc = only_known_fields(r, known, "a target has bucket, prefix, storage_class, sse, "
                                          "kms_key_id, bucket_key_enabled, checksum_algorithm, "
                                          "sse_c_key_file, sse_c_key_env, list_concurrency, "
                                          "profile, region, endpoint, addressing, acl, "
                                          "expected_owner, requester_pays, stream")))
        return rc;
    char **fields[] = { &t->bucket, &t->prefix, &t->storage_class };
    const char *names[] = { "bucket", "prefix", "storage_class" };
    for (int i = 0; i < 3; i++) {
        push_path(r, names[i]);
        lua_getfield(L, -1, names[i]);
        rc = read_string(r, fields[i], i == 0);
        if (!rc && i == 0)
            rc = check_bucket(r, t->bucket);
        if (!rc && i == 2 && t->storage_class)
            rc = check_storage_class(r, t->storage_class);
        pop_path(r);
        lua_pop(L, 1);
        if (rc)
            return rc;
    }
    if ((rc = read_target_crypt(r, t)) || (rc = read_list_concurrency(r, &t->list_concurrency)) ||
        (rc = read_access(r, &t->access, 1)) || (rc = read_stream(r, &t->stream)))
        return rc;
    if (!t->prefix && !(t->prefix = strdup("")))
        return S3E_ENOMEM;
    return as_folder(&t->prefix);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct s3e_target *)a)->name, ((const struct s3e_target *)b)->name);
}

/* One pass over the table: reading a target may run a metamethod that
 * changes the table, so nothing counted before is trusted. */
static int read_targets(struct reader *r, struct s3e_plan *p)
{
    lua_State *L = r->L;
    if (!lua_istable(L, -1))
        return complain(r, "expected a table of named targets such as { videos = {bucket = "
                           "\"b\", prefix = \"mp4/\"} }, got %s", luaL_typename(L, -1));
    size_t cap = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            lua_pop(L, 2);
            return complain(r, "targets are named: write { name = {bucket = ...} }, not a list");
        }
        if (p->ntargets == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct s3e_target *grown = realloc(p->targets, ncap * sizeof *grown);
            if (!grown) {
                lua_pop(L, 2);
                return S3E_ENOMEM;
            }
            p->targets = grown;
            cap = ncap;
        }
        struct s3e_target *t = &p->targets[p->ntargets++];
        memset(t, 0, sizeof *t);
        size_t len;
        const char *name = lua_tolstring(L, -2, &len);
        if (memchr(name, '\0', len)) {
            lua_pop(L, 2);
            return complain(r, "a target name holds a NUL byte (\"%s\\0...\")", name);
        }
        if (!(t->name = strdup(name))) {
            lua_pop(L, 2);
            return S3E_ENOMEM;
        }
        push_path(r, t->name);
        int rc = read_target(r, t);
        pop_path(r);
        lua_pop(L, 1);
        if (rc) {
            lua_pop(L, 1);
            return rc;
        }
    }
    if (p->ntargets == 0)
        return complain(r, "no targets: name at least one, e.g. { copy = {bucket = \"b\"} }");
    /* Table order is random in Lua: sort so runs and messages are repeatable. */
    qsort(p->targets, p->ntargets, sizeof *p->targets, by_name);
    /* A name seen twice: a metamethod added targets while next() walked the table. */
    for (size_t i = 1; i < p->ntargets; i++)
        if (strcmp(p->targets[i - 1].name, p->targets[i].name) == 0)
            return complain(r, "the table changed while it was read (target '%s' seen twice)",
                            p->targets[i].name);
    return S3E_OK;
}

/* ---- payload ------------------------------------------------------------------------ */

static int read_payload(struct reader *r, struct s3e_plan *p)
{
    lua_State *L = r->L;
    int t = lua_type(L, -1);
    if (t == LUA_TNIL)
        return S3E_OK;
    if (t == LUA_TFUNCTION) {
        p->has_payload_fn = 1;
        return read_function(r, &r->s->ref_payload);
    }
    if (t == LUA_TNUMBER || t == LUA_TSTRING)
        return read_size(r, &p->max_payload_bytes);
    if (t != LUA_TTABLE)
        return complain(r, "expected a size (\"800MB\"), {max_bytes = ..., max_objects = ...} "
                           "or a function, got %s", luaL_typename(L, -1));
    int rc;
    push_path(r, "max_bytes");
    lua_getfield(L, -1, "max_bytes");
    rc = read_size(r, &p->max_payload_bytes);
    pop_path(r);
    lua_pop(L, 1);
    if (rc)
        return rc;
    push_path(r, "max_objects");
    lua_getfield(L, -1, "max_objects");
    int mo = 0;
    rc = read_int(r, &mo, 1, 1000000000);
    p->max_payload_objects = (uint64_t)mo;
    pop_path(r);
    lua_pop(L, 1);
    if (rc)
        return rc;
    push_path(r, "policy");
    lua_getfield(L, -1, "policy");
    if (!lua_isnil(L, -1)) {
        p->has_payload_fn = 1;
        rc = read_function(r, &r->s->ref_payload);
    }
    pop_path(r);
    lua_pop(L, 1);
    return rc;
}

/* ---- the plan --------------------------------------------------------------------- */

static const char *const top_fields[] = {
    "sources", "source", "targets", "target", "select", "route", "payload", "workers",
    "multipart_cutoff", "part_size", "move", "collisions", "storage_classes", "name",
    "description", NULL,
};

static int check_top_fields(struct reader *r)
{
    lua_State *L = r->L;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int ok = k && k[0] == '_'; /* "_anything" is the user's own */
        for (size_t i = 0; k && !ok && top_fields[i]; i++)
            ok = strcmp(k, top_fields[i]) == 0;
        if (!ok) {
            char name[128];
            snprintf(name, sizeof name, "%s", k ? k : "?");
            lua_pop(L, 1);
            const char *near = k ? s3e_spelling_nearest(k, top_fields) : NULL;
            push_path(r, name);
            int rc = near ? complain(r, "unknown plan field (did you mean '%s'?)", near)
                          : complain(r, "unknown plan field (known: sources, targets, select, "
                                        "route, payload, workers, multipart_cutoff, part_size, "
                                        "move, collisions, storage_classes)");
            pop_path(r);
            return rc;
        }
    }
    return S3E_OK;
}

/* Run one field reader on plan[name] (or plan[alt]). */
static int field(struct reader *r, const char *name, const char *alt,
                 int (*fn)(struct reader *, struct s3e_plan *), struct s3e_plan *p)
{
    lua_State *L = r->L;
    push_path(r, name); /* before the read: __index may raise */
    if (lua_getfield(L, -1, name) == LUA_TNIL && alt) {
        lua_pop(L, 1);
        r->path[r->depth - 1] = alt;
        lua_getfield(L, -1, alt);
    }
    int rc = fn(r, p);
    pop_path(r);
    lua_pop(L, 1);
    return rc;
}

static int f_select(struct reader *r, struct s3e_plan *p)
{
    p->has_select = !lua_isnil(r->L, -1);
    return read_function(r, &r->s->ref_select);
}

static int f_route(struct reader *r, struct s3e_plan *p)
{
    p->has_route = !lua_isnil(r->L, -1);
    return read_function(r, &r->s->ref_route);
}

static int f_workers(struct reader *r, struct s3e_plan *p)
{
    return read_int(r, &p->workers, 1, S3E_MAX_WORKERS);
}

static int f_cutoff(struct reader *r, struct s3e_plan *p)
{
    return read_size(r, &p->multipart_cutoff);
}

static int f_part_size(struct reader *r, struct s3e_plan *p)
{
    return read_size(r, &p->part_size);
}

static int f_move(struct reader *r, struct s3e_plan *p)
{
    int t = lua_type(r->L, -1);
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        return complain(r, "expected true or false, got %s", luaL_typename(r->L, -1));
    p->move = lua_toboolean(r->L, -1);
    return S3E_OK;
}

/* Storage classes a server has beyond S3's (radosgw placement targets). */
static int f_storage_classes(struct reader *r, struct s3e_plan *p)
{
    lua_State *L = r->L;
    if (lua_isnil(L, -1))
        return S3E_OK;
    if (!lua_istable(L, -1))
        return complain(r, "expected a list of storage class names such as { \"COLD\" }, got %s",
                        luaL_typename(L, -1));
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n > 64)
        return complain(r, "at most 64 names, got %lld", (long long)n);
    if (n && !(p->storage_classes = calloc((size_t)n, sizeof *p->storage_classes)))
        return S3E_ENOMEM;
    int rc = S3E_OK;
    for (lua_Integer i = 1; i <= n && !rc; i++) {
        lua_rawgeti(L, -1, i);
        char *name = NULL;
        rc = read_string(r, &name, 1);
        if (!rc && s3e_header_value_problem(name))
            rc = complain(r, "%s", s3e_header_value_problem(name));
        if (name)
            p->storage_classes[p->nstorage_classes++] = name;
        lua_pop(L, 1);
    }
    return rc;
}

static int f_collisions(struct reader *r, struct s3e_plan *p)
{
    static const char *const names[] = { "error", "first", "last" }; /* enum s3e_collisions */
    lua_State *L = r->L;
    if (lua_isnil(L, -1))
        return S3E_OK;
    const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    for (int i = 0; v && i < 3; i++)
        if (strcmp(v, names[i]) == 0) {
            p->collisions = i;
            return S3E_OK;
        }
    return complain(r, "expected \"error\", \"first\" or \"last\", got %s",
                    v ? "another string" : luaL_typename(L, -1));
}

static int f_targets(struct reader *r, struct s3e_plan *p)
{
    return read_targets(r, p);
}

static int f_target(struct reader *r, struct s3e_plan *p)
{
    /* target = {...} or "s3://..." : one target named "default" */
    if (lua_isnil(r->L, -1))
        return complain(r, "the plan has no targets: add targets = { name = {bucket = ...} }");
    if (!(p->targets = calloc(1, sizeof *p->targets)) || !(p->targets[0].name = strdup("default")))
        return S3E_ENOMEM;
    p->ntargets = 1;
    return read_target(r, &p->targets[0]);
}

static int f_sources(struct reader *r, struct s3e_plan *p)
{
    if (lua_isnil(r->L, -1))
        return complain(r, "the plan has no sources: add sources = { {bucket = ..., prefix = ...} }");
    return read_sources(r, p);
}

static int read_plan(struct reader *r, struct s3e_plan *p)
{
    struct s3e_script *s = r->s;
    lua_State *L = r->L;
    if (!lua_istable(L, -1))
        return complain(r, "a plan must return a table (see README, \"Plan reference\"), got %s",
                        luaL_typename(L, -1));
    if (!(p->path = strdup(s->chunkname)))
        return S3E_ENOMEM;
    int rc = check_top_fields(r);
    if (!rc)
        rc = field(r, "storage_classes", NULL, f_storage_classes, p);
    if (!rc)
        rc = field(r, "sources", "source", f_sources, p);
    if (!rc) {
        int has_targets = lua_getfield(L, -1, "targets") != LUA_TNIL;
        lua_pop(L, 1);
        rc = has_targets ? field(r, "targets", NULL, f_targets, p)
                         : field(r, "target", NULL, f_target, p);
    }
    if (!rc) rc = field(r, "select", NULL, f_select, p);
    if (!rc) rc = field(r, "route", NULL, f_route, p);
    if (!rc) rc = field(r, "payload", NULL, read_payload, p);
    if (!rc) rc = field(r, "workers", NULL, f_workers, p);
    if (!rc) rc = field(r, "multipart_cutoff", NULL, f_cutoff, p);
    if (!rc) rc = field(r, "part_size", NULL, f_part_size, p);
    if (!rc) rc = field(r, "move", NULL, f_move, p);
    if (!rc) rc = field(r, "collisions", NULL, f_collisions, p);
    if (!rc && !p->has_route && p->ntargets > 1) {
        push_path(r, "route");
        rc = complain(r, "the plan has %zu targets but no route function to choose between them",
                      p->ntargets);
        pop_path(r);
    }
    return rc;
}

struct plan_read {
    struct reader r;
    struct s3e_plan *p;
    int rc;
};

/* Protected: (plan_read, plan table). */
static int read_plan_protected(lua_State *L)
{
    struct plan_read *pr = lua_touserdata(L, 1);
    pr->rc = read_plan(&pr->r, pr->p);
    return 0;
}

/* The table is read inside a protected call under the instruction budget:
 * __index may run, raise or loop, and any of that ends as a message here. */
int s3e_script_read_plan(struct s3e_script *s, struct s3e_plan *p)
{
    lua_State *L = s->L;
    struct plan_read pr = { .r = { .s = s, .L = L, .plan = p }, .p = p, .rc = S3E_OK };
    int top = lua_gettop(L);
    lua_pushcfunction(L, read_plan_protected);
    lua_pushlightuserdata(L, &pr);
    lua_pushvalue(L, top);
    s->what = "";
    int rc = s3e_script_pcall(s, 2, 0);
    lua_settop(L, top);
    if (!rc)
        return pr.rc;
    /* a metamethod raised: say which field was being read */
    char field[256], rest[sizeof s->err];
    field_path(&pr.r, field, sizeof field);
    if (field[0] && s->err_at < sizeof s->err) {
        snprintf(rest, sizeof rest, "%s", s->err + s->err_at);
        snprintf(s->err + s->err_at, sizeof s->err - s->err_at, "%s: %s", field, rest);
    }
    return rc;
}
