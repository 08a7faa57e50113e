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
 *
 * The public functions are declared in s3engine/s3xml.h:
 * s3e_xml_parse_list_page, s3e_xml_parse_versions_page and
 * s3e_xml_parse_list_prefixes. */
#ifndef S3E_LIST_XML_H
#define S3E_LIST_XML_H

#include <stddef.h>

/* 1 when the scanner reads body itself (the fast path), 0 when a listing
 * call would hand it to libxml2. For tests and the fuzz target. */
int s3e_list_xml_scans(const char *body, size_t len);

#endif
