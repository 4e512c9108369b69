/* server/server.h - the core's internal types, shared by core.c and the
 * command files.  Hosts use core.h only. */
#ifndef MR_SERVER_H
#define MR_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <resp/request.h>
#include <resp/writer.h>

#include "args.h"
#include "command.h"
#include "config.h"
#include "core.h"
#include "dict.h"
#include "mem.h"
#include "object.h"

typedef struct mr_db {
    mr_dict *keys;    /* key -> mr_obj * (an mr_str, mr_list, ...) */
    mr_dict *expires; /* key -> v.s64: absolute expiry time in ms */
    mr_dict *watched; /* key -> mr_watchers *: the connections WATCHing it */
    mr_dict *blocking; /* key -> mr_connset *: clients blocked on it, in the order they blocked */
} mr_db;

/* A key someone waits on that was created (blocking.c). */
typedef struct mr_ready_key {
    int db;
    char *key;
    size_t klen;
} mr_ready_key;

/* A connection's small set of other connections, in order. */
typedef struct mr_connset {
    mr_conn **items;
    size_t len, cap;
} mr_connset;

/* What INFO counts since the start or the last CONFIG RESETSTAT, which
 * zeroes all of it. */
/* What CLIENT PAUSE holds back, in increasing order. */
typedef enum mr_pause {
    MR_PAUSE_OFF,
    MR_PAUSE_WRITE, /* commands that write or may propagate */
    MR_PAUSE_ALL    /* every command */
} mr_pause;

#define MR_STATS_CACHE 64

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
    uint64_t lazyfreed;           /* keys freed on the thread pool */
    uint64_t total_error_replies; /* every error reply, silenced or not */
    unsigned long long peak_memory; /* the most used_memory INFO has seen */
} mr_stats;

struct mr_server {
    mr_config cfg;
    mr_host host;
    int64_t now_ms;
    int64_t now_us; /* the same moment, for TIME */
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
    int active_expire_off; /* DEBUG SET-ACTIVE-EXPIRE 0 */
    size_t lazyfree_pending;      /* keys FLUSHALL ASYNC has still to free */
    uint64_t parser_gen; /* bumped when the request parser's settings change */
    /* The LRU clock of each shared integer: in Redis every key holding
     * one shares its object, so using any of them sets it for all, and it
     * starts at the server's start (OBJECT IDLETIME). */
    uint32_t shared_lru[MR_SHARED_INTEGERS];
    /* Blocked clients (blocking.c). */
    size_t nblocked, nblocked_timeout; /* all, and those with a deadline */
    mr_ready_key *ready;               /* keys to serve once the command ends */
    size_t nready, ready_cap;
    mr_connset unblocked; /* to run their pipelined input */
    int serving;
    /* CLIENT PAUSE (pause.c): the kind in force until pause_end_ms, and
     * the clients whose command waits for its end, in arrival order. */
    mr_pause pause;
    int64_t pause_end_ms;
    mr_connset postponed;
    mr_connset monitors; /* MONITOR clients, in the order they asked */
    mr_dict *cmdstats;   /* command name -> its calls and latencies (stats.c) */
    struct {
        const struct mr_command *cmd;
        struct mr_cmdstat *stat;
    } stats_cache[MR_STATS_CACHE]; /* recent commands' entries in cmdstats */
    mr_dict *errorstats; /* error code -> v.s64 replies */
    mr_dict *clients_by_id; /* 8-byte id -> mr_conn * */
    mr_conn *current_client; /* the client whose command runs, or NULL */
    /* CLIENT TRACKING (tracking.c). */
    size_t tracking_clients;   /* clients with tracking on */
    mr_dict *tracking_table;   /* key name (any database) -> ids of clients that read it */
    size_t tracking_items;     /* ids in tracking_table, all keys together */
    mr_dict *tracking_prefixes; /* BCAST prefix -> its clients and changed keys */
    char **tracking_pending;   /* keys the current client changed while tracking them */
    size_t *tracking_pending_len;
    size_t tracking_pending_n, tracking_pending_cap;
};

