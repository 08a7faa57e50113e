/* inventory.h - an S3 Inventory report named by its manifest.json: the
 * format (CSV only), the column order (fileSchema) and the data files, each
 * found on disk and checked against the size and MD5 the manifest lists.
 *
 * AWS writes manifest.json at <prefix>/<bucket>/<config>/<time>/ and the
 * files it lists by their key in the destination bucket
 * (<prefix>/<bucket>/<config>/data/<name>.csv.gz). On disk a file is looked
 * for as <folder>/<key> for the manifest's folder and each folder above it
 * (a copy of the destination bucket holds them so), then as <name> in the
 * manifest's folder. */
#ifndef S3E_INVENTORY_H
#define S3E_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

struct s3e_inventory_file {
    char *path;      /* where it was found */
    uint64_t size;
    char md5[33];    /* hex, lower case */
};

struct s3e_inventory {
    char *schema;    /* fileSchema: "Bucket, Key, VersionId, ..." */
    size_t nfiles;
    struct s3e_inventory_file *files;
};

/* 1 when path names an inventory manifest (its name ends in ".json"). */
int s3e_inventory_is_manifest(const char *path);
/* Read and check manifest.json (against manifest.checksum, when there is
 * one) and every file it lists (found, size and MD5 equal), before any row is read: a report that does not match its
 * manifest is not copied at all. 0, or S3E_EPLAN / S3E_ENOMEM with
 * "path: message" in errbuf. */
int s3e_inventory_open(struct s3e_inventory *inv, const char *path, char *errbuf, size_t errlen);
/* Where the manifest's manifest.checksum is ("x.json" -> "x.checksum"),
 * owned, or NULL (no memory). When that file exists, s3e_inventory_open
 * checks that it holds the MD5 of the manifest (in hex). */
char *s3e_inventory_checksum_name(const char *manifest);
/* The MD5 of a file as lower-case hex; 0 or -1 (errno set). */
int s3e_inventory_md5(const char *path, char out[33], uint64_t *size);
void s3e_inventory_free(struct s3e_inventory *inv);

#endif
