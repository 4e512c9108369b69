/* tests/reply_test.c - the reply parser.
 *
 * Every input goes through check_all_chunkings(): fed whole, one byte at
 * a time and split at every position, each buffer placed right before an
 * unreadable page.  The transcript records every event and status, so
 * the assertions below also pin down offsets and *consumed. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <resp/reply.h>
#include <resp/writer.h>

#include "testutil.h"

/* ---- transcript driver ---- */

typedef struct drive_cfg {
    const resp_reply_options *opts; /* NULL = defaults */
    int no_cb;                      /* parse with a NULL callback */
    long refuse_at;                 /* refuse the Nth event (1-based); 0 = never */
    resp_error refuse_code;
    const char *after_reset;        /* fed whole after resp_reply_reset() */
    size_t after_reset_len;
} drive_cfg;

typedef struct recorder {
    resp_buf *out;
    const drive_cfg *cfg;
    long events;
    const char *buf; /* the buffer of the current call */
    size_t len;
    /* What the events opened, to check they nest. */
    unsigned char open[RESP_REPLY_DEPTH_MAX + 1];
    int nopen;
    int in_string;
} recorder;

/* Events must nest: BEGIN and END pair up with matching types, depths
 * follow the nesting, chunks come only inside a streamed string. */
static void check_structure(recorder *r, const resp_event *ev) {
    switch (ev->kind) {
    case RESP_EV_SCALAR:
        assert_false(r->in_string);
        assert_int_equal(ev->depth, r->nopen);
        assert_int_equal(ev->streamed, 0);
        break;
    case RESP_EV_BEGIN:
        assert_false(r->in_string);
        assert_int_equal(ev->depth, r->nopen);
        if (ev->type == RESP_BULK_STRING) {
            assert_int_equal(ev->streamed, 1);
            r->in_string = 1;
        } else {
            assert_true(resp_type_is_aggregate(ev->type));
            assert_true(r->nopen < RESP_REPLY_DEPTH_MAX);
            assert_int_equal(ev->integer < 0, ev->streamed);
            r->open[r->nopen++] = (unsigned char)ev->type;
        }
        break;
    case RESP_EV_CHUNK:
        assert_true(r->in_string);
        assert_int_equal(ev->depth, r->nopen);
        assert_true(ev->data.len > 0);
        break;
    case RESP_EV_END:
        if (r->in_string) {
            assert_int_equal(ev->type, RESP_BULK_STRING);
            assert_int_equal(ev->depth, r->nopen);
            r->in_string = 0;
        } else {
            assert_true(r->nopen > 0);
            assert_int_equal(ev->type, r->open[r->nopen - 1]);
            assert_int_equal(ev->depth, r->nopen - 1);
            r->nopen--;
        }
        break;
    }
}

static const char *kind_name(resp_event_kind k) {
    switch (k) {
    case RESP_EV_SCALAR: return "S";
    case RESP_EV_BEGIN: return "B";
    case RESP_EV_CHUNK: return "C";
    case RESP_EV_END: return "E";
    }
    return "?";
}

static const char *null_name(resp_null_kind k) {
    switch (k) {
    case RESP_NULL_RESP3: return "resp3";
    case RESP_NULL_BULK: return "bulk";
    case RESP_NULL_ARRAY: return "array";
    }
    return "?";
}

static void put_escaped(resp_buf *b, const char *s, size_t n) {
    resp_buf_append(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') bufprintf(b, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f) resp_buf_append(b, &s[i], 1);
        else bufprintf(b, "\\x%02x", c);
    }
    resp_buf_append(b, "\"", 1);
}

static resp_error record_event(void *ud, const resp_event *ev) {
    recorder *r = ud;
    resp_buf *b = r->out;
    /* Payloads are spans into the buffer of this very call. */
    if (ev->data.len > 0) {
        assert_true(ev->data.ptr >= r->buf);
        assert_true(ev->data.ptr + ev->data.len <= r->buf + r->len);
    }
    check_structure(r, ev);
    bufprintf(b, "%s %s d%d", kind_name(ev->kind), resp_type_name(ev->type), ev->depth);
    if (ev->streamed) bufprintf(b, " streamed");
    if (ev->type == RESP_NULL || ev->null_kind != RESP_NULL_RESP3)
        bufprintf(b, " null=%s", null_name(ev->null_kind));
    if (ev->integer != 0 || ev->kind == RESP_EV_BEGIN ||
        (ev->kind == RESP_EV_SCALAR && (ev->type == RESP_INTEGER || ev->type == RESP_BOOLEAN)))
        bufprintf(b, " i=%lld", ev->integer);
    if (ev->dbl != 0 || (ev->kind == RESP_EV_SCALAR && ev->type == RESP_DOUBLE))
        bufprintf(b, " f=%.17g", ev->dbl);
    if (ev->data.len > 0 || ev->kind == RESP_EV_CHUNK ||
        (ev->kind == RESP_EV_SCALAR && ev->type != RESP_NULL)) {
        resp_buf_append(b, " ", 1);
        put_escaped(b, ev->data.ptr, ev->data.len);
    }
    bufprintf(b, " @%llu\n", (unsigned long long)ev->offset);
    r->events++;
    if (r->cfg->refuse_at == r->events) return r->cfg->refuse_code;
    return RESP_OK;
}

/* Feeds `in` like a client connection: appends each chunk to the pending
 * bytes, parses until INCOMPLETE or ERROR, drops what was consumed. */
static void drive(void *ctx, const char *in, size_t len, const size_t *cuts, size_t ncuts,
                  resp_buf *out) {
    const drive_cfg *cfg = ctx;
    resp_reply_parser p;
    resp_reply_init(&p, cfg->opts);
    recorder r = {.out = out, .cfg = cfg};
    resp_event_cb cb = cfg->no_cb ? NULL : record_event;
    char *pending = malloc(len + 1);
    assert_non_null(pending);
    size_t npending = 0, fed = 0;
    unsigned long long total = 0;
    resp_reply_status st = RESP_REPLY_INCOMPLETE;

    for (size_t k = 0; k <= ncuts && st != RESP_REPLY_ERROR; k++) {
        size_t end = k < ncuts ? cuts[k] : len;
        memcpy(pending + npending, in + fed, end - fed);
        npending += end - fed;
        fed = end;
        for (;;) {
            const char *g = guard_place(pending, npending);
            size_t consumed = (size_t)-1;
            r.buf = g;
            r.len = npending;
            st = resp_reply_parse(&p, g, npending, &consumed, cb, &r);
            assert_true(consumed <= npending);
            memmove(pending, pending + consumed, npending - consumed);
            npending -= consumed;
            total += consumed;
            if (st != RESP_REPLY_COMPLETE) break;
            /* A reply ends with everything it opened closed. */
            assert_int_equal(r.nopen, 0);
            assert_false(r.in_string);
            bufprintf(out, "COMPLETE @%llu\n", total);
        }
    }

    if (st == RESP_REPLY_ERROR) {
        assert_int_not_equal(resp_reply_error(&p), RESP_OK);
        bufprintf(out, "ERROR %s @%llu consumed=%llu\n", resp_error_name(resp_reply_error(&p)),
                  (unsigned long long)resp_reply_error_offset(&p), total);
        /* Sticky: nothing more is parsed or consumed. */
        const char *g = guard_place(pending, npending);
        size_t consumed = 99;
        long events = r.events;
        r.buf = g;
        r.len = npending;
        assert_int_equal(resp_reply_parse(&p, g, npending, &consumed, cb, &r), RESP_REPLY_ERROR);
        assert_int_equal(consumed, 0);
        assert_int_equal(r.events, events);
        if (cfg->after_reset != NULL) {
            resp_reply_reset(&p);
            r.nopen = 0;
            r.in_string = 0;
            assert_int_equal(resp_reply_error(&p), RESP_OK);
            bufprintf(out, "RESET\n");
            const char *in2 = cfg->after_reset;
            size_t left = cfg->after_reset_len;
            total = 0;
            for (;;) {
                g = guard_place(in2, left);
                r.buf = g;
                r.len = left;
                st = resp_reply_parse(&p, g, left, &consumed, cb, &r);
                in2 += consumed;
                left -= consumed;
                total += consumed;
                if (st != RESP_REPLY_COMPLETE) break;
                bufprintf(out, "COMPLETE @%llu\n", total);
            }
            bufprintf(out, "%s consumed=%llu\n", st == RESP_REPLY_ERROR ? "ERROR" : "INCOMPLETE",
                      total);
        }
    } else {
        assert_int_equal(resp_reply_error(&p), RESP_OK);
        bufprintf(out, "INCOMPLETE consumed=%llu\n", total);
    }
    free(pending);
}

static drive_cfg defaults;

/* The transcript of `in` under every chunking (caller frees). */
static char *run_cfg(drive_cfg *cfg, const char *in, size_t len) {
    return check_all_chunkings(drive, cfg, in, len);
}

static void expect_cfg(drive_cfg *cfg, const char *in, size_t len, const char *want) {
    char *got = run_cfg(cfg, in, len);
    if (strcmp(got, want) != 0) fprintf(stderr, "transcript:\n%s", got);
    assert_string_equal(got, want);
    free(got);
}

