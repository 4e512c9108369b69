/* server/cmd_zrange.c - sorted set commands over a range of ranks,
 * scores or members (ZRANGE and its older forms, ZRANGESTORE, ZCOUNT,
 * ZLEXCOUNT, ZREMRANGEBY*), with Redis 7.0's order of checks: the range
 * is read before the key is looked up.  Every range becomes a run of
 * ranks [begin, end) in ascending order, walked either way. */
#include <string.h>

#include "commands.h"
#include "number.h"
#include "zset_cmd.h"

typedef enum zrange_kind { ZRANGE_AUTO, ZRANGE_RANK, ZRANGE_SCORE, ZRANGE_LEX } zrange_kind;
typedef enum zrange_dir { ZRANGE_DIR_AUTO, ZRANGE_FORWARD, ZRANGE_REVERSE } zrange_dir;

/* Both bounds of a range as read from the command. */
typedef struct zrange_bounds {
    long long start, stop; /* ranks */
    double min, max;       /* scores */
    mr_zset_lex lmin, lmax;
    int minex, maxex; /* exclusive: "(" */
} zrange_bounds;

/* ---- reading the bounds ---- */

static int parse_score(const resp_span *a, double *v, int *ex) {
    *ex = a->len > 0 && a->ptr[0] == '(';
    return mr_parse_double_bound(a->ptr + *ex, a->len - (size_t)*ex, v);
}

/* "-" and "+" alone (as C strings), or "(" or "[" and the bytes. */
static int parse_lex(const resp_span *a, mr_zset_lex *v, int *ex) {
    if (a->len == 0) return 0;
    int alone = a->len == 1 || a->ptr[1] == '\0';
    *ex = 1;
    v->s = a->ptr + 1;
    v->n = a->len - 1;
    switch (a->ptr[0]) {
    case '+': v->kind = MR_LEX_MAX; return alone;
    case '-': v->kind = MR_LEX_MIN; return alone;
    case '(': v->kind = MR_LEX_BYTES; return 1;
    case '[': v->kind = MR_LEX_BYTES, *ex = 0; return 1;
    default: return 0;
    }
}

/* Reads a range's two bounds by kind; replies Redis's error and returns 0
 * when one is not valid. */
static int parse_bounds(mr_conn *c, zrange_kind kind, const resp_span *lo, const resp_span *hi,
                        zrange_bounds *b) {
    switch (kind) {
    case ZRANGE_AUTO:
    case ZRANGE_RANK: return mr_arg_ll(c, lo, &b->start) && mr_arg_ll(c, hi, &b->stop);
    case ZRANGE_SCORE:
        if (parse_score(lo, &b->min, &b->minex) && parse_score(hi, &b->max, &b->maxex)) return 1;
        mr_add_error(c, "ERR min or max is not a float");
        return 0;
    case ZRANGE_LEX:
        if (parse_lex(lo, &b->lmin, &b->minex) && parse_lex(hi, &b->lmax, &b->maxex)) return 1;
        mr_add_error(c, "ERR min or max not valid string range item");
        return 0;
    }
    return 0;
}

/* The ranks [*begin, *end) a range covers in z. */
static void range_ranks(const mr_zsetval *z, zrange_kind kind, int rev, const zrange_bounds *b,
                        size_t *begin, size_t *end) {
    long long len = (long long)mr_zset_len(z), start = b->start, stop = b->stop;
    switch (kind) {
    case ZRANGE_AUTO:
    case ZRANGE_RANK:
        if (start < 0) start += len;
        if (stop < 0) stop += len;
        if (start < 0) start = 0;
        if (start > stop || start >= len) {
            *begin = *end = 0;
            return;
        }
        if (stop >= len) stop = len - 1;
        /* Reversed ranks count from the highest score. */
        *begin = (size_t)(rev ? len - 1 - stop : start);
        *end = (size_t)(rev ? len - start : stop + 1);
        return;
    case ZRANGE_SCORE:
        *begin = mr_zset_count_below(z, b->min, b->minex);
        *end = mr_zset_count_below(z, b->max, !b->maxex);
        break;
    case ZRANGE_LEX:
        *begin = mr_zset_lex_below(z, &b->lmin, b->minex);
        *end = mr_zset_lex_below(z, &b->lmax, !b->maxex);
        break;
    }
    if (*end < *begin) *end = *begin;
}

/* ---- ZRANGE and its forms ---- */

typedef struct zrange_req {
    zrange_kind kind;
    zrange_dir dir;
    int withscores;
    long long offset, limit; /* LIMIT; limit -1 when none */
    const resp_span *dst;    /* ZRANGESTORE */
    const resp_span *src;
    zrange_bounds b;
} zrange_req;

