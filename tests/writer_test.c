/* tests/writer_test.c - the encoders, RESP3 and RESP2.
 *
 * Expected bytes marked "Redis:" were read from a live redis-server
 * 7.0.15 over a raw socket, after HELLO 3 for RESP3 and without it for
 * RESP2 (DEBUG PROTOCOL is disabled there, so Lua scripts produced the
 * RESP3 types).  The rest follow the RESP3 specification. */
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

/* ---- helpers ---- */

static void describe(const char *what, const char *s, size_t len) {
    fprintf(stderr, "%s (%zu bytes): ", what, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') fputc(c, stderr);
        else fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
}

static void expect_bytes(const resp_buf *b, const char *want, size_t n) {
    assert_int_equal(resp_buf_status(b), RESP_OK);
    if (b->len != n || (n != 0 && memcmp(b->data, want, n) != 0)) {
        describe("expected", want, n);
        describe("got", b->data, b->len);
        fail_msg("writer output differs");
    }
}

#define EXPECT(b, lit) expect_bytes((b), (lit), sizeof(lit) - 1)

/* Hand-built trees; blocks come from libc so resp_value_free(v, NULL)
 * releases them. */
static resp_value *mk(resp_type t) {
    resp_value *v = calloc(1, sizeof *v);
    assert_non_null(v);
    v->type = t;
    return v;
}

static resp_value *mk_str(resp_type t, const char *s, size_t len) {
    resp_value *v = mk(t);
    v->str = malloc(len + 1);
    assert_non_null(v->str);
    memcpy(v->str, s, len);
    v->str[len] = '\0';
    v->len = len;
    return v;
}

#define STR(t, lit) mk_str((t), (lit), sizeof(lit) - 1)

static resp_value *mk_int(long long i) {
    resp_value *v = mk(RESP_INTEGER);
    v->integer = i;
    return v;
}

static resp_value *mk_null(resp_null_kind k) {
    resp_value *v = mk(RESP_NULL);
    v->null_kind = k;
    return v;
}

/* An aggregate owning the n values that follow (their blocks are moved
 * into elems). */
static resp_value *mk_agg(resp_type t, size_t n, ...) {
    resp_value *v = mk(t);
    if (n != 0) {
        v->elems = calloc(n, sizeof *v->elems);
        assert_non_null(v->elems);
    }
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        resp_value *e = va_arg(ap, resp_value *);
        v->elems[i] = *e;
        free(e);
    }
    va_end(ap);
    v->count = v->cap = n;
    return v;
}

static resp_value *with_attr(resp_value *v, resp_value *attr) {
    v->attribute = attr;
    return v;
}

/* Parses one complete reply (the reply parser must accept it whole). */
static resp_value *parse_one(const char *wire, size_t len) {
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used = 0;
    resp_value *v = NULL;
    resp_reply_status st = resp_reader_parse(&r, wire, len, &used, &v);
    if (st != RESP_REPLY_COMPLETE || used != len) {
        describe("input", wire, len);
        fprintf(stderr, "status %d, used %zu, error %s\n", (int)st, used,
                resp_error_name(resp_reader_error(&r)));
        fail_msg("sample did not parse as one reply");
    }
    resp_reader_free(&r);
    return v;
}

/* ---- simple strings and errors ---- */

static void test_simple_string(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_write_simple_string(&b, "OK", 2), RESP_OK);
    EXPECT(&b, "+OK\r\n");
    resp_buf_clear(&b);
    resp_write_simple_string(&b, "", 0);
    EXPECT(&b, "+\r\n");
    resp_buf_clear(&b);
    /* Redis: EVAL "return {ok='a\r\nb\nc'}" 0 -> +a  b c (RESP2 and 3). */
    resp_write_simple_string(&b, "a\r\nb\nc", 6);
    EXPECT(&b, "+a  b c\r\n");
    resp_buf_clear(&b);
    /* Redis: EVAL "return redis.status_reply('x\ry')" 0 -> +x y */
    resp_write_simple_string(&b, "x\ry", 3);
    EXPECT(&b, "+x y\r\n");
    resp_buf_clear(&b);
    /* Other bytes, NUL included, pass through. */
    resp_write_simple_string(&b, "\x01\0\xff", 3);
    EXPECT(&b, "+\x01\0\xff\r\n");
    assert_int_equal(resp_write_simple_string(&b, NULL, 1), RESP_EINVAL);
    resp_buf_free(&b);
}

static void test_simple_error(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    resp_write_simple_error(&b, "ERR syntax error", 16);
    EXPECT(&b, "-ERR syntax error\r\n");
    resp_buf_clear(&b);
    /* Redis: EVAL "return {err='ERR a\r\nb\nc'}" 0 -> -ERR a  b c */
    resp_write_simple_error(&b, "ERR a\r\nb\nc", 10);
    EXPECT(&b, "-ERR a  b c\r\n");
    resp_buf_clear(&b);
    /* Redis: EVAL "return redis.error_reply('ERR x\ny')" 0 -> -ERR x y */
    resp_write_simple_error(&b, "ERR x\ny", 7);
    EXPECT(&b, "-ERR x y\r\n");
    resp_buf_free(&b);
}

