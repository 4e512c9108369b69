/* tests/zset_test.c - the sorted set value (server/zset.c) against a
 * model, a sorted array: after every random add, move, remove and removal
 * of a run of ranks, in both encodings, the order walked both ways, each
 * member's rank and score, and the counts below scores and names agree;
 * the one-way conversion at the 129th member or a 65-byte one; -0 in a
 * listpack; a copy and the shrink back to a listpack keep every member. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zset.h"

#define UNIVERSE 300

typedef struct entry {
    char name[80];
    size_t len;
    double score;
} entry;

static entry model[UNIVERSE];
static size_t model_n;
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cmp_entry(const void *pa, const void *pb) {
    const entry *a = pa, *b = pb;
    if (a->score != b->score) return a->score < b->score ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int r = memcmp(a->name, b->name, n);
    if (r != 0) return r;
    return a->len < b->len ? -1 : a->len > b->len;
}

static long model_find(const char *m, size_t mn) {
    for (size_t i = 0; i < model_n; i++)
        if (model[i].len == mn && memcmp(model[i].name, m, mn) == 0) return (long)i;
    return -1;
}

static void model_set(const char *m, size_t mn, double score) {
    long i = model_find(m, mn);
    if (i < 0) {
        i = (long)model_n++;
        memcpy(model[i].name, m, mn);
        model[i].len = mn;
    }
    model[i].score = score;
    qsort(model, model_n, sizeof *model, cmp_entry);
}

static void model_remove_at(size_t i) {
    memmove(&model[i], &model[i + 1], (model_n - i - 1) * sizeof *model);
    model_n--;
}

/* A member name: short names, and with long ones a few past 64 bytes. */
static size_t random_name(char *buf, int long_names) {
    unsigned k = (unsigned)(next() % UNIVERSE);
    size_t n = (size_t)snprintf(buf, 80, "m%u", k);
    if (long_names && k % 37 == 0) {
        memset(buf + n, 'x', 70 - n);
        n = 70;
    }
    return n;
}

/* Scores with many ties, so the name order matters. */
static double random_score(void) {
    static const double some[] = {-1e300, -2.5, -1, 0, 0.5, 1, 1, 2, 3.25, 1e300};
    return some[next() % (sizeof some / sizeof some[0])];
}

static void check_against_model(const mr_zsetval *z) {
    assert_int_equal(mr_zset_len(z), model_n);
    mr_zset_pos p;
    const char *m;
    size_t mn;
    double score;
    size_t i = 0;
    for (mr_zset_at(z, 0, &p); mr_zset_get(&p, &m, &mn, &score); mr_zset_next(&p), i++) {
        assert_true(i < model_n);
        assert_int_equal(mn, model[i].len);
        assert_memory_equal(m, model[i].name, mn);
        assert_true(score == model[i].score);
        size_t rank;
        assert_true(mr_zset_rank(z, m, mn, &rank));
        assert_int_equal(rank, i);
        double s2;
        assert_true(mr_zset_score(z, m, mn, &s2));
        assert_true(s2 == score);
    }
    assert_int_equal(i, model_n);
    if (model_n > 0) {
        i = model_n;
        for (mr_zset_at(z, model_n - 1, &p); mr_zset_get(&p, &m, &mn, &score); mr_zset_prev(&p)) {
            assert_true(i > 0);
            i--;
            assert_memory_equal(m, model[i].name, mn);
        }
        assert_int_equal(i, 0);
    }
    /* Counts below a few scores and names. */
    static const double probes[] = {-1e301, -1, 0, 1, 2, 1e300, 1e301};
    for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++)
        for (int inclusive = 0; inclusive <= 1; inclusive++) {
            size_t want = 0;
            while (want < model_n && (model[want].score < probes[k] ||
                                      (inclusive && model[want].score == probes[k])))
                want++;
            assert_int_equal(mr_zset_count_below(z, probes[k], inclusive), want);
        }
}

/* Random operations on a set whose scores are all equal also check the
 * counts below names (which need the names in order). */
static void check_lex(const mr_zsetval *z) {
    static const char *probes[] = {"", "m1", "m15", "m2", "m299", "n"};
    for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++)
        for (int inclusive = 0; inclusive <= 1; inclusive++) {
            mr_zset_lex b = {MR_LEX_BYTES, probes[k], strlen(probes[k])};
            size_t want = 0;
            while (want < model_n) {
                size_t n = model[want].len < b.n ? model[want].len : b.n;
                int r = memcmp(model[want].name, b.s, n);
                if (r == 0) r = model[want].len < b.n ? -1 : model[want].len > b.n;
                if (!(r < 0 || (inclusive && r == 0))) break;
                want++;
            }
            assert_int_equal(mr_zset_lex_below(z, &b, inclusive), want);
        }
    mr_zset_lex lo = {MR_LEX_MIN, NULL, 0}, hi = {MR_LEX_MAX, NULL, 0};
    assert_int_equal(mr_zset_lex_below(z, &lo, 0), 0);
    assert_int_equal(mr_zset_lex_below(z, &hi, 0), model_n);
}

