/* list_xml.h - listing pages (ListObjectsV2, its delimiter prefixes,
 * ListObjectVersions) read by a scanner instead of a libxml2 tree.
 *
 * A page of 1,000 keys is 300 KB of markup; building and freeing a tree for
 * it was 70 % of the client's CPU in a parallel listing. The scanner reads
 * the shape S3 and radosgw send (an optional UTF-8 XML declaration, one root
 * element with at most an xmlns attribute, elements and text inside, the
 * five named entities and character references) and checks every byte the
 * way an XML parser must. Whatever it is not sure of (comments, CDATA,
 * processing instructions, other attributes or encodings, anything
 * malformed or cut short) goes to the libxml2 readers of s3xml.c
 * (s3e_xml_tree_*), whose verdict and error text stay the reference; the
 * differential fuzz target tests/fuzz/fuzz_list_xml.c holds the two to the
 * same results.
 */
#ifndef S3E_LIST_XML_H
#define S3E_LIST_XML_H

#include <stddef.h>

#include "s3engine/buf.h"
#include "s3engine/s3.h"
#include "s3engine/s3xml.h"

/* 1 when the scanner reads body itself (the fast path), 0 when a listing
 * call would hand it to libxml2. For tests and the fuzz target. */
int s3e_list_xml_scans(const char *body, size_t len);

/* One ListObjectsV2 page (list_xml.c: a scanner, libxml2 for what it
 * does not read). Keys are URL-decoded when url_encoded. Calls fn per
 * <Contents>; a non-zero return stops and is returned. *out_truncated and
 * out_next_token (NextContinuationToken, "" if none) describe what follows.
 * An entry whose Size, ETag or LastModified does not read stops the page with
 * S3E_EPARSE before fn sees it. On S3E_EPARSE from the page itself, why
 * (may be NULL) says what was wrong. */
int s3e_xml_parse_list_page(const char *body, size_t len, int url_encoded, s3e_list_fn fn,
                            void *ud, int *out_truncated, struct s3e_buf *out_next_token,
                            char *why, size_t why_len);

/* The <CommonPrefixes> of a ListObjectsV2 page asked with a delimiter: fn per
 * prefix (decoded when url_encoded), in the page's order; a non-zero return
 * stops and is returned. S3E_EPARSE for a page that is not a listing. */
int s3e_xml_parse_list_prefixes(const char *body, size_t len, int url_encoded,
                                s3e_prefix_fn fn, void *ud, int *out_truncated);
/* One ListObjectVersions page (<ListVersionsResult>): fn per <Version> and
 * <DeleteMarker> in the order listed (a key's versions newest first), with
 * version_id, is_latest and delete_marker set. out_next_key (decoded when
 * url_encoded) and out_next_version are NextKeyMarker and
 * NextVersionIdMarker. A VersionId that is empty or holds a blank or a
 * control character stops the page with S3E_EPARSE, as a bad Size does. */
int s3e_xml_parse_versions_page(const char *body, size_t len, int url_encoded, s3e_list_fn fn,
                                void *ud, int *out_truncated, struct s3e_buf *out_next_key,
                                struct s3e_buf *out_next_version, char *why, size_t why_len);

#endif
