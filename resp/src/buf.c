/* resp/src/buf.c - the growable output buffer behind the writers. */
#include <string.h>

#include <resp/writer.h>

#include "internal.h"

void resp_buf_init(resp_buf *b, const resp_allocator *alloc) {
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->alloc = alloc;
    b->failed = 0;
}

void resp_buf_free(resp_buf *b) {
    resp__free(b->alloc, b->data);
    resp_buf_init(b, b->alloc);
}

void resp_buf_clear(resp_buf *b) {
    b->len = 0;
    b->failed = 0;
}

resp_error resp_buf_status(const resp_buf *b) {
    return b->failed ? RESP_ENOMEM : RESP_OK;
}

/* Makes room for `extra` more bytes; geometric growth. */
resp_error resp__buf_reserve(resp_buf *b, size_t extra) {
    if (b->failed) return RESP_ENOMEM;
    if (extra <= b->cap - b->len) return RESP_OK;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->failed = 1;
        return RESP_ENOMEM;
    }
    size_t want = b->len + extra;
    size_t cap = b->cap != 0 ? b->cap : 64;
    while (cap < want) cap *= 2;
    char *data = resp__realloc(b->alloc, b->data, cap);
    if (data == NULL) {
        b->failed = 1;
        return RESP_ENOMEM;
    }
    b->data = data;
    b->cap = cap;
    return RESP_OK;
}

resp_error resp_buf_append(resp_buf *b, const void *data, size_t len) {
    if (resp__buf_reserve(b, len) != RESP_OK) return RESP_ENOMEM;
    if (len != 0) memcpy(b->data + b->len, data, len);
    b->len += len;
    return RESP_OK;
}
