/* server/commands.c - the command table and the checks every command
 * goes through, in the order Redis 7.0's processCommand makes them:
 * unknown command or subcommand, arity, authentication, commands refused
 * inside MULTI, then the RESP2 subscribed context; after them, a command
 * is queued (between MULTI and EXEC) or run. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "commands.h"

#define NOAUTH MR_CMD_NOAUTH
#define PUBSUB MR_CMD_PUBSUB_OK
#define NOQUEUE MR_CMD_NOT_QUEUED
#define NOMULTI MR_CMD_NO_MULTI

/* name, arity, flags, proc, subcommands, first/last/step key, summary, group */
static const mr_command client_subcommands[] = {
    {"client|id", 2, 0, mr_cmd_client_id, NULL, 0, 0, 0, "The connection's numeric id.", "connection"},
    {"client|setname", 3, 0, mr_cmd_client_setname, NULL, 0, 0, 0, "Names this connection.", "connection"},
    {"client|getname", 2, 0, mr_cmd_client_getname, NULL, 0, 0, 0, "This connection's name.", "connection"},
    {"client|info", 2, 0, mr_cmd_client_info, NULL, 0, 0, 0, "One line describing this connection.", "connection"},
    {"client|list", -2, 0, mr_cmd_client_list, NULL, 0, 0, 0, "One line per open connection.", "connection"},
    {"client|kill", -3, 0, mr_cmd_client_kill, NULL, 0, 0, 0, "Closes the connections that match.", "connection"},
    {"client|reply", 3, 0, mr_cmd_client_reply, NULL, 0, 0, 0, "Turns this connection's replies off, back on, or off for one command.", "connection"},
    {NULL, 0, 0, NULL, NULL, 0, 0, 0, NULL, NULL}};

static const mr_command config_subcommands[] = {
    {"config|get", -3, 0, mr_cmd_config_get, NULL, 0, 0, 0, "Current values of the settings that match the patterns.", "server"},
    {"config|set", -4, 0, mr_cmd_config_set, NULL, 0, 0, 0, "Changes settings while the server runs, all of them or none.", "server"},
    {NULL, 0, 0, NULL, NULL, 0, 0, 0, NULL, NULL}};

static const mr_command command_subcommands[] = {
    {"command|count", 2, 0, mr_cmd_command_count, NULL, 0, 0, 0, "How many commands the server knows.", "server"},
    {"command|docs", -2, 0, mr_cmd_command_docs, NULL, 0, 0, 0, "Documentation of the named commands, or of all.", "server"},
    {"command|info", -2, 0, mr_cmd_command_info, NULL, 0, 0, 0, "Arity, flags and key positions of the named commands, or of all.", "server"},
    {"command|list", -2, 0, mr_cmd_command_list, NULL, 0, 0, 0, "Names of all commands.", "server"},
    {NULL, 0, 0, NULL, NULL, 0, 0, 0, NULL, NULL}};

static const mr_command pubsub_subcommands[] = {
    {"pubsub|channels", -2, 0, mr_cmd_pubsub_channels, NULL, 0, 0, 0, "Channels with at least one subscriber, optionally filtered.", "pubsub"},
    {"pubsub|shardchannels", -2, 0, mr_cmd_pubsub_shardchannels, NULL, 0, 0, 0, "Shard channels with at least one subscriber, optionally filtered.", "pubsub"},
    {"pubsub|numsub", -2, 0, mr_cmd_pubsub_numsub, NULL, 0, 0, 0, "Subscriber count of each named channel.", "pubsub"},
    {"pubsub|shardnumsub", -2, 0, mr_cmd_pubsub_shardnumsub, NULL, 0, 0, 0, "Subscriber count of each named shard channel.", "pubsub"},
    {"pubsub|numpat", 2, 0, mr_cmd_pubsub_numpat, NULL, 0, 0, 0, "How many distinct patterns have subscribers.", "pubsub"},
    {NULL, 0, 0, NULL, NULL, 0, 0, 0, NULL, NULL}};

