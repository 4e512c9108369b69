/* harness/src/json.h - a small JSON reader for respect's own result files. */
#ifndef RH_JSON_H
#define RH_JSON_H

#include <stddef.h>

typedef enum rh_json_kind {
    RH_JSON_NULL,
    RH_JSON_BOOL,
    RH_JSON_NUMBER,
    RH_JSON_STRING,
    RH_JSON_ARRAY,
    RH_JSON_OBJECT
} rh_json_kind;

typedef struct rh_json rh_json;
struct rh_json {
    rh_json_kind kind;
    double number;   /* NUMBER; BOOL 0/1 */
    char *str;       /* STRING (NUL-terminated; \u0000 is refused) */
    char *key;       /* set on the members of an object */
    rh_json *items;  /* ARRAY elements, OBJECT members */
    size_t count;
};

/* NULL with a reason (and offset) in why on malformed input. */
rh_json *rh_json_parse(const char *text, size_t len, char *why, size_t whylen);
void rh_json_free(rh_json *j);
/* The member named key of an object, or NULL. */
const rh_json *rh_json_get(const rh_json *obj, const char *key);
/* The string, or NULL when j is not a string. */
const char *rh_json_str(const rh_json *j);

#endif /* RH_JSON_H */
