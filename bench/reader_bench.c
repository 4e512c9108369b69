/* reader_bench - resp's parsers against hiredis's redisReader.
 *
 * Every parser reads the same in-memory streams, fed in 16 KiB chunks as
 * a client reading from a socket would be, and must report exactly what
 * the generator wrote before any time is taken: a comparison of
 * different work would be worthless.
 *
 *   reader_bench [--quick] [--check] [--reps N]
 *
 * --quick  small streams, one run each unless --reps (the ctest smoke test)
 * --check  exit 1 when a speed goal is missed
 * --reps   timed runs per parser and stream (default 5, after a warm-up)
 *
 * Exit status 2 means a parser failed or disagreed with the stream. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include <resp/reply.h>
#include <resp/request.h>
#include <resp/value.h>

#define CHUNK ((size_t)16 * 1024) /* one socket read */

#define GOAL_SET_RATIO 5.0 /* SET-command stream, resp events vs hiredis */
#define GOAL_ALL_RATIO 2.0 /* every stream, resp events vs hiredis */

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static _Noreturn void die(const char *fmt, ...) PRINTF_LIKE(1, 2);

static _Noreturn void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("reader_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (q == NULL) die("out of memory (%zu bytes)", n);
    return q;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) die("clock_gettime: %s", strerror(errno));
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- what a parser saw ---- */

typedef struct tally {
    uint64_t replies; /* top-level replies (commands, for the request parser) */
    uint64_t nodes;   /* values at every depth, aggregates included */
    uint64_t bytes;   /* payload bytes of string values */
    uint64_t isum;    /* integer values, summed modulo 2^64 */
} tally;

static void tally_hiredis(tally *t, const redisReply *r) {
    t->nodes++;
    switch (r->type) {
    case REDIS_REPLY_INTEGER: t->isum += (uint64_t)r->integer; break;
    case REDIS_REPLY_NIL: break;
    case REDIS_REPLY_ARRAY:
        for (size_t i = 0; i < r->elements; i++) tally_hiredis(t, r->element[i]);
        break;
    default: t->bytes += r->len; break;
    }
}

static void tally_value(tally *t, const resp_value *v) {
    t->nodes++;
    switch (v->type) {
    case RESP_INTEGER: t->isum += (uint64_t)v->integer; break;
    case RESP_NULL: break;
    case RESP_ARRAY:
    case RESP_MAP:
    case RESP_SET:
    case RESP_PUSH:
    case RESP_ATTRIBUTE:
        for (size_t i = 0; i < v->count; i++) tally_value(t, &v->elems[i]);
        break;
    default: t->bytes += v->len; break;
    }
}

/* The event callback under test: as little work as still proves every
 * event was delivered. */
static resp_error on_event(void *ud, const resp_event *ev) {
    tally *t = ud;
    if (ev->kind == RESP_EV_SCALAR) {
        t->nodes++;
        if (ev->type == RESP_INTEGER)
            t->isum += (uint64_t)ev->integer;
        else
            t->bytes += ev->data.len;
    } else if (ev->kind == RESP_EV_BEGIN) {
        t->nodes++;
    }
    return RESP_OK;
}

/* ---- streams ---- */

typedef struct stream {
    const char *name;
    char *data;
    size_t len, cap;
    tally expect;    /* what the generator wrote */
    int is_commands; /* also read it with the request parser */
    int passes;      /* times a timed run reads it, to last long enough */
} stream;

static void put(stream *s, const void *p, size_t n) {
    if (s->cap - s->len < n) {
        size_t cap = s->cap != 0 ? s->cap : 1u << 20;
        while (cap - s->len < n) cap *= 2;
        s->data = xrealloc(s->data, cap);
        s->cap = cap;
    }
    memcpy(s->data + s->len, p, n);
    s->len += n;
}

static void put_str(stream *s, const char *str) {
    put(s, str, strlen(str));
}

PRINTF_LIKE(2, 3) static void put_fmt(stream *s, const char *fmt, ...) {
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) die("put_fmt: line too long");
    put(s, tmp, (size_t)n);
}