/* The words after the bounds, as Redis's zrangeGenericCommand reads them;
 * 0 after replying the error. */
static int parse_options(mr_conn *c, size_t argc, const resp_span *argv, size_t first,
                         zrange_req *r) {
    for (size_t j = first; j < argc; j++) {
        const resp_span *a = &argv[j];
        if (r->dst == NULL && mr_arg_is(a, "withscores")) {
            r->withscores = 1;
        } else if (mr_arg_is(a, "limit") && argc - j - 1 >= 2) {
            if (!mr_arg_ll(c, &argv[j + 1], &r->offset) || !mr_arg_ll(c, &argv[j + 2], &r->limit))
                return 0;
            j += 2;
        } else if (r->dir == ZRANGE_DIR_AUTO && mr_arg_is(a, "rev")) {
            r->dir = ZRANGE_REVERSE;
        } else if (r->kind == ZRANGE_AUTO && mr_arg_is(a, "bylex")) {
            r->kind = ZRANGE_LEX;
        } else if (r->kind == ZRANGE_AUTO && mr_arg_is(a, "byscore")) {
            r->kind = ZRANGE_SCORE;
        } else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return 0;
        }
    }
    if (r->dir == ZRANGE_DIR_AUTO) r->dir = ZRANGE_FORWARD;
    if (r->kind == ZRANGE_AUTO) r->kind = ZRANGE_RANK;
    const char *err = NULL;
    if (r->limit != -1 && r->kind == ZRANGE_RANK)
        err = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
              "BYLEX";
    else if (r->withscores && r->kind == ZRANGE_LEX)
        err = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
    if (err != NULL) mr_add_error(c, err);
    return err == NULL;
}

/* Applies LIMIT to a run of ranks walked in the given direction: a
 * negative offset leaves nothing, a negative count means all. */
static void apply_limit(const zrange_req *r, size_t *begin, size_t *end) {
    if (r->kind == ZRANGE_RANK) return;
    size_t n = *end - *begin;
    if (r->offset < 0 || (unsigned long long)r->offset >= n) {
        *end = *begin;
        return;
    }
    n -= (size_t)r->offset;
    if (r->limit >= 0 && (unsigned long long)r->limit < n) n = (size_t)r->limit;
    if (r->dir == ZRANGE_REVERSE) {
        *end -= (size_t)r->offset;
        *begin = *end - n;
    } else {
        *begin += (size_t)r->offset;
        *end = *begin + n;
    }
}

/* ZRANGESTORE's result: the members stored at dst, or dst deleted. */
static void store_range(mr_conn *c, const zrange_req *r, const mr_zsetval *z, size_t begin,
                        size_t end) {
    if (begin == end) {
        mr_add_integer(c, 0);
        mr_zset_stored(c, r->dst, NULL, "zrangestore");
        return;
    }
    mr_zsetval *d = mr_zset_new(end - begin, 0);
    mr_zset_pos p;
    const char *m;
    size_t mn;
    double score;
    mr_zset_at(z, begin, &p);
    for (size_t i = begin; i < end && mr_zset_get(&p, &m, &mn, &score); i++, mr_zset_next(&p))
        mr_zset_set(d, m, mn, score);
    mr_add_integer(c, (long long)(end - begin));
    mr_zset_stored(c, r->dst, d, "zrangestore");
}

static void reply_range(mr_conn *c, const zrange_req *r, const mr_zsetval *z, size_t begin,
                        size_t end) {
    size_t n = end - begin;
    mr_add_array(c, r->withscores && c->proto == 2 ? 2 * n : n);
    if (n == 0) return;
    mr_zset_pos p;
    mr_zset_at(z, r->dir == ZRANGE_REVERSE ? end - 1 : begin, &p);
    for (size_t i = 0; i < n; i++) {
        mr_zset_add_member(c, &p, r->withscores);
        if (r->dir == ZRANGE_REVERSE) mr_zset_prev(&p);
        else mr_zset_next(&p);
    }
}

/* Every form: argv[first] is the source key, then the two bounds (max
 * first when reversed by score or by member), then the options. */