/* Only the last line (the final status) is compared. */
static void expect_last_cfg(drive_cfg *cfg, const char *in, size_t len, const char *want) {
    char *got = run_cfg(cfg, in, len);
    size_t n = strlen(got);
    assert_true(n > 0 && got[n - 1] == '\n');
    size_t start = n - 1;
    while (start > 0 && got[start - 1] != '\n') start--;
    if (strcmp(got + start, want) != 0) fprintf(stderr, "transcript:\n%s", got);
    assert_string_equal(got + start, want);
    free(got);
}

#define EXPECT(in, want) expect_cfg(&defaults, (in), sizeof(in) - 1, (want))
#define EXPECT_CFG(cfg, in, want) expect_cfg((cfg), (in), sizeof(in) - 1, (want))
#define EXPECT_LAST(cfg, in, want) expect_last_cfg((cfg), (in), sizeof(in) - 1, (want))

/* ---- scalars ---- */

static void test_simple_strings(void **state) {
    (void)state;
    EXPECT("+OK\r\n", "S simple-string d0 \"OK\" @0\nCOMPLETE @5\nINCOMPLETE consumed=5\n");
    EXPECT("+\r\n", "S simple-string d0 \"\" @0\nCOMPLETE @3\nINCOMPLETE consumed=3\n");
    EXPECT("-ERR unknown command 'x'\r\n",
           "S simple-error d0 \"ERR unknown command 'x'\" @0\nCOMPLETE @26\n"
           "INCOMPLETE consumed=26\n");
    /* Bytes other than CR and LF are allowed, including NUL. */
    EXPECT("+a\0b\tc\r\n", "S simple-string d0 \"a\\x00b\\x09c\" @0\nCOMPLETE @8\n"
                           "INCOMPLETE consumed=8\n");
    /* Not complete until the LF is there. */
    EXPECT("+OK\r", "INCOMPLETE consumed=0\n");
    /* Lines on both sides of 64 bytes (short lines take a faster path). */
    for (size_t body = 60; body <= 70; body++) {
        char in[80], want[200];
        in[0] = '+';
        memset(in + 1, 'z', body);
        memcpy(in + 1 + body, "\r\n", 2);
        snprintf(want, sizeof want, "S simple-string d0 \"%.*s\" @0\nCOMPLETE @%zu\n"
                 "INCOMPLETE consumed=%zu\n", (int)body, in + 1, body + 3, body + 3);
        expect_cfg(&defaults, in, body + 3, want);
        in[body] = '\n';
        snprintf(want, sizeof want, "ERROR RESP_EBAD_STRING @%zu consumed=0\n", body);
        expect_last_cfg(&defaults, in, body + 3, want);
        in[body] = '\r';
        snprintf(want, sizeof want, "ERROR RESP_EBAD_LINE_END @%zu consumed=0\n", body + 1);
        expect_last_cfg(&defaults, in, body + 3, want);
    }
}

static void test_integers(void **state) {
    (void)state;
    EXPECT(":0\r\n:42\r\n:-7\r\n:+7\r\n",
           "S integer d0 i=0 \"0\" @0\nCOMPLETE @4\n"
           "S integer d0 i=42 \"42\" @4\nCOMPLETE @9\n"
           "S integer d0 i=-7 \"-7\" @9\nCOMPLETE @14\n"
           "S integer d0 i=7 \"+7\" @14\nCOMPLETE @19\n"
           "INCOMPLETE consumed=19\n");
    /* 19 digits fit; a 20th never does. */
    EXPECT(":1000000000000000000\r\n:-1000000000000000000\r\n",
           "S integer d0 i=1000000000000000000 \"1000000000000000000\" @0\nCOMPLETE @22\n"
           "S integer d0 i=-1000000000000000000 \"-1000000000000000000\" @22\n"
           "COMPLETE @45\nINCOMPLETE consumed=45\n");
    EXPECT(":9223372036854775807\r\n:-9223372036854775808\r\n",
           "S integer d0 i=9223372036854775807 \"9223372036854775807\" @0\nCOMPLETE @22\n"
           "S integer d0 i=-9223372036854775808 \"-9223372036854775808\" @22\n"
           "COMPLETE @45\nINCOMPLETE consumed=45\n");
}

static void test_bulk_strings(void **state) {
    (void)state;
    EXPECT("$5\r\nhello\r\n$0\r\n\r\n",
           "S bulk-string d0 \"hello\" @0\nCOMPLETE @11\n"
           "S bulk-string d0 \"\" @11\nCOMPLETE @17\nINCOMPLETE consumed=17\n");
    /* Binary payload: NUL, CR LF and '$' inside do not end it. */
    EXPECT("$10\r\na\0b\r\n$1\r\nc\r\n",
           "S bulk-string d0 \"a\\x00b\\x0d\\x0a$1\\x0d\\x0ac\" @0\nCOMPLETE @17\n"
           "INCOMPLETE consumed=17\n");
    /* A partial payload is not consumed. */
    EXPECT("$5\r\nhel", "INCOMPLETE consumed=0\n");
}

static void test_nulls(void **state) {
    (void)state;
    EXPECT("$-1\r\n*-1\r\n_\r\n",
           "S null d0 null=bulk @0\nCOMPLETE @5\n"
           "S null d0 null=array @5\nCOMPLETE @10\n"
           "S null d0 null=resp3 @10\nCOMPLETE @13\nINCOMPLETE consumed=13\n");
    /* Nulls as elements. */
    EXPECT("*3\r\n$-1\r\n*-1\r\n_\r\n",
           "B array d0 i=3 @0\nS null d1 null=bulk @4\nS null d1 null=array @9\n"
           "S null d1 null=resp3 @14\nE array d0 @17\nCOMPLETE @17\nINCOMPLETE consumed=17\n");
}

static void test_booleans(void **state) {
    (void)state;
    EXPECT("#t\r\n#f\r\n", "S boolean d0 i=1 \"t\" @0\nCOMPLETE @4\n"
                           "S boolean d0 i=0 \"f\" @4\nCOMPLETE @8\nINCOMPLETE consumed=8\n");
}

static void test_doubles(void **state) {
    (void)state;
    /* ",-nan" is what Redis 7.0 sends for EVAL "return {double=0/0}" 0. */
    EXPECT(",1.5\r\n,-2e10\r\n,inf\r\n,-inf\r\n,nan\r\n,-nan\r\n",
           "S double d0 f=1.5 \"1.5\" @0\nCOMPLETE @6\n"
           "S double d0 f=-20000000000 \"-2e10\" @6\nCOMPLETE @14\n"
           "S double d0 f=inf \"inf\" @14\nCOMPLETE @20\n"
           "S double d0 f=-inf \"-inf\" @20\nCOMPLETE @27\n"
           "S double d0 f=nan \"nan\" @27\nCOMPLETE @33\n"
           "S double d0 f=-nan \"-nan\" @33\nCOMPLETE @40\nINCOMPLETE consumed=40\n");
    EXPECT(",0\r\n,+1.25E-2\r\n,3e+2\r\n,1e999\r\n,-0.0\r\n",
           "S double d0 f=0 \"0\" @0\nCOMPLETE @4\n"
           "S double d0 f=0.012500000000000001 \"+1.25E-2\" @4\nCOMPLETE @15\n"
           "S double d0 f=300 \"3e+2\" @15\nCOMPLETE @22\n"
           "S double d0 f=inf \"1e999\" @22\nCOMPLETE @30\n"
           "S double d0 f=-0 \"-0.0\" @30\nCOMPLETE @37\nINCOMPLETE consumed=37\n");
    /* DOUBLE_TEXT_MAX: 400 bytes of text are accepted. */
    char in[420];
    in[0] = ',';
    in[1] = '1';
    memset(in + 2, '0', 308);
    in[310] = '.';
    memset(in + 311, '0', 90);
    memcpy(in + 401, "\r\n", 2);
    char *got = run_cfg(&defaults, in, 403);
    assert_non_null(strstr(got, "S double d0 f=1e+308 \"1000"));
    assert_non_null(strstr(got, "COMPLETE @403\n"));
    free(got);
}

/* strtod follows LC_NUMERIC; the wire format does not. */
static void test_double_locale(void **state) {
    (void)state;
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    int set = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !set; i++)
        set = setlocale(LC_NUMERIC, names[i]) != NULL;
    if (!set) {
        fprintf(stderr, "SKIPPED test_double_locale: no de_DE or fr_FR locale installed "
                        "(ci/install-deps generates de_DE.UTF-8)\n");
        skip();
    }
    EXPECT(",1.5\r\n", "S double d0 f=1,5 \"1.5\" @0\nCOMPLETE @6\nINCOMPLETE consumed=6\n");
    setlocale(LC_NUMERIC, "C");
}

static void test_big_numbers(void **state) {
    (void)state;
    EXPECT("(3492890328409238509324850943850943825024385\r\n(-1\r\n(+007\r\n",
           "S big-number d0 \"3492890328409238509324850943850943825024385\" @0\n"
           "COMPLETE @46\nS big-number d0 \"-1\" @46\nCOMPLETE @51\n"
           "S big-number d0 \"+007\" @51\nCOMPLETE @58\nINCOMPLETE consumed=58\n");
}

