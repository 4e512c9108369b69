/* resp/types.h - the RESP2 and RESP3 data types. */
#ifndef RESP_TYPES_H
#define RESP_TYPES_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest bulk string either parser accepts by default: Redis's
 * proto-max-bulk-len, 512 MiB. */
#define RESP_BULK_MAX_DEFAULT 536870912LL

/* Each type is its wire prefix byte. */
typedef enum resp_type {
    RESP_SIMPLE_STRING = '+',
    RESP_SIMPLE_ERROR = '-',
    RESP_INTEGER = ':',
    RESP_BULK_STRING = '$',
    RESP_ARRAY = '*',
    RESP_NULL = '_',
    RESP_BOOLEAN = '#',
    RESP_DOUBLE = ',',
    RESP_BIG_NUMBER = '(',
    RESP_BULK_ERROR = '!',
    RESP_VERBATIM_STRING = '=',
    RESP_MAP = '%',
    RESP_SET = '~',
    RESP_ATTRIBUTE = '|',
    RESP_PUSH = '>'
} resp_type;

/* How a null was (or is to be) written: RESP2 has two spellings. */
typedef enum resp_null_kind {
    RESP_NULL_RESP3 = 0, /* _\r\n */
    RESP_NULL_BULK,      /* $-1\r\n */
    RESP_NULL_ARRAY      /* *-1\r\n */
} resp_null_kind;

/* Non-zero for the aggregate types (array, map, set, attribute, push). */
RESP_API int resp_type_is_aggregate(resp_type t);
/* "array", "bulk-string", ...; "unknown" for anything else. */
RESP_API const char *resp_type_name(resp_type t);

#ifdef __cplusplus
}
#endif

#endif /* RESP_TYPES_H */
