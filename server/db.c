/* server/db.c - the keyspace: values, expiry (lazy and active), flush.
 * Every change to a key, its removal by expiry included, is reported to
 * WATCH (mr_watch_touch), as Redis's signalModifiedKey does. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* Deletes the key if its time has come.  Returns 1 if it was expired.
 * While clients are paused an expired key reads as missing but stays
 * (nothing is deleted until the pause ends, as in Redis). */
static int expire_if_needed(mr_server *srv, mr_db *db, const char *key, size_t klen) {
    mr_dict_entry *e = mr_dict_find(db->expires, key, klen);
    if (e == NULL || e->v.s64 > srv->now_ms) return 0;
    if (mr_paused(srv)) return 1;
    mr_dict_delete(db->expires, key, klen);
    mr_dict_delete(db->keys, key, klen);
    srv->stats.expired_keys++;
    mr_watch_touch(srv, (int)(db - srv->dbs), key, klen);
    mr_notify(srv, MR_NOTIFY_EXPIRED, "expired", (int)(db - srv->dbs), key, klen);
    return 1;
}

uint32_t mr_lru_clock(const mr_server *srv) {
    return (uint32_t)((srv->now_ms / 1000) & MR_LRU_CLOCK_MAX);
}

/* A shared integer's value: its index in srv->shared_lru. */
static size_t shared_index(const mr_obj *o) {
    const mr_str *s = (const mr_str *)o;
    size_t v = 0;
    for (size_t i = 0; i < s->len; i++) v = v * 10 + (size_t)(s->data[i] - '0');
    return v;
}

uint32_t mr_obj_lru(const mr_server *srv, const mr_obj *o) {
    return o->shared ? srv->shared_lru[shared_index(o)] : o->lru;
}

/* ---- LFU, as Redis keeps it in the same 24 bits: the minute of the last
 * decrement in the high 16, a logarithmic counter in the low 8 ---- */

#define LFU_INIT_VAL 5
#define LFU_LOG_FACTOR 10 /* lfu-log-factor */
#define LFU_DECAY_TIME 1  /* lfu-decay-time, minutes */

int mr_policy_lfu(const mr_server *srv) {
    return srv->cfg.maxmemory_policy == MR_POLICY_ALLKEYS_LFU ||
           srv->cfg.maxmemory_policy == MR_POLICY_VOLATILE_LFU;
}

static uint32_t lfu_minutes(const mr_server *srv) {
    return (uint32_t)((srv->now_ms / 60000) & 65535);
}

unsigned mr_lfu_counter(const mr_server *srv, uint32_t stamp) {
    uint32_t ldt = stamp >> 8, now = lfu_minutes(srv);
    unsigned counter = stamp & 255;
    uint32_t elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
    uint32_t periods = elapsed / LFU_DECAY_TIME;
    return periods >= counter ? 0 : counter - periods;
}

/* One more access: the counter grows with probability 1 / ((c - 5) * 10 + 1). */
static uint32_t lfu_touched(mr_server *srv, uint32_t stamp) {
    unsigned counter = mr_lfu_counter(srv, stamp);
    if (counter < 255) {
        double base = counter > LFU_INIT_VAL ? (double)(counter - LFU_INIT_VAL) : 0.0;
        mr_rng_step(&srv->rng);
        double r = (double)(srv->rng >> 11) / 9007199254740992.0; /* [0, 1) */
        if (r < 1.0 / (base * LFU_LOG_FACTOR + 1)) counter++;
    }
    return lfu_minutes(srv) << 8 | counter;
}

/* A new value's stamp: the LRU clock, or under LFU a fresh counter. */
static uint32_t new_stamp(const mr_server *srv) {
    return mr_policy_lfu(srv) ? lfu_minutes(srv) << 8 | LFU_INIT_VAL : mr_lru_clock(srv);
}

