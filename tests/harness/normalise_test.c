/* tests/harness/normalise_test.c - respect fuzz's reviewed normalisations:
 * the file's syntax, each rule's comparison, and the expectation a case
 * gets for a reply under each rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <resp/value.h>

#include "normalise.h"

static resp_value *wire(const char *bytes) {
    resp_reader r;
    resp_reader_init(&r, NULL, NULL);
    size_t used = 0;
    resp_value *v = NULL;
    assert_int_equal(resp_reader_parse(&r, bytes, strlen(bytes), &used, &v), RESP_REPLY_COMPLETE);
    resp_reader_free(&r);
    return v;
}

static const char rules_text[] =
    "# comment\n"
    "keys          unordered      # hash order\n"
    "scan          scan           # cursors\n"
    "ttl           tolerance 1    # clocks\n"
    "sec           unordered 1    # the second element\n"
    "client|id     match :1..100  # a counter\n"
    "info          match $/^# / || =txt:/^# /   # fields\n"
    "command|info/2 match any     # whole table\n"
    "command|info  subcommands    # containers\n";

static rh_rules load(void) {
    rh_rules r;
    char err[300] = "";
    if (rh_rules_parse(&r, rules_text, strlen(rules_text), err, sizeof err) != 0)
        fail_msg("%s", err);
    return r;
}

/* Compares two wire replies under the rule for cmd with argc arguments. */
static int same(const rh_rules *r, const char *cmd, size_t argc, const char *a, const char *b) {
    resp_value *va = wire(a), *vb = wire(b);
    int s = rh_rules_same(rh_rules_find(r, cmd, argc), va, a, strlen(a), vb, b, strlen(b));
    resp_value_free(va, NULL);
    resp_value_free(vb, NULL);
    return s;
}

static void file_syntax(void **state) {
    (void)state;
    rh_rules r;
    char err[300] = "";
    const char *bad[] = {
        "keys unordered\n",                 /* no reason */
        "keys shuffle # why\n",             /* unknown rule */
        "keys unordered # a\nkeys scan # b\n", /* two rules */
        "ttl tolerance x # why\n",          /* not a number */
        "scan scan 3 # why\n",              /* takes nothing */
        "x match *[ # why\n",               /* not a pattern */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(rh_rules_parse(&r, bad[i], strlen(bad[i]), err, sizeof err), -1);
        assert_non_null(strstr(err, "line "));
    }
    r = load();
    assert_int_equal(r.count, 8);
    assert_string_equal(rh_rules_find(&r, "keys", 2)->why, "hash order");
    assert_null(rh_rules_find(&r, "get", 2));
    rh_rules_free(&r);
}

static void argument_count_picks_the_rule(void **state) {
    (void)state;
    rh_rules r = load();
    assert_int_equal(rh_rules_find(&r, "command|info", 2)->kind, RH_RULE_MATCH);
    assert_int_equal(rh_rules_find(&r, "command|info", 3)->kind, RH_RULE_SUBCOMMANDS);
    rh_rules_free(&r);
}

static void exact_where_no_rule_or_an_error(void **state) {
    (void)state;
    rh_rules r = load();
    assert_true(same(&r, "get", 2, "$1\r\na\r\n", "$1\r\na\r\n"));
    assert_false(same(&r, "get", 2, "$1\r\na\r\n", "$1\r\nb\r\n"));
    /* the same value in other bytes is a difference too */
    assert_false(same(&r, "get", 2, "_\r\n", "$-1\r\n"));
    /* errors: byte for byte, whatever the rule */
    assert_false(same(&r, "client|id", 2, "-ERR a\r\n", "-ERR b\r\n"));
    assert_false(same(&r, "keys", 2, "-ERR a\r\n", "*0\r\n"));
    rh_rules_free(&r);
}

