/* server/cmd_pubsub.c - channels, patterns and shard channels.
 *
 * Shard channels (SSUBSCRIBE, SPUBLISH) are Redis 7.0's cluster pub/sub;
 * without a cluster they behave as a separate set of channels: their own
 * subscribers, their own count in replies, "smessage" pushes, and no
 * pattern ever matches them.
 *
 * Each subscription is kept twice: in the server (channel -> subscribers,
 * for PUBLISH) and in the connection (for its count, UNSUBSCRIBE with no
 * arguments, and cleanup when it goes away).  Messages go out as pushes in
 * RESP3 and as arrays in RESP2, in each receiver's own protocol; they and
 * the (un)subscribe confirmations are written with c->pushing set, so
 * CLIENT REPLY OFF or SKIP does not drop them (as in Redis 7.0.15). */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "glob.h"

/* The three kinds of subscription.  SUBSCRIBE and PSUBSCRIBE replies
 * count channels and patterns together; SSUBSCRIBE replies count shard
 * channels alone. */
enum { KIND_CHANNEL, KIND_PATTERN, KIND_SHARD };

static const char *const subscribe_word[] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsubscribe_word[] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

/* Where the connection keeps its set of names of a kind (NULL until
 * its first subscription of that kind). */
static mr_dict **conn_names(mr_conn *c, int kind) {
    switch (kind) {
    case KIND_PATTERN:
        return &c->patterns;
    case KIND_SHARD:
        return &c->shard_channels;
    default:
        return &c->channels;
    }
}

/* The server's map of name -> subscribers of a kind. */
static mr_dict *server_names(mr_server *srv, int kind) {
    switch (kind) {
    case KIND_PATTERN:
        return srv->patterns;
    case KIND_SHARD:
        return srv->shard_channels;
    default:
        return srv->channels;
    }
}

static size_t dict_len(const mr_dict *d) {
    return d != NULL ? mr_dict_size(d) : 0;
}

/* The count a (un)subscribe reply of this kind carries. */
static size_t reply_count(const mr_conn *c, int kind) {
    if (kind == KIND_SHARD) return dict_len(c->shard_channels);
    return dict_len(c->channels) + dict_len(c->patterns);
}

/* word: "subscribe", "unsubscribe", ...; name NULL gives a null.  A
 * push, as Redis 7.0.15 treats it: sent even under CLIENT REPLY OFF. */
static void reply_subscription(mr_conn *c, int kind, const char *word, const char *name,
                               size_t len) {
    c->pushing = 1;
    mr_add_push(c, 3);
    mr_add_bulk_cstr(c, word);
    if (name != NULL) mr_add_bulk(c, name, len);
    else mr_add_null(c);
    mr_add_integer(c, (long long)reply_count(c, kind));
    c->pushing = 0;
}

/* Adds one subscription to the connection's set and the server's map.
 * Returns 1 if it is new. */
static int subscribe_one(mr_conn *c, int kind, const char *name, size_t len) {
    mr_dict **mine = conn_names(c, kind);
    if (*mine == NULL) *mine = mr_dict_create(NULL);
    int created;
    mr_dict_upsert(*mine, name, len, &created);
    if (!created) return 0;
    mr_dict_entry *e = mr_dict_upsert(server_names(c->srv, kind), name, len, &created);
    if (created) {
        e->v.ptr = mr_xmalloc(sizeof(mr_connset));
        memset(e->v.ptr, 0, sizeof(mr_connset));
    }
    mr_connset_add(e->v.ptr, c);
    return 1;
}

static int unsubscribe_one(mr_conn *c, int kind, const char *name, size_t len) {
    mr_dict *mine = *conn_names(c, kind), *all = server_names(c->srv, kind);
    if (mine == NULL || !mr_dict_delete(mine, name, len)) return 0;
    mr_dict_entry *e = mr_dict_find(all, name, len);
    if (e != NULL && mr_connset_remove(e->v.ptr, c) == 0) mr_dict_delete(all, name, len);
    return 1;
}

