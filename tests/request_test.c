/* tests/request_test.c - the request parser.
 *
 * Every framing test goes through check_all_chunkings(): the input is fed
 * whole, one byte at a time and split at every position, always from a
 * buffer that ends right before an unreadable page, and the transcripts
 * must agree.  Expected error texts are the ones Redis 7.0.15 replies
 * with (each was sent to a live redis-server). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <resp/printer.h>
#include <resp/request.h>

#include "testutil.h"

typedef struct driver {
    resp_request_options opts;
} driver;

static void print_command(resp_buf *out, const resp_command *cmd) {
    bufprintf(out, "%s", cmd->is_inline ? "inline" : "multibulk");
    for (size_t i = 0; i < cmd->argc; i++) {
        resp_buf_append(out, " ", 1);
        resp_print_quoted(out, cmd->argv[i].ptr, cmd->argv[i].len);
    }
    resp_buf_append(out, "\n", 1);
}

static void print_parse_error(resp_buf *out, const resp_request_parser *p) {
    char text[128];
    resp_request_format_error(p, text, sizeof text);
    bufprintf(out, "error %s @%llu: %s\n", resp_error_name(resp_request_error(p)),
              (unsigned long long)resp_request_error_offset(p), text);
}

/* A connection's read loop: append a chunk, parse every complete command,
 * keep what is left. */
static void request_transcript(void *ctx, const char *in, size_t len, const size_t *cuts,
                               size_t ncuts, resp_buf *out) {
    driver *d = ctx;
    resp_request_parser p;
    resp_request_init(&p, &d->opts);
    char *pending = malloc(len + 1);
    assert_non_null(pending);
    size_t npending = 0, fed = 0;
    int stopped = 0;
    for (size_t c = 0; c <= ncuts && !stopped; c++) {
        size_t end = c < ncuts ? cuts[c] : len;
        memcpy(pending + npending, in + fed, end - fed);
        npending += end - fed;
        fed = end;
        for (;;) {
            const char *g = guard_place(pending, npending);
            size_t used = 99999;
            resp_command cmd;
            resp_request_status st = resp_request_parse(&p, g, npending, &used, &cmd);
            assert_true(used <= npending);
            if (st == RESP_REQ_COMMAND) print_command(out, &cmd);
            memmove(pending, pending + used, npending - used);
            npending -= used;
            if (st == RESP_REQ_ERROR) {
                print_parse_error(out, &p);
                stopped = 1;
            }
            if (st != RESP_REQ_COMMAND) break;
        }
    }
    if (!stopped && npending > 0) bufprintf(out, "incomplete, %zu bytes kept\n", npending);
    /* A parser that failed stays failed. */
    if (stopped) {
        size_t used = 1;
        resp_command cmd;
        assert_int_equal(resp_request_parse(&p, "PING\r\n", 6, &used, &cmd), RESP_REQ_ERROR);
        assert_int_equal(used, 0);
    }
    free(pending);
    resp_request_free(&p);
}

static void expect_opts(const resp_request_options *opts, const char *in, size_t len,
                        const char *want) {
    driver d = {0};
    if (opts != NULL) d.opts = *opts;
    char *got = check_all_chunkings(request_transcript, &d, in, len);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "want:\n%sgot:\n%s", want, got);
        free(got);
        fail_msg("transcript differs");
    }
    free(got);
}

#define EXPECT(in, want) expect_opts(NULL, in, sizeof(in) - 1, want)
#define EXPECT_STRICT(in, want) \
    expect_opts(&(resp_request_options){.strict = 1}, in, sizeof(in) - 1, want)

/* ---- framing ---- */

static void test_multibulk(void **state) {
    (void)state;
    EXPECT("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n",
           "multibulk \"SET\" \"k\" \"value\"\n");
    EXPECT("*1\r\n$0\r\n\r\n", "multibulk \"\"\n");
    EXPECT("*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n", "multibulk \"ECHO\" \"a\\r\\nb\"\n");
    EXPECT("*2\r\n$4\r\nECHO\r\n$3\r\n\0\1\377\r\n", "multibulk \"ECHO\" \"\\x00\\x01\\xff\"\n");
}