/* xorshift64*: fixed seed, so every run builds the same bytes. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r) {
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

static size_t rng_range(rng *r, size_t lo, size_t hi) { /* [lo, hi] */
    return lo + (size_t)(rng_next(r) % (hi - lo + 1));
}

static void put_alnum(stream *s, rng *r, size_t n) {
    static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char tmp[256];
    while (n > 0) {
        size_t k = n < sizeof tmp ? n : sizeof tmp;
        for (size_t i = 0; i < k; i++) tmp[i] = set[rng_next(r) % (sizeof set - 1)];
        put(s, tmp, k);
        n -= k;
    }
}

/* An integer of 1 to 18 digits, negative one time in four. */
static long long rng_int(rng *r) {
    static const uint64_t limit[] = {10u, 1000u, 1000000u, 1000000000000u,
                                     1000000000000000000u};
    long long v = (long long)(rng_next(r) % limit[rng_next(r) % 5]);
    return rng_next(r) % 4 == 0 ? -v : v;
}

static void put_int(stream *s, long long v) {
    put_fmt(s, ":%lld\r\n", v);
    s->expect.nodes++;
    s->expect.isum += (uint64_t)v;
}

static void put_bulk_alnum(stream *s, rng *r, size_t n) {
    put_fmt(s, "$%zu\r\n", n);
    put_alnum(s, r, n);
    put(s, "\r\n", 2);
    s->expect.nodes++;
    s->expect.bytes += n;
}

static void gen_set_commands(stream *s, size_t n, rng *r) {
    for (size_t i = 0; i < n; i++) {
        /* Spread the key numbers so their digits vary. */
        put_fmt(s, "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012llu\r\n",
                (unsigned long long)((i * 7919u) % 1000000000000u));
        put_bulk_alnum(s, r, 32);
        s->expect.nodes += 3;
        s->expect.bytes += 3 + 16;
    }
}

/* LRANGE/MGET-like replies: four bulk strings of 3-20 bytes to one
 * integer. */
static void gen_array100(stream *s, size_t n, rng *r) {
    for (size_t i = 0; i < n; i++) {
        put_str(s, "*100\r\n");
        s->expect.nodes++;
        for (int j = 0; j < 100; j++) {
            if (j % 5 == 4)
                put_int(s, rng_int(r));
            else
                put_bulk_alnum(s, r, rng_range(r, 3, 20));
        }
    }
}

/* Binary payloads, CR and LF included: only the length frames them. */
static void gen_bulk4k(stream *s, size_t n, rng *r) {
    char payload[4096];
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof payload; k += 8) {
            uint64_t x = rng_next(r);
            memcpy(payload + k, &x, 8);
        }
        put_str(s, "$4096\r\n");
        put(s, payload, sizeof payload);
        put(s, "\r\n", 2);
        s->expect.nodes++;
        s->expect.bytes += sizeof payload;
    }
}

static void gen_integers(stream *s, size_t n, rng *r) {
    for (size_t i = 0; i < n; i++) put_int(s, rng_int(r));
}

/* Mostly +OK, some other short statuses, and one in eight 20-120 bytes
 * long. */
static void gen_simple(stream *s, size_t n, rng *r) {
    static const char *const shorts[] = {"OK", "OK", "OK", "OK", "QUEUED", "PONG"};
    for (size_t i = 0; i < n; i++) {
        size_t len;
        put(s, "+", 1);
        if (rng_next(r) % 8 == 0) {
            len = rng_range(r, 20, 120);
            put_alnum(s, r, len);
        } else {
            const char *str = shorts[rng_next(r) % (sizeof shorts / sizeof shorts[0])];
            len = strlen(str);
            put(s, str, len);
        }
        put(s, "\r\n", 2);
        s->expect.nodes++;
        s->expect.bytes += len;
    }
}

/* ---- feeding: what a client's read loop does ---- */

typedef struct feeder {
    const stream *src;
    size_t src_off;
    char *buf; /* bytes not yet consumed, then the new chunk */
    size_t len, cap;
} feeder;

static void feeder_init(feeder *f, const stream *s) {
    f->src = s;
    f->src_off = 0;
    f->cap = 4 * CHUNK;
    f->buf = xrealloc(NULL, f->cap);
    f->len = 0;
}

