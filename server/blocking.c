/* server/blocking.c - clients blocked on keys (BLPOP, BZPOPMIN and their
 * kin), as Redis 7.0 keeps them.
 *
 * A blocked connection keeps a copy of its command and is listed under
 * each key it waits on, in the order clients blocked.  Creating a key that
 * someone waits on marks it ready; once the running command (or a whole
 * EXEC) ends, each ready key serves its waiters in order while it holds a
 * value of the type they want.  A served, timed-out or unblocked client
 * then runs the commands it had pipelined behind, once the connection
 * being fed is done, as Redis does in its next event loop turn.
 *
 * A command CLIENT PAUSE holds back blocks its client the same way, on no
 * key and with no way to be served: the pause's end runs it again. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "server.h"

typedef struct mr_block {
    mr_type type;          /* what a key must hold to serve the client */
    mr_block_serve *serve; /* pops from that key and replies */
    int64_t deadline;      /* ms; 0 = none */
    size_t argc, first, nkeys;
    resp_span *argv; /* the command, copied; keys are argv[first..first+nkeys) */
    /* For INFO commandstats: the command counts as a call once served. */
    const struct mr_command *cmd;
    long long usec;  /* spent before it blocked */
    uint64_t errors; /* the client's error count before it ran */
} mr_block;

/* ---- the timeout argument ---- */

int mr_block_parse_timeout(mr_conn *c, const resp_span *a, int64_t *deadline) {
    long double secs;
    if (!mr_parse_long_double(a->ptr, a->len, &secs)) {
        mr_add_error(c, "ERR timeout is not a float or out of range");
        return 0;
    }
    /* Redis 7.0 rounds up to a millisecond and converts with no range
     * check: a product past a long long becomes LLONG_MIN on x86-64, so
     * 1e20 or inf read as negative. */
    long double ms = ceill(secs * 1000.0L);
    long long t = ms >= 0x1p63L || ms < -0x1p63L ? LLONG_MIN : (long long)ms;
    if (t < 0) {
        mr_add_error(c, "ERR timeout is negative");
        return 0;
    }
    /* A deadline past a long long wraps negative in Redis, which then
     * never times out: no deadline. */
    int64_t now = c->srv->now_ms;
    *deadline = t == 0 || t > INT64_MAX - now ? 0 : now + t;
    return 1;
}

int mr_block_allowed(const mr_conn *c) {
    return !c->txn.executing;
}

/* ---- blocking and unblocking ---- */

void mr_block_on_keys(mr_conn *c, size_t argc, const resp_span *argv, const mr_block_how *how) {
    size_t bytes = argc * sizeof(resp_span);
    for (size_t i = 0; i < argc; i++) bytes += argv[i].len;
    mr_block *b = mr_xmalloc(sizeof *b + bytes);
    *b = (mr_block){how->type, how->serve, how->deadline, argc, how->first, how->nkeys, NULL,
                    NULL, 0, 0};
    b->argv = (resp_span *)(b + 1);
    char *p = (char *)(b->argv + argc);
    for (size_t i = 0; i < argc; i++) {
        memcpy(p, argv[i].ptr, argv[i].len);
        b->argv[i] = (resp_span){p, argv[i].len};
        p += argv[i].len;
    }
    mr_dict *waiting = c->srv->dbs[c->db].blocking;
    for (size_t k = how->first; k < how->first + how->nkeys; k++) {
        int created;
        mr_dict_entry *e = mr_dict_upsert(waiting, b->argv[k].ptr, b->argv[k].len, &created);
        if (created) e->v.ptr = mr_xcalloc(1, sizeof(mr_connset));
        mr_connset *set = e->v.ptr;
        if (set->len > 0 && set->items[set->len - 1] == c) continue; /* a key named twice */
        mr_connset_add(set, c);
    }
    c->block = b;
    c->srv->nblocked++;
    if (b->deadline != 0) c->srv->nblocked_timeout++;
}

void mr_block_note_call(mr_conn *c, const struct mr_command *cmd, long long usec,
                        uint64_t errors) {
    if (c->block == NULL || c->block->serve == NULL) return;
    c->block->cmd = cmd;
    c->block->usec = usec;
    c->block->errors = errors;
}

const resp_span *mr_block_argv(const mr_conn *c, size_t *argc) {
    *argc = c->block->argc;
    return c->block->argv;
}

/* Runs the commands a client pipelined behind the one it was blocked in,
 * once the connection being fed is done. */
static void queue_unblocked(mr_conn *c) {
    mr_connset_add(&c->srv->unblocked, c);
}

void mr_unblock(mr_conn *c, mr_unblock_how how) {
    mr_block *b = c->block;
    if (b == NULL) return;
    mr_dict *waiting = c->srv->dbs[c->db].blocking;
    for (size_t k = b->first; k < b->first + b->nkeys; k++) {
        mr_dict_entry *e = mr_dict_find(waiting, b->argv[k].ptr, b->argv[k].len);
        if (e != NULL && mr_connset_remove(e->v.ptr, c) == 0)
            mr_dict_delete(waiting, b->argv[k].ptr, b->argv[k].len);
    }
    c->srv->nblocked--;
    if (b->deadline != 0) c->srv->nblocked_timeout--;
    if (b->serve == NULL) mr_connset_remove(&c->srv->postponed, c);
    const struct mr_command *cmd = b->cmd;
    long long usec = b->usec;
    uint64_t errors = b->errors;
    c->block = NULL;
    free(b);
    switch (how) {
    case MR_UNBLOCK_QUIET: return;
    case MR_UNBLOCK_SERVED: break;
    case MR_UNBLOCK_TIMEOUT: mr_add_null_array(c); break;
    case MR_UNBLOCK_ERROR: mr_add_error(c, "UNBLOCKED client unblocked via CLIENT UNBLOCK"); break;
    }
    if (cmd != NULL) mr_stats_call(c->srv, cmd, usec, c->errors > errors);
    queue_unblocked(c);
}

