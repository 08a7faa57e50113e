/* script_sandbox.c - the Lua state a plan runs in: a memory limit, an
 * instruction budget that cannot be caught, and the sandbox (no debug library,
 * text chunks only, reads only below the allowed folders, no credentials). */
#include "script_int.h"
#include "s3engine/error.h"
#include "s3engine/log.h"

#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MEMORY ((size_t)1 << 30)
#define READ_HINT "the folders plans may read: the plan's folder, the recipe folders, LUA_PATH, " \
                  "--lua-read"


static int on_panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "s3engine: unprotected Lua error: %s\n", msg ? msg : "?");
    return 0; /* Lua aborts */
}

/* ---- reading files --------------------------------------------------------------- */

static int under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (strncmp(path, dir, n) != 0)
        return 0;
    return path[n] == '\0' || path[n] == '/' || (n > 0 && dir[n - 1] == '/');
}

static int allowed(const struct s3e_script *s, const char *resolved)
{
    for (size_t i = 0; i < s->nread_dirs; i++)
        if (under(resolved, s->read_dirs[i]))
            return 1;
    return 0;
}

/* Resolve `path` (symlinks and `..` included) into out. 1: readable place;
 * 0: does not exist but its folder is allowed; raises when outside. */
static int check_read(lua_State *L, const char *fn, const char *path, char out[PATH_MAX])
{
    struct s3e_script *s = s3e_script_of(L);
    if (realpath(path, out))
        goto check;
    if (errno == ENOENT || errno == ENOTDIR) {
        /* a missing file in an allowed folder is an ordinary "not found" */
        char dir[PATH_MAX], rdir[PATH_MAX];
        const char *slash = strrchr(path, '/');
        size_t len = slash ? (size_t)(slash - path) : 0;
        int n = len >= sizeof dir ? -1
              : !slash ? snprintf(dir, sizeof dir, ".")
              : slash == path ? snprintf(dir, sizeof dir, "/")
              : snprintf(dir, sizeof dir, "%.*s", (int)len, path);
        if (n > 0 && realpath(dir, rdir) && allowed(s, rdir))
            return 0;
    }
    return luaL_error(L, "%s: cannot read '%s': not found in " READ_HINT, fn, path);
check:
    if (!allowed(s, out))
        return luaL_error(L, "%s: '%s' is outside " READ_HINT, fn, path);
    return 1;
}

/* io.open: read modes only, and only below the allowed folders. */
static int safe_io_open(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const char *mode = luaL_optstring(L, 2, "r");
    if (strcmp(mode, "r") != 0 && strcmp(mode, "rb") != 0)
        return luaL_error(L, "io.open: plans may only read files (mode '%s' needs --unsafe-lua)",
                          mode);
    char real[PATH_MAX];
    if (!check_read(L, "io.open", path, real)) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: %s", path, strerror(ENOENT));
        lua_pushinteger(L, ENOENT);
        return 3;
    }
    int base = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushstring(L, real);
    lua_pushstring(L, mode);
    lua_call(L, 2, LUA_MULTRET);
    return lua_gettop(L) - base;
}

