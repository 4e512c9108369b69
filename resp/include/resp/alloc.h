/* resp/alloc.h - pluggable allocator used by every resp module. */
#ifndef RESP_ALLOC_H
#define RESP_ALLOC_H

#include "export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* All three functions receive `ctx`.  `realloc` follows C's realloc: it
 * may return NULL, leaving the old block untouched.  A NULL allocator
 * pointer anywhere in the API means the C library's malloc/realloc/free. */
typedef struct resp_allocator {
    void *(*malloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} resp_allocator;

/* The C library allocator. */
RESP_API const resp_allocator *resp_default_allocator(void);

#ifdef __cplusplus
}
#endif

#endif /* RESP_ALLOC_H */
