/* server/cmd_server.c - the server commands INFO, TIME and SHUTDOWN
 * (COMMAND is in cmd_command.c, CONFIG in cmd_config.c).
 *
 * INFO reports what this server can measure; see mr_cmd_info for the
 * fields it leaves out. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2 1
#endif

#include "commands.h"
#include "glob.h"
#include "memusage.h"

/* ---- INFO ---- */

enum {
    SEC_SERVER = 1 << 0,
    SEC_CLIENTS = 1 << 1,
    SEC_MEMORY = 1 << 2,
    SEC_PERSISTENCE = 1 << 3,
    SEC_STATS = 1 << 4,
    SEC_REPLICATION = 1 << 5,
    SEC_CPU = 1 << 6,
    SEC_MODULES = 1 << 7,
    SEC_CLUSTER = 1 << 8,
    SEC_KEYSPACE = 1 << 9,
    SEC_COMMANDSTATS = 1 << 10,
    SEC_ERRORSTATS = 1 << 11,
    SEC_LATENCYSTATS = 1 << 12,
    /* INFO with no section: every one but commandstats and latencystats. */
    SEC_DEFAULT = ((1 << 10) - 1) | SEC_ERRORSTATS,
    SEC_ALL = (1 << 13) - 1
};

static int info_section(const resp_span *a) {
    static const struct {
        const char *name;
        int bit;
    } names[] = {{"server", SEC_SERVER},
                 {"clients", SEC_CLIENTS},
                 {"memory", SEC_MEMORY},
                 {"persistence", SEC_PERSISTENCE},
                 {"stats", SEC_STATS},
                 {"replication", SEC_REPLICATION},
                 {"cpu", SEC_CPU},
                 {"modules", SEC_MODULES},
                 {"module_list", SEC_MODULES},
                 {"cluster", SEC_CLUSTER},
                 {"keyspace", SEC_KEYSPACE},
                 {"commandstats", SEC_COMMANDSTATS},
                 {"errorstats", SEC_ERRORSTATS},
                 {"latencystats", SEC_LATENCYSTATS},
                 {"default", SEC_DEFAULT},
                 {"all", SEC_ALL},
                 {"everything", SEC_ALL}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (mr_arg_is(a, names[i].name)) return names[i].bit;
    return 0;
}

/* Redis's bytesToHuman. */
static void bytes_human(char *out, size_t cap, unsigned long long n) {
    static const char units[] = "KMGTP";
    if (n < 1024) {
        snprintf(out, cap, "%lluB", n);
        return;
    }
    double d = (double)n;
    for (size_t i = 0; i < sizeof units - 1; i++) {
        d /= 1024;
        if (d < 1024) {
            snprintf(out, cap, "%.2f%c", d, units[i]);
            return;
        }
    }
    snprintf(out, cap, "%lluB", n);
}

/* Random hex ids made once per process, as Redis makes its run id at
 * start: 40 characters for the run id, 40 for the replication id. */
static const char *process_ids(void) {
    static char ids[81];
    if (ids[0] != '\0') return ids;
    unsigned char raw[40];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f != NULL ? fread(raw, 1, sizeof raw, f) : 0;
    if (f != NULL) fclose(f);
    uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)ids;
    for (size_t i = got; i < sizeof raw; i++) {
        x += 0x9e3779b97f4a7c15ull; /* splitmix64 */
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        raw[i] = (unsigned char)(z ^ (z >> 31));
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        ids[2 * i] = hex[raw[i] >> 4];
        ids[2 * i + 1] = hex[raw[i] & 15];
    }
    ids[80] = '\0';
    return ids;
}

/* The resident set size; 0 when unknown. */
static unsigned long long resident_bytes(void) {
    unsigned long long rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        unsigned long long size, pages;
        if (fscanf(f, "%llu %llu", &size, &pages) == 2)
            rss = pages * (unsigned long long)sysconf(_SC_PAGESIZE);
        fclose(f);
    }
    return rss;
}

/* Under a replacement allocator (ASan's, say) mallinfo2 counts nothing;
 * the resident size is the next best figure then. */
static unsigned long long used_bytes(void) {
    unsigned long long used = 0;
#ifdef HAVE_MALLINFO2
    struct mallinfo2 mi = mallinfo2();
    used = (unsigned long long)mi.uordblks + (unsigned long long)mi.hblkhd;
#endif
    return used != 0 ? used : resident_bytes();
}

