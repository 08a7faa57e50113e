/* summary_json.h - --json: the outcome of a run as one JSON object (summary_json.c). Internal. */
#ifndef S3E_SUMMARY_JSON_H
#define S3E_SUMMARY_JSON_H

#include "run.h"
#include <stdio.h>

/* --json, the outcome as one JSON object on `out` (README,
 * "Machine-readable output"). `error`: the run's error message or NULL.
 * S3E_OK, S3E_EIO (could not write), S3E_ENOMEM. */
int s3e_summary_json(FILE *out, const struct s3e_run *run, int status, const char *error);

/* SHA-256 of a file in hex, "" when it cannot be read. */
void s3e_file_sha256(const char *path, char out[65]);

#endif
