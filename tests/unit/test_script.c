/* test_script.c - plans: loading and validation messages (file, line, field),
 * select/route/payload per object, the sandbox and the instruction budget;
 * the Lua recipe tests in tests/lua/ run through s3e_script_run_file.
 * Run from the repository root (the runner does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3engine/error.h"
#include "s3engine/script.h"

static const char *const lua_dirs[] = { "lua" };

static struct s3e_script_opts opts(void)
{
    struct s3e_script_opts o = { .lua_dirs = lua_dirs, .nlua_dirs = 1,
                                 .instruction_budget = 1000000 };
    return o;
}

static char errbuf[2048];
static char why[2048]; /* what s3e_script_route says of a failing hook */

static int load(const char *code, struct s3e_script **s, struct s3e_plan *p)
{
    struct s3e_script_opts o = opts();
    return s3e_script_load(s, "plan.lua", code, "=plan.lua", &o, p, errbuf, sizeof errbuf);
}

/* Load must fail with a message containing every needle. */
static void expect_broken(const char *code, const char *needle1, const char *needle2)
{
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    int rc = load(code, &s, &p);
    if (rc != S3E_EPLAN || !strstr(errbuf, needle1) || (needle2 && !strstr(errbuf, needle2)))
        fail_msg("rc %d, message '%s', wanted '%s' and '%s'", rc, errbuf, needle1,
                 needle2 ? needle2 : "");
    assert_null(s);
}

#define GOOD_TARGETS "targets = { a = { bucket = 'dst-a', prefix = 'pa' }, b = 's3://dst-b/pb/' },\n"

static void test_broken_plans_name_file_line_field(void **state)
{
    (void)state;
    expect_broken("return {\n sources = {{ bucket = 'src' }},\n", "plan.lua:3:", "expected");
    expect_broken("return {\n sources = {{ bucket = 'src' }},\n targets = { x = {\n"
                  "   bucket = 7 } } }", "plan.lua:4: targets.x.bucket: expected a string, got number",
                  NULL);
    expect_broken("return { targets = { x = { bucket = 'dst' } } }", "plan.lua:1:", "no sources");
    expect_broken("return {\n sources = {},\n targets = { x = { bucket = 'dst' } } }",
                  "plan.lua:2: sources: no sources", NULL);
    expect_broken("return {\n sources = {'s3://src/'},\n targets = {} }", "plan.lua:3: targets",
                  "no targets");
    expect_broken("return {\n sources = {'s3://src/'},\n" GOOD_TARGETS " }", "route",
                  "2 targets but no route");
    expect_broken("return {\n sources = {'s3://src/'},\n" GOOD_TARGETS
                  " route = function() end,\n workers = 0 }", "plan.lua:5: workers:", "1 to 4096");
    expect_broken("return {\n sources = {'s3://src/'},\n" GOOD_TARGETS
                  " route = 'a' }", "plan.lua:4: route: expected a function, got string", NULL);
    expect_broken("return {\n sources = {'s3://src/'},\n target = 's3://dst/',\n payload = '5 apples' }",
                  "plan.lua:4: payload: '5 apples' is not a size", NULL);
    expect_broken("error('my own failure')", "plan.lua:1: my own failure", NULL);
    expect_broken("return 42", "a plan must return a table", "number");
    expect_broken("return { sources = {'src'}, target = 's3://d/' }", "expected s3://BUCKET", NULL);
    expect_broken("return {\n sourcez = {'s3://src/'} }", "plan.lua:2: sourcez: unknown plan field",
                  "did you mean 'sources'?");
    expect_broken("return {\n sources = {{ bukcet = 'src' }},\n target = 's3://dst/' }",
                  "plan.lua:2: sources[1]: unknown field 'bukcet'", "did you mean 'bucket'?");
    expect_broken("local x = undefined_thing\nreturn {}", "plan.lua:1:", "undefined global");
}

static void test_plan_fields_read(void **state)
{
    (void)state;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    int rc = load("return { sources = { 's3://src/in', { bucket = 'src2' }, { manifest = 'm.csv' } },\n"
                  GOOD_TARGETS " route = function() end, payload = { max_bytes = '800MB', max_objects = 7 },\n"
                  " workers = 3, multipart_cutoff = '1GiB', part_size = 8388608, move = true }",
                  &s, &p);
    assert_int_equal(rc, S3E_OK);
    assert_int_equal(p.nsources, 3);
    assert_string_equal(p.sources[0].bucket, "src");
    assert_string_equal(p.sources[0].prefix, "in");
    assert_string_equal(p.sources[1].prefix, "");
    assert_null(p.sources[2].bucket);
    assert_string_equal(p.sources[2].manifest, "m.csv");
    assert_int_equal(p.ntargets, 2);
    assert_string_equal(p.targets[0].name, "a"); /* sorted by name */
    assert_string_equal(p.targets[0].prefix, "pa/");  /* prefixes are folders */
    assert_string_equal(p.targets[1].bucket, "dst-b");
    assert_string_equal(p.targets[1].prefix, "pb/");
    assert_int_equal(p.max_payload_bytes, 800000000);
    assert_int_equal(p.max_payload_objects, 7);
    assert_int_equal(p.workers, 3);
    assert_int_equal(p.multipart_cutoff, 1ULL << 30);
    assert_int_equal(p.part_size, 8388608);
    assert_true(p.move);
    assert_true(p.has_route);
    assert_false(p.has_select);
    s3e_script_free(s);
    s3e_plan_free(&p);
}

