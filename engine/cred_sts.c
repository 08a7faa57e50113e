/* cred_sts.c - STS AssumeRole (signed with the source credentials) and
 * AssumeRoleWithWebIdentity (unsigned) at the regional endpoint, and their
 * XML answers. */
#include "cred_int.h"
#include "s3engine/error.h"
#include "s3engine/s3xml.h"
#include "s3engine/sigv4.h"
#include "s3engine/uri.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
#define STS_CONNECT_MS 5000
#define STS_TIMEOUT_MS 30000

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

static const char *text(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n = child(parent, name);
    return n && n->children && n->children->type == XML_TEXT_NODE
               ? (const char *)n->children->content : NULL;
}

/* AWS: <ErrorResponse><Error><Code/><Message/></Error></ErrorResponse>;
 * radosgw: <Error><Code/><Message/></Error>, as its S3 errors. */
static void sts_error(xmlNodePtr root, char *errbuf, size_t errlen)
{
    xmlNodePtr e = root && strcmp((const char *)root->name, "Error") == 0 ? root : child(root, "Error");
    const char *code = text(e, "Code"), *msg = text(e, "Message");
    snprintf(errbuf, errlen, "STS: %s%s%s", code ? code : "an answer without credentials",
             msg ? ": " : "", msg ? msg : "");
}

int cred_sts_parse(const char *xml, size_t len, struct cred_set *out, char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = len && len < 0x7fffffff ? xmlReadMemory(xml, (int)len, "sts.xml", NULL, XML_OPTS) : NULL;
    if (!doc) {
        snprintf(errbuf, errlen, "STS: the answer is not XML");
        return S3E_ECREDS;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc), result = NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n && !result; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strstr((const char *)n->name, "Result"))
            result = n; /* AssumeRoleResult, AssumeRoleWithWebIdentityResult */
    xmlNodePtr c = child(result, "Credentials");
    const char *ak = text(c, "AccessKeyId"), *sk = text(c, "SecretAccessKey");
    const char *tok = text(c, "SessionToken"), *exp = text(c, "Expiration");
    int rc = S3E_OK;
    if (!ak || !sk || !tok) {
        sts_error(root, errbuf, errlen);
        rc = S3E_ECREDS;
    } else if (cred_dup(&out->c.access_key, ak) || cred_dup(&out->c.secret_key, sk) ||
               cred_dup(&out->c.session_token, tok)) {
        rc = S3E_ENOMEM;
    } else if (exp) {
        int64_t t = s3e_parse_time(exp);
        out->expiration = t > 0 ? (time_t)t : 0;
    }
    xmlFreeDoc(doc);
    if (rc)
        cred_set_clear(out);
    return rc;
}

/* AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL (as the SDKs read them), then
 * the regional endpoint. */
int cred_sts_endpoint(const char *region, char *out, size_t len)
{
    const char *ep = getenv("AWS_ENDPOINT_URL_STS");
    if (!ep || !*ep)
        ep = getenv("AWS_ENDPOINT_URL");
    int n = ep && *ep ? snprintf(out, len, "%s", ep)
                      : snprintf(out, len, "https://sts.%s.amazonaws.com", region ? region : "us-east-1");
    if (n < 0 || (size_t)n >= len)
        return S3E_EINVAL;
    while (n > 8 && out[n - 1] == '/')
        out[--n] = '\0';
    return S3E_OK;
}

static int form(struct s3e_buf *b, const char *name, const char *value)
{
    if (!value)
        return S3E_OK;
    int rc = s3e_buf_printf(b, "%s%s=", b->len ? "&" : "", name);
    return rc ? rc : s3e_uri_encode(b, value, strlen(value), 0);
}

static int role_form(const struct cred_recipe *r, const char *action, struct s3e_buf *b)
{
    char session[64], duration[16];
    snprintf(session, sizeof session, "s3engine-%lld", (long long)time(NULL));
    snprintf(duration, sizeof duration, "%ld", r->duration_s);
    int rc = form(b, "Action", action);
    if (!rc) rc = form(b, "Version", "2011-06-15");
    if (!rc) rc = form(b, "RoleArn", r->role_arn);
    if (!rc) rc = form(b, "RoleSessionName", r->session_name ? r->session_name : session);
    if (!rc && r->duration_s) rc = form(b, "DurationSeconds", duration);
    if (!rc) rc = form(b, "ExternalId", r->external_id);
    return rc;
}

