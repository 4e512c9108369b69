/* server/cmd_zsetop.c - ZUNION, ZINTER, ZDIFF, their STORE forms and
 * ZINTERCARD, as Redis 7.0's zunionInterDiffGenericCommand: sets count as
 * sorted sets whose scores are all 1; union and intersection take their
 * inputs smallest first (the order sums are made in, which decides what
 * +inf and -inf give); a product or sum that is not a number is 0. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "number.h"
#include "set.h"
#include "zset_cmd.h"

typedef enum zop { ZOP_UNION, ZOP_INTER, ZOP_DIFF } zop;
typedef enum zaggr { ZAGGR_SUM, ZAGGR_MIN, ZAGGR_MAX } zaggr;

/* One input: a sorted set, a set, or nothing (a missing key). */
typedef struct zsrc {
    const mr_obj *o;
    size_t len;
    double weight;
} zsrc;

typedef struct zop_req {
    zop op;
    int card;              /* ZINTERCARD */
    const resp_span *dst;  /* the STORE forms */
    size_t numkeys_at;
    size_t nsrc;
    zsrc *src;
    zaggr aggregate;
    int withscores;
    long long limit; /* ZINTERCARD's LIMIT, 0 for none */
} zop_req;

/* ---- the inputs ---- */

static int src_find(const zsrc *s, const char *m, size_t mn, double *score) {
    if (s->o == NULL) return 0;
    if (s->o->type == MR_TYPE_SET) {
        *score = 1.0;
        return mr_set_has((const mr_setval *)s->o, m, mn);
    }
    return mr_zset_score((const mr_zsetval *)s->o, m, mn, score);
}

/* Calls fn for every member of an input, with its score. */
typedef void zsrc_fn(void *ud, const char *m, size_t mn, double score);

static void src_each(const zsrc *s, zsrc_fn *fn, void *ud) {
    if (s->o == NULL) return;
    const char *m;
    size_t mn;
    if (s->o->type == MR_TYPE_SET) {
        mr_set_iter it;
        mr_set_iter_init(&it, (const mr_setval *)s->o);
        while (mr_set_iter_next(&it, &m, &mn)) fn(ud, m, mn, 1.0);
        mr_set_iter_done(&it);
        return;
    }
    mr_zset_pos p;
    double score;
    for (mr_zset_at((const mr_zsetval *)s->o, 0, &p); mr_zset_get(&p, &m, &mn, &score);
         mr_zset_next(&p))
        fn(ud, m, mn, score);
}

static int by_length(const void *a, const void *b) {
    size_t x = ((const zsrc *)a)->len, y = ((const zsrc *)b)->len;
    return x > y ? 1 : x < y ? -1 : 0;
}

static double weighted(double score, double weight) {
    double v = score * weight;
    return isnan(v) ? 0 : v;
}

static void aggregate(double *target, double v, zaggr how) {
    switch (how) {
    case ZAGGR_SUM:
        *target += v;
        if (isnan(*target)) *target = 0;
        return;
    case ZAGGR_MIN:
        if (v < *target) *target = v;
        return;
    case ZAGGR_MAX:
        if (v > *target) *target = v;
        return;
    }
}

/* ---- reading the command ---- */

/* numkeys and the keys: 0 after replying. */
static int read_sources(mr_conn *c, size_t argc, const resp_span *argv, zop_req *r,
                        const char *name) {
    long long n;
    if (!mr_arg_ll(c, &argv[r->numkeys_at], &n)) return 0;
    if (n < 1) {
        mr_add_errorf(c, "ERR at least 1 input key is needed for '%s' command", name);
        return 0;
    }
    if ((unsigned long long)n > argc - r->numkeys_at - 1) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return 0;
    }
    r->nsrc = (size_t)n;
    r->src = mr_xcalloc(r->nsrc, sizeof *r->src);
    for (size_t i = 0; i < r->nsrc; i++) {
        const resp_span *k = &argv[r->numkeys_at + 1 + i];
        mr_obj *o = mr_db_lookup(c->srv, c->db, k->ptr, k->len);
        r->src[i].weight = 1.0;
        if (o == NULL) {
            mr_db_keymiss(c, k->ptr, k->len);
            continue;
        }
        if (o->type != MR_TYPE_ZSET && o->type != MR_TYPE_SET) {
            mr_add_error(c, MR_ERR_WRONGTYPE);
            return 0;
        }
        r->src[i].o = o;
        r->src[i].len = o->type == MR_TYPE_SET ? mr_set_len((const mr_setval *)o)
                                               : mr_zset_len((const mr_zsetval *)o);
    }
    return 1;
}

