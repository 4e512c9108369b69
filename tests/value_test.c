/* tests/value_test.c - reply trees: the reader, freeing, equality.
 *
 * Reader inputs go through check_all_chunkings(): fed whole, one byte at
 * a time and split at every position, always from a buffer that ends
 * right before an unreadable page; every completed tree is printed with
 * resp_print_value() into the transcript, which must not change. */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <resp/printer.h>
#include <resp/value.h>
#include <resp/writer.h>

#include "testutil.h"

/* ---- the transcript driver ---- */

typedef struct driver {
    resp_reply_options opts;
    const resp_allocator *alloc;
} driver;

/* A client's read loop: append a chunk, take every complete reply, keep
 * the rest. */
static void reader_transcript(void *ctx, const char *in, size_t len, const size_t *cuts,
                              size_t ncuts, resp_buf *out) {
    const driver *d = ctx;
    resp_reader r;
    resp_reader_init(&r, &d->opts, d->alloc);
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
            static resp_value sentinel;
            resp_value *v = &sentinel; /* must be overwritten */
            resp_reply_status st = resp_reader_parse(&r, g, npending, &used, &v);
            assert_true(used <= npending);
            if (st == RESP_REPLY_COMPLETE) {
                assert_non_null(v);
                resp_print_value(out, v);
                resp_buf_append(out, "\n", 1);
                resp_value_free(v, d->alloc);
            } else {
                assert_null(v);
            }
            memmove(pending, pending + used, npending - used);
            npending -= used;
            if (st == RESP_REPLY_ERROR) {
                bufprintf(out, "error %s @%llu\n", resp_error_name(resp_reader_error(&r)),
                          (unsigned long long)resp_reply_error_offset(&r.parser));
                stopped = 1;
            }
            if (st != RESP_REPLY_COMPLETE) break;
        }
    }
    if (!stopped && npending > 0) bufprintf(out, "incomplete, %zu bytes kept\n", npending);
    resp_reader_free(&r);
    free(pending);
}

static void expect_transcript(driver *d, const char *in, size_t len, const char *want) {
    char *got = check_all_chunkings(reader_transcript, d, in, len);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "expected:\n%sgot:\n%s", want, got);
        free(got);
        fail_msg("transcript differs");
    }
    free(got);
}

static driver defaults;

#define EXPECT_READ(lit, want) expect_transcript(&defaults, (lit), sizeof(lit) - 1, (want))

/* ---- reading ---- */

static void test_read_scalars(void **state) {
    (void)state;
    EXPECT_READ("+OK\r\n-ERR x\r\n:0\r\n:-9223372036854775808\r\n$3\r\na\0b\r\n$0\r\n\r\n",
                "+\"OK\"\n-\"ERR x\"\n:0\n:-9223372036854775808\n$\"a\\x00b\"\n$\"\"\n");
    EXPECT_READ("$-1\r\n*-1\r\n_\r\n#t\r\n#f\r\n",
                "$-1\n*-1\n_\n#t\n#f\n");
    EXPECT_READ(",1.5\r\n,-0.25E3\r\n,inf\r\n,-inf\r\n,nan\r\n(-12345678901234567890\r\n",
                ",1.5\n,-0.25E3\n,inf\n,-inf\n,nan\n(-12345678901234567890\n");
    EXPECT_READ("!5\r\nERR\r\n\r\n=9\r\ntxt:hello\r\n",
                "!\"ERR\\r\\n\"\n=txt:\"hello\"\n");
}

static void test_read_scalar_fields(void **state) {
    (void)state;
    static const char in[] = "*6\r\n:-42\r\n,2.5\r\n#t\r\n$-1\r\n(7\r\n=6\r\nmkd:ab\r\n";
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used;
    resp_value *v;
    assert_int_equal(resp_reader_parse(&r, in, sizeof in - 1, &used, &v), RESP_REPLY_COMPLETE);
    assert_int_equal(used, sizeof in - 1);
    assert_int_equal(v->type, RESP_ARRAY);
    assert_int_equal(v->count, 6);
    assert_true(v->cap >= v->count);
    const resp_value *e = v->elems;
    assert_int_equal(e[0].integer, -42);
    assert_string_equal(e[0].str, "-42");
    assert_int_equal(e[0].len, 3);
    assert_true(e[1].dbl == 2.5);
    assert_string_equal(e[1].str, "2.5");
    assert_int_equal(e[2].integer, 1);
    assert_int_equal(e[3].type, RESP_NULL);
    assert_int_equal(e[3].null_kind, RESP_NULL_BULK);
    assert_string_equal(e[4].str, "7");
    assert_string_equal(e[5].str, "mkd:ab");
    assert_int_equal(e[5].len, 6);
    for (size_t i = 0; i < 6; i++) assert_null(e[i].attribute);
    resp_value_free(v, NULL);
    resp_reader_free(&r);
}

