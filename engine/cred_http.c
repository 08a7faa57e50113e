/* cred_http.c - one small HTTP exchange with a credential source (STS, SSO,
 * container credentials, IMDS): short timeouts, a bounded answer, TLS
 * verified (AWS_CA_BUNDLE honoured). */
#include "cred_int.h"
#include "s3engine/error.h"
#include "s3engine/version.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ANSWER (256u << 10)

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    size_t n = size * nmemb;
    return s3e_buf_append(ud, data, n) ? 0 : n;
}

int cred_http_send(const struct cred_http *h, long *status, struct s3e_buf *out, char *errbuf,
                   size_t errlen)
{
    CURL *e = curl_easy_init();
    if (!e)
        return S3E_ENOMEM;
    struct curl_slist *list = NULL;
    int rc = S3E_OK;
    for (size_t i = 0; i < sizeof h->headers / sizeof h->headers[0] && h->headers[i] && !rc; i++) {
        struct curl_slist *l = curl_slist_append(list, h->headers[i]);
        if (!l)
            rc = S3E_ENOMEM;
        else
            list = l;
    }
    if (!rc) {
        struct curl_slist *l = curl_slist_append(list, "Expect:");
        rc = l ? S3E_OK : S3E_ENOMEM;
        list = l ? l : list;
    }
    char curl_err[CURL_ERROR_SIZE] = "";
    s3e_buf_free(out);
    s3e_buf_init(out, MAX_ANSWER);
    const char *ca = getenv("AWS_CA_BUNDLE");
    if (!ca || !*ca)
        ca = h->ca_bundle;
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_URL, h->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "s3engine/" S3E_VERSION);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    if (ca && *ca)
        curl_easy_setopt(e, CURLOPT_CAINFO, ca);
    if (h->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, h->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(h->body));
    }
    if (strcmp(h->method, "GET") != 0 && strcmp(h->method, "POST") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, h->method);
    if (!rc) {
        CURLcode cc = curl_easy_perform(e);
        if (cc != CURLE_OK) {
            snprintf(errbuf, errlen, "%s %s: %s", h->method, h->url,
                     curl_err[0] ? curl_err : curl_easy_strerror(cc));
            rc = S3E_ETRANSPORT;
        } else {
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
        }
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(e);
    return rc;
}