/* ---- routing ---------------------------------------------------------------------- */

struct routes {
    int n;
    char line[8][256];
};

static int collect(void *ud, const struct s3e_route *r)
{
    struct routes *rs = ud;
    assert_true(rs->n < 8);
    snprintf(rs->line[rs->n++], 256, "%u %.*s %s %s %llu", r->target, (int)r->key_len, r->key,
             r->storage_class ? r->storage_class : "-", r->group ? r->group : "-",
             (unsigned long long)r->max_bytes);
    return 0;
}

static int put_of(void *ud, const struct s3e_route *r)
{
    struct routes *rs = ud;
    snprintf(rs->line[0], 256, "%s", r->put ? r->put : "(none)");
    return 0;
}

static struct routes route_one(struct s3e_script *s, const char *key, uint64_t size, int *selected)
{
    struct routes rs;
    memset(&rs, 0, sizeof rs);
    struct s3e_object o = { .source = 0, .bucket = "src", .key = key, .key_len = strlen(key),
                            .size = size, .etag = "e", .last_modified = 1700000000,
                            .storage_class = "STANDARD" };
    int rc = s3e_script_route(s, &o, collect, &rs, selected, why, sizeof why);
    if (rc)
        fail_msg("route failed: %s", why);
    return rs;
}

static int refuse_route(void *ud, const struct s3e_route *r)
{
    (void)ud, (void)r;
    return S3E_EPLAN;
}

/* The hook's failure reaches the caller's buffer; a failure of the caller's
 * own callback, or a success after a failure, leaves it empty (not stale). */
static void test_route_error_in_callers_buffer(void **state)
{
    (void)state;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    assert_int_equal(load("return { sources = {'s3://src/'},\n" GOOD_TARGETS
                          " route = function(o)\n"
                          "   if o.ext == 'x' then error('no x') end\n"
                          "   return 'a' end }", &s, &p), S3E_OK);
    struct routes rs;
    memset(&rs, 0, sizeof rs);
    int sel;
    struct s3e_object o = { .bucket = "src", .key = "f.x", .key_len = 3, .etag = "" };
    char small[16];
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, small, sizeof small), S3E_EPLAN);
    assert_string_equal(small, "plan.lua:4: rou");
    o.key = "f.y";
    assert_int_equal(s3e_script_route(s, &o, refuse_route, &rs, &sel, why, sizeof why), S3E_EPLAN);
    assert_string_equal(why, "");
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_OK);
    assert_string_equal(why, "");
    s3e_script_free(s);
    s3e_plan_free(&p);
}

static void test_route_forms(void **state)
{
    (void)state;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    assert_int_equal(load("return { sources = {'s3://src/in/'},\n" GOOD_TARGETS
                          " select = function(o) return o.size > 0 end,\n"
                          " route = function(o)\n"
                          "   if o.ext == 'mp4' then return 'a' end\n"
                          "   if o.ext == 'jpg' then return { target = 'b', key = 'x/' .. o.name, storage_class = 'GLACIER' } end\n"
                          "   if o.ext == 'png' then return { 'a', { target = 'b' } } end\n"
                          "   if o.ext == 'txt' then return nil end\n"
                          "   return o.rel == 'deep/f.DAT' and 'b' or false\n"
                          " end }", &s, &p), S3E_OK);
    int sel;
    struct routes r = route_one(s, "in/clip.mp4", 10, &sel);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.line[0], "0 pa/clip.mp4 - - 0"); /* key below the source prefix */
    r = route_one(s, "in/d/pic.jpg", 10, &sel);
    assert_string_equal(r.line[0], "1 pb/x/pic.jpg GLACIER - 0");
    r = route_one(s, "in/p.png", 10, &sel);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.line[0], "0 pa/p.png - - 0");
    assert_string_equal(r.line[1], "1 pb/p.png - - 0");
    r = route_one(s, "in/a.txt", 10, &sel);
    assert_int_equal(r.n, 0);
    assert_true(sel);
    r = route_one(s, "in/deep/f.DAT", 10, &sel);
    assert_string_equal(r.line[0], "1 pb/deep/f.DAT - - 0");
    r = route_one(s, "in/clip.mp4", 0, &sel); /* select says no */
    assert_int_equal(r.n, 0);
    assert_false(sel);
    s3e_script_free(s);
    s3e_plan_free(&p);
}

/* A hook marked s3engine.pure gets a view of the object: the same fields, read
 * on demand; it may not change obj. A plan with any hook not marked gets a
 * fresh table per object (pairs sees every field). */