/* One command queued between MULTI and EXEC, its arguments copied (the
 * query buffer they were parsed from is reused). */
typedef struct mr_queued {
    const struct mr_command *cmd;
    size_t argc;
    resp_span *argv; /* points into the same allocation */
} mr_queued;

/* One key a connection WATCHes, listed both in the connection and in its
 * database's `watched` (mr_watchers). */
typedef struct mr_watch {
    mr_conn *conn;
    int db;
    int expired; /* the key was already logically expired at WATCH time */
    size_t klen;
    char key[];
} mr_watch;

typedef struct mr_watchers {
    mr_watch **items;
    size_t len, cap;
} mr_watchers;

/* A connection's transaction (cmd_multi.c). */
typedef struct mr_txn {
    int active;     /* MULTI seen, EXEC or DISCARD not yet */
    int dirty_exec; /* a command was refused while queuing: EXEC aborts */
    int dirty_cas;  /* a watched key was changed: EXEC replies null */
    int executing;  /* EXEC is running the queue: nothing may block */
    mr_queued **queue;
    size_t count, cap;
    size_t mem; /* CLIENT LIST's multi-mem: argument bytes plus a pointer each */
    mr_watch **watches;
    size_t nwatches, watches_cap;
} mr_txn;

struct mr_conn {
    mr_server *srv;
    mr_conn *prev, *next;
    uint64_t id;
    char addr[64];
    char laddr[64]; /* the local address the host reported; "" when unknown */
    int fd;         /* the host's socket; -1 without one */
    char *name; /* CLIENT SETNAME; NULL = none */
    void *host_ud;
    resp_request_parser parser;
    char *in; /* query buffer: bytes not yet parsed */
    size_t in_len, in_cap;
    size_t in_peak; /* the most in_len held since the cron's last visit */
    resp_buf out;
    size_t inflight;         /* taken by the host, not yet written */
    int64_t soft_limit_since; /* 0 = under the soft limit */
    /* Redis's reply buffers, emulated to know when it checks the output
     * limits: only when a reply opens a new block (see obuf_account). */
    struct {
        size_t seen;        /* pending output already accounted */
        size_t static_free; /* room in the 16 KiB buffer while no block exists */
        size_t tail_free;   /* room in the last block */
        int blocks;         /* whether any block exists */
    } obuf;
    int proto;               /* 2 or 3 */
    int db;
    int authenticated;
    int ever_authenticated;  /* once set, the unauthenticated output cap is off */
    mr_close close;
    mr_dict *channels;       /* subscribed channels (set) */
    mr_dict *patterns;       /* subscribed patterns (set) */
    mr_dict *shard_channels; /* subscribed shard channels (set) */
    /* Redis's subscriber mode (flag P, the pubsub output class, RESP2's
     * restricted commands): set once a subscribe command has replied,
     * cleared once an unsubscribe leaves no subscription.  So the
     * replies of the command that enters or leaves it still count in
     * the class the client had. */
    int pubsub_mode;
    int64_t created_ms;
    int64_t last_ms;
    char last_cmd[32];
    int woken;               /* wake sent for the current output */
    mr_txn txn;
    /* CLIENT REPLY: reply_off silences until ON; reply_skip silences the
     * command running; reply_skip_next becomes reply_skip once it ends. */
    int reply_off, reply_skip, reply_skip_next;
    /* CLIENT REPLY ran inside EXEC: as in Redis 7.0, the EXEC array's
     * header counts replies that were then silenced, so what follows is
     * no longer whole RESP replies (mr_conn_replies_unframed). */
    int replies_unframed;
    int pushing;     /* writing a push (pub/sub, DEBUG PROTOCOL push): never silenced */
    const struct mr_command *running; /* the command being run, or NULL */
    int monitor;                      /* MONITOR: fed every command (flag O) */
    uint64_t errors;        /* error replies it was sent (INFO commandstats' failed calls) */
    unsigned tracking_flags;    /* MR_TRACK_* */
    uint64_t tracking_redirect; /* the client its invalidations go to, 0 for itself */
    char **tracking_prefixes;   /* BCAST prefixes */
    size_t *tracking_prefix_len;
    size_t tracking_nprefixes;
    uint64_t nested_errors; /* those of the commands EXEC ran, not EXEC's own */
    int quiet_close; /* see mr_conn_close_after_reply */
    int no_evict;    /* CLIENT NO-EVICT ON: only CLIENT LIST's flag e */
    uint64_t parser_gen; /* srv->parser_gen the parser was set up for */
    struct mr_block *block; /* blocked on keys (blocking.c); NULL when not */
};

