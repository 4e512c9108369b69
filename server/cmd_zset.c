/* server/cmd_zset.c - sorted set commands that work member by member
 * (ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK,
 * ZRANDMEMBER, ZSCAN), with Redis 7.0's order of checks, replies and
 * error texts.  A sorted set emptied by a command is deleted. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "number.h"
#include "scan.h"
#include "zset_cmd.h"

#define KEY(i) argv[i].ptr, argv[i].len

/* ---- ZADD and ZINCRBY ---- */

typedef struct zadd_flags {
    int nx, xx, gt, lt, ch, incr;
} zadd_flags;

/* Reads the option words before the first score; returns its index. */
static size_t zadd_options(size_t argc, const resp_span *argv, zadd_flags *f) {
    size_t i = 2;
    for (; i < argc; i++) {
        int *flag = mr_arg_is(&argv[i], "nx")     ? &f->nx
                    : mr_arg_is(&argv[i], "xx")   ? &f->xx
                    : mr_arg_is(&argv[i], "gt")   ? &f->gt
                    : mr_arg_is(&argv[i], "lt")   ? &f->lt
                    : mr_arg_is(&argv[i], "ch")   ? &f->ch
                    : mr_arg_is(&argv[i], "incr") ? &f->incr
                                                  : NULL;
        if (flag == NULL) break;
        *flag = 1;
    }
    return i;
}

/* The options' conflicts, in Redis's order; 0 after replying. */
static int zadd_check(mr_conn *c, const zadd_flags *f, size_t elements) {
    const char *err = NULL;
    if (elements == 0 || elements % 2 != 0) err = MR_ERR_SYNTAX;
    else if (f->nx && f->xx) err = "ERR XX and NX options at the same time are not compatible";
    else if ((f->gt && f->nx) || (f->lt && f->nx) || (f->gt && f->lt))
        err = "ERR GT, LT, and/or NX options at the same time are not compatible";
    else if (f->incr && elements > 2)
        err = "ERR INCR option supports a single increment-element pair";
    if (err != NULL) mr_add_error(c, err);
    return err == NULL;
}

typedef enum zadd_result { ZADD_NOP, ZADD_ADDED, ZADD_UPDATED, ZADD_SAME, ZADD_NAN } zadd_result;

/* One member, as Redis's zsetAdd: *score becomes the member's score. */
static zadd_result zadd_one(mr_zsetval *z, const zadd_flags *f, const resp_span *m,
                            double *score) {
    double cur;
    if (!mr_zset_score(z, m->ptr, m->len, &cur)) {
        if (f->xx) return ZADD_NOP;
        mr_zset_set(z, m->ptr, m->len, *score);
        return ZADD_ADDED;
    }
    if (f->nx) return ZADD_NOP;
    if (f->incr) {
        *score += cur;
        if (isnan(*score)) return ZADD_NAN;
    }
    if ((f->lt && *score >= cur) || (f->gt && *score <= cur)) return ZADD_NOP;
    if (*score == cur) return ZADD_SAME;
    mr_zset_set(z, m->ptr, m->len, *score);
    return ZADD_UPDATED;
}

static void zadd_generic(mr_conn *c, size_t argc, const resp_span *argv, zadd_flags f) {
    size_t first = zadd_options(argc, argv, &f);
    if (!zadd_check(c, &f, argc - first)) return;
    size_t n = (argc - first) / 2;
    double *scores = mr_xmalloc(n * sizeof *scores);
    for (size_t j = 0; j < n; j++) {
        const resp_span *s = &argv[first + 2 * j];
        if (!mr_parse_double(s->ptr, s->len, &scores[j])) {
            mr_add_error(c, MR_ERR_NOT_FLOAT);
            free(scores);
            return;
        }
    }
    mr_obj *o;
    if (!mr_db_lookup_typed(c, KEY(1), MR_TYPE_ZSET, &o)) {
        free(scores);
        return;
    }
    mr_zsetval *z = (mr_zsetval *)o;
    long long added = 0, updated = 0, processed = 0;
    int nan = 0;
    if (z == NULL && !f.xx) {
        /* Redis sizes a new set by the pair count and the first member's
         * length only: a longer member later converts a listpack, whose
         * scores of -0 have become 0 by then. */
        z = mr_zset_new(n, argv[first + 1].len);
        mr_db_set(c->srv, c->db, KEY(1), &z->hdr, 1);
    }
    for (size_t j = 0; z != NULL && j < n && !nan; j++) {
        switch (zadd_one(z, &f, &argv[first + 2 * j + 1], &scores[j])) {
        case ZADD_NOP: break;
        case ZADD_ADDED: added++, processed++; break;
        case ZADD_UPDATED: updated++, processed++; break;
        case ZADD_SAME: processed++; break;
        case ZADD_NAN: nan = 1; break;
        }
    }
    if (added + updated > 0) mr_db_changed(c->srv, c->db, KEY(1));
    if (nan) mr_add_error(c, "ERR resulting score is not a number (NaN)");
    else if (!f.incr) mr_add_integer(c, f.ch ? added + updated : added);
    else if (processed > 0) mr_add_double(c, scores[0]);
    else mr_add_null(c);
    free(scores);
    /* Told after the reply, as Redis does. */
    if (added + updated > 0)
        mr_notify(c->srv, MR_NOTIFY_ZSET, f.incr ? "zincr" : "zadd", c->db, KEY(1));
}

