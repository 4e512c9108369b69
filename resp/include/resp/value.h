/* resp/value.h - reply trees, built from the reply parser's events. */
#ifndef RESP_VALUE_H
#define RESP_VALUE_H

#include "export.h"

#include <stddef.h>

#include "alloc.h"
#include "error.h"
#include "reply.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct resp_value resp_value;

struct resp_value {
    resp_type type;
    resp_null_kind null_kind; /* RESP_NULL only */
    int streamed;             /* arrived as a streamed string/aggregate */
    long long integer;        /* INTEGER; BOOLEAN 0/1 */
    double dbl;               /* DOUBLE */
    /* Owned, NUL-terminated copy of the payload: string types, and the
     * wire text of INTEGER, DOUBLE and BIG_NUMBER.  A verbatim string's
     * payload includes its "txt:" prefix.  NULL for booleans, nulls and
     * aggregates. */
    char *str;
    size_t len;
    /* Aggregates: elements in wire order; a map or attribute holds
     * key, value, key, value...  `count` is the number of elements. */
    resp_value *elems;
    size_t count;
    size_t cap;
    /* The attribute map that preceded this value on the wire, or NULL.
     * Consecutive attributes are merged into one. */
    resp_value *attribute;
};

/* Frees everything a value owns, and the value itself. */
RESP_API void resp_value_free(resp_value *v, const resp_allocator *alloc);
/* Non-zero when two trees are equal: types, null kinds, payload bytes
 * (integers and booleans by value), elements and attributes; the streamed
 * flag is ignored.  Trees deeper than RESP_REPLY_DEPTH_MAX compare
 * unequal unless a == b. */
RESP_API int resp_value_equal(const resp_value *a, const resp_value *b);

/* The reader: a reply parser plus a tree builder on top of its events. */
typedef struct resp__tree_frame {
    resp_value *value;
    int is_attribute;
} resp__tree_frame;

typedef struct resp_reader {
    resp_reply_parser parser;
    const resp_allocator *alloc;
    resp_value *root;         /* reply being built */
    resp_value *attribute;    /* attribute waiting for its value */
    int depth;
    resp__tree_frame stack[RESP_REPLY_DEPTH_MAX];
} resp_reader;

RESP_API void resp_reader_init(resp_reader *r, const resp_reply_options *opts,
                      const resp_allocator *alloc);
/* Frees any partial tree; the reader can be init'ed again. */
RESP_API void resp_reader_free(resp_reader *r);

/* Like resp_reply_parse(); on RESP_REPLY_COMPLETE, *out receives the tree,
 * which the caller frees with resp_value_free(). */
RESP_API resp_reply_status resp_reader_parse(resp_reader *r, const char *buf, size_t len,
                                    size_t *consumed, resp_value **out);

RESP_API resp_error resp_reader_error(const resp_reader *r);

#ifdef __cplusplus
}
#endif

#endif /* RESP_VALUE_H */
