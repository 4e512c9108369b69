/* server/tracking.c - client-side caching (CLIENT TRACKING), as Redis 7.0
 * does it.
 *
 * Default mode: the keys a tracking client reads are remembered (one table
 * for every database, by key name, of client ids); the first change to
 * such a key sends each of those clients an invalidation and forgets them.
 * The client that changes a key it tracks gets its invalidation after the
 * reply of the command that changed it.
 *
 * BCAST mode: a client names prefixes; every changed key under a prefix is
 * collected, and once the server has handled the events in hand (Redis's
 * beforeSleep: mr_tracking_flush) each prefix sends its keys, sorted, in
 * one invalidation to each of its clients.
 *
 * An invalidation is a push ["invalidate", [keys]] under RESP3; for a
 * client that redirects, it goes to the redirect target instead, as that
 * push or, to a RESP2 target in pub/sub mode, as a message on
 * __redis__:invalidate.  A flush sends a null instead of the keys. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "server.h"

/* The ids of the clients that read a key (no repeats). */
typedef struct id_set {
    uint64_t *ids;
    size_t n, cap;
} id_set;

static void id_set_free(void *p) {
    id_set *s = p;
    if (s == NULL) return;
    free(s->ids);
    free(s);
}

/* A BCAST prefix: its clients, and the keys changed under it since the
 * last flush, each with the id of the first client that changed it. */
typedef struct pending_key {
    char *key;
    size_t len;
    uint64_t by;
} pending_key;

typedef struct prefix_state {
    id_set clients;
    pending_key *keys;
    size_t nkeys, cap;
} prefix_state;

static void prefix_state_free(void *p) {
    prefix_state *ps = p;
    if (ps == NULL) return;
    free(ps->clients.ids);
    for (size_t i = 0; i < ps->nkeys; i++) free(ps->keys[i].key);
    free(ps->keys);
    free(ps);
}

static int id_set_add(id_set *s, uint64_t id) {
    for (size_t i = 0; i < s->n; i++)
        if (s->ids[i] == id) return 0;
    if (s->n == s->cap) {
        s->cap = s->cap != 0 ? s->cap * 2 : 2;
        s->ids = mr_xrealloc(s->ids, s->cap * sizeof *s->ids);
    }
    s->ids[s->n++] = id;
    return 1;
}

static void id_set_remove(id_set *s, uint64_t id) {
    for (size_t i = 0; i < s->n; i++) {
        if (s->ids[i] == id) {
            s->ids[i] = s->ids[--s->n];
            return;
        }
    }
}

void mr_tracking_init(mr_server *srv) {
    srv->tracking_table = mr_dict_create(id_set_free);
    srv->tracking_prefixes = mr_dict_create(prefix_state_free);
}

void mr_tracking_free(mr_server *srv) {
    mr_dict_free(srv->tracking_table);
    mr_dict_free(srv->tracking_prefixes);
    for (size_t i = 0; i < srv->tracking_pending_n; i++) free(srv->tracking_pending[i]);
    free(srv->tracking_pending);
    free(srv->tracking_pending_len);
}

/* ---- sending ---- */

/* Writes one invalidation for client c (keys: a RESP array of the keys,
 * or a null for a flush), at c or at the client it redirects to. */
static void send_invalidation(mr_conn *c, const char *keys, size_t len) {
    mr_conn *to = c;
    if (c->tracking_redirect != 0) {
        to = mr_conn_by_id(c->srv, c->tracking_redirect);
        if (to == NULL) {
            /* The target is gone: RESP3 clients are told, once per change. */
            c->tracking_flags |= MR_TRACK_BROKEN_REDIR;
            if (c->proto >= 3) {
                int was = c->pushing;
                c->pushing = 1;
                mr_add_push(c, 2);
                mr_add_bulk_cstr(c, "tracking-redir-broken");
                mr_add_integer(c, (long long)c->tracking_redirect);
                c->pushing = was;
                mr_conn_wake(c);
            }
            return;
        }
    }
    int was = to->pushing;
    to->pushing = 1;
    if (to->proto >= 3) {
        mr_add_push(to, 2);
        mr_add_bulk_cstr(to, "invalidate");
    } else if (to != c && mr_conn_in_pubsub(to)) {
        mr_add_array(to, 3);
        mr_add_bulk_cstr(to, "message");
        mr_add_bulk_cstr(to, "__redis__:invalidate");
    } else {
        /* A RESP2 client without redirection cannot be told. */
        to->pushing = was;
        return;
    }
    mr_add_raw(to, keys, len);
    to->pushing = was;
    if (to != c->srv->current_client) mr_conn_wake(to);
}

/* The null of the tracking client's own protocol, as Redis sends it. */
static void send_null(mr_conn *c) {
    if (c->proto >= 3) send_invalidation(c, "_\r\n", 3);
    else send_invalidation(c, "$-1\r\n", 5);
}