static void test_read_aggregates(void **state) {
    (void)state;
    EXPECT_READ("*0\r\n%0\r\n~0\r\n>0\r\n", "*[]\n%{}\n~[]\n>[]\n");
    EXPECT_READ("*3\r\n:1\r\n*2\r\n$1\r\na\r\n*0\r\n%1\r\n+k\r\n~1\r\n_\r\n",
                "*[:1 *[$\"a\" *[]] %{+\"k\"=>~[_]}]\n");
    EXPECT_READ(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n*1\r\n:1\r\n",
                ">[$\"message\" $\"ch\" $\"hi\"]\n*[:1]\n");
    /* Many elements: the element array grows as they arrive. */
    char big[4096];
    size_t n = (size_t)snprintf(big, sizeof big, "*300\r\n");
    for (int i = 0; i < 300; i++) n += (size_t)snprintf(big + n, sizeof big - n, ":%d\r\n", i % 10);
    char want[1024];
    size_t w = 0;
    want[w++] = '*';
    want[w++] = '[';
    for (int i = 0; i < 300; i++) {
        if (i) want[w++] = ' ';
        want[w++] = ':';
        want[w++] = (char)('0' + i % 10);
    }
    memcpy(want + w, "]\n", 3);
    expect_transcript(&defaults, big, n, want);
}

static void test_read_attributes(void **state) {
    (void)state;
    /* Top level, then on aggregate elements, keys and values. */
    EXPECT_READ("|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n:5\r\n",
                "|{+\"ttl\"=>:3} $\"v\"\n:5\n");
    EXPECT_READ("*2\r\n|1\r\n+a\r\n:1\r\n:1\r\n|1\r\n+b\r\n:2\r\n*1\r\n:2\r\n",
                "*[|{+\"a\"=>:1} :1 |{+\"b\"=>:2} *[:2]]\n");
    EXPECT_READ("%1\r\n|1\r\n+k\r\n#t\r\n+x\r\n|1\r\n+v\r\n#f\r\n+y\r\n",
                "%{|{+\"k\"=>#t} +\"x\"=>|{+\"v\"=>#f} +\"y\"}\n");
    /* Inside an attribute, and consecutive attributes (merged). */
    EXPECT_READ("|1\r\n|1\r\n+a\r\n:1\r\n+k\r\n*1\r\n|1\r\n+b\r\n:2\r\n:0\r\n_\r\n",
                "|{|{+\"a\"=>:1} +\"k\"=>*[|{+\"b\"=>:2} :0]} _\n");
    EXPECT_READ("|1\r\n+a\r\n:1\r\n|2\r\n+b\r\n:2\r\n+c\r\n:3\r\n:4\r\n",
                "|{+\"a\"=>:1 +\"b\"=>:2 +\"c\"=>:3} :4\n");
    EXPECT_READ("|0\r\n|0\r\n|0\r\n:1\r\n", "|{} :1\n");
}

static void test_read_attribute_links(void **state) {
    (void)state;
    static const char in[] = "|1\r\n+a\r\n:1\r\n*1\r\n|1\r\n+b\r\n:2\r\n$1\r\nx\r\n";
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used;
    resp_value *v;
    assert_int_equal(resp_reader_parse(&r, in, sizeof in - 1, &used, &v), RESP_REPLY_COMPLETE);
    assert_int_equal(v->type, RESP_ARRAY);
    assert_int_equal(v->count, 1);
    assert_non_null(v->attribute);
    assert_int_equal(v->attribute->type, RESP_ATTRIBUTE);
    assert_int_equal(v->attribute->count, 2);
    assert_string_equal(v->attribute->elems[0].str, "a");
    assert_null(v->attribute->attribute);
    const resp_value *x = &v->elems[0];
    assert_int_equal(x->type, RESP_BULK_STRING);
    assert_non_null(x->attribute);
    assert_int_equal(x->attribute->elems[1].integer, 2);
    resp_value_free(v, NULL);
    resp_reader_free(&r);
}

