/* server/sizes.h - the sizes Redis's allocations take, so that what this
 * server reports about its buffers (CLIENT LIST's qbuf-free) and values
 * (MEMORY USAGE) is the number Redis reports: jemalloc's size classes and
 * the capacity of an sds string, and the bytes of a listpack element. */
#ifndef MR_SIZES_H
#define MR_SIZES_H

#include <stddef.h>
#include <stdint.h>

/* The size jemalloc hands out for a request of n bytes (its size class). */
size_t mr_jemalloc_size(size_t n);

/* The header bytes of an sds string that holds len bytes (types 8 to 64;
 * type 5 only when allow_type5 and len < 32, as for strings not meant to
 * grow). */
size_t mr_sds_header(size_t len, int allow_type5);

/* The capacity (sdsalloc) of an sds string allocated to hold len bytes:
 * its allocation's size class less the header and the terminator, at most
 * what its header type can count. */
size_t mr_sds_capacity(size_t len);

/* Past this, an sds grows by this much instead of doubling. */
#define MR_SDS_MAX_PREALLOC (1024 * 1024)

/* A listpack's bytes with no element: its header and end byte. */
#define MR_LP_EMPTY_BYTES 7

/* The bytes a listpack element takes: an integer, or a string (stored as
 * an integer when it reads as one), each with its back-length. */
size_t mr_lp_int_size(int64_t v);
size_t mr_lp_str_size(const char *s, size_t n);

#endif /* MR_SIZES_H */