/* ---- integers ---- */

static void expect_integer(long long v) {
    char want[32];
    int n = snprintf(want, sizeof want, ":%lld\r\n", v);
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_write_integer(&b, v), RESP_OK);
    expect_bytes(&b, want, (size_t)n);
    resp_buf_free(&b);
}

static void test_integer(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    /* Redis: INCRBY k -9223372036854775808 on a new key. */
    resp_write_integer(&b, LLONG_MIN);
    EXPECT(&b, ":-9223372036854775808\r\n");
    resp_buf_clear(&b);
    /* Redis: INCRBY k 9223372036854775807 on a new key. */
    resp_write_integer(&b, LLONG_MAX);
    EXPECT(&b, ":9223372036854775807\r\n");
    resp_buf_clear(&b);
    resp_write_integer(&b, 0);
    EXPECT(&b, ":0\r\n");
    resp_buf_clear(&b);
    resp_write_integer(&b, -1);
    EXPECT(&b, ":-1\r\n");
    resp_buf_free(&b);

    /* Every digit count, at and around each power of ten. */
    long long p = 1;
    for (int i = 0; i < 19; i++) {
        for (long long d = -1; d <= 1; d++) {
            expect_integer(p + d);
            expect_integer(-(p + d));
        }
        if (i < 18) p *= 10;
    }
    expect_integer(LLONG_MIN + 1);
    expect_integer(LLONG_MAX - 1);
    /* And a spread of others. */
    unsigned long long x = 88172645463325252ULL;
    for (int i = 0; i < 2000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        long long v = (long long)(x >> (i % 64));
        expect_integer(v);
        expect_integer(-v);
    }
}

/* ---- bulk strings ---- */

static void test_bulk_string(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    /* Redis: ECHO "" -> $0 */
    resp_write_bulk_string(&b, "", 0);
    EXPECT(&b, "$0\r\n\r\n");
    resp_buf_clear(&b);
    resp_write_bulk_string(&b, NULL, 0);
    EXPECT(&b, "$0\r\n\r\n");
    resp_buf_clear(&b);
    /* Redis: PING "a\r\nb" -> $4 (binary safe, nothing replaced). */
    resp_write_bulk_string(&b, "a\r\nb", 4);
    EXPECT(&b, "$4\r\na\r\nb\r\n");
    resp_buf_clear(&b);
    resp_write_bulk_string(&b, "\0\xff", 2);
    EXPECT(&b, "$2\r\n\0\xff\r\n");
    resp_buf_clear(&b);
    char big[1000];
    memset(big, 'x', sizeof big);
    resp_write_bulk_string(&b, big, sizeof big);
    assert_int_equal(b.len, 5 + 2 + 1000 + 2);
    assert_memory_equal(b.data, "$1000\r\n", 7);
    assert_memory_equal(b.data + 1007, "\r\n", 2);
    assert_int_equal(resp_write_bulk_string(&b, NULL, 3), RESP_EINVAL);
    resp_buf_free(&b);
}

/* ---- nulls ---- */

static void test_null(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    /* Redis RESP3: GET missing -> _, LPOP missing 2 -> _, and a Lua nil. */
    resp_null_kind kinds[] = {RESP_NULL_RESP3, RESP_NULL_BULK, RESP_NULL_ARRAY};
    for (size_t i = 0; i < 3; i++) {
        resp_buf_clear(&b);
        assert_int_equal(resp_write_null(&b, 3, kinds[i]), RESP_OK);
        EXPECT(&b, "_\r\n");
    }
    /* Redis RESP2: GET missing -> $-1, LPOP missing 2 -> *-1; a RESP3
     * null from Lua (redis.setresp(3); return nil) -> $-1. */
    resp_buf_clear(&b);
    resp_write_null(&b, 2, RESP_NULL_BULK);
    EXPECT(&b, "$-1\r\n");
    resp_buf_clear(&b);
    resp_write_null(&b, 2, RESP_NULL_ARRAY);
    EXPECT(&b, "*-1\r\n");
    resp_buf_clear(&b);
    resp_write_null(&b, 2, RESP_NULL_RESP3);
    EXPECT(&b, "$-1\r\n");
    resp_buf_clear(&b);
    assert_int_equal(resp_write_null(&b, 3, (resp_null_kind)7), RESP_EINVAL);
    assert_int_equal(resp_write_null(&b, 2, (resp_null_kind)7), RESP_EINVAL);
    assert_int_equal(b.len, 0);
    resp_buf_free(&b);
}

