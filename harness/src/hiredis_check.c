/* harness/src/hiredis_check.c - resp/ trees against hiredis replies. */
#include "hiredis_check.h"

#include <string.h>

/* The longest chain of arrays from the top (a null array counts). */
int rh_array_chain(const resp_value *v) {
    if (v->type == RESP_NULL && v->null_kind == RESP_NULL_ARRAY) return 1;
    if (!resp_type_is_aggregate(v->type)) return 0;
    int best = 0;
    for (size_t i = 0; i < v->count; i++) {
        int d = rh_array_chain(&v->elems[i]);
        if (d > best) best = d;
    }
    return best + 1;
}

int rh_same_as_hiredis(const resp_value *v, const redisReply *h) {
    switch (v->type) {
    case RESP_SIMPLE_STRING:
    case RESP_SIMPLE_ERROR:
    case RESP_BULK_STRING:
        if (h->type != (v->type == RESP_SIMPLE_STRING  ? REDIS_REPLY_STATUS
                        : v->type == RESP_SIMPLE_ERROR ? REDIS_REPLY_ERROR
                                                       : REDIS_REPLY_STRING))
            return 0;
        return (size_t)h->len == v->len && memcmp(h->str, v->str, v->len) == 0;
    case RESP_INTEGER:
        return h->type == REDIS_REPLY_INTEGER && h->integer == v->integer;
    case RESP_NULL:
        return h->type == REDIS_REPLY_NIL && v->null_kind != RESP_NULL_RESP3;
    case RESP_ARRAY:
        if (h->type != REDIS_REPLY_ARRAY || h->elements != v->count || v->streamed) return 0;
        for (size_t i = 0; i < v->count; i++)
            if (!rh_same_as_hiredis(&v->elems[i], h->element[i])) return 0;
        return v->attribute == NULL;
    default:
        return 0;
    }
}

int rh_resp2_only(const resp_value *v) {
    if (v->attribute != NULL || v->streamed) return 0;
    switch (v->type) {
    case RESP_SIMPLE_STRING: case RESP_SIMPLE_ERROR: case RESP_BULK_STRING: case RESP_INTEGER:
        return 1;
    case RESP_NULL:
        return v->null_kind != RESP_NULL_RESP3;
    case RESP_ARRAY:
        for (size_t i = 0; i < v->count; i++)
            if (!rh_resp2_only(&v->elems[i])) return 0;
        return 1;
    default:
        return 0;
    }
}