static void touch_lru(mr_server *srv, mr_obj *o) {
    uint32_t *stamp = o->shared ? &srv->shared_lru[shared_index(o)] : &o->lru;
    *stamp = mr_policy_lfu(srv) ? lfu_touched(srv, *stamp) : mr_lru_clock(srv);
}

mr_obj *mr_db_peek(mr_server *srv, int db, const char *key, size_t klen) {
    mr_db *d = &srv->dbs[db];
    if (expire_if_needed(srv, d, key, klen)) return NULL;
    mr_dict_entry *e = mr_dict_find(d->keys, key, klen);
    return e != NULL ? e->v.ptr : NULL;
}

mr_obj *mr_db_lookup(mr_server *srv, int db, const char *key, size_t klen) {
    mr_obj *o = mr_db_peek(srv, db, key, klen);
    if (o != NULL) touch_lru(srv, o);
    return o;
}

void mr_db_keymiss(mr_conn *c, const char *key, size_t klen) {
    mr_notify(c->srv, MR_NOTIFY_KEY_MISS, "keymiss", c->db, key, klen);
}

void mr_db_read_miss(mr_conn *c, const char *key, size_t klen) {
    if (c->running == NULL || !mr_command_reads(c->running)) mr_db_keymiss(c, key, klen);
}

/* A read command's lookup that finds nothing is a key miss, as Redis's
 * lookupKeyRead says. */
int mr_db_lookup_typed(mr_conn *c, const char *key, size_t klen, mr_type t, mr_obj **out) {
    mr_obj *o = mr_db_lookup(c->srv, c->db, key, klen);
    if (o == NULL && c->running != NULL && mr_command_reads(c->running))
        mr_db_keymiss(c, key, klen);
    if (o != NULL && o->type != t) {
        mr_add_error(c, MR_ERR_WRONGTYPE);
        return 0;
    }
    *out = o;
    return 1;
}

int mr_db_lookup_string(mr_conn *c, const resp_span *key, mr_str **v) {
    mr_obj *o;
    if (!mr_db_lookup_typed(c, key->ptr, key->len, MR_TYPE_STRING, &o)) return 0;
    *v = (mr_str *)o;
    return 1;
}

void mr_db_set(mr_server *srv, int db, const char *key, size_t klen, mr_obj *val, int keep_ttl) {
    mr_db *d = &srv->dbs[db];
    int created;
    mr_dict_entry *e = mr_dict_upsert(d->keys, key, klen, &created);
    if (!created) mr_obj_free(e->v.ptr);
    /* Storing is no use of a shared integer: its clock stays. */
    if (!val->shared) val->lru = new_stamp(srv);
    e->v.ptr = val;
    if (!keep_ttl) mr_dict_delete(d->expires, key, klen);
    mr_watch_touch(srv, db, key, klen);
    if (created) mr_notify(srv, MR_NOTIFY_NEW, "new", db, key, klen);
    /* As Redis's dbAdd: a new key may serve clients blocked on it (an
     * overwritten one does not). */
    if (created && (val->type == MR_TYPE_LIST || val->type == MR_TYPE_ZSET))
        mr_block_signal(srv, db, key, klen);
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
        s->hdr.lru = new_stamp(srv);
        e->v.ptr = s;
        mr_notify(srv, MR_NOTIFY_NEW, "new", db, key, klen);
        return s;
    }
    mr_str *s = e->v.ptr;
    if (s->len < len) e->v.ptr = s = mr_str_grow(s, len);
    /* Changed in place, as Redis's unshared copy is: "raw", the key's own,
     * and (a new object there) just used. */
    s->hdr.encoding = MR_ENC_RAW;
    if (s->hdr.shared) s->hdr.lru = new_stamp(srv);
    s->hdr.shared = 0;
    return s;
}

void mr_db_changed(mr_server *srv, int db, const char *key, size_t klen) {
    mr_watch_touch(srv, db, key, klen);
}

