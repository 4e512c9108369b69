/* tests/harness/case_test.c - case files, sends and namespaces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "case.h"
#include "util.h"

static int parse(rh_suite *s, const char *text, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    return rh_suite_parse(s, "cases/strings/x.case", text, strlen(text), err, errlen);
}

static void a_full_case(void **state) {
    (void)state;
    const char *text = "# comment\n"
                       "case set-ex\n"
                       "  desc: SET with EX\n"
                       "  tags: expire slow\n"
                       "  proto: 2\n"
                       "  server: --requirepass secret\n"
                       "  prelude: none\n"
                       "  timeout: 500\n"
                       "  > SET @k \"a b\" EX 10\n"
                       "  <2 +\"OK\"\n"
                       "  conn other\n"
                       "  chunk 1 5\n"
                       "  raw \"PING\\r\\n\"\n"
                       "  < any\n"
                       "  silent 50\n"
                       "  pause 10\n"
                       "  close\n"
                       "case second\n"
                       "  desc: d\n"
                       "  > PING\n"
                       "  closed\n";
    rh_suite s;
    char err[300] = "";
    assert_int_equal(parse(&s, text, err, sizeof err), 0);
    assert_int_equal(s.count, 2);
    const rh_case *c = &s.cases[0];
    assert_string_equal(c->family, "strings");
    assert_string_equal(c->name, "set-ex");
    assert_string_equal(c->desc, "SET with EX");
    assert_true(rh_case_has_tag(c, "slow"));
    assert_false(rh_case_has_tag(c, "fast"));
    assert_int_equal(c->protos, RH_PROTO_2);
    assert_string_equal(c->server_args, "--requirepass secret");
    assert_int_equal(c->prelude, 0);
    assert_int_equal(c->timeout_ms, 500);
    assert_int_equal(c->nsteps, 9);
    assert_int_equal(c->steps[0].kind, RH_STEP_SEND);
    assert_int_equal(c->steps[1].kind, RH_STEP_EXPECT);
    assert_int_equal(c->steps[1].protos, RH_PROTO_2);
    assert_int_equal(c->steps[2].kind, RH_STEP_CONN);
    assert_string_equal(c->steps[2].text, "other");
    assert_int_equal(c->steps[3].kind, RH_STEP_CHUNK);
    assert_int_equal(c->steps[3].num, 1);
    assert_int_equal(c->steps[3].num2, 5);
    assert_int_equal(c->steps[4].kind, RH_STEP_RAW);
    assert_int_equal(c->steps[5].kind, RH_STEP_EXPECT);
    assert_int_equal(c->steps[5].protos, RH_PROTO_2 | RH_PROTO_3);
    assert_int_equal(c->steps[6].kind, RH_STEP_SILENT);
    assert_int_equal(c->steps[7].kind, RH_STEP_PAUSE);
    assert_int_equal(c->steps[8].kind, RH_STEP_CLOSE);
    assert_int_equal(s.cases[1].steps[1].kind, RH_STEP_CLOSED);
    assert_int_equal(s.cases[1].protos, RH_PROTO_2 | RH_PROTO_3);
    assert_int_equal(s.cases[1].prelude, 1);
    rh_suite_free(&s);
}

static void errors_name_the_line(void **state) {
    (void)state;
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"> PING\n", ":1: expected 'case NAME'"},
        {"case a\n  > PING\n", ":1: case a has no desc:"},
        {"case a\n desc: x\n", ":1: case a sends nothing"},
        {"case a\n desc: x\n > PING\n tags: t\n", ":4: headers go before"},
        {"case a\n desc: x\n frobnicate\n", ":3: unknown step 'frobnicate'"},
        {"case a\n desc: x\n > \"unterminated\n", ":3: argument 1: unterminated"},
        {"case a\n desc: x\n > a\"b\n", ":3: argument 1: a quote inside"},
        {"case a\n desc: x\n >\n", ":3: '>' needs at least one argument"},
        {"case a\n desc: x\n raw PING\n", ":3: raw: expected"},
        {"case a\n desc: x\n > PING\n < +OK\n", ":4: column 3: expected '\"' or '/' after '+'"},
        {"case a\n desc: x\n silent forever\n", ":3: silent takes milliseconds"},
        {"case a\n desc: x\n proto: 4\n", ":3: proto: takes"},
        {"case a\n desc: x\n colour: red\n", ":3: unknown header 'colour:'"},
        {"case a b\n", ":1: bad case name"},
        {"case a\n desc: x\n > PING\ncase a\n", ":4: case 'a' defined twice"},
        {"case a\n desc: x\n > PING\n <~\n", ":4: '<~' needs the reply it waits for"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rh_suite s;
        char err[300] = "";
        assert_int_equal(parse(&s, bad[i].text, err, sizeof err), -1);
        if (strstr(err, bad[i].want) == NULL) fail_msg("case %zu: got '%s'", i, err);
        rh_suite_free(&s);
    }
}

static void sends_and_raw(void **state) {
    (void)state;
    resp_buf b;
    resp_buf_init(&b, NULL);
    char err[200];
    const char *line = " SET k \"a b\\r\\n\" \"\"";
    assert_int_equal(rh_encode_send(&b, line, strlen(line), err, sizeof err), 0);
    const char want[] = "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na b\r\n\r\n$0\r\n\r\n";
    assert_int_equal(b.len, sizeof want - 1);
    assert_memory_equal(b.data, want, b.len);
    resp_buf_clear(&b);
    const char *raw = "\"PING\\r\\n\" \"\\x00\\x41\"";
    assert_int_equal(rh_decode_raw(&b, raw, strlen(raw), err, sizeof err), 0);
    assert_int_equal(b.len, 8);
    assert_memory_equal(b.data, "PING\r\n\0A", 8);
    /* Repeats and back-to-back pieces. */
    resp_buf_clear(&b);
    const char *rep = "\"ab\"*3\"c\" \"d\"";
    assert_int_equal(rh_decode_raw(&b, rep, strlen(rep), err, sizeof err), 0);
    assert_int_equal(b.len, 8);
    assert_memory_equal(b.data, "abababcd", 8);
    resp_buf_clear(&b);
    const char *arg = "ECHO \"x\"*2\"y\"*2 z";
    assert_int_equal(rh_encode_send(&b, arg, strlen(arg), err, sizeof err), 0);
    const char want2[] = "*3\r\n$4\r\nECHO\r\n$4\r\nxxyy\r\n$1\r\nz\r\n";
    assert_int_equal(b.len, sizeof want2 - 1);
    assert_memory_equal(b.data, want2, b.len);
    const char *bad[] = {"\"a\"*0", "\"a\"*", "\"a\"*99999999999", "\"a\"x"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(rh_decode_raw(&b, bad[i], strlen(bad[i]), err, sizeof err), -1);
        assert_int_equal(rh_encode_send(&b, bad[i], strlen(bad[i]), err, sizeof err), -1);
    }
    resp_buf_free(&b);
}

