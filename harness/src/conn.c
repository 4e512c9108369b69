/* harness/src/conn.c - one client connection with timed reads and a
 * second, independent reader on every reply. */
#define _POSIX_C_SOURCE 200809L
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <resp/printer.h>

#include "hiredis_check.h"
#include "util.h"

/* The one divergence tolerated on valid RESP2 is hiredis's stack depth
 * (hiredis_check.h); fuzz/hiredis_diff_fuzz.c lists the rest. */

static int wait_fd(int fd, short events, long long deadline) {
    for (;;) {
        long long left = deadline - rh_now_ms();
        if (left < 0) left = 0;
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR) continue;
        return rc;
    }
}

/* "host:port", or "[host]:port" for an IPv6 address. */
static void address_text(char *out, size_t n, const char *host, const char *port) {
    snprintf(out, n, strchr(host, ':') != NULL ? "[%s]:%s" : "%s:%s", host, port);
}

int rh_conn_open(rh_conn *c, const char *host, const char *port, long long timeout_ms, char *err,
                 size_t errlen) {
    memset(c, 0, sizeof *c);
    c->fd = -1;
    resp_buf_init(&c->in, NULL);
    resp_buf_init(&c->sent, NULL);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    char addr[300];
    address_text(addr, sizeof addr, host, port);
    if (rc != 0) {
        snprintf(err, errlen, "cannot connect to %s: %s", addr, gai_strerror(rc));
        return -1;
    }
    long long deadline = rh_now_ms() + timeout_ms;
    int saved = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai != NULL && c->fd < 0; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            saved = errno;
            close(fd);
            continue;
        }
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (wait_fd(fd, POLLOUT, deadline) <= 0) {
            saved = ETIMEDOUT;
        } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0) {
            c->fd = fd;
            break;
        } else {
            saved = soerr;
        }
        close(fd);
    }
    freeaddrinfo(res);
    if (c->fd < 0) {
        snprintf(err, errlen, "cannot connect to %s: %s", addr, strerror(saved));
        return -1;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return 0;
}

int rh_conn_send(rh_conn *c, const char *data, size_t len, size_t chunk, long long gap_ms) {
    resp_buf_append(&c->sent, data, len);
    if (chunk == 0) chunk = len;
    size_t done = 0;
    while (done < len) {
        if (done > 0) rh_sleep_ms(gap_ms);
        size_t end = done + chunk < len ? done + chunk : len;
        while (done < end) {
            ssize_t n = send(c->fd, data + done, end - done, MSG_NOSIGNAL);
            if (n > 0) {
                done += (size_t)n;
            } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                if (wait_fd(c->fd, POLLOUT, rh_now_ms() + 5000) <= 0) return -1;
            } else {
                return -1;
            }
        }
    }
    return 0;
}

/* Moves whatever the socket has into c->in; waits until deadline for
 * the first byte.  Returns bytes read, 0 on timeout or close. */
static size_t fill(rh_conn *c, long long deadline) {
    if (c->eof || c->fd < 0) return 0;
    if (wait_fd(c->fd, POLLIN, deadline) <= 0) return 0;
    char tmp[65536];
    ssize_t n = recv(c->fd, tmp, sizeof tmp, 0);
    if (n > 0) {
        resp_buf_append(&c->in, tmp, (size_t)n);
        return (size_t)n;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) c->eof = 1;
    return 0;
}

size_t rh_conn_wait(rh_conn *c, long long ms) {
    long long deadline = rh_now_ms() + ms;
    while (c->in.len == c->off && !c->eof && rh_now_ms() < deadline) fill(c, deadline);
    /* Take what else is already there, without waiting. */
    while (fill(c, 0) > 0) {
    }
    return c->in.len - c->off;
}

static void set_why(rh_reply *r, const char *prefix, const char *arg) {
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%s%s", prefix, arg);
    r->why = rh_strdup(tmp);
}

