/* server/monitor.c - MONITOR: every command another client runs, as one
 * status line per command once it has run, in Redis's format:
 *
 *   +<seconds>.<microseconds> [<db> <address>] "ARG" "ARG" ...
 *
 * The database is the one selected after the command ran; arguments are
 * quoted as Redis's sdscatrepr quotes them; passwords (AUTH, HELLO's AUTH)
 * are replaced by "(redacted)"; administrative commands (COMMAND INFO's
 * admin or skip_monitor) are not shown.  A monitor may not touch the
 * keyspace (dispatch.c refuses it). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "commands.h"
#include "server.h"

/* Redis's sdscatrepr: printable bytes as they are, \\ \" \n \r \t \a \b
 * escaped, anything else as \xhh. */
static void quote(resp_buf *b, const char *s, size_t n) {
    resp_buf_append(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[5];
        const char *out = esc;
        size_t len = 2;
        esc[0] = '\\';
        switch (ch) {
        case '\\': esc[1] = '\\'; break;
        case '"': esc[1] = '"'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\a': esc[1] = 'a'; break;
        case '\b': esc[1] = 'b'; break;
        default:
            if (isprint(ch)) {
                out = (const char *)&s[i];
                len = 1;
            } else {
                snprintf(esc, sizeof esc, "\\x%02x", ch);
                len = 4;
            }
        }
        resp_buf_append(b, out, len);
    }
    resp_buf_append(b, "\"", 1);
}

/* Whether argument i hides a password.  Redis redacts where the command
 * reads one: AUTH's arguments once its arity passed; in HELLO, after a
 * valid protocol version, the two after each AUTH option as the options
 * are read in turn (a bad option ends the reading). */
static int redacted(const mr_command *cmd, size_t argc, const resp_span *argv, size_t i) {
    if (strcmp(cmd->name, "auth") == 0) return argc <= 3 && i >= 1;
    if (strcmp(cmd->name, "hello") != 0 || argc < 2) return 0;
    long long ver;
    if (!mr_parse_ll(&argv[1], &ver) || ver < 2 || ver > 3) return 0;
    for (size_t j = 2; j < argc;) {
        size_t more = argc - 1 - j;
        if (mr_arg_is(&argv[j], "auth") && more >= 2) {
            if (i == j + 1 || i == j + 2) return 1;
            j += 3;
        } else if (mr_arg_is(&argv[j], "setname") && more >= 1) {
            j += 2;
        } else {
            break;
        }
    }
    return 0;
}

static int shown(const mr_command *cmd) {
    return !mr_command_has_flag(cmd, "admin") && !mr_command_has_flag(cmd, "skip_monitor");
}

void mr_monitor_feed(mr_conn *c, const mr_command *cmd, size_t argc, const resp_span *argv) {
    mr_server *srv = c->srv;
    if (srv->monitors.len == 0 || !shown(cmd)) return;
    resp_buf line;
    resp_buf_init(&line, NULL);
    char head[128];
    int n = snprintf(head, sizeof head, "%lld.%06lld [%d %s]", (long long)(srv->now_us / 1000000),
                     (long long)(srv->now_us % 1000000), c->db, c->addr);
    resp_buf_append(&line, head, (size_t)n);
    for (size_t i = 0; i < argc; i++) {
        resp_buf_append(&line, " ", 1);
        if (redacted(cmd, argc, argv, i)) quote(&line, "(redacted)", 10);
        else quote(&line, argv[i].ptr, argv[i].len);
    }
    for (size_t i = 0; i < srv->monitors.len; i++) {
        mr_conn *m = srv->monitors.items[i];
        /* A monitor closing after its reply (its own QUIT) gets no more. */
        if (m->close != MR_KEEP) continue;
        mr_add_status_len(m, line.data, line.len);
        if (m != c) mr_conn_wake(m);
    }
    resp_buf_free(&line);
}

void mr_monitor_stop(mr_conn *c) {
    if (!c->monitor) return;
    c->monitor = 0;
    mr_connset_remove(&c->srv->monitors, c);
}

/* A second MONITOR is ignored without a reply; inside EXEC it is refused,
 * as for any client that expects a reply per command. */
void mr_cmd_monitor(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    if (!mr_block_allowed(c)) {
        mr_add_error(c, "ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    if (c->monitor) return;
    c->monitor = 1;
    mr_connset_add(&c->srv->monitors, c);
    mr_add_ok(c);
}
