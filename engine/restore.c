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

int s3e_restore_request(struct s3e_req *r, struct s3e_query_param q[2], char body[320],
                        const char *bucket, const char *key, const char *version, int days,
                        const char *tier)
{
    char d[32] = "";
    if (days > 0)
        snprintf(d, sizeof d, "<Days>%d</Days>", days);
    snprintf(body, 320,
             "<RestoreRequest xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">%s"
             "<GlacierJobParameters><Tier>%s</Tier></GlacierJobParameters></RestoreRequest>",
             d, tier);
    q[0] = (struct s3e_query_param){ "restore", NULL };
    q[1] = (struct s3e_query_param){ "versionId", version };
    *r = (struct s3e_req){ .op = "RestoreObject", .method = "POST", .bucket = bucket,
                           .key = key, .query = q, .nquery = version && *version ? 2 : 1,
                           .body = body, .body_len = strlen(body) };
    return s3e_req_header(r, "Content-Type", "application/xml");
}

static const char ongoing_msg[] = "archived, being restored (run again once it is done)";

enum s3e_restore_state s3e_restore_seen(const char *x_amz_restore, char *msg, size_t len)
{
    enum s3e_restore_state st = s3e_restore_state_of(x_amz_restore);
    if (st == S3E_RESTORE_ONGOING)
        snprintf(msg, len, "%s", ongoing_msg);
    return st;
}

int s3e_restore_answer(int rc, long status, const struct s3e_s3_error *err, int days,
                       const char *tier, const char *tiering, int *done, char *msg, size_t len)
{
    *done = 0;
    if (rc == S3E_ES3 && strcmp(err->code, "RestoreAlreadyInProgress") == 0) {
        snprintf(msg, len, "%s", ongoing_msg);
        return S3E_OK;
    }
    if (rc)
        return rc;
    if (status == 200) {
        *done = 1; /* a restored copy is there (it came between the copy and now) */
        return S3E_OK;
    }
    if (tiering && *tiering)
        snprintf(msg, len, "archived (Intelligent-Tiering %s), restore to Frequent Access "
                 "started (%s tier): run again once it is done", tiering, tier);
    else
        snprintf(msg, len, "archived, restore started (%d days, %s tier): run again once it "
                 "is done", days, tier);
    return S3E_OK;
}
