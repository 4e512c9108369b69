/* server/cmd_list.c - list commands, with Redis 7.0's argument order of
 * checks, replies and error texts.  A list emptied by a command is
 * deleted, as in Redis. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "list_cmd.h"

#define KEY(i) argv[i].ptr, argv[i].len

int mr_list_lookup(mr_conn *c, const resp_span *key, mr_list **l) {
    mr_obj *o;
    if (!mr_db_lookup_typed(c, key->ptr, key->len, MR_TYPE_LIST, &o)) return 0;
    *l = (mr_list *)o;
    return 1;
}

void mr_list_changed(mr_conn *c, const resp_span *key, mr_list *l, const char *event) {
    mr_db_shrunk(c, key, l->len == 0, MR_NOTIFY_LIST, event);
}

const char *mr_list_pop_event(mr_list_end end) {
    return end == MR_LIST_HEAD ? "lpop" : "rpop";
}

static const char *push_event(mr_list_end end) {
    return end == MR_LIST_HEAD ? "lpush" : "rpush";
}

/* Redis's getPositiveLongFromObjectOrReply: a count of 0 or more, with
 * one error text for both a bad number and a negative one. */
static int arg_count(mr_conn *c, const resp_span *a, const char *err, long long *out) {
    if (mr_parse_ll(a, out) && *out >= 0) return 1;
    mr_add_error(c, err);
    return 0;
}

int mr_arg_list_end(mr_conn *c, const resp_span *a, mr_list_end *end) {
    if (mr_arg_is(a, "left")) *end = MR_LIST_HEAD;
    else if (mr_arg_is(a, "right")) *end = MR_LIST_TAIL;
    else {
        mr_add_error(c, MR_ERR_SYNTAX);
        return 0;
    }
    return 1;
}

void mr_list_add_end(mr_conn *c, mr_list *l, mr_list_end end) {
    const char *s;
    size_t n;
    mr_list_get_end(l, end, &s, &n);
    mr_add_bulk(c, s, n);
}

void mr_list_pop_reply(mr_conn *c, mr_list *l, mr_list_end end, long long count) {
    size_t n = count < 0 || (unsigned long long)count > l->len ? l->len : (size_t)count;
    mr_add_array(c, n);
    for (size_t i = 0; i < n; i++) {
        mr_list_add_end(c, l, end);
        mr_list_pop(l, end);
    }
}

/* ---- pushes ---- */

static void push_generic(mr_conn *c, size_t argc, const resp_span *argv, mr_list_end end,
                         int only_existing) {
    mr_list *l;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    if (l == NULL) {
        if (only_existing) {
            mr_add_integer(c, 0);
            return;
        }
        l = mr_list_new();
        mr_db_set(c->srv, c->db, KEY(1), &l->hdr, 1);
    }
    for (size_t i = 2; i < argc; i++) mr_list_push(l, end, argv[i].ptr, argv[i].len);
    mr_db_changed(c->srv, c->db, KEY(1));
    mr_add_integer(c, (long long)l->len);
    mr_notify(c->srv, MR_NOTIFY_LIST, push_event(end), c->db, KEY(1));
}

void mr_cmd_lpush(mr_conn *c, size_t argc, const resp_span *argv) {
    push_generic(c, argc, argv, MR_LIST_HEAD, 0);
}

void mr_cmd_rpush(mr_conn *c, size_t argc, const resp_span *argv) {
    push_generic(c, argc, argv, MR_LIST_TAIL, 0);
}

void mr_cmd_lpushx(mr_conn *c, size_t argc, const resp_span *argv) {
    push_generic(c, argc, argv, MR_LIST_HEAD, 1);
}

void mr_cmd_rpushx(mr_conn *c, size_t argc, const resp_span *argv) {
    push_generic(c, argc, argv, MR_LIST_TAIL, 1);
}

/* ---- pops ---- */