static void send_key(mr_conn *c, const char *key, size_t klen) {
    resp_buf b;
    resp_buf_init(&b, NULL);
    resp_write_aggregate(&b, 2, RESP_ARRAY, 1);
    resp_write_bulk_string(&b, key, klen);
    send_invalidation(c, b.data, b.len);
    resp_buf_free(&b);
}

/* ---- remembering reads ---- */

void mr_tracking_remember(mr_conn *c, const struct mr_command *cmd, size_t argc,
                          const resp_span *argv) {
    unsigned f = c->tracking_flags;
    if (!(f & MR_TRACK_ON) || (f & MR_TRACK_BCAST)) return;
    if ((f & MR_TRACK_OPTIN) && !(f & MR_TRACK_CACHING)) return;
    if ((f & MR_TRACK_OPTOUT) && (f & MR_TRACK_CACHING)) return;
    size_t *pos;
    size_t n = mr_command_keys(cmd, argc, argv, &pos);
    for (size_t i = 0; i < n; i++) {
        const resp_span *k = &argv[pos[i]];
        int created;
        mr_dict_entry *e = mr_dict_upsert(c->srv->tracking_table, k->ptr, k->len, &created);
        if (created) e->v.ptr = mr_xcalloc(1, sizeof(id_set));
        id_set *s = e->v.ptr;
        if (id_set_add(s, c->id)) c->srv->tracking_items++;
    }
    free(pos);
}

/* ---- invalidating ---- */

/* key NULL: a flush's null. */
static void defer_for_current(mr_server *srv, const char *key, size_t klen) {
    if (srv->tracking_pending_n == srv->tracking_pending_cap) {
        srv->tracking_pending_cap = srv->tracking_pending_cap ? srv->tracking_pending_cap * 2 : 4;
        srv->tracking_pending =
            mr_xrealloc(srv->tracking_pending, srv->tracking_pending_cap * sizeof(char *));
        srv->tracking_pending_len =
            mr_xrealloc(srv->tracking_pending_len, srv->tracking_pending_cap * sizeof(size_t));
    }
    char *copy = NULL;
    if (key != NULL) {
        copy = mr_xmalloc(klen + 1);
        memcpy(copy, key, klen);
    }
    srv->tracking_pending[srv->tracking_pending_n] = copy;
    srv->tracking_pending_len[srv->tracking_pending_n++] = klen;
}

static void collect_for_prefixes(mr_server *srv, const char *key, size_t klen) {
    mr_dict_iter it;
    mr_dict_iter_init(&it, srv->tracking_prefixes);
    for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) {
        if (e->klen > klen || memcmp(e->key, key, e->klen) != 0) continue;
        prefix_state *ps = e->v.ptr;
        size_t i = 0;
        while (i < ps->nkeys && !(ps->keys[i].len == klen && memcmp(ps->keys[i].key, key, klen) == 0))
            i++;
        if (i < ps->nkeys) continue; /* the first changer is kept */
        if (ps->nkeys == ps->cap) {
            ps->cap = ps->cap ? ps->cap * 2 : 4;
            ps->keys = mr_xrealloc(ps->keys, ps->cap * sizeof *ps->keys);
        }
        char *copy = mr_xmalloc(klen + 1);
        memcpy(copy, key, klen);
        mr_conn *by = srv->current_client;
        ps->keys[ps->nkeys++] = (pending_key){copy, klen, by != NULL ? by->id : 0};
    }
    mr_dict_iter_done(&it);
}

void mr_tracking_invalidate(mr_server *srv, const char *key, size_t klen) {
    if (srv->tracking_clients == 0) return;
    if (mr_dict_size(srv->tracking_prefixes) > 0) collect_for_prefixes(srv, key, klen);
    mr_dict_entry *e = mr_dict_find(srv->tracking_table, key, klen);
    if (e == NULL) return;
    id_set *s = e->v.ptr;
    mr_conn *cur = srv->current_client;
    for (size_t i = 0; i < s->n; i++) {
        mr_conn *c = mr_conn_by_id(srv, s->ids[i]);
        if (c == NULL || !(c->tracking_flags & MR_TRACK_ON) ||
            (c->tracking_flags & MR_TRACK_BCAST))
            continue;
        if (c == cur && (c->tracking_flags & MR_TRACK_NOLOOP)) continue;
        /* The changing client hears of it after its command's reply. */
        if (c == cur) defer_for_current(srv, key, klen);
        else send_key(c, key, klen);
    }
    srv->tracking_items -= s->n;
    mr_dict_delete(srv->tracking_table, key, klen);
}

void mr_tracking_after_command(mr_conn *c) {
    mr_server *srv = c->srv;
    for (size_t i = 0; i < srv->tracking_pending_n; i++) {
        if (srv->tracking_pending[i] == NULL) send_null(c);
        else send_key(c, srv->tracking_pending[i], srv->tracking_pending_len[i]);
        free(srv->tracking_pending[i]);
    }
    srv->tracking_pending_n = 0;
}

/* Every tracking client, oldest first (Redis's client list order); the
 * current one after its reply. */
