/* test_cli.c - command-line parsing: options, overrides and usage errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "../../engine/cli.h"

#define ARGV(...) ((char *[]){ "s3engine", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "s3engine", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cli, ...) s3e_cli_parse(cli, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void test_plan_with_options_before_and_after(void **state)
{
    (void)state;
    struct s3e_cli cli;
    assert_int_equal(PARSE(&cli, "-w", "4", "plan.lua", "--dry-run", "--max-payload", "800MB"), 0);
    assert_int_equal(cli.command, S3E_CMD_RUN);
    assert_string_equal(cli.plan_path, "plan.lua");
    assert_int_equal(cli.workers, 4);
    assert_true(cli.dry_run);
    assert_int_equal(cli.max_payload, 800000000ULL);
    assert_int_equal(cli.ov.path_style, -1);
    assert_int_equal(cli.max_rps, 0); /* no cap unless asked */
    assert_int_equal(PARSE(&cli, "--max-rps", "250", "plan.lua"), 0);
    assert_int_equal(cli.max_rps, 250);
}

static void test_shard_and_overrides(void **state)
{
    (void)state;
    struct s3e_cli cli;
    assert_int_equal(PARSE(&cli, "--shard", "2/5", "--endpoint", "http://127.0.0.1:7480",
                           "--region", "eu-west-1", "--path-style", "--arg", "day=3", "p.lua"), 0);
    assert_int_equal(cli.shard_index, 2);
    assert_int_equal(cli.shard_count, 5);
    assert_string_equal(cli.ov.endpoint, "http://127.0.0.1:7480");
    assert_string_equal(cli.ov.region, "eu-west-1");
    assert_int_equal(cli.ov.path_style, 1);
    assert_int_equal(cli.nargs, 1);
    assert_string_equal(cli.args[0], "day=3");
}

static void test_time_limits(void **state)
{
    (void)state;
    struct s3e_cli cli;
    assert_int_equal(PARSE(&cli, "p.lua"), 0);
    assert_int_equal(cli.ov.request_timeout_ms, 0); /* 0 = the default */
    assert_int_equal(cli.ov.copy_timeout_ms, 0);
    assert_int_equal(cli.object_timeout_ms, 0);
    assert_int_equal(PARSE(&cli, "--request-timeout", "20", "--copy-timeout", "2m",
                           "--object-timeout", "1h", "p.lua"), 0);
    assert_int_equal(cli.ov.request_timeout_ms, 20000);
    assert_int_equal(cli.ov.copy_timeout_ms, 120000);
    assert_int_equal(cli.object_timeout_ms, 3600000);
    assert_int_equal(PARSE(&cli, "--request-timeout", "0", "p.lua"), 2);
    assert_int_equal(PARSE(&cli, "--copy-timeout", "soon", "p.lua"), 2);
    assert_int_equal(PARSE(&cli, "--object-timeout", "8d", "p.lua"), 2);
}

static void test_subcommands(void **state)
{
    (void)state;
    struct s3e_cli cli;
    assert_int_equal(PARSE(&cli, "ls", "s3://b/p"), 0);
    assert_int_equal(cli.command, S3E_CMD_LS);
    assert_string_equal(cli.rest[0], "s3://b/p");
    assert_int_equal(PARSE(&cli, "cp", "s3://a/k", "s3://b/k"), 0);
    assert_int_equal(cli.command, S3E_CMD_CP);
    assert_int_equal(cli.nrest, 2);
    assert_int_equal(PARSE(&cli, "lua", "t.lua", "-x"), 0);
    assert_int_equal(cli.command, S3E_CMD_LUA);
    assert_int_equal(cli.nrest, 2);
    assert_int_equal(PARSE(&cli, "--seed-input", "in.json"), 0);
    assert_int_equal(cli.command, S3E_CMD_RUN);
    assert_string_equal(cli.seed_input, "in.json");
}

static void test_usage_errors(void **state)
{
    (void)state;
    struct s3e_cli cli;
    /* stderr gets the explanation; the status is what scripts rely on */
    assert_int_equal(PARSE(&cli, "-w", "0", "p.lua"), 2);
    assert_int_equal(PARSE(&cli, "--shard", "5/5", "p.lua"), 2);
    assert_int_equal(PARSE(&cli, "--max-payload", "lots", "p.lua"), 2);
    assert_int_equal(PARSE(&cli, "--part-size", "1MiB", "p.lua"), 2);
    assert_int_equal(PARSE(&cli, "--max-rps", "-1", "p.lua"), 2);
    assert_int_equal(PARSE(&cli, "--max-rps", "fast", "p.lua"), 2);
    assert_int_equal(PARSE(&cli, "a.lua", "b.lua"), 2);
    assert_int_equal(PARSE(&cli, "cp", "s3://a/k"), 2);
    assert_int_equal(PARSE(&cli, "--no-such-option", "p.lua"), 2);
    assert_int_equal(s3e_cli_parse(&cli, 1, ARGV("")), 2); /* no plan */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_with_options_before_and_after),
        cmocka_unit_test(test_shard_and_overrides),
        cmocka_unit_test(test_time_limits),
        cmocka_unit_test(test_subcommands),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
