/* tests/dict_test.c - the server's hash table: binary keys, value
 * ownership, incremental rehashing, SCAN's guarantee across resizes,
 * random sampling, iteration with deletion, the hash seed. */
#define _POSIX_C_SOURCE 200809L /* popen, setenv */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dict.h"

static const char *self_path;

/* ---- values: counted, so each is freed exactly once ---- */

static long freed;

static void count_free(void *p) {
    freed++;
    free(p);
}

static uint32_t *new_val(uint32_t id) {
    uint32_t *v = malloc(sizeof *v);
    assert_non_null(v);
    *v = id;
    return v;
}

/* ---- keys: a tag, NULs and the id inside, varying lengths ---- */

#define KEY_MAX 16

static size_t make_key(char *buf, char tag, uint32_t id) {
    static const char tail[] = {'\0', 'x', '\377', '\0', 'y'};
    buf[0] = tag;
    buf[1] = '\0';
    for (int i = 0; i < 4; i++) buf[2 + i] = (char)(id >> (8 * i));
    size_t extra = id % 6;
    memcpy(buf + 6, tail, extra);
    return 6 + extra;
}

static uint32_t key_id(const mr_dict_entry *e) {
    uint32_t id = 0;
    for (int i = 0; i < 4; i++) id |= (uint32_t)(unsigned char)e->key[2 + i] << (8 * i);
    return id;
}

static mr_dict_entry *add(mr_dict *d, char tag, uint32_t id, int with_val) {
    char k[KEY_MAX];
    size_t n = make_key(k, tag, id);
    int created = -1;
    mr_dict_entry *e = mr_dict_upsert(d, k, n, &created);
    assert_int_equal(created, 1);
    if (with_val) e->v.ptr = new_val(id);
    return e;
}

static mr_dict_entry *find(mr_dict *d, char tag, uint32_t id) {
    char k[KEY_MAX];
    return mr_dict_find(d, k, make_key(k, tag, id));
}

static int del(mr_dict *d, char tag, uint32_t id) {
    char k[KEY_MAX];
    return mr_dict_delete(d, k, make_key(k, tag, id));
}

/* Inserts tag keys from *next on until a resize is under way. */
static void add_until_rehashing(mr_dict *d, char tag, uint32_t *next) {
    while (!mr_dict_is_rehashing(d)) add(d, tag, (*next)++, 0);
}

/* ---- tests ---- */

static void noop_scan(void *ud, mr_dict_entry *e) {
    (void)e;
    ++*(int *)ud;
}

static void test_empty(void **state) {
    (void)state;
    mr_dict *d = mr_dict_create(count_free);
    assert_int_equal(mr_dict_size(d), 0);
    assert_null(mr_dict_find(d, "a", 1));
    assert_int_equal(mr_dict_delete(d, "a", 1), 0);
    void *v = &v;
    assert_int_equal(mr_dict_take(d, "a", 1, &v), 0);
    uint64_t rng = 1;
    assert_null(mr_dict_random(d, &rng));
    int calls = 0;
    assert_int_equal(mr_dict_scan(d, 0, noop_scan, &calls), 0);
    assert_int_equal(calls, 0);
    mr_dict_iter it;
    mr_dict_iter_init(&it, d);
    assert_null(mr_dict_iter_next(&it));
    mr_dict_iter_done(&it);
    assert_int_equal(mr_dict_rehash(d, 10), 0);
    assert_false(mr_dict_is_rehashing(d));
    mr_dict_clear(d);
    mr_dict_free(d);
    mr_dict_free(NULL);
}

