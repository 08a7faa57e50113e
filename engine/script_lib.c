/* script_lib.c - `require "s3engine"`: the engine's primitives for plans and
 * recipes. Every function is documented in lua/README.md. */
#include "script_int.h"
#include "s3engine/version.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"
#include "s3engine/log.h"
#include "s3engine/s3.h"
#include "s3engine/s3xml.h"
#include "s3engine/units.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_RETURN_MAX 1000000 /* list() without a callback returns at most this many */

static struct s3e_script *lib_script(lua_State *L)
{
    return *(struct s3e_script **)lua_getextraspace(L);
}

/* ---- glob ------------------------------------------------------------------------ */

/* A glob is compiled into tokens and run as a set of live positions over the
 * string (an NFA): time len(pattern) * len(string), no backtracking, no
 * recursion, whatever the stars. */
enum { G_LIT, G_ANY, G_CLASS, G_STAR, G_DSTAR };

struct glob_tok {
    unsigned char kind, lit;
    unsigned short cls; /* index of its set, G_CLASS */
};

struct glob {
    struct glob_tok *tok;
    unsigned char (*set)[32];
    unsigned char *cur, *next;
    size_t n;
};

/* [...] at p (after '['): fills set, returns the char after ']', or NULL
 * when there is no ']' (then '[' is a literal). */
static const char *glob_class(const char *p, unsigned char set[32])
{
    int negate = *p == '!' || *p == '^';
    if (negate)
        p++;
    memset(set, 0, 32);
    const char *start = p;
    while (*p && (*p != ']' || p == start)) {
        unsigned char lo = (unsigned char)p[0], hi = lo;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            hi = (unsigned char)p[2];
            p += 3;
        } else {
            p++;
        }
        for (unsigned c = lo; c <= hi; c++)
            set[c >> 3] |= (unsigned char)(1u << (c & 7));
    }
    if (*p != ']')
        return NULL;
    if (negate)
        for (int i = 0; i < 32; i++)
            set[i] = (unsigned char)~set[i];
    return p + 1;
}

static void glob_free(struct glob *g)
{
    free(g->tok);
    free(g->set);
    free(g->cur);
    free(g->next);
}

static int glob_compile(struct glob *g, const char *p)
{
    size_t len = strlen(p);
    memset(g, 0, sizeof *g);
    if (len > S3E_GLOB_MAX)
        return -1;
    g->tok = malloc((len + 1) * sizeof *g->tok);
    g->set = malloc((len / 2 + 1) * sizeof *g->set); /* a class takes at least "[x]" */
    g->cur = malloc(len + 1);
    g->next = malloc(len + 1);
    if (!g->tok || !g->set || !g->cur || !g->next)
        return -1;
    size_t ncls = 0;
    while (*p) {
        struct glob_tok *t = &g->tok[g->n++];
        t->kind = G_LIT;
        if (p[0] == '*' && p[1] == '*') {
            t->kind = G_DSTAR;
            p += p[2] == '/' ? 3 : 2; /* so that a/ ** /b also matches "a/b" */
        } else if (*p == '*') {
            t->kind = G_STAR;
            p++;
        } else if (*p == '?') {
            t->kind = G_ANY;
            p++;
        } else if (*p == '[') {
            const char *end = glob_class(p + 1, g->set[ncls]);
            if (end) {
                t->kind = G_CLASS;
                t->cls = (unsigned short)ncls++;
                p = end;
            } else {
                t->lit = '[';
                p++;
            }
        } else if (*p == '\\' && p[1]) {
            t->lit = (unsigned char)p[1];
            p += 2;
        } else {
            t->lit = (unsigned char)*p++;
        }
    }
    return 0;
}

/* A star may match nothing: a live star makes the position after it live. */
static void glob_close(const struct glob *g, unsigned char *live)
{
    for (size_t i = 0; i < g->n; i++)
        if (live[i] && g->tok[i].kind >= G_STAR)
            live[i + 1] = 1;
}

