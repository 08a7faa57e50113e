/* units.h - sizes and durations as people write them. Pure, thread-safe. */
#ifndef S3E_UNITS_H
#define S3E_UNITS_H

#include <stdint.h>

/* "800MB" -> 800000000, "15GiB" / "15G" -> 15 * 2^30, "1.5 MiB", "42" (bytes).
 * K/M/G/T, KiB/MiB/GiB/TiB are powers of 1024; KB/MB/GB/TB powers of 1000;
 * suffix letters in any case; optional "B". Returns S3E_OK or S3E_EINVAL
 * (empty, negative, unknown suffix, trailing junk, overflow). */
int s3e_parse_size(const char *s, uint64_t *out);

/* "30d" -> 2592000; units s, m, h, d, w; a bare number is seconds. */
int s3e_parse_duration(const char *s, int64_t *out);

#endif
