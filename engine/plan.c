/* plan.c - struct s3e_plan's memory (the plan is read in script_plan.c). */
#include "s3engine/plan.h"
#include "s3engine/s3.h"

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>

/* A customer key is wiped before its memory goes back. */
static void ssec_free(struct s3e_ssec *k)
{
    if (k)
        OPENSSL_cleanse(k, sizeof *k);
    free(k);
}

void s3e_plan_free(struct s3e_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nsources; i++) {
        free(p->sources[i].bucket);
        free(p->sources[i].prefix);
        free(p->sources[i].manifest);
        ssec_free(p->sources[i].ssec);
        s3e_access_free(&p->sources[i].access);
    }
    for (size_t i = 0; i < p->ntargets; i++) {
        free(p->targets[i].name);
        free(p->targets[i].bucket);
        free(p->targets[i].prefix);
        free(p->targets[i].storage_class);
        free(p->targets[i].sse);
        free(p->targets[i].kms_key_id);
        free(p->targets[i].checksum_algorithm);
        ssec_free(p->targets[i].ssec);
        s3e_access_free(&p->targets[i].access);
    }
    for (size_t i = 0; i < p->nstorage_classes; i++)
        free(p->storage_classes[i]);
    free(p->storage_classes);
    free(p->sources);
    free(p->targets);
    free(p->path);
    memset(p, 0, sizeof *p);
}

void s3e_access_free(struct s3e_access *a)
{
    free(a->profile);
    free(a->region);
    free(a->endpoint);
    free(a->acl);
    free(a->expected_owner);
    memset(a, 0, sizeof *a);
}

int s3e_access_given(const struct s3e_access *a)
{
    return a->profile || a->region || a->endpoint || a->addressing || a->acl ||
           a->expected_owner || a->requester_pays;
}