void mr_cmd_zadd(mr_conn *c, size_t argc, const resp_span *argv) {
    zadd_generic(c, argc, argv, (zadd_flags){0});
}

void mr_cmd_zincrby(mr_conn *c, size_t argc, const resp_span *argv) {
    zadd_generic(c, argc, argv, (zadd_flags){.incr = 1});
}

/* ---- reading members ---- */

int mr_zset_lookup(mr_conn *c, const resp_span *key, mr_zsetval **z) {
    mr_obj *o;
    if (!mr_db_lookup_typed(c, key->ptr, key->len, MR_TYPE_ZSET, &o)) return 0;
    *z = (mr_zsetval *)o;
    return 1;
}

void mr_zset_changed(mr_conn *c, const resp_span *key, mr_zsetval *z, const char *event) {
    mr_db_shrunk(c, key, mr_zset_len(z) == 0, MR_NOTIFY_ZSET, event);
}

void mr_zset_stored(mr_conn *c, const resp_span *dst, mr_zsetval *z, const char *event) {
    if (z == NULL) {
        if (mr_db_delete(c->srv, c->db, dst->ptr, dst->len))
            mr_notify(c->srv, MR_NOTIFY_GENERIC, "del", c->db, dst->ptr, dst->len);
        return;
    }
    mr_db_set(c->srv, c->db, dst->ptr, dst->len, &z->hdr, 0);
    mr_notify(c->srv, MR_NOTIFY_ZSET, event, c->db, dst->ptr, dst->len);
}

void mr_cmd_zrem(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_zsetval *z;
    if (!mr_zset_lookup(c, &argv[1], &z)) return;
    long long removed = 0;
    for (size_t i = 2; z != NULL && i < argc && mr_zset_len(z) > 0; i++)
        removed += mr_zset_remove(z, argv[i].ptr, argv[i].len);
    if (removed > 0) mr_zset_changed(c, &argv[1], z, "zrem");
    mr_add_integer(c, removed);
}

void mr_cmd_zscore(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_zsetval *z;
    double score;
    if (!mr_zset_lookup(c, &argv[1], &z)) return;
    if (z != NULL && mr_zset_score(z, argv[2].ptr, argv[2].len, &score)) mr_add_double(c, score);
    else mr_add_null(c);
}

void mr_cmd_zmscore(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_zsetval *z;
    double score;
    if (!mr_zset_lookup(c, &argv[1], &z)) return;
    mr_add_array(c, argc - 2);
    for (size_t i = 2; i < argc; i++) {
        if (z != NULL && mr_zset_score(z, argv[i].ptr, argv[i].len, &score))
            mr_add_double(c, score);
        else mr_add_null(c);
    }
}

void mr_cmd_zcard(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_zsetval *z;
    if (mr_zset_lookup(c, &argv[1], &z)) mr_add_integer(c, z != NULL ? (long long)mr_zset_len(z) : 0);
}

static void rank_generic(mr_conn *c, const resp_span *argv, int rev) {
    mr_zsetval *z;
    size_t rank;
    if (!mr_zset_lookup(c, &argv[1], &z)) return;
    if (z == NULL || !mr_zset_rank(z, argv[2].ptr, argv[2].len, &rank)) {
        mr_add_null(c);
        return;
    }
    mr_add_integer(c, (long long)(rev ? mr_zset_len(z) - 1 - rank : rank));
}

void mr_cmd_zrank(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    rank_generic(c, argv, 0);
}

void mr_cmd_zrevrank(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    rank_generic(c, argv, 1);
}

/* ---- ZRANDMEMBER ---- */

void mr_zset_add_member(mr_conn *c, const mr_zset_pos *p, int withscores) {
    const char *m;
    size_t mn;
    double score;
    mr_zset_get(p, &m, &mn, &score);
    if (withscores && c->proto > 2) mr_add_array(c, 2);
    mr_add_bulk(c, m, mn);
    if (withscores) mr_add_double(c, score);
}