static void test_pure_hooks_see_a_view(void **state)
{
    (void)state;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    assert_int_equal(load("local s3e = require 's3engine'\n"
                          "return { sources = {'s3://src/in/'},\n" GOOD_TARGETS
                          " route = s3e.pure(function(o)\n"
                          "   if o.ext == 'set' then o.x = 1 end\n"
                          "   return { target = 'a', key = table.concat({ o.bucket, o.key, o.rel,\n"
                          "     o.name, o.ext, o.size, o.etag, o.last_modified, o.storage_class,\n"
                          "     o.source, tostring(o.version_id), tostring(rawget(o, 'key')),\n"
                          "     tostring(o.nothing), tostring(o[1]) }, ',') }\n"
                          " end) }", &s, &p), S3E_OK);
    int sel;
    struct routes r = route_one(s, "in/d/Clip.MP4", 10, &sel);
    assert_string_equal(r.line[0], "0 pa/src,in/d/Clip.MP4,d/Clip.MP4,Clip.MP4,mp4,10,e,1700000000,"
                                   "STANDARD,1,nil,nil,nil,nil - - 0");
    r = route_one(s, "in/x.jpg", 10, &sel); /* the next object through the same view */
    assert_string_equal(r.line[0], "0 pa/src,in/x.jpg,x.jpg,x.jpg,jpg,10,e,1700000000,STANDARD,1,"
                                   "nil,nil,nil,nil - - 0");
    struct s3e_object o = { .source = 0, .bucket = "src", .key = "in/a.set", .key_len = 8,
                            .etag = "e", .storage_class = "STANDARD" };
    struct routes rs;
    memset(&rs, 0, sizeof rs);
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    assert_non_null(strstr(why, "obj is read-only in a hook marked s3engine.pure"));
    s3e_script_free(s);
    s3e_plan_free(&p);

    /* select not marked: every hook gets a fresh table, with its fields in it */
    assert_int_equal(load("local s3e = require 's3engine'\n"
                          "local last\n"
                          "return { sources = {'s3://src/in/'},\n" GOOD_TARGETS
                          " select = function(o) local n = 0 for _ in pairs(o) do n = n + 1 end\n"
                          "   o.n = n; local same = o == last; last = o; return not same end,\n"
                          " route = s3e.pure(function(o) return { target = 'a', key = o.rel .. o.n } end) }",
                          &s, &p), S3E_OK);
    r = route_one(s, "in/f.txt", 1, &sel);
    assert_string_equal(r.line[0], "0 pa/f.txt10 - - 0");
    r = route_one(s, "in/g.txt", 1, &sel);
    assert_string_equal(r.line[0], "0 pa/g.txt10 - - 0");
    s3e_script_free(s);
    s3e_plan_free(&p);

    /* pure(fn, uses): marked only when every function in uses is (a view has no raw key) */
    static const char *const uses[] = { "{ s3e.pure(function() end) }", "{ function() end }" };
    static const char *const want[] = { "0 pa/f.txt - - 0", "1 pb/f.txt - - 0" };
    for (int i = 0; i < 2; i++) {
        char code[512];
        snprintf(code, sizeof code,
                 "local s3e = require 's3engine'\n"
                 "return { sources = {'s3://src/in/'},\n" GOOD_TARGETS
                 " route = s3e.pure(function(o) return rawget(o, 'key') and 'b' or 'a' end, %s) }",
                 uses[i]);
        assert_int_equal(load(code, &s, &p), S3E_OK);
        r = route_one(s, "in/f.txt", 1, &sel);
        assert_string_equal(r.line[0], want[i]);
        s3e_script_free(s);
        s3e_plan_free(&p);
    }
}

static void test_route_errors_name_the_line(void **state)
{
    (void)state;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    assert_int_equal(load("return { sources = {'s3://src/'},\n" GOOD_TARGETS
                          " route = function(o)\n"
                          "   if o.ext == 'x' then return 'nope' end\n"
                          "   if o.ext == 'y' then return 42 end\n"
                          "   if o.ext == 'z' then return o.missing.field end\n"
                          "   while true do end\n"
                          " end }", &s, &p), S3E_OK);
    struct routes rs;
    int sel;
    struct s3e_object o = { .bucket = "src", .key = "f.x", .key_len = 3, .etag = "" };
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    assert_non_null(strstr(why, "plan.lua:4: route: unknown target 'nope'"));
    o.key = "f.y";
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    assert_non_null(strstr(why, "got number"));
    o.key = "f.z";
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    assert_non_null(strstr(why, "plan.lua:6:"));
    o.key = "f.w";
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    if (!strstr(why, "instruction budget"))
        fail_msg("%s", why);
    s3e_script_free(s);
    s3e_plan_free(&p);
}

/* Issue #12: a misspelt storage class or route field is a plan error with
 * its line, found while planning (so a dry run finds it), not 100 failures. */