/* ---- sets of connections (conn.c) ---- */
void mr_connset_add(mr_connset *s, mr_conn *c);
/* Removes c, keeping the others in order.  Returns the number left. */
size_t mr_connset_remove(mr_connset *s, mr_conn *c);
/* Frees a heap-allocated set (a dict's free function). */
void mr_connset_free(void *p);

/* ---- the log (log.c) ---- */
void mr_log(mr_server *srv, mr_loglevel level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* ---- a connection's state (conn.c) ---- */
/* Parses and runs the commands in the query buffer until it is empty,
 * the connection blocks or must close (core.c). */
void mr_conn_process_input(mr_conn *c);
/* Tells the host the connection has output or must close. */
void mr_conn_wake(mr_conn *c);
/* Total subscriptions (channels, patterns and shard channels) of a
 * connection: any of them puts it in the subscribed context. */
size_t mr_conn_subscriptions(const mr_conn *c);
int mr_conn_in_pubsub(const mr_conn *c);
/* Closes the connection when its pending output is over its class's
 * limit (client-output-buffer-limit), or while it never authenticated. */
void mr_conn_check_output_limits(mr_conn *c);
/* Output was added (a reply, a command's replies): checks the limits if
 * Redis would have opened a reply block for it. */
void mr_conn_output_added(mr_conn *c);
/* The host wrote some output: when all of it is out, Redis's buffers are
 * empty again. */
void mr_conn_output_written(mr_conn *c);
/* Closes another connection at once (CLIENT KILL, limits). */
void mr_conn_kill(mr_conn *c);
/* Closes the connection once its queued replies are written (QUIT,
 * protocol errors, CLIENT KILL of itself). */
void mr_conn_close_after_reply(mr_conn *c);
/* Whether replies are being dropped (CLIENT REPLY OFF or SKIP); pushes
 * still go out. */
int mr_conn_silenced(const mr_conn *c);
/* Whether a reply written now would be dropped: silenced, or the
 * connection is closing at once.  Accounts the output added before it
 * first (mr_conn_output_added), so a reply that opened a block past the
 * hard limit stops growing there. */
int mr_conn_muted(mr_conn *c);
/* The connection is closing without writing anything more (killed, over
 * an output limit): a loop producing a long reply can stop. */
int mr_conn_closing(const mr_conn *c);
/* The connection must AUTH before running most commands. */
int mr_conn_auth_required(const mr_conn *c);
/* proto-max-bulk-len or requirepass changed: every connection sets up its
 * request parser again before it parses its next command. */
void mr_server_parser_settings_changed(mr_server *srv);

/* ---- replies (reply.c): each appends to c->out in c->proto, unless
 * the connection is muted (mr_conn_muted) ---- */
void mr_add_raw(mr_conn *c, const char *s, size_t len);
void mr_add_ok(mr_conn *c);
void mr_add_status(mr_conn *c, const char *s);
void mr_add_status_len(mr_conn *c, const char *s, size_t len);
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
/* A double as Redis's addReplyDouble: %.17g as a bulk string (RESP2) or a
 * double (RESP3), infinities as inf and -inf. */
void mr_add_double(mr_conn *c, double v);
void mr_add_null(mr_conn *c);       /* $-1 or _ */
void mr_add_null_array(mr_conn *c); /* *-1 or _ */
void mr_add_array(mr_conn *c, size_t n);
void mr_add_map(mr_conn *c, size_t pairs);
void mr_add_set(mr_conn *c, size_t n);
/* The words of a space-separated list: returns the next word's length
 * and moves *p past it, 0 at the end. */
size_t mr_next_word(const char **p, const char **word);
/* A set of the words of a space-separated list, as status strings
 * (status != 0) or bulk strings. */
void mr_add_word_set(mr_conn *c, const char *list, int status);
void mr_add_push(mr_conn *c, size_t n); /* RESP2: array */
/* An array header in RESP2 form whatever the protocol (PUBSUB NUMSUB). */
void mr_add_array_resp2(mr_conn *c, size_t n);
void mr_add_verbatim(mr_conn *c, const char *s, size_t len);
void mr_add_bool(mr_conn *c, int v);                  /* RESP2: :1 or :0 */
void mr_add_big_number(mr_conn *c, const char *digits); /* RESP2: bulk */
/* An attribute header of n pairs; RESP2 has none: the caller leaves the
 * pairs out too. */
void mr_add_attribute(mr_conn *c, size_t pairs);
/* An array of the names in d matching a glob pattern (NULL: all), less
 * those keep() refuses (KEYS, PUBSUB CHANNELS). */
void mr_add_matching_names(mr_conn *c, mr_dict *d, const resp_span *pattern,
                           int (*keep)(mr_conn *c, const mr_dict_entry *e));

/* Common error texts (Redis 7.0's). */
#define MR_ERR_SYNTAX "ERR syntax error"
#define MR_ERR_NOT_INT "ERR value is not an integer or out of range"
#define MR_ERR_ARITY_FMT "ERR wrong number of arguments for '%s' command"
#define MR_ERR_NOT_FLOAT "ERR value is not a valid float"
#define MR_ERR_WRONGTYPE "WRONGTYPE Operation against a key holding the wrong kind of value"
#define MR_ERR_NO_KEY "ERR no such key"

/* ---- keyspace (db.c) ---- */
/* Redis's LRU clock: seconds, in 24 bits (INFO's lru_clock). */
#define MR_LRU_CLOCK_MAX ((1u << 24) - 1)
uint32_t mr_lru_clock(const mr_server *srv);
/* When the value was last used: its own LRU clock, or its shared
 * integer's. */
uint32_t mr_obj_lru(const mr_server *srv, const mr_obj *o);
/* maxmemory-policy is allkeys-lfu or volatile-lfu: stamps are LFU. */
int mr_policy_lfu(const mr_server *srv);
/* An LFU stamp's counter, decayed by the minutes since (OBJECT FREQ). */
unsigned mr_lfu_counter(const mr_server *srv, uint32_t stamp);
/* As mr_db_lookup, without marking the key used (EXISTS, TYPE, TTL,
 * OBJECT: Redis's LOOKUP_NOTOUCH). */
mr_obj *mr_db_peek(mr_server *srv, int db, const char *key, size_t klen);
/* Looks a key up (any type), expiring it first if its time has passed,
 * and marks it used now. */
mr_obj *mr_db_lookup(mr_server *srv, int db, const char *key, size_t klen);
/* A command's lookup of a key that must hold type t: 1 with *out the
 * value (NULL when the key is missing), or 0 after replying WRONGTYPE. */
int mr_db_lookup_typed(mr_conn *c, const char *key, size_t klen, mr_type t, mr_obj **out);
/* The keymiss event of a lookup that found nothing (class m).
 * mr_db_lookup_typed tells it for read commands; write commands that read
 * a key as Redis's lookupKeyRead does (GETDEL, the STORE commands' sources)
 * tell it themselves. */
void mr_db_keymiss(mr_conn *c, const char *key, size_t klen);
/* After mr_db_lookup_typed missed, in a command that reads the key as
 * lookupKeyRead does: the keymiss event, unless the lookup told it. */
void mr_db_read_miss(mr_conn *c, const char *key, size_t klen);
/* mr_db_lookup_typed for a string: 1 with *v (NULL when the key is
 * missing), or 0 after replying WRONGTYPE. */
int mr_db_lookup_string(mr_conn *c, const resp_span *key, mr_str **v);
/* Sets a value (taking ownership); clears the expiry unless keep_ttl. */
void mr_db_set(mr_server *srv, int db, const char *key, size_t klen, mr_obj *val, int keep_ttl);
/* The string at key (checked to be one, or missing), at least len bytes
 * long: created, or lengthened in place with zero bytes (SETBIT past the
 * end); its TTL stays.  WATCH is not told: the caller calls mr_db_changed
 * when the command counts as a write (Redis's SETBIT does when it made or
 * lengthened the string or changed the bit; BITFIELD when it wrote). */
mr_str *mr_db_string_at_least(mr_server *srv, int db, const char *key, size_t klen, size_t len);
/* A value was changed in place (a push onto a list): WATCH sees it. */
void mr_db_changed(mr_server *srv, int db, const char *key, size_t klen);
/* A container at key lost elements: its event (class cls; none when
 * event is NULL), then, emptied, the key goes ("del"), else WATCH sees
 * the change.  Redis deletes an empty list, hash, set or sorted set. */
void mr_db_shrunk(mr_conn *c, const resp_span *key, int empty, unsigned cls, const char *event);
int mr_db_delete(mr_server *srv, int db, const char *key, size_t klen);
/* As mr_db_delete, but a large value is freed on the thread pool (UNLINK). */
int mr_db_delete_lazy(mr_server *srv, int db, const char *key, size_t klen);
/* Removes a key and hands its value over, expiry dropped (RENAME). */
mr_obj *mr_db_unlink(mr_server *srv, int db, const char *key, size_t klen);
/* Expiry time in ms, or -1 when the key has none. */
int64_t mr_db_get_expire(mr_server *srv, int db, const char *key, size_t klen);
void mr_db_set_expire(mr_server *srv, int db, const char *key, size_t klen, int64_t when_ms);
int mr_db_persist(mr_server *srv, int db, const char *key, size_t klen);
/* SWAPDB: the two databases exchange their keys (WATCH is told). */
void mr_db_swap(mr_server *srv, int a, int b);
/* Empties a database; with async the old tables are freed off the loop. */
void mr_db_flush(mr_server *srv, int db, int async);
/* Active expiry: samples keys with a TTL, as Redis's cycle does. */
void mr_db_active_expire(mr_server *srv);

/* ---- blocked clients (blocking.c) ---- */
/* Serves a client blocked on key, which now holds val of the type it
 * waits for: pops and replies as the command would have. */
typedef void mr_block_serve(mr_conn *c, const resp_span *key, mr_obj *val);
typedef struct mr_block_how {
    mr_type type;          /* the type of value it waits for */
    mr_block_serve *serve;
    int64_t deadline;      /* from mr_block_parse_timeout; 0 = none */
    size_t first, nkeys;   /* the keys: argv[first], argv[first + 1] ... */
} mr_block_how;
typedef enum mr_unblock_how {
    MR_UNBLOCK_QUIET,   /* the client is going away */
    MR_UNBLOCK_SERVED,  /* the serve function replied */
    MR_UNBLOCK_TIMEOUT, /* null, as Redis replies a timeout */
    MR_UNBLOCK_ERROR    /* CLIENT UNBLOCK ERROR */
} mr_unblock_how;
/* A timeout in seconds as Redis 7.0 reads one: the deadline in ms (0 for
 * none), or 0 after replying Redis's error. */
int mr_block_parse_timeout(mr_conn *c, const resp_span *a, int64_t *deadline);
/* Whether a command may block now (not while EXEC runs its queue). */
int mr_block_allowed(const mr_conn *c);
/* Blocks c in the command argv (copied) on the keys how names. */
void mr_block_on_keys(mr_conn *c, size_t argc, const resp_span *argv, const mr_block_how *how);
/* The command a blocked client is blocked in (for serve functions). */
const resp_span *mr_block_argv(const mr_conn *c, size_t *argc);
void mr_unblock(mr_conn *c, mr_unblock_how how);
/* The connection goes away: no longer blocked, nothing left to run. */
void mr_block_forget(mr_conn *c);
/* A key was created: clients waiting on it are served once the command
 * ends.  mr_block_signal_db marks every waited-on key that exists (SWAPDB). */
void mr_block_signal(mr_server *srv, int db, const char *key, size_t klen);
void mr_block_signal_db(mr_server *srv, int db);
/* After a command: serves the clients waiting on ready keys. */
void mr_block_serve_ready(mr_server *srv);
/* Runs the input that unblocked clients had pipelined. */
void mr_block_run_unblocked(mr_server *srv);
/* Times out clients past their deadline (from the cron). */
void mr_block_cron(mr_server *srv);

/* Holds c's command (copied) until the pause ends: c is blocked, with no
 * keys, and its pipelined input waits too. */
void mr_block_postpone(mr_conn *c, size_t argc, const resp_span *argv);
int mr_block_is_postponed(const mr_conn *c);
/* The pause ended: every postponed client runs its command again, in the
 * order they came, then its pipelined input. */
void mr_block_resume_postponed(mr_server *srv);

/* ---- CLIENT PAUSE (pause.c) ---- */
/* A pause is in force: its deadline has not passed (the pause itself
 * ends at the next mr_pause_check). */
static inline int mr_paused(const mr_server *srv) {
    return srv->pause != MR_PAUSE_OFF && srv->now_ms <= srv->pause_end_ms;
}
/* The pause in force holds back cmd from c. */
int mr_pause_postpones(const mr_conn *c, const struct mr_command *cmd);
/* Starts a pause, or widens the one in force (larger kind, later end). */
void mr_pause_start(mr_server *srv, mr_pause kind, int64_t end_ms);
/* Ends the pause now (CLIENT UNPAUSE) and resumes the postponed clients. */
void mr_pause_stop(mr_server *srv);
/* Ends a pause whose deadline has passed (the cron, a new event). */
void mr_pause_check(mr_server *srv);

/* ---- pub/sub (cmd_pubsub.c) ---- */
/* Removes every subscription of a connection (on close or RESET). */
void mr_pubsub_drop(mr_conn *c, int notify);
/* PUBLISH: channel subscribers, then matching patterns.  Returns the
 * number of receivers. */
long long mr_pubsub_publish(mr_server *srv, const char *ch, size_t chlen, const char *msg,
                            size_t msglen);

/* Runs one command as Redis's call() does: the command it is for later
 * lookups, its time and errors in the statistics (a blocked one counts
 * once served), its keys remembered for a tracking client if it only
 * reads, its line to the monitors.  EXEC runs its queue through it. */
void mr_call(mr_conn *c, const struct mr_command *cmd, size_t argc, const resp_span *argv);

/* ---- statistics (stats.c) ---- */
void mr_stats_init(mr_server *srv);
void mr_stats_free(mr_server *srv);
/* CONFIG RESETSTAT: command, error and latency statistics start over. */
void mr_stats_reset(mr_server *srv);
/* A monotonic clock in microseconds, for the time commands take. */
int64_t mr_stats_clock_us(void);
/* An error reply's text (without '-'): counted by its code. */
void mr_stats_error(mr_server *srv, const char *text, size_t len);
/* A command ran (failed: it replied an error). */
void mr_stats_call(mr_server *srv, const struct mr_command *cmd, long long usec, int failed);
/* A command refused before it ran. */
void mr_stats_rejected(mr_server *srv, const struct mr_command *cmd);
void mr_info_commandstats(resp_buf *b, mr_server *srv);
void mr_info_errorstats(resp_buf *b, mr_server *srv);
void mr_info_latencystats(resp_buf *b, mr_server *srv);
/* A command blocked its client: it counts as a call when served. */
void mr_block_note_call(mr_conn *c, const struct mr_command *cmd, long long usec,
                        uint64_t errors);

/* ---- CLIENT TRACKING (tracking.c) ---- */
enum {
    MR_TRACK_ON = 1 << 0,
    MR_TRACK_BCAST = 1 << 1,
    MR_TRACK_OPTIN = 1 << 2,
    MR_TRACK_OPTOUT = 1 << 3,
    MR_TRACK_NOLOOP = 1 << 4,
    MR_TRACK_CACHING = 1 << 5,      /* CLIENT CACHING yes/no, for the next command */
    MR_TRACK_BROKEN_REDIR = 1 << 6 /* the redirect target went away */
};
void mr_tracking_init(mr_server *srv);
void mr_tracking_free(mr_server *srv);
/* A read command ran: remember its keys for c (default mode). */
void mr_tracking_remember(mr_conn *c, const struct mr_command *cmd, size_t argc,
                          const resp_span *argv);
/* A key changed (any database): invalidate it for the clients that read it. */
void mr_tracking_invalidate(mr_server *srv, const char *key, size_t klen);
/* FLUSHDB, FLUSHALL: every tracking client is told with a null. */
void mr_tracking_flush_all(mr_server *srv);
/* After c's command replied: the invalidations it caused itself. */
void mr_tracking_after_command(mr_conn *c);
/* Once the events in hand are handled: BCAST invalidations go out. */
void mr_tracking_flush(mr_server *srv);
void mr_tracking_add_prefix(mr_conn *c, const char *p, size_t len);
/* Tracking off (CLIENT TRACKING off, RESET, close). */
void mr_tracking_disable(mr_conn *c);
/* The connection with this id, or NULL. */
mr_conn *mr_conn_by_id(mr_server *srv, uint64_t id);

/* ---- MONITOR (monitor.c) ---- */
/* After a command ran: its line to every monitor (unless it is an
 * administrative command). */
void mr_monitor_feed(mr_conn *c, const struct mr_command *cmd, size_t argc, const resp_span *argv);
/* The connection is no longer a monitor (RESET, close). */
void mr_monitor_stop(mr_conn *c);

/* ---- keyspace notifications (notify.c) ---- */
/* A key event: published if notify-keyspace-events has class cls (an
 * mr_notify_class bit) and K or E. */
void mr_notify(mr_server *srv, unsigned cls, const char *event, int db, const char *key,
               size_t klen);

/* ---- transactions (cmd_multi.c) ---- */
/* A command refused (unknown, arity, ...) while queuing: EXEC will abort. */
void mr_multi_flag(mr_conn *c);
/* Queues a command between MULTI and EXEC (copying its arguments). */
void mr_multi_queue(mr_conn *c, const struct mr_command *cmd, size_t argc, const resp_span *argv);
/* EXEC itself was refused: replies EXECABORT with the reason (an error
 * line; a leading "ERR " is dropped) and discards the transaction. */
void mr_multi_abort(mr_conn *c, const char *reason);
/* Ends any transaction and forgets every watched key (DISCARD, RESET,
 * EXEC, closing). */
void mr_multi_discard(mr_conn *c);
/* ---- watched keys (watch.c) ---- */
/* WATCH key in the connection's database (once per key). */
void mr_watch_key(mr_conn *c, const char *key, size_t klen);
/* Forgets every key the connection watches. */
void mr_unwatch_all(mr_conn *c);
/* A watched key expired since it was watched: EXEC must fail. */
int mr_watched_key_expired(mr_conn *c);
/* A key was written: connections WATCHing it will not EXEC. */
void mr_watch_touch(mr_server *srv, int db, const char *key, size_t klen);
/* A database is about to be emptied: every watched key in it that
 * exists counts as written. */
void mr_watch_touch_db(mr_server *srv, int db);
/* Before SWAPDB a b: the watched keys of both that the swap changes. */
void mr_watch_touch_swap(mr_server *srv, int a, int b);
void mr_watchers_free(void *p);

/* ---- commands (command.h, dispatch.c) ---- */
/* Runs one parsed command with Redis's checks, in Redis's order. */
void mr_command_dispatch(mr_conn *c, size_t argc, const resp_span *argv);

#endif /* MR_SERVER_H */
