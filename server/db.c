/* server/db.c - the keyspace: values, expiry (lazy and active), flush.
 * Every change to a key, its removal by expiry included, is reported to
 * WATCH (mr_watch_touch), as Redis's signalModifiedKey does. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* Deletes the key if its time has come.  Returns 1 if it was expired. */
static int expire_if_needed(mr_server *srv, mr_db *db, const char *key, size_t klen) {
    mr_dict_entry *e = mr_dict_find(db->expires, key, klen);
    if (e == NULL || e->v.s64 > srv->now_ms) return 0;
    mr_dict_delete(db->expires, key, klen);
    mr_dict_delete(db->keys, key, klen);
    srv->stats.expired_keys++;
    mr_watch_touch(srv, (int)(db - srv->dbs), key, klen);
    return 1;
}

mr_obj *mr_db_lookup(mr_server *srv, int db, const char *key, size_t klen) {
    mr_db *d = &srv->dbs[db];
    if (expire_if_needed(srv, d, key, klen)) return NULL;
    mr_dict_entry *e = mr_dict_find(d->keys, key, klen);
    return e != NULL ? e->v.ptr : NULL;
}

int mr_db_lookup_typed(mr_conn *c, const char *key, size_t klen, mr_type t, mr_obj **out) {
    mr_obj *o = mr_db_lookup(c->srv, c->db, key, klen);
    if (o != NULL && o->type != t) {
        mr_add_error(c, MR_ERR_WRONGTYPE);
        return 0;
    }
    *out = o;
    return 1;
}

mr_str *mr_db_get_string(mr_server *srv, int db, const char *key, size_t klen) {
    mr_obj *o = mr_db_lookup(srv, db, key, klen);
    return o != NULL && o->type == MR_TYPE_STRING ? (mr_str *)o : NULL;
}

void mr_db_set(mr_server *srv, int db, const char *key, size_t klen, mr_obj *val, int keep_ttl) {
    mr_db *d = &srv->dbs[db];
    int created;
    mr_dict_entry *e = mr_dict_upsert(d->keys, key, klen, &created);
    if (!created) mr_obj_free(e->v.ptr);
    e->v.ptr = val;
    if (!keep_ttl) mr_dict_delete(d->expires, key, klen);
    mr_watch_touch(srv, db, key, klen);
}

int mr_db_delete(mr_server *srv, int db, const char *key, size_t klen) {
    mr_db *d = &srv->dbs[db];
    if (expire_if_needed(srv, d, key, klen)) return 0;
    mr_dict_delete(d->expires, key, klen);
    if (!mr_dict_delete(d->keys, key, klen)) return 0;
    mr_watch_touch(srv, db, key, klen);
    return 1;
}

mr_str *mr_db_string_at_least(mr_server *srv, int db, const char *key, size_t klen, size_t len) {
    int created;
    mr_dict_entry *e = mr_dict_upsert(srv->dbs[db].keys, key, klen, &created);
    if (created) {
        mr_str *s = mr_str_alloc(len);
        memset(s->data, 0, len);
        e->v.ptr = s;
        return s;
    }
    mr_str *s = e->v.ptr;
    if (s->len < len) e->v.ptr = s = mr_str_grow(s, len);
    return s;
}

void mr_db_changed(mr_server *srv, int db, const char *key, size_t klen) {
    mr_watch_touch(srv, db, key, klen);
}

mr_obj *mr_db_unlink(mr_server *srv, int db, const char *key, size_t klen) {
    mr_db *d = &srv->dbs[db];
    if (expire_if_needed(srv, d, key, klen)) return NULL;
    void *val;
    if (!mr_dict_take(d->keys, key, klen, &val)) return NULL;
    mr_dict_delete(d->expires, key, klen);
    mr_watch_touch(srv, db, key, klen);
    return val;
}

