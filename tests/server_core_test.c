/* tests/server_core_test.c - the command core, driven without sockets.
 *
 * A test host records wake-ups; connections are fed bytes and their
 * output is read back, several connections at once, with a clock the
 * test moves by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core.h"

typedef struct test_host {
    int wakes;
    int shutdowns;
    int relistens;      /* relisten calls */
    int relisten_fails; /* relisten refuses every address */
    int port;           /* what relisten was last asked for */
    char bind[256];
    long max_clients;   /* reserve_clients allows this many; 0 = any */
} test_host;

static void on_wake(mr_conn *c, void *ud) {
    (void)c;
    ((test_host *)ud)->wakes++;
}

static void on_shutdown(mr_server *srv, void *ud) {
    (void)srv;
    ((test_host *)ud)->shutdowns++;
}

static int on_relisten(int port, const char *bind, void *ud) {
    test_host *h = ud;
    h->relistens++;
    if (h->relisten_fails) return -1;
    h->port = port;
    snprintf(h->bind, sizeof h->bind, "%s", bind);
    return 0;
}

static long on_reserve_clients(long want, void *ud) {
    test_host *h = ud;
    return h->max_clients != 0 && want > h->max_clients ? h->max_clients : want;
}

static test_host host_state;

static mr_server *server_with(void (*tweak)(mr_config *)) {
    mr_config cfg;
    mr_config_defaults(&cfg);
    if (tweak != NULL) tweak(&cfg);
    memset(&host_state, 0, sizeof host_state);
    mr_host host = {.wake = on_wake,
                    .shutdown = on_shutdown,
                    .relisten = on_relisten,
                    .reserve_clients = on_reserve_clients,
                    .ud = &host_state};
    mr_server *srv = mr_server_create(&cfg, &host);
    mr_server_set_time(srv, 1700000000000);
    return srv;
}

/* A connection without a socket (fd -1, local address inferred). */
static mr_conn *open_conn(mr_server *srv, const char *addr, int loopback) {
    mr_peer peer = {.addr = addr, .laddr = NULL, .fd = -1, .loopback = loopback};
    return mr_conn_create(srv, &peer, NULL);
}

/* Takes all output queued on c, as a NUL-terminated string (malloc'd). */
static char *take(mr_conn *c) {
    char *data;
    size_t len;
    if (!mr_conn_take_output(c, &data, &len)) {
        char *empty = malloc(1);
        empty[0] = '\0';
        return empty;
    }
    mr_conn_written(c, len);
    char *s = malloc(len + 1);
    memcpy(s, data, len);
    s[len] = '\0';
    free(data);
    return s;
}

static void expect_reply_n(mr_conn *c, const char *in, size_t len, const char *want) {
    mr_conn_feed(c, in, len);
    char *got = take(c);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "sent: %s\nwant: %s\ngot:  %s\n", in, want, got);
        free(got);
        fail_msg("reply differs");
    }
    free(got);
}

static void expect_reply(mr_conn *c, const char *in, const char *want) {
    expect_reply_n(c, in, strlen(in), want);
}

/* Feeds `in` and requires the output to contain `part`. */
static void expect_reply_has(mr_conn *c, const char *in, const char *part) {
    mr_conn_feed(c, in, strlen(in));
    char *got = take(c);
    if (strstr(got, part) == NULL) {
        fprintf(stderr, "sent: %s\nwant a reply holding: %s\ngot:  %s\n", in, part, got);
        free(got);
        fail_msg("reply differs");
    }
    free(got);
}

static void test_ping_and_pipelining(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    expect_reply(c, "PING\r\n", "+PONG\r\n");
    expect_reply(c, "*2\r\n$4\r\nPING\r\n$2\r\nhi\r\n", "$2\r\nhi\r\n");
    expect_reply(c, "PING\r\n*1\r\n$4\r\nPING\r\nPING\n", "+PONG\r\n+PONG\r\n+PONG\r\n");
    expect_reply(c, "\r\n*0\r\n", "");
    assert_true(host_state.wakes > 0);
    mr_server_free(srv);
}

static void test_chunking_does_not_change_output(void **state) {
    (void)state;
    static const char script[] =
        "SET k v\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nINCR n\r\nINCRBY n 41\r\n"
        "APPEND k xyz\r\nGETRANGE k 1 -1\r\nMGET k n nokey\r\nDEL k n nokey\r\nEXISTS k\r\n";
    char *whole;
    {
        mr_server *srv = server_with(NULL);
        mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
        mr_conn_feed(c, script, sizeof script - 1);
        whole = take(c);
        mr_server_free(srv);
    }
    assert_string_equal(whole, "+OK\r\n$1\r\nv\r\n:1\r\n:42\r\n:4\r\n$3\r\nxyz\r\n"
                               "*3\r\n$4\r\nvxyz\r\n$2\r\n42\r\n$-1\r\n:2\r\n:0\r\n");
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    for (size_t i = 0; i < sizeof script - 1; i++) mr_conn_feed(c, script + i, 1);
    char *bytewise = take(c);
    assert_string_equal(whole, bytewise);
    free(whole);
    free(bytewise);
    mr_server_free(srv);
}

