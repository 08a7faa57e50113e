/* budget.h - bytes of memory shared by threads: a streamed copy takes room
 * for the parts it reads before it reads them and gives it back once they
 * are uploaded, so the run's streamed bytes in memory stay under a total
 * (README, "Streamed copies"). Thread-safe. Internal. */
#ifndef S3E_BUDGET_H
#define S3E_BUDGET_H

#include <stdint.h>

struct s3e_budget;

/* A budget of `total` bytes (> 0). S3E_OK or S3E_ENOMEM. */
int  s3e_budget_new(struct s3e_budget **out, uint64_t total);
void s3e_budget_free(struct s3e_budget *b); /* NULL is fine */

/* Take n bytes when they are free, without waiting (the event loop's way;
 * more than the total is cut to the total, free once nothing else is
 * taken): 1 and *taken (what to give back) set when there was room, else 0
 * and nothing taken. */
int  s3e_budget_try_take(struct s3e_budget *b, uint64_t n, uint64_t *taken);
void s3e_budget_give(struct s3e_budget *b, uint64_t n);
/* The total, and the most that was taken at once so far. */
uint64_t s3e_budget_total(const struct s3e_budget *b);
uint64_t s3e_budget_peak(struct s3e_budget *b);

#endif