/* ---- aggregates ---- */

static void test_aggregate(void **state) {
    (void)state;
    static const struct {
        resp_type type;
        size_t count;
        const char *resp3, *resp2;
    } cases[] = {
        /* Redis: SUBSCRIBE ch -> >3 / *3; HGETALL of a 2-field hash ->
         * %2 / *4; SMEMBERS -> ~1 / *1; EVAL "return {map={}}" 0 ->
         * %0 / *0; EVAL "return {set={}}" 0 -> ~0 / *0. */
        {RESP_ARRAY, 0, "*0\r\n", "*0\r\n"},
        {RESP_ARRAY, 3, "*3\r\n", "*3\r\n"},
        {RESP_MAP, 2, "%2\r\n", "*4\r\n"},
        {RESP_MAP, 0, "%0\r\n", "*0\r\n"},
        {RESP_SET, 1, "~1\r\n", "*1\r\n"},
        {RESP_SET, 0, "~0\r\n", "*0\r\n"},
        {RESP_PUSH, 3, ">3\r\n", "*3\r\n"},
        {RESP_ATTRIBUTE, 1, "|1\r\n", ""},
        {RESP_ARRAY, 1234567890123, "*1234567890123\r\n", "*1234567890123\r\n"},
    };
    resp_buf b;
    resp_buf_init(&b, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_buf_clear(&b);
        assert_int_equal(resp_write_aggregate(&b, 3, cases[i].type, cases[i].count), RESP_OK);
        expect_bytes(&b, cases[i].resp3, strlen(cases[i].resp3));
        resp_buf_clear(&b);
        assert_int_equal(resp_write_aggregate(&b, 2, cases[i].type, cases[i].count), RESP_OK);
        expect_bytes(&b, cases[i].resp2, strlen(cases[i].resp2));
    }
    resp_buf_clear(&b);
    assert_int_equal(resp_write_aggregate(&b, 3, RESP_BULK_STRING, 1), RESP_EINVAL);
    assert_int_equal(resp_write_aggregate(&b, 2, RESP_INTEGER, 1), RESP_EINVAL);
    assert_int_equal(resp_write_aggregate(&b, 2, RESP_MAP, SIZE_MAX / 2 + 1), RESP_EINVAL);
    assert_int_equal(b.len, 0);
    assert_int_equal(resp_buf_status(&b), RESP_OK);
    resp_buf_free(&b);
}

/* ---- doubles ---- */

static void test_double(void **state) {
    (void)state;
    static const struct {
        double d;
        const char *resp3, *resp2;
    } cases[] = {
        /* Redis: ZADD z 1.5 a; ZSCORE z a (also ZINCRBY z 0.5 on 1). */
        {1.5, ",1.5\r\n", "$3\r\n1.5\r\n"},
        /* Redis: ZADD z 0.1 b; ZSCORE z b. */
        {0.1, ",0.10000000000000001\r\n", "$19\r\n0.10000000000000001\r\n"},
        /* Redis: ZADD z inf c / -inf d; ZSCORE. */
        {(double)INFINITY, ",inf\r\n", "$3\r\ninf\r\n"},
        {-(double)INFINITY, ",-inf\r\n", "$4\r\n-inf\r\n"},
        /* Redis: ZADD z 1e300 f; ZSCORE z f. */
        {1e300, ",1.0000000000000001e+300\r\n", "$23\r\n1.0000000000000001e+300\r\n"},
        /* Redis: ZRANGE z 0 -1 WITHSCORES with score 1 -> ,1 (RESP3). */
        {1.0, ",1\r\n", "$1\r\n1\r\n"},
        /* Redis: EVAL "return {double=3.14}" 0. */
        {3.14, ",3.1400000000000001\r\n", "$18\r\n3.1400000000000001\r\n"},
        /* Redis: EVAL "return {double=-(0.0)}" 0. */
        {-0.0, ",-0\r\n", "$2\r\n-0\r\n"},
        /* Redis: EVAL "return {double=123456789012345678}" 0. */
        {123456789012345678.0, ",1.2345678901234568e+17\r\n", "$22\r\n1.2345678901234568e+17\r\n"},
        /* Redis: EVAL "return {double=1e-300}" 0. */
        {1e-300, ",1e-300\r\n", "$6\r\n1e-300\r\n"},
        /* Redis prints NaN with glibc's sign ("-nan" for Lua's 0/0); the
         * writer always says "nan", which RESP3 names. */
        {(double)NAN, ",nan\r\n", "$3\r\nnan\r\n"},
        {-(double)NAN, ",nan\r\n", "$3\r\nnan\r\n"},
    };
    resp_buf b;
    resp_buf_init(&b, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_buf_clear(&b);
        assert_int_equal(resp_write_double(&b, 3, cases[i].d), RESP_OK);
        expect_bytes(&b, cases[i].resp3, strlen(cases[i].resp3));
        resp_buf_clear(&b);
        assert_int_equal(resp_write_double(&b, 2, cases[i].d), RESP_OK);
        expect_bytes(&b, cases[i].resp2, strlen(cases[i].resp2));
    }
    resp_buf_free(&b);
}

