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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <resp/request.h>
#include <resp/writer.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct outcome {
    resp_buf log;       /* every command: argc, then length-prefixed args */
    size_t commands;
    resp_error error;
    uint64_t error_offset;
} outcome;

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "request_fuzz oracle failed: %s\n", what);
        abort();
    }
}

static void log_command(outcome *o, const resp_command *cmd) {
    resp_buf_append(&o->log, &cmd->argc, sizeof cmd->argc);
    for (size_t i = 0; i < cmd->argc; i++) {
        resp_buf_append(&o->log, &cmd->argv[i].len, sizeof cmd->argv[i].len);
        resp_buf_append(&o->log, cmd->argv[i].ptr, cmd->argv[i].len);
    }
    o->commands++;
}

static void reencode_roundtrip(const resp_command *cmd) {
    const char **argv = malloc(cmd->argc * sizeof *argv);
    size_t *lens = malloc(cmd->argc * sizeof *lens);
    check(argv != NULL && lens != NULL, "malloc");
    for (size_t i = 0; i < cmd->argc; i++) {
        argv[i] = cmd->argv[i].ptr;
        lens[i] = cmd->argv[i].len;
    }
    resp_buf wire;
    resp_buf_init(&wire, NULL);
    check(resp_write_command(&wire, cmd->argc, argv, lens) == RESP_OK, "encode");
    resp_request_parser p;
    resp_request_init(&p, NULL);
    size_t used;
    resp_command again;
    check(resp_request_parse(&p, wire.data, wire.len, &used, &again) == RESP_REQ_COMMAND,
          "re-encoded command parses");
    check(used == wire.len, "re-encoded command is consumed whole");
    check(again.argc == cmd->argc, "same argc after re-encoding");
    for (size_t i = 0; i < cmd->argc; i++)
        check(again.argv[i].len == lens[i] && memcmp(again.argv[i].ptr, argv[i], lens[i]) == 0,
              "same arguments after re-encoding");
    resp_request_free(&p);
    resp_buf_free(&wire);
    free(argv);
    free(lens);
}

/* Feeds the stream in chunks of sizes drawn from `plan` (0 = whole). */
static void run(const uint8_t *in, size_t len, unsigned plan, int strict, int roundtrip,
                outcome *o) {
    resp_request_options opts = {.strict = strict, .max_bulk_len = 1 << 20};
    resp_request_parser p;
    resp_request_init(&p, &opts);
    resp_buf_init(&o->log, NULL);
    o->commands = 0;
    o->error = RESP_OK;
    o->error_offset = 0;
    char *pending = malloc(len + 1);
    check(pending != NULL, "malloc");
    size_t npending = 0, fed = 0;
    uint32_t rng = plan * 2654435761u + 1;
    while (fed < len && o->error == RESP_OK) {
        size_t chunk = len - fed;
        if (plan != 0) {
            rng = rng * 1103515245u + 12345u;
            size_t max = (plan & 7) == 0 ? 1 : (size_t)1 << (plan & 7);
            chunk = 1 + (rng >> 16) % max;
            if (chunk > len - fed) chunk = len - fed;
        }
        memcpy(pending + npending, in + fed, chunk);
        npending += chunk;
        fed += chunk;
        for (;;) {
            size_t used;
            resp_command cmd;
            resp_request_status st = resp_request_parse(&p, pending, npending, &used, &cmd);
            check(used <= npending, "consumed within the buffer");
            if (st == RESP_REQ_COMMAND) {
                check(cmd.argc > 0, "no empty command is returned");
                log_command(o, &cmd);
                if (roundtrip) reencode_roundtrip(&cmd);
            } else if (st == RESP_REQ_ERROR) {
                o->error = resp_request_error(&p);
                o->error_offset = resp_request_error_offset(&p);
                check(o->error != RESP_OK, "an error has a code");
            }
            memmove(pending, pending + used, npending - used);
            npending -= used;
            if (st != RESP_REQ_COMMAND) break;
        }
    }
    free(pending);
    resp_request_free(&p);
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

    outcome whole, chunked, strict_whole, strict_chunked;
    run(in, len, 0, 0, 1, &whole);
    run(in, len, plan, 0, 0, &chunked);
    run(in, len, 0, 1, 0, &strict_whole);
    run(in, len, plan, 1, 0, &strict_chunked);

    if (len <= 65536) check(same(&whole, &chunked), "chunked parse equals whole parse");
    check(same(&strict_whole, &strict_chunked), "strict: chunked parse equals whole parse");

    /* Strict accepts a prefix of what lenient accepts. */
    check(strict_whole.commands <= whole.commands, "strict accepts no more commands");
    check(strict_whole.log.len <= whole.log.len &&
              (strict_whole.log.len == 0 ||
               memcmp(strict_whole.log.data, whole.log.data, strict_whole.log.len) == 0),
          "strict commands are a prefix of lenient ones");
    if (whole.error != RESP_OK) check(strict_whole.error != RESP_OK, "strict fails where lenient fails");

    resp_buf_free(&whole.log);
    resp_buf_free(&chunked.log);
    resp_buf_free(&strict_whole.log);
    resp_buf_free(&strict_chunked.log);
    return 0;
}
