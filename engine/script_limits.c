/* script_limits.c - the two limits a plan runs under: the memory of its Lua
 * state and an instruction budget per call that the plan cannot catch. */
#include "script_int.h"

#include <limits.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>

#define HOOK_EVERY 1000 /* instructions between two looks at the budget */

/* Growth is refused past the limit while the plan runs; between calls the
 * engine's own pushes always succeed (an error there would be unprotected). */
void *s3e_limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct s3e_script *s = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        s->mem_used -= old;
        return NULL;
    }
    if (nsize > old && s->in_hook && s->mem_limit &&
        (s->mem_used > s->mem_limit || nsize - old > s->mem_limit - s->mem_used)) {
        s->mem_hit = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p)
        s->mem_used = s->mem_used - old + nsize;
    return p;
}

static void format_size(size_t n, char *out, size_t len)
{
    if (n % (1u << 30) == 0)
        snprintf(out, len, "%zuGiB", n >> 30);
    else if (n % (1u << 20) == 0)
        snprintf(out, len, "%zuMiB", n >> 20);
    else
        snprintf(out, len, "%zu bytes", n);
}

/* From now until the call returns, every instruction of every thread raises. */
static int budget_raise(lua_State *L, struct s3e_script *s);

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    struct s3e_script *s = s3e_script_of(L);
    if (!s->in_hook)
        return;
    int every = lua_gethookcount(L);
    if (!s->over) {
        s->used = s->used > LONG_MAX - every ? LONG_MAX : s->used + every;
        /* where the plan is, for a memory error (its stack is gone by then) */
        if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
            s->where_line = ar->currentline;
            snprintf(s->where, sizeof s->where, "%s", ar->short_src);
        }
        if (s->used <= s->budget && !s->mem_hit) {
            if (every != HOOK_EVERY) /* a thread left raising by an earlier call */
                lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
            return;
        }
    }
    budget_raise(L, s);
}

static int budget_raise(lua_State *L, struct s3e_script *s)
{
    s->over = 1;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    if (L != s->L)
        lua_sethook(s->L, budget_hook, LUA_MASKCOUNT, 1);
    s3e_script_push_where(L);
    if (s->mem_hit) {
        char lim[32];
        format_size(s->mem_limit, lim, sizeof lim);
        lua_pushfstring(L, "memory limit of %s for the plan's Lua state exceeded (see --lua-memory)",
                        lim);
    } else {
        lua_pushfstring(L, "instruction budget of %I exceeded (an endless loop?)",
                        (lua_Integer)s->budget);
    }
    lua_concat(L, 2);
    return lua_error(L);
}

void s3e_budget_start(struct s3e_script *s)
{
    s->used = 0;
    s->over = 0;
    s->mem_hit = 0;
    s->where_line = 0;
    s->in_hook = 1;
    lua_sethook(s->L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
}

void s3e_budget_stop(struct s3e_script *s, int status)
{
    s->in_hook = 0;
    lua_sethook(s->L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    if (status == LUA_ERRMEM && s->mem_hit) {
        char lim[32];
        format_size(s->mem_limit, lim, sizeof lim);
        /* The message handler does not run for a memory error: the line is
         * the one the hook saw last, the caller adds the position. */
        if (s->where_line > 0)
            s->err_line = s->where_line;
        lua_pushfstring(s->L, "memory limit of %s for the plan's Lua state exceeded (see "
                        "--lua-memory)", lim);
        lua_replace(s->L, -2);
    }
}

void s3e_budget_charge(lua_State *L, long units)
{
    struct s3e_script *s = s3e_script_of(L);
    if (!s->in_hook)
        return;
    s->used = s->used > LONG_MAX - units ? LONG_MAX : s->used + units;
    if (s->used > s->budget || s->over)
        budget_raise(L, s);
}

long s3e_budget_left(lua_State *L)
{
    struct s3e_script *s = s3e_script_of(L);
    if (!s->in_hook)
        return LONG_MAX;
    return s->used >= s->budget ? 0 : s->budget - s->used;
}

void s3e_budget_install(lua_State *L)
{
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
}