static void pop_generic(mr_conn *c, size_t argc, const resp_span *argv, mr_list_end end,
                        const char *name) {
    long long count = -1;
    if (argc > 3) {
        mr_add_errorf(c, MR_ERR_ARITY_FMT, name);
        return;
    }
    if (argc == 3 && !arg_count(c, &argv[2], "ERR value is out of range, must be positive", &count))
        return;
    mr_list *l;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    if (l == NULL) {
        if (count >= 0) mr_add_null_array(c);
        else mr_add_null(c);
        return;
    }
    if (count == 0) {
        mr_add_array(c, 0);
        return;
    }
    if (count < 0) {
        mr_list_add_end(c, l, end);
        mr_list_pop(l, end);
    } else {
        mr_list_pop_reply(c, l, end, count);
    }
    mr_list_changed(c, &argv[1], l, mr_list_pop_event(end));
}

void mr_cmd_lpop(mr_conn *c, size_t argc, const resp_span *argv) {
    pop_generic(c, argc, argv, MR_LIST_HEAD, "lpop");
}

void mr_cmd_rpop(mr_conn *c, size_t argc, const resp_span *argv) {
    pop_generic(c, argc, argv, MR_LIST_TAIL, "rpop");
}

/* LMPOP numkeys key... LEFT|RIGHT [COUNT n]: the first non-empty list. */
void mr_cmd_lmpop(mr_conn *c, size_t argc, const resp_span *argv) {
    static const char *const ends[2] = {"left", "right"};
    mr_mpop_args a;
    if (!mr_arg_mpop(c, argc, argv, 1, ends, &a)) return;
    mr_list_end end = a.end == 0 ? MR_LIST_HEAD : MR_LIST_TAIL;
    for (size_t k = a.first_key; k < a.first_key + a.nkeys; k++) {
        mr_list *l;
        if (!mr_list_lookup(c, &argv[k], &l)) return;
        if (l == NULL) continue;
        mr_add_array(c, 2);
        mr_add_bulk(c, argv[k].ptr, argv[k].len);
        mr_list_pop_reply(c, l, end, a.count);
        mr_list_changed(c, &argv[k], l, mr_list_pop_event(end));
        return;
    }
    mr_add_null_array(c);
}

void mr_list_move(mr_conn *c, const resp_span *argv, mr_list_end from, mr_list_end to) {
    mr_list *src, *dst;
    if (!mr_list_lookup(c, &argv[1], &src)) return;
    if (src == NULL) {
        mr_add_null(c);
        return;
    }
    if (!mr_list_lookup(c, &argv[2], &dst)) return;
    const char *s;
    size_t n;
    mr_list_get_end(src, from, &s, &n);
    /* The element is copied: pushing may move the node it lives in. */
    char *copy = mr_xmalloc(n + 1);
    memcpy(copy, s, n);
    mr_list_pop(src, from);
    if (dst == NULL) {
        dst = mr_list_new();
        mr_db_set(c->srv, c->db, KEY(2), &dst->hdr, 1);
    }
    mr_list_push(dst, to, copy, n);
    mr_db_changed(c->srv, c->db, KEY(2));
    mr_notify(c->srv, MR_NOTIFY_LIST, push_event(to), c->db, KEY(2));
    mr_add_bulk(c, copy, n);
    free(copy);
    /* A rotation (the same list) is not empty: only its pop is told. */
    mr_list_changed(c, &argv[1], src, mr_list_pop_event(from));
}

void mr_cmd_lmove(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_list_end from, to;
    if (!mr_arg_list_end(c, &argv[3], &from) || !mr_arg_list_end(c, &argv[4], &to)) return;
    mr_list_move(c, argv, from, to);
}

void mr_cmd_rpoplpush(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_list_move(c, argv, MR_LIST_TAIL, MR_LIST_HEAD);
}

/* ---- reading ---- */

void mr_cmd_llen(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_list *l;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    mr_add_integer(c, l != NULL ? (long long)l->len : 0);
}