/* 1 match, 0 no match, -2 more than `limit` steps (*work gets the steps). */
static int glob_run(struct glob *g, const char *s, size_t len, long limit, long *work)
{
    unsigned char *cur = g->cur, *next = g->next;
    memset(cur, 0, g->n + 1);
    cur[0] = 1;
    glob_close(g, cur);
    *work = 0;
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)s[k];
        int any = 0;
        memset(next, 0, g->n + 1);
        for (size_t i = 0; i < g->n; i++) {
            if (!cur[i])
                continue;
            const struct glob_tok *t = &g->tok[i];
            switch (t->kind) {
            case G_LIT: next[i + 1] |= c == t->lit; break;
            case G_ANY: next[i + 1] |= c != '/'; break;
            case G_CLASS: next[i + 1] |= (g->set[t->cls][c >> 3] >> (c & 7)) & 1; break;
            case G_STAR: next[i] |= c != '/'; break;
            default: next[i] = 1; break;
            }
            any |= next[i] | next[i + 1];
        }
        *work += (long)g->n + 1;
        if (!any)
            return 0;
        glob_close(g, next);
        unsigned char *tmp = cur;
        cur = next;
        next = tmp;
        if (*work > limit)
            return -2;
    }
    return cur[g->n];
}

int s3e_glob_match(const char *pat, const char *str)
{
    struct glob g;
    long work;
    int m = glob_compile(&g, pat) ? -1 : glob_run(&g, str, strlen(str), LONG_MAX, &work);
    glob_free(&g);
    return m;
}

/* ---- os.getenv's filter ------------------------------------------------------------ */

int s3e_env_hidden(const char *name)
{
    static const char *const words[] = { "SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE",
                                         "KEY", "CREDENTIAL", "AUTH", "COOKIE", "PRIVATE", NULL };
    char up[256];
    size_t n = strlen(name);
    if (n >= sizeof up)
        return 1; /* no ordinary setting has such a name */
    for (size_t i = 0; i <= n; i++)
        up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
    for (size_t i = 0; words[i]; i++)
        if (strstr(up, words[i]))
            return 1;
    return 0;
}

/* ---- pure helpers ------------------------------------------------------------------- */

static int l_size(lua_State *L)
{
    if (lua_isinteger(L, 1) && lua_tointeger(L, 1) >= 0) {
        lua_settop(L, 1);
        return 1;
    }
    const char *s = luaL_checkstring(L, 1);
    uint64_t v;
    if (s3e_parse_size(s, &v) || v > (uint64_t)LUA_MAXINTEGER)
        return luaL_argerror(L, 1, lua_pushfstring(L, "'%s' is not a size (e.g. \"800MB\", "
                                                        "\"15GiB\", 42)", s));
    lua_pushinteger(L, (lua_Integer)v);
    return 1;
}

static int l_duration(lua_State *L)
{
    if (lua_isinteger(L, 1)) {
        lua_settop(L, 1);
        return 1;
    }
    const char *s = luaL_checkstring(L, 1);
    int64_t v;
    if (s3e_parse_duration(s, &v))
        return luaL_argerror(L, 1, lua_pushfstring(L, "'%s' is not a duration (e.g. \"30d\", "
                                                        "\"12h\")", s));
    lua_pushinteger(L, (lua_Integer)v);
    return 1;
}

/* Each step of the matcher counts as one instruction of the budget. */
static int l_glob(lua_State *L)
{
    const char *pat = luaL_checkstring(L, 1);
    size_t len;
    const char *str = luaL_checklstring(L, 2, &len);
    if (strlen(pat) > S3E_GLOB_MAX)
        return luaL_argerror(L, 1, lua_pushfstring(L, "the pattern is longer than %d bytes",
                                                        S3E_GLOB_MAX));
    struct glob g;
    long work = 0;
    int m = glob_compile(&g, pat) ? -1 : glob_run(&g, str, len, s3e_budget_left(L), &work);
    glob_free(&g);
    if (m == -1)
        return luaL_error(L, "s3engine.glob: out of memory");
    s3e_budget_charge(L, work);
    lua_pushboolean(L, m == 1);
    return 1;
}

const char *s3e_key_basename(const char *key, size_t len, size_t *out_len)
{
    const char *b = key;
    for (size_t i = 0; i < len; i++)
        if (key[i] == '/')
            b = key + i + 1;
    *out_len = len - (size_t)(b - key);
    return b;
}

