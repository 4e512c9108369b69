/* harness/src/diff.h - comparing two servers' replies to the same case. */
#ifndef RH_DIFF_H
#define RH_DIFF_H

#include "runner.h"

/* Compares the replies a and b collected (RH_MODE_COLLECT) for the same
 * case, protocol and namespace, slot by slot, under the normalisation
 * the case's expectations declare.  Every difference is appended to
 * msg, with the first differing byte and the bytes that reproduce it;
 * the first one also goes to *parts (b's reply as expected, a's as
 * actual).  Returns the number of differences. */
size_t rh_diff_outcomes(const rh_outcome *a, const rh_outcome *b, const char *name_a,
                        const char *name_b, resp_buf *msg, rh_failure *parts);

#endif /* RH_DIFF_H */