/* A negative index counts from the tail; 0 when out of range. */
static int normalise_index(const mr_list *l, long long index, size_t *out) {
    if (index < 0) index += (long long)l->len;
    if (index < 0 || (unsigned long long)index >= l->len) return 0;
    *out = (size_t)index;
    return 1;
}

void mr_cmd_lindex(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_list *l;
    long long index;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    if (l == NULL) {
        mr_add_null(c);
        return;
    }
    if (!mr_arg_ll(c, &argv[2], &index)) return;
    size_t i;
    if (!normalise_index(l, index, &i)) {
        mr_add_null(c);
        return;
    }
    const char *s;
    size_t n;
    mr_list_get(l, i, &s, &n);
    mr_add_bulk(c, s, n);
}

/* start..end as LRANGE and LTRIM clamp them: 0 when the range is empty. */
static int clamp_range(size_t len, long long start, long long end, size_t *from, size_t *to) {
    long long llen = (long long)len;
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return 0;
    if (end >= llen) end = llen - 1;
    *from = (size_t)start;
    *to = (size_t)end;
    return 1;
}

void mr_cmd_lrange(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long long start, end;
    if (!mr_arg_ll(c, &argv[2], &start) || !mr_arg_ll(c, &argv[3], &end)) return;
    mr_list *l;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    size_t from, to;
    if (l == NULL || !clamp_range(l->len, start, end, &from, &to)) {
        mr_add_array(c, 0);
        return;
    }
    mr_add_array(c, to - from + 1);
    mr_list_iter it;
    const char *s;
    size_t n;
    mr_list_iter_init(&it, l, from, 1);
    for (size_t i = from; i <= to && mr_list_iter_next(&it, &s, &n); i++) mr_add_bulk(c, s, n);
}

static int same(const char *s, size_t n, const resp_span *a) {
    return n == a->len && (n == 0 || memcmp(s, a->ptr, n) == 0);
}

/* LPOS key element [RANK r] [COUNT n] [MAXLEN m] */
void mr_cmd_lpos(mr_conn *c, size_t argc, const resp_span *argv) {
    long long rank = 1, count = -1, maxlen = 0;
    for (size_t j = 3; j < argc; j++) {
        int more = j + 1 < argc;
        if (mr_arg_is(&argv[j], "rank") && more) {
            if (!mr_arg_ll(c, &argv[++j], &rank)) return;
            if (rank == 0) {
                mr_add_error(c, "ERR RANK can't be zero: use 1 to start from the first match, 2 "
                                "from the second ... or use negative to start from the end of "
                                "the list");
                return;
            }
        } else if (mr_arg_is(&argv[j], "count") && more) {
            if (!arg_count(c, &argv[++j], "ERR COUNT can't be negative", &count)) return;
        } else if (mr_arg_is(&argv[j], "maxlen") && more) {
            if (!arg_count(c, &argv[++j], "ERR MAXLEN can't be negative", &maxlen)) return;
        } else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
    }
    int forward = rank > 0;
    /* Redis negates the rank in signed arithmetic, so LLONG_MIN stays
     * negative and every match passes the rank test: wrap the same way. */
    if (rank < 0) rank = (long long)(0ULL - (unsigned long long)rank);
    mr_list *l;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    if (l == NULL) {
        if (count != -1) mr_add_array(c, 0);
        else mr_add_null(c);
        return;
    }
    long long *found = NULL;
    size_t nfound = 0, cap = 0;
    long long matches = 0, index = 0;
    mr_list_iter it;
    const char *s;
    size_t n;
    mr_list_iter_init(&it, l, forward ? 0 : l->len - 1, forward);
    while ((maxlen == 0 || index < maxlen) && mr_list_iter_next(&it, &s, &n)) {
        if (same(s, n, &argv[2]) && ++matches >= rank) {
            if (nfound == cap) {
                cap = cap != 0 ? cap * 2 : 8;
                found = mr_xrealloc(found, cap * sizeof *found);
            }
            found[nfound++] = forward ? index : (long long)l->len - 1 - index;
            long long taken =
                (long long)((unsigned long long)matches - (unsigned long long)rank + 1);
            if (count == -1 || (count != 0 && taken >= count)) break;
        }
        index++;
    }
    if (count != -1) {
        mr_add_array(c, nfound);
        for (size_t i = 0; i < nfound; i++) mr_add_integer(c, found[i]);
    } else if (nfound != 0) {
        mr_add_integer(c, found[0]);
    } else {
        mr_add_null(c);
    }
    free(found);
}

