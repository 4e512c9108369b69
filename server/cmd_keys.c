/* server/cmd_keys.c - generic key commands and database commands. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "glob.h"
#include "scan.h"

#define KEY(i) argv[i].ptr, argv[i].len

void mr_cmd_del(mr_conn *c, size_t argc, const resp_span *argv) {
    long long n = 0;
    for (size_t i = 1; i < argc; i++) {
        if (!mr_db_delete(c->srv, c->db, KEY(i))) continue;
        mr_notify(c->srv, MR_NOTIFY_GENERIC, "del", c->db, KEY(i));
        n++;
    }
    mr_add_integer(c, n);
}

/* UNLINK frees large values on the thread pool, off the loop. */
void mr_cmd_unlink(mr_conn *c, size_t argc, const resp_span *argv) {
    long long n = 0;
    for (size_t i = 1; i < argc; i++) {
        if (!mr_db_delete_lazy(c->srv, c->db, KEY(i))) continue;
        mr_notify(c->srv, MR_NOTIFY_GENERIC, "del", c->db, KEY(i));
        n++;
    }
    mr_add_integer(c, n);
}

void mr_cmd_exists(mr_conn *c, size_t argc, const resp_span *argv) {
    long long n = 0;
    for (size_t i = 1; i < argc; i++) {
        if (mr_db_peek(c->srv, c->db, KEY(i)) != NULL) n++;
        else mr_db_keymiss(c, KEY(i));
    }
    mr_add_integer(c, n);
}

/* TOUCH counts as EXISTS does, and marks the keys used. */
void mr_cmd_touch(mr_conn *c, size_t argc, const resp_span *argv) {
    long long n = 0;
    for (size_t i = 1; i < argc; i++) {
        if (mr_db_lookup(c->srv, c->db, KEY(i)) != NULL) n++;
        else mr_db_keymiss(c, KEY(i));
    }
    mr_add_integer(c, n);
}

void mr_cmd_type(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_obj *o = mr_db_peek(c->srv, c->db, KEY(1));
    if (o == NULL) mr_db_keymiss(c, KEY(1));
    mr_add_status(c, o != NULL ? mr_type_name((mr_type)o->type) : "none");
}

/* ---- expiry ---- */

enum { EX_NX = 1, EX_XX = 2, EX_GT = 4, EX_LT = 8 };

/* EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: options are checked first, then
 * the time, as Redis 7.0 does. */
static void expire_generic(mr_conn *c, size_t argc, const resp_span *argv, int seconds,
                           int relative, const char *name) {
    int flags = 0;
    for (size_t j = 3; j < argc; j++) {
        if (mr_arg_is(&argv[j], "nx")) flags |= EX_NX;
        else if (mr_arg_is(&argv[j], "xx")) flags |= EX_XX;
        else if (mr_arg_is(&argv[j], "gt")) flags |= EX_GT;
        else if (mr_arg_is(&argv[j], "lt")) flags |= EX_LT;
        else {
            size_t n = argv[j].len;
            const char *nul = memchr(argv[j].ptr, '\0', n);
            if (nul != NULL) n = (size_t)(nul - argv[j].ptr);
            mr_add_errorf(c, "ERR Unsupported option %.*s", (int)n, argv[j].ptr);
            return;
        }
    }
    if ((flags & EX_NX) && (flags & (EX_XX | EX_GT | EX_LT))) {
        mr_add_error(c, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return;
    }
    if ((flags & EX_GT) && (flags & EX_LT)) {
        mr_add_error(c, "ERR GT and LT options at the same time are not compatible");
        return;
    }
    long long when;
    if (!mr_arg_ll(c, &argv[2], &when)) return;
    long long base = relative ? mr_server_clock_ms(c->srv) : 0;
    if (seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) goto invalid;
        when *= 1000;
    }
    if (when > LLONG_MAX - base) goto invalid;
    when += base;

    if (mr_db_lookup(c->srv, c->db, KEY(1)) == NULL) {
        mr_add_integer(c, 0);
        return;
    }
    int64_t current = mr_db_get_expire(c->srv, c->db, KEY(1));
    /* No TTL counts as an infinite one: GT never beats it, LT always does. */
    if (((flags & EX_NX) && current != -1) || ((flags & EX_XX) && current == -1) ||
        ((flags & EX_GT) && (current == -1 || when <= current)) ||
        ((flags & EX_LT) && current != -1 && when >= current)) {
        mr_add_integer(c, 0);
        return;
    }
    /* Redis tells a deletion before its reply, a new expiry after it. */
    if (when <= mr_server_clock_ms(c->srv)) {
        mr_db_delete(c->srv, c->db, KEY(1));
        mr_notify(c->srv, MR_NOTIFY_GENERIC, "del", c->db, KEY(1));
        mr_add_integer(c, 1);
    } else {
        mr_db_set_expire(c->srv, c->db, KEY(1), when);
        mr_add_integer(c, 1);
        mr_notify(c->srv, MR_NOTIFY_GENERIC, "expire", c->db, KEY(1));
    }
    return;
invalid:
    mr_add_errorf(c, "ERR invalid expire time in '%s' command", name);
}

