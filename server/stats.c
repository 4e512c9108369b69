/* server/stats.c - what INFO commandstats, errorstats and latencystats
 * report, counted as Redis 7.0 counts it:
 *  - per command: calls (a blocked command when it is served or times
 *    out), microseconds spent, calls refused before running (arity,
 *    NOAUTH, ...), and calls that replied an error (EXEC only for its own
 *    error, not its queued commands');
 *  - per error code (the reply's first word, "ERR" when there is no space
 *    in its first 31 bytes), for every error reply, silenced or not, up
 *    to 128 codes;
 *  - per command, a latency histogram with two significant digits, as
 *    Redis's HdrHistogram keeps it, read at the 50th, 99th and 99.9th
 *    percentiles. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "server.h"

#define ERROR_CODES_MAX 128 /* Redis's ERROR_STATS_NUMBER */

/* Latency buckets, in nanoseconds: below 256 each value is its own
 * bucket; above, each power of two holds 128 buckets. */
#define HIST_LINEAR 256
#define HIST_BUCKETS (HIST_LINEAR + 23 * 128)
#define HIST_MAX_NS 1000000000ULL /* Redis tracks up to a second */

typedef struct mr_cmdstat {
    long long calls, usec, rejected, failed;
    uint64_t samples;
    uint32_t *hist; /* HIST_BUCKETS counts, allocated at the first call */
} mr_cmdstat;

int64_t mr_stats_clock_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Every command runs through here: a small cache by the descriptor's
 * address spares hashing its name each time. */
static mr_cmdstat *stat_of(mr_server *srv, const mr_command *cmd) {
    size_t slot = ((uintptr_t)cmd / sizeof *cmd) % MR_STATS_CACHE;
    if (srv->stats_cache[slot].cmd == cmd) return srv->stats_cache[slot].stat;
    int created;
    mr_dict_entry *e = mr_dict_upsert(srv->cmdstats, cmd->name, strlen(cmd->name), &created);
    if (created) e->v.ptr = mr_xcalloc(1, sizeof(mr_cmdstat));
    srv->stats_cache[slot].cmd = cmd;
    srv->stats_cache[slot].stat = e->v.ptr;
    return e->v.ptr;
}

static void cmdstat_free(void *p) {
    mr_cmdstat *s = p;
    if (s == NULL) return;
    free(s->hist);
    free(s);
}

void mr_stats_init(mr_server *srv) {
    srv->cmdstats = mr_dict_create(cmdstat_free);
    srv->errorstats = mr_dict_create(NULL);
}

void mr_stats_free(mr_server *srv) {
    mr_dict_free(srv->cmdstats);
    mr_dict_free(srv->errorstats);
}

void mr_stats_reset(mr_server *srv) {
    memset(srv->stats_cache, 0, sizeof srv->stats_cache);
    mr_dict_clear(srv->cmdstats);
    mr_dict_clear(srv->errorstats);
}

/* ---- errors ---- */

void mr_stats_error(mr_server *srv, const char *text, size_t len) {
    srv->stats.total_error_replies++;
    const char *space = memchr(text, ' ', len < 31 ? len : 31);
    const char *code = space != NULL ? text : "ERR";
    size_t n = space != NULL ? (size_t)(space - text) : 3;
    mr_dict_entry *e = mr_dict_find(srv->errorstats, code, n);
    if (e == NULL) {
        if (mr_dict_size(srv->errorstats) >= ERROR_CODES_MAX) return;
        int created;
        e = mr_dict_upsert(srv->errorstats, code, n, &created);
    }
    e->v.s64++;
}

/* ---- calls ---- */

static size_t bucket_of(uint64_t ns) {
    if (ns < HIST_LINEAR) return (size_t)ns;
    if (ns > HIST_MAX_NS) ns = HIST_MAX_NS;
    int top = 63 - __builtin_clzll(ns); /* 8 .. 29 */
    unsigned shift = (unsigned)top - 7;
    return HIST_LINEAR + (size_t)(top - 8) * 128 + (size_t)((ns >> shift) - 128);
}