void mr_tracking_flush_all(mr_server *srv) {
    if (srv->tracking_clients == 0) return;
    mr_conn *c = srv->clients;
    while (c != NULL && c->next != NULL) c = c->next;
    for (; c != NULL; c = c->prev) {
        if (!(c->tracking_flags & MR_TRACK_ON)) continue;
        if (c == srv->current_client) defer_for_current(srv, NULL, 0);
        else send_null(c);
    }
    mr_dict_clear(srv->tracking_table);
    srv->tracking_items = 0;
}

/* ---- BCAST ---- */

static int by_key(const void *a, const void *b) {
    const pending_key *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* One invalidation per prefix and client, its keys sorted; a NOLOOP client
 * does not hear of the keys it changed itself. */
static void flush_prefix(mr_server *srv, prefix_state *ps) {
    qsort(ps->keys, ps->nkeys, sizeof *ps->keys, by_key);
    for (size_t k = 0; k < ps->clients.n; k++) {
        mr_conn *c = mr_conn_by_id(srv, ps->clients.ids[k]);
        if (c == NULL) continue;
        int noloop = (c->tracking_flags & MR_TRACK_NOLOOP) != 0;
        size_t n = 0;
        for (size_t i = 0; i < ps->nkeys; i++) n += !(noloop && ps->keys[i].by == c->id);
        if (n == 0) continue;
        resp_buf b;
        resp_buf_init(&b, NULL);
        resp_write_aggregate(&b, 2, RESP_ARRAY, n);
        for (size_t i = 0; i < ps->nkeys; i++)
            if (!(noloop && ps->keys[i].by == c->id))
                resp_write_bulk_string(&b, ps->keys[i].key, ps->keys[i].len);
        send_invalidation(c, b.data, b.len);
        resp_buf_free(&b);
    }
    for (size_t i = 0; i < ps->nkeys; i++) free(ps->keys[i].key);
    ps->nkeys = 0;
}

static int by_prefix(const void *a, const void *b) {
    const mr_dict_entry *x = *(const mr_dict_entry *const *)a;
    const mr_dict_entry *y = *(const mr_dict_entry *const *)b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c != 0 ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

void mr_tracking_flush(mr_server *srv) {
    size_t n = mr_dict_size(srv->tracking_prefixes), i = 0;
    if (n == 0) return;
    /* Prefixes in byte order, as Redis's radix tree walks them. */
    mr_dict_entry **sorted = mr_xmalloc(n * sizeof *sorted);
    mr_dict_iter it;
    mr_dict_iter_init(&it, srv->tracking_prefixes);
    for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) sorted[i++] = e;
    mr_dict_iter_done(&it);
    qsort(sorted, n, sizeof *sorted, by_prefix);
    for (i = 0; i < n; i++) {
        prefix_state *ps = sorted[i]->v.ptr;
        if (ps->nkeys > 0) flush_prefix(srv, ps);
    }
    free(sorted);
}

/* ---- turning it on and off ---- */

void mr_tracking_add_prefix(mr_conn *c, const char *p, size_t len) {
    int created;
    mr_dict_entry *e = mr_dict_upsert(c->srv->tracking_prefixes, p, len, &created);
    if (created) e->v.ptr = mr_xcalloc(1, sizeof(prefix_state));
    prefix_state *ps = e->v.ptr;
    id_set_add(&ps->clients, c->id);
    for (size_t i = 0; i < c->tracking_nprefixes; i++)
        if (c->tracking_prefix_len[i] == len && memcmp(c->tracking_prefixes[i], p, len) == 0)
            return;
    c->tracking_prefixes =
        mr_xrealloc(c->tracking_prefixes, (c->tracking_nprefixes + 1) * sizeof(char *));
    c->tracking_prefix_len =
        mr_xrealloc(c->tracking_prefix_len, (c->tracking_nprefixes + 1) * sizeof(size_t));
    c->tracking_prefixes[c->tracking_nprefixes] = mr_xstrndup(p, len);
    c->tracking_prefix_len[c->tracking_nprefixes++] = len;
}

void mr_tracking_disable(mr_conn *c) {
    if (!(c->tracking_flags & MR_TRACK_ON)) return;
    mr_server *srv = c->srv;
    for (size_t i = 0; i < c->tracking_nprefixes; i++) {
        mr_dict_entry *e =
            mr_dict_find(srv->tracking_prefixes, c->tracking_prefixes[i], c->tracking_prefix_len[i]);
        if (e != NULL) {
            prefix_state *ps = e->v.ptr;
            id_set_remove(&ps->clients, c->id);
            if (ps->clients.n == 0)
                mr_dict_delete(srv->tracking_prefixes, c->tracking_prefixes[i],
                               c->tracking_prefix_len[i]);
        }
        free(c->tracking_prefixes[i]);
    }
    free(c->tracking_prefixes);
    free(c->tracking_prefix_len);
    c->tracking_prefixes = NULL;
    c->tracking_prefix_len = NULL;
    c->tracking_nprefixes = 0;
    c->tracking_flags = 0;
    c->tracking_redirect = 0;
    srv->tracking_clients--;
}
