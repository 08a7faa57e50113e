/* restore.h - ask S3 to restore an archived object, or see that it is
 * being restored (engine/restore.c). Internal. */
#ifndef S3E_RESTORE_H
#define S3E_RESTORE_H

#include <stddef.h>
#include "s3_client.h"

/* What x-amz-restore says of an object (HeadObject). */
enum s3e_restore_state {
    S3E_RESTORE_NONE = 0, /* no restore asked for (or its copy expired) */
    S3E_RESTORE_ONGOING,  /* ongoing-request="true" */
    S3E_RESTORE_DONE,     /* ongoing-request="false": a restored copy can be read */
};
enum s3e_restore_state s3e_restore_state_of(const char *x_amz_restore);

/* An archived object (a copy got InvalidObjectState) is HEADed, then asked
 * to be restored unless a restore is under way or done (flight_job.c sends
 * the requests). */
/* What the HEAD's x-amz-restore says: S3E_RESTORE_DONE (a copy can read it),
 * S3E_RESTORE_ONGOING (msg: the sentence for the report), S3E_RESTORE_NONE
 * (send RestoreObject). */
enum s3e_restore_state s3e_restore_seen(const char *x_amz_restore, char *msg, size_t len);
/* RestoreObject for days at tier (version NULL or "" = the current one; days
 * 0: no Days, for an Intelligent-Tiering archive tier, where AWS refuses them
 * and the object goes back to Frequent Access without expiry); body holds its
 * XML and, with q, must outlive the request. */
int s3e_restore_request(struct s3e_req *r, struct s3e_query_param q[2], char body[320],
                        const char *bucket, const char *key, const char *version, int days,
                        const char *tier);
/* Its answer (rc as sent, the HTTP status): S3E_OK with *done = 1 (restored
 * already: copy it) or the report's sentence in msg ("restore started ...",
 * "being restored ..."; tiering: the HEAD's x-amz-archive-status, "" or NULL
 * when none); else rc, the failure in *err. */
int s3e_restore_answer(int rc, long status, const struct s3e_s3_error *err, int days,
                       const char *tier, const char *tiering, int *done, char *msg,
                       size_t len);

#endif