int rh_hiredis_agrees(const char *raw, size_t len, const resp_value *v, char *why, size_t whylen) {
    redisReader *r = redisReaderCreate();
    if (r == NULL) rh_die("out of memory");
    void *reply = NULL;
    int ok;
    if (redisReaderFeed(r, raw, len) != REDIS_OK || redisReaderGetReply(r, &reply) != REDIS_OK) {
        /* hiredis refuses RESP3 types, and nesting past its stack. */
        ok = !rh_resp2_only(v) || rh_array_chain(v) > RH_HIREDIS_MAX_CHAIN;
        if (!ok) snprintf(why, whylen, "hiredis refused a RESP2 reply: %s", r->errstr);
    } else if (reply == NULL) {
        ok = 0;
        snprintf(why, whylen, "hiredis found the reply incomplete");
    } else if (!rh_resp2_only(v)) {
        ok = 0;
        snprintf(why, whylen, "hiredis accepted a reply with RESP3 types");
    } else if (!rh_same_as_hiredis(v, reply)) {
        ok = 0;
        snprintf(why, whylen, "hiredis decoded a different value");
    } else if (r->pos != r->len) {
        ok = 0;
        snprintf(why, whylen, "hiredis left %zu bytes of the reply unread", r->len - r->pos);
    } else {
        ok = 1;
    }
    if (reply != NULL) freeReplyObject(reply);
    redisReaderFree(r);
    return ok;
}

void rh_conn_read(rh_conn *c, long long timeout_ms, rh_reply *out) {
    memset(out, 0, sizeof *out);
    long long deadline = rh_now_ms() + timeout_ms;
    resp_reader reader;
    resp_reader_init(&reader, NULL, NULL);
    size_t start = c->off;
    for (;;) {
        if (c->off < c->in.len) {
            size_t used = 0;
            resp_value *v = NULL;
            resp_reply_status st =
                resp_reader_parse(&reader, c->in.data + c->off, c->in.len - c->off, &used, &v);
            c->off += used;
            if (st == RESP_REPLY_COMPLETE) {
                out->status = RH_READ_OK;
                out->value = v;
                break;
            }
            if (st == RESP_REPLY_ERROR) {
                out->status = RH_READ_PROTOCOL;
                set_why(out, "not valid RESP: ", resp_strerror(resp_reader_error(&reader)));
                c->off = c->in.len;
                break;
            }
        }
        if (c->eof) {
            out->status = RH_READ_CLOSED;
            break;
        }
        if (rh_now_ms() >= deadline) {
            out->status = RH_READ_TIMEOUT;
            break;
        }
        fill(c, deadline);
    }
    resp_reader_free(&reader);
    out->rawlen = c->off - start;
    out->raw = rh_strndup(c->in.data + start, out->rawlen);
    if (out->status == RH_READ_OK && !c->one_reader) {
        char why[300];
        if (!rh_hiredis_agrees(out->raw, out->rawlen, out->value, why, sizeof why)) {
            out->status = RH_READ_DISAGREE;
            out->why = rh_strdup(why);
        }
    }
    /* Drop what has been parsed, so long runs do not grow the buffer. */
    if (c->off == c->in.len) {
        resp_buf_clear(&c->in);
        c->off = 0;
    }
}

void rh_reply_clear(rh_reply *r) {
    resp_value_free(r->value, NULL);
    free(r->raw);
    free(r->why);
    memset(r, 0, sizeof *r);
}

void rh_conn_close(rh_conn *c) {
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    resp_buf_free(&c->in);
    resp_buf_free(&c->sent);
    free(c->name);
    c->name = NULL;
}

int rh_conn_ping(const char *host, const char *port, long long timeout_ms, char *err,
                 size_t errlen) {
    static const char ping[] = "*1\r\n$4\r\nPING\r\n";
    rh_conn c;
    if (rh_conn_open(&c, host, port, timeout_ms, err, errlen) != 0) {
        rh_conn_close(&c);
        return -1;
    }
    c.one_reader = 1;
    rh_reply r;
    rh_conn_send(&c, ping, sizeof ping - 1, 0, 0);
    rh_conn_read(&c, timeout_ms, &r);
    char addr[300];
    address_text(addr, sizeof addr, host, port);
    int rc = 0;
    switch (r.status) {
    case RH_READ_TIMEOUT:
        snprintf(err, errlen, "%s does not answer PING within %lld ms", addr, timeout_ms);
        rc = -1;
        break;
    case RH_READ_CLOSED:
        snprintf(err, errlen, "%s closes a new connection without answering PING", addr);
        rc = -1;
        break;
    case RH_READ_OK:
    case RH_READ_PROTOCOL:
    case RH_READ_DISAGREE: break; /* any answer, even an error, means it is there */
    }
    rh_reply_clear(&r);
    rh_conn_close(&c);
    return rc;
}