static void test_read_streamed(void **state) {
    (void)state;
    EXPECT_READ("$?\r\n;3\r\nabc\r\n;2\r\nde\r\n;0\r\n", "$?\"abcde\"\n");
    EXPECT_READ("$?\r\n;0\r\n", "$?\"\"\n");
    EXPECT_READ("*?\r\n:1\r\n$?\r\n;1\r\nx\r\n;0\r\n.\r\n", "*?[:1 $?\"x\"]\n");
    EXPECT_READ("*?\r\n.\r\n%?\r\n+k\r\n~?\r\n.\r\n.\r\n", "*?[]\n%?{+\"k\"=>~?[]}\n");
    EXPECT_READ("|?\r\n+a\r\n$?\r\n;1\r\n\n\r\n;0\r\n.\r\n>?\r\n+m\r\n.\r\n",
                "|?{+\"a\"=>$?\"\\n\"} >?[+\"m\"]\n");
    /* A long streamed string in many chunks. */
    resp_buf in, want;
    resp_buf_init(&in, NULL);
    resp_buf_init(&want, NULL);
    resp_buf_append(&in, "*2\r\n$?\r\n", 8);
    resp_buf_append(&want, "*[$?\"", 5);
    for (int i = 0; i < 40; i++) {
        bufprintf(&in, ";%d\r\n", i + 1);
        for (int j = 0; j <= i; j++) {
            char c = (char)('a' + (i + j) % 26);
            resp_buf_append(&in, &c, 1);
            resp_buf_append(&want, &c, 1);
        }
        resp_buf_append(&in, "\r\n", 2);
    }
    resp_buf_append(&in, ";0\r\n:9\r\n", 8);
    resp_buf_append(&want, "\" :9]\n", 7);
    expect_transcript(&defaults, in.data, in.len, want.data);
    resp_buf_free(&in);
    resp_buf_free(&want);
}

static void test_read_streamed_fields(void **state) {
    (void)state;
    static const char in[] = "$?\r\n;2\r\nab\r\n;3\r\ncde\r\n;0\r\n";
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used;
    resp_value *v;
    assert_int_equal(resp_reader_parse(&r, in, sizeof in - 1, &used, &v), RESP_REPLY_COMPLETE);
    assert_int_equal(v->type, RESP_BULK_STRING);
    assert_int_equal(v->streamed, 1);
    assert_int_equal(v->len, 5);
    assert_string_equal(v->str, "abcde");
    resp_value_free(v, NULL);
    resp_reader_free(&r);
}

static void test_read_errors(void **state) {
    (void)state;
    /* Replies before the bad byte come out; the error stays. */
    EXPECT_READ("+OK\r\n*2\r\n:1\r\n@\r\n", "+\"OK\"\nerror RESP_EBAD_TYPE @13\n");
    EXPECT_READ("*2\r\n|1\r\n+a\r\n$?\r\n;1\r\nx\r\n;0\r\n:x\r\n",
                "error RESP_EBAD_INTEGER @28\n");
    /* Reported elements are consumed; only a partial one is kept. */
    EXPECT_READ("*3\r\n:1\r\n:12", "incomplete, 3 bytes kept\n");
    EXPECT_READ("$?\r\n;1\r\na\r\n", "");
    EXPECT_READ("*1\r\n|1\r\n+a\r\n:1\r\n", "");
}