/* POST the form; the answer parsed into *out. */
static int post(const struct cred_recipe *r, const char *url, const char *const *headers,
                const char *body, struct cred_set *out, char *errbuf, size_t errlen)
{
    struct cred_http h = { .method = "POST", .url = url, .body = body, .ca_bundle = r->ca_bundle,
                           .connect_timeout_ms = STS_CONNECT_MS, .timeout_ms = STS_TIMEOUT_MS };
    for (size_t i = 0; headers[i] && i < 7; i++)
        h.headers[i] = headers[i];
    struct s3e_buf ans;
    s3e_buf_init(&ans, 0);
    long status = 0;
    int rc = cred_http_send(&h, &status, &ans, errbuf, errlen);
    if (rc) {
        rc = S3E_ECREDS;
    } else {
        rc = cred_sts_parse(s3e_buf_cstr(&ans), ans.len, out, errbuf, errlen);
        size_t n = strlen(errbuf);
        if (rc && n < errlen)
            snprintf(errbuf + n, errlen - n, " (HTTP %ld from %s)", status, url);
    }
    s3e_buf_free(&ans);
    return rc;
}

int cred_sts_assume_role(const struct cred_recipe *r, const struct s3e_creds *signer,
                         struct cred_set *out, char *errbuf, size_t errlen)
{
    char url[512], amz_date[17], hash[65];
    if (cred_sts_endpoint(r->region, url, sizeof url)) {
        snprintf(errbuf, errlen, "the STS endpoint is too long");
        return S3E_ECREDS;
    }
    const char *host = strstr(url, "://") ? strstr(url, "://") + 3 : url;
    struct s3e_buf body, auth, hdr[4];
    s3e_buf_init(&body, 0);
    s3e_buf_init(&auth, 0);
    for (int i = 0; i < 4; i++)
        s3e_buf_init(&hdr[i], 0);
    int rc = role_form(r, "AssumeRole", &body);
    s3e_sigv4_amz_date(time(NULL), amz_date);
    s3e_sha256_hex(s3e_buf_cstr(&body), body.len, hash);
    const char *ctype = "application/x-www-form-urlencoded; charset=utf-8";
    struct s3e_header hs[4] = { { "content-type", ctype }, { "host", host },
                                { "x-amz-date", amz_date }, { "x-amz-security-token", signer->session_token } };
    size_t nh = signer->session_token ? 4 : 3;
    struct s3e_sigv4_input in = { "POST", "/", "", hs, nh, hash };
    struct s3e_sigv4_cache cache;
    memset(&cache, 0, sizeof cache);
    if (!rc)
        rc = s3e_sigv4_authorization(&cache, signer, r->region ? r->region : "us-east-1", "sts",
                                     amz_date, &in, &auth);
    memset(&cache, 0, sizeof cache);
    if (!rc) rc = s3e_buf_printf(&hdr[0], "Content-Type: %s", ctype);
    if (!rc) rc = s3e_buf_printf(&hdr[1], "X-Amz-Date: %s", amz_date);
    if (!rc) rc = s3e_buf_printf(&hdr[2], "Authorization: %s", s3e_buf_cstr(&auth));
    if (!rc && signer->session_token)
        rc = s3e_buf_printf(&hdr[3], "X-Amz-Security-Token: %s", signer->session_token);
    const char *headers[5] = { s3e_buf_cstr(&hdr[0]), s3e_buf_cstr(&hdr[1]), s3e_buf_cstr(&hdr[2]),
                               signer->session_token ? s3e_buf_cstr(&hdr[3]) : NULL, NULL };
    if (!rc)
        rc = post(r, url, headers, s3e_buf_cstr(&body), out, errbuf, errlen);
    else
        snprintf(errbuf, errlen, "STS AssumeRole: %s", s3e_strerror(rc));
    s3e_buf_free(&body);
    s3e_buf_free(&auth);
    for (int i = 0; i < 4; i++) {
        if (hdr[i].data) /* the token and signature */
            memset(hdr[i].data, 0, hdr[i].cap);
        s3e_buf_free(&hdr[i]);
    }
    return rc ? S3E_ECREDS : S3E_OK;
}

int cred_sts_web_identity(const struct cred_recipe *r, const char *token, struct cred_set *out,
                          char *errbuf, size_t errlen)
{
    char url[512];
    if (cred_sts_endpoint(r->region, url, sizeof url)) {
        snprintf(errbuf, errlen, "the STS endpoint is too long");
        return S3E_ECREDS;
    }
    struct s3e_buf body;
    s3e_buf_init(&body, 0);
    int rc = role_form(r, "AssumeRoleWithWebIdentity", &body);
    if (!rc)
        rc = form(&body, "WebIdentityToken", token);
    const char *headers[] = { "Content-Type: application/x-www-form-urlencoded; charset=utf-8", NULL };
    if (!rc)
        rc = post(r, url, headers, s3e_buf_cstr(&body), out, errbuf, errlen);
    if (body.data)
        memset(body.data, 0, body.cap);
    s3e_buf_free(&body);
    return rc ? S3E_ECREDS : S3E_OK;
}
