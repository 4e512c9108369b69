/* tests/server/hiredis_test.c - mini-redis-server through hiredis: the
 * synchronous API, the asynchronous API on libuv, and the server's exit
 * on SIGTERM and on SHUTDOWN.
 *
 * Usage: hiredis_test MINI_REDIS_SERVER */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/adapters/libuv.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <uv.h>

static int passed, failed;

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (cond) {                                       \
            passed++;                                     \
        } else {                                          \
            failed++;                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                 \
            fputc('\n', stderr);                          \
        }                                                 \
    } while (0)

static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("free_port");
        exit(2);
    }
    close(fd);
    return ntohs(a.sin_port);
}

static pid_t start_server(const char *bin, int port) {
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    pid_t pid = fork();
    if (pid == 0) {
        execl(bin, bin, "--port", portstr, "--loglevel", "warning", (char *)NULL);
        perror(bin);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        redisContext *c = redisConnect("127.0.0.1", port);
        if (c != NULL && c->err == 0) {
            redisFree(c);
            return pid;
        }
        if (c != NULL) redisFree(c);
        struct timespec ts = {0, 25 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "server did not start on port %d\n", port);
    kill(pid, SIGKILL);
    exit(2);
}

/* Waits for the server to exit; returns its exit status, or -1. */
static int wait_exit(pid_t pid) {
    for (int i = 0; i < 400; i++) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        struct timespec ts = {0, 25 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static int reply_is(redisReply *r, int type, const char *str) {
    int ok = r != NULL && r->type == type &&
             (str == NULL || (r->len == strlen(str) && memcmp(r->str, str, r->len) == 0));
    freeReplyObject(r);
    return ok;
}

static void sync_tests(int port) {
    redisContext *c = redisConnect("127.0.0.1", port);
    CHECK(c != NULL && c->err == 0, "connect");
    CHECK(reply_is(redisCommand(c, "PING"), REDIS_REPLY_STATUS, "PONG"), "PING");
    CHECK(reply_is(redisCommand(c, "SET %s %b", "bin", "a\0b\r\n", (size_t)5), REDIS_REPLY_STATUS,
                   "OK"),
          "SET binary");
    redisReply *r = redisCommand(c, "GET bin");
    CHECK(r != NULL && r->type == REDIS_REPLY_STRING && r->len == 5 &&
              memcmp(r->str, "a\0b\r\n", 5) == 0,
          "GET binary");
    freeReplyObject(r);
    CHECK(reply_is(redisCommand(c, "GET nokey"), REDIS_REPLY_NIL, NULL), "GET missing");

    /* 1000 pipelined commands come back in order. */
    for (int i = 0; i < 1000; i++) redisAppendCommand(c, "INCR counter");
    int in_order = 1;
    for (long long i = 1; i <= 1000; i++) {
        void *reply;
        if (redisGetReply(c, &reply) != REDIS_OK) {
            in_order = 0;
            break;
        }
        redisReply *rr = reply;
        if (rr->type != REDIS_REPLY_INTEGER || rr->integer != i) in_order = 0;
        freeReplyObject(rr);
    }
    CHECK(in_order, "pipelined INCR replies in order");

    r = redisCommand(c, "MGET counter nokey bin");
    CHECK(r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
              r->element[1]->type == REDIS_REPLY_NIL,
          "MGET");
    freeReplyObject(r);
    CHECK(reply_is(redisCommand(c, "FOO"), REDIS_REPLY_ERROR,
                   "ERR unknown command 'FOO', with args beginning with: "),
          "unknown command");

    /* Pub/sub across two connections. */
    redisContext *sub = redisConnect("127.0.0.1", port);
    r = redisCommand(sub, "SUBSCRIBE news");
    CHECK(r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 3, "SUBSCRIBE");
    freeReplyObject(r);
    r = redisCommand(c, "PUBLISH news hello");
    CHECK(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 1, "PUBLISH receivers");
    freeReplyObject(r);
    void *msg = NULL;
    CHECK(redisGetReply(sub, &msg) == REDIS_OK, "message arrives");
    r = msg;
    CHECK(r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
              strcmp(r->element[0]->str, "message") == 0 &&
              strcmp(r->element[2]->str, "hello") == 0,
          "message shape");
    freeReplyObject(r);
    redisFree(sub);
    redisFree(c);
}

/* Redis closes a client killed by another at once, not at a later tick:
 * the victim's end of file has arrived by the time the killer has read
 * ":1".  (That the close comes before the reply's write, as in Redis, is a
 * race of microseconds; the clients label's redis-py scenario sees it.) */
static void kill_closes_before_reply(int port) {
    redisContext *killer = redisConnect("127.0.0.1", port);
    redisContext *victim = redisConnect("127.0.0.1", port);
    redisReply *id = redisCommand(victim, "CLIENT ID");
    CHECK(id != NULL && id->type == REDIS_REPLY_INTEGER, "CLIENT ID");
    redisReply *r = redisCommand(killer, "CLIENT KILL ID %lld", id != NULL ? id->integer : 0LL);
    CHECK(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 1, "CLIENT KILL ID");
    struct pollfd pfd = {.fd = victim->fd, .events = POLLIN};
    char byte;
    CHECK(poll(&pfd, 1, 0) == 1 && recv(victim->fd, &byte, 1, MSG_DONTWAIT) == 0,
          "the killed connection is at end of file when the killer has its reply");
    freeReplyObject(id);
    freeReplyObject(r);
    redisFree(victim);
    redisFree(killer);
}

/* ---- async on libuv ---- */

typedef struct async_state {
    int set_ok, get_ok, subscribed, message, done;
    redisAsyncContext *pub;
} async_state;

static void on_get(redisAsyncContext *ac, void *reply, void *priv) {
    async_state *s = priv;
    redisReply *r = reply;
    s->get_ok = r != NULL && r->type == REDIS_REPLY_STRING && strcmp(r->str, "async") == 0;
    (void)ac;
}

static void on_set(redisAsyncContext *ac, void *reply, void *priv) {
    async_state *s = priv;
    redisReply *r = reply;
    s->set_ok = r != NULL && r->type == REDIS_REPLY_STATUS;
    redisAsyncCommand(ac, on_get, s, "GET akey");
}

static void on_message(redisAsyncContext *ac, void *reply, void *priv) {
    async_state *s = priv;
    redisReply *r = reply;
    if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
    if (strcmp(r->element[0]->str, "subscribe") == 0) {
        s->subscribed = 1;
        redisAsyncCommand(s->pub, NULL, NULL, "PUBLISH achan ping");
    } else if (strcmp(r->element[0]->str, "message") == 0) {
        s->message = strcmp(r->element[2]->str, "ping") == 0;
        redisAsyncDisconnect(ac);
        redisAsyncDisconnect(s->pub);
    }
}

static void async_tests(int port) {
    uv_loop_t *loop = uv_default_loop();
    async_state s = {0};
    redisAsyncContext *cmd = redisAsyncConnect("127.0.0.1", port);
    redisAsyncContext *sub = redisAsyncConnect("127.0.0.1", port);
    s.pub = cmd;
    CHECK(cmd->err == 0 && sub->err == 0, "async connect");
    redisLibuvAttach(cmd, loop);
    redisLibuvAttach(sub, loop);
    redisAsyncCommand(cmd, on_set, &s, "SET akey async");
    redisAsyncCommand(sub, on_message, &s, "SUBSCRIBE achan");
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK(s.set_ok, "async SET");
    CHECK(s.get_ok, "async GET");
    CHECK(s.subscribed, "async SUBSCRIBE");
    CHECK(s.message, "async message from PUBLISH");
    uv_loop_close(loop);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s MINI_REDIS_SERVER\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    int port = free_port();
    pid_t pid = start_server(argv[1], port);
    sync_tests(port);
    kill_closes_before_reply(port);
    async_tests(port);
    kill(pid, SIGTERM);
    CHECK(wait_exit(pid) == 0, "exit status 0 after SIGTERM");

    /* SHUTDOWN NOSAVE: no reply, the connection closes, the server exits
     * 0; a client blocked in BLPOP is closed too. */
    port = free_port();
    pid = start_server(argv[1], port);
    redisContext *blocked = redisConnect("127.0.0.1", port);
    redisAppendCommand(blocked, "BLPOP shutdown-list 0");
    int done = 0;
    while (!done && redisBufferWrite(blocked, &done) == REDIS_OK) {
    }
    struct timespec settle = {0, 100 * 1000 * 1000};
    nanosleep(&settle, NULL);
    redisContext *c = redisConnect("127.0.0.1", port);
    redisReply *r = redisCommand(c, "SHUTDOWN NOSAVE");
    CHECK(r == NULL && c->err == REDIS_ERR_EOF, "SHUTDOWN closes the connection");
    if (r != NULL) freeReplyObject(r);
    redisFree(c);
    void *br = NULL;
    CHECK(redisGetReply(blocked, &br) == REDIS_ERR && blocked->err == REDIS_ERR_EOF,
          "SHUTDOWN closes a client blocked in BLPOP");
    if (br != NULL) freeReplyObject(br);
    redisFree(blocked);
    CHECK(wait_exit(pid) == 0, "exit status 0 after SHUTDOWN");

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
