/* script.c - a plan's Lua state: loading, and the per-object select/route/
 * payload calls that the planner makes (the sandbox is script_sandbox.c). */
#include "script_int.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"
#include "s3engine/log.h"
#include "s3engine/storage_class.h"
#include "spelling.h"
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

/* The chunk or a whole script: one protected call, messages without a hook name. */
static int call(struct s3e_script *s, int nargs, int nres)
{
    s->what = "";
    return s3e_script_pcall(s, nargs, nres);
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
    /* Lua shortens long names in positions; the message handler looks for this form */
    lua_Debug ar;
    lua_pushvalue(s->L, -1);
    lua_getinfo(s->L, ">S", &ar);
    snprintf(s->short_src, sizeof s->short_src, "%s", ar.short_src);
    return S3E_OK;
}

static int script_new(struct s3e_script **out, const char *plan_path,
                      const struct s3e_script_opts *o)
{
    struct s3e_script *s = calloc(1, sizeof *s);
    if (!s)
        return S3E_ENOMEM;
    s->ref_select = s->ref_route = s->ref_payload = s->ref_obj = s->ref_step = LUA_NOREF;
    s->obj_reuse = -1;
    s->budget = o->instruction_budget > 0 ? o->instruction_budget : DEFAULT_BUDGET;
    s->client = o->client;
    s3e_buf_init(&s->key, 0);
    s3e_buf_init(&s->group, 0);
    s3e_buf_init(&s->put, 64 << 10);
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
        rc = call(s, 0, 1);
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
    s3e_limited_alloc_drop(s);
    s3e_sandbox_free(s);
    free(s->chunkname);
    free(s->plan_path);
    free(s->text);
    s3e_buf_free(&s->key);
    s3e_buf_free(&s->group);
    s3e_buf_free(&s->put);
    free(s);
}

/* ---- per object ------------------------------------------------------------------ */

/* Every hook the plan has is marked s3engine.pure (it only reads obj's
 * fields while it runs): then obj can be a view of the object. */
static int hooks_pure(struct s3e_script *s)
{
    const int refs[] = { s->ref_select, s->ref_route, s->ref_payload };
    int pure = 1;
    for (size_t i = 0; i < 3 && pure; i++) {
        if (refs[i] == LUA_NOREF)
            continue;
        lua_rawgeti(s->L, LUA_REGISTRYINDEX, refs[i]);
        pure = s3e_script_is_pure(s->L, -1);
        lua_pop(s->L, 1);
    }
    return pure;
}

/* obj.<name> of the object being routed; nil for other names, and for every
 * name once the call is over (a view kept past its call reads nothing). */
static int view_index(lua_State *L)
{
    struct s3e_script *s = s3e_script_of(L);
    const struct s3e_object *o = s->cur;
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";
    if (!o)
        return 0;
    if (strcmp(k, "ext") == 0) {
        char ext[S3E_EXT_MAX];
        lua_pushlstring(L, ext, s3e_key_extension(o->key, o->key_len, ext));
    } else if (strcmp(k, "rel") == 0) {
        lua_pushlstring(L, o->key + s->cur_rel_off, o->key_len - s->cur_rel_off);
    } else if (strcmp(k, "key") == 0) {
        lua_pushlstring(L, o->key, o->key_len);
    } else if (strcmp(k, "name") == 0) {
        size_t blen;
        const char *base = s3e_key_basename(o->key, o->key_len, &blen);
        lua_pushlstring(L, base, blen);
    } else if (strcmp(k, "size") == 0) {
        lua_pushinteger(L, (lua_Integer)o->size);
    } else if (strcmp(k, "bucket") == 0) {
        lua_pushstring(L, o->bucket);
    } else if (strcmp(k, "etag") == 0) {
        lua_pushstring(L, o->etag ? o->etag : "");
    } else if (strcmp(k, "last_modified") == 0) {
        lua_pushinteger(L, (lua_Integer)o->last_modified);
    } else if (strcmp(k, "storage_class") == 0) {
        lua_pushstring(L, o->storage_class ? o->storage_class : "");
    } else if (strcmp(k, "source") == 0) {
        lua_pushinteger(L, (lua_Integer)o->source + 1);
    } else if (strcmp(k, "version_id") == 0 && o->version_id) {
        lua_pushstring(L, o->version_id);
    } else {
        return 0;
    }
    return 1;
}

