/* server/conn.c - a connection's state as the commands see and change
 * it: its subscriptions, whether its replies are silenced, whether it
 * must authenticate, its output limits, and asking the host to write or
 * close it.  core.c makes, feeds and frees connections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "sizes.h"

size_t mr_conn_subscriptions(const mr_conn *c) {
    return (c->channels != NULL ? mr_dict_size(c->channels) : 0) +
           (c->patterns != NULL ? mr_dict_size(c->patterns) : 0) +
           (c->shard_channels != NULL ? mr_dict_size(c->shard_channels) : 0);
}

int mr_conn_in_pubsub(const mr_conn *c) {
    return c->pubsub_mode;
}

void mr_conn_kill(mr_conn *c) {
    mr_block_forget(c);
    c->close = MR_CLOSE_NOW;
    mr_conn_wake(c);
}

int mr_conn_silenced(const mr_conn *c) {
    return (c->reply_off || c->reply_skip) && !c->pushing;
}

int mr_conn_closing(const mr_conn *c) {
    return c->close == MR_CLOSE_NOW;
}

/* Redis's static reply buffer, and the least a reply block holds. */
#define REPLY_CHUNK_BYTES 16384
/* sizeof(clientReplyBlock), before each block's bytes. */
#define REPLY_BLOCK_HEADER 16

/* Redis puts a reply in its 16 KiB buffer while no block exists, else in
 * the last block's room, and what is left in a new block of at least
 * 16 KiB (in jemalloc's class); it checks the output limits only when it
 * opens a block.  So a small reply after a big one, in the big one's
 * block, is never checked.  Accounts the output added since the last
 * call; returns whether it opened a block. */
static int obuf_account(mr_conn *c) {
    size_t pending = c->out.len + c->inflight;
    if (pending <= c->obuf.seen) {
        c->obuf.seen = pending;
        return 0;
    }
    size_t n = pending - c->obuf.seen;
    c->obuf.seen = pending;
    size_t *room = c->obuf.blocks ? &c->obuf.tail_free : &c->obuf.static_free;
    size_t fit = n < *room ? n : *room;
    *room -= fit;
    n -= fit;
    if (n == 0) return 0;
    size_t size = n > REPLY_CHUNK_BYTES ? n : REPLY_CHUNK_BYTES;
    c->obuf.tail_free = mr_jemalloc_size(size + REPLY_BLOCK_HEADER) - REPLY_BLOCK_HEADER - n;
    c->obuf.blocks = 1;
    return 1;
}

void mr_conn_output_added(mr_conn *c) {
    if (!mr_conn_closing(c) && obuf_account(c)) mr_conn_check_output_limits(c);
}

void mr_conn_output_written(mr_conn *c) {
    if (c->out.len + c->inflight == 0) {
        c->obuf.static_free = REPLY_CHUNK_BYTES;
        c->obuf.blocks = 0;
        c->obuf.tail_free = 0;
    }
    c->obuf.seen = c->out.len + c->inflight;
}

/* Redis stops adding to the reply of a client scheduled to close; so a
 * reply of unbounded size (SRANDMEMBER k -1000000000) commits no more
 * than the client's hard output limit before the client is dropped. */
int mr_conn_muted(mr_conn *c) {
    if (mr_conn_silenced(c) || mr_conn_closing(c)) return 1;
    mr_conn_output_added(c);
    return mr_conn_closing(c);
}

/* Redis closes a client that asked for it (QUIT, a protocol error) when it
 * has written its replies.  One whose replies are silenced (CLIENT REPLY)
 * and that has nothing left to write is never scheduled for a write, so
 * it stays open, reading nothing, until a push gives it something to
 * write, or it times out: quiet_close. */
void mr_conn_close_after_reply(mr_conn *c) {
    if (c->close != MR_KEEP) return;
    c->close = MR_CLOSE_AFTER_REPLY;
    if (mr_conn_silenced(c) && c->out.len == 0 && c->inflight == 0) c->quiet_close = 1;
}

int mr_conn_auth_required(const mr_conn *c) {
    return c->srv->cfg.requirepass_len != 0 && !c->authenticated;
}

void mr_server_parser_settings_changed(mr_server *srv) {
    srv->parser_gen++;
}

/* Redis closes a client whose pending output passes the hard limit, or
 * stays over the soft limit for soft_seconds; subscribers have their own
 * class.  Nobody else waits for a slow client. */
/* CVE-2025-21605: a client that never authenticated may not pile up
 * replies it does not read.  Redis allows its 16 KiB reply buffer plus
 * 1 KiB of reply list. */
#define UNAUTH_OUTPUT_MAX (16384 + 1024)

void mr_conn_check_output_limits(mr_conn *c) {
    if (mr_conn_closing(c)) return;
    if (mr_conn_auth_required(c) && !c->ever_authenticated &&
        c->out.len + c->inflight > UNAUTH_OUTPUT_MAX) {
        mr_log(c->srv, MR_LOG_WARNING,
               "Client id=%llu addr=%s closed: unauthenticated client over its output limit",
               (unsigned long long)c->id, c->addr);
        mr_conn_kill(c);
        return;
    }
    const mr_output_limit *lim =
        mr_conn_in_pubsub(c) ? &c->srv->cfg.pubsub_limit : &c->srv->cfg.normal_limit;
    size_t pending = c->out.len + c->inflight;
    int over = 0;
    if (lim->hard > 0 && pending >= lim->hard) {
        over = 1;
    } else if (lim->soft > 0 && pending >= lim->soft) {
        if (c->soft_limit_since == 0) c->soft_limit_since = c->srv->now_ms;
        else if (c->srv->now_ms - c->soft_limit_since >= (int64_t)lim->soft_seconds * 1000) over = 1;
    } else {
        c->soft_limit_since = 0;
    }
    if (over) {
        mr_log(c->srv, MR_LOG_WARNING,
               "Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of output "
               "buffer limits.",
               (unsigned long long)c->id, c->addr);
        mr_conn_kill(c);
    }
}

void mr_conn_wake(mr_conn *c) {
    mr_conn_check_output_limits(c);
    if (c->srv->host.wake != NULL) c->srv->host.wake(c, c->srv->host.ud);
}


/* ---- sets of connections ---- */

void mr_connset_add(mr_connset *s, mr_conn *c) {
    if (s->len == s->cap) {
        s->cap = s->cap != 0 ? s->cap * 2 : 4;
        s->items = mr_xrealloc(s->items, s->cap * sizeof *s->items);
    }
    s->items[s->len++] = c;
}

size_t mr_connset_remove(mr_connset *s, mr_conn *c) {
    for (size_t i = 0; i < s->len; i++) {
        if (s->items[i] == c) {
            memmove(&s->items[i], &s->items[i + 1], (s->len - i - 1) * sizeof *s->items);
            s->len--;
            break;
        }
    }
    return s->len;
}

void mr_connset_free(void *p) {
    mr_connset *s = p;
    if (s == NULL) return;
    free(s->items);
    free(s);
}
