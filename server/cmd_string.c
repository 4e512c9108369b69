/* server/cmd_string.c - string commands, with Redis 7.0's option parsing,
 * limits and error texts. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "number.h"

#define KEY(i) argv[i].ptr, argv[i].len

/* ---- expiry options shared by SET, GETEX, SETEX, PSETEX ---- */

enum {
    OPT_NX = 1 << 0,
    OPT_XX = 1 << 1,
    OPT_GET = 1 << 2,
    OPT_KEEPTTL = 1 << 3,
    OPT_PERSIST = 1 << 4,
    OPT_EX = 1 << 5,
    OPT_PX = 1 << 6,
    OPT_EXAT = 1 << 7,
    OPT_PXAT = 1 << 8
};
#define OPT_ANY_EXPIRE (OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT)

/* The absolute expiry in ms for `arg` read with `flags` (EX, PX, EXAT or
 * PXAT).  Replies with the error and returns 0 when it is invalid. */
static int expire_ms(mr_conn *c, const resp_span *arg, int flags, const char *cmdname,
                     int64_t *out) {
    long long v;
    if (!mr_arg_ll(c, arg, &v)) return 0;
    int seconds = (flags & (OPT_EX | OPT_EXAT)) != 0;
    if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) goto invalid;
    if (seconds) v *= 1000;
    if (flags & (OPT_EX | OPT_PX)) {
        int64_t now = mr_server_clock_ms(c->srv);
        if (v > LLONG_MAX - now) goto invalid;
        v += now;
    }
    *out = v;
    return 1;
invalid:
    mr_add_errorf(c, "ERR invalid expire time in '%s' command", cmdname);
    return 0;
}

/* SET's and GETEX's options, with the combinations Redis refuses. */
static int parse_options(mr_conn *c, size_t argc, const resp_span *argv, size_t first, int is_set,
                         int *flags, const resp_span **expire) {
    *flags = 0;
    *expire = NULL;
    for (size_t j = first; j < argc; j++) {
        const resp_span *a = &argv[j];
        int more = j + 1 < argc;
        int f = *flags;
        if (is_set && mr_arg_is(a, "nx") && !(f & OPT_XX)) {
            *flags |= OPT_NX;
        } else if (is_set && mr_arg_is(a, "xx") && !(f & OPT_NX)) {
            *flags |= OPT_XX;
        } else if (is_set && mr_arg_is(a, "get")) {
            *flags |= OPT_GET;
        } else if (is_set && mr_arg_is(a, "keepttl") && !(f & (OPT_PERSIST | OPT_ANY_EXPIRE))) {
            *flags |= OPT_KEEPTTL;
        } else if (!is_set && mr_arg_is(a, "persist") && !(f & (OPT_ANY_EXPIRE | OPT_KEEPTTL))) {
            *flags |= OPT_PERSIST;
        } else if (mr_arg_is(a, "ex") && more &&
                   !(f & (OPT_KEEPTTL | OPT_PERSIST | OPT_EXAT | OPT_PX | OPT_PXAT))) {
            *flags |= OPT_EX;
            *expire = &argv[++j];
        } else if (mr_arg_is(a, "px") && more &&
                   !(f & (OPT_KEEPTTL | OPT_PERSIST | OPT_EX | OPT_EXAT | OPT_PXAT))) {
            *flags |= OPT_PX;
            *expire = &argv[++j];
        } else if (mr_arg_is(a, "exat") && more &&
                   !(f & (OPT_KEEPTTL | OPT_PERSIST | OPT_EX | OPT_PX | OPT_PXAT))) {
            *flags |= OPT_EXAT;
            *expire = &argv[++j];
        } else if (mr_arg_is(a, "pxat") && more &&
                   !(f & (OPT_KEEPTTL | OPT_PERSIST | OPT_EX | OPT_EXAT | OPT_PX))) {
            *flags |= OPT_PXAT;
            *expire = &argv[++j];
        } else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return 0;
        }
    }
    return 1;
}

/* Sets key to a copy of val with an optional absolute expiry ("set",
 * then "expire"). */
