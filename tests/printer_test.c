/* tests/printer_test.c - the canonical one-line rendering. */
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

#include "testutil.h"

/* ---- helpers ---- */

static void expect_text(const resp_buf *b, const char *want) {
    assert_int_equal(resp_buf_status(b), RESP_OK);
    size_t n = strlen(want);
    if (b->len != n || memcmp(b->data, want, n) != 0) {
        fprintf(stderr, "expected: %s\ngot:      %.*s\n", want, (int)b->len, b->data);
        fail_msg("printer output differs");
    }
}

static resp_value *parse_one(const char *wire, size_t len) {
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used = 0;
    resp_value *v = NULL;
    resp_reply_status st = resp_reader_parse(&r, wire, len, &used, &v);
    if (st != RESP_REPLY_COMPLETE || used != len) {
        fprintf(stderr, "status %d used %zu error %s\n", (int)st, used,
                resp_error_name(resp_reader_error(&r)));
        fail_msg("sample did not parse as one reply");
    }
    resp_reader_free(&r);
    return v;
}

static void expect_print(const char *wire, size_t len, const char *want) {
    resp_value *v = parse_one(wire, len);
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_print_value(&b, v), RESP_OK);
    expect_text(&b, want);
    resp_buf_free(&b);
    resp_value_free(v, NULL);
}

#define EXPECT_PRINT(lit, want) expect_print((lit), sizeof(lit) - 1, (want))

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

static resp_value *wrap(resp_type t, resp_value *child) {
    resp_value *v = mk(t);
    v->elems = child;
    v->count = v->cap = 1;
    return v;
}

static void expect_tree(const resp_value *v, const char *want) {
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_print_value(&b, v), RESP_OK);
    expect_text(&b, want);
    resp_buf_free(&b);
}

/* ---- scalars ---- */

static void test_scalars(void **state) {
    (void)state;
    EXPECT_PRINT("+OK\r\n", "+\"OK\"");
    EXPECT_PRINT("+\r\n", "+\"\"");
    EXPECT_PRINT("-ERR syntax error\r\n", "-\"ERR syntax error\"");
    EXPECT_PRINT(":42\r\n", ":42");
    EXPECT_PRINT(":-9223372036854775808\r\n", ":-9223372036854775808");
    EXPECT_PRINT(":9223372036854775807\r\n", ":9223372036854775807");
    EXPECT_PRINT("$6\r\na\r\nb\0c\r\n", "$\"a\\r\\nb\\x00c\"");
    EXPECT_PRINT("$0\r\n\r\n", "$\"\"");
    EXPECT_PRINT("$-1\r\n", "$-1");
    EXPECT_PRINT("*-1\r\n", "*-1");
    EXPECT_PRINT("_\r\n", "_");
    EXPECT_PRINT("#t\r\n", "#t");
    EXPECT_PRINT("#f\r\n", "#f");
    /* Doubles and big numbers print the text they arrived with. */
    EXPECT_PRINT(",1.5\r\n", ",1.5");
    EXPECT_PRINT(",1.50\r\n", ",1.50");
    EXPECT_PRINT(",1E5\r\n", ",1E5");
    EXPECT_PRINT(",inf\r\n", ",inf");
    EXPECT_PRINT(",-inf\r\n", ",-inf");
    EXPECT_PRINT(",nan\r\n", ",nan");
    EXPECT_PRINT(",0.10000000000000001\r\n", ",0.10000000000000001");
    EXPECT_PRINT("(12345678901234567890\r\n", "(12345678901234567890");
    EXPECT_PRINT("(-007\r\n", "(-007");
    EXPECT_PRINT("!10\r\nSYNTAX \"x\"\r\n", "!\"SYNTAX \\\"x\\\"\"");
    EXPECT_PRINT("=9\r\ntxt:hello\r\n", "=txt:\"hello\"");
    EXPECT_PRINT("=4\r\nmkd:\r\n", "=mkd:\"\"");
    EXPECT_PRINT("=7\r\nmkd:a\nb\r\n", "=mkd:\"a\\nb\"");
}

