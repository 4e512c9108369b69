/* server/cmd_multi.c - transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 *
 * Between MULTI and EXEC a command goes through the usual checks
 * (commands.c), then is queued with a copy of its arguments and answered
 * +QUEUED.  A refused command (unknown, wrong arity, ...) marks the
 * transaction, and EXEC then aborts with EXECABORT.  Once a transaction
 * is bound to fail nothing more is kept, as in Redis: CLIENT LIST's multi=
 * stops counting.  EXEC replies with an array header for the queued count
 * and lets each command write its own reply after it, so a command that
 * writes several (SUBSCRIBE a b in RESP2) makes the array look short, as
 * in Redis 7.0.
 *
 * WATCH: a watched key is listed in the connection and in its database's
 * `watched`.  db.c calls mr_watch_touch after each write, deletion or
 * expiry change of a key and mr_watch_touch_db before a flush; a touched
 * key marks its watchers dirty, and their EXEC replies a null array.  A
 * key already expired (yet still stored) when it was watched counts as
 * absent: its removal changes nothing, anything else does.  A watched key
 * that has expired by the time of EXEC counts as changed. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"

/* ---- queue ---- */

static void queue_free(mr_txn *t) {
    for (size_t i = 0; i < t->count; i++) free(t->queue[i]);
    free(t->queue);
    t->queue = NULL;
    t->count = t->cap = 0;
    t->mem = 0;
}

void mr_multi_flag(mr_conn *c) {
    if (c->txn.active) c->txn.dirty_exec = 1;
}

void mr_multi_queue(mr_conn *c, const mr_command *cmd, size_t argc, const resp_span *argv) {
    mr_txn *t = &c->txn;
    if (t->dirty_exec || t->dirty_cas) return;
    size_t bytes = 0;
    for (size_t i = 0; i < argc; i++) bytes += argv[i].len;
    /* One allocation: the entry, its spans, then the argument bytes. */
    mr_queued *q = mr_xmalloc(sizeof *q + argc * sizeof(resp_span) + bytes);
    resp_span *spans = (resp_span *)(q + 1);
    char *data = (char *)(spans + argc);
    for (size_t i = 0; i < argc; i++) {
        if (argv[i].len != 0) memcpy(data, argv[i].ptr, argv[i].len);
        spans[i].ptr = data;
        spans[i].len = argv[i].len;
        data += argv[i].len;
    }
    q->cmd = cmd;
    q->argc = argc;
    q->argv = spans;
    if (t->count == t->cap) {
        t->cap = t->cap != 0 ? t->cap * 2 : 8;
        t->queue = mr_xrealloc(t->queue, t->cap * sizeof *t->queue);
    }
    t->queue[t->count++] = q;
    /* Redis counts each argument's bytes and one object pointer. */
    t->mem += bytes + argc * sizeof(void *);
}

/* ---- watched keys ---- */

void mr_watchers_free(void *p) {
    mr_watchers *ws = p;
    free(ws->items);
    free(ws);
}

static void watchers_add(mr_watchers *ws, mr_watch *w) {
    if (ws->len == ws->cap) {
        ws->cap = ws->cap != 0 ? ws->cap * 2 : 4;
        ws->items = mr_xrealloc(ws->items, ws->cap * sizeof *ws->items);
    }
    ws->items[ws->len++] = w;
}

/* Returns the number of watchers left. */
static size_t watchers_remove(mr_watchers *ws, const mr_watch *w) {
    for (size_t i = 0; i < ws->len; i++) {
        if (ws->items[i] == w) {
            ws->items[i] = ws->items[--ws->len];
            break;
        }
    }
    return ws->len;
}

/* Still stored, but its time has passed (lazy expiry has not run). */
static int logically_expired(mr_server *srv, int db, const char *key, size_t klen) {
    int64_t when = mr_db_get_expire(srv, db, key, klen);
    return when != -1 && when <= srv->now_ms;
}

static int same_key(const mr_watch *w, int db, const char *key, size_t klen) {
    return w->db == db && w->klen == klen && memcmp(w->key, key, klen) == 0;
}

static void watch_key(mr_conn *c, const char *key, size_t klen) {
    mr_txn *t = &c->txn;
    for (size_t i = 0; i < t->nwatches; i++)
        if (same_key(t->watches[i], c->db, key, klen)) return;
    mr_watch *w = mr_xmalloc(sizeof *w + klen);
    w->conn = c;
    w->db = c->db;
    w->expired = logically_expired(c->srv, c->db, key, klen);
    w->klen = klen;
    if (klen != 0) memcpy(w->key, key, klen);
    if (t->nwatches == t->watches_cap) {
        t->watches_cap = t->watches_cap != 0 ? t->watches_cap * 2 : 4;
        t->watches = mr_xrealloc(t->watches, t->watches_cap * sizeof *t->watches);
    }
    t->watches[t->nwatches++] = w;
    int created;
    mr_dict_entry *e = mr_dict_upsert(c->srv->dbs[c->db].watched, key, klen, &created);
    if (created) {
        e->v.ptr = mr_xmalloc(sizeof(mr_watchers));
        memset(e->v.ptr, 0, sizeof(mr_watchers));
    }
    watchers_add(e->v.ptr, w);
}