static void set_with_expire(mr_conn *c, const resp_span *key, const resp_span *val,
                            int keep_ttl, int64_t when) {
    mr_server *srv = c->srv;
    mr_db_set(srv, c->db, key->ptr, key->len, &mr_str_value(val->ptr, val->len)->hdr, keep_ttl);
    mr_notify(srv, MR_NOTIFY_STRING, "set", c->db, key->ptr, key->len);
    if (when == 0) return;
    mr_db_set_expire(srv, c->db, key->ptr, key->len, when);
    mr_notify(srv, MR_NOTIFY_GENERIC, "expire", c->db, key->ptr, key->len);
}

void mr_cmd_set(mr_conn *c, size_t argc, const resp_span *argv) {
    int flags;
    const resp_span *ex;
    int64_t when = 0;
    if (!parse_options(c, argc, argv, 3, 1, &flags, &ex)) return;
    if (ex != NULL && !expire_ms(c, ex, flags, "set", &when)) return;
    mr_obj *old = mr_db_lookup(c->srv, c->db, KEY(1));
    if (flags & OPT_GET) {
        if (old == NULL) mr_db_keymiss(c, KEY(1));
        if (old != NULL && old->type != MR_TYPE_STRING) {
            mr_add_error(c, MR_ERR_WRONGTYPE);
            return;
        }
        if (old != NULL) mr_add_bulk(c, ((mr_str *)old)->data, ((mr_str *)old)->len);
        else mr_add_null(c);
    }
    if (((flags & OPT_NX) && old != NULL) || ((flags & OPT_XX) && old == NULL)) {
        if (!(flags & OPT_GET)) mr_add_null(c);
        return;
    }
    set_with_expire(c, &argv[1], &argv[2], flags & OPT_KEEPTTL, when);
    if (!(flags & OPT_GET)) mr_add_ok(c);
    /* A time already past (EXAT, PXAT) expires the key once the reply is
     * written ("expired"), as Redis does. */
    if (when != 0 && when <= c->srv->now_ms) mr_db_peek(c->srv, c->db, KEY(1));
}

void mr_cmd_setnx(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    if (mr_db_lookup(c->srv, c->db, KEY(1)) != NULL) {
        mr_add_integer(c, 0);
        return;
    }
    set_with_expire(c, &argv[1], &argv[2], 0, 0);
    mr_add_integer(c, 1);
}

static void setex_generic(mr_conn *c, const resp_span *argv, int unit, const char *name) {
    int64_t when;
    if (!expire_ms(c, &argv[2], unit, name, &when)) return;
    set_with_expire(c, &argv[1], &argv[3], 0, when);
    mr_add_ok(c);
}

void mr_cmd_setex(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    setex_generic(c, argv, OPT_EX, "setex");
}

void mr_cmd_psetex(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    setex_generic(c, argv, OPT_PX, "psetex");
}

void mr_cmd_get(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    if (v == NULL) {
        c->srv->stats.keyspace_misses++;
        mr_add_null(c);
        return;
    }
    c->srv->stats.keyspace_hits++;
    mr_add_bulk(c, v->data, v->len);
}

void mr_cmd_getdel(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    if (v == NULL) mr_db_read_miss(c, KEY(1));
    if (v == NULL) {
        mr_add_null(c);
        return;
    }
    mr_add_bulk(c, v->data, v->len);
    mr_db_delete(c->srv, c->db, KEY(1));
    mr_notify(c->srv, MR_NOTIFY_GENERIC, "del", c->db, KEY(1));
}

/* GETSET replies the old value and stores the new one without a TTL. */
void mr_cmd_getset(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    if (v == NULL) mr_db_read_miss(c, KEY(1));
    if (v != NULL) mr_add_bulk(c, v->data, v->len);
    else mr_add_null(c);
    mr_str *n = mr_str_value(argv[2].ptr, argv[2].len);
    mr_db_set(c->srv, c->db, KEY(1), &n->hdr, 0);
    mr_notify(c->srv, MR_NOTIFY_STRING, "set", c->db, KEY(1));
}

