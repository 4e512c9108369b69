/* server/mem.h - allocation that cannot fail: as in Redis, running out of
 * memory ends the process with a message naming the size asked for. */
#ifndef MR_MEM_H
#define MR_MEM_H

#include <stddef.h>

void *mr_xmalloc(size_t n);
void *mr_xcalloc(size_t n, size_t size);
void *mr_xrealloc(void *p, size_t n);
char *mr_xstrndup(const char *s, size_t n);

#endif /* MR_MEM_H */
