/* flight_step.h - the one request a job's machine on the workers' event loop
 * has in flight, and where it goes (flight_step.c). Internal.
 *
 * flight_job.c owns one; the copy it runs (flight_copy.c) sends its requests
 * through the same, one at a time: a job has one request in flight outside
 * a multipart copy's parts. */
#ifndef S3E_FLIGHT_STEP_H
#define S3E_FLIGHT_STEP_H

#include "flight_multipart.h"

struct s3e_fstep {
    struct s3e_run *run;
    struct s3e_client *c;          /* the loop's */
    struct s3e_flow *flow;         /* part copies in flight on the loop */
    void *owner;                   /* every request's a.ud: how the loop finds the job */
    struct s3e_deadline dl;        /* the object's */
    struct s3e_areq a;
    struct s3e_req req;            /* built by the machine, then sent */
    struct s3e_query_param q[2];
};

/* S3E_OK or S3E_ENOMEM. */
int  s3e_fstep_init(struct s3e_fstep *s, struct s3e_run *run, struct s3e_client *c,
                    struct s3e_flow *flow, const struct s3e_deadline *dl, void *owner);
/* Send s->req (rc: how building it went). S3E_OK, or the failure with s->a.err
 * filled and the operation named: the caller takes it as the request's answer. */
int  s3e_fstep_send(struct s3e_fstep *s, int rc);
void s3e_fstep_free(struct s3e_fstep *s);

#endif