static void test_add_find_delete_100k_binary_keys(void **state) {
    (void)state;
    enum { N = 100000 };
    freed = 0;
    mr_dict *d = mr_dict_create(count_free);
    for (uint32_t i = 0; i < N; i++) {
        mr_dict_entry *e = add(d, 'k', i, 0);
        /* A new entry's value is zeroed; the key is copied, NUL after it. */
        assert_null(e->v.ptr);
        assert_int_equal(e->v.s64, 0);
        char k[KEY_MAX];
        size_t n = make_key(k, 'k', i);
        assert_int_equal(e->klen, n);
        assert_memory_equal(e->key, k, n);
        assert_int_equal(e->key[n], '\0');
        e->v.ptr = new_val(i);
    }
    assert_int_equal(mr_dict_size(d), N);
    for (uint32_t i = 0; i < N; i++) {
        char k[KEY_MAX];
        size_t n = make_key(k, 'k', i);
        mr_dict_entry *e = mr_dict_find(d, k, n);
        assert_non_null(e);
        assert_int_equal(*(uint32_t *)e->v.ptr, i);
        /* Upserting an existing key returns it unchanged. */
        int created = -1;
        assert_ptr_equal(mr_dict_upsert(d, k, n, &created), e);
        assert_int_equal(created, 0);
        /* A prefix (cut before a NUL or not) and another tag are other keys. */
        assert_null(mr_dict_find(d, k, n - 1));
        k[0] = 'K';
        assert_null(mr_dict_find(d, k, n));
    }
    assert_int_equal(mr_dict_size(d), N);
    assert_int_equal(freed, 0);

    for (uint32_t i = 0; i < N; i += 2) assert_int_equal(del(d, 'k', i), 1);
    assert_int_equal(freed, N / 2);
    for (uint32_t i = 0; i < N; i += 2) assert_int_equal(del(d, 'k', i), 0);
    assert_int_equal(freed, N / 2);
    assert_int_equal(mr_dict_size(d), N / 2);
    for (uint32_t i = 0; i < N; i++) {
        mr_dict_entry *e = find(d, 'k', i);
        if (i % 2 == 0) {
            assert_null(e);
        } else {
            assert_non_null(e);
            assert_int_equal(*(uint32_t *)e->v.ptr, i);
        }
    }
    /* Deleting with the entry's own key bytes is fine. */
    mr_dict_entry *e = find(d, 'k', 1);
    assert_int_equal(mr_dict_delete(d, e->key, e->klen), 1);
    assert_int_equal(freed, N / 2 + 1);

    mr_dict_free(d);
    assert_int_equal(freed, N);
}

static void test_empty_and_nul_keys_are_distinct(void **state) {
    (void)state;
    mr_dict *d = mr_dict_create(NULL);
    int created;
    mr_dict_entry *e0 = mr_dict_upsert(d, NULL, 0, &created);
    assert_int_equal(created, 1);
    mr_dict_entry *e1 = mr_dict_upsert(d, "\0", 1, &created);
    assert_int_equal(created, 1);
    mr_dict_entry *e2 = mr_dict_upsert(d, "\0\0", 2, &created);
    assert_int_equal(created, 1);
    e0->v.s64 = -1;
    e1->v.s64 = INT64_MAX;
    e2->v.s64 = INT64_MIN;
    assert_ptr_equal(mr_dict_find(d, "", 0), e0);
    assert_ptr_equal(mr_dict_find(d, "\0", 1), e1);
    assert_ptr_equal(mr_dict_find(d, "\0\0\0", 2), e2);
    assert_int_equal(e0->key[0], '\0');
    assert_int_equal(mr_dict_find(d, "", 0)->v.s64, -1);
    assert_int_equal(mr_dict_delete(d, "", 0), 1);
    assert_null(mr_dict_find(d, "", 0));
    assert_int_equal(mr_dict_find(d, "\0", 1)->v.s64, INT64_MAX);
    assert_int_equal(mr_dict_size(d), 2);
    mr_dict_free(d);
}

static void check_all_present(mr_dict *d, char tag, uint32_t from, uint32_t to) {
    for (uint32_t i = from; i < to; i++) {
        mr_dict_entry *e = find(d, tag, i);
        assert_non_null(e);
        assert_int_equal(key_id(e), i);
    }
}

