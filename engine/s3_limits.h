/* s3_limits.h - the time limits of one attempt of a request. Internal. */
#ifndef S3E_S3_LIMITS_H
#define S3E_S3_LIMITS_H

#include <stdint.h>
#include "s3engine/config.h"

/* Time limits of one attempt. */
struct s3e_limits {
    long total_ms;    /* its whole time */
    long own_ms;      /* total_ms before the object's deadline cut it: what the request
                         itself may take, the measure of a slow answer (flow.h) */
    long stall_ms;    /* the longest it may send and receive nothing */
    int  by_deadline; /* total_ms was cut to the time left before the object's deadline */
};

/* The limits of an attempt copying copy_bytes (0 = not a copy) with left_ms
 * before the object's deadline (-1 = none): cfg->request_timeout_ms plus
 * cfg->copy_timeout_ms per GiB copied, no more than left_ms; stalled after
 * half of that (before the cut). Pure. */
void s3e_request_limits(const struct s3e_config *cfg, uint64_t copy_bytes, long left_ms,
                        struct s3e_limits *out);

#endif
