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

/* One line on stderr in redis-server's format,
 * "pid:M 26 Nov 2026 07:53:39.958 * text" ('.' debug, '-' verbose,
 * '*' notice, '#' warning), when level >= min. */
void mr_net_log(mr_loglevel min, mr_loglevel level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* MR_NET_H */
