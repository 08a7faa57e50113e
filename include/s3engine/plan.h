/* plan.h - a loaded plan as plain C data (no Lua here), and the objects and
 * routes that flow from the planner to the packer. */
#ifndef S3E_PLAN_H
#define S3E_PLAN_H

#include <stddef.h>
#include <stdint.h>

struct s3e_ssec;

enum { S3E_ADDRESSING_RUN = 0, S3E_ADDRESSING_PATH, S3E_ADDRESSING_VIRTUAL };

/* How a source's or a target's bucket is reached, and as whom (README,
 * "Connections and accounts"). NULL / 0: as the run's. */
struct s3e_access {
    char *profile;        /* shared config/credentials profile */
    char *region;
    char *endpoint;       /* http(s)://host[:port] */
    int   addressing;     /* S3E_ADDRESSING_* */
    char *acl;            /* canned ACL of what is written to a target (x-amz-acl) */
    char *expected_owner; /* account id the bucket must belong to */
    int   requester_pays; /* 1: x-amz-request-payer: requester */
};

struct s3e_source {
    char *bucket;   /* NULL for a manifest source */
    char *prefix;   /* "" when absent */
    char *manifest; /* CSV manifest path (bucket,key,size[,etag[,last_modified]]) or NULL */
    int manifest_url_encoded; /* keys in the manifest are %-encoded (S3 Inventory) */
    struct s3e_ssec *ssec;    /* the sources' customer key (SSE-C), or NULL */
    int list_concurrency;     /* ListObjectsV2 requests in flight; 0 = the default */
    struct s3e_access access;
    int versions;   /* enum s3e_versions: how a listed source takes versions */
    int restore_days;        /* restore = { days = N, ... }: archived objects are restored
                                for N days; 0 = not set (they are reported archived) */
    char restore_tier[12];   /* "Bulk", "Standard" (the default) or "Expedited" */
};

/* A listed source's `versions` field. */
enum s3e_versions {
    S3E_VERSIONS_NONE = 0, /* ListObjectsV2: current objects, no version pinned */
    S3E_VERSIONS_LATEST,   /* ListObjectVersions: each key's latest version, by its id */
    S3E_VERSIONS_ALL,      /* every version of each key, copied oldest to newest */
};

struct s3e_target {
    char *name;          /* key in the plan's targets table */
    char *bucket;
    char *prefix;        /* "" when absent; prepended to every destination key */
    char *storage_class; /* NULL = server default */
    char *sse;           /* "AES256", "aws:kms", or NULL (the bucket's default) */
    char *kms_key_id;    /* with "aws:kms", or NULL (the account's default key) */
    int   bucket_key_enabled; /* 1 true, -1 false, 0 not set */
    char *checksum_algorithm; /* CRC32, CRC32C, SHA1, SHA256, CRC64NVME, or NULL */
    struct s3e_ssec *ssec;    /* encrypt copies with this customer key (SSE-C), or NULL */
    int list_concurrency; /* listing it for skip-existing; 0 = the default */
    struct s3e_access access;
    int stream;           /* 1: copy by GET and PUT through this machine even where a
                             server-side copy could (`stream = true`) */
};

/* What to do when two sources are routed to one destination key. */
enum s3e_collisions {
    S3E_COLLISIONS_ERROR = 0, /* stop the run before any copy (the default) */
    S3E_COLLISIONS_FIRST,     /* keep the first listed source, skip the others */
    S3E_COLLISIONS_LAST,      /* keep the last listed source, skip the others */
};

/* Limits shared by the command line and the plan's own fields. */
#define S3E_MAX_WORKERS              4096
#define S3E_MAX_RESTORE_DAYS         36500 /* restore = { days = ... }: 100 years */
#define S3E_DEFAULT_WORKERS          16
#define S3E_MAX_PART_CONCURRENCY     256
#define S3E_DEFAULT_PART_CONCURRENCY 8  /* UploadPartCopy requests in flight per object */
#define S3E_MAX_PARTS_IN_FLIGHT      4096
#define S3E_DEFAULT_PARTS_IN_FLIGHT  32 /* UploadPartCopy in flight in all (--parts-in-flight) */
#define S3E_MAX_LIST_CONCURRENCY     256
#define S3E_DEFAULT_LIST_CONCURRENCY 16 /* ListObjectsV2 requests in flight per prefix */
#define S3E_DEFAULT_OBJECT_TIMEOUT_MS 300000L /* --object-timeout: 5 min, plus the copy time */

struct s3e_plan {
    char *path;                    /* the plan file (for messages) */
    struct s3e_source *sources;
    size_t nsources;
    struct s3e_target *targets;
    size_t ntargets;
    int      workers;              /* 0 = not set in the plan */
    uint64_t max_payload_bytes;    /* 0 = not set */
    uint64_t max_payload_objects;  /* 0 = not set */
    uint64_t multipart_cutoff;     /* 0 = not set */
    uint64_t part_size;            /* 0 = not set */
    int      move;                 /* plan asks for move mode (delete source after verify) */
    int      collisions;           /* enum s3e_collisions */
    char   **storage_classes;      /* names the server has beyond S3's own */
    size_t   nstorage_classes;
    int      has_select;
    int      has_route;            /* without route every object goes to the only target */
    int      has_payload_fn;       /* payload policy is a Lua function */
};

void s3e_plan_free(struct s3e_plan *p);
void s3e_access_free(struct s3e_access *a);
/* 1 when a names anything of its own (else the bucket is reached as the run's). */
int  s3e_access_given(const struct s3e_access *a);

/* An object as the planner sees it (listing or manifest row). Pointers are
 * valid for the duration of one call. */
struct s3e_object {
    uint32_t    source;        /* index into plan->sources */
    const char *bucket;
    const char *key;
    size_t      key_len;
    uint64_t    size;
    const char *etag;          /* no quotes, may be "" */
    int64_t     last_modified; /* epoch seconds, 0 when unknown */
    const char *storage_class; /* may be "" */
    const char *version_id;    /* the version to copy, NULL = the current one */
    const char *versions;      /* versions = "all": the key's versions (see s3e_job) */
};

/* One destination for an object, produced by route + payload policy. */
struct s3e_route {
    uint32_t    target;        /* index into plan->targets */
    const char *key;           /* full destination key (target prefix included) */
    size_t      key_len;
    const char *storage_class; /* per-route override, or NULL (target's) */
    const char *put;           /* the route's metadata and tags as header lines
                                  (engine/put_lines.h), or NULL: the source's */
    const char *group;         /* payload group from the policy, or NULL (default group) */
    uint64_t    max_bytes;     /* payload limit for this group, 0 = plan default */
    uint64_t    max_objects;   /* 0 = plan default */
};

#endif
