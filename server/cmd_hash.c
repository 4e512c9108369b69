/* server/cmd_hash.c - hash commands, with Redis 7.0's order of checks,
 * replies and error texts.  A hash emptied by HDEL is deleted. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "hash.h"
#include "number.h"
#include "scan.h"

#define KEY(i) argv[i].ptr, argv[i].len

/* The hash at a key: 1 with *h (NULL when the key is missing), or 0
 * after replying WRONGTYPE. */
static int get_hash(mr_conn *c, const resp_span *key, mr_hashval **h) {
    mr_obj *o;
    if (!mr_db_lookup_typed(c, key->ptr, key->len, MR_TYPE_HASH, &o)) return 0;
    *h = (mr_hashval *)o;
    return 1;
}

/* As get_hash, creating an empty hash when the key is missing (Redis's
 * hashTypeLookupWriteOrCreate). */
static int get_or_create(mr_conn *c, const resp_span *key, mr_hashval **h) {
    if (!get_hash(c, key, h)) return 0;
    if (*h == NULL) {
        *h = mr_hash_new();
        mr_db_set(c->srv, c->db, key->ptr, key->len, &(*h)->hdr, 1);
    }
    return 1;
}

static void add_value(mr_conn *c, const mr_hashval *h, const resp_span *field) {
    const char *v;
    size_t vn;
    if (mr_hash_get(h, field->ptr, field->len, &v, &vn)) mr_add_bulk(c, v, vn);
    else mr_add_null(c);
}

/* ---- writes ---- */

static void set_generic(mr_conn *c, size_t argc, const resp_span *argv, const char *name) {
    if (argc % 2 == 1) {
        mr_add_errorf(c, MR_ERR_ARITY_FMT, name);
        return;
    }
    mr_hashval *h;
    if (!get_or_create(c, &argv[1], &h)) return;
    long long created = 0;
    for (size_t i = 2; i < argc; i += 2)
        created += mr_hash_set(h, argv[i].ptr, argv[i].len, argv[i + 1].ptr, argv[i + 1].len);
    mr_db_changed(c->srv, c->db, KEY(1));
    if (name[1] == 'm') mr_add_ok(c);
    else mr_add_integer(c, created);
    mr_notify(c->srv, MR_NOTIFY_HASH, "hset", c->db, KEY(1));
}

void mr_cmd_hset(mr_conn *c, size_t argc, const resp_span *argv) {
    set_generic(c, argc, argv, "hset");
}

void mr_cmd_hmset(mr_conn *c, size_t argc, const resp_span *argv) {
    set_generic(c, argc, argv, "hmset");
}

void mr_cmd_hsetnx(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_hashval *h;
    const char *v;
    size_t vn;
    if (!get_or_create(c, &argv[1], &h)) return;
    if (mr_hash_get(h, argv[2].ptr, argv[2].len, &v, &vn)) {
        mr_add_integer(c, 0);
        return;
    }
    mr_hash_set(h, argv[2].ptr, argv[2].len, argv[3].ptr, argv[3].len);
    mr_db_changed(c->srv, c->db, KEY(1));
    mr_add_integer(c, 1);
    mr_notify(c->srv, MR_NOTIFY_HASH, "hset", c->db, KEY(1));
}

void mr_cmd_hdel(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_hashval *h;
    if (!get_hash(c, &argv[1], &h)) return;
    long long deleted = 0;
    for (size_t i = 2; h != NULL && i < argc; i++) {
        deleted += mr_hash_delete(h, argv[i].ptr, argv[i].len);
        if (mr_hash_len(h) == 0) break;
    }
    if (deleted != 0) mr_db_shrunk(c, &argv[1], mr_hash_len(h) == 0, MR_NOTIFY_HASH, "hdel");
    mr_add_integer(c, deleted);
}

void mr_cmd_hincrby(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long long incr, cur = 0;
    if (!mr_arg_ll(c, &argv[3], &incr)) return;
    mr_hashval *h;
    if (!get_or_create(c, &argv[1], &h)) return;
    const char *v;
    size_t vn;
    if (mr_hash_get(h, argv[2].ptr, argv[2].len, &v, &vn)) {
        resp_span s = {v, vn};
        if (!mr_parse_ll(&s, &cur)) {
            mr_add_error(c, "ERR hash value is not an integer");
            return;
        }
    }
    if ((incr < 0 && cur < 0 && incr < LLONG_MIN - cur) ||
        (incr > 0 && cur > 0 && incr > LLONG_MAX - cur)) {
        mr_add_error(c, "ERR increment or decrement would overflow");
        return;
    }
    cur += incr;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", cur);
    mr_hash_set(h, argv[2].ptr, argv[2].len, buf, (size_t)n);
    mr_db_changed(c->srv, c->db, KEY(1));
    mr_add_integer(c, cur);
    mr_notify(c->srv, MR_NOTIFY_HASH, "hincrby", c->db, KEY(1));
}

