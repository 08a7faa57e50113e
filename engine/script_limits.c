/* script_limits.c - the two limits a plan runs under: the memory of its Lua
 * state and an instruction budget per call that the plan cannot catch. */
#include "script_int.h"

#include <limits.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOOK_EVERY 1000 /* instructions between two looks at the budget */

/* Small blocks the state freed are kept for its next allocations: a hook's
 * object table and strings are made and freed for every object, and malloc
 * and free were a sixth of an unmarked route's CPU. A block of up to
 * BLOCK_MAX bytes is malloc'd with the size of its class (multiples of
 * BLOCK_STEP), so any block of a class serves; at most CACHE_BYTES are kept,
 * the rest is freed. Lua names the size of every block it frees, so blocks
 * need no header. Not under AddressSanitizer: it would miss a use after free. */
#define BLOCK_STEP 16
#define BLOCK_MAX (BLOCK_STEP * S3E_BLOCK_CLASSES)
#define CACHE_BYTES (1u << 20)
#if defined(__SANITIZE_ADDRESS__)
#define KEEP_BLOCKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KEEP_BLOCKS 0
#endif
#endif
#ifndef KEEP_BLOCKS
#define KEEP_BLOCKS 1
#endif

static size_t block_class(size_t n)
{
    return (n - 1) / BLOCK_STEP;
}

static void *block_take(struct s3e_script *s, size_t n)
{
    size_t c = block_class(n);
    void *p = s->blocks[c];
    if (!p)
        return malloc((c + 1) * BLOCK_STEP);
    memcpy(&s->blocks[c], p, sizeof p); /* the next block of the list */
    s->blocks_bytes -= (c + 1) * BLOCK_STEP;
    return p;
}

static void block_give(struct s3e_script *s, void *p, size_t n)
{
    if (n > BLOCK_MAX) {
        free(p);
        return;
    }
    size_t c = block_class(n), size = (c + 1) * BLOCK_STEP;
    if (!KEEP_BLOCKS || s->blocks_bytes + size > CACHE_BYTES) {
        free(p);
        return;
    }
    memcpy(p, &s->blocks[c], sizeof p);
    s->blocks[c] = p;
    s->blocks_bytes += size;
}

/* realloc for the state's blocks (old = 0 when ptr is NULL); NULL leaves ptr as it was.
 * Lua counts on a shrink never failing: without memory for the smaller block the old
 * one stays (a block bigger than its class is freed or reused as its class's size). */
static void *block_resize(struct s3e_script *s, void *ptr, size_t old, size_t n)
{
    if (old > BLOCK_MAX && n > BLOCK_MAX)
        return realloc(ptr, n);
    if (ptr && old <= BLOCK_MAX && n <= BLOCK_MAX && block_class(old) == block_class(n))
        return ptr;
    void *p = n <= BLOCK_MAX ? block_take(s, n) : malloc(n);
    if (!p)
        return ptr && n <= old ? ptr : NULL;
    if (ptr) {
        memcpy(p, ptr, old < n ? old : n);
        block_give(s, ptr, old);
    }
    return p;
}

void s3e_limited_alloc_drop(struct s3e_script *s)
{
    for (size_t c = 0; c < S3E_BLOCK_CLASSES; c++)
        while (s->blocks[c]) {
            void *p = s->blocks[c];
            memcpy(&s->blocks[c], p, sizeof p);
            free(p);
        }
    s->blocks_bytes = 0;
}

/* Growth is refused past the limit while the plan runs; between calls the
 * engine's own pushes always succeed (an error there would be unprotected). */
void *s3e_limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct s3e_script *s = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        if (ptr)
            block_give(s, ptr, old);
        s->mem_used -= old;
        return NULL;
    }
    if (nsize > old && s->in_hook && s->mem_limit &&
        (s->mem_used > s->mem_limit || nsize - old > s->mem_limit - s->mem_used)) {
        s->mem_hit = 1;
        return NULL;
    }
    void *p = block_resize(s, ptr, old, nsize);
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
