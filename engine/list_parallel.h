/* list_parallel.h - one bucket/prefix listed by several ListObjectsV2
 * requests in flight at once, its keys handed on in key order, exactly as
 * s3e_s3_list hands them on.
 *
 * The key space is cut into ranges (after one key, up to and including
 * another), each listed with start-after and continuation tokens up to its
 * end. After each page, the folders on the way to its last key are asked
 * (delimiter "/") for their later subfolders, each an exact cut point; in
 * a flat prefix or a folder of more than a page, cut points are guessed
 * from the names: the characters after the position where the page's keys
 * vary, the digits of a counter left of it, the first byte below the
 * prefix ("img/000123" cuts into "img/1", "img/2", ...). A guess that falls
 * where there are no keys costs one empty page.
 *
 * Not thread-safe: runs on the calling thread, on a client of its own. */
#ifndef S3E_LIST_PARALLEL_H
#define S3E_LIST_PARALLEL_H

#include <stdint.h>
#include "s3engine/report.h"
#include "s3engine/s3.h"

/* List bucket/prefix with up to `concurrency` requests in flight, calling fn
 * per object in key order (as s3e_s3_list: fn's non-zero return stops the
 * listing and is returned). concurrency <= 1, or a bucket that lists in no
 * order, lists page by page on c itself. Otherwise a client of its own is
 * made from c's configuration. progress may be NULL. Returns S3E_OK or an
 * error with *err filled, as s3e_s3_list. Memory: at most 4 pages of keys
 * per range waiting for the ranges before it. */
int s3e_list_parallel(struct s3e_client *c, const char *bucket, const char *prefix,
                      int concurrency, s3e_list_fn fn, void *ud,
                      struct s3e_list_progress *progress, struct s3e_s3_error *err);

/* The cut points guessed from a page whose first key is f and last key l,
 * for a range ending at hi (NULL = none), no shorter than floor bytes (the
 * listing's prefix): up to max keys, each after l and before hi, in
 * increasing order, written as NUL-terminated strings into out (cap bytes).
 * Returns how many. Pure; exposed for the unit tests. */
size_t s3e_list_cut_points(const char *f, size_t f_len, const char *l, size_t l_len,
                           const char *hi, size_t hi_len, size_t floor, size_t max,
                           char *out, size_t cap);

#endif