static void test_bulk_errors_and_verbatim(void **state) {
    (void)state;
    EXPECT("!21\r\nSYNTAX invalid syntax\r\n",
           "S bulk-error d0 \"SYNTAX invalid syntax\" @0\nCOMPLETE @28\n"
           "INCOMPLETE consumed=28\n");
    EXPECT("=15\r\ntxt:Some string\r\n=4\r\nmkd:\r\n",
           "S verbatim-string d0 \"txt:Some string\" @0\nCOMPLETE @22\n"
           "S verbatim-string d0 \"mkd:\" @22\nCOMPLETE @32\nINCOMPLETE consumed=32\n");
    /* Redis 7.0, EVAL returning {verbatim_string=...}: CR LF inside. */
    EXPECT("=30\r\ntxt:This is a verbatim\r\nstring\r\n",
           "S verbatim-string d0 \"txt:This is a verbatim\\x0d\\x0astring\" @0\n"
           "COMPLETE @37\nINCOMPLETE consumed=37\n");
}

/* ---- aggregates ---- */

static void test_arrays(void **state) {
    (void)state;
    EXPECT("*3\r\n:1\r\n:2\r\n:3\r\n",
           "B array d0 i=3 @0\nS integer d1 i=1 \"1\" @4\nS integer d1 i=2 \"2\" @8\n"
           "S integer d1 i=3 \"3\" @12\nE array d0 @16\nCOMPLETE @16\nINCOMPLETE consumed=16\n");
    /* Empty aggregates open and close at once, at any depth. */
    EXPECT("*0\r\n*2\r\n*0\r\n%0\r\n",
           "B array d0 i=0 @0\nE array d0 @4\nCOMPLETE @4\n"
           "B array d0 i=2 @4\nB array d1 i=0 @8\nE array d1 @12\n"
           "B map d1 i=0 @12\nE map d1 @16\nE array d0 @16\nCOMPLETE @16\n"
           "INCOMPLETE consumed=16\n");
    /* Nested, with several aggregates closing at once. */
    EXPECT("*2\r\n*1\r\n*1\r\n+a\r\n+b\r\n",
           "B array d0 i=2 @0\nB array d1 i=1 @4\nB array d2 i=1 @8\n"
           "S simple-string d3 \"a\" @12\nE array d2 @16\nE array d1 @16\n"
           "S simple-string d1 \"b\" @16\nE array d0 @20\nCOMPLETE @20\n"
           "INCOMPLETE consumed=20\n");
    /* Redis 7.0, EVAL "return {1,'two',{3,{err='bad'}}}". */
    EXPECT("*3\r\n:1\r\n$3\r\ntwo\r\n*2\r\n:3\r\n-bad\r\n",
           "B array d0 i=3 @0\nS integer d1 i=1 \"1\" @4\nS bulk-string d1 \"two\" @8\n"
           "B array d1 i=2 @17\nS integer d2 i=3 \"3\" @21\nS simple-error d2 \"bad\" @25\n"
           "E array d1 @31\nE array d0 @31\nCOMPLETE @31\nINCOMPLETE consumed=31\n");
}

/* Elements reported so far are consumed; the partial one is not. */
static void test_partial_aggregate(void **state) {
    (void)state;
    EXPECT("*2\r\n:1\r\n:2",
           "B array d0 i=2 @0\nS integer d1 i=1 \"1\" @4\nINCOMPLETE consumed=8\n");
    EXPECT("*2\r\n$3\r\nfoo\r\n$3\r\nba",
           "B array d0 i=2 @0\nS bulk-string d1 \"foo\" @4\nINCOMPLETE consumed=13\n");
}

static void test_maps_sets_push(void **state) {
    (void)state;
    EXPECT("%2\r\n+k1\r\n:1\r\n+k2\r\n*1\r\n:2\r\n",
           "B map d0 i=2 @0\nS simple-string d1 \"k1\" @4\nS integer d1 i=1 \"1\" @9\n"
           "S simple-string d1 \"k2\" @13\nB array d1 i=1 @18\nS integer d2 i=2 \"2\" @22\n"
           "E array d1 @26\nE map d0 @26\nCOMPLETE @26\nINCOMPLETE consumed=26\n");
    EXPECT("~2\r\n+a\r\n#t\r\n",
           "B set d0 i=2 @0\nS simple-string d1 \"a\" @4\nS boolean d1 i=1 \"t\" @8\n"
           "E set d0 @12\nCOMPLETE @12\nINCOMPLETE consumed=12\n");
    /* Redis 7.0, SUBSCRIBE under HELLO 3. */
    EXPECT(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
           "B push d0 i=3 @0\nS bulk-string d1 \"subscribe\" @4\nS bulk-string d1 \"ch\" @19\n"
           "S integer d1 i=1 \"1\" @27\nE push d0 @31\nCOMPLETE @31\nINCOMPLETE consumed=31\n");
    /* Push is accepted at any depth. */
    EXPECT("*1\r\n>1\r\n+x\r\n",
           "B array d0 i=1 @0\nB push d1 i=1 @4\nS simple-string d2 \"x\" @8\nE push d1 @12\n"
           "E array d0 @12\nCOMPLETE @12\nINCOMPLETE consumed=12\n");
}

static void test_real_redis_replies(void **state) {
    (void)state;
    /* HELLO 3 */
    EXPECT("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
           "$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:48\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
           "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n",
           "B map d0 i=7 @0\n"
           "S bulk-string d1 \"server\" @4\n"
           "S bulk-string d1 \"redis\" @16\n"
           "S bulk-string d1 \"version\" @27\n"
           "S bulk-string d1 \"7.0.15\" @40\n"
           "S bulk-string d1 \"proto\" @52\n"
           "S integer d1 i=3 \"3\" @63\n"
           "S bulk-string d1 \"id\" @67\n"
           "S integer d1 i=48 \"48\" @75\n"
           "S bulk-string d1 \"mode\" @80\n"
           "S bulk-string d1 \"standalone\" @90\n"
           "S bulk-string d1 \"role\" @107\n"
           "S bulk-string d1 \"master\" @117\n"
           "S bulk-string d1 \"modules\" @129\n"
           "B array d1 i=0 @142\n"
           "E array d1 @146\n"
           "E map d0 @146\n"
           "COMPLETE @146\n"
           "INCOMPLETE consumed=146\n");
    /* CLIENT INFO: a verbatim string ending in LF. */
    static const char info[] =
        "=269\r\ntxt:id=48 addr=127.0.0.1:39052 laddr=127.0.0.1:7777 fd=8 name= age=0 "
        "idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 "
        "argv-mem=10 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=0 tot-mem=37658 "
        "events=r cmd=client|info user=default redir=-1 resp=3\n\r\n";
    char *got = run_cfg(&defaults, info, sizeof info - 1);
    assert_non_null(strstr(got, "S verbatim-string d0 \"txt:id=48 addr="));
    assert_non_null(strstr(got, "resp=3\\x0a\" @0\nCOMPLETE @277\nINCOMPLETE consumed=277\n"));
    free(got);
    /* EVAL replies under RESP3. */
    EXPECT(",3.141\r\n,-20000000000\r\n(1234567999999999999999999999999999999\r\n#t\r\n"
           "%1\r\n$1\r\na\r\n:1\r\n~1\r\n$1\r\nx\r\n_\r\n",
           "S double d0 f=3.141 \"3.141\" @0\nCOMPLETE @8\n"
           "S double d0 f=-20000000000 \"-20000000000\" @8\nCOMPLETE @23\n"
           "S big-number d0 \"1234567999999999999999999999999999999\" @23\nCOMPLETE @63\n"
           "S boolean d0 i=1 \"t\" @63\nCOMPLETE @67\n"
           "B map d0 i=1 @67\nS bulk-string d1 \"a\" @71\nS integer d1 i=1 \"1\" @78\n"
           "E map d0 @82\nCOMPLETE @82\n"
           "B set d0 i=1 @82\nS bulk-string d1 \"x\" @86\nE set d0 @93\nCOMPLETE @93\n"
           "S null d0 null=resp3 @93\nCOMPLETE @96\nINCOMPLETE consumed=96\n");
}

/* ---- attributes ---- */

static void test_attribute_top_level(void **state) {
    (void)state;
    /* The example of the RESP3 specification: the reply is the array. */
    EXPECT("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
           "*2\r\n:2039123\r\n:9543892\r\n",
           "B attribute d0 i=1 @0\n"
           "S simple-string d1 \"key-popularity\" @4\n"
           "B map d1 i=2 @21\n"
           "S bulk-string d2 \"a\" @25\n"
           "S double d2 f=0.1923 \"0.1923\" @32\n"
           "S bulk-string d2 \"b\" @41\n"
           "S double d2 f=0.0011999999999999999 \"0.0012\" @48\n"
           "E map d1 @57\n"
           "E attribute d0 @57\n"
           "B array d0 i=2 @57\n"
           "S integer d1 i=2039123 \"2039123\" @61\n"
           "S integer d1 i=9543892 \"9543892\" @71\n"
           "E array d0 @81\n"
           "COMPLETE @81\n"
           "INCOMPLETE consumed=81\n");
    /* An attribute alone is not a reply; nor is an empty one. */
    EXPECT("|0\r\n|1\r\n+a\r\n+b\r\n",
           "B attribute d0 i=0 @0\nE attribute d0 @4\nB attribute d0 i=1 @4\n"
           "S simple-string d1 \"a\" @8\nS simple-string d1 \"b\" @12\nE attribute d0 @16\n"
           "INCOMPLETE consumed=16\n");
    /* Before a push message. */
    EXPECT("|1\r\n+a\r\n+b\r\n>1\r\n+m\r\n",
           "B attribute d0 i=1 @0\nS simple-string d1 \"a\" @4\nS simple-string d1 \"b\" @8\n"
           "E attribute d0 @12\nB push d0 i=1 @12\nS simple-string d1 \"m\" @16\n"
           "E push d0 @20\nCOMPLETE @20\nINCOMPLETE consumed=20\n");
}