static const mr_command table[] = {
    {"append", 3, 0, mr_cmd_append, NULL, 1, 1, 1, "Adds bytes to the end of a string value (an absent key counts as empty).", "string"},
    {"auth", -2, NOAUTH, mr_cmd_auth, NULL, 0, 0, 0, "Authenticates this connection.", "connection"},
    {"client", -2, 0, NULL, client_subcommands, 0, 0, 0, "Commands about client connections.", "connection"},
    {"command", -1, 0, mr_cmd_command, command_subcommands, 0, 0, 0, "Details of every command.", "server"},
    {"config", -2, 0, NULL, config_subcommands, 0, 0, 0, "Commands about the server's settings.", "server"},
    {"dbsize", 1, 0, mr_cmd_dbsize, NULL, 0, 0, 0, "How many keys the selected database holds.", "server"},
    {"decr", 2, 0, mr_cmd_decr, NULL, 1, 1, 1, "Subtracts one from an integer value (absent counts as 0).", "string"},
    {"decrby", 3, 0, mr_cmd_decrby, NULL, 1, 1, 1, "Subtracts an amount from an integer value (absent counts as 0).", "string"},
    {"del", -2, 0, mr_cmd_del, NULL, 1, -1, 1, "Removes keys; replies how many existed.", "generic"},
    {"discard", 1, NOQUEUE, mr_cmd_discard, NULL, 0, 0, 0, "Drops the commands queued since MULTI and ends the transaction.", "transactions"},
    {"echo", 2, 0, mr_cmd_echo, NULL, 0, 0, 0, "Replies with its argument.", "connection"},
    {"exec", 1, NOQUEUE, mr_cmd_exec, NULL, 0, 0, 0, "Runs the commands queued since MULTI, replying with all their replies.", "transactions"},
    {"exists", -2, 0, mr_cmd_exists, NULL, 1, -1, 1, "Counts how many of the keys exist (repeats count again).", "generic"},
    {"expire", -3, 0, mr_cmd_expire, NULL, 1, 1, 1, "Gives a key a time to live, in seconds.", "generic"},
    {"expireat", -3, 0, mr_cmd_expireat, NULL, 1, 1, 1, "Gives a key an expiry moment, in Unix seconds.", "generic"},
    {"expiretime", 2, 0, mr_cmd_expiretime, NULL, 1, 1, 1, "A key's expiry moment, in Unix seconds.", "generic"},
    {"flushall", -1, 0, mr_cmd_flushall, NULL, 0, 0, 0, "Empties every database.", "server"},
    {"flushdb", -1, 0, mr_cmd_flushdb, NULL, 0, 0, 0, "Empties the selected database.", "server"},
    {"get", 2, 0, mr_cmd_get, NULL, 1, 1, 1, "A key's string value.", "string"},
    {"getdel", 2, 0, mr_cmd_getdel, NULL, 1, 1, 1, "A key's string value; the key is removed.", "string"},
    {"getex", -2, 0, mr_cmd_getex, NULL, 1, 1, 1, "A key's string value, changing its expiry.", "string"},
    {"getrange", 4, 0, mr_cmd_getrange, NULL, 1, 1, 1, "Part of a string value, by byte positions.", "string"},
    {"hello", -1, NOAUTH, mr_cmd_hello, NULL, 0, 0, 0, "Chooses the protocol version and describes the server.", "connection"},
    {"host:", -1, NOAUTH, mr_cmd_security_warning, NULL, 0, 0, 0, NULL, NULL},
    {"incr", 2, 0, mr_cmd_incr, NULL, 1, 1, 1, "Adds one to an integer value (absent counts as 0).", "string"},
    {"incrby", 3, 0, mr_cmd_incrby, NULL, 1, 1, 1, "Adds an amount to an integer value (absent counts as 0).", "string"},
    {"incrbyfloat", 3, 0, mr_cmd_incrbyfloat, NULL, 1, 1, 1, "Adds a decimal amount to a numeric value (absent counts as 0).", "string"},
    {"info", -1, 0, mr_cmd_info, NULL, 0, 0, 0, "Server facts and counters, by section.", "server"},
    {"keys", 2, 0, mr_cmd_keys, NULL, 0, 0, 0, "Every key name that matches a glob pattern.", "generic"},
    {"mget", -2, 0, mr_cmd_mget, NULL, 1, -1, 1, "The values of several keys at once.", "string"},
    {"mset", -3, 0, mr_cmd_mset, NULL, 1, -1, 2, "Sets several keys at once.", "string"},
    {"msetnx", -3, 0, mr_cmd_msetnx, NULL, 1, -1, 2, "Sets several keys at once, only if none of them exists.", "string"},
    {"multi", 1, NOQUEUE, mr_cmd_multi, NULL, 0, 0, 0, "Starts a transaction: later commands are queued until EXEC.", "transactions"},
    {"persist", 2, 0, mr_cmd_persist, NULL, 1, 1, 1, "Drops a key's expiry.", "generic"},
    {"pexpire", -3, 0, mr_cmd_pexpire, NULL, 1, 1, 1, "Gives a key a time to live, in milliseconds.", "generic"},
    {"pexpireat", -3, 0, mr_cmd_pexpireat, NULL, 1, 1, 1, "Gives a key an expiry moment, in Unix milliseconds.", "generic"},
    {"pexpiretime", 2, 0, mr_cmd_pexpiretime, NULL, 1, 1, 1, "A key's expiry moment, in Unix milliseconds.", "generic"},
    {"ping", -1, PUBSUB, mr_cmd_ping, NULL, 0, 0, 0, "Checks the connection: PONG, or the given message.", "connection"},
    {"post", -1, NOAUTH, mr_cmd_security_warning, NULL, 0, 0, 0, NULL, NULL},
    {"psetex", 4, 0, mr_cmd_psetex, NULL, 1, 1, 1, "Sets a value with a time to live in milliseconds.", "string"},
    {"psubscribe", -2, PUBSUB, mr_cmd_psubscribe, NULL, 0, 0, 0, "Receives messages of the channels matching glob patterns.", "pubsub"},
    {"pttl", 2, 0, mr_cmd_pttl, NULL, 1, 1, 1, "A key's remaining time to live, in milliseconds.", "generic"},
    {"publish", 3, 0, mr_cmd_publish, NULL, 0, 0, 0, "Sends a message to a channel's subscribers.", "pubsub"},
    {"pubsub", -2, 0, NULL, pubsub_subcommands, 0, 0, 0, "Commands about channels and subscribers.", "pubsub"},
    {"punsubscribe", -1, PUBSUB, mr_cmd_punsubscribe, NULL, 0, 0, 0, "Stops receiving messages for patterns.", "pubsub"},
    {"quit", -1, NOAUTH | PUBSUB | NOQUEUE, mr_cmd_quit, NULL, 0, 0, 0, "Replies OK and closes the connection.", "connection"},
    {"randomkey", 1, 0, mr_cmd_randomkey, NULL, 0, 0, 0, "Some key of the selected database.", "generic"},
    {"rename", 3, 0, mr_cmd_rename, NULL, 1, 2, 1, "Gives a key a new name, replacing any key there.", "generic"},
    {"renamenx", 3, 0, mr_cmd_renamenx, NULL, 1, 2, 1, "Gives a key a new name, if that name is free.", "generic"},
    {"reset", 1, NOAUTH | PUBSUB | NOQUEUE, mr_cmd_reset, NULL, 0, 0, 0, "Returns the connection to its initial state.", "connection"},
    {"scan", -2, 0, mr_cmd_scan, NULL, 0, 0, 0, "Walks the key space a few keys at a time.", "generic"},
    {"select", 2, 0, mr_cmd_select, NULL, 0, 0, 0, "Switches the connection to another database.", "connection"},
    {"set", -3, 0, mr_cmd_set, NULL, 1, 1, 1, "Sets a key's string value, with options for expiry and conditions.", "string"},
    {"setex", 4, 0, mr_cmd_setex, NULL, 1, 1, 1, "Sets a value with a time to live in seconds.", "string"},
    {"setnx", 3, 0, mr_cmd_setnx, NULL, 1, 1, 1, "Sets a value only if the key does not exist.", "string"},
    {"setrange", 4, 0, mr_cmd_setrange, NULL, 1, 1, 1, "Overwrites part of a string value from a byte offset.", "string"},
    {"shutdown", -1, NOMULTI, mr_cmd_shutdown, NULL, 0, 0, 0, "Stops the server.", "server"},
    {"spublish", 3, 0, mr_cmd_spublish, NULL, 1, 1, 1, "Sends a message to a shard channel's subscribers.", "pubsub"},
    {"ssubscribe", -2, PUBSUB, mr_cmd_ssubscribe, NULL, 1, -1, 1, "Receives messages sent to shard channels.", "pubsub"},
    {"strlen", 2, 0, mr_cmd_strlen, NULL, 1, 1, 1, "Length in bytes of a string value.", "string"},
    {"subscribe", -2, PUBSUB, mr_cmd_subscribe, NULL, 0, 0, 0, "Receives messages sent to channels.", "pubsub"},
    {"sunsubscribe", -1, PUBSUB, mr_cmd_sunsubscribe, NULL, 1, -1, 1, "Stops receiving messages for shard channels.", "pubsub"},
    {"time", 1, 0, mr_cmd_time, NULL, 0, 0, 0, "The server's clock: seconds and microseconds.", "server"},
    {"ttl", 2, 0, mr_cmd_ttl, NULL, 1, 1, 1, "A key's remaining time to live, in seconds.", "generic"},
    {"type", 2, 0, mr_cmd_type, NULL, 1, 1, 1, "The type of a key's value.", "generic"},
    {"unlink", -2, 0, mr_cmd_unlink, NULL, 1, -1, 1, "Removes keys like DEL; replies how many existed.", "generic"},
    {"unsubscribe", -1, PUBSUB, mr_cmd_unsubscribe, NULL, 0, 0, 0, "Stops receiving messages for channels.", "pubsub"},
    {"unwatch", 1, 0, mr_cmd_unwatch, NULL, 0, 0, 0, "Forgets every key this connection watches.", "transactions"},
    {"watch", -2, NOQUEUE, mr_cmd_watch, NULL, 1, -1, 1, "Makes the next EXEC fail if any of the keys is written first.", "transactions"},
};

