/* server/cmd_conn.c - the connection commands: PING, ECHO, QUIT, RESET,
 * HELLO, AUTH, SELECT, CLIENT ..., and the answer to HTTP requests.
 *
 * CLIENT INFO / CLIENT LIST print the socket and local address the host
 * reported (mr_peer); a host without them gets fd=-1 and an inferred
 * laddr (see local_addr).  Buffer fields describe this server's buffers: qbuf is the unparsed
 * input (as Redis counts it: see client_info_line), rbs/rbp the reply buffer's capacity and fill, obl the queued
 * reply bytes and omem the bytes handed to the host but not yet written. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"

static int span_equals(const resp_span *a, const char *s) {
    size_t n = strlen(s);
    return a->len == n && memcmp(a->ptr, s, n) == 0;
}

/* Compares a password with the configured one; the time taken depends on
 * the configured password's length only, not on where the bytes differ. */
static int password_matches(const resp_span *given, const char *secret, size_t slen) {
    unsigned diff = given->len != slen;
    for (size_t i = 0; i < slen; i++) {
        unsigned char g = i < given->len ? (unsigned char)given->ptr[i] : 0;
        diff |= (unsigned)(g ^ (unsigned char)secret[i]);
    }
    return diff == 0;
}

/* The only user is "default": without requirepass it takes any password
 * (nopass), with it only that one.  Usernames are compared as bytes. */
static int authenticate(mr_conn *c, const resp_span *user, const resp_span *pass) {
    if (!span_equals(user, "default")) return 0;
    const mr_config *cfg = &c->srv->cfg;
    if (cfg->requirepass_len != 0 && !password_matches(pass, cfg->requirepass, cfg->requirepass_len))
        return 0;
    c->authenticated = 1;
    c->ever_authenticated = 1;
    resp_request_set_require_auth(&c->parser, 0);
    return 1;
}

static void reply_wrongpass(mr_conn *c) {
    mr_add_error(c, "WRONGPASS invalid username-password pair or user is disabled.");
}

/* CLIENT SETNAME and HELLO SETNAME: an empty name clears it; otherwise
 * only '!'..'~' are allowed.  Returns 0, or -1 after replying an error. */
static int set_name_or_reply(mr_conn *c, const resp_span *name) {
    if (name->len == 0) {
        free(c->name);
        c->name = NULL;
        return 0;
    }
    for (size_t i = 0; i < name->len; i++) {
        unsigned char ch = (unsigned char)name->ptr[i];
        if (ch < '!' || ch > '~') {
            mr_add_error(c, "ERR Client names cannot contain spaces, newlines or special "
                            "characters.");
            return -1;
        }
    }
    free(c->name);
    c->name = mr_xstrndup(name->ptr, name->len);
    return 0;
}

/* ---- PING, ECHO, QUIT, RESET ---- */

void mr_cmd_ping(mr_conn *c, size_t argc, const resp_span *argv) {
    if (argc > 2) {
        mr_add_errorf(c, MR_ERR_ARITY_FMT, "ping");
        return;
    }
    /* A RESP2 subscriber can only receive arrays, so PING answers with one. */
    if (c->proto == 2 && mr_conn_in_pubsub(c)) {
        mr_add_array(c, 2);
        mr_add_bulk(c, "pong", 4);
        if (argc == 2) mr_add_bulk(c, argv[1].ptr, argv[1].len);
        else mr_add_bulk(c, "", 0);
        return;
    }
    if (argc == 2) mr_add_bulk(c, argv[1].ptr, argv[1].len);
    else mr_add_status(c, "PONG");
}

void mr_cmd_echo(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    mr_add_bulk(c, argv[1].ptr, argv[1].len);
}

void mr_cmd_quit(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_add_ok(c);
    mr_conn_close_after_reply(c);
}

/* Also ends a transaction, forgets watched keys and turns replies back on
 * (CLIENT REPLY OFF, or a SKIP asked for by the command before; a SKIP
 * already in force still drops +RESET). */