size_t s3e_key_extension(const char *key, size_t len, char out[S3E_EXT_MAX])
{
    size_t blen;
    const char *base = s3e_key_basename(key, len, &blen);
    const char *dot = NULL;
    for (size_t i = blen; i > 0 && !dot; i--)
        if (base[i - 1] == '.')
            dot = base + i - 1;
    if (!dot || dot == base)
        return 0;
    size_t n = (size_t)(base + blen - dot - 1);
    if (n > S3E_EXT_MAX)
        return 0; /* an "extension" longer than that is no extension */
    for (size_t i = 0; i < n; i++)
        out[i] = (char)((dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ? dot[1 + i] + 32 : dot[1 + i]);
    return n;
}

static int l_extension(lua_State *L)
{
    size_t n;
    const char *k = luaL_checklstring(L, 1, &n);
    char ext[S3E_EXT_MAX];
    lua_pushlstring(L, ext, s3e_key_extension(k, n, ext));
    return 1;
}

static int l_basename(lua_State *L)
{
    size_t n, blen;
    const char *k = luaL_checklstring(L, 1, &n);
    const char *base = s3e_key_basename(k, n, &blen);
    lua_pushlstring(L, base, blen);
    return 1;
}

static int l_dirname(lua_State *L)
{
    const char *k = luaL_checkstring(L, 1);
    const char *slash = strrchr(k, '/');
    lua_pushlstring(L, k, slash ? (size_t)(slash - k) + 1 : 0);
    return 1;
}

/* s3engine.date(fmt, t): strftime in UTC ("%Y/%m/%d"). */
static int l_date(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    time_t t = (time_t)luaL_optinteger(L, 2, (lua_Integer)time(NULL));
    struct tm tm;
    char out[256];
    if (!gmtime_r(&t, &tm) || strftime(out, sizeof out, fmt, &tm) == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    lua_pushstring(L, out);
    return 1;
}

static int l_parse_time(lua_State *L)
{
    int64_t t = s3e_parse_time(luaL_checkstring(L, 1));
    if (t < 0)
        lua_pushnil(L);
    else
        lua_pushinteger(L, (lua_Integer)t);
    return 1;
}

static int l_now(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)time(NULL));
    return 1;
}

/* s3engine.log(fmt, ...) / warn / error: string.format, then the engine's log. */
static int log_at(lua_State *L, enum s3e_log_level level)
{
    int n = lua_gettop(L);
    lua_getglobal(L, "string");
    lua_getfield(L, -1, "format");
    lua_remove(L, -2);
    lua_insert(L, 1);
    lua_call(L, n, 1);
    lua_Debug ar;
    int line = lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) ? ar.currentline : 0;
    if (line > 0)
        s3e_log(level, "%s:%d: %s", ar.short_src, line, lua_tostring(L, -1));
    else
        s3e_log(level, "%s", lua_tostring(L, -1));
    return 0;
}

static int l_log(lua_State *L) { return log_at(L, S3E_LOG_INFO); }
static int l_warn(lua_State *L) { return log_at(L, S3E_LOG_WARN); }

/* ---- S3 ---------------------------------------------------------------------------- */

static struct s3e_client *need_client(lua_State *L, const char *fn)
{
    struct s3e_client *c = lib_script(L)->client;
    if (!c)
        luaL_error(L, "s3engine.%s: no S3 credentials were found (see README, \"Credentials\")", fn);
    return c;
}

static void push_listed(lua_State *L, const char *bucket, const struct s3e_listed *o)
{
    lua_createtable(L, 0, 6);
    lua_pushstring(L, bucket);
    lua_setfield(L, -2, "bucket");
    lua_pushlstring(L, o->key, o->key_len);
    lua_setfield(L, -2, "key");
    lua_pushinteger(L, (lua_Integer)o->size);
    lua_setfield(L, -2, "size");
    lua_pushstring(L, o->etag);
    lua_setfield(L, -2, "etag");
    lua_pushinteger(L, (lua_Integer)o->last_modified);
    lua_setfield(L, -2, "last_modified");
    lua_pushstring(L, o->storage_class);
    lua_setfield(L, -2, "storage_class");
}

