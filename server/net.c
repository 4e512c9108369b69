/* server/net.c - the libuv host.
 *
 * One loop, one thread.  Each accepted client is a connection task: its
 * own uv_tcp_t and mr_conn, reading into a shared 16 KiB buffer (the core
 * copies what it is fed) and writing what the core produces, one
 * heap-owned buffer per uv_write, freed in the write callback.
 *
 * The core may ask to wake any connection at any time (PUBLISH wakes every
 * subscriber while the publisher's command runs).  Waking only queues the
 * connection; the queue is serviced right after the call into the core
 * returns (after_core), so the host never re-enters the core from one of
 * its callbacks and a pipeline's replies go out in one write.
 *
 * The listening sockets (at start and for CONFIG SET port/bind) and the
 * open-file limit are in net_listen.c, the log in net_log.c. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "core.h"
#include "net_private.h"

#define KEEPALIVE_SECS 300 /* Redis's tcp-keepalive */
#define SHUTDOWN_GRACE_MS 1000

struct net_conn {
    uv_tcp_t tcp; /* tcp.data points back here */
    net_server *ns;
    mr_conn *conn;
    net_conn *prev, *next;   /* ns->conns */
    net_conn *pprev, *pnext; /* ns->pending, when queued */
    int queued;
    size_t writes;  /* uv_write requests not yet called back */
    int closing;    /* uv_close called */
    int draining;   /* not reading; close once the writes are done */
};

typedef struct write_req {
    uv_write_t req;
    net_conn *nc;
    char *data;
    size_t len;
} write_req;

typedef struct blocking_job {
    uv_work_t req;
    void (*work)(void *arg);
    void (*done)(void *arg);
    void *arg;
    net_server *ns;
} blocking_job;