/* Values built by hand: no wire text, odd formats, malformed. */
static void test_scalars_by_hand(void **state) {
    (void)state;
    resp_value *d = mk(RESP_DOUBLE);
    d->dbl = 0.1;
    expect_tree(d, ",0.10000000000000001");
    d->dbl = -(double)INFINITY;
    expect_tree(d, ",-inf");
    d->dbl = (double)NAN;
    expect_tree(d, ",nan");
    d->dbl = 1e300;
    expect_tree(d, ",1.0000000000000001e+300");
    free(d);

    resp_value *i = mk(RESP_INTEGER);
    i->integer = LLONG_MIN;
    expect_tree(i, ":-9223372036854775808");
    /* An integer prints its value, whatever text it carries. */
    i->integer = 7;
    i->str = malloc(3);
    assert_non_null(i->str);
    memcpy(i->str, "07", 3);
    i->len = 2;
    expect_tree(i, ":7");
    resp_value_free(i, NULL);

    resp_value *t = mk(RESP_BOOLEAN);
    t->integer = 5;
    expect_tree(t, "#t");
    free(t);

    /* Format bytes that could be mistaken for the payload are escaped. */
    resp_value *v = STR(RESP_VERBATIM_STRING, "a\"\\:x");
    expect_tree(v, "=a\\x22\\x5c:\"x\"");
    resp_value_free(v, NULL);
    v = STR(RESP_VERBATIM_STRING, "t x:y");
    expect_tree(v, "=t\\x20x:\"y\"");
    resp_value_free(v, NULL);
    v = STR(RESP_VERBATIM_STRING, "\x01\x80\xff:y");
    expect_tree(v, "=\\x01\\x80\\xff:\"y\"");
    resp_value_free(v, NULL);
    /* Without a "fmt:" prefix the whole payload is quoted. */
    v = STR(RESP_VERBATIM_STRING, "ab");
    expect_tree(v, "=\"ab\"");
    resp_value_free(v, NULL);
}

/* ---- escaping ---- */

static void expect_quoted(const char *s, size_t len, const char *want) {
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_print_quoted(&b, s, len), RESP_OK);
    expect_text(&b, want);
    resp_buf_free(&b);
}

static void test_escapes(void **state) {
    (void)state;
    expect_quoted("", 0, "\"\"");
    expect_quoted(NULL, 0, "\"\"");
    expect_quoted("\"", 1, "\"\\\"\"");
    expect_quoted("\\", 1, "\"\\\\\"");
    expect_quoted("\n", 1, "\"\\n\"");
    expect_quoted("\r", 1, "\"\\r\"");
    expect_quoted("\t", 1, "\"\\t\"");
    expect_quoted("\a", 1, "\"\\a\"");
    expect_quoted("\b", 1, "\"\\b\"");
    expect_quoted("\0", 1, "\"\\x00\"");
    expect_quoted("\v\f\x1b\x1f", 4, "\"\\x0b\\x0c\\x1b\\x1f\"");
    expect_quoted("\x7f\x80\xab\xff", 4, "\"\\x7f\\x80\\xab\\xff\"");
    expect_quoted(" ~", 2, "\" ~\"");
    expect_quoted("it's {a}=>[b] 'q'", 17, "\"it's {a}=>[b] 'q'\"");

    /* Every byte value: the printable range except '"' and '\\' stands
     * for itself; the seven named escapes; everything else is \xhh. */
    for (int c = 0; c < 256; c++) {
        char in = (char)c;
        char want[8];
        switch (c) {
        case '"': strcpy(want, "\"\\\"\""); break;
        case '\\': strcpy(want, "\"\\\\\""); break;
        case '\n': strcpy(want, "\"\\n\""); break;
        case '\r': strcpy(want, "\"\\r\""); break;
        case '\t': strcpy(want, "\"\\t\""); break;
        case '\a': strcpy(want, "\"\\a\""); break;
        case '\b': strcpy(want, "\"\\b\""); break;
        default:
            if (c >= 0x20 && c <= 0x7e) snprintf(want, sizeof want, "\"%c\"", c);
            else snprintf(want, sizeof want, "\"\\x%02x\"", (unsigned)c);
        }
        expect_quoted(&in, 1, want);
    }
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_print_quoted(&b, NULL, 1), RESP_EINVAL);
    resp_buf_free(&b);
}

