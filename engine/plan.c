/* plan.c - struct s3e_plan's memory (the plan is read in script_plan.c). */
#include "s3engine/plan.h"

#include <stdlib.h>
#include <string.h>

void s3e_plan_free(struct s3e_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nsources; i++) {
        free(p->sources[i].bucket);
        free(p->sources[i].prefix);
        free(p->sources[i].manifest);
    }
    for (size_t i = 0; i < p->ntargets; i++) {
        free(p->targets[i].name);
        free(p->targets[i].bucket);
        free(p->targets[i].prefix);
        free(p->targets[i].storage_class);
    }
    for (size_t i = 0; i < p->nstorage_classes; i++)
        free(p->storage_classes[i]);
    free(p->storage_classes);
    free(p->sources);
    free(p->targets);
    free(p->path);
    memset(p, 0, sizeof *p);
}
