/* resp/writer.h - encoders for every RESP type, and RESP3 -> RESP2.
 *
 * Writers append to a growable buffer.  A failed allocation marks the
 * buffer failed; later writes do nothing, so a run of writes can be
 * checked once at the end.  Functions taking `proto` (2 or 3) apply the
 * downgrade Redis applies when the client speaks RESP2: map -> flat
 * array, set and push -> array, double and big number -> bulk string,
 * boolean -> integer, null -> $-1 or *-1, verbatim -> bulk string
 * without its format prefix, bulk error -> simple error, attribute ->
 * omitted. */
#ifndef RESP_WRITER_H
#define RESP_WRITER_H

#include "export.h"

#include <stddef.h>

#include "alloc.h"
#include "error.h"
#include "types.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct resp_buf {
    char *data;
    size_t len;
    size_t cap;
    const resp_allocator *alloc;
    int failed;
} resp_buf;

RESP_API void resp_buf_init(resp_buf *b, const resp_allocator *alloc);
RESP_API void resp_buf_free(resp_buf *b);
/* Empties the buffer and clears the failed mark; keeps the storage. */
RESP_API void resp_buf_clear(resp_buf *b);
/* RESP_ENOMEM once any write has failed, else RESP_OK. */
RESP_API resp_error resp_buf_status(const resp_buf *b);
/* Appends raw bytes. */
RESP_API resp_error resp_buf_append(resp_buf *b, const void *data, size_t len);

/* Simple strings and errors cannot hold CR or LF: each is written as a
 * space, as Redis does for error texts. */
RESP_API resp_error resp_write_simple_string(resp_buf *b, const char *s, size_t len);
RESP_API resp_error resp_write_simple_error(resp_buf *b, const char *s, size_t len);
RESP_API resp_error resp_write_integer(resp_buf *b, long long v);
RESP_API resp_error resp_write_bulk_string(resp_buf *b, const void *s, size_t len);
RESP_API resp_error resp_write_null(resp_buf *b, int proto, resp_null_kind kind);
/* count = elements for array, set, push; pairs for map and attribute.
 * An attribute header under proto 2 writes nothing (its elements must
 * then be skipped by the caller: resp_write_value does that). */
RESP_API resp_error resp_write_aggregate(resp_buf *b, int proto, resp_type type, size_t count);
/* %.17g, with inf, -inf and nan spelled as Redis does. */
RESP_API resp_error resp_write_double(resp_buf *b, int proto, double d);
RESP_API resp_error resp_write_boolean(resp_buf *b, int proto, int v);
RESP_API resp_error resp_write_big_number(resp_buf *b, int proto, const char *digits, size_t len);
/* format is three bytes ("txt", "mkd"). */
RESP_API resp_error resp_write_verbatim(resp_buf *b, int proto, const char *format,
                               const char *s, size_t len);
RESP_API resp_error resp_write_bulk_error(resp_buf *b, int proto, const char *s, size_t len);

/* A request: *argc then one bulk string per argument.  lens may be NULL
 * for NUL-terminated arguments. */
RESP_API resp_error resp_write_command(resp_buf *b, size_t argc, const char *const *argv,
                              const size_t *lens);

/* A whole tree.  Under proto 3 the output parses back to an equal tree
 * (so a parsed $-1 or *-1 keeps its spelling); under proto 2 it is the
 * downgrade described above.  Malformed hand-built trees give RESP_EINVAL
 * and leave the buffer as it was. */
RESP_API resp_error resp_write_value(resp_buf *b, int proto, const resp_value *v);

#ifdef __cplusplus
}
#endif

#endif /* RESP_WRITER_H */
