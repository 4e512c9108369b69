/* server/core.h - the command core: connections in, bytes out.
 *
 * The core knows nothing of sockets or libuv.  A host (server/net.c on
 * libuv; unit tests and fuzzers in memory) creates connections, feeds them
 * the bytes it reads, takes the bytes they produce, and calls the cron at
 * the configured hz.  Everything a connection owns (input buffer, request
 * parser, output, subscriptions) lives in its mr_conn: the connection task
 * that a host spawns per accepted client. */
#ifndef MR_CORE_H
#define MR_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef struct mr_server mr_server;
typedef struct mr_conn mr_conn;

/* What the core asks of its host.  Every callback may be NULL. */
typedef struct mr_host {
    /* conn has new output, or wants to be closed once its output is
     * written (mr_conn_should_close). */
    void (*wake)(mr_conn *conn, void *host_ud);
    /* SHUTDOWN was accepted: stop accepting, flush, close, exit. */
    void (*shutdown)(mr_server *srv, void *host_ud);
    /* Runs work(arg) off the event loop (libuv's thread pool), then
     * done(arg) back on it.  Without it, both run at once, inline. */
    void (*run_blocking)(void (*work)(void *arg), void (*done)(void *arg), void *arg,
                         void *host_ud);
    /* A log line at a level (the host decides where it goes). */
    void (*log)(mr_loglevel level, const char *msg, void *host_ud);
    /* CONFIG SET port or bind: listen on exactly these addresses instead
     * (cfg->bind's syntax) at that port.  Returns 0, or -1 when one cannot
     * be bound, with the old listeners kept.  NULL: the change is only
     * recorded. */
    int (*relisten)(int port, const char *bind, void *host_ud);
    /* CONFIG SET maxclients: makes room (file descriptors) for `want`
     * clients and returns how many the system allows (want when it all
     * fits).  NULL: any number fits. */
    long (*reserve_clients)(long want, void *host_ud);
    /* The wall clock in microseconds since the epoch.  The server reads it
     * before each top-level command (Redis's call() refreshes its cached
     * time there) and where Redis reads mstime() (TTLs, relative expiry
     * times).  NULL: the time moves only when the host sets it. */
    int64_t (*now_us)(void *host_ud);
    void *ud;
} mr_host;

mr_server *mr_server_create(const mr_config *cfg, const mr_host *host);
/* Frees every connection still open, every key and the server. */
/* Frees the server and its connections; NULL is allowed. */
void mr_server_free(mr_server *srv);
const mr_config *mr_server_config(const mr_server *srv);

/* The clock: the host sets it (since the epoch) before feeding bytes or
 * running the cron; tests move it by hand.  TIME reports it to the
 * microsecond; everything else reads milliseconds. */
void mr_server_set_time_us(mr_server *srv, int64_t now_us);
void mr_server_set_time(mr_server *srv, int64_t now_ms);
/* Redis's mstime(): the host's wall clock now, or the time last set. */
int64_t mr_server_clock_ms(const mr_server *srv);
/* Periodic work: active expiry of keys (sampling, as Redis does),
 * idle-client timeout, output soft limits.  Call it hz times a second. */
void mr_server_cron(mr_server *srv);
/* Once the host has handled the events in hand, before it waits for more
 * (Redis's beforeSleep): work batched over them (BCAST invalidations). */
void mr_server_after_events(mr_server *srv);
/* Number of connections open. */
size_t mr_server_clients(const mr_server *srv);

/* What the host knows about a new connection's socket. */
typedef struct mr_peer {
    const char *addr;  /* the client's address, "127.0.0.1:5000" ("[::1]:5000") */
    const char *laddr; /* the local address it reached; NULL: guessed from bind/port */
    int fd;            /* the socket (CLIENT LIST's fd=); -1 when there is none */
    int loopback;      /* the peer is on the loopback interface (protected mode) */
} mr_peer;

/* A new connection.  When the client may not stay (max clients, protected
 * mode), the connection is created with the error Redis sends already
 * queued and mr_conn_should_close() set. */
mr_conn *mr_conn_create(mr_server *srv, const mr_peer *peer, void *host_ud);
/* Bytes read from the peer.  Commands run at once; replies are queued. */
void mr_conn_feed(mr_conn *c, const char *data, size_t len);
/* Moves the queued output out: *data is malloc'd (the caller frees it),
 * *len its length; returns 0 when there is nothing. */
int mr_conn_take_output(mr_conn *c, char **data, size_t *len);
/* The host wrote n bytes previously taken (output limits count queued and
 * in-flight bytes alike). */
void mr_conn_written(mr_conn *c, size_t n);
/* Whether the host must close the connection, and when. */
typedef enum mr_close {
    MR_KEEP = 0,
    MR_CLOSE_AFTER_REPLY, /* once its output is written: QUIT, a protocol error */
    MR_CLOSE_NOW          /* at once, nothing more written: output limit, timeout, kill */
} mr_close;
mr_close mr_conn_should_close(const mr_conn *c);
/* Non-zero once CLIENT REPLY ran inside EXEC.  Redis 7.0 then sends an
 * EXEC array whose header counts the replies it went on to silence, and
 * mini-redis-server does the same: from there on the output is not whole
 * RESP replies, and a checker must stop reading it as such. */
int mr_conn_replies_unframed(const mr_conn *c);
/* The peer went away or the host closed it: frees the connection. */
void mr_conn_destroy(mr_conn *c);
void *mr_conn_host_data(const mr_conn *c);
uint64_t mr_conn_id(const mr_conn *c);

#endif /* MR_CORE_H */
