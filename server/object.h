/* server/object.h - the values a key holds.  Every value starts with an
 * mr_obj header that names its type and encoding, so the keyspace stores
 * one pointer per key and the header costs no allocation of its own. */
#ifndef MR_OBJECT_H
#define MR_OBJECT_H

#include <stddef.h>
#include <stdint.h>

/* The types TYPE reports, in Redis's order. */
typedef enum mr_type {
    MR_TYPE_STRING,
    MR_TYPE_LIST,
    MR_TYPE_HASH,
    MR_TYPE_SET,
    MR_TYPE_ZSET
} mr_type;

/* The encodings OBJECT ENCODING reports. */
typedef enum mr_encoding {
    MR_ENC_RAW,
    MR_ENC_EMBSTR,
    MR_ENC_INT,
    MR_ENC_QUICKLIST,
    MR_ENC_LISTPACK,
    MR_ENC_HASHTABLE,
    MR_ENC_INTSET,
    MR_ENC_SKIPLIST
} mr_encoding;

typedef struct mr_obj {
    uint8_t type;     /* mr_type */
    uint8_t encoding; /* mr_encoding */
} mr_obj;

/* A string value: length and bytes (a NUL follows, not counted). */
typedef struct mr_str {
    mr_obj hdr;
    size_t len;
    char data[];
} mr_str;

/* A string of len bytes, uninitialised but NUL-terminated. */
mr_str *mr_str_alloc(size_t len);
mr_str *mr_str_new(const char *data, size_t len);
/* The string lengthened to len bytes, the new ones zero (it may move). */
mr_str *mr_str_grow(mr_str *s, size_t len);

/* TYPE's name for a type ("string", "list", ...). */
const char *mr_type_name(mr_type t);
/* A deep copy of any value (COPY), in the same order where order shows. */
mr_obj *mr_obj_dup(mr_obj *o);
/* How many steps freeing the value takes, as Redis counts them: a list's
 * nodes, a hash table's entries, 1 for a single allocation (a string, a
 * listpack, an intset). */
size_t mr_obj_free_effort(const mr_obj *o);
/* Frees any value (the keyspace's free function). */
void mr_obj_free(void *obj);

#endif /* MR_OBJECT_H */