static void test_read_depth(void **state) {
    (void)state;
    driver d = defaults;
    d.opts.max_depth = RESP_REPLY_DEPTH_MAX;
    resp_buf in, want;
    resp_buf_init(&in, NULL);
    resp_buf_init(&want, NULL);
    for (int i = 0; i < RESP_REPLY_DEPTH_MAX; i++) {
        resp_buf_append(&in, i % 2 ? "|1\r\n+a\r\n:1\r\n*1\r\n" : "*1\r\n", i % 2 ? 16 : 4);
        resp_buf_append(&want, i % 2 ? "|{+\"a\"=>:1} *[" : "*[", i % 2 ? 14 : 2);
    }
    resp_buf_append(&in, "$?\r\n;1\r\nx\r\n;0\r\n", 15);
    resp_buf_append(&want, "$?\"x\"", 5);
    for (int i = 0; i < RESP_REPLY_DEPTH_MAX; i++) resp_buf_append(&want, "]", 1);
    resp_buf_append(&want, "\n", 2);
    expect_transcript(&d, in.data, in.len, want.data);

    /* The tree at the ceiling writes back and compares equal. */
    resp_reader r;
    resp_reader_init(&r, &d.opts, NULL);
    size_t used;
    resp_value *v;
    assert_int_equal(resp_reader_parse(&r, in.data, in.len, &used, &v), RESP_REPLY_COMPLETE);
    resp_buf out;
    resp_buf_init(&out, NULL);
    assert_int_equal(resp_write_value(&out, 3, v), RESP_OK);
    resp_value *v2;
    assert_int_equal(resp_reader_parse(&r, out.data, out.len, &used, &v2), RESP_REPLY_COMPLETE);
    assert_true(resp_value_equal(v, v2));
    resp_value_free(v, NULL);
    resp_value_free(v2, NULL);
    resp_buf_free(&out);
    resp_reader_free(&r);

    /* One level more is the parser's depth error. */
    resp_buf_clear(&in);
    for (int i = 0; i <= RESP_REPLY_DEPTH_MAX; i++) resp_buf_append(&in, "*1\r\n", 4);
    resp_buf_append(&in, ":1\r\n", 4);
    char *got = check_all_chunkings(reader_transcript, &d, in.data, in.len);
    assert_string_equal(got, "error RESP_ELIMIT_DEPTH @512\n");
    free(got);
    resp_buf_free(&in);
    resp_buf_free(&want);
}

/* ---- allocation ---- */

static const char nested[] =
    "|1\r\n+ttl\r\n$?\r\n;2\r\n10\r\n;0\r\n"
    "*4\r\n"
    "$?\r\n;5\r\nhello\r\n;6\r\n world\r\n;0\r\n"
    "%2\r\n|1\r\n+k\r\n,1.5\r\n+a\r\n*?\r\n:1\r\n$?\r\n;3\r\nxyz\r\n;0\r\n.\r\n"
    "(123\r\n|?\r\n+b\r\n~1\r\n#t\r\n+c\r\n:0\r\n.\r\n=9\r\ntxt:hello\r\n"
    "!3\r\nERR\r\n"
    "|1\r\n+x\r\n_\r\n>2\r\n$?\r\n;1\r\np\r\n;0\r\n:-1\r\n";

static const char nested_printed[] =
    "|{+\"ttl\"=>$?\"10\"} *[$?\"hello world\" %{|{+\"k\"=>,1.5} +\"a\"=>*?[:1 $?\"xyz\"] "
    "(123=>|?{+\"b\"=>~[#t] +\"c\"=>:0} =txt:\"hello\"} !\"ERR\" |{+\"x\"=>_} >[$?\"p\" :-1]]";

typedef struct alloc_ctx {
    int bytewise;
} alloc_ctx;

static int reader_alloc_body(void *ctx, test_alloc *ta) {
    const alloc_ctx *c = ctx;
    resp_reader r;
    resp_reader_init(&r, NULL, &ta->base);
    size_t len = sizeof nested - 1, fed = 0, start = 0;
    resp_value *v = NULL;
    resp_reply_status st = RESP_REPLY_INCOMPLETE;
    while (st == RESP_REPLY_INCOMPLETE && fed < len) {
        fed = c->bytewise ? fed + 1 : len;
        size_t used;
        st = resp_reader_parse(&r, nested + start, fed - start, &used, &v);
        start += used;
    }
    int bad = 0;
    if (ta->failed) {
        if (st != RESP_REPLY_ERROR || resp_reader_error(&r) != RESP_ENOMEM || v != NULL) bad = 1;
        /* The error is sticky. */
        size_t used;
        if (resp_reader_parse(&r, "+OK\r\n", 5, &used, &v) != RESP_REPLY_ERROR) bad = 1;
    } else {
        resp_buf out;
        resp_buf_init(&out, NULL);
        if (st != RESP_REPLY_COMPLETE || resp_print_value(&out, v) != RESP_OK ||
            out.len != sizeof nested_printed - 1 ||
            memcmp(out.data, nested_printed, out.len) != 0)
            bad = 1;
        resp_buf_free(&out);
        resp_value_free(v, &ta->base);
    }
    resp_reader_free(&r);
    return bad;
}