/* Appends the next chunk; 0 once the stream is exhausted. */
static int feeder_next(feeder *f) {
    size_t n = f->src->len - f->src_off;
    if (n == 0) return 0;
    if (n > CHUNK) n = CHUNK;
    if (f->cap - f->len < n) {
        while (f->cap - f->len < n) f->cap *= 2;
        f->buf = xrealloc(f->buf, f->cap);
    }
    memcpy(f->buf + f->len, f->src->data + f->src_off, n);
    f->len += n;
    f->src_off += n;
    return 1;
}

/* Drops what the parser consumed, keeping the partial reply. */
static void feeder_drop(feeder *f, size_t consumed) {
    memmove(f->buf, f->buf + consumed, f->len - consumed);
    f->len -= consumed;
}

static void feeder_done(feeder *f, const char *who) {
    if (f->len != 0) die("%s: %s left %zu bytes unparsed", f->src->name, who, f->len);
    free(f->buf);
}

/* ---- the parsers ---- */

enum { P_HIREDIS, P_EVENTS, P_TREE, P_REQUEST, NPARSERS };

static const char *const parser_name[NPARSERS] = {"hiredis", "resp-events", "resp-tree",
                                                  "resp-request"};

static void run_hiredis(const stream *s, int walk, tally *t) {
    redisReader *r = redisReaderCreate();
    if (r == NULL) die("redisReaderCreate failed");
    for (size_t off = 0; off < s->len; off += CHUNK) {
        size_t n = s->len - off < CHUNK ? s->len - off : CHUNK;
        if (redisReaderFeed(r, s->data + off, n) != REDIS_OK)
            die("%s: hiredis: %s", s->name, r->errstr);
        for (;;) {
            void *reply;
            if (redisReaderGetReply(r, &reply) != REDIS_OK)
                die("%s: hiredis: %s", s->name, r->errstr);
            if (reply == NULL) break;
            t->replies++;
            if (walk) tally_hiredis(t, reply);
            freeReplyObject(reply);
        }
    }
    if (r->len != r->pos) die("%s: hiredis left %zu bytes unparsed", s->name, r->len - r->pos);
    redisReaderFree(r);
}

static void run_events(const stream *s, tally *t) {
    resp_reply_parser p;
    feeder f;
    resp_reply_init(&p, NULL);
    feeder_init(&f, s);
    while (feeder_next(&f)) {
        size_t pos = 0;
        for (;;) {
            size_t used;
            resp_reply_status st =
                resp_reply_parse(&p, f.buf + pos, f.len - pos, &used, on_event, t);
            pos += used;
            if (st == RESP_REPLY_COMPLETE) {
                t->replies++;
                continue;
            }
            if (st == RESP_REPLY_INCOMPLETE) break;
            die("%s: resp_reply_parse: %s at offset %llu", s->name,
                resp_strerror(resp_reply_error(&p)),
                (unsigned long long)resp_reply_error_offset(&p));
        }
        feeder_drop(&f, pos);
    }
    feeder_done(&f, "resp_reply_parse");
}

static void run_tree(const stream *s, int walk, tally *t) {
    resp_reader r;
    feeder f;
    resp_reader_init(&r, NULL, NULL);
    feeder_init(&f, s);
    while (feeder_next(&f)) {
        size_t pos = 0;
        for (;;) {
            size_t used;
            resp_value *v = NULL;
            resp_reply_status st = resp_reader_parse(&r, f.buf + pos, f.len - pos, &used, &v);
            pos += used;
            if (st == RESP_REPLY_COMPLETE) {
                if (v == NULL) die("%s: resp_reader_parse: complete without a value", s->name);
                t->replies++;
                if (walk) tally_value(t, v);
                resp_value_free(v, NULL);
                continue;
            }
            if (st == RESP_REPLY_INCOMPLETE) break;
            die("%s: resp_reader_parse: %s", s->name, resp_strerror(resp_reader_error(&r)));
        }
        feeder_drop(&f, pos);
    }
    feeder_done(&f, "resp_reader_parse");
    resp_reader_free(&r);
}