/* WEIGHTS, AGGREGATE, WITHSCORES and LIMIT, where the form allows each;
 * 0 after replying. */
static int read_options(mr_conn *c, size_t argc, const resp_span *argv, zop_req *r) {
    int weights_ok = r->op != ZOP_DIFF && !r->card;
    size_t j = r->numkeys_at + 1 + r->nsrc;
    while (j < argc) {
        size_t remaining = argc - j;
        if (weights_ok && remaining >= r->nsrc + 1 && mr_arg_is(&argv[j], "weights")) {
            j++;
            for (size_t i = 0; i < r->nsrc; i++, j++) {
                if (!mr_parse_double(argv[j].ptr, argv[j].len, &r->src[i].weight)) {
                    mr_add_error(c, "ERR weight value is not a float");
                    return 0;
                }
            }
        } else if (weights_ok && remaining >= 2 && mr_arg_is(&argv[j], "aggregate")) {
            const resp_span *a = &argv[j + 1];
            if (mr_arg_is(a, "sum")) r->aggregate = ZAGGR_SUM;
            else if (mr_arg_is(a, "min")) r->aggregate = ZAGGR_MIN;
            else if (mr_arg_is(a, "max")) r->aggregate = ZAGGR_MAX;
            else break;
            j += 2;
        } else if (r->dst == NULL && !r->card && mr_arg_is(&argv[j], "withscores")) {
            r->withscores = 1;
            j++;
        } else if (r->card && remaining >= 2 && mr_arg_is(&argv[j], "limit")) {
            if (!mr_parse_ll(&argv[j + 1], &r->limit) || r->limit < 0) {
                mr_add_error(c, "ERR LIMIT can't be negative");
                return 0;
            }
            j += 2;
        } else {
            break;
        }
    }
    if (j == argc) return 1;
    mr_add_error(c, MR_ERR_SYNTAX);
    return 0;
}

/* ---- computing ---- */

typedef struct union_acc {
    mr_dict *acc; /* member -> score, as the bits of a double in s64 */
    double weight;
    zaggr how;
} union_acc;

static void union_add(void *ud, const char *m, size_t mn, double score) {
    union_acc *u = ud;
    double v = weighted(score, u->weight), cur;
    int created;
    mr_dict_entry *e = mr_dict_upsert(u->acc, m, mn, &created);
    if (!created) {
        memcpy(&cur, &e->v.s64, sizeof cur);
        aggregate(&cur, v, u->how);
        v = cur;
    }
    memcpy(&e->v.s64, &v, sizeof v);
}

static void compute_union(const zop_req *r, mr_zsetval *out) {
    union_acc u = {.acc = mr_dict_create(NULL), .how = r->aggregate};
    for (size_t i = 0; i < r->nsrc; i++) {
        u.weight = r->src[i].weight;
        src_each(&r->src[i], union_add, &u);
    }
    mr_dict_iter it;
    mr_dict_entry *e;
    mr_dict_iter_init(&it, u.acc);
    while ((e = mr_dict_iter_next(&it)) != NULL) {
        double v;
        memcpy(&v, &e->v.s64, sizeof v);
        mr_zset_set(out, e->key, e->klen, v);
    }
    mr_dict_iter_done(&it);
    mr_dict_free(u.acc);
}

typedef struct inter_acc {
    const zop_req *r;
    mr_zsetval *out;
    unsigned long long card;
} inter_acc;

static void inter_add(void *ud, const char *m, size_t mn, double score) {
    inter_acc *a = ud;
    const zop_req *r = a->r;
    if (r->limit > 0 && a->card >= (unsigned long long)r->limit) return;
    double total = weighted(score, r->src[0].weight), v;
    for (size_t j = 1; j < r->nsrc; j++) {
        if (!src_find(&r->src[j], m, mn, &v)) return;
        aggregate(&total, weighted(v, r->src[j].weight), r->aggregate);
    }
    a->card++;
    if (a->out != NULL) mr_zset_set(a->out, m, mn, total);
}

typedef struct diff_acc {
    const zop_req *r;
    mr_zsetval *out;
} diff_acc;

