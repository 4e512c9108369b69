/* fuzz/server_fuzz.c - the server's command core, several connections at
 * once, without sockets.
 *
 * The input is a script: each step's first byte picks an operation (open
 * a connection, feed it bytes, move the clock, read its output, close it,
 * run the cron).  Oracles:
 *  - everything a connection writes is valid RESP, made of complete
 *    replies, as resp/'s reply parser reads it (except after CLIENT REPLY
 *    inside EXEC, where Redis's own framing breaks: see core.h);
 *  - memory stays bounded: a connection's queued output never passes the
 *    configured hard limit by more than one reply;
 *  - nothing leaks (LeakSanitizer) and nothing is used after being freed
 *    (AddressSanitizer), however connections come and go. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <resp/reply.h>

#include "core.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CONNS 6
#define OUTPUT_LIMIT 65536

typedef struct slot {
    mr_conn *conn;
    resp_reply_parser parser;
} slot;

/* Reads everything queued on a connection and requires whole replies. */
static void drain(slot *s) {
    char *out;
    size_t len;
    while (mr_conn_take_output(s->conn, &out, &len)) {
        fuzz_check(len <= OUTPUT_LIMIT * 2, "queued output stays near the limit");
        size_t pos = 0;
        /* The one sanctioned break in framing (see core.h). */
        if (mr_conn_replies_unframed(s->conn)) pos = len;
        while (pos < len) {
            size_t used;
            resp_reply_status st = resp_reply_parse(&s->parser, out + pos, len - pos, &used, NULL, NULL);
            fuzz_check(st != RESP_REPLY_ERROR, "output is valid RESP");
            fuzz_check(st == RESP_REPLY_COMPLETE, "output holds only complete replies");
            pos += used;
        }
        mr_conn_written(s->conn, len);
        free(out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mr_config cfg;
    mr_config_defaults(&cfg);
    cfg.maxclients = 4;
    cfg.client_query_buffer_limit = 1 << 20;
    cfg.pubsub_limit.hard = OUTPUT_LIMIT;
    cfg.normal_limit.hard = OUTPUT_LIMIT;
    cfg.timeout = 5;
    /* The smallest Redis allows: SETRANGE, SETBIT and BITFIELD may each
     * make a string this long, and a few 512 MB ones would pass the
     * fuzzer's memory limit without finding anything. */
    cfg.proto_max_bulk_len = 1 << 20;
    /* Every key event is published, so each command's notification path
     * runs (subscribers among the connections receive them). */
    cfg.notify_keyspace_events = MR_NOTIFY_ALL | MR_NOTIFY_KEYSPACE | MR_NOTIFY_KEYEVENT |
                                 MR_NOTIFY_NEW | MR_NOTIFY_KEY_MISS;
    mr_server *srv = mr_server_create(&cfg, NULL);
    int64_t now = 1700000000000;
    mr_server_set_time(srv, now);
    slot slots[MAX_CONNS];
    memset(slots, 0, sizeof slots);

    size_t i = 0;
    while (i < size) {
        uint8_t op = data[i++];
        slot *s = &slots[(op >> 4) % MAX_CONNS];
        switch (op & 7) {
        case 0: /* open */
            if (s->conn == NULL) {
                mr_peer peer = {.addr = "127.0.0.1:1", .laddr = NULL, .fd = -1, .loopback = 1};
                s->conn = mr_conn_create(srv, &peer, NULL);
                resp_reply_init(&s->parser, NULL);
            }
            break;
        case 1: /* feed the next n bytes */
        case 2: {
            size_t n = i < size ? data[i++] : 0;
            if (n > size - i) n = size - i;
            if (s->conn != NULL) mr_conn_feed(s->conn, (const char *)data + i, n);
            i += n;
            break;
        }
        case 3: /* the clock moves */
            now += i < size ? (int64_t)data[i++] * 37 : 1;
            mr_server_set_time(srv, now);
            break;
        case 4: /* read, after the batched work a host does between events */
            mr_server_after_events(srv);
            if (s->conn != NULL) drain(s);
            break;
        case 5: /* the peer goes away, or the host closes it */
            if (s->conn != NULL) {
                mr_conn_destroy(s->conn);
                s->conn = NULL;
            }
            break;
        case 6:
            mr_server_cron(srv);
            break;
        default: /* a host closes what the core asked it to close */
            for (int k = 0; k < MAX_CONNS; k++) {
                mr_close how = slots[k].conn != NULL ? mr_conn_should_close(slots[k].conn) : MR_KEEP;
                if (how != MR_KEEP) {
                    if (how == MR_CLOSE_AFTER_REPLY) drain(&slots[k]);
                    mr_conn_destroy(slots[k].conn);
                    slots[k].conn = NULL;
                }
            }
            break;
        }
    }
    for (int k = 0; k < MAX_CONNS; k++)
        if (slots[k].conn != NULL) drain(&slots[k]);
    mr_server_free(srv);
    return 0;
}
