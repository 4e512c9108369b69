/* tests/list_test.c - the list value (server/list.c) against a plain
 * array model: pushes and pops at both ends, walks both ways from any
 * index, deletion and insertion while walking, replacement, range
 * deletion; elements of every size (empty, varint boundaries, larger than
 * a node), so nodes fill, split and empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "list.h"

/* ---- the model: an array of owned strings ---- */

typedef struct elem {
    char *s;
    size_t n;
} elem;

typedef struct model {
    elem *v;
    size_t len, cap;
} model;

static void model_insert(model *m, size_t at, const char *s, size_t n) {
    if (m->len == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->v = realloc(m->v, m->cap * sizeof *m->v);
    }
    memmove(&m->v[at + 1], &m->v[at], (m->len - at) * sizeof *m->v);
    m->v[at].s = malloc(n + 1);
    memcpy(m->v[at].s, s, n);
    m->v[at].n = n;
    m->len++;
}

static void model_delete(model *m, size_t at) {
    free(m->v[at].s);
    memmove(&m->v[at], &m->v[at + 1], (m->len - at - 1) * sizeof *m->v);
    m->len--;
}

static void model_free(model *m) {
    while (m->len > 0) model_delete(m, m->len - 1);
    free(m->v);
}

/* ---- values of every size ---- */

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Sizes around the varint boundaries and past a node's 8 KiB. */
static size_t random_size(void) {
    static const size_t sizes[] = {0, 1, 2, 127, 128, 129, 300, 8000, 8192, 9000, 16383, 16384};
    uint64_t r = next() % 100;
    if (r < 80) return (size_t)(next() % 24);
    return sizes[next() % (sizeof sizes / sizeof sizes[0])];
}

static char buf[20000];

static size_t random_value(void) {
    size_t n = random_size();
    for (size_t i = 0; i < n; i++) buf[i] = (char)(next() & 0xff);
    return n;
}

/* ---- checks ---- */

static void same_elem(const char *s, size_t n, const elem *e) {
    assert_int_equal(n, e->n);
    if (n != 0) assert_memory_equal(s, e->s, n);
}

/* The whole list, walked forward from 0 and backward from the end. */
static void check_whole(mr_list *l, const model *m) {
    assert_int_equal(l->len, m->len);
    mr_list_iter it;
    const char *s;
    size_t n, i = 0;
    mr_list_iter_init(&it, l, 0, 1);
    while (mr_list_iter_next(&it, &s, &n)) same_elem(s, n, &m->v[i++]);
    assert_int_equal(i, m->len);
    mr_list_iter_init(&it, l, m->len - 1, 0);
    while (mr_list_iter_next(&it, &s, &n)) same_elem(s, n, &m->v[--i]);
    assert_int_equal(i, 0);
}

static void check_at(mr_list *l, const model *m, size_t index) {
    mr_list_iter it;
    const char *s;
    size_t n;
    mr_list_iter_init(&it, l, index, next() & 1);
    assert_true(mr_list_iter_next(&it, &s, &n));
    same_elem(s, n, &m->v[index]);
    mr_list_get(l, index, &s, &n);
    same_elem(s, n, &m->v[index]);
    mr_list_get_end(l, MR_LIST_HEAD, &s, &n);
    same_elem(s, n, &m->v[0]);
    mr_list_get_end(l, MR_LIST_TAIL, &s, &n);
    same_elem(s, n, &m->v[m->len - 1]);
}

/* ---- tests ---- */

static void test_push_pop_both_ends(void **state) {
    (void)state;
    mr_list *l = mr_list_new();
    model m = {0};
    for (int i = 0; i < 20000; i++) {
        uint64_t op = next() % 10;
        if (op < 6 || m.len == 0) {
            size_t n = random_value();
            int head = next() & 1;
            mr_list_push(l, head ? MR_LIST_HEAD : MR_LIST_TAIL, buf, n);
            model_insert(&m, head ? 0 : m.len, buf, n);
        } else {
            int head = next() & 1;
            check_at(l, &m, head ? 0 : m.len - 1);
            mr_list_pop(l, head ? MR_LIST_HEAD : MR_LIST_TAIL);
            model_delete(&m, head ? 0 : m.len - 1);
        }
        if (m.len > 0 && i % 97 == 0) check_at(l, &m, (size_t)(next() % m.len));
    }
    check_whole(l, &m);
    while (m.len > 0) {
        mr_list_pop(l, MR_LIST_TAIL);
        model_delete(&m, m.len - 1);
    }
    assert_null(l->head);
    assert_null(l->tail);
    mr_list_free(l);
    model_free(&m);
}

