/* flight_step.c - the one request a job's machine has in flight (see
 * flight_step.h). */
#include "flight_step.h"
#include "s3engine/error.h"

#include <string.h>

int s3e_fstep_init(struct s3e_fstep *s, struct s3e_run *run, struct s3e_client *c,
                   struct s3e_flow *flow, const struct s3e_deadline *dl, void *owner)
{
    memset(s, 0, sizeof *s);
    s->run = run;
    s->c = c;
    s->flow = flow;
    s->owner = owner;
    s->dl = *dl;
    return s3e_areq_init(&s->a);
}

int s3e_fstep_send(struct s3e_fstep *s, int rc)
{
    s->a.ud = s->owner;
    s->a.deadline = s->dl;
    s->a.cleanup = 0;
    s->req.wait_bytes = s->flow->part_bytes; /* may wait behind a part copy in flight */
    if (!rc)
        rc = s3e_client_start(s->c, &s->a, &s->req);
    if (rc) { /* not sent: built wrong, or no room to start it */
        s3e_s3_error_clear(&s->a.err);
        s3e_s3_error_name_op(&s->a.err, s->req.op ? s->req.op : "request");
    }
    return rc;
}

void s3e_fstep_free(struct s3e_fstep *s)
{
    s3e_areq_free(&s->a);
}