/* ---- aggregates ---- */

static void test_aggregates(void **state) {
    (void)state;
    EXPECT_PRINT("*0\r\n", "*[]");
    EXPECT_PRINT("*2\r\n$1\r\na\r\n:1\r\n", "*[$\"a\" :1]");
    EXPECT_PRINT("%0\r\n", "%{}");
    EXPECT_PRINT("%2\r\n$1\r\nk\r\n:1\r\n$2\r\nk2\r\n:2\r\n", "%{$\"k\"=>:1 $\"k2\"=>:2}");
    EXPECT_PRINT("~2\r\n:1\r\n:2\r\n", "~[:1 :2]");
    EXPECT_PRINT("~0\r\n", "~[]");
    EXPECT_PRINT(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
                 ">[$\"message\" $\"ch\" $\"hi\"]");
    EXPECT_PRINT("*3\r\n*0\r\n%1\r\n*1\r\n:1\r\n~1\r\n_\r\n*1\r\n*1\r\n$-1\r\n",
                 "*[*[] %{*[:1]=>~[_]} *[*[$-1]]]");
    EXPECT_PRINT("%1\r\n%1\r\n:1\r\n:2\r\n%0\r\n", "%{%{:1=>:2}=>%{}}");
}

static void test_attributes(void **state) {
    (void)state;
    EXPECT_PRINT("|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", "|{+\"ttl\"=>:3} $\"v\"");
    EXPECT_PRINT("|0\r\n:1\r\n", "|{} :1");
    /* Inside aggregates, on keys and values, and on aggregates. */
    EXPECT_PRINT("*2\r\n|1\r\n+a\r\n:1\r\n:1\r\n:2\r\n", "*[|{+\"a\"=>:1} :1 :2]");
    EXPECT_PRINT("%1\r\n|1\r\n+k\r\n#t\r\n+x\r\n|1\r\n+v\r\n#f\r\n+y\r\n",
                 "%{|{+\"k\"=>#t} +\"x\"=>|{+\"v\"=>#f} +\"y\"}");
    EXPECT_PRINT("|1\r\n+a\r\n:1\r\n*1\r\n|1\r\n+b\r\n:2\r\n*0\r\n",
                 "|{+\"a\"=>:1} *[|{+\"b\"=>:2} *[]]");
    /* An attribute describing a value inside an attribute. */
    EXPECT_PRINT("|1\r\n+k\r\n|1\r\n+a\r\n:1\r\n+v\r\n:2\r\n",
                 "|{+\"k\"=>|{+\"a\"=>:1} +\"v\"} :2");
    /* Consecutive attributes describe one value: the reader merges them. */
    EXPECT_PRINT("|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n:3\r\n",
                 "|{+\"a\"=>:1 +\"b\"=>:2} :3");
    EXPECT_PRINT("*1\r\n|0\r\n|?\r\n+b\r\n:2\r\n.\r\n|1\r\n+c\r\n:3\r\n:4\r\n",
                 "*[|?{+\"b\"=>:2 +\"c\"=>:3} :4]");
}

static void test_streamed(void **state) {
    (void)state;
    EXPECT_PRINT("$?\r\n;3\r\nabc\r\n;0\r\n", "$?\"abc\"");
    EXPECT_PRINT("$?\r\n;0\r\n", "$?\"\"");
    EXPECT_PRINT("$?\r\n;2\r\na\n\r\n;1\r\n\"\r\n;0\r\n", "$?\"a\\n\\\"\"");
    EXPECT_PRINT("*?\r\n:1\r\n.\r\n", "*?[:1]");
    EXPECT_PRINT("*?\r\n.\r\n", "*?[]");
    EXPECT_PRINT("%?\r\n+a\r\n:1\r\n.\r\n", "%?{+\"a\"=>:1}");
    EXPECT_PRINT("~?\r\n$?\r\n;1\r\nx\r\n;0\r\n.\r\n", "~?[$?\"x\"]");
    EXPECT_PRINT("|?\r\n+a\r\n:1\r\n.\r\n:2\r\n", "|?{+\"a\"=>:1} :2");
    EXPECT_PRINT(">?\r\n+m\r\n.\r\n", ">?[+\"m\"]");
}