static void test_rehash_progress(void **state) {
    (void)state;
    enum { N = 20000 };
    mr_dict *d = mr_dict_create(NULL);
    int was = 0, starts = 0, ends = 0, finds_while_rehashing = 0;
    for (uint32_t i = 0; i < N; i++) {
        add(d, 'r', i, 0);
        int now = mr_dict_is_rehashing(d);
        if (now && !was) {
            starts++;
            /* Both tables are searched mid-resize. */
            check_all_present(d, 'r', 0, i + 1);
            finds_while_rehashing++;
        }
        if (!now && was) ends++;
        /* The finds above move buckets too, and may finish the resize. */
        if (now && !mr_dict_is_rehashing(d)) ends++;
        was = mr_dict_is_rehashing(d);
    }
    /* 4 buckets doubling past 20000 entries: 13 resizes. */
    assert_true(starts >= 12);
    assert_true(ends >= starts - 1);
    assert_true(finds_while_rehashing > 0);

    /* mr_dict_rehash does a bounded amount per call, then finishes. */
    uint32_t next = N;
    while (mr_dict_size(d) < 40000 || !mr_dict_is_rehashing(d)) add(d, 'r', next++, 0);
    assert_int_equal(mr_dict_rehash(d, 1), 1);
    assert_true(mr_dict_is_rehashing(d));
    assert_int_equal(mr_dict_rehash(d, INT_MAX), 0);
    assert_false(mr_dict_is_rehashing(d));
    check_all_present(d, 'r', 0, next);

    /* Deleting shrinks, incrementally too. */
    int shrinks = 0;
    was = 0;
    for (uint32_t i = 0; i < next; i++) {
        assert_int_equal(del(d, 'r', i), 1);
        int now = mr_dict_is_rehashing(d);
        if (now && !was) {
            shrinks++;
            check_all_present(d, 'r', i + 1, next);
        }
        was = now;
    }
    assert_true(shrinks >= 5);
    assert_int_equal(mr_dict_size(d), 0);

    /* An open iterator pauses the moves; closing it lets them go on. */
    next = 0;
    for (uint32_t i = 0; i < 3000; i++) add(d, 'p', next++, 0);
    add_until_rehashing(d, 'p', &next);
    mr_dict_iter it;
    mr_dict_iter_init(&it, d);
    assert_non_null(mr_dict_iter_next(&it));
    assert_int_equal(mr_dict_rehash(d, 100000), 1);
    for (int k = 0; k < 10000; k++) assert_non_null(find(d, 'p', (uint32_t)k % next));
    assert_true(mr_dict_is_rehashing(d));
    mr_dict_iter_done(&it);
    assert_int_equal(mr_dict_rehash(d, INT_MAX), 0);
    assert_false(mr_dict_is_rehashing(d));
    check_all_present(d, 'p', 0, next);
    mr_dict_free(d);
}

/* ---- SCAN ---- */

typedef struct scan_ctx {
    mr_dict *d;
    unsigned *seen_stable; /* per stable id */
    uint32_t nstable;
    long other;
    int delete_temp; /* the callback deletes the temp entries it gets */
    long deleted_by_callback;
} scan_ctx;

static void scan_record(void *ud, mr_dict_entry *e) {
    scan_ctx *c = ud;
    uint32_t id = key_id(e);
    if (e->key[0] == 'S') {
        assert_true(id < c->nstable);
        c->seen_stable[id]++;
    } else {
        assert_int_equal(e->key[0], 'T');
        c->other++;
        if (c->delete_temp) {
            assert_int_equal(mr_dict_delete(c->d, e->key, e->klen), 1);
            c->deleted_by_callback++;
        }
    }
}

enum { SCAN_STABLE = 500, SCAN_TEMP_MAX = 20000 };

typedef struct churn {
    uint32_t lo, hi; /* temp keys [lo, hi) are present */
    uint64_t rng;
    uint32_t cap; /* at most this many temp keys */
} churn;

