/* s3test.h - helpers for the integration tests (tests/integration/itest_*.c).
 *
 * They talk to the S3 server named by the environment that scripts/run-tests.sh
 * exports (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_DEFAULT_REGION, S3E_ADDRESSING=path), read through the engine's own
 * config loader. An integration test never skips: without AWS_ENDPOINT_URL
 * every helper that needs the server fails the test with a clear message.
 *
 * Fixtures that s3.h cannot make (objects with user metadata or tags) and
 * independent checks (md5 of the bytes, "same object") go through
 * tests/plans/s3check.py, a boto3 client, with /usr/bin/python3.
 *
 * Every helper fails the current cmocka test (fail_msg) when something goes
 * wrong, so tests can call them without checking return values. */
#ifndef S3TEST_H
#define S3TEST_H

#include <stddef.h>
#include <stdint.h>

#include "s3engine/config.h"
#include "s3engine/copy.h"
#include "s3engine/error.h"
#include "s3engine/s3.h"

/* An open connection: the config (loaded from the environment, must outlive
 * the client) and a client using it. */
struct s3t_conn {
    struct s3e_config cfg;
    struct s3e_client *client;
};

/* Fail the test unless AWS_ENDPOINT_URL is set. */
void s3t_require_endpoint(void);
/* For main(): 1 if AWS_ENDPOINT_URL is set, else print why the test binary
 * fails (on stderr, naming it) and return 0; main then returns non-zero. */
int s3t_main_check_env(const char *name);

/* Load the config from the environment (overrides: nothing given) and open a
 * client. Fails the test if there is no endpoint or the config does not load. */
void s3t_connect(struct s3t_conn *conn);
/* Same, but with another secret key (for signature tests). */
void s3t_connect_with_secret(struct s3t_conn *conn, const char *secret);
void s3t_disconnect(struct s3t_conn *conn);

/* Create a fresh bucket "it-<pid>-<counter>" (emptied if it existed) and
 * write its name to out (at least 64 bytes). */
void s3t_new_bucket(struct s3e_client *c, char *out, size_t outlen);
/* A bucket name of the same form that is NOT created. */
void s3t_unused_bucket_name(char *out, size_t outlen);
/* Delete every object and abort every multipart upload in the bucket, then
 * the bucket itself (via s3check.py rb). A missing bucket is fine. */
void s3t_delete_bucket(struct s3e_client *c, const char *bucket);

/* PutObject of the given bytes (content_type may be NULL); etag_out may be NULL. */
void s3t_put(struct s3e_client *c, const char *bucket, const char *key, const void *data,
             size_t len, const char *content_type, char etag_out[80]);

/* A fixture made by s3check.py put: `size` pseudo-random bytes, optional
 * content type, and NULL-terminated arrays of "k=v" metadata and tags
 * (either may be NULL). Objects above 16 MiB are uploaded in parts. */
void s3t_put_fixture(const char *bucket, const char *key, const char *size,
                     const char *content_type, const char *const *meta,
                     const char *const *tags);

/* md5 hex digest (32 chars + NUL) of the object's bytes, via s3check.py md5. */
void s3t_md5(const char *bucket, const char *key, char out[33]);
/* md5 hex digest of memory. */
void s3t_md5_mem(const void *data, size_t len, char out[33]);

/* s3check.py same: 1 when bytes, content type, metadata and tags match. The
 * differences are printed by s3check on stdout. */
int s3t_same(const char *bucket_a, const char *key_a, const char *bucket_b, const char *key_b);

/* Run s3check.py with the given arguments (NULL-terminated; each one is
 * shell-quoted). Returns its exit status (or -1 if it did not run). When out
 * is non-NULL, its stdout is stored there (NUL-terminated, truncated). */
int s3t_s3check(char *out, size_t outlen, const char *const *args);

/* Number of multipart uploads in progress in the bucket (ListMultipartUploads). */
size_t s3t_count_uploads(struct s3e_client *c, const char *bucket);
/* Number of objects in the bucket under prefix (ListObjectsV2). */
size_t s3t_count_objects(struct s3e_client *c, const char *bucket, const char *prefix);

/* HEAD; returns the engine's return code, *h filled on success (free it). */
int s3t_head(struct s3e_client *c, const char *bucket, const char *key, struct s3e_head *h,
             struct s3e_s3_error *err);

/* Format an engine error for a failure message (static buffer). */
const char *s3t_errstr(const struct s3e_s3_error *e, int rc);

/* assert that rc is S3E_OK, else fail with the formatted error */
#define s3t_ok(rc, errp, what)                                                                  \
    do {                                                                                        \
        int s3t_rc_ = (rc);                                                                     \
        if (s3t_rc_ != S3E_OK)                                                                  \
            fail_msg("%s failed: rc=%d (%s): %s", (what), s3t_rc_, s3e_strerror(s3t_rc_),       \
                     s3t_errstr((errp), s3t_rc_));                                               \
    } while (0)

#endif
