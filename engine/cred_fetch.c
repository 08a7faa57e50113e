/* cred_fetch.c - run a recipe: static keys, credential_process, STS roles,
 * SSO, container credentials and EC2 instance metadata (IMDSv2). */
#include "cred_int.h"
#include "s3engine/error.h"
#include "s3engine/uri.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAX_PROCESS_OUTPUT (64u << 10)

struct cred_recipe *cred_recipe_new(enum cred_kind kind, const char *label)
{
    struct cred_recipe *r = calloc(1, sizeof *r);
    if (r) {
        r->kind = kind;
        snprintf(r->label, sizeof r->label, "%s", label);
    }
    return r;
}

void cred_recipe_free(struct cred_recipe *r)
{
    if (!r)
        return;
    cred_recipe_free(r->source);
    cred_wipe(r->access_key);
    cred_wipe(r->secret_key);
    cred_wipe(r->session_token);
    char *plain[] = { r->role_arn, r->session_name, r->external_id, r->token_file, r->command,
                      r->sso_start_url, r->sso_region, r->sso_account, r->sso_role,
                      r->sso_cache_key, r->profile, r->region, r->ca_bundle };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        free(plain[i]);
    free(r);
}

/* A small file read whole (a token), trailing blanks removed; NULL on failure. */
static char *read_small(const char *path, size_t max)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *s = malloc(max + 1);
    size_t n = s ? fread(s, 1, max, f) : 0;
    fclose(f);
    if (!s)
        return NULL;
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    s[n] = '\0';
    return s;
}

static int fetch_static(const struct cred_recipe *r, struct cred_set *out)
{
    memset(out, 0, sizeof *out);
    if (cred_dup(&out->c.access_key, r->access_key) || cred_dup(&out->c.secret_key, r->secret_key) ||
        cred_dup(&out->c.session_token, r->session_token)) {
        cred_set_clear(out);
        return S3E_ENOMEM;
    }
    return S3E_OK;
}

/* credential_process: run by the shell; its standard output is the JSON. */
static int fetch_process(const struct cred_recipe *r, struct cred_set *out, char *errbuf, size_t errlen)
{
    fflush(NULL);
    FILE *p = popen(r->command, "r");
    if (!p) {
        snprintf(errbuf, errlen, "credential_process could not be started");
        return S3E_ECREDS;
    }
    char *buf = malloc(MAX_PROCESS_OUTPUT + 1);
    char chunk[4096];
    size_t n = 0;
    int too_much = 0;
    for (;;) { /* read to the end, or the program would block on a full pipe */
        size_t got = fread(chunk, 1, sizeof chunk, p);
        if (got == 0)
            break;
        if (buf && n + got <= MAX_PROCESS_OUTPUT) {
            memcpy(buf + n, chunk, got);
            n += got;
        } else {
            too_much = 1;
        }
    }
    memset(chunk, 0, sizeof chunk);
    int status = pclose(p);
    int rc = S3E_ECREDS;
    if (!buf)
        rc = S3E_ENOMEM;
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        snprintf(errbuf, errlen, "credential_process exited with status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    else if (too_much)
        snprintf(errbuf, errlen, "credential_process printed more than 64 KiB");
    else
        rc = cred_json_process(buf, n, out, errbuf, errlen);
    if (buf)
        memset(buf, 0, n);
    free(buf);
    return rc;
}

static int fetch_web_identity(const struct cred_recipe *r, struct cred_set *out, char *errbuf,
                              size_t errlen)
{
    char *token = read_small(r->token_file, 64 << 10);
    if (!token || !*token) {
        snprintf(errbuf, errlen, "web identity token file %s cannot be read or is empty", r->token_file);
        free(token);
        return S3E_ECREDS;
    }
    int rc = cred_sts_web_identity(r, token, out, errbuf, errlen);
    cred_wipe(token);
    return rc;
}

static int fetch_assume_role(const struct cred_recipe *r, struct cred_set *out, char *errbuf,
                             size_t errlen)
{
    struct cred_set src;
    int rc = cred_fetch(r->source, &src, errbuf, errlen);
    if (rc)
        return rc;
    rc = cred_sts_assume_role(r, &src.c, out, errbuf, errlen);
    cred_set_clear(&src);
    return rc;
}

/* ~/.aws/sso/cache/<sha1 of the session name or start URL>.json */
static int sso_cache_path(const char *key, char *out, size_t len)
{
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)key, strlen(key), md);
    char hex[2 * SHA_DIGEST_LENGTH + 1];
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    const char *home = getenv("HOME");
    return snprintf(out, len, "%s/.aws/sso/cache/%s.json", home ? home : "", hex) < (int)len ? 0 : -1;
}