/* io.lines(name, ...) and io.input(name): the name is checked, then resolved. */
static int safe_named(lua_State *L, const char *fn)
{
    if (lua_type(L, 1) == LUA_TSTRING) {
        char real[PATH_MAX];
        if (check_read(L, fn, lua_tostring(L, 1), real)) {
            lua_pushstring(L, real);
            lua_replace(L, 1);
        } /* else missing in an allowed folder: the library says so */
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static int safe_io_lines(lua_State *L) { return safe_named(L, "io.lines"); }
static int safe_io_input(lua_State *L) { return safe_named(L, "io.input"); }

/* A syntax error quotes the token it stopped at ("near 'root:x:0:0'"): for
 * anything but the plan itself, keep only "chunk:line: what". */
static void scrub_syntax_error(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    size_t len;
    const char *msg = lua_tolstring(L, idx, &len);
    const char *near = msg ? strstr(msg, " near ") : NULL;
    if (!near)
        return;
    lua_pushlstring(L, msg, (size_t)(near - msg));
    lua_replace(L, idx);
}

/* load(chunk [, name [, mode [, env]]]): text only; a string chunk is named
 * "=(load)", not after its first line. */
static int safe_load(lua_State *L)
{
    int n = lua_gettop(L);
    if (n < 1)
        return luaL_argerror(L, 1, "value expected");
    int base = lua_gettop(L), unnamed = lua_isnoneornil(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    if (unnamed)
        lua_pushliteral(L, "=(load)");
    else
        lua_pushvalue(L, 2);
    lua_pushliteral(L, "t");
    if (n >= 4)
        lua_pushvalue(L, 4);
    lua_call(L, n >= 4 ? 4 : 3, LUA_MULTRET);
    int nres = lua_gettop(L) - base;
    if (nres == 2 && lua_isnil(L, base + 1))
        scrub_syntax_error(L, base + 2);
    return nres;
}

static void set_env(lua_State *L, int env_idx)
{
    if (!lua_isnone(L, env_idx)) {
        lua_pushvalue(L, env_idx);
        if (!lua_setupvalue(L, -2, 1))
            lua_pop(L, 1);
    }
}

/* loadfile(name [, mode [, env]]) */
static int safe_loadfile(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    char real[PATH_MAX];
    if (!check_read(L, "loadfile", path, real)) {
        luaL_pushfail(L);
        lua_pushfstring(L, "cannot open %s", path);
        return 2;
    }
    if (luaL_loadfilex(L, real, "t") != LUA_OK) {
        scrub_syntax_error(L, -1);
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    set_env(L, 3);
    return 1;
}

static int dofile_done(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    return lua_gettop(L) - 1;
}

static int safe_dofile(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    char real[PATH_MAX];
    if (!check_read(L, "dofile", path, real))
        return luaL_error(L, "dofile: cannot open %s", path);
    lua_settop(L, 1);
    if (luaL_loadfilex(L, real, "t") != LUA_OK) {
        scrub_syntax_error(L, -1);
        return lua_error(L);
    }
    lua_callk(L, 0, LUA_MULTRET, 0, dofile_done);
    return dofile_done(L, 0, 0);
}

/* package.searchers[2]: Lua files along package.path, text only, below the
 * allowed folders. */
static int search_lua(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_getfield(L, lua_upvalueindex(1), "path");
    const char *path = lua_tostring(L, -1);
    if (!path)
        return luaL_error(L, "'package.path' must be a string");
    const char *file_name = luaL_gsub(L, name, ".", "/");
    luaL_Buffer miss;
    luaL_buffinit(L, &miss);
    int had = 0;
    while (*path) {
        const char *end = strchr(path, ';');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len > 0) {
            lua_pushlstring(L, path, len);
            const char *cand = luaL_gsub(L, lua_tostring(L, -1), "?", file_name);
            char real[PATH_MAX];
            if (realpath(cand, real)) {
                if (!allowed(s3e_script_of(L), real)) {
                    s3e_script_push_where(L); /* the require, not this searcher */
                    lua_pushfstring(L, "require: module '%s' found at '%s', outside " READ_HINT,
                                    name, cand);
                    lua_concat(L, 2);
                    return lua_error(L);
                }
                if (luaL_loadfilex(L, real, "t") != LUA_OK) {
                    scrub_syntax_error(L, -1);
                    return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name,
                                      cand, lua_tostring(L, -1));
                }
                lua_pushstring(L, real);
                return 2;
            }
            lua_pushfstring(L, "%sno file '%s'", had++ ? "\n\t" : "", cand);
            lua_remove(L, -2); /* cand */
            lua_remove(L, -2); /* the template */
            luaL_addvalue(&miss);
        }
        path += len + (end ? 1 : 0);
    }
    luaL_pushresult(&miss);
    return 1;
}

/* ---- the rest of the sandbox ------------------------------------------------------- */

/* A finalizer runs with hooks off (lgc.c), so no budget could stop it. */
static int safe_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in plans "
                                 "(finalizers run outside the instruction budget)");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* table.move(a1, f, e, t [, a2]) loops e - f + 1 times in C, present or not. */
static int safe_table_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    if (e >= f)
        s3e_budget_charge(L, (unsigned long long)e - (unsigned long long)f >= LONG_MAX
                                 ? LONG_MAX : (long)(e - f) + 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int safe_getenv(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    if (s3e_env_hidden(name))
        lua_pushnil(L);
    else
        lua_pushstring(L, getenv(name));
    return 1;
}

static void nil_fields(lua_State *L, const char *lib, const char *const *names)
{
    if (lua_getglobal(L, lib) == LUA_TTABLE)
        for (; *names; names++) {
            lua_pushnil(L);
            lua_setfield(L, -2, *names);
        }
    lua_pop(L, 1);
}

/* debug's __index: `if debug.getupvalue then` must not quietly go on. */
static int debug_missing(lua_State *L)
{
    return luaL_error(L, "debug.%s is not available to plans (only debug.traceback is; the rest "
                         "needs --unsafe-lua)", luaL_tolstring(L, 2, NULL));
}

/* t[name] = f(old t[name]) with the old value as upvalue 1 */
static void wrap(lua_State *L, int t, const char *name, lua_CFunction f)
{
    lua_getfield(L, t, name);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, t, name);
}

/* debug: only traceback stays; reading any other field raises. */
static void debug_lib(lua_State *L)
{
    lua_newtable(L);
    lua_getglobal(L, "debug");
    lua_getfield(L, -1, "traceback");
    lua_setfield(L, -3, "traceback");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushcfunction(L, debug_missing);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "debug");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_insert(L, -2);
    lua_setfield(L, -2, "debug");
    lua_pop(L, 1);
}

