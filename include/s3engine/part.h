/* part.h - multipart copy arithmetic: S3's limits and how to cut an object. Pure. */
#ifndef S3E_PART_H
#define S3E_PART_H

#include <stdint.h>

#define S3E_MIN_PART_SIZE     (5ULL << 20)   /* 5 MiB (the last part may be smaller) */
#define S3E_MAX_PART_SIZE     (5ULL << 30)   /* 5 GiB */
#define S3E_MAX_PARTS         10000U
#define S3E_MAX_OBJECT_SIZE   (5ULL << 40)   /* 5 TiB */
#define S3E_MAX_COPY_OBJECT   (5ULL << 30)   /* largest source for a single CopyObject */
#define S3E_DEFAULT_PART_SIZE (64ULL << 20)
#define S3E_DEFAULT_MULTIPART_CUTOFF (256ULL << 20)

/* Choose the part size for a multipart copy of `size` bytes. `preferred`
 * (0 = S3E_DEFAULT_PART_SIZE) is clamped into [5 MiB, 5 GiB] and raised
 * (to a multiple of 1 MiB) until the object fits in 10,000 parts.
 * Returns S3E_OK, or S3E_ELIMIT when size is 0 or above 5 TiB. */
int s3e_part_plan(uint64_t size, uint64_t preferred, uint64_t *out_part_size,
                  uint32_t *out_count);

/* Inclusive byte range of part `index` (0-based) of `count`. */
void s3e_part_range(uint64_t size, uint64_t part_size, uint32_t index, uint64_t *out_first,
                    uint64_t *out_last);

#endif
