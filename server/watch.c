/* server/watch.c - the keys WATCH keeps an eye on.  A watched key is
 * listed in the connection and in its database's `watched`.  db.c calls
 * mr_watch_touch after each write, deletion or expiry change of a key and
 * mr_watch_touch_db before a flush; a touched key marks its watchers
 * dirty, and their EXEC replies a null array.  A key already expired (yet
 * still stored) when it was watched counts as absent: its removal changes
 * nothing, anything else does.  A watched key that has expired by the
 * time of EXEC counts as changed.  This module reads the keyspace's
 * tables directly and calls nothing above it. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

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
    mr_dict_entry *e = mr_dict_find(srv->dbs[db].expires, key, klen);
    return e != NULL && e->v.s64 <= srv->now_ms;
}

static int same_key(const mr_watch *w, int db, const char *key, size_t klen) {
    return w->db == db && w->klen == klen && memcmp(w->key, key, klen) == 0;
}

void mr_watch_key(mr_conn *c, const char *key, size_t klen) {
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

void mr_unwatch_all(mr_conn *c) {
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
    mr_tracking_invalidate(srv, key, klen);
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

/* The keys watched in db `from`, which is about to hold what db `with`
 * holds: each one present in either changes, except that an expired key
 * replaced by nothing, or by another expired key, stays as it was, and an
 * absent key replaced by an expired one is absent still (marked expired). */
static void touch_swapped(mr_server *srv, int from, int with) {
    mr_db *d = &srv->dbs[from], *o = &srv->dbs[with];
    if (mr_dict_size(d->watched) == 0) return;
    mr_dict_iter it;
    mr_dict_iter_init(&it, d->watched);
    for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) {
        int here = mr_dict_find(d->keys, e->key, e->klen) != NULL;
        int there = mr_dict_find(o->keys, e->key, e->klen) != NULL;
        if (!here && !there) continue;
        int there_expired = there && logically_expired(srv, with, e->key, e->klen);
        mr_watchers *ws = e->v.ptr;
        for (size_t i = 0; i < ws->len; i++) {
            mr_watch *w = ws->items[i];
            if (w->expired && !there) {
                w->expired = 0;
                continue;
            }
            if (w->expired ? there_expired : !here && there_expired) {
                w->expired = 1;
                continue;
            }
            w->conn->txn.dirty_cas = 1;
        }
    }
    mr_dict_iter_done(&it);
}

void mr_watch_touch_swap(mr_server *srv, int a, int b) {
    touch_swapped(srv, a, b);
    touch_swapped(srv, b, a);
}

int mr_watched_key_expired(mr_conn *c) {
    for (size_t i = 0; i < c->txn.nwatches; i++) {
        const mr_watch *w = c->txn.watches[i];
        if (!w->expired && logically_expired(c->srv, w->db, w->key, w->klen)) return 1;
    }
    return 0;
}
