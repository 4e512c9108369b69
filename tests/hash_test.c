/* tests/hash_test.c - the hash value (server/hash.c) against a plain
 * model: sets, updates, deletes and reads in both encodings; insertion
 * order while packed; the one-way conversion at 129 fields or a field or
 * value longer than 64 bytes; random picks stay inside the hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hash.h"

typedef struct pair {
    char f[80], v[80];
    size_t fn, vn;
    int live;
} pair;

#define MODEL_MAX 1200
_Static_assert(MODEL_MAX > 2 * MR_HASH_LISTPACK_ENTRIES, "a run must grow into a table");
static pair model[MODEL_MAX];
static size_t order[MODEL_MAX], norder; /* live fields in insertion order */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void reset_model(void) {
    memset(model, 0, sizeof model);
    norder = 0;
}

/* Field i's name: short, except a few long ones when long_ok. */
static void make_field(size_t i, int long_ok) {
    pair *p = &model[i];
    p->fn = (size_t)snprintf(p->f, sizeof p->f, "f%zu", i);
    if (long_ok && i % 50 == 49) {
        memset(p->f + p->fn, 'x', 65 - p->fn);
        p->fn = 65;
    }
}

static void make_value(pair *p, int long_ok) {
    size_t n = (size_t)(next() % (long_ok ? 70 : 64));
    for (size_t k = 0; k < n; k++) p->v[k] = (char)(next() & 0xff);
    p->vn = n;
}

static void model_set(size_t i) {
    if (!model[i].live) order[norder++] = i;
    model[i].live = 1;
}

static void model_delete(size_t i) {
    model[i].live = 0;
    for (size_t k = 0; k < norder; k++)
        if (order[k] == i) {
            memmove(&order[k], &order[k + 1], (norder - k - 1) * sizeof order[0]);
            norder--;
            return;
        }
}

static void check(const mr_hashval *h, size_t universe) {
    assert_int_equal(mr_hash_len(h), norder);
    for (size_t i = 0; i < universe; i++) {
        const char *v;
        size_t vn;
        int found = mr_hash_get(h, model[i].f, model[i].fn, &v, &vn);
        assert_int_equal(found, model[i].live);
        if (found) {
            assert_int_equal(vn, model[i].vn);
            if (vn) assert_memory_equal(v, model[i].v, vn);
        }
    }
    mr_hash_iter it;
    const char *f, *v;
    size_t fn, vn, k = 0;
    mr_hash_iter_init(&it, h);
    while (mr_hash_iter_next(&it, &f, &fn, &v, &vn)) {
        if (h->hdr.encoding == MR_ENC_LISTPACK) {
            const pair *p = &model[order[k]];
            assert_int_equal(fn, p->fn);
            assert_memory_equal(f, p->f, fn);
        }
        k++;
    }
    mr_hash_iter_done(&it);
    assert_int_equal(k, norder);
}

static void run(size_t universe, int long_ok, int steps) {
    reset_model();
    for (size_t i = 0; i < universe; i++) make_field(i, long_ok);
    mr_hashval *h = mr_hash_new();
    int was_table = 0;
    for (int s = 0; s < steps; s++) {
        size_t i = (size_t)(next() % universe);
        if (next() % 3 != 0) {
            make_value(&model[i], long_ok);
            int created = mr_hash_set(h, model[i].f, model[i].fn, model[i].v, model[i].vn);
            assert_int_equal(created, !model[i].live);
            model_set(i);
        } else {
            assert_int_equal(mr_hash_delete(h, model[i].f, model[i].fn), model[i].live);
            model_delete(i);
        }
        /* The conversion is one way. */
        if (was_table) assert_int_equal(h->hdr.encoding, MR_ENC_HASHTABLE);
        was_table = h->hdr.encoding == MR_ENC_HASHTABLE;
        if (s % 64 == 0) check(h, universe);
        if (norder > 0 && s % 16 == 0) {
            const char *f, *v;
            size_t fn, vn;
            uint64_t r = next();
            mr_hash_random(h, &r, &f, &fn, &v, &vn);
            const char *got;
            size_t gn;
            assert_true(mr_hash_get(h, f, fn, &got, &gn));
            assert_int_equal(gn, vn);
        }
    }
    check(h, universe);
    mr_hash_free(h);
}

static void test_small_stays_packed(void **state) {
    (void)state;
    run(MR_HASH_LISTPACK_ENTRIES, 0, 5000);
}

static void test_grows_into_table(void **state) {
    (void)state;
    run(MODEL_MAX, 0, 20000);
}

static void test_long_fields_and_values(void **state) {
    (void)state;
    run(120, 1, 5000);
}

static void test_thresholds(void **state) {
    (void)state;
    mr_hashval *h = mr_hash_new();
    char f[16];
    for (int i = 0; i < MR_HASH_LISTPACK_ENTRIES; i++) {
        int n = snprintf(f, sizeof f, "f%d", i);
        mr_hash_set(h, f, (size_t)n, "v", 1);
    }
    assert_int_equal(h->hdr.encoding, MR_ENC_LISTPACK);
    mr_hash_set(h, "one-more", 8, "v", 1);
    assert_int_equal(h->hdr.encoding, MR_ENC_HASHTABLE);
    mr_hash_free(h);
    h = mr_hash_new();
    char v[65];
    memset(v, 'v', sizeof v);
    mr_hash_set(h, "f", 1, v, 64);
    assert_int_equal(h->hdr.encoding, MR_ENC_LISTPACK);
    mr_hash_set(h, "g", 1, v, 65);
    assert_int_equal(h->hdr.encoding, MR_ENC_HASHTABLE);
    mr_hash_delete(h, "g", 1);
    assert_int_equal(h->hdr.encoding, MR_ENC_HASHTABLE);
    mr_hash_free(h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_stays_packed),
        cmocka_unit_test(test_grows_into_table),
        cmocka_unit_test(test_long_fields_and_values),
        cmocka_unit_test(test_thresholds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
