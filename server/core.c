/* server/core.c - the server and its connections, without sockets. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "sizes.h"

/* ---- server ---- */

mr_server *mr_server_create(const mr_config *cfg, const mr_host *host) {
    mr_server *srv = mr_xmalloc(sizeof *srv);
    memset(srv, 0, sizeof *srv);
    srv->cfg = *cfg;
    if (host != NULL) srv->host = *host;
    if (srv->cfg.databases < 1) srv->cfg.databases = 1;
    srv->dbs = mr_xmalloc((size_t)srv->cfg.databases * sizeof *srv->dbs);
    for (int i = 0; i < srv->cfg.databases; i++) {
        srv->dbs[i].keys = mr_dict_create(mr_obj_free);
        srv->dbs[i].expires = mr_dict_create(NULL);
        srv->dbs[i].watched = mr_dict_create(mr_watchers_free);
        srv->dbs[i].blocking = mr_dict_create(mr_connset_free);
    }
    mr_stats_init(srv);
    mr_tracking_init(srv);
    srv->clients_by_id = mr_dict_create(NULL);
    srv->channels = mr_dict_create(mr_connset_free);
    srv->patterns = mr_dict_create(mr_connset_free);
    srv->shard_channels = mr_dict_create(mr_connset_free);
    srv->next_id = 1;
    srv->rng = 0x9e3779b97f4a7c15ull;
    return srv;
}

void mr_server_free(mr_server *srv) {
    if (srv == NULL) return; /* startup failed before the core was made */
    while (srv->clients != NULL) mr_conn_destroy(srv->clients);
    for (int i = 0; i < srv->cfg.databases; i++) {
        mr_dict_free(srv->dbs[i].keys);
        mr_dict_free(srv->dbs[i].expires);
        mr_dict_free(srv->dbs[i].watched);
        mr_dict_free(srv->dbs[i].blocking);
    }
    free(srv->dbs);
    for (size_t i = 0; i < srv->nready; i++) free(srv->ready[i].key);
    free(srv->ready);
    free(srv->unblocked.items);
    free(srv->postponed.items);
    free(srv->monitors.items);
    mr_stats_free(srv);
    mr_tracking_free(srv);
    mr_dict_free(srv->clients_by_id);
    mr_dict_free(srv->channels);
    mr_dict_free(srv->patterns);
    mr_dict_free(srv->shard_channels);
    free(srv);
}

const mr_config *mr_server_config(const mr_server *srv) {
    return &srv->cfg;
}

void mr_server_set_time_us(mr_server *srv, int64_t now_us) {
    srv->now_us = now_us;
    srv->now_ms = now_us / 1000;
    if (srv->start_ms == 0) {
        srv->start_ms = srv->now_ms;
        uint32_t clock = mr_lru_clock(srv);
        for (size_t i = 0; i < MR_SHARED_INTEGERS; i++) srv->shared_lru[i] = clock;
    }
}

int64_t mr_server_clock_ms(const mr_server *srv) {
    if (srv->host.now_us == NULL) return srv->now_ms;
    return srv->host.now_us(srv->host.ud) / 1000;
}

void mr_server_set_time(mr_server *srv, int64_t now_ms) {
    mr_server_set_time_us(srv, now_ms * 1000);
}

size_t mr_server_clients(const mr_server *srv) {
    return srv->nclients;
}

/* ---- the request parser ---- */

static void parser_setup(mr_conn *c) {
    resp_request_options popts = {.max_bulk_len = c->srv->cfg.proto_max_bulk_len,
                                  .require_auth = mr_conn_auth_required(c)};
    resp_request_init(&c->parser, &popts);
    c->parser_gen = c->srv->parser_gen;
}

/* Between two commands only: any partial command is still in c->in and
 * is parsed again from its start. */
static void parser_reload(mr_conn *c) {
    resp_request_free(&c->parser);
    parser_setup(c);
}