static void test_storage_classes_and_route_fields_are_checked(void **state)
{
    (void)state;
    expect_broken("return {\n sources = {'s3://src/'},\n targets = { x = {\n"
                  "   bucket = 'dst', storage_class = 'GLACEIR' } } }",
                  "plan.lua:4: targets.x.storage_class: 'GLACEIR' is not an S3 storage class",
                  "did you mean 'GLACIER'");
    expect_broken("return {\n sources = {'s3://src/'},\n target = 's3://dst/',\n"
                  " storage_classes = { 7 } }", "plan.lua:4: storage_classes", "string");

    struct s3e_script *s = NULL;
    struct s3e_plan p;
    /* a class of the server's own, named in storage_classes, is accepted */
    assert_int_equal(load("return { sources = {'s3://src/'},\n"
                          " storage_classes = { 'COLD' },\n"
                          " targets = { a = { bucket = 'dst-a', storage_class = 'COLD' },\n"
                          "             b = { bucket = 'dst-b' } },\n"
                          " route = function(o)\n"
                          "   if o.ext == 'x' then return { target = 'a', storage_clas = 'GLACIER' } end\n"
                          "   if o.ext == 'y' then return { target = 'a', storage_class = 'GLACEIR' } end\n"
                          "   if o.ext == 'z' then return { target = 'a', metdata = { a = '1' } } end\n"
                          "   if o.ext == 'm' then return { target = 'a', metadata = { Who = 'x y' },\n"
                          "     tags = { ['a b'] = 'c&d' }, content_type = 'text/plain' } end\n"
                          "   if o.ext == 'n' then return { target = 'a', tags = { t = 1 } } end\n"
                          "   if o.ext == 'v' then return { target = 'a', expires = 'x\\r\\ny' } end\n"
                          "   return { target = 'b', storage_class = 'COLD', key = 'k' }\n"
                          " end }", &s, &p), S3E_OK);
    struct routes rs;
    int sel;
    struct s3e_object o = { .bucket = "src", .key = "f.x", .key_len = 3, .etag = "" };
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    if (!strstr(why, "plan.lua:6: route: unknown field 'storage_clas' in a route "
                                     "table (did you mean 'storage_class'?)"))
        fail_msg("%s", why);
    o.key = "f.y";
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    if (!strstr(why, "plan.lua:7: route: storage_class: 'GLACEIR' is not an S3 "
                                     "storage class (did you mean 'GLACIER'?)"))
        fail_msg("%s", why);
    o.key = "f.z";
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    if (!strstr(why, "plan.lua:8: route: unknown field 'metdata' in a route "
                                     "table (did you mean 'metadata'?)"))
        fail_msg("%s", why);
    o.key = "f.n";
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    if (!strstr(why, "route: tags: expected string = string, got string = number"))
        fail_msg("%s", why);
    o.key = "f.v";
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_EPLAN);
    if (!strstr(why, "plan.lua:12: route: expires: "))
        fail_msg("%s", why);
    o.key = "f.m";
    assert_int_equal(s3e_script_route(s, &o, put_of, &rs, &sel, why, sizeof why), S3E_OK);
    assert_string_equal(rs.line[0], "x-amz-metadata-directive: REPLACE\nContent-Type: text/plain\n"
                                    "x-amz-meta-who: x y\nx-amz-tagging-directive: REPLACE\n"
                                    "x-amz-tagging: a%20b=c%26d\n");
    o.key = "f.w";
    rs.n = 0;
    assert_int_equal(s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why), S3E_OK);
    assert_int_equal(rs.n, 1);
    s3e_script_free(s);
    s3e_plan_free(&p);
}

static void test_single_target_needs_no_route_and_payload_policy(void **state)
{
    (void)state;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    assert_int_equal(load("return { sources = {'s3://src/'}, target = 's3://dst/copy',\n"
                          " payload = function(o, r)\n"
                          "   if o.size < 100 then return { group = 'small', max_bytes = '1KB', max_objects = 9 } end\n"
                          "   if o.size < 1000 then return 5000 end\n"
                          " end }", &s, &p), S3E_OK);
    assert_true(p.has_payload_fn);
    int sel;
    struct routes r = route_one(s, "a/b", 10, &sel);
    assert_string_equal(r.line[0], "0 copy/a/b - small 1000");
    r = route_one(s, "a/c", 500, &sel);
    assert_string_equal(r.line[0], "0 copy/a/c - 5000 bytes/0 objects 5000");
    r = route_one(s, "a/d", 5000, &sel);
    assert_string_equal(r.line[0], "0 copy/a/d - - 0");
    s3e_script_free(s);
    s3e_plan_free(&p);
}

static void test_plan_without_hooks_routes_without_lua(void **state)
{
    (void)state;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    assert_int_equal(load("return { sources = {'s3://src/in/'}, target = 's3://dst/out' }", &s, &p),
                     S3E_OK);
    int sel;
    struct routes r = route_one(s, "in/a/b.txt", 3, &sel);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.line[0], "0 out/a/b.txt - - 0");
    r = route_one(s, "in/", 0, &sel); /* the prefix's own "folder" object */
    assert_int_equal(r.n, 0);
    s3e_script_free(s);
    s3e_plan_free(&p);
}

/* ---- the Lua/C boundary: tables read under protection, strings kept alive ----------- */

/* The first route's message, or "OK" when the object routed. */
static const char *route_message(struct s3e_script *s, const char *key)
{
    struct routes rs;
    memset(&rs, 0, sizeof rs);
    int sel;
    struct s3e_object o = { .bucket = "src", .key = key, .key_len = strlen(key), .etag = "" };
    int rc = s3e_script_route(s, &o, collect, &rs, &sel, why, sizeof why);
    return rc == S3E_OK ? "OK" : rc == S3E_EPLAN ? why : "other error";
}

static void expect_route_error(const char *code, const char *key, const char *needle)
{
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    if (load(code, &s, &p) != S3E_OK)
        fail_msg("load: %s", errbuf);
    const char *msg = route_message(s, key);
    if (!strstr(msg, needle))
        fail_msg("for %s: '%s', wanted '%s'", key, msg, needle);
    s3e_script_free(s);
    s3e_plan_free(&p);
}

