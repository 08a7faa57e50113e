/* job_heads.h - a rerun of an emitted payload looks at its destinations
 * first: HEADs of many objects at once on one client (job_heads.c). */
#ifndef S3E_JOB_HEADS_H
#define S3E_JOB_HEADS_H

#include <stddef.h>
#include "s3engine/packer.h"

struct s3e_client;
struct s3e_tindex;

/* HEAD the destination of each of the n jobs, up to in_flight at once (each
 * with its retries), and add what is there to seen; a 404 adds nothing.
 * S3E_OK, or the first other failure with "HEAD s3://b/k: why" in err. */
int s3e_job_heads(struct s3e_client *c, const struct s3e_job *jobs, size_t n, int in_flight,
                  struct s3e_tindex *seen, char *err, size_t errlen);

#endif