static uint64_t xs(uint64_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void churn_add(mr_dict *d, churn *c, int n) {
    for (int i = 0; i < n && c->hi - c->lo < c->cap; i++) add(d, 'T', c->hi++, 0);
}

static void churn_del(mr_dict *d, churn *c, int n) {
    for (int i = 0; i < n && c->lo < c->hi; i++) assert_int_equal(del(d, 'T', c->lo++), 1);
}

/* mode 0: grows during the scan; 1: shrinks; 2: both, at random;
 * 3: no change (each entry exactly once); 4: the callback deletes. */
static void run_scan(int mode, uint64_t seed) {
    mr_dict *d = mr_dict_create(NULL);
    unsigned seen[SCAN_STABLE];
    scan_ctx ctx = {d, seen, SCAN_STABLE, 0, mode == 4, 0};
    /* The random mode stays smaller: a scan takes a call per bucket. */
    churn ch = {0, 0, 0x9e3779b97f4a7c15ull * (seed + 1) + (uint64_t)mode,
                mode == 2 ? 3000 : SCAN_TEMP_MAX};
    for (uint32_t i = 0; i < SCAN_STABLE; i++) add(d, 'S', i, 0);
    if (mode == 1 || mode == 4) churn_add(d, &ch, SCAN_TEMP_MAX);
    if (mode == 3) mr_dict_rehash(d, INT_MAX);
    memset(seen, 0, sizeof seen);
    uint64_t cursor = 0;
    long calls = 0, calls_rehashing = 0;
    do {
        if (mr_dict_is_rehashing(d)) calls_rehashing++;
        cursor = mr_dict_scan(d, cursor, scan_record, &ctx);
        calls++;
        assert_true(calls < 1000000);
        switch (mode) {
        case 0:
            churn_add(d, &ch, 40);
            break;
        case 1:
            churn_del(d, &ch, 60);
            break;
        case 2:
            if (xs(&ch.rng) % 2) churn_add(d, &ch, (int)(xs(&ch.rng) % 100));
            else churn_del(d, &ch, (int)(xs(&ch.rng) % 100));
            if (xs(&ch.rng) % 4 == 0) mr_dict_rehash(d, (int)(xs(&ch.rng) % 64));
            break;
        default:
            break;
        }
    } while (cursor != 0);
    for (uint32_t i = 0; i < SCAN_STABLE; i++) {
        if (seen[i] == 0) fail_msg("mode %d: stable key %u never returned", mode, i);
        if (mode == 3) assert_int_equal(seen[i], 1);
    }
    if (mode <= 2) assert_true(calls_rehashing > 0);
    if (mode == 3) assert_int_equal(calls_rehashing, 0);
    if (mode == 4) {
        assert_int_equal(ctx.deleted_by_callback, SCAN_TEMP_MAX);
        assert_int_equal(mr_dict_size(d), SCAN_STABLE);
    }
    mr_dict_free(d);
}

static void test_scan_while_growing(void **state) {
    (void)state;
    run_scan(0, 0);
}

static void test_scan_while_shrinking(void **state) {
    (void)state;
    run_scan(1, 0);
}

static void test_scan_while_growing_and_shrinking(void **state) {
    (void)state;
    for (uint64_t seed = 0; seed < 8; seed++) run_scan(2, seed);
}

static void test_scan_stable_table_returns_each_once(void **state) {
    (void)state;
    run_scan(3, 0);
}

static void test_scan_callback_may_delete_its_entry(void **state) {
    (void)state;
    run_scan(4, 0);
}

/* The cursor sequence stays valid whatever resizes happen between calls:
 * start scans at many table sizes, each resized in both directions. */
static void test_scan_across_many_sizes(void **state) {
    (void)state;
    for (uint32_t stable = 1; stable <= 300; stable = stable * 3 + 1) {
        for (int dir = 0; dir < 2; dir++) {
            mr_dict *d = mr_dict_create(NULL);
            unsigned seen[SCAN_STABLE];
            scan_ctx ctx = {d, seen, stable, 0, 0, 0};
            churn ch = {0, 0, 1, SCAN_TEMP_MAX};
            for (uint32_t i = 0; i < stable; i++) add(d, 'S', i, 0);
            if (dir == 1) churn_add(d, &ch, 5000);
            memset(seen, 0, sizeof seen);
            uint64_t cursor = 0;
            int step = 0;
            do {
                cursor = mr_dict_scan(d, cursor, scan_record, &ctx);
                /* Jump between sizes: bursts of adds or deletes. */
                if (dir == 0) churn_add(d, &ch, 1 << (step % 10));
                else churn_del(d, &ch, 1 << (step % 10));
                step++;
            } while (cursor != 0);
            for (uint32_t i = 0; i < stable; i++) assert_true(seen[i] > 0);
            mr_dict_free(d);
        }
    }
}

/* ---- random ---- */

static void test_random(void **state) {
    (void)state;
    enum { SMALL = 10 };
    mr_dict *d = mr_dict_create(NULL);
    uint64_t rng = 0; /* a zero state is replaced, not stuck */
    assert_null(mr_dict_random(d, &rng));
    for (uint32_t i = 0; i < SMALL; i++) add(d, 'q', i, 0);
    mr_dict_rehash(d, INT_MAX); /* the layout must not move between runs */
    int hits[SMALL] = {0};
    uint32_t first[64];
    for (int k = 0; k < 20000; k++) {
        mr_dict_entry *e = mr_dict_random(d, &rng);
        assert_non_null(e);
        uint32_t id = key_id(e);
        assert_true(id < SMALL);
        assert_ptr_equal(find(d, 'q', id), e);
        hits[id]++;
        if (k < 64) first[k] = id;
    }
    /* Not uniform (an entry sharing a bucket is drawn less often), but
     * no entry is starved: expected 2000 each. */
    for (int i = 0; i < SMALL; i++) assert_true(hits[i] > 250);
    /* The caller's state makes it repeatable. */
    rng = 0;
    for (int k = 0; k < 64; k++) assert_int_equal(key_id(mr_dict_random(d, &rng)), first[k]);

    /* Mid-resize (held there by an iterator), entries of both tables. */
    uint32_t next = SMALL;
    for (uint32_t i = 0; i < 200; i++) add(d, 'q', next++, 0);
    add_until_rehashing(d, 'q', &next);
    mr_dict_iter it;
    mr_dict_iter_init(&it, d);
    assert_non_null(mr_dict_iter_next(&it));
    int *seen = calloc(next, sizeof *seen);
    assert_non_null(seen);
    rng = 42;
    for (int k = 0; k < 40000; k++) {
        mr_dict_entry *e = mr_dict_random(d, &rng);
        uint32_t id = key_id(e);
        assert_true(id < next);
        assert_ptr_equal(find(d, 'q', id), e);
        seen[id]++;
    }
    assert_true(mr_dict_is_rehashing(d));
    /* Expected about 155 each. */
    for (uint32_t i = 0; i < next; i++) assert_true(seen[i] > 15);
    mr_dict_iter_done(&it);
    free(seen);
    mr_dict_free(d);
}

/* ---- iteration ---- */

/* Iterates over keys 'i' 0..n-1 (present[id] says which exist),
 * deleting every entry returned (delete_all) or the odd ids; each present
 * key must come back exactly once. */
static void iterate_deleting(mr_dict *d, unsigned char *present, uint32_t n, int delete_all) {
    unsigned *seen = calloc(n, sizeof *seen);
    assert_non_null(seen);
    long before = freed;
    uint32_t expect = 0;
    for (uint32_t i = 0; i < n; i++) expect += present[i];
    assert_int_equal(mr_dict_size(d), expect);
    mr_dict_iter it;
    mr_dict_iter_init(&it, d);
    mr_dict_entry *e;
    uint32_t visited = 0, deleted = 0;
    while ((e = mr_dict_iter_next(&it)) != NULL) {
        uint32_t id = key_id(e);
        assert_true(id < n);
        assert_true(present[id]);
        seen[id]++;
        visited++;
        if (delete_all || id % 2 == 1) {
            /* The key bytes given are the entry's own, freed by the call. */
            assert_int_equal(mr_dict_delete(d, e->key, e->klen), 1);
            present[id] = 0;
            deleted++;
        }
    }
    mr_dict_iter_done(&it);
    assert_int_equal(visited, expect);
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(seen[i], seen[i] != 0 ? 1u : 0u);
        if (present[i]) assert_non_null(find(d, 'i', i));
        else assert_null(find(d, 'i', i));
    }
    assert_int_equal(freed - before, deleted);
    assert_int_equal(mr_dict_size(d), expect - deleted);
    free(seen);
}

