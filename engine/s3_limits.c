/* s3_limits.c - how long one request may take and how long it may stay silent:
 * a pure function of the configuration, what the request copies and the time
 * left before its object's deadline. */
#include "s3_client.h"
#include "s3_limits.h"
#include "s3engine/config.h"

#define GIB (1024.0 * 1024.0 * 1024.0)
#define MIN_TOTAL_MS 100L  /* a limit of 0 means "none" to curl */

void s3e_request_limits(const struct s3e_config *cfg, uint64_t copy_bytes, long left_ms,
                        struct s3e_limits *out)
{
    long request = cfg->request_timeout_ms > 0 ? cfg->request_timeout_ms
                                               : S3E_DEFAULT_REQUEST_TIMEOUT_MS;
    long per_gib = cfg->copy_timeout_ms > 0 ? cfg->copy_timeout_ms : S3E_DEFAULT_COPY_TIMEOUT_MS;
    double total = (double)request + (double)per_gib * ((double)copy_bytes / GIB);
    if (total > 1e12) /* ~30 years: no overflow of long on any size */
        total = 1e12;
    out->total_ms = (long)total;
    out->own_ms = out->total_ms;
    /* Silence for half the limit: a server that answers at all has sent
     * something by then (AWS sends whitespace while a long copy runs). */
    out->stall_ms = out->total_ms / 2;
    out->by_deadline = 0;
    if (left_ms >= 0 && left_ms < out->total_ms) {
        out->total_ms = left_ms < MIN_TOTAL_MS ? MIN_TOTAL_MS : left_ms;
        out->by_deadline = 1;
    }
}
