/* plan_versions.h - a source listed with versions = "latest" or "all"
 * (plan_versions.c). Internal. */
#ifndef S3E_PLAN_VERSIONS_H
#define S3E_PLAN_VERSIONS_H

#include "run.h"

/* Each object (a version, or a key's versions) is handed to plan (the
 * planner's, which routes and packs it). S3E_OK or the first failure
 * (run->errbuf). */
typedef int (*s3e_plan_object_fn)(struct s3e_run *run, const struct s3e_object *o);
int s3e_plan_versions(struct s3e_run *run, uint32_t index, const struct s3e_source *src,
                      s3e_plan_object_fn plan);

#endif
