/* tests/harness/shrink_test.c - respect fuzz's shrinker on synthetic
 * differences: the operations that cause one, hidden among thousands,
 * must be all that remains. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "program.h"
#include "shrink.h"

static void add(rh_program *p, int conn, const char *a0, const char *a1, const char *a2) {
    rh_op *op = rh_program_add(p, RH_OP_COMMAND, conn);
    const char *args[] = {a0, a1, a2};
    for (int i = 0; i < 3 && args[i] != NULL; i++) rh_op_push(op, args[i], strlen(args[i]));
    op->batch_end = 1;
}

static int arg_is(const rh_op *op, size_t i, const char *s) {
    return i < op->argc && op->lens[i] == strlen(s) && memcmp(op->argv[i], s, op->lens[i]) == 0;
}

/* The difference: "GET @bad" answers wrongly once "SET @bad poison" came
 * before it, on any connection; the GET is the last operation. */
static int poisoned(const rh_program *p, void *ctx) {
    size_t *calls = ctx;
    (*calls)++;
    if (p->count == 0) return 0;
    const rh_op *last = &p->ops[p->count - 1];
    if (!arg_is(last, 0, "GET") || !arg_is(last, 1, "@bad")) return 0;
    for (size_t i = 0; i + 1 < p->count; i++)
        if (arg_is(&p->ops[i], 0, "SET") && arg_is(&p->ops[i], 1, "@bad") &&
            arg_is(&p->ops[i], 2, "poison"))
            return 1;
    return 0;
}

static void build(rh_program *p, size_t n, size_t poison_at) {
    rh_program_init(p);
    char key[32], val[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(key, sizeof key, "@k%zu", i % 7);
        snprintf(val, sizeof val, "v%zu", i);
        if (i == poison_at) add(p, 1, "SET", "@bad", "poison");
        else add(p, (int)(i % 3), i % 2 ? "SET" : "GET", key, val);
    }
    add(p, 0, "GET", "@bad", "extra");
}

static void pair_hidden_in_ten_thousand(void **state) {
    (void)state;
    rh_program p;
    build(&p, 10000, 3141);
    size_t calls = 0;
    assert_true(poisoned(&p, &calls));
    rh_shrink_stats st;
    rh_shrink(&p, poisoned, &calls, 0, &st);
    assert_int_equal(p.count, 2);
    assert_true(arg_is(&p.ops[0], 2, "poison"));
    assert_int_equal(p.ops[1].argc, 2); /* the surplus argument is gone */
    assert_int_equal(st.ops_before, 10001);
    assert_int_equal(st.ops_after, 2);
    assert_int_equal(st.tests, calls - 1);
    /* delta debugging: a few hundred replays, not thousands */
    assert_true(st.tests < 400);
    assert_false(st.out_of_time);
    rh_program_free(&p);
}

/* A difference the last operation shows alone. */
static int last_alone(const rh_program *p, void *ctx) {
    (void)ctx;
    return p->count > 0 && arg_is(&p->ops[p->count - 1], 0, "PING");
}

/* As poisoned, counting the operations replayed: the shrinker's cost. */
static int poisoned_cost(const rh_program *p, void *ctx) {
    size_t *ops = ctx;
    *ops += p->count;
    size_t calls = 0;
    return poisoned(p, &calls);
}

/* The cause 20 operations before the difference, 100k operations in: the
 * replays together send a few times the short tail, not the whole run. */
static void recent_cause_costs_little(void **state) {
    (void)state;
    rh_program p;
    build(&p, 100000, 100000 - 20);
    size_t ops = 0;
    rh_shrink_stats st;
    rh_shrink(&p, poisoned_cost, &ops, 0, &st);
    assert_int_equal(p.count, 2);
    assert_true(ops < 2000);
    rh_program_free(&p);
}

static void last_operation_alone(void **state) {
    (void)state;
    rh_program p;
    build(&p, 5000, 10);
    rh_op *op = rh_program_add(&p, RH_OP_INLINE, 2);
    rh_op_push(op, "PING", 4);
    op->chunk = 3;
    rh_shrink_stats st;
    rh_shrink(&p, last_alone, NULL, 0, &st);
    assert_int_equal(p.count, 1);
    assert_int_equal(p.ops[0].kind, RH_OP_COMMAND); /* multibulk when the form does not matter */
    assert_int_equal(p.ops[0].chunk, 0);            /* sent whole */
    assert_true(st.tests < 10);
    rh_program_free(&p);
}

/* A difference that needs the inline form and the split send. */
static int needs_inline_split(const rh_program *p, void *ctx) {
    (void)ctx;
    const rh_op *op = &p->ops[p->count - 1];
    return p->count > 0 && op->kind == RH_OP_INLINE && op->chunk == 3;
}

static void keeps_what_matters(void **state) {
    (void)state;
    rh_program p;
    build(&p, 100, 10);
    rh_op *op = rh_program_add(&p, RH_OP_INLINE, 2);
    rh_op_push(op, "PING", 4);
    op->chunk = 3;
    rh_shrink_stats st;
    rh_shrink(&p, needs_inline_split, NULL, 0, &st);
    assert_int_equal(p.count, 1);
    assert_int_equal(p.ops[0].kind, RH_OP_INLINE);
    assert_int_equal(p.ops[0].chunk, 3);
    rh_program_free(&p);
}

static int slow(const rh_program *p, void *ctx) {
    (void)ctx;
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    return poisoned(p, &(size_t){0});
}

static void stops_at_its_budget(void **state) {
    (void)state;
    rh_program p;
    build(&p, 2000, 100);
    rh_shrink_stats st;
    rh_shrink(&p, slow, NULL, 50, &st);
    assert_true(st.out_of_time);
    assert_true(st.ms < 1000);
    assert_true(poisoned(&p, &(size_t){0})); /* what is left still shows it */
    rh_program_free(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pair_hidden_in_ten_thousand),
        cmocka_unit_test(recent_cause_costs_little),
        cmocka_unit_test(last_operation_alone),
        cmocka_unit_test(keeps_what_matters),
        cmocka_unit_test(stops_at_its_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
