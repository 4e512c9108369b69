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
#include <string.h>

#include <resp/reply.h>
#include <resp/value.h>
#include <resp/writer.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

/* Parsed back with default limits: merging consecutive attributes can
 * make one larger than the small limits the input was read with. */
static void roundtrip(const resp_value *v) {
    resp_buf wire;
    resp_buf_init(&wire, NULL);
    fuzz_check(resp_write_value(&wire, 3, v) == RESP_OK, "a parsed tree can be written");
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used = 0;
    resp_value *again = NULL;
    fuzz_check(resp_reader_parse(&r, wire.data, wire.len, &used, &again) == RESP_REPLY_COMPLETE,
               "a written tree parses");
    fuzz_check(used == wire.len, "a written tree is consumed exactly");
    fuzz_check(resp_value_equal(v, again), "write then parse gives an equal tree");
    resp_value_free(again, NULL);
    resp_reader_free(&r);
    resp_buf_free(&wire);
}

typedef struct events_run {
    resp_reply_parser parser;
    outcome *o;
} events_run;

static fuzz_step events_step(void *ud, const char *buf, size_t len, size_t *used) {
    events_run *er = ud;
    resp_reply_status st = resp_reply_parse(&er->parser, buf, len, used, log_event, &er->o->log);
    if (st == RESP_REPLY_COMPLETE) {
        er->o->replies++;
        return FUZZ_MORE;
    }
    if (st != RESP_REPLY_ERROR) return FUZZ_WAIT;
    er->o->error = resp_reply_error(&er->parser);
    er->o->error_offset = resp_reply_error_offset(&er->parser);
    return FUZZ_STOP;
}

static void run_events(const uint8_t *in, size_t len, unsigned plan,
                       const resp_reply_options *opts, outcome *o) {
    events_run er = {.o = o};
    resp_reply_init(&er.parser, opts);
    resp_buf_init(&o->log, NULL);
    o->replies = 0;
    o->error = RESP_OK;
    fuzz_feed(in, len, plan, plan + 1, events_step, &er);
}

typedef struct tree_run {
    resp_reader reader;
    outcome *o;
} tree_run;

static fuzz_step tree_step(void *ud, const char *buf, size_t len, size_t *used) {
    tree_run *tr = ud;
    resp_value *v = NULL;
    resp_reply_status st = resp_reader_parse(&tr->reader, buf, len, used, &v);
    if (st == RESP_REPLY_COMPLETE) {
        fuzz_check(v != NULL, "a complete reply has a tree");
        roundtrip(v);
        resp_value_free(v, NULL);
        tr->o->replies++;
        return FUZZ_MORE;
    }
    if (st != RESP_REPLY_ERROR) return FUZZ_WAIT;
    tr->o->error = resp_reader_error(&tr->reader);
    tr->o->error_offset = resp_reply_error_offset(&tr->reader.parser);
    return FUZZ_STOP;
}

static void run_tree(const uint8_t *in, size_t len, unsigned plan,
                     const resp_reply_options *opts, outcome *o) {
    tree_run tr = {.o = o};
    resp_reader_init(&tr.reader, opts, NULL);
    o->replies = 0;
    o->error = RESP_OK;
    fuzz_feed(in, len, plan, plan + 7, tree_step, &tr);
    resp_reader_free(&tr.reader);
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
    fuzz_check(whole.replies == chunked.replies, "chunked: same number of replies");
    fuzz_check(whole.error == chunked.error, "chunked: same verdict");
    fuzz_check(whole.error == RESP_OK || whole.error_offset == chunked.error_offset,
               "chunked: same error offset");
    fuzz_check(whole.log.len == chunked.log.len &&
                   (whole.log.len == 0 ||
                    memcmp(whole.log.data, chunked.log.data, whole.log.len) == 0),
               "chunked: same events");

    run_tree(in, len, plan & 0x7f, &opts, &tree);
    fuzz_check(tree.replies == whole.replies, "tree reader: same number of replies");
    fuzz_check(tree.error == whole.error, "tree reader: same verdict");
    fuzz_check(whole.error == RESP_OK || tree.error_offset == whole.error_offset,
               "tree reader: same error offset");

    resp_buf_free(&whole.log);
    resp_buf_free(&chunked.log);
    return 0;
}
