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

/* An archived object (a copy got InvalidObjectState): HEAD it; when a
 * restore is under way say so, else send RestoreObject for days at tier
 * (version NULL or "" = the current one; without Days when the HEAD shows
 * x-amz-archive-status, an Intelligent-Tiering archive tier). S3E_OK with a sentence for the
 * report in msg ("restore started ...", "being restored ..."), or the
 * failure with *err. A restore already done (x-amz-restore says so, or
 * RestoreObject answers 200: the copy may be tried) gives S3E_OK with
 * *done = 1. */
int s3e_restore_ask(struct s3e_client *c, const char *bucket, const char *key,
                    const char *version, const struct s3e_ssec *ssec, int days, const char *tier, int *done, char *msg,
                    size_t len, struct s3e_s3_error *err);

#endif