static void random_ops(mr_zsetval *z, int steps, int long_names, int lex) {
    char name[80];
    for (int step = 0; step < steps; step++) {
        unsigned op = (unsigned)(next() % 10);
        size_t mn = random_name(name, long_names);
        if (op < 6) {
            double score = lex ? 0 : random_score();
            long i = model_find(name, mn);
            assert_int_equal(mr_zset_set(z, name, mn, score), i < 0);
            model_set(name, mn, score);
        } else if (op < 9) {
            long i = model_find(name, mn);
            assert_int_equal(mr_zset_remove(z, name, mn), i >= 0);
            if (i >= 0) model_remove_at((size_t)i);
        } else if (model_n > 0) {
            size_t a = (size_t)(next() % model_n), b = a + (size_t)(next() % 4);
            if (b > model_n) b = model_n;
            mr_zset_remove_ranks(z, a, b);
            for (size_t k = a; k < b; k++) model_remove_at(a);
        }
        check_against_model(z);
        if (lex) check_lex(z);
    }
}

static void listpack_stays_small(void **state) {
    (void)state;
    model_n = 0;
    mr_zsetval *z = mr_zset_new(0, 0);
    /* At most 100 names: it never needs a skip list. */
    char name[16];
    for (int i = 0; i < 400; i++) {
        size_t n = (size_t)snprintf(name, sizeof name, "m%u", (unsigned)(next() % 100));
        double s = random_score();
        mr_zset_set(z, name, n, s);
        model_set(name, n, s);
    }
    assert_int_equal(z->hdr.encoding, MR_ENC_LISTPACK);
    check_against_model(z);
    mr_zset_free(z);
}

static void both_encodings_random(void **state) {
    (void)state;
    for (int lex = 0; lex <= 1; lex++) {
        model_n = 0;
        mr_zsetval *z = mr_zset_new(0, 0);
        random_ops(z, 3000, 1, lex);
        assert_int_equal(z->hdr.encoding, MR_ENC_SKIPLIST);
        mr_zset_free(z);
        model_n = 0;
        z = mr_zset_new(1000, 0);
        assert_int_equal(z->hdr.encoding, MR_ENC_SKIPLIST);
        random_ops(z, 3000, 0, lex);
        mr_zset_free(z);
    }
}

static void conversion_thresholds(void **state) {
    (void)state;
    mr_zsetval *z = mr_zset_new(0, 0);
    char name[16];
    for (int i = 0; i < MR_ZSET_LISTPACK_ENTRIES; i++) {
        size_t n = (size_t)snprintf(name, sizeof name, "m%d", i);
        mr_zset_set(z, name, n, i);
    }
    assert_int_equal(z->hdr.encoding, MR_ENC_LISTPACK);
    mr_zset_set(z, "last", 4, 1000);
    assert_int_equal(z->hdr.encoding, MR_ENC_SKIPLIST);
    mr_zset_free(z);

    z = mr_zset_new(0, 0);
    char long_name[MR_ZSET_LISTPACK_VALUE + 1];
    memset(long_name, 'x', sizeof long_name);
    mr_zset_set(z, long_name, MR_ZSET_LISTPACK_VALUE, 1);
    assert_int_equal(z->hdr.encoding, MR_ENC_LISTPACK);
    mr_zset_set(z, long_name, MR_ZSET_LISTPACK_VALUE + 1, 2);
    assert_int_equal(z->hdr.encoding, MR_ENC_SKIPLIST);
    /* Back to a listpack once the long member is gone. */
    mr_zset_remove(z, long_name, MR_ZSET_LISTPACK_VALUE + 1);
    mr_zset_shrink_if_small(z);
    assert_int_equal(z->hdr.encoding, MR_ENC_LISTPACK);
    assert_int_equal(mr_zset_len(z), 1);
    mr_zset_free(z);
}

static void negative_zero(void **state) {
    (void)state;
    double s;
    mr_zsetval *z = mr_zset_new(0, 0);
    mr_zset_set(z, "a", 1, -0.0);
    assert_true(mr_zset_score(z, "a", 1, &s));
    assert_false(signbit(s)); /* a listpack stores -0 as 0 */
    mr_zset_free(z);
    z = mr_zset_new(1000, 0);
    mr_zset_set(z, "a", 1, -0.0);
    assert_true(mr_zset_score(z, "a", 1, &s));
    assert_true(signbit(s)); /* a skip list keeps the sign */
    mr_zset_free(z);
}

static void dup_and_shrink(void **state) {
    (void)state;
    for (int big = 0; big <= 1; big++) {
        model_n = 0;
        mr_zsetval *z = mr_zset_new(big ? 1000 : 0, 0);
        random_ops(z, 200, 0, 0);
        mr_zsetval *d = mr_zset_dup(z);
        assert_int_equal(d->hdr.encoding, z->hdr.encoding);
        check_against_model(d);
        mr_zset_shrink_if_small(d);
        check_against_model(d);
        mr_zset_free(z);
        mr_zset_free(d);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listpack_stays_small),  cmocka_unit_test(both_encodings_random),
        cmocka_unit_test(conversion_thresholds), cmocka_unit_test(negative_zero),
        cmocka_unit_test(dup_and_shrink),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
