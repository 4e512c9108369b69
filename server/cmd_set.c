/* server/cmd_set.c - set commands, with Redis 7.0's order of checks,
 * replies and error texts.  A set emptied by a command is deleted. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "scan.h"
#include "set.h"

#define KEY(i) argv[i].ptr, argv[i].len

/* The set at a key: 1 with *s (NULL when the key is missing), or 0 after
 * replying WRONGTYPE. */
static int get_set(mr_conn *c, const resp_span *key, mr_setval **s) {
    mr_obj *o;
    if (!mr_db_lookup_typed(c, key->ptr, key->len, MR_TYPE_SET, &o)) return 0;
    *s = (mr_setval *)o;
    return 1;
}

/* After members were removed: the set event is published, WATCH sees it,
 * an emptied set goes away ("del"). */
static void set_shrunk(mr_conn *c, const resp_span *key, mr_setval *s, const char *event) {
    mr_db_shrunk(c, key, mr_set_len(s) == 0, MR_NOTIFY_SET, event);
}

/* Every member, as a set under RESP3 and an array under RESP2. */
static void add_members(mr_conn *c, const mr_setval *s) {
    mr_add_set(c, s != NULL ? mr_set_len(s) : 0);
    if (s == NULL) return;
    mr_set_iter it;
    const char *m;
    size_t mn;
    mr_set_iter_init(&it, s);
    while (mr_set_iter_next(&it, &m, &mn)) mr_add_bulk(c, m, mn);
    mr_set_iter_done(&it);
}

void mr_cmd_sadd(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_setval *s;
    if (!get_set(c, &argv[1], &s)) return;
    if (s == NULL) {
        s = mr_set_new();
        mr_db_set(c->srv, c->db, KEY(1), &s->hdr, 1);
    }
    long long added = 0;
    for (size_t i = 2; i < argc; i++) added += mr_set_add(s, argv[i].ptr, argv[i].len);
    if (added != 0) {
        mr_db_changed(c->srv, c->db, KEY(1));
        mr_notify(c->srv, MR_NOTIFY_SET, "sadd", c->db, KEY(1));
    }
    mr_add_integer(c, added);
}

void mr_cmd_srem(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_setval *s;
    if (!get_set(c, &argv[1], &s)) return;
    long long removed = 0;
    for (size_t i = 2; s != NULL && i < argc && mr_set_len(s) > 0; i++)
        removed += mr_set_remove(s, argv[i].ptr, argv[i].len);
    if (removed != 0) set_shrunk(c, &argv[1], s, "srem");
    mr_add_integer(c, removed);
}

void mr_cmd_smembers(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_setval *s;
    if (get_set(c, &argv[1], &s)) add_members(c, s);
}

void mr_cmd_sismember(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_setval *s;
    if (!get_set(c, &argv[1], &s)) return;
    mr_add_integer(c, s != NULL && mr_set_has(s, argv[2].ptr, argv[2].len));
}

void mr_cmd_smismember(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_setval *s;
    if (!get_set(c, &argv[1], &s)) return;
    mr_add_array(c, argc - 2);
    for (size_t i = 2; i < argc; i++)
        mr_add_integer(c, s != NULL && mr_set_has(s, argv[i].ptr, argv[i].len));
}

void mr_cmd_scard(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_setval *s;
    if (!get_set(c, &argv[1], &s)) return;
    mr_add_integer(c, s != NULL ? (long long)mr_set_len(s) : 0);
}

void mr_cmd_smove(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_setval *src, *dst;
    mr_obj *so = mr_db_lookup(c->srv, c->db, KEY(1));
    if (so == NULL) {
        mr_add_integer(c, 0);
        return;
    }
    if (!get_set(c, &argv[1], &src) || !get_set(c, &argv[2], &dst)) return;
    const resp_span *m = &argv[3];
    if (src == dst) {
        mr_add_integer(c, mr_set_has(src, m->ptr, m->len));
        return;
    }
    if (!mr_set_remove(src, m->ptr, m->len)) {
        mr_add_integer(c, 0);
        return;
    }
    set_shrunk(c, &argv[1], src, "srem");
    if (dst == NULL) {
        dst = mr_set_new();
        mr_db_set(c->srv, c->db, KEY(2), &dst->hdr, 1);
    }
    if (mr_set_add(dst, m->ptr, m->len)) {
        mr_db_changed(c->srv, c->db, KEY(2));
        mr_notify(c->srv, MR_NOTIFY_SET, "sadd", c->db, KEY(2));
    }
    mr_add_integer(c, 1);
}