int mr_conn_take_output(mr_conn *c, char **data, size_t *len) {
    if (c->out.len == 0 || c->close == MR_CLOSE_NOW) {
        *data = NULL;
        *len = 0;
        return 0;
    }
    *data = c->out.data;
    *len = c->out.len;
    c->quiet_close = 0; /* something to write: closes once it is written */
    c->inflight += c->out.len;
    c->srv->stats.net_output_bytes += c->out.len;
    resp_buf_init(&c->out, NULL);
    return 1;
}

void mr_conn_written(mr_conn *c, size_t n) {
    c->inflight = n <= c->inflight ? c->inflight - n : 0;
    mr_conn_output_written(c);
    mr_conn_check_output_limits(c);
}

mr_close mr_conn_should_close(const mr_conn *c) {
    if (c->quiet_close && c->out.len == 0 && c->inflight == 0) return MR_KEEP;
    return c->close;
}

void *mr_conn_host_data(const mr_conn *c) {
    return c->host_ud;
}

int mr_conn_replies_unframed(const mr_conn *c) {
    return c->replies_unframed;
}

uint64_t mr_conn_id(const mr_conn *c) {
    return c->id;
}

/* ---- connections ---- */

mr_conn *mr_conn_create(mr_server *srv, const mr_peer *peer, void *host_ud) {
    mr_conn *c = mr_xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->srv = srv;
    c->id = srv->next_id++;
    int added;
    mr_dict_upsert(srv->clients_by_id, (const char *)&c->id, sizeof c->id, &added)->v.ptr = c;
    snprintf(c->addr, sizeof c->addr, "%s", peer->addr != NULL ? peer->addr : "?");
    snprintf(c->laddr, sizeof c->laddr, "%s", peer->laddr != NULL ? peer->laddr : "");
    c->fd = peer->fd;
    int loopback = peer->loopback;
    c->host_ud = host_ud;
    /* Without a password a client counts as authenticated for good, even
     * if one is set later (as the default user's nopass works in Redis). */
    c->authenticated = srv->cfg.requirepass_len == 0;
    parser_setup(c);
    resp_buf_init(&c->out, NULL);
    mr_conn_output_written(c); /* Redis's reply buffers start empty */
    c->proto = 2;
    c->created_ms = c->last_ms = srv->now_ms;
    snprintf(c->last_cmd, sizeof c->last_cmd, "NULL");
    c->next = srv->clients;
    if (srv->clients != NULL) srv->clients->prev = c;
    srv->clients = c;
    srv->nclients++;
    srv->stats.connections_received++;

    /* Redis accepts, then refuses with a reply and closes. */
    if ((long)srv->nclients > srv->cfg.maxclients) {
        mr_add_raw(c, "-ERR max number of clients reached\r\n", 36);
        c->close = MR_CLOSE_AFTER_REPLY;
        srv->stats.rejected_connections++;
    } else if (srv->cfg.protected_mode && !loopback && srv->cfg.requirepass_len == 0) {
        static const char denied[] =
            "-DENIED Redis is running in protected mode because protected mode is enabled and "
            "no password is set for the default user. In this mode connections are only "
            "accepted from the loopback interface. If you want to connect from external "
            "computers to Redis you may adopt one of the following solutions: 1) Just disable "
            "protected mode sending the command 'CONFIG SET protected-mode no' from the "
            "loopback interface by connecting to Redis from the same host the server is "
            "running, however MAKE SURE Redis is not publicly accessible from internet if you "
            "do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can "
            "just disable the protected mode by editing the Redis configuration file, and "
            "setting the protected mode option to 'no', and then restarting the server. 3) If "
            "you started the server manually just for testing, restart it with the "
            "'--protected-mode no' option. 4) Setup a an authentication password for the "
            "default user. NOTE: You only need to do one of the above things in order for the "
            "server to start accepting connections from the outside.\r\n";
        mr_add_raw(c, denied, sizeof denied - 1);
        c->close = MR_CLOSE_AFTER_REPLY;
        srv->stats.rejected_connections++;
    }
    return c;
}