static void fill(mr_list *l, model *m, size_t count) {
    for (size_t i = 0; i < count; i++) {
        size_t n = random_value();
        mr_list_push(l, MR_LIST_TAIL, buf, n);
        model_insert(m, m->len, buf, n);
    }
}

/* Insertion before and after an element anywhere, splitting full nodes. */
static void test_insert_anywhere(void **state) {
    (void)state;
    mr_list *l = mr_list_new();
    model m = {0};
    fill(l, &m, 50);
    for (int i = 0; i < 3000; i++) {
        size_t at = (size_t)(next() % m.len);
        int after = next() & 1;
        mr_list_iter it;
        const char *s;
        size_t n;
        mr_list_iter_init(&it, l, at, next() & 1);
        assert_true(mr_list_iter_next(&it, &s, &n));
        size_t vn = random_value();
        mr_list_iter_insert(&it, after, buf, vn);
        model_insert(&m, at + (size_t)after, buf, vn);
        if (i % 250 == 0) check_whole(l, &m);
    }
    check_whole(l, &m);
    mr_list_free(l);
    model_free(&m);
}

/* Deleting while walking either way keeps the walk on the next element. */
static void test_delete_while_walking(void **state) {
    (void)state;
    for (int round = 0; round < 40; round++) {
        mr_list *l = mr_list_new();
        model m = {0};
        fill(l, &m, 1 + (size_t)(next() % 600));
        int forward = round & 1;
        size_t start = (size_t)(next() % m.len), index = start;
        mr_list_iter it;
        const char *s;
        size_t n;
        mr_list_iter_init(&it, l, start, forward);
        while (mr_list_iter_next(&it, &s, &n)) {
            same_elem(s, n, &m.v[index]);
            if (next() % 3 != 0) {
                mr_list_iter_delete(&it);
                model_delete(&m, index);
                if (forward) continue; /* the next element is now at index */
            } else if (forward) {
                index++;
                continue;
            }
            if (index == 0) {
                assert_false(mr_list_iter_next(&it, &s, &n));
                break;
            }
            index--;
        }
        check_whole(l, &m);
        mr_list_free(l);
        model_free(&m);
    }
}

static void test_replace(void **state) {
    (void)state;
    mr_list *l = mr_list_new();
    model m = {0};
    fill(l, &m, 300);
    for (int i = 0; i < 2000; i++) {
        size_t at = (size_t)(next() % m.len);
        mr_list_iter it;
        const char *s;
        size_t n;
        mr_list_iter_init(&it, l, at, 1);
        assert_true(mr_list_iter_next(&it, &s, &n));
        size_t vn = random_value();
        mr_list_iter_replace(&it, buf, vn);
        model_delete(&m, at);
        model_insert(&m, at, buf, vn);
        check_at(l, &m, at);
    }
    check_whole(l, &m);
    mr_list_free(l);
    model_free(&m);
}

static void test_delete_range(void **state) {
    (void)state;
    for (int round = 0; round < 300; round++) {
        mr_list *l = mr_list_new();
        model m = {0};
        fill(l, &m, (size_t)(next() % 800));
        size_t start = m.len ? (size_t)(next() % (m.len + 2)) : 0;
        size_t count = (size_t)(next() % (m.len + 3));
        mr_list_delete_range(l, start, count);
        for (size_t k = 0; k < count && start < m.len; k++) model_delete(&m, start);
        if (m.len > 0) check_whole(l, &m);
        else assert_null(l->head);
        assert_int_equal(l->len, m.len);
        mr_list_free(l);
        model_free(&m);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_pop_both_ends), cmocka_unit_test(test_insert_anywhere),
        cmocka_unit_test(test_delete_while_walking), cmocka_unit_test(test_replace),
        cmocka_unit_test(test_delete_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
