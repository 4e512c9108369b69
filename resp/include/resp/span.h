/* resp/span.h - a borrowed run of bytes. */
#ifndef RESP_SPAN_H
#define RESP_SPAN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Points into memory the span does not own; not NUL-terminated. */
typedef struct resp_span {
    const char *ptr;
    size_t len;
} resp_span;

#ifdef __cplusplus
}
#endif

#endif /* RESP_SPAN_H */