static void diff_add(void *ud, const char *m, size_t mn, double score) {
    diff_acc *d = ud;
    double v;
    for (size_t j = 1; j < d->r->nsrc; j++)
        if (src_find(&d->r->src[j], m, mn, &v)) return;
    mr_zset_set(d->out, m, mn, score);
}

/* The result as a skip list (the listpack only when stored small). */
static unsigned long long compute(zop_req *r, mr_zsetval *out) {
    if (r->op != ZOP_DIFF) qsort(r->src, r->nsrc, sizeof *r->src, by_length);
    switch (r->op) {
    case ZOP_UNION: compute_union(r, out); break;
    case ZOP_INTER: {
        inter_acc a = {.r = r, .out = out};
        src_each(&r->src[0], inter_add, &a);
        return a.card;
    }
    case ZOP_DIFF: {
        diff_acc d = {.r = r, .out = out};
        src_each(&r->src[0], diff_add, &d);
        break;
    }
    }
    return out != NULL ? mr_zset_len(out) : 0;
}

static void reply_result(mr_conn *c, const zop_req *r, mr_zsetval *out) {
    size_t n = mr_zset_len(out);
    mr_add_array(c, r->withscores && c->proto == 2 ? 2 * n : n);
    mr_zset_pos p;
    const char *m;
    size_t mn;
    double score;
    for (mr_zset_at(out, 0, &p); mr_zset_get(&p, &m, &mn, &score); mr_zset_next(&p))
        mr_zset_add_member(c, &p, r->withscores);
}

static void store_result(mr_conn *c, const zop_req *r, mr_zsetval *out) {
    size_t n = mr_zset_len(out);
    static const char *const events[] = {[ZOP_UNION] = "zunionstore",
                                         [ZOP_INTER] = "zinterstore", [ZOP_DIFF] = "zdiffstore"};
    if (n == 0) {
        mr_zset_free(out);
        mr_add_integer(c, 0);
        mr_zset_stored(c, r->dst, NULL, events[r->op]);
        return;
    }
    mr_zset_shrink_if_small(out);
    mr_add_integer(c, (long long)n);
    mr_zset_stored(c, r->dst, out, events[r->op]);
}

static void zop_generic(mr_conn *c, size_t argc, const resp_span *argv, zop_req r,
                        const char *name) {
    if (read_sources(c, argc, argv, &r, name) && read_options(c, argc, argv, &r)) {
        if (r.card) {
            mr_add_integer(c, (long long)compute(&r, NULL));
        } else {
            mr_zsetval *out = mr_zset_new((size_t)-1, 0);
            compute(&r, out);
            if (r.dst != NULL) {
                store_result(c, &r, out);
            } else {
                reply_result(c, &r, out);
                mr_zset_free(out);
            }
        }
    }
    free(r.src);
}

void mr_cmd_zunion(mr_conn *c, size_t argc, const resp_span *argv) {
    zop_generic(c, argc, argv, (zop_req){.op = ZOP_UNION, .numkeys_at = 1}, "zunion");
}

void mr_cmd_zinter(mr_conn *c, size_t argc, const resp_span *argv) {
    zop_generic(c, argc, argv, (zop_req){.op = ZOP_INTER, .numkeys_at = 1}, "zinter");
}

void mr_cmd_zdiff(mr_conn *c, size_t argc, const resp_span *argv) {
    zop_generic(c, argc, argv, (zop_req){.op = ZOP_DIFF, .numkeys_at = 1}, "zdiff");
}

void mr_cmd_zunionstore(mr_conn *c, size_t argc, const resp_span *argv) {
    zop_generic(c, argc, argv, (zop_req){.op = ZOP_UNION, .numkeys_at = 2, .dst = &argv[1]},
                "zunionstore");
}

void mr_cmd_zinterstore(mr_conn *c, size_t argc, const resp_span *argv) {
    zop_generic(c, argc, argv, (zop_req){.op = ZOP_INTER, .numkeys_at = 2, .dst = &argv[1]},
                "zinterstore");
}

void mr_cmd_zdiffstore(mr_conn *c, size_t argc, const resp_span *argv) {
    zop_generic(c, argc, argv, (zop_req){.op = ZOP_DIFF, .numkeys_at = 2, .dst = &argv[1]},
                "zdiffstore");
}

void mr_cmd_zintercard(mr_conn *c, size_t argc, const resp_span *argv) {
    zop_generic(c, argc, argv, (zop_req){.op = ZOP_INTER, .card = 1, .numkeys_at = 1},
                "zintercard");
}
