/* server/sizes.h - the sizes Redis's allocations take, so that what this
 * server reports about its buffers (CLIENT LIST's qbuf-free) and values
 * (MEMORY USAGE) is the number Redis reports: jemalloc's size classes and
 * the capacity of an sds string. */
#ifndef MR_SIZES_H
#define MR_SIZES_H

#include <stddef.h>

/* The size jemalloc hands out for a request of n bytes (its size class). */
size_t mr_jemalloc_size(size_t n);

/* The header bytes of an sds string that holds len bytes (types 8 to 64;
 * type 5 only when allow_type5 and len < 32, as for strings not meant to
 * grow). */
size_t mr_sds_header(size_t len, int allow_type5);

/* The capacity (sdsalloc) of an sds string allocated to hold len bytes:
 * its allocation's size class less the header and the terminator. */
size_t mr_sds_capacity(size_t len);

#endif /* MR_SIZES_H */