static void test_mixed_forms_and_pipelining(void **state) {
    (void)state;
    EXPECT("PING\r\n*1\r\n$4\r\nPING\r\nPING\n",
           "inline \"PING\"\nmultibulk \"PING\"\ninline \"PING\"\n");
    EXPECT("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\n",
           "multibulk \"PING\"\nincomplete, 17 bytes kept\n");
}

static void test_empty_commands(void **state) {
    (void)state;
    EXPECT("\r\n", "");
    EXPECT("\n\n\n", "");
    EXPECT("   \r\n", "");
    EXPECT("*0\r\n", "");
    EXPECT("*-10\r\n", "");
    EXPECT("*-1\r\nPING\r\n", "inline \"PING\"\n");
    EXPECT("\r\n*0\r\n \t\n*1\r\n$4\r\nPING\r\n", "multibulk \"PING\"\n");
}

static void test_inline_splitting(void **state) {
    (void)state;
    EXPECT("SET  k\tv \r\n", "inline \"SET\" \"k\" \"v\"\n");
    EXPECT("ECHO \"a b\"\r\n", "inline \"ECHO\" \"a b\"\n");
    EXPECT("ECHO ab\"c d\"\r\n", "inline \"ECHO\" \"abc d\"\n");
    EXPECT("ECHO \"\"\r\n", "inline \"ECHO\" \"\"\n");
    EXPECT("ECHO ''\n", "inline \"ECHO\" \"\"\n");
    EXPECT("ECHO \"\\x41\\x4g\\q\"\r\n", "inline \"ECHO\" \"Ax4gq\"\n");
    EXPECT("ECHO \"\\n\\r\\t\\b\\a\\\\\\\"\"\r\n", "inline \"ECHO\" \"\\n\\r\\t\\b\\a\\\\\\\"\"\n");
    EXPECT("ECHO 'a\\'b' 'c\\d'\r\n", "inline \"ECHO\" \"a'b\" \"c\\\\d\"\n");
    /* \v and \f separate tokens only between them, not inside one. */
    EXPECT("ECHO a\vb\r\n", "inline \"ECHO\" \"a\\x0bb\"\n");
    EXPECT("\v\fECHO \"x\"\v\r\n", "inline \"ECHO\" \"x\"\n");
    /* One CR before the LF is dropped; another one separates. */
    EXPECT("PING\r\r\n", "inline \"PING\"\n");
    EXPECT("PING\rx\n", "inline \"PING\" \"x\"\n");
    EXPECT("ECHO \"\\xff\\x00\"\n", "inline \"ECHO\" \"\\xff\\x00\"\n");
    EXPECT("A \"b\" c 'd' \"e\"\n", "inline \"A\" \"b\" \"c\" \"d\" \"e\"\n");
}

static void test_inline_unbalanced_quotes(void **state) {
    (void)state;
    static const char want[] =
        "error RESP_EUNBALANCED_QUOTES @0: ERR Protocol error: unbalanced quotes in request\n";
    EXPECT("a\"b c\"d\r\n", want);
    EXPECT("ECHO \"a\"b\r\n", want);
    EXPECT("ECHO 'it''s'\r\n", want);
    EXPECT("\"\\x\r\n", want);
    EXPECT("ECHO \"abc\r\n", want);
    EXPECT("ECHO 'abc\n", want);
    EXPECT("ECHO \"a\\\"\n", want);
    EXPECT("set \"\"\"test-key\"\"\" test-value\r\nping\r\n", want);
    /* Commands before the bad one still come out. */
    EXPECT("PING\r\nECHO \"x\r\nPING\r\n",
           "inline \"PING\"\n"
           "error RESP_EUNBALANCED_QUOTES @6: ERR Protocol error: unbalanced quotes in request\n");
}

static void test_multibulk_count(void **state) {
    (void)state;
    static const char bad[] =
        "error RESP_EMBULK_LEN @0: ERR Protocol error: invalid multibulk length\n";
    EXPECT("*01\r\n", bad);
    EXPECT("*+1\r\n", bad);
    EXPECT("*-0\r\n", bad);
    EXPECT("*\r\n", bad);
    EXPECT("* 1\r\n", bad);
    EXPECT("*1 \r\n", bad);
    EXPECT("*1x\r\n", bad);
    EXPECT("*3000000000\r\n", bad);
    EXPECT("*2147483648\r\n", bad);
    EXPECT("*123456789012345678901\r\n", bad);
    /* A bare LF does not end the count line: the text runs to the CR. */
    EXPECT("*1\n\r\n", bad);
    EXPECT("*2147483647\r\n", "incomplete, 13 bytes kept\n");
    /* The byte after the count line's CR is not looked at. */
    EXPECT("*1\rx$4\rxPINGxxPING\n", "multibulk \"PING\"\ninline \"PING\"\n");
    /* Without the byte after the CR the line is not complete yet. */
    EXPECT("*1\r", "incomplete, 3 bytes kept\n");
}