static void test_iterator_deleting(void **state) {
    (void)state;
    enum { MAXID = 1 << 16 };
    unsigned char *present = calloc(MAXID, 1);
    assert_non_null(present);
    freed = 0;
    mr_dict *d = mr_dict_create(count_free);
    for (uint32_t i = 0; i < 1000; i++) {
        add(d, 'i', i, 1);
        present[i] = 1;
    }
    iterate_deleting(d, present, MAXID, 0);
    iterate_deleting(d, present, MAXID, 1);
    assert_int_equal(freed, 1000);
    assert_int_equal(mr_dict_size(d), 0);

    /* While a resize is under way: both tables, each entry once. */
    uint32_t next = 0;
    while (next < 1000 || !mr_dict_is_rehashing(d)) {
        assert_true(next < MAXID);
        add(d, 'i', next, 1);
        present[next++] = 1;
    }
    iterate_deleting(d, present, MAXID, 0);
    assert_true(mr_dict_size(d) > 0);

    /* Stopping early releases the pause too. */
    while (!mr_dict_is_rehashing(d)) {
        assert_true(next < MAXID);
        add(d, 'i', next, 1);
        present[next++] = 1;
    }
    mr_dict_iter it;
    mr_dict_iter_init(&it, d);
    assert_non_null(mr_dict_iter_next(&it));
    assert_int_equal(mr_dict_rehash(d, INT_MAX), 1);
    mr_dict_iter_done(&it);
    assert_int_equal(mr_dict_rehash(d, INT_MAX), 0);

    /* An iterator that ran to the end has released it already. */
    mr_dict_iter_init(&it, d);
    while (mr_dict_iter_next(&it) != NULL) {
    }
    assert_null(mr_dict_iter_next(&it));
    while (!mr_dict_is_rehashing(d)) {
        assert_true(next < MAXID);
        add(d, 'i', next, 1);
        present[next++] = 1;
    }
    assert_int_equal(mr_dict_rehash(d, INT_MAX), 0);
    mr_dict_iter_done(&it);
    mr_dict_free(d);
    free(present);
}