/* A command reads as an array of bulk strings, so it tallies like one. */
static void run_request(const stream *s, tally *t) {
    resp_request_parser p;
    feeder f;
    resp_request_init(&p, NULL);
    feeder_init(&f, s);
    while (feeder_next(&f)) {
        size_t pos = 0;
        for (;;) {
            size_t used;
            resp_command cmd;
            resp_request_status st = resp_request_parse(&p, f.buf + pos, f.len - pos, &used, &cmd);
            pos += used;
            if (st == RESP_REQ_COMMAND) {
                t->replies++;
                t->nodes += 1 + cmd.argc;
                for (size_t i = 0; i < cmd.argc; i++) t->bytes += cmd.argv[i].len;
                continue;
            }
            if (st == RESP_REQ_INCOMPLETE) break;
            char msg[128];
            resp_request_format_error(&p, msg, sizeof msg);
            die("%s: resp_request_parse: %s at offset %llu", s->name, msg,
                (unsigned long long)resp_request_error_offset(&p));
        }
        feeder_drop(&f, pos);
    }
    feeder_done(&f, "resp_request_parse");
    resp_request_free(&p);
}

/* Reads the stream `passes` times; returns the duration.  `walk` also
 * walks hiredis's and resp's trees, for the untimed verification runs.
 * Every run's tally is checked, the timed ones included. */
static uint64_t run(int which, const stream *s, int passes, int walk) {
    tally t = {0, 0, 0, 0};
    uint64_t t0 = now_ns();
    for (int i = 0; i < passes; i++) {
        switch (which) {
        case P_HIREDIS: run_hiredis(s, walk, &t); break;
        case P_EVENTS: run_events(s, &t); break;
        case P_TREE: run_tree(s, walk, &t); break;
        default: run_request(s, &t); break;
        }
    }
    uint64_t elapsed = now_ns() - t0;

    tally e = s->expect;
    e.replies *= (uint64_t)passes;
    e.nodes *= (uint64_t)passes;
    e.bytes *= (uint64_t)passes;
    e.isum *= (uint64_t)passes;
    int full = walk || which == P_EVENTS || which == P_REQUEST;
    if (t.replies != e.replies ||
        (full && (t.nodes != e.nodes || t.bytes != e.bytes || t.isum != e.isum)))
        die("%s: %s saw %llu replies, %llu values, %llu payload bytes, integer sum %llu; "
            "the stream holds %llu, %llu, %llu, %llu",
            s->name, parser_name[which], (unsigned long long)t.replies,
            (unsigned long long)t.nodes, (unsigned long long)t.bytes,
            (unsigned long long)t.isum, (unsigned long long)e.replies,
            (unsigned long long)e.nodes, (unsigned long long)e.bytes,
            (unsigned long long)e.isum);
    return elapsed;
}

/* ---- main ---- */

static void usage(FILE *to) {
    fputs("usage: reader_bench [--quick] [--check] [--reps N]\n"
          "  --quick   small streams, one run unless --reps (smoke test)\n"
          "  --check   exit 1 when a speed goal is missed\n"
          "  --reps N  timed runs per parser and stream (default 5)\n",
          to);
}

