/* script_call.c - every call into the plan: protected, under the budget,
 * and ending, on error, in one message that names a line of the plan. */
#include "script_int.h"
#include "s3engine/error.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

/* How many stack levels the message handler looks through for a plan line:
 * lua_getstack is linear in the level, and a deep recursion must not make an
 * error slow. */
#define FRAMES_SEARCHED 64

/* The line of "plan.lua:12: " at the start of msg (its length in *len), 0
 * when msg does not start with a position in the plan. */
static int plan_position(const struct s3e_script *s, const char *msg, size_t *len)
{
    size_t n = strlen(s->short_src);
    if (n == 0 || strncmp(msg, s->short_src, n) != 0 || msg[n] != ':')
        return 0;
    const char *p = msg + n + 1;
    long line = 0;
    while (*p >= '0' && *p <= '9' && line < 100000000)
        line = line * 10 + (*p++ - '0');
    if (line <= 0 || *p != ':')
        return 0;
    p += p[1] == ' ' ? 2 : 1;
    *len = (size_t)(p - msg);
    return (int)line;
}

/* The line of the innermost plan function on the stack, 0 when none. */
static int plan_frame_line(lua_State *L, const struct s3e_script *s)
{
    lua_Debug ar;
    for (int level = 1; level <= FRAMES_SEARCHED && lua_getstack(L, level, &ar); level++)
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && ar.source[0] == '@' &&
            strcmp(ar.source + 1, s->chunkname) == 0)
            return ar.currentline;
    return 0;
}

/* Push the error object at 1 as a string. __tostring runs protected (it may
 * raise or loop too); without a string the object is only described. */
static void describe_error(lua_State *L)
{
    int t = lua_type(L, 1);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        lua_pushvalue(L, 1);
        lua_tostring(L, -1);
        return;
    }
    if (luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
        lua_pushvalue(L, 1);
        if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
            return;
        lua_pop(L, 1);
    }
    if (t == LUA_TNIL)
        lua_pushliteral(L, "error object is nil");
    else
        lua_pushfstring(L, "error object is a %s (raise a string to say what went wrong)",
                        luaL_typename(L, 1));
}

/* Message handler: runs where the error was raised, while the stack still
 * shows the plan's line. Leaves the message without the plan's own position
 * and notes the line in s->err_line. */
static int on_error(lua_State *L)
{
    struct s3e_script *s = s3e_script_of(L);
    describe_error(L);
    size_t at = 0;
    const char *msg = lua_tostring(L, -1);
    int line = plan_position(s, msg, &at);
    s->err_line = line ? line : plan_frame_line(L, s);
    lua_pushstring(L, msg + at);
    return 1;
}

int s3e_script_pcall(struct s3e_script *s, int nargs, int nres)
{
    lua_State *L = s->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, on_error);
    lua_insert(L, base);
    s3e_budget_start(s);
    s->err_line = 0;
    int rc = lua_pcall(L, nargs, nres, base);
    s3e_budget_stop(s, rc);
    lua_remove(L, base);
    if (rc == LUA_OK)
        return S3E_OK;
    /* the handler made it a string; a memory error skips the handler */
    const char *msg = lua_tostring(L, -1);
    const char *what = s->what ? s->what : "";
    int line = s->err_line > 0 ? s->err_line : s3e_script_hook_line(s, what);
    int n = snprintf(s->err, sizeof s->err, "%s:%d: ", s->chunkname, line);
    s->err_at = n > 0 && (size_t)n < sizeof s->err ? (size_t)n : 0;
    snprintf(s->err + s->err_at, sizeof s->err - s->err_at, "%s%s%s", what, *what ? ": " : "",
             msg ? msg : "error object is not a string");
    lua_pop(L, 1);
    return S3E_EPLAN;
}