static void test_bulk_header(void **state) {
    (void)state;
    static const char bad[] = "ERR Protocol error: invalid bulk length\n";
    static const char prefix[] = "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n";
    char in[128], want[256];
    static const char *const cases[] = {"$-10\r\n", "$2000000000\r\n", "$blabla\r\n", "$-1\r\n",
                                        "$-0\r\n",  "$04\r\n",         "$\r\n",       "$+1\r\n",
                                        "$1 \r\n", "$18446744073709551617\r\n",
                                        "$9223372036854775808\r\n"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = snprintf(in, sizeof in, "%s%s", prefix, cases[i]);
        snprintf(want, sizeof want, "error RESP_EBULK_LEN @%zu: %s", sizeof prefix - 1, bad);
        expect_opts(NULL, in, (size_t)n, want);
    }
    EXPECT("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
           "error RESP_EEXPECTED_DOLLAR @20: ERR Protocol error: expected '$', got 'f'\n");
    EXPECT("*1\r\nfoo\r\n",
           "error RESP_EEXPECTED_DOLLAR @4: ERR Protocol error: expected '$', got 'f'\n");
    /* CR and LF are shown as spaces, other bytes as they are. */
    EXPECT("*1\r\n\r\r\n",
           "error RESP_EEXPECTED_DOLLAR @4: ERR Protocol error: expected '$', got ' '\n");
    EXPECT("*1\r\n\n\r\n",
           "error RESP_EEXPECTED_DOLLAR @4: ERR Protocol error: expected '$', got ' '\n");
    /* Redis checks for '$' only once the line's CR has arrived. */
    EXPECT("*1\r\nfoo", "incomplete, 7 bytes kept\n");
    /* The two bytes after a payload are not checked. */
    EXPECT("*1\r\n$4\r\nPINGxxPING\r\n", "multibulk \"PING\"\ninline \"PING\"\n");
    EXPECT("*1\r\n$3\r\nfooxxPING\r\n", "multibulk \"foo\"\ninline \"PING\"\n");
}

static void test_max_bulk_len_option(void **state) {
    (void)state;
    resp_request_options o = {.max_bulk_len = 5};
    static const char ok[] = "*1\r\n$5\r\nhello\r\n";
    static const char big[] = "*1\r\n$6\r\nhello!\r\n";
    expect_opts(&o, ok, sizeof ok - 1, "multibulk \"hello\"\n");
    expect_opts(&o, big, sizeof big - 1,
                "error RESP_EBULK_LEN @4: ERR Protocol error: invalid bulk length\n");
    /* The default is Redis's 512 MiB. */
    EXPECT("*1\r\n$536870912\r\n", "incomplete, 16 bytes kept\n");
    EXPECT("*1\r\n$536870913\r\n",
           "error RESP_EBULK_LEN @4: ERR Protocol error: invalid bulk length\n");
}

