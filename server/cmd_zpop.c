/* server/cmd_zpop.c - ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms
 * BZPOPMIN, BZPOPMAX and BZMPOP, as Redis 7.0's genericZpopCommand: the
 * first key holding a sorted set is popped; the reply's shape depends on
 * the command and the protocol.  The blocking forms read their timeout
 * first and block (see cmd_blist.c) when no key holds a sorted set. */
#include "commands.h"
#include "zset_cmd.h"

/* How the popped members are framed. */
typedef enum zpop_shape {
    ZPOP_FLAT,   /* [m1, s1, m2, s2 ...] (ZPOPMIN, or without COUNT, or RESP2) */
    ZPOP_PAIRS,  /* [[m1, s1], ...] (ZPOPMIN with COUNT under RESP3) */
    ZPOP_KEYED,  /* [key, [[m1, s1], ...]] (ZMPOP, BZMPOP) */
    ZPOP_KEYED_FLAT /* [key, m1, s1] (BZPOPMIN, BZPOPMAX) */
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
    case ZPOP_KEYED_FLAT:
        mr_add_array(c, 2 * n + 1);
        mr_add_bulk(c, key->ptr, key->len);
        break;
    }
    /* Redis tells the pop between the reply's header and its members. */
    mr_notify(c->srv, MR_NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", c->db, key->ptr, key->len);
    mr_zset_pos p;
    const char *m;
    size_t mn;
    double score;
    for (size_t i = 0; i < n; i++) {
        mr_zset_at(z, max ? len - 1 - i : i, &p);
        mr_zset_get(&p, &m, &mn, &score);
        if (shape == ZPOP_PAIRS || shape == ZPOP_KEYED) mr_add_array(c, 2);
        mr_add_bulk(c, m, mn);
        mr_add_double(c, score);
    }
    mr_zset_remove_ranks(z, max ? len - n : 0, max ? len : n);
    mr_zset_changed(c, key, z, NULL);
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

static const char *const zset_ends[2] = {"min", "max"};

/* The first of n keys from argv[first] that holds a sorted set, popped:
 * 1, or 0 after replying WRONGTYPE or when none does. */
static int pop_first(mr_conn *c, const resp_span *argv, size_t first, size_t n, int max,
                     long long count, zpop_shape shape, int *failed) {
    for (size_t k = first; k < first + n; k++) {
        mr_zsetval *z;
        if (!mr_zset_lookup(c, &argv[k], &z)) {
            *failed = 1;
            return 0;
        }
        if (z != NULL) {
            pop_and_reply(c, &argv[k], z, max, count, shape);
            return 1;
        }
    }
    *failed = 0;
    return 0;
}

/* ZMPOP numkeys key... MIN|MAX [COUNT n] */
void mr_cmd_zmpop(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_mpop_args a;
    int failed;
    if (!mr_arg_mpop(c, argc, argv, 1, zset_ends, &a) ||
        pop_first(c, argv, a.first_key, a.nkeys, a.end, a.count, ZPOP_KEYED, &failed) || failed)
        return;
    mr_add_null_array(c);
}

/* ---- the blocking forms ---- */

static void serve_bzpopmin(mr_conn *c, const resp_span *key, mr_obj *val) {
    pop_and_reply(c, key, (mr_zsetval *)val, 0, 1, ZPOP_KEYED_FLAT);
}

static void serve_bzpopmax(mr_conn *c, const resp_span *key, mr_obj *val) {
    pop_and_reply(c, key, (mr_zsetval *)val, 1, 1, ZPOP_KEYED_FLAT);
}

static void serve_bzmpop(mr_conn *c, const resp_span *key, mr_obj *val) {
    size_t argc;
    const resp_span *argv = mr_block_argv(c, &argc);
    mr_mpop_args a;
    mr_arg_mpop(c, argc, argv, 2, zset_ends, &a); /* read once already: it passes */
    pop_and_reply(c, key, (mr_zsetval *)val, a.end, a.count, ZPOP_KEYED);
}

/* Blocks on the keys when that is allowed; else replies a timeout. */
static void block_or_null(mr_conn *c, size_t argc, const resp_span *argv,
                          const mr_block_how *how) {
    if (mr_block_allowed(c)) mr_block_on_keys(c, argc, argv, how);
    else mr_add_null_array(c);
}

/* BZPOPMIN/BZPOPMAX key... timeout */
static void bzpop_generic(mr_conn *c, size_t argc, const resp_span *argv, int max) {
    int64_t deadline;
    int failed;
    if (!mr_block_parse_timeout(c, &argv[argc - 1], &deadline) ||
        pop_first(c, argv, 1, argc - 2, max, 1, ZPOP_KEYED_FLAT, &failed) || failed)
        return;
    mr_block_how how = {MR_TYPE_ZSET, max ? serve_bzpopmax : serve_bzpopmin, deadline, 1,
                        argc - 2};
    block_or_null(c, argc, argv, &how);
}

void mr_cmd_bzpopmin(mr_conn *c, size_t argc, const resp_span *argv) {
    bzpop_generic(c, argc, argv, 0);
}

void mr_cmd_bzpopmax(mr_conn *c, size_t argc, const resp_span *argv) {
    bzpop_generic(c, argc, argv, 1);
}

/* BZMPOP timeout numkeys key... MIN|MAX [COUNT n] */
void mr_cmd_bzmpop(mr_conn *c, size_t argc, const resp_span *argv) {
    int64_t deadline;
    mr_mpop_args a;
    int failed;
    if (!mr_block_parse_timeout(c, &argv[1], &deadline) ||
        !mr_arg_mpop(c, argc, argv, 2, zset_ends, &a) ||
        pop_first(c, argv, a.first_key, a.nkeys, a.end, a.count, ZPOP_KEYED, &failed) || failed)
        return;
    mr_block_how how = {MR_TYPE_ZSET, serve_bzmpop, deadline, a.first_key, a.nkeys};
    block_or_null(c, argc, argv, &how);
}
