/* server/cmd_zpop.c - ZPOPMIN, ZPOPMAX and ZMPOP, as Redis 7.0's
 * genericZpopCommand: the first key holding a sorted set is popped; the
 * reply's shape depends on the command and the protocol. */
#include "commands.h"
#include "zset_cmd.h"

/* How the popped members are framed. */
typedef enum zpop_shape {
    ZPOP_FLAT,   /* [m1, s1, m2, s2 ...] (ZPOPMIN, or without COUNT, or RESP2) */
    ZPOP_PAIRS,  /* [[m1, s1], ...] (ZPOPMIN with COUNT under RESP3) */
    ZPOP_KEYED   /* [key, [[m1, s1], ...]] (ZMPOP) */
} zpop_shape;

/* Pops up to count members from the low (max = 0) or high end of a
 * non-empty set and replies them; an emptied set goes away. */
static void pop_and_reply(mr_conn *c, const resp_span *key, mr_zsetval *z, int max,
                          long long count, zpop_shape shape) {
    size_t len = mr_zset_len(z);
    size_t n = (unsigned long long)count < len ? (size_t)count : len;
    switch (shape) {
    case ZPOP_FLAT: mr_add_array(c, 2 * n); break;
    case ZPOP_PAIRS: mr_add_array(c, n); break;
    case ZPOP_KEYED:
        mr_add_array(c, 2);
        mr_add_bulk(c, key->ptr, key->len);
        mr_add_array(c, n);
        break;
    }
    mr_zset_pos p;
    const char *m;
    size_t mn;
    double score;
    for (size_t i = 0; i < n; i++) {
        mr_zset_at(z, max ? len - 1 - i : i, &p);
        mr_zset_get(&p, &m, &mn, &score);
        if (shape != ZPOP_FLAT) mr_add_array(c, 2);
        mr_add_bulk(c, m, mn);
        mr_add_double(c, score);
    }
    mr_zset_remove_ranks(z, max ? len - n : 0, max ? len : n);
    mr_zset_changed(c, key, z);
}

/* ZPOPMIN/ZPOPMAX key [count] */
static void zpop_generic(mr_conn *c, size_t argc, const resp_span *argv, int max) {
    long long count;
    if (!mr_arg_pop_count(c, argc, argv, &count)) return;
    mr_zsetval *z;
    if (!mr_zset_lookup(c, &argv[1], &z)) return;
    if (z == NULL || count == 0) {
        mr_add_array(c, 0);
        return;
    }
    zpop_shape shape = count != -1 && c->proto > 2 ? ZPOP_PAIRS : ZPOP_FLAT;
    pop_and_reply(c, &argv[1], z, max, count < 0 ? 1 : count, shape);
}

void mr_cmd_zpopmin(mr_conn *c, size_t argc, const resp_span *argv) {
    zpop_generic(c, argc, argv, 0);
}

void mr_cmd_zpopmax(mr_conn *c, size_t argc, const resp_span *argv) {
    zpop_generic(c, argc, argv, 1);
}

/* ZMPOP numkeys key... MIN|MAX [COUNT n] */
void mr_cmd_zmpop(mr_conn *c, size_t argc, const resp_span *argv) {
    static const char *const ends[2] = {"min", "max"};
    mr_mpop_args a;
    if (!mr_arg_mpop(c, argc, argv, 1, ends, &a)) return;
    for (size_t k = a.first_key; k < a.first_key + a.nkeys; k++) {
        mr_zsetval *z;
        if (!mr_zset_lookup(c, &argv[k], &z)) return;
        if (z == NULL) continue;
        pop_and_reply(c, &argv[k], z, a.end, a.count, ZPOP_KEYED);
        return;
    }
    mr_add_null_array(c);
}
