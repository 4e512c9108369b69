/* resp/error.h - error codes shared by every resp module.
 *
 * Codes are ordered by severity: the larger the number, the worse the
 * condition.  Strict-mode findings (input that real Redis accepts) come
 * first, then protocol violations, then exceeded limits, then failures of
 * the library's environment (memory) or its caller (misuse). */
#ifndef RESP_ERROR_H
#define RESP_ERROR_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum resp_error {
    RESP_OK = 0,

    /* Strict mode only: Redis tolerates these, a strict parser does not. */
    RESP_ESTRICT_BULK_END = 1,  /* bulk payload not followed by CR LF */
    RESP_ESTRICT_LINE_END,      /* header line's CR not followed by LF */
    RESP_ESTRICT_NUL,           /* NUL byte in a request line */

    /* Request protocol errors; each has Redis's exact reply text. */
    RESP_EINLINE_TOO_BIG = 16,  /* too big inline request */
    RESP_EUNBALANCED_QUOTES,    /* unbalanced quotes in request */
    RESP_EMBULK_COUNT_TOO_BIG,  /* too big mbulk count string */
    RESP_EMBULK_LEN,            /* invalid multibulk length */
    RESP_EEXPECTED_DOLLAR,      /* expected '$', got 'x' */
    RESP_EBULK_COUNT_TOO_BIG,   /* too big bulk count string */
    RESP_EBULK_LEN,             /* invalid bulk length */
    RESP_EUNAUTH_MBULK_LEN,     /* unauthenticated multibulk length */
    RESP_EUNAUTH_BULK_LEN,      /* unauthenticated bulk length */

    /* Reply protocol errors. */
    RESP_EBAD_TYPE = 32,        /* unknown type byte */
    RESP_EBAD_LINE_END,         /* CR not followed by LF */
    RESP_EBAD_INTEGER,          /* malformed or out-of-range integer */
    RESP_EBAD_LENGTH,           /* malformed or negative length/count */
    RESP_EBAD_DOUBLE,           /* malformed double */
    RESP_EBAD_BOOLEAN,          /* boolean other than #t / #f */
    RESP_EBAD_BIGNUM,           /* big number with a non-digit */
    RESP_EBAD_NULL,             /* '_' followed by something */
    RESP_EBAD_VERBATIM,         /* verbatim string without "xxx:" prefix */
    RESP_EBAD_STREAM,           /* misplaced ';' chunk or '.' end */
    RESP_EBAD_STRING,           /* CR or LF inside a simple string/error */

    /* Configured limits exceeded. */
    RESP_ELIMIT_SIZE = 64,      /* string or line longer than allowed */
    RESP_ELIMIT_COUNT,          /* aggregate with too many elements */
    RESP_ELIMIT_DEPTH,          /* aggregates nested too deep */

    /* The environment or the caller. */
    RESP_ENOMEM = 96,           /* an allocation failed */
    RESP_EABORTED,              /* an event callback asked to stop */
    RESP_EINVAL                 /* invalid argument from the caller */
} resp_error;

/* A short, lower-case description of the error ("invalid bulk length"). */
RESP_API const char *resp_strerror(resp_error err);

/* The enumerator's name ("RESP_EBULK_LEN"), for logs and tests. */
RESP_API const char *resp_error_name(resp_error err);

/* Non-zero for the strict-mode-only codes. */
RESP_API int resp_error_is_strict(resp_error err);

#ifdef __cplusplus
}
#endif

#endif /* RESP_ERROR_H */