static void zrange_generic(mr_conn *c, size_t argc, const resp_span *argv, size_t first,
                           zrange_req r) {
    r.src = &argv[first];
    r.limit = -1;
    if (!parse_options(c, argc, argv, first + 3, &r)) return;
    const resp_span *lo = &argv[first + 1], *hi = &argv[first + 2];
    if (r.dir == ZRANGE_REVERSE && r.kind != ZRANGE_RANK) {
        lo = &argv[first + 2];
        hi = &argv[first + 1];
    }
    if (!parse_bounds(c, r.kind, lo, hi, &r.b)) return;
    mr_zsetval *z;
    if (!mr_zset_lookup(c, r.src, &z)) return;
    if (z == NULL) mr_db_read_miss(c, r.src->ptr, r.src->len);
    size_t begin = 0, end = 0;
    if (z != NULL) {
        range_ranks(z, r.kind, r.dir == ZRANGE_REVERSE, &r.b, &begin, &end);
        apply_limit(&r, &begin, &end);
    }
    if (r.dst != NULL) store_range(c, &r, z, begin, end);
    else reply_range(c, &r, z, begin, end);
}

void mr_cmd_zrange(mr_conn *c, size_t argc, const resp_span *argv) {
    zrange_generic(c, argc, argv, 1, (zrange_req){0});
}

void mr_cmd_zrangestore(mr_conn *c, size_t argc, const resp_span *argv) {
    zrange_generic(c, argc, argv, 2, (zrange_req){.dst = &argv[1]});
}

void mr_cmd_zrevrange(mr_conn *c, size_t argc, const resp_span *argv) {
    zrange_generic(c, argc, argv, 1, (zrange_req){.kind = ZRANGE_RANK, .dir = ZRANGE_REVERSE});
}

void mr_cmd_zrangebyscore(mr_conn *c, size_t argc, const resp_span *argv) {
    zrange_generic(c, argc, argv, 1, (zrange_req){.kind = ZRANGE_SCORE, .dir = ZRANGE_FORWARD});
}

void mr_cmd_zrevrangebyscore(mr_conn *c, size_t argc, const resp_span *argv) {
    zrange_generic(c, argc, argv, 1, (zrange_req){.kind = ZRANGE_SCORE, .dir = ZRANGE_REVERSE});
}

void mr_cmd_zrangebylex(mr_conn *c, size_t argc, const resp_span *argv) {
    zrange_generic(c, argc, argv, 1, (zrange_req){.kind = ZRANGE_LEX, .dir = ZRANGE_FORWARD});
}

void mr_cmd_zrevrangebylex(mr_conn *c, size_t argc, const resp_span *argv) {
    zrange_generic(c, argc, argv, 1, (zrange_req){.kind = ZRANGE_LEX, .dir = ZRANGE_REVERSE});
}

/* ---- counting and removing ---- */

/* The ranks a range covers in the set at argv[1], or 0 after replying
 * (an error, or 0 when the key is missing). */
static int lookup_range(mr_conn *c, const resp_span *argv, zrange_kind kind, mr_zsetval **z,
                        size_t *begin, size_t *end) {
    zrange_bounds b;
    if (!parse_bounds(c, kind, &argv[2], &argv[3], &b) || !mr_zset_lookup(c, &argv[1], z))
        return 0;
    if (*z == NULL) {
        mr_add_integer(c, 0);
        return 0;
    }
    range_ranks(*z, kind, 0, &b, begin, end);
    return 1;
}

static void count_generic(mr_conn *c, const resp_span *argv, zrange_kind kind) {
    mr_zsetval *z;
    size_t begin, end;
    if (lookup_range(c, argv, kind, &z, &begin, &end)) mr_add_integer(c, (long long)(end - begin));
}

void mr_cmd_zcount(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    count_generic(c, argv, ZRANGE_SCORE);
}

void mr_cmd_zlexcount(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    count_generic(c, argv, ZRANGE_LEX);
}

static void remrange_generic(mr_conn *c, const resp_span *argv, zrange_kind kind) {
    mr_zsetval *z;
    size_t begin, end;
    if (!lookup_range(c, argv, kind, &z, &begin, &end)) return;
    static const char *const events[] = {[ZRANGE_RANK] = "zremrangebyrank",
                                         [ZRANGE_SCORE] = "zremrangebyscore",
                                         [ZRANGE_LEX] = "zremrangebylex"};
    mr_zset_remove_ranks(z, begin, end);
    if (end > begin) mr_zset_changed(c, &argv[1], z, events[kind]);
    mr_add_integer(c, (long long)(end - begin));
}

void mr_cmd_zremrangebyrank(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    remrange_generic(c, argv, ZRANGE_RANK);
}

void mr_cmd_zremrangebyscore(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    remrange_generic(c, argv, ZRANGE_SCORE);
}

void mr_cmd_zremrangebylex(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    remrange_generic(c, argv, ZRANGE_LEX);
}
