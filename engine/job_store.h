/* job_store.h - where an emitted job lives: a local folder or s3://bucket/prefix/.
 * Files are named relative to it ("job.tsv", "results/payload-00000001.tsv").
 * A store is used by one thread (it holds that thread's S3 client). */
#ifndef S3E_JOB_STORE_H
#define S3E_JOB_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "s3engine/buf.h"

struct s3e_client;
struct s3e_job_store;

/* dest: a folder (created on the first put) or s3://bucket[/prefix]. client
 * is needed for S3 (not owned). S3E_OK, S3E_EINVAL (message in err), S3E_ENOMEM. */
int  s3e_job_store_open(struct s3e_job_store **out, const char *dest, struct s3e_client *client,
                        char *err, size_t errlen);
void s3e_job_store_free(struct s3e_job_store *s);
int  s3e_job_store_is_s3(const char *dest);
/* Where name is, for messages: "/dir/name" or "s3://b/p/name". */
const char *s3e_job_store_where(struct s3e_job_store *s, const char *name);

/* Write name whole (a local file appears at once: written aside, then renamed).
 * S3E_OK, or an error with the reason in err. */
int s3e_job_store_put(struct s3e_job_store *s, const char *name, const void *data, size_t len,
                      char *err, size_t errlen);
/* A file written in pieces (an emit's manifest): locally appended to a file
 * aside and renamed by _end, on S3 gathered and put by _end. commit = 0
 * drops it. Each returns S3E_OK or an error with the reason in err; _end
 * frees f in every case. */
struct s3e_job_file;
int s3e_job_file_begin(struct s3e_job_store *s, const char *name, struct s3e_job_file **out,
                       char *err, size_t errlen);
int s3e_job_file_write(struct s3e_job_file *f, const void *data, size_t len, char *err,
                       size_t errlen);
int s3e_job_file_end(struct s3e_job_file *f, int commit, char *err, size_t errlen);

/* Read length bytes at offset (length 0 = to the end) into out (reset first).
 * *found = 0 when there is no such file (S3E_OK). */
int s3e_job_store_get(struct s3e_job_store *s, const char *name, uint64_t offset,
                      uint64_t length, struct s3e_buf *out, int *found, char *err, size_t errlen);

#endif
