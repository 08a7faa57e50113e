/* conns.h - how each bucket of a plan is reached and as whom: one
 * configuration (endpoint, region, addressing, credentials) per distinct
 * profile/region/endpoint/addressing that sources and targets name, and
 * each bucket's cross-account options (canned ACL, expected owner,
 * requester pays). Internal to the engine.
 *
 * A request is routed by its bucket (s3_client.c): a CopyObject or
 * UploadPartCopy goes to the target bucket, so it is signed by the
 * target's identity, which must be able to read the source. A bucket name
 * a source and a target give on two endpoints names two buckets: a client
 * pinned to one side's configuration (s3e_client_pin) reaches the right
 * one. A manifest
 * source that names a connection has no bucket of its own: each bucket its
 * rows name is bound to it as the planner reads them, and an s3:// manifest's
 * bucket before any request. Built before any request; afterwards only the
 * planner thread binds (rows), under a lock, so any thread may use it. */
#ifndef S3E_CONNS_H
#define S3E_CONNS_H

#include <stddef.h>
#include "s3engine/config.h"
#include "s3engine/plan.h"

struct s3e_conns;

/* Bind every bucket of the plan to its configuration: `base` (the run's,
 * not owned) for a bucket whose source or target names no profile,
 * region, endpoint or addressing; else one loaded from `ov` (the command
 * line) with those fields put first. Returns S3E_OK; S3E_EPLAN when one
 * bucket is named with different fields in two places; S3E_EINVAL (bad
 * value) or S3E_ECREDS (no credentials for a profile); S3E_ENOMEM.
 * errbuf names the plan's file and line and the source or target. */
struct s3e_script;
int  s3e_conns_new(struct s3e_conns **out, const struct s3e_config *base,
                   const struct s3e_config_overrides *ov, const struct s3e_plan *plan,
                   const struct s3e_script *script, char *errbuf, size_t errlen);
/* "plan.lua:LINE: sources[2]" or "plan.lua:LINE: targets.out", the line where
 * its `field` (or the source or target) is written. */
void s3e_conns_where(const struct s3e_conns *c, int target, size_t i, const char *field,
                     char *out, size_t len);
void s3e_conns_free(struct s3e_conns *c); /* NULL is fine */

/* A row of manifest source `source` names `bucket`: when the source names a
 * profile, region, endpoint, addressing, expected_owner or requester_pays,
 * the bucket is reached through it from now on. S3E_OK (also when already
 * bound the same way); S3E_EPLAN when the plan or another manifest source
 * binds it differently (errbuf says which, with the plan's lines);
 * S3E_ENOMEM. The planner thread only. */
int  s3e_conns_bind_row(struct s3e_conns *c, size_t source, const char *bucket,
                        char *errbuf, size_t errlen);

/* The configuration requests to `bucket` go through: its own, or `dflt`
 * for a bucket the plan does not bind (c may be NULL). */
const struct s3e_config *s3e_conns_config(const struct s3e_conns *c, const char *bucket,
                                          const struct s3e_config *dflt);
/* The bucket's cross-account options, or NULL when it has none. */
const struct s3e_access *s3e_conns_access(const struct s3e_conns *c, const char *bucket);

/* The options of bucket as bound to configuration conn (the other side's
 * bucket of the same name may have others), or NULL when it has none. */
const struct s3e_access *s3e_conns_access_via(const struct s3e_conns *c, const char *bucket,
                                              const struct s3e_config *conn);
/* 1 when bucket is named on two endpoints (a source's and a target's): a
 * request to it must go through a pinned client. */
int s3e_conns_twice(const struct s3e_conns *c, const char *bucket);

/* The configuration of plan source i / target i. */
const struct s3e_config *s3e_conns_source(const struct s3e_conns *c, size_t i);
const struct s3e_config *s3e_conns_target(const struct s3e_conns *c, size_t i);

#endif