static int view_newindex(lua_State *L)
{
    return luaL_error(L, "obj is read-only in a hook marked s3engine.pure");
}

/* Push the view pure hooks get: one empty table for every object whose
 * fields are read from s->cur on demand. A fresh table per object with its
 * eleven fields and strings was most of a routed object's CPU. */
static void push_view(struct s3e_script *s, const struct s3e_object *o, size_t rel_off)
{
    lua_State *L = s->L;
    s->cur = o;
    s->cur_rel_off = rel_off;
    if (s->ref_obj != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_obj);
        return;
    }
    lua_newtable(L);
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, view_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, view_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    s->ref_obj = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* The object table's fields, in the order they are set. Their names are
 * made once, as upvalues of step (see step_function): looking a C string up
 * for each of ten fields per object was a quarter of a routed object's CPU. */
enum {
    F_BUCKET = 1, F_KEY, F_REL, F_SIZE, F_ETAG, F_LAST_MODIFIED, F_STORAGE_CLASS, F_SOURCE,
    F_VERSION_ID, F_NAME, F_EXT, F_COUNT = F_EXT
};
static const char *const object_fields[F_COUNT] = {
    "bucket", "key", "rel", "size", "etag", "last_modified", "storage_class", "source",
    "version_id", "name", "ext",
};

/* Set field f of the table at t to the value at v. Raw: the table is new
 * and has no metatable, so it is what lua_setfield would do. */
static void set_value(lua_State *L, int t, int f, int v)
{
    lua_pushvalue(L, lua_upvalueindex(f));
    lua_pushvalue(L, v);
    lua_rawset(L, t);
}

static void set_string(lua_State *L, int t, int f, const char *v, size_t len)
{
    lua_pushvalue(L, lua_upvalueindex(f));
    lua_pushlstring(L, v, len);
    lua_rawset(L, t);
}

static void set_integer(lua_State *L, int t, int f, lua_Integer v)
{
    lua_pushvalue(L, lua_upvalueindex(f));
    lua_pushinteger(L, v);
    lua_rawset(L, t);
}

/* Push the object table hooks see (README "The object"). Called from step
 * only (the field names are its upvalues). */
