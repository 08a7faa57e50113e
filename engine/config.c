/* config.c - credentials, region and endpoint, found the way AWS tools find them. */
#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"
#include "s3engine/uri.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values read from one profile of the shared files. */
struct profile_values {
    char *access_key, *secret_key, *session_token, *region, *endpoint, *ca_bundle;
    char *max_attempts, *addressing;
};

static void profile_free(struct profile_values *p)
{
    free(p->access_key);
    free(p->secret_key);
    free(p->session_token);
    free(p->region);
    free(p->endpoint);
    free(p->ca_bundle);
    free(p->max_attempts);
    free(p->addressing);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

/* Set *slot from `value` unless an earlier file already set it. */
static int keep_first(char **slot, const char *value)
{
    if (*slot)
        return S3E_OK;
    *slot = strdup(value);
    return *slot ? S3E_OK : S3E_ENOMEM;
}

static int store_value(struct profile_values *p, const char *key, const char *value)
{
    static const struct { const char *name; size_t off; } keys[] = {
        { "aws_access_key_id", offsetof(struct profile_values, access_key) },
        { "aws_secret_access_key", offsetof(struct profile_values, secret_key) },
        { "aws_session_token", offsetof(struct profile_values, session_token) },
        { "region", offsetof(struct profile_values, region) },
        { "endpoint_url", offsetof(struct profile_values, endpoint) },
        { "ca_bundle", offsetof(struct profile_values, ca_bundle) },
        { "max_attempts", offsetof(struct profile_values, max_attempts) },
        { "addressing_style", offsetof(struct profile_values, addressing) },
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i].name) == 0)
            return keep_first((char **)((char *)p + keys[i].off), value);
    return S3E_OK; /* other settings are not ours */
}

/* Is this "[section]" line the profile we want? In the config file, profiles
 * other than default are written "[profile NAME]". */
static int section_matches(const char *section, const char *profile, int is_config)
{
    if (strcmp(section, profile) == 0)
        return 1; /* "[NAME]": the credentials file's form, accepted in both */
    if (is_config && strncmp(section, "profile", 7) == 0 && isspace((unsigned char)section[7]))
        return strcmp(trim((char *)section + 8), profile) == 0;
    return 0;
}

/* Read one INI file. Missing file: not an error. *found is set when the
 * profile's section exists. */
static int read_profile_file(const char *path, const char *profile, int is_config,
                             struct profile_values *p, int *found, char *errbuf, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return S3E_OK;
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        return S3E_EIO;
    }
    char line[4096];
    int in_section = 0, lineno = 0, rc = S3E_OK;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end) {
                snprintf(errbuf, errlen, "%s:%d: malformed section header", path, lineno);
                rc = S3E_EPARSE;
                break;
            }
            *end = '\0';
            in_section = section_matches(trim(s + 1), profile, is_config);
            *found |= in_section;
            continue;
        }
        if (!in_section)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            if (isspace((unsigned char)line[0]))
                continue; /* nested settings (e.g. "s3 =" sub-keys) */
            snprintf(errbuf, errlen, "%s:%d: expected 'name = value'", path, lineno);
            rc = S3E_EPARSE;
            break;
        }
        *eq = '\0';
        rc = store_value(p, trim(s), trim(eq + 1));
    }
    fclose(f);
    return rc;
}

static int shared_file(char *out, size_t len, const char *env_name, const char *rel)
{
    const char *v = env(env_name);
    if (v)
        return snprintf(out, len, "%s", v) < (int)len ? 0 : -1;
    const char *home = env("HOME");
    if (!home)
        return -1;
    return snprintf(out, len, "%s/.aws/%s", home, rel) < (int)len ? 0 : -1;
}

static int read_profile(const char *profile, int explicit_profile, struct profile_values *p,
                        char *errbuf, size_t errlen)
{
    char cred_path[1024], conf_path[1024];
    int found = 0, rc = S3E_OK;
    if (shared_file(cred_path, sizeof cred_path, "AWS_SHARED_CREDENTIALS_FILE", "credentials") == 0)
        rc = read_profile_file(cred_path, profile, 0, p, &found, errbuf, errlen);
    if (!rc && shared_file(conf_path, sizeof conf_path, "AWS_CONFIG_FILE", "config") == 0)
        rc = read_profile_file(conf_path, profile, 1, p, &found, errbuf, errlen);
    if (!rc && explicit_profile && !found) {
        snprintf(errbuf, errlen, "profile '%s' was not found in %s or %s", profile, cred_path,
                 conf_path);
        rc = S3E_ECREDS;
    }
    return rc;
}

static int dup_first(char **out, const char *a, const char *b, const char *c, const char *d)
{
    const char *v = a ? a : b ? b : c ? c : d;
    *out = v ? strdup(v) : NULL;
    return (v && !*out) ? S3E_ENOMEM : S3E_OK;
}