struct list_ud {
    lua_State *L;
    const char *bucket;
    int has_fn;
    lua_Integer n;
    int failed; /* LIST_RAISED or LIST_TOO_MANY */
};

enum { LIST_RAISED = 1, LIST_TOO_MANY };

/* One listed object into Lua, run under lua_pcall: an error here (the plan's
 * function, or out of memory) must not unwind through s3e_s3_list, which
 * holds the listing's buffers. Arguments: fn or the result table, the
 * list_ud, the object. */
static int list_step(lua_State *L)
{
    struct list_ud *lu = lua_touserdata(L, 2);
    const struct s3e_listed *o = lua_touserdata(L, 3);
    lua_settop(L, 1);
    if (lu->has_fn) {
        push_listed(L, lu->bucket, o);
        lua_call(L, 1, 1);
        return 1;
    }
    push_listed(L, lu->bucket, o);
    lua_rawseti(L, 1, lu->n + 1);
    return 0;
}

static int on_list(void *ud, const struct s3e_listed *o)
{
    struct list_ud *lu = ud;
    lua_State *L = lu->L;
    if (!lu->has_fn && lu->n >= LIST_RETURN_MAX) {
        lu->failed = LIST_TOO_MANY;
        return S3E_LIST_STOP;
    }
    lua_pushcfunction(L, list_step);
    lua_pushvalue(L, lu->has_fn ? 3 : 4);
    lua_pushlightuserdata(L, lu);
    lua_pushlightuserdata(L, (void *)o);
    if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
        lu->failed = LIST_RAISED; /* the error stays on the stack for l_list */
        return S3E_LIST_STOP;
    }
    int stop = lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1);
    lua_pop(L, 1);
    lu->n++;
    return stop ? S3E_LIST_STOP : 0;
}

/* s3engine.list(bucket, prefix [, fn]): with fn, fn(obj) per object (return
 * false to stop) and the count is returned; without, an array of objects.
 * An S3 failure returns nil, message (as head and io.open do); bad arguments
 * and errors raised by fn are raised. */
static int l_list(lua_State *L)
{
    size_t plen;
    const char *bucket = luaL_checkstring(L, 1);
    const char *prefix = luaL_optlstring(L, 2, "", &plen);
    if (strlen(prefix) != plen) /* cut at the NUL, it would list a wider prefix */
        return luaL_argerror(L, 2, "the prefix contains a NUL byte");
    struct list_ud lu = { L, bucket, !lua_isnoneornil(L, 3), 0, 0 };
    if (lu.has_fn)
        luaL_checktype(L, 3, LUA_TFUNCTION);
    struct s3e_client *c = need_client(L, "list");
    lua_settop(L, 3);
    if (!lu.has_fn)
        lua_newtable(L);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_list(c, bucket, prefix, NULL, on_list, &lu, &err);
    if (lu.failed == LIST_RAISED)
        return lua_error(L); /* fn's error, unchanged */
    if (lu.failed == LIST_TOO_MANY)
        return luaL_error(L, "s3engine.list: more than %d objects under s3://%s/%s: pass a "
                             "function to stream them", LIST_RETURN_MAX, bucket, prefix);
    if (rc && rc != S3E_LIST_STOP) {
        char line[512];
        lua_pushnil(L);
        lua_pushfstring(L, "s3engine.list s3://%s/%s: %s", bucket, prefix,
                        s3e_s3_error_format(&err, rc, line, sizeof line));
        return 2;
    }
    if (lu.has_fn)
        lua_pushinteger(L, lu.n);
    return 1;
}

/* The result table of head, built under lua_pcall so that a memory error
 * cannot leak the malloc'd s3e_head (its only argument). */
