/* luadirs.h - where the s3engine.* Lua modules are found without configuration. */
#ifndef S3E_LUADIRS_H
#define S3E_LUADIRS_H

#include <stddef.h>

#define S3E_MAX_LUA_DIRS 4

/* Fill dirs with the folders that exist, in order: next to the running
 * binary in a source tree (lua/), the install prefix relative to the binary
 * (../share/s3engine/lua), and the compiled-in S3E_LUA_DIR. Returns the count.
 * The strings are static (computed once; not thread-safe on first call). */
size_t s3e_lua_dirs(const char **dirs, size_t max);

#endif
