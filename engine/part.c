/* part.c - how to cut an object for a multipart copy, within S3's limits. */
#include "s3engine/part.h"
#include "s3engine/error.h"

#define MIB (1ULL << 20)

int s3e_part_plan(uint64_t size, uint64_t preferred, uint64_t *out_part_size, uint32_t *out_count)
{
    if (size == 0 || size > S3E_MAX_OBJECT_SIZE)
        return S3E_ELIMIT;
    uint64_t part = preferred ? preferred : S3E_DEFAULT_PART_SIZE;
    if (part < S3E_MIN_PART_SIZE)
        part = S3E_MIN_PART_SIZE;
    if (part > S3E_MAX_PART_SIZE)
        part = S3E_MAX_PART_SIZE;
    /* Too many parts: the smallest size that fits 10,000, rounded up to 1 MiB. */
    if ((size + part - 1) / part > S3E_MAX_PARTS) {
        part = (size + S3E_MAX_PARTS - 1) / S3E_MAX_PARTS;
        part = (part + MIB - 1) / MIB * MIB;
    }
    *out_part_size = part;
    *out_count = (uint32_t)((size + part - 1) / part);
    return S3E_OK;
}

void s3e_part_range(uint64_t size, uint64_t part_size, uint32_t index, uint64_t *out_first,
                    uint64_t *out_last)
{
    uint64_t first = (uint64_t)index * part_size;
    uint64_t last = first + part_size - 1;
    if (last >= size)
        last = size - 1;
    *out_first = first;
    *out_last = last;
}