static void test_alloc_failure(void **state) {
    (void)state;
    char *got = check_all_chunkings(reader_transcript, &defaults, nested, sizeof nested - 1);
    assert_int_equal(strlen(got), sizeof nested_printed);
    assert_memory_equal(got, nested_printed, sizeof nested_printed - 1);
    free(got);

    alloc_ctx whole = {0}, bytewise = {1};
    long runs = test_alloc_each_failure(reader_alloc_body, &whole);
    assert_true(runs > 20);
    assert_true(test_alloc_each_failure(reader_alloc_body, &bytewise) > 20);
}

/* Records the largest single request. */
typedef struct sized_alloc {
    resp_allocator base;
    test_alloc counting;
    size_t largest;
} sized_alloc;

static void *sz_malloc(void *ctx, size_t n) {
    sized_alloc *a = ctx;
    if (n > a->largest) a->largest = n;
    return a->counting.base.malloc(&a->counting, n);
}

static void *sz_realloc(void *ctx, void *p, size_t n) {
    sized_alloc *a = ctx;
    if (n > a->largest) a->largest = n;
    return a->counting.base.realloc(&a->counting, p, n);
}

static void sz_free(void *ctx, void *p) {
    sized_alloc *a = ctx;
    a->counting.base.free(&a->counting, p);
}

static void sized_alloc_init(sized_alloc *a) {
    test_alloc_init(&a->counting);
    a->base.malloc = sz_malloc;
    a->base.realloc = sz_realloc;
    a->base.free = sz_free;
    a->base.ctx = a;
    a->largest = 0;
}

static void test_huge_declared_count(void **state) {
    (void)state;
    static const char *const inputs[] = {
        "*2147483647\r\n:1\r\n$1\r\na\r\n",
        /* (maps and attributes are limited to half as many pairs) */
        "%1073741823\r\n+k\r\n:1\r\n+k2\r\n",
        "~2147483647\r\n*2147483647\r\n:1\r\n",
        "|1073741823\r\n+k\r\n:1\r\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        sized_alloc a;
        sized_alloc_init(&a);
        resp_reader r;
        resp_reader_init(&r, NULL, &a.base);
        size_t used;
        resp_value *v;
        assert_int_equal(resp_reader_parse(&r, inputs[i], strlen(inputs[i]), &used, &v),
                         RESP_REPLY_INCOMPLETE);
        assert_int_equal(used, strlen(inputs[i]));
        assert_null(v);
        /* A few small blocks, nothing sized by the claim. */
        assert_true(a.largest <= 16 * sizeof(resp_value));
        assert_true(a.counting.live <= 8);
        assert_true(a.counting.calls <= 8);
        resp_reader_free(&r);
        assert_int_equal(a.counting.live, 0);
    }
}

static void test_reader_misc(void **state) {
    (void)state;
    test_alloc ta;
    test_alloc_init(&ta);
    resp_reader r;
    resp_reader_init(&r, NULL, &ta.base);
    size_t used;
    /* With out == NULL the finished tree is dropped. */
    assert_int_equal(resp_reader_parse(&r, "*1\r\n+a\r\n", 8, &used, NULL), RESP_REPLY_COMPLETE);
    assert_int_equal(ta.live, 0);
    /* An unfinished tree is released by resp_reader_free. */
    resp_value *v;
    assert_int_equal(resp_reader_parse(&r, "*2\r\n|1\r\n+a\r\n", 12, &used, &v),
                     RESP_REPLY_INCOMPLETE);
    assert_true(ta.live > 0);
    resp_reader_free(&r);
    assert_int_equal(ta.live, 0);
    /* And the reader can be used again. */
    resp_reader_init(&r, NULL, &ta.base);
    assert_int_equal(resp_reader_parse(&r, "$?\r\n;1\r\na\r\n", 11, &used, &v),
                     RESP_REPLY_INCOMPLETE);
    resp_reader_free(&r);
    resp_reader_free(&r);
    assert_int_equal(ta.live, 0);
    assert_int_equal(resp_reader_error(&r), RESP_OK);
}

/* ---- freeing ---- */

static resp_value *mk(resp_type t) {
    resp_value *v = calloc(1, sizeof *v);
    assert_non_null(v);
    v->type = t;
    return v;
}

