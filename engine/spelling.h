/* spelling.h - "did you mean" for names in plans. */
#ifndef S3E_SPELLING_H
#define S3E_SPELLING_H

/* The word of known (NULL-terminated) that word is most likely a misspelling
 * of: at most two letters off, case aside; NULL when none is that close. */
const char *s3e_spelling_nearest(const char *word, const char *const *known);

#endif