/* CVE-2023-28856: an infinite increment is refused before the key is
 * touched, so no hash is created and no field can hold "inf". */
void mr_cmd_hincrbyfloat(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long double incr, cur = 0;
    if (!mr_parse_long_double(argv[3].ptr, argv[3].len, &incr)) {
        mr_add_error(c, MR_ERR_NOT_FLOAT);
        return;
    }
    if (isnan(incr) || isinf(incr)) {
        mr_add_error(c, "ERR value is NaN or Infinity");
        return;
    }
    mr_hashval *h;
    if (!get_or_create(c, &argv[1], &h)) return;
    const char *v;
    size_t vn;
    if (mr_hash_get(h, argv[2].ptr, argv[2].len, &v, &vn) &&
        !mr_parse_long_double(v, vn, &cur)) {
        mr_add_error(c, "ERR hash value is not a float");
        return;
    }
    cur += incr;
    char buf[MR_LD_BUF];
    size_t n = 0;
    if (!isnan(cur) && !isinf(cur)) n = mr_format_long_double(cur, buf, sizeof buf);
    if (n == 0) {
        mr_add_error(c, "ERR increment would produce NaN or Infinity");
        return;
    }
    mr_hash_set(h, argv[2].ptr, argv[2].len, buf, n);
    mr_db_changed(c->srv, c->db, KEY(1));
    mr_add_bulk(c, buf, n);
    mr_notify(c->srv, MR_NOTIFY_HASH, "hincrbyfloat", c->db, KEY(1));
}

/* ---- reads ---- */

void mr_cmd_hget(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_hashval *h;
    if (!get_hash(c, &argv[1], &h)) return;
    if (h == NULL) mr_add_null(c);
    else add_value(c, h, &argv[2]);
}

void mr_cmd_hmget(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_hashval *h;
    if (!get_hash(c, &argv[1], &h)) return;
    mr_add_array(c, argc - 2);
    for (size_t i = 2; i < argc; i++) {
        if (h == NULL) mr_add_null(c);
        else add_value(c, h, &argv[i]);
    }
}

void mr_cmd_hlen(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_hashval *h;
    if (!get_hash(c, &argv[1], &h)) return;
    mr_add_integer(c, h != NULL ? (long long)mr_hash_len(h) : 0);
}

void mr_cmd_hexists(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_hashval *h;
    const char *v;
    size_t vn;
    if (!get_hash(c, &argv[1], &h)) return;
    mr_add_integer(c, h != NULL && mr_hash_get(h, argv[2].ptr, argv[2].len, &v, &vn));
}

void mr_cmd_hstrlen(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_hashval *h;
    const char *v;
    size_t vn = 0;
    if (!get_hash(c, &argv[1], &h)) return;
    if (h == NULL || !mr_hash_get(h, argv[2].ptr, argv[2].len, &v, &vn)) vn = 0;
    mr_add_integer(c, (long long)vn);
}

enum { WANT_FIELDS = 1, WANT_VALUES = 2 };

/* HKEYS, HVALS, HGETALL: the whole hash in its order; HGETALL is a map
 * under RESP3. */
static void getall_generic(mr_conn *c, const resp_span *argv, int want) {
    mr_hashval *h;
    if (!get_hash(c, &argv[1], &h)) return;
    size_t n = h != NULL ? mr_hash_len(h) : 0;
    if (want == (WANT_FIELDS | WANT_VALUES)) mr_add_map(c, n);
    else mr_add_array(c, n);
    if (h == NULL) return;
    mr_hash_iter it;
    const char *f, *v;
    size_t fn, vn;
    mr_hash_iter_init(&it, h);
    while (mr_hash_iter_next(&it, &f, &fn, &v, &vn)) {
        if (want & WANT_FIELDS) mr_add_bulk(c, f, fn);
        if (want & WANT_VALUES) mr_add_bulk(c, v, vn);
    }
    mr_hash_iter_done(&it);
}

void mr_cmd_hkeys(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    getall_generic(c, argv, WANT_FIELDS);
}

void mr_cmd_hvals(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    getall_generic(c, argv, WANT_VALUES);
}

void mr_cmd_hgetall(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    getall_generic(c, argv, WANT_FIELDS | WANT_VALUES);
}

/* ---- HRANDFIELD ---- */

/* One field (and value): under RESP3 a pair is an array of two. */
static void add_pair(mr_conn *c, const char *f, size_t fn, const char *v, size_t vn,
                     int withvalues) {
    if (withvalues && c->proto == 3) mr_add_array(c, 2);
    mr_add_bulk(c, f, fn);
    if (withvalues) mr_add_bulk(c, v, vn);
}

static void add_pairs_header(mr_conn *c, size_t n, int withvalues) {
    mr_add_array(c, withvalues && c->proto == 2 ? n * 2 : n);
}