int main(int argc, char **argv) {
    int quick = 0, check = 0, reps_given = 0;
    long reps = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--check") == 0) {
            check = 1;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            char *end;
            errno = 0;
            reps = strtol(argv[++i], &end, 10);
            reps_given = 1;
            if (errno != 0 || *end != '\0' || reps < 1 || reps > 1000) {
                fprintf(stderr, "reader_bench: --reps wants 1..1000\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    long warmups = 1;
    if (quick) {
        if (!reps_given) reps = 1;
        warmups = 0;
    }

    /* Full sizes make a hiredis run take tens of milliseconds; 4 KiB
     * bulks are few per MiB, so that stream is read several times. */
    static const struct {
        const char *name;
        void (*gen)(stream *, size_t, rng *);
        size_t items;
        int passes;
        int is_commands;
    } spec[] = {
        {"set-command", gen_set_commands, 250000, 1, 1},
        {"array100", gen_array100, 12000, 1, 0},
        {"bulk-4k", gen_bulk4k, 8192, 8, 0},
        {"integer", gen_integers, 1000000, 1, 0},
        {"simple-string", gen_simple, 1000000, 1, 0},
    };
    enum { NSTREAMS = sizeof spec / sizeof spec[0] };
    stream streams[NSTREAMS];
    rng r = {0x9E3779B97F4A7C15ull};
    for (int si = 0; si < NSTREAMS; si++) {
        stream *s = &streams[si];
        size_t items = quick ? spec[si].items / 100 : spec[si].items;
        memset(s, 0, sizeof *s);
        s->name = spec[si].name;
        s->passes = quick ? 1 : spec[si].passes;
        s->is_commands = spec[si].is_commands;
        spec[si].gen(s, items, &r);
        s->expect.replies = items;
    }

    /* Verify: every parser, results walked, before anything is timed. */
    for (int si = 0; si < NSTREAMS; si++)
        for (int p = 0; p < NPARSERS; p++)
            if (p != P_REQUEST || streams[si].is_commands) run(p, &streams[si], 1, 1);

    printf("reader_bench: %zu KiB feeds; best (minimum) of %ld timed run%s after %ld "
           "warm-up run%s per parser and stream, parsers interleaved\n",
           CHUNK / 1024, reps, reps == 1 ? "" : "s", warmups, warmups == 1 ? "" : "s");
    printf("ns per top-level item; x = hiredis time / resp time (how many times faster "
           "resp is)\n\n");
    printf("%-14s %8s %7s %9s %11s %6s %9s %6s %12s %6s\n", "stream", "items", "MiB",
           "hiredis", "resp-events", "x", "resp-tree", "x", "resp-request", "x");

    double ratio_events[NSTREAMS];
    for (int si = 0; si < NSTREAMS; si++) {
        const stream *s = &streams[si];
        int np = s->is_commands ? NPARSERS : P_REQUEST;
        uint64_t best[NPARSERS];
        for (int p = 0; p < NPARSERS; p++) best[p] = UINT64_MAX;
        /* Rotate the order each round so drift and noise spread evenly. */
        for (long rep = 0; rep < warmups + reps; rep++) {
            for (int k = 0; k < np; k++) {
                int p = (int)((k + rep) % np);
                uint64_t ns = run(p, s, s->passes, 0);
                if (rep >= warmups && ns < best[p]) best[p] = ns;
            }
        }
        double items = (double)s->expect.replies * s->passes;
        double h = (double)best[P_HIREDIS];
        ratio_events[si] = h / (double)best[P_EVENTS];
        printf("%-14s %8llu %7.1f %9.1f %11.1f %6.1f %9.1f %6.1f", s->name,
               (unsigned long long)s->expect.replies, (double)s->len / (1024.0 * 1024.0),
               h / items, (double)best[P_EVENTS] / items, ratio_events[si],
               (double)best[P_TREE] / items, h / (double)best[P_TREE]);
        if (s->is_commands)
            printf(" %12.1f %6.1f\n", (double)best[P_REQUEST] / items,
                   h / (double)best[P_REQUEST]);
        else
            printf(" %12s %6s\n", "-", "-");
        fflush(stdout);
    }

    for (int si = 0; si < NSTREAMS; si++)
        if (streams[si].passes > 1)
            printf("(%s: each timed run reads the stream %d times)\n", streams[si].name,
                   streams[si].passes);

    int worst = 0;
    for (int si = 1; si < NSTREAMS; si++)
        if (ratio_events[si] < ratio_events[worst]) worst = si;
    int set_ok = ratio_events[0] >= GOAL_SET_RATIO;
    int all_ok = ratio_events[worst] >= GOAL_ALL_RATIO;
    printf("\nSET-command stream: resp events %.1fx faster than hiredis (goal >= %.0fx): %s\n",
           ratio_events[0], GOAL_SET_RATIO, set_ok ? "met" : "MISSED");
    printf("every stream >= %.0fx (resp events vs hiredis): %s (worst: %s %.1fx)\n",
           GOAL_ALL_RATIO, all_ok ? "yes" : "no", streams[worst].name, ratio_events[worst]);
    if (quick) printf("(--quick: streams too small for the timings to mean much)\n");

    for (int si = 0; si < NSTREAMS; si++) free(streams[si].data);
    return check && !(set_ok && all_ok) ? 1 : 0;
}