void mr_block_forget(mr_conn *c) {
    mr_unblock(c, MR_UNBLOCK_QUIET);
    mr_connset_remove(&c->srv->unblocked, c);
}

/* ---- ready keys ---- */

void mr_block_signal(mr_server *srv, int db, const char *key, size_t klen) {
    if (srv->nblocked == 0 || mr_dict_find(srv->dbs[db].blocking, key, klen) == NULL) return;
    for (size_t i = 0; i < srv->nready; i++)
        if (srv->ready[i].db == db && srv->ready[i].klen == klen &&
            memcmp(srv->ready[i].key, key, klen) == 0)
            return;
    if (srv->nready == srv->ready_cap) {
        srv->ready_cap = srv->ready_cap != 0 ? 2 * srv->ready_cap : 8;
        srv->ready = mr_xrealloc(srv->ready, srv->ready_cap * sizeof *srv->ready);
    }
    char *copy = mr_xmalloc(klen + 1);
    memcpy(copy, key, klen);
    srv->ready[srv->nready++] = (mr_ready_key){db, copy, klen};
}

void mr_block_signal_db(mr_server *srv, int db) {
    mr_dict_iter it;
    mr_dict_entry *e;
    mr_dict_iter_init(&it, srv->dbs[db].blocking);
    while ((e = mr_dict_iter_next(&it)) != NULL)
        if (mr_db_peek(srv, db, e->key, e->klen) != NULL) mr_block_signal(srv, db, e->key, e->klen);
    mr_dict_iter_done(&it);
}

/* The first client waiting on a key for a value of type t, or NULL. */
static mr_conn *first_waiting(mr_server *srv, int db, const char *key, size_t klen, mr_type t) {
    mr_dict_entry *e = mr_dict_find(srv->dbs[db].blocking, key, klen);
    if (e == NULL) return NULL;
    const mr_connset *set = e->v.ptr;
    for (size_t i = 0; i < set->len; i++)
        if (set->items[i]->block->type == t) return set->items[i];
    return NULL;
}

/* Serves the clients waiting on one ready key, in the order they blocked,
 * while it holds a value they want. */
static void serve_key(mr_server *srv, const mr_ready_key *rk) {
    resp_span key = {rk->key, rk->klen};
    mr_obj *o;
    mr_conn *c;
    while ((o = mr_db_peek(srv, rk->db, rk->key, rk->klen)) != NULL &&
           (c = first_waiting(srv, rk->db, rk->key, rk->klen, (mr_type)o->type)) != NULL) {
        mr_block_serve *serve = c->block->serve;
        serve(c, &key, o);
        mr_unblock(c, MR_UNBLOCK_SERVED);
    }
}

void mr_block_serve_ready(mr_server *srv) {
    if (srv->serving) return;
    srv->serving = 1;
    while (srv->nready > 0) {
        mr_ready_key rk = srv->ready[0];
        memmove(srv->ready, srv->ready + 1, --srv->nready * sizeof *srv->ready);
        serve_key(srv, &rk);
        free(rk.key);
    }
    srv->serving = 0;
}

/* ---- postponed clients (CLIENT PAUSE): blocked with no keys ---- */

void mr_block_postpone(mr_conn *c, size_t argc, const resp_span *argv) {
    const mr_block_how how = {MR_TYPE_STRING, NULL, 0, 0, 0};
    mr_block_on_keys(c, argc, argv, &how);
    mr_connset_add(&c->srv->postponed, c);
}

int mr_block_is_postponed(const mr_conn *c) {
    return c->block != NULL && c->block->serve == NULL;
}

void mr_block_resume_postponed(mr_server *srv) {
    while (srv->postponed.len > 0) {
        mr_conn *c = srv->postponed.items[0];
        mr_connset_remove(&srv->postponed, c);
        queue_unblocked(c);
    }
}

/* Runs a postponed command as if it had just come (a new pause may hold
 * it back again). */
static void run_postponed(mr_conn *c) {
    mr_block *b = c->block;
    c->block = NULL;
    c->srv->nblocked--;
    mr_command_dispatch(c, b->argc, b->argv);
    free(b);
}

void mr_block_run_unblocked(mr_server *srv) {
    mr_connset *u = &srv->unblocked;
    while (u->len > 0) {
        mr_conn *c = u->items[0];
        mr_connset_remove(u, c);
        if (mr_block_is_postponed(c)) run_postponed(c);
        mr_conn_process_input(c);
        mr_conn_wake(c);
    }
}

void mr_block_cron(mr_server *srv) {
    if (srv->nblocked_timeout == 0) return;
    for (mr_conn *c = srv->clients; c != NULL; c = c->next)
        if (c->block != NULL && c->block->deadline != 0 && srv->now_ms >= c->block->deadline)
            mr_unblock(c, MR_UNBLOCK_TIMEOUT);
    mr_block_run_unblocked(srv);
}
