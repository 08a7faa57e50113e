/* put_lines.h - what a route sets on its copy instead of the source's
 * metadata and tags, carried from the planner to the workers as header lines
 * ("Name: value\n"), and applied to requests and to the HEADs they are
 * checked against.
 *
 * The lines are exactly the headers a CopyObject gets:
 *   x-amz-metadata-directive: REPLACE   then Content-Type, Cache-Control,
 *       Content-Disposition, Content-Encoding, Content-Language, Expires and
 *       x-amz-meta-NAME lines: the copy's whole metadata (what is not given is
 *       not set, as S3's REPLACE does);
 *   x-amz-tagging-directive: REPLACE    then x-amz-tagging: k=v&k2=v2 (URL-encoded).
 * Values hold no CR, LF or other control character (checked when read). */
#ifndef S3E_PUT_LINES_H
#define S3E_PUT_LINES_H

#include "s3_client.h"

/* Add every line of `lines` (NULL: none) to r as a header; `scratch` holds
 * their split copies and must live as long as the request. S3E_OK, S3E_ENOMEM,
 * S3E_ELIMIT (too many headers). */
int s3e_put_lines_add(struct s3e_req *r, const char *lines, struct s3e_buf *scratch);

/* What the source's HEAD h and URL-encoded tags become on a copy with these
 * lines: content headers and user metadata replaced when the lines replace
 * metadata, tags (and h->tag_count) when they replace tags. `tags` may be NULL.
 * S3E_OK or S3E_ENOMEM. */
int s3e_put_apply(const char *lines, struct s3e_head *h, struct s3e_buf *tags);

/* 1 when the lines replace the tags (a GetObjectTagging of the source is not needed). */
int s3e_put_replaces_tags(const char *lines);

#endif