static int is_aws_host(const char *endpoint)
{
    return strstr(endpoint, ".amazonaws.com") != NULL;
}

static int set_endpoint(struct s3e_config *cfg, const char *ep, char *errbuf, size_t errlen)
{
    if (ep) {
        if (strncmp(ep, "http://", 7) != 0 && strncmp(ep, "https://", 8) != 0) {
            snprintf(errbuf, errlen, "endpoint '%s' must start with http:// or https://", ep);
            return S3E_EINVAL;
        }
        cfg->endpoint = strdup(ep);
        if (!cfg->endpoint)
            return S3E_ENOMEM;
        size_t n = strlen(cfg->endpoint);
        while (n > 8 && cfg->endpoint[n - 1] == '/')
            cfg->endpoint[--n] = '\0';
        cfg->custom_endpoint = 1;
        return S3E_OK;
    }
    char buf[256];
    snprintf(buf, sizeof buf, "https://s3.%s.amazonaws.com", cfg->region);
    cfg->endpoint = strdup(buf);
    return cfg->endpoint ? S3E_OK : S3E_ENOMEM;
}

/* Region: a name like "us-east-1" or a radosgw zonegroup; it goes into the
 * signature's scope and the Authorization header. */
static const char *region_problem(const char *region)
{
    size_t n = strlen(region);
    if (n == 0 || n >= 64)
        return "must be 1 to 63 characters";
    for (const char *c = region; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
            return "may hold only letters, digits, '-', '_' and '.'";
    return NULL;
}

/* Endpoint: scheme://host[:port] and nothing else (the host goes into the
 * Host header and the signature; a path, user or query would not). */
static const char *endpoint_problem(const char *endpoint)
{
    const char *host = strstr(endpoint, "://");
    if (!host || !host[3])
        return "has no host";
    for (const unsigned char *c = (const unsigned char *)host + 3; *c; c++) {
        if (*c <= ' ' || *c >= 0x7F)
            return "holds a space, a control or a non-ASCII character";
        if (strchr("/?#@\\", *c))
            return "must be scheme://host[:port], without a path, query or user";
    }
    return NULL;
}

/* Every value that ends up in a request header: a usage error (S3E_EINVAL)
 * when one holds CR/LF or other control characters. Values are not quoted
 * back: some are secret, and the others are what broke the line. */
static int check_values(const struct s3e_config *cfg, char *errbuf, size_t errlen)
{
    const char *ak = cfg->creds.access_key ? cfg->creds.access_key : "";
    const char *tok = cfg->creds.session_token ? cfg->creds.session_token : "";
    const struct { const char *what, *why; } checks[] = {
        { "region", region_problem(cfg->region) },
        { "endpoint", endpoint_problem(cfg->endpoint) },
        { "access key id", s3e_header_value_problem(ak) },
        { "access key id", strchr(ak, ' ') ? "contains a space" : NULL },
        { "session token", s3e_header_value_problem(tok) },
        { "profile name", s3e_header_value_problem(cfg->profile) },
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        if (!checks[i].why)
            continue;
        snprintf(errbuf, errlen, "%s %s (from the command line, the environment or profile '%s')",
                 checks[i].what, checks[i].why,
                 s3e_header_value_problem(cfg->profile) ? "?" : cfg->profile);
        return S3E_EINVAL;
    }
    return S3E_OK;
}

static int path_style_default(const struct s3e_config_overrides *ov, const char *addressing,
                              const char *endpoint)
{
    if (ov && ov->path_style >= 0)
        return ov->path_style;
    const char *e = env("S3E_ADDRESSING");
    if (!e)
        e = addressing;
    if (e && strcmp(e, "path") == 0)
        return 1;
    if (e && strcmp(e, "virtual") == 0)
        return 0;
    return !is_aws_host(endpoint);
}

int s3e_config_load(struct s3e_config *out, const struct s3e_config_overrides *ov,
                    char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (errlen)
        errbuf[0] = '\0';
    struct profile_values p = { 0 };
    const char *profile = (ov && ov->profile) ? ov->profile : env("AWS_PROFILE");
    int explicit_profile = profile != NULL;
    if (!profile)
        profile = "default";
    int rc = read_profile(profile, explicit_profile, &p, errbuf, errlen);
    const char *ak = env("AWS_ACCESS_KEY_ID"), *sk = env("AWS_SECRET_ACCESS_KEY");
    int from_env = ak && sk;
    if (!rc)
        rc = dup_first(&out->creds.access_key, from_env ? ak : p.access_key, NULL, NULL, NULL);
    if (!rc)
        rc = dup_first(&out->creds.secret_key, from_env ? sk : p.secret_key, NULL, NULL, NULL);
    if (!rc)
        rc = dup_first(&out->creds.session_token,
                       from_env ? env("AWS_SESSION_TOKEN") : p.session_token, NULL, NULL, NULL);
    if (!rc)
        rc = dup_first(&out->profile, profile, NULL, NULL, NULL);
    if (!rc)
        rc = dup_first(&out->region, ov ? ov->region : NULL, env("AWS_REGION"),
                       env("AWS_DEFAULT_REGION"), p.region ? p.region : "us-east-1");
    if (!rc)
        rc = dup_first(&out->ca_bundle, env("AWS_CA_BUNDLE"), p.ca_bundle, NULL, NULL);
    if (!rc) {
        const char *ep = ov && ov->endpoint ? ov->endpoint : env("AWS_ENDPOINT_URL_S3");
        rc = set_endpoint(out, ep ? ep : env("AWS_ENDPOINT_URL") ? env("AWS_ENDPOINT_URL") : p.endpoint,
                          errbuf, errlen);
    }
    if (!rc) /* before the credentials: a bad --region is a usage error either way */
        rc = check_values(out, errbuf, errlen);
    if (!rc && (!out->creds.access_key || !out->creds.secret_key)) {
        snprintf(errbuf, errlen,
                 "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                 "aws_access_key_id/aws_secret_access_key in profile '%s' of ~/.aws/credentials",
                 profile);
        rc = S3E_ECREDS;
    }
    if (!rc) {
        out->path_style = path_style_default(ov, p.addressing, out->endpoint);
        out->verify_tls = (ov && ov->verify_tls == 0) ? 0 : 1;
        out->connect_timeout_ms = 10000;
        out->request_timeout_ms = ov && ov->request_timeout_ms > 0 ? ov->request_timeout_ms
                                                                   : S3E_DEFAULT_REQUEST_TIMEOUT_MS;
        out->copy_timeout_ms = ov && ov->copy_timeout_ms > 0 ? ov->copy_timeout_ms
                                                             : S3E_DEFAULT_COPY_TIMEOUT_MS;
        const char *ma = env("AWS_MAX_ATTEMPTS") ? env("AWS_MAX_ATTEMPTS") : p.max_attempts;
        long attempts = ma ? strtol(ma, NULL, 10) : 6;
        out->max_attempts = (ov && ov->max_attempts > 0) ? ov->max_attempts
                          : (attempts >= 1 && attempts <= 100) ? (int)attempts : 6;
    }
    profile_free(&p);
    if (rc)
        s3e_config_free(out);
    return rc;
}

void s3e_config_free(struct s3e_config *cfg)
{
    free(cfg->creds.access_key);
    if (cfg->creds.secret_key) /* wipe secrets before giving the memory back */
        memset(cfg->creds.secret_key, 0, strlen(cfg->creds.secret_key));
    free(cfg->creds.secret_key);
    if (cfg->creds.session_token)
        memset(cfg->creds.session_token, 0, strlen(cfg->creds.session_token));
    free(cfg->creds.session_token);
    free(cfg->profile);
    free(cfg->region);
    free(cfg->endpoint);
    free(cfg->ca_bundle);
    memset(cfg, 0, sizeof *cfg);
}

/* Virtual-hosted addressing needs a bucket name that is a valid DNS label. */
static int dns_compatible(const char *bucket)
{
    for (const char *c = bucket; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
            return 0;
    return *bucket != '\0';
}

int s3e_config_address(const struct s3e_config *cfg, const char *bucket, const char *key,
                       const char *query, struct s3e_buf *out_url, struct s3e_buf *out_host,
                       struct s3e_buf *out_path)
{
    s3e_buf_reset(out_url);
    s3e_buf_reset(out_host);
    s3e_buf_reset(out_path);
    const char *ep = cfg->endpoint;
    const char *sep = strstr(ep, "://");
    if (!sep)
        return S3E_EINVAL;
    const char *host = sep + 3;
    int path_style = cfg->path_style || !bucket || !dns_compatible(bucket);
    int rc = S3E_OK;
    if (bucket && !path_style)
        rc = s3e_buf_printf(out_host, "%s.%s", bucket, host);
    else
        rc = s3e_buf_puts(out_host, host);
    if (!rc)
        rc = s3e_buf_putc(out_path, '/');
    if (!rc && bucket && path_style) {
        rc = s3e_uri_encode(out_path, bucket, strlen(bucket), 0);
        if (!rc && key)
            rc = s3e_buf_putc(out_path, '/');
    }
    if (!rc && key)
        rc = s3e_uri_encode(out_path, key, strlen(key), 1);
    if (!rc)
        rc = s3e_buf_printf(out_url, "%.*s://%s%s%s%s", (int)(sep - ep), ep, out_host->data,
                            out_path->data, (query && *query) ? "?" : "", query ? query : "");
    return rc;
}
