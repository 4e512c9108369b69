/* server/cmd_multi.c - transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 *
 * Between MULTI and EXEC a command goes through the usual checks
 * (dispatch.c), then is queued with a copy of its arguments and answered
 * +QUEUED.  A refused command (unknown, wrong arity, ...) marks the
 * transaction, and EXEC then aborts with EXECABORT.  Once a transaction
 * is bound to fail nothing more is kept, as in Redis: CLIENT LIST's multi=
 * stops counting.  EXEC replies with an array header for the queued count
 * and lets each command write its own reply after it, so a command that
 * writes several (SUBSCRIBE a b in RESP2) makes the array look short, as
 * in Redis 7.0.  What WATCH keeps is in watch.c. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"

/* ---- queue ---- */

static void queue_free(mr_txn *t) {
    for (size_t i = 0; i < t->count; i++) free(t->queue[i]);
    free(t->queue);
    t->queue = NULL;
    t->count = t->cap = 0;
    t->mem = 0;
}

void mr_multi_flag(mr_conn *c) {
    if (c->txn.active) c->txn.dirty_exec = 1;
}

void mr_multi_queue(mr_conn *c, const mr_command *cmd, size_t argc, const resp_span *argv) {
    mr_txn *t = &c->txn;
    if (t->dirty_exec || t->dirty_cas) return;
    size_t bytes = 0;
    for (size_t i = 0; i < argc; i++) bytes += argv[i].len;
    /* One allocation: the entry, its spans, then the argument bytes. */
    mr_queued *q = mr_xmalloc(sizeof *q + argc * sizeof(resp_span) + bytes);
    resp_span *spans = (resp_span *)(q + 1);
    char *data = (char *)(spans + argc);
    for (size_t i = 0; i < argc; i++) {
        if (argv[i].len != 0) memcpy(data, argv[i].ptr, argv[i].len);
        spans[i].ptr = data;
        spans[i].len = argv[i].len;
        data += argv[i].len;
    }
    q->cmd = cmd;
    q->argc = argc;
    q->argv = spans;
    if (t->count == t->cap) {
        t->cap = t->cap != 0 ? t->cap * 2 : 8;
        t->queue = mr_xrealloc(t->queue, t->cap * sizeof *t->queue);
    }
    t->queue[t->count++] = q;
    /* Redis counts each argument's bytes and one object pointer. */
    t->mem += bytes + argc * sizeof(void *);
}

/* ---- ending a transaction ---- */

void mr_multi_discard(mr_conn *c) {
    mr_txn *t = &c->txn;
    queue_free(t);
    t->active = t->dirty_exec = t->dirty_cas = 0;
    mr_unwatch_all(c);
}

void mr_multi_abort(mr_conn *c, const char *reason) {
    if (strncmp(reason, "ERR ", 4) == 0) reason += 4;
    mr_multi_discard(c);
    mr_add_errorf(c, "EXECABORT Transaction discarded because of: %s", reason);
}

/* ---- commands ---- */

void mr_cmd_multi(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    if (c->txn.active) {
        mr_add_error(c, "ERR MULTI calls can not be nested");
        return;
    }
    c->txn.active = 1;
    mr_add_ok(c);
}

/* The queued commands run as they are, without the checks they passed
 * when queued.  The transaction stays open while they run (CLIENT INFO
 * inside EXEC shows flags=x and the queued count), but the keys are
 * unwatched first, so the transaction's own writes change nothing. */
void mr_cmd_exec(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_txn *t = &c->txn;
    if (!t->active) {
        mr_add_error(c, "ERR EXEC without MULTI");
        return;
    }
    if (mr_watched_key_expired(c)) t->dirty_cas = 1;
    if (t->dirty_exec || t->dirty_cas) {
        if (t->dirty_exec)
            mr_add_error(c, "EXECABORT Transaction discarded because of previous errors.");
        else
            mr_add_null_array(c);
        mr_multi_discard(c);
        return;
    }
    mr_unwatch_all(c);
    mr_add_array(c, t->count);
    t->executing = 1;
    for (size_t i = 0; i < t->count; i++) {
        const mr_queued *q = t->queue[i];
        c->srv->stats.commands_processed++;
        if (strcmp(q->cmd->name, "client|reply") == 0) c->replies_unframed = 1;
        mr_call(c, q->cmd, q->argc, q->argv);
    }
    t->executing = 0;
    mr_multi_discard(c);
}

void mr_cmd_discard(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    if (!c->txn.active) {
        mr_add_error(c, "ERR DISCARD without MULTI");
        return;
    }
    mr_multi_discard(c);
    mr_add_ok(c);
}

/* Watching more changes nothing once a watched key has changed. */
void mr_cmd_watch(mr_conn *c, size_t argc, const resp_span *argv) {
    if (c->txn.active) {
        mr_add_error(c, "ERR WATCH inside MULTI is not allowed");
        return;
    }
    if (!c->txn.dirty_cas)
        for (size_t i = 1; i < argc; i++) mr_watch_key(c, argv[i].ptr, argv[i].len);
    mr_add_ok(c);
}

void mr_cmd_unwatch(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_unwatch_all(c);
    c->txn.dirty_cas = 0;
    mr_add_ok(c);
}
