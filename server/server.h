/* server/server.h - the core's internal types, shared by core.c and the
 * command files.  Hosts use core.h only. */
#ifndef MR_SERVER_H
#define MR_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <resp/request.h>
#include <resp/writer.h>

#include "config.h"
#include "core.h"
#include "dict.h"

/* A string value: length and bytes (a NUL follows, not counted). */
typedef struct mr_str {
    size_t len;
    char data[];
} mr_str;

typedef struct mr_db {
    mr_dict *keys;    /* key -> mr_str * */
    mr_dict *expires; /* key -> v.s64: absolute expiry time in ms */
} mr_db;

typedef struct mr_stats {
    uint64_t connections_received;
    uint64_t commands_processed;
    uint64_t rejected_connections;
    uint64_t expired_keys;
    uint64_t keyspace_hits;
    uint64_t keyspace_misses;
    uint64_t pubsub_messages;
    uint64_t net_input_bytes;
    uint64_t net_output_bytes;
} mr_stats;

struct mr_server {
    mr_config cfg;
    mr_host host;
    int64_t now_ms;
    int64_t start_ms;
    mr_db *dbs;
    mr_conn *clients; /* doubly linked list, newest first */
    size_t nclients;
    uint64_t next_id;
    mr_dict *channels; /* channel -> mr_connset * */
    mr_dict *patterns; /* pattern -> mr_connset * */
    mr_dict *shard_channels; /* shard channel -> mr_connset * (SSUBSCRIBE) */
    mr_stats stats;
    uint64_t rng;
    int expire_db;      /* where the active expiry cycle resumes */
    int pending_frees;  /* FLUSHALL ASYNC jobs still running */
};

/* A small set of connections (subscribers of one channel or pattern), in
 * subscription order. */
typedef struct mr_connset {
    mr_conn **items;
    size_t len, cap;
} mr_connset;

enum { MR_KEEP = 0, MR_CLOSE_AFTER_REPLY = 1, MR_CLOSE_NOW = 2 };

struct mr_conn {
    mr_server *srv;
    mr_conn *prev, *next;
    uint64_t id;
    char addr[64];
    char *name; /* CLIENT SETNAME; NULL = none */
    void *host_ud;
    resp_request_parser parser;
    char *in; /* query buffer: bytes not yet parsed */
    size_t in_len, in_cap;
    resp_buf out;
    size_t inflight;         /* taken by the host, not yet written */
    int64_t soft_limit_since; /* 0 = under the soft limit */
    int proto;               /* 2 or 3 */
    int db;
    int authenticated;
    int ever_authenticated;  /* once set, the unauthenticated output cap is off */
    int close;               /* MR_KEEP, MR_CLOSE_AFTER_REPLY, MR_CLOSE_NOW */
    mr_dict *channels;       /* subscribed channels (set) */
    mr_dict *patterns;       /* subscribed patterns (set) */
    mr_dict *shard_channels; /* subscribed shard channels (set) */
    int64_t created_ms;
    int64_t last_ms;
    char last_cmd[32];
    int woken;               /* wake sent for the current output */
};