static unsigned long long system_memory(void) {
#if defined(_SC_PHYS_PAGES)
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && size > 0) return (unsigned long long)pages * (unsigned long long)size;
#endif
    return 0;
}

/* The average remaining TTL in ms of keys with one: exact for a few
 * keys, else estimated from a sample (Redis estimates it too, from its
 * expiry cycle).  A private generator keeps RANDOMKEY's sequence intact. */
static long long average_ttl(mr_server *srv, mr_db *db) {
    size_t n = mr_dict_size(db->expires);
    /* long double: TTLs up to 2^63 ms would overflow a sum of long longs. */
    long double sum = 0;
    long long counted = 0;
    if (n == 0) return 0;
    if (n <= 16) {
        mr_dict_iter it;
        mr_dict_iter_init(&it, db->expires);
        for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) {
            if (e->v.s64 > srv->now_ms) {
                sum += (long double)e->v.s64 - (long double)srv->now_ms;
                counted++;
            }
        }
        mr_dict_iter_done(&it);
    } else {
        uint64_t rng = srv->rng ^ 0x2545f4914f6cdd1dull;
        for (int i = 0; i < 16; i++) {
            mr_dict_entry *e = mr_dict_random(db->expires, &rng);
            if (e != NULL && e->v.s64 > srv->now_ms) {
                sum += (long double)e->v.s64 - (long double)srv->now_ms;
                counted++;
            }
        }
    }
    return counted > 0 ? (long long)(sum / (long double)counted) : 0;
}