#define TABLE_LEN (sizeof table / sizeof table[0])

const mr_command *mr_command_table(size_t *count) {
    *count = TABLE_LEN;
    return table;
}

/* Redis compares names as C strings: bytes after a NUL are ignored. */
static size_t cstr_len(const char *s, size_t len) {
    const char *nul = memchr(s, '\0', len);
    return nul != NULL ? (size_t)(nul - s) : len;
}

static int name_is(const char *name, const char *s, size_t len) {
    size_t n = strlen(name);
    return cstr_len(s, len) == n && strncasecmp(name, s, n) == 0;
}

int mr_arg_is(const resp_span *a, const char *word) {
    return name_is(word, a->ptr, a->len);
}

const mr_command *mr_command_lookup(const char *name, size_t len) {
    for (size_t i = 0; i < TABLE_LEN; i++)
        if (name_is(table[i].name, name, len)) return &table[i];
    return NULL;
}

static const mr_command *subcommand_lookup(const mr_command *parent, const resp_span *sub) {
    size_t plen = strlen(parent->name);
    for (const mr_command *s = parent->subcommands; s->name != NULL; s++)
        if (name_is(s->name + plen + 1, sub->ptr, sub->len)) return s;
    return NULL;
}

/* A refused command: its error, and between MULTI and EXEC the
 * transaction is marked so that EXEC aborts.  EXEC itself aborts at once
 * (Redis's rejectCommand).  `text` is the whole error line. */