/* ---- clear, take ---- */

static void test_clear(void **state) {
    (void)state;
    freed = 0;
    mr_dict *d = mr_dict_create(count_free);
    uint32_t next = 0;
    for (uint32_t i = 0; i < 5000; i++) add(d, 'c', next++, 1);
    add_until_rehashing(d, 'c', &next); /* clear works mid-resize too */
    long n = (long)mr_dict_size(d);
    /* add_until_rehashing adds entries without values: free(NULL). */
    mr_dict_clear(d);
    assert_int_equal(freed, n);
    assert_int_equal(mr_dict_size(d), 0);
    assert_false(mr_dict_is_rehashing(d));
    assert_null(find(d, 'c', 0));
    for (uint32_t i = 0; i < 100; i++) add(d, 'c', i, 1);
    check_all_present(d, 'c', 0, 100);
    mr_dict_clear(d);
    mr_dict_clear(d);
    assert_int_equal(freed, n + 100);
    mr_dict_free(d);
    assert_int_equal(freed, n + 100);
}

static void test_take(void **state) {
    (void)state;
    freed = 0;
    mr_dict *d = mr_dict_create(count_free);
    for (uint32_t i = 0; i < 100; i++) add(d, 't', i, 1);
    char k[KEY_MAX];
    void *v = NULL;
    assert_int_equal(mr_dict_take(d, k, make_key(k, 't', 7), &v), 1);
    assert_non_null(v);
    assert_int_equal(*(uint32_t *)v, 7);
    assert_int_equal(freed, 0);
    free(v);
    assert_null(find(d, 't', 7));
    assert_int_equal(mr_dict_take(d, k, make_key(k, 't', 7), &v), 0);
    assert_int_equal(mr_dict_size(d), 99);
    /* Take everything: no free_val call at all. */
    for (uint32_t i = 0; i < 100; i++) {
        if (i == 7) continue;
        v = NULL;
        assert_int_equal(mr_dict_take(d, k, make_key(k, 't', i), &v), 1);
        assert_int_equal(*(uint32_t *)v, i);
        free(v);
    }
    assert_int_equal(mr_dict_size(d), 0);
    assert_int_equal(freed, 0);
    mr_dict_free(d);
    assert_int_equal(freed, 0);
}

/* ---- hash ---- */