void mr_conn_destroy(mr_conn *c) {
    mr_server *srv = c->srv;
    mr_block_forget(c);
    mr_multi_discard(c);
    mr_pubsub_drop(c, 0);
    mr_monitor_stop(c);
    mr_tracking_disable(c);
    mr_dict_delete(srv->clients_by_id, (const char *)&c->id, sizeof c->id);
    if (srv->current_client == c) srv->current_client = NULL;
    mr_dict_free(c->channels);
    mr_dict_free(c->patterns);
    mr_dict_free(c->shard_channels);
    if (c->prev != NULL) c->prev->next = c->next;
    else srv->clients = c->next;
    if (c->next != NULL) c->next->prev = c->prev;
    srv->nclients--;
    resp_request_free(&c->parser);
    resp_buf_free(&c->out);
    free(c->in);
    free(c->name);
    free(c);
}

enum {
    IOBUF_LEN = 16 * 1024,          /* what Redis reads at a time */
    RESIZE_THRESHOLD = 32 * 1024,   /* a query buffer under it keeps its size */
    RESIZE_MIN_WASTE = 4 * 1024,    /* a query buffer wasting less is left alone */
    BIG_ARG = 32 * 1024,            /* an argument read into a buffer of its own */
};

static void set_input_capacity(mr_conn *c, size_t cap) {
    if (cap == 0) {
        free(c->in);
        c->in = NULL;
    } else {
        c->in = mr_xrealloc(c->in, cap);
    }
    c->in_cap = cap;
}

/* The query buffer grows as Redis's sds does when it reads: a small one to
 * room for one read (16 KiB) and no more, a larger one greedily (twice what
 * it needs, or 1 MiB more past 1 MiB); either to the capacity jemalloc's
 * size class gives (a fresh client's qbuf-free is 20474, as in Redis). */
static void append_input(mr_conn *c, const char *data, size_t len) {
    size_t need = c->in_len + len;
    if (c->in_cap < need) {
        size_t target;
        if (c->in_cap < IOBUF_LEN) target = need > c->in_len + IOBUF_LEN ? need : c->in_len + IOBUF_LEN;
        else target = need < MR_SDS_MAX_PREALLOC ? need * 2 : need + MR_SDS_MAX_PREALLOC;
        set_input_capacity(c, mr_sds_capacity(target));
    }
    memcpy(c->in + c->in_len, data, len);
    c->in_len = need;
    if (c->in_peak < need) c->in_peak = need;
}

/* Redis's cron gives back what a query buffer wastes (more than 4 KiB):
 * all of it once its client has been idle more than 2 seconds (qbuf-free
 * drops to 0), or, for a buffer over 32 KiB, what lies beyond its recent
 * peak when that peak is under half of it (a big request's buffer is
 * released a visit or two later).  Each visit starts a new peak. */
static void resize_input(mr_conn *c) {
    const mr_server *srv = c->srv;
    /* An argument being read keeps the room it has for the rest of it (the
     * whole command must fit); the cron never grows a buffer. */
    resp_request_progress pr = resp_request_partial(&c->parser);
    size_t keep = c->in_len;
    if (pr.bulk >= 0) {
        size_t whole = pr.parsed + (size_t)pr.bulk + 2;
        keep = whole < c->in_cap ? whole : c->in_cap;
    }
    if (c->in_cap - c->in_len > RESIZE_MIN_WASTE) {
        if (srv->now_ms / 1000 - c->last_ms / 1000 > 2) {
            set_input_capacity(c, keep);
        } else if (c->in_cap > RESIZE_THRESHOLD && c->in_cap / 2 > c->in_peak) {
            set_input_capacity(c, keep > c->in_peak ? keep : c->in_peak);
        }
    }
    c->in_peak = keep;
}

/* Redis sizes the query buffer for an argument of 32 KiB or more as soon
 * as it knows the argument's length, without slack (the argument then
 * becomes the value without a copy): room for it and its CR LF, from where
 * it starts.  Past 1 MiB the room comes as the bytes do: a length line
 * alone (up to proto-max-bulk-len, 512 MB) commits no memory here. */