static void test_value_free(void **state) {
    (void)state;
    resp_value_free(NULL, NULL);
    /* A million levels, alternating elements and attributes: freed
     * without recursion. */
    resp_value *v = mk(RESP_INTEGER);
    for (int i = 0; i < 1000000; i++) {
        resp_value *p = mk(i % 3 == 2 ? RESP_BULK_STRING : RESP_ARRAY);
        if (i % 3 == 2) {
            p->str = malloc(2);
            assert_non_null(p->str);
            memcpy(p->str, "x", 2);
            p->len = 1;
            p->attribute = v;
        } else {
            p->elems = v; /* the block becomes a one-element array */
            p->count = p->cap = 1;
        }
        v = p;
    }
    resp_value_free(v, NULL);
    /* Wide, with counted allocations. */
    test_alloc ta;
    test_alloc_init(&ta);
    resp_reader r;
    resp_reader_init(&r, NULL, &ta.base);
    resp_buf in;
    resp_buf_init(&in, NULL);
    resp_buf_append(&in, "*1000\r\n", 7);
    for (int i = 0; i < 1000; i++) resp_buf_append(&in, "|1\r\n+a\r\n*1\r\n$1\r\nb\r\n+c\r\n", 23);
    size_t used;
    assert_int_equal(resp_reader_parse(&r, in.data, in.len, &used, &v), RESP_REPLY_COMPLETE);
    assert_true(ta.live > 3000);
    resp_value_free(v, &ta.base);
    assert_int_equal(ta.live, 0);
    resp_reader_free(&r);
    resp_buf_free(&in);
}

/* ---- equality ---- */

static resp_value *parse(const char *wire) {
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used;
    resp_value *v = NULL;
    resp_reply_status st = resp_reader_parse(&r, wire, strlen(wire), &used, &v);
    if (st != RESP_REPLY_COMPLETE) fail_msg("sample %s did not parse", wire);
    resp_reader_free(&r);
    return v;
}

static void expect_equal(const char *a, const char *b, int want) {
    resp_value *x = parse(a), *y = parse(b);
    if (resp_value_equal(x, y) != want || resp_value_equal(y, x) != want)
        fail_msg("equal(%s, %s) should be %d", a, b, want);
    assert_true(resp_value_equal(x, x));
    resp_value_free(x, NULL);
    resp_value_free(y, NULL);
}

