/* versions.h - the versions of one key as one unit of work (versions =
 * "all"): a list held as text in a job, one line per version, oldest first,
 * "id\tsize\tetag\tlast_modified\n". Version ids and ETags hold no blank or
 * control character (s3xml.c refuses them), so tabs and newlines separate. */
#ifndef S3E_VERSIONS_H
#define S3E_VERSIONS_H

#include <stddef.h>
#include <stdint.h>
#include "s3engine/buf.h"

struct s3e_version {
    char     id[1025];
    uint64_t size;
    char     etag[80];
    int64_t  last_modified;
};

/* Append one version's line. S3E_OK, S3E_ENOMEM. */
int s3e_versions_append(struct s3e_buf *list, const struct s3e_version *v);
/* Read the line at *cursor into *v and move past it: 1, or 0 at the end
 * (or at a line that does not read, which no list built here holds). */
int s3e_versions_next(const char **cursor, struct s3e_version *v);
/* The bytes of every version in the list. */
uint64_t s3e_versions_bytes(const char *list);
/* How many versions the list holds. */
size_t s3e_versions_count(const char *list);

#endif