static void test_unauthenticated_limits(void **state) {
    (void)state;
    resp_request_options o = {.require_auth = 1};
    static const char count_ok[] = "*10\r\n";
    static const char count_bad[] = "*11\r\n";
    static const char bulk_ok[] = "*1\r\n$16384\r\n";
    static const char bulk_bad[] = "*1\r\n$16385\r\n";
    expect_opts(&o, count_ok, sizeof count_ok - 1, "incomplete, 5 bytes kept\n");
    expect_opts(&o, count_bad, sizeof count_bad - 1,
                "error RESP_EUNAUTH_MBULK_LEN @0: ERR Protocol error: unauthenticated "
                "multibulk length\n");
    expect_opts(&o, bulk_ok, sizeof bulk_ok - 1, "incomplete, 12 bytes kept\n");
    expect_opts(&o, bulk_bad, sizeof bulk_bad - 1,
                "error RESP_EUNAUTH_BULK_LEN @4: ERR Protocol error: unauthenticated bulk "
                "length\n");
    /* Invalid lengths are reported as such first. */
    static const char both[] = "*3000000000\r\n";
    expect_opts(&o, both, sizeof both - 1,
                "error RESP_EMBULK_LEN @0: ERR Protocol error: invalid multibulk length\n");

    /* After AUTH the limits no longer apply. */
    resp_request_parser p;
    resp_request_init(&p, &o);
    resp_request_set_require_auth(&p, 0);
    size_t used;
    resp_command cmd;
    assert_int_equal(resp_request_parse(&p, count_bad, sizeof count_bad - 1, &used, &cmd),
                     RESP_REQ_INCOMPLETE);
    resp_request_free(&p);
}

/* Builds `prefix` followed by `fill` repeated up to `total` bytes. */
static char *filled(const char *prefix, char fill, size_t total) {
    char *s = malloc(total);
    assert_non_null(s);
    size_t n = strlen(prefix);
    memcpy(s, prefix, n);
    memset(s + n, fill, total - n);
    return s;
}

/* Long inputs are too slow for every split position; they are fed whole
 * and byte by byte. */
static void expect_long(const resp_request_options *opts, const char *in, size_t len,
                        const char *want) {
    driver d = {0};
    if (opts != NULL) d.opts = *opts;
    size_t *cuts = malloc(len * sizeof *cuts);
    assert_non_null(cuts);
    for (size_t i = 1; i < len; i++) cuts[i - 1] = i;
    size_t plans[3] = {0, len - 1, 2};
    size_t two[2] = {len / 3, 2 * len / 3};
    for (int k = 0; k < 3; k++) {
        resp_buf out;
        resp_buf_init(&out, NULL);
        request_transcript(&d, in, len, k == 2 ? two : cuts, plans[k], &out);
        resp_buf_append(&out, "", 1);
        if (strcmp(out.data, want) != 0) {
            fprintf(stderr, "plan %d: want:\n%sgot:\n%s", k, want, out.data);
            fail_msg("transcript differs");
        }
        resp_buf_free(&out);
    }
    free(cuts);
}

static void test_line_limits(void **state) {
    (void)state;
    /* 64 KiB buffered without a line end is still allowed; one more byte
     * is not.  Redis's own desync regression inputs, then filler. */
    char *s = filled("PING ", 'a', RESP_INLINE_MAX);
    expect_long(NULL, s, RESP_INLINE_MAX, "incomplete, 65536 bytes kept\n");
    free(s);
    s = filled("\0", 'Y', RESP_INLINE_MAX + 1);
    expect_long(NULL, s, RESP_INLINE_MAX + 1,
                "error RESP_EINLINE_TOO_BIG @65536: ERR Protocol error: too big inline request\n");
    free(s);
    s = filled("$\0", 'Y', RESP_INLINE_MAX + 1);
    expect_long(NULL, s, RESP_INLINE_MAX + 1,
                "error RESP_EINLINE_TOO_BIG @65536: ERR Protocol error: too big inline request\n");
    free(s);
    s = filled("*\0", 'Y', RESP_INLINE_MAX + 1);
    expect_long(NULL, s, RESP_INLINE_MAX + 1,
                "error RESP_EMBULK_COUNT_TOO_BIG @65536: ERR Protocol error: too big mbulk "
                "count string\n");
    free(s);
    s = filled("*1\r\n\0", 'Y', RESP_INLINE_MAX + 5);
    expect_long(NULL, s, RESP_INLINE_MAX + 5,
                "error RESP_EBULK_COUNT_TOO_BIG @65540: ERR Protocol error: too big bulk "
                "count string\n");
    free(s);
    s = filled("*1\r\n$", '1', RESP_INLINE_MAX + 5);
    expect_long(NULL, s, RESP_INLINE_MAX + 5,
                "error RESP_EBULK_COUNT_TOO_BIG @65540: ERR Protocol error: too big bulk "
                "count string\n");
    free(s);
}