static int fetch_sso(const struct cred_recipe *r, struct cred_set *out, char *errbuf, size_t errlen)
{
    char path[1024], url[1024], hdr[8192];
    char *cache = sso_cache_path(r->sso_cache_key, path, sizeof path) ? NULL : read_small(path, 1 << 20);
    char *token = NULL;
    time_t expires = 0;
    int rc = cache ? cred_json_sso_token(cache, strlen(cache), &token, &expires, errbuf, errlen)
                   : S3E_ECREDS;
    cred_wipe(cache);
    if (rc || (expires && expires <= time(NULL))) {
        snprintf(errbuf, errlen, "profile '%s' is an SSO profile whose token is %s (%s): run "
                 "`aws sso login --profile %s`", r->profile, rc ? "not cached" : "expired", path,
                 r->profile);
        cred_wipe(token);
        return S3E_ECREDS;
    }
    const char *ep = getenv("AWS_ENDPOINT_URL_SSO");
    struct s3e_buf q, ans;
    s3e_buf_init(&q, 0);
    s3e_buf_init(&ans, 0);
    rc = s3e_buf_puts(&q, "/federation/credentials?role_name=");
    if (!rc) rc = s3e_uri_encode(&q, r->sso_role, strlen(r->sso_role), 0);
    if (!rc) rc = s3e_buf_puts(&q, "&account_id=");
    if (!rc) rc = s3e_uri_encode(&q, r->sso_account, strlen(r->sso_account), 0);
    if (ep && *ep)
        snprintf(url, sizeof url, "%s%s", ep, s3e_buf_cstr(&q));
    else
        snprintf(url, sizeof url, "https://portal.sso.%s.amazonaws.com%s", r->sso_region, s3e_buf_cstr(&q));
    snprintf(hdr, sizeof hdr, "x-amz-sso_bearer_token: %s", token);
    struct cred_http h = { .method = "GET", .url = url, .headers = { hdr }, .ca_bundle = r->ca_bundle,
                           .connect_timeout_ms = 5000, .timeout_ms = 30000 };
    long status = 0;
    if (!rc)
        rc = cred_http_send(&h, &status, &ans, errbuf, errlen);
    if (!rc && status != 200) {
        snprintf(errbuf, errlen, "SSO GetRoleCredentials answered HTTP %ld (%s)", status, url);
        rc = S3E_ECREDS;
    }
    if (!rc)
        rc = cred_json_sso(s3e_buf_cstr(&ans), ans.len, out, errbuf, errlen);
    memset(hdr, 0, sizeof hdr);
    cred_wipe(token);
    s3e_buf_free(&q);
    s3e_buf_free(&ans);
    return rc ? S3E_ECREDS : S3E_OK;
}

int cred_fetch(const struct cred_recipe *r, struct cred_set *out, char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof *out);
    switch (r->kind) {
    case CRED_STATIC: return fetch_static(r, out);
    case CRED_PROCESS: return fetch_process(r, out, errbuf, errlen);
    case CRED_WEB_IDENTITY: return fetch_web_identity(r, out, errbuf, errlen);
    case CRED_ASSUME_ROLE: return fetch_assume_role(r, out, errbuf, errlen);
    case CRED_SSO: return fetch_sso(r, out, errbuf, errlen);
    case CRED_CONTAINER: return cred_fetch_container(out, errbuf, errlen);
    case CRED_IMDS: return cred_fetch_imds(out, errbuf, errlen);
    }
    return S3E_ECREDS;
}
