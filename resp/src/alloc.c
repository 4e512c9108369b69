/* resp/src/alloc.c - the default allocator. */
#include <stdlib.h>

#include <resp/alloc.h>

#include "internal.h"

static void *libc_malloc(void *ctx, size_t size) {
    (void)ctx;
    return malloc(size);
}

static void *libc_realloc(void *ctx, void *ptr, size_t size) {
    (void)ctx;
    return realloc(ptr, size);
}

static void libc_free(void *ctx, void *ptr) {
    (void)ctx;
    free(ptr);
}

static const resp_allocator libc_allocator = {libc_malloc, libc_realloc, libc_free, NULL};

const resp_allocator *resp_default_allocator(void) {
    return &libc_allocator;
}

const resp_allocator *resp__alloc(const resp_allocator *a) {
    return a != NULL ? a : &libc_allocator;
}