void mr_db_shrunk(mr_conn *c, const resp_span *key, int empty, unsigned cls, const char *event) {
    if (event != NULL) mr_notify(c->srv, cls, event, c->db, key->ptr, key->len);
    if (empty) {
        mr_db_delete(c->srv, c->db, key->ptr, key->len);
        mr_notify(c->srv, MR_NOTIFY_GENERIC, "del", c->db, key->ptr, key->len);
    } else {
        mr_db_changed(c->srv, c->db, key->ptr, key->len);
    }
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

/* Memory freed on the host's thread pool (FLUSHALL ASYNC, UNLINK of a
 * large value), counted for INFO memory while it waits and once freed. */
typedef struct lazyfree_job {
    mr_server *srv;
    mr_dict *keys, *expires; /* a database's tables, or NULL */
    mr_obj *obj;             /* one value, or NULL */
    size_t count;            /* the objects it frees */
} lazyfree_job;

static void lazyfree_work(void *arg) {
    lazyfree_job *job = arg;
    if (job->obj != NULL) mr_obj_free(job->obj);
    if (job->keys != NULL) mr_dict_free(job->keys);
    if (job->expires != NULL) mr_dict_free(job->expires);
}

static void lazyfree_done(void *arg) {
    lazyfree_job *job = arg;
    job->srv->lazyfree_pending -= job->count;
    job->srv->stats.lazyfreed += job->count;
    free(job);
}

static void lazyfree(mr_server *srv, lazyfree_job job) {
    lazyfree_job *j = mr_xmalloc(sizeof *j);
    *j = job;
    j->srv = srv;
    srv->lazyfree_pending += j->count;
    srv->host.run_blocking(lazyfree_work, lazyfree_done, j, srv->host.ud);
}

/* Redis frees a value on its background thread when freeing it takes
 * more than 64 steps (LAZYFREE_THRESHOLD). */
#define LAZYFREE_THRESHOLD 64

int mr_db_delete_lazy(mr_server *srv, int db, const char *key, size_t klen) {
    mr_obj *val = mr_db_unlink(srv, db, key, klen);
    if (val == NULL) return 0;
    if (srv->host.run_blocking != NULL && mr_obj_free_effort(val) > LAZYFREE_THRESHOLD)
        lazyfree(srv, (lazyfree_job){.obj = val, .count = 1});
    else mr_obj_free(val);
    return 1;
}

void mr_db_swap(mr_server *srv, int a, int b) {
    if (a == b) return;
    mr_watch_touch_swap(srv, a, b);
    mr_db *x = &srv->dbs[a], *y = &srv->dbs[b];
    mr_dict *keys = x->keys, *expires = x->expires;
    x->keys = y->keys, x->expires = y->expires;
    y->keys = keys, y->expires = expires;
    mr_block_signal_db(srv, a);
    mr_block_signal_db(srv, b);
}

void mr_db_flush(mr_server *srv, int db, int async) {
    mr_db *d = &srv->dbs[db];
    mr_watch_touch_db(srv, db);
    if (!async || srv->host.run_blocking == NULL || mr_dict_size(d->keys) == 0) {
        mr_dict_clear(d->keys);
        mr_dict_clear(d->expires);
        return;
    }
    /* The old tables are freed on the thread pool: a huge keyspace must
     * not stall every other client. */
    lazyfree(srv, (lazyfree_job){.keys = d->keys, .expires = d->expires,
                                 .count = mr_dict_size(d->keys)});
    d->keys = mr_dict_create(mr_obj_free);
    d->expires = mr_dict_create(NULL);
}

/* Redis's cycle samples 20 keys with a TTL at a time and goes on while
 * more than a tenth of a sample had expired; a bounded number of rounds
 * per call keeps the cron short. */
#define EXPIRE_SAMPLE 20
#define EXPIRE_ROUNDS 16

void mr_db_active_expire(mr_server *srv) {
    if (mr_paused(srv) || srv->active_expire_off) return;
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
