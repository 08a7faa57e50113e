/* config.h - credentials, region and endpoint, found the way AWS tools find them.
 *
 * Order (first wins): explicit overrides (command-line flags), environment
 * (AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL,
 * AWS_CA_BUNDLE), then the profile (AWS_PROFILE or "default") in
 * AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) and AWS_CONFIG_FILE
 * (~/.aws/config, "[profile NAME]" sections; keys region, endpoint_url,
 * ca_bundle). Credentials come from the chain of cred.h.
 *
 * A loaded config is immutable and may be shared by all threads; the
 * credentials provider inside it is thread-safe. */
#ifndef S3E_CONFIG_H
#define S3E_CONFIG_H

#include <stdatomic.h>
#include <stddef.h>
#include "s3engine/buf.h"

#define S3E_DEFAULT_REQUEST_TIMEOUT_MS 30000L
#define S3E_DEFAULT_COPY_TIMEOUT_MS 120000L

struct s3e_creds {
    char *access_key;
    char *secret_key;    /* never log */
    char *session_token; /* never log; NULL when not set */
};

struct s3e_cred_provider;
struct s3e_ratelimit;
struct s3e_regions;
struct s3e_conns;

struct s3e_config {
    struct s3e_creds creds;   /* the credentials found at load time (signing takes the
                                 provider's current ones when there is a provider) */
    struct s3e_cred_provider *cred; /* cred.h; NULL in tests that fill creds by hand */
    char *profile;            /* profile name that was used ("default" if none) */
    char *region;             /* never NULL after load: defaults to "us-east-1" */
    struct s3e_regions *regions; /* region.h: each bucket's region once found (owned;
                                    NULL in tests that fill a config by hand) */
    char *endpoint;           /* "scheme://host[:port]" without trailing slash, never NULL
                                 after load: defaults to https://s3.<region>.amazonaws.com */
    int   custom_endpoint;    /* 1 when the endpoint came from the user */
    int   path_style;         /* 1: https://host/bucket/key, 0: https://bucket.host/key */
    int   verify_tls;         /* 1 unless the user explicitly turned it off */
    char *ca_bundle;          /* PEM file for TLS verification, or NULL */
    long  connect_timeout_ms; /* default 10000 */
    /* Time limits of one attempt (s3_limits.c): a request other than a copy
     * may take request_timeout_ms; a server-side copy that much plus
     * copy_timeout_ms per GiB it copies. One that receives nothing for half
     * its limit is stalled. Both are given up and retried. */
    long  request_timeout_ms; /* default S3E_DEFAULT_REQUEST_TIMEOUT_MS */
    long  copy_timeout_ms;    /* default S3E_DEFAULT_COPY_TIMEOUT_MS */
    int   max_attempts;       /* total tries per request, including the first; default 6 */
    /* Non-zero = stop: requests in flight are cancelled and none is retried,
     * except cleanups (s3e_client_cleanup), which get a short grace. Set by
     * the run's signal handler; NULL = never. */
    const atomic_int *cancel;
    struct s3e_ratelimit *rate; /* shared by a run's clients (engine/ratelimit.h); NULL = none.
                                   Not owned: the run makes and frees it */
    const struct s3e_conns *conns; /* engine/conns.h: the configuration of each plan bucket
                                      whose source or target names its own; a request to such
                                      a bucket goes through that one. NULL = none. Not owned */
};

/* Values given on the command line; NULL / -1 means "not given". */
struct s3e_config_overrides {
    const char *profile;
    const char *region;
    const char *endpoint;
    int path_style;   /* -1 = auto: path-style for custom endpoints, virtual-hosted for AWS */
    int verify_tls;   /* -1 = default (on) */
    int max_attempts; /* -1 = default */
    long request_timeout_ms; /* 0 = default */
    long copy_timeout_ms;    /* 0 = default */
};

/* Fill *out from overrides, environment and profile files.
 * Returns S3E_OK, S3E_ECREDS (no credentials found, or a configured source
 * failed: errbuf says which and why), S3E_EIO/S3E_EPARSE (unreadable or malformed file, named in
 * errbuf) or S3E_ENOMEM. On failure *out holds nothing to free.
 * Never writes a secret into errbuf. */
int s3e_config_load(struct s3e_config *out, const struct s3e_config_overrides *ov,
                    char *errbuf, size_t errlen);
void s3e_config_free(struct s3e_config *cfg);

/* Build the pieces of a request address for bucket/key (key may be NULL for
 * bucket-level requests, bucket may be NULL for the service).
 *  out_url:  full URL to send, with `query` (already encoded) appended after '?'
 *  out_host: value of the Host header (host[:port] as in the URL)
 *  out_path: canonical URI for SigV4, e.g. "/bucket/a%20b/c" (path-style)
 *            or "/a%20b/c" (virtual-hosted). Key bytes are encoded by
 *            s3e_uri_encode with '/' kept.
 * Buffers are reset first. Returns S3E_OK, S3E_ENOMEM or S3E_EINVAL. */
int s3e_config_address(const struct s3e_config *cfg, const char *bucket, const char *key,
                       const char *query, struct s3e_buf *out_url, struct s3e_buf *out_host,
                       struct s3e_buf *out_path);

/* 1 when cfg's requests go to AWS: its own endpoint, or one the user gave on
 * an amazonaws.com host. */
int s3e_config_is_aws(const struct s3e_config *cfg);
/* Why an endpoint cannot be used (not http(s)://host[:port]), or NULL. */
const char *s3e_config_endpoint_problem(const char *endpoint);
/* 1 when the shared credentials or config file has this profile. */
int s3e_config_profile_exists(const char *profile);

/* The same for a bucket in `region`: with AWS's own endpoint, the endpoint of
 * that region (https://s3.REGION.amazonaws.com); a custom endpoint is kept. */
int s3e_config_address_in(const struct s3e_config *cfg, const char *region, const char *bucket,
                          const char *key, const char *query, struct s3e_buf *out_url,
                          struct s3e_buf *out_host, struct s3e_buf *out_path);

#endif