void mr_cmd_reset(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_multi_discard(c);
    c->reply_off = 0;
    c->reply_skip_next = 0;
    mr_pubsub_drop(c, 0);
    mr_monitor_stop(c);
    mr_tracking_disable(c);
    c->db = 0;
    c->proto = 2;
    free(c->name);
    c->name = NULL;
    if (c->srv->cfg.requirepass_len != 0) {
        c->authenticated = 0;
        resp_request_set_require_auth(&c->parser, 1);
    }
    mr_add_status(c, "RESET");
}

/* ---- HELLO, AUTH, SELECT ---- */

/* Options are applied one by one as they are read, as Redis 7.0 does: a
 * SETNAME or AUTH before a bad option keeps its effect. */
void mr_cmd_hello(mr_conn *c, size_t argc, const resp_span *argv) {
    long long ver = 0;
    size_t next = 1;
    if (argc >= 2) {
        if (!mr_parse_ll(&argv[1], &ver)) {
            mr_add_error(c, "ERR Protocol version is not an integer or out of range");
            return;
        }
        next = 2;
        if (ver < 2 || ver > 3) {
            mr_add_error(c, "NOPROTO unsupported protocol version");
            return;
        }
    }
    for (size_t j = next; j < argc; j++) {
        size_t more = argc - 1 - j;
        if (mr_arg_is(&argv[j], "auth") && more >= 2) {
            if (!authenticate(c, &argv[j + 1], &argv[j + 2])) {
                reply_wrongpass(c);
                return;
            }
            j += 2;
        } else if (mr_arg_is(&argv[j], "setname") && more >= 1) {
            if (set_name_or_reply(c, &argv[j + 1]) != 0) return;
            j++;
        } else {
            mr_add_errorf(c, "ERR Syntax error in HELLO option '%.*s'", (int)mr_arg_len(&argv[j]),
                          argv[j].ptr);
            return;
        }
    }
    if (mr_conn_auth_required(c)) {
        mr_add_error(c, "NOAUTH HELLO must be called with the client already authenticated, "
                        "otherwise the HELLO AUTH <user> <pass> option can be used to "
                        "authenticate the client and select the RESP protocol version at the "
                        "same time");
        return;
    }
    if (ver != 0) c->proto = (int)ver;
    mr_add_map(c, 7);
    mr_add_bulk_cstr(c, "server");
    mr_add_bulk_cstr(c, "redis");
    mr_add_bulk_cstr(c, "version");
    mr_add_bulk_cstr(c, "7.0.15");
    mr_add_bulk_cstr(c, "proto");
    mr_add_integer(c, c->proto);
    mr_add_bulk_cstr(c, "id");
    mr_add_integer(c, (long long)c->id);
    mr_add_bulk_cstr(c, "mode");
    mr_add_bulk_cstr(c, "standalone");
    mr_add_bulk_cstr(c, "role");
    mr_add_bulk_cstr(c, "master");
    mr_add_bulk_cstr(c, "modules");
    mr_add_array(c, 0);
}

void mr_cmd_auth(mr_conn *c, size_t argc, const resp_span *argv) {
    if (argc > 3) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    if (argc == 2) {
        /* The one-argument form is refused when there is nothing to check. */
        if (c->srv->cfg.requirepass_len == 0) {
            mr_add_error(c, "ERR AUTH <password> called without any password configured for "
                            "the default user. Are you sure your configuration is correct?");
            return;
        }
        const resp_span user = {"default", 7};
        if (authenticate(c, &user, &argv[1])) mr_add_ok(c);
        else reply_wrongpass(c);
        return;
    }
    if (authenticate(c, &argv[1], &argv[2])) mr_add_ok(c);
    else reply_wrongpass(c);
}

void mr_cmd_select(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    int id;
    if (!mr_arg_db(c, &argv[1], NULL, &id)) return;
    c->db = id;
    mr_add_ok(c);
}

/* ---- CLIENT ---- */

void mr_cmd_client_id(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_add_integer(c, (long long)c->id);
}

void mr_cmd_client_setname(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    if (set_name_or_reply(c, &argv[2]) == 0) mr_add_ok(c);
}

void mr_cmd_client_getname(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    if (c->name != NULL) mr_add_bulk_cstr(c, c->name);
    else mr_add_null(c);
}