/* ---- booleans, big numbers, verbatim, bulk errors ---- */

static void test_boolean(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    /* Redis: EVAL "redis.setresp(3); return true" 0 -> #t (RESP3), :1
     * (RESP2); false -> #f, :0. */
    resp_write_boolean(&b, 3, 1);
    EXPECT(&b, "#t\r\n");
    resp_buf_clear(&b);
    resp_write_boolean(&b, 3, 0);
    EXPECT(&b, "#f\r\n");
    resp_buf_clear(&b);
    resp_write_boolean(&b, 3, 42);
    EXPECT(&b, "#t\r\n");
    resp_buf_clear(&b);
    resp_write_boolean(&b, 2, 1);
    EXPECT(&b, ":1\r\n");
    resp_buf_clear(&b);
    resp_write_boolean(&b, 2, 0);
    EXPECT(&b, ":0\r\n");
    resp_buf_free(&b);
}

static void test_big_number(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    /* Redis: EVAL "return {big_number='1234...7890'}" 0. */
    static const char digits[] = "1234567890123456789012345678901234567890";
    resp_write_big_number(&b, 3, digits, 40);
    EXPECT(&b, "(1234567890123456789012345678901234567890\r\n");
    resp_buf_clear(&b);
    resp_write_big_number(&b, 2, digits, 40);
    EXPECT(&b, "$40\r\n1234567890123456789012345678901234567890\r\n");
    resp_buf_clear(&b);
    resp_write_big_number(&b, 3, "-12", 3);
    EXPECT(&b, "(-12\r\n");
    resp_buf_clear(&b);
    /* CR or LF would end the line early. */
    assert_int_equal(resp_write_big_number(&b, 3, "1\r\n2", 4), RESP_EINVAL);
    assert_int_equal(resp_write_big_number(&b, 2, "1\n", 2), RESP_EINVAL);
    assert_int_equal(resp_write_big_number(&b, 3, NULL, 2), RESP_EINVAL);
    assert_int_equal(b.len, 0);
    resp_buf_free(&b);
}

static void test_verbatim(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    /* Redis: EVAL "return {verbatim_string={format='txt',
     * string='hello'}}" 0 -> =9 txt:hello / $5 hello. */
    resp_write_verbatim(&b, 3, "txt", "hello", 5);
    EXPECT(&b, "=9\r\ntxt:hello\r\n");
    resp_buf_clear(&b);
    resp_write_verbatim(&b, 2, "txt", "hello", 5);
    EXPECT(&b, "$5\r\nhello\r\n");
    resp_buf_clear(&b);
    /* Redis: the same with format='mkd', string='a\r\nb'. */
    resp_write_verbatim(&b, 3, "mkd", "a\r\nb", 4);
    EXPECT(&b, "=8\r\nmkd:a\r\nb\r\n");
    resp_buf_clear(&b);
    resp_write_verbatim(&b, 2, "mkd", "a\r\nb", 4);
    EXPECT(&b, "$4\r\na\r\nb\r\n");
    resp_buf_clear(&b);
    resp_write_verbatim(&b, 3, "txt", "", 0);
    EXPECT(&b, "=4\r\ntxt:\r\n");
    resp_buf_clear(&b);
    assert_int_equal(resp_write_verbatim(&b, 3, NULL, "x", 1), RESP_EINVAL);
    assert_int_equal(b.len, 0);
    resp_buf_free(&b);
}

static void test_bulk_error(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    /* Redis 7.0 never sends blob errors; bytes per the RESP3 spec. */
    resp_write_bulk_error(&b, 3, "SYNTAX invalid syntax", 21);
    EXPECT(&b, "!21\r\nSYNTAX invalid syntax\r\n");
    resp_buf_clear(&b);
    resp_write_bulk_error(&b, 3, "a\r\nb", 4);
    EXPECT(&b, "!4\r\na\r\nb\r\n");
    resp_buf_clear(&b);
    resp_write_bulk_error(&b, 2, "SYNTAX invalid syntax", 21);
    EXPECT(&b, "-SYNTAX invalid syntax\r\n");
    resp_buf_clear(&b);
    resp_write_bulk_error(&b, 2, "ERR a\r\nb\nc", 10);
    EXPECT(&b, "-ERR a  b c\r\n");
    resp_buf_free(&b);
}

/* ---- commands ---- */

