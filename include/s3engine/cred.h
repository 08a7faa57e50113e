/* cred.h - AWS credentials found in the order the AWS SDKs look for them,
 * and renewed before they expire.
 *
 * Order (first source that is configured wins):
 *   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN]
 *   2. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME]
 *      (STS AssumeRoleWithWebIdentity, unsigned)
 *   3. the profile (AWS_PROFILE / --profile, else "default") of the shared files:
 *      role_arn with source_profile / credential_source / web_identity_token_file
 *      (STS AssumeRole), SSO (sso_session or sso_start_url, the AWS CLI's cached
 *      token, GetRoleCredentials), static keys, credential_process
 *   4. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI
 *   5. EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED=true
 *
 * A provider is shared by every thread of a run: s3e_cred_provider_get is
 * thread-safe and renews temporary credentials when less than
 * min(5 minutes, a quarter of their lifetime) remains. */
#ifndef S3E_CRED_H
#define S3E_CRED_H

#include <stddef.h>
#include <time.h>
#include "s3engine/config.h"

struct s3e_cred_provider;

/* What whoami shows; never the secret or the token. */
struct s3e_cred_info {
    char source[192];      /* "env", "web-identity", "profile:NAME assume-role", "container", "imds" */
    char access_key[128];
    time_t expiration;     /* 0 = does not expire */
    int renewable;         /* 0: static keys (environment, profile), never renewed */
    time_t renew_at;       /* when a run renews them ahead of expiry; 0 = not by time */
};

/* Find credentials (network calls for STS, SSO, container and IMDS sources).
 * profile: the profile name (NULL = "default"); explicit: 0 not named, 1 named
 * by AWS_PROFILE, 2 named by --profile, which (as in the AWS CLI) passes over
 * the environment's keys; region: used for STS.
 * Returns S3E_OK, S3E_ECREDS (none found, or a configured source failed: the
 * reason in errbuf, naming the profile type when it is one s3engine cannot
 * use), S3E_EIO/S3E_EPARSE for an unreadable file, or S3E_ENOMEM. Never puts a
 * secret in errbuf. */
int s3e_cred_provider_new(struct s3e_cred_provider **out, const char *profile, int explicit,
                          const char *region, char *errbuf, size_t errlen);
void s3e_cred_provider_free(struct s3e_cred_provider *p);

/* Current credentials copied into *dst (owned by the caller, freed with
 * s3e_creds_clear). *gen is the caller's generation: nothing is copied when
 * it is current; it is updated. Renews first when due. Thread-safe.
 * Returns S3E_OK, or S3E_ECREDS when expired credentials could not be renewed
 * (reason in errbuf). */
int s3e_cred_provider_get(struct s3e_cred_provider *p, struct s3e_creds *dst, unsigned long *gen,
                          char *errbuf, size_t errlen);

/* A request signed with generation `gen` was refused as expired or invalid
 * (ExpiredToken, TokenRefreshRequired, InvalidToken): the next get renews.
 * Returns 1 when a retry can use other credentials (they can be renewed),
 * 0 for static ones. Thread-safe. */
int s3e_cred_provider_expired(struct s3e_cred_provider *p, unsigned long gen);

/* A request signed with generation `gen` got an answer that expired
 * credentials get too but not only they (s3e_retry_may_be_expired: radosgw's
 * AccessDenied, a HEAD's bare 400): 1 when a retry with renewed credentials is
 * worth one try, because they can be renewed and `gen` is older than the
 * current set, or had expired by this machine's clock or by the server's
 * (server_now: the answer's Date, 0 when unknown; a client clock behind the
 * server's would otherwise keep signing with a set the server has let expire).
 * Then the next get renews (once for all requests signed with that set).
 * 0 otherwise: the answer stands. Thread-safe. */
int s3e_cred_provider_refused(struct s3e_cred_provider *p, unsigned long gen, time_t server_now);

void s3e_cred_provider_info(struct s3e_cred_provider *p, struct s3e_cred_info *out);

/* Wipe and free the strings of *c. */
void s3e_creds_clear(struct s3e_creds *c);

#endif