/* The IP part of "ip:port" (IPv6 peers may be written "[::1]:port"). */
static size_t addr_ip(const char *addr, const char **ip) {
    const char *colon = strrchr(addr, ':');
    size_t n = colon != NULL ? (size_t)(colon - addr) : strlen(addr);
    *ip = addr;
    if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
        *ip = addr + 1;
        n -= 2;
    }
    return n;
}

static void format_addr(char *out, size_t cap, const char *ip, size_t n, int port) {
    snprintf(out, cap, memchr(ip, ':', n) != NULL ? "[%.*s]:%d" : "%.*s:%d", (int)n, ip, port);
}

/* The local address of a connection, which the core is not told:
 * - a bind address equal to the peer's address (a client on this host
 *   connects from the address it connects to);
 * - for a loopback peer, its own address, for the same reason;
 * - the bind address when there is only one and it is not a wildcard;
 * - else "?:0", as Redis prints an address it cannot get. */
static void local_addr(const mr_conn *c, char *out, size_t cap) {
    if (c->laddr[0] != '\0') {
        snprintf(out, cap, "%s", c->laddr);
        return;
    }
    const char *bind = c->srv->cfg.bind;
    int port = c->srv->cfg.port;
    const char *pip;
    size_t plen = addr_ip(c->addr, &pip);
    const char *only = NULL;
    size_t only_len = 0, count = 0;
    const char *p = bind;
    while (*p != '\0') {
        while (*p == ' ') p++;
        if (*p == '\0') break;
        const char *start = p;
        while (*p != '\0' && *p != ' ') p++;
        size_t n = (size_t)(p - start);
        if (*start == '-') { /* "-::1": an optional address */
            start++;
            n--;
        }
        int wildcard = (n == 1 && *start == '*') || (n == 3 && memcmp(start, "::*", 3) == 0) ||
                       (n == 7 && memcmp(start, "0.0.0.0", 7) == 0) ||
                       (n == 2 && memcmp(start, "::", 2) == 0);
        if (!wildcard && n == plen && memcmp(start, pip, n) == 0) {
            format_addr(out, cap, start, n, port);
            return;
        }
        if (count++ == 0 && !wildcard) {
            only = start;
            only_len = n;
        }
    }
    int loopback = (plen > 4 && memcmp(pip, "127.", 4) == 0) ||
                   (plen == 3 && memcmp(pip, "::1", 3) == 0);
    if (loopback) format_addr(out, cap, pip, plen, port);
    else if (count == 1 && only != NULL) format_addr(out, cap, only, only_len, port);
    else snprintf(out, cap, "?:0");
}

/* The client-list line of one connection.  cmd_mem is the size of the
 * command being run (non-zero only for the connection asking). */
