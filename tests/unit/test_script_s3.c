/* test_script_s3.c - s3engine.head and s3engine.list against a local HTTP
 * stand-in: an S3 failure is `nil, message` from both, a bad argument raises
 * "bad argument #N", and a head whose result table cannot be built (the
 * plan's memory limit) raises without leaking the HEAD's malloc'd metadata. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/s3.h"
#include "s3engine/script.h"
#include "local_http.h"

#define NMETA 48      /* metadata entries of the object "present" */
#define META_LEN 1000 /* bytes of each value: ~48 KB, under the 64 KB header limit */

static atomic_int heads_present; /* HEADs of b/present answered */
static char meta[NMETA * (META_LEN + 32)]; /* its metadata header lines */

/* HEAD /b/present: 200 with NMETA metadata headers; any other HEAD: 404;
 * a GET (a listing) of bucket "gone": 404 NoSuchBucket. */
static void answer(int fd, const char *head, void *ud)
{
    (void)ud;
    if (strncmp(head, "HEAD /b/present ", 16) == 0) {
        atomic_fetch_add(&heads_present, 1);
        local_http_write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"abc\"\r\n"
                             "Last-Modified: Wed, 02 Dec 2026 10:00:00 GMT\r\n"
                             "Connection: close\r\n");
        local_http_write(fd, meta);
        local_http_write(fd, "\r\n");
    } else if (strncmp(head, "HEAD ", 5) == 0) {
        local_http_write(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                             "Connection: close\r\n\r\n");
    } else {
        static const char body[] =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code>"
            "<Message>The specified bucket does not exist</Message></Error>";
        char line[256];
        snprintf(line, sizeof line, "HTTP/1.1 404 Not Found\r\nContent-Length: %zu\r\n"
                 "Content-Type: application/xml\r\nConnection: close\r\n\r\n",
                 sizeof body - 1);
        local_http_write(fd, line);
        local_http_write(fd, body);
    }
}

static struct s3e_config cfg;
static struct s3e_client *client;
static char endpoint[64];

static int setup(void **state)
{
    (void)state;
    size_t m = 0;
    for (int i = 0; i < NMETA; i++) {
        m += (size_t)snprintf(meta + m, sizeof meta - m, "x-amz-meta-k%02d: ", i);
        memset(meta + m, 'v', META_LEN);
        m += META_LEN;
        m += (size_t)snprintf(meta + m, sizeof meta - m, "\r\n");
    }
    int port = local_http_start(answer, NULL, 1);
    if (port < 0)
        return -1;
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", port);
    cfg.creds.access_key = "AKIDEXAMPLE";
    cfg.creds.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.region = "us-east-1";
    cfg.endpoint = endpoint;
    cfg.path_style = 1;
    cfg.connect_timeout_ms = 5000;
    cfg.request_timeout_ms = 10000;
    cfg.max_attempts = 1;
    return s3e_client_new(&client, &cfg) == S3E_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    s3e_client_free(client);
    return 0;
}

static const char *const lua_dirs[] = { "lua" };

/* Run Lua code as a file with the client; returns the result, the message in err. */
static int run_lua(const char *code, size_t memory_limit, char *err, size_t errlen)
{
    char path[] = "/tmp/test_script_s3_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, code, strlen(code)), (ssize_t)strlen(code));
    close(fd);
    struct s3e_script_opts o = { .lua_dirs = lua_dirs, .nlua_dirs = 1, .client = client,
                                 .memory_limit = memory_limit };
    int rc = s3e_script_run_file(path, &o, err, errlen);
    unlink(path);
    return rc;
}

static void expect_ok(const char *code)
{
    char err[2048];
    if (run_lua(code, 0, err, sizeof err) != S3E_OK)
        fail_msg("%s", err);
}

static void test_failures_are_nil_message(void **state)
{
    (void)state;
    expect_ok("local s3e = require 's3engine'\n"
              "local h = assert(s3e.head('b', 'present'))\n"
              "local n = 0 for _ in pairs(h.metadata) do n = n + 1 end\n"
              "assert(h.size == 5 and h.etag == 'abc' and n == 48 and #h.metadata.k47 == 1000)\n"
              "local v, msg = s3e.head('b', 'missing')\n"
              "assert(v == nil and msg:find('NoSuchKey'), tostring(msg))\n"
              "local l, lmsg = s3e.list('gone', 'in/')\n"
              "assert(l == nil and lmsg:find('NoSuchBucket'), tostring(lmsg))\n"
              "local n, fmsg = s3e.list('gone', 'in/', function() end)\n"
              "assert(n == nil and fmsg:find('NoSuchBucket'), tostring(fmsg))\n");
}

static void test_bad_arguments_raise(void **state)
{
    (void)state;
    expect_ok("local s3e = require 's3engine'\n"
              "local function raises(f, want)\n"
              "  local ok, e = pcall(f)\n"
              "  assert(not ok and tostring(e):find(want, 1, true), tostring(e))\n"
              "end\n"
              "raises(function() s3e.head('b') end, \"bad argument #2 to 'head'\")\n"
              "raises(function() s3e.head({}, 'k') end, \"bad argument #1 to 'head'\")\n"
              "raises(function() s3e.list(nil) end, \"bad argument #1 to 'list'\")\n"
              "raises(function() s3e.list('b', 'p', 42) end, \"bad argument #3 to 'list'\")\n"
              "raises(function() s3e.size('lots') end, \"bad argument #1 to 'size'\")\n"
              "raises(function() s3e.size({}) end, \"bad argument #1 to 'size'\")\n");
}

/* Memory filled to 16-24 KB below the plan's limit (big pieces, then small
 * ones with the collector stopped), then head: the object's ~48 KB of
 * metadata cannot become a table, and the run ends there. Each
 * failed head must free the metadata its HEAD malloc'd. */
static const char fill_then_head[] =
    "local s3e = require 's3engine'\n"
    "local fill, limit = {}, 8 * 1024 * 1024\n"
    "local function used() collectgarbage() return collectgarbage('count') * 1024 end\n"
    "while used() < limit - 256 * 1024 do fill = { fill, string.rep('x', 65536) } end\n"
    "collectgarbage('stop')\n"
    "while collectgarbage('count') * 1024 < limit - 24 * 1024 do fill = { fill, string.rep('y', 512) } end\n"
    "local h = s3e.head('b', 'present')\n"
    "error('head returned ' .. tostring(h) .. ' with ' .. collectgarbage('count') .. ' KB used')\n";

static void head_out_of_memory(void)
{
    char err[2048];
    int heads = atomic_load(&heads_present);
    if (run_lua(fill_then_head, 8u << 20, err, sizeof err) != S3E_EPLAN ||
        !strstr(err, "memory limit of 8MiB"))
        fail_msg("expected the memory limit, got: %s", err);
    assert_int_equal(atomic_load(&heads_present), heads + 1); /* the HEAD was made */
}

static void test_head_raise_frees_its_memory(void **state)
{
    (void)state;
    head_out_of_memory(); /* once to warm up what stays (curl's and libxml2's own state) */
    malloc_trim(0);
    size_t before = mallinfo2().uordblks;
    for (int i = 0; i < 30; i++)
        head_out_of_memory();
    malloc_trim(0);
    size_t after = mallinfo2().uordblks;
    /* 30 leaked HEADs would be ~1.5 MB */
    if (after > before + (256u << 10))
        fail_msg("%zu bytes more in use after 30 failed heads", after - before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failures_are_nil_message),
        cmocka_unit_test(test_bad_arguments_raise),
        cmocka_unit_test(test_head_raise_frees_its_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
