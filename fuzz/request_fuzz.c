/* fuzz/request_fuzz.c - the request parser.
 *
 * The first input byte picks a chunking plan; the rest is the stream.
 * Oracles:
 *  - chunked parse == whole parse (commands, error, error offset), for
 *    streams of at most 64 KiB: beyond that Redis's own line limit depends
 *    on how bytes arrive, and only strict mode must agree;
 *  - strict mode never accepts what lenient mode rejects: its commands
 *    are a prefix of lenient's, and where lenient fails, strict fails;
 *  - every command, re-encoded as multibulk and parsed again, is the same
 *    command. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <resp/request.h>
#include <resp/writer.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct outcome {
    resp_buf log;       /* every command: argc, then length-prefixed args */
    size_t commands;
    resp_error error;
    uint64_t error_offset;
} outcome;

static void log_command(outcome *o, const resp_command *cmd) {
    resp_buf_append(&o->log, &cmd->argc, sizeof cmd->argc);
    for (size_t i = 0; i < cmd->argc; i++) {
        resp_buf_append(&o->log, &cmd->argv[i].len, sizeof cmd->argv[i].len);
        resp_buf_append(&o->log, cmd->argv[i].ptr, cmd->argv[i].len);
    }
    o->commands++;
}

/* Buffers kept across inputs: the target runs millions of small inputs,
 * and allocating per input would dominate the time spent parsing. */
static const char **rt_argv;
static size_t *rt_lens;
static size_t rt_cap;
static resp_buf rt_wire;

static void reencode_roundtrip(const resp_command *cmd) {
    if (cmd->argc > rt_cap) {
        rt_cap = cmd->argc * 2;
        rt_argv = realloc(rt_argv, rt_cap * sizeof *rt_argv);
        rt_lens = realloc(rt_lens, rt_cap * sizeof *rt_lens);
        fuzz_check(rt_argv != NULL && rt_lens != NULL, "malloc");
    }
    for (size_t i = 0; i < cmd->argc; i++) {
        rt_argv[i] = cmd->argv[i].ptr;
        rt_lens[i] = cmd->argv[i].len;
    }
    resp_buf_clear(&rt_wire);
    fuzz_check(resp_write_command(&rt_wire, cmd->argc, rt_argv, rt_lens) == RESP_OK, "encode");
    static resp_request_parser p;
    static int p_ready;
    if (!p_ready) resp_request_init(&p, NULL);
    p_ready = 1;
    resp_request_reset(&p);
    size_t used;
    resp_command again;
    fuzz_check(resp_request_parse(&p, rt_wire.data, rt_wire.len, &used, &again) == RESP_REQ_COMMAND,
               "re-encoded command parses");
    fuzz_check(used == rt_wire.len, "re-encoded command is consumed whole");
    fuzz_check(again.argc == cmd->argc, "same argc after re-encoding");
    for (size_t i = 0; i < cmd->argc; i++)
        fuzz_check(again.argv[i].len == rt_lens[i] &&
                       memcmp(again.argv[i].ptr, rt_argv[i], rt_lens[i]) == 0,
                   "same arguments after re-encoding");
}

typedef struct run_state {
    resp_request_parser *parser;
    int roundtrip;
    outcome *o;
} run_state;

static fuzz_step parse_step(void *ud, const char *buf, size_t len, size_t *used) {
    run_state *rs = ud;
    resp_command cmd;
    resp_request_status st = resp_request_parse(rs->parser, buf, len, used, &cmd);
    if (st == RESP_REQ_COMMAND) {
        fuzz_check(cmd.argc > 0, "no empty command is returned");
        log_command(rs->o, &cmd);
        if (rs->roundtrip) reencode_roundtrip(&cmd);
        return FUZZ_MORE;
    }
    if (st != RESP_REQ_ERROR) return FUZZ_WAIT;
    rs->o->error = resp_request_error(rs->parser);
    rs->o->error_offset = resp_request_error_offset(rs->parser);
    fuzz_check(rs->o->error != RESP_OK, "an error has a code");
    return FUZZ_STOP;
}

/* Feeds the stream in chunks of sizes drawn from `plan` (0 = whole). */
static void run(const uint8_t *in, size_t len, unsigned plan, int strict, int roundtrip,
                outcome *o) {
    /* One parser per mode, reset for each run: reset forgets everything
     * but the options and the argument storage. */
    static resp_request_parser parsers[2];
    static int ready[2];
    if (!ready[strict]) {
        resp_request_options opts = {.strict = strict, .max_bulk_len = 1 << 20};
        resp_request_init(&parsers[strict], &opts);
        ready[strict] = 1;
    }
    resp_request_reset(&parsers[strict]);
    resp_buf_clear(&o->log);
    o->commands = 0;
    o->error = RESP_OK;
    o->error_offset = 0;
    run_state rs = {&parsers[strict], roundtrip, o};
    fuzz_feed(in, len, plan, plan * 2654435761u + 1, parse_step, &rs);
}

static int same(const outcome *a, const outcome *b) {
    return a->commands == b->commands && a->log.len == b->log.len &&
           (a->log.len == 0 || memcmp(a->log.data, b->log.data, a->log.len) == 0) &&
           a->error == b->error && a->error_offset == b->error_offset;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    unsigned plan = data[0];
    const uint8_t *in = data + 1;
    size_t len = size - 1;

    /* Outcome logs are reused from input to input (see above). */
    static outcome whole, chunked, strict_whole, strict_chunked;
    run(in, len, 0, 0, 1, &whole);
    run(in, len, plan, 0, 0, &chunked);
    run(in, len, 0, 1, 0, &strict_whole);
    run(in, len, plan, 1, 0, &strict_chunked);

    if (len <= 65536) fuzz_check(same(&whole, &chunked), "chunked parse equals whole parse");
    fuzz_check(same(&strict_whole, &strict_chunked), "strict: chunked parse equals whole parse");

    /* Strict accepts a prefix of what lenient accepts. */
    fuzz_check(strict_whole.commands <= whole.commands, "strict accepts no more commands");
    fuzz_check(strict_whole.log.len <= whole.log.len &&
                   (strict_whole.log.len == 0 ||
                    memcmp(strict_whole.log.data, whole.log.data, strict_whole.log.len) == 0),
               "strict commands are a prefix of lenient ones");
    if (whole.error != RESP_OK)
        fuzz_check(strict_whole.error != RESP_OK, "strict fails where lenient fails");

    return 0;
}