static void test_expiry_lazy_and_active(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    expect_reply(c, "SET k v PX 1500\r\nTTL k\r\nPTTL k\r\n", "+OK\r\n:2\r\n:1500\r\n");
    mr_server_set_time(srv, 1700000001499);
    expect_reply(c, "GET k\r\n", "$1\r\nv\r\n");
    mr_server_set_time(srv, 1700000001500);
    expect_reply(c, "GET k\r\nTTL k\r\n", "$-1\r\n:-2\r\n");

    /* Keys nobody touches are reclaimed by the cron. */
    for (int i = 0; i < 500; i++) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "SET key:%d v PX 10\r\n", i);
        mr_conn_feed(c, cmd, strlen(cmd));
    }
    free(take(c));
    expect_reply(c, "SET keep v\r\n", "+OK\r\n");
    mr_server_set_time(srv, 1700000002000);
    for (int i = 0; i < 200; i++) mr_server_cron(srv);
    expect_reply(c, "DBSIZE\r\n", ":1\r\n");
    mr_server_free(srv);
}

/* CLIENT PAUSE with the clock moved by hand: the held write, the reads
 * that run, the expired key that stays, CLIENT UNBLOCK (which leaves a
 * held client alone: Redis 7.0.15 itself crashes there, so no case can
 * pin it), and the end by deadline, seen by the cron. */
static void test_client_pause(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *a = open_conn(srv, "127.0.0.1:1", 1);
    mr_conn *w = open_conn(srv, "127.0.0.1:2", 1);
    expect_reply(a, "SET e v PX 100\r\nCLIENT PAUSE 1000 WRITE\r\n", "+OK\r\n+OK\r\n");
    expect_reply(w, "SET k 1\r\nINCR k\r\n", "");
    mr_server_set_time(srv, 1700000000200);
    for (int i = 0; i < 50; i++) mr_server_cron(srv);
    expect_reply(a, "GET k\r\nEXISTS e\r\nDBSIZE\r\n", "$-1\r\n:0\r\n:1\r\n");
    char unblock[64];
    snprintf(unblock, sizeof unblock, "CLIENT UNBLOCK %llu\r\n",
             (unsigned long long)mr_conn_id(w));
    expect_reply(a, unblock, ":0\r\n");
    expect_reply_has(a, "INFO clients\r\n", "blocked_clients:1\r\n");
    expect_reply(w, "GET k\r\n", "");
    /* The deadline itself still pauses; the cron after it resumes. */
    mr_server_set_time(srv, 1700000001000);
    mr_server_cron(srv);
    expect_reply(w, "", "");
    mr_server_set_time(srv, 1700000001001);
    mr_server_cron(srv);
    char *got = take(w);
    assert_string_equal(got, "+OK\r\n:2\r\n$1\r\n2\r\n");
    free(got);
    /* The cron that ended the pause reclaimed e: k alone is left. */
    expect_reply(a, "DBSIZE\r\nEXISTS k\r\n", ":1\r\n:1\r\n");
    mr_server_free(srv);
}