static void test_plan_table_metamethods_run_protected(void **state)
{
    (void)state;
    expect_broken("local t = { sources = {'s3://src/'}, target = 's3://dst/' }\n"
                  "return setmetatable(t, { __index = function(_, k)\n"
                  "  error('boom on ' .. k) end })", "plan.lua:3: ", "boom on ");
    expect_broken("local t = { sources = {'s3://src/'}, target = 's3://dst/' }\n"
                  "return setmetatable(t, { __index = function()\n"
                  "  while true do end end })", "plan.lua:3: ", "instruction budget");
    expect_broken("return { sources = {'s3://src/'}, target = setmetatable({}, { __index =\n"
                  "  function(_, k) error({}) end }) }", "plan.lua:2: target.bucket: ",
                  "error object is a table");
    expect_broken("return { sources = {'s3://src/'},\n target = { bucket = 'dst\\0evil' } }",
                  "plan.lua:2: target.bucket: ", "NUL byte");
    /* reading a target adds targets to the table being walked */
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    int rc = load("local targets = {}\n"
                  "local function grow(_, k)\n"
                  "  for i = 1, 300 do targets['t' .. i .. k .. math.random(1e9)] = 's3://dst/x/' end\n"
                  "  if k == 'bucket' then return 'dst' end\n"
                  "end\n"
                  "targets.a = setmetatable({}, { __index = grow })\n"
                  "targets.b = setmetatable({}, { __index = grow })\n"
                  "return { sources = {'s3://src/'}, targets = targets, route = function() end }",
                  &s, &p);
    if (rc == S3E_OK) {
        assert_true(p.ntargets >= 2);
        for (size_t i = 0; i < p.ntargets; i++)
            assert_non_null(p.targets[i].bucket);
        s3e_script_free(s);
        s3e_plan_free(&p);
    } else if (rc != S3E_EPLAN || !strstr(errbuf, "plan.lua:")) {
        fail_msg("rc %d: %s", rc, errbuf);
    }
    /* a sparse sources list: a huge raw length, two items */
    expect_broken("local t = {}\nfor i = 0, 40 do t[1 << i] = 's3://src/' end\n"
                  "return { sources = t,\n target = 's3://dst/' }", "plan.lua:", "got nil");
}

#define ROUTE_PLAN(body) "return { sources = {'s3://src/'},\n" GOOD_TARGETS body " }"

static void test_route_tables_read_protected(void **state)
{
    (void)state;
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   return setmetatable({}, { __index = function(_, k)\n"
                                  "     error('no ' .. k) end }) end,\n"),
                       "f", "plan.lua:5: route: no target");
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   return setmetatable({}, { __index = function()\n"
                                  "     while true do end end }) end,\n"),
                       "f", "plan.lua:5: route: instruction budget");
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   return { target = 'a', storage_class = 'X\\0Y' } end,\n"),
                       "f", "NUL byte");
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   return { target = 'a\\0b' } end,\n"),
                       "f", "unknown target");
    expect_route_error(ROUTE_PLAN(" route = function(o) return 'a' end,\n"
                                  " payload = function() return { max_bytes = 'lots' } end,\n"),
                       "f", "plan.lua:4: payload: expected nil");
    expect_route_error(ROUTE_PLAN(" route = function(o) return 'a' end,\n"
                                  " payload = function() return { group = 'g\\0h' } end,\n"),
                       "f", "a group name with a NUL byte");
    /* strings only __index holds, collected while C reads the next field */
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    assert_int_equal(load(ROUTE_PLAN(
        " route = function(o)\n"
        "   return setmetatable({}, { __index = function(_, k)\n"
        "     collectgarbage() collectgarbage()\n"
        "     if k == 'target' then return ('B'):lower() end\n"
        "     if k == 'key' then return ('k/' .. string.rep('x', 60) .. o.name):upper() end\n"
        "   end }) end,\n"
        " payload = function(o, r)\n"
        "   return setmetatable({}, { __index = function(_, k)\n"
        "     collectgarbage() collectgarbage()\n"
        "     if k == 'group' then return ('G-' .. string.rep('y', 60) .. o.name):lower() end\n"
        "   end }) end,\n"), &s, &p), S3E_OK);
    int sel;
    struct routes r = route_one(s, "dir/f1", 5, &sel);
    assert_int_equal(r.n, 1);
    char want[256];
    snprintf(want, sizeof want, "1 pb/K/%.60sF1 - g-%.60sf1 0",
             "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
             "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
    assert_string_equal(r.line[0], want);
    s3e_script_free(s);
    s3e_plan_free(&p);
    /* a list whose items append to it while they are read: n is taken once */
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   local list = {}\n"
                                  "   list[1] = setmetatable({}, { __index = function(_, k)\n"
                                  "     for i = 1, 100 do list[#list + 1] = 'a' end\n"
                                  "     if k == 'target' then return 'a' end end })\n"
                                  "   return list end,\n"),
                       "f", "OK");
}

static void test_error_objects_and_positions(void **state)
{
    (void)state;
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   error({}) end,\n"),
                       "f", "plan.lua:4: route: error object is a table");
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   error(setmetatable({}, { __tostring = error })) end,\n"),
                       "f", "plan.lua:4: route: error object is a table");
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   error(setmetatable({}, { __tostring = function() return 'mine' end })) end,\n"),
                       "f", "plan.lua:4: route: mine");
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   error() end,\n"),
                       "f", "plan.lua:4: route: error object is nil");
    expect_route_error(ROUTE_PLAN(" route = load('return 42'),\n"), "f",
                       "plan.lua:3: route: expected nil, a target name");
    expect_route_error(ROUTE_PLAN(" route = load('error(\"raised\", 0)'),\n"), "f",
                       "plan.lua:3: route: raised");
    expect_route_error(ROUTE_PLAN(" select = function(o)\n"
                                  "   while true do end end,\n route = function() end,\n"),
                       "f", "plan.lua:4: select: instruction budget");
    expect_route_error(ROUTE_PLAN(" route = function(o)\n"
                                  "   return coroutine.yield('a') end,\n"),
                       "f", "plan.lua:4: route: attempt to yield");
    expect_route_error(ROUTE_PLAN(" route = coroutine.wrap(function() coroutine.yield(42) end),\n"),
                       "f", "plan.lua:3: route: expected nil");
    expect_route_error(ROUTE_PLAN(" route = function(o) return 'a' end,\n"
                                  " payload = function() return true end,\n"),
                       "f", "plan.lua:4: payload: expected nil");
    expect_broken("local x = 1\nif x then error(nil) end\nreturn {}", "plan.lua:2: error object is nil",
                  NULL);
    expect_broken("local x = 1\nerror(setmetatable({}, { __tostring = function() while true do end end }))",
                  "plan.lua:2: error object is a table", NULL);
}

