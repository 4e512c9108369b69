/* harness/src/record.h - writing recorded replies back into case files. */
#ifndef RH_RECORD_H
#define RH_RECORD_H

#include "runner.h"

/* Rewrites the case file `path`: each expectation block of the cases in
 * outcomes (recorded under RESP2 and/or RESP3; a case may appear twice)
 * is replaced by what was recorded, and a block is added where a send
 * had none.  An existing matcher is kept when the new reply matches it.
 * Returns the number of cases whose text changed, or -1 on error. */
int rh_record_write(const char *path, rh_outcome *const *outcomes, size_t n);

#endif /* RH_RECORD_H */
