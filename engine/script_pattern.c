/* script_pattern.c - string.find/match/gmatch/gsub for sandboxed plans: Lua
 * 5.4's pattern syntax and results, with every matcher step counted against
 * the instruction budget, so that a pattern that backtracks for ever (".-.-.-x"
 * over a long string) ends with the budget error instead of hanging the run. */
#define _GNU_SOURCE /* memmem */
#include "script_int.h"

#include <ctype.h>
#include <lauxlib.h>
#include <string.h>

#define MAX_CAPTURES 32  /* as LUA_MAXCAPTURES */
#define MAX_DEPTH 200    /* recursion of the matcher, as MAXCCALLS */
#define CHARGE_EVERY 4096 /* steps between two charges to the budget */
#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
#define ESC '%'
#define SPECIALS "^$*+?.([%-"

struct match_state {
    const char *src_init, *src_end, *p_end;
    lua_State *L;
    int depth;  /* recursion left */
    int level;  /* captures open or closed */
    long steps; /* not yet charged */
    struct {
        const char *init;
        ptrdiff_t len;
    } capture[MAX_CAPTURES];
};

static void step(struct match_state *ms, long n)
{
    ms->steps += n;
    if (ms->steps >= CHARGE_EVERY) {
        long steps = ms->steps;
        ms->steps = 0;
        s3e_budget_charge(ms->L, steps);
    }
}

static void charge_rest(struct match_state *ms)
{
    long steps = ms->steps;
    ms->steps = 0;
    s3e_budget_charge(ms->L, steps);
}

static int check_capture(struct match_state *ms, int l)
{
    l -= '1';
    if (l < 0 || l >= ms->level || ms->capture[l].len == CAP_UNFINISHED)
        return luaL_error(ms->L, "invalid capture index %%%d", l + 1);
    return l;
}

static int capture_to_close(struct match_state *ms)
{
    for (int level = ms->level - 1; level >= 0; level--)
        if (ms->capture[level].len == CAP_UNFINISHED)
            return level;
    return luaL_error(ms->L, "invalid pattern capture");
}

/* The end of the single-character class at p. */
static const char *class_end(struct match_state *ms, const char *p)
{
    switch (*p++) {
    case ESC:
        if (p == ms->p_end)
            luaL_error(ms->L, "malformed pattern (ends with '%%')");
        return p + 1;
    case '[':
        if (*p == '^')
            p++;
        do { /* the first character is never the closing ']' */
            if (p == ms->p_end)
                luaL_error(ms->L, "malformed pattern (missing ']')");
            if (*(p++) == ESC && p < ms->p_end)
                p++;
        } while (*p != ']');
        return p + 1;
    default:
        return p;
    }
}

static int match_class(int c, int cl)
{
    int res;
    switch (tolower(cl)) {
    case 'a': res = isalpha(c); break;
    case 'c': res = iscntrl(c); break;
    case 'd': res = isdigit(c); break;
    case 'g': res = isgraph(c); break;
    case 'l': res = islower(c); break;
    case 'p': res = ispunct(c); break;
    case 's': res = isspace(c); break;
    case 'u': res = isupper(c); break;
    case 'w': res = isalnum(c); break;
    case 'x': res = isxdigit(c); break;
    case 'z': res = c == 0; break; /* deprecated, kept by Lua 5.4 */
    default: return cl == c;
    }
    if (isupper(cl))
        res = !res;
    return res != 0;
}

/* [set] from p (at '[') to ec (at ']'). */
static int match_bracket(int c, const char *p, const char *ec)
{
    int sig = 1;
    if (p[1] == '^') {
        sig = 0;
        p++;
    }
    while (++p < ec) {
        if (*p == ESC) {
            p++;
            if (match_class(c, (unsigned char)*p))
                return sig;
        } else if (p[1] == '-' && p + 2 < ec) {
            p += 2;
            if ((unsigned char)p[-2] <= c && c <= (unsigned char)*p)
                return sig;
        } else if ((unsigned char)*p == c) {
            return sig;
        }
    }
    return !sig;
}