static void test_sandbox(void **state)
{
    (void)state;
    expect_broken("os.execute('true') return {}", "execute", NULL);
    expect_broken("io.popen('ls') return {}", "popen", NULL);
    expect_broken("io.open('/tmp/s3e-sandbox-test', 'w') return {}", "may only read files", NULL);
    expect_broken("package.loadlib('x', 'y') return {}", "loadlib", NULL);
    /* no C modules: with the C searchers this would load test_script.c as a shared
     * library and fail differently ("error loading module") */
    expect_broken("package.cpath = 'tests/unit/?.c' require('test_script') return {}",
                  "module 'test_script' not found", NULL);
    /* reading is allowed */
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    assert_int_equal(load("local f = assert(io.open('lua/s3engine/json.lua', 'r')) f:close()\n"
                          "return { sources = {'s3://src/'}, target = 's3://dst/' }", &s, &p),
                     S3E_OK);
    s3e_script_free(s);
    s3e_plan_free(&p);
}

/* Each tests/lua/test_*.lua raises on the first failed assertion. */
static void run_lua_test(const char *path)
{
    static const char *const fixtures[] = { "examples" }; /* test_seed reads the seed input */
    struct s3e_script_opts o = opts();
    o.read_paths = fixtures;
    o.nread_paths = 1;
    char err[2048];
    int rc = s3e_script_run_file(path, &o, err, sizeof err);
    if (rc)
        fail_msg("%s: %s", path, err);
}

static void test_lua_module(void **state) { (void)state; run_lua_test("tests/lua/test_module.lua"); }
static void test_recipe_route(void **state) { (void)state; run_lua_test("tests/lua/test_route.lua"); }
static void test_recipe_rewrite(void **state) { (void)state; run_lua_test("tests/lua/test_rewrite.lua"); }
static void test_recipe_select(void **state) { (void)state; run_lua_test("tests/lua/test_select.lua"); }
static void test_recipe_payload(void **state) { (void)state; run_lua_test("tests/lua/test_payload.lua"); }
static void test_recipe_seed(void **state) { (void)state; run_lua_test("tests/lua/test_seed.lua"); }

/* ---- the sandbox (issue 8): each case was an escape ------------------------------- */

int s3e_glob_match(const char *pat, const char *str);
int s3e_env_hidden(const char *name);

#define OK_PLAN " return { sources = {'s3://src/'}, target = 's3://dst/' }"

/* The plan must load; its chunk checks itself with assert. */
static void expect_loads(const char *code)
{
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    int rc = load(code, &s, &p);
    if (rc)
        fail_msg("rc %d: %s", rc, errbuf);
    s3e_script_free(s);
    s3e_plan_free(&p);
}

static void test_sandbox_debug_is_traceback_only(void **state)
{
    (void)state;
    expect_broken("local _, f = debug.getupvalue(io.open, 1)" OK_PLAN, "plan.lua:1:",
                  "debug.getupvalue is not available");
    expect_broken("debug.sethook()" OK_PLAN, "debug.sethook is not available", NULL);
    expect_broken("if debug.getinfo then end" OK_PLAN, "plan.lua:1:", "debug.getinfo is not");
    expect_broken("debug.getregistry()" OK_PLAN, "not available", NULL);
    expect_broken("debug.getlocal(1, 1)" OK_PLAN, "not available", NULL);
    expect_broken("require('debug').setupvalue(print, 1, nil)" OK_PLAN, "not available", NULL);
    expect_loads("assert(debug.traceback('x'):find('traceback'))" OK_PLAN);
}

static void test_sandbox_text_chunks_only(void **state)
{
    (void)state;
    /* a valid binary chunk of `local a = 1 return a` (Lua 5.4, stripped) */
    static const char bin[] = "string.char(27,76,117,97,84,0,25,147,13,10,26,10,4,8,8,120,86,0,"
        "0,0,0,0,0,0,0,0,0,0,40,119,64,0,128,130,130,0,0,2,131,1,0,0,128,72,0,2,0,199,0,1,0,"
        "128,128,128,128,128,128,128)";
    char code[1024];
    snprintf(code, sizeof code, "local f, e = load(%s, 'x', 'b')\n"
             "assert(not f and e:find('binary'), e)" OK_PLAN, bin);
    expect_loads(code);
    snprintf(code, sizeof code, "assert(load(%s))" OK_PLAN, bin);
    expect_broken(code, "binary", NULL);
    expect_broken("string.dump(print)" OK_PLAN, "plan.lua:1:", "field 'dump'");
    /* a failed load names "(load)", not the text's first line, and quotes no token */
    expect_loads("local f, e = load('secret words here')\n"
                 "assert(e == '(load):1: syntax error', e)" OK_PLAN);
}