/* ---- random members ---- */

/* SRANDMEMBER and SPOP's count: count distinct members (or, negative,
 * -count drawn with repetition) written to the reply; with pop, the
 * members taken are removed.  Drawing stops once the client is being
 * dropped for its output limit: nothing more would be written. */
static void random_members(mr_conn *c, mr_setval *s, long long count, int pop) {
    char buf[24];
    const char *m;
    size_t mn, size = mr_set_len(s);
    if (count < 0) {
        size_t n = (size_t)(0ULL - (unsigned long long)count);
        mr_add_array(c, n);
        for (size_t i = 0; i < n && !mr_conn_closing(c); i++) {
            mr_set_random(s, &c->srv->rng, buf, &m, &mn);
            mr_add_bulk(c, m, mn);
        }
        return;
    }
    size_t n = (unsigned long long)count < size ? (size_t)count : size;
    if (pop) mr_add_set(c, n);
    else mr_add_array(c, n);
    if (n == size) {
        mr_set_iter it;
        mr_set_iter_init(&it, s);
        while (mr_set_iter_next(&it, &m, &mn)) mr_add_bulk(c, m, mn);
        mr_set_iter_done(&it);
        return;
    }
    /* Distinct picks: copy the members, then a partial shuffle. */
    char **ms = mr_xmalloc(size * sizeof *ms);
    size_t *ml = mr_xmalloc(size * sizeof *ml), i = 0;
    mr_set_iter it;
    mr_set_iter_init(&it, s);
    while (mr_set_iter_next(&it, &m, &mn)) {
        ms[i] = mr_xstrndup(m, mn);
        ml[i++] = mn;
    }
    mr_set_iter_done(&it);
    uint64_t *rng = &c->srv->rng;
    for (size_t k = 0; k < n; k++) {
        mr_rng_step(rng);
        size_t j = k + (size_t)(*rng % (size - k));
        char *tm = ms[j];
        size_t tl = ml[j];
        ms[j] = ms[k], ml[j] = ml[k], ms[k] = tm, ml[k] = tl;
        mr_add_bulk(c, ms[k], ml[k]);
        if (pop) mr_set_remove(s, ms[k], ml[k]);
    }
    for (size_t k = 0; k < size; k++) free(ms[k]);
    free(ms);
    free(ml);
}

void mr_cmd_spop(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_setval *s;
    long long count;
    if (!mr_arg_pop_count(c, argc, argv, &count)) return;
    if (!get_set(c, &argv[1], &s)) return;
    if (s == NULL || count == 0) {
        if (count >= 0) mr_add_set(c, 0);
        else mr_add_null(c);
        return;
    }
    if (count < 0) {
        char buf[24];
        const char *m;
        size_t mn;
        mr_set_random(s, &c->srv->rng, buf, &m, &mn);
        /* Redis tells the pop before its reply, the deletion after. */
        mr_notify(c->srv, MR_NOTIFY_SET, "spop", c->db, KEY(1));
        mr_add_bulk(c, m, mn);
        mr_set_remove(s, m, mn);
    } else {
        /* Popping every member replies them all and drops the key. */
        int whole = (unsigned long long)count >= mr_set_len(s);
        mr_notify(c->srv, MR_NOTIFY_SET, "spop", c->db, KEY(1));
        random_members(c, s, count, 1);
        if (whole) {
            mr_db_shrunk(c, &argv[1], 1, MR_NOTIFY_SET, NULL);
            return;
        }
    }
    set_shrunk(c, &argv[1], s, NULL);
}

