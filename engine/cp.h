/* cp.h - `s3engine cp`: one object copied as a run of one job (cp.c). Internal. */
#ifndef S3E_CP_H
#define S3E_CP_H

#include "cli.h"

/* `s3engine cp s3://BUCKET/KEY s3://BUCKET/[KEY]`. Returns an enum s3e_exit
 * value: 0 copied and verified, 1 not copied (the reason logged), 2 usage,
 * 3 could not start, 130 interrupted. */
int s3e_cp(const struct s3e_cli *cli);

#endif