/* ---- changes in place ---- */

void mr_cmd_lset(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_list *l;
    long long index;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    if (l == NULL) {
        mr_add_error(c, MR_ERR_NO_KEY);
        return;
    }
    if (!mr_arg_ll(c, &argv[2], &index)) return;
    size_t i;
    if (!normalise_index(l, index, &i)) {
        mr_add_error(c, "ERR index out of range");
        return;
    }
    mr_list_iter it;
    const char *s;
    size_t n;
    mr_list_iter_init(&it, l, i, 1);
    mr_list_iter_next(&it, &s, &n);
    mr_list_iter_replace(&it, argv[3].ptr, argv[3].len);
    mr_db_changed(c->srv, c->db, KEY(1));
    mr_add_ok(c);
    mr_notify(c->srv, MR_NOTIFY_LIST, "lset", c->db, KEY(1));
}

void mr_cmd_linsert(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    int after;
    if (mr_arg_is(&argv[2], "after")) after = 1;
    else if (mr_arg_is(&argv[2], "before")) after = 0;
    else {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    mr_list *l;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    if (l == NULL) {
        mr_add_integer(c, 0);
        return;
    }
    mr_list_iter it;
    const char *s;
    size_t n;
    mr_list_iter_init(&it, l, 0, 1);
    while (mr_list_iter_next(&it, &s, &n)) {
        if (same(s, n, &argv[3])) {
            mr_list_iter_insert(&it, after, argv[4].ptr, argv[4].len);
            mr_db_changed(c->srv, c->db, KEY(1));
            mr_notify(c->srv, MR_NOTIFY_LIST, "linsert", c->db, KEY(1));
            mr_add_integer(c, (long long)l->len);
            return;
        }
    }
    mr_add_integer(c, -1);
}

/* LREM key count element: count > 0 from the head, < 0 from the tail,
 * 0 every match. */
void mr_cmd_lrem(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long long count;
    if (!mr_arg_ll(c, &argv[2], &count)) return;
    mr_list *l;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    if (l == NULL) {
        mr_add_integer(c, 0);
        return;
    }
    int forward = count >= 0;
    unsigned long long limit = count >= 0 ? (unsigned long long)count
                                          : 0ULL - (unsigned long long)count;
    long long removed = 0;
    mr_list_iter it;
    const char *s;
    size_t n;
    mr_list_iter_init(&it, l, forward ? 0 : l->len - 1, forward);
    while (mr_list_iter_next(&it, &s, &n)) {
        if (!same(s, n, &argv[3])) continue;
        mr_list_iter_delete(&it);
        removed++;
        if (limit != 0 && (unsigned long long)removed == limit) break;
    }
    if (removed != 0) mr_list_changed(c, &argv[1], l, "lrem");
    mr_add_integer(c, removed);
}

void mr_cmd_ltrim(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long long start, end;
    if (!mr_arg_ll(c, &argv[2], &start) || !mr_arg_ll(c, &argv[3], &end)) return;
    mr_list *l;
    if (!mr_list_lookup(c, &argv[1], &l)) return;
    if (l == NULL) {
        mr_add_ok(c);
        return;
    }
    size_t from, to;
    if (!clamp_range(l->len, start, end, &from, &to)) {
        mr_list_delete_range(l, 0, l->len);
    } else {
        mr_list_delete_range(l, to + 1, l->len - to - 1);
        mr_list_delete_range(l, 0, from);
    }
    mr_list_changed(c, &argv[1], l, "ltrim");
    mr_add_ok(c);
}