static void push_object(struct s3e_script *s, const struct s3e_object *o, size_t rel_off)
{
    lua_State *L = s->L;
    if (s->obj_reuse < 0)
        s->obj_reuse = hooks_pure(s);
    if (s->obj_reuse) {
        push_view(s, o, rel_off);
        return;
    }
    lua_createtable(L, 0, 10);
    int t = lua_gettop(L);
    set_string(L, t, F_BUCKET, o->bucket, strlen(o->bucket));
    lua_pushlstring(L, o->key, o->key_len);
    set_value(L, t, F_KEY, t + 1);
    if (rel_off == 0) /* rel is the same string: not hashed and looked up again */
        set_value(L, t, F_REL, t + 1);
    else
        set_string(L, t, F_REL, o->key + rel_off, o->key_len - rel_off);
    lua_pop(L, 1);
    set_integer(L, t, F_SIZE, (lua_Integer)o->size);
    set_string(L, t, F_ETAG, o->etag ? o->etag : "", o->etag ? strlen(o->etag) : 0);
    set_integer(L, t, F_LAST_MODIFIED, (lua_Integer)o->last_modified);
    set_string(L, t, F_STORAGE_CLASS, o->storage_class ? o->storage_class : "",
               o->storage_class ? strlen(o->storage_class) : 0);
    set_integer(L, t, F_SOURCE, (lua_Integer)o->source + 1);
    if (o->version_id)
        set_string(L, t, F_VERSION_ID, o->version_id, strlen(o->version_id));
    size_t blen;
    const char *base = s3e_key_basename(o->key, o->key_len, &blen);
    set_string(L, t, F_NAME, base, blen);
    char ext[S3E_EXT_MAX];
    set_string(L, t, F_EXT, ext, s3e_key_extension(o->key, o->key_len, ext));
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

/* "plan.lua:12: route: <what> (object s3://b/k)": the line where `needle` is
 * written in the plan when it is, else the hook's line. */
static int route_error(struct s3e_script *s, const struct s3e_object *o, const char *needle,
                       const char *fmt, const char *a, const char *b)
{
    char what[512];
    snprintf(what, sizeof what, fmt, a, b);
    const char *path[] = { needle };
    int line = needle ? s3e_script_field_line(s, path, 1) : 0;
    if (!line)
        line = s3e_script_hook_line(s, "route");
    snprintf(s->err, sizeof s->err, "%s:%d: route: %s (object s3://%s/%.*s)", s->chunkname, line,
             what, o->bucket, (int)(o->key_len > 200 ? 200 : o->key_len), o->key);
    return S3E_EPLAN;
}

int s3e_script_route_where(struct s3e_script *s, char *out, size_t len)
{
    return snprintf(out, len, "%s:%d", s->chunkname, s3e_script_hook_line(s, "route"));
}

/* The string at idx when it holds no NUL byte (C would cut it there), else NULL. */
static const char *c_string(lua_State *L, int idx, size_t *len)
{
    size_t n;
    const char *str = lua_tolstring(L, idx, &n);
    if (str && memchr(str, '\0', n))
        return NULL;
    if (len)
        *len = n;
    return str;
}

/* Call hook `ref` with the nargs values at the top of the stack, one result.
 * Runs inside s3e_script_pcall (its errors end there); each hook gets its
 * own instruction budget, as if called on its own. */
static void run_hook(struct s3e_script *s, const char *what, int ref, int nargs)
{
    lua_State *L = s->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_insert(L, -1 - nargs);
    s->what = what;
    s->used = 0;
    lua_call(L, nargs, 1);
}

/* Read what the payload policy returned (at res): limits into *maxb and
 * *maxo, *gi = stack index of the group name (0: none). The values read stay
 * on the stack until copied: a metamethod may run the collector. Returns 0
 * when the value is not one the README allows. */
static int payload_limits(lua_State *L, int res, uint64_t *maxb, uint64_t *maxo, int *gi)
{
    int t = lua_type(L, res);
    if (t == LUA_TNIL)
        return 1;
    if (t == LUA_TSTRING) {
        *gi = res;
        return 1;
    }
    if (t == LUA_TNUMBER) {
        if (!lua_isinteger(L, res) || lua_tointeger(L, res) <= 0)
            return 0;
        *maxb = (uint64_t)lua_tointeger(L, res);
        return 1;
    }
    if (t != LUA_TTABLE)
        return 0;
    int tg = lua_getfield(L, res, "group");        /* res + 1 */
    int tb = lua_getfield(L, res, "max_bytes");    /* res + 2 */
    int to = lua_getfield(L, res, "max_objects");  /* res + 3 */
    int ok = 1;
    if (tg == LUA_TSTRING || tg == LUA_TNUMBER)
        *gi = res + 1;
    else if (tg != LUA_TNIL)
        ok = 0;
    if (tb == LUA_TNUMBER && lua_isinteger(L, res + 2) && lua_tointeger(L, res + 2) > 0)
        *maxb = (uint64_t)lua_tointeger(L, res + 2);
    else if (tb == LUA_TSTRING)
        ok &= s3e_parse_size(lua_tostring(L, res + 2), maxb) == S3E_OK && *maxb;
    else if (tb != LUA_TNIL)
        ok = 0;
    if (to == LUA_TNUMBER && lua_isinteger(L, res + 3) && lua_tointeger(L, res + 3) > 0)
        *maxo = (uint64_t)lua_tointeger(L, res + 3);
    else if (to != LUA_TNIL)
        ok = 0;
    return ok;
}

/* Apply the payload policy (a Lua function) to one route; inside the
 * object's protected call. */
static int payload_policy(struct s3e_script *s, int obj_idx, struct s3e_route *r,
                          const char *target_name)
{
    lua_State *L = s->L;
    const char *was = s->what;
    int top = lua_gettop(L), res = top + 1, gi = 0;
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
    run_hook(s, "payload", s->ref_payload, 2);
    uint64_t maxb = 0, maxo = 0;
    int ok = payload_limits(L, res, &maxb, &maxo, &gi);
    size_t glen = 0;
    const char *group = gi ? c_string(L, gi, &glen) : NULL;
    if (!ok || (gi && !group)) {
        snprintf(s->err, sizeof s->err,
                 "%s:%d: payload: expected nil, a group name, a positive size in bytes or "
                 "{group=, max_bytes=, max_objects=}, got %s%s", s->chunkname,
                 s3e_script_hook_line(s, "payload"), luaL_typename(L, res),
                 ok ? " (a group name with a NUL byte)" : "");
        return S3E_EPLAN;
    }
    /* Same limits share a group unless the policy named one. */
    s3e_buf_reset(&s->group);
    int rc = S3E_OK;
    if (group)
        rc = s3e_buf_append(&s->group, group, glen);
    else if (maxb || maxo)
        rc = s3e_buf_printf(&s->group, "%llu bytes/%llu objects", (unsigned long long)maxb,
                            (unsigned long long)maxo);
    r->group = s->group.len ? s3e_buf_cstr(&s->group) : NULL;
    r->max_bytes = maxb;
    r->max_objects = maxo;
    lua_settop(L, top);
    s->what = was;
    return rc;
}

/* One destination: the key under the target's prefix (the object's key
 * below its source prefix unless key is given), the payload policy, cb. */
static int route_to(struct s3e_script *s, const struct s3e_object *o, size_t rel_off, uint32_t ti,
                    const char *key, size_t key_len, const char *sc, const char *put, int obj_idx,
                    s3e_route_cb cb, void *ud)
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
        .put = put,
    };
    if (s->ref_payload != LUA_NOREF) {
        int rc = payload_policy(s, obj_idx, &r, s->plan->targets[ti].name);
        if (rc)
            return rc;
    }
    return cb(ud, &r);
}