/* ---- helpers in core.c ---- */
void *mr_xmalloc(size_t n);
void *mr_xrealloc(void *p, size_t n);
char *mr_xstrndup(const char *s, size_t n);
mr_str *mr_str_new(const char *data, size_t len);
void mr_log(mr_server *srv, mr_loglevel level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Tells the host the connection has output or must close. */
void mr_conn_wake(mr_conn *c);
/* Total subscriptions (channels, patterns and shard channels) of a
 * connection: any of them puts it in the subscribed context. */
size_t mr_conn_subscriptions(const mr_conn *c);
/* Closes another connection at once (CLIENT KILL, limits). */
void mr_conn_kill(mr_conn *c);

/* ---- replies (reply.c): each appends to c->out in c->proto ---- */
void mr_add_raw(mr_conn *c, const char *s, size_t len);
void mr_add_ok(mr_conn *c);
void mr_add_status(mr_conn *c, const char *s);
/* An error line; the text is given without '-' ("ERR syntax error"). */
void mr_add_error(mr_conn *c, const char *text);
void mr_add_errorf(mr_conn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* printf onto any buffer (CLIENT LIST, INFO bodies). */
void mr_buf_printf(resp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mr_add_integer(mr_conn *c, long long v);
void mr_add_bulk(mr_conn *c, const char *s, size_t len);
void mr_add_bulk_cstr(mr_conn *c, const char *s);
void mr_add_null(mr_conn *c);       /* $-1 or _ */
void mr_add_null_array(mr_conn *c); /* *-1 or _ */
void mr_add_array(mr_conn *c, size_t n);
void mr_add_map(mr_conn *c, size_t pairs);
void mr_add_set(mr_conn *c, size_t n);
void mr_add_push(mr_conn *c, size_t n); /* RESP2: array */
void mr_add_verbatim(mr_conn *c, const char *s, size_t len);
void mr_add_double(mr_conn *c, double d);
void mr_add_bool(mr_conn *c, int v);
/* An array of the names in d matching a glob pattern (NULL: all), less
 * those keep() refuses (KEYS, PUBSUB CHANNELS). */
void mr_add_matching_names(mr_conn *c, mr_dict *d, const resp_span *pattern,
                           int (*keep)(mr_conn *c, const mr_dict_entry *e));

/* Common error texts (Redis 7.0's). */
#define MR_ERR_SYNTAX "ERR syntax error"
#define MR_ERR_NOT_INT "ERR value is not an integer or out of range"
#define MR_ERR_NOT_FLOAT "ERR value is not a valid float"
#define MR_ERR_WRONGTYPE "WRONGTYPE Operation against a key holding the wrong kind of value"
#define MR_ERR_NO_KEY "ERR no such key"

/* ---- keyspace (db.c) ---- */
/* Looks a key up, expiring it first if its time has passed. */
mr_str *mr_db_get(mr_server *srv, int db, const char *key, size_t klen);
/* Sets a value (taking ownership); clears the expiry unless keep_ttl. */
void mr_db_set(mr_server *srv, int db, const char *key, size_t klen, mr_str *val, int keep_ttl);
int mr_db_delete(mr_server *srv, int db, const char *key, size_t klen);
/* Expiry time in ms, or -1 when the key has none. */
int64_t mr_db_get_expire(mr_server *srv, int db, const char *key, size_t klen);
void mr_db_set_expire(mr_server *srv, int db, const char *key, size_t klen, int64_t when_ms);
int mr_db_persist(mr_server *srv, int db, const char *key, size_t klen);
/* Empties a database; with async the old tables are freed off the loop. */
void mr_db_flush(mr_server *srv, int db, int async);
/* Active expiry: samples keys with a TTL, as Redis's cycle does. */
void mr_db_active_expire(mr_server *srv);
/* Parses a whole argument as a long long (Redis's string2ll). */
int mr_parse_ll(const resp_span *a, long long *out);

/* ---- pub/sub (cmd_pubsub.c) ---- */
/* Removes every subscription of a connection (on close or RESET). */
void mr_pubsub_drop(mr_conn *c, int notify);
/* PUBLISH: channel subscribers, then matching patterns.  Returns the
 * number of receivers. */
long long mr_pubsub_publish(mr_server *srv, const char *ch, size_t chlen, const char *msg,
                            size_t msglen);

/* ---- commands (commands.c) ---- */
typedef void mr_command_proc(mr_conn *c, size_t argc, const resp_span *argv);

enum {
    MR_CMD_NOAUTH = 1,  /* allowed before AUTH */
    MR_CMD_PUBSUB_OK = 2 /* allowed in the RESP2 subscribed context */
};

typedef struct mr_command {
    const char *name; /* lower case, as in error texts */
    int arity;        /* n = exactly n; -n = at least n (name included) */
    int flags;
    mr_command_proc *proc;
    const struct mr_command *subcommands; /* NULL-terminated table, or NULL */
    int first_key, last_key, key_step;    /* COMMAND INFO */
    const char *summary;                  /* COMMAND DOCS */
    const char *group;
} mr_command;

const mr_command *mr_command_lookup(const char *name, size_t len);
const mr_command *mr_command_table(size_t *count);
/* Runs one parsed command with Redis's checks, in Redis's order. */
void mr_command_dispatch(mr_conn *c, size_t argc, const resp_span *argv);

/* Case-insensitive comparison of an argument with a lower-case word. */
int mr_arg_is(const resp_span *a, const char *word);

#endif /* MR_SERVER_H */
