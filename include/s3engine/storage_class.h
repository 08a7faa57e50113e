/* storage_class.h - S3's storage class names, for checking plans before any copy. */
#ifndef S3E_STORAGE_CLASS_H
#define S3E_STORAGE_CLASS_H

#include <stddef.h>

/* 1 when name is one of S3's storage classes or one of extra[0..nextra). */
int s3e_storage_class_known(const char *name, char *const *extra, size_t nextra);

/* 1 when an object of class name must be restored before it can be read or
 * copied (GLACIER, DEEP_ARCHIVE; not GLACIER_IR), else 0. NULL is 0. */
int s3e_storage_class_archived(const char *name);

/* S3's class that name is most likely a misspelling of (at most two letters
 * off, case aside), or NULL. */
const char *s3e_storage_class_suggest(const char *name);

/* "'X' is not an S3 storage class (did you mean 'Y'?); ..." into out. */
void s3e_storage_class_problem(const char *name, char *out, size_t len);

#endif