static void client_info_line(resp_buf *b, const mr_conn *cl, size_t cmd_mem) {
    const mr_server *srv = cl->srv;
    char flags[16], *f = flags;
    if (cl->monitor) *f++ = 'O';
    if (mr_conn_in_pubsub(cl)) *f++ = 'P';
    if (cl->txn.active) *f++ = 'x';
    if (cl->block != NULL) *f++ = 'b';
    if (cl->tracking_flags & MR_TRACK_ON) *f++ = 't';
    if (cl->tracking_flags & MR_TRACK_BROKEN_REDIR) *f++ = 'R';
    if (cl->tracking_flags & MR_TRACK_BCAST) *f++ = 'B';
    if (cl->txn.dirty_cas) *f++ = 'd';
    if (cl->close == MR_CLOSE_AFTER_REPLY) *f++ = 'c';
    if (cl->close == MR_CLOSE_NOW) *f++ = 'A';
    if (cl->no_evict) *f++ = 'e';
    if (f == flags) *f++ = 'N';
    *f = '\0';
    char laddr[128];
    local_addr(cl, laddr, sizeof laddr);
    size_t subs = cl->channels != NULL ? mr_dict_size(cl->channels) : 0;
    size_t psubs = cl->patterns != NULL ? mr_dict_size(cl->patterns) : 0;
    size_t ssubs = cl->shard_channels != NULL ? mr_dict_size(cl->shard_channels) : 0;
    /* Redis's query buffer holds only what it has not yet parsed: the
     * complete arguments of a command still arriving are out of it (and in
     * argv-mem), and their room counts as free. */
    size_t qbuf = cl->in_len - resp_request_partial(&cl->parser).parsed;
    size_t pending = cl->out.len + cl->inflight;
    size_t tot = sizeof *cl + cl->in_cap + cl->out.cap + cl->inflight + cmd_mem + cl->txn.mem +
                 (cl->name != NULL ? strlen(cl->name) + 1 : 0);
    mr_buf_printf(b, "id=%llu addr=%s laddr=%s fd=%d name=", (unsigned long long)cl->id, cl->addr,
               laddr, cl->fd);
    if (cl->name != NULL) resp_buf_append(b, cl->name, strlen(cl->name));
    mr_buf_printf(b,
               " age=%lld idle=%lld flags=%s db=%d sub=%zu psub=%zu ssub=%zu multi=%lld qbuf=%zu "
               "qbuf-free=%zu argv-mem=%zu multi-mem=%zu rbs=%zu rbp=%zu obl=%zu oll=0 omem=%zu "
               "tot-mem=%zu events=%s cmd=%s user=default redir=%lld resp=%d\n",
               (long long)((srv->now_ms - cl->created_ms) / 1000),
               (long long)((srv->now_ms - cl->last_ms) / 1000), flags, cl->db, subs, psubs, ssubs,
               cl->txn.active ? (long long)cl->txn.count : -1LL, qbuf, cl->in_cap - qbuf, cmd_mem, cl->txn.mem, cl->out.cap, cl->out.len,
               cl->out.len, cl->inflight, tot, pending > 0 ? "rw" : "r", cl->last_cmd,
               (cl->tracking_flags & MR_TRACK_ON) ? (long long)cl->tracking_redirect : -1LL,
               cl->proto);
}

static size_t argv_mem(size_t argc, const resp_span *argv) {
    size_t n = 0;
    for (size_t i = 0; i < argc; i++) n += argv[i].len;
    return n;
}

static void reply_text(mr_conn *c, resp_buf *b) {
    mr_add_verbatim(c, b->data != NULL ? b->data : "", b->len);
    resp_buf_free(b);
}

void mr_cmd_client_info(mr_conn *c, size_t argc, const resp_span *argv) {
    resp_buf b;
    resp_buf_init(&b, NULL);
    client_info_line(&b, c, argv_mem(argc, argv));
    reply_text(c, &b);
}

enum { TYPE_ANY = -1, TYPE_NORMAL, TYPE_REPLICA, TYPE_PUBSUB, TYPE_MASTER };

/* Redis's client type names; -2 when unknown. */
static int client_type_by_name(const resp_span *a) {
    if (mr_arg_is(a, "normal")) return TYPE_NORMAL;
    if (mr_arg_is(a, "slave") || mr_arg_is(a, "replica")) return TYPE_REPLICA;
    if (mr_arg_is(a, "pubsub")) return TYPE_PUBSUB;
    if (mr_arg_is(a, "master")) return TYPE_MASTER;
    return -2;
}

static int client_type(const mr_conn *cl) {
    return mr_conn_in_pubsub(cl) ? TYPE_PUBSUB : TYPE_NORMAL;
}

static mr_conn *oldest_client(mr_server *srv) {
    mr_conn *cl = srv->clients;
    while (cl != NULL && cl->next != NULL) cl = cl->next;
    return cl;
}

/* A connection already killed is on its way out: Redis frees it at once,
 * so it is neither listed nor killed again. */
static int is_gone(const mr_conn *cl) {
    return cl->close == MR_CLOSE_NOW;
}

static mr_conn *client_by_id(mr_server *srv, long long id) {
    for (mr_conn *cl = srv->clients; cl != NULL; cl = cl->next)
        if ((long long)cl->id == id && !is_gone(cl)) return cl;
    return NULL;
}

