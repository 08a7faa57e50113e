/* cred_machine.c - credentials the machine hands out: the container
 * credentials endpoint (ECS, EKS Pod Identity, AWS Batch) and EC2 instance
 * metadata, IMDSv2 only (a session token PUT first). */
#include "cred_int.h"
#include "s3engine/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONTAINER_HOST "http://169.254.170.2"
#define CONTAINER_CONNECT_MS 2000
#define CONTAINER_TIMEOUT_MS 5000
#define IMDS_HOST "http://169.254.169.254"
#define IMDS_CONNECT_MS 1000 /* a laptop without IMDS must not wait */
#define IMDS_TIMEOUT_MS 2000
#define IMDS_TOKEN_TTL "21600"

/* The host of an http(s) URL, without brackets or port, into out. */
static int url_host(const char *url, char *out, size_t len)
{
    const char *h = strstr(url, "://");
    if (!h)
        return -1;
    h += 3;
    const char *end;
    if (*h == '[') {
        end = strchr(++h, ']');
        if (!end)
            return -1;
    } else {
        end = h + strcspn(h, ":/?#");
    }
    if ((size_t)(end - h) >= len || end == h)
        return -1;
    memcpy(out, h, (size_t)(end - h));
    out[end - h] = '\0';
    return 0;
}

int cred_container_url_allowed(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return 1;
    if (strncasecmp(url, "http://", 7) != 0)
        return 0;
    char host[256];
    if (url_host(url, host, sizeof host))
        return 0;
    static const char *const allowed[] = { "localhost", "::1", "169.254.170.2", "169.254.170.23",
                                           "fd00:ec2::23" };
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (strcasecmp(host, allowed[i]) == 0)
            return 1;
    int a, b, c, d;
    char tail;
    return sscanf(host, "%d.%d.%d.%d%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b >= 0 &&
           b < 256 && c >= 0 && c < 256 && d >= 0 && d < 256; /* 127.0.0.0/8 */
}

static char *read_token_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    while (n && isspace((unsigned char)buf[n - 1]))
        n--;
    buf[n] = '\0';
    char *s = strdup(buf);
    memset(buf, 0, sizeof buf);
    return s;
}

int cred_fetch_container(struct cred_set *out, char *errbuf, size_t errlen)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const char *token_file = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *token_env = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    char url[2048];
    if (rel && *rel)
        snprintf(url, sizeof url, "%s%s%s", CONTAINER_HOST, *rel == '/' ? "" : "/", rel);
    else if (full && *full && cred_container_url_allowed(full))
        snprintf(url, sizeof url, "%s", full);
    else {
        snprintf(errbuf, errlen, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a "
                 "loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23");
        return S3E_ECREDS;
    }
    char *token = NULL;
    if (token_file && *token_file) {
        token = read_token_file(token_file);
        if (!token) {
            snprintf(errbuf, errlen, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s cannot be read", token_file);
            return S3E_ECREDS;
        }
    } else if (token_env && *token_env) {
        token = strdup(token_env);
    }
    struct s3e_buf hdr, ans;
    s3e_buf_init(&hdr, 0);
    s3e_buf_init(&ans, 0);
    int rc = token ? s3e_buf_printf(&hdr, "Authorization: %s", token) : S3E_OK;
    struct cred_http h = { .method = "GET", .url = url, .headers = { token ? s3e_buf_cstr(&hdr) : NULL },
                           .connect_timeout_ms = CONTAINER_CONNECT_MS, .timeout_ms = CONTAINER_TIMEOUT_MS };
    long status = 0;
    if (!rc)
        rc = cred_http_send(&h, &status, &ans, errbuf, errlen);
    if (!rc && status != 200) {
        snprintf(errbuf, errlen, "container credentials: HTTP %ld from %s", status, url);
        rc = S3E_ECREDS;
    }
    if (!rc)
        rc = cred_json_container(s3e_buf_cstr(&ans), ans.len, out, errbuf, errlen);
    if (hdr.data)
        memset(hdr.data, 0, hdr.cap);
    if (token)
        memset(token, 0, strlen(token));
    free(token);
    s3e_buf_free(&hdr);
    s3e_buf_free(&ans);
    return rc ? S3E_ECREDS : S3E_OK;
}

/* One IMDS exchange; the answer must be 200. */
static int imds(const char *method, const char *url, const char *header, struct s3e_buf *ans,
                char *errbuf, size_t errlen)
{
    struct cred_http h = { .method = method, .url = url, .headers = { header },
                           .body = strcmp(method, "PUT") == 0 ? "" : NULL,
                           .connect_timeout_ms = IMDS_CONNECT_MS, .timeout_ms = IMDS_TIMEOUT_MS };
    long status = 0;
    int rc = cred_http_send(&h, &status, ans, errbuf, errlen);
    if (!rc && status != 200) {
        snprintf(errbuf, errlen, "EC2 instance metadata: HTTP %ld from %s %s", status, method, url);
        rc = S3E_ECREDS;
    }
    return rc ? S3E_ECREDS : S3E_OK;
}

int cred_fetch_imds(struct cred_set *out, char *errbuf, size_t errlen)
{
    const char *base = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    char root[512], url[1024], hdr[1024];
    snprintf(root, sizeof root, "%s", base && *base ? base : IMDS_HOST);
    size_t n = strlen(root);
    while (n > 8 && root[n - 1] == '/')
        root[--n] = '\0';
    struct s3e_buf ans;
    s3e_buf_init(&ans, 0);
    snprintf(url, sizeof url, "%s/latest/api/token", root);
    int rc = imds("PUT", url, "X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL, &ans, errbuf, errlen);
    if (!rc && (ans.len == 0 || ans.len > 512 || strpbrk(s3e_buf_cstr(&ans), "\r\n"))) {
        snprintf(errbuf, errlen, "EC2 instance metadata: a malformed session token");
        rc = S3E_ECREDS;
    }
    if (!rc) {
        snprintf(hdr, sizeof hdr, "X-aws-ec2-metadata-token: %s", s3e_buf_cstr(&ans));
        snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/", root);
        rc = imds("GET", url, hdr, &ans, errbuf, errlen);
    }
    if (!rc) {
        const char *role = s3e_buf_cstr(&ans);
        size_t rlen = strcspn(role, "\r\n");
        if (rlen == 0 || strcspn(role, "/?#% ") < rlen) {
            snprintf(errbuf, errlen, "EC2 instance metadata: the instance has no IAM role");
            rc = S3E_ECREDS;
        } else {
            snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/%.*s", root,
                     (int)rlen, role);
            rc = imds("GET", url, hdr, &ans, errbuf, errlen);
        }
    }
    if (!rc)
        rc = cred_json_container(s3e_buf_cstr(&ans), ans.len, out, errbuf, errlen);
    memset(hdr, 0, sizeof hdr);
    s3e_buf_free(&ans);
    return rc ? S3E_ECREDS : S3E_OK;
}
