/* test_request.c - what goes on the wire: a local HTTP listener records each
 * request line and Host header, so the test sees the path exactly as curl
 * sent it (no "." / ".." segment removal, "//" kept, both addressing styles)
 * and sees that refused requests send nothing at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <pthread.h>

#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/s3.h"
#include "local_http.h"
#include "../../engine/s3_client.h"
#include "../../engine/s3_ops.h"

static int port;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char last_head[8192]; /* the request line and headers of the last request */
static int nrequests;

/* Record the request, answer with an empty 204 (the connection is closed). */
static void record(int fd, const char *head, void *ud)
{
    (void)ud;
    pthread_mutex_lock(&lock);
    snprintf(last_head, sizeof last_head, "%s", head);
    nrequests++;
    pthread_mutex_unlock(&lock);
    local_http_write(fd, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n"
                         "Connection: close\r\n\r\n");
}

static int setup(void **state)
{
    (void)state;
    port = local_http_start(record, NULL, 1);
    return port < 0 ? -1 : 0;
}

struct client {
    struct s3e_config cfg;
    struct s3e_client *c;
    char endpoint[64];
};

static void open_client(struct client *k, const char *host, int path_style)
{
    memset(k, 0, sizeof *k);
    snprintf(k->endpoint, sizeof k->endpoint, "http://%s:%d", host, port);
    k->cfg.creds.access_key = "AKIDEXAMPLE";
    k->cfg.creds.secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    k->cfg.region = "us-east-1";
    k->cfg.endpoint = k->endpoint;
    k->cfg.path_style = path_style;
    k->cfg.connect_timeout_ms = 5000;
    k->cfg.request_timeout_ms = 10000;
    k->cfg.max_attempts = 1;
    assert_int_equal(s3e_client_new(&k->c, &k->cfg), S3E_OK);
}

/* DELETE bucket/key and return the request line curl sent. */
static const char *sent_line(struct client *k, const char *bucket, const char *key, char *out,
                             size_t len)
{
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    int rc = s3e_s3_delete_object(k->c, bucket, key, &err);
    if (rc)
        fail_msg("DELETE '%s': %s (%s)", key, s3e_strerror(rc), err.detail);
    pthread_mutex_lock(&lock);
    size_t n = strcspn(last_head, "\r\n");
    snprintf(out, len, "%.*s", (int)n, last_head);
    pthread_mutex_unlock(&lock);
    return out;
}

static void test_path_style_sends_path_as_signed(void **state)
{
    (void)state;
    struct client k;
    open_client(&k, "127.0.0.1", 1);
    static const struct { const char *key, *line; } cases[] = {
        { "in/../../etc/passwd", "DELETE /bkt/in/../../etc/passwd HTTP/1.1" },
        { "..", "DELETE /bkt/.. HTTP/1.1" },
        { ".", "DELETE /bkt/. HTTP/1.1" },
        { "a/./b/../c", "DELETE /bkt/a/./b/../c HTTP/1.1" },
        { "//lead", "DELETE /bkt///lead HTTP/1.1" },
        { "a//b///", "DELETE /bkt/a//b/// HTTP/1.1" },
        { "x/%2e%2e/y?z#f", "DELETE /bkt/x/%252e%252e/y%3Fz%23f HTTP/1.1" },
        { "sp ace+\xc3\xa9", "DELETE /bkt/sp%20ace%2B%C3%A9 HTTP/1.1" },
        { "cr\r\nX-Evil: 1", "DELETE /bkt/cr%0D%0AX-Evil%3A%201 HTTP/1.1" },
    };
    char line[2048];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(sent_line(&k, "bkt", cases[i].key, line, sizeof line), cases[i].line);
    s3e_client_free(k.c);
}

static void test_virtual_hosted_sends_path_as_signed(void **state)
{
    (void)state;
    struct client k;
    open_client(&k, "localhost", 0); /* curl resolves *.localhost to the loopback */
    char line[2048];
    assert_string_equal(sent_line(&k, "bkt", "in/../../etc/passwd", line, sizeof line),
                        "DELETE /in/../../etc/passwd HTTP/1.1");
    pthread_mutex_lock(&lock);
    char host[64];
    snprintf(host, sizeof host, "\r\nHost: bkt.localhost:%d\r\n", port);
    assert_non_null(strstr(last_head, host));
    pthread_mutex_unlock(&lock);
    assert_string_equal(sent_line(&k, "bkt", "/lead/./x", line, sizeof line),
                        "DELETE //lead/./x HTTP/1.1");
    assert_string_equal(sent_line(&k, "bkt", "..", line, sizeof line), "DELETE /.. HTTP/1.1");
    s3e_client_free(k.c);
}

/* Requests that must not be sent fail before anything reaches the server. */
static void test_refused_requests_send_nothing(void **state)
{
    (void)state;
    struct client k;
    open_client(&k, "127.0.0.1", 1);
    pthread_mutex_lock(&lock);
    int before = nrequests;
    pthread_mutex_unlock(&lock);
    struct s3e_s3_error err;
    s3e_s3_error_clear(&err);
    /* an empty key would make DELETE /bkt/ a DeleteBucket */
    assert_int_equal(s3e_s3_delete_object(k.c, "bkt", "", &err), S3E_EINVAL);
    assert_non_null(strstr(err.detail, "empty"));
    char big[1100];
    memset(big, 'k', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(s3e_s3_delete_object(k.c, "bkt", big, &err), S3E_EINVAL);
    assert_non_null(strstr(err.detail, "1024"));
    assert_int_equal(s3e_s3_delete_object(k.c, "bkt", "bad\xff", &err), S3E_EINVAL);
    assert_non_null(strstr(err.detail, "UTF-8"));
    struct s3e_put_opts o = { .storage_class = "STANDARD\r\nX-Evil: 1" };
    struct s3e_copy_bufs bufs;
    struct s3e_req r;
    struct s3e_resp resp;
    s3e_copy_bufs_init(&bufs);
    s3e_resp_init(&resp);
    int rc = s3e_s3_copy_put_request(&r, &bufs, "bkt", "a", "bkt", "b", &o);
    if (!rc)
        rc = s3e_client_send(k.c, &r, &resp, &err);
    s3e_resp_free(&resp);
    s3e_copy_bufs_free(&bufs);
    assert_int_equal(rc, S3E_EINVAL);
    assert_non_null(strstr(err.detail, "x-amz-storage-class"));
    assert_non_null(strstr(err.detail, "line break"));
    assert_string_equal(err.operation, "CopyObject");
    char line[256];
    s3e_s3_error_format(&err, S3E_EINVAL, line, sizeof line);
    assert_non_null(strstr(line, "request refused"));
    o.storage_class = "GLACIER\x01";
    char *upload = NULL;
    assert_int_equal(s3e_s3_create_multipart(k.c, "bkt", "b", &o, &upload, &err), S3E_EINVAL);
    assert_null(upload);
    pthread_mutex_lock(&lock);
    assert_int_equal(nrequests, before);
    pthread_mutex_unlock(&lock);
    s3e_client_free(k.c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_style_sends_path_as_signed),
        cmocka_unit_test(test_virtual_hosted_sends_path_as_signed),
        cmocka_unit_test(test_refused_requests_send_nothing),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