static void info_server(resp_buf *b, mr_server *srv) {
    struct utsname un;
    char os[256] = "";
    if (uname(&un) == 0) snprintf(os, sizeof os, "%s %s %s", un.sysname, un.release, un.machine);
    char exe[1024] = "";
#if defined(__linux__)
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
#endif
    long long uptime = (long long)((srv->now_ms - srv->start_ms) / 1000);
    const char *ids = process_ids();
    mr_buf_printf(b,
               "# Server\r\n"
               "redis_version:7.0.15\r\n"
               "redis_git_sha1:00000000\r\n"
               "redis_git_dirty:0\r\n"
               "redis_mode:standalone\r\n"
               "os:%s\r\n"
               "arch_bits:%d\r\n"
               "multiplexing_api:%s\r\n",
               os, (int)(sizeof(void *) * 8),
#if defined(__linux__)
               "epoll"
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
               "kqueue"
#else
               "poll"
#endif
    );
#if defined(__GNUC__)
    mr_buf_printf(b, "gcc_version:%d.%d.%d\r\n", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
    mr_buf_printf(b, "gcc_version:0.0.0\r\n");
#endif
    mr_buf_printf(b,
               "process_id:%ld\r\n"
               "process_supervised:no\r\n"
               "run_id:%.40s\r\n"
               "tcp_port:%d\r\n"
               "server_time_usec:%lld\r\n"
               "uptime_in_seconds:%lld\r\n"
               "uptime_in_days:%lld\r\n"
               "hz:%d\r\n"
               "configured_hz:%d\r\n"
               "lru_clock:%lld\r\n"
               "executable:%s\r\n"
               "config_file:\r\n"
               "io_threads_active:0\r\n",
               (long)getpid(), ids, srv->cfg.port,
               (long long)srv->now_us, uptime,
               uptime / 86400, srv->cfg.hz, srv->cfg.hz,
               (long long)mr_lru_clock(srv), exe);
}

static void info_clients(resp_buf *b, mr_server *srv) {
    size_t max_in = 0, max_out = 0;
    for (const mr_conn *cl = srv->clients; cl != NULL; cl = cl->next) {
        if (cl->in_cap > max_in) max_in = cl->in_cap;
        if (cl->out.len + cl->inflight > max_out) max_out = cl->out.len + cl->inflight;
    }
    mr_buf_printf(b,
               "# Clients\r\n"
               "connected_clients:%zu\r\n"
               "cluster_connections:0\r\n"
               "maxclients:%ld\r\n"
               "client_recent_max_input_buffer:%zu\r\n"
               "client_recent_max_output_buffer:%zu\r\n"
               "blocked_clients:%zu\r\n"
               "tracking_clients:%zu\r\n"
               "clients_in_timeout_table:%zu\r\n",
               srv->nclients, srv->cfg.maxclients, max_in, max_out, srv->nblocked,
               srv->tracking_clients, srv->nblocked_timeout);
}

static void info_memory(resp_buf *b, mr_server *srv) {
    unsigned long long used = used_bytes(), rss = resident_bytes(), total = system_memory();
    size_t clients_mem = 0;
    for (const mr_conn *cl = srv->clients; cl != NULL; cl = cl->next)
        clients_mem += sizeof *cl + cl->in_cap + cl->out.cap + cl->inflight;
    if (used > srv->stats.peak_memory) srv->stats.peak_memory = used;
    unsigned long long peak = srv->stats.peak_memory;
    char used_h[32], rss_h[32], peak_h[32], total_h[32];
    bytes_human(used_h, sizeof used_h, used);
    bytes_human(rss_h, sizeof rss_h, rss);
    bytes_human(peak_h, sizeof peak_h, peak);
    bytes_human(total_h, sizeof total_h, total);
    mr_buf_printf(b,
               "# Memory\r\n"
               "used_memory:%llu\r\n"
               "used_memory_human:%s\r\n"
               "used_memory_rss:%llu\r\n"
               "used_memory_rss_human:%s\r\n"
               "used_memory_peak:%llu\r\n"
               "used_memory_peak_human:%s\r\n"
               "used_memory_peak_perc:%.2f%%\r\n"
               "total_system_memory:%llu\r\n"
               "total_system_memory_human:%s\r\n"
               "maxmemory:0\r\n"
               "maxmemory_human:0B\r\n"
               "maxmemory_policy:noeviction\r\n"
               "mem_fragmentation_ratio:%.2f\r\n"
               "mem_clients_normal:%zu\r\n"
               "mem_allocator:libc\r\n"
               "lazyfree_pending_objects:%zu\r\n"
               "lazyfreed_objects:%llu\r\n",
               used, used_h, rss, rss_h, peak, peak_h,
               peak > 0 ? (double)used * 100 / (double)peak : 0.0, total, total_h,
               used > 0 ? (double)rss / (double)used : 0.0, clients_mem, srv->lazyfree_pending,
               (unsigned long long)srv->stats.lazyfreed);
}

/* No persistence: nothing is ever saved, loaded or rewritten. */
static void info_persistence(resp_buf *b, mr_server *srv) {
    mr_buf_printf(b,
               "# Persistence\r\n"
               "loading:0\r\n"
               "async_loading:0\r\n"
               "rdb_bgsave_in_progress:0\r\n"
               "rdb_last_save_time:%lld\r\n"
               "rdb_last_bgsave_status:ok\r\n"
               "rdb_last_bgsave_time_sec:-1\r\n"
               "rdb_current_bgsave_time_sec:-1\r\n"
               "rdb_saves:0\r\n"
               "aof_enabled:0\r\n"
               "aof_rewrite_in_progress:0\r\n"
               "aof_rewrite_scheduled:0\r\n"
               "aof_last_rewrite_time_sec:-1\r\n"
               "aof_current_rewrite_time_sec:-1\r\n"
               "aof_last_bgrewrite_status:ok\r\n"
               "aof_rewrites:0\r\n"
               "aof_last_write_status:ok\r\n",
               (long long)(srv->start_ms / 1000));
}

static void info_stats(resp_buf *b, mr_server *srv) {
    const mr_stats *st = &srv->stats;
    mr_buf_printf(b,
               "# Stats\r\n"
               "total_connections_received:%llu\r\n"
               "total_commands_processed:%llu\r\n"
               "total_net_input_bytes:%llu\r\n"
               "total_net_output_bytes:%llu\r\n"
               "rejected_connections:%llu\r\n"
               "expired_keys:%llu\r\n"
               "evicted_keys:0\r\n"
               "keyspace_hits:%llu\r\n"
               "keyspace_misses:%llu\r\n"
               "pubsub_channels:%zu\r\n"
               "pubsub_patterns:%zu\r\n"
               "pubsubshard_channels:%zu\r\n"
               "tracking_total_keys:%zu\r\n"
               "tracking_total_items:%zu\r\n"
               "tracking_total_prefixes:%zu\r\n"
               "unexpected_error_replies:0\r\n"
               "total_error_replies:%llu\r\n",
               (unsigned long long)st->connections_received,
               (unsigned long long)st->commands_processed,
               (unsigned long long)st->net_input_bytes, (unsigned long long)st->net_output_bytes,
               (unsigned long long)st->rejected_connections,
               (unsigned long long)st->expired_keys, (unsigned long long)st->keyspace_hits,
               (unsigned long long)st->keyspace_misses, mr_dict_size(srv->channels),
               mr_dict_size(srv->patterns), mr_dict_size(srv->shard_channels),
               mr_dict_size(srv->tracking_table), srv->tracking_items,
               mr_dict_size(srv->tracking_prefixes), (unsigned long long)st->total_error_replies);
}

/* A master without replicas or a backlog. */
static void info_replication(resp_buf *b) {
    mr_buf_printf(b,
               "# Replication\r\n"
               "role:master\r\n"
               "connected_slaves:0\r\n"
               "master_failover_state:no-failover\r\n"
               "master_replid:%.40s\r\n"
               "master_replid2:0000000000000000000000000000000000000000\r\n"
               "master_repl_offset:0\r\n"
               "second_repl_offset:-1\r\n"
               "repl_backlog_active:0\r\n"
               "repl_backlog_size:1048576\r\n"
               "repl_backlog_first_byte_offset:0\r\n"
               "repl_backlog_histlen:0\r\n",
               process_ids() + 40);
}

static void info_cpu(resp_buf *b) {
    struct rusage self, children;
    memset(&self, 0, sizeof self);
    memset(&children, 0, sizeof children);
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    mr_buf_printf(b,
               "# CPU\r\n"
               "used_cpu_sys:%ld.%06ld\r\n"
               "used_cpu_user:%ld.%06ld\r\n"
               "used_cpu_sys_children:%ld.%06ld\r\n"
               "used_cpu_user_children:%ld.%06ld\r\n",
               (long)self.ru_stime.tv_sec, (long)self.ru_stime.tv_usec,
               (long)self.ru_utime.tv_sec, (long)self.ru_utime.tv_usec,
               (long)children.ru_stime.tv_sec, (long)children.ru_stime.tv_usec,
               (long)children.ru_utime.tv_sec, (long)children.ru_utime.tv_usec);
}

static void info_keyspace(resp_buf *b, mr_server *srv) {
    mr_buf_printf(b, "# Keyspace\r\n");
    for (int i = 0; i < srv->cfg.databases; i++) {
        mr_db *db = &srv->dbs[i];
        size_t keys = mr_dict_size(db->keys);
        if (keys == 0) continue;
        mr_buf_printf(b, "db%d:keys=%zu,expires=%zu,avg_ttl=%lld\r\n", i, keys,
                   mr_dict_size(db->expires), average_ttl(srv, db));
    }
}

/* INFO [section ...]: sections in Redis's order whatever the order asked,
 * separated by an empty line; unknown names add nothing.  Left out, as
 * this server does not measure them: instantaneous rates, allocator
 * internals, Lua and function memory, and per-thread CPU times. */
void mr_cmd_info(mr_conn *c, size_t argc, const resp_span *argv) {
    mr_server *srv = c->srv;
    int want = argc == 1 ? SEC_DEFAULT : 0;
    for (size_t i = 1; i < argc; i++) want |= info_section(&argv[i]);
    resp_buf b;
    resp_buf_init(&b, NULL);
    int sections = 0;
#define SECTION(bit, call)                                                                         \
    do {                                                                                           \
        if (want & (bit)) {                                                                        \
            if (sections++ > 0) resp_buf_append(&b, "\r\n", 2);                                   \
            call;                                                                                  \
        }                                                                                          \
    } while (0)
    SECTION(SEC_SERVER, info_server(&b, srv));
    SECTION(SEC_CLIENTS, info_clients(&b, srv));
    SECTION(SEC_MEMORY, info_memory(&b, srv));
    SECTION(SEC_PERSISTENCE, info_persistence(&b, srv));
    SECTION(SEC_STATS, info_stats(&b, srv));
    SECTION(SEC_REPLICATION, info_replication(&b));
    SECTION(SEC_CPU, info_cpu(&b));
    SECTION(SEC_MODULES, mr_buf_printf(&b, "# Modules\r\n"));
    SECTION(SEC_COMMANDSTATS, mr_info_commandstats(&b, srv));
    SECTION(SEC_ERRORSTATS, mr_info_errorstats(&b, srv));
    SECTION(SEC_LATENCYSTATS, mr_info_latencystats(&b, srv));
    SECTION(SEC_CLUSTER, mr_buf_printf(&b, "# Cluster\r\ncluster_enabled:0\r\n"));
    SECTION(SEC_KEYSPACE, info_keyspace(&b, srv));
#undef SECTION
    mr_add_verbatim(c, b.data != NULL ? b.data : "", b.len);
    resp_buf_free(&b);
}

/* ---- LASTSAVE, TIME, SHUTDOWN ---- */

/* Redis counts the dataset as saved at startup; this server never saves,
 * so the start stays the last save (INFO's rdb_last_save_time). */
void mr_cmd_lastsave(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    mr_add_integer(c, (long long)(c->srv->start_ms / 1000));
}

void mr_cmd_time(mr_conn *c, size_t argc, const resp_span *argv) {
    (void)argc;
    (void)argv;
    char sec[32], usec[16];
    int64_t now = c->srv->now_us;
    int n1 = snprintf(sec, sizeof sec, "%lld", (long long)(now / 1000000));
    int n2 = snprintf(usec, sizeof usec, "%lld", (long long)(now % 1000000));
    mr_add_array(c, 2);
    mr_add_bulk(c, sec, (size_t)n1);
    mr_add_bulk(c, usec, (size_t)n2);
}

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT].  Nothing is kept on disk,
 * so a shutdown never saves; SAVE asks for a save that cannot be made and
 * fails as a failed save does in Redis, unless FORCE says to go on.  NOW
 * changes nothing: there are no replicas to wait for. */
