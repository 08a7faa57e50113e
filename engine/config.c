/* config.c - credentials, region and endpoint, found the way AWS tools find them. */
#include "s3engine/config.h"
#include "cred_int.h"
#include "s3engine/cred.h"
#include "s3engine/error.h"
#include "s3engine/keycheck.h"
#include "s3engine/region.h"
#include "s3engine/uri.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The profile's settings other than credentials (cred_ini.c reads the files). */
struct profile_values {
    const char *region, *endpoint, *ca_bundle, *max_attempts, *addressing;
};

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

static int read_profile(const char *profile, int explicit_profile, struct cred_ini **ini,
                        struct profile_values *p, char *errbuf, size_t errlen)
{
    int rc = cred_ini_load(ini, errbuf, errlen);
    if (rc)
        return rc;
    if (explicit_profile && !cred_ini_has_profile(*ini, profile)) {
        snprintf(errbuf, errlen, "profile '%s' was not found in the shared credentials or config "
                 "file (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, ~/.aws)", profile);
        return S3E_ECREDS;
    }
    p->region = cred_ini_get(*ini, profile, "region");
    p->endpoint = cred_ini_get(*ini, profile, "endpoint_url");
    p->ca_bundle = cred_ini_get(*ini, profile, "ca_bundle");
    p->max_attempts = cred_ini_get(*ini, profile, "max_attempts");
    p->addressing = cred_ini_get(*ini, profile, "addressing_style");
    return S3E_OK;
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

int s3e_config_is_aws(const struct s3e_config *cfg)
{
    return !cfg->custom_endpoint || is_aws_host(cfg->endpoint);
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
    /* a region too long to fit is refused by check_values, by name */
    (void)s3e_region_endpoint(cfg->region, buf, sizeof buf);
    cfg->endpoint = strdup(buf);
    return cfg->endpoint ? S3E_OK : S3E_ENOMEM;
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

const char *s3e_config_endpoint_problem(const char *endpoint)
{
    if (strncmp(endpoint, "http://", 7) != 0 && strncmp(endpoint, "https://", 8) != 0)
        return "must start with http:// or https://";
    return endpoint_problem(endpoint);
}

int s3e_config_profile_exists(const char *profile)
{
    struct cred_ini *ini = NULL;
    char ignored[256];
    int found = cred_ini_load(&ini, ignored, sizeof ignored) == S3E_OK &&
                cred_ini_has_profile(ini, profile);
    cred_ini_free(ini);
    return found;
}

/* Every value that ends up in a request header: a usage error (S3E_EINVAL)
 * when one holds CR/LF or other control characters. Values are not quoted
 * back: some are secret, and the others are what broke the line. */
static int check_values(const struct s3e_config *cfg, char *errbuf, size_t errlen)
{
    const char *ak = cfg->creds.access_key ? cfg->creds.access_key : "";
    const char *tok = cfg->creds.session_token ? cfg->creds.session_token : "";
    const struct { const char *what, *why; } checks[] = {
        { "region", s3e_region_problem(cfg->region) },
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
    struct cred_ini *ini = NULL;
    const char *profile = (ov && ov->profile) ? ov->profile : env("AWS_PROFILE");
    int explicit_profile = profile != NULL;
    if (!profile)
        profile = "default";
    int rc = read_profile(profile, explicit_profile, &ini, &p, errbuf, errlen);
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
    if (!rc)
        rc = s3e_regions_new(&out->regions);
    if (!rc)
        rc = s3e_cred_provider_new(&out->cred, profile, ov && ov->profile ? 2 : explicit_profile,
                                   out->region, errbuf, errlen);
    unsigned long gen = 0;
    if (!rc)
        rc = s3e_cred_provider_get(out->cred, &out->creds, &gen, errbuf, errlen);
    if (!rc) /* the credentials go into headers too */
        rc = check_values(out, errbuf, errlen);
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
    cred_ini_free(ini);
    if (rc)
        s3e_config_free(out);
    return rc;
}

void s3e_config_free(struct s3e_config *cfg)
{
    s3e_creds_clear(&cfg->creds); /* wipes secrets before giving the memory back */
    s3e_cred_provider_free(cfg->cred);
    s3e_regions_free(cfg->regions);
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
    return s3e_config_address_in(cfg, cfg->region, bucket, key, query, out_url, out_host,
                                 out_path);
}

int s3e_config_address_in(const struct s3e_config *cfg, const char *region, const char *bucket,
                          const char *key, const char *query, struct s3e_buf *out_url,
                          struct s3e_buf *out_host, struct s3e_buf *out_path)
{
    s3e_buf_reset(out_url);
    s3e_buf_reset(out_host);
    s3e_buf_reset(out_path);
    const char *ep = cfg->endpoint;
    char regional[256]; /* AWS's endpoint of a bucket in another region; a custom
                           endpoint stays as it is, only the signature changes */
    if (!cfg->custom_endpoint && region && strcmp(region, cfg->region) != 0) {
        if (s3e_region_endpoint(region, regional, sizeof regional))
            return S3E_EINVAL;
        ep = regional;
    }
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
