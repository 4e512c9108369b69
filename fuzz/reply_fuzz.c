/* fuzz/reply_fuzz.c - the reply parser, its tree builder and the writer.
 *
 * The first input byte picks a chunking plan and the limits; the rest is
 * the stream.  Oracles:
 *  - chunked parse == whole parse: the same events (payload bytes
 *    included), the same verdict, the same error at the same offset;
 *  - the tree reader agrees with the event parser: same number of
 *    replies, same verdict and error offset;
 *  - writer round trip: each tree written as RESP3 parses back to an
 *    equal tree, consuming exactly the written bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <resp/reply.h>
#include <resp/value.h>
#include <resp/writer.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "reply_fuzz oracle failed: %s\n", what);
        abort();
    }
}

typedef struct outcome {
    resp_buf log;
    size_t replies;
    resp_error error;
    uint64_t error_offset;
} outcome;

static resp_error log_event(void *ud, const resp_event *ev) {
    resp_buf *log = ud;
    long long fields[6] = {ev->kind, ev->type, ev->depth, ev->streamed, ev->null_kind,
                           ev->integer};
    resp_buf_append(log, fields, sizeof fields);
    resp_buf_append(log, &ev->offset, sizeof ev->offset);
    resp_buf_append(log, &ev->data.len, sizeof ev->data.len);
    resp_buf_append(log, ev->data.ptr, ev->data.len);
    return RESP_OK;
}

/* Chunk sizes drawn from the plan; 0 = the whole input at once. */
static size_t next_chunk(unsigned plan, uint32_t *rng, size_t left) {
    if (plan == 0) return left;
    *rng = *rng * 1103515245u + 12345u;
    size_t max = (size_t)1 << (plan & 7);
    size_t c = 1 + (*rng >> 16) % max;
    return c < left ? c : left;
}

/* Parsed back with default limits: merging consecutive attributes can
 * make one larger than the small limits the input was read with. */
static void roundtrip(const resp_value *v) {
    resp_buf wire;
    resp_buf_init(&wire, NULL);
    check(resp_write_value(&wire, 3, v) == RESP_OK, "a parsed tree can be written");
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used = 0;
    resp_value *again = NULL;
    check(resp_reader_parse(&r, wire.data, wire.len, &used, &again) == RESP_REPLY_COMPLETE,
          "a written tree parses");
    check(used == wire.len, "a written tree is consumed exactly");
    check(resp_value_equal(v, again), "write then parse gives an equal tree");
    resp_value_free(again, NULL);
    resp_reader_free(&r);
    resp_buf_free(&wire);
}

static void run_events(const uint8_t *in, size_t len, unsigned plan,
                       const resp_reply_options *opts, outcome *o) {
    resp_reply_parser p;
    resp_reply_init(&p, opts);
    resp_buf_init(&o->log, NULL);
    o->replies = 0;
    o->error = RESP_OK;
    char *pending = malloc(len + 1);
    check(pending != NULL, "malloc");
    size_t npending = 0, fed = 0;
    uint32_t rng = plan + 1;
    while (fed < len && o->error == RESP_OK) {
        size_t chunk = next_chunk(plan, &rng, len - fed);
        memcpy(pending + npending, in + fed, chunk);
        npending += chunk;
        fed += chunk;
        for (;;) {
            size_t used;
            resp_reply_status st = resp_reply_parse(&p, pending, npending, &used, log_event, &o->log);
            check(used <= npending, "consumed within the buffer");
            memmove(pending, pending + used, npending - used);
            npending -= used;
            if (st == RESP_REPLY_COMPLETE) {
                o->replies++;
                continue;
            }
            if (st == RESP_REPLY_ERROR) {
                o->error = resp_reply_error(&p);
                o->error_offset = resp_reply_error_offset(&p);
            }
            break;
        }
    }
    free(pending);
}

static void run_tree(const uint8_t *in, size_t len, unsigned plan,
                     const resp_reply_options *opts, outcome *o) {
    resp_reader r;
    resp_reader_init(&r, opts, NULL);
    o->replies = 0;
    o->error = RESP_OK;
    char *pending = malloc(len + 1);
    check(pending != NULL, "malloc");
    size_t npending = 0, fed = 0;
    uint32_t rng = plan + 7;
    while (fed < len && o->error == RESP_OK) {
        size_t chunk = next_chunk(plan, &rng, len - fed);
        memcpy(pending + npending, in + fed, chunk);
        npending += chunk;
        fed += chunk;
        for (;;) {
            size_t used;
            resp_value *v = NULL;
            resp_reply_status st = resp_reader_parse(&r, pending, npending, &used, &v);
            memmove(pending, pending + used, npending - used);
            npending -= used;
            if (st == RESP_REPLY_COMPLETE) {
                check(v != NULL, "a complete reply has a tree");
                roundtrip(v);
                resp_value_free(v, NULL);
                o->replies++;
                continue;
            }
            if (st == RESP_REPLY_ERROR) {
                o->error = resp_reader_error(&r);
                o->error_offset = resp_reply_error_offset(&r.parser);
            }
            break;
        }
    }
    free(pending);
    resp_reader_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    unsigned plan = data[0];
    /* Small limits half the time, so the limit paths are reached. */
    resp_reply_options opts = {0};
    if (plan & 0x80) {
        opts.max_bulk_len = 64;
        opts.max_elements = 16;
        opts.max_depth = 4;
    }
    const uint8_t *in = data + 1;
    size_t len = size - 1;

    outcome whole, chunked, tree;
    run_events(in, len, 0, &opts, &whole);
    run_events(in, len, plan & 0x7f, &opts, &chunked);
    check(whole.replies == chunked.replies, "chunked: same number of replies");
    check(whole.error == chunked.error, "chunked: same verdict");
    check(whole.error == RESP_OK || whole.error_offset == chunked.error_offset,
          "chunked: same error offset");
    check(whole.log.len == chunked.log.len &&
              (whole.log.len == 0 || memcmp(whole.log.data, chunked.log.data, whole.log.len) == 0),
          "chunked: same events");

    run_tree(in, len, plan & 0x7f, &opts, &tree);
    check(tree.replies == whole.replies, "tree reader: same number of replies");
    check(tree.error == whole.error, "tree reader: same verdict");
    check(whole.error == RESP_OK || tree.error_offset == whole.error_offset,
          "tree reader: same error offset");

    resp_buf_free(&whole.log);
    resp_buf_free(&chunked.log);
    return 0;
}
