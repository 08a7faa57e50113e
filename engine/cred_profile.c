/* cred_profile.c - one profile of the shared files turned into a recipe:
 * assume-role (source_profile, credential_source, web identity; chains with
 * loop detection), SSO, static keys or credential_process, in botocore's
 * order. A profile s3engine cannot use is named with its type. */
#include "cred_int.h"
#include "s3engine/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHAIN 16

struct walk {
    const struct cred_ini *ini;
    const char *region;
    const char *ca_bundle; /* the named profile's: STS and SSO are verified with it */
    const char *seen[MAX_CHAIN];
    size_t nseen;
    char *errbuf;
    size_t errlen;
};

static int resolve(struct walk *w, const char *profile, struct cred_recipe **out);

static int fail(struct walk *w, const char *profile, const char *why)
{
    snprintf(w->errbuf, w->errlen, "profile '%s' %s", profile, why);
    return S3E_ECREDS;
}

static int make_static(const char *profile, const char *ak, const char *sk, const char *tok,
                       struct cred_recipe **out)
{
    char label[192];
    snprintf(label, sizeof label, "profile:%s static", profile);
    struct cred_recipe *r = cred_recipe_new(CRED_STATIC, label);
    if (!r || cred_dup(&r->access_key, ak) || cred_dup(&r->secret_key, sk) ||
        cred_dup(&r->session_token, tok)) {
        cred_recipe_free(r);
        return S3E_ENOMEM;
    }
    *out = r;
    return S3E_OK;
}

/* credential_source = Environment | Ec2InstanceMetadata | EcsContainer */
static int named_source(struct walk *w, const char *profile, const char *name,
                        struct cred_recipe **out)
{
    char label[192];
    if (strcmp(name, "Environment") == 0) {
        const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
        if (!ak || !*ak || !sk || !*sk)
            return fail(w, profile, "has credential_source = Environment, but AWS_ACCESS_KEY_ID "
                                    "and AWS_SECRET_ACCESS_KEY are not set");
        const char *tok = getenv("AWS_SESSION_TOKEN");
        int rc = make_static(profile, ak, sk, tok && *tok ? tok : NULL, out);
        if (!rc)
            snprintf((*out)->label, sizeof (*out)->label, "env");
        return rc;
    }
    enum cred_kind kind;
    if (strcmp(name, "Ec2InstanceMetadata") == 0)
        kind = CRED_IMDS;
    else if (strcmp(name, "EcsContainer") == 0)
        kind = CRED_CONTAINER;
    else {
        char why[256];
        snprintf(why, sizeof why, "has credential_source = %.64s; s3engine knows Environment, "
                 "Ec2InstanceMetadata and EcsContainer", name);
        return fail(w, profile, why);
    }
    snprintf(label, sizeof label, "%s", kind == CRED_IMDS ? "imds" : "container");
    *out = cred_recipe_new(kind, label);
    return *out ? S3E_OK : S3E_ENOMEM;
}

static int role_settings(struct walk *w, const char *profile, struct cred_recipe *r)
{
    const char *g = cred_ini_get(w->ini, profile, "duration_seconds");
    int rc = cred_dup(&r->role_arn, cred_ini_get(w->ini, profile, "role_arn"));
    if (!rc)
        rc = cred_dup(&r->session_name, cred_ini_get(w->ini, profile, "role_session_name"));
    if (!rc)
        rc = cred_dup(&r->external_id, cred_ini_get(w->ini, profile, "external_id"));
    if (!rc)
        rc = cred_dup(&r->region, w->region);
    if (!rc)
        rc = cred_dup(&r->ca_bundle, w->ca_bundle);
    if (!rc && g) {
        char *end;
        long d = strtol(g, &end, 10);
        if (end == g || *end || d < 900 || d > 43200)
            return fail(w, profile, "has duration_seconds outside 900 to 43200");
        r->duration_s = d;
    }
    return rc;
}

/* Where the role's signing credentials come from. */
static int role_source(struct walk *w, const char *profile, struct cred_recipe **out)
{
    const char *src = cred_ini_get(w->ini, profile, "source_profile");
    const char *named = cred_ini_get(w->ini, profile, "credential_source");
    if (src && named)
        return fail(w, profile, "has both source_profile and credential_source; keep one");
    if (named)
        return named_source(w, profile, named, out);
    if (!src)
        return fail(w, profile, "has role_arn but neither source_profile, credential_source "
                                "nor web_identity_token_file");
    if (strcmp(src, profile) == 0) { /* a role assumed with the profile's own keys */
        const char *ak = cred_ini_get(w->ini, profile, "aws_access_key_id");
        const char *sk = cred_ini_get(w->ini, profile, "aws_secret_access_key");
        if (!ak || !sk)
            return fail(w, profile, "is its own source_profile but has no static keys");
        return make_static(profile, ak, sk, cred_ini_get(w->ini, profile, "aws_session_token"), out);
    }
    int rc = resolve(w, src, out);
    if (!rc && !*out) {
        char why[256];
        snprintf(why, sizeof why, "has source_profile '%.64s', which has no credentials", src);
        return fail(w, profile, why);
    }
    return rc;
}

