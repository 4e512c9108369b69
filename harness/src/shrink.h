/* harness/src/shrink.h - reducing a program that shows a difference to a
 * few operations that still show it: delta debugging over operations (the
 * last one, where the difference shows, always stays), then over each
 * operation's arguments, then sending whole and unpipelined. */
#ifndef RH_SHRINK_H
#define RH_SHRINK_H

#include "program.h"

/* Non-zero when p still shows the difference (replayed on fresh state). */
typedef int (*rh_still_differs)(const rh_program *p, void *ctx);

typedef struct rh_shrink_stats {
    size_t tests;     /* replays */
    size_t ops_before, ops_after;
    long long ms;
    int out_of_time;  /* stopped at the budget: smaller may exist */
} rh_shrink_stats;

/* Reduces p in place within budget_ms (0: no limit). */
void rh_shrink(rh_program *p, rh_still_differs still, void *ctx, long long budget_ms,
               rh_shrink_stats *st);

#endif /* RH_SHRINK_H */