static void test_long_line_in_one_read(void **state) {
    (void)state;
    /* Redis runs a line longer than 64 KiB when it arrives in one read
     * (the limit is on what is buffered without a line end); strict mode
     * applies the limit whatever the chunking. */
    size_t n = 70000;
    char *s = filled("ECHO ", 'a', n);
    s[n - 2] = '\r';
    s[n - 1] = '\n';
    resp_request_parser p;
    size_t used;
    resp_command cmd;
    resp_request_init(&p, NULL);
    assert_int_equal(resp_request_parse(&p, s, n, &used, &cmd), RESP_REQ_COMMAND);
    assert_int_equal(used, n);
    assert_int_equal(cmd.argc, 2);
    assert_int_equal(cmd.argv[1].len, n - 7);
    resp_request_free(&p);

    resp_request_options strict = {.strict = 1};
    expect_long(&strict, s, n,
                "error RESP_EINLINE_TOO_BIG @65536: ERR Protocol error: too big inline request\n");
    free(s);
}

static void test_nul_blocks_lines(void **state) {
    (void)state;
    /* strchr stops at NUL: these lines never complete (until too big). */
    EXPECT("EC\0HO\r\n", "incomplete, 7 bytes kept\n");
    EXPECT("*1\r\n\0$3\r\nfoo\r\n", "incomplete, 14 bytes kept\n");
    EXPECT("*1\0\r\n", "incomplete, 5 bytes kept\n");
    EXPECT("*1\r\n$3\0\r\nfoo\r\n", "incomplete, 14 bytes kept\n");
    /* A NUL inside a bulk payload is data. */
    EXPECT("*1\r\n$3\r\n\0\0\0\r\n", "multibulk \"\\x00\\x00\\x00\"\n");
}

static void test_strict_mode(void **state) {
    (void)state;
    EXPECT_STRICT("*1\r\n$4\r\nPINGxx",
                  "error RESP_ESTRICT_BULK_END @12: ERR Protocol error: bulk payload not "
                  "followed by CRLF\n");
    EXPECT_STRICT("*1\rx$4\r\nPING\r\n",
                  "error RESP_ESTRICT_LINE_END @3: ERR Protocol error: CR not followed by LF in "
                  "a header line\n");
    EXPECT_STRICT("*1\r\n$4\rxPING\r\n",
                  "error RESP_ESTRICT_LINE_END @7: ERR Protocol error: CR not followed by LF in "
                  "a header line\n");
    EXPECT_STRICT("EC\0HO\r\n",
                  "error RESP_ESTRICT_NUL @2: ERR Protocol error: NUL byte in a request line\n");
    EXPECT_STRICT("*1\r\n\0$3\r\nfoo\r\n",
                  "error RESP_ESTRICT_NUL @4: ERR Protocol error: NUL byte in a request line\n");
    EXPECT_STRICT("*1\0\r\n",
                  "error RESP_ESTRICT_NUL @2: ERR Protocol error: NUL byte in a request line\n");
    /* What is valid stays valid. */
    EXPECT_STRICT("PING\r\n*1\r\n$4\r\nPING\r\nPING\n",
                  "inline \"PING\"\nmultibulk \"PING\"\ninline \"PING\"\n");
    /* Errors Redis itself reports are reported the same way. */
    EXPECT_STRICT("*1\r\nfoo\r\n",
                  "error RESP_EEXPECTED_DOLLAR @4: ERR Protocol error: expected '$', got 'f'\n");
}

static void test_sticky_error_and_reset(void **state) {
    (void)state;
    resp_request_parser p;
    resp_request_init(&p, NULL);
    size_t used;
    resp_command cmd;
    assert_int_equal(resp_request_parse(&p, "*x\r\n", 4, &used, &cmd), RESP_REQ_ERROR);
    assert_int_equal(resp_request_error(&p), RESP_EMBULK_LEN);
    assert_int_equal(resp_request_parse(&p, "PING\r\n", 6, &used, &cmd), RESP_REQ_ERROR);
    assert_int_equal(used, 0);
    resp_request_reset(&p);
    assert_int_equal(resp_request_error(&p), RESP_OK);
    assert_int_equal(resp_request_parse(&p, "PING\r\n", 6, &used, &cmd), RESP_REQ_COMMAND);
    assert_int_equal(cmd.argc, 1);
    resp_request_free(&p);
}