static void test_equal(void **state) {
    (void)state;
    /* Same values, however they arrived. */
    expect_equal("+OK\r\n", "+OK\r\n", 1);
    expect_equal("$3\r\nabc\r\n", "$?\r\n;1\r\na\r\n;2\r\nbc\r\n;0\r\n", 1);
    expect_equal("*2\r\n:1\r\n:2\r\n", "*?\r\n:1\r\n:2\r\n.\r\n", 1);
    expect_equal("%1\r\n+k\r\n*0\r\n", "%?\r\n+k\r\n*?\r\n.\r\n.\r\n", 1);
    expect_equal("|1\r\n+a\r\n:1\r\n:2\r\n", "|?\r\n+a\r\n:1\r\n.\r\n:2\r\n", 1);
    expect_equal("|2\r\n+a\r\n:1\r\n+b\r\n:2\r\n:2\r\n",
                 "|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n:2\r\n", 1);
    expect_equal("*3\r\n|1\r\n+a\r\n,1.5\r\n#t\r\n$-1\r\n*-1\r\n",
                 "*3\r\n|1\r\n+a\r\n,1.5\r\n#t\r\n$-1\r\n*-1\r\n", 1);
    expect_equal(",nan\r\n", ",nan\r\n", 1);
    /* Differences anywhere. */
    expect_equal("+OK\r\n", "$2\r\nOK\r\n", 0);
    expect_equal("+OK\r\n", "-OK\r\n", 0);
    expect_equal("+OK\r\n", "+Ok\r\n", 0);
    expect_equal("+OK\r\n", "+OKK\r\n", 0);
    expect_equal("$-1\r\n", "*-1\r\n", 0);
    expect_equal("$-1\r\n", "_\r\n", 0);
    expect_equal(":1\r\n", ":2\r\n", 0);
    expect_equal(":1\r\n", "#t\r\n", 0);
    expect_equal("#t\r\n", "#f\r\n", 0);
    expect_equal(",1.5\r\n", ",1.50\r\n", 0); /* compared as wire text */
    expect_equal(",0\r\n", ",-0\r\n", 0);
    expect_equal("(1\r\n", "(01\r\n", 0);
    expect_equal("=9\r\ntxt:hello\r\n", "=9\r\nmkd:hello\r\n", 0);
    expect_equal("!1\r\na\r\n", "-a\r\n", 0);
    expect_equal("*1\r\n:1\r\n", "~1\r\n:1\r\n", 0);
    expect_equal("*1\r\n:1\r\n", ">1\r\n:1\r\n", 0);
    expect_equal("*1\r\n:1\r\n", "*2\r\n:1\r\n:1\r\n", 0);
    expect_equal("*2\r\n:1\r\n*1\r\n:2\r\n", "*2\r\n:1\r\n*1\r\n:3\r\n", 0);
    expect_equal("%1\r\n+a\r\n+b\r\n", "%1\r\n+b\r\n+a\r\n", 0);
    expect_equal("%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n", "%2\r\n+b\r\n:2\r\n+a\r\n:1\r\n", 0);
    expect_equal("|1\r\n+a\r\n:1\r\n:2\r\n", ":2\r\n", 0);
    expect_equal("|1\r\n+a\r\n:1\r\n:2\r\n", "|1\r\n+a\r\n:3\r\n:2\r\n", 0);
    expect_equal("*1\r\n|1\r\n+a\r\n:1\r\n:2\r\n", "*1\r\n:2\r\n", 0);
    expect_equal("*2\r\n:2\r\n|1\r\n+a\r\n:1\r\n:2\r\n", "*2\r\n|1\r\n+a\r\n:1\r\n:2\r\n:2\r\n",
                 0);
    expect_equal("*1\r\n|1\r\n+a\r\n*1\r\n:1\r\n:2\r\n", "*1\r\n|1\r\n+a\r\n*1\r\n:0\r\n:2\r\n",
                 0);

    assert_true(resp_value_equal(NULL, NULL));
    resp_value *x = parse("+OK\r\n");
    assert_false(resp_value_equal(x, NULL));
    assert_false(resp_value_equal(NULL, x));

    /* Values without wire text compare by what they would print. */
    resp_value d, i;
    memset(&d, 0, sizeof d);
    memset(&i, 0, sizeof i);
    d.type = RESP_DOUBLE;
    d.dbl = 1.5;
    resp_value *pd = parse(",1.5\r\n");
    assert_true(resp_value_equal(&d, pd));
    d.dbl = 2.5;
    assert_false(resp_value_equal(&d, pd));
    i.type = RESP_INTEGER;
    i.integer = -7;
    resp_value *pi = parse(":-7\r\n");
    assert_true(resp_value_equal(&i, pi));
    resp_value_free(x, NULL);
    resp_value_free(pd, NULL);
    resp_value_free(pi, NULL);
}

/* Trees up to the reader's depth compare; deeper hand-built ones are
 * unequal unless they are the same object. */
static void test_equal_depth(void **state) {
    (void)state;
    resp_value *a = mk(RESP_INTEGER), *b = mk(RESP_INTEGER);
    resp_value *leaf = b;
    for (int i = 0; i < RESP_REPLY_DEPTH_MAX + 1; i++) {
        if (i == RESP_REPLY_DEPTH_MAX) {
            assert_true(resp_value_equal(a, b));
            leaf->integer = 1;
            assert_false(resp_value_equal(a, b));
            leaf->integer = 0;
        }
        resp_value *pa = mk(RESP_ARRAY), *pb = mk(RESP_ARRAY);
        pa->elems = a;
        pb->elems = b;
        pa->count = pb->count = 1;
        a = pa;
        b = pb;
    }
    assert_true(resp_value_equal(a, a));
    assert_false(resp_value_equal(a, b));
    resp_value_free(a, NULL);
    resp_value_free(b, NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_scalars),
        cmocka_unit_test(test_read_scalar_fields),
        cmocka_unit_test(test_read_aggregates),
        cmocka_unit_test(test_read_attributes),
        cmocka_unit_test(test_read_attribute_links),
        cmocka_unit_test(test_read_streamed),
        cmocka_unit_test(test_read_streamed_fields),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_read_depth),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_huge_declared_count),
        cmocka_unit_test(test_reader_misc),
        cmocka_unit_test(test_value_free),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_equal_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
