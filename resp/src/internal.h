/* resp/src/internal.h - helpers shared by the library's modules. */
#ifndef RESP_INTERNAL_H
#define RESP_INTERNAL_H

#include <stddef.h>

#include <resp/alloc.h>
#include <resp/error.h>

/* The allocator to use: `a`, or the C library's when a is NULL. */
const resp_allocator *resp__alloc(const resp_allocator *a);

static inline void *resp__malloc(const resp_allocator *a, size_t n) {
    a = resp__alloc(a);
    return a->malloc(a->ctx, n);
}

static inline void *resp__realloc(const resp_allocator *a, void *p, size_t n) {
    a = resp__alloc(a);
    return a->realloc(a->ctx, p, n);
}

static inline void resp__free(const resp_allocator *a, void *p) {
    if (p == NULL) return;
    a = resp__alloc(a);
    a->free(a->ctx, p);
}

/* Parses s[0..len) as a decimal long long with Redis's string2ll rules:
 * optional '-', no '+', no leading zeros (except "0" itself), no blanks,
 * not empty, fewer than 21 bytes, within range.  Returns 1 on success. */
int resp__strict_ll(const char *s, size_t len, long long *out);

struct resp_buf;
/* Ensures room for `extra` more bytes in b (marks it failed if not). */
resp_error resp__buf_reserve(struct resp_buf *b, size_t extra);

#endif /* RESP_INTERNAL_H */
