/* fuzz/net_fuzz.c - the libuv host: real connection tasks on a real loop,
 * fed through loopback TCP sockets in fuzzer-chosen pieces.
 *
 * The command core has its own target (server_fuzz); this one guards the
 * glue around it: reading into the shared buffer, queued writes and their
 * callbacks, the wake queue, half-closed and vanished peers, refused
 * clients, and shutdown with connections open.  The input is a script;
 * each step's first byte picks an operation on one of a few clients:
 * connect, send the next N bytes, half-close, close, read what arrived,
 * or turn the loop.  Oracles:
 *  - what a client reads is valid RESP, in whole replies once the server
 *    has gone quiet (not for a client that sent "REPLY": CLIENT REPLY
 *    inside EXEC breaks Redis's own framing, see server/core.h);
 *  - the server shuts down with clients connected, and nothing leaks or is
 *    used after being freed (ASan, LeakSanitizer).
 * Each input gets a fresh server, so an input replays the same way. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <resp/reply.h>

#include "config.h"
#include "fuzz_util.h"
#include "net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CLIENTS 5 /* one more than maxclients: the last is refused */
#define POLLS 8
#define READ_CAP (1 << 20) /* bytes one read step takes at most */

typedef struct client {
    int fd;
    resp_reply_parser parser;
    int unframed;    /* it sent "REPLY": its output is not checked */
    int midreply;    /* the parser is inside a reply */
    int truncated;   /* reading stopped at READ_CAP with more to come */
} client;

/* The loopback listener the clients' server ends come from. */
static int listener = -1;
static struct sockaddr_in listen_addr;

static void setup_listener(void) {
    if (listener >= 0) return;
    signal(SIGPIPE, SIG_IGN);
    listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    fuzz_check(listener >= 0, "socket");
    memset(&listen_addr, 0, sizeof listen_addr);
    listen_addr.sin_family = AF_INET;
    listen_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fuzz_check(bind(listener, (struct sockaddr *)&listen_addr, sizeof listen_addr) == 0, "bind");
    socklen_t len = sizeof listen_addr;
    fuzz_check(getsockname(listener, (struct sockaddr *)&listen_addr, &len) == 0, "getsockname");
    fuzz_check(listen(listener, 64) == 0, "listen");
}

static void pump(mr_net *net) {
    for (int i = 0; i < POLLS; i++) mr_net_poll(net);
}

/* A failed connect is the machine's limit, not the server's fault: after
 * some 10^6 loopback connections the ephemeral ports sit in TIME_WAIT.
 * The step is then skipped. */
static void client_connect(mr_net *net, client *c) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    if (connect(fd, (struct sockaddr *)&listen_addr, sizeof listen_addr) != 0) {
        close(fd);
        return;
    }
    int server_end = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (server_end < 0) {
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    mr_net_adopt(net, server_end);
    c->fd = fd;
    c->unframed = 0;
    c->midreply = 0;
    c->truncated = 0;
    resp_reply_init(&c->parser, NULL);
    pump(net);
}

static void client_close(client *c) {
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
}

/* Reads what has arrived and checks it as replies; stops after `idle`
 * turns of the loop that brought nothing. */
static void client_read(mr_net *net, client *c, int idle) {
    char buf[65536];
    size_t total = 0;
    c->truncated = 0;
    for (int quiet = 0; quiet < idle && c->fd >= 0;) {
        if (total >= READ_CAP) {
            /* A huge reply (SETRANGE makes 512 MB values): enough of it. */
            c->truncated = 1;
            return;
        }
        pump(net);
        ssize_t n = recv(c->fd, buf, sizeof buf, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            quiet++;
            continue;
        }
        if (n <= 0) {
            client_close(c);
            return;
        }
        quiet = 0;
        total += (size_t)n;
        if (c->unframed) continue;
        size_t pos = 0;
        while (pos < (size_t)n) {
            size_t used = 0;
            resp_reply_status st =
                resp_reply_parse(&c->parser, buf + pos, (size_t)n - pos, &used, NULL, NULL);
            fuzz_check(st != RESP_REPLY_ERROR, "output is valid RESP");
            c->midreply = st == RESP_REPLY_INCOMPLETE;
            pos += used;
            if (st == RESP_REPLY_INCOMPLETE) break;
        }
    }
}

static void client_send(mr_net *net, client *c, const uint8_t *p, size_t n) {
    if (memmem(p, n, "REPLY", 5) != NULL || memmem(p, n, "reply", 5) != NULL) c->unframed = 1;
    size_t done = 0;
    for (int tries = 0; done < n && tries < 16 && c->fd >= 0; tries++) {
        ssize_t w = send(c->fd, p + done, n - done, MSG_NOSIGNAL);
        if (w > 0) done += (size_t)w;
        else if (w < 0 && errno != EAGAIN && errno != EINTR) client_close(c);
        pump(net);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup_listener();
    static mr_config cfg;
    mr_config_defaults(&cfg);
    cfg.maxclients = MAX_CLIENTS - 1;
    cfg.loglevel = MR_LOG_WARNING + 1; /* quiet */
    cfg.normal_limit.hard = 1 << 16;
    cfg.pubsub_limit.hard = 1 << 16;
    cfg.proto_max_bulk_len = 1 << 20; /* strings of at most 1 MB, as in server_fuzz.c */
    mr_net *net = mr_net_open(&cfg);
    if (net == NULL) return 0;
    client clients[MAX_CLIENTS];
    for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;

    size_t pos = 0;
    while (pos < size) {
        uint8_t op = data[pos++];
        client *c = &clients[(op >> 3) % MAX_CLIENTS];
        switch (op & 7) {
        case 0:
        case 1:
            if (c->fd < 0) client_connect(net, c);
            break;
        case 2:
        case 3: {
            size_t n = pos < size ? (size_t)data[pos++] + 1 : 0;
            if (n > size - pos) n = size - pos;
            if (c->fd >= 0) client_send(net, c, data + pos, n);
            pos += n;
            break;
        }
        case 4:
            if (c->fd >= 0) shutdown(c->fd, SHUT_WR);
            pump(net);
            break;
        case 5:
            client_close(c);
            pump(net);
            break;
        case 6:
            if (c->fd >= 0) client_read(net, c, 1);
            break;
        default:
            pump(net);
            break;
        }
    }
    /* Quiet now: whatever a framed client has been sent is whole replies. */
    for (int i = 0; i < MAX_CLIENTS; i++) {
        client *c = &clients[i];
        if (c->fd < 0) continue;
        client_read(net, c, 3);
        if (c->fd >= 0 && !c->unframed && !c->truncated)
            fuzz_check(!c->midreply, "a quiet server has sent whole replies");
    }
    /* Shut down with some clients still connected, then let them go. */
    for (int i = 0; i < MAX_CLIENTS; i += 2) client_close(&clients[i]);
    mr_net_close(net);
    for (int i = 0; i < MAX_CLIENTS; i++) client_close(&clients[i]);
    return 0;
}
