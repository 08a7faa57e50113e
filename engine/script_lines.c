/* script_lines.c - where in the plan's text a field or its `return` is
 * written, for messages that name a line when Lua itself cannot tell. */
#include "script_lines.h"
#include "script_int.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_ident(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Whether offset i is after "--" on its line (a comment, roughly: a "--"
 * inside a string on that line counts too). */
static int in_comment(const char *text, size_t i)
{
    for (size_t j = i; j > 0 && text[j - 1] != '\n'; j--)
        if (j >= 2 && text[j - 1] == '-' && text[j - 2] == '-')
            return 1;
    return 0;
}

/* Offset of `word` at or after `from` as a whole word (or a quoted string
 * when word starts with a quote) outside comments, -1 when absent. */
static long find_word(const char *text, size_t len, size_t from, const char *word)
{
    size_t wl = strlen(word);
    int quoted = word[0] == '"';
    for (size_t i = from; i + wl <= len; i++) {
        if (memcmp(text + i, word, wl) != 0 || in_comment(text, i))
            continue;
        if (quoted)
            return (long)i;
        if ((i > 0 && is_ident(text[i - 1])) || (i + wl < len && is_ident(text[i + wl])))
            continue;
        return (long)i;
    }
    return -1;
}

/* Offset where item `n` (1-based) of the table constructor written after the
 * name at `from` ("sources = {") begins, counted at its top level; -1 when absent.
 * Quoted strings and "--" comments are skipped; long strings are not. */
static long find_item(const char *text, size_t len, size_t from, long n)
{
    int depth = 0, expect = 0;
    long item = 0;
    while (from < len && is_ident(text[from])) /* the field's name: "sources" */
        from++;
    for (size_t i = from; i < len; i++) {
        char ch = text[i];
        if (depth == 0 && ch != '{' && ch != '=' && !isspace((unsigned char)ch))
            return -1; /* not a table written here (a string, a variable) */
        if (ch == '-' && i + 1 < len && text[i + 1] == '-') {
            while (i + 1 < len && text[i + 1] != '\n')
                i++;
            continue;
        }
        if (depth == 1 && expect && !isspace((unsigned char)ch) && ch != ',' && ch != ';' &&
            ch != '}') {
            if (++item == n)
                return (long)i;
            expect = 0;
        }
        if (ch == '"' || ch == '\'') {
            for (i++; i < len && text[i] != ch; i++)
                i += text[i] == '\\';
        } else if (ch == '{' || ch == '(' || ch == '[') {
            expect = ++depth == 1;
        } else if (ch == '}' || ch == ')' || ch == ']') {
            if (--depth <= 0)
                return -1;
        } else if (depth == 1 && (ch == ',' || ch == ';')) {
            expect = 1;
        }
    }
    return -1;
}

/* path elements are names, or "[N]" for item N of a list */
int s3e_script_field_line(const struct s3e_script *s, const char *const *path, size_t n)
{
    if (!s->text)
        return 0;
    long at = 0, found = -1;
    for (size_t i = 0; i < n; i++) {
        if (path[i][0] == '[') {
            long hit = find_item(s->text, s->text_len, (size_t)at, strtol(path[i] + 1, NULL, 10));
            if (hit < 0)
                break;
            found = at = hit;
            continue;
        }
        long hit = find_word(s->text, s->text_len, (size_t)at, path[i]);
        if (hit < 0) {
            /* A quoted name may be written as a bare key ({images = ...}) and vice versa. */
            char alt[256];
            if (path[i][0] == '"')
                snprintf(alt, sizeof alt, "%.*s", (int)strlen(path[i]) - 2, path[i] + 1);
            else
                snprintf(alt, sizeof alt, "\"%s\"", path[i]);
            hit = find_word(s->text, s->text_len, (size_t)at, alt);
        }
        if (hit < 0)
            break;
        found = at = hit;
    }
    if (found < 0)
        return 0;
    int line = 1;
    for (long i = 0; i < found; i++)
        line += s->text[i] == '\n';
    return line;
}

int s3e_script_return_line(const struct s3e_script *s)
{
    long last = -1, at = 0, hit;
    while ((hit = find_word(s->text, s->text_len, (size_t)at, "return")) >= 0) {
        last = hit;
        at = hit + 1;
    }
    int line = 1;
    for (long i = 0; i < last; i++)
        line += s->text[i] == '\n';
    return last < 0 ? 1 : line;
}

int s3e_script_field_where(const struct s3e_script *s, const char *const *path, size_t n,
                           char *out, size_t len)
{
    int line = s ? s3e_script_field_line(s, path, n) : 0;
    if (s && !line)
        line = s3e_script_return_line(s);
    return snprintf(out, len, "%s:%d", s ? s->chunkname : "plan", line);
}

static int hook_ref(const struct s3e_script *s, const char *what)
{
    if (strcmp(what, "select") == 0)
        return s->ref_select;
    if (strcmp(what, "route") == 0)
        return s->ref_route;
    if (strcmp(what, "payload") == 0)
        return s->ref_payload;
    return LUA_NOREF;
}

/* (A load'ed chunk is defined at line 0, a C function at -1.) */
int s3e_script_hook_line(struct s3e_script *s, const char *what)
{
    int line = 0, ref = what && *what ? hook_ref(s, what) : LUA_NOREF;
    if (ref != LUA_NOREF) {
        lua_Debug ar;
        lua_rawgeti(s->L, LUA_REGISTRYINDEX, ref);
        if (lua_getinfo(s->L, ">S", &ar) && ar.linedefined > 0 && ar.source[0] == '@' &&
            strcmp(ar.source + 1, s->chunkname) == 0)
            line = ar.linedefined;
    }
    if (!line && what && *what) {
        const char *path[] = { what };
        line = s3e_script_field_line(s, path, 1);
    }
    return line > 0 ? line : 1;
}

/* "plan.lua:12: " of the innermost Lua function running, "" if none. */
void s3e_script_push_where(lua_State *L)
{
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}