static void unwatch_all(mr_conn *c) {
    mr_txn *t = &c->txn;
    for (size_t i = 0; i < t->nwatches; i++) {
        mr_watch *w = t->watches[i];
        mr_dict *d = c->srv->dbs[w->db].watched;
        mr_dict_entry *e = mr_dict_find(d, w->key, w->klen);
        if (e != NULL && watchers_remove(e->v.ptr, w) == 0) mr_dict_delete(d, w->key, w->klen);
        free(w);
    }
    free(t->watches);
    t->watches = NULL;
    t->nwatches = t->watches_cap = 0;
}

/* A watched key changed; `present` tells whether it is stored now. */
static void watch_changed(mr_watch *w, int present) {
    if (w->expired) {
        /* An expired key going away is no change, and it is absent now. */
        if (!present) {
            w->expired = 0;
            return;
        }
    }
    w->conn->txn.dirty_cas = 1;
}

void mr_watch_touch(mr_server *srv, int db, const char *key, size_t klen) {
    mr_db *d = &srv->dbs[db];
    if (mr_dict_size(d->watched) == 0) return;
    mr_dict_entry *e = mr_dict_find(d->watched, key, klen);
    if (e == NULL) return;
    int present = mr_dict_find(d->keys, key, klen) != NULL;
    mr_watchers *ws = e->v.ptr;
    for (size_t i = 0; i < ws->len; i++) watch_changed(ws->items[i], present);
}

void mr_watch_touch_db(mr_server *srv, int db) {
    mr_db *d = &srv->dbs[db];
    if (mr_dict_size(d->watched) == 0) return;
    mr_dict_iter it;
    mr_dict_iter_init(&it, d->watched);
    for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) {
        /* Only keys the flush removes change. */
        if (mr_dict_find(d->keys, e->key, e->klen) == NULL) continue;
        mr_watchers *ws = e->v.ptr;
        for (size_t i = 0; i < ws->len; i++) watch_changed(ws->items[i], 0);
    }
    mr_dict_iter_done(&it);
}

static int watched_key_expired(mr_conn *c) {
    for (size_t i = 0; i < c->txn.nwatches; i++) {
        const mr_watch *w = c->txn.watches[i];
        if (!w->expired && logically_expired(c->srv, w->db, w->key, w->klen)) return 1;
    }
    return 0;
}

/* ---- ending a transaction ---- */

void mr_multi_discard(mr_conn *c) {
    mr_txn *t = &c->txn;
    queue_free(t);
    t->active = t->dirty_exec = t->dirty_cas = 0;
    unwatch_all(c);
}

void mr_multi_abort(mr_conn *c, const char *reason) {
    if (strncmp(reason, "ERR ", 4) == 0) reason += 4;
    mr_multi_discard(c);
    mr_add_errorf(c, "EXECABORT Transaction discarded because of: %s", reason);
}

/* ---- commands ---- */

void mr_cmd_multi(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    if (c->txn.active) {
        mr_add_error(c, "ERR MULTI calls can not be nested");
        return;
    }
    c->txn.active = 1;
    mr_add_ok(c);
}

/* The queued commands run as they are, without the checks they passed
 * when queued.  The transaction stays open while they run (CLIENT INFO
 * inside EXEC shows flags=x and the queued count), but the keys are
 * unwatched first, so the transaction's own writes change nothing. */
void mr_cmd_exec(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_txn *t = &c->txn;
    if (!t->active) {
        mr_add_error(c, "ERR EXEC without MULTI");
        return;
    }
    if (watched_key_expired(c)) t->dirty_cas = 1;
    if (t->dirty_exec || t->dirty_cas) {
        if (t->dirty_exec)
            mr_add_error(c, "EXECABORT Transaction discarded because of previous errors.");
        else
            mr_add_null_array(c);
        mr_multi_discard(c);
        return;
    }
    unwatch_all(c);
    mr_add_array(c, t->count);
    for (size_t i = 0; i < t->count; i++) {
        const mr_queued *q = t->queue[i];
        c->srv->stats.commands_processed++;
        if (strcmp(q->cmd->name, "client|reply") == 0) c->replies_unframed = 1;
        q->cmd->proc(c, q->argc, q->argv);
    }
    mr_multi_discard(c);
}

void mr_cmd_discard(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    if (!c->txn.active) {
        mr_add_error(c, "ERR DISCARD without MULTI");
        return;
    }
    mr_multi_discard(c);
    mr_add_ok(c);
}

/* Watching more changes nothing once a watched key has changed. */
void mr_cmd_watch(mr_conn *c, size_t argc, const resp_span *argv) {
    if (c->txn.active) {
        mr_add_error(c, "ERR WATCH inside MULTI is not allowed");
        return;
    }
    if (!c->txn.dirty_cas)
        for (size_t i = 1; i < argc; i++) watch_key(c, argv[i].ptr, argv[i].len);
    mr_add_ok(c);
}

void mr_cmd_unwatch(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    unwatch_all(c);
    c->txn.dirty_cas = 0;
    mr_add_ok(c);
}
