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
    MR_TYPE_ZSET,
    MR_TYPE_STREAM
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
    MR_ENC_SKIPLIST,
    MR_ENC_STREAM
} mr_encoding;

typedef struct mr_obj {
    uint8_t type;     /* mr_type */
    uint8_t encoding; /* mr_encoding */
    uint8_t shared;   /* an integer Redis would share (OBJECT REFCOUNT) */
    uint8_t sds_grown; /* a string grown in place: its sds header is type 8 or wider */
    uint32_t lru;     /* the LRU clock when last used (OBJECT IDLETIME) */
} mr_obj;

/* Redis shares the integers 0..9999 between keys (OBJ_SHARED_INTEGERS). */
#define MR_SHARED_INTEGERS 10000
/* Redis's longest string stored in one allocation with its header. */
#define MR_EMBSTR_MAX 44

/* A string value: length and bytes (a NUL follows, not counted). */
typedef struct mr_str {
    mr_obj hdr;
    size_t len;
    size_t alloc; /* Redis's sds capacity for it (MEMORY USAGE): len, or more once grown */
    char data[];
} mr_str;

/* A string of len bytes, uninitialised but NUL-terminated; encoded
 * "raw" (a string built or changed in place: APPEND, SETRANGE, BITOP). */
mr_str *mr_str_alloc(size_t len);
/* A copy of data, encoded as Redis encodes a new string: "embstr" up to
 * 44 bytes, else "raw" (INCRBYFLOAT's result, COPY). */
mr_str *mr_str_new(const char *data, size_t len);
/* A value as SET stores it (Redis's tryObjectEncoding): "int" when it
 * reads as a long of at most 20 characters (shared for 0..9999), else as
 * mr_str_new. */
mr_str *mr_str_value(const char *data, size_t len);
/* INCR's result: "int", shared for 0..9999. */
mr_str *mr_str_from_ll(long long v);
/* The name OBJECT ENCODING gives a value's encoding. */
const char *mr_encoding_name(const mr_obj *o);
/* The string lengthened to len bytes, the new ones zero (it may move);
 * its sds capacity grows as Redis's does (mr_str_take_room). */
mr_str *mr_str_grow(mr_str *s, size_t len);
/* Gives dst (a new string of dst->len bytes made from src) the sds
 * capacity Redis's src would have after being changed in place to that
 * length: an unshared copy of an embstr or int, then sdsMakeRoomFor's
 * greedy growth (twice what is needed, 1 MiB more past 1 MiB) if it does
 * not fit. */
void mr_str_take_room(mr_str *dst, const mr_str *src);

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
