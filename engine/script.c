/* script.c - a plan's Lua state: loading, and the per-object select/route/
 * payload calls that the planner makes (the sandbox is script_sandbox.c). */
#include "script_int.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/units.h"

#include <errno.h>
#include <limits.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_BUDGET 100000000L

/* ---- calls --------------------------------------------------------------------- */

/* pcall with the budget on; on error s->err gets "<what>: <lua message>". */
static int call(struct s3e_script *s, int nargs, int nres, const char *what)
{
    s3e_budget_start(s);
    int rc = lua_pcall(s->L, nargs, nres, 0);
    s3e_budget_stop(s, rc);
    if (rc == LUA_OK)
        return S3E_OK;
    const char *msg = lua_tostring(s->L, -1);
    snprintf(s->err, sizeof s->err, "%s%s%s", what, *what ? ": " : "",
             msg ? msg : "(error object is not a string)");
    lua_pop(s->L, 1);
    return S3E_EPLAN;
}

static char *read_file(const char *path, size_t *len, char *errbuf, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(errbuf, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct s3e_buf b;
    s3e_buf_init(&b, 64u << 20);
    char chunk[16384];
    size_t n;
    int rc = S3E_OK;
    while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = s3e_buf_append(&b, chunk, n);
    int bad = ferror(f) || rc;
    fclose(f);
    if (bad) {
        snprintf(errbuf, errlen, "cannot read %s", path);
        s3e_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data ? b.data : strdup("");
}

/* The name Lua shows for a chunk: the path as given. */
static int load_chunk(struct s3e_script *s, const char *path, const char *code,
                      const char *chunkname, char *errbuf, size_t errlen)
{
    if (code) {
        s->text = strdup(code);
        s->text_len = strlen(code);
    } else {
        s->text = read_file(path, &s->text_len, errbuf, errlen);
        if (!s->text)
            return S3E_EIO;
    }
    const char *shown = chunkname ? chunkname + (chunkname[0] == '=' || chunkname[0] == '@')
                                  : path;
    s->chunkname = strdup(shown);
    s->plan_path = code ? NULL : strdup(path);
    if (!s->text || !s->chunkname || (!code && !s->plan_path))
        return S3E_ENOMEM;
    char at[4096];
    snprintf(at, sizeof at, "@%s", s->chunkname);
    if (luaL_loadbufferx(s->L, s->text, s->text_len, at, "t") != LUA_OK) {
        snprintf(errbuf, errlen, "%s", lua_tostring(s->L, -1));
        return S3E_EPLAN;
    }
    return S3E_OK;
}

static int script_new(struct s3e_script **out, const char *plan_path,
                      const struct s3e_script_opts *o)
{
    struct s3e_script *s = calloc(1, sizeof *s);
    if (!s)
        return S3E_ENOMEM;
    s->ref_select = s->ref_route = s->ref_payload = LUA_NOREF;
    s->budget = o->instruction_budget > 0 ? o->instruction_budget : DEFAULT_BUDGET;
    s->client = o->client;
    s3e_buf_init(&s->key, 0);
    s3e_buf_init(&s->group, 0);
    *out = s;
    return s3e_sandbox_new_state(s, plan_path, o);
}

int s3e_script_load(struct s3e_script **out, const char *path, const char *code,
                    const char *chunkname, const struct s3e_script_opts *opts,
                    struct s3e_plan *out_plan, char *errbuf, size_t errlen)
{
    struct s3e_script *s = NULL;
    memset(out_plan, 0, sizeof *out_plan);
    errbuf[0] = '\0';
    int rc = script_new(&s, code ? NULL : path, opts);
    if (!rc)
        rc = load_chunk(s, path, code, chunkname, errbuf, errlen);
    if (!rc) {
        s3e_sandbox_make_strict(s->L);
        /* A plan may build tables of thousands of entries: ten hook budgets. */
        long budget = s->budget;
        s->budget = budget > LONG_MAX / 10 ? LONG_MAX : budget * 10;
        rc = call(s, 0, 1, "");
        s->budget = budget;
        if (rc)
            snprintf(errbuf, errlen, "%s", s->err);
    }
    if (!rc) {
        s->plan = out_plan;
        rc = s3e_script_read_plan(s, out_plan);
        if (rc)
            snprintf(errbuf, errlen, "%s", s->err);
    }
    if (rc) {
        if (!errbuf[0])
            snprintf(errbuf, errlen, "%s: %s", path, s3e_strerror(rc));
        s3e_plan_free(out_plan);
        s3e_script_free(s);
        return rc == S3E_ENOMEM || rc == S3E_EIO ? rc : S3E_EPLAN;
    }
    s->err[0] = '\0';
    *out = s;
    return S3E_OK;
}

void s3e_script_free(struct s3e_script *s)
{
    if (!s)
        return;
    if (s->L)
        lua_close(s->L);
    s3e_sandbox_free(s);
    free(s->chunkname);
    free(s->plan_path);
    free(s->text);
    s3e_buf_free(&s->key);
    s3e_buf_free(&s->group);
    free(s);
}

const char *s3e_script_error(const struct s3e_script *s)
{
    return s ? s->err : "";
}

/* ---- per object ------------------------------------------------------------------ */

/* Push the object table hooks see (README "The object"). */
static void push_object(struct s3e_script *s, const struct s3e_object *o, size_t rel_off)
{
    lua_State *L = s->L;
    lua_createtable(L, 0, 10);
    lua_pushstring(L, o->bucket);
    lua_setfield(L, -2, "bucket");
    lua_pushlstring(L, o->key, o->key_len);
    lua_setfield(L, -2, "key");
    lua_pushlstring(L, o->key + rel_off, o->key_len - rel_off);
    lua_setfield(L, -2, "rel");
    lua_pushinteger(L, (lua_Integer)o->size);
    lua_setfield(L, -2, "size");
    lua_pushstring(L, o->etag ? o->etag : "");
    lua_setfield(L, -2, "etag");
    lua_pushinteger(L, (lua_Integer)o->last_modified);
    lua_setfield(L, -2, "last_modified");
    lua_pushstring(L, o->storage_class ? o->storage_class : "");
    lua_setfield(L, -2, "storage_class");
    lua_pushinteger(L, (lua_Integer)o->source + 1);
    lua_setfield(L, -2, "source");
    size_t blen;
    const char *base = s3e_key_basename(o->key, o->key_len, &blen);
    lua_pushlstring(L, base, blen);
    lua_setfield(L, -2, "name");
    char ext[S3E_EXT_MAX];
    lua_pushlstring(L, ext, s3e_key_extension(o->key, o->key_len, ext));
    lua_setfield(L, -2, "ext");
}

/* Offset of the key relative to its source prefix ("" prefix = whole key). */
static size_t rel_offset(const struct s3e_script *s, const struct s3e_object *o)
{
    if (o->source >= s->plan->nsources)
        return 0;
    const char *prefix = s->plan->sources[o->source].prefix;
    size_t n = prefix ? strlen(prefix) : 0;
    if (n == 0 || n > o->key_len || memcmp(o->key, prefix, n) != 0)
        return 0;
    while (n < o->key_len && o->key[n] == '/')
        n++;
    return n;
}

static const char *type_name(lua_State *L, int idx)
{
    return luaL_typename(L, idx);
}

static int find_target(struct s3e_script *s, const char *name, uint32_t *out)
{
    const struct s3e_plan *p = s->plan;
    if (s->last_target < p->ntargets && strcmp(p->targets[s->last_target].name, name) == 0) {
        *out = (uint32_t)s->last_target;
        return 1;
    }
    for (size_t i = 0; i < p->ntargets; i++)
        if (strcmp(p->targets[i].name, name) == 0) {
            *out = (uint32_t)(s->last_target = i);
            return 1;
        }
    return 0;
}

/* The line of a function's definition where `needle` is quoted, else where it starts. */
static int line_in_function(struct s3e_script *s, int ref, const char *needle)
{
    lua_State *L = s->L;
    lua_Debug ar;
    if (ref == LUA_NOREF)
        return 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    if (!lua_getinfo(L, ">S", &ar))
        return 0;
    if (needle) {
        const char *path[] = { needle };
        int line = s3e_script_field_line(s, path, 1);
        if (line)
            return line;
    }
    return ar.linedefined > 0 ? ar.linedefined : 0;
}

static int route_error(struct s3e_script *s, const struct s3e_object *o, const char *needle,
                       const char *fmt, const char *a, const char *b)
{
    char what[512];
    snprintf(what, sizeof what, fmt, a, b);
    int line = line_in_function(s, s->ref_route, needle);
    snprintf(s->err, sizeof s->err, "%s:%d: route: %s (object s3://%s/%.*s)", s->chunkname, line,
             what, o->bucket, (int)(o->key_len > 200 ? 200 : o->key_len), o->key);
    return S3E_EPLAN;
}

/* Apply the payload policy (a Lua function) to one route. */
static int payload_policy(struct s3e_script *s, int obj_idx, struct s3e_route *r,
                          const char *target_name)
{
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_payload);
    lua_pushvalue(L, obj_idx);
    lua_createtable(L, 0, 3);
    lua_pushstring(L, target_name);
    lua_setfield(L, -2, "target");
    lua_pushlstring(L, r->key, r->key_len);
    lua_setfield(L, -2, "key");
    if (r->storage_class) {
        lua_pushstring(L, r->storage_class);
        lua_setfield(L, -2, "storage_class");
    }
    int rc = call(s, 2, 1, "payload");
    if (rc)
        return rc;
    int t = lua_type(L, -1);
    uint64_t maxb = 0, maxo = 0;
    const char *group = NULL;
    if (t == LUA_TSTRING) {
        group = lua_tostring(L, -1);
    } else if (t == LUA_TNUMBER && lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0) {
        maxb = (uint64_t)lua_tointeger(L, -1);
    } else if (t == LUA_TTABLE) {
        if (lua_getfield(L, -1, "group") == LUA_TSTRING)
            group = lua_tostring(L, -1);
        lua_pop(L, 1);
        int tb = lua_getfield(L, -1, "max_bytes");
        if (tb == LUA_TNUMBER && lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0)
            maxb = (uint64_t)lua_tointeger(L, -1);
        else if (tb == LUA_TSTRING && s3e_parse_size(lua_tostring(L, -1), &maxb) == S3E_OK && maxb)
            ;
        else if (tb != LUA_TNIL)
            t = -1;
        lua_pop(L, 1);
        int to = lua_getfield(L, -1, "max_objects");
        if (to == LUA_TNUMBER && lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0)
            maxo = (uint64_t)lua_tointeger(L, -1);
        else if (to != LUA_TNIL)
            t = -1;
        lua_pop(L, 1);
    } else if (t != LUA_TNIL) {
        t = -1;
    }
    if (t < 0) {
        int line = line_in_function(s, s->ref_payload, NULL);
        snprintf(s->err, sizeof s->err,
                 "%s:%d: payload: expected nil, a group name, a positive size in bytes or "
                 "{group=, max_bytes=, max_objects=}, got %s", s->chunkname, line,
                 type_name(L, -1));
        lua_pop(L, 1);
        return S3E_EPLAN;
    }
    /* Same limits share a group unless the policy named one. */
    s3e_buf_reset(&s->group);
    if (group)
        s3e_buf_puts(&s->group, group);
    else if (maxb || maxo)
        s3e_buf_printf(&s->group, "%llu bytes/%llu objects", (unsigned long long)maxb,
                       (unsigned long long)maxo);
    r->group = s->group.len ? s3e_buf_cstr(&s->group) : NULL;
    r->max_bytes = maxb;
    r->max_objects = maxo;
    lua_pop(L, 1);
    return S3E_OK;
}

static int route_to(struct s3e_script *s, const struct s3e_object *o, size_t rel_off, uint32_t ti,
                    const char *key, size_t key_len, const char *sc, int obj_idx, s3e_route_cb cb,
                    void *ud);

/* One route value at the top of the stack (a name or a route table); the
 * object table is at obj_idx. */
static int emit_route(struct s3e_script *s, const struct s3e_object *o, size_t rel_off,
                      int obj_idx, s3e_route_cb cb, void *ud)
{
    lua_State *L = s->L;
    const char *name = NULL, *key = NULL, *sc = NULL;
    size_t key_len = 0;
    int t = lua_type(L, -1);
    if (t == LUA_TSTRING) {
        name = lua_tostring(L, -1);
    } else if (t == LUA_TTABLE) {
        if (lua_getfield(L, -1, "target") != LUA_TSTRING) {
            const char *got = type_name(L, -1);
            lua_pop(L, 1);
            return route_error(s, o, "target", "a route table needs target = \"<name>\" (got %s)%s",
                               got, "");
        }
        name = lua_tostring(L, -1);
        lua_pop(L, 1); /* the string stays alive: the table holds it */
        int kt = lua_getfield(L, -1, "key");
        if (kt == LUA_TSTRING)
            key = lua_tolstring(L, -1, &key_len);
        else if (kt != LUA_TNIL)
            return route_error(s, o, "key", "key: expected a string, got %s%s", type_name(L, -1), "");
        lua_pop(L, 1);
        int st = lua_getfield(L, -1, "storage_class");
        if (st == LUA_TSTRING)
            sc = lua_tostring(L, -1);
        else if (st != LUA_TNIL)
            return route_error(s, o, "storage_class", "storage_class: expected a string, got %s%s",
                               type_name(L, -1), "");
        lua_pop(L, 1);
    } else {
        return route_error(s, o, NULL,
                           "expected nil, a target name, a route table or a list of them, got %s%s",
                           type_name(L, -1), "");
    }
    uint32_t ti;
    if (!find_target(s, name, &ti)) {
        char quoted[300];
        snprintf(quoted, sizeof quoted, "\"%s\"", name);
        return route_error(s, o, quoted, "unknown target '%s'%s", name,
                           " (the plan's targets table has no such name)");
    }
    return route_to(s, o, rel_off, ti, key, key_len, sc, obj_idx, cb, ud);
}

/* One destination: the key under the target's prefix (the object's key
 * below its source prefix unless key is given), the payload policy, cb. */
static int route_to(struct s3e_script *s, const struct s3e_object *o, size_t rel_off, uint32_t ti,
                    const char *key, size_t key_len, const char *sc, int obj_idx, s3e_route_cb cb,
                    void *ud)
{
    if (!key) {
        key = o->key + rel_off;
        key_len = o->key_len - rel_off;
        if (key_len == 0)
            return S3E_OK; /* the source prefix itself (a "folder" marker): nothing to name */
    }
    if (key_len == 0)
        return route_error(s, o, "key", "the destination key is empty%s%s", "", "");
    const struct s3e_target *tg = &s->plan->targets[ti];
    s3e_buf_reset(&s->key);
    if (s3e_buf_puts(&s->key, tg->prefix) || s3e_buf_append(&s->key, key, key_len))
        return S3E_ENOMEM;
    if (s->key.len > 1024)
        return route_error(s, o, NULL, "destination key is longer than S3's 1024 bytes: %.80s...%s",
                           s3e_buf_cstr(&s->key), "");
    struct s3e_route r = {
        .target = ti, .key = s3e_buf_cstr(&s->key), .key_len = s->key.len, .storage_class = sc,
    };
    if (s->ref_payload != LUA_NOREF) {
        int rc = payload_policy(s, obj_idx, &r, s->plan->targets[ti].name);
        if (rc)
            return rc;
    }
    return cb(ud, &r);
}

int s3e_script_route(struct s3e_script *s, const struct s3e_object *obj, s3e_route_cb cb,
                     void *ud, int *out_selected)
{
    lua_State *L = s->L;
    int top = lua_gettop(L);
    size_t rel_off = rel_offset(s, obj);
    *out_selected = 0;
    if (s->ref_select == LUA_NOREF && s->ref_route == LUA_NOREF && s->ref_payload == LUA_NOREF) {
        /* No hook to run: one target, the same key below it, no Lua at all. */
        *out_selected = 1;
        return route_to(s, obj, rel_off, 0, NULL, 0, NULL, 0, cb, ud);
    }
    push_object(s, obj, rel_off);
    int rc = S3E_OK;
    if (s->ref_select != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_select);
        lua_pushvalue(L, -2);
        if ((rc = call(s, 1, 1, "select")))
            goto out;
        int keep = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (!keep)
            goto out;
    }
    *out_selected = 1;
    if (s->ref_route == LUA_NOREF) {
        /* No route: the plan has exactly one target (checked at load). */
        rc = route_to(s, obj, rel_off, 0, NULL, 0, NULL, top + 1, cb, ud);
        goto out;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_route);
    lua_pushvalue(L, -2);
    if ((rc = call(s, 1, 1, "route")))
        goto out;
    int t = lua_type(L, -1);
    if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)))
        goto out;
    int is_list = 0;
    if (t == LUA_TTABLE) {
        is_list = lua_getfield(L, -1, "target") == LUA_TNIL && lua_rawlen(L, -2) > 0;
        lua_pop(L, 1);
    }
    if (!is_list) {
        rc = emit_route(s, obj, rel_off, top + 1, cb, ud);
        goto out;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n && !rc; i++) {
        lua_rawgeti(L, top + 2, i);
        rc = emit_route(s, obj, rel_off, top + 1, cb, ud);
        lua_settop(L, top + 2);
    }
out:
    lua_settop(L, top);
    return rc;
}

/* ---- `s3engine lua FILE` ----------------------------------------------------------- */

int s3e_script_run_file(const char *path, const struct s3e_script_opts *opts, char *errbuf,
                        size_t errlen)
{
    struct s3e_script *s = NULL;
    errbuf[0] = '\0';
    struct s3e_script_opts o = *opts;
    o.instruction_budget = LONG_MAX; /* a script, not a per-object hook */
    int rc = script_new(&s, path, &o);
    if (!rc)
        rc = load_chunk(s, path, NULL, NULL, errbuf, errlen);
    if (!rc) {
        rc = call(s, 0, 0, "");
        if (rc)
            snprintf(errbuf, errlen, "%s", s->err);
    }
    if (rc && !errbuf[0])
        snprintf(errbuf, errlen, "%s: %s", path, s3e_strerror(rc));
    s3e_script_free(s);
    return rc;
}