void mr_cmd_srandmember(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_setval *s;
    if (argc > 3) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    if (argc == 2) {
        if (!get_set(c, &argv[1], &s)) return;
        if (s == NULL) {
            mr_add_null(c);
            return;
        }
        char buf[24];
        const char *m;
        size_t mn;
        mr_set_random(s, &c->srv->rng, buf, &m, &mn);
        mr_add_bulk(c, m, mn);
        return;
    }
    long long count;
    if (!mr_arg_ll(c, &argv[2], &count)) return;
    if (count == LLONG_MIN) {
        mr_add_error(c, "ERR value is out of range, value must between -9223372036854775807 and "
                        "9223372036854775807");
        return;
    }
    if (!get_set(c, &argv[1], &s)) return;
    if (s == NULL || count == 0) {
        mr_add_array(c, 0);
        return;
    }
    random_members(c, s, count, 0);
}

/* ---- algebra ---- */

typedef enum set_op { OP_INTER, OP_UNION, OP_DIFF } set_op;

/* Looks up every key as a set (missing ones as NULL); 0 after replying
 * WRONGTYPE. */
/* The sources of SINTER and its kin, read as lookupKeyRead reads them
 * (the STORE forms too: a missing one is a keymiss). */
static int get_sets(mr_conn *c, const resp_span *keys, size_t n, mr_setval **out) {
    for (size_t i = 0; i < n; i++) {
        if (!get_set(c, &keys[i], &out[i])) return 0;
        if (out[i] == NULL) mr_db_read_miss(c, keys[i].ptr, keys[i].len);
    }
    return 1;
}

static int by_size(const void *a, const void *b) {
    size_t x = mr_set_len(*(mr_setval *const *)a), y = mr_set_len(*(mr_setval *const *)b);
    return (x > y) - (x < y);
}

/* The result of op over the sets (a missing key is an empty set), at most
 * limit members for an intersection (0: all). */
static mr_setval *compute(set_op op, mr_setval **sets, size_t n, size_t limit) {
    mr_setval *r = mr_set_new();
    mr_set_iter it;
    const char *m;
    size_t mn;
    switch (op) {
    case OP_INTER:
        for (size_t i = 0; i < n; i++)
            if (sets[i] == NULL) return r;
        qsort(sets, n, sizeof *sets, by_size);
        mr_set_iter_init(&it, sets[0]);
        while (mr_set_iter_next(&it, &m, &mn) && (limit == 0 || mr_set_len(r) < limit)) {
            size_t j = 1;
            while (j < n && mr_set_has(sets[j], m, mn)) j++;
            if (j == n) mr_set_add(r, m, mn);
        }
        mr_set_iter_done(&it);
        return r;
    case OP_UNION:
    case OP_DIFF:
        for (size_t i = 0; i < n; i++) {
            if (sets[i] == NULL) continue;
            if (op == OP_DIFF && i > 0 && mr_set_len(r) == 0) break;
            mr_set_iter_init(&it, sets[i]);
            while (mr_set_iter_next(&it, &m, &mn)) {
                if (op == OP_UNION || i == 0) mr_set_add(r, m, mn);
                else mr_set_remove(r, m, mn);
            }
            mr_set_iter_done(&it);
            if (op == OP_DIFF && i == 0 && mr_set_len(r) == 0) break;
        }
        return r;
    }
    return r;
}

static void algebra(mr_conn *c, const resp_span *keys, size_t n, set_op op,
                    const resp_span *dst) {
    mr_setval **sets = mr_xmalloc(n * sizeof *sets);
    if (!get_sets(c, keys, n, sets)) {
        free(sets);
        return;
    }
    mr_setval *r = compute(op, sets, n, 0);
    free(sets);
    if (dst == NULL) {
        add_members(c, r);
        mr_set_free(r);
        return;
    }
    static const char *const store_events[] = {[OP_INTER] = "sinterstore",
                                               [OP_UNION] = "sunionstore",
                                               [OP_DIFF] = "sdiffstore"};
    long long size = (long long)mr_set_len(r);
    /* Replied first, then told, as Redis does. */
    if (size == 0) {
        int existed = mr_db_delete(c->srv, c->db, dst->ptr, dst->len);
        mr_set_free(r);
        mr_add_integer(c, size);
        if (existed) mr_notify(c->srv, MR_NOTIFY_GENERIC, "del", c->db, dst->ptr, dst->len);
    } else {
        mr_db_set(c->srv, c->db, dst->ptr, dst->len, &r->hdr, 0);
        mr_add_integer(c, size);
        mr_notify(c->srv, MR_NOTIFY_SET, store_events[op], c->db, dst->ptr, dst->len);
    }
}

