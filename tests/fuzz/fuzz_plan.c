/* fuzz_plan.c - libFuzzer target: loading a plan (s3e_script_load with the
 * input as the chunk's text) in the sandbox, with a small instruction budget
 * and no S3 client (no network), then one object routed through its hooks.
 * Memory is bounded by libFuzzer (-malloc_limit_mb in tests/fuzz/run.sh).
 * Invariants: a failure has a message; a loaded plan has targets and every
 * route names one of them with a non-empty key; the plan wrote no file in
 * the current folder (tests/fuzz/run.sh runs this in an empty scratch folder). */
#include "fuzz_util.h"
#include "s3engine/error.h"
#include "s3engine/plan.h"
#include "s3engine/script.h"

#include <dirent.h>

static const char *lua_dirs[1];
static int verbose; /* S3E_FUZZ_VERBOSE=1: print why each plan failed to load */

/* Name of a file in the current folder, or NULL when it is empty. */
static const char *written_file(void)
{
    static char name[256];
    const char *found = NULL;
    DIR *d = opendir(".");
    for (struct dirent *e; d && !found && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(name, sizeof name, "%s", e->d_name);
            found = name;
        }
    }
    if (d)
        closedir(d);
    return found;
}

static int on_route(void *ud, const struct s3e_route *r)
{
    const struct s3e_plan *p = ud;
    FUZZ_CHECK(r->target < p->ntargets, "route to target %u of %zu", r->target, p->ntargets);
    FUZZ_CHECK(r->key && r->key[r->key_len] == '\0', "route key not terminated");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    if (!lua_dirs[0]) {
        lua_dirs[0] = getenv("S3E_FUZZ_LUA_DIR") ? getenv("S3E_FUZZ_LUA_DIR") : "lua";
        verbose = getenv("S3E_FUZZ_VERBOSE") != NULL;
    }
    char *code = fuzz_cstr(data, size);
    static const char *const args[] = { "day=2024-01-01" };
    struct s3e_script_opts opts = { 0 };
    opts.instruction_budget = 100000;
    opts.lua_dirs = lua_dirs;
    opts.nlua_dirs = 1;
    opts.args = args;
    opts.nargs = 1;
    struct s3e_script *s = NULL;
    struct s3e_plan plan;
    memset(&plan, 0, sizeof plan);
    char err[512] = "";
    int rc = s3e_script_load(&s, NULL, code, "fuzz.lua", &opts, &plan, err, sizeof err);
    if (verbose)
        fprintf(stderr, "load: %d %s\n", rc, err);
    if (rc != S3E_OK) {
        FUZZ_CHECK(err[0], "load failed (%d) without a message", rc);
    } else {
        FUZZ_CHECK(plan.ntargets > 0 && plan.targets, "a plan without targets");
        struct s3e_object obj = { 0, plan.nsources && plan.sources[0].bucket ? plan.sources[0].bucket : "b",
                                  "photos/2024/a.jpg", 17, 12345, "etag", 1700000000, "STANDARD", NULL, NULL };
        int selected = 0;
        char why[1024];
        rc = s3e_script_route(s, &obj, on_route, &plan, &selected, why, sizeof why);
        FUZZ_CHECK(rc == S3E_OK || *why, "route failed (%d) without a message", rc);
        s3e_script_free(s);
        s3e_plan_free(&plan);
    }
    const char *w = written_file();
    FUZZ_CHECK(!w, "the plan wrote '%s' (a sandbox escape)", w);
    free(code);
    return 0;
}