static void test_command(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    const char *argv[] = {"SET", "key", "a\r\n\0b"};
    size_t lens[] = {3, 3, 5};
    assert_int_equal(resp_write_command(&b, 3, argv, lens), RESP_OK);
    EXPECT(&b, "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\na\r\n\0b\r\n");
    resp_buf_clear(&b);
    /* Without lengths the arguments are NUL-terminated. */
    const char *ping[] = {"PING"};
    resp_write_command(&b, 1, ping, NULL);
    EXPECT(&b, "*1\r\n$4\r\nPING\r\n");
    resp_buf_clear(&b);
    const char *empty[] = {"ECHO", ""};
    resp_write_command(&b, 2, empty, NULL);
    EXPECT(&b, "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n");
    resp_buf_clear(&b);
    resp_write_command(&b, 0, NULL, NULL);
    EXPECT(&b, "*0\r\n");
    resp_buf_clear(&b);
    assert_int_equal(resp_write_command(&b, 1, NULL, NULL), RESP_EINVAL);
    const char *null_arg[] = {NULL};
    size_t one[] = {1};
    assert_int_equal(resp_write_command(&b, 1, null_arg, one), RESP_EINVAL);
    assert_int_equal(b.len, 0);
    assert_int_equal(resp_buf_status(&b), RESP_OK);
    resp_buf_free(&b);
}

/* ---- misuse ---- */

static void test_bad_proto(void **state) {
    (void)state;
    static const int protos[] = {0, 1, 4, -1, 300};
    resp_buf b;
    resp_buf_init(&b, NULL);
    resp_write_simple_string(&b, "x", 1);
    resp_value *v = mk_int(1);
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++) {
        int p = protos[i];
        assert_int_equal(resp_write_null(&b, p, RESP_NULL_BULK), RESP_EINVAL);
        assert_int_equal(resp_write_aggregate(&b, p, RESP_ARRAY, 1), RESP_EINVAL);
        assert_int_equal(resp_write_double(&b, p, 1.5), RESP_EINVAL);
        assert_int_equal(resp_write_boolean(&b, p, 1), RESP_EINVAL);
        assert_int_equal(resp_write_big_number(&b, p, "1", 1), RESP_EINVAL);
        assert_int_equal(resp_write_verbatim(&b, p, "txt", "x", 1), RESP_EINVAL);
        assert_int_equal(resp_write_bulk_error(&b, p, "x", 1), RESP_EINVAL);
        assert_int_equal(resp_write_value(&b, p, v), RESP_EINVAL);
    }
    /* Nothing written, buffer still usable. */
    assert_int_equal(b.failed, 0);
    EXPECT(&b, "+x\r\n");
    assert_int_equal(resp_write_value(&b, 3, NULL), RESP_EINVAL);
    resp_value_free(v, NULL);
    resp_buf_free(&b);
}

/* ---- allocation failure ---- */

/* Every writer once; returns non-zero if a call that followed a failure
 * did not report RESP_ENOMEM or changed the buffer. */
static int write_everything(resp_buf *b, const resp_value *tree) {
    char big[3000];
    memset(big, 'b', sizeof big);
    const char *argv[] = {"SET", "k", big};
    size_t lens[] = {3, 1, sizeof big};
    int failed = 0, bad = 0;
    for (int proto = 2; proto <= 3; proto++) {
        resp_error e[] = {
            resp_write_simple_string(b, "OK", 2),
            resp_write_simple_error(b, "ERR x", 5),
            resp_write_integer(b, LLONG_MIN),
            resp_write_bulk_string(b, big, sizeof big),
            resp_write_null(b, proto, RESP_NULL_ARRAY),
            resp_write_aggregate(b, proto, RESP_MAP, 2),
            resp_write_aggregate(b, proto, RESP_ATTRIBUTE, 2),
            resp_write_double(b, proto, 0.1),
            resp_write_boolean(b, proto, 1),
            resp_write_big_number(b, proto, big, 500),
            resp_write_verbatim(b, proto, "txt", big, 700),
            resp_write_bulk_error(b, proto, big, 900),
            resp_write_command(b, 3, argv, lens),
            resp_write_value(b, proto, tree),
            resp_buf_append(b, big, 10),
        };
        for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
            if (failed && e[i] != RESP_ENOMEM) bad = 1;
            if (e[i] == RESP_ENOMEM) failed = 1;
            else if (e[i] != RESP_OK) bad = 1;
        }
    }
    return bad;
}

static resp_value *sample_tree(void) {
    return mk_agg(RESP_MAP, 4, STR(RESP_SIMPLE_STRING, "k"),
                  with_attr(mk_agg(RESP_ARRAY, 2, mk_int(7), mk_null(RESP_NULL_BULK)),
                            mk_agg(RESP_ATTRIBUTE, 2, STR(RESP_BULK_STRING, "a"), mk_int(1))),
                  STR(RESP_VERBATIM_STRING, "txt:hello"), STR(RESP_DOUBLE, "1.5"));
}

