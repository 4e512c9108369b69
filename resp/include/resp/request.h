/* resp/request.h - the request parser: what a server reads.
 *
 * Parses the two request forms Redis accepts, multibulk (`*2\r\n$3\r\nGET
 * ...`) and inline (`GET key\n`), incrementally over arbitrary chunk
 * boundaries, with Redis 7.0's limits, error texts and quirks.
 *
 * The caller owns the input buffer.  Each call is given the bytes that
 * have not been consumed yet (previously seen bytes first, then any new
 * ones); the parser remembers how far it got, so the arguments already
 * read and the part of a line already searched are not read again.
 * Arguments are spans into that buffer (zero copy); only inline arguments
 * written with quotes point into the parser's own scratch space.  The
 * argument array grows as arguments arrive and is reused, so a parser in
 * its steady state does not allocate. */
#ifndef RESP_REQUEST_H
#define RESP_REQUEST_H

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

#define RESP_INLINE_MAX 65536             /* Redis's PROTO_INLINE_MAX_SIZE */
#define RESP_UNAUTH_MBULK_MAX 10          /* count limit before AUTH */
#define RESP_UNAUTH_BULK_MAX 16384        /* bulk limit before AUTH */

typedef struct resp_request_options {
    /* Longest accepted bulk argument (proto-max-bulk-len); 0 = 512 MiB. */
    long long max_bulk_len;
    /* Reject what Redis tolerates, naming the rule (RESP_ESTRICT_*). */
    int strict;
    /* Apply Redis's limits for clients that have not authenticated. */
    int require_auth;
    const resp_allocator *alloc; /* NULL = C library */
} resp_request_options;

typedef enum resp_request_status {
    RESP_REQ_ERROR = -1,     /* sticky; see resp_request_error() */
    RESP_REQ_INCOMPLETE = 0, /* need more bytes; not an error */
    RESP_REQ_COMMAND = 1     /* one command is in *cmd */
} resp_request_status;

typedef struct resp_command {
    size_t argc;             /* >= 1: empty commands are skipped */
    const resp_span *argv;   /* valid until the next call or buffer change */
    int is_inline;
} resp_command;

/* Private state; fields may change between versions.  Declared here so a
 * parser can be embedded in a connection without a separate allocation. */
typedef struct resp_request_parser {
    resp_request_options opts;
    resp_error error;
    uint64_t error_offset;   /* stream offset of the offending byte */
    unsigned char error_byte;
    uint64_t stream_offset;  /* stream offset of the buffer's first byte */
    int state;
    size_t pos;              /* bytes of the current command parsed */
    size_t scan;             /* bytes already searched for a line end */
    long long remaining;     /* multibulk arguments still expected */
    long long bulk_len;      /* length of the bulk being read, or -1 */
    union resp__request_slot *slots;
    size_t nslots, slots_cap;
    char *scratch;           /* unescaped inline arguments */
    size_t scratch_cap;
} resp_request_parser;

/* `opts` may be NULL for Redis's defaults.  Allocates nothing. */
RESP_API void resp_request_init(resp_request_parser *p, const resp_request_options *opts);
/* Frees the argument storage.  The parser can be init'ed again. */
RESP_API void resp_request_free(resp_request_parser *p);
/* Forgets a partial command and any error; keeps the storage. */
RESP_API void resp_request_reset(resp_request_parser *p);
/* Turns the unauthenticated limits on or off (after AUTH succeeds). */
RESP_API void resp_request_set_require_auth(resp_request_parser *p, int on);

/* Parses at most one command from buf[0..len).
 *
 * *consumed is always set: the number of leading bytes the caller may
 * drop.  With RESP_REQ_COMMAND it covers the command (and any empty
 * commands before it).  With RESP_REQ_INCOMPLETE it covers only empty
 * commands; the partial command starts at buf + *consumed and must be
 * passed again, followed by more bytes.  With RESP_REQ_ERROR, commands
 * before the bad one were already returned by earlier calls; the error is
 * sticky until resp_request_reset(). */
RESP_API resp_request_status resp_request_parse(resp_request_parser *p, const char *buf,
                                       size_t len, size_t *consumed,
                                       resp_command *cmd);

/* A multibulk command still arriving (after RESP_REQ_INCOMPLETE): in
 * *parsed the bytes of it already read (its count line, complete
 * arguments, and the length line of the argument being read: what Redis
 * has taken out of its query buffer), in *args the total length of its
 * complete arguments (Redis's argv-mem), in *bulk the length of the
 * argument being read or -1.  0, 0, -1 between commands and for an
 * inline command, which is read as one line. */
typedef struct resp_request_progress {
    size_t parsed;
    size_t args;
    long long bulk;
} resp_request_progress;
RESP_API resp_request_progress resp_request_partial(const resp_request_parser *p);

/* The sticky error, or RESP_OK. */
RESP_API resp_error resp_request_error(const resp_request_parser *p);
/* Stream offset (bytes since init/reset) of the byte that caused it. */
RESP_API uint64_t resp_request_error_offset(const resp_request_parser *p);
/* Writes Redis's reply text for the error, without the leading '-' and
 * trailing CR LF ("ERR Protocol error: invalid bulk length"), NUL-
 * terminated and truncated to cap.  Returns the full length. */
RESP_API size_t resp_request_format_error(const resp_request_parser *p, char *out, size_t cap);

/* Parses s[0..len) as a whole decimal long long with the rules Redis uses
 * for lengths and integer arguments (string2ll): optional '-', no '+', no
 * leading zeros or blanks, fewer than 21 bytes.  Returns 1 on success. */
RESP_API int resp_parse_integer(const char *s, size_t len, long long *out);

#ifdef __cplusplus
}
#endif

#endif /* RESP_REQUEST_H */