/* Unsubscribes from every name of a kind, replying per name when asked;
 * with nothing to drop, a single reply with a null name. */
static void unsubscribe_all(mr_conn *c, int kind, int notify) {
    mr_dict *mine = *conn_names(c, kind);
    size_t dropped = 0;
    while (mine != NULL && mr_dict_size(mine) > 0) {
        mr_dict_iter it;
        mr_dict_iter_init(&it, mine);
        mr_dict_entry *e = mr_dict_iter_next(&it);
        mr_dict_iter_done(&it);
        char *name = mr_xstrndup(e->key, e->klen);
        size_t len = e->klen;
        unsubscribe_one(c, kind, name, len);
        if (notify) reply_subscription(c, kind, unsubscribe_word[kind], name, len);
        free(name);
        dropped++;
    }
    if (notify && dropped == 0) reply_subscription(c, kind, unsubscribe_word[kind], NULL, 0);
}

void mr_pubsub_drop(mr_conn *c, int notify) {
    unsubscribe_all(c, KIND_CHANNEL, notify);
    unsubscribe_all(c, KIND_PATTERN, notify);
    unsubscribe_all(c, KIND_SHARD, notify);
    c->pubsub_mode = 0;
}

static void subscribe_generic(mr_conn *c, size_t argc, const resp_span *argv, int kind) {
    for (size_t i = 1; i < argc; i++) {
        subscribe_one(c, kind, argv[i].ptr, argv[i].len);
        reply_subscription(c, kind, subscribe_word[kind], argv[i].ptr, argv[i].len);
    }
    c->pubsub_mode = 1;
}

/* Names never subscribed are still answered, with the unchanged count. */
static void unsubscribe_generic(mr_conn *c, size_t argc, const resp_span *argv, int kind) {
    if (argc == 1) {
        unsubscribe_all(c, kind, 1);
    } else {
        for (size_t i = 1; i < argc; i++) {
            unsubscribe_one(c, kind, argv[i].ptr, argv[i].len);
            reply_subscription(c, kind, unsubscribe_word[kind], argv[i].ptr, argv[i].len);
        }
    }
    if (mr_conn_subscriptions(c) == 0) c->pubsub_mode = 0;
}

void mr_cmd_subscribe(mr_conn *c, size_t argc, const resp_span *argv) {
    subscribe_generic(c, argc, argv, KIND_CHANNEL);
}

void mr_cmd_psubscribe(mr_conn *c, size_t argc, const resp_span *argv) {
    subscribe_generic(c, argc, argv, KIND_PATTERN);
}

/* Redis 7.0 lets SUBSCRIBE and PSUBSCRIBE run inside EXEC for backward
 * compatibility, but not SSUBSCRIBE. */
