/* server/memusage.h - MEMORY USAGE: the bytes Redis 7.0 would report for a
 * key and its value (objectComputeSize, then the key's sds and its dict
 * entry), from the sizes Redis's structures would have here. */
#ifndef MR_MEMUSAGE_H
#define MR_MEMUSAGE_H

#include <stddef.h>

#include "object.h"

/* klen: the key's length (its own sds counts); samples: how many nested
 * elements to average over (Redis's default 5; SIZE_MAX for all). */
size_t mr_memory_usage(size_t klen, const mr_obj *o, size_t samples);

#endif /* MR_MEMUSAGE_H */
