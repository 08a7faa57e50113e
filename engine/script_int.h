/* script_int.h - what the three script_*.c files share. Nothing outside
 * engine/script*.c includes this (or lua.h). */
#ifndef S3E_SCRIPT_INT_H
#define S3E_SCRIPT_INT_H

#include <lua.h>
#include <stddef.h>

#include "s3engine/buf.h"
#include "s3engine/plan.h"
#include "s3engine/script.h"
#include "script_lines.h"

#define S3E_BLOCK_CLASSES 32 /* small blocks kept for reuse: classes of 16 to 512 bytes */

struct s3e_script {
    lua_State *L;
    char *chunkname;            /* shown in messages: "plan.lua" */
    char *plan_path;            /* the plan file as given, NULL for inline code */
    char *text;                 /* the plan's source, to find lines of fields */
    size_t text_len;
    const struct s3e_plan *plan;
    struct s3e_client *client;
    int ref_select, ref_route, ref_payload; /* LUA_NOREF when absent */
    int obj_reuse;              /* -1 not yet known; 1: every hook is s3engine.pure */
    int ref_obj;                /* the view of the object pure hooks get, or LUA_NOREF */
    int ref_step;               /* route_hooks' closure over the object's field names */
    const struct s3e_object *cur; /* the object the view shows, NULL between calls */
    size_t cur_rel_off;
    long budget, used;          /* instructions per hook call */
    int in_hook;                /* the budget applies only inside hooks and the chunk */
    int over;                   /* budget or memory exceeded: raise on every instruction */
    size_t mem_used, mem_limit; /* bytes held by the Lua state, and the most it may hold */
    void *blocks[S3E_BLOCK_CLASSES]; /* small blocks the state freed, for reuse (script_limits.c) */
    size_t blocks_bytes;        /* the bytes those hold */
    int mem_hit;                /* an allocation was refused during this call */
    int where_line;             /* last line seen by the hook while memory ran high */
    char where[64];             /* its chunk */
    char **read_dirs;           /* resolved folders (or files) plans may read */
    size_t nread_dirs;
    size_t last_target;         /* cache for target name lookups */
    const char *what;           /* hook being run, for messages: "route"; "" for the chunk */
    char short_src[LUA_IDSIZE]; /* the plan's name as Lua writes it in positions */
    int err_line;               /* set by the message handler: the plan line of an error */
    size_t err_at;              /* length of the "plan.lua:12: " that starts err */
    struct s3e_buf key;         /* destination key being built */
    struct s3e_buf group;       /* payload group name being built */
    struct s3e_buf put;         /* a route's metadata and tags as header lines */
    char err[1024];
};

/* script_call.c: lua_pcall of the function below nargs arguments, under the instruction
 * budget, with a message handler. On a Lua error s->err gets
 * "plan.lua:12: <s->what>: <message>" - always a line of the plan, for any
 * error object - and the result is S3E_EPLAN; the stack is as lua_pcall leaves
 * it minus the error object. Every read of a table the plan made goes through
 * here (or raw access), so metamethods run protected and counted. */
int s3e_script_pcall(struct s3e_script *s, int nargs, int nres);

/* script_put.c: the route table at idx's metadata, tags, content_type,
 * cache_control, content_disposition, content_encoding, content_language
 * and expires as header lines in out (put_lines.h; "" when none). S3E_OK,
 * S3E_ENOMEM, or S3E_EPLAN with the field in *field and why in why. */
int s3e_script_read_put(lua_State *L, int idx, struct s3e_buf *out, const char **field,
                        char *why, size_t len);

/* script_limits.c: the Lua allocator with the memory limit (ud is the script). */
void *s3e_limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Free the blocks the allocator kept for reuse (after lua_close). */
void s3e_limited_alloc_drop(struct s3e_script *s);
/* The count hook that enforces the budget, set on a new state. */
void s3e_budget_install(lua_State *L);
/* Around every protected call into the plan: start resets the budget and
 * memory flags; stop ends them and, when the call failed for lack of memory,
 * replaces the error at the top of the stack with a message naming the limit. */
void s3e_budget_start(struct s3e_script *s);
void s3e_budget_stop(struct s3e_script *s, int status);
/* C work done for the plan (pattern and glob steps): counted like
 * instructions; raises the budget error once the budget is spent. */
void s3e_budget_charge(lua_State *L, long units);
/* Units left before the budget is spent (LONG_MAX outside a call). */
long s3e_budget_left(lua_State *L);

/* script_plan.c: turn the table at the top of the stack into *plan, or fill
 * s->err ("plan.lua:12: targets.images.bucket: expected a string, got number")
 * and return S3E_EPLAN. */
int s3e_script_read_plan(struct s3e_script *s, struct s3e_plan *plan);

/* The part of a key after its last '/', and its length. */
const char *s3e_key_basename(const char *key, size_t len, size_t *out_len);
/* The extension of a key's name, lower case, without the dot, into out
 * (S3E_EXT_MAX bytes, not NUL-terminated); returns its length, 0 when the
 * name has none ("README", ".hidden") or it is longer than S3E_EXT_MAX. */
#define S3E_EXT_MAX 32
size_t s3e_key_extension(const char *key, size_t len, char out[S3E_EXT_MAX]);

/* script_sandbox.c: the Lua state (allocator with a limit, libraries, the
 * sandbox unless o->unsafe, package.path, the budget hook). 0 or S3E_ENOMEM;
 * s->L is set even on failure once created (s3e_script_free closes it). */
int s3e_sandbox_new_state(struct s3e_script *s, const char *plan_path,
                          const struct s3e_script_opts *o);
/* Free what s3e_sandbox_new_state allocated besides the state itself. */
void s3e_sandbox_free(struct s3e_script *s);
/* Reads of undefined globals raise (after the plan's chunk is loaded). */
void s3e_sandbox_make_strict(lua_State *L);

/* script_pattern.c: string.find/match/gmatch/gsub with Lua's pattern syntax
 * and a matcher whose steps count against the budget, put into the string
 * table (and so the strings' methods). */
void s3e_pattern_open(lua_State *L);

/* script_lib.c: the `s3engine` module, registered in package.preload. */
void s3e_script_open_lib(lua_State *L, struct s3e_script *s, const char *const *args,
                         size_t nargs);
/* Glob match: `*` within one path segment, `**` across segments, `?` one
 * character, `[abc]`/`[a-z]`/`[!x]` classes. */
#define S3E_GLOB_MAX 4096 /* longest pattern, in bytes */
/* 1 match, 0 no match, -1 pattern too long or out of memory. Time is
 * O(len(pat) * len(str)), no recursion. */
int s3e_glob_match(const char *pat, const char *str);
/* os.getenv's filter: 1 when the variable's name looks like a credential. */
int s3e_env_hidden(const char *name);

/* The script a Lua state belongs to (kept in the state's extra space). */
static inline struct s3e_script *s3e_script_of(lua_State *L)
{
    return *(struct s3e_script **)lua_getextraspace(L);
}

/* script_lib.c: is the function at idx marked with s3engine.pure? */
int s3e_script_is_pure(lua_State *L, int idx);

#endif