static int64_t wall_clock_us(void *ud) {
    (void)ud;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void set_clock(net_server *ns) {
    mr_server_set_time_us(ns->srv, wall_clock_us(ns));
}

/* ---- connection tasks ---- */

static void conn_service(net_conn *nc);
static void conn_close(net_conn *nc);
static void start_shutdown(net_server *ns);

static void pending_add(net_server *ns, net_conn *nc) {
    if (nc->queued || nc->closing) return;
    nc->queued = 1;
    nc->pprev = NULL;
    nc->pnext = ns->pending;
    if (ns->pending != NULL) ns->pending->pprev = nc;
    ns->pending = nc;
}

static void pending_remove(net_server *ns, net_conn *nc) {
    if (!nc->queued) return;
    if (nc->pprev != NULL) nc->pprev->pnext = nc->pnext;
    else ns->pending = nc->pnext;
    if (nc->pnext != NULL) nc->pnext->pprev = nc->pprev;
    nc->queued = 0;
    nc->pprev = nc->pnext = NULL;
}

/* Redis frees a client killed by another (CLIENT KILL) during the command
 * that killed it: its socket is closed before the killer's reply goes out,
 * so a client that reads that reply and then uses the killed connection
 * finds it closed (end of file), not reset by data sent into it. */
static void close_killed(net_server *ns) {
    net_conn *next;
    for (net_conn *nc = ns->pending; nc != NULL; nc = next) {
        next = nc->pnext;
        if (nc->conn != NULL && mr_conn_should_close(nc->conn) == MR_CLOSE_NOW) conn_close(nc);
    }
}

/* Runs after every call into the core: closes the connections it killed,
 * services the others it woke, then starts a shutdown it asked for. */
static void after_core(net_server *ns) {
    mr_server_after_events(ns->srv);
    close_killed(ns);
    while (ns->pending != NULL) {
        net_conn *nc = ns->pending;
        pending_remove(ns, nc);
        conn_service(nc);
    }
    if (ns->shutdown_requested && !ns->shutting_down) start_shutdown(ns);
}

static void maybe_finish(net_server *ns) {
    if (ns->shutting_down && ns->conns == NULL &&
        !uv_is_closing((uv_handle_t *)&ns->grace))
        uv_close((uv_handle_t *)&ns->grace, NULL);
}

static void on_conn_closed(uv_handle_t *h) {
    net_conn *nc = h->data;
    net_server *ns = nc->ns;
    pending_remove(ns, nc);
    if (nc->prev != NULL) nc->prev->next = nc->next;
    else ns->conns = nc->next;
    if (nc->next != NULL) nc->next->prev = nc->prev;
    if (nc->conn != NULL) {
        set_clock(ns);
        mr_conn_destroy(nc->conn);
    }
    free(nc);
    after_core(ns);
    maybe_finish(ns);
}

static void conn_close(net_conn *nc) {
    if (nc->closing) return;
    nc->closing = 1;
    pending_remove(nc->ns, nc);
    uv_close((uv_handle_t *)&nc->tcp, on_conn_closed);
}

static void on_write(uv_write_t *req, int status) {
    write_req *w = (write_req *)req;
    net_conn *nc = w->nc;
    net_server *ns = nc->ns;
    nc->writes--;
    /* Cancelled writes (the handle is closing) were never written. */
    if (status == 0 && nc->conn != NULL) {
        set_clock(ns);
        mr_conn_written(nc->conn, w->len);
    }
    free(w->data);
    free(w);
    if (status < 0) conn_close(nc);
    else conn_service(nc);
    after_core(ns);
}

/* Takes ownership of data. */
static int conn_write(net_conn *nc, char *data, size_t len) {
    write_req *w = malloc(sizeof *w);
    if (w == NULL) {
        free(data);
        return -1;
    }
    w->nc = nc;
    w->data = data;
    w->len = len;
    /* uv_buf_init takes an unsigned int; on Unix the field is a size_t,
     * so set it directly and let replies above 4 GiB through. */
    uv_buf_t buf;
    buf.base = data;
    buf.len = len;
    if (uv_write(&w->req, (uv_stream_t *)&nc->tcp, &buf, 1, on_write) != 0) {
        free(data);
        free(w);
        return -1;
    }
    nc->writes++;
    return 0;
}

/* Writes what the core queued and closes when it should. */
static void conn_service(net_conn *nc) {
    if (nc->closing || nc->conn == NULL) return;
    mr_close sc = mr_conn_should_close(nc->conn);
    if (sc == MR_CLOSE_NOW) {
        conn_close(nc);
        return;
    }
    char *data;
    size_t len;
    if (mr_conn_take_output(nc->conn, &data, &len) && conn_write(nc, data, len) != 0) {
        conn_close(nc);
        return;
    }
    if (sc != MR_KEEP || nc->draining) {
        /* Nothing more is read from a client that is on its way out. */
        uv_read_stop((uv_stream_t *)&nc->tcp);
        nc->draining = 1;
        if (nc->writes == 0) conn_close(nc);
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    (void)suggested;
    net_conn *nc = h->data;
    /* Shared: libuv hands each buffer to on_read before asking again. */
    buf->base = nc->ns->rbuf;
    buf->len = sizeof nc->ns->rbuf;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
    net_conn *nc = s->data;
    net_server *ns = nc->ns;
    if (nread == 0 || nc->closing) return;
    if (nread == UV_EOF) {
        /* The peer may have only shut down its side: the replies to what
         * it sent still go out, then the connection closes. */
        nc->draining = 1;
        conn_service(nc);
        after_core(ns);
        return;
    }
    if (nread < 0) {
        LOG(ns, MR_LOG_VERBOSE, "Reading from client: %s", uv_strerror((int)nread));
        conn_close(nc);
        return;
    }
    if (nc->draining) return;
    set_clock(ns);
    mr_conn_feed(nc->conn, buf->base, (size_t)nread);
    pending_add(ns, nc);
    after_core(ns);
}

/* "ip:port" as Redis prints addresses ("[::1]:5000" for IPv6), "?:0"
 * when the address is unknown; returns whether it is a loopback one. */
static int format_address(const struct sockaddr_storage *ss, int known, char *out, size_t cap) {
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0, loopback = 0;
    if (known) {
        if (ss->ss_family == AF_INET) {
            const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
            uv_ip4_name(a, ip, sizeof ip);
            port = ntohs(a->sin_port);
            loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
        } else if (ss->ss_family == AF_INET6) {
            const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
            uv_ip6_name(a, ip, sizeof ip);
            port = ntohs(a->sin6_port);
            static const unsigned char v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                                          0, 0, 0, 0, 0, 0, 0, 1};
            static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
            const unsigned char *b = a->sin6_addr.s6_addr;
            loopback = memcmp(b, v6_loopback, 16) == 0 ||
                       (memcmp(b, v4_mapped, 12) == 0 && b[12] == 127);
            snprintf(out, cap, "[%s]:%d", ip, port);
            return loopback;
        }
    }
    snprintf(out, cap, "%s:%d", ip, port);
    return loopback;
}

/* The client's address; returns whether it is on the loopback interface. */
static int peer_address(uv_tcp_t *tcp, char *out, size_t cap) {
    struct sockaddr_storage ss;
    int len = (int)sizeof ss;
    int known = uv_tcp_getpeername(tcp, (struct sockaddr *)&ss, &len) == 0;
    return format_address(&ss, known, out, cap);
}

/* The address of this end of the connection (CLIENT LIST's laddr). */
static void local_address(uv_tcp_t *tcp, char *out, size_t cap) {
    struct sockaddr_storage ss;
    int len = (int)sizeof ss;
    int known = uv_tcp_getsockname(tcp, (struct sockaddr *)&ss, &len) == 0;
    format_address(&ss, known, out, cap);
}

/* A new connection task: the handle is open; registers it, tells the core
 * who it is, and starts reading. */
static void conn_start(net_server *ns, net_conn *nc) {
    uv_tcp_nodelay(&nc->tcp, 1);
    uv_tcp_keepalive(&nc->tcp, 1, KEEPALIVE_SECS);
    char addr[INET6_ADDRSTRLEN + 16], laddr[INET6_ADDRSTRLEN + 16];
    mr_peer peer = {.addr = addr, .laddr = laddr, .fd = -1};
    peer.loopback = peer_address(&nc->tcp, addr, sizeof addr);
    local_address(&nc->tcp, laddr, sizeof laddr);
    uv_os_fd_t fd;
    if (uv_fileno((const uv_handle_t *)&nc->tcp, &fd) == 0) peer.fd = (int)fd;
    LOG(ns, MR_LOG_VERBOSE, "Accepted %s", addr);
    set_clock(ns);
    nc->conn = mr_conn_create(ns->srv, &peer, nc);
    if (uv_read_start((uv_stream_t *)&nc->tcp, on_alloc, on_read) != 0) {
        conn_close(nc);
    } else {
        /* A refused client (max clients, protected mode) has its error
         * queued already. */
        pending_add(ns, nc);
    }
    after_core(ns);
}

static net_conn *conn_new(net_server *ns) {
    net_conn *nc = mr_xcalloc(1, sizeof *nc);
    nc->ns = ns;
    uv_tcp_init(&ns->loop, &nc->tcp);
    nc->tcp.data = nc;
    nc->next = ns->conns;
    if (ns->conns != NULL) ns->conns->prev = nc;
    ns->conns = nc;
    return nc;
}

static void on_connection(uv_stream_t *server, int status) {
    net_server *ns = server->data;
    if (status < 0) {
        LOG(ns, MR_LOG_WARNING, "Accepting client connection: %s", uv_strerror(status));
        return;
    }
    net_conn *nc = conn_new(ns);
    if (uv_accept(server, (uv_stream_t *)&nc->tcp) != 0) {
        conn_close(nc);
        return;
    }
    conn_start(ns, nc);
}

/* ---- what the core asks of its host ---- */

static void host_wake(mr_conn *conn, void *ud) {
    net_server *ns = ud;
    net_conn *nc = mr_conn_host_data(conn);
    if (nc != NULL) pending_add(ns, nc);
}

static void host_shutdown(mr_server *srv, void *ud) {
    (void)srv;
    net_server *ns = ud;
    /* Acted on once the core has returned (after_core). */
    ns->shutdown_requested = 1;
}

static void job_work(uv_work_t *req) {
    blocking_job *job = req->data;
    if (job->work != NULL) job->work(job->arg);
}

static void job_done(uv_work_t *req, int status) {
    (void)status; /* jobs are never cancelled */
    blocking_job *job = req->data;
    net_server *ns = job->ns;
    set_clock(ns);
    if (job->done != NULL) job->done(job->arg);
    free(job);
    after_core(ns);
}

static void host_run_blocking(void (*work)(void *arg), void (*done)(void *arg), void *arg,
                              void *ud) {
    net_server *ns = ud;
    blocking_job *job = malloc(sizeof *job);
    if (job != NULL) {
        job->work = work;
        job->done = done;
        job->arg = arg;
        job->ns = ns;
        job->req.data = job;
        if (uv_queue_work(&ns->loop, &job->req, job_work, job_done) == 0) return;
        free(job);
    }
    /* Without the thread pool, both run here, as core.h allows. */
    if (work != NULL) work(arg);
    if (done != NULL) done(arg);
}

static void host_log(mr_loglevel level, const char *msg, void *ud) {
    LOG((net_server *)ud, level, "%s", msg);
}

/* ---- cron, signals, shutdown ---- */

static uint64_t cron_interval(int hz) {
    return hz >= 1 && hz <= 1000 ? (uint64_t)(1000 / hz) : 100;
}

static void on_cron(uv_timer_t *t) {
    net_server *ns = t->data;
    set_clock(ns);
    mr_server_cron(ns->srv);
    /* The core wakes what it closes; this catches one it did not. */
    for (net_conn *nc = ns->conns; nc != NULL; nc = nc->next)
        if (!nc->closing && nc->conn != NULL && mr_conn_should_close(nc->conn) != MR_KEEP)
            pending_add(ns, nc);
    after_core(ns);
    /* Follows CONFIG SET hz. */
    uint64_t ms = cron_interval(mr_server_config(ns->srv)->hz);
    if (ms != ns->cron_ms && !ns->shutting_down) {
        ns->cron_ms = ms;
        uv_timer_start(&ns->cron, on_cron, ms, ms);
    }
}

static void on_signal(uv_signal_t *h, int signum) {
    net_server *ns = h->data;
    LOG(ns, MR_LOG_WARNING, "Received %s scheduling shutdown...",
        signum == SIGINT ? "SIGINT" : "SIGTERM");
    ns->shutdown_requested = 1;
    after_core(ns);
}

static void on_grace(uv_timer_t *t) {
    net_server *ns = t->data;
    for (net_conn *nc = ns->conns; nc != NULL; nc = nc->next) conn_close(nc);
}

static void close_if_open(uv_handle_t *h) {
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void start_shutdown(net_server *ns) {
    ns->shutting_down = 1;
    LOG(ns, MR_LOG_WARNING, "User requested shutdown...");
    net_close_listeners(ns);
    close_if_open((uv_handle_t *)&ns->cron);
    close_if_open((uv_handle_t *)&ns->sigint);
    close_if_open((uv_handle_t *)&ns->sigterm);
    /* Every client gets what is already queued for it, then is closed. */
    for (net_conn *nc = ns->conns; nc != NULL; nc = nc->next) {
        if (nc->closing) continue;
        nc->draining = 1;
        conn_service(nc);
    }
    uv_timer_start(&ns->grace, on_grace, SHUTDOWN_GRACE_MS, 0);
    maybe_finish(ns);
}

static void close_stray(uv_handle_t *h, void *arg) {
    (void)arg;
    close_if_open(h);
}

/* The loop and the host, without the core yet; NULL (logged) on failure. */
static net_server *server_new(const mr_config *cfg) {
    net_server *ns = mr_xcalloc(1, sizeof *ns);
    ns->cfg = cfg;
    ns->on_connection = on_connection;
    int rc = uv_loop_init(&ns->loop);
    if (rc != 0) {
        LOG(ns, MR_LOG_WARNING, "Cannot start the event loop: %s", uv_strerror(rc));
        free(ns);
        return NULL;
    }
    return ns;
}

static int server_core(net_server *ns) {
    mr_host host = {.wake = host_wake,
                    .shutdown = host_shutdown,
                    .run_blocking = host_run_blocking,
                    .log = host_log,
                    .relisten = net_relisten,
                    .reserve_clients = net_reserve_clients,
                    .now_us = wall_clock_us,
                    .ud = ns};
    ns->srv = mr_server_create(ns->cfg, &host);
    if (ns->srv == NULL) {
        LOG(ns, MR_LOG_WARNING, "Cannot create the server");
        return -1;
    }
    return 0;
}

/* The cron, the shutdown grace timer and the signal handles (started by
 * mr_net_run only). */
static void server_handles(net_server *ns) {
    uv_timer_init(&ns->loop, &ns->cron);
    ns->cron.data = ns;
    ns->cron_ms = cron_interval(ns->cfg->hz);
    uv_timer_start(&ns->cron, on_cron, ns->cron_ms, ns->cron_ms);
    uv_timer_init(&ns->loop, &ns->grace);
    ns->grace.data = ns;
    uv_signal_init(&ns->loop, &ns->sigint);
    ns->sigint.data = ns;
    uv_signal_init(&ns->loop, &ns->sigterm);
    ns->sigterm.data = ns;
}

/* After the loop has stopped: closes what is left, frees everything.
 * Returns 0, or 1 when the loop would not close. */
static int server_free(net_server *ns) {
    int status = 0;
    uv_walk(&ns->loop, close_stray, NULL);
    uv_run(&ns->loop, UV_RUN_DEFAULT);
    mr_server_free(ns->srv);
    ns->srv = NULL;
    int rc = uv_loop_close(&ns->loop);
    if (rc != 0) {
        LOG(ns, MR_LOG_WARNING, "Event loop not closed cleanly: %s", uv_strerror(rc));
        status = 1;
    }
    free(ns);
    return status;
}

int mr_net_run(const mr_config *cfg) {
    /* A peer that goes away mid-write must not kill the process. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);

    net_server *ns = server_new(cfg);
    if (ns == NULL) return 1;
    LOG(ns, MR_LOG_NOTICE, "Running mode=standalone, port=%d.", cfg->port);
    net_raise_fd_limit(ns);

    if (net_listen_all(ns) != 0 || server_core(ns) != 0) {
        net_close_listeners(ns);
        uv_run(&ns->loop, UV_RUN_DEFAULT);
        server_free(ns);
        return 1;
    }
    LOG(ns, MR_LOG_WARNING, "Server initialized");
    server_handles(ns);
    uv_signal_start(&ns->sigint, on_signal, SIGINT);
    uv_signal_start(&ns->sigterm, on_signal, SIGTERM);

    LOG(ns, MR_LOG_NOTICE, "Ready to accept connections tcp");
    uv_run(&ns->loop, UV_RUN_DEFAULT);

    /* Every handle is closed by now; anything left is closed here so that
     * the loop can be. */
    int status = server_free(ns);
    if (status == 0)
        mr_net_log(cfg->loglevel, MR_LOG_WARNING, "mini-redis-server is now ready to exit, bye bye...");
    return status;
}

/* ---- a server the caller drives (fuzzing, tests) ---- */

mr_net *mr_net_open(const mr_config *cfg) {
    net_server *ns = server_new(cfg);
    if (ns == NULL) return NULL;
    if (server_core(ns) != 0) {
        server_free(ns);
        return NULL;
    }
    server_handles(ns);
    return ns;
}

int mr_net_adopt(mr_net *ns, int fd) {
    /* As with closed listeners: no new client once shutdown has begun. */
    if (ns->shutting_down || ns->shutdown_requested) {
        close(fd);
        return -1;
    }
    net_conn *nc = conn_new(ns);
    if (uv_tcp_open(&nc->tcp, (uv_os_sock_t)fd) != 0) {
        close(fd);
        conn_close(nc);
        return -1;
    }
    conn_start(ns, nc);
    return 0;
}

int mr_net_poll(mr_net *ns) {
    return uv_run(&ns->loop, UV_RUN_NOWAIT);
}

void mr_net_close(mr_net *ns) {
    if (!ns->shutting_down) start_shutdown(ns);
    uv_run(&ns->loop, UV_RUN_DEFAULT);
    server_free(ns);
}