static int single_match(struct match_state *ms, const char *s, const char *p, const char *ep)
{
    if (s >= ms->src_end)
        return 0;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return 1;
    case ESC: return match_class(c, (unsigned char)p[1]);
    case '[': return match_bracket(c, p, ep - 1);
    default: return (unsigned char)*p == c;
    }
}

static const char *do_match(struct match_state *ms, const char *s, const char *p);

static const char *match_balance(struct match_state *ms, const char *s, const char *p)
{
    if (p >= ms->p_end - 1)
        luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= ms->src_end || *s != *p)
        return NULL;
    int b = *p, e = p[1], depth = 1;
    const char *start = s;
    while (++s < ms->src_end) {
        if (*s == e) {
            if (--depth == 0) {
                step(ms, s - start);
                return s + 1;
            }
        } else if (*s == b) {
            depth++;
        }
    }
    step(ms, s - start);
    return NULL;
}

static const char *max_expand(struct match_state *ms, const char *s, const char *p,
                              const char *ep)
{
    ptrdiff_t i = 0;
    while (single_match(ms, s + i, p, ep))
        i++;
    step(ms, i);
    for (; i >= 0; i--) { /* the longest first, then one less each time */
        const char *res = do_match(ms, s + i, ep + 1);
        if (res)
            return res;
    }
    return NULL;
}

static const char *min_expand(struct match_state *ms, const char *s, const char *p,
                              const char *ep)
{
    for (;;) {
        const char *res = do_match(ms, s, ep + 1);
        if (res)
            return res;
        if (!single_match(ms, s, p, ep))
            return NULL;
        s++;
        step(ms, 1);
    }
}

static const char *start_capture(struct match_state *ms, const char *s, const char *p, int what)
{
    if (ms->level >= MAX_CAPTURES)
        luaL_error(ms->L, "too many captures");
    ms->capture[ms->level].init = s;
    ms->capture[ms->level].len = what;
    ms->level++;
    const char *res = do_match(ms, s, p);
    if (!res)
        ms->level--;
    return res;
}

static const char *end_capture(struct match_state *ms, const char *s, const char *p)
{
    int l = capture_to_close(ms);
    ms->capture[l].len = s - ms->capture[l].init;
    const char *res = do_match(ms, s, p);
    if (!res)
        ms->capture[l].len = CAP_UNFINISHED;
    return res;
}

static const char *match_capture(struct match_state *ms, const char *s, int l)
{
    l = check_capture(ms, l);
    size_t len = (size_t)ms->capture[l].len;
    step(ms, (long)len);
    if ((size_t)(ms->src_end - s) >= len && memcmp(ms->capture[l].init, s, len) == 0)
        return s + len;
    return NULL;
}

/* %f[set]: the previous character is not in the set, the current one is. */
static const char *frontier(struct match_state *ms, const char *s, const char **pp)
{
    const char *p = *pp + 2;
    if (*p != '[')
        luaL_error(ms->L, "missing '[' after '%%f' in pattern");
    const char *ep = class_end(ms, p);
    int prev = s == ms->src_init ? '\0' : (unsigned char)s[-1];
    int cur = s < ms->src_end ? (unsigned char)*s : '\0';
    if (!match_bracket(prev, p, ep - 1) && match_bracket(cur, p, ep - 1)) {
        *pp = ep;
        return s;
    }
    return NULL;
}

