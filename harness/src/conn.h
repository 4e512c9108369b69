/* harness/src/conn.h - one client connection: timed sends and reads, and
 * every reply decoded twice (resp/'s reader, and hiredis's redisReader
 * for the RESP2 types) with the two decodings required to agree. */
#ifndef RH_CONN_H
#define RH_CONN_H

#include <stddef.h>

#include <resp/value.h>
#include <resp/writer.h>

typedef struct rh_conn {
    int fd;
    char *name;
    resp_buf in;    /* received, not yet parsed: in.data[off..in.len) */
    size_t off;
    resp_buf sent;  /* everything sent, for reproducers */
    int eof;        /* the server closed (or reset) the connection */
    int one_reader; /* skip hiredis's second reading (respect fuzz: the two
                     * servers' bytes are compared instead) */
    int closed_by_us;
} rh_conn;

typedef enum rh_read_status {
    RH_READ_OK,
    RH_READ_TIMEOUT,   /* no complete reply in time */
    RH_READ_CLOSED,    /* the connection closed before a complete reply */
    RH_READ_PROTOCOL,  /* not valid RESP */
    RH_READ_DISAGREE   /* resp/ and hiredis decoded the bytes differently */
} rh_read_status;

typedef struct rh_reply {
    rh_read_status status;
    resp_value *value; /* RH_READ_OK (and DISAGREE): resp/'s tree */
    char *raw;         /* the reply's bytes (or what arrived of them) */
    size_t rawlen;
    char *why;         /* what went wrong, for the other statuses */
} rh_reply;

/* Connects to host:port within timeout_ms.  Returns 0, or -1 with a reason. */
int rh_conn_open(rh_conn *c, const char *host, const char *port, long long timeout_ms,
                 char *err, size_t errlen);
/* Sends len bytes, in pieces of `chunk` bytes (0: at once) gap_ms apart.
 * Returns 0, or -1 when the connection is gone. */
int rh_conn_send(rh_conn *c, const char *data, size_t len, size_t chunk, long long gap_ms);
/* Reads one reply within timeout_ms.  Free with rh_reply_clear(). */
void rh_conn_read(rh_conn *c, long long timeout_ms, rh_reply *out);
void rh_reply_clear(rh_reply *r);
/* Waits up to ms for bytes or a close; returns the number of unread bytes
 * (the connection's eof flag tells whether it closed). */
size_t rh_conn_wait(rh_conn *c, long long ms);
void rh_conn_close(rh_conn *c);

/* Whether a server is there: a new connection, PING, and any reply (an
 * error reply too) within timeout_ms.  Returns 0, or -1 with one line in
 * err ("cannot connect to HOST:PORT: reason", or why it did not answer). */
int rh_conn_ping(const char *host, const char *port, long long timeout_ms, char *err,
                 size_t errlen);

/* The hiredis cross-check alone, on one reply's bytes and resp/'s tree of
 * them.  Returns 1 when they agree (or differ only as listed in conn.c),
 * else 0 with a reason. */
int rh_hiredis_agrees(const char *raw, size_t len, const resp_value *v, char *why, size_t whylen);

#endif /* RH_CONN_H */
