/* dryrun.h - --dry-run: the payloads accounted, then the plan printed (dryrun.c). Internal. */
#ifndef S3E_DRYRUN_H
#define S3E_DRYRUN_H

#include "run.h"
#include <stdio.h>

/* Account payloads, then print the plan. Each job is counted in run's
 * stats as the copy would report it (copied or moved), so the summary and
 * --json show what would be copied. */
int  s3e_dryrun_new(struct s3e_dryrun **out, int workers);
void s3e_dryrun_add(struct s3e_dryrun *d, struct s3e_run *run, const struct s3e_payload *p);
void s3e_dryrun_print(const struct s3e_dryrun *d, const struct s3e_run *run, FILE *out);
void s3e_dryrun_free(struct s3e_dryrun *d);

#endif
