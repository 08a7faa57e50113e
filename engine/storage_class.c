/* storage_class.c - S3's storage class names. A misspelt class would
 * otherwise fail every copy of a run, one InvalidStorageClass at a time. */
#include "s3engine/storage_class.h"
#include "spelling.h"

#include <stdio.h>
#include <string.h>

/* As the S3 API reference lists them for x-amz-storage-class. */
static const char *const s3_classes[] = {
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", NULL,
};

int s3e_storage_class_known(const char *name, char *const *extra, size_t nextra)
{
    for (size_t i = 0; s3_classes[i]; i++)
        if (strcmp(name, s3_classes[i]) == 0)
            return 1;
    for (size_t i = 0; i < nextra; i++)
        if (strcmp(name, extra[i]) == 0)
            return 1;
    return 0;
}

int s3e_storage_class_archived(const char *name)
{
    return name && (strcmp(name, "GLACIER") == 0 || strcmp(name, "DEEP_ARCHIVE") == 0);
}

const char *s3e_storage_class_suggest(const char *name)
{
    return s3e_spelling_nearest(name, s3_classes);
}

void s3e_storage_class_problem(const char *name, char *out, size_t len)
{
    const char *near = s3e_storage_class_suggest(name);
    if (near)
        snprintf(out, len, "'%.64s' is not an S3 storage class (did you mean '%s'?)", name, near);
    else
        snprintf(out, len, "'%.64s' is not an S3 storage class (STANDARD, STANDARD_IA, "
                 "ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE, ...; a "
                 "class of your own server goes in the plan's storage_classes)", name);
}