int64_t mr_db_get_expire(mr_server *srv, int db, const char *key, size_t klen) {
    mr_dict_entry *e = mr_dict_find(srv->dbs[db].expires, key, klen);
    return e != NULL ? e->v.s64 : -1;
}

void mr_db_set_expire(mr_server *srv, int db, const char *key, size_t klen, int64_t when_ms) {
    int created;
    mr_dict_entry *e = mr_dict_upsert(srv->dbs[db].expires, key, klen, &created);
    e->v.s64 = when_ms;
    mr_watch_touch(srv, db, key, klen);
}

int mr_db_persist(mr_server *srv, int db, const char *key, size_t klen) {
    if (!mr_dict_delete(srv->dbs[db].expires, key, klen)) return 0;
    mr_watch_touch(srv, db, key, klen);
    return 1;
}

typedef struct flush_job {
    mr_server *srv;
    mr_dict *keys, *expires;
    size_t nkeys;
} flush_job;

static void flush_work(void *arg) {
    flush_job *job = arg;
    mr_dict_free(job->keys);
    mr_dict_free(job->expires);
}

static void flush_done(void *arg) {
    flush_job *job = arg;
    job->srv->lazyfree_pending -= job->nkeys;
    job->srv->lazyfreed += job->nkeys;
    free(job);
}

void mr_db_swap(mr_server *srv, int a, int b) {
    if (a == b) return;
    mr_watch_touch_swap(srv, a, b);
    mr_db *x = &srv->dbs[a], *y = &srv->dbs[b];
    mr_dict *keys = x->keys, *expires = x->expires;
    x->keys = y->keys, x->expires = y->expires;
    y->keys = keys, y->expires = expires;
}

void mr_db_flush(mr_server *srv, int db, int async) {
    mr_db *d = &srv->dbs[db];
    mr_watch_touch_db(srv, db);
    if (!async || srv->host.run_blocking == NULL) {
        mr_dict_clear(d->keys);
        mr_dict_clear(d->expires);
        return;
    }
    /* The old tables are freed on the thread pool: a huge keyspace must
     * not stall every other client. */
    flush_job *job = mr_xmalloc(sizeof *job);
    job->srv = srv;
    job->keys = d->keys;
    job->expires = d->expires;
    job->nkeys = mr_dict_size(d->keys);
    d->keys = mr_dict_create(mr_obj_free);
    d->expires = mr_dict_create(NULL);
    srv->lazyfree_pending += job->nkeys;
    srv->host.run_blocking(flush_work, flush_done, job, srv->host.ud);
}

/* Redis's cycle samples 20 keys with a TTL at a time and goes on while
 * more than a tenth of a sample had expired; a bounded number of rounds
 * per call keeps the cron short. */
#define EXPIRE_SAMPLE 20
#define EXPIRE_ROUNDS 16

void mr_db_active_expire(mr_server *srv) {
    for (int n = 0; n < srv->cfg.databases; n++) {
        int dbi = (srv->expire_db + n) % srv->cfg.databases;
        mr_db *d = &srv->dbs[dbi];
        for (int round = 0; round < EXPIRE_ROUNDS; round++) {
            size_t size = mr_dict_size(d->expires);
            if (size == 0) break;
            int sample = size < EXPIRE_SAMPLE ? (int)size : EXPIRE_SAMPLE, expired = 0;
            for (int i = 0; i < sample; i++) {
                mr_dict_entry *e = mr_dict_random(d->expires, &srv->rng);
                if (e == NULL || e->v.s64 > srv->now_ms) continue;
                /* The key is copied: deleting frees the entry. */
                char small[256];
                size_t klen = e->klen;
                char *key = klen < sizeof small ? small : mr_xmalloc(klen);
                memcpy(key, e->key, klen);
                expired += expire_if_needed(srv, d, key, klen);
                if (key != small) free(key);
            }
            if (expired * 10 <= sample) break;
        }
    }
    srv->expire_db = (srv->expire_db + 1) % srv->cfg.databases;
}