/* Same algorithm as Lua's: tail positions loop, alternatives recurse. */
static const char *do_match(struct match_state *ms, const char *s, const char *p)
{
    if (ms->depth-- == 0)
        luaL_error(ms->L, "pattern too complex");
    for (;;) {
        step(ms, 1);
        if (p == ms->p_end)
            break;
        if (*p == '(') {
            s = p[1] == ')' ? start_capture(ms, s, p + 2, CAP_POSITION)
                            : start_capture(ms, s, p + 1, CAP_UNFINISHED);
            break;
        }
        if (*p == ')') {
            s = end_capture(ms, s, p + 1);
            break;
        }
        if (*p == '$' && p + 1 == ms->p_end) {
            s = s == ms->src_end ? s : NULL;
            break;
        }
        if (*p == ESC && p[1] == 'b') {
            s = match_balance(ms, s, p + 2);
            if (!s)
                break;
            p += 4;
            continue;
        }
        if (*p == ESC && p[1] == 'f') {
            s = frontier(ms, s, &p);
            if (!s)
                break;
            continue;
        }
        if (*p == ESC && isdigit((unsigned char)p[1])) {
            s = match_capture(ms, s, (unsigned char)p[1]);
            if (!s)
                break;
            p += 2;
            continue;
        }
        const char *ep = class_end(ms, p);
        if (!single_match(ms, s, p, ep)) {
            if (*ep == '*' || *ep == '?' || *ep == '-') { /* may match nothing */
                p = ep + 1;
                continue;
            }
            s = NULL;
            break;
        }
        if (*ep == '?') {
            const char *res = do_match(ms, s + 1, ep + 1);
            if (res) {
                s = res;
                break;
            }
            p = ep + 1;
            continue;
        }
        if (*ep == '+' || *ep == '*') {
            s = max_expand(ms, *ep == '+' ? s + 1 : s, p, ep);
            break;
        }
        if (*ep == '-') {
            s = min_expand(ms, s, p, ep);
            break;
        }
        s++;
        p = ep;
    }
    ms->depth++;
    return s;
}

/* Capture i, or the whole match (s..e) when the pattern has none. */
static void push_capture(struct match_state *ms, int i, const char *s, const char *e)
{
    if (i >= ms->level) {
        if (i != 0)
            luaL_error(ms->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(ms->L, s, (size_t)(e - s));
        return;
    }
    ptrdiff_t l = ms->capture[i].len;
    if (l == CAP_UNFINISHED)
        luaL_error(ms->L, "unfinished capture");
    else if (l == CAP_POSITION)
        lua_pushinteger(ms->L, (ms->capture[i].init - ms->src_init) + 1);
    else
        lua_pushlstring(ms->L, ms->capture[i].init, (size_t)l);
}

static int push_captures(struct match_state *ms, const char *s, const char *e)
{
    int n = (ms->level == 0 && s) ? 1 : ms->level;
    luaL_checkstack(ms->L, n, "too many captures");
    for (int i = 0; i < n; i++)
        push_capture(ms, i, s, e);
    return n;
}

static void prepare(struct match_state *ms, lua_State *L, const char *s, size_t ls, const char *p,
                    size_t lp)
{
    ms->L = L;
    ms->depth = MAX_DEPTH;
    ms->src_init = s;
    ms->src_end = s + ls;
    ms->p_end = p + lp;
    ms->steps = 0;
}

static void restart(struct match_state *ms)
{
    ms->level = 0;
    ms->depth = MAX_DEPTH;
}

static int no_specials(const char *p, size_t l)
{
    size_t upto = 0;
    do { /* the pattern may hold zeros: look at each piece */
        if (strpbrk(p + upto, SPECIALS))
            return 0;
        upto += strlen(p + upto) + 1;
    } while (upto <= l);
    return 1;
}

/* A relative start position into 1..len+1 (as Lua's posrelatI). */
static size_t start_pos(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 1;
    return len + (size_t)pos + 1;
}

static int find_aux(lua_State *L, int find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_pos(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || no_specials(p, lp))) {
        const char *hit = memmem(s + init, ls - init, p, lp); /* linear */
        if (hit) {
            lua_pushinteger(L, (hit - s) + 1);
            lua_pushinteger(L, (lua_Integer)((size_t)(hit - s) + lp));
            return 2;
        }
        luaL_pushfail(L);
        return 1;
    }
    struct match_state ms;
    int anchor = *p == '^';
    if (anchor) {
        p++;
        lp--;
    }
    prepare(&ms, L, s, ls, p, lp);
    const char *s1 = s + init;
    do {
        restart(&ms);
        const char *res = do_match(&ms, s1, p);
        if (res) {
            charge_rest(&ms);
            if (find) {
                lua_pushinteger(L, (s1 - s) + 1);
                lua_pushinteger(L, res - s);
                return push_captures(&ms, NULL, 0) + 2;
            }
            return push_captures(&ms, s1, res);
        }
    } while (s1++ < ms.src_end && !anchor);
    charge_rest(&ms);
    luaL_pushfail(L);
    return 1;
}

