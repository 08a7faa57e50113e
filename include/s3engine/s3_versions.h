/* s3_versions.h - ListObjectVersions (engine/s3_versions.c). */
#ifndef S3E_S3_VERSIONS_H
#define S3E_S3_VERSIONS_H

#include "s3engine/s3.h"

/* ListObjectVersions under prefix, every page (key-marker and
 * version-id-marker), fn per version and delete marker: keys in order, a
 * key's versions newest first. Guarded as s3e_s3_list is (a key may repeat,
 * never go back; markers never come twice). S3E_OK or the failure, details
 * in *err. */
int s3e_s3_list_versions(struct s3e_client *c, const char *bucket, const char *prefix,
                         s3e_list_fn fn, void *ud, struct s3e_s3_error *err);

/* The same page by page, for requests sent on an event loop: engine/s3_versions_int.h. */

#endif
