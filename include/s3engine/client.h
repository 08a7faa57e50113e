/* client.h - the S3 client every operation of s3.h runs on (engine/s3_client.c).
 * One per thread; the configuration it points to is shared read-only. */
#ifndef S3E_CLIENT_H
#define S3E_CLIENT_H

#include "s3engine/config.h"

struct s3e_client;

/* cfg must outlive the client. Returns S3E_OK or S3E_ENOMEM. */
int  s3e_client_new(struct s3e_client **out, const struct s3e_config *cfg);
void s3e_client_free(struct s3e_client *c);
const struct s3e_config *s3e_client_config(const struct s3e_client *c);

#endif
