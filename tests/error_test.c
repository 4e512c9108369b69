/* tests/error_test.c - error codes, type names, version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <resp/resp.h>

static const resp_error all_errors[] = {
    RESP_OK,           RESP_ESTRICT_BULK_END,     RESP_ESTRICT_LINE_END, RESP_ESTRICT_NUL,
    RESP_EINLINE_TOO_BIG, RESP_EUNBALANCED_QUOTES, RESP_EMBULK_COUNT_TOO_BIG,
    RESP_EMBULK_LEN,   RESP_EEXPECTED_DOLLAR,     RESP_EBULK_COUNT_TOO_BIG,
    RESP_EBULK_LEN,    RESP_EUNAUTH_MBULK_LEN,    RESP_EUNAUTH_BULK_LEN, RESP_EBAD_TYPE,
    RESP_EBAD_LINE_END, RESP_EBAD_INTEGER,        RESP_EBAD_LENGTH,      RESP_EBAD_DOUBLE,
    RESP_EBAD_BOOLEAN, RESP_EBAD_BIGNUM,          RESP_EBAD_NULL,        RESP_EBAD_VERBATIM,
    RESP_EBAD_STREAM,  RESP_EBAD_STRING,          RESP_ELIMIT_SIZE,      RESP_ELIMIT_COUNT,
    RESP_ELIMIT_DEPTH, RESP_ENOMEM,               RESP_EABORTED,         RESP_EINVAL};

static void test_every_error_has_a_distinct_name_and_text(void **state) {
    (void)state;
    size_t n = sizeof all_errors / sizeof all_errors[0];
    for (size_t i = 0; i < n; i++) {
        const char *name = resp_error_name(all_errors[i]);
        const char *text = resp_strerror(all_errors[i]);
        assert_true(strncmp(name, "RESP_", 5) == 0);
        assert_string_not_equal(text, "unknown error");
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(name, resp_error_name(all_errors[j]));
            assert_string_not_equal(text, resp_strerror(all_errors[j]));
        }
    }
    assert_string_equal(resp_strerror((resp_error)12345), "unknown error");
    assert_string_equal(resp_error_name((resp_error)12345), "RESP_E?");
}

static void test_redis_texts(void **state) {
    (void)state;
    /* The texts Redis 7.0 sends after "Protocol error: ". */
    assert_string_equal(resp_strerror(RESP_EINLINE_TOO_BIG), "too big inline request");
    assert_string_equal(resp_strerror(RESP_EUNBALANCED_QUOTES), "unbalanced quotes in request");
    assert_string_equal(resp_strerror(RESP_EMBULK_COUNT_TOO_BIG), "too big mbulk count string");
    assert_string_equal(resp_strerror(RESP_EMBULK_LEN), "invalid multibulk length");
    assert_string_equal(resp_strerror(RESP_EBULK_COUNT_TOO_BIG), "too big bulk count string");
    assert_string_equal(resp_strerror(RESP_EBULK_LEN), "invalid bulk length");
    assert_string_equal(resp_strerror(RESP_EUNAUTH_MBULK_LEN), "unauthenticated multibulk length");
    assert_string_equal(resp_strerror(RESP_EUNAUTH_BULK_LEN), "unauthenticated bulk length");
}

static void test_severity_order(void **state) {
    (void)state;
    /* Strict findings < protocol errors < limits < environment. */
    assert_true(resp_error_is_strict(RESP_ESTRICT_BULK_END));
    assert_true(resp_error_is_strict(RESP_ESTRICT_NUL));
    assert_false(resp_error_is_strict(RESP_OK));
    assert_false(resp_error_is_strict(RESP_EINLINE_TOO_BIG));
    assert_true(RESP_ESTRICT_NUL < RESP_EINLINE_TOO_BIG);
    assert_true(RESP_EBAD_STRING < RESP_ELIMIT_SIZE);
    assert_true(RESP_ELIMIT_DEPTH < RESP_ENOMEM);
}

static void test_types(void **state) {
    (void)state;
    static const struct {
        resp_type t;
        const char *name;
        int aggregate;
    } types[] = {
        {RESP_SIMPLE_STRING, "simple-string", 0}, {RESP_SIMPLE_ERROR, "simple-error", 0},
        {RESP_INTEGER, "integer", 0},             {RESP_BULK_STRING, "bulk-string", 0},
        {RESP_ARRAY, "array", 1},                 {RESP_NULL, "null", 0},
        {RESP_BOOLEAN, "boolean", 0},             {RESP_DOUBLE, "double", 0},
        {RESP_BIG_NUMBER, "big-number", 0},       {RESP_BULK_ERROR, "bulk-error", 0},
        {RESP_VERBATIM_STRING, "verbatim-string", 0}, {RESP_MAP, "map", 1},
        {RESP_SET, "set", 1},                     {RESP_ATTRIBUTE, "attribute", 1},
        {RESP_PUSH, "push", 1}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        assert_string_equal(resp_type_name(types[i].t), types[i].name);
        assert_int_equal(resp_type_is_aggregate(types[i].t), types[i].aggregate);
    }
    assert_string_equal(resp_type_name((resp_type)'@'), "unknown");
}

static void test_version(void **state) {
    (void)state;
    const char *v = resp_version();
    assert_non_null(v);
    assert_true(strchr(v, '.') != NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_error_has_a_distinct_name_and_text),
        cmocka_unit_test(test_redis_texts),
        cmocka_unit_test(test_severity_order),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