/* Progress through a command still arriving, at each prefix of it. */
static void expect_partial(const char *in, size_t len, size_t parsed, size_t args, long long bulk) {
    resp_request_parser p;
    resp_request_init(&p, NULL);
    size_t used;
    resp_command cmd;
    assert_int_equal(resp_request_parse(&p, in, len, &used, &cmd), RESP_REQ_INCOMPLETE);
    resp_request_progress r = resp_request_partial(&p);
    assert_int_equal(r.parsed, parsed);
    assert_int_equal(r.args, args);
    assert_int_equal(r.bulk, bulk);
    resp_request_free(&p);
}

static void test_partial_command_progress(void **state) {
    (void)state;
    expect_partial("*2\r\n$4\r\nECHO\r\n$5\r\nab", 20, 18, 4, 5);
    expect_partial("*2\r\n$4\r\nEC", 10, 8, 0, 4);
    expect_partial("*2\r\n$4\r\nECHO\r\n$", 15, 14, 4, -1);
    expect_partial("*2\r", 3, 0, 0, -1);
    expect_partial("PING", 4, 0, 0, -1);
    /* Between commands: nothing in progress. */
    resp_request_parser p;
    resp_request_init(&p, NULL);
    size_t used;
    resp_command cmd;
    assert_int_equal(resp_request_parse(&p, "*1\r\n$4\r\nPING\r\n", 14, &used, &cmd),
                     RESP_REQ_COMMAND);
    assert_int_equal(resp_request_parse(&p, "", 0, &used, &cmd), RESP_REQ_INCOMPLETE);
    resp_request_progress r = resp_request_partial(&p);
    assert_true(r.parsed == 0 && r.args == 0 && r.bulk == -1);
    resp_request_free(&p);
}

static void test_error_offsets_are_stream_offsets(void **state) {
    (void)state;
    /* Offsets count from the start of the stream, across calls. */
    EXPECT("PING\r\nPING\r\n*1\r\n$-5\r\n",
           "inline \"PING\"\ninline \"PING\"\n"
           "error RESP_EBULK_LEN @16: ERR Protocol error: invalid bulk length\n");
}

/* ---- memory ---- */

static void test_no_allocation_in_steady_state(void **state) {
    (void)state;
    static const char set[] = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
    static const char inl[] = "SET key \"quoted value\"\r\n";
    test_alloc ta;
    test_alloc_init(&ta);
    resp_request_options o = {.alloc = &ta.base};
    resp_request_parser p;
    resp_request_init(&p, &o);
    assert_int_equal(ta.calls, 0);
    size_t used;
    resp_command cmd;
    /* Warm up: the argument array and the inline scratch space. */
    assert_int_equal(resp_request_parse(&p, set, sizeof set - 1, &used, &cmd), RESP_REQ_COMMAND);
    assert_int_equal(resp_request_parse(&p, inl, sizeof inl - 1, &used, &cmd), RESP_REQ_COMMAND);
    long warm = ta.calls;
    for (int i = 0; i < 10000; i++) {
        const char *in = i % 2 ? set : inl;
        size_t n = i % 2 ? sizeof set - 1 : sizeof inl - 1;
        assert_int_equal(resp_request_parse(&p, in, n, &used, &cmd), RESP_REQ_COMMAND);
        assert_int_equal(cmd.argc, 3);
    }
    assert_int_equal(ta.calls, warm);
    resp_request_free(&p);
    assert_int_equal(ta.live, 0);
}

static void test_never_preallocates_by_declared_size(void **state) {
    (void)state;
    /* CVE-2021-32675: headers alone must not make the parser allocate. */
    test_alloc ta;
    test_alloc_init(&ta);
    resp_request_options o = {.alloc = &ta.base};
    resp_request_parser p;
    resp_request_init(&p, &o);
    size_t used;
    resp_command cmd;
    static const char hdr[] = "*2147483647\r\n$536870912\r\n";
    assert_int_equal(resp_request_parse(&p, hdr, sizeof hdr - 1, &used, &cmd),
                     RESP_REQ_INCOMPLETE);
    assert_int_equal(ta.calls, 0);
    /* Arguments that do arrive are stored in a small, growing array. */
    static const char args[] = "*1048576\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n";
    resp_request_reset(&p);
    assert_int_equal(resp_request_parse(&p, args, sizeof args - 1, &used, &cmd),
                     RESP_REQ_INCOMPLETE);
    assert_true(ta.calls <= 1);
    resp_request_free(&p);
    assert_int_equal(ta.live, 0);
}