static void unordered(void **state) {
    (void)state;
    rh_rules r = load();
    assert_true(same(&r, "keys", 2, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"));
    assert_false(same(&r, "keys", 2, "*2\r\n$1\r\na\r\n$1\r\na\r\n", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
    assert_false(same(&r, "keys", 2, "*1\r\n$1\r\na\r\n", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
    /* element 1 only */
    assert_true(same(&r, "sec", 2, "*2\r\n:1\r\n*2\r\n:2\r\n:3\r\n", "*2\r\n:1\r\n*2\r\n:3\r\n:2\r\n"));
    assert_false(same(&r, "sec", 2, "*2\r\n:1\r\n*2\r\n:2\r\n:3\r\n", "*2\r\n:9\r\n*2\r\n:3\r\n:2\r\n"));
    rh_rules_free(&r);
}

static void tolerance(void **state) {
    (void)state;
    rh_rules r = load();
    assert_true(same(&r, "ttl", 2, ":100\r\n", ":99\r\n"));
    assert_false(same(&r, "ttl", 2, ":100\r\n", ":98\r\n"));
    assert_false(same(&r, "ttl", 2, ":-1\r\n", ":0\r\n")); /* negative ones exactly */
    assert_false(same(&r, "ttl", 2, ":-2\r\n", ":-1\r\n"));
    rh_rules_free(&r);
}

static void match_alternatives(void **state) {
    (void)state;
    rh_rules r = load();
    assert_true(same(&r, "client|id", 2, ":5\r\n", ":7\r\n"));
    assert_false(same(&r, "client|id", 2, ":5\r\n", ":700\r\n"));
    assert_true(same(&r, "info", 2, "$4\r\n# Aa\r\n", "$4\r\n# Bb\r\n"));
    assert_true(same(&r, "info", 2, "=8\r\ntxt:# Aa\r\n", "=8\r\ntxt:# Bb\r\n"));
    assert_false(same(&r, "info", 2, "$4\r\n# Aa\r\n", "$2\r\nno\r\n"));
    rh_rules_free(&r);
}

static void scan(void **state) {
    (void)state;
    rh_rules r = load();
    const char *done_ab = "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n";
    const char *done_ba = "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n";
    const char *done_a = "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n";
    const char *part = "*2\r\n$2\r\n17\r\n*1\r\n$1\r\nz\r\n";
    assert_true(same(&r, "scan", 2, done_ab, done_ba));
    assert_false(same(&r, "scan", 2, done_ab, done_a));
    assert_true(same(&r, "scan", 2, part, done_a)); /* a walk not finished: only the shape */
    assert_false(same(&r, "scan", 2, part, ":1\r\n"));
    rh_rules_free(&r);
}

/* COMMAND INFO entries: [name arity flags first last step acl tips specs subs] */
#define ENTRY(name, subs) "*10\r\n$" name "\r\n:2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*0\r\n*0\r\n*0\r\n" subs
#define SUB(name) ENTRY(name, "*0\r\n")

static void subcommands(void **state) {
    (void)state;
    rh_rules r = load();
    const char *ab = "*1\r\n" ENTRY("1\r\nc", "*2\r\n" SUB("3\r\nc|a") SUB("3\r\nc|b"));
    const char *ba = "*1\r\n" ENTRY("1\r\nc", "*2\r\n" SUB("3\r\nc|b") SUB("3\r\nc|a"));
    const char *a = "*1\r\n" ENTRY("1\r\nc", "*1\r\n" SUB("3\r\nc|a"));
    const char *other = "*1\r\n" ENTRY("1\r\nd", "*1\r\n" SUB("3\r\nc|a"));
    assert_true(same(&r, "command|info", 3, ab, ba));
    assert_true(same(&r, "command|info", 3, ab, a)); /* each lists what it runs */
    assert_false(same(&r, "command|info", 3, ab, other));
    rh_rules_free(&r);
}

static void groups(void **state) {
    (void)state;
    resp_value *a1 = wire("*3\r\n$11\r\nunsubscribe\r\n$1\r\nx\r\n:1\r\n");
    resp_value *a2 = wire("*3\r\n$11\r\nunsubscribe\r\n$1\r\ny\r\n:0\r\n");
    resp_value *b1 = wire("*3\r\n$11\r\nunsubscribe\r\n$1\r\ny\r\n:1\r\n");
    resp_value *b2 = wire("*3\r\n$11\r\nunsubscribe\r\n$1\r\nx\r\n:0\r\n");
    const resp_value *va[] = {a1, a2}, *vb[] = {b1, b2}, *vc[] = {b1, b1};
    assert_true(rh_rules_same_confirmations(va, vb, 2));
    assert_false(rh_rules_same_confirmations(va, vc, 2));
    resp_value *p1 = wire(">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$1\r\nm\r\n");
    resp_value *p2 = wire(">4\r\n$8\r\npmessage\r\n$2\r\nc?\r\n$2\r\nch\r\n$1\r\nm\r\n");
    resp_value *p3 = wire(">4\r\n$8\r\npmessage\r\n$2\r\nc?\r\n$2\r\nch\r\n$1\r\nn\r\n");
    assert_true(rh_rules_same_publish(p1, p2));
    assert_false(rh_rules_same_publish(p1, p3)); /* another payload: another PUBLISH */
    const resp_value *m1[] = {p1, p2}, *m2[] = {p2, p1};
    assert_true(rh_rules_same_messages(m1, m2, 2));
    resp_value *all[] = {a1, a2, b1, b2, p1, p2, p3};
    for (size_t i = 0; i < 7; i++) resp_value_free(all[i], NULL);
}

static void expectation(const rh_rules *r, const char *cmd, size_t argc, const char *bytes,
                        const char *want) {
    resp_value *v = wire(bytes);
    char *got = rh_rules_expectation(rh_rules_find(r, cmd, argc), v, "ns:");
    assert_string_equal(got, want);
    free(got);
    resp_value_free(v, NULL);
}

static void expectations(void **state) {
    (void)state;
    rh_rules r = load();
    expectation(&r, "get", 2, "$5\r\nns:k1\r\n", "$\"@k1\"");
    expectation(&r, "ttl", 2, ":100\r\n", ":99..101");
    expectation(&r, "ttl", 2, ":-2\r\n", ":-2");
    /* The range stops at the largest integer instead of wrapping. */
    expectation(&r, "ttl", 2, ":9223372036854775807\r\n",
                ":9223372036854775806..9223372036854775807");
    expectation(&r, "keys", 2, "*1\r\n$5\r\nns:k1\r\n", "unordered *[$\"@k1\"]");
    expectation(&r, "sec", 2, "*2\r\n:1\r\n*1\r\n:2\r\n", "*[:1 unordered *[:2]]");
    expectation(&r, "client|id", 2, ":5\r\n", ":1..100");
    expectation(&r, "info", 2, "=8\r\ntxt:# Aa\r\n", "=txt:/^# /");
    expectation(&r, "scan", 2, "*2\r\n$2\r\n17\r\n*0\r\n", "*[$/^[0-9]+$/ any]");
    expectation(&r, "keys", 2, "-ERR x\r\n", "-\"ERR x\"");
    rh_rules_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_syntax),
        cmocka_unit_test(argument_count_picks_the_rule),
        cmocka_unit_test(exact_where_no_rule_or_an_error),
        cmocka_unit_test(unordered),
        cmocka_unit_test(tolerance),
        cmocka_unit_test(match_alternatives),
        cmocka_unit_test(scan),
        cmocka_unit_test(subcommands),
        cmocka_unit_test(groups),
        cmocka_unit_test(expectations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
