/* region.h - the region of each bucket: found once (HeadBucket's
 * x-amz-bucket-region, or the region a redirect names), remembered, and used
 * to sign and address every later request to that bucket.
 *
 * AWS answers a request signed for the wrong region with a 301
 * PermanentRedirect (x-amz-bucket-region header, <Endpoint> in the body) or
 * a 400 AuthorizationHeaderMalformed (<Region> in the body); a HEAD has the
 * header only. */
#ifndef S3E_REGION_H
#define S3E_REGION_H

#include <stddef.h>

#define S3E_REGION_MAX 64 /* a region name and its NUL fit */

/* Why a region name cannot be used (it goes into the signature's scope and
 * a header), or NULL when it can: 1 to 63 letters, digits, '-', '_', '.'. */
const char *s3e_region_problem(const char *region);

/* The region in an AWS S3 host name: "b.s3.eu-west-1.amazonaws.com",
 * "s3-eu-west-1.amazonaws.com", "s3.dualstack.eu-west-1.amazonaws.com";
 * "s3.amazonaws.com" and "b.s3.amazonaws.com" are us-east-1. Copies it into
 * out (S3E_REGION_MAX bytes) and returns 1, or returns 0. Pure. */
int s3e_region_of_host(const char *host, char out[S3E_REGION_MAX]);

/* The region a failed answer says its bucket is in, or 0 when it names none
 * or is not a redirect: status 301/302/307 or code PermanentRedirect, or a
 * 400 (AuthorizationHeaderMalformed; a HEAD's 400 has no body) naming one.
 * header_region is x-amz-bucket-region ("" when absent), body_region what
 * the error body named (<Region>, or the region of <Endpoint>). Pure. */
int s3e_region_named(long status, const char *code, const char *header_region,
                     const char *body_region, char out[S3E_REGION_MAX]);

/* The AWS endpoint of a region, https://s3.REGION.amazonaws.com (.com.cn in
 * China), into out. Returns S3E_OK, or S3E_ELIMIT when it does not fit. */
int s3e_region_endpoint(const char *region, char *out, size_t len);

/* Buckets and their regions, shared by every client of one configuration.
 * Thread-safe. */
struct s3e_regions;

int  s3e_regions_new(struct s3e_regions **out);
void s3e_regions_free(struct s3e_regions *r); /* NULL is fine */
/* 1 and the region in out when bucket's is known, else 0. */
int  s3e_regions_get(struct s3e_regions *r, const char *bucket, char out[S3E_REGION_MAX]);
/* Remember bucket's region. Returns 1 when that changed what was known, 0
 * when it was known already (or the name is not a usable region, or memory
 * ran out: the bucket then stays with the run's region). */
int  s3e_regions_set(struct s3e_regions *r, const char *bucket, const char *region);

#endif
