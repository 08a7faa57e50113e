/* lambda.h - `s3engine lambda`: the AWS Lambda Runtime API loop (custom
 * runtime provided.al2023). */
#ifndef S3E_LAMBDA_H
#define S3E_LAMBDA_H

#include "cli.h"

/* Serve invocations from $AWS_LAMBDA_RUNTIME_API until it stops answering.
 * Each event {"job": "s3://b/p/", "payload": N} runs payload N of that job.
 * Returns an enum s3e_exit value: 2 when not run inside Lambda, 3 after an
 * init error or a Runtime API failure. */
int s3e_lambda_serve(const struct s3e_cli *cli);

#endif