/* One object's select/route/payload, run inside one protected call
 * (s3e_script_pcall) so that the tables the hooks return are read under
 * protection and the budget. */
struct step {
    struct s3e_script *s;
    const struct s3e_object *o;
    size_t rel_off;
    s3e_route_cb cb;
    void *ud;
    int obj;      /* stack index of the object table */
    int selected;
    int rc;       /* a failure that is not a Lua error: a route error, cb's result */
};

/* To the target named by the string at nidx, with key and storage class
 * (both may be NULL) that the caller keeps on the stack until this returns. */
static int route_named(struct step *st, int nidx, const char *key, size_t key_len, const char *sc,
                       const char *put)
{
    struct s3e_script *s = st->s;
    size_t nlen;
    const char *name = c_string(s->L, nidx, &nlen);
    uint32_t ti;
    if (!name || !find_target(s, name, &ti)) {
        char quoted[300];
        snprintf(quoted, sizeof quoted, "\"%s\"", lua_tostring(s->L, nidx));
        return route_error(s, st->o, quoted, "unknown target '%s'%s", lua_tostring(s->L, nidx),
                           " (the plan's targets table has no such name)");
    }
    return route_to(s, st->o, st->rel_off, ti, key, key_len, sc, put, st->obj, st->cb, st->ud);
}

static const char *const route_fields[] = {
    "target", "key", "storage_class", "metadata", "tags", "content_type", "cache_control",
    "content_disposition", "content_encoding", "content_language", "expires", NULL,
};

/* Every key of the route table at idx is one of route_fields: a misspelt
 * field would otherwise be ignored for every object. Raw, like lua_next. */
