/* luadirs.c - find the recipe folders relative to the binary, so recipes work
 * from a checkout and after `make install` without LUA_PATH. */
#include "luadirs.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef S3E_LUA_DIR
#define S3E_LUA_DIR "/usr/local/share/s3engine/lua"
#endif

static char found[S3E_MAX_LUA_DIRS][PATH_MAX];

static int has_recipes(const char *dir)
{
    char probe[PATH_MAX + 32];
    struct stat st;
    snprintf(probe, sizeof probe, "%s/s3engine/recipes", dir);
    return stat(probe, &st) == 0 && S_ISDIR(st.st_mode);
}

size_t s3e_lua_dirs(const char **dirs, size_t max)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    static const char *const rel[] = { "/lua", "/../../lua", "/../share/s3engine/lua" };
    size_t count = 0;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        for (size_t i = 0; i < sizeof rel / sizeof rel[0] && count < max; i++) {
            snprintf(found[count], sizeof found[count], "%s%s", exe, rel[i]);
            if (has_recipes(found[count]))
                dirs[count] = found[count], count++;
        }
    }
    if (count < max && has_recipes(S3E_LUA_DIR)) {
        int dup = 0;
        for (size_t i = 0; i < count; i++)
            dup |= strcmp(dirs[i], S3E_LUA_DIR) == 0;
        if (!dup)
            dirs[count++] = S3E_LUA_DIR;
    }
    return count;
}