typedef struct alloc_ctx {
    const resp_value *tree;
    resp_buf reference;
} alloc_ctx;

static int writer_alloc_body(void *ctx, test_alloc *ta) {
    alloc_ctx *c = ctx;
    resp_buf b;
    resp_buf_init(&b, &ta->base);
    int bad = write_everything(&b, c->tree);
    if (ta->failed) {
        if (resp_buf_status(&b) != RESP_ENOMEM || !b.failed) bad = 1;
        /* Later writes change nothing. */
        size_t len = b.len;
        if (resp_write_integer(&b, 1) != RESP_ENOMEM) bad = 1;
        if (resp_write_value(&b, 3, c->tree) != RESP_ENOMEM) bad = 1;
        if (b.len != len) bad = 1;
    } else {
        if (resp_buf_status(&b) != RESP_OK || b.len != c->reference.len ||
            memcmp(b.data, c->reference.data, b.len) != 0)
            bad = 1;
    }
    resp_buf_free(&b);
    return bad;
}

static void test_alloc_failure(void **state) {
    (void)state;
    alloc_ctx c;
    resp_value *tree = sample_tree();
    c.tree = tree;
    resp_buf_init(&c.reference, NULL);
    assert_int_equal(write_everything(&c.reference, tree), 0);
    long runs = test_alloc_each_failure(writer_alloc_body, &c);
    assert_true(runs > 3);
    resp_buf_free(&c.reference);
    resp_value_free(tree, NULL);
}

/* ---- whole trees ---- */

static void test_value_by_hand(void **state) {
    (void)state;
    resp_value *tree = sample_tree();
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_write_value(&b, 3, tree), RESP_OK);
    EXPECT(&b, "%2\r\n+k\r\n|1\r\n$1\r\na\r\n:1\r\n*2\r\n:7\r\n$-1\r\n"
               "=9\r\ntxt:hello\r\n,1.5\r\n");
    resp_buf_clear(&b);
    assert_int_equal(resp_write_value(&b, 2, tree), RESP_OK);
    EXPECT(&b, "*4\r\n+k\r\n*2\r\n:7\r\n$-1\r\n$5\r\nhello\r\n$3\r\n1.5\r\n");
    resp_value_free(tree, NULL);

    /* Numbers without wire text are formatted from their value. */
    resp_value *d = mk(RESP_DOUBLE);
    d->dbl = 0.1;
    resp_value *arr = mk_agg(RESP_ARRAY, 3, d, mk_int(LLONG_MIN), mk_null(RESP_NULL_RESP3));
    resp_buf_clear(&b);
    assert_int_equal(resp_write_value(&b, 3, arr), RESP_OK);
    EXPECT(&b, "*3\r\n,0.10000000000000001\r\n:-9223372036854775808\r\n_\r\n");
    resp_buf_clear(&b);
    assert_int_equal(resp_write_value(&b, 2, arr), RESP_OK);
    EXPECT(&b, "*3\r\n$19\r\n0.10000000000000001\r\n:-9223372036854775808\r\n$-1\r\n");
    resp_value_free(arr, NULL);

    /* An attribute standing as an element is not counted: RESP3 writes it
     * before the next element, RESP2 drops it. */
    resp_value *loose = mk_agg(RESP_ARRAY, 3, mk_int(1),
                               mk_agg(RESP_ATTRIBUTE, 2, STR(RESP_SIMPLE_STRING, "a"),
                                      mk_agg(RESP_ARRAY, 1, mk_int(9))),
                               mk_int(2));
    resp_buf_clear(&b);
    assert_int_equal(resp_write_value(&b, 3, loose), RESP_OK);
    EXPECT(&b, "*2\r\n:1\r\n|1\r\n+a\r\n*1\r\n:9\r\n:2\r\n");
    resp_buf_clear(&b);
    assert_int_equal(resp_write_value(&b, 2, loose), RESP_OK);
    EXPECT(&b, "*2\r\n:1\r\n:2\r\n");
    resp_value_free(loose, NULL);
    resp_buf_free(&b);
}

