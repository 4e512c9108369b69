/* server/cmd_pause.c - CLIENT PAUSE, CLIENT UNPAUSE and CLIENT NO-EVICT. */
#include <stdint.h>

#include "commands.h"

/* CLIENT PAUSE timeout [WRITE|ALL]: the mode is read before the timeout,
 * as Redis reads them.  The timeout is in milliseconds; Redis adds it to
 * the clock with no range check, so a sum past a long long wraps to a
 * deadline already gone, and 0 is a deadline of 0: either way no pause
 * lasts past the next look at the clock. */
void mr_cmd_client_pause(mr_conn *c, size_t argc, const resp_span *argv) {
    if (argc > 4) {
        mr_add_error(c, "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try "
                        "CLIENT HELP.");
        return;
    }
    mr_pause kind = MR_PAUSE_ALL;
    if (argc == 4) {
        if (mr_arg_is(&argv[3], "write")) {
            kind = MR_PAUSE_WRITE;
        } else if (!mr_arg_is(&argv[3], "all")) {
            mr_add_error(c, "ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    long long ms;
    if (!mr_parse_ll(&argv[2], &ms)) {
        mr_add_error(c, "ERR timeout is not an integer or out of range");
        return;
    }
    if (ms < 0) {
        mr_add_error(c, "ERR timeout is negative");
        return;
    }
    int64_t end = ms == 0 ? 0 : (int64_t)((uint64_t)c->srv->now_ms + (uint64_t)ms);
    mr_pause_start(c->srv, kind, end);
    mr_add_ok(c);
}

void mr_cmd_client_unpause(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_pause_stop(c->srv);
    mr_add_ok(c);
}

/* Nothing is ever evicted here: the setting only shows in CLIENT LIST's
 * flags (e). */
void mr_cmd_client_no_evict(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    if (mr_arg_is(&argv[2], "on")) c->no_evict = 1;
    else if (mr_arg_is(&argv[2], "off")) c->no_evict = 0;
    else {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    mr_add_ok(c);
}