static void reserve_big_argument(mr_conn *c) {
    resp_request_progress pr = resp_request_partial(&c->parser);
    if (pr.bulk < BIG_ARG || pr.bulk > MR_SDS_MAX_PREALLOC) return;
    size_t room = mr_sds_capacity((size_t)pr.bulk + 2);
    if (room < (size_t)pr.bulk + 2 + pr.parsed) room = (size_t)pr.bulk + 2 + pr.parsed;
    if (c->in_cap < room) set_input_capacity(c, room);
}

void mr_conn_process_input(mr_conn *c) {
    mr_server *srv = c->srv;
    size_t pos = 0;
    if (c->in_len == 0) return; /* and c->in may be NULL */
    while (c->close == MR_KEEP && c->block == NULL) {
        if (c->parser_gen != srv->parser_gen) parser_reload(c);
        size_t used;
        resp_command cmd;
        resp_request_status st =
            resp_request_parse(&c->parser, c->in + pos, c->in_len - pos, &used, &cmd);
        pos += used;
        if (st == RESP_REQ_COMMAND) {
            mr_command_dispatch(c, cmd.argc, cmd.argv);
            mr_conn_output_added(c);
            continue;
        }
        if (st == RESP_REQ_ERROR) {
            char text[128];
            resp_request_format_error(&c->parser, text, sizeof text);
            mr_add_error(c, text);
            mr_log(srv, MR_LOG_VERBOSE, "Protocol error (%s) from client: id=%llu addr=%s",
                   resp_strerror(resp_request_error(&c->parser)), (unsigned long long)c->id,
                   c->addr);
            mr_conn_close_after_reply(c);
        }
        break;
    }
    memmove(c->in, c->in + pos, c->in_len - pos);
    c->in_len -= pos;
    reserve_big_argument(c);
}

void mr_conn_feed(mr_conn *c, const char *data, size_t len) {
    mr_server *srv = c->srv;
    if (c->close != MR_KEEP || len == 0) return;
    /* A pause past its deadline ends before new input runs, so the
     * commands it held run first. */
    mr_pause_check(srv);
    mr_block_run_unblocked(srv);
    srv->stats.net_input_bytes += len;
    c->last_ms = srv->now_ms;
    append_input(c, data, len);
    mr_conn_process_input(c);

    /* A query buffer over the limit: closed without a reply. */
    if (c->close == MR_KEEP && (long long)c->in_len > srv->cfg.client_query_buffer_limit) {
        mr_log(srv, MR_LOG_WARNING,
               "Closing client that reached max query buffer length: id=%llu addr=%s",
               (unsigned long long)c->id, c->addr);
        c->close = MR_CLOSE_NOW;
    }
    if (c->out.len > 0 || c->close != MR_KEEP) mr_conn_wake(c);
    mr_block_run_unblocked(srv);
}

mr_conn *mr_conn_by_id(mr_server *srv, uint64_t id) {
    mr_dict_entry *e = mr_dict_find(srv->clients_by_id, (const char *)&id, sizeof id);
    return e != NULL ? e->v.ptr : NULL;
}

void mr_server_after_events(mr_server *srv) {
    mr_tracking_flush(srv);
}

/* ---- cron ---- */

void mr_server_cron(mr_server *srv) {
    mr_db_active_expire(srv);
    mr_block_cron(srv);
    mr_pause_check(srv);
    mr_block_run_unblocked(srv);
    for (mr_conn *c = srv->clients, *next; c != NULL; c = next) {
        next = c->next;
        /* A quietly closing client (mr_conn_close_after_reply) may still
         * time out. */
        if (mr_conn_should_close(c) != MR_KEEP) continue;
        /* Idle clients are closed silently; subscribers and blocked
         * clients never time out. */
        if (srv->cfg.timeout > 0 && !mr_conn_in_pubsub(c) && c->block == NULL &&
            srv->now_ms - c->last_ms > (int64_t)srv->cfg.timeout * 1000) {
            mr_log(srv, MR_LOG_VERBOSE, "Closing idle client");
            mr_conn_kill(c);
            continue;
        }
        resize_input(c);
        if (c->soft_limit_since != 0) mr_conn_check_output_limits(c);
        if (mr_conn_should_close(c) != MR_KEEP && srv->host.wake != NULL)
            srv->host.wake(c, srv->host.ud);
    }
}