void mr_cmd_client_list(mr_conn *c, size_t argc, const resp_span *argv) {
    int type = TYPE_ANY;
    resp_buf b;
    resp_buf_init(&b, NULL); /* allocates nothing until written to */
    size_t mem = argv_mem(argc, argv);
    if (argc == 4 && mr_arg_is(&argv[2], "type")) {
        type = client_type_by_name(&argv[3]);
        if (type == -2) {
            mr_add_errorf(c, "ERR Unknown client type '%.*s'", (int)mr_arg_len(&argv[3]),
                          argv[3].ptr);
            return;
        }
    } else if (argc > 3 && mr_arg_is(&argv[2], "id")) {
        /* Every id is checked before anything is listed; repeated ids
         * are listed again, in the order given. */
        for (size_t j = 3; j < argc; j++) {
            long long id;
            if (!mr_parse_ll(&argv[j], &id)) {
                resp_buf_free(&b);
                mr_add_error(c, "ERR Invalid client ID");
                return;
            }
            mr_conn *cl = client_by_id(c->srv, id);
            if (cl != NULL) client_info_line(&b, cl, cl == c ? mem : resp_request_partial(&cl->parser).args);
        }
        reply_text(c, &b);
        return;
    } else if (argc != 2) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    for (mr_conn *cl = oldest_client(c->srv); cl != NULL; cl = cl->prev) {
        if (is_gone(cl)) continue;
        if (type != TYPE_ANY && client_type(cl) != type) continue;
        client_info_line(&b, cl, cl == c ? mem : resp_request_partial(&cl->parser).args);
    }
    reply_text(c, &b);
}

/* Compares a connection's address with an argument read as a C string. */
static int addr_is(const char *addr, const resp_span *a) {
    size_t n = mr_arg_len(a);
    return strlen(addr) == n && memcmp(addr, a->ptr, n) == 0;
}

/* Redis frees a killed client at once: its subscriptions and watched keys
 * are gone before the next command runs, though the host closes the
 * socket later. */
static void kill_now(mr_conn *cl) {
    mr_multi_discard(cl);
    mr_pubsub_drop(cl, 0);
    mr_monitor_stop(cl);
    mr_tracking_disable(cl);
    mr_conn_kill(cl);
}

/* CLIENT KILL's filters; NULL or 0 where none was given. */
typedef struct kill_filter {
    long long id;
    int type, skipme;
    const resp_span *addr, *laddr;
} kill_filter;

/* One "FILTER value" pair; returns 0 after replying the error. */
static int parse_kill_pair(mr_conn *c, const resp_span *name, const resp_span *v, kill_filter *f) {
    if (mr_arg_is(name, "id")) {
        if (mr_parse_ll(v, &f->id) && f->id >= 1) return 1;
        mr_add_error(c, "ERR client-id should be greater than 0");
        return 0;
    }
    if (mr_arg_is(name, "type")) {
        f->type = client_type_by_name(v);
        if (f->type != -2) return 1;
        mr_add_errorf(c, "ERR Unknown client type '%.*s'", (int)mr_arg_len(v), v->ptr);
        return 0;
    }
    if (mr_arg_is(name, "addr") || mr_arg_is(name, "laddr")) {
        *(mr_arg_is(name, "addr") ? &f->addr : &f->laddr) = v;
        return 1;
    }
    if (mr_arg_is(name, "user")) {
        if (span_equals(v, "default")) return 1;
        mr_add_errorf(c, "ERR No such user '%.*s'", (int)mr_arg_len(v), v->ptr);
        return 0;
    }
    if (mr_arg_is(name, "skipme") && (mr_arg_is(v, "yes") || mr_arg_is(v, "no"))) {
        f->skipme = mr_arg_is(v, "yes");
        return 1;
    }
    mr_add_error(c, MR_ERR_SYNTAX);
    return 0;
}

static int kill_matches(const mr_conn *cl, const kill_filter *f) {
    if (f->addr != NULL && !addr_is(cl->addr, f->addr)) return 0;
    if (f->laddr != NULL) {
        char local[128];
        local_addr(cl, local, sizeof local);
        if (!addr_is(local, f->laddr)) return 0;
    }
    if (f->type != TYPE_ANY && client_type(cl) != f->type) return 0;
    return f->id == 0 || (long long)cl->id == f->id;
}