/* Distinct random members: a partial shuffle of the ranks. */
static void random_distinct(mr_conn *c, const mr_zsetval *z, size_t n, int withscores) {
    size_t size = mr_zset_len(z);
    size_t *ranks = mr_xmalloc(size * sizeof *ranks);
    for (size_t i = 0; i < size; i++) ranks[i] = i;
    uint64_t *rng = &c->srv->rng;
    for (size_t k = 0; k < n; k++) {
        mr_rng_step(rng);
        size_t j = k + (size_t)(*rng % (size - k)), t = ranks[j];
        ranks[j] = ranks[k];
        ranks[k] = t;
        mr_zset_pos p;
        mr_zset_at(z, t, &p);
        mr_zset_add_member(c, &p, withscores);
    }
    free(ranks);
}

static void randmember_count(mr_conn *c, const mr_zsetval *z, long long count, int withscores) {
    size_t n, size = mr_zset_len(z);
    int repeat = count < 0;
    n = repeat ? (size_t)(0ULL - (unsigned long long)count)
        : (unsigned long long)count < size ? (size_t)count
                                           : size;
    mr_add_array(c, withscores && c->proto == 2 ? 2 * n : n);
    mr_zset_pos p;
    const char *m;
    size_t mn;
    double score;
    if (repeat) {
        for (size_t i = 0; i < n && !mr_conn_closing(c); i++) {
            mr_zset_at(z, mr_zset_random_rank(z, &c->srv->rng), &p);
            mr_zset_add_member(c, &p, withscores);
        }
    } else if (n == size) {
        /* The whole set, highest first: Redis's iterator over a sorted set
         * walks from the tail. */
        for (mr_zset_at(z, size - 1, &p); mr_zset_get(&p, &m, &mn, &score); mr_zset_prev(&p))
            mr_zset_add_member(c, &p, withscores);
    } else {
        random_distinct(c, z, n, withscores);
    }
}

/* ZRANDMEMBER key [count [WITHSCORES]] */
void mr_cmd_zrandmember(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_zsetval *z;
    if (argc < 3) {
        if (!mr_zset_lookup(c, &argv[1], &z)) return;
        if (z == NULL) {
            mr_add_null(c);
            return;
        }
        mr_zset_pos p;
        mr_zset_at(z, mr_zset_random_rank(z, &c->srv->rng), &p);
        mr_zset_add_member(c, &p, 0);
        return;
    }
    long long count;
    int withscores;
    if (!mr_arg_rand_count(c, argc, argv, "withscores", &count, &withscores)) return;
    if (!mr_zset_lookup(c, &argv[1], &z)) return;
    if (z == NULL || count == 0) {
        mr_add_array(c, 0);
        return;
    }
    randmember_count(c, z, count, withscores);
}

/* ---- ZSCAN ---- */

static size_t scan_pair(void *ud, const mr_dict_entry *e, resp_buf *body) {
    (void)ud;
    const mr_zset_node *x = e->v.ptr;
    resp_write_bulk_string(body, e->key, e->klen);
    resp_write_double(body, 2, x->score);
    return 2;
}

/* A listpack is returned whole in one call, with cursor 0, as Redis
 * does; a skip list's table is walked like the keyspace. */
void mr_cmd_zscan(mr_conn *c, size_t argc, const resp_span *argv) {
    uint64_t cursor;
    mr_zsetval *z;
    mr_scan o;
    resp_buf body;
    if (!mr_scan_cursor(c, &argv[2], &cursor) || !mr_zset_lookup(c, &argv[1], &z)) return;
    resp_buf_init(&body, NULL);
    if (z == NULL) {
        mr_scan_reply(c, 0, &body, 0);
        return;
    }
    if (!mr_scan_options(c, argc, argv, 3, 0, &o)) return;
    if (z->dict != NULL) {
        mr_scan_dict(c, z->dict, cursor, &o, scan_pair, NULL);
        resp_buf_free(&body);
        return;
    }
    size_t items = 0;
    mr_zset_pos p;
    const char *m;
    size_t mn;
    double score;
    for (mr_zset_at(z, 0, &p); mr_zset_get(&p, &m, &mn, &score); mr_zset_next(&p)) {
        if (!mr_scan_matches(&o, m, mn)) continue;
        resp_write_bulk_string(&body, m, mn);
        resp_write_double(&body, 2, score);
        items += 2;
    }
    mr_scan_reply(c, 0, &body, items);
    resp_buf_free(&body);
}