static void test_value_invalid(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    resp_write_simple_string(&b, "x", 1);
    resp_value *odd = mk_agg(RESP_ARRAY, 2, mk_int(1),
                             mk_agg(RESP_MAP, 1, STR(RESP_SIMPLE_STRING, "k")));
    resp_value *verb = mk_agg(RESP_ARRAY, 1, STR(RESP_VERBATIM_STRING, "txtx"));
    resp_value *odd_attr = with_attr(mk_int(1), mk_agg(RESP_ATTRIBUTE, 1, mk_int(2)));
    resp_value *unknown = mk_agg(RESP_SET, 1, mk((resp_type)'@'));
    resp_value *bignum = STR(RESP_BIG_NUMBER, "12\r\n");
    resp_value *nullk = mk_null((resp_null_kind)9);
    /* The reader merges consecutive attributes; nesting them is invalid. */
    resp_value *attr_attr = with_attr(
        mk_int(1), with_attr(mk_agg(RESP_ATTRIBUTE, 2, mk_int(2), mk_int(3)),
                             mk_agg(RESP_ATTRIBUTE, 2, mk_int(4), mk_int(5))));
    resp_value *bad[] = {odd, verb, odd_attr, unknown, bignum, nullk, attr_attr};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (int p = 2; p <= 3; p++) {
            /* RESP2 drops attributes without looking at them. */
            if (p == 2 && (bad[i] == odd_attr || bad[i] == attr_attr)) continue;
            assert_int_equal(resp_write_value(&b, p, bad[i]), RESP_EINVAL);
            EXPECT(&b, "+x\r\n"); /* rolled back */
        }
        resp_value_free(bad[i], NULL);
    }
    resp_buf_free(&b);
}

/* Nested arrays, `levels` deep, with an integer inside. */
static resp_value *nest(int levels) {
    resp_value *v = mk_int(5);
    for (int i = 0; i < levels; i++) v = mk_agg(RESP_ARRAY, 1, v);
    return v;
}

static void test_value_depth(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    /* The reader's ceiling is 128 open aggregates; all of them write. */
    resp_value *deep = nest(RESP_REPLY_DEPTH_MAX);
    assert_int_equal(resp_write_value(&b, 3, deep), RESP_OK);
    assert_int_equal(b.len, (size_t)RESP_REPLY_DEPTH_MAX * 4 + 4);
    resp_value_free(deep, NULL);
    resp_buf_clear(&b);
    /* Deeper hand-built trees are refused, not recursed into. */
    resp_value *deeper = nest(RESP_REPLY_DEPTH_MAX + 1);
    assert_int_equal(resp_write_value(&b, 3, deeper), RESP_EINVAL);
    assert_int_equal(b.len, 0);
    resp_value_free(deeper, NULL);
    /* Empty innermost aggregates need no frame. */
    resp_value *empty = mk(RESP_ARRAY);
    for (int i = 0; i < RESP_REPLY_DEPTH_MAX; i++) empty = mk_agg(RESP_ARRAY, 1, empty);
    assert_int_equal(resp_write_value(&b, 2, empty), RESP_OK);
    resp_value_free(empty, NULL);
    resp_buf_free(&b);
}

/* ---- round trips through the reader ---- */

#define W(lit) {lit, sizeof(lit) - 1}
typedef struct wire {
    const char *s;
    size_t len;
} wire;

/* Written back under RESP3, each of these comes out byte for byte. */
static const wire canonical[] = {
    W("+OK\r\n"),
    W("+\r\n"),
    W("-ERR unknown command\r\n"),
    W(":0\r\n"),
    W(":-9223372036854775808\r\n"),
    W(":9223372036854775807\r\n"),
    W("$0\r\n\r\n"),
    W("$5\r\na\r\n\0b\r\n"),
    W("$-1\r\n"),
    W("*-1\r\n"),
    W("_\r\n"),
    W("#t\r\n"),
    W("#f\r\n"),
    W(",1.5\r\n"),
    W(",0.10000000000000001\r\n"),
    W(",inf\r\n"),
    W(",-inf\r\n"),
    W(",nan\r\n"),
    W(",1.0000000000000001e+300\r\n"),
    W(",+1.5E3\r\n"), /* a double keeps its text */
    W("(1234567890123456789012345678901234567890\r\n"),
    W("!21\r\nSYNTAX invalid syntax\r\n"),
    W("=9\r\ntxt:hello\r\n"),
    W("*0\r\n"),
    W("*2\r\n:1\r\n$1\r\na\r\n"),
    W("%2\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nk2\r\n$2\r\nv2\r\n"),
    W("~1\r\n$1\r\nx\r\n"),
    W(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"),
    W("|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n"),
    W("*2\r\n|1\r\n+a\r\n:1\r\n:1\r\n:2\r\n"),
    W("|1\r\n+k\r\n|1\r\n+a\r\n:1\r\n+v\r\n%1\r\n|1\r\n+b\r\n#t\r\n+x\r\n*1\r\n_\r\n"),
    W("*3\r\n*1\r\n*0\r\n%0\r\n~2\r\n,-0\r\n(-5\r\n"),
};

/* These come back in another form, equal as trees: streamed values are
 * written with their lengths, consecutive attributes as one. */
static const wire reshaped[] = {
    W("$?\r\n;3\r\nabc\r\n;2\r\nde\r\n;0\r\n"),
    W("*?\r\n:1\r\n$?\r\n;1\r\nx\r\n;0\r\n.\r\n"),
    W("%?\r\n+k\r\n~?\r\n.\r\n.\r\n"),
    W("|?\r\n+a\r\n:1\r\n.\r\n>?\r\n:1\r\n.\r\n"),
    W("|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n*1\r\n|0\r\n|0\r\n:3\r\n"),
};

static void round_trip(const char *in, size_t len, int exact) {
    resp_value *t1 = parse_one(in, len);
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_write_value(&b, 3, t1), RESP_OK);
    if (exact) expect_bytes(&b, in, len);
    resp_value *t2 = parse_one(b.data, b.len);
    if (!resp_value_equal(t1, t2)) {
        resp_buf p;
        resp_buf_init(&p, NULL);
        resp_print_value(&p, t1);
        resp_buf_append(&p, "\n", 1);
        resp_print_value(&p, t2);
        describe("trees", p.data, p.len);
        resp_buf_free(&p);
        fail_msg("round trip changed the tree");
    }
    resp_value_free(t1, NULL);
    resp_value_free(t2, NULL);
    resp_buf_free(&b);
}