void mr_cmd_ssubscribe(mr_conn *c, size_t argc, const resp_span *argv) {
    if (c->txn.active) {
        mr_add_error(c, "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        return;
    }
    subscribe_generic(c, argc, argv, KIND_SHARD);
}

void mr_cmd_unsubscribe(mr_conn *c, size_t argc, const resp_span *argv) {
    unsubscribe_generic(c, argc, argv, KIND_CHANNEL);
}

void mr_cmd_punsubscribe(mr_conn *c, size_t argc, const resp_span *argv) {
    unsubscribe_generic(c, argc, argv, KIND_PATTERN);
}

void mr_cmd_sunsubscribe(mr_conn *c, size_t argc, const resp_span *argv) {
    unsubscribe_generic(c, argc, argv, KIND_SHARD);
}

/* Sends [word, channel, message] to every subscriber of one channel in
 * `map`.  Returns how many received it. */
static long long deliver(mr_dict *map, const char *word, const char *ch, size_t chlen,
                         const char *msg, size_t msglen) {
    mr_dict_entry *e = mr_dict_find(map, ch, chlen);
    if (e == NULL) return 0;
    mr_connset *s = e->v.ptr;
    for (size_t i = 0; i < s->len; i++) {
        mr_conn *r = s->items[i];
        r->pushing = 1;
        mr_add_push(r, 3);
        mr_add_bulk_cstr(r, word);
        mr_add_bulk(r, ch, chlen);
        mr_add_bulk(r, msg, msglen);
        r->pushing = 0;
        mr_conn_wake(r);
    }
    return (long long)s->len;
}

long long mr_pubsub_publish(mr_server *srv, const char *ch, size_t chlen, const char *msg,
                            size_t msglen) {
    long long receivers = deliver(srv->channels, "message", ch, chlen, msg, msglen);
    mr_dict_iter it;
    mr_dict_iter_init(&it, srv->patterns);
    for (mr_dict_entry *p; (p = mr_dict_iter_next(&it)) != NULL;) {
        if (!mr_glob_match(p->key, p->klen, ch, chlen, 0)) continue;
        mr_connset *s = p->v.ptr;
        for (size_t i = 0; i < s->len; i++) {
            mr_conn *r = s->items[i];
            r->pushing = 1;
            mr_add_push(r, 4);
            mr_add_bulk(r, "pmessage", 8);
            mr_add_bulk(r, p->key, p->klen);
            mr_add_bulk(r, ch, chlen);
            mr_add_bulk(r, msg, msglen);
            r->pushing = 0;
            mr_conn_wake(r);
            receivers++;
        }
    }
    mr_dict_iter_done(&it);
    srv->stats.pubsub_messages++;
    return receivers;
}

void mr_cmd_publish(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_add_integer(c, mr_pubsub_publish(c->srv, argv[1].ptr, argv[1].len, argv[2].ptr, argv[2].len));
}

/* SPUBLISH reaches shard channel subscribers only: patterns never match
 * shard channels. */
void mr_cmd_spublish(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_server *srv = c->srv;
    long long n = deliver(srv->shard_channels, "smessage", argv[1].ptr, argv[1].len,
                          argv[2].ptr, argv[2].len);
    srv->stats.pubsub_messages++;
    mr_add_integer(c, n);
}

/* PUBSUB CHANNELS and SHARDCHANNELS: at most one pattern. */
static void list_channels(mr_conn *c, size_t argc, const resp_span *argv, mr_dict *map) {
    if (argc > 3) {
        size_t n = argv[1].len < 128 ? argv[1].len : 128;
        mr_add_errorf(c,
                      "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                      "PUBSUB HELP.",
                      (int)n, argv[1].ptr);
        return;
    }
    mr_add_matching_names(c, map, argc == 3 ? &argv[2] : NULL, NULL);
}

/* PUBSUB NUMSUB and SHARDNUMSUB: a flat array of name, count in both
 * protocols, as Redis 7.0 sends. */
static void count_subscribers(mr_conn *c, size_t argc, const resp_span *argv, mr_dict *map) {
    mr_add_array_resp2(c, (argc - 2) * 2);
    for (size_t i = 2; i < argc; i++) {
        mr_dict_entry *e = mr_dict_find(map, argv[i].ptr, argv[i].len);
        mr_add_bulk(c, argv[i].ptr, argv[i].len);
        mr_add_integer(c, e != NULL ? (long long)((mr_connset *)e->v.ptr)->len : 0);
    }
}

void mr_cmd_pubsub_channels(mr_conn *c, size_t argc, const resp_span *argv) {
    list_channels(c, argc, argv, c->srv->channels);
}

void mr_cmd_pubsub_shardchannels(mr_conn *c, size_t argc, const resp_span *argv) {
    list_channels(c, argc, argv, c->srv->shard_channels);
}

void mr_cmd_pubsub_numsub(mr_conn *c, size_t argc, const resp_span *argv) {
    count_subscribers(c, argc, argv, c->srv->channels);
}

void mr_cmd_pubsub_shardnumsub(mr_conn *c, size_t argc, const resp_span *argv) {
    count_subscribers(c, argc, argv, c->srv->shard_channels);
}

void mr_cmd_pubsub_numpat(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_add_integer(c, (long long)mr_dict_size(c->srv->patterns));
}
