/* server/cmd_pubsub.c - channels and patterns.
 *
 * Each subscription is kept twice: in the server (channel -> subscribers,
 * for PUBLISH) and in the connection (for its count, UNSUBSCRIBE with no
 * arguments, and cleanup when it goes away).  Messages go out as pushes in
 * RESP3 and as arrays in RESP2, in each receiver's own protocol. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "glob.h"

static void connset_add(mr_connset *s, mr_conn *c) {
    if (s->len == s->cap) {
        s->cap = s->cap != 0 ? s->cap * 2 : 4;
        s->items = mr_xrealloc(s->items, s->cap * sizeof *s->items);
    }
    s->items[s->len++] = c;
}

/* Removes c, keeping the others in subscription order.  Returns the
 * number left. */
static size_t connset_remove(mr_connset *s, mr_conn *c) {
    for (size_t i = 0; i < s->len; i++) {
        if (s->items[i] == c) {
            memmove(&s->items[i], &s->items[i + 1], (s->len - i - 1) * sizeof *s->items);
            s->len--;
            break;
        }
    }
    return s->len;
}

/* kind: "subscribe", "unsubscribe", ...; name NULL gives a null. */
static void reply_subscription(mr_conn *c, const char *kind, const char *name, size_t len) {
    mr_add_push(c, 3);
    mr_add_bulk_cstr(c, kind);
    if (name != NULL) mr_add_bulk(c, name, len);
    else mr_add_null(c);
    mr_add_integer(c, (long long)mr_conn_subscriptions(c));
}

/* Adds one subscription; `mine` is the connection's set, `all` the
 * server's map.  Returns 1 if it is new. */
static int subscribe_one(mr_conn *c, mr_dict **mine, mr_dict *all, const char *name, size_t len) {
    if (*mine == NULL) *mine = mr_dict_create(NULL);
    int created;
    mr_dict_upsert(*mine, name, len, &created);
    if (!created) return 0;
    mr_dict_entry *e = mr_dict_upsert(all, name, len, &created);
    if (created) {
        e->v.ptr = mr_xmalloc(sizeof(mr_connset));
        memset(e->v.ptr, 0, sizeof(mr_connset));
    }
    connset_add(e->v.ptr, c);
    return 1;
}

static int unsubscribe_one(mr_conn *c, mr_dict *mine, mr_dict *all, const char *name, size_t len) {
    if (mine == NULL || !mr_dict_delete(mine, name, len)) return 0;
    mr_dict_entry *e = mr_dict_find(all, name, len);
    if (e != NULL && connset_remove(e->v.ptr, c) == 0) mr_dict_delete(all, name, len);
    return 1;
}

/* Unsubscribes from everything in `mine`, replying per name when asked;
 * with nothing to drop, a single reply with a null name. */
static void unsubscribe_all(mr_conn *c, mr_dict *mine, mr_dict *all, const char *kind,
                            int notify) {
    size_t dropped = 0;
    while (mine != NULL && mr_dict_size(mine) > 0) {
        mr_dict_iter it;
        mr_dict_iter_init(&it, mine);
        mr_dict_entry *e = mr_dict_iter_next(&it);
        mr_dict_iter_done(&it);
        char *name = mr_xstrndup(e->key, e->klen);
        size_t len = e->klen;
        unsubscribe_one(c, mine, all, name, len);
        if (notify) reply_subscription(c, kind, name, len);
        free(name);
        dropped++;
    }
    if (notify && dropped == 0) reply_subscription(c, kind, NULL, 0);
}

void mr_pubsub_drop(mr_conn *c, int notify) {
    unsubscribe_all(c, c->channels, c->srv->channels, "unsubscribe", notify);
    unsubscribe_all(c, c->patterns, c->srv->patterns, "punsubscribe", notify);
}

MR_PROC(mr_cmd_subscribe) {
    for (size_t i = 1; i < argc; i++) {
        subscribe_one(c, &c->channels, c->srv->channels, argv[i].ptr, argv[i].len);
        reply_subscription(c, "subscribe", argv[i].ptr, argv[i].len);
    }
}

