/* restore.c - RestoreObject for an archived source, asked once: a restore
 * under way (x-amz-restore: ongoing-request="true") is not asked again, nor
 * one that is done (ongoing-request="false"). */
#include "restore.h"
#include "s3engine/error.h"
#include "s3engine/log.h"

#include <stdio.h>
#include <string.h>

enum s3e_restore_state s3e_restore_state_of(const char *v)
{
    if (!v || !*v)
        return S3E_RESTORE_NONE;
    const char *o = strstr(v, "ongoing-request=");
    if (!o)
        return S3E_RESTORE_NONE;
    o += strlen("ongoing-request=");
    if (*o == '"')
        o++;
    return strncmp(o, "true", 4) == 0 ? S3E_RESTORE_ONGOING : S3E_RESTORE_DONE;
}

/* POST ?restore with the documented RestoreRequest body. 202: started;
 * 200: a restored copy is there already; 409 RestoreAlreadyInProgress.
 * days 0: no Days (an Intelligent-Tiering archive tier, where AWS refuses
 * them: the object goes back to Frequent Access, without expiry). */
static int send_restore(struct s3e_client *c, const char *bucket, const char *key,
                        const char *version, int days, const char *tier, long *status,
                        struct s3e_s3_error *err)
{
    char body[320], d[32] = "";
    if (days > 0)
        snprintf(d, sizeof d, "<Days>%d</Days>", days);
    snprintf(body, sizeof body,
             "<RestoreRequest xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">%s"
             "<GlacierJobParameters><Tier>%s</Tier></GlacierJobParameters></RestoreRequest>",
             d, tier);
    struct s3e_query_param q[2] = { { "restore", NULL }, { "versionId", version } };
    struct s3e_req r = { .op = "RestoreObject", .method = "POST", .bucket = bucket, .key = key,
                         .query = q, .nquery = version && *version ? 2 : 1, .body = body,
                         .body_len = strlen(body) };
    struct s3e_resp resp;
    s3e_resp_init(&resp);
    int rc = s3e_req_header(&r, "Content-Type", "application/xml");
    if (!rc)
        rc = s3e_client_send(c, &r, &resp, err);
    *status = resp.status;
    s3e_resp_free(&resp);
    return rc;
}

int s3e_restore_ask(struct s3e_client *c, const char *bucket, const char *key,
                    const char *version, const struct s3e_ssec *ssec, int days, const char *tier, int *done, char *msg,
                    size_t len, struct s3e_s3_error *err)
{
    struct s3e_head h;
    *done = 0;
    s3e_s3_error_clear(err);
    int rc = s3e_s3_head_version(c, bucket, key, version, ssec, &h, err);
    if (rc)
        return rc;
    enum s3e_restore_state st = s3e_restore_state_of(h.restore);
    char tiering[24]; /* an Intelligent-Tiering archive tier: no Days */
    snprintf(tiering, sizeof tiering, "%s", h.archive_status);
    s3e_head_free(&h);
    if (st == S3E_RESTORE_DONE) {
        *done = 1; /* restored: a copy can read it, no restore to ask for */
        return S3E_OK;
    }
    if (st == S3E_RESTORE_ONGOING) {
        snprintf(msg, len, "archived, being restored (run again once it is done)");
        return S3E_OK;
    }
    long status = 0;
    rc = send_restore(c, bucket, key, version, tiering[0] ? 0 : days, tier, &status, err);
    if (rc == S3E_ES3 && strcmp(err->code, "RestoreAlreadyInProgress") == 0) {
        snprintf(msg, len, "archived, being restored (run again once it is done)");
        return S3E_OK;
    }
    if (rc)
        return rc;
    if (status == 200) {
        *done = 1; /* a restored copy is there (it came between the copy and now) */
        return S3E_OK;
    }
    if (tiering[0])
        snprintf(msg, len, "archived (Intelligent-Tiering %s), restore to Frequent Access "
                 "started (%s tier): run again once it is done", tiering, tier);
    else
        snprintf(msg, len, "archived, restore started (%d days, %s tier): run again once it "
                 "is done", days, tier);
    return S3E_OK;
}
