/* s3xml.h - parsing of S3 response bodies with libxml2, and the one place
 * that classifies a response as success, retryable failure or final failure.
 * All functions are pure (no I/O) and thread-safe. */
#ifndef S3E_S3XML_H
#define S3E_S3XML_H

#include <stddef.h>
#include <stdint.h>
#include "s3engine/buf.h"
#include "s3engine/s3.h"

/* Why a body is refused before it is parsed, or NULL: "response has a
 * DOCTYPE" (S3 never sends one; its entities could change what a field
 * says). Every parser below refuses such a body, and a document holding
 * anything but elements and text (entity references, comments, CDATA). */
const char *s3e_xml_refusal(const char *body, size_t len);

/* If body is an S3 <Error> document, fill code/message/request_id of *out
 * (when out != NULL) and return 1; else 0. */
int s3e_xml_parse_error(const char *body, size_t len, struct s3e_s3_error *out);

/* Classify a finished HTTP exchange. curl_code != 0 means no HTTP answer.
 * Fills *err (status, code from the body or derived from the status,
 * request id, retryable) and returns S3E_OK, S3E_ETRANSPORT or S3E_ES3.
 * `expect_body_error` makes a 200 whose body is <Error> a failure (CopyObject,
 * UploadPartCopy, CompleteMultipartUpload), and one with a DOCTYPE S3E_EPARSE
 * (not retryable, err->detail says why). */
int s3e_classify_response(long http_status, int curl_code, const char *curl_msg,
                          const char *body, size_t len, const char *request_id,
                          int expect_body_error, struct s3e_s3_error *err);

/* The texts of one listed entry, NUL-terminated ("" for an absent field). */
enum s3e_listed_kind { S3E_LISTED_OBJECT, S3E_LISTED_VERSION, S3E_LISTED_DELETE_MARKER };
struct s3e_list_texts {
    enum s3e_listed_kind kind;
    const char *key, *size, *etag, *last_modified, *storage_class, *version_id, *is_latest;
};
/* Read one entry from its texts and call fn (or S3E_EPARSE with why, as
 * below). Both page readers (libxml2's tree here, the scanner in
 * list_xml.c) end in this, so they cannot disagree on what a field means. */
int s3e_xml_list_entry(const struct s3e_list_texts *t, int url_encoded, struct s3e_buf *key,
                       s3e_list_fn fn, void *ud, char *why, size_t why_len);

/* The three listing readers below with libxml2's tree: list_xml.c's scanner
 * hands them every page it does not read itself (markup other than plain
 * elements and text, another encoding, anything malformed), so their verdict
 * and error text stay the reference. */
int s3e_xml_tree_list_page(const char *body, size_t len, int url_encoded, s3e_list_fn fn,
                           void *ud, int *out_truncated, struct s3e_buf *out_next_token,
                           char *why, size_t why_len);
int s3e_xml_tree_versions_page(const char *body, size_t len, int url_encoded, s3e_list_fn fn,
                               void *ud, int *out_truncated, struct s3e_buf *out_next_key,
                               struct s3e_buf *out_next_version, char *why, size_t why_len);
typedef int (*s3e_prefix_fn)(void *ud, const char *prefix, size_t len);
int s3e_xml_tree_list_prefixes(const char *body, size_t len, int url_encoded, s3e_prefix_fn fn,
                               void *ud, int *out_truncated);

/* <CopyObjectResult> or <CopyPartResult>: ETag without quotes (radosgw sends none). */
int s3e_xml_parse_copy_result(const char *body, size_t len, char out_etag[80]);

/* The additional checksum (Checksum<NAME>, NAME one of CRC64NVME, CRC32C,
 * CRC32, SHA256, SHA1) of a <CopyPartResult> or <CopyObjectResult>: name and
 * base64 value, both "" when there is none or the value is not base64. */
void s3e_xml_parse_checksum(const char *body, size_t len, char name[16], char value[96]);

/* <InitiateMultipartUploadResult>: UploadId, malloc'd. */
int s3e_xml_parse_initiate(const char *body, size_t len, char **out_upload_id);

/* <CompleteMultipartUploadResult>: ETag without quotes ("" when empty). */
int s3e_xml_parse_complete(const char *body, size_t len, char out_etag[80]);

/* <Tagging>: URL-encoded "k=v&k2=v2" appended to out. */
int s3e_xml_parse_tagging(const char *body, size_t len, struct s3e_buf *out);
/* The PutObjectTagging body for a URL-encoded tag set ("k=v&k2=v2"): the
 * inverse of s3e_xml_parse_tagging. Appends to out. */
int s3e_xml_tagging_body(const char *tagging, struct s3e_buf *out);

/* <ListMultipartUploadsResult>: fn per <Upload>; next markers for paging.
 * An Initiated that is not a date is S3E_EPARSE; why as for list pages. */
int s3e_xml_parse_uploads(const char *body, size_t len, s3e_upload_fn fn, void *ud,
                          int *out_truncated, struct s3e_buf *out_next_key,
                          struct s3e_buf *out_next_upload_id, char *why, size_t why_len);

/* Build the CompleteMultipartUpload request body (a part's checksum, when
 * its result gave one, as Checksum<NAME>: S3 wants every part's checksum
 * when the upload was created with a checksum algorithm). */
int s3e_xml_complete_body(const struct s3e_part_copy *parts, size_t n, struct s3e_buf *out);

/* Parse an ISO-8601 time ("2009-10-12T17:50:30.000Z") or an HTTP date
 * ("Wed, 12 Oct 2009 17:50:00 GMT") to epoch seconds. -1 when malformed. */
int64_t s3e_parse_time(const char *s);

#endif