/* getmetatable(io.stdout) and getmetatable("") return a string: their
 * metatables (and the file handles' __gc) stay out of reach. */
static void lock_metatables(lua_State *L)
{
    if (luaL_getmetatable(L, LUA_FILEHANDLE) == LUA_TTABLE) {
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void sandbox(lua_State *L)
{
    static const char *const os_out[] = { "execute", "exit", "remove", "rename", "tmpname",
                                          "setlocale", NULL };
    static const char *const io_out[] = { "popen", "tmpfile", "output", NULL };
    static const char *const pkg_out[] = { "loadlib", NULL };
    static const char *const str_out[] = { "dump", NULL };
    nil_fields(L, "os", os_out);
    nil_fields(L, "io", io_out);
    nil_fields(L, "package", pkg_out);
    nil_fields(L, "string", str_out);
    debug_lib(L);
    lock_metatables(L);
    s3e_pattern_open(L);
    lua_getglobal(L, "table");
    wrap(L, lua_gettop(L), "move", safe_table_move);
    lua_pop(L, 1);
    lua_getglobal(L, "io");
    int io = lua_gettop(L);
    /* no stdin: a plan waiting on it would hang the run outside any budget */
    lua_getfield(L, io, "input");
    lua_pushliteral(L, "/dev/null");
    if (lua_pcall(L, 1, 0, 0) != LUA_OK)
        lua_pop(L, 1); /* no /dev/null: stdin stays the default input */
    lua_pushnil(L);
    lua_setfield(L, io, "stdin");
    wrap(L, io, "open", safe_io_open);
    wrap(L, io, "lines", safe_io_lines);
    wrap(L, io, "input", safe_io_input);
    lua_pop(L, 1);
    lua_getglobal(L, "os");
    lua_pushcfunction(L, safe_getenv);
    lua_setfield(L, -2, "getenv");
    lua_pop(L, 1);
    lua_pushglobaltable(L);
    int g = lua_gettop(L);
    wrap(L, g, "load", safe_load);
    wrap(L, g, "setmetatable", safe_setmetatable);
    lua_pushcfunction(L, safe_loadfile);
    lua_setfield(L, g, "loadfile");
    lua_pushcfunction(L, safe_dofile);
    lua_setfield(L, g, "dofile");
    lua_pop(L, 1);
    /* require: the preload searcher, then Lua files (text, allowed folders) */
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "searchers");
    for (lua_Integer i = luaL_len(L, -1); i > 2; i--) {
        lua_pushnil(L);
        lua_rawseti(L, -2, i);
    }
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, search_lua, 1);
    lua_rawseti(L, -2, 2);
    lua_pop(L, 1);
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);
}

/* Undefined globals are errors: a typo in a hook should not read as nil. */
static int strict_index(lua_State *L)
{
    return luaL_error(L, "undefined global '%s'", luaL_checkstring(L, 2));
}

void s3e_sandbox_make_strict(lua_State *L)
{
    lua_pushglobaltable(L);
    lua_newtable(L);
    lua_pushcfunction(L, strict_index);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
}

/* ---- the state --------------------------------------------------------------------- */