static void reject(mr_conn *c, const mr_command *cmd, const char *text) {
    mr_multi_flag(c);
    if (cmd != NULL && cmd->proc == mr_cmd_exec) mr_multi_abort(c, text);
    else mr_add_error(c, text);
}

static void rejectf(mr_conn *c, const mr_command *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void rejectf(mr_conn *c, const mr_command *cmd, const char *fmt, ...) {
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    reject(c, cmd, text);
}

/* "unknown command 'x', with args beginning with: 'a' 'b' ": each part is
 * a C string in Redis (cut at NUL), the name at 128 bytes, and arguments
 * are added while the list is shorter than 128 bytes. */
static void reject_unknown_command(mr_conn *c, size_t argc, const resp_span *argv) {
    char args[512];
    size_t used = 0;
    for (size_t i = 1; i < argc && used < 128; i++) {
        int room = 128 - (int)used;
        size_t alen = cstr_len(argv[i].ptr, argv[i].len);
        int n = snprintf(args + used, sizeof args - used, "'%.*s' ",
                         (int)(alen < (size_t)room ? alen : (size_t)room), argv[i].ptr);
        used += (size_t)n;
    }
    args[used] = '\0';
    size_t nlen = cstr_len(argv[0].ptr, argv[0].len);
    rejectf(c, NULL, "ERR unknown command '%.*s', with args beginning with: %s",
            (int)(nlen < 128 ? nlen : 128), argv[0].ptr, args);
}

static void reject_unknown_subcommand(mr_conn *c, const resp_span *parent, const resp_span *sub) {
    char upper[64];
    size_t n = cstr_len(parent->ptr, parent->len);
    if (n >= sizeof upper) n = sizeof upper - 1;
    for (size_t i = 0; i < n; i++) upper[i] = (char)toupper((unsigned char)parent->ptr[i]);
    upper[n] = '\0';
    size_t slen = cstr_len(sub->ptr, sub->len);
    rejectf(c, NULL, "ERR unknown subcommand '%.*s'. Try %s HELP.",
            (int)(slen < 128 ? slen : 128), sub->ptr, upper);
}

/* CLIENT LIST's cmd= names the last command looked up, even one then
 * refused; NULL when the name was unknown. */
static void set_last_cmd(mr_conn *c, const mr_command *cmd) {
    snprintf(c->last_cmd, sizeof c->last_cmd, "%s", cmd != NULL ? cmd->name : "NULL");
}

/* The command (or subcommand) named by argv, or NULL after replying the
 * error for an unknown one. */
static const mr_command *resolve(mr_conn *c, size_t argc, const resp_span *argv) {
    const mr_command *cmd = mr_command_lookup(argv[0].ptr, argv[0].len);
    if (cmd == NULL) {
        set_last_cmd(c, NULL);
        reject_unknown_command(c, argc, argv);
        return NULL;
    }
    if (cmd->subcommands != NULL && argc >= 2) {
        const mr_command *sub = subcommand_lookup(cmd, &argv[1]);
        if (sub == NULL) {
            set_last_cmd(c, NULL);
            reject_unknown_subcommand(c, &argv[0], &argv[1]);
            return NULL;
        }
        cmd = sub;
    }
    set_last_cmd(c, cmd);
    return cmd;
}

/* Redis's checks after the lookup; returns 0 after replying a refusal. */
static int allowed(mr_conn *c, const mr_command *cmd, size_t argc) {
    if ((cmd->arity > 0 && (size_t)cmd->arity != argc) ||
        (cmd->arity < 0 && argc < (size_t)-cmd->arity)) {
        rejectf(c, cmd, "ERR wrong number of arguments for '%s' command", cmd->name);
        return 0;
    }
    if (mr_conn_auth_required(c) && !(cmd->flags & MR_CMD_NOAUTH)) {
        reject(c, cmd, "NOAUTH Authentication required.");
        return 0;
    }
    if (c->txn.active && (cmd->flags & MR_CMD_NO_MULTI)) {
        reject(c, cmd, "ERR Command not allowed inside a transaction");
        return 0;
    }
    if (c->proto == 2 && mr_conn_subscriptions(c) > 0 && !(cmd->flags & MR_CMD_PUBSUB_OK)) {
        rejectf(c, cmd,
                "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                "QUIT / RESET are allowed in this context",
                cmd->name);
        return 0;
    }
    return 1;
}

static void run(mr_conn *c, size_t argc, const resp_span *argv) {
    const mr_command *cmd = resolve(c, argc, argv);
    if (cmd == NULL) return;
    /* An HTTP request is dropped before anything else, even in MULTI. */
    if (cmd->proc == mr_cmd_security_warning) {
        cmd->proc(c, argc, argv);
        return;
    }
    if (!allowed(c, cmd, argc)) return;
    if (c->txn.active && !(cmd->flags & MR_CMD_NOT_QUEUED)) {
        mr_multi_queue(c, cmd, argc, argv);
        mr_add_status(c, "QUEUED");
        return;
    }
    c->srv->stats.commands_processed++;
    cmd->proc(c, argc, argv);
}

void mr_command_dispatch(mr_conn *c, size_t argc, const resp_span *argv) {
    run(c, argc, argv);
    /* Every command, refused or not, ends here: CLIENT REPLY SKIP applies
     * to the command after the one that asked for it. */
    c->reply_skip = c->reply_skip_next;
    c->reply_skip_next = 0;
}