void mr_cmd_expire(mr_conn *c, size_t argc, const resp_span *argv) {
    expire_generic(c, argc, argv, 1, 1, "expire");
}

void mr_cmd_pexpire(mr_conn *c, size_t argc, const resp_span *argv) {
    expire_generic(c, argc, argv, 0, 1, "pexpire");
}

void mr_cmd_expireat(mr_conn *c, size_t argc, const resp_span *argv) {
    expire_generic(c, argc, argv, 1, 0, "expireat");
}

void mr_cmd_pexpireat(mr_conn *c, size_t argc, const resp_span *argv) {
    expire_generic(c, argc, argv, 0, 0, "pexpireat");
}

enum { TTL_MS = 1, TTL_ABSOLUTE = 2 };

/* TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for a missing key, -1 for one
 * without expiry, else the time left (or the expiry moment with
 * TTL_ABSOLUTE) in ms, or in seconds rounded to the nearest, as Redis
 * rounds both. */
static void ttl_generic(mr_conn *c, const resp_span *argv, int how) {
    if (mr_db_peek(c->srv, c->db, KEY(1)) == NULL) {
        mr_db_keymiss(c, KEY(1));
        mr_add_integer(c, -2);
        return;
    }
    int64_t when = mr_db_get_expire(c->srv, c->db, KEY(1));
    if (when == -1) {
        mr_add_integer(c, -1);
        return;
    }
    int64_t t = (how & TTL_ABSOLUTE) ? when : when - mr_server_clock_ms(c->srv);
    if (t < 0) t = 0;
    /* Rounded in unsigned arithmetic, as Redis does: a time near 2^63 ms
     * must not overflow. */
    mr_add_integer(c, (how & TTL_MS) ? t : (int64_t)(((uint64_t)t + 500) / 1000));
}

void mr_cmd_ttl(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    ttl_generic(c, argv, 0);
}

void mr_cmd_pttl(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    ttl_generic(c, argv, TTL_MS);
}

void mr_cmd_expiretime(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    ttl_generic(c, argv, TTL_ABSOLUTE);
}

void mr_cmd_pexpiretime(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    ttl_generic(c, argv, TTL_MS | TTL_ABSOLUTE);
}

void mr_cmd_persist(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    if (mr_db_lookup(c->srv, c->db, KEY(1)) == NULL) {
        mr_add_integer(c, 0);
        return;
    }
    int removed = mr_db_persist(c->srv, c->db, KEY(1));
    if (removed) mr_notify(c->srv, MR_NOTIFY_GENERIC, "persist", c->db, KEY(1));
    mr_add_integer(c, removed);
}

/* ---- listing ---- */

static int logically_expired(mr_server *srv, int db, const mr_dict_entry *e) {
    int64_t when = mr_db_get_expire(srv, db, e->key, e->klen);
    return when != -1 && when <= srv->now_ms;
}

static int key_is_live(mr_conn *c, const mr_dict_entry *e) {
    return !logically_expired(c->srv, c->db, e);
}

void mr_cmd_keys(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    /* Redis skips matching for a bare "*", which alone also lists the
     * empty key name. */
    int all = argv[1].len == 1 && argv[1].ptr[0] == '*';
    mr_add_matching_names(c, c->srv->dbs[c->db].keys, all ? NULL : &argv[1], key_is_live);
}

typedef struct scan_state {
    mr_conn *c;
    const resp_span *type; /* SCAN's TYPE filter, NULL for none */
} scan_state;

static size_t scan_one(void *ud, const mr_dict_entry *e, resp_buf *body) {
    scan_state *s = ud;
    if (logically_expired(s->c->srv, s->c->db, e)) return 0;
    /* Redis compares the type's name, ignoring case: an unknown name
     * matches nothing. */
    if (s->type != NULL && !mr_arg_is(s->type, mr_type_name((mr_type)((mr_obj *)e->v.ptr)->type)))
        return 0;
    resp_write_bulk_string(body, e->key, e->klen);
    return 1;
}

void mr_cmd_scan(mr_conn *c, size_t argc, const resp_span *argv) {
    uint64_t cursor;
    mr_scan o;
    if (!mr_scan_cursor(c, &argv[1], &cursor) || !mr_scan_options(c, argc, argv, 2, 1, &o))
        return;
    scan_state s = {.c = c, .type = o.type};
    mr_scan_dict(c, c->srv->dbs[c->db].keys, cursor, &o, scan_one, &s);
}

void mr_cmd_randomkey(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_server *srv = c->srv;
    mr_dict *keys = srv->dbs[c->db].keys;
    /* Expired keys met on the way are deleted; give up after many tries
     * when every key has expired. */
    for (int tries = 0; tries < 100 && mr_dict_size(keys) > 0; tries++) {
        mr_dict_entry *e = mr_dict_random(keys, &srv->rng);
        if (!logically_expired(srv, c->db, e)) {
            mr_add_bulk(c, e->key, e->klen);
            return;
        }
        char *k = mr_xstrndup(e->key, e->klen);
        size_t klen = e->klen;
        mr_db_lookup(srv, c->db, k, klen);
        free(k);
    }
    mr_add_null(c);
}

