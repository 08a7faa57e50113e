/* script_lines.h - where in the plan's text a field, a hook or the plan's
 * `return` is written (script_lines.c), for messages Lua cannot place itself. */
#ifndef S3E_SCRIPT_LINES_H
#define S3E_SCRIPT_LINES_H

#include <stddef.h>

struct s3e_script;
struct lua_State;

/* The line where a field is most likely written (fields are searched for in
 * order, each after the previous one), 0 when not found. */
int s3e_script_field_line(const struct s3e_script *s, const char *const *path, size_t n);

/* The line of the plan's `return`, for complaints about the whole table. */
int s3e_script_return_line(const struct s3e_script *s);

/* "plan.lua:LINE" where the plan writes the field at path (e.g. { "targets",
 * "out", "endpoint" }), or its return line; for errors found after loading.
 * s may be NULL ("plan:0"). Returns what snprintf returns. */
int s3e_script_field_where(const struct s3e_script *s, const char *const *path, size_t n,
                           char *out, size_t len);

/* A line of the plan for a message about hook `what` (never 0): where its
 * function is defined when that is in the plan, else where the plan names
 * the hook, else 1. */
int s3e_script_hook_line(struct s3e_script *s, const char *what);

/* Push "plan.lua:12: " of the innermost Lua function running, "" if none. */
void s3e_script_push_where(struct lua_State *L);

#endif
