/* resp/reply.h - the reply parser: what a client reads.
 *
 * Every RESP2 and RESP3 type, including attributes, push, verbatim
 * strings, big numbers, doubles (inf, -inf, nan), blob errors, streamed
 * strings ($?) and streamed aggregates (*?, %?, ~?).  Incremental over
 * arbitrary chunk boundaries; nesting is tracked on an explicit stack
 * inside the parser (no recursion on input depth, no allocation).
 *
 * The interface is a stream of events: an element is reported once it is
 * complete on the wire (scalars), or once its header is (aggregates, which
 * are then closed by an END event).  Payloads are spans into the caller's
 * buffer.  As with the request parser, each call is given the bytes not
 * yet consumed, and the parser never reports an element twice. */
#ifndef RESP_REPLY_H
#define RESP_REPLY_H

#include "export.h"

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "error.h"
#include "span.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RESP_REPLY_DEPTH_MAX 128  /* hard ceiling for max_depth */

/* Option values of 0 or below mean the default. */
typedef struct resp_reply_options {
    long long max_bulk_len;  /* strings and lines; 0 = 512 MiB */
    long long max_elements;  /* per aggregate; 0 = 2^31 - 1 */
    int max_depth;           /* nesting; 0 = 64, at most RESP_REPLY_DEPTH_MAX */
} resp_reply_options;

typedef enum resp_event_kind {
    RESP_EV_SCALAR, /* a complete non-aggregate value */
    RESP_EV_BEGIN,  /* aggregate header, or the start of a streamed string */
    RESP_EV_CHUNK,  /* one chunk of a streamed string */
    RESP_EV_END     /* closes the matching BEGIN */
} resp_event_kind;

typedef struct resp_event {
    resp_event_kind kind;
    resp_type type;
    int depth;          /* 0 = top level; CHUNK: the streamed string's */
    int streamed;       /* BEGIN/END: length was '?' */
    resp_null_kind null_kind; /* RESP_NULL: how it was spelled */
    resp_span data;     /* string payloads, and the text of numbers,
                           doubles and big numbers; for verbatim strings
                           the whole payload, "txt:" included */
    long long integer;  /* INTEGER value; BOOLEAN 0/1; BEGIN: element
                           count (a map's or attribute's pair count), -1
                           when streamed; END: 0 */
    double dbl;         /* DOUBLE value */
    uint64_t offset;    /* stream offset of the element's first byte;
                           CHUNK: its ';'; END: just past the aggregate's
                           last byte */
} resp_event;

/* Called for each event.  Return RESP_OK to go on; any other value stops
 * the parse and becomes the parser's sticky error. */
typedef resp_error (*resp_event_cb)(void *ud, const resp_event *ev);

typedef enum resp_reply_status {
    RESP_REPLY_ERROR = -1,     /* sticky; see resp_reply_error() */
    RESP_REPLY_INCOMPLETE = 0, /* need more bytes; not an error */
    RESP_REPLY_COMPLETE = 1    /* one top-level reply has ended */
} resp_reply_status;

/* Private state, declared for embedding. */
typedef struct resp__reply_frame {
    unsigned char type;       /* resp_type of the open aggregate */
    unsigned char streamed;
    unsigned char is_attribute;
    long long remaining;      /* elements still expected; streamed: < 0,
                                 -1 minus the elements seen */
} resp__reply_frame;

typedef struct resp_reply_parser {
    resp_reply_options opts;
    resp_error error;
    uint64_t error_offset;
    uint64_t stream_offset;    /* stream offset of the buffer's first byte */
    size_t scan;               /* bytes of a pending line already searched */
    int in_stream_string;      /* inside a $? streamed string */
    int depth;                 /* open frames */
    int pending_attribute;     /* an attribute awaits the value it describes */
    resp__reply_frame stack[RESP_REPLY_DEPTH_MAX];
} resp_reply_parser;

/* `opts` may be NULL for defaults.  Allocates nothing. */
RESP_API void resp_reply_init(resp_reply_parser *p, const resp_reply_options *opts);
/* Forgets partial state and any error. */
RESP_API void resp_reply_reset(resp_reply_parser *p);

/* Parses buf[0..len), emitting events, and stops after one top-level
 * reply ends (an attribute is not a reply; the value after it is).
 * *consumed is the number of leading bytes the caller may drop (the
 * parser has reported everything in them); the rest must be passed again,
 * followed by more bytes. */
RESP_API resp_reply_status resp_reply_parse(resp_reply_parser *p, const char *buf, size_t len,
                                   size_t *consumed, resp_event_cb cb, void *ud);

RESP_API resp_error resp_reply_error(const resp_reply_parser *p);
/* Stream offset (bytes since init/reset) of the offending byte. */
RESP_API uint64_t resp_reply_error_offset(const resp_reply_parser *p);

#ifdef __cplusplus
}
#endif

#endif /* RESP_REPLY_H */