static void test_attribute_in_aggregate(void **state) {
    (void)state;
    /* Not counted: the array still has two elements after it. */
    EXPECT("*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:2\r\n",
           "B array d0 i=2 @0\nS integer d1 i=1 \"1\" @4\nB attribute d1 i=1 @8\n"
           "S simple-string d2 \"ttl\" @12\nS integer d2 i=3600 \"3600\" @18\n"
           "E attribute d1 @25\nS integer d1 i=2 \"2\" @25\nE array d0 @29\nCOMPLETE @29\n"
           "INCOMPLETE consumed=29\n");
    /* Attributes on a map key, on an attribute's own element, and in a
     * streamed array. */
    EXPECT("%1\r\n|1\r\n+a\r\n+b\r\n+k\r\n|1\r\n|0\r\n+c\r\n+d\r\n+v\r\n",
           "B map d0 i=1 @0\nB attribute d1 i=1 @4\nS simple-string d2 \"a\" @8\n"
           "S simple-string d2 \"b\" @12\nE attribute d1 @16\nS simple-string d1 \"k\" @16\n"
           "B attribute d1 i=1 @20\nB attribute d2 i=0 @24\nE attribute d2 @28\n"
           "S simple-string d2 \"c\" @28\nS simple-string d2 \"d\" @32\nE attribute d1 @36\n"
           "S simple-string d1 \"v\" @36\nE map d0 @40\nCOMPLETE @40\n"
           "INCOMPLETE consumed=40\n");
    EXPECT("*?\r\n|1\r\n+a\r\n+b\r\n:1\r\n.\r\n",
           "B array d0 streamed i=-1 @0\nB attribute d1 i=1 @4\nS simple-string d2 \"a\" @8\n"
           "S simple-string d2 \"b\" @12\nE attribute d1 @16\nS integer d1 i=1 \"1\" @16\n"
           "E array d0 streamed @23\nCOMPLETE @23\nINCOMPLETE consumed=23\n");
}

/* ---- streamed ---- */

static void test_streamed_strings(void **state) {
    (void)state;
    EXPECT("$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;1\r\nd\r\n;0\r\n",
           "B bulk-string d0 streamed i=-1 @0\nC bulk-string d0 streamed \"Hell\" @4\n"
           "C bulk-string d0 streamed \"o wor\" @14\nC bulk-string d0 streamed \"d\" @25\n"
           "E bulk-string d0 streamed @36\nCOMPLETE @36\nINCOMPLETE consumed=36\n");
    /* Empty; and as an element, with binary chunks. */
    EXPECT("$?\r\n;0\r\n*2\r\n$?\r\n;3\r\n\r\n\0\r\n;0\r\n:1\r\n",
           "B bulk-string d0 streamed i=-1 @0\nE bulk-string d0 streamed @8\nCOMPLETE @8\n"
           "B array d0 i=2 @8\nB bulk-string d1 streamed i=-1 @12\n"
           "C bulk-string d1 streamed \"\\x0d\\x0a\\x00\" @16\n"
           "E bulk-string d1 streamed @29\nS integer d1 i=1 \"1\" @29\nE array d0 @33\n"
           "COMPLETE @33\nINCOMPLETE consumed=33\n");
    /* The header and the chunks are consumed as they are reported. */
    EXPECT("$?\r\n;2\r\nab\r\n;3\r\nc",
           "B bulk-string d0 streamed i=-1 @0\nC bulk-string d0 streamed \"ab\" @4\n"
           "INCOMPLETE consumed=12\n");
}

static void test_streamed_aggregates(void **state) {
    (void)state;
    EXPECT("*?\r\n:1\r\n*?\r\n.\r\n%?\r\n+a\r\n:1\r\n.\r\n.\r\n",
           "B array d0 streamed i=-1 @0\nS integer d1 i=1 \"1\" @4\n"
           "B array d1 streamed i=-1 @8\nE array d1 streamed @15\n"
           "B map d1 streamed i=-1 @15\nS simple-string d2 \"a\" @19\n"
           "S integer d2 i=1 \"1\" @23\nE map d1 streamed @30\n"
           "E array d0 streamed @33\nCOMPLETE @33\nINCOMPLETE consumed=33\n");
    EXPECT("~?\r\n+x\r\n.\r\n>?\r\n.\r\n|?\r\n+a\r\n+b\r\n.\r\n:1\r\n",
           "B set d0 streamed i=-1 @0\nS simple-string d1 \"x\" @4\nE set d0 streamed @11\n"
           "COMPLETE @11\nB push d0 streamed i=-1 @11\nE push d0 streamed @18\nCOMPLETE @18\n"
           "B attribute d0 streamed i=-1 @18\nS simple-string d1 \"a\" @22\n"
           "S simple-string d1 \"b\" @26\nE attribute d0 streamed @33\n"
           "S integer d0 i=1 \"1\" @33\nCOMPLETE @37\nINCOMPLETE consumed=37\n");
    /* A counted array ending with a streamed one. */
    EXPECT("*1\r\n*?\r\n:1\r\n.\r\n",
           "B array d0 i=1 @0\nB array d1 streamed i=-1 @4\nS integer d2 i=1 \"1\" @8\n"
           "E array d1 streamed @15\nE array d0 @15\nCOMPLETE @15\nINCOMPLETE consumed=15\n");
    /* A map needs whole pairs when '.' comes. */
    EXPECT("%?\r\n+a\r\n.\r\n",
           "B map d0 streamed i=-1 @0\nS simple-string d1 \"a\" @4\n"
           "ERROR RESP_EBAD_STREAM @8 consumed=8\n");
}

/* ---- errors ---- */

typedef struct error_case {
    const char *in;
    size_t len;
    const char *last; /* the transcript's last line */
} error_case;

#define EC(in, last) {(in), sizeof(in) - 1, (last)}

static void run_error_cases(drive_cfg *cfg, const error_case *cases, size_t n) {
    for (size_t i = 0; i < n; i++) expect_last_cfg(cfg, cases[i].in, cases[i].len, cases[i].last);
}