static void test_budget_survives_pcall_and_coroutines(void **state)
{
    (void)state;
    expect_broken("while true do pcall(function() for i = 1, 1e12 do end end) end" OK_PLAN,
                  "plan.lua:1:", "budget");
    expect_broken("while true do pcall(coroutine.wrap(function() while true do end end)) end"
                  OK_PLAN, "budget", NULL);
    expect_broken("while true do\n"
                  " coroutine.resume(coroutine.create(function() for i = 1, 1e12 do end end))\n"
                  " xpcall(function() while true do end end, function() while true do end end)\n"
                  "end" OK_PLAN, "budget", NULL);
}

static void test_budget_counts_pattern_and_glob_work(void **state)
{
    (void)state;
    expect_broken("string.find(string.rep('a', 60), string.rep('a-', 40) .. 'b')" OK_PLAN,
                  "plan.lua:1:", "budget");
    expect_broken("local s = string.rep('x', 5000)\n"
                  "while true do pcall(string.gsub, s, '.-.-.-y', 'z') end" OK_PLAN, "budget", NULL);
    expect_broken("for _ in string.gmatch(string.rep('x', 3000), '.-.-.-y') do end" OK_PLAN,
                  "budget", NULL);
    expect_broken("table.move({}, 1, math.maxinteger - 1, 1, {})" OK_PLAN, "plan.lua:1:", "budget");
    expect_loads("assert(io.read('l') == nil and io.stdin == nil)" OK_PLAN);
    expect_broken("require('s3engine').glob(string.rep('*a', 3000), 'a')" OK_PLAN,
                  "longer than 4096 bytes", NULL);
    expect_broken("local g = require('s3engine').glob\n"
                  "local p, s = string.rep('*a', 2000) .. 'b', string.rep('a', 100000)\n"
                  "while true do g(p, s) end" OK_PLAN, "plan.lua:3:", "budget");
}