static void anywhere_expectations(void **state) {
    (void)state;
    rh_suite s;
    char err[300] = "";
    assert_int_equal(parse(&s, "case a\n desc: x\n > PING\n < +\"PONG\"\n <~ :1\n <~3 _\n <3 _\n",
                           err, sizeof err),
                     0);
    const rh_case *c = &s.cases[0];
    assert_int_equal(c->nsteps, 5);
    assert_false(c->steps[1].anywhere);
    assert_true(c->steps[2].anywhere);
    assert_int_equal(c->steps[2].protos, RH_PROTO_2 | RH_PROTO_3);
    assert_string_equal(c->steps[2].text, " :1");
    assert_true(c->steps[3].anywhere);
    assert_int_equal(c->steps[3].protos, RH_PROTO_3);
    assert_false(c->steps[4].anywhere);
    assert_int_equal(c->steps[4].protos, RH_PROTO_3);
    rh_suite_free(&s);
}

static void namespaces(void **state) {
    (void)state;
    resp_buf b, u;
    resp_buf_init(&b, NULL);
    resp_buf_init(&u, NULL);
    const char *text = "GET @k @@x a@ @ \"@k\" @_1";
    rh_expand(&b, text, strlen(text), "ns:");
    resp_buf_append(&b, "", 1);
    assert_string_equal(b.data, "GET ns:k @x a@ @ \"ns:k\" ns:_1");
    /* Recorded text goes back to the case's spelling. */
    rh_unexpand(&u, b.data, b.len - 1, "ns:");
    resp_buf_append(&u, "", 1);
    assert_string_equal(u.data, "GET @k @@x a@ @ \"@k\" @_1");
    resp_buf_free(&b);
    resp_buf_free(&u);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_full_case),
        cmocka_unit_test(errors_name_the_line),
        cmocka_unit_test(sends_and_raw),
        cmocka_unit_test(namespaces),
        cmocka_unit_test(anywhere_expectations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
