/* collide.h - two sources routed to one destination key (collide.c). Internal. */
#ifndef S3E_COLLIDE_H
#define S3E_COLLIDE_H

#include "run.h"

/* Two sources routed to one destination key (see its header comment). */
int  s3e_collide_new(struct s3e_run *run);   /* run->collide; S3E_OK or S3E_ENOMEM */
void s3e_collide_free(struct s3e_run *run);
/* Planner, as soon as a job's destination is known: starts fetching its
 * place in the set, for the s3e_collide_check that follows. */
void s3e_collide_prepare(struct s3e_run *run, const char *bucket, const char *key, size_t len);
/* Planner, before a job is packed: *out_pack = 1 to pack it, 0 when the
 * collisions policy settled it (reported skipped or failed, or kept back
 * because the run stops). Returns S3E_OK or S3E_ENOMEM. */
int  s3e_collide_check(struct s3e_run *run, const struct s3e_job *j, int *out_pack);
/* 1 when enough collisions were found to stop planning and report them. */
int  s3e_collide_stop(const struct s3e_run *run);
/* 1 while a collision's first source is still to be named. */
int  s3e_collide_pending(const struct s3e_run *run);
/* The naming pass, one object: S3E_OK, S3E_ECANCELED once all are named, S3E_ENOMEM. */
int  s3e_collide_name(struct s3e_run *run, const struct s3e_object *o);
/* After planning: S3E_OK, or S3E_EPLAN with each collision logged and run->errbuf set. */
int  s3e_collide_report(struct s3e_run *run);
/* Workers, any thread: 1 when collisions = "last" gave j's destination to a
 * later source, so j is skipped. */
int  s3e_collide_dropped(const struct s3e_run *run, const struct s3e_job *j);

#endif