static int str_find(lua_State *L) { return find_aux(L, 1); }
static int str_match(lua_State *L) { return find_aux(L, 0); }

struct gmatch_state {
    const char *src, *p, *lastmatch;
    struct match_state ms;
};

static int gmatch_next(lua_State *L)
{
    struct gmatch_state *gm = lua_touserdata(L, lua_upvalueindex(3));
    gm->ms.L = L; /* the iterator may run in another coroutine */
    for (const char *src = gm->src; src <= gm->ms.src_end; src++) {
        restart(&gm->ms);
        const char *e = do_match(&gm->ms, src, gm->p);
        if (e && e != gm->lastmatch) {
            gm->src = gm->lastmatch = e;
            charge_rest(&gm->ms);
            return push_captures(&gm->ms, src, e);
        }
    }
    charge_rest(&gm->ms);
    return 0;
}

static int str_gmatch(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_pos(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls)
        init = ls + 1; /* matches nothing */
    lua_settop(L, 2); /* the string and pattern stay alive as upvalues */
    struct gmatch_state *gm = lua_newuserdatauv(L, sizeof *gm, 0);
    prepare(&gm->ms, L, s, ls, p, lp);
    gm->src = s + init;
    gm->p = p;
    gm->lastmatch = NULL;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/* The replacement string with %0-%9 and %% expanded. */
static void add_string(struct match_state *ms, luaL_Buffer *b, const char *s, const char *e)
{
    lua_State *L = ms->L;
    size_t l;
    const char *news = lua_tolstring(L, 3, &l);
    const char *p;
    while ((p = memchr(news, ESC, l)) != NULL) {
        luaL_addlstring(b, news, (size_t)(p - news));
        p++;
        if (*p == ESC) {
            luaL_addchar(b, *p);
        } else if (*p == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit((unsigned char)*p)) {
            push_capture(ms, *p - '1', s, e);
            luaL_tolstring(L, -1, NULL);
            lua_remove(L, -2);
            luaL_addvalue(b);
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", ESC);
        }
        l -= (size_t)(p + 1 - news);
        news = p + 1;
    }
    luaL_addlstring(b, news, l);
}

/* 1 when the match was replaced, 0 when it was kept (false or nil). */
static int add_value(struct match_state *ms, luaL_Buffer *b, const char *s, const char *e, int tr)
{
    lua_State *L = ms->L;
    if (tr == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = push_captures(ms, s, e);
        lua_call(L, n, 1);
    } else if (tr == LUA_TTABLE) {
        push_capture(ms, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_string(ms, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

static int str_gsub(lua_State *L)
{
    size_t srcl, lp;
    const char *src = luaL_checklstring(L, 1, &srcl);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *lastmatch = NULL;
    int tr = lua_type(L, 3);
    lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
    int anchor = *p == '^';
    lua_Integer n = 0;
    int changed = 0;
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
                     tr == LUA_TTABLE, 3, "string/function/table");
    struct match_state ms;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (anchor) {
        p++;
        lp--;
    }
    prepare(&ms, L, src, srcl, p, lp);
    while (n < max_s) {
        restart(&ms);
        const char *e = do_match(&ms, src, p);
        if (e && e != lastmatch) {
            n++;
            changed = add_value(&ms, &b, src, e, tr) | changed;
            src = lastmatch = e;
        } else if (src < ms.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchor)
            break;
    }
    charge_rest(&ms);
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

void s3e_pattern_open(lua_State *L)
{
    static const luaL_Reg fns[] = {
        { "find", str_find }, { "match", str_match }, { "gmatch", str_gmatch },
        { "gsub", str_gsub }, { NULL, NULL },
    };
    lua_getglobal(L, "string");
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
}