static int route_fields_known(struct step *st, int idx)
{
    lua_State *L = st->s->L;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int ok = 0;
        for (size_t i = 0; k && !ok && route_fields[i]; i++)
            ok = strcmp(k, route_fields[i]) == 0;
        if (ok)
            continue;
        char name[80], hint[256] = "";
        snprintf(name, sizeof name, "%s", k ? k : luaL_typename(L, -1));
        const char *near = k ? s3e_spelling_nearest(k, route_fields) : NULL;
        if (near)
            snprintf(hint, sizeof hint, " (did you mean '%s'?)", near);
        else
            snprintf(hint, sizeof hint, " (a route table has target, key, storage_class, "
                     "metadata, tags, content_type, cache_control, content_disposition, "
                     "content_encoding, content_language, expires)");
        return route_error(st->s, st->o, k ? k : NULL, "unknown field '%s' in a route table%s",
                           name, hint);
    }
    return S3E_OK;
}

/* A route table at idx whose `target` value is at tidx. */
static int route_table(struct step *st, int idx, int tidx)
{
    struct s3e_script *s = st->s;
    lua_State *L = s->L;
    int rc = route_fields_known(st, idx);
    if (rc)
        return rc;
    if (lua_type(L, tidx) != LUA_TSTRING)
        return route_error(s, st->o, "target", "a route table needs target = \"<name>\" (got %s)%s",
                           luaL_typename(L, tidx), "");
    int kt = lua_getfield(L, idx, "key");
    if (kt != LUA_TSTRING && kt != LUA_TNIL)
        return route_error(s, st->o, "key", "key: expected a string, got %s%s",
                           luaL_typename(L, -1), "");
    int ct = lua_getfield(L, idx, "storage_class");
    const char *sc = ct == LUA_TSTRING ? c_string(L, -1, NULL) : NULL;
    if ((ct != LUA_TSTRING && ct != LUA_TNIL) || (ct == LUA_TSTRING && !sc))
        return route_error(s, st->o, "storage_class", "storage_class: expected a string, got %s%s",
                           luaL_typename(L, -1), ct == LUA_TSTRING ? " with a NUL byte" : "");
    /* (one that is not even a header value is refused by the planner, as such) */
    if (sc && !s3e_header_value_problem(sc) &&
        !s3e_storage_class_known(sc, s->plan->storage_classes, s->plan->nstorage_classes)) {
        char why[512], quoted[80];
        s3e_storage_class_problem(sc, why, sizeof why);
        snprintf(quoted, sizeof quoted, "\"%.64s\"", sc); /* the line that names it */
        return route_error(s, st->o, quoted, "storage_class: %s%s", why, "");
    }
    const char *field = NULL;
    char why[300];
    rc = s3e_script_read_put(L, idx, &s->put, &field, why, sizeof why);
    if (rc == S3E_EPLAN)
        return route_error(s, st->o, field, "%s: %s", field, why);
    if (rc)
        return rc;
    size_t key_len = 0;
    const char *key = kt == LUA_TSTRING ? lua_tolstring(L, -2, &key_len) : NULL;
    return route_named(st, tidx, key, key_len, sc, s->put.len ? s3e_buf_cstr(&s->put) : NULL);
}

/* One route value at idx: a target name or a route table. */
static int emit_route(struct step *st, int idx)
{
    lua_State *L = st->s->L;
    int t = lua_type(L, idx);
    if (t == LUA_TSTRING)
        return route_named(st, idx, NULL, 0, NULL, NULL);
    if (t == LUA_TTABLE) {
        lua_getfield(L, idx, "target");
        return route_table(st, idx, lua_gettop(L));
    }
    return route_error(st->s, st->o, NULL,
                       "expected nil, a target name, a route table or a list of them, got %s%s",
                       luaL_typename(L, idx), "");
}

/* What route returned (at idx): nothing, one route, or a list of them. A
 * table is a route when it names a target, else a list of its items 1..n,
 * n taken once (raw length) and each item read in turn. */