static void rename_generic(mr_conn *c, const resp_span *argv, int nx) {
    mr_server *srv = c->srv;
    if (mr_db_lookup(srv, c->db, KEY(1)) == NULL) {
        mr_add_error(c, MR_ERR_NO_KEY);
        return;
    }
    if (argv[1].len == argv[2].len && memcmp(argv[1].ptr, argv[2].ptr, argv[1].len) == 0) {
        if (nx) mr_add_integer(c, 0);
        else mr_add_ok(c);
        return;
    }
    if (nx && mr_db_lookup(srv, c->db, KEY(2)) != NULL) {
        mr_add_integer(c, 0);
        return;
    }
    int64_t when = mr_db_get_expire(srv, c->db, KEY(1));
    mr_obj *v = mr_db_unlink(srv, c->db, KEY(1));
    /* Deleted and added anew, as Redis does: waiters on the key are served. */
    mr_db_delete(srv, c->db, KEY(2));
    mr_db_set(srv, c->db, KEY(2), v, 0);
    if (when != -1) mr_db_set_expire(srv, c->db, KEY(2), when);
    mr_notify(srv, MR_NOTIFY_GENERIC, "rename_from", c->db, KEY(1));
    mr_notify(srv, MR_NOTIFY_GENERIC, "rename_to", c->db, KEY(2));
    if (nx) mr_add_integer(c, 1);
    else mr_add_ok(c);
}

void mr_cmd_rename(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    rename_generic(c, argv, 0);
}

void mr_cmd_renamenx(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    rename_generic(c, argv, 1);
}

void mr_cmd_dbsize(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_add_integer(c, (long long)mr_dict_size(c->srv->dbs[c->db].keys));
}

/* FLUSHDB and FLUSHALL take one optional word: ASYNC or SYNC. */
static int flush_async(mr_conn *c, size_t argc, const resp_span *argv, int *async) {
    *async = 0;
    if (argc > 2) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return 0;
    }
    if (argc == 2) {
        if (mr_arg_is(&argv[1], "async")) *async = 1;
        else if (!mr_arg_is(&argv[1], "sync")) {
            mr_add_error(c, MR_ERR_SYNTAX);
            return 0;
        }
    }
    return 1;
}

void mr_cmd_flushdb(mr_conn *c, size_t argc, const resp_span *argv) {
    int async;
    if (!flush_async(c, argc, argv, &async)) return;
    mr_db_flush(c->srv, c->db, async);
    mr_tracking_flush_all(c->srv);
    mr_add_ok(c);
}

void mr_cmd_flushall(mr_conn *c, size_t argc, const resp_span *argv) {
    int async;
    if (!flush_async(c, argc, argv, &async)) return;
    for (int i = 0; i < c->srv->cfg.databases; i++) mr_db_flush(c->srv, i, async);
    mr_tracking_flush_all(c->srv);
    mr_add_ok(c);
}

/* ---- OBJECT ---- */

/* The key's value without marking it used, or NULL after replying a
 * null for a missing key. */
static mr_obj *object_target(mr_conn *c, const resp_span *key) {
    mr_obj *o = mr_db_peek(c->srv, c->db, key->ptr, key->len);
    if (o == NULL) mr_add_null(c);
    return o;
}

void mr_cmd_object_encoding(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_obj *o = object_target(c, &argv[2]);
    if (o != NULL) mr_add_bulk_cstr(c, mr_encoding_name(o));
}

/* Redis's OBJ_SHARED_REFCOUNT for its shared integers; 1 for the rest. */
void mr_cmd_object_refcount(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_obj *o = object_target(c, &argv[2]);
    if (o != NULL) mr_add_integer(c, o->shared ? 2147483647 : 1);
}

/* Seconds since the key was last used, from the 24-bit LRU clock (which
 * wraps every 194 days). */
void mr_cmd_object_idletime(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_obj *o = object_target(c, &argv[2]);
    if (o == NULL) return;
    if (mr_policy_lfu(c->srv)) {
        mr_add_error(c, "ERR An LFU maxmemory policy is selected, idle time not tracked. Please "
                        "note that when switching between policies at runtime LRU and LFU data "
                        "will take some time to adjust.");
        return;
    }
    uint32_t now = mr_lru_clock(c->srv), lru = mr_obj_lru(c->srv, o);
    uint32_t idle = now >= lru ? now - lru : now + (MR_LRU_CLOCK_MAX - lru);
    mr_add_integer(c, idle);
}

/* Access frequencies are kept only under an LFU maxmemory-policy. */
void mr_cmd_object_freq(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_obj *o = object_target(c, &argv[2]);
    if (o == NULL) return;
    if (!mr_policy_lfu(c->srv)) {
        mr_add_error(c, "ERR An LFU maxmemory policy is not selected, access frequency not "
                        "tracked. Please note that when switching between policies at runtime "
                        "LRU and LFU data will take some time to adjust.");
        return;
    }
    mr_add_integer(c, mr_lfu_counter(c->srv, mr_obj_lru(c->srv, o)));
}
