/* planner.h - list every source, select, route, skip what is current, pack (planner.c). Internal. */
#ifndef S3E_PLANNER_H
#define S3E_PLANNER_H

#include "run.h"

/* List every source, select, route, skip what is current, pack.
 * Returns S3E_OK, S3E_EPLAN (run->errbuf says why), S3E_ECANCELED, or an S3
 * failure of the listing (run->errbuf). */
int s3e_planner_run(struct s3e_run *run);
/* Fill run->tindex from the targets' current contents. */
int s3e_planner_index_targets(struct s3e_run *run);

#endif