static int assume_role(struct walk *w, const char *profile, struct cred_recipe **out)
{
    if (cred_ini_get(w->ini, profile, "mfa_serial"))
        return fail(w, profile, "is an assume-role profile with mfa_serial: s3engine cannot "
                                "prompt for an MFA code (use a profile without it)");
    char label[192];
    const char *token_file = cred_ini_get(w->ini, profile, "web_identity_token_file");
    snprintf(label, sizeof label, "profile:%s %s", profile, token_file ? "web-identity" : "assume-role");
    struct cred_recipe *r = cred_recipe_new(token_file ? CRED_WEB_IDENTITY : CRED_ASSUME_ROLE, label);
    if (!r)
        return S3E_ENOMEM;
    int rc = role_settings(w, profile, r);
    if (!rc && token_file)
        rc = cred_dup(&r->token_file, token_file);
    else if (!rc)
        rc = role_source(w, profile, &r->source);
    if (rc) {
        cred_recipe_free(r);
        return rc;
    }
    *out = r;
    return S3E_OK;
}

static int sso(struct walk *w, const char *profile, struct cred_recipe **out)
{
    const char *session = cred_ini_get(w->ini, profile, "sso_session");
    const char *url = cred_ini_get(w->ini, profile, "sso_start_url");
    const char *region = cred_ini_get(w->ini, profile, "sso_region");
    if (session) {
        if (!cred_ini_sso_session(w->ini, session, NULL)) {
            char why[256];
            snprintf(why, sizeof why, "is an SSO profile naming sso_session '%.64s', which has "
                     "no [sso-session %.64s] section", session, session);
            return fail(w, profile, why);
        }
        url = cred_ini_sso_session(w->ini, session, "sso_start_url");
        region = cred_ini_sso_session(w->ini, session, "sso_region");
    }
    const char *account = cred_ini_get(w->ini, profile, "sso_account_id");
    const char *role = cred_ini_get(w->ini, profile, "sso_role_name");
    if (!url || !region || !account || !role)
        return fail(w, profile, "is an SSO profile missing one of sso_start_url, sso_region, "
                                "sso_account_id, sso_role_name");
    char label[192];
    snprintf(label, sizeof label, "profile:%s sso", profile);
    struct cred_recipe *r = cred_recipe_new(CRED_SSO, label);
    if (!r || cred_dup(&r->sso_start_url, url) || cred_dup(&r->sso_region, region) ||
        cred_dup(&r->sso_account, account) || cred_dup(&r->sso_role, role) ||
        cred_dup(&r->sso_cache_key, session ? session : url) || cred_dup(&r->profile, profile) ||
        cred_dup(&r->ca_bundle, w->ca_bundle)) {
        cred_recipe_free(r);
        return S3E_ENOMEM;
    }
    *out = r;
    return S3E_OK;
}

static int resolve(struct walk *w, const char *profile, struct cred_recipe **out)
{
    *out = NULL;
    for (size_t i = 0; i < w->nseen; i++)
        if (strcmp(w->seen[i], profile) == 0) {
            char why[512];
            size_t n = (size_t)snprintf(why, sizeof why, "is part of a source_profile loop: ");
            for (size_t j = 0; j < w->nseen && n < sizeof why; j++)
                n += (size_t)snprintf(why + n, sizeof why - n, "%.32s -> ", w->seen[j]);
            if (n < sizeof why)
                snprintf(why + n, sizeof why - n, "%.32s", profile);
            return fail(w, profile, why);
        }
    if (w->nseen == MAX_CHAIN)
        return fail(w, profile, "ends a role chain longer than 16 profiles");
    if (!cred_ini_has_profile(w->ini, profile))
        return S3E_OK;
    w->seen[w->nseen++] = profile;
    const char *ak = cred_ini_get(w->ini, profile, "aws_access_key_id");
    const char *sk = cred_ini_get(w->ini, profile, "aws_secret_access_key");
    const char *process = cred_ini_get(w->ini, profile, "credential_process");
    int rc = S3E_OK;
    if (cred_ini_get(w->ini, profile, "role_arn"))
        rc = assume_role(w, profile, out);
    else if (cred_ini_get(w->ini, profile, "sso_session") ||
             cred_ini_get(w->ini, profile, "sso_start_url") ||
             cred_ini_get(w->ini, profile, "sso_account_id"))
        rc = sso(w, profile, out);
    else if (ak && sk)
        rc = make_static(profile, ak, sk, cred_ini_get(w->ini, profile, "aws_session_token"), out);
    else if (process) {
        char label[192];
        snprintf(label, sizeof label, "profile:%s process", profile);
        *out = cred_recipe_new(CRED_PROCESS, label);
        rc = !*out ? S3E_ENOMEM : cred_dup(&(*out)->command, process);
    } else if (ak || sk)
        rc = fail(w, profile, ak ? "has aws_access_key_id but no aws_secret_access_key"
                                 : "has aws_secret_access_key but no aws_access_key_id");
    else if (cred_ini_get(w->ini, profile, "login_session"))
        rc = fail(w, profile, "is a console login profile (login_session), which s3engine "
                              "cannot use; export credentials with `aws configure export-credentials`");
    w->nseen--;
    if (rc) {
        cred_recipe_free(*out);
        *out = NULL;
    }
    return rc;
}

int cred_profile_recipe(const struct cred_ini *ini, const char *profile, const char *region,
                        struct cred_recipe **out, char *errbuf, size_t errlen)
{
    struct walk w = { .ini = ini, .region = region, .errbuf = errbuf, .errlen = errlen,
                      .ca_bundle = cred_ini_get(ini, profile, "ca_bundle") };
    return resolve(&w, profile, out);
}
