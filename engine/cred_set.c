/* cred_set.c - credential strings: copied into their slots, wiped when freed.
 * Below every other cred_*.c file, which all call it. */
#include "cred_int.h"
#include "s3engine/error.h"

#include <stdlib.h>
#include <string.h>

int cred_dup(char **slot, const char *v)
{
    free(*slot);
    *slot = v ? strdup(v) : NULL;
    return v && !*slot ? S3E_ENOMEM : S3E_OK;
}

void cred_wipe(char *s)
{
    if (s) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

void cred_set_clear(struct cred_set *s)
{
    cred_wipe(s->c.access_key);
    cred_wipe(s->c.secret_key);
    cred_wipe(s->c.session_token);
    memset(s, 0, sizeof *s);
}
