/* server/pause.c - CLIENT PAUSE, as Redis 7.0 pauses clients.
 *
 * A pause holds back every command (ALL), or those that write or may
 * propagate (WRITE: PUBLISH too, and an EXEC whose queue holds one).  A
 * held command waits, copied, in its client (blocking.c postpones it) and
 * the client's pipelined commands wait behind it; errors found before
 * running (unknown command, arity, NOAUTH...) are still replied at once.
 * A new pause while one lasts keeps the larger kind and the later end.
 * While a pause lasts, keys past their expiry read as missing but are not
 * deleted (db.c reads mr_paused).  When it ends, by its deadline or by
 * CLIENT UNPAUSE, the held commands run again in the order they came. */
#include <stdlib.h>

#include "commands.h"
#include "server.h"

/* A transaction EXEC would run holds a command that writes. */
static int txn_writes(const mr_conn *c) {
    for (size_t i = 0; i < c->txn.count; i++)
        if (mr_command_may_replicate(c->txn.queue[i]->cmd)) return 1;
    return 0;
}

int mr_pause_postpones(const mr_conn *c, const mr_command *cmd) {
    if (!mr_paused(c->srv)) return 0;
    switch (c->srv->pause) {
    case MR_PAUSE_OFF: return 0;
    case MR_PAUSE_ALL: return 1;
    case MR_PAUSE_WRITE:
        return mr_command_may_replicate(cmd) || (cmd->proc == mr_cmd_exec && txn_writes(c));
    }
    return 0;
}

void mr_pause_start(mr_server *srv, mr_pause kind, int64_t end_ms) {
    if (srv->pause == MR_PAUSE_OFF) {
        srv->pause = kind;
        srv->pause_end_ms = end_ms;
        return;
    }
    if (kind > srv->pause) srv->pause = kind;
    if (end_ms > srv->pause_end_ms) srv->pause_end_ms = end_ms;
}

void mr_pause_stop(mr_server *srv) {
    srv->pause = MR_PAUSE_OFF;
    mr_block_resume_postponed(srv);
}

void mr_pause_check(mr_server *srv) {
    if (srv->pause != MR_PAUSE_OFF && !mr_paused(srv)) mr_pause_stop(srv);
}
