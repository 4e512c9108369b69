/* server/zset.h - the sorted set value.  Members are ordered by score,
 * then by their bytes.  A small sorted set is one buffer of packed entries
 * (pack.h), member then score (8 bytes), in that order: Redis's listpack
 * encoding.  Past 128 members, or with a member longer than 64 bytes
 * (zset-max-listpack-entries and zset-max-listpack-value), it becomes a
 * skip list with spans (ranks in O(log n)) beside a hash table from member
 * to node, for good, as in Redis.
 *
 * Positions are ranks from 0 in ascending order; every range command is
 * reduced to a run of ranks. */
#ifndef MR_ZSET_H
#define MR_ZSET_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "object.h"

#define MR_ZSET_LISTPACK_ENTRIES 128
#define MR_ZSET_LISTPACK_VALUE 64
#define MR_ZSET_MAX_LEVEL 32

typedef struct mr_zset_node mr_zset_node;
struct mr_zset_node {
    double score;
    const char *member; /* the dict entry's key */
    size_t len;
    mr_zset_node *backward;
    struct {
        mr_zset_node *forward;
        size_t span; /* ranks skipped by this link */
    } level[];
};

typedef struct mr_zsetval {
    mr_obj hdr;        /* encoding MR_ENC_LISTPACK or MR_ENC_SKIPLIST */
    unsigned char *lp; /* listpack: member, score, member, score ... */
    size_t used, cap, count;
    mr_dict *dict;      /* skiplist: member -> mr_zset_node * */
    mr_zset_node *head; /* skiplist: a header node of MR_ZSET_MAX_LEVEL links */
    mr_zset_node *tail;
    size_t length;
    int level;
} mr_zsetval;

/* An empty sorted set in the encoding Redis's zsetTypeCreate picks for
 * `entries` members of which the longest is `longest` bytes. */
mr_zsetval *mr_zset_new(size_t entries, size_t longest);
void mr_zset_free(mr_zsetval *z);
size_t mr_zset_len(const mr_zsetval *z);
/* The score of a member: 1 and *score, or 0 when absent. */
int mr_zset_score(const mr_zsetval *z, const char *m, size_t mn, double *score);
/* Adds a member or moves it to a new score; returns 1 when it is new. */
int mr_zset_set(mr_zsetval *z, const char *m, size_t mn, double score);
/* Returns 1 if the member was there. */
int mr_zset_remove(mr_zsetval *z, const char *m, size_t mn);
/* The rank of a member: 1 and *rank, or 0 when absent. */
int mr_zset_rank(const mr_zsetval *z, const char *m, size_t mn, size_t *rank);
/* How many members score below v, or (inclusive) at most v. */
size_t mr_zset_count_below(const mr_zsetval *z, double v, int inclusive);
/* How many members come before the first whose bytes are not below m
 * (inclusive: not at most m), searching as Redis does; min/max are the
 * lexical ranges' "-" and "+" (m ignored). */
typedef enum mr_zset_lex_kind { MR_LEX_BYTES, MR_LEX_MIN, MR_LEX_MAX } mr_zset_lex_kind;
typedef struct mr_zset_lex {
    mr_zset_lex_kind kind;
    const char *s;
    size_t n;
} mr_zset_lex;
size_t mr_zset_lex_below(const mr_zsetval *z, const mr_zset_lex *m, int inclusive);
/* Compares a member's bytes with a lexical bound (<0, 0, >0). */
int mr_zset_lex_cmp(const char *m, size_t mn, const mr_zset_lex *b);
/* Removes the members of ranks [start, end). */
void mr_zset_remove_ranks(mr_zsetval *z, size_t start, size_t end);

/* A position in the order, moved either way; valid until the set changes. */
typedef struct mr_zset_pos {
    const mr_zsetval *z;
    size_t off;         /* listpack: the member's entry; used when past either end */
    mr_zset_node *node; /* skiplist: NULL when past either end */
} mr_zset_pos;
/* The member of a rank (< length). */
void mr_zset_at(const mr_zsetval *z, size_t rank, mr_zset_pos *p);
/* The member at p: 1, or 0 when p is past either end. */
int mr_zset_get(const mr_zset_pos *p, const char **m, size_t *mn, double *score);
void mr_zset_next(mr_zset_pos *p);
void mr_zset_prev(mr_zset_pos *p);

/* A uniformly random member's rank (ZRANDMEMBER); z is not empty. */
size_t mr_zset_random_rank(const mr_zsetval *z, uint64_t *rng);
/* A deep copy in the same encoding (COPY). */
mr_zsetval *mr_zset_dup(const mr_zsetval *z);
/* Converts to the listpack when Redis's zsetConvertToListpackIfNeeded
 * would: at most 128 members, none longer than 64 bytes (the results of
 * ZUNIONSTORE and its kin). */
void mr_zset_shrink_if_small(mr_zsetval *z);

#endif /* MR_ZSET_H */
