/* tests/set_test.c - the set value (server/set.c) against a model:
 * adds, removes and membership in both encodings; ascending order while
 * an intset; the one-way conversion at a non-integer member or the 513th
 * integer; what counts as an integer; random picks are members. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "set.h"

#define UNIVERSE 700
static int live[UNIVERSE];
static char names[UNIVERSE][32];
static size_t lens[UNIVERSE];

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Members: integers spread over the whole range, in ascending order of
 * index, and (when strings) a few that are not integers. */
static void make_names(int strings) {
    for (size_t i = 0; i < UNIVERSE; i++) {
        long long v = (long long)(i * 26000000000000000ULL - 9000000000000000000ULL);
        if (strings && i % 97 == 5) lens[i] = (size_t)snprintf(names[i], 32, "m%zu", i);
        else lens[i] = (size_t)snprintf(names[i], 32, "%lld", v);
    }
    memset(live, 0, sizeof live);
}

static void check(const mr_setval *s) {
    size_t count = 0;
    for (size_t i = 0; i < UNIVERSE; i++) {
        assert_int_equal(mr_set_has(s, names[i], lens[i]), live[i]);
        count += (size_t)live[i];
    }
    assert_int_equal(mr_set_len(s), count);
    mr_set_iter it;
    const char *m;
    size_t mn, n = 0, want = 0;
    mr_set_iter_init(&it, s);
    while (mr_set_iter_next(&it, &m, &mn)) {
        if (s->hdr.encoding == MR_ENC_INTSET) {
            while (!live[want]) want++;
            assert_int_equal(mn, lens[want]);
            assert_memory_equal(m, names[want], mn);
            want++;
        }
        n++;
    }
    mr_set_iter_done(&it);
    assert_int_equal(n, count);
}

static void run(int strings, size_t universe, int steps) {
    make_names(strings);
    mr_setval *s = mr_set_new();
    int was_table = 0;
    for (int k = 0; k < steps; k++) {
        size_t i = (size_t)(next() % universe);
        if (next() % 3 != 0) {
            assert_int_equal(mr_set_add(s, names[i], lens[i]), !live[i]);
            live[i] = 1;
        } else {
            assert_int_equal(mr_set_remove(s, names[i], lens[i]), live[i]);
            live[i] = 0;
        }
        if (was_table) assert_int_equal(s->hdr.encoding, MR_ENC_HASHTABLE);
        was_table = s->hdr.encoding == MR_ENC_HASHTABLE;
        if (k % 100 == 0) check(s);
        if (mr_set_len(s) > 0 && k % 10 == 0) {
            char buf[24];
            const char *m;
            size_t mn;
            uint64_t r = next();
            mr_set_random(s, &r, buf, &m, &mn);
            assert_true(mr_set_has(s, m, mn));
        }
    }
    check(s);
    mr_set_free(s);
}

static void test_integers_stay_intset(void **state) {
    (void)state;
    run(0, MR_SET_INTSET_ENTRIES, 8000);
}

static void test_integers_grow_into_table(void **state) {
    (void)state;
    run(0, UNIVERSE, 8000);
}

static void test_strings(void **state) {
    (void)state;
    run(1, 300, 5000);
}

static void test_what_is_an_integer(void **state) {
    (void)state;
    static const char *not_ints[] = {"01", "+1", "-0", "1.0", " 1", "1 ", "", "9223372036854775808",
                                     "0x1"};
    for (size_t i = 0; i < sizeof not_ints / sizeof not_ints[0]; i++) {
        mr_setval *s = mr_set_new();
        mr_set_add(s, "1", 1);
        assert_int_equal(s->hdr.encoding, MR_ENC_INTSET);
        mr_set_add(s, not_ints[i], strlen(not_ints[i]));
        assert_int_equal(s->hdr.encoding, MR_ENC_HASHTABLE);
        assert_int_equal(mr_set_len(s), 2);
        mr_set_free(s);
    }
    mr_setval *s = mr_set_new();
    mr_set_add(s, "-9223372036854775808", 20);
    mr_set_add(s, "0", 1);
    assert_int_equal(s->hdr.encoding, MR_ENC_INTSET);
    assert_false(mr_set_has(s, "00", 2));
    assert_false(mr_set_remove(s, "-0", 2));
    mr_set_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers_stay_intset),
        cmocka_unit_test(test_integers_grow_into_table),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_what_is_an_integer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