void mr_cmd_shutdown(mr_conn *c, size_t argc, const resp_span *argv) {
    int nosave = 0, save = 0, force = 0, abort_ = 0, flags = 0;
    for (size_t i = 1; i < argc; i++) {
        if (mr_arg_is(&argv[i], "nosave")) nosave = flags = 1;
        else if (mr_arg_is(&argv[i], "save")) save = flags = 1;
        else if (mr_arg_is(&argv[i], "now")) flags = 1;
        else if (mr_arg_is(&argv[i], "force")) force = flags = 1;
        else if (mr_arg_is(&argv[i], "abort")) abort_ = 1;
        else {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
    }
    if ((abort_ && flags) || (nosave && save)) {
        mr_add_error(c, MR_ERR_SYNTAX);
        return;
    }
    if (abort_) {
        mr_add_error(c, "ERR No shutdown in progress.");
        return;
    }
    mr_server *srv = c->srv;
    if (save) {
        /* The host logs "User requested shutdown..." when it goes ahead. */
        if (!force) mr_log(srv, MR_LOG_WARNING, "User requested shutdown...");
        mr_log(srv, MR_LOG_WARNING,
               "SHUTDOWN SAVE: this server keeps no data on disk, so no snapshot can be saved.");
        if (!force) {
            mr_log(srv, MR_LOG_WARNING, "Error trying to save the DB, can't exit.");
            mr_log(srv, MR_LOG_WARNING,
                   "Errors trying to shut down the server. Check the logs for more "
                   "information.");
            mr_add_error(c, "ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        mr_log(srv, MR_LOG_WARNING, "Error trying to save the DB. Exit anyway.");
    }
    c->close = MR_CLOSE_NOW;
    if (srv->host.shutdown != NULL) srv->host.shutdown(srv, srv->host.ud);
}

/* MEMORY USAGE key [SAMPLES count]...: Redis finds the key in the
 * keyspace directly, so an expired key not yet removed is still measured,
 * nothing is touched or counted as a hit; SAMPLES may repeat (the last
 * wins) and 0 means every element. */
void mr_cmd_memory_usage(mr_conn *c, size_t argc, const resp_span *argv) {
    long long samples = 5;
    for (size_t i = 3; i < argc; i++) {
        if (!mr_arg_is(&argv[i], "samples") || i + 1 >= argc) {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
        if (!mr_arg_ll(c, &argv[++i], &samples)) return;
        if (samples < 0) {
            mr_add_error(c, MR_ERR_SYNTAX);
            return;
        }
    }
    mr_dict_entry *e = mr_dict_find(c->srv->dbs[c->db].keys, argv[2].ptr, argv[2].len);
    if (e == NULL) {
        mr_add_null(c);
        return;
    }
    size_t n = samples == 0 ? SIZE_MAX : (size_t)samples;
    mr_add_integer(c, (long long)mr_memory_usage(argv[2].len, e->v.ptr, n));
}