static void test_protocol_errors(void **state) {
    (void)state;
    static const error_case cases[] = {
        /* type */
        EC("x\r\n", "ERROR RESP_EBAD_TYPE @0 consumed=0\n"),
        EC("\r\n", "ERROR RESP_EBAD_TYPE @0 consumed=0\n"),
        EC("*2\r\n:1\r\n?\r\n", "ERROR RESP_EBAD_TYPE @8 consumed=8\n"),
        EC("+OK\r\nx", "ERROR RESP_EBAD_TYPE @5 consumed=5\n"),
        /* line ends */
        EC("+OK\rX", "ERROR RESP_EBAD_LINE_END @4 consumed=0\n"),
        EC("+OK\r\r\n", "ERROR RESP_EBAD_LINE_END @4 consumed=0\n"),
        EC("$3\rX", "ERROR RESP_EBAD_LINE_END @3 consumed=0\n"),
        EC(":1\r\r", "ERROR RESP_EBAD_LINE_END @3 consumed=0\n"),
        EC("_\rX", "ERROR RESP_EBAD_LINE_END @2 consumed=0\n"),
        EC("#t\rX", "ERROR RESP_EBAD_LINE_END @3 consumed=0\n"),
        EC(",1\rX", "ERROR RESP_EBAD_LINE_END @3 consumed=0\n"),
        EC("(1\rX", "ERROR RESP_EBAD_LINE_END @3 consumed=0\n"),
        EC("*?\r\n.\rX", "ERROR RESP_EBAD_LINE_END @6 consumed=4\n"),
        EC("*1?\r\n", "ERROR RESP_EBAD_LENGTH @2 consumed=0\n"),
        /* payload not followed by CR LF */
        EC("$3\r\nfooXY", "ERROR RESP_EBAD_LINE_END @7 consumed=0\n"),
        EC("$3\r\nfoo\rY", "ERROR RESP_EBAD_LINE_END @8 consumed=0\n"),
        EC("$3\r\nfoo\n\r", "ERROR RESP_EBAD_LINE_END @7 consumed=0\n"),
        EC("$0\r\nX", "ERROR RESP_EBAD_LINE_END @4 consumed=0\n"),
        EC("!1\r\nab\r\n", "ERROR RESP_EBAD_LINE_END @5 consumed=0\n"),
        EC("=4\r\ntxt:x\r\n", "ERROR RESP_EBAD_LINE_END @8 consumed=0\n"),
        EC("$?\r\n;1\r\nab\r\n", "ERROR RESP_EBAD_LINE_END @9 consumed=4\n"),
        /* integers */
        EC(":\r\n", "ERROR RESP_EBAD_INTEGER @1 consumed=0\n"),
        EC(":abc\r\n", "ERROR RESP_EBAD_INTEGER @1 consumed=0\n"),
        EC(":12a\r\n", "ERROR RESP_EBAD_INTEGER @3 consumed=0\n"),
        EC(":1 \r\n", "ERROR RESP_EBAD_INTEGER @2 consumed=0\n"),
        EC(": 1\r\n", "ERROR RESP_EBAD_INTEGER @1 consumed=0\n"),
        EC(":+\r\n", "ERROR RESP_EBAD_INTEGER @2 consumed=0\n"),
        EC(":--1\r\n", "ERROR RESP_EBAD_INTEGER @2 consumed=0\n"),
        EC(":007\r\n", "ERROR RESP_EBAD_INTEGER @2 consumed=0\n"),
        EC(":-0\r\n", "ERROR RESP_EBAD_INTEGER @2 consumed=0\n"),
        EC(":1.5\r\n", "ERROR RESP_EBAD_INTEGER @2 consumed=0\n"),
        EC(":9223372036854775808\r\n", "ERROR RESP_EBAD_INTEGER @19 consumed=0\n"),
        EC(":-9223372036854775809\r\n", "ERROR RESP_EBAD_INTEGER @20 consumed=0\n"),
        EC(":10000000000000000000\r\n", "ERROR RESP_EBAD_INTEGER @20 consumed=0\n"),
        EC(":-10000000000000000000\r\n", "ERROR RESP_EBAD_INTEGER @21 consumed=0\n"),
        EC(":+10000000000000000000", "ERROR RESP_EBAD_INTEGER @21 consumed=0\n"),
        EC(":99999999999999999999999999999999999999\r\n",
           "ERROR RESP_EBAD_INTEGER @19 consumed=0\n"),
        /* lengths and counts */
        EC("$\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("$-2\r\n", "ERROR RESP_EBAD_LENGTH @2 consumed=0\n"),
        EC("$-10\r\n", "ERROR RESP_EBAD_LENGTH @3 consumed=0\n"),
        EC("$-0\r\n", "ERROR RESP_EBAD_LENGTH @2 consumed=0\n"),
        EC("$01\r\n", "ERROR RESP_EBAD_LENGTH @2 consumed=0\n"),
        EC("$+1\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("$1x\r\n", "ERROR RESP_EBAD_LENGTH @2 consumed=0\n"),
        EC("$ 1\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("$?x\r\n", "ERROR RESP_EBAD_LENGTH @2 consumed=0\n"),
        EC("*-2\r\n", "ERROR RESP_EBAD_LENGTH @2 consumed=0\n"),
        EC("*a\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("%-1\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("~-1\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC(">-1\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("|-1\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("!-1\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("=-1\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("!?\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("=?\r\n", "ERROR RESP_EBAD_LENGTH @1 consumed=0\n"),
        EC("$?\r\n;?\r\n", "ERROR RESP_EBAD_LENGTH @5 consumed=4\n"),
        EC("$?\r\n;-1\r\n", "ERROR RESP_EBAD_LENGTH @5 consumed=4\n"),
        EC("$?\r\n;x\r\n", "ERROR RESP_EBAD_LENGTH @5 consumed=4\n"),
        /* doubles */
        EC(",\r\n", "ERROR RESP_EBAD_DOUBLE @1 consumed=0\n"),
        EC(",1.\r\n", "ERROR RESP_EBAD_DOUBLE @3 consumed=0\n"),
        EC(",.5\r\n", "ERROR RESP_EBAD_DOUBLE @1 consumed=0\n"),
        EC(",-\r\n", "ERROR RESP_EBAD_DOUBLE @2 consumed=0\n"),
        EC(",1e\r\n", "ERROR RESP_EBAD_DOUBLE @3 consumed=0\n"),
        EC(",1e+\r\n", "ERROR RESP_EBAD_DOUBLE @4 consumed=0\n"),
        EC(",1.5x\r\n", "ERROR RESP_EBAD_DOUBLE @4 consumed=0\n"),
        EC(",1,5\r\n", "ERROR RESP_EBAD_DOUBLE @2 consumed=0\n"),
        EC(",1.5e3.2\r\n", "ERROR RESP_EBAD_DOUBLE @6 consumed=0\n"),
        EC(", 1\r\n", "ERROR RESP_EBAD_DOUBLE @1 consumed=0\n"),
        EC(",+inf\r\n", "ERROR RESP_EBAD_DOUBLE @2 consumed=0\n"),
        EC(",-na\r\n", "ERROR RESP_EBAD_DOUBLE @4 consumed=0\n"),
        EC(",-nanx\r\n", "ERROR RESP_EBAD_DOUBLE @5 consumed=0\n"),
        EC(",in\r\n", "ERROR RESP_EBAD_DOUBLE @3 consumed=0\n"),
        EC(",infinity\r\n", "ERROR RESP_EBAD_DOUBLE @4 consumed=0\n"),
        EC(",NaN\r\n", "ERROR RESP_EBAD_DOUBLE @1 consumed=0\n"),
        EC(",1\n\r\n", "ERROR RESP_EBAD_DOUBLE @2 consumed=0\n"),
        EC(",0x10\r\n", "ERROR RESP_EBAD_DOUBLE @2 consumed=0\n"),
        /* booleans, nulls, big numbers */
        EC("#\r\n", "ERROR RESP_EBAD_BOOLEAN @1 consumed=0\n"),
        EC("#x\r\n", "ERROR RESP_EBAD_BOOLEAN @1 consumed=0\n"),
        EC("#T\r\n", "ERROR RESP_EBAD_BOOLEAN @1 consumed=0\n"),
        EC("#tt\r\n", "ERROR RESP_EBAD_BOOLEAN @2 consumed=0\n"),
        EC("_x\r\n", "ERROR RESP_EBAD_NULL @1 consumed=0\n"),
        EC("_ \r\n", "ERROR RESP_EBAD_NULL @1 consumed=0\n"),
        EC("(\r\n", "ERROR RESP_EBAD_BIGNUM @1 consumed=0\n"),
        EC("(-\r\n", "ERROR RESP_EBAD_BIGNUM @2 consumed=0\n"),
        EC("(12a\r\n", "ERROR RESP_EBAD_BIGNUM @3 consumed=0\n"),
        EC("(1-2\r\n", "ERROR RESP_EBAD_BIGNUM @2 consumed=0\n"),
        EC("(1.5\r\n", "ERROR RESP_EBAD_BIGNUM @2 consumed=0\n"),
        /* verbatim */
        EC("=3\r\ntx:\r\n", "ERROR RESP_EBAD_VERBATIM @1 consumed=0\n"),
        EC("=0\r\n\r\n", "ERROR RESP_EBAD_VERBATIM @1 consumed=0\n"),
        EC("=5\r\ntxt-a\r\n", "ERROR RESP_EBAD_VERBATIM @7 consumed=0\n"),
        EC("=9\r\ntxtx", "ERROR RESP_EBAD_VERBATIM @7 consumed=0\n"),
        /* streaming markers */
        EC(";1\r\na\r\n", "ERROR RESP_EBAD_STREAM @0 consumed=0\n"),
        EC("*1\r\n;0\r\n", "ERROR RESP_EBAD_STREAM @4 consumed=4\n"),
        EC(".\r\n", "ERROR RESP_EBAD_STREAM @0 consumed=0\n"),
        EC("*1\r\n.\r\n", "ERROR RESP_EBAD_STREAM @4 consumed=4\n"),
        EC("*?\r\n*1\r\n.\r\n", "ERROR RESP_EBAD_STREAM @8 consumed=8\n"),
        EC("$?\r\n+a\r\n", "ERROR RESP_EBAD_STREAM @4 consumed=4\n"),
        EC("$?\r\n.\r\n", "ERROR RESP_EBAD_STREAM @4 consumed=4\n"),
        EC("*?\r\n$?\r\n.\r\n", "ERROR RESP_EBAD_STREAM @8 consumed=8\n"),
        EC("*?\r\n.x", "ERROR RESP_EBAD_STREAM @5 consumed=4\n"),
        EC("%?\r\n+a\r\n:1\r\n+b\r\n.\r\n", "ERROR RESP_EBAD_STREAM @16 consumed=16\n"),
        EC("|?\r\n+a\r\n.\r\n", "ERROR RESP_EBAD_STREAM @8 consumed=8\n"),
        /* an attribute with nothing after it to describe */
        EC("*?\r\n|1\r\n+a\r\n+b\r\n.\r\n", "ERROR RESP_EBAD_STREAM @16 consumed=16\n"),
        EC("*?\r\n|0\r\n.\r\n", "ERROR RESP_EBAD_STREAM @8 consumed=8\n"),
        /* CR or LF inside simple strings */
        EC("+a\nb\r\n", "ERROR RESP_EBAD_STRING @2 consumed=0\n"),
        EC("-ERR\n\r\n", "ERROR RESP_EBAD_STRING @4 consumed=0\n"),
        EC("+\n", "ERROR RESP_EBAD_STRING @1 consumed=0\n"),
        EC("+ab\rc\r\n", "ERROR RESP_EBAD_LINE_END @4 consumed=0\n"),
    };
    run_error_cases(&defaults, cases, sizeof cases / sizeof cases[0]);
}

/* What came before an error was reported, and is consumed. */
static void test_error_after_events(void **state) {
    (void)state;
    EXPECT("+OK\r\n*3\r\n:1\r\n$2\r\nab\r\n:x\r\n",
           "S simple-string d0 \"OK\" @0\nCOMPLETE @5\nB array d0 i=3 @5\n"
           "S integer d1 i=1 \"1\" @9\nS bulk-string d1 \"ab\" @13\n"
           "ERROR RESP_EBAD_INTEGER @22 consumed=21\n");
    /* The error is reported as soon as the bad byte arrives: nothing
     * after it is needed (the input ends there). */
    EXPECT("*2\r\n$5\r\nhelloX", "B array d0 i=2 @0\nERROR RESP_EBAD_LINE_END @13 consumed=4\n");
    EXPECT(":12345678901234567890", "ERROR RESP_EBAD_INTEGER @20 consumed=0\n");
}

/* ---- limits ---- */

static void test_limit_size(void **state) {
    (void)state;
    resp_reply_options o = {.max_bulk_len = 10};
    drive_cfg cfg = {.opts = &o};
    static const error_case cases[] = {
        /* Headers fail before any payload arrives. */
        EC("$11\r\n", "ERROR RESP_ELIMIT_SIZE @2 consumed=0\n"),
        EC("$100", "ERROR RESP_ELIMIT_SIZE @3 consumed=0\n"),
        EC("$99999999999999999999999", "ERROR RESP_ELIMIT_SIZE @2 consumed=0\n"),
        EC("!11\r\n", "ERROR RESP_ELIMIT_SIZE @2 consumed=0\n"),
        EC("=11\r\n", "ERROR RESP_ELIMIT_SIZE @2 consumed=0\n"),
        EC("$?\r\n;11\r\n", "ERROR RESP_ELIMIT_SIZE @6 consumed=4\n"),
        EC("*1\r\n$11\r\n", "ERROR RESP_ELIMIT_SIZE @6 consumed=4\n"),
        /* Lines: more than 10 bytes without a CR. */
        EC("+0123456789A", "ERROR RESP_ELIMIT_SIZE @11 consumed=0\n"),
        EC("-0123456789A", "ERROR RESP_ELIMIT_SIZE @11 consumed=0\n"),
        EC("(01234567890", "ERROR RESP_ELIMIT_SIZE @11 consumed=0\n"),
        EC(",01234567890", "ERROR RESP_ELIMIT_SIZE @11 consumed=0\n"),
        /* An LF before the limit is found first. */
        EC("+012345678\nA", "ERROR RESP_EBAD_STRING @10 consumed=0\n"),
        EC("+0123456789\n", "ERROR RESP_EBAD_STRING @11 consumed=0\n"),
        /* A line longer than the double syntax allows (400 bytes) but
         * under the size limit is a bad double. */
    };
    run_error_cases(&cfg, cases, sizeof cases / sizeof cases[0]);
    /* Exactly at the limit. */
    EXPECT_CFG(&cfg, "$10\r\n0123456789\r\n+0123456789\r\n(0123456789\r\n",
               "S bulk-string d0 \"0123456789\" @0\nCOMPLETE @17\n"
               "S simple-string d0 \"0123456789\" @17\nCOMPLETE @30\n"
               "S big-number d0 \"0123456789\" @30\nCOMPLETE @43\nINCOMPLETE consumed=43\n");
    /* A 401-byte double line under the default size limit. */
    char in[402];
    in[0] = ',';
    memset(in + 1, '1', 401);
    expect_last_cfg(&defaults, in, sizeof in, "ERROR RESP_EBAD_DOUBLE @401 consumed=0\n");
    /* max_bulk_len at its largest: the length overflows before the
     * limit is reached. */
    resp_reply_options big = {.max_bulk_len = 9223372036854775807LL};
    drive_cfg bigcfg = {.opts = &big};
    EXPECT_LAST(&bigcfg, "$9223372036854775808\r\n", "ERROR RESP_EBAD_LENGTH @19 consumed=0\n");
    EXPECT_LAST(&bigcfg, "$9223372036854775807\r\n", "INCOMPLETE consumed=0\n");
    EXPECT_LAST(&bigcfg, "$10000000000000000000", "ERROR RESP_EBAD_LENGTH @20 consumed=0\n");
    EXPECT_LAST(&bigcfg, "$1000000000000000000\r\n", "INCOMPLETE consumed=0\n");
}

static void test_limit_count(void **state) {
    (void)state;
    resp_reply_options o = {.max_elements = 4};
    drive_cfg cfg = {.opts = &o};
    static const error_case cases[] = {
        EC("*5\r\n", "ERROR RESP_ELIMIT_COUNT @1 consumed=0\n"),
        EC("*10\r\n", "ERROR RESP_ELIMIT_COUNT @2 consumed=0\n"),
        EC("~5\r\n", "ERROR RESP_ELIMIT_COUNT @1 consumed=0\n"),
        EC(">5\r\n", "ERROR RESP_ELIMIT_COUNT @1 consumed=0\n"),
        /* Pairs count twice. */
        EC("%3\r\n", "ERROR RESP_ELIMIT_COUNT @1 consumed=0\n"),
        EC("|3\r\n", "ERROR RESP_ELIMIT_COUNT @1 consumed=0\n"),
        /* Streamed: the fifth element fails as soon as it starts. */
        EC("*?\r\n:1\r\n:2\r\n:3\r\n:4\r\n:", "ERROR RESP_ELIMIT_COUNT @20 consumed=20\n"),
        EC("%?\r\n:1\r\n:2\r\n:3\r\n:4\r\n$", "ERROR RESP_ELIMIT_COUNT @20 consumed=20\n"),
    };
    run_error_cases(&cfg, cases, sizeof cases / sizeof cases[0]);
    /* At the limit; the end marker and attributes are not elements. */
    EXPECT_LAST(&cfg, "*4\r\n:1\r\n:2\r\n:3\r\n:4\r\n", "INCOMPLETE consumed=20\n");
    EXPECT_LAST(&cfg, "%2\r\n:1\r\n:2\r\n:3\r\n:4\r\n", "INCOMPLETE consumed=20\n");
    EXPECT_LAST(&cfg, "*?\r\n:1\r\n:2\r\n:3\r\n|1\r\n+a\r\n+b\r\n:4\r\n.\r\n",
                "INCOMPLETE consumed=35\n");
    /* Odd limit: 2 pairs fit in 5 elements, 3 do not. */
    resp_reply_options five = {.max_elements = 5};
    drive_cfg fivecfg = {.opts = &five};
    EXPECT_LAST(&fivecfg, "%2\r\n", "INCOMPLETE consumed=4\n");
    EXPECT_LAST(&fivecfg, "%3\r\n", "ERROR RESP_ELIMIT_COUNT @1 consumed=0\n");
    /* Default: 2^31 - 1. */
    EXPECT_LAST(&defaults, "*2147483647\r\n", "INCOMPLETE consumed=13\n");
    EXPECT_LAST(&defaults, "*2147483648\r\n", "ERROR RESP_ELIMIT_COUNT @10 consumed=0\n");
    EXPECT_LAST(&defaults, "%1073741824\r\n", "ERROR RESP_ELIMIT_COUNT @10 consumed=0\n");
    EXPECT_LAST(&defaults, "*99999999999999999999\r\n", "ERROR RESP_ELIMIT_COUNT @10 consumed=0\n");
    /* At the largest limit, overflow is a bad length. */
    resp_reply_options big = {.max_elements = 9223372036854775807LL};
    drive_cfg bigcfg = {.opts = &big};
    EXPECT_LAST(&bigcfg, "*99999999999999999999\r\n", "ERROR RESP_EBAD_LENGTH @19 consumed=0\n");
    EXPECT_LAST(&bigcfg, "%9223372036854775807\r\n", "ERROR RESP_ELIMIT_COUNT @19 consumed=0\n");
}

static char *nested(int levels, const char *leaf, size_t *len) {
    size_t leaflen = strlen(leaf);
    char *s = malloc((size_t)levels * 4 + leaflen + 1);
    assert_non_null(s);
    for (int i = 0; i < levels; i++) memcpy(s + 4 * i, "*1\r\n", 4);
    memcpy(s + 4 * (size_t)levels, leaf, leaflen + 1);
    *len = (size_t)levels * 4 + leaflen;
    return s;
}

static void expect_nesting(drive_cfg *cfg, int levels, const char *last) {
    size_t len;
    char *in = nested(levels, ":1\r\n", &len);
    expect_last_cfg(cfg, in, len, last);
    free(in);
}

static void test_limit_depth(void **state) {
    (void)state;
    resp_reply_options o = {.max_depth = 3};
    drive_cfg cfg = {.opts = &o};
    EXPECT_CFG(&cfg, "*1\r\n*1\r\n*1\r\n:1\r\n",
               "B array d0 i=1 @0\nB array d1 i=1 @4\nB array d2 i=1 @8\n"
               "S integer d3 i=1 \"1\" @12\nE array d2 @16\nE array d1 @16\nE array d0 @16\n"
               "COMPLETE @16\nINCOMPLETE consumed=16\n");
    EXPECT_CFG(&cfg, "*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",
               "B array d0 i=1 @0\nB array d1 i=1 @4\nB array d2 i=1 @8\n"
               "ERROR RESP_ELIMIT_DEPTH @12 consumed=12\n");
    static const error_case cases[] = {
        /* Empty aggregates and attributes count; nulls do not. */
        EC("*1\r\n*1\r\n*1\r\n*0\r\n", "ERROR RESP_ELIMIT_DEPTH @12 consumed=12\n"),
        EC("*1\r\n*1\r\n*1\r\n|0\r\n", "ERROR RESP_ELIMIT_DEPTH @12 consumed=12\n"),
        EC("*1\r\n*1\r\n*1\r\n*?\r\n", "ERROR RESP_ELIMIT_DEPTH @12 consumed=12\n"),
        EC("*1\r\n*1\r\n*1\r\n*-1\r\n", "INCOMPLETE consumed=17\n"),
        EC("*1\r\n*1\r\n*1\r\n$?\r\n;1\r\na\r\n;0\r\n", "INCOMPLETE consumed=27\n"),
        EC("*1\r\n*1\r\n|1\r\n+a\r\n+b\r\n*1\r\n:1\r\n", "INCOMPLETE consumed=28\n"),
        /* The check needs the whole header: "*-1" is a null. */
        EC("*1\r\n*1\r\n*1\r\n*x", "ERROR RESP_EBAD_LENGTH @13 consumed=12\n"),
    };
    run_error_cases(&cfg, cases, sizeof cases / sizeof cases[0]);
}

/* 128 levels, the hard ceiling; the parser keeps its own stack. */
static void test_deep_nesting(void **state) {
    (void)state;
    resp_reply_options o = {.max_depth = 128};
    drive_cfg cfg = {.opts = &o};
    expect_nesting(&cfg, 128, "INCOMPLETE consumed=516\n");
    expect_nesting(&cfg, 129, "ERROR RESP_ELIMIT_DEPTH @512 consumed=512\n");
    /* The whole transcript of 128 levels. */
    size_t len;
    char *in = nested(128, ":1\r\n", &len);
    char *got = run_cfg(&cfg, in, len);
    assert_non_null(strstr(got, "B array d127 i=1 @508\nS integer d128 i=1 \"1\" @512\n"
                                "E array d127 @516\nE array d126 @516\n"));
    assert_non_null(strstr(got, "E array d0 @516\nCOMPLETE @516\n"));
    free(got);
    free(in);
    /* Streamed, 128 levels deep, then closed. */
    char deep[128 * 4 + 128 * 3 + 1];
    for (int i = 0; i < 128; i++) memcpy(deep + 4 * i, "*?\r\n", 4);
    for (int i = 0; i < 128; i++) memcpy(deep + 512 + 3 * i, ".\r\n", 3);
    expect_last_cfg(&cfg, deep, 896, "INCOMPLETE consumed=896\n");
}

static void test_options(void **state) {
    (void)state;
    /* Defaults: depth 64. */
    expect_nesting(&defaults, 64, "INCOMPLETE consumed=260\n");
    expect_nesting(&defaults, 65, "ERROR RESP_ELIMIT_DEPTH @256 consumed=256\n");
    /* Zero and negative values mean the defaults. */
    resp_reply_options neg = {.max_bulk_len = -1, .max_elements = -5, .max_depth = -3};
    drive_cfg negcfg = {.opts = &neg};
    expect_nesting(&negcfg, 65, "ERROR RESP_ELIMIT_DEPTH @256 consumed=256\n");
    EXPECT_LAST(&negcfg, "$536870912\r\n", "INCOMPLETE consumed=0\n");
    EXPECT_LAST(&negcfg, "$536870913\r\n", "ERROR RESP_ELIMIT_SIZE @9 consumed=0\n");
    EXPECT_LAST(&negcfg, "*2147483648\r\n", "ERROR RESP_ELIMIT_COUNT @10 consumed=0\n");
    resp_reply_options zero = {0};
    drive_cfg zerocfg = {.opts = &zero};
    EXPECT_LAST(&zerocfg, "$536870913\r\n", "ERROR RESP_ELIMIT_SIZE @9 consumed=0\n");
    /* max_depth above the ceiling is capped at 128. */
    resp_reply_options huge = {.max_depth = 1000};
    drive_cfg hugecfg = {.opts = &huge};
    expect_nesting(&hugecfg, 128, "INCOMPLETE consumed=516\n");
    expect_nesting(&hugecfg, 129, "ERROR RESP_ELIMIT_DEPTH @512 consumed=512\n");
    /* max_depth 1: flat aggregates only. */
    resp_reply_options flat = {.max_depth = 1};
    drive_cfg flatcfg = {.opts = &flat};
    EXPECT_LAST(&flatcfg, "*2\r\n:1\r\n:2\r\n", "INCOMPLETE consumed=12\n");
    EXPECT_LAST(&flatcfg, "*1\r\n*0\r\n", "ERROR RESP_ELIMIT_DEPTH @4 consumed=4\n");
}

/* ---- driver-level behaviour ---- */

static void test_pipelined(void **state) {
    (void)state;
    EXPECT("+OK\r\n:1\r\n$3\r\nfoo\r\n*1\r\n+a\r\n_\r\n+partial",
           "S simple-string d0 \"OK\" @0\nCOMPLETE @5\n"
           "S integer d0 i=1 \"1\" @5\nCOMPLETE @9\n"
           "S bulk-string d0 \"foo\" @9\nCOMPLETE @18\n"
           "B array d0 i=1 @18\nS simple-string d1 \"a\" @22\nE array d0 @26\nCOMPLETE @26\n"
           "S null d0 null=resp3 @26\nCOMPLETE @29\nINCOMPLETE consumed=29\n");
}

/* Each call stops after one reply, even with more bytes in the buffer. */
static void test_one_reply_per_call(void **state) {
    (void)state;
    static const char in[] = ":1\r\n:2\r\n:3\r\n";
    resp_reply_parser p;
    resp_reply_init(&p, NULL);
    const char *g = guard_place(in, sizeof in - 1);
    size_t consumed = 0;
    assert_int_equal(resp_reply_parse(&p, g, 12, &consumed, NULL, NULL), RESP_REPLY_COMPLETE);
    assert_int_equal(consumed, 4);
    assert_int_equal(resp_reply_parse(&p, g + 4, 8, &consumed, NULL, NULL), RESP_REPLY_COMPLETE);
    assert_int_equal(consumed, 4);
    assert_int_equal(resp_reply_parse(&p, g + 8, 4, &consumed, NULL, NULL), RESP_REPLY_COMPLETE);
    assert_int_equal(consumed, 4);
    assert_int_equal(resp_reply_parse(&p, g + 12, 0, &consumed, NULL, NULL),
                     RESP_REPLY_INCOMPLETE);
    assert_int_equal(consumed, 0);
    /* Empty input and a NULL buffer of length 0 are fine. */
    assert_int_equal(resp_reply_parse(&p, NULL, 0, &consumed, NULL, NULL), RESP_REPLY_INCOMPLETE);
    assert_int_equal(resp_reply_error(&p), RESP_OK);
}

static void test_sticky_error_and_reset(void **state) {
    (void)state;
    /* The driver also checks that a second call returns ERROR with
     * nothing consumed; after reset, offsets start again at 0. */
    static const char again[] = "+fine\r\n*1\r\n:2\r\n";
    drive_cfg cfg = {.after_reset = again, .after_reset_len = sizeof again - 1};
    EXPECT_CFG(&cfg, ":1\r\n:x\r\n",
               "S integer d0 i=1 \"1\" @0\nCOMPLETE @4\n"
               "ERROR RESP_EBAD_INTEGER @5 consumed=4\nRESET\n"
               "S simple-string d0 \"fine\" @0\nCOMPLETE @7\n"
               "B array d0 i=1 @7\nS integer d1 i=2 \"2\" @11\nE array d0 @15\nCOMPLETE @15\n"
               "INCOMPLETE consumed=15\n");
    /* Reset in the middle of an aggregate and a streamed string. */
    EXPECT_CFG(&cfg, "*3\r\n$?\r\n;1\r\na\r\n.",
               "B array d0 i=3 @0\nB bulk-string d1 streamed i=-1 @4\n"
               "C bulk-string d1 streamed \"a\" @8\n"
               "ERROR RESP_EBAD_STREAM @15 consumed=15\nRESET\n"
               "S simple-string d0 \"fine\" @0\nCOMPLETE @7\n"
               "B array d0 i=1 @7\nS integer d1 i=2 \"2\" @11\nE array d0 @15\nCOMPLETE @15\n"
               "INCOMPLETE consumed=15\n");

    resp_reply_parser p;
    resp_reply_init(&p, NULL);
    size_t consumed = 7;
    const char *g = guard_place("?", 1);
    assert_int_equal(resp_reply_parse(&p, g, 1, &consumed, NULL, NULL), RESP_REPLY_ERROR);
    assert_int_equal(consumed, 0);
    assert_int_equal(resp_reply_error(&p), RESP_EBAD_TYPE);
    assert_int_equal(resp_reply_error_offset(&p), 0);
    g = guard_place("+OK\r\n", 5);
    assert_int_equal(resp_reply_parse(&p, g, 5, &consumed, NULL, NULL), RESP_REPLY_ERROR);
    assert_int_equal(resp_reply_error(&p), RESP_EBAD_TYPE);
    resp_reply_reset(&p);
    assert_int_equal(resp_reply_error(&p), RESP_OK);
    assert_int_equal(resp_reply_error_offset(&p), 0);
    assert_int_equal(resp_reply_parse(&p, g, 5, &consumed, NULL, NULL), RESP_REPLY_COMPLETE);
    assert_int_equal(consumed, 5);
    /* A NULL buffer with bytes is a caller error, sticky too. */
    assert_int_equal(resp_reply_parse(&p, NULL, 3, &consumed, NULL, NULL), RESP_REPLY_ERROR);
    assert_int_equal(resp_reply_error(&p), RESP_EINVAL);
    assert_int_equal(resp_reply_error_offset(&p), 5);
}

static void test_callback_refusal(void **state) {
    (void)state;
    /* Refusing a scalar: its bytes are not consumed. */
    drive_cfg cfg = {.refuse_at = 3, .refuse_code = RESP_EABORTED};
    EXPECT_CFG(&cfg, "*3\r\n:1\r\n:2\r\n:3\r\n",
               "B array d0 i=3 @0\nS integer d1 i=1 \"1\" @4\nS integer d1 i=2 \"2\" @8\n"
               "ERROR RESP_EABORTED @8 consumed=8\n");
    /* Refusing an END: its offset is the aggregate's end. */
    drive_cfg endcfg = {.refuse_at = 3, .refuse_code = RESP_EABORTED};
    EXPECT_CFG(&endcfg, "*1\r\n+a\r\n",
               "B array d0 i=1 @0\nS simple-string d1 \"a\" @4\nE array d0 @8\n"
               "ERROR RESP_EABORTED @8 consumed=8\n");
    /* Any code is kept as it is. */
    drive_cfg other = {.refuse_at = 1, .refuse_code = RESP_ENOMEM};
    EXPECT_CFG(&other, "+OK\r\n", "S simple-string d0 \"OK\" @0\nERROR RESP_ENOMEM @0 consumed=0\n");
    drive_cfg chunk = {.refuse_at = 2, .refuse_code = RESP_ELIMIT_SIZE};
    EXPECT_CFG(&chunk, "$?\r\n;1\r\na\r\n;0\r\n",
               "B bulk-string d0 streamed i=-1 @0\nC bulk-string d0 streamed \"a\" @4\n"
               "ERROR RESP_ELIMIT_SIZE @4 consumed=4\n");
    drive_cfg streamend = {.refuse_at = 2, .refuse_code = RESP_EABORTED};
    EXPECT_CFG(&streamend, "*?\r\n.\r\n",
               "B array d0 streamed i=-1 @0\nE array d0 streamed @7\n"
               "ERROR RESP_EABORTED @7 consumed=4\n");
    drive_cfg begin = {.refuse_at = 1, .refuse_code = RESP_EABORTED};
    EXPECT_CFG(&begin, "|1\r\n+a\r\n+b\r\n",
               "B attribute d0 i=1 @0\nERROR RESP_EABORTED @0 consumed=0\n");
}

static void test_null_callback(void **state) {
    (void)state;
    drive_cfg cfg = {.no_cb = 1};
    EXPECT_CFG(&cfg,
               "|1\r\n+a\r\n,1.5\r\n*2\r\n$?\r\n;1\r\na\r\n;0\r\n%?\r\n.\r\n,nan\r\n"
               "=8\r\ntxt:abcd\r\n",
               "COMPLETE @40\nCOMPLETE @46\nCOMPLETE @60\nINCOMPLETE consumed=60\n");
    EXPECT_CFG(&cfg, "*2\r\n:1\r\n,1.x\r\n", "ERROR RESP_EBAD_DOUBLE @11 consumed=8\n");
}

/* A 1 MiB simple string fed one byte at a time: each call searches only
 * the new byte, so the whole run is linear. */
static void test_long_line_bytewise(void **state) {
    (void)state;
    const size_t body = (size_t)1 << 20;
    const size_t len = body + 3;
    char *in = malloc(len);
    assert_non_null(in);
    in[0] = '+';
    memset(in + 1, 'x', body);
    in[body + 1] = '\r';
    in[body + 2] = '\n';

    resp_reply_parser p;
    resp_reply_init(&p, NULL);
    clock_t t0 = clock();
    size_t consumed = 0;
    resp_reply_status st = RESP_REPLY_INCOMPLETE;
    for (size_t n = 1; n <= len; n++) {
        st = resp_reply_parse(&p, in, n, &consumed, NULL, NULL);
        if (n < len) {
            assert_int_equal(st, RESP_REPLY_INCOMPLETE);
            assert_int_equal(consumed, 0);
            /* Nothing is searched twice. */
            assert_int_equal(p.scan, n <= body + 1 ? n : body + 1);
        }
    }
    assert_int_equal(st, RESP_REPLY_COMPLETE);
    assert_int_equal(consumed, len);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    /* Quadratic rescanning would take minutes. */
    assert_true(secs < 20.0);

    /* The same with a big number, whose digits are checked as they come. */
    in[0] = '(';
    memset(in + 1, '7', body);
    resp_reply_reset(&p);
    for (size_t n = 1; n <= len; n++) st = resp_reply_parse(&p, in, n, &consumed, NULL, NULL);
    assert_int_equal(st, RESP_REPLY_COMPLETE);
    assert_int_equal(consumed, len);
    free(in);
}

/* A big bulk payload arriving in pieces is not consumed until whole. */
static void test_big_bulk_in_pieces(void **state) {
    (void)state;
    const size_t body = 100000;
    char *in = malloc(body + 16);
    assert_non_null(in);
    int h = snprintf(in, 16, "$%zu\r\n", body);
    memset(in + h, 'y', body);
    memcpy(in + (size_t)h + body, "\r\n", 2);
    size_t len = (size_t)h + body + 2;
    resp_reply_parser p;
    resp_reply_init(&p, NULL);
    size_t consumed = 0, n;
    resp_reply_status st = RESP_REPLY_INCOMPLETE;
    for (n = 1000; n < len; n += 1000) {
        st = resp_reply_parse(&p, guard_place(in, n), n, &consumed, NULL, NULL);
        assert_int_equal(st, RESP_REPLY_INCOMPLETE);
        assert_int_equal(consumed, 0);
    }
    st = resp_reply_parse(&p, guard_place(in, len), len, &consumed, NULL, NULL);
    assert_int_equal(st, RESP_REPLY_COMPLETE);
    assert_int_equal(consumed, len);
    free(in);
}

/* ---- random inputs ---- */

/* Raise for a longer hunt: -DREPLY_RANDOM_ITERS=100000 */
#ifndef REPLY_RANDOM_ITERS
#define REPLY_RANDOM_ITERS 1500
#endif

static uint64_t rnd_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void) { /* xorshift64 */
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* Soups of valid elements, headers, markers and stray bytes, some of them
 * mutated, under tight limits or none: whatever the outcome, it must not
 * depend on chunking, events must nest, and nothing is read past the
 * buffer. */
static void test_random_inputs(void **state) {
    (void)state;
    static const char *const tokens[] = {
        "+OK\r\n", "-ERR x\r\n", ":12\r\n", ":-1\r\n", "$3\r\nabc\r\n", "$0\r\n\r\n",
        "$-1\r\n", "*-1\r\n", "_\r\n", "#t\r\n", ",1.5\r\n", ",-inf\r\n", "(123\r\n",
        "!2\r\nab\r\n", "=5\r\ntxt:a\r\n", "*2\r\n", "*0\r\n", "%1\r\n", "~1\r\n", ">2\r\n",
        "|1\r\n", "*?\r\n", "%?\r\n", "~?\r\n", ">?\r\n", "|?\r\n", ".\r\n", "$?\r\n",
        ";2\r\nab\r\n", ";0\r\n", "$1\r\n", "*1\r\n", "*3\r\n", "%2\r\n",
    };
    static const char mutations[] = "\r\n\0+-:$*_#,(!=%~|>.;?0159aeit";
    const size_t ntokens = sizeof tokens / sizeof tokens[0];
    resp_reply_options tight = {.max_bulk_len = 4, .max_elements = 3, .max_depth = 3};
    drive_cfg cfgs[3] = {{.opts = NULL}, {.opts = &tight}, {.opts = &tight, .no_cb = 1}};
    char in[256];
    for (long iter = 0; iter < REPLY_RANDOM_ITERS; iter++) {
        size_t len = 0;
        int ntok = 1 + (int)(rnd() % 12);
        for (int k = 0; k < ntok; k++) {
            const char *tok = tokens[rnd() % ntokens];
            size_t tl = strlen(tok);
            memcpy(in + len, tok, tl);
            len += tl;
        }
        int nmut = (int)(rnd() % 6);
        nmut = nmut < 3 ? 0 : nmut - 2; /* half the inputs unmutated */
        for (int k = 0; k < nmut && len > 0; k++) {
            size_t at = (size_t)(rnd() % len);
            char c = mutations[rnd() % (sizeof mutations - 1)];
            switch (rnd() % 3) {
            case 0: in[at] = c; break;
            case 1: memmove(in + at + 1, in + at, len - at); in[at] = c; len++; break;
            default: memmove(in + at, in + at + 1, len - at - 1); len--; break;
            }
        }
        free(run_cfg(&cfgs[iter % 3], in, len));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_strings),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_bulk_strings),
        cmocka_unit_test(test_nulls),
        cmocka_unit_test(test_booleans),
        cmocka_unit_test(test_doubles),
        cmocka_unit_test(test_double_locale),
        cmocka_unit_test(test_big_numbers),
        cmocka_unit_test(test_bulk_errors_and_verbatim),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_partial_aggregate),
        cmocka_unit_test(test_maps_sets_push),
        cmocka_unit_test(test_real_redis_replies),
        cmocka_unit_test(test_attribute_top_level),
        cmocka_unit_test(test_attribute_in_aggregate),
        cmocka_unit_test(test_streamed_strings),
        cmocka_unit_test(test_streamed_aggregates),
        cmocka_unit_test(test_protocol_errors),
        cmocka_unit_test(test_error_after_events),
        cmocka_unit_test(test_limit_size),
        cmocka_unit_test(test_limit_count),
        cmocka_unit_test(test_limit_depth),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_pipelined),
        cmocka_unit_test(test_one_reply_per_call),
        cmocka_unit_test(test_sticky_error_and_reset),
        cmocka_unit_test(test_callback_refusal),
        cmocka_unit_test(test_null_callback),
        cmocka_unit_test(test_long_line_bytewise),
        cmocka_unit_test(test_big_bulk_in_pieces),
        cmocka_unit_test(test_random_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