static uint64_t hash_in_child(const char *seed) {
    char cmd[4096];
    if (seed != NULL) {
        setenv("MR_HASH_SEED", seed, 1);
    } else {
        unsetenv("MR_HASH_SEED");
    }
    snprintf(cmd, sizeof cmd, "'%s' --print-hash", self_path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    unsigned long long h = 0;
    assert_int_equal(fscanf(f, "%llx", &h), 1);
    assert_int_equal(pclose(f), 0);
    unsetenv("MR_HASH_SEED");
    return (uint64_t)h;
}

/* SipHash-1-3 known answers for the key MR_HASH_SEED=12345 gives
 * (k0, k1 = the first two splitmix64 outputs from 12345), computed by an
 * independent implementation that reproduces the SipHash-2-4 paper's
 * vectors: the empty message, 1 to 8 bytes (a whole block), a NUL inside,
 * and 64 bytes 00..3f. */
static void test_hash_known_answers(void **state) {
    (void)state;
    static const char *const want[] = {"d264d01caee154e3", "3e9a6d0a059a0205", "8e74d0451e435eab",
                                       "8f6fcca7922e37ae", "225ca18ed5af4e85", "47903d71dfa6367e"};
    char cmd[4096];
    setenv("MR_HASH_SEED", "12345", 1);
    snprintf(cmd, sizeof cmd, "'%s' --print-vectors", self_path);
    FILE *f = popen(cmd, "r");
    unsetenv("MR_HASH_SEED");
    assert_non_null(f);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char line[64];
        assert_non_null(fgets(line, sizeof line, f));
        line[strcspn(line, "\n")] = '\0';
        assert_string_equal(line, want[i]);
    }
    assert_int_equal(pclose(f), 0);
}

static void test_hash(void **state) {
    (void)state;
    assert_int_equal(mr_hash("abc", 3), mr_hash("abc", 3));
    assert_int_not_equal(mr_hash("abc", 3), mr_hash("abd", 3));
    assert_int_not_equal(mr_hash("a", 1), mr_hash("a\0", 2));
    assert_int_not_equal(mr_hash("", 0), mr_hash("\0", 1));
    assert_int_not_equal(mr_hash("12345678", 8), mr_hash("123456789", 9));
    /* Low bits (the bucket index) spread evenly over similar keys. */
    enum { KEYS = 65536, BUCKETS = 1024 };
    unsigned *count = calloc(BUCKETS, sizeof *count);
    assert_non_null(count);
    for (uint32_t i = 0; i < KEYS; i++) {
        char k[KEY_MAX];
        count[mr_hash(k, make_key(k, 'h', i)) & (BUCKETS - 1)]++;
    }
    for (int i = 0; i < BUCKETS; i++) assert_true(count[i] > 20 && count[i] < 120);
    free(count);
    /* MR_HASH_SEED fixes the per-process key; otherwise it is random. */
    uint64_t a = hash_in_child("12345"), b = hash_in_child("12345");
    uint64_t c = hash_in_child("0x3039"), e = hash_in_child("54321");
    assert_int_equal(a, b);
    assert_int_equal(a, c);
    assert_int_not_equal(a, e);
    assert_int_not_equal(hash_in_child(NULL), hash_in_child(NULL));
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--print-hash") == 0) {
        printf("%llx\n", (unsigned long long)mr_hash("hello\0world", 11));
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--print-vectors") == 0) {
        unsigned char bytes[64];
        for (int i = 0; i < 64; i++) bytes[i] = (unsigned char)i;
        const struct {
            const char *p;
            size_t n;
        } msgs[] = {{"", 0}, {"a", 1}, {"abcdefg", 7}, {"abcdefgh", 8}, {"hello\0world", 11},
                    {(const char *)bytes, 64}};
        for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
            printf("%016llx\n", (unsigned long long)mr_hash(msgs[i].p, msgs[i].n));
        return 0;
    }
    self_path = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_hash_known_answers),
        cmocka_unit_test(test_add_find_delete_100k_binary_keys),
        cmocka_unit_test(test_empty_and_nul_keys_are_distinct),
        cmocka_unit_test(test_rehash_progress),
        cmocka_unit_test(test_scan_while_growing),
        cmocka_unit_test(test_scan_while_shrinking),
        cmocka_unit_test(test_scan_while_growing_and_shrinking),
        cmocka_unit_test(test_scan_stable_table_returns_each_once),
        cmocka_unit_test(test_scan_callback_may_delete_its_entry),
        cmocka_unit_test(test_scan_across_many_sizes),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_iterator_deleting),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