static int parse_all_under_failures(void *ctx, test_alloc *ta) {
    (void)ctx;
    static const char in[] =
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
        "*9\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n"
        "$1\r\n8\r\n$1\r\n9\r\n"
        "ECHO \"a b\" 'c' d e f g h i j k l m\r\n";
    resp_request_options o = {.alloc = &ta->base};
    resp_request_parser p;
    resp_request_init(&p, &o);
    size_t off = 0, used;
    resp_command cmd;
    int bad = 0, commands = 0;
    for (;;) {
        resp_request_status st = resp_request_parse(&p, in + off, sizeof in - 1 - off, &used, &cmd);
        off += used;
        if (st == RESP_REQ_COMMAND) {
            commands++;
            continue;
        }
        if (st == RESP_REQ_ERROR) bad = resp_request_error(&p) != RESP_ENOMEM || !ta->failed;
        else bad = commands != 3 || ta->failed;
        break;
    }
    resp_request_free(&p);
    return bad;
}

static void test_allocation_failures(void **state) {
    (void)state;
    assert_true(test_alloc_each_failure(parse_all_under_failures, NULL) > 1);
}

static void test_large_bulk_fed_in_small_chunks_is_linear(void **state) {
    (void)state;
    /* 4 MiB arriving 16 bytes at a time: the parser must not rescan. */
    size_t n = 4u << 20;
    char hdr[64];
    int h = snprintf(hdr, sizeof hdr, "*2\r\n$4\r\nECHO\r\n$%zu\r\n", n);
    size_t total = (size_t)h + n + 2;
    char *s = filled(hdr, 'x', total);
    s[total - 2] = '\r';
    s[total - 1] = '\n';
    resp_request_parser p;
    resp_request_init(&p, NULL);
    size_t used = 0, have = 0, start = 0;
    resp_command cmd;
    resp_request_status st = RESP_REQ_INCOMPLETE;
    while (have < total) {
        have += have + 16 <= total ? 16 : total - have;
        st = resp_request_parse(&p, s + start, have - start, &used, &cmd);
        start += used;
        if (st != RESP_REQ_INCOMPLETE) break;
    }
    assert_int_equal(st, RESP_REQ_COMMAND);
    assert_int_equal(cmd.argv[1].len, n);
    resp_request_free(&p);
    free(s);
}

static void test_format_error_truncates(void **state) {
    (void)state;
    resp_request_parser p;
    resp_request_init(&p, NULL);
    size_t used;
    resp_command cmd;
    assert_int_equal(resp_request_parse(&p, "*x\r\n", 4, &used, &cmd), RESP_REQ_ERROR);
    char small[8];
    size_t full = resp_request_format_error(&p, small, sizeof small);
    assert_int_equal(full, strlen("ERR Protocol error: invalid multibulk length"));
    assert_string_equal(small, "ERR Pro");
    resp_request_free(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multibulk),
        cmocka_unit_test(test_mixed_forms_and_pipelining),
        cmocka_unit_test(test_empty_commands),
        cmocka_unit_test(test_inline_splitting),
        cmocka_unit_test(test_inline_unbalanced_quotes),
        cmocka_unit_test(test_multibulk_count),
        cmocka_unit_test(test_bulk_header),
        cmocka_unit_test(test_max_bulk_len_option),
        cmocka_unit_test(test_unauthenticated_limits),
        cmocka_unit_test(test_line_limits),
        cmocka_unit_test(test_long_line_in_one_read),
        cmocka_unit_test(test_nul_blocks_lines),
        cmocka_unit_test(test_strict_mode),
        cmocka_unit_test(test_sticky_error_and_reset),
        cmocka_unit_test(test_error_offsets_are_stream_offsets),
        cmocka_unit_test(test_no_allocation_in_steady_state),
        cmocka_unit_test(test_never_preallocates_by_declared_size),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_large_bulk_fed_in_small_chunks_is_linear),
        cmocka_unit_test(test_format_error_truncates),
        cmocka_unit_test(test_partial_command_progress),
    };
    return cmocka_run_group_tests_name("request", tests, NULL, NULL);
}
