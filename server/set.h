/* server/set.h - the set value.  A set of integers is a sorted array of
 * int64 (Redis's intset encoding, replied in ascending order) while it
 * holds at most 512 members (set-max-intset-entries); a member that is not
 * an integer, or the 513th, makes it a hash table for good, as in Redis. */
#ifndef MR_SET_H
#define MR_SET_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "object.h"

#define MR_SET_INTSET_ENTRIES 512

typedef struct mr_setval {
    mr_obj hdr;      /* encoding MR_ENC_INTSET or MR_ENC_HASHTABLE */
    int64_t *ints;   /* intset: ascending */
    size_t n, cap;
    unsigned width;  /* intset: bytes per member in Redis's (2, 4, 8; never narrows) */
    mr_dict *table;  /* hashtable: members as keys, no values */
} mr_setval;

mr_setval *mr_set_new(void);
void mr_set_free(mr_setval *s);
size_t mr_set_len(const mr_setval *s);
/* Returns 1 when the member is new. */
int mr_set_add(mr_setval *s, const char *m, size_t mn);
/* Returns 1 if the member was there. */
int mr_set_remove(mr_setval *s, const char *m, size_t mn);
int mr_set_has(const mr_setval *s, const char *m, size_t mn);

/* Every member in the set's order.  The set must not change during the
 * walk; an integer member is printed into the iterator's buffer. */
typedef struct mr_set_iter {
    const mr_setval *s;
    size_t i;
    mr_dict_iter it;
    char buf[24];
} mr_set_iter;
void mr_set_iter_init(mr_set_iter *it, const mr_setval *s);
int mr_set_iter_next(mr_set_iter *it, const char **m, size_t *mn);
void mr_set_iter_done(mr_set_iter *it);

/* A random member of a non-empty set, printed into buf when an integer. */
void mr_set_random(const mr_setval *s, uint64_t *rng, char buf[24], const char **m, size_t *mn);

#endif /* MR_SET_H */
