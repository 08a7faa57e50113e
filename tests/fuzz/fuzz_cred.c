/* fuzz_cred.c - libFuzzer target: what credential sources answer
 * (engine/cred_json.c, engine/cred_sts.c): credential_process output,
 * container/IMDS and SSO JSON, the SSO token cache and STS XML, all from
 * servers or programs s3engine does not control.
 * Invariants: a success has a non-empty key id and secret without NUL; a
 * failure has a message and leaves nothing to free. */
#include "fuzz_util.h"
#include "../../engine/cred_int.h"
#include "s3engine/error.h"

static void check(int rc, struct cred_set *c, const char *err, const char *what)
{
    if (rc == S3E_OK) {
        FUZZ_CHECK(c->c.access_key && *c->c.access_key, "%s: no key id", what);
        FUZZ_CHECK(c->c.secret_key && *c->c.secret_key, "%s: no secret", what);
        cred_set_clear(c);
    } else {
        FUZZ_CHECK(*err, "%s: a failure without a message", what);
        FUZZ_CHECK(!c->c.access_key && !c->c.secret_key && !c->c.session_token,
                   "%s: a failure left credentials", what);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char err[512];
    struct cred_set c;
    err[0] = '\0';
    check(cred_json_process(s, size, &c, err, sizeof err), &c, err, "process");
    err[0] = '\0';
    check(cred_json_container(s, size, &c, err, sizeof err), &c, err, "container");
    err[0] = '\0';
    check(cred_json_sso(s, size, &c, err, sizeof err), &c, err, "sso");
    err[0] = '\0';
    check(cred_sts_parse(s, size, &c, err, sizeof err), &c, err, "sts");
    char *token = NULL;
    time_t exp;
    if (cred_json_sso_token(s, size, &token, &exp, err, sizeof err) == S3E_OK)
        FUZZ_CHECK(token && *token, "sso token: empty");
    free(token);
    return 0;
}
