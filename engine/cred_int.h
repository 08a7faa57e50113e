/* cred_int.h - what the credential files share: a fetched set of
 * credentials and the recipe that fetches it (again). Internal. */
#ifndef S3E_CRED_INT_H
#define S3E_CRED_INT_H

#include <stddef.h>
#include <time.h>
#include "s3engine/buf.h"
#include "s3engine/config.h"

/* Credentials as a source returned them. */
struct cred_set {
    struct s3e_creds c;
    time_t expiration; /* 0 = never */
};

/* cred_set.c: frees and zeroes s, its secrets overwritten first. */
void cred_set_clear(struct cred_set *s);
/* cred_set.c: overwrite a secret string, then free it (NULL is fine). */
void cred_wipe(char *s);

enum cred_kind {
    CRED_STATIC, CRED_WEB_IDENTITY, CRED_ASSUME_ROLE, CRED_PROCESS, CRED_SSO,
    CRED_CONTAINER, CRED_IMDS
};

/* How to get one set of credentials. Every string is owned. */
struct cred_recipe {
    enum cred_kind kind;
    char label[192];           /* shown by whoami: "profile:dev assume-role" */
    char *access_key, *secret_key, *session_token;       /* STATIC */
    char *role_arn, *session_name, *external_id;          /* ASSUME_ROLE, WEB_IDENTITY */
    long duration_s;                                      /* 0 = STS default */
    char *token_file;                                     /* WEB_IDENTITY */
    char *command;                                        /* PROCESS */
    char *sso_start_url, *sso_region, *sso_account, *sso_role, *sso_cache_key, *profile;
    char *region;                                         /* for STS */
    char *ca_bundle; /* STS, SSO: the profile's ca_bundle (AWS_CA_BUNDLE goes first) */
    struct cred_recipe *source; /* ASSUME_ROLE: whose credentials sign the call */
};

struct cred_recipe *cred_recipe_new(enum cred_kind kind, const char *label);
void cred_recipe_free(struct cred_recipe *r);
/* cred_set.c: strdup into *slot (NULL stays NULL). S3E_OK or S3E_ENOMEM. */
int cred_dup(char **slot, const char *v);

/* cred_fetch.c: run a recipe. S3E_OK or S3E_ECREDS with the reason. */
int cred_fetch(const struct cred_recipe *r, struct cred_set *out, char *errbuf, size_t errlen);

/* cred_machine.c: credentials the machine hands out. S3E_ECREDS with the
 * reason; for IMDS also when there is none (*errbuf says why). */
int cred_fetch_container(struct cred_set *out, char *errbuf, size_t errlen);
int cred_fetch_imds(struct cred_set *out, char *errbuf, size_t errlen);
/* 1 when AWS_CONTAINER_CREDENTIALS_FULL_URI may be used (https, or http to a
 * loopback address or the ECS/EKS agent addresses), as the SDKs allow. */
int cred_container_url_allowed(const char *url);

/* cred_ini.c: the shared config and credentials files. */
struct cred_ini;
int  cred_ini_load(struct cred_ini **out, char *errbuf, size_t errlen);
void cred_ini_free(struct cred_ini *ini);
/* A setting of a profile (credentials file first), NULL when absent. */
const char *cred_ini_get(const struct cred_ini *ini, const char *profile, const char *key);
/* 1 when the profile has a section in either file. */
int cred_ini_has_profile(const struct cred_ini *ini, const char *profile);
/* A setting of "[sso-session NAME]" in the config file. */
const char *cred_ini_sso_session(const struct cred_ini *ini, const char *session, const char *key);
/* Parse INI text as one file of the given kind (0 credentials, 1 config). */
int cred_ini_add_text(struct cred_ini *ini, const char *text, int is_config, const char *path,
                      char *errbuf, size_t errlen);
struct cred_ini *cred_ini_new(void);

/* cred_profile.c: a profile turned into a recipe; *out NULL when the profile
 * has no credential settings. S3E_ECREDS with the reason for one that cannot
 * be used. */
int cred_profile_recipe(const struct cred_ini *ini, const char *profile, const char *region,
                        struct cred_recipe **out, char *errbuf, size_t errlen);

/* cred_json.c: the JSON answers of credential_process, container credentials,
 * IMDS, SSO GetRoleCredentials and the SSO token cache. */
int cred_json_process(const char *json, size_t len, struct cred_set *out, char *errbuf, size_t errlen);
int cred_json_container(const char *json, size_t len, struct cred_set *out, char *errbuf, size_t errlen);
int cred_json_sso(const char *json, size_t len, struct cred_set *out, char *errbuf, size_t errlen);
/* The SSO cache file: accessToken (copied to *token, owned) and expiresAt. */
int cred_json_sso_token(const char *json, size_t len, char **token, time_t *expires,
                        char *errbuf, size_t errlen);
/* The value of a top-level or dotted ("a.b", "files.0.key": a number is an array
 * index) member as text; 1 found, 0 not, -1 malformed. */
int cred_json_get(const char *json, size_t len, const char *path, struct s3e_buf *out);
/* The text of the member at path whatever its type (an array, an object):
 * *start and *n; 1 found, 0 not, -1 malformed. */
int cred_json_span(const char *json, size_t len, const char *path, const char **start,
                   size_t *n);
/* The elements of an array's text one by one, in one pass: *pos starts at 0;
 * 1 an element (its text in *el, *n), 0 the end, -1 malformed. */
int cred_json_element(const char *arr, size_t len, size_t *pos, const char **el, size_t *n);

/* cred_sts.c: STS AssumeRole / AssumeRoleWithWebIdentity. */
int cred_sts_parse(const char *xml, size_t len, struct cred_set *out, char *errbuf, size_t errlen);
int cred_sts_endpoint(const char *region, char *out, size_t len);
int cred_sts_assume_role(const struct cred_recipe *r, const struct s3e_creds *signer,
                         struct cred_set *out, char *errbuf, size_t errlen);
int cred_sts_web_identity(const struct cred_recipe *r, const char *token, struct cred_set *out,
                          char *errbuf, size_t errlen);

/* cred_http.c: one small HTTP exchange for a credential source. */
struct cred_http {
    const char *method, *url;
    const char *headers[8];    /* "Name: value", NULL-terminated */
    const char *body;          /* NULL = none */
    long connect_timeout_ms, timeout_ms;
    const char *ca_bundle;     /* PEM file, or NULL; AWS_CA_BUNDLE goes first */
};
/* Status into *status, body into out (at most 256 KiB). S3E_OK when an HTTP
 * answer came (any status), S3E_ETRANSPORT with the reason otherwise. */
int cred_http_send(const struct cred_http *h, long *status, struct s3e_buf *out, char *errbuf,
                   size_t errlen);

#endif
