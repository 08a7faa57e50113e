/* script.h - the only door between the engine and Lua.
 *
 * A plan is a Lua 5.4 chunk returning a table (see README "Plan reference").
 * Everything here runs on the planner thread only; struct s3e_script is not
 * thread-safe. No other engine file includes lua.h. */
#ifndef S3E_SCRIPT_H
#define S3E_SCRIPT_H

#include <stddef.h>
#include "s3engine/plan.h"

struct s3e_script;
struct s3e_client;

struct s3e_script_opts {
    int   unsafe;                /* 1 = full standard library (os, io, package.loadlib) */
    long  instruction_budget;    /* per hook call; 0 = default (100 million) */
    struct s3e_client *client;   /* for s3engine.list / s3engine.head; NULL = they raise */
    const char *const *lua_dirs; /* folders searched for "s3engine.*" modules, in order */
    size_t nlua_dirs;
    const char *const *args;     /* "name=value" strings exposed as s3engine.args */
    size_t nargs;
    size_t memory_limit;         /* bytes the Lua state may hold; 0 = default (1 GiB) */
    const char *const *read_paths; /* extra folders (or files) plans may read (--lua-read) */
    size_t nread_paths;
};

/* Load and validate a plan file (or, when code != NULL, the chunk `code`
 * named `chunkname`). On success *out and *out_plan are filled. On failure
 * returns S3E_EPLAN (or S3E_ENOMEM/S3E_EIO) and errbuf holds one message
 * naming file, line and field, e.g.
 *   "plan.lua:12: targets.images.bucket: expected a string, got number".
 * Nothing is left to free on failure. */
int s3e_script_load(struct s3e_script **out, const char *path, const char *code,
                    const char *chunkname, const struct s3e_script_opts *opts,
                    struct s3e_plan *out_plan, char *errbuf, size_t errlen);

void s3e_script_free(struct s3e_script *s);

/* Called once per route produced for an object. Return 0 to go on. */
typedef int (*s3e_route_cb)(void *ud, const struct s3e_route *r);

/* Run select, route and the payload policy for one object; call cb per
 * destination (none when the object is skipped). *out_selected tells whether
 * select kept it. Returns S3E_OK, the callback's non-zero value (errbuf ""),
 * or S3E_EPLAN with errbuf describing the failing hook ("plan.lua:30: route:
 * attempt to index a nil value (key 'x')") - a hook that raises, returns a
 * wrong type or names an unknown target. */
int s3e_script_route(struct s3e_script *s, const struct s3e_object *obj, s3e_route_cb cb,
                     void *ud, int *out_selected, char *errbuf, size_t errlen);

/* "plan.lua:LINE" where the route hook starts, for route errors the caller
 * finds (a destination key S3 cannot hold). Returns what snprintf returns. */
int s3e_script_route_where(struct s3e_script *s, char *out, size_t len);

/* `s3engine lua FILE`: run a Lua file with the same sandbox and the
 * s3engine module (recipe tests, debugging). No instruction budget.
 * Returns S3E_OK or S3E_EPLAN/S3E_EIO with errbuf filled. */
int s3e_script_run_file(const char *path, const struct s3e_script_opts *opts, char *errbuf,
                        size_t errlen);

#endif
