/* inventory_fetch.h - an S3 Inventory manifest.json in S3, brought to disk. */
#ifndef S3E_INVENTORY_FETCH_H
#define S3E_INVENTORY_FETCH_H

#include "s3engine/s3.h"

/* Download s3://bucket/key (a manifest.json), its manifest.checksum when
 * there is one, and every file it lists (by key, from the same bucket) under
 * a new temporary folder, as the bucket lays them out. *local: the manifest's path there; *tmpdir: the folder. Both are set
 * (or NULL) whatever the result: free them with s3e_inventory_fetch_clean.
 * 0, or S3E_EPLAN / S3E_ENOMEM with a message in errbuf. */
int s3e_inventory_fetch(struct s3e_client *c, const char *url, char **local, char **tmpdir,
                        char *errbuf, size_t errlen);
/* Remove the temporary folder and free both strings. */
void s3e_inventory_fetch_clean(char *local, char *tmpdir);

#endif