static void test_glob_is_linear_and_keeps_its_meaning(void **state)
{
    (void)state;
    static const struct { const char *pat, *str; int want; } cases[] = {
        { "*.mp4", "a.mp4", 1 }, { "*.mp4", "d/a.mp4", 0 }, { "**/*.mp4", "d/e/a.mp4", 1 },
        { "**/*.mp4", "a.mp4", 1 }, { "a/**/b", "a/b", 1 }, { "a/**/b", "a/x/y/b", 1 },
        { "a/**", "a/x/y", 1 }, { "?", "/", 0 }, { "?.txt", "a.txt", 1 }, { "[abc]x", "bx", 1 },
        { "[!abc]x", "bx", 0 }, { "[a-c]x", "cx", 1 }, { "[]]", "]", 1 }, { "[x", "[x", 1 },
        { "\\*", "*", 1 }, { "\\*", "a", 0 }, { "", "", 1 }, { "", "a", 0 }, { "*", "", 1 },
        { "a*b*c", "aXbYc", 1 }, { "a*b*c", "aXb/c", 0 }, { "***", "a/b", 1 },
        { "img/*", "img/a.jpg", 1 }, { "img/*", "img/d/a.jpg", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (s3e_glob_match(cases[i].pat, cases[i].str) != cases[i].want)
            fail_msg("glob('%s', '%s') != %d", cases[i].pat, cases[i].str, cases[i].want);
    /* exponential for a backtracking matcher: 30 stars against 200 characters */
    char pat[128] = "", str[256];
    for (int i = 0; i < 30; i++)
        strcat(pat, "*a");
    strcat(pat, "b");
    memset(str, 'a', 200);
    str[200] = '\0';
    assert_int_equal(s3e_glob_match(pat, str), 0);
    /* long patterns are refused, not recursed on */
    static char big[2000001];
    memset(big, '*', sizeof big - 1);
    assert_int_equal(s3e_glob_match(big, "abc"), -1);
}

static void test_memory_limit(void **state)
{
    (void)state;
    struct s3e_script_opts o = opts();
    o.memory_limit = 16u << 20;
    o.instruction_budget = 100000000;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    int rc = s3e_script_load(&s, "plan.lua", "local t = {}\nfor i = 1, 1e9 do t[i] = { i } end"
                             OK_PLAN, "=plan.lua", &o, &p, errbuf, sizeof errbuf);
    assert_int_equal(rc, S3E_EPLAN);
    if (!strstr(errbuf, "memory limit of 16MiB") || !strstr(errbuf, "plan.lua:2:"))
        fail_msg("%s", errbuf);
    rc = s3e_script_load(&s, "plan.lua", "while true do pcall(string.rep, 'x', 1 << 30) end"
                         OK_PLAN, "=plan.lua", &o, &p, errbuf, sizeof errbuf);
    assert_int_equal(rc, S3E_EPLAN);
    if (!strstr(errbuf, "memory limit"))
        fail_msg("%s", errbuf);
}

static void test_no_finalizers(void **state)
{
    (void)state;
    expect_broken("setmetatable({}, { __gc = function() while true do end end })" OK_PLAN,
                  "plan.lua:1:", "__gc");
    expect_broken("getmetatable(io.stdout).__gc = print" OK_PLAN, "plan.lua:1:", NULL);
    expect_loads("assert(getmetatable('') == 'locked')" OK_PLAN);
}

static void test_getenv_hides_credentials(void **state)
{
    (void)state;
    setenv("AWS_SECRET_ACCESS_KEY", "s3e-test-secret", 1);
    setenv("S3E_TEST_PLAIN", "visible", 1);
    expect_loads("assert(os.getenv('AWS_SECRET_ACCESS_KEY') == nil)\n"
                 "assert(os.getenv('S3E_TEST_PLAIN') == 'visible')" OK_PLAN);
    static const char *const hidden[] = { "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN", "AWS_ACCESS_KEY_ID", "GITHUB_TOKEN", "DB_PASSWORD", "api_key",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", NULL };
    for (size_t i = 0; hidden[i]; i++)
        if (!s3e_env_hidden(hidden[i]))
            fail_msg("%s is not hidden", hidden[i]);
    assert_false(s3e_env_hidden("HOME"));
    assert_false(s3e_env_hidden("AWS_REGION"));
    unsetenv("S3E_TEST_PLAIN");
}

static void test_reads_stay_in_allowed_folders(void **state)
{
    (void)state;
    expect_broken("io.open('/etc/passwd')" OK_PLAN, "plan.lua:1:", "outside");
    expect_broken("io.open('lua/../../../../../../../etc/passwd')" OK_PLAN, "outside", NULL);
    expect_broken("for l in io.lines('/etc/passwd') do end" OK_PLAN, "outside", NULL);
    expect_broken("io.input('/etc/passwd')" OK_PLAN, "outside", NULL);
    expect_broken("loadfile('/etc/passwd')" OK_PLAN, "outside", NULL);
    expect_broken("dofile('/etc/passwd')" OK_PLAN, "outside", NULL);
    expect_broken("package.path = '/etc/?;' .. package.path\nrequire 'passwd'" OK_PLAN,
                  "plan.lua:2:", "outside");
    expect_broken("io.open('/nonexistent-dir/x')" OK_PLAN, "not found in the folders", NULL);
    /* inside: the recipe folder; a missing file there is an ordinary nil, message */
    expect_loads("assert(io.open('lua/s3engine/json.lua')):close()\n"
                 "assert(select(2, io.open('lua/nope.txt')):find('No such file'))\n"
                 "assert(io.lines('lua/s3engine/json.lua')())\n"
                 "assert(loadfile('lua/s3engine/json.lua'))" OK_PLAN);
    /* --lua-read: /etc may be read, and a load of its text quotes none of it */
    static const char *const reads[] = { "/etc" };
    struct s3e_script_opts o = opts();
    o.read_paths = reads;
    o.nread_paths = 1;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    int rc = s3e_script_load(&s, "plan.lua", "local t = assert(io.open('/etc/passwd')):read('a')\n"
                             "assert(load(t))" OK_PLAN, "=plan.lua", &o, &p, errbuf, sizeof errbuf);
    assert_int_equal(rc, S3E_EPLAN);
    if (strstr(errbuf, "root") || !strstr(errbuf, "(load)"))
        fail_msg("%s", errbuf);
    rc = s3e_script_load(&s, "plan.lua", "assert(loadfile('/etc/passwd'))" OK_PLAN, "=plan.lua",
                         &o, &p, errbuf, sizeof errbuf);
    assert_int_equal(rc, S3E_EPLAN);
    if (strstr(errbuf, "root") || strstr(errbuf, " near "))
        fail_msg("%s", errbuf);
}

static void test_unsafe_gives_everything_back(void **state)
{
    (void)state;
    struct s3e_script_opts o = opts();
    o.unsafe = 1;
    struct s3e_script *s = NULL;
    struct s3e_plan p;
    int rc = s3e_script_load(&s, "plan.lua", "assert(debug.getinfo(1))\n"
                             "assert(io.open('/etc/passwd')):close()\n"
                             "assert(load(string.dump(function() return 1 end)))" OK_PLAN,
                             "=plan.lua", &o, &p, errbuf, sizeof errbuf);
    if (rc)
        fail_msg("%s", errbuf);
    s3e_script_free(s);
    s3e_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_broken_plans_name_file_line_field),
        cmocka_unit_test(test_plan_fields_read),
        cmocka_unit_test(test_route_forms),
        cmocka_unit_test(test_pure_hooks_see_a_view),
        cmocka_unit_test(test_route_error_in_callers_buffer),
        cmocka_unit_test(test_route_errors_name_the_line),
        cmocka_unit_test(test_storage_classes_and_route_fields_are_checked),
        cmocka_unit_test(test_single_target_needs_no_route_and_payload_policy),
        cmocka_unit_test(test_plan_without_hooks_routes_without_lua),
        cmocka_unit_test(test_plan_table_metamethods_run_protected),
        cmocka_unit_test(test_route_tables_read_protected),
        cmocka_unit_test(test_error_objects_and_positions),
        cmocka_unit_test(test_sandbox),
        cmocka_unit_test(test_lua_module),
        cmocka_unit_test(test_recipe_route),
        cmocka_unit_test(test_recipe_rewrite),
        cmocka_unit_test(test_recipe_select),
        cmocka_unit_test(test_recipe_payload),
        cmocka_unit_test(test_recipe_seed),
        cmocka_unit_test(test_sandbox_debug_is_traceback_only),
        cmocka_unit_test(test_sandbox_text_chunks_only),
        cmocka_unit_test(test_budget_survives_pcall_and_coroutines),
        cmocka_unit_test(test_budget_counts_pattern_and_glob_work),
        cmocka_unit_test(test_glob_is_linear_and_keeps_its_meaning),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_no_finalizers),
        cmocka_unit_test(test_getenv_hides_credentials),
        cmocka_unit_test(test_reads_stay_in_allowed_folders),
        cmocka_unit_test(test_unsafe_gives_everything_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
