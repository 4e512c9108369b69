/* server/net.h - mini-redis-server's host: the core (core.h) on a libuv
 * event loop, one TCP connection task per client. */
#ifndef MR_NET_H
#define MR_NET_H

#include "config.h"

/* Listens on every address of cfg->bind (Redis's syntax: "*" is every
 * IPv4 address, "::*" every IPv6 one, a leading '-' makes an address
 * optional) at cfg->port, creates the core and serves until SHUTDOWN,
 * SIGINT or SIGTERM.  Logs "Server initialized" and "Ready to accept
 * connections tcp" once it listens.  On the way out, pending output is
 * flushed (for up to a second), every connection is closed and everything
 * is freed.  Returns 0 after a clean shutdown, 1 when the server could not
 * start (address in use, nothing to listen on), with the reason logged. */
int mr_net_run(const mr_config *cfg);

/* A server on a loop the caller drives, for the fuzz target and tests:
 * the core, its cron and the connection tasks, but no listener and no
 * signal handling.  NULL when it cannot start. */
typedef struct net_server mr_net;
mr_net *mr_net_open(const mr_config *cfg);
/* Serves fd, a connected TCP socket, as a new client; the server owns it
 * from then on.  Returns 0, or -1 (fd closed) when libuv refuses it or
 * the server is shutting down. */
int mr_net_adopt(mr_net *n, int fd);
/* Runs the loop once without waiting; non-zero while handles are active. */
int mr_net_poll(mr_net *n);
/* Shuts down as SHUTDOWN does (queued output flushed for up to a second,
 * every connection closed) and frees everything. */
void mr_net_close(mr_net *n);

/* One line on stderr in redis-server's format,
 * "pid:M 26 Nov 2026 07:53:39.958 * text" ('.' debug, '-' verbose,
 * '*' notice, '#' warning), when level >= min. */
void mr_net_log(mr_loglevel min, mr_loglevel level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* MR_NET_H */