/* ---- limits and misuse ---- */

static void test_depth(void **state) {
    (void)state;
    resp_value *v = mk(RESP_ARRAY);
    for (int i = 1; i < RESP_REPLY_DEPTH_MAX; i++) v = wrap(RESP_ARRAY, v);
    resp_buf b;
    resp_buf_init(&b, NULL);
    assert_int_equal(resp_print_value(&b, v), RESP_OK);
    assert_int_equal(b.len, (size_t)RESP_REPLY_DEPTH_MAX * 3);
    /* One more level is refused, and nothing is left behind. */
    resp_buf_clear(&b);
    resp_buf_append(&b, "x", 1);
    v = wrap(RESP_ARRAY, v);
    assert_int_equal(resp_print_value(&b, v), RESP_EINVAL);
    expect_text(&b, "x");
    resp_value_free(v, NULL);
    resp_buf_free(&b);
}

static void test_invalid(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    resp_buf_append(&b, "x", 1);
    assert_int_equal(resp_print_value(&b, NULL), RESP_EINVAL);
    resp_value *u = wrap(RESP_ARRAY, mk((resp_type)'@'));
    assert_int_equal(resp_print_value(&b, u), RESP_EINVAL);
    resp_value_free(u, NULL);
    resp_value *n = wrap(RESP_SET, mk(RESP_NULL));
    n->elems[0].null_kind = (resp_null_kind)9;
    assert_int_equal(resp_print_value(&b, n), RESP_EINVAL);
    resp_value_free(n, NULL);
    /* The reader merges consecutive attributes; nesting them is invalid. */
    resp_value *aa = mk(RESP_INTEGER);
    aa->attribute = mk(RESP_ATTRIBUTE);
    aa->attribute->attribute = mk(RESP_ATTRIBUTE);
    assert_int_equal(resp_print_value(&b, aa), RESP_EINVAL);
    resp_value_free(aa, NULL);
    resp_value *s = mk(RESP_BULK_STRING);
    s->len = 3; /* but no bytes */
    assert_int_equal(resp_print_value(&b, s), RESP_EINVAL);
    s->len = 0;
    resp_value_free(s, NULL);
    expect_text(&b, "x");
    resp_buf_free(&b);
}

static int printer_alloc_body(void *ctx, test_alloc *ta) {
    const resp_value *v = ctx;
    resp_buf b;
    resp_buf_init(&b, &ta->base);
    int bad = 0;
    resp_error err = resp_print_value(&b, v);
    if (ta->failed) {
        if (err != RESP_ENOMEM || resp_buf_status(&b) != RESP_ENOMEM) bad = 1;
        if (resp_print_value(&b, v) != RESP_ENOMEM) bad = 1;
        if (resp_print_quoted(&b, "a", 1) != RESP_ENOMEM) bad = 1;
    } else if (err != RESP_OK) {
        bad = 1;
    }
    resp_buf_free(&b);
    return bad;
}

static void test_alloc_failure(void **state) {
    (void)state;
    static const char wire[] = "*3\r\n|1\r\n+ttl\r\n:3\r\n$300\r\n"
        "0123456789012345678901234567890123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789012345678901234567890123456789"
        "01234567890123456789\r\n"
        "%1\r\n+k\r\n$?\r\n;200\r\n"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
        "\r\n;0\r\n,1.5\r\n";
    resp_value *v = parse_one(wire, sizeof wire - 1);
    long runs = test_alloc_each_failure(printer_alloc_body, v);
    assert_true(runs > 2);
    resp_value_free(v, NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_scalars_by_hand),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_aggregates),
        cmocka_unit_test(test_attributes),
        cmocka_unit_test(test_streamed),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