static void test_pubsub_across_connections(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *sub2 = open_conn(srv, "127.0.0.1:1", 1);
    mr_conn *sub3 = open_conn(srv, "127.0.0.1:2", 1);
    mr_conn *pub = open_conn(srv, "127.0.0.1:3", 1);
    expect_reply(sub2, "SUBSCRIBE ch\r\n", "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
    free(take(sub3));
    mr_conn_feed(sub3, "HELLO 3\r\n", 9);
    free(take(sub3));
    expect_reply(sub3, "PSUBSCRIBE c*\r\n", ">3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:1\r\n");
    expect_reply(pub, "PUBLISH ch hi\r\n", ":2\r\n");
    char *m2 = take(sub2), *m3 = take(sub3);
    assert_string_equal(m2, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
    assert_string_equal(m3, ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n");
    free(m2);
    free(m3);
    /* RESP2 subscribed context. */
    expect_reply(sub2, "GET x\r\nPING\r\n",
                 "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                 "QUIT / RESET are allowed in this context\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    /* A subscriber that goes away is no longer counted. */
    mr_conn_destroy(sub2);
    expect_reply(pub, "PUBLISH ch hi\r\nPUBSUB NUMSUB ch\r\nPUBSUB NUMPAT\r\n",
                 ":1\r\n*2\r\n$2\r\nch\r\n:0\r\n:1\r\n");
    mr_server_free(srv);
}

static void test_sharded_pubsub(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *sub = open_conn(srv, "127.0.0.1:1", 1);
    mr_conn *pub = open_conn(srv, "127.0.0.1:2", 1);
    /* Shard channels have their own count; channels and patterns share one. */
    expect_reply(sub, "SSUBSCRIBE s1 s2\r\nSUBSCRIBE c\r\n",
                 "*3\r\n$10\r\nssubscribe\r\n$2\r\ns1\r\n:1\r\n"
                 "*3\r\n$10\r\nssubscribe\r\n$2\r\ns2\r\n:2\r\n"
                 "*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
    /* SPUBLISH reaches shard subscribers only, as smessage. */
    expect_reply(pub, "SPUBLISH s1 hi\r\nPUBLISH s1 hi\r\nSPUBLISH c hi\r\n",
                 ":1\r\n:0\r\n:0\r\n");
    expect_reply(sub, "", "*3\r\n$8\r\nsmessage\r\n$2\r\ns1\r\n$2\r\nhi\r\n");
    expect_reply(pub, "PUBSUB SHARDCHANNELS *1\r\nPUBSUB SHARDNUMSUB s1 c\r\n",
                 "*1\r\n$2\r\ns1\r\n*4\r\n$2\r\ns1\r\n:1\r\n$1\r\nc\r\n:0\r\n");
    /* Dropping the channel leaves the shard channels: still subscribed. */
    expect_reply(sub, "UNSUBSCRIBE\r\nGET k\r\n",
                 "*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n"
                 "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                 "QUIT / RESET are allowed in this context\r\n");
    expect_reply(sub, "SUNSUBSCRIBE s1 x\r\n",
                 "*3\r\n$12\r\nsunsubscribe\r\n$2\r\ns1\r\n:1\r\n"
                 "*3\r\n$12\r\nsunsubscribe\r\n$1\r\nx\r\n:1\r\n");
    expect_reply(sub, "SUNSUBSCRIBE\r\nSUNSUBSCRIBE\r\nGET k\r\n",
                 "*3\r\n$12\r\nsunsubscribe\r\n$2\r\ns2\r\n:0\r\n"
                 "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n$-1\r\n");
    /* RESET and disconnecting drop shard subscriptions too. */
    expect_reply(sub, "SSUBSCRIBE a\r\nRESET\r\n",
                 "*3\r\n$10\r\nssubscribe\r\n$1\r\na\r\n:1\r\n+RESET\r\n");
    expect_reply(pub, "SPUBLISH a hi\r\n", ":0\r\n");
    mr_conn_feed(sub, "SSUBSCRIBE b\r\n", 14);
    free(take(sub));
    mr_conn_destroy(sub);
    expect_reply(pub, "SPUBLISH b hi\r\nPUBSUB SHARDCHANNELS\r\n", ":0\r\n*0\r\n");
    mr_server_free(srv);
}

static void test_unlink_expiretime_scan_cursor(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    expect_reply(c, "MSET a 1 b 2\r\nUNLINK a b nokey\r\nEXISTS a b\r\n",
                 "+OK\r\n:2\r\n:0\r\n");
    /* EXPIRETIME rounds to the nearest second, as TTL does. */
    expect_reply(c, "SET k v\r\nEXPIRETIME k\r\nPEXPIRETIME nokey\r\n"
                    "PEXPIREAT k 1800000000499\r\nEXPIRETIME k\r\nPEXPIRETIME k\r\n"
                    "PEXPIREAT k 1800000000500\r\nEXPIRETIME k\r\n",
                 "+OK\r\n:-1\r\n:-2\r\n:1\r\n:1800000000\r\n:1800000000499\r\n"
                 ":1\r\n:1800000001\r\n");
    /* An empty cursor reads as 0; a blank first is refused. */
    expect_reply(c, "*2\r\n$4\r\nSCAN\r\n$0\r\n\r\n*2\r\n$4\r\nSCAN\r\n$2\r\n 0\r\n",
                 "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n-ERR invalid cursor\r\n");
    mr_server_free(srv);
}

static void test_protocol_error_replies_then_closes(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    expect_reply(c, "PING\r\n*1\r\nfoo\r\nPING\r\n",
                 "+PONG\r\n-ERR Protocol error: expected '$', got 'f'\r\n");
    assert_int_equal(mr_conn_should_close(c), 1);
    /* Nothing more is read. */
    expect_reply(c, "PING\r\n", "");
    mr_server_free(srv);
}

static void test_quit_stops_the_pipeline(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    expect_reply(c, "PING\r\nQUIT\r\nSET k v\r\n", "+PONG\r\n+OK\r\n");
    assert_int_equal(mr_conn_should_close(c), 1);
    mr_conn *d = open_conn(srv, "127.0.0.1:2", 1);
    expect_reply(d, "EXISTS k\r\n", ":0\r\n");
    mr_server_free(srv);
}

static void test_unknown_command_text(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    expect_reply(c, "FOO bar baz\r\n",
                 "-ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' \r\n");
    /* Redis treats names and arguments as C strings here. */
    static const char with_nul[] = "*2\r\n$7\r\nFOO\0bar\r\n$3\r\na\0b\r\n";
    expect_reply_n(c, with_nul, sizeof with_nul - 1,
                 "-ERR unknown command 'FOO', with args beginning with: 'a' \r\n");
    expect_reply(c, "CONFIG FOO\r\nGET\r\nCONFIG GET\r\n",
                 "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n"
                 "-ERR wrong number of arguments for 'get' command\r\n"
                 "-ERR wrong number of arguments for 'config|get' command\r\n");
    mr_server_free(srv);
}

static void with_password(mr_config *cfg) {
    assert_int_equal(mr_config_set(cfg, "requirepass", "secret", NULL, 0), 0);
}

/* SHUTDOWN SAVE: nothing can be saved, so the server refuses to stop,
 * with the error Redis gives for a failed save; FORCE stops it anyway.
 * (Redis itself saves and exits, so no conformance case can pin this.) */
static void test_shutdown_save_without_persistence(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:5000", 1);
    expect_reply(c, "SHUTDOWN SAVE\r\n", "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
    assert_int_equal(host_state.shutdowns, 0);
    assert_int_equal(mr_conn_should_close(c), MR_KEEP);
    expect_reply(c, "PING\r\n", "+PONG\r\n");
    mr_conn_feed(c, "SHUTDOWN SAVE FORCE\r\n", 21);
    assert_int_equal(host_state.shutdowns, 1);
    assert_int_equal(mr_conn_should_close(c), MR_CLOSE_NOW);
    mr_conn_destroy(c);
    mr_server_free(srv);
}

/* TIME reports the clock the host set, to the microsecond: the core
 * reads no clock of its own. */
static void test_time_is_the_hosts_clock(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:5000", 1);
    mr_server_set_time_us(srv, 1700000000123456LL);
    expect_reply(c, "TIME\r\n", "*2\r\n$10\r\n1700000000\r\n$6\r\n123456\r\n");
    mr_server_set_time_us(srv, 1700000001000007LL);
    expect_reply(c, "TIME\r\n", "*2\r\n$10\r\n1700000001\r\n$1\r\n7\r\n");
    mr_conn_destroy(c);
    mr_server_free(srv);
}

static void test_requirepass(void **state) {
    (void)state;
    mr_server *srv = server_with(with_password);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    expect_reply(c, "GET k\r\nAUTH nope\r\n",
                 "-NOAUTH Authentication required.\r\n"
                 "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    /* Arity is checked before authentication. */
    expect_reply(c, "GET\r\n", "-ERR wrong number of arguments for 'get' command\r\n");
    expect_reply(c, "AUTH secret\r\nGET k\r\n", "+OK\r\n$-1\r\n");
    mr_conn *d = open_conn(srv, "127.0.0.1:2", 1);
    expect_reply(d, "*11\r\n",
                 "-ERR Protocol error: unauthenticated multibulk length\r\n");

    /* CVE-2025-21605: unread replies to a client that never
     * authenticated are capped; an authenticated one is not. */
    mr_conn *greedy = open_conn(srv, "127.0.0.1:3", 1);
    mr_conn *authed = open_conn(srv, "127.0.0.1:4", 1);
    mr_conn_feed(authed, "AUTH secret\r\n", 13);
    for (int i = 0; i < 1000 && mr_conn_should_close(greedy) == 0; i++) {
        mr_conn_feed(greedy, "PING\r\n", 6);
        mr_conn_feed(authed, "PING\r\n", 6);
    }
    assert_int_equal(mr_conn_should_close(greedy), 2);
    for (int i = 0; i < 1000; i++) mr_conn_feed(authed, "PING\r\n", 6);
    assert_int_equal(mr_conn_should_close(authed), 0);
    mr_server_free(srv);
}

static void two_clients(mr_config *cfg) {
    cfg->maxclients = 2;
}

static void test_maxclients(void **state) {
    (void)state;
    mr_server *srv = server_with(two_clients);
    mr_conn *a = open_conn(srv, "127.0.0.1:1", 1);
    mr_conn *b = open_conn(srv, "127.0.0.1:2", 1);
    mr_conn *c = open_conn(srv, "127.0.0.1:3", 1);
    char *got = take(c);
    assert_string_equal(got, "-ERR max number of clients reached\r\n");
    free(got);
    assert_int_equal(mr_conn_should_close(c), 1);
    assert_int_equal(mr_conn_should_close(a), 0);
    assert_int_equal(mr_conn_should_close(b), 0);
    mr_conn_destroy(c);
    mr_conn *d = open_conn(srv, "127.0.0.1:4", 1);
    assert_int_equal(mr_conn_should_close(d), 1);
    mr_conn_destroy(d);
    /* A slot freed by a client that leaves is taken by the next one. */
    mr_conn_destroy(a);
    mr_conn *e = open_conn(srv, "127.0.0.1:5", 1);
    assert_int_equal(mr_conn_should_close(e), 0);
    mr_server_free(srv);
}

static void test_protected_mode(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *remote = open_conn(srv, "192.0.2.7:4000", 0);
    char *got = take(remote);
    /* Redis 7.0.15's text, typo included (compared byte for byte with a
     * live redis-server over a non-loopback address). */
    assert_true(strncmp(got, "-DENIED Redis is running in protected mode", 42) == 0);
    assert_non_null(strstr(got, "4) Setup a an authentication password for the default user."));
    assert_int_equal(strlen(got), 1067);
    free(got);
    assert_int_equal(mr_conn_should_close(remote), 1);
    mr_conn *local = open_conn(srv, "127.0.0.1:4000", 1);
    assert_int_equal(mr_conn_should_close(local), 0);
    mr_server_free(srv);
}

static void small_pubsub_limit(mr_config *cfg) {
    cfg->pubsub_limit.hard = 1000;
    cfg->pubsub_limit.soft = 0;
}

static void test_slow_subscriber_is_dropped(void **state) {
    (void)state;
    mr_server *srv = server_with(small_pubsub_limit);
    mr_conn *slow = open_conn(srv, "127.0.0.1:1", 1);
    mr_conn *fast = open_conn(srv, "127.0.0.1:2", 1);
    mr_conn *pub = open_conn(srv, "127.0.0.1:3", 1);
    mr_conn_feed(slow, "SUBSCRIBE ch\r\n", 14);
    mr_conn_feed(fast, "SUBSCRIBE ch\r\n", 14);
    free(take(fast));
    for (int i = 0; i < 50; i++) {
        mr_conn_feed(pub, "PUBLISH ch 0123456789\r\n", 23);
        free(take(fast)); /* the fast one reads everything */
        free(take(pub));
    }
    assert_int_equal(mr_conn_should_close(slow), 2);
    assert_int_equal(mr_conn_should_close(fast), 0);
    assert_int_equal(mr_conn_should_close(pub), 0);
    mr_server_free(srv);
}

static void small_query_buffer(mr_config *cfg) {
    cfg->client_query_buffer_limit = 1024;
}

static void test_query_buffer_limit(void **state) {
    (void)state;
    mr_server *srv = server_with(small_query_buffer);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    static const char hdr[] = "*2\r\n$3\r\nSET\r\n$5000\r\n";
    mr_conn_feed(c, hdr, sizeof hdr - 1);
    char filler[2048];
    memset(filler, 'x', sizeof filler);
    mr_conn_feed(c, filler, sizeof filler);
    char *got = take(c);
    assert_string_equal(got, "");
    free(got);
    assert_int_equal(mr_conn_should_close(c), 2);
    mr_server_free(srv);
}

static void one_second_timeout(mr_config *cfg) {
    cfg->timeout = 1;
}

static void test_idle_timeout_spares_subscribers(void **state) {
    (void)state;
    mr_server *srv = server_with(one_second_timeout);
    mr_conn *idle = open_conn(srv, "127.0.0.1:1", 1);
    mr_conn *sub = open_conn(srv, "127.0.0.1:2", 1);
    mr_conn_feed(sub, "SUBSCRIBE ch\r\n", 14);
    free(take(sub));
    mr_server_set_time(srv, 1700000002001);
    mr_server_cron(srv);
    assert_int_equal(mr_conn_should_close(idle), 2);
    assert_int_equal(mr_conn_should_close(sub), 0);
    mr_server_free(srv);
}

static void test_client_info_socket(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_peer peer = {.addr = "10.0.0.2:5000", .laddr = "10.0.0.1:6379", .fd = 42, .loopback = 1};
    mr_conn *c = mr_conn_create(srv, &peer, NULL);
    expect_reply_has(c, "CLIENT INFO\r\n", "addr=10.0.0.2:5000 laddr=10.0.0.1:6379 fd=42 name=");
    expect_reply(c, "CLIENT KILL LADDR 10.0.0.1:6379 SKIPME no\r\n", ":1\r\n");
    /* Without a socket: fd=-1, and the local address is inferred. */
    mr_conn *d = open_conn(srv, "127.0.0.1:7", 1);
    expect_reply_has(d, "CLIENT INFO\r\n", "addr=127.0.0.1:7 laddr=127.0.0.1:6379 fd=-1 name=");
    mr_server_free(srv);
}

static void test_multi_exec(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    expect_reply(c, "MULTI\r\nSET k v\r\nGET k\r\nEXEC\r\n",
                 "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n$1\r\nv\r\n");
    /* A refused command aborts the transaction; nothing queued runs. */
    expect_reply(c, "MULTI\r\nGET\r\nSET k w\r\nEXEC\r\nGET k\r\n",
                 "+OK\r\n-ERR wrong number of arguments for 'get' command\r\n+QUEUED\r\n"
                 "-EXECABORT Transaction discarded because of previous errors.\r\n$1\r\nv\r\n");
    expect_reply(c, "MULTI\r\nEXEC x\r\nEXEC\r\nDISCARD\r\n",
                 "+OK\r\n-EXECABORT Transaction discarded because of: wrong number of arguments "
                 "for 'exec' command\r\n-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n");
    expect_reply(c, "MULTI\r\nMULTI\r\nWATCH k\r\nSHUTDOWN\r\nDISCARD\r\n",
                 "+OK\r\n-ERR MULTI calls can not be nested\r\n"
                 "-ERR WATCH inside MULTI is not allowed\r\n"
                 "-ERR Command not allowed inside a transaction\r\n+OK\r\n");
    assert_int_equal(host_state.shutdowns, 0);
    /* Queued arguments are copies: fed a byte at a time, the query
     * buffer is reused between the commands. */
    static const char script[] = "MULTI\r\nSET key value\r\nAPPEND key !\r\nEXEC\r\n";
    for (size_t i = 0; i < sizeof script - 1; i++) mr_conn_feed(c, script + i, 1);
    char *out = take(c);
    assert_string_equal(out, "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:6\r\n");
    free(out);
    /* CLIENT INFO inside EXEC: flags=x, the queued count and their size
     * (argument bytes plus a pointer each: 6+4+16). */
    expect_reply_has(c, "MULTI\r\nCLIENT INFO\r\nEXEC\r\n",
                     " flags=x db=0 sub=0 psub=0 ssub=0 multi=1 ");
    expect_reply_has(c, "MULTI\r\nCLIENT INFO\r\nEXEC\r\n", " multi-mem=26 ");
    expect_reply_has(c, "CLIENT INFO\r\n", " flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 ");
    /* RESET leaves the transaction. */
    expect_reply(c, "MULTI\r\nSET k x\r\nRESET\r\nEXEC\r\nGET k\r\n",
                 "+OK\r\n+QUEUED\r\n+RESET\r\n-ERR EXEC without MULTI\r\n$1\r\nv\r\n");
    /* A connection closed in the middle of a transaction frees it. */
    static const char open_txn[] = "WATCH k\r\nMULTI\r\nSET k y\r\n";
    mr_conn_feed(c, open_txn, sizeof open_txn - 1);
    mr_server_free(srv);
}

/* A thread pool that runs nothing until asked: the jobs wait in a list. */
typedef struct pending_job {
    void (*work)(void *), (*done)(void *);
    void *arg;
} pending_job;
static pending_job pending_jobs[8];
static int npending;

static void defer_blocking(void (*work)(void *), void (*done)(void *), void *arg, void *ud) {
    (void)ud;
    assert_true(npending < 8);
    pending_jobs[npending++] = (pending_job){work, done, arg};
}

static void run_pending(void) {
    for (int i = 0; i < npending; i++) {
        pending_jobs[i].work(pending_jobs[i].arg);
        pending_jobs[i].done(pending_jobs[i].arg);
    }
    npending = 0;
}

/* SADD key m0 .. m(n-1), a set of n string members (a hash table). */
static void sadd_members(mr_conn *c, const char *key, int n) {
    char cmd[1024], want[16];
    int len = snprintf(cmd, sizeof cmd, "SADD %s", key);
    for (int i = 0; i < n; i++) len += snprintf(cmd + len, sizeof cmd - (size_t)len, " m%d", i);
    snprintf(cmd + len, sizeof cmd - (size_t)len, "\r\n");
    snprintf(want, sizeof want, ":%d\r\n", n);
    expect_reply(c, cmd, want);
}

/* UNLINK frees a value off the loop when freeing takes more than 64
 * steps, as Redis does, and INFO memory counts it while it waits and
 * once freed; DEL and small values are freed at once. */
static void test_unlink_lazyfree(void **state) {
    (void)state;
    mr_config cfg;
    mr_config_defaults(&cfg);
    mr_host host = {.wake = on_wake, .run_blocking = defer_blocking, .ud = &host_state};
    mr_server *srv = mr_server_create(&cfg, &host);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    sadd_members(c, "big", 65);
    expect_reply(c, "SADD small m1 m2\r\nSADD ints 1 2 3\r\n", ":2\r\n:3\r\n");
    expect_reply(c, "UNLINK small ints nokey\r\n", ":2\r\n");
    assert_int_equal(npending, 0);
    expect_reply(c, "UNLINK big\r\nEXISTS big\r\n", ":1\r\n:0\r\n");
    assert_int_equal(npending, 1);
    expect_reply_has(c, "INFO memory\r\n", "lazyfree_pending_objects:1\r\nlazyfreed_objects:0\r\n");
    run_pending();
    expect_reply_has(c, "INFO memory\r\n", "lazyfree_pending_objects:0\r\nlazyfreed_objects:1\r\n");
    /* The 64-member set stays under the threshold; DEL never defers. */
    sadd_members(c, "big", 64);
    expect_reply(c, "UNLINK big\r\n", ":1\r\n");
    sadd_members(c, "big", 65);
    expect_reply(c, "DEL big\r\n", ":1\r\n");
    assert_int_equal(npending, 0);
    /* FLUSHALL ASYNC counts the keys it frees. */
    expect_reply(c, "SET a 1\r\nSET b 2\r\nFLUSHALL ASYNC\r\n", "+OK\r\n+OK\r\n+OK\r\n");
    assert_int_equal(npending, 1);
    expect_reply_has(c, "INFO memory\r\n", "lazyfree_pending_objects:2\r\n");
    run_pending();
    expect_reply_has(c, "INFO memory\r\n", "lazyfree_pending_objects:0\r\nlazyfreed_objects:3\r\n");
    mr_conn_destroy(c);
    mr_server_free(srv);
}

static void test_watch(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *a = open_conn(srv, "127.0.0.1:1", 1);
    mr_conn *b = open_conn(srv, "127.0.0.1:2", 1);
    expect_reply(a, "SET k 1\r\nWATCH k\r\n", "+OK\r\n+OK\r\n");
    expect_reply(b, "SET k 2\r\n", "+OK\r\n");
    expect_reply_has(a, "CLIENT INFO\r\n", " flags=d ");
    expect_reply(a, "MULTI\r\nINCR k\r\nEXEC\r\nGET k\r\n", "+OK\r\n+QUEUED\r\n*-1\r\n$1\r\n2\r\n");
    /* Writes that do not happen change nothing. */
    expect_reply(a, "WATCH k\r\n", "+OK\r\n");
    expect_reply(b, "SETNX k 3\r\nDEL nokey\r\nPERSIST k\r\nSETRANGE k 0 \"\"\r\n",
                 ":0\r\n:0\r\n:0\r\n:1\r\n");
    expect_reply(a, "MULTI\r\nEXEC\r\n", "+OK\r\n*0\r\n");
    /* Another database's key of the same name is another key. */
    expect_reply(a, "WATCH k\r\n", "+OK\r\n");
    expect_reply(b, "SELECT 1\r\nSET k x\r\nSELECT 0\r\n", "+OK\r\n+OK\r\n+OK\r\n");
    expect_reply(a, "MULTI\r\nEXEC\r\n", "+OK\r\n*0\r\n");
    /* A flush changes the watched keys that exist, not the others. */
    expect_reply(a, "WATCH nokey\r\n", "+OK\r\n");
    expect_reply(b, "FLUSHALL\r\n", "+OK\r\n");
    expect_reply(a, "MULTI\r\nEXEC\r\n", "+OK\r\n*0\r\n");
    expect_reply(a, "SET k 1\r\nWATCH k\r\n", "+OK\r\n+OK\r\n");
    expect_reply(b, "FLUSHDB\r\n", "+OK\r\n");
    expect_reply(a, "MULTI\r\nEXEC\r\n", "+OK\r\n*-1\r\n");
    /* UNWATCH forgets a change; RESP3 replies a null. */
    expect_reply(a, "WATCH k\r\nSET k 1\r\nUNWATCH\r\nMULTI\r\nEXEC\r\n",
                 "+OK\r\n+OK\r\n+OK\r\n+OK\r\n*0\r\n");
    free(take(a));
    mr_conn_feed(a, "HELLO 3\r\n", 9);
    free(take(a));
    expect_reply(a, "WATCH k\r\nDEL k\r\nMULTI\r\nEXEC\r\n", "+OK\r\n:1\r\n+OK\r\n_\r\n");
    /* Several connections watching one key; one goes away. */
    mr_conn *c = open_conn(srv, "127.0.0.1:3", 1);
    expect_reply(a, "WATCH k\r\n", "+OK\r\n");
    expect_reply(c, "WATCH k\r\n", "+OK\r\n");
    mr_conn_destroy(a);
    expect_reply(b, "SET k 5\r\n", "+OK\r\n");
    expect_reply(c, "MULTI\r\nEXEC\r\n", "+OK\r\n*-1\r\n");
    mr_server_free(srv);
}

static void test_watch_expiry(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *a = open_conn(srv, "127.0.0.1:1", 1);
    mr_conn *b = open_conn(srv, "127.0.0.1:2", 1);
    int64_t now = 1700000000000;
    /* A watched key whose time runs out before EXEC counts as changed,
     * whether or not it was removed yet. */
    expect_reply(a, "SET t v PX 100\r\nWATCH t\r\n", "+OK\r\n+OK\r\n");
    mr_server_set_time(srv, now += 200);
    expect_reply(a, "MULTI\r\nEXEC\r\n", "+OK\r\n*-1\r\n");
    expect_reply(a, "SET t v PX 100\r\nWATCH t\r\n", "+OK\r\n+OK\r\n");
    mr_server_set_time(srv, now += 200);
    for (int i = 0; i < 50; i++) mr_server_cron(srv);
    expect_reply(a, "MULTI\r\nEXEC\r\n", "+OK\r\n*-1\r\n");
    /* Already expired when watched: its removal is no change... */
    expect_reply(a, "SET e v PX 100\r\n", "+OK\r\n");
    mr_server_set_time(srv, now += 200);
    expect_reply(a, "WATCH e\r\n", "+OK\r\n");
    expect_reply(b, "GET e\r\n", "$-1\r\n");
    expect_reply(a, "MULTI\r\nEXEC\r\n", "+OK\r\n*0\r\n");
    /* ...but a write is. */
    expect_reply(a, "SET e v PX 100\r\n", "+OK\r\n");
    mr_server_set_time(srv, now += 200);
    expect_reply(a, "WATCH e\r\n", "+OK\r\n");
    expect_reply(b, "SET e w\r\n", "+OK\r\n");
    expect_reply(a, "MULTI\r\nEXEC\r\n", "+OK\r\n*-1\r\n");
    mr_server_free(srv);
}

static void test_client_reply(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    mr_conn *pub = open_conn(srv, "127.0.0.1:2", 1);
    expect_reply(c, "CLIENT REPLY OFF\r\nPING\r\nFOO\r\nCLIENT REPLY ON\r\nPING\r\n",
                 "+OK\r\n+PONG\r\n");
    expect_reply(c, "CLIENT REPLY SKIP\r\nPING a\r\nPING b\r\n", "$1\r\nb\r\n");
    expect_reply(c, "CLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\nPING a\r\nPING b\r\n", "$1\r\nb\r\n");
    expect_reply(c, "CLIENT REPLY MAYBE\r\n", "-ERR syntax error\r\n");
    /* SKIP inside EXEC silences the command after the EXEC. */
    expect_reply(c, "MULTI\r\nPING a\r\nCLIENT REPLY SKIP\r\nEXEC\r\nPING b\r\nPING c\r\n",
                 "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n$1\r\na\r\n$1\r\nc\r\n");
    /* RESET turns replies back on. */
    expect_reply(c, "CLIENT REPLY OFF\r\nRESET\r\n", "+RESET\r\n");
    /* Pushes go out while replies are off. */
    expect_reply(c, "CLIENT REPLY OFF\r\nSUBSCRIBE ch\r\nPING\r\n",
                 "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
    expect_reply(pub, "PUBLISH ch hi\r\n", ":1\r\n");
    expect_reply(c, "", "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
    /* QUIT with nothing to write neither replies nor closes, and nothing
     * more is read... */
    expect_reply(c, "QUIT\r\nRESET\r\n", "");
    assert_int_equal(mr_conn_should_close(c), 0);
    /* ...until a push gives it something to write. */
    expect_reply(pub, "PUBLISH ch bye\r\n", ":1\r\n");
    expect_reply(c, "", "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nbye\r\n");
    assert_int_equal(mr_conn_should_close(c), 1);
    mr_server_free(srv);
}

static void test_config_set(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    expect_reply(c, "CONFIG SET timeout 5 hz 20\r\nCONFIG GET timeout\r\n",
                 "+OK\r\n*2\r\n$7\r\ntimeout\r\n$1\r\n5\r\n");
    assert_int_equal(mr_server_config(srv)->hz, 20);
    /* All or nothing. */
    expect_reply(c, "CONFIG SET timeout 7 maxclients x\r\n",
                 "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument "
                 "couldn't be parsed into an integer\r\n");
    assert_int_equal(mr_server_config(srv)->timeout, 5);
    expect_reply(c, "CONFIG SET timeout 1 nosuch 2\r\nCONFIG SET timeout 1 Timeout 2\r\n",
                 "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n"
                 "-ERR CONFIG SET failed (possibly related to argument 'Timeout') - duplicate "
                 "parameter\r\n");
    expect_reply(c, "CONFIG SET databases 4\r\nCONFIG SET hz\r\nCONFIG SET hz 1 port\r\n",
                 "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set "
                 "immutable config\r\n-ERR wrong number of arguments for 'config|set' command\r\n"
                 "-ERR syntax error\r\n");
    /* The host listens anew for a changed port or bind, once per call. */
    expect_reply(c, "CONFIG SET port 7000 bind 127.0.0.1\r\n", "+OK\r\n");
    assert_int_equal(host_state.relistens, 1);
    assert_int_equal(host_state.port, 7000);
    assert_string_equal(host_state.bind, "127.0.0.1");
    expect_reply(c, "CONFIG SET port 7000\r\n", "+OK\r\n");
    assert_int_equal(host_state.relistens, 1);
    host_state.relisten_fails = 1;
    expect_reply(c, "CONFIG SET timeout 9 bind 10.1.1.1\r\n",
                 "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind "
                 "to specified addresses.\r\n");
    expect_reply(c, "CONFIG SET port 7001\r\n",
                 "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to "
                 "listen on this port. Check server logs.\r\n");
    assert_int_equal(mr_server_config(srv)->timeout, 5);
    assert_int_equal(mr_server_config(srv)->port, 7000);
    host_state.relisten_fails = 0;
    /* maxclients needs room from the host; a failure after a relisten
     * listens on the old addresses again. */
    host_state.max_clients = 50;
    expect_reply(c, "CONFIG SET port 7002 maxclients 100\r\n",
                 "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - The "
                 "operating system is not able to handle the specified number of clients, try "
                 "with 50\r\n");
    assert_int_equal(host_state.port, 7000);
    expect_reply(c, "CONFIG SET maxclients 2\r\n", "+OK\r\n");
    mr_conn *d = open_conn(srv, "127.0.0.1:2", 1);
    mr_conn *e = open_conn(srv, "127.0.0.1:3", 1);
    expect_reply(e, "", "-ERR max number of clients reached\r\n");
    mr_conn_destroy(e);
    /* proto-max-bulk-len applies to a connection already open. */
    expect_reply(c, "CONFIG SET proto-max-bulk-len 1mb\r\n", "+OK\r\n");
    expect_reply(d, "*2\r\n$4\r\nECHO\r\n$1048577\r\n", "-ERR Protocol error: invalid bulk length\r\n");
    mr_conn_destroy(d);
    /* requirepass: new connections must AUTH, open ones stay in. */
    expect_reply(c, "CONFIG SET requirepass pw maxclients 10\r\nPING\r\n", "+OK\r\n+PONG\r\n");
    mr_conn *f = open_conn(srv, "127.0.0.1:4", 1);
    expect_reply(f, "PING\r\n", "-NOAUTH Authentication required.\r\n");
    expect_reply(c, "CONFIG SET requirepass \"\"\r\n", "+OK\r\n");
    expect_reply(f, "PING\r\n", "+PONG\r\n");
    mr_server_free(srv);
}

static void test_resp3_replies(void **state) {
    (void)state;
    mr_server *srv = server_with(NULL);
    mr_conn *c = open_conn(srv, "127.0.0.1:1", 1);
    free(take(c));
    mr_conn_feed(c, "HELLO 3\r\n", 9);
    char *hello = take(c);
    assert_true(strncmp(hello, "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n", 27) == 0);
    free(hello);
    expect_reply(c, "GET nokey\r\nMGET a\r\nUNSUBSCRIBE\r\n",
                 "_\r\n*1\r\n_\r\n>3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
    mr_server_free(srv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_and_pipelining),
        cmocka_unit_test(test_chunking_does_not_change_output),
        cmocka_unit_test(test_expiry_lazy_and_active),
        cmocka_unit_test(test_client_pause),
        cmocka_unit_test(test_pubsub_across_connections),
        cmocka_unit_test(test_sharded_pubsub),
        cmocka_unit_test(test_unlink_expiretime_scan_cursor),
        cmocka_unit_test(test_protocol_error_replies_then_closes),
        cmocka_unit_test(test_quit_stops_the_pipeline),
        cmocka_unit_test(test_unknown_command_text),
        cmocka_unit_test(test_requirepass),
        cmocka_unit_test(test_time_is_the_hosts_clock),
        cmocka_unit_test(test_shutdown_save_without_persistence),
        cmocka_unit_test(test_maxclients),
        cmocka_unit_test(test_protected_mode),
        cmocka_unit_test(test_slow_subscriber_is_dropped),
        cmocka_unit_test(test_query_buffer_limit),
        cmocka_unit_test(test_idle_timeout_spares_subscribers),
        cmocka_unit_test(test_resp3_replies),
        cmocka_unit_test(test_client_info_socket),
        cmocka_unit_test(test_multi_exec),
        cmocka_unit_test(test_watch),
        cmocka_unit_test(test_unlink_lazyfree),
        cmocka_unit_test(test_watch_expiry),
        cmocka_unit_test(test_client_reply),
        cmocka_unit_test(test_config_set),
    };
    return cmocka_run_group_tests_name("server_core", tests, NULL, NULL);
}