static int emit_routes(struct step *st, int idx)
{
    lua_State *L = st->s->L;
    int t = lua_type(L, idx);
    if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !lua_toboolean(L, idx)))
        return S3E_OK;
    if (t != LUA_TTABLE)
        return emit_route(st, idx);
    lua_getfield(L, idx, "target");
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (!lua_isnil(L, -1) || n == 0)
        return route_table(st, idx, lua_gettop(L));
    lua_pop(L, 1);
    int rc = S3E_OK;
    for (lua_Integer i = 1; i <= n && !rc; i++) {
        lua_rawgeti(L, idx, i);
        rc = emit_route(st, lua_gettop(L));
        lua_settop(L, idx);
    }
    return rc;
}

/* Protected: the object table, select, route, reading what route returned. */
static int step(lua_State *L)
{
    struct step *st = lua_touserdata(L, 1);
    struct s3e_script *s = st->s;
    push_object(s, st->o, st->rel_off);
    st->obj = lua_gettop(L);
    if (s->ref_select != LUA_NOREF) {
        lua_pushvalue(L, st->obj);
        run_hook(s, "select", s->ref_select, 1);
        if (!lua_toboolean(L, -1))
            return 0;
        lua_pop(L, 1);
    }
    st->selected = 1;
    if (s->ref_route == LUA_NOREF) {
        /* No route: the plan has exactly one target (checked at load). */
        st->rc = route_to(s, st->o, st->rel_off, 0, NULL, 0, NULL, NULL, st->obj, st->cb, st->ud);
        return 0;
    }
    lua_pushvalue(L, st->obj);
    run_hook(s, "route", s->ref_route, 1);
    st->rc = emit_routes(st, lua_gettop(L));
    return 0;
}

/* Push step as a closure over the object's field names, made on the first
 * call (outside a hook, where the engine's allocations do not fail). */
static void push_step(struct s3e_script *s)
{
    lua_State *L = s->L;
    if (s->ref_step == LUA_NOREF) {
        for (int f = 0; f < F_COUNT; f++)
            lua_pushstring(L, object_fields[f]);
        lua_pushcclosure(L, step, F_COUNT);
        s->ref_step = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->ref_step);
}

static int route_hooks(struct s3e_script *s, const struct s3e_object *obj, s3e_route_cb cb,
                       void *ud, int *out_selected)
{
    size_t rel_off = rel_offset(s, obj);
    *out_selected = 0;
    if (s->ref_select == LUA_NOREF && s->ref_route == LUA_NOREF && s->ref_payload == LUA_NOREF) {
        /* No hook to run: one target, the same key below it, no Lua at all. */
        *out_selected = 1;
        return route_to(s, obj, rel_off, 0, NULL, 0, NULL, NULL, 0, cb, ud);
    }
    lua_State *L = s->L;
    int top = lua_gettop(L);
    struct step st = { .s = s, .o = obj, .rel_off = rel_off, .cb = cb, .ud = ud, .rc = S3E_OK };
    push_step(s);
    lua_pushlightuserdata(L, &st);
    s->what = "";
    int rc = s3e_script_pcall(s, 1, 0);
    s->cur = NULL; /* the view reads nothing past its call */
    lua_settop(L, top);
    *out_selected = st.selected;
    return rc ? rc : st.rc;
}

int s3e_script_route(struct s3e_script *s, const struct s3e_object *obj, s3e_route_cb cb,
                     void *ud, int *out_selected, char *errbuf, size_t errlen)
{
    s->err[0] = '\0'; /* set again only by a failure of the plan's own */
    int rc = route_hooks(s, obj, cb, ud, out_selected);
    if (errlen && rc) /* not on success: a snprintf per object was 7 % of a plan's CPU */
        snprintf(errbuf, errlen, "%s", s->err);
    else if (errlen)
        errbuf[0] = '\0';
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
        rc = call(s, 0, 0);
        if (rc)
            snprintf(errbuf, errlen, "%s", s->err);
    }
    if (rc && !errbuf[0])
        snprintf(errbuf, errlen, "%s: %s", path, s3e_strerror(rc));
    s3e_script_free(s);
    return rc;
}
