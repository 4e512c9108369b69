/* server/net_private.h - what the host's two files (net.c: the event
 * loop and connection tasks; net_listen.c: listening sockets and the
 * file limit) share. */
#ifndef MR_NET_PRIVATE_H
#define MR_NET_PRIVATE_H

#include <stdint.h>

#include <uv.h>

#include "core.h"
#include "mem.h"
#include "net.h"

#define READ_BUF_SIZE (16 * 1024)
#define MAX_LISTENERS 16   /* as many as bind may list */
#define LISTEN_BACKLOG 511 /* Redis's tcp-backlog */
#define RESERVED_FDS 32    /* Redis's CONFIG_MIN_RESERVED_FDS: listeners, logs, ... */

typedef struct net_conn net_conn;

typedef struct net_server {
    uv_loop_t loop;
    const mr_config *cfg;
    mr_server *srv;
    uv_tcp_t *listeners[MAX_LISTENERS];
    int nlisteners;
    char listen_bind[sizeof ((mr_config *)0)->bind]; /* what listeners[] serve */
    int listen_port;
    uv_timer_t cron;
    uint64_t cron_ms;
    uv_timer_t grace; /* bounds the flush at shutdown */
    uv_signal_t sigint, sigterm;
    net_conn *conns;   /* every connection whose handle is not yet closed */
    net_conn *pending; /* woken by the core, to service after it returns */
    int shutdown_requested;
    int shutting_down;
    uv_connection_cb on_connection; /* net.c's, for the listeners net_listen.c opens */
    char rbuf[READ_BUF_SIZE];
} net_server;

/* net_log.c: the log level in force (CONFIG SET's once the core runs). */
mr_loglevel net_loglevel(const net_server *ns);
#define LOG(ns, level, ...) mr_net_log(net_loglevel(ns), (level), __VA_ARGS__)

/* net_listen.c */
/* Listens on cfg's bind and port at start; -1 (logged) when it cannot. */
int net_listen_all(net_server *ns);
void net_close_listeners(net_server *ns);
/* Raises the open-file limit for cfg's maxclients, warning when it cannot. */
void net_raise_fd_limit(net_server *ns);
/* mr_host's relisten and reserve_clients (ud is the net_server). */
int net_relisten(int port, const char *bind, void *ud);
long net_reserve_clients(long want, void *ud);

#endif /* MR_NET_PRIVATE_H */
