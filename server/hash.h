/* server/hash.h - the hash value.  A small hash is one buffer of packed
 * entries (pack.h), field then value, in insertion order: Redis's
 * listpack encoding, which replies in that order.  Past 512 fields, or
 * with a field or value longer than 64 bytes (Redis's defaults for
 * hash-max-listpack-entries and hash-max-listpack-value), it becomes a
 * hash table for good, as in Redis. */
#ifndef MR_HASH_H
#define MR_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "object.h"

#define MR_HASH_LISTPACK_ENTRIES 512
#define MR_HASH_LISTPACK_VALUE 64

typedef struct mr_hashval {
    mr_obj hdr;       /* encoding MR_ENC_LISTPACK or MR_ENC_HASHTABLE */
    unsigned char *lp; /* listpack: field, value, field, value ... */
    size_t used, cap;
    size_t count;      /* fields in the listpack */
    mr_dict *table;    /* hashtable: field -> mr_str * value */
} mr_hashval;

mr_hashval *mr_hash_new(void);
void mr_hash_free(mr_hashval *h);
size_t mr_hash_len(const mr_hashval *h);
/* The value of a field: 1 and a view (valid until the hash changes), or 0. */
int mr_hash_get(const mr_hashval *h, const char *f, size_t fn, const char **v, size_t *vn);
/* Sets a field; returns 1 when the field is new. */
int mr_hash_set(mr_hashval *h, const char *f, size_t fn, const char *v, size_t vn);
/* Removes a field; returns 1 if it was there. */
int mr_hash_delete(mr_hashval *h, const char *f, size_t fn);

/* Every field and value, in the hash's order.  The hash must not change
 * during the walk. */
typedef struct mr_hash_iter {
    const mr_hashval *h;
    size_t off;
    mr_dict_iter it;
} mr_hash_iter;
void mr_hash_iter_init(mr_hash_iter *it, const mr_hashval *h);
int mr_hash_iter_next(mr_hash_iter *it, const char **f, size_t *fn, const char **v, size_t *vn);
void mr_hash_iter_done(mr_hash_iter *it);

/* A uniformly random field of a non-empty hash (HRANDFIELD). */
void mr_hash_random(const mr_hashval *h, uint64_t *rng, const char **f, size_t *fn, const char **v,
                    size_t *vn);

#endif /* MR_HASH_H */