void mr_cmd_sinter(mr_conn *c, size_t argc, const resp_span *argv) {
    algebra(c, &argv[1], argc - 1, OP_INTER, NULL);
}

void mr_cmd_sunion(mr_conn *c, size_t argc, const resp_span *argv) {
    algebra(c, &argv[1], argc - 1, OP_UNION, NULL);
}

void mr_cmd_sdiff(mr_conn *c, size_t argc, const resp_span *argv) {
    algebra(c, &argv[1], argc - 1, OP_DIFF, NULL);
}

void mr_cmd_sinterstore(mr_conn *c, size_t argc, const resp_span *argv) {
    algebra(c, &argv[2], argc - 2, OP_INTER, &argv[1]);
}

void mr_cmd_sunionstore(mr_conn *c, size_t argc, const resp_span *argv) {
    algebra(c, &argv[2], argc - 2, OP_UNION, &argv[1]);
}

void mr_cmd_sdiffstore(mr_conn *c, size_t argc, const resp_span *argv) {
    algebra(c, &argv[2], argc - 2, OP_DIFF, &argv[1]);
}

/* SINTERCARD numkeys key... [LIMIT n] */
void mr_cmd_sintercard(mr_conn *c, size_t argc, const resp_span *argv) {
    long long numkeys, limit = 0;
    if (!mr_parse_ll(&argv[1], &numkeys) || numkeys < 1) {
        mr_add_error(c, "ERR numkeys should be greater than 0");
        return;
    }
    if ((unsigned long long)numkeys > argc - 2) {
        mr_add_error(c, "ERR Number of keys can't be greater than number of args");
        return;
    }
    for (size_t j = 2 + (size_t)numkeys; j < argc; j++) {
        if (mr_arg_is(&argv[j], "limit") && j + 1 < argc) {
            if (!mr_parse_ll(&argv[++j], &limit) || limit < 0) {
                mr_add_error(c, "ERR LIMIT can't be negative");
                return;
            }
        } else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
    }
    size_t n = (size_t)numkeys;
    mr_setval **sets = mr_xmalloc(n * sizeof *sets);
    if (!get_sets(c, &argv[2], n, sets)) {
        free(sets);
        return;
    }
    mr_setval *r = compute(OP_INTER, sets, n, (size_t)limit);
    free(sets);
    mr_add_integer(c, (long long)mr_set_len(r));
    mr_set_free(r);
}

/* ---- SSCAN ---- */

static size_t scan_member(void *ud, const mr_dict_entry *e, resp_buf *body) {
    (void)ud;
    resp_write_bulk_string(body, e->key, e->klen);
    return 1;
}

/* An intset is returned whole in one call, with cursor 0, as Redis does. */
void mr_cmd_sscan(mr_conn *c, size_t argc, const resp_span *argv) {
    uint64_t cursor;
    mr_setval *s;
    mr_scan o;
    resp_buf body;
    resp_buf_init(&body, NULL);
    if (!mr_scan_cursor(c, &argv[2], &cursor) || !get_set(c, &argv[1], &s)) return;
    if (s == NULL) {
        mr_scan_reply(c, 0, &body, 0);
        return;
    }
    if (!mr_scan_options(c, argc, argv, 3, 0, &o)) return;
    if (s->table != NULL) {
        mr_scan_dict(c, s->table, cursor, &o, scan_member, NULL);
        return;
    }
    size_t items = 0;
    mr_set_iter it;
    const char *m;
    size_t mn;
    mr_set_iter_init(&it, s);
    while (mr_set_iter_next(&it, &m, &mn)) {
        if (!mr_scan_matches(&o, m, mn)) continue;
        resp_write_bulk_string(&body, m, mn);
        items++;
    }
    mr_set_iter_done(&it);
    mr_scan_reply(c, 0, &body, items);
    resp_buf_free(&body);
}