void mr_cmd_getex(mr_conn *c, size_t argc, const resp_span *argv) {
    int flags;
    const resp_span *ex;
    int64_t when = 0;
    if (!parse_options(c, argc, argv, 2, 0, &flags, &ex)) return;
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    if (v == NULL) mr_db_read_miss(c, KEY(1));
    if (v == NULL) {
        /* Redis reads the time only once it has found the key. */
        mr_add_null(c);
        return;
    }
    if (ex != NULL && !expire_ms(c, ex, flags, "getex", &when)) return;
    mr_add_bulk(c, v->data, v->len);
    if (when != 0 && when <= mr_server_clock_ms(c->srv)) {
        mr_db_delete(c->srv, c->db, KEY(1));
        mr_notify(c->srv, MR_NOTIFY_GENERIC, "del", c->db, KEY(1));
    } else if (when != 0) {
        mr_db_set_expire(c->srv, c->db, KEY(1), when);
        mr_notify(c->srv, MR_NOTIFY_GENERIC, "expire", c->db, KEY(1));
    } else if ((flags & OPT_PERSIST) && mr_db_persist(c->srv, c->db, KEY(1))) {
        mr_notify(c->srv, MR_NOTIFY_GENERIC, "persist", c->db, KEY(1));
    }
}

void mr_cmd_mget(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_add_array(c, argc - 1);
    for (size_t i = 1; i < argc; i++) {
        mr_obj *o = mr_db_lookup(c->srv, c->db, KEY(i));
        if (o == NULL) mr_db_keymiss(c, KEY(i));
        const mr_str *v = o != NULL && o->type == MR_TYPE_STRING ? (const mr_str *)o : NULL;
        if (v != NULL) mr_add_bulk(c, v->data, v->len);
        else mr_add_null(c);
    }
}

static int mset_arity_ok(mr_conn *c, size_t argc, const char *name) {
    if (argc % 2 == 1) return 1;
    mr_add_errorf(c, MR_ERR_ARITY_FMT, name);
    return 0;
}

void mr_cmd_mset(mr_conn *c, size_t argc, const resp_span *argv) {
    if (!mset_arity_ok(c, argc, "mset")) return;
    for (size_t i = 1; i < argc; i += 2) set_with_expire(c, &argv[i], &argv[i + 1], 0, 0);
    mr_add_ok(c);
}

void mr_cmd_msetnx(mr_conn *c, size_t argc, const resp_span *argv) {
    if (!mset_arity_ok(c, argc, "msetnx")) return;
    for (size_t i = 1; i < argc; i += 2) {
        if (mr_db_lookup(c->srv, c->db, KEY(i)) != NULL) {
            mr_add_integer(c, 0);
            return;
        }
    }
    for (size_t i = 1; i < argc; i += 2) set_with_expire(c, &argv[i], &argv[i + 1], 0, 0);
    mr_add_integer(c, 1);
}

/* ---- counters ---- */

static void incr_by(mr_conn *c, const resp_span *key, long long by) {
    mr_str *v;
    if (!mr_db_lookup_string(c, key, &v)) return;
    long long cur = 0;
    if (v != NULL) {
        resp_span s = {v->data, v->len};
        if (!mr_arg_ll(c, &s, &cur)) return;
    }
    if ((by < 0 && cur < 0 && by < LLONG_MIN - cur) || (by > 0 && cur > 0 && by > LLONG_MAX - cur)) {
        mr_add_error(c, "ERR increment or decrement would overflow");
        return;
    }
    cur += by;
    mr_db_set(c->srv, c->db, key->ptr, key->len, &mr_str_from_ll(cur)->hdr, 1);
    mr_notify(c->srv, MR_NOTIFY_STRING, "incrby", c->db, key->ptr, key->len);
    mr_add_integer(c, cur);
}

void mr_cmd_incr(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    incr_by(c, &argv[1], 1);
}

void mr_cmd_decr(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    incr_by(c, &argv[1], -1);
}

void mr_cmd_incrby(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long long by;
    if (!mr_arg_ll(c, &argv[2], &by)) return;
    incr_by(c, &argv[1], by);
}

void mr_cmd_decrby(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long long by;
    if (!mr_arg_ll(c, &argv[2], &by)) return;
    if (by == LLONG_MIN) {
        mr_add_error(c, "ERR decrement would overflow");
        return;
    }
    incr_by(c, &argv[1], -by);
}

