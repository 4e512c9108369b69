/* server/net_listen.c - the host's listening sockets: the bind list at
 * start, listening anew for CONFIG SET port/bind, and the open-file limit
 * that maxclients needs. */
#define _POSIX_C_SOURCE 200809L

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "net_private.h"

static void free_handle(uv_handle_t *h) {
    free(h);
}

/* Binds one address of the bind list.  Returns 0 when listening, 1 when an
 * optional address is unavailable, -1 (logged) on failure. */
static int listen_on(net_server *ns, const char *word, int port) {
    int optional = word[0] == '-';
    const char *addr = word + optional;
    const char *host = addr;
    int family = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
    if (strcmp(addr, "*") == 0 || strcmp(addr, "::*") == 0) host = NULL;

    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai != 0) {
        if (optional) return 1;
        LOG(ns, MR_LOG_WARNING, "Warning: Could not create server TCP listening socket %s:%d: %s",
            addr, port, gai_strerror(gai));
        return -1;
    }
    int rc = UV_EINVAL;
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        uv_tcp_t *l = mr_xcalloc(1, sizeof *l);
        uv_tcp_init(&ns->loop, l);
        l->data = ns;
        /* As Redis: an IPv6 listener does not take IPv4 clients, so that
         * "* ::*" can bind both. */
        rc = uv_tcp_bind(l, ai->ai_addr, ai->ai_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0);
        if (rc == 0) rc = uv_listen((uv_stream_t *)l, LISTEN_BACKLOG, ns->on_connection);
        if (rc == 0) {
            ns->listeners[ns->nlisteners++] = l;
            break;
        }
        uv_close((uv_handle_t *)l, free_handle);
        /* Only "no such address here" moves on to the next candidate. */
        if (rc != UV_EAFNOSUPPORT && rc != UV_EADDRNOTAVAIL && rc != UV_EPROTONOSUPPORT) break;
    }
    freeaddrinfo(res);
    if (rc == 0) return 0;
    if (optional && (rc == UV_EAFNOSUPPORT || rc == UV_EADDRNOTAVAIL || rc == UV_EPROTONOSUPPORT ||
                     rc == UV_ENOPROTOOPT))
        return 1;
    LOG(ns, MR_LOG_WARNING, "Warning: Could not create server TCP listening socket %s:%d: %s",
        addr, port, uv_strerror(rc));
    return -1;
}

/* Listens on every address of a bind list at port (none when port is
 * 0).  Returns 0, or -1 when a required address could not be bound (the
 * listeners opened before it stay in ns->listeners). */
static int listen_addresses(net_server *ns, const char *bind, int port) {
    char list[sizeof ns->listen_bind];
    snprintf(list, sizeof list, "%s", bind);
    snprintf(ns->listen_bind, sizeof ns->listen_bind, "%s", bind);
    ns->listen_port = port;
    if (port == 0) return 0;
    /* The list is stored with single spaces; an empty word (CONFIG SET
     * bind "a  b") is an address like any other, and fails as in Redis. */
    if (list[0] == '\0') return 0;
    for (char *w = list, *end;; w = end + 1) {
        end = strchr(w, ' ');
        if (end != NULL) *end = '\0';
        if (ns->nlisteners == MAX_LISTENERS) break;
        if (listen_on(ns, w, port) < 0) return -1;
        if (end == NULL) break;
    }
    return 0;
}

void net_close_listeners(net_server *ns) {
    for (int i = 0; i < ns->nlisteners; i++) uv_close((uv_handle_t *)ns->listeners[i], free_handle);
    ns->nlisteners = 0;
}

int net_listen_all(net_server *ns) {
    const mr_config *cfg = ns->cfg;
    if (listen_addresses(ns, cfg->bind, cfg->port) != 0) {
        LOG(ns, MR_LOG_WARNING, "Failed listening on port %d (TCP), aborting.", cfg->port);
        return -1;
    }
    if (ns->nlisteners == 0) {
        LOG(ns, MR_LOG_WARNING, "Configured to not listen anywhere, exiting.");
        return -1;
    }
    return 0;
}

/* Raises the open-file limit towards what `clients` clients need, as far
 * as the hard limit allows; returns the limit now in force. */
static rlim_t fd_limit_for(long clients) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return RLIM_INFINITY;
    rlim_t want = (rlim_t)clients + RESERVED_FDS;
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want) return rl.rlim_cur;
    rlim_t old = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max ? rl.rlim_max : want;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) rl.rlim_cur = old;
    return rl.rlim_cur;
}

/* Redis raises the open-file limit to fit maxclients; so does this. */
void net_raise_fd_limit(net_server *ns) {
    rlim_t want = (rlim_t)ns->cfg->maxclients + RESERVED_FDS;
    rlim_t got = fd_limit_for(ns->cfg->maxclients);
    if (got < want)
        LOG(ns, MR_LOG_WARNING,
            "You requested maxclients of %ld requiring at least %llu max file descriptors, "
            "but the open-file limit is %llu.",
            ns->cfg->maxclients, (unsigned long long)want, (unsigned long long)got);
}

/* As Redis does: the old listeners are closed first (a new address may
 * overlap an old one), and opened again when the new ones fail. */
int net_relisten(int port, const char *bind, void *ud) {
    net_server *ns = ud;
    char old_bind[sizeof ns->listen_bind];
    int old_port = ns->listen_port;
    snprintf(old_bind, sizeof old_bind, "%s", ns->listen_bind);
    net_close_listeners(ns);
    if (listen_addresses(ns, bind, port) == 0) return 0;
    LOG(ns, MR_LOG_WARNING, "Failed to bind, trying to restore old listening sockets.");
    net_close_listeners(ns);
    if (listen_addresses(ns, old_bind, old_port) != 0)
        LOG(ns, MR_LOG_WARNING, "Failed to restore old listening sockets.");
    return -1;
}

long net_reserve_clients(long want, void *ud) {
    (void)ud;
    rlim_t got = fd_limit_for(want);
    if (got == RLIM_INFINITY || got >= (rlim_t)want + RESERVED_FDS) return want;
    return got > RESERVED_FDS ? (long)(got - RESERVED_FDS) : 0;
}
