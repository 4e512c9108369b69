/* server/dict.h - a hash table keyed by byte strings, with incremental
 * rehashing (two tables while growing or shrinking; every operation moves
 * a few buckets, so no single call pays for a whole resize). */
#ifndef MR_DICT_H
#define MR_DICT_H

#include <stddef.h>
#include <stdint.h>

typedef struct mr_dict_entry {
    struct mr_dict_entry *next; /* bucket chain */
    uint64_t hash;
    union {
        void *ptr;
        int64_t s64;
    } v;
    size_t klen;
    char key[]; /* klen bytes, then a NUL (not part of the key) */
} mr_dict_entry;

typedef struct mr_dict mr_dict;

/* free_val is called on v.ptr when an entry is deleted or the dict freed;
 * NULL for none.  Allocation failure aborts the process (as Redis does). */
mr_dict *mr_dict_create(void (*free_val)(void *));
void mr_dict_free(mr_dict *d);
/* Removes every entry. */
void mr_dict_clear(mr_dict *d);
size_t mr_dict_size(const mr_dict *d);

mr_dict_entry *mr_dict_find(mr_dict *d, const char *key, size_t klen);
/* Finds the entry or adds one with v zeroed; *created tells which. */
mr_dict_entry *mr_dict_upsert(mr_dict *d, const char *key, size_t klen, int *created);
/* Deletes (calling free_val); returns 1 if the key was there. */
int mr_dict_delete(mr_dict *d, const char *key, size_t klen);
/* Unlinks without calling free_val; returns the old value via *val. */
int mr_dict_take(mr_dict *d, const char *key, size_t klen, void **val);

/* One step of the xorshift generator every random pick uses (SPOP,
 * SRANDMEMBER, HRANDFIELD, ZRANDMEMBER): the new state, also stored. */
static inline uint64_t mr_rng_step(uint64_t *state) {
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* A uniformly-ish random entry, or NULL when empty.  `rng` is the caller's
 * xorshift state, so tests and fuzzers are repeatable. */
mr_dict_entry *mr_dict_random(mr_dict *d, uint64_t *rng);

/* Redis's SCAN guarantee: every entry present for the whole scan is
 * reported at least once, even across resizes (reverse-binary cursor).
 * Calls fn for each entry of some buckets; returns the next cursor, 0
 * when the scan is complete. */
uint64_t mr_dict_scan(mr_dict *d, uint64_t cursor, void (*fn)(void *ud, mr_dict_entry *e),
                      void *ud);

/* Iteration that tolerates deleting the current entry.  No other change
 * may happen during it (rehashing is paused while an iterator is open). */
typedef struct mr_dict_iter {
    mr_dict *d;
    int table;
    size_t bucket;
    mr_dict_entry *next;
    int started;
} mr_dict_iter;
void mr_dict_iter_init(mr_dict_iter *it, mr_dict *d);
mr_dict_entry *mr_dict_iter_next(mr_dict_iter *it);
void mr_dict_iter_done(mr_dict_iter *it);

/* Does up to n steps of pending rehashing; returns 1 if more remain. */
int mr_dict_rehash(mr_dict *d, int n);
int mr_dict_is_rehashing(const mr_dict *d);

/* 64-bit hash of a byte string (seeded per process). */
uint64_t mr_hash(const char *key, size_t len);

#endif /* MR_DICT_H */
