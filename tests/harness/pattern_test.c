/* tests/harness/pattern_test.c - the expectation notation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <resp/value.h>

#include "pattern.h"

/* Parses one reply from wire bytes. */
static resp_value *wire(const char *bytes) {
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used = 0;
    resp_value *v = NULL;
    resp_reply_status st = resp_reader_parse(&r, bytes, strlen(bytes), &used, &v);
    resp_reader_free(&r);
    assert_int_equal(st, RESP_REPLY_COMPLETE);
    return v;
}

static rh_pattern *pat(const char *text) {
    char err[200] = "";
    rh_pattern *p = rh_pattern_parse(text, strlen(text), err, sizeof err);
    if (p == NULL) fail_msg("'%s': %s", text, err);
    return p;
}

static int matches(const char *pattern, const char *bytes) {
    rh_pattern *p = pat(pattern);
    resp_value *v = wire(bytes);
    int m = rh_pattern_match(p, v);
    rh_pattern_free(p);
    resp_value_free(v, NULL);
    return m;
}

static void exact_values(void **state) {
    (void)state;
    assert_true(matches("+\"OK\"", "+OK\r\n"));
    assert_false(matches("+\"OK\"", "$2\r\nOK\r\n"));
    assert_true(matches("-\"ERR x\"", "-ERR x\r\n"));
    assert_true(matches(":42", ":42\r\n"));
    assert_false(matches(":42", ":43\r\n"));
    assert_true(matches("$\"a\\r\\nb\"", "$4\r\na\r\nb\r\n"));
    assert_true(matches("$-1", "$-1\r\n"));
    assert_false(matches("$-1", "*-1\r\n"));
    assert_true(matches("*-1", "*-1\r\n"));
    assert_true(matches("_", "_\r\n"));
    assert_false(matches("_", "$-1\r\n"));
    assert_true(matches("#t", "#t\r\n"));
    assert_false(matches("#t", "#f\r\n"));
    assert_true(matches(",1.5", ",1.5\r\n"));
    assert_true(matches("(123456789012345678901", "(123456789012345678901\r\n"));
    assert_true(matches("=txt:\"hi\"", "=6\r\ntxt:hi\r\n"));
    assert_true(matches("!\"SYNTAX x\"", "!8\r\nSYNTAX x\r\n"));
    assert_true(matches("*[:1 $\"a\"]", "*2\r\n:1\r\n$1\r\na\r\n"));
    assert_false(matches("*[:1]", "*2\r\n:1\r\n:2\r\n"));
    assert_true(matches("~[:1 :2]", "~2\r\n:1\r\n:2\r\n"));
    assert_true(matches("%{$\"k\"=>:1}", "%1\r\n$1\r\nk\r\n:1\r\n"));
    assert_true(matches(">[$\"message\" $\"c\" $\"m\"]",
                        ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n"));
    assert_true(matches("|{+\"ttl\"=>:3} $\"v\"", "|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n"));
    assert_false(matches("$\"v\"", "|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n"));
    assert_true(matches("*[]", "*0\r\n"));
}

static void binary_payload(void **state) {
    (void)state;
    rh_pattern *p = pat("$\"a\\x00b\"");
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used;
    resp_value *v = NULL;
    assert_int_equal(resp_reader_parse(&r, "$3\r\na\0b\r\n", 9, &used, &v), RESP_REPLY_COMPLETE);
    assert_true(rh_pattern_match(p, v));
    assert_true(rh_pattern_is_exact(p));
    resp_reader_free(&r);
    resp_value_free(v, NULL);
    rh_pattern_free(p);
}

static void matchers(void **state) {
    (void)state;
    assert_true(matches(":0..100", ":100\r\n"));
    assert_true(matches(":-2..-1", ":-2\r\n"));
    assert_false(matches(":0..100", ":101\r\n"));
    assert_true(matches("-\"ERR unknown\"...", "-ERR unknown command 'x'\r\n"));
    assert_false(matches("-\"ERR unknown\"...", "-ERR unknow\r\n"));
    assert_false(matches("+\"ERR\"...", "-ERR x\r\n"));
    assert_true(matches("$/^[0-9]+$/", "$3\r\n123\r\n"));
    assert_false(matches("$/^[0-9]+$/", "$3\r\n12a\r\n"));
    assert_true(matches("$/a\\/b/", "$3\r\na/b\r\n"));
    assert_true(matches("$/^a\\r\\nb\\x41$/", "$5\r\na\r\nbA\r\n"));
    assert_true(matches("$/^a\\.b$/", "$3\r\na.b\r\n"));
    assert_false(matches("$/^a\\.b$/", "$3\r\naxb\r\n"));
    assert_true(matches("=txt:/^# Server/", "=13\r\ntxt:# Server\n\r\n"));
    assert_false(matches("=txt:/^# Server/", "=13\r\nmkd:# Server\n\r\n"));
    assert_false(matches("=txt:/^# Server/", "$8\r\n# Server\r\n"));
    assert_true(matches("=txt:\"# Ser\"...", "=13\r\ntxt:# Server\n\r\n"));
    assert_true(matches("any", "*1\r\n:1\r\n"));
    assert_true(matches("*[any :2]", "*2\r\n$1\r\nx\r\n:2\r\n"));
    assert_true(matches("unordered *[$\"b\" $\"a\"]", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
    assert_false(matches("unordered *[$\"a\" $\"a\"]", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
    assert_false(matches("*[$\"b\" $\"a\"]", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
    assert_true(matches("unordered %{$\"b\"=>:2 $\"a\"=>:1}",
                        "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n"));
    /* Keys and values move together. */
    assert_false(matches("unordered %{$\"b\"=>:1 $\"a\"=>:2}",
                         "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n"));
}

static void parse_errors(void **state) {
    (void)state;
    const char *bad[] = {"",        "OK",       "+OK",      "$\"a",   "*[:1",     ":",
                         ":5..1",   "$/(/",     "%{:1}",    "#x",     "unordered :1",
                         "+\"a\" +\"b\"", "=tx\"a\"", "$\"\\q\"", "$\"\\x4\"", "|{} "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[200] = "";
        rh_pattern *p = rh_pattern_parse(bad[i], strlen(bad[i]), err, sizeof err);
        if (p != NULL) fail_msg("'%s' parsed", bad[i]);
        assert_non_null(strstr(err, "column "));
    }
    char deep[300];
    memset(deep, '[', sizeof deep);
    for (size_t i = 0; i < sizeof deep; i += 2) deep[i] = '*';
    char err[200];
    assert_null(rh_pattern_parse(deep, sizeof deep, err, sizeof err));
    assert_non_null(strstr(err, "nested deeper"));
}

static void same_under_normalisation(void **state) {
    (void)state;
    resp_value *a = wire("*2\r\n$1\r\na\r\n:5\r\n");
    resp_value *b = wire("*2\r\n$1\r\na\r\n:7\r\n");
    resp_value *c = wire("*2\r\n:1\r\n:5\r\n");
    rh_pattern *exact = pat("*[$\"a\" :5]");
    rh_pattern *range = pat("*[$\"a\" :0..10]");
    assert_false(rh_pattern_same(NULL, a, b));
    assert_false(rh_pattern_same(exact, a, b));
    assert_true(rh_pattern_same(range, a, b));
    assert_false(rh_pattern_same(range, a, c)); /* the exact element differs */
    rh_pattern *un = pat("unordered *[$\"x\" $\"y\"]");
    resp_value *xy = wire("*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
    resp_value *yx = wire("*2\r\n$1\r\ny\r\n$1\r\nx\r\n");
    resp_value *xx = wire("*2\r\n$1\r\nx\r\n$1\r\nx\r\n");
    assert_true(rh_pattern_same(un, xy, yx));
    assert_false(rh_pattern_same(un, xy, xx));
    rh_pattern *anyp = pat("any");
    assert_true(rh_pattern_same(anyp, a, c));
    for (resp_value **v = (resp_value *[]){a, b, c, xy, yx, xx, NULL}; *v; v++)
        resp_value_free(*v, NULL);
    rh_pattern_free(exact);
    rh_pattern_free(range);
    rh_pattern_free(un);
    rh_pattern_free(anyp);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_values),     cmocka_unit_test(binary_payload),
        cmocka_unit_test(matchers),         cmocka_unit_test(parse_errors),
        cmocka_unit_test(same_under_normalisation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
