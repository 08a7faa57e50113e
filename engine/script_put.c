/* script_put.c - a route table's metadata, tags and content headers, read
 * into the header lines a copy carries (put_lines.h). Runs inside the
 * object's protected call. */
#include "script_int.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"
#include "s3engine/uri.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#define MAX_TAGS 10 /* S3's limit per object */

static const char *const content_fields[] = { "content_type", "cache_control",
                                              "content_disposition", "content_encoding",
                                              "content_language", "expires", NULL };
static const char *const content_headers[] = { "Content-Type", "Cache-Control",
                                               "Content-Disposition", "Content-Encoding",
                                               "Content-Language", "Expires" };

/* A value that can be sent as a header as it is. */
static int header_value(lua_State *L, int idx, const char **out, char *why, size_t len)
{
    size_t n;
    if (lua_type(L, idx) != LUA_TSTRING) {
        snprintf(why, len, "expected a string, got %s", luaL_typename(L, idx));
        return S3E_EPLAN;
    }
    const char *v = lua_tolstring(L, idx, &n);
    const char *problem = memchr(v, '\0', n) ? "the string holds a NUL byte"
                                             : s3e_header_value_problem(v);
    if (!problem && n && (v[0] == ' ' || v[n - 1] == ' '))
        problem = "a header value cannot start or end with a space";
    if (problem) {
        snprintf(why, len, "%s", problem);
        return S3E_EPLAN;
    }
    *out = v;
    return S3E_OK;
}

static int metadata_name(const char *k, char *why, size_t len)
{
    size_t n = strlen(k);
    if (n == 0 || strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != n) {
        snprintf(why, len, "the name '%.64s' is not letters, digits, '-', '_' and '.'", k);
        return S3E_EPLAN;
    }
    return S3E_OK;
}

/* metadata = { name = "value" }: x-amz-meta-name lines (names lower case, as S3 keeps them). */
static int read_metadata(lua_State *L, int t, struct s3e_buf *out, char *why, size_t len)
{
    int rc = S3E_OK;
    lua_pushnil(L);
    while (!rc && lua_next(L, t)) {
        const char *v = NULL;
        if (lua_type(L, -2) != LUA_TSTRING) {
            snprintf(why, len, "names are strings, got %s", luaL_typename(L, -2));
            rc = S3E_EPLAN;
        } else if (!(rc = metadata_name(lua_tostring(L, -2), why, len)) &&
                   !(rc = header_value(L, -1, &v, why, len))) {
            rc = s3e_buf_puts(out, "x-amz-meta-");
            for (const char *c = lua_tostring(L, -2); !rc && *c; c++)
                rc = s3e_buf_putc(out, (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c);
            if (!rc)
                rc = s3e_buf_printf(out, ": %s\n", v);
        }
        lua_pop(L, 1);
    }
    if (rc)
        lua_pop(L, 1); /* the key lua_next left */
    return rc;
}

/* tags = { k = "v" }: one x-amz-tagging line, URL-encoded. */
static int read_tags(lua_State *L, int t, struct s3e_buf *out, char *why, size_t len)
{
    int rc = s3e_buf_puts(out, "x-amz-tagging-directive: REPLACE\nx-amz-tagging: ");
    int n = 0;
    lua_pushnil(L);
    while (!rc && lua_next(L, t)) {
        size_t kl, vl;
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
            snprintf(why, len, "expected string = string, got %s = %s",
                     luaL_typename(L, -2), luaL_typename(L, -1));
            rc = S3E_EPLAN;
        } else if (++n > MAX_TAGS) {
            snprintf(why, len, "S3 keeps at most %d tags per object", MAX_TAGS);
            rc = S3E_EPLAN;
        } else {
            const char *k = lua_tolstring(L, -2, &kl), *v = lua_tolstring(L, -1, &vl);
            rc = n > 1 ? s3e_buf_putc(out, '&') : S3E_OK;
            if (!rc)
                rc = s3e_uri_encode(out, k, kl, 0);
            if (!rc)
                rc = s3e_buf_putc(out, '=');
            if (!rc)
                rc = s3e_uri_encode(out, v, vl, 0);
        }
        lua_pop(L, 1);
    }
    if (rc)
        lua_pop(L, 1);
    return rc ? rc : s3e_buf_putc(out, '\n');
}

int s3e_script_read_put(lua_State *L, int idx, struct s3e_buf *out, const char **field,
                        char *why, size_t len)
{
    s3e_buf_reset(out);
    int top = lua_gettop(L), rc = S3E_OK, meta = lua_getfield(L, idx, "metadata");
    int any = meta != LUA_TNIL;
    for (size_t i = 0; content_fields[i]; i++)
        any |= lua_getfield(L, idx, content_fields[i]) != LUA_TNIL;
    if (any)
        rc = s3e_buf_puts(out, "x-amz-metadata-directive: REPLACE\n");
    for (size_t i = 0; !rc && content_fields[i]; i++) {
        const char *v;
        if (lua_isnil(L, top + 2 + (int)i))
            continue;
        *field = content_fields[i];
        rc = header_value(L, top + 2 + (int)i, &v, why, len);
        if (!rc)
            rc = s3e_buf_printf(out, "%s: %s\n", content_headers[i], v);
    }
    if (!rc && meta != LUA_TNIL) {
        *field = "metadata";
        if (meta != LUA_TTABLE) {
            snprintf(why, len, "expected a table of name = value, got %s",
                     luaL_typename(L, top + 1));
            rc = S3E_EPLAN;
        } else {
            rc = read_metadata(L, top + 1, out, why, len);
        }
    }
    int tt = rc ? LUA_TNIL : lua_getfield(L, idx, "tags");
    if (tt != LUA_TNIL) {
        *field = "tags";
        if (tt != LUA_TTABLE) {
            snprintf(why, len, "expected a table of key = value, got %s", luaL_typename(L, -1));
            rc = S3E_EPLAN;
        } else {
            rc = read_tags(L, lua_gettop(L), out, why, len);
        }
    }
    lua_settop(L, top);
    return rc;
}
