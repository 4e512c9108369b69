/* resp/src/types.c - names and classes of the RESP types. */
#include <resp/types.h>

int resp_type_is_aggregate(resp_type t) {
    switch (t) {
    case RESP_ARRAY:
    case RESP_MAP:
    case RESP_SET:
    case RESP_ATTRIBUTE:
    case RESP_PUSH:
        return 1;
    default:
        return 0;
    }
}

const char *resp_type_name(resp_type t) {
    switch (t) {
    case RESP_SIMPLE_STRING: return "simple-string";
    case RESP_SIMPLE_ERROR: return "simple-error";
    case RESP_INTEGER: return "integer";
    case RESP_BULK_STRING: return "bulk-string";
    case RESP_ARRAY: return "array";
    case RESP_NULL: return "null";
    case RESP_BOOLEAN: return "boolean";
    case RESP_DOUBLE: return "double";
    case RESP_BIG_NUMBER: return "big-number";
    case RESP_BULK_ERROR: return "bulk-error";
    case RESP_VERBATIM_STRING: return "verbatim-string";
    case RESP_MAP: return "map";
    case RESP_SET: return "set";
    case RESP_ATTRIBUTE: return "attribute";
    case RESP_PUSH: return "push";
    }
    return "unknown";
}
