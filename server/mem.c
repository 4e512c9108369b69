/* server/mem.c - allocation that cannot fail. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static void oom(size_t n) {
    fprintf(stderr, "mini-redis-server: out of memory allocating %zu bytes\n", n);
    abort();
}

void *mr_xmalloc(size_t n) {
    void *p = malloc(n != 0 ? n : 1);
    if (p == NULL) oom(n);
    return p;
}

void *mr_xcalloc(size_t n, size_t size) {
    if (size != 0 && n > SIZE_MAX / size) oom(SIZE_MAX);
    void *p = calloc(n != 0 ? n : 1, size != 0 ? size : 1);
    if (p == NULL) oom(n * size);
    return p;
}

void *mr_xrealloc(void *p, size_t n) {
    void *q = realloc(p, n != 0 ? n : 1);
    if (q == NULL) oom(n);
    return q;
}

char *mr_xstrndup(const char *s, size_t n) {
    char *d = mr_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
