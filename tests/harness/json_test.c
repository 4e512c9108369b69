/* tests/harness/json_test.c - the result-file reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static rh_json *parse(const char *text) {
    char why[200];
    return rh_json_parse(text, strlen(text), why, sizeof why);
}

static void values(void **state) {
    (void)state;
    rh_json *j = parse(" {\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\n\\u00e9\\ud83d\\ude00\","
                       " \"o\": {}} ");
    assert_non_null(j);
    const rh_json *a = rh_json_get(j, "a");
    assert_non_null(a);
    assert_int_equal(a->kind, RH_JSON_ARRAY);
    assert_int_equal(a->count, 5);
    assert_true(a->items[1].number == -25.0);
    assert_int_equal(a->items[2].kind, RH_JSON_BOOL);
    assert_int_equal(a->items[4].kind, RH_JSON_NULL);
    assert_string_equal(rh_json_str(rh_json_get(j, "s")), "x\n\xc3\xa9\xf0\x9f\x98\x80");
    assert_int_equal(rh_json_get(j, "o")->count, 0);
    assert_null(rh_json_get(j, "missing"));
    assert_null(rh_json_str(a));
    rh_json_free(j);
}

static void malformed(void **state) {
    (void)state;
    const char *bad[] = {"", "{", "[1,]", "{\"a\" 1}", "\"\\u0000\"", "\"a", "[1] x", "tru",
                         "{1: 2}", "\"\x01\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char why[200] = "";
        rh_json *j = rh_json_parse(bad[i], strlen(bad[i]), why, sizeof why);
        if (j != NULL) fail_msg("'%s' parsed", bad[i]);
        assert_non_null(strstr(why, "at byte"));
    }
    char deep[200];
    memset(deep, '[', sizeof deep);
    char why[200];
    assert_null(rh_json_parse(deep, sizeof deep, why, sizeof why));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(values), cmocka_unit_test(malformed)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