static int head_table(lua_State *L)
{
    const struct s3e_head *h = lua_touserdata(L, 1);
    lua_createtable(L, 0, 7);
    lua_pushinteger(L, (lua_Integer)h->size);
    lua_setfield(L, -2, "size");
    lua_pushstring(L, h->etag);
    lua_setfield(L, -2, "etag");
    lua_pushinteger(L, (lua_Integer)h->last_modified);
    lua_setfield(L, -2, "last_modified");
    lua_pushstring(L, h->storage_class);
    lua_setfield(L, -2, "storage_class");
    if (h->content_type) {
        lua_pushstring(L, h->content_type);
        lua_setfield(L, -2, "content_type");
    }
    lua_createtable(L, 0, (int)h->nmeta);
    for (size_t i = 0; i < h->nmeta; i++) {
        lua_pushstring(L, h->meta[i].value);
        lua_setfield(L, -2, h->meta[i].name);
    }
    lua_setfield(L, -2, "metadata");
    lua_pushinteger(L, h->tag_count);
    lua_setfield(L, -2, "tag_count");
    return 1;
}

/* s3engine.head(bucket, key) -> {size, etag, last_modified, content_type,
 * storage_class, metadata, tag_count} or nil, message (nil, "NoSuchKey") when missing. */
static int l_head(lua_State *L)
{
    size_t klen;
    const char *bucket = luaL_checkstring(L, 1), *key = luaL_checklstring(L, 2, &klen);
    const char *why = s3e_key_problem(key, klen); /* a NUL would HEAD a shorter key */
    if (why)
        return luaL_argerror(L, 2, lua_pushfstring(L, "the key %s", why));
    struct s3e_client *c = need_client(L, "head");
    struct s3e_head h;
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_head(c, bucket, key, &h, &err);
    if (rc) {
        char line[512];
        lua_pushnil(L);
        lua_pushstring(L, s3e_s3_error_format(&err, rc, line, sizeof line));
        return 2;
    }
    lua_pushcfunction(L, head_table);
    lua_pushlightuserdata(L, &h);
    int status = lua_pcall(L, 1, 1, 0);
    s3e_head_free(&h);
    return status == LUA_OK ? 1 : lua_error(L);
}

/* ---- pure hooks ------------------------------------------------------------------- */

static const char PURE_KEY = 0; /* its address keys the registry's set of pure functions */

/* s3engine.pure(fn [, uses]) -> fn: fn is a hook that only reads obj while
 * it runs; with uses (a list), only when every function in it is marked too
 * (fn hands obj on to them). The set is weak-keyed: it keeps no function alive. */
static int l_pure(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, 2, i);
            int pure = lua_type(L, -1) == LUA_TFUNCTION && s3e_script_is_pure(L, -1);
            lua_pop(L, 1);
            if (!pure) {
                lua_settop(L, 1);
                return 1;
            }
        }
    }
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &PURE_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &PURE_KEY);
    }
    lua_pushvalue(L, 1);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_settop(L, 1);
    return 1;
}

int s3e_script_is_pure(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &PURE_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushvalue(L, idx);
    int pure = lua_rawget(L, -2) == LUA_TBOOLEAN;
    lua_pop(L, 2);
    return pure;
}

/* ---- the module ------------------------------------------------------------------- */

static int open_module(lua_State *L)
{
    static const luaL_Reg fns[] = {
        { "size", l_size }, { "duration", l_duration }, { "glob", l_glob },
        { "extension", l_extension }, { "basename", l_basename }, { "dirname", l_dirname },
        { "date", l_date }, { "parse_time", l_parse_time }, { "now", l_now },
        { "log", l_log }, { "warn", l_warn }, { "list", l_list }, { "head", l_head },
        { "pure", l_pure }, { NULL, NULL },
    };
    luaL_newlib(L, fns);
    lua_pushliteral(L, S3E_VERSION);
    lua_setfield(L, -2, "version");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_setfield(L, -2, "args");
    return 1;
}

void s3e_script_open_lib(lua_State *L, struct s3e_script *s, const char *const *args,
                         size_t nargs)
{
    (void)s;
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "preload");
    /* s3engine.args: "name=value" pairs from --arg */
    lua_createtable(L, 0, (int)nargs);
    for (size_t i = 0; i < nargs; i++) {
        const char *eq = strchr(args[i], '=');
        if (!eq) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, args[i]);
            continue;
        }
        lua_pushlstring(L, args[i], (size_t)(eq - args[i]));
        lua_pushstring(L, eq + 1);
        lua_settable(L, -3);
    }
    lua_pushcclosure(L, open_module, 1);
    lua_setfield(L, -2, "s3engine");
    lua_pop(L, 2);
}
