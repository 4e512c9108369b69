/* server/dispatch.c - the checks every command goes through, in the
 * order Redis 7.0's processCommand makes them:
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

/* A refused command: its error, and between MULTI and EXEC the
 * transaction is marked so that EXEC aborts.  EXEC itself aborts at once
 * (Redis's rejectCommand).  `text` is the whole error line. */
static void reject(mr_conn *c, const mr_command *cmd, const char *text) {
    if (cmd != NULL) mr_stats_rejected(c->srv, cmd);
    mr_multi_flag(c);
    if (cmd != NULL && (cmd->flags & MR_CMD_EXEC_ABORT)) mr_multi_abort(c, text);
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
        size_t alen = mr_cstr_len(argv[i].ptr, argv[i].len);
        int n = snprintf(args + used, sizeof args - used, "'%.*s' ",
                         (int)(alen < (size_t)room ? alen : (size_t)room), argv[i].ptr);
        used += (size_t)n;
    }
    args[used] = '\0';
    size_t nlen = mr_cstr_len(argv[0].ptr, argv[0].len);
    rejectf(c, NULL, "ERR unknown command '%.*s', with args beginning with: %s",
            (int)(nlen < 128 ? nlen : 128), argv[0].ptr, args);
}

static void reject_unknown_subcommand(mr_conn *c, const resp_span *parent, const resp_span *sub) {
    char upper[64];
    size_t n = mr_cstr_len(parent->ptr, parent->len);
    if (n >= sizeof upper) n = sizeof upper - 1;
    for (size_t i = 0; i < n; i++) upper[i] = (char)toupper((unsigned char)parent->ptr[i]);
    upper[n] = '\0';
    size_t slen = mr_cstr_len(sub->ptr, sub->len);
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
        const mr_command *sub = mr_subcommand_lookup(cmd, argv[1].ptr, argv[1].len);
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

/* Redis's islocalClient: exactly 127.0.0.1 or ::1. */
static int debug_allowed(const mr_conn *c) {
    switch (c->srv->cfg.enable_debug_command) {
    case MR_DEBUG_YES: return 1;
    case MR_DEBUG_LOCAL:
        return strncmp(c->addr, "127.0.0.1:", 10) == 0 || strncmp(c->addr, "[::1]:", 6) == 0;
    case MR_DEBUG_NO: return 0;
    }
    return 0;
}

/* Redis's checks after the lookup; returns 0 after replying a refusal. */
static int allowed(mr_conn *c, const mr_command *cmd, size_t argc) {
    if ((cmd->arity > 0 && (size_t)cmd->arity != argc) ||
        (cmd->arity < 0 && argc < (size_t)-cmd->arity)) {
        rejectf(c, cmd, MR_ERR_ARITY_FMT, cmd->name);
        return 0;
    }
    if ((cmd->flags & MR_CMD_PROTECTED) && !debug_allowed(c)) {
        reject(c, cmd,
               "ERR DEBUG command not allowed. If the enable-debug-command option is set to "
               "\"local\", you can run it from a local connection, otherwise you need to set "
               "this option in the configuration file, and then restart the server.");
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
    if (c->proto == 2 && mr_conn_in_pubsub(c) && !(cmd->flags & MR_CMD_PUBSUB_OK)) {
        rejectf(c, cmd,
                "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                "QUIT / RESET are allowed in this context",
                cmd->name);
        return 0;
    }
    /* A monitor is a replica to Redis, kept off the keyspace. */
    if (c->monitor && (mr_command_reads(cmd) || mr_command_may_replicate(cmd))) {
        reject(c, cmd, "ERR Replica can't interact with the keyspace");
        return 0;
    }
    return 1;
}

void mr_call(mr_conn *c, const mr_command *cmd, size_t argc, const resp_span *argv) {
    const mr_command *outer = c->running;
    /* Expiry is judged against the time a top-level command started (EXEC's
     * queue shares EXEC's). */
    if (outer == NULL && c->srv->host.now_us != NULL)
        mr_server_set_time_us(c->srv, c->srv->host.now_us(c->srv->host.ud));
    uint64_t errors = c->errors, nested = c->nested_errors;
    c->nested_errors = 0;
    c->running = cmd;
    int64_t start = mr_stats_clock_us();
    cmd->proc(c, argc, argv);
    long long usec = mr_stats_clock_us() - start;
    c->running = outer;
    /* Errors of the commands it ran (EXEC's queue) are theirs, not its. */
    uint64_t added = c->errors - errors;
    int failed = added > c->nested_errors;
    c->nested_errors = nested + added;
    if (c->block != NULL) mr_block_note_call(c, cmd, usec, errors);
    else mr_stats_call(c->srv, cmd, usec, failed);
    if ((c->tracking_flags & MR_TRACK_ON) && mr_command_reads(cmd))
        mr_tracking_remember(c, cmd, argc, argv);
    mr_monitor_feed(c, cmd, argc, argv);
}

/* After a top-level command: the tracking invalidations it caused itself,
 * and CLIENT CACHING's one-command flag dropped (it lasts through other
 * CLIENT subcommands and a transaction). */
static void after_tracked(mr_conn *c, const mr_command *cmd) {
    mr_tracking_after_command(c);
    if (!c->txn.active && strncmp(cmd->name, "client|", 7) != 0)
        c->tracking_flags &= ~(unsigned)MR_TRACK_CACHING;
}

static void run(mr_conn *c, size_t argc, const resp_span *argv) {
    const mr_command *cmd = resolve(c, argc, argv);
    if (cmd == NULL) return;
    /* An HTTP request is dropped before anything else, even in MULTI. */
    if (cmd->flags & MR_CMD_HTTP) {
        cmd->proc(c, argc, argv);
        return;
    }
    if (!allowed(c, cmd, argc)) return;
    if (mr_pause_postpones(c, cmd)) {
        mr_block_postpone(c, argc, argv);
        return;
    }
    if (c->txn.active && !(cmd->flags & MR_CMD_NOT_QUEUED)) {
        mr_multi_queue(c, cmd, argc, argv);
        mr_add_status(c, "QUEUED");
        return;
    }
    c->srv->stats.commands_processed++;
    c->srv->current_client = c;
    mr_call(c, cmd, argc, argv);
    c->nested_errors = 0;
    if (c->tracking_flags & MR_TRACK_ON) after_tracked(c, cmd);
    c->srv->current_client = NULL;
}

void mr_command_dispatch(mr_conn *c, size_t argc, const resp_span *argv) {
    run(c, argc, argv);
    /* Keys the command (or the EXEC) created serve their waiters now. */
    if (c->srv->nready > 0) mr_block_serve_ready(c->srv);
    /* Every command, refused or not, ends here: CLIENT REPLY SKIP applies
     * to the command after the one that asked for it. */
    c->reply_skip = c->reply_skip_next;
    c->reply_skip_next = 0;
}