/* count > 0: distinct fields, the whole hash (in its order) when count
 * reaches its size; count < 0: -count fields drawn with repetition (until
 * the client is dropped for its output limit). */
static void randfield_count(mr_conn *c, mr_hashval *h, long long count, int withvalues) {
    const char *f, *v;
    size_t fn, vn, size = mr_hash_len(h);
    if (count < 0) {
        size_t n = (size_t)(0ULL - (unsigned long long)count);
        add_pairs_header(c, n, withvalues);
        for (size_t i = 0; i < n && !mr_conn_closing(c); i++) {
            mr_hash_random(h, &c->srv->rng, &f, &fn, &v, &vn);
            add_pair(c, f, fn, v, vn, withvalues);
        }
        return;
    }
    if ((unsigned long long)count >= size) {
        add_pairs_header(c, size, withvalues);
        mr_hash_iter it;
        mr_hash_iter_init(&it, h);
        while (mr_hash_iter_next(&it, &f, &fn, &v, &vn)) add_pair(c, f, fn, v, vn, withvalues);
        mr_hash_iter_done(&it);
        return;
    }
    /* Fewer than the size: a partial Fisher-Yates shuffle of the
     * positions picks count distinct fields in a random order. */
    const char **fs = mr_xmalloc(size * sizeof *fs), **vs = mr_xmalloc(size * sizeof *vs);
    size_t *fl = mr_xmalloc(size * sizeof *fl), *vl = mr_xmalloc(size * sizeof *vl), i = 0;
    mr_hash_iter it;
    mr_hash_iter_init(&it, h);
    while (mr_hash_iter_next(&it, &fs[i], &fl[i], &vs[i], &vl[i])) i++;
    mr_hash_iter_done(&it);
    add_pairs_header(c, (size_t)count, withvalues);
    uint64_t *rng = &c->srv->rng;
    for (size_t k = 0; k < (size_t)count; k++) {
        mr_rng_step(rng);
        size_t j = k + (size_t)(*rng % (size - k));
        add_pair(c, fs[j], fl[j], vs[j], vl[j], withvalues);
        fs[j] = fs[k], fl[j] = fl[k], vs[j] = vs[k], vl[j] = vl[k];
    }
    free(fs);
    free(vs);
    free(fl);
    free(vl);
}

/* HRANDFIELD key [count [WITHVALUES]] */
void mr_cmd_hrandfield(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_hashval *h;
    if (argc < 3) {
        if (!get_hash(c, &argv[1], &h)) return;
        if (h == NULL) {
            mr_add_null(c);
            return;
        }
        const char *f, *v;
        size_t fn, vn;
        mr_hash_random(h, &c->srv->rng, &f, &fn, &v, &vn);
        mr_add_bulk(c, f, fn);
        return;
    }
    long long count;
    int withvalues;
    if (!mr_arg_rand_count(c, argc, argv, "withvalues", &count, &withvalues)) return;
    if (!get_hash(c, &argv[1], &h)) return;
    if (h == NULL || count == 0) {
        mr_add_array(c, 0);
        return;
    }
    randfield_count(c, h, count, withvalues);
}

/* ---- HSCAN ---- */

static size_t scan_pair(void *ud, const mr_dict_entry *e, resp_buf *body) {
    (void)ud;
    const mr_str *v = e->v.ptr;
    resp_write_bulk_string(body, e->key, e->klen);
    resp_write_bulk_string(body, v->data, v->len);
    return 2;
}

/* A listpack hash is returned whole in one call, with cursor 0, as Redis
 * does; a table is walked like the keyspace. */
void mr_cmd_hscan(mr_conn *c, size_t argc, const resp_span *argv) {
    uint64_t cursor;
    mr_hashval *h;
    mr_scan o;
    if (!mr_scan_cursor(c, &argv[2], &cursor) || !get_hash(c, &argv[1], &h)) return;
    if (h == NULL) {
        resp_buf none;
        resp_buf_init(&none, NULL);
        mr_scan_reply(c, 0, &none, 0);
        return;
    }
    if (!mr_scan_options(c, argc, argv, 3, 0, &o)) return;
    if (h->table != NULL) {
        mr_scan_dict(c, h->table, cursor, &o, scan_pair, NULL);
        return;
    }
    resp_buf body;
    resp_buf_init(&body, NULL);
    size_t items = 0;
    mr_hash_iter it;
    const char *f, *v;
    size_t fn, vn;
    mr_hash_iter_init(&it, h);
    while (mr_hash_iter_next(&it, &f, &fn, &v, &vn)) {
        if (!mr_scan_matches(&o, f, fn)) continue;
        resp_write_bulk_string(&body, f, fn);
        resp_write_bulk_string(&body, v, vn);
        items += 2;
    }
    mr_hash_iter_done(&it);
    mr_scan_reply(c, 0, &body, items);
    resp_buf_free(&body);
}