/* CLIENT KILL ip:port (old form: +OK or "No such client") and
 * CLIENT KILL <filter value> ... (new form: the number killed; the caller
 * itself is skipped unless SKIPME no).  Filters: ID, TYPE, ADDR, LADDR,
 * USER, SKIPME.  Killing the caller closes it after the reply. */
void mr_cmd_client_kill(mr_conn *c, size_t argc, const resp_span *argv) {
    kill_filter f = {0, TYPE_ANY, argc != 3, argc == 3 ? &argv[2] : NULL, NULL};
    for (size_t i = 2; argc != 3 && i < argc; i += 2) {
        if (i + 1 == argc) {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
        if (!parse_kill_pair(c, &argv[i], &argv[i + 1], &f)) return;
    }
    long long killed = 0;
    int close_self = 0;
    for (mr_conn *cl = c->srv->clients, *next; cl != NULL; cl = next) {
        next = cl->next;
        if (is_gone(cl) || !kill_matches(cl, &f) || (cl == c && f.skipme)) continue;
        if (cl == c) close_self = 1;
        else kill_now(cl);
        killed++;
    }
    if (argc != 3) mr_add_integer(c, killed);
    else if (killed == 0) mr_add_error(c, "ERR No such client");
    else mr_add_ok(c);
    if (close_self) mr_conn_close_after_reply(c);
}

/* CLIENT REPLY ON|OFF|SKIP.  OFF and SKIP reply nothing (they are
 * silenced at once); SKIP while OFF changes nothing; ON clears both and
 * replies +OK.  SKIP takes effect when this command ends (see
 * mr_command_dispatch), so inside EXEC it silences the command after the
 * EXEC. */
void mr_cmd_client_reply(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    if (mr_arg_is(&argv[2], "on")) {
        c->reply_off = 0;
        c->reply_skip = 0;
        mr_add_ok(c);
    } else if (mr_arg_is(&argv[2], "off")) {
        c->reply_off = 1;
    } else if (mr_arg_is(&argv[2], "skip")) {
        if (!c->reply_off) c->reply_skip_next = 1;
    } else {
        mr_add_error(c, MR_ERR_SYNTAX);
    }
}

/* ---- POST and Host: ---- */

/* An HTTP request sent to the server (cross-protocol scripting): logged at
 * most once a minute (for the whole process, as in Redis), and the
 * connection is dropped without a reply. */
void mr_cmd_security_warning(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    static int logged;
    static int64_t logged_ms;
    int64_t now = c->srv->now_ms;
    if (!logged || now - logged_ms > 60000 || logged_ms - now > 60000) {
        mr_log(c->srv, MR_LOG_WARNING,
               "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or "
               "Host: commands to Redis. This is likely due to an attacker attempting to use "
               "Cross Protocol Scripting to compromise your Redis instance. Connection "
               "aborted.");
        logged = 1;
        logged_ms = now;
    }
    c->close = MR_CLOSE_NOW;
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR]: the reason is read before the id. */
void mr_cmd_client_unblock(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_unblock_how how = MR_UNBLOCK_TIMEOUT;
    long long id;
    if (argc > 4) {
        mr_add_errorf(c,
                      "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                      "CLIENT HELP.",
                      (int)mr_arg_len(&argv[1]), argv[1].ptr);
        return;
    }
    if (argc == 4) {
        if (mr_arg_is(&argv[3], "error")) {
            how = MR_UNBLOCK_ERROR;
        } else if (!mr_arg_is(&argv[3], "timeout")) {
            mr_add_error(c, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    }
    if (!mr_arg_ll(c, &argv[2], &id)) return;
    mr_conn *target = client_by_id(c->srv, id);
    /* A client CLIENT PAUSE holds back is not blocked by its command: it
     * is left to the pause (Redis 7.0.15 crashes here). */
    if (target == NULL || target->block == NULL || mr_block_is_postponed(target)) {
        mr_add_integer(c, 0);
        return;
    }
    mr_unblock(target, how);
    mr_add_integer(c, 1);
}