MR_PROC(mr_cmd_psubscribe) {
    for (size_t i = 1; i < argc; i++) {
        subscribe_one(c, &c->patterns, c->srv->patterns, argv[i].ptr, argv[i].len);
        reply_subscription(c, "psubscribe", argv[i].ptr, argv[i].len);
    }
}

MR_PROC(mr_cmd_unsubscribe) {
    if (argc == 1) {
        unsubscribe_all(c, c->channels, c->srv->channels, "unsubscribe", 1);
        return;
    }
    for (size_t i = 1; i < argc; i++) {
        unsubscribe_one(c, c->channels, c->srv->channels, argv[i].ptr, argv[i].len);
        reply_subscription(c, "unsubscribe", argv[i].ptr, argv[i].len);
    }
}

MR_PROC(mr_cmd_punsubscribe) {
    if (argc == 1) {
        unsubscribe_all(c, c->patterns, c->srv->patterns, "punsubscribe", 1);
        return;
    }
    for (size_t i = 1; i < argc; i++) {
        unsubscribe_one(c, c->patterns, c->srv->patterns, argv[i].ptr, argv[i].len);
        reply_subscription(c, "punsubscribe", argv[i].ptr, argv[i].len);
    }
}

long long mr_pubsub_publish(mr_server *srv, const char *ch, size_t chlen, const char *msg,
                            size_t msglen) {
    long long receivers = 0;
    mr_dict_entry *e = mr_dict_find(srv->channels, ch, chlen);
    if (e != NULL) {
        mr_connset *s = e->v.ptr;
        for (size_t i = 0; i < s->len; i++) {
            mr_conn *r = s->items[i];
            mr_add_push(r, 3);
            mr_add_bulk(r, "message", 7);
            mr_add_bulk(r, ch, chlen);
            mr_add_bulk(r, msg, msglen);
            mr_conn_wake(r);
            receivers++;
        }
    }
    mr_dict_iter it;
    mr_dict_iter_init(&it, srv->patterns);
    for (mr_dict_entry *p; (p = mr_dict_iter_next(&it)) != NULL;) {
        if (!mr_glob_match(p->key, p->klen, ch, chlen, 0)) continue;
        mr_connset *s = p->v.ptr;
        for (size_t i = 0; i < s->len; i++) {
            mr_conn *r = s->items[i];
            mr_add_push(r, 4);
            mr_add_bulk(r, "pmessage", 8);
            mr_add_bulk(r, p->key, p->klen);
            mr_add_bulk(r, ch, chlen);
            mr_add_bulk(r, msg, msglen);
            mr_conn_wake(r);
            receivers++;
        }
    }
    mr_dict_iter_done(&it);
    srv->stats.pubsub_messages++;
    return receivers;
}

MR_PROC(mr_cmd_publish) {
    (void)argc;
    mr_add_integer(c, mr_pubsub_publish(c->srv, argv[1].ptr, argv[1].len, argv[2].ptr, argv[2].len));
}

MR_PROC(mr_cmd_pubsub_channels) {
    if (argc > 3) {
        size_t n = argv[1].len < 128 ? argv[1].len : 128;
        mr_add_errorf(c,
                      "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                      "PUBSUB HELP.",
                      (int)n, argv[1].ptr);
        return;
    }
    mr_add_matching_names(c, c->srv->channels, argc == 3 ? &argv[2] : NULL, NULL);
}

MR_PROC(mr_cmd_pubsub_numsub) {
    /* A flat array of name, count in both protocols, as Redis 7.0 sends. */
    resp_write_aggregate(&c->out, 2, RESP_ARRAY, (argc - 2) * 2);
    for (size_t i = 2; i < argc; i++) {
        mr_dict_entry *e = mr_dict_find(c->srv->channels, argv[i].ptr, argv[i].len);
        mr_add_bulk(c, argv[i].ptr, argv[i].len);
        mr_add_integer(c, e != NULL ? (long long)((mr_connset *)e->v.ptr)->len : 0);
    }
}

MR_PROC(mr_cmd_pubsub_numpat) {
    (void)argc;
    (void)argv;
    mr_add_integer(c, (long long)mr_dict_size(c->srv->patterns));
}