void mr_cmd_incrbyfloat(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long double incr, cur = 0;
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    if (v != NULL && !mr_parse_long_double(v->data, v->len, &cur)) {
        mr_add_error(c, MR_ERR_NOT_FLOAT);
        return;
    }
    if (!mr_parse_long_double(argv[2].ptr, argv[2].len, &incr)) {
        mr_add_error(c, MR_ERR_NOT_FLOAT);
        return;
    }
    cur += incr;
    if (isnan(cur) || isinf(cur)) {
        mr_add_error(c, "ERR increment would produce NaN or Infinity");
        return;
    }
    char buf[MR_LD_BUF];
    size_t n = mr_format_long_double(cur, buf, sizeof buf);
    if (n == 0) {
        mr_add_error(c, MR_ERR_NOT_FLOAT);
        return;
    }
    mr_db_set(c->srv, c->db, KEY(1), &mr_str_new(buf, n)->hdr, 1);
    mr_notify(c->srv, MR_NOTIFY_STRING, "incrbyfloat", c->db, KEY(1));
    mr_add_bulk(c, buf, n);
}

/* ---- ranges and appends ---- */

/* Redis's checkStringLength: the result may not pass proto-max-bulk-len. */
static int length_ok(mr_conn *c, long long size, long long append) {
    if (append > LLONG_MAX - size || size + append > c->srv->cfg.proto_max_bulk_len) {
        mr_add_error(c, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return 0;
    }
    return 1;
}

void mr_cmd_append(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    if (v == NULL) {
        /* A new key holds the argument as SET would store it. */
        mr_db_set(c->srv, c->db, KEY(1), &mr_str_value(argv[2].ptr, argv[2].len)->hdr, 1);
        mr_notify(c->srv, MR_NOTIFY_STRING, "append", c->db, KEY(1));
        mr_add_integer(c, (long long)argv[2].len);
        return;
    }
    size_t old = v->len;
    if (!length_ok(c, (long long)old, (long long)argv[2].len)) return;
    /* Lengthened in place, so that appending in a loop is not quadratic. */
    v = mr_db_string_at_least(c->srv, c->db, KEY(1), old + argv[2].len);
    if (argv[2].len != 0) memcpy(v->data + old, argv[2].ptr, argv[2].len);
    mr_db_changed(c->srv, c->db, KEY(1));
    mr_notify(c->srv, MR_NOTIFY_STRING, "append", c->db, KEY(1));
    mr_add_integer(c, (long long)v->len);
}

void mr_cmd_strlen(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    mr_add_integer(c, v != NULL ? (long long)v->len : 0);
}

void mr_cmd_getrange(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long long start, end;
    if (!mr_arg_ll(c, &argv[2], &start) || !mr_arg_ll(c, &argv[3], &end)) return;
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    long long len = v != NULL ? (long long)v->len : 0;
    if (v == NULL || (start < 0 && end < 0 && start > end)) {
        mr_add_bulk(c, "", 0);
        return;
    }
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len == 0) {
        mr_add_bulk(c, "", 0);
        return;
    }
    mr_add_bulk(c, v->data + start, (size_t)(end - start + 1));
}

void mr_cmd_setrange(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    long long offset;
    if (!mr_arg_ll(c, &argv[2], &offset)) return;
    if (offset < 0) {
        mr_add_error(c, "ERR offset is out of range");
        return;
    }
    mr_str *v;
    if (!mr_db_lookup_string(c, &argv[1], &v)) return;
    size_t old = v != NULL ? v->len : 0;
    if (argv[3].len == 0) {
        mr_add_integer(c, (long long)old);
        return;
    }
    if (!length_ok(c, offset, (long long)argv[3].len)) return;
    size_t need = (size_t)offset + argv[3].len;
    size_t len = need > old ? need : old;
    mr_str *n = mr_str_alloc(len);
    memset(n->data, 0, len);
    if (old != 0) memcpy(n->data, v->data, old);
    memcpy(n->data + offset, argv[3].ptr, argv[3].len);
    if (v != NULL) mr_str_take_room(n, v);
    mr_db_set(c->srv, c->db, KEY(1), &n->hdr, 1);
    mr_notify(c->srv, MR_NOTIFY_STRING, "setrange", c->db, KEY(1));
    mr_add_integer(c, (long long)len);
}

/* SET reads its key only with GET (looked for from the third argument
 * on): otherwise it overwrites it. */
const char *mr_set_key_flags(size_t argc, const resp_span *argv) {
    for (size_t i = 3; i < argc; i++)
        if (mr_arg_is(&argv[i], "get")) return "RW access update";
    return "OW update";
}