/* The highest value a bucket stands for, as HdrHistogram reports it. */
static uint64_t bucket_top(size_t b) {
    if (b < HIST_LINEAR) return b;
    size_t k = (b - HIST_LINEAR) / 128, sub = (b - HIST_LINEAR) % 128;
    unsigned shift = (unsigned)k + 1;
    return ((128 + (uint64_t)sub) << shift) + ((uint64_t)1 << shift) - 1;
}

static void record(mr_cmdstat *s, long long usec) {
    if (s->hist == NULL) s->hist = mr_xcalloc(HIST_BUCKETS, sizeof *s->hist);
    uint64_t ns = usec > 0 ? (uint64_t)usec * 1000 : 1;
    s->hist[bucket_of(ns)]++;
    s->samples++;
}

void mr_stats_call(mr_server *srv, const mr_command *cmd, long long usec, int failed) {
    mr_cmdstat *s = stat_of(srv, cmd);
    s->calls++;
    s->usec += usec;
    if (failed) s->failed++;
    record(s, usec);
}

void mr_stats_rejected(mr_server *srv, const mr_command *cmd) {
    stat_of(srv, cmd)->rejected++;
}

/* ---- INFO ---- */

void mr_info_commandstats(resp_buf *b, mr_server *srv) {
    mr_buf_printf(b, "# Commandstats\r\n");
    mr_dict_iter it;
    mr_dict_iter_init(&it, srv->cmdstats);
    for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) {
        const mr_cmdstat *s = e->v.ptr;
        mr_buf_printf(b,
                      "cmdstat_%.*s:calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,"
                      "failed_calls=%lld\r\n",
                      (int)e->klen, e->key, s->calls, s->usec,
                      s->calls > 0 ? (double)s->usec / (double)s->calls : 0.0, s->rejected,
                      s->failed);
    }
    mr_dict_iter_done(&it);
}

static int by_code(const void *a, const void *b) {
    const mr_dict_entry *x = *(const mr_dict_entry *const *)a, *y = *(const mr_dict_entry *const *)b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c != 0 ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/* In byte order of the codes, as Redis's radix tree lists them. */
void mr_info_errorstats(resp_buf *b, mr_server *srv) {
    mr_buf_printf(b, "# Errorstats\r\n");
    size_t n = mr_dict_size(srv->errorstats), i = 0;
    mr_dict_entry **sorted = mr_xmalloc((n + 1) * sizeof *sorted);
    mr_dict_iter it;
    mr_dict_iter_init(&it, srv->errorstats);
    for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) sorted[i++] = e;
    mr_dict_iter_done(&it);
    qsort(sorted, n, sizeof *sorted, by_code);
    for (i = 0; i < n; i++)
        mr_buf_printf(b, "errorstat_%.*s:count=%lld\r\n", (int)sorted[i]->klen, sorted[i]->key,
                      (long long)sorted[i]->v.s64);
    free(sorted);
}

/* HdrHistogram's value at a percentile: the top of the bucket where the
 * running count reaches percentile/100 of the samples (rounded). */
static double at_percentile(const mr_cmdstat *s, double percentile) {
    uint64_t want = (uint64_t)(percentile / 100.0 * (double)s->samples + 0.5), seen = 0;
    if (want == 0) want = 1;
    for (size_t k = 0; k < HIST_BUCKETS; k++) {
        seen += s->hist[k];
        if (seen >= want) return (double)bucket_top(k) / 1000.0;
    }
    return 0.0;
}

void mr_info_latencystats(resp_buf *b, mr_server *srv) {
    mr_buf_printf(b, "# Latencystats\r\n");
    mr_dict_iter it;
    mr_dict_iter_init(&it, srv->cmdstats);
    for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) {
        const mr_cmdstat *s = e->v.ptr;
        if (s->samples == 0) continue;
        mr_buf_printf(b, "latency_percentiles_usec_%.*s:p50=%.3f,p99=%.3f,p99.9=%.3f\r\n",
                      (int)e->klen, e->key, at_percentile(s, 50), at_percentile(s, 99),
                      at_percentile(s, 99.9));
    }
    mr_dict_iter_done(&it);
}
