/* flight.h - the workers on one event-loop thread (flight.c). Internal. */
#ifndef S3E_FLIGHT_H
#define S3E_FLIGHT_H

#include "run.h"

/* The workers as state machines on one event-loop thread; small
 * copies are requests in flight, large ones run on threads of their own. */
int  s3e_flight_start(struct s3e_run *run);
void s3e_flight_join(struct s3e_run *run);

#endif