/* package.path: the plan's folder, then the recipe folders, then LUA_PATH. */
static void set_path(lua_State *L, const char *plan_path, const struct s3e_script_opts *o)
{
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "path");
    const char *old = lua_tostring(L, -1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (plan_path) {
        const char *slash = strrchr(plan_path, '/');
        if (slash) {
            luaL_addlstring(&b, plan_path, (size_t)(slash - plan_path));
            luaL_addstring(&b, "/?.lua;");
        } else {
            luaL_addstring(&b, "./?.lua;");
        }
    }
    for (size_t i = 0; i < o->nlua_dirs; i++) {
        luaL_addstring(&b, o->lua_dirs[i]);
        luaL_addstring(&b, "/?.lua;");
        luaL_addstring(&b, o->lua_dirs[i]);
        luaL_addstring(&b, "/?/init.lua;");
    }
    luaL_addstring(&b, old ? old : "");
    luaL_pushresult(&b);
    lua_setfield(L, -3, "path");
    lua_pop(L, 2);
}

static int add_read_dir(struct s3e_script *s, const char *dir, size_t len, int warn)
{
    char given[PATH_MAX], real[PATH_MAX];
    if (len == 0 || len >= sizeof given)
        return S3E_OK;
    memcpy(given, dir, len);
    given[len] = '\0';
    if (!realpath(given, real)) {
        if (warn)
            s3e_warn("--lua-read %s: %s", given, strerror(errno));
        return S3E_OK;
    }
    char **grown = realloc(s->read_dirs, (s->nread_dirs + 1) * sizeof *grown);
    if (!grown)
        return S3E_ENOMEM;
    s->read_dirs = grown;
    if (!(s->read_dirs[s->nread_dirs] = strdup(real)))
        return S3E_ENOMEM;
    s->nread_dirs++;
    return S3E_OK;
}

/* The folder of each LUA_PATH template ("/opt/lua/?.lua" -> "/opt/lua"). */
static int add_lua_path(struct s3e_script *s)
{
    const char *p = getenv("LUA_PATH_5_4");
    if (!p)
        p = getenv("LUA_PATH");
    int rc = S3E_OK;
    while (p && *p && !rc) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *q = memchr(p, '?', len);
        size_t dlen = q ? (size_t)(q - p) : len;
        while (dlen > 0 && p[dlen - 1] != '/')
            dlen--; /* the folder part of the template */
        if (q && dlen > 0)
            rc = add_read_dir(s, p, dlen, 0);
        p += len + (end ? 1 : 0);
    }
    return rc;
}

static int read_dirs(struct s3e_script *s, const char *plan_path, const struct s3e_script_opts *o)
{
    int rc = S3E_OK;
    if (plan_path) {
        const char *slash = strrchr(plan_path, '/');
        rc = slash ? add_read_dir(s, plan_path, slash == plan_path ? 1 : (size_t)(slash - plan_path), 0)
                   : add_read_dir(s, ".", 1, 0);
    }
    for (size_t i = 0; i < o->nlua_dirs && !rc; i++)
        rc = add_read_dir(s, o->lua_dirs[i], strlen(o->lua_dirs[i]), 0);
    if (!rc)
        rc = add_lua_path(s);
    for (size_t i = 0; i < o->nread_paths && !rc; i++)
        rc = add_read_dir(s, o->read_paths[i], strlen(o->read_paths[i]), 1);
    return rc;
}

int s3e_sandbox_new_state(struct s3e_script *s, const char *plan_path,
                          const struct s3e_script_opts *o)
{
    s->mem_limit = o->memory_limit ? o->memory_limit : DEFAULT_MEMORY;
    lua_State *L = lua_newstate(s3e_limited_alloc, s);
    if (!L)
        return S3E_ENOMEM;
    s->L = L;
    lua_atpanic(L, on_panic);
    /* Hooks make a table and a few strings per object that die at once:
     * the generational collector frees them young, at a fraction of the
     * incremental collector's cost. */
    lua_gc(L, LUA_GCGEN, 0, 0);
    *(struct s3e_script **)lua_getextraspace(L) = s;
    luaL_openlibs(L);
    int rc = read_dirs(s, plan_path, o);
    if (rc)
        return rc;
    if (!o->unsafe)
        sandbox(L);
    set_path(L, plan_path, o);
    s3e_script_open_lib(L, s, o->args, o->nargs);
    s3e_budget_install(L);
    return S3E_OK;
}

void s3e_sandbox_free(struct s3e_script *s)
{
    for (size_t i = 0; i < s->nread_dirs; i++)
        free(s->read_dirs[i]);
    free(s->read_dirs);
    s->read_dirs = NULL;
    s->nread_dirs = 0;
}