static void test_round_trip(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++)
        round_trip(canonical[i].s, canonical[i].len, 1);
    for (size_t i = 0; i < sizeof reshaped / sizeof reshaped[0]; i++)
        round_trip(reshaped[i].s, reshaped[i].len, 0);

    /* Consecutive attributes are written as the one the reader made. */
    static const char two[] = "|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n:3\r\n";
    resp_value *t = parse_one(two, sizeof two - 1);
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_write_value(&b, 3, t), RESP_OK);
    EXPECT(&b, "|2\r\n+a\r\n:1\r\n+b\r\n:2\r\n:3\r\n");
    resp_buf_free(&b);
    resp_value_free(t, NULL);
}

static void test_resp2_downgrade(void **state) {
    (void)state;
    static const struct {
        wire in, out;
    } cases[] = {
        /* Redis (the same command in each protocol): ZSCORE, EVAL of
         * {big_number=}, redis.setresp(3) true/false/nil, EVAL of
         * {verbatim_string=}, HGETALL, SMEMBERS, SUBSCRIBE. */
        {W(",1.5\r\n"), W("$3\r\n1.5\r\n")},
        {W(",inf\r\n"), W("$3\r\ninf\r\n")},
        {W(",-inf\r\n"), W("$4\r\n-inf\r\n")},
        {W("(1234567890123456789012345678901234567890\r\n"),
         W("$40\r\n1234567890123456789012345678901234567890\r\n")},
        {W("#t\r\n"), W(":1\r\n")},
        {W("#f\r\n"), W(":0\r\n")},
        {W("_\r\n"), W("$-1\r\n")},
        {W("*-1\r\n"), W("*-1\r\n")},
        {W("=9\r\ntxt:hello\r\n"), W("$5\r\nhello\r\n")},
        {W("%2\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nk2\r\n$2\r\nv2\r\n"),
         W("*4\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nk2\r\n$2\r\nv2\r\n")},
        {W("~1\r\n$1\r\nx\r\n"), W("*1\r\n$1\r\nx\r\n")},
        {W(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"),
         W("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")},
        /* Not producible by Redis 7.0: per the RESP3 spec. */
        {W("!10\r\nSYNTAX\r\nxy\r\n"), W("-SYNTAX  xy\r\n")},
        {W("|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n"), W("$1\r\nv\r\n")},
        {W("*2\r\n|1\r\n+a\r\n*1\r\n:1\r\n:1\r\n:2\r\n"), W("*2\r\n:1\r\n:2\r\n")},
        {W("%1\r\n|1\r\n+a\r\n:1\r\n+k\r\n~1\r\n#f\r\n"), W("*2\r\n+k\r\n*1\r\n:0\r\n")},
        {W("$?\r\n;2\r\nab\r\n;1\r\nc\r\n;0\r\n"), W("$3\r\nabc\r\n")},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp_value *t = parse_one(cases[i].in.s, cases[i].in.len);
        resp_buf b;
        resp_buf_init(&b, NULL);
        assert_int_equal(resp_write_value(&b, 2, t), RESP_OK);
        expect_bytes(&b, cases[i].out.s, cases[i].out.len);
        resp_buf_free(&b);
        resp_value_free(t, NULL);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_string),
        cmocka_unit_test(test_simple_error),
        cmocka_unit_test(test_integer),
        cmocka_unit_test(test_bulk_string),
        cmocka_unit_test(test_null),
        cmocka_unit_test(test_aggregate),
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_boolean),
        cmocka_unit_test(test_big_number),
        cmocka_unit_test(test_verbatim),
        cmocka_unit_test(test_bulk_error),
        cmocka_unit_test(test_command),
        cmocka_unit_test(test_bad_proto),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_value_by_hand),
        cmocka_unit_test(test_value_invalid),
        cmocka_unit_test(test_value_depth),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_resp2_downgrade),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
