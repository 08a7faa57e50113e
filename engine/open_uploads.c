/* open_uploads.c - uploads a failed copy could not abort, aborted again at
 * the end of the run (see open_uploads.h). */
#include "open_uploads.h"
#include "s3_client.h"
#include "s3engine/config.h"
#include "s3engine/error.h"
#include "s3engine/log.h"
#include "s3engine/s3.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct open_upload {
    char *bucket, *key, *id;
    const struct s3e_config *via; /* the connection it was made through, or NULL */
};

struct s3e_open_uploads {
    pthread_mutex_t lock;
    struct open_upload *v;
    size_t n, cap;
};

int s3e_open_uploads_new(struct s3e_open_uploads **out)
{
    struct s3e_open_uploads *u = calloc(1, sizeof *u);
    if (!u)
        return S3E_ENOMEM;
    pthread_mutex_init(&u->lock, NULL);
    *out = u;
    return S3E_OK;
}

static void drop_all(struct s3e_open_uploads *u)
{
    for (size_t i = 0; i < u->n; i++) {
        free(u->v[i].bucket);
        free(u->v[i].key);
        free(u->v[i].id);
    }
    u->n = 0;
}

void s3e_open_uploads_free(struct s3e_open_uploads *u)
{
    if (!u)
        return;
    drop_all(u);
    free(u->v);
    pthread_mutex_destroy(&u->lock);
    free(u);
}

void s3e_open_uploads_add_via(struct s3e_open_uploads *u, const struct s3e_config *via,
                              const char *bucket, const char *key, const char *upload_id)
{
    pthread_mutex_lock(&u->lock);
    size_t i = 0;
    while (i < u->n && strcmp(u->v[i].id, upload_id) != 0)
        i++;
    if (i == u->n && u->n == u->cap) {
        size_t cap = u->cap ? 2 * u->cap : 8;
        struct open_upload *v = realloc(u->v, cap * sizeof *v);
        if (v) {
            u->v = v;
            u->cap = cap;
        }
    }
    if (i == u->n && u->n < u->cap) {
        struct open_upload o = { strdup(bucket), strdup(key), strdup(upload_id), via };
        if (o.bucket && o.key && o.id) {
            u->v[u->n++] = o;
        } else {
            free(o.bucket);
            free(o.key);
            free(o.id);
        }
    }
    pthread_mutex_unlock(&u->lock);
}

int s3e_abort_upload(struct s3e_client *c, const char *bucket, const char *key,
                     const char *upload_id, struct s3e_s3_error *err)
{
    int rc = S3E_ES3;
    for (int attempt = 0; attempt < 2 && rc; attempt++) {
        s3e_s3_error_clear(err);
        rc = s3e_s3_abort_multipart(c, bucket, key, upload_id, err);
    }
    return rc;
}

/* The command that removes the upload. A side's own connection (`via`) is
 * named: the run's default one may reach another bucket of that name. */
static const char *removal(const struct s3e_config *via, const char *bucket, const char *key,
                           char *out, size_t len)
{
    int n = snprintf(out, len, "s3engine uploads s3://%s/%s --abort", bucket, key);
    if (via && n >= 0 && (size_t)n < len)
        snprintf(out + n, len - (size_t)n, " --endpoint %s --region %s%s%s %s", via->endpoint,
                 via->region, strcmp(via->profile, "default") ? " --profile " : "",
                 strcmp(via->profile, "default") ? via->profile : "",
                 via->path_style ? "--path-style" : "--virtual-hosted");
    return out;
}

size_t s3e_open_uploads_abort(struct s3e_open_uploads *u, struct s3e_client *c)
{
    size_t left = 0;
    const struct s3e_config *was = s3e_client_pinned(c);
    pthread_mutex_lock(&u->lock);
    for (size_t i = 0; i < u->n; i++) {
        const struct open_upload *o = &u->v[i];
        struct s3e_s3_error e;
        s3e_client_pin(c, o->via ? o->via : was);
        if (s3e_abort_upload(c, o->bucket, o->key, o->id, &e) == S3E_OK) {
            s3e_info("aborted multipart upload %s of s3://%s/%s at the end of the run", o->id,
                     o->bucket, o->key);
            continue;
        }
        char line[512], cmd[2048];
        s3e_error("could not abort multipart upload %s of s3://%s/%s: %s (remove it with "
                  "`%s`, AbortMultipartUpload or a lifecycle rule)", o->id, o->bucket, o->key,
                  s3e_s3_error_format(&e, S3E_ES3, line, sizeof line),
                  removal(o->via ? o->via : was, o->bucket, o->key, cmd, sizeof cmd));
        left++;
    }
    s3e_client_pin(c, was);
    drop_all(u);
    pthread_mutex_unlock(&u->lock);
    return left;
}

void s3e_open_uploads_keep_via(struct s3e_open_uploads *u, const struct s3e_config *via,
                               const char *bucket, const char *key, const char *upload_id,
                               const struct s3e_s3_error *err)
{
    char line[512];
    s3e_s3_error_format(err, S3E_ES3, line, sizeof line);
    if (u) {
        s3e_warn("could not abort multipart upload %s of s3://%s/%s yet: %s (tried again at "
                 "the end of the run)", upload_id, bucket, key, line);
        s3e_open_uploads_add_via(u, via, bucket, key, upload_id);
    } else {
        char cmd[2048];
        s3e_error("could not abort multipart upload %s of s3://%s/%s: %s (remove it with "
                  "`%s`, AbortMultipartUpload or a lifecycle rule)", upload_id, bucket, key, line,
                  removal(via, bucket, key, cmd, sizeof cmd));
    }
}

int s3e_orphans_collect(void *ud, const struct s3e_upload *u)
{
    struct s3e_orphans *o = ud;
    if (strcmp(u->key, o->key) != 0 || u->initiated < o->since ||
        (o->keep && strcmp(u->upload_id, o->keep) == 0) || o->n == S3E_ORPHANS_MAX)
        return 0;
    o->ids[o->n] = strdup(u->upload_id);
    o->n += o->ids[o->n] != NULL;
    return 0;
}
